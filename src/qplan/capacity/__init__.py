"""Staffing figures: Erlang C/A, required FTE, utilisation, cost and projected SLA.

May import :mod:`qplan.core`, :mod:`qplan.load` and :mod:`qplan.model`.
"""
