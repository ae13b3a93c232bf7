"""Changes to the repository's own files: ``fmt``, edits that keep comments, scaffolds for new
queues and projects, spreadsheets in and out, CODEOWNERS and the JSON schemas.

May import every stage before it; never the reports or the site.
"""
