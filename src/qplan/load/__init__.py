"""Reading the repository safely: settings, the one guarded file reader, training case sets.

May import only :mod:`qplan.core`.
"""
