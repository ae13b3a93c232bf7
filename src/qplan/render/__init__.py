"""Output for people: reporters, reports, SOP rendering, the docs site, fmt, owners, schemas.

May import every stage before it: core, load, model, capacity, check and plan.
"""
