"""JSON Schemas of the file format, generated from the models, for editors."""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_FILES = (
    "workflows.schema.json",
    "sop-front-matter.schema.json",
    "scenario.schema.json",
    "project.schema.json",
)


def generate() -> dict[str, str]:
    """File name → JSON text of every schema."""
    from qplan.model.format import SopFrontMatter, WorkflowsFile
    from qplan.model.planning_files import Project, Scenario

    out = {}
    for name, model, title in (
        ("workflows.schema.json", WorkflowsFile, "qplan workflows file"),
        ("sop-front-matter.schema.json", SopFrontMatter, "qplan SOP front matter"),
        ("scenario.schema.json", Scenario, "qplan scenario"),
        ("project.schema.json", Project, "qplan project"),
    ):
        schema = model.model_json_schema(mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "title": title,
        }
        out[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def stale_files(folder: Path) -> list[str]:
    """The schema files that are missing or differ from what the models say."""
    return list(_stale(folder, generate()))


def write(folder: Path) -> list[str]:
    """Write the schema files that are missing or differ; return their names."""
    from qplan.core.output import write_file

    stale = _stale(folder, generate())
    for name, text in stale.items():
        write_file(folder / name, text)
    return list(stale)


def _stale(folder: Path, texts: dict[str, str]) -> dict[str, str]:
    """Of ``texts`` (file name → text), those the folder does not hold as they are."""
    return {
        name: text
        for name, text in texts.items()
        if (path := folder / name).is_symlink()
        or not path.is_file()
        or path.read_text(encoding="utf-8") != text
    }
