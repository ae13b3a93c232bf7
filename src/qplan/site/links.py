"""Links between the site's pages, and the lists of other pages' items each page shows: the
one helper every page module shares, so no page module imports another."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from qplan.views.markdown import code, text

if TYPE_CHECKING:
    from qplan.model.organisation import Organisation


class Links:
    """Relative links between pages; every page sits one folder below ``docs/``."""

    def __init__(
        self,
        org: Organisation,
        sop_pages: Mapping[str, str],
        *,
        grouped: bool = False,
        sections: int = 50,
    ) -> None:
        self.org = org
        self.sop_pages = sop_pages
        #: queues are sections of their workflow's page, not pages of their own
        self.grouped = grouped
        #: the most queue sections a page holds: a workflow of more has them in parts
        self.sections = sections
        # what pages list of other pages' items, found once (not once a page), in id order
        #: the queues each training queue trains reviewers for
        self.trained_by: dict[str, list[str]] = defaultdict(list)
        #: the queues of each workflow, and those bound to each policy version
        self.queues_of: dict[str, list[str]] = defaultdict(list)
        self.bound_to: dict[str, list[str]] = defaultdict(list)
        #: the queues each team has a share of
        self.allocated_to: dict[str, list[str]] = defaultdict(list)
        for qid, queue in sorted(org.queues.items()):
            self.queues_of[queue.workflow].append(qid)
            self.bound_to[queue.policy].append(qid)
            if queue.training_queue:
                self.trained_by[queue.training_queue].append(qid)
        #: each queue's place among its workflow's queues
        self._place = {q: i for qids in self.queues_of.values() for i, q in enumerate(qids)}
        for qid, allocation in sorted(org.allocations.items()):
            if qid in org.queues:
                for tid in allocation.shares:
                    self.allocated_to[tid].append(qid)

    def page(
        self,
        kind: str,
        ident: str,
        label: str | None = None,
        *,
        up: bool = True,
        anchor: str | None = None,
    ) -> str:
        prefix = "../" if up else ""
        fragment = f"#{anchor}" if anchor else ""
        return f"[{text(label or ident)}]({prefix}{kind}/{ident}.md{fragment})"

    def queue(self, qid: str | None, *, up: bool = True, name: bool = False) -> str:
        if not qid:
            return "—"
        queue = self.org.queues.get(qid)
        if queue is None:
            return code(qid)
        label = queue.name if name else qid
        if self.grouped:
            return self.page("workflows", self.section_page(qid), label, up=up, anchor=qid)
        return self.page("queues", qid, label, up=up)

    def parts(self, wid: str) -> list[list[str]]:
        """A workflow's queues in the parts its pages hold (one part: its own page)."""
        qids = self.queues_of.get(wid, [])
        return [qids[i : i + self.sections] for i in range(0, len(qids), self.sections)]

    def section_page(self, qid: str) -> str:
        """The name of the page under ``workflows/`` that holds a queue's section: its
        workflow's page, or the part of it (``short-video.2``; no id holds a dot)."""
        wid = self.org.queues[qid].workflow
        qids = self.queues_of.get(wid, [])
        if len(qids) <= self.sections:
            return wid
        return f"{wid}.{self._place[qid] // self.sections + 1}"

    def team(self, tid: str, *, up: bool = True) -> str:
        return self.page("teams", tid, up=up) if tid in self.org.teams else code(tid)

    def workflow(self, wid: str, *, up: bool = True) -> str:
        workflow = self.org.workflows.get(wid)
        return self.page("workflows", wid, workflow.name if workflow else wid, up=up)

    def policy(self, binding: str, *, up: bool = True) -> str:
        pid = binding.partition("@")[0]
        return (
            self.page("policies", pid, binding, up=up)
            if pid in self.org.policies
            else code(binding)
        )

    def sop(self, path: str | None, *, up: bool = True) -> str:
        if not path or path not in self.sop_pages:
            return "—" if not path else code(path)
        title = self.org.sops[path].front.title
        return self.page("sops", self.sop_pages[path], title, up=up)
