"""Reports for the terminal and pull requests: each result as text, Markdown or JSON, and the
reporters of diagnostics, chosen from a registry by ``--format``.

May import :mod:`qplan.views` and every stage before it; never the site or the editors.
"""
