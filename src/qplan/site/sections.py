"""The queues of a large organisation as sections of its workflows' pages: up to
``max_queue_sections`` on the workflow's page, else in parts of that many, a page each
(``workflows/<workflow>.<n>.md``), which the workflow's page lists. A page's size, and the
time to build it, stays bounded however many queues a workflow has."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qplan.site.links import Links
from qplan.views.markdown import code, table, text

if TYPE_CHECKING:
    from qplan.model.organisation import Organisation


def _span(qids: list[str]) -> str:
    return code(qids[0]) if len(qids) == 1 else f"{code(qids[0])} to {code(qids[-1])}"


def _sections(qids: list[str], made: Mapping[str, tuple[str, str | None]]) -> str:
    """The queues' pages as sections, each headed one level down with its id as anchor."""
    from qplan.site.pages import demote

    out = []
    for qid in qids:
        heading, _, body = demote(made[qid][0], 1).partition("\n")
        out.append(f"\n\n{heading} {{#{qid}}}\n{body}")
    return "".join(out)


def queue_sections(
    org: Organisation,
    wid: str,
    page: str,
    made: Mapping[str, tuple[str, str | None]],
    links: Links,
) -> tuple[str, dict[str, str]]:
    """The workflow's page with its queues' sections, or with a table of its parts; and
    the parts' pages, by path."""
    parts = links.parts(wid)
    if len(parts) <= 1:
        return page + _sections(parts[0] if parts else [], made), {}
    name = org.workflows[wid].name
    rows = [
        [
            f"[Part {n}]({wid}.{n}.md)",
            str(len(qids)),
            _span(qids),
        ]
        for n, qids in enumerate(parts, start=1)
    ]
    page += "\n\n## Queues in parts\n\n"
    page += f"{len(links.queues_of[wid]):,} queues, {links.sections} to a page, in id order.\n\n"
    page += "\n".join(table(["Part", "Queues", "Ids"], rows))
    files = {}
    for n, qids in enumerate(parts, start=1):
        around = [f"[{text(name)}]({wid}.md)"]
        if n > 1:
            around.append(f"[part {n - 1}]({wid}.{n - 1}.md)")
        if n < len(parts):
            around.append(f"[part {n + 1}]({wid}.{n + 1}.md)")
        title = f"# {text(name)}: queues, part {n} of {len(parts)}"
        head = f"{title}\n\n{_span(qids)} · {' · '.join(around)}"
        files[f"docs/workflows/{wid}.{n}.md"] = head + _sections(qids, made) + "\n"
    return page, files
