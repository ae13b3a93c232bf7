"""SOP templates rendered in a sandbox.

SOPs arrive in pull requests, so they are untrusted code: they render in Jinja's
immutable sandbox, undefined names are errors, only a list of harmless filters
is available, ranges and string or list products are bounded, and rendering
stops at a size and a time limit. Templates see plain data (dicts, lists,
strings and numbers), never the models.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from qplan.core.diagnostics import Diagnostic, Position
from qplan.core.durations import Duration
from qplan.model.organisation import Organisation, Sop

#: the code of an SOP that does not render (or that the site could not convert)
DOES_NOT_RENDER = "QP143"
MAX_OUTPUT_CHARS = 1_000_000
MAX_SECONDS = 2.0
#: the longest a rendered SOP may take to convert to HTML as the site does: this much, and
#: this much more a character (Markdown converts 3.5–5 µs a character when its cost is
#: linear, so a slower machine keeps a margin; a real SOP takes milliseconds; markup whose
#: cost grows with the square of a paragraph exceeds it by far)
MARKDOWN_SECONDS = 0.5
MARKDOWN_SECONDS_PER_CHAR = 12e-6
#: how long the child may take over one SOP before it is taken to hang: its template, its
#: Markdown at the longest output, and time to spare
_PER_SOP_SECONDS = MAX_SECONDS + MARKDOWN_SECONDS + MARKDOWN_SECONDS_PER_CHAR * MAX_OUTPUT_CHARS + 5
#: the most headings an SOP's page may have: the site's search index links each heading to
#: its place in the page's table of contents, in time that grows with their square
MAX_HEADINGS = 1_000
#: the Markdown extensions of the documentation site, as its mkdocs.yml lists them:
#: tables with alignment as the align attribute (style attributes are removed from pages)
#: and, last, qplan's own, which shows raw HTML as text and sanitises what Markdown makes
SITE_MARKDOWN: tuple[str | dict[str, dict[str, Any]], ...] = (
    {"tables": {"use_align_attribute": True}},
    "admonition",
    "attr_list",
    "pymdownx.details",
    {"toc": {"permalink": True}},
    "qplan.sops.markdown",
)
MAX_RANGE = 10_000
MAX_RANGE_TOTAL = 100_000
MAX_PRODUCT = 100_000
#: the most memory SOP rendering may take beyond what qplan already uses
MAX_RENDER_BYTES = 512 * 1024 * 1024
#: string methods that build a value from a size given in the template
_SIZED_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_DENIED_METHODS = frozenset({"format", "format_map"})

SAFE_FILTERS = [
    "abs",
    "batch",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "groupby",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "reverse",
    "round",
    "select",
    "selectattr",
    "slice",
    "sort",
    "string",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
]


class RenderError(Exception):
    """A template failed; ``line`` is the template's line when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def duration(value: Any) -> str:
    """``86400`` or ``"24h"`` → ``24h``."""
    if isinstance(value, int | float):
        return Duration.of_seconds(value).text
    return Duration.parse(value).text


def percent(value: Any, digits: int = 0) -> str:
    """``0.92`` → ``92%``; ``95`` → ``95%`` (values above 1 are already percentages)."""
    number = float(value)
    if number <= 1:
        number *= 100
    return f"{number:.{digits}f}%"


def team_list(shares: Any) -> str:
    """``{"us-austin": 40, "ph-manila": 60}`` → ``us-austin (40%), ph-manila (60%)``."""
    if isinstance(shares, dict):
        return ", ".join(f"{team} ({share:g}%)" for team, share in shares.items())
    return ", ".join(str(t) for t in shares)


class _Budget:
    def __init__(self) -> None:
        self.range_total = 0


def _environment(budget: _Budget) -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class SopEnvironment(ImmutableSandboxedEnvironment):
        # "%" too: intercepted operators are also never folded at compile time
        intercepted_binops = frozenset(["*", "**", "+", "%"])

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            owner = getattr(__obj, "__self__", None)
            name = getattr(__obj, "__name__", "")
            if name in _DENIED_METHODS:  # the sandbox wraps str.format in a function of its own
                raise RenderError(f"str.{name} is not available in SOPs; use the filters")
            if isinstance(owner, str):
                if name in _SIZED_METHODS:
                    _check_sizes(args, kwargs, f"str.{name}")
                    if name == "expandtabs" and any(
                        abs(size) > 64 for size in _sizes(args, kwargs)
                    ):
                        raise RenderError("str.expandtabs with a tab size over 64")
                if name == "join":
                    items = list(args[0]) if args else []
                    _check_join(items, owner)
                    args = (items, *args[1:])
                if name == "replace" and len(args) >= 2:
                    old, new = str(args[0]), str(args[1])
                    count = owner.count(old) if old else len(owner) + 1
                    if len(owner) + count * max(0, len(new) - len(old)) > MAX_OUTPUT_CHARS:
                        raise RenderError("replace builds a value over the output limit")
            return super().call(__context, __obj, *args, **kwargs)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "%" and isinstance(left, str):
                raise RenderError("string % formatting is not available in SOPs; use the filters")
            if operator == "**" and (abs(_number(right)) > 64 or abs(_number(left)) > 10**6):
                raise RenderError("power too large in template")
            if operator == "*":
                sized = left if isinstance(left, str | list | tuple) else right
                count = right if sized is left else left
                if (
                    isinstance(sized, str | list | tuple)
                    and isinstance(count, int)
                    and len(sized) * count > MAX_PRODUCT
                ):
                    raise RenderError(f"repetition builds more than {MAX_PRODUCT:,} items")
            if (
                operator == "+"
                and isinstance(left, str | list)
                and isinstance(right, str | list)
                and len(left) + len(right) > MAX_OUTPUT_CHARS
            ):
                raise RenderError("concatenation builds a value over the output limit")
            return super().call_binop(context, operator, left, right)

    env = SopEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters = {name: env.filters[name] for name in SAFE_FILTERS if name in env.filters}
    env.filters.update(duration=duration, percent=percent, team_list=team_list)
    for name in ("join", "center", "indent", "truncate"):
        if name in env.filters:
            env.filters[name] = _bounded_filter(env.filters[name], name)

    def bounded_range(*args: int) -> range:
        result = range(*args)
        if len(result) > MAX_RANGE:
            raise RenderError(f"range of {len(result):,} is over the limit of {MAX_RANGE:,}")
        budget.range_total += len(result)
        if budget.range_total > MAX_RANGE_TOTAL:
            raise RenderError(f"loops over ranges run over {MAX_RANGE_TOTAL:,} iterations")
        return result

    # Only these names: Jinja's defaults (namespace, cycler, joiner, lipsum) are left out,
    # namespace() in particular would let a loop grow a value without bound.
    env.globals = {"range": bounded_range, "dict": dict}
    return env


def _sizes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[int]:
    return [a for a in (*args, *kwargs.values()) if isinstance(a, int)]


def _check_sizes(args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> None:
    """A width or count argument may not build a value past the output limit."""
    if any(abs(size) > MAX_OUTPUT_CHARS for size in _sizes(args, kwargs)):
        raise RenderError(f"{what} with a size over the output limit")


def _check_join(items: list[Any], separator: str) -> None:
    """Joining ``items`` with ``separator`` may not build a value past the output limit."""
    if sum(len(str(i)) for i in items) + len(separator) * len(items) > MAX_OUTPUT_CHARS:
        raise RenderError("join builds a value over the output limit")


def _bounded_filter(filter_function: Any, name: str) -> Any:
    """A filter whose result may not grow past the output limit."""
    from jinja2 import pass_eval_context

    @pass_eval_context
    def bounded(eval_ctx: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_sizes(args, kwargs, f"filter {name}")
        if name == "join" and not isinstance(value, str):
            value = list(value)
            _check_join(value, str(args[0]) if args else str(kwargs.get("d", "")))
        if getattr(filter_function, "jinja_pass_arg", None) is not None:
            return filter_function(eval_ctx, value, *args, **kwargs)
        return filter_function(value, *args, **kwargs)

    return bounded


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt rendering after ``seconds`` (on the main thread, via SIGALRM)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderError(f"rendering took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _template_line(exc: BaseException, name: str) -> int | None:
    line = getattr(exc, "lineno", None)
    if isinstance(line, int):
        return line
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    return frames[-1].lineno if frames else None


class SopRenderer:
    """Renders templates in one sandboxed environment; compiled templates are reused."""

    def __init__(self) -> None:
        self._budget = _Budget()
        self._env = _environment(self._budget)
        self._compiled: dict[tuple[str, str], Any] = {}

    def _template(self, source: str, name: str) -> Any:
        from jinja2 import TemplateError

        key = (name, source)
        if key not in self._compiled:
            try:
                template = self._env.from_string(source)
            except TemplateError as exc:
                message = getattr(exc, "message", None) or str(exc)
                raise RenderError(
                    f"template syntax error: {message}", _template_line(exc, name)
                ) from None
            template.filename = name
            self._compiled[key] = template
        return self._compiled[key]

    def render(self, source: str, context: dict[str, Any], name: str = "<sop>") -> str:
        """Render one template in the sandbox; raises :class:`RenderError`."""
        from jinja2 import TemplateError
        from jinja2.exceptions import SecurityError

        template = self._template(source, name)
        self._budget.range_total = 0
        chunks: list[str] = []
        size = 0
        started = time.monotonic()
        try:
            with _time_limit(MAX_SECONDS):
                for chunk in template.generate(**context):
                    size += len(chunk)
                    if size > MAX_OUTPUT_CHARS:
                        raise RenderError(
                            f"output is over the limit of {MAX_OUTPUT_CHARS:,} characters"
                        )
                    if time.monotonic() - started > MAX_SECONDS:
                        raise RenderError(f"rendering took longer than {MAX_SECONDS:g} s")
                    chunks.append(chunk)
        except RenderError as exc:
            exc.line = exc.line or _template_line(exc, name)
            raise
        except SecurityError as exc:
            raise RenderError(f"not allowed in an SOP: {exc}", _template_line(exc, name)) from None
        except TemplateError as exc:
            raise RenderError(str(exc.message or exc), _template_line(exc, name)) from None
        except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
            raise RenderError(f"{type(exc).__name__}: {exc}", _template_line(exc, name)) from None
        except RecursionError:
            raise RenderError("template recursion too deep") from None
        except MemoryError as exc:
            raise RenderError("rendering ran out of memory", _template_line(exc, name)) from None
        return "".join(chunks)


def render_text(source: str, context: dict[str, Any], name: str = "<sop>") -> str:
    """Render one template in a fresh sandbox; raises :class:`RenderError`."""
    return SopRenderer().render(source, context, name)


@dataclass(frozen=True)
class RenderedSop:
    path: str
    title: str
    text: str


def team_data(org: Organisation) -> dict[str, Any]:
    """Every team as plain data, by id."""
    return {tid: team.model_dump(mode="json") for tid, team in sorted(org.teams.items())}


def sop_context(org: Organisation, sop: Sop, teams: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plain data a template sees: its queues, their workflow, and all teams."""
    teams = team_data(org) if teams is None else teams
    queues = []
    for qid in sop.front.queues:
        queue = org.queues.get(qid)
        if queue is None:
            continue
        data = queue.model_dump(mode="json")
        target = org.target_for(queue)
        allocation = org.allocations.get(qid)
        data["targets"] = target.model_dump(mode="json", exclude={"suppress"}) if target else None
        data["allocation"] = dict(allocation.shares) if allocation else {}
        data["teams"] = [
            teams[t] | {"share": s} for t, s in data["allocation"].items() if t in teams
        ]
        for field_name, key in (
            ("escalates_to", "escalation_queue"),
            ("training_queue", "training_pair"),
        ):
            other = org.queues.get(getattr(queue, field_name) or "")
            data[key] = other.model_dump(mode="json") if other else None
        policy = org.policies.get(queue.policy_id)
        data["policy_info"] = policy.model_dump(mode="json") if policy else None
        queues.append(data)
    workflow_ids = sorted({q["workflow"] for q in queues})
    workflow = org.workflows.get(workflow_ids[0]) if workflow_ids else None
    return {
        "sop": sop.front.model_dump(mode="json"),
        "queues": queues,
        "workflow": workflow.model_dump(mode="json") if workflow else None,
        "teams": teams,
    }


def render_sop(
    org: Organisation,
    sop: Sop,
    renderer: SopRenderer | None = None,
    teams: dict[str, Any] | None = None,
) -> RenderedSop:
    context = sop_context(org, sop, teams)
    text = (renderer or SopRenderer()).render(sop.body, context, sop.path)
    return RenderedSop(sop.path, sop.front.title, text)


def render_all(org: Organisation) -> tuple[dict[str, RenderedSop], dict[str, RenderError]]:
    """Render every SOP: each rendered text, and each failure, by path (see
    :class:`SopRendering`)."""
    return SopRendering(org).result()


class SopRendering:
    """Every SOP of an organisation, rendering while the caller goes on with other work.

    Where the platform allows (POSIX), rendering runs in a child process under an
    address-space limit (``MAX_RENDER_BYTES`` beyond what qplan already uses) and a time
    limit per SOP, so that no template can exhaust the memory or the time of the run; the
    child starts when this object is made, and :meth:`result` waits for it. A template that
    kills the child is reported; the SOPs after it are rendered again in a new child.
    Elsewhere the SOPs are rendered in this process when :meth:`result` is asked for.
    """

    def __init__(self, org: Organisation) -> None:
        self._org = org
        self._sops = list(org.sops.values())
        self._child: _RenderChild | None = None
        if self._sops and hasattr(os, "fork") and _address_space() is not None:
            self._child = _RenderChild(org, self._sops)

    def result(self) -> tuple[dict[str, RenderedSop], dict[str, RenderError]]:
        if self._child is None:
            return _render_here(self._org, self._sops)
        rendered: dict[str, RenderedSop] = {}
        failed: dict[str, RenderError] = {}
        child, pending = self._child, self._sops
        while True:
            done, culprit = child.wait()
            for path, outcome in done.items():
                if isinstance(outcome, RenderError):
                    failed[path] = outcome
                else:
                    rendered[path] = outcome
            if culprit is None:
                break
            failed[culprit[0].path] = culprit[1]
            pending = pending[pending.index(culprit[0]) + 1 :]
            if not pending:
                break
            child = _RenderChild(self._org, pending)
        return rendered, failed


def _render_each(
    org: Organisation, sops: list[Sop]
) -> Iterator[tuple[Sop, RenderedSop | RenderError]]:
    """Each SOP with its rendered text, or why it did not render."""
    renderer = SopRenderer()
    teams = team_data(org)
    for sop in sops:
        try:
            rendered = render_sop(org, sop, renderer, teams)
            site_conversion(rendered.text)
            yield sop, rendered
        except RenderError as exc:
            yield sop, exc
        except MemoryError:
            yield sop, RenderError("rendering ran out of memory")


def drop_comments(text: str) -> str:
    """``text`` without its HTML comments (``<!--`` to the next ``-->``, and the newline
    after it), in one pass: a comment that is never closed is left as it is (so is all
    that follows it). No regular expression: one of the kind took minutes on thousands of
    unclosed ``<!--``."""
    kept = []
    position = 0
    while True:
        start = text.find("<!--", position)
        end = -1 if start < 0 else text.find("-->", start + 4)
        if end < 0:
            kept.append(text[position:])
            return "".join(kept)
        kept.append(text[position:start])
        position = end + 3
        if text.startswith("\n", position):
            position += 1


def site_conversion(text: str) -> None:
    """Convert a rendered SOP to HTML as the documentation site will, under the rendering
    time limit; raises :class:`RenderError` when it takes longer, nests too deeply or has
    more than :data:`MAX_HEADINGS` headings. Python-Markdown's inline patterns take time in
    the square (or more) of some markup in one paragraph ('[a](' repeated, escaped
    backticks): a template that renders quickly may still hold a page the site cannot
    build in minutes, so it is refused here, with the SOP, at validate time."""
    import markdown

    text = drop_comments(text).strip() + "\n"  # the page body, as the site makes it
    names = [e if isinstance(e, str) else next(iter(e)) for e in SITE_MARKDOWN]
    configs = {
        name: options for e in SITE_MARKDOWN if isinstance(e, dict) for name, options in e.items()
    }
    converter = markdown.Markdown(extensions=names, extension_configs=configs)
    allowed = MARKDOWN_SECONDS + MARKDOWN_SECONDS_PER_CHAR * len(text)
    try:
        with _time_limit(allowed):
            converter.convert(text)
    except RenderError:
        raise RenderError(
            f"its Markdown ({len(text):,} characters) takes longer than {allowed:.1f} s to "
            "convert for the site: much markup in one paragraph is slow to convert"
        ) from None
    except RecursionError:
        raise RenderError("its Markdown nests too deeply for the site") from None
    headings = _count_headings(getattr(converter, "toc_tokens", []))
    if headings > MAX_HEADINGS:
        raise RenderError(
            f"it has {headings:,} headings; the site takes at most {MAX_HEADINGS:,} on a page"
        )


def _count_headings(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + _count_headings(t.get("children", [])) for t in tokens)


def _render_here(
    org: Organisation, sops: list[Sop]
) -> tuple[dict[str, RenderedSop], dict[str, RenderError]]:
    rendered: dict[str, RenderedSop] = {}
    failed: dict[str, RenderError] = {}
    for sop, outcome in _render_each(org, sops):
        if isinstance(outcome, RenderError):
            failed[sop.path] = outcome
        else:
            rendered[sop.path] = outcome
    return rendered, failed


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            pages = int(stream.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _RenderChild:
    """``sops`` rendering in a forked child, which reports one JSON line per SOP; a thread
    of this process reads the lines as they come (so the child never waits on a full pipe)
    and kills the child when one SOP takes longer than the time limit."""

    def __init__(self, org: Organisation, sops: list[Sop]) -> None:
        read_end, write_end = os.pipe()
        self._sops = sops
        self._done: dict[str, RenderedSop | RenderError] = {}
        self._status = 0

        def child() -> None:  # render under the limits
            os.close(read_end)
            _render_to(org, sops, write_end)

        from qplan.core.forked import spawn

        pid = spawn(child)
        os.close(write_end)
        self._pid = pid
        self._reader = threading.Thread(target=self._read, args=(read_end,), daemon=True)
        self._reader.start()

    def _read(self, read_end: int) -> None:
        import json
        import select

        by_path = {sop.path: sop for sop in self._sops}
        buffer = b""
        deadline = time.monotonic() + _PER_SOP_SECONDS
        with os.fdopen(read_end, "rb") as stream:
            while True:
                remaining = deadline - time.monotonic()
                ready, _, _ = select.select([stream], [], [], max(0.0, remaining))
                if not ready:
                    os.kill(self._pid, signal.SIGKILL)
                    break
                chunk = os.read(stream.fileno(), 1 << 20)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    report = json.loads(raw)
                    sop = by_path[report["path"]]
                    if "error" in report:
                        outcome: RenderedSop | RenderError = RenderError(
                            report["error"], report.get("line")
                        )
                    else:
                        outcome = RenderedSop(sop.path, sop.front.title, report["text"])
                    self._done[sop.path] = outcome
                    deadline = time.monotonic() + _PER_SOP_SECONDS
        _, self._status = os.waitpid(self._pid, 0)

    def wait(self) -> tuple[dict[str, RenderedSop | RenderError], tuple[Sop, RenderError] | None]:
        """What the child reported, and the SOP it died on (with why) if it did not finish."""
        self._reader.join()
        done, status = self._done, self._status
        unfinished = [sop for sop in self._sops if sop.path not in done]
        if not unfinished:
            return done, None
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            why = RenderError(f"rendering took longer than {MAX_SECONDS:g} s")
        else:
            why = RenderError(
                f"rendering needed more than {MAX_RENDER_BYTES // (1024 * 1024)} MiB of memory"
            )
        return done, (unfinished[0], why)


def _render_to(org: Organisation, sops: list[Sop], write_end: int) -> None:
    """In the child: render ``sops`` under the memory limit, one JSON line each."""
    import json
    import resource

    limit = (_address_space() or 0) + MAX_RENDER_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with os.fdopen(write_end, "w", encoding="utf-8") as out:
        for sop, outcome in _render_each(org, sops):
            line: dict[str, Any] = {"path": sop.path}
            if isinstance(outcome, RenderError):
                line |= {"error": outcome.message, "line": outcome.line}
            else:
                line["text"] = outcome.text
            out.write(json.dumps(line) + "\n")
            out.flush()


#: a Markdown link or image and its address: ``[text](address`` or ``![alt](<address>``
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: a reference definition and its address: ``[name]: address`` or ``[name]: <address>``
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]{1,999}\]:[ \t]*<?([^\s>]*)")


def site_links(sop: Sop) -> Iterator[Diagnostic]:
    """QP144 for each link or image of the SOP's source whose address is not a full one
    (``https://…``, ``mailto:…``) or an anchor: the site has no file beside the SOP pages
    for it to find, and its strict build fails on such a link."""
    for index, line in enumerate(sop.body.splitlines()):
        matches = [*_LINK.finditer(line), *_REFERENCE.finditer(line)]
        for match in matches:
            address = match.group(1)
            if not address or address.startswith(("#", "//")) or _SCHEME.match(address):
                continue
            if "{{" in address or "{%" in address:  # made by the template: not known here
                continue
            yield Diagnostic.at(
                Position(sop.path, sop.body_line + index, match.start(1) + 1),
                "QP144",
                f"SOP links to {address!r}, which the documentation site does not have",
                "link to a full address (https://…); only SOPs and generated pages are on the site",
            )


@dataclass(frozen=True)
class RenderedSops:
    """Every SOP of an organisation rendered: the text of each that rendered and why each
    other failed, by path. Made once per validation and handed to whoever needs the texts."""

    texts: Mapping[str, RenderedSop] = field(default_factory=dict)
    failures: Mapping[str, RenderError] = field(default_factory=dict)


def render_sops(org: Organisation, rendering: SopRendering | None = None) -> RenderedSops:
    """Render every SOP (or take the ``rendering`` started earlier)."""
    texts, failures = (rendering or SopRendering(org)).result()
    return RenderedSops(MappingProxyType(texts), MappingProxyType(failures))


def sop_diagnostics(org: Organisation, rendered: RenderedSops) -> list[Diagnostic]:
    """A template that failed is a QP143 error at its line, a link the site cannot have is
    QP144."""
    found = [d for path in sorted(org.sops) for d in site_links(org.sops[path])]
    for path, exc in sorted(rendered.failures.items()):
        sop = org.sops[path]
        line = sop.body_line + (exc.line - 1 if exc.line else 0)
        found.append(
            Diagnostic.at(
                Position(sop.path, line, 1),
                DOES_NOT_RENDER,
                f"SOP does not render: {exc.message}",
                "templates see queues, workflow, teams and sop; see the README",
            )
        )
    return found
