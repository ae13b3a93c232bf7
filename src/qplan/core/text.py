"""Text from the repository (or a plan file) on its way out: to a terminal, a log or a
Markdown comment. Everything a pull request writes can reach these outputs, so each kind
of output has one function here that makes such text inert, and every report uses it."""

from __future__ import annotations

import html
import re
from typing import Any, TextIO

#: an escape sequence that only sets colours and weights (what qplan's own reports use)
_STYLE = r"\x1b\[[0-9;]{0,32}m"
#: characters that move the cursor, ring, clear, switch character sets or reorder what a
#: terminal shows: C0 controls but tab and newline, DEL, C1 controls, bidirectional
#: overrides and isolates, and the line and paragraph separators
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
_UNSAFE_FOR_TERMINAL = re.compile(rf"({_STYLE})|{_CONTROL}")


def printable(text: str) -> str:
    """``text`` as it may be written to a terminal or a log: every control character
    (ESC of an OSC 52 clipboard write or a cursor move, carriage return, bell …) shown
    as ``\\uNNNN``; plain colour codes are kept."""
    return _UNSAFE_FOR_TERMINAL.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return f"\\u{ord(match.group(0)):04x}"  # as JSON would escape it: JSON output stays valid


class PrintableStream:
    """A text stream that passes everything written to it through :func:`printable`:
    the command line wraps standard output and error in it, so no report, error or echo
    can forget to."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: what Markdown could read as markup, a link or an image (HTML is escaped as entities)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
#: a mention (``@user``, ``@org/team``, not an e-mail address) or a URL that GitHub would
#: turn into a link or a notification
_MENTION_OR_LINK = re.compile(r"(?<=(?<!\w)@)(?=\w)|(?<=:)(?=//)|(?<=\bwww)(?=\.)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def markdown_text(value: Any) -> str:
    """A value from the repository or a plan file as inline Markdown text: it renders as
    the characters it holds, with no markup, HTML, comment, link, image, mention or line
    break. The one escaping function of every Markdown report and page."""
    flat = " ".join(printable(str(value)).split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    return _MENTION_OR_LINK.sub(_WORD_JOINER, escaped)
