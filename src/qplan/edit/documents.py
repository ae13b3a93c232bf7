"""Edits qplan makes to the organisation's YAML for a person to review: comments, layout
and every other item are kept (ruamel.yaml round-trip), only the edited item changes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from qplan.core.errors import QplanError
from qplan.load.settings import Settings


def number(value: float) -> int | float:
    """A whole number written as one (60, not 60.0)."""
    return int(value) if float(value).is_integer() else value


def load_document(settings: Settings, file: str) -> Any:
    """A YAML file of the repository, read through the guarded reader, as ruamel.yaml's
    round-trip document (comments and layout kept); an empty file is an empty mapping."""
    from qplan.load.reader import read_text

    return document_of(
        read_text(settings.root / file, settings.root, max_bytes=settings.max_file_bytes)
    )


def document_of(text: str) -> Any:
    """YAML text as ruamel.yaml's round-trip document (comments, layout and the line of each
    item kept); empty text is an empty mapping."""
    from ruamel.yaml.comments import CommentedMap

    from qplan.edit.fmt import _yaml

    document = _yaml().load(text)
    return CommentedMap() if document is None else document


def dump_document(document: Any) -> str:
    """A round-trip document as YAML text, in the layout qplan writes."""
    from qplan.edit.fmt import _yaml

    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def commented(data: Any, *, block: bool = True) -> Any:
    """Plain data as ruamel.yaml's round-trip types: a mapping in block style (``block``),
    everything in it, and every list, in flow style (as the example organisation writes
    an item: ``languages: [en]``, ``forecast: {arrival: …}``), but a list of mappings in a
    block mapping, which is a line an entry (a team's shifts: ``- {days: […], …}``)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(data, dict):
        found = CommentedMap(
            (k, entry_lines(v) if block and is_entries(v) else commented(v, block=False))
            for k, v in data.items()
        )
        if not block:
            found.fa.set_flow_style()
        return found
    if isinstance(data, list):
        seq = CommentedSeq(commented(v, block=False) for v in data)
        seq.fa.set_flow_style()
        return seq
    return data


def is_entries(value: Any) -> bool:
    """Whether ``value`` is a list of mappings (a team's shifts, an allocation's phases)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def entry_lines(entries: list[Any]) -> Any:
    """A list of mappings in block style, each mapping in flow style on its line."""
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(commented(entry, block=False) for entry in entries)


class _Edit:
    """One YAML file of the organisation, loaded for a round-trip edit."""

    def __init__(self, settings: Settings, file: str) -> None:
        self.path = settings.root / file
        self.file = file
        self.document = load_document(settings, file)

    def allocation(self, index: int, queue: str) -> Any:
        """Item ``index`` of ``allocations``, which must be ``queue``'s."""
        return self._item("allocations", "queue", index, queue, f"allocation of {queue}")

    def queue(self, index: int, queue: str) -> Any:
        """Item ``index`` of ``queues``, which must be ``queue``."""
        return self._item("queues", "id", index, queue, f"queue {queue}")

    def _item(self, section: str, key: str, index: int, name: str, what: str) -> Any:
        """Item ``index`` of ``section``, whose ``key`` must be ``name`` (the file may have
        changed since it was validated), owned by no anchor; ``what`` names it."""
        try:
            item = self.document[section][index]
            found = item[key]
        except (KeyError, IndexError, TypeError):
            found = None
        if found != name:
            raise QplanError(f"{self.file} changed while qplan read it: no {what} there")
        self.own(item, f"the {what}")
        return item

    def own(self, node: Any, what: str, key: str | None = None) -> None:
        """Refuse to edit ``node`` (or its ``key``) when the edit would land elsewhere too:
        an anchored node is the same object wherever it is aliased, and a key a mapping
        takes from a merge key (``<<``) belongs to the mapping merged in. The diff would
        show one line while the organisation changed in several places."""
        from ruamel.yaml.comments import merge_attrib

        shared = node if key is None else node.get(key)
        anchor = getattr(getattr(shared, "anchor", None), "value", None)
        if anchor:
            raise QplanError(
                f"{self.file}: {what} is the YAML anchor &{anchor}, which other items may "
                "share; qplan does not write through it: write it out in full, then run again"
            )
        merged = getattr(node, merge_attrib, None)
        if key is not None and merged and key in node and key not in node._ok:
            raise QplanError(
                f"{self.file}: {what} comes from a merge key (<<), which other items may "
                "share; qplan does not write through it: write it out in full, then run again"
            )

    def save(self) -> Path:
        from qplan.core.output import write_file

        write_file(self.path, dump_document(self.document))
        return self.path


def _flow(mapping: Mapping[str, Any]) -> Any:
    """A flat mapping in flow style, whole numbers written as such."""
    return commented(
        {k: number(v) if isinstance(v, float) else v for k, v in mapping.items()}, block=False
    )


def add_allocation_phases(
    settings: Settings, file: str, index: int, queue: str, phases: list[dict[str, Any]]
) -> Path:
    """Add ``phases`` (``{"from": date, "shares": {…}, "recovery": {…}}``) to the allocation
    of ``queue``, item ``index`` of the ``allocations`` list in ``file``, in date order with
    the phases it has. Returns the file written."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    edit = _Edit(settings, file)
    item = edit.allocation(index, queue)
    edit.own(item, f"the phases of {queue}'s allocation", "phases")
    existing = item.get("phases")
    if existing is None:
        existing = CommentedSeq()
        item["phases"] = existing
    for phase in phases:
        entry = CommentedMap()
        entry["from"] = phase["from"]
        entry["shares"] = _flow(phase["shares"])
        if phase.get("recovery"):
            entry["recovery"] = _flow(phase["recovery"])
        at = sum(1 for p in existing if _day(p.get("from")) < phase["from"])
        existing.insert(at, entry)
    return edit.save()


def set_allocation_shares(
    settings: Settings, file: str, changes: Mapping[int, tuple[str, Mapping[str, float]]]
) -> Path:
    """Set the shares of allocations in ``file``: item index → (queue, shares), keeping
    every comment and the layout. Returns the file written."""
    from ruamel.yaml.comments import CommentedMap

    edit = _Edit(settings, file)
    for index, (queue, shares) in sorted(changes.items()):
        item = edit.allocation(index, queue)
        edit.own(item, f"the shares of {queue}'s allocation", "shares")
        existing = item.get("shares")
        if isinstance(existing, CommentedMap):  # in place: its comments stay with it
            for team in list(existing):
                del existing[team]
            for team, share in sorted(shares.items()):
                existing[team] = number(share)
        else:
            item["shares"] = _flow(dict(sorted(shares.items())))
    return edit.save()


def set_queue_forecasts(
    settings: Settings,
    file: str,
    changes: Mapping[int, tuple[str, float | None, float | None, str | None]],
    profiles: Sequence[Mapping[str, str]] = (),
) -> Path:
    """Set the forecast of queues in ``file``: item index → (queue, weekly volume, handle
    seconds, profile id; each None to leave it), and add ``profiles`` to its list of
    profiles (made when it has none), keeping every comment and the layout. Returns the
    file."""
    from ruamel.yaml.comments import CommentedSeq

    edit = _Edit(settings, file)
    for index, (queue, volume, aht, profile) in sorted(changes.items()):
        item = edit.queue(index, queue)
        edit.own(item, f"the queue {queue}", "forecast")
        forecast = item["forecast"]
        edit.own(forecast, f"the forecast of {queue}")
        if volume is not None:
            forecast["weekly_volume"] = round(volume)
        if aht is not None:
            forecast["aht_seconds"] = number(round(aht, 1))
        if profile is not None:
            forecast["profile"] = profile
    if profiles:
        document = edit.document
        if not isinstance(document.get("profiles"), list):
            place = list(document).index("queues") if "queues" in document else len(document)
            document.insert(place, "profiles", CommentedSeq())
        edit.own(document, "the list of profiles", "profiles")
        for added in profiles:
            document["profiles"].append(commented(dict(added)))
    return edit.save()


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return date.max
