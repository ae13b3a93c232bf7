"""Reporters by format: each report names the formats it has once, and a command hands its
result to the one ``--format`` chose (as check-jsonschema picks its reporter), instead of
comparing the format's name itself.

>>> from qplan.report.registry import Reporters
>>> shout = Reporters("greeting", text=lambda s: s + "\\n", json=lambda s: f'"{s}"\\n')
>>> shout.formats
('text', 'json')
>>> shout.render("hi", "json")
'"hi"\\n'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")

#: the formats of every report, in the order ``--help`` lists them
KNOWN_FORMATS = ("text", "markdown", "json", "github")


class Reporters(Generic[Result]):
    """The renderings of one kind of result, by format name."""

    def __init__(self, name: str, **by_format: Callable[[Result], str]) -> None:
        unknown = sorted(set(by_format) - set(KNOWN_FORMATS))
        if unknown:
            raise ValueError(f"{name}: unknown format(s) {', '.join(unknown)}")
        self.name = name
        self._by_format = dict(by_format)

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self._by_format)

    def render(self, result: Result, fmt: str) -> str:
        """``result`` in format ``fmt``; a format this report does not have is a bug in the
        command that offered it."""
        try:
            reporter = self._by_format[fmt]
        except KeyError:
            raise ValueError(f"the {self.name} report has no {fmt!r} format") from None
        return reporter(result)
