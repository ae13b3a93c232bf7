"""qplan: human content-moderation operations as code.

The package is a library first; the ``qplan`` command is a thin layer over it::

    from qplan.validate import validate_repository
    result = validate_repository("path/to/repo")
    for diagnostic in result.diagnostics:
        print(diagnostic.render())
"""

__version__ = "0.1.0"
