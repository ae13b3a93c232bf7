"""Resources, plans, their capacity impact, lifecycle checks, the state stores and apply.

May import every stage before it: core, load, model, capacity and check.
"""
