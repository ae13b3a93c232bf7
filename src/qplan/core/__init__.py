"""The vocabulary every stage shares: errors, the rule table, diagnostics, durations, writes.

Imports nothing else of qplan; every other stage may import it.
"""
