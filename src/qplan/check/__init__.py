"""The organisation's semantic rules and guardrails, and each queue's readiness gates.

May import :mod:`qplan.core`, :mod:`qplan.load`, :mod:`qplan.model` and :mod:`qplan.capacity`.
"""
