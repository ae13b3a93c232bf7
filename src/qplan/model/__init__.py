"""The file format (Pydantic models) and the typed ``Organisation`` built from loaded files.

May import :mod:`qplan.core` and :mod:`qplan.load`.
"""
