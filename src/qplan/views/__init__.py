"""What the reports and the site both show: Markdown cells and tables, charts, the sentences
that sum up a result, and the renderings of a scenario, a split and a project's status.

May import every stage before it (core to plan); the reports and the site build on it.
"""
