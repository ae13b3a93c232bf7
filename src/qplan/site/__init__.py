"""The documentation site: its pages, the MkDocs project they make, the build and its page
cache.

May import :mod:`qplan.views` and every stage before it; never the reports or the editors.
"""
