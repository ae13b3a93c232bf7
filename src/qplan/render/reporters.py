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
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
    """``file:line:col: CODE message`` per problem, the hint indented below it."""
    styles = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
    reset, dim = "\x1b[0m", "\x1b[2m"
    for d in report:
        if color:
            out.write(
                f"\x1b[1m{d.file}:{d.line}:{d.column}:{reset} "
                f"{styles[d.severity]}{d.code}{reset} {d.message}\n"
            )
        else:
            out.write(d.render() + "\n")
        if d.hint:
            out.write(f"  {dim if color else ''}hint: {d.hint}{reset if color else ''}\n")
    out.write(summary_line(report) + "\n")


def write_github(report: Report, out: IO[str]) -> None:
    for d in report:
        out.write(github_annotation(d) + "\n")
    out.write(summary_line(report) + "\n")


TextWriter = Callable[[Report, IO[str]], None]
