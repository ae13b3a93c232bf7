"""Reporters: diagnostics as text for people, JSON for tools, annotations for GitHub."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO

from qplan.core.diagnostics import Diagnostic, Report, Severity

FORMAT_VERSION = "1"


def validation_json(report: Report, *, strict: bool = False) -> str:
    diagnostics = report.sorted()
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    document = {
        "format_version": FORMAT_VERSION,
        "valid": errors == 0 and not (strict and warnings),
        "summary": {"errors": errors, "warnings": warnings},
        "diagnostics": [d.as_json() for d in diagnostics],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    from qplan.core.text import printable

    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(escaped)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that shows the problem on the changed line."""
    level = {"error": "error", "warning": "warning"}.get(str(d.severity), "notice")
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return (
        f"::{level} file={_escape_property(d.file)},line={d.line},col={d.column},"
        f"title={_escape_property(d.code)}::{_escape_data(message)}"
    )


def summary_line(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return "Valid: no problems found."
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    return ("Invalid: " if errors else "Valid with warnings: ") + ", ".join(parts) + "."


def write_text(report: Report, out: IO[str], *, color: bool) -> None:
    """``file:line:col: CODE message`` per problem, the hint indented below it. In colour,
    the styles are written past the stream's filter (:class:`qplan.core.text.PrintableStream`)
    and every text from the repository is made printable here instead."""
    from qplan.core.text import printable

    styles = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
    reset, dim = "\x1b[0m", "\x1b[2m"
    raw: IO[str] = getattr(out, "unfiltered", out) if color else out
    for d in report:
        if color:
            raw.write(
                f"\x1b[1m{printable(d.file)}:{d.line}:{d.column}:{reset} "
                f"{styles[d.severity]}{d.code}{reset} {printable(d.message)}\n"
            )
            if d.hint:
                raw.write(f"  {dim}hint: {printable(d.hint)}{reset}\n")
            continue
        out.write(d.render() + "\n")
        if d.hint:
            out.write(f"  hint: {d.hint}\n")
    out.write(summary_line(report) + "\n")


def write_github(report: Report, out: IO[str]) -> None:
    """One workflow command a problem: written past the stream's filter, which would keep
    a line from being a command, every text in it escaped as GitHub reads it."""
    raw: IO[str] = getattr(out, "unfiltered", out)
    for d in report:
        raw.write(github_annotation(d) + "\n")
    out.write(summary_line(report) + "\n")


def _json(report: Report, out: IO[str], strict: bool, color: bool) -> None:
    out.write(validation_json(report, strict=strict))


def _text(report: Report, out: IO[str], strict: bool, color: bool) -> None:
    write_text(report, out, color=color)


def _github(report: Report, out: IO[str], strict: bool, color: bool) -> None:
    write_github(report, out)


#: writes a report's diagnostics to a stream: (report, stream, strict, colour)
DiagnosticWriter = Callable[[Report, IO[str], bool, bool], None]

#: ``qplan validate --format``: each format's writer
DIAGNOSTIC_WRITERS: dict[str, DiagnosticWriter] = {"text": _text, "json": _json, "github": _github}


def write_diagnostics(
    report: Report, fmt: str, out: IO[str], *, strict: bool = False, color: bool = False
) -> None:
    """The report's diagnostics in format ``fmt`` (text, json or github)."""
    DIAGNOSTIC_WRITERS[fmt](report, out, strict, color)


def _refuse_in_json(report: Report, outcome: str, out: IO[str], color: bool) -> None:
    out.write(validation_json(report))


def _refuse_in_markdown(report: Report, outcome: str, out: IO[str], color: bool) -> None:
    from qplan.core.text import markdown_code, markdown_text

    out.write(f"### qplan plan\n\n**{summary_line(report)} {outcome}.**\n\n")
    for d in report.errors:
        place = markdown_code(f"{d.file}:{d.line}:{d.column}")
        out.write(f"- {place} {d.code} {markdown_text(d.message)}\n")


def _refuse_in_text(report: Report, outcome: str, out: IO[str], color: bool) -> None:
    write_text(report, out, color=color)
    out.write(f"{outcome}: fix the errors above first.\n")


#: why nothing was made (the repository has errors), by format: (report, outcome, stream,
#: colour)
REFUSALS: dict[str, Callable[[Report, str, IO[str], bool], None]] = {
    "json": _refuse_in_json,
    "markdown": _refuse_in_markdown,
    "text": _refuse_in_text,
}


def write_refusal(report: Report, fmt: str, outcome: str, out: IO[str], *, color: bool) -> None:
    """Why nothing was made, in the format the command was asked for (text when it has no
    refusal of its own, as ``--format github``)."""
    REFUSALS.get(fmt, _refuse_in_text)(report, outcome, out, color)
