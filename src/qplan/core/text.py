"""Text from the repository (or a plan file) on its way out: to a terminal, a log or a
Markdown comment. Everything a pull request writes can reach these outputs, so each kind
of output has one function here that makes such text inert, and every report uses it."""

from __future__ import annotations

import html
import re
from typing import Any, TextIO

#: characters that move the cursor, ring, clear, switch character sets, reorder or hide
#: what a terminal shows: C0 controls but tab and newline, DEL, C1 controls, bidirectional
#: marks, overrides and isolates, the line and paragraph separators, and the invisible
#: format characters (zero-width spaces and joiners, the byte-order mark, soft hyphen,
#: interlinear annotations, tags)
_CONTROL = (
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_UNSAFE_FOR_TERMINAL = re.compile(_CONTROL)
#: what a text that is shown as one line (a plan file's texts) may not hold
_NOT_ONE_LINE = re.compile(rf"[\t\n]|{_CONTROL}")


def one_line(text: str) -> bool:
    """Whether ``text`` is one line of printable text: no newline, tab or character that
    :func:`printable` would escape."""
    return _NOT_ONE_LINE.search(text) is None


def printable(text: str) -> str:
    """``text`` as it may be written to a terminal or a log: every control character
    (ESC of an OSC 52 clipboard write, a cursor move or a colour that hides text, carriage
    return, bell …) shown as ``\\uNNNN``, as JSON would escape it (JSON output stays
    valid)."""
    return _UNSAFE_FOR_TERMINAL.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code > 0xFFFF:  # as a JSON surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


#: a line that a CI runner reads as a command (GitHub Actions: ``::error::``,
#: ``::add-mask::``, ``::stop-commands::`` …), however it is indented
_RUNNER_COMMAND = re.compile(r"^(\s*):(?=:)", re.MULTILINE)


def log_safe(text: str) -> str:
    """:func:`printable`, and no line that starts with ``::``: a word joiner goes between
    the two colons, so that what a pull request wrote (an SOP's text in a plan, a name) is
    never a workflow command in CI's log."""
    return _RUNNER_COMMAND.sub("\\1:\u2060", printable(text))


class PrintableStream:
    """A text stream that passes everything written to it through :func:`log_safe`: the
    command line wraps standard output and error in it, so no report, error or echo can
    forget to. The writers of colours (the diagnostics reporter, on a terminal) and of
    GitHub annotations write to :attr:`unfiltered`, each text of the repository made
    printable (or escaped as an annotation) first."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self._stream.write(log_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: what Markdown could read as markup, a link or an image (HTML is escaped as entities)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
#: a mention (``@user``, ``@org/team``: an ``@`` not after an ASCII letter or digit, as
#: GitHub reads one; an e-mail address is left as it is) or a URL (``://``, ``www.``,
#: ``mailto:``) that GitHub would turn into a notification or a link
_MENTION_OR_LINK = re.compile(
    r"(?<=(?<![A-Za-z0-9])@)(?=[A-Za-z0-9])|(?<=:)(?=//)|(?<=www)(?=\.)|(?<=mailto)(?=:)",
    re.IGNORECASE,
)
_WORD_JOINER = "\u2060"


def markdown_text(value: Any) -> str:
    """A value from the repository or a plan file as inline Markdown text: it renders as
    the characters it holds, with no markup, HTML, comment, link, image, mention or line
    break. The one escaping function of every Markdown report and page."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(_flat(value), quote=False))
    return _MENTION_OR_LINK.sub(_WORD_JOINER, escaped)


def markdown_code(value: Any) -> str:
    """A value from the repository as inline code: one line, and no backtick that could
    close the code span (shown as the look-alike ˋ)."""
    return f"`{_flat(value).replace('`', 'ˋ')}`"


def _flat(value: Any) -> str:
    """A value as one printable line, its runs of white space one space each."""
    return " ".join(printable(str(value)).split())
