"""SOP templates cannot run code, exhaust memory or stall the run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan

FRONT = """---
title: Hostile
owner: owner@example.com
queues: [q-prod]
review_every_days: 90
last_reviewed: 2026-11-01
---
"""

PAYLOADS = {
    "ljust": ("{{ 'a'.ljust(4 * 10 ** 9) }}", "str.ljust with a size over the output limit"),
    "center": ("{{ 'a'.center(10 ** 9) }}", "str.center with a size over the output limit"),
    "zfill": ("{{ '1'.zfill(10 ** 9) }}", "str.zfill with a size over the output limit"),
    "power": ("{{ 2 ** 100000 }}", "power too large in template"),
    "percent-width": (
        "{{ '%99999999999s' % 'x' }}",
        "string % formatting is not available in SOPs; use the filters",
    ),
    "format-width": (
        "{{ '{:9999999999}'.format(1) }}",
        "str.format is not available in SOPs; use the filters",
    ),
    "join": (
        "{{ ('a' * 100000).join(['x'] * 100000) }}",
        "join builds a value over the output limit",
    ),
    "join-filter": (
        "{{ (['" + "a" * 1000 + "'] * 10000) | join(',') }}",
        "join builds a value over the output limit",
    ),
    "replace": (
        "{{ ('a' * 100000).replace('a', 'bbbbbbbbbbbbbbbbbbbb') }}",
        "replace builds a value over the output limit",
    ),
    "expandtabs": (
        "{{ '\\t'.expandtabs(10 ** 9) }}",
        "str.expandtabs with a size over the output limit",
    ),
    "doubling-macro": (
        "{% macro g(x, n) %}{% if n %}{{ g(x ~ x, n - 1) }}{% else %}{{ x | length }}"
        "{% endif %}{% endmacro %}{{ g('aaaaaaaaaaaaaaaa', 40) }}",
        "rendering ran out of memory",
    ),
    "mro": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "not allowed in an SOP"),
    "globals": ("{{ range.__globals__ }}", "not allowed in an SOP"),
    "cycler": (
        "{{ cycler.__init__.__globals__.os }}",
        "access to attribute '__init__' of 'StrictUndefined' object is unsafe",
    ),
    "loop": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "loops over ranges run over 100,000 iterations",
    ),
}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_hostile_template_is_one_qp143_in_bounded_time(tmp_path: Path, name: str) -> None:
    body, message = PAYLOADS[name]
    repo = minimal_repo(tmp_path)
    (repo / "sops" / "wf.md.j2").write_text((repo / "sops" / "wf.md.j2").read_text() + body + "\n")
    started = time.monotonic()
    done = qplan("validate", repo=repo, timeout=60)
    assert time.monotonic() - started < 60
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if " QP143 " in line]
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("sops/wf.md.j2:13:1: QP143 SOP does not render: ")
    assert message in lines[0]
