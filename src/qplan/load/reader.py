"""*load*: read YAML files safely into plain data that remembers where it came from.

Parsing goes through libyaml's C composer (fast, with line and column on every
node). Scalars are resolved with YAML 1.2's core schema, so ``NO`` stays the
string "NO" and ``yes`` is not a boolean. Hostile input fails with one
diagnostic for the file and no traceback: oversized files, other encodings,
tabs in indentation, directives and foreign tags, duplicate keys, alias bombs
and nesting beyond a limit.

Positions are not stored for every value (that would cost as much as the data).
A :class:`Document` keeps its text and composes it again when a later stage asks
for the position of a path, which only happens when there is something to say.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qplan.core.diagnostics import Diagnostic, Position

PathKey = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MERGE = _TAG + "merge"
# Tags a scalar may carry explicitly: YAML's core schema (plus timestamp, value and
# merge, which PyYAML spells the same way). Untagged scalars get _STR from the composer
# and are resolved afterwards with YAML 1.2 rules.
_SCALAR_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "merge")
)
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


class _FastComposer(yaml.CSafeLoader):
    """libyaml's composer without PyYAML's YAML 1.1 resolver: plain scalars are
    resolved afterwards by :func:`resolve_scalar` with YAML 1.2 rules."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _STR
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def compose(text: str) -> Node | None:
    """The node tree of one YAML document, with line and column on every node."""
    node: Node | None = yaml.compose(text, Loader=_FastComposer)
    return node


def _is_merge(key_node: Node) -> bool:
    return key_node.tag == _MERGE or (
        isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
    )


def resolve_scalar(text: str) -> Any:
    """The value of a plain scalar under YAML 1.2's core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    first = text[0]
    if first not in "0123456789+-.":
        return text
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if first == "-" else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


class LoadError(Exception):
    """A file cannot be read at all; carries the one diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


@dataclass
class Document:
    """One YAML text, its data, and a way back from a data path to a line and column."""

    path: str  # relative to the repository root, with '/'
    text: str
    data: Any
    line_offset: int = 0  # for front matter embedded in another file
    _root: Node | None = field(default=None, repr=False)

    def _node(self) -> Node | None:
        if self._root is None and self.text.strip():
            self._root = compose(self.text)
        return self._root

    def position(self, path: PathKey = (), *, key: bool = False) -> Position:
        """Where the value at ``path`` is (or its key, with ``key=True``).

        A path that does not exist (a missing field) gives the position of the
        deepest part of it that does: the mapping the field is missing from.
        """
        node = self._node()
        if node is None:
            return Position(self.path, 1 + self.line_offset, 1)
        mark = node.start_mark
        for step in path:
            found = _child(node, step)
            if found is None:
                break
            key_node, node = found
            mark = key_node.start_mark if key and step == path[-1] else node.start_mark
        return Position(self.path, mark.line + 1 + self.line_offset, mark.column + 1)


def _child(node: Node, step: str | int) -> tuple[Node, Node] | None:
    if isinstance(node, MappingNode):
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                merges.extend(
                    value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                )
            elif isinstance(key_node, ScalarNode) and _key_matches(key_node, step):
                return key_node, value_node
        for source in merges:
            found = _child(source, step)
            if found is not None:
                return found
    elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        item: Node = node.value[step]
        return item, item
    return None


def _key_matches(key_node: ScalarNode, step: str | int) -> bool:
    if key_node.value == step:
        return True
    return not isinstance(step, str) and key_node.value == str(step)


@dataclass
class _Converter:
    """Turns a composed node tree into plain Python data, checking as it goes."""

    path: str
    max_depth: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at(self, node: Node) -> Position:
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: Node, code: str, message: str, hint: str | None = None) -> LoadError:
        return LoadError(Diagnostic.at(self.at(node), code, message, hint))

    def convert(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if depth >= self.max_depth:
            raise self.fail(
                node,
                "QP004",
                f"nesting deeper than {self.max_depth} levels",
                "flatten the structure; qplan files need only a few levels",
            )
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self.foreign_tag(node)
            return [self.convert(item, depth + 1) for item in node.value]
        if isinstance(node, MappingNode):
            if node.tag != _MAP_TAG:
                raise self.foreign_tag(node)
            return self.mapping(node, depth)
        raise self.fail(node, "QP001", "unsupported YAML node")  # pragma: no cover

    def foreign_tag(self, node: Node) -> LoadError:
        return self.fail(
            node,
            "QP006",
            f"tag {_short_tag(node.tag)} is not allowed",
            "only YAML's core schema is accepted: strings, numbers, booleans, null, lists, maps",
        )

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise self.foreign_tag(node)
        text = node.value
        if node.style:  # quoted or block scalar: always a string
            return text
        return resolve_scalar(text)

    def mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Node] = {}
        merged: list[dict[Any, Any]] = []
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self.fail(
                            source,
                            "QP001",
                            "a merge key (<<) takes a mapping or a list of mappings",
                        )
                    merged.append(self.mapping(source, depth + 1))
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "QP001", "mapping keys must be plain strings")
            key = self.scalar(key_node)
            if isinstance(key, float | bool) or key is None:
                key = key_node.value
            if key in first_seen:
                first = first_seen[key]
                self.diagnostics.append(
                    Diagnostic.at(
                        self.at(key_node),
                        "QP002",
                        f"duplicate key {key!r} "
                        f"(first defined at line {first.start_mark.line + 1})",
                        "remove one of them; YAML would silently keep only one",
                    )
                )
                continue
            first_seen[key] = key_node
            result[key] = self.convert(value_node, depth + 1)
        for source in merged:
            for key, value in source.items():
                result.setdefault(key, value)
        return result


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _check_aliases(root: Node, path: str, max_depth: int) -> None:
    """Refuse recursive aliases and alias bombs without expanding them.

    Counts the nodes the document would expand to, memoised per node, so a
    "billion laughs" file is refused after looking at each node once.
    """
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    distinct = 0

    def size(node: Node, depth: int) -> int:
        nonlocal distinct
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_stack:
            raise LoadError(
                Diagnostic.at(
                    Position(path, node.start_mark.line + 1, node.start_mark.column + 1),
                    "QP003",
                    "recursive alias: a node contains itself",
                )
            )
        if depth > max_depth:
            raise LoadError(
                Diagnostic.at(
                    Position(path, node.start_mark.line + 1, node.start_mark.column + 1),
                    "QP004",
                    f"nesting deeper than {max_depth} levels",
                )
            )
        distinct += 1
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            on_stack.add(key)
            children = (
                node.value
                if isinstance(node, SequenceNode)
                else [n for pair in node.value for n in pair]
            )
            for child in children:
                total += size(child, depth + 1)
            on_stack.discard(key)
        sizes[key] = total
        if total > 10 * distinct + 10_000:
            raise LoadError(
                Diagnostic.at(
                    Position(path, node.start_mark.line + 1, node.start_mark.column + 1),
                    "QP003",
                    f"aliases expand this document to over {total:,} values",
                    "anchors and aliases may repeat a block, not multiply the file (alias bomb)",
                )
            )
        return total

    size(root, 0)


def _line_column(data: bytes | str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``data`` (bytes or text)."""
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    before = data[:offset]
    return before.count(newline) + 1, offset - (before.rfind(newline) + 1) + 1


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\0")
    if nul != -1 and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise LoadError(
            Diagnostic.at(
                Position(path, *_line_column(raw, nul)),
                "QP007",
                "NUL byte in a text file",
                "the file is binary or corrupted; save it as UTF-8 text",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        hint = "save the file as UTF-8"
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = "the file looks like UTF-16; save it as UTF-8"
        raise LoadError(
            Diagnostic.at(
                Position(path, line, column),
                "QP007",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                hint,
            )
        ) from None


def _precheck_text(text: str, path: str, line_offset: int) -> None:
    if "\t" in text:
        for number, line in enumerate(text.split("\n"), start=1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent] and line.strip():
                raise LoadError(
                    Diagnostic.at(
                        Position(path, number + line_offset, line.index("\t") + 1),
                        "QP008",
                        "tab used for indentation",
                        "indent with spaces (two per level)",
                    )
                )
    if "%" in text:
        match = _DIRECTIVE.search(text)
        if match:
            number = text.count("\n", 0, match.start()) + 1
            raise LoadError(
                Diagnostic.at(
                    Position(path, number + line_offset, 1),
                    "QP006",
                    "YAML directives (%YAML, %TAG) are not allowed",
                    "remove the directive line",
                )
            )


def parse_text(
    text: str, path: str, *, max_depth: int, line_offset: int = 0
) -> tuple[Document, list[Diagnostic]]:
    """Parse one YAML text. Raises :class:`LoadError` when nothing usable comes out;
    returns the document and the non-fatal diagnostics (duplicate keys) otherwise."""
    _precheck_text(text, path, line_offset)
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1) if mark else 1
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise LoadError(
            Diagnostic.at(
                Position(path, line + line_offset, column), "QP001", f"YAML syntax error: {problem}"
            )
        ) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise LoadError(
            Diagnostic.at(
                Position(path, line + line_offset, column),
                "QP007",
                f"character U+{ord(character):04X} is not allowed in YAML",
                "remove the control character",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            Diagnostic.at(
                Position(path, 1 + line_offset, 1),
                "QP001",
                f"YAML error: {' '.join(str(exc).split())}",
            )
        ) from None
    converter = _Converter(path, max_depth)
    if root is None:
        return Document(path, text, None, line_offset), []
    try:
        if "&" in text:
            _check_aliases(root, path, max_depth)
        data = converter.convert(root)
    except LoadError as exc:
        d = exc.diagnostic
        if line_offset:
            d = Diagnostic(
                d.code, d.severity, d.file, d.line + line_offset, d.column, d.message, d.hint
            )
        raise LoadError(d) from None
    diagnostics = converter.diagnostics
    if line_offset:
        diagnostics = [
            Diagnostic(
                d.code, d.severity, d.file, d.line + line_offset, d.column, d.message, d.hint
            )
            for d in diagnostics
        ]
    return Document(path, text, data, line_offset, root), diagnostics


#: characters a path under the repository may not hold: the generated files (mkdocs.yml,
#: CODEOWNERS, Markdown links, diagnostics) could not carry them safely
_UNSAFE_IN_NAME = frozenset('\\"<>|*?`')
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def _hidden(c: str) -> bool:
    """A control, format, unassigned or separator character (a plain space is fine)."""
    return c != " " and unicodedata.category(c) in _HIDDEN_CATEGORIES


def printable_name(rel: str) -> str:
    """A path as it can be shown on one line: control characters escaped."""
    return "".join(c.encode("unicode_escape").decode("ascii") if _hidden(c) else c for c in rel)


def name_problem(rel: str) -> Diagnostic | None:
    """QP012 when a path under the repository holds what generated files cannot carry."""
    for c in rel:
        if c in _UNSAFE_IN_NAME or _hidden(c):
            shown = f"U+{ord(c):04X} {unicodedata.name(c, 'CONTROL CHARACTER')}"
            return Diagnostic.at(
                Position(printable_name(rel)),
                "QP012",
                f"file name holds {shown}, which qplan's generated files cannot carry",
                "rename it with letters, digits, '-', '_', '.', '/' and spaces only",
            )
    return None


def read_bytes(file: Path, root: Path, *, max_bytes: int) -> bytes:
    """Read a file of the repository, refusing what should not be read.

    The one guarded read every stage uses: the name must be safe, the file must stay
    inside the repository and be a regular file (not a directory, FIFO or device), and
    no more than ``max_bytes`` are ever read, whatever the file system says of its size.
    """
    rel = relative_name(file, root)
    problem = name_problem(rel)
    if problem is not None:
        raise LoadError(problem)
    try:
        real = file.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise LoadError(
            Diagnostic.at(Position(rel), "QP013", "file cannot be resolved (a symlink loop?)")
        ) from None
    if not real.is_relative_to(root.resolve()):
        raise LoadError(
            Diagnostic.at(
                Position(rel),
                "QP009",
                "file points outside the repository",
                "symlinks under workflows/ and sops/ must stay inside the repository",
            )
        )
    try:
        handle = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LoadError(
            Diagnostic.at(Position(rel), "QP013", f"cannot read file: {exc.strerror}")
        ) from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        what = "a directory" if stat.S_ISDIR(mode) else "a FIFO, socket or device"
        raise LoadError(
            Diagnostic.at(
                Position(rel),
                "QP013",
                f"not a regular file: it is {what}",
                "qplan reads only regular files; rename or remove it",
            )
        )
    with os.fdopen(handle, "rb") as stream:
        raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        size = max(len(raw), real.stat().st_size)
        raise LoadError(
            Diagnostic.at(
                Position(rel),
                "QP005",
                f"file is {size:,} bytes, over the limit of {max_bytes:,}",
                "split it into several files, or raise [tool.qplan] max_file_bytes",
            )
        )
    return raw


def read_text(file: Path, root: Path, *, max_bytes: int) -> str:
    """:func:`read_bytes`, decoded as UTF-8 (a leading BOM is dropped)."""
    return _decode(read_bytes(file, root, max_bytes=max_bytes), relative_name(file, root))


def read_csv(root: Path, path: str, *, max_bytes: int) -> tuple[str, Any] | None:
    """A CSV file of the repository read with :func:`read_text`: (the SHA-256 of its text,
    a ``csv.reader`` over it, whose ``line_num`` is the line of the row just read); None
    when there is no such file."""
    import csv
    import hashlib
    import io

    file = root / path
    if not (file.exists() or file.is_symlink()):
        return None
    text = read_text(file, root, max_bytes=max_bytes)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return checksum, csv.reader(io.StringIO(text, newline=""))


class CsvHeaderProblem(Exception):
    """A CSV file's first line is not a comma-separated header: the problem and a hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def csv_header(reader: Any) -> list[str] | None:
    """The first row of a ``csv.reader`` (None for an empty file); raises
    :class:`CsvHeaderProblem` when it is not CSV, or not separated by commas."""
    import csv

    try:
        header: list[str] | None = next(reader, None)
    except csv.Error as exc:
        raise CsvHeaderProblem(f"is not CSV: {exc}") from None
    if header is not None and len(header) == 1:
        separator = next((s for s in (";", "\t", "|") if s in header[0]), None)
        if separator is not None:
            raise CsvHeaderProblem(
                f"separates its columns with {separator!r}; qplan reads comma-separated CSV",
                "save it as CSV with commas (in a spreadsheet: CSV UTF-8, comma-delimited)",
            )
    return header


def relative_name(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


class TooManyFiles(LoadError):
    """The repository holds more input files than ``max_files`` allows."""


def input_files(
    folder: Path, root: Path, suffixes: tuple[str, ...], *, max_files: int
) -> Iterator[Path]:
    """The files under ``folder`` whose names end in one of ``suffixes``, in a stable order.

    Hidden files are skipped. Anything with such a name is listed, directories and FIFOs
    included, so that :func:`read_bytes` says what it is instead of it being ignored.
    Raises :class:`TooManyFiles` past ``max_files``.
    """
    if not folder.is_dir():
        return
    found: list[Path] = []
    for file in folder.rglob("*"):
        if any(part.startswith(".") for part in file.relative_to(folder).parts):
            continue
        if file.name.endswith(suffixes):
            found.append(file)
            if len(found) > max_files:
                raise TooManyFiles(
                    Diagnostic.at(
                        Position(relative_name(folder, root)),
                        "QP014",
                        f"more than {max_files:,} input files under this folder",
                        "raise [tool.qplan] max_files if the organisation really is this large",
                    )
                )
    yield from sorted(found)


def yaml_files(
    folder: Path, root: Path | None = None, *, max_files: int = 10_000
) -> Iterator[Path]:
    """The YAML files under ``folder``, in a stable order; hidden files are skipped."""
    return input_files(folder, root or folder, (".yaml", ".yml"), max_files=max_files)


@dataclass
class LoadResult:
    documents: list[Document]
    diagnostics: list[Diagnostic]


def load_folder(
    folder: Path, root: Path, *, max_bytes: int, max_depth: int, max_files: int = 10_000
) -> LoadResult:
    """Load every YAML file under ``folder``; a broken file costs only itself."""
    return load_files(folder, root, max_bytes=max_bytes, max_depth=max_depth, max_files=max_files)


#: below this many bytes of YAML, one process parses faster than two can start and meet
PARALLEL_FROM_BYTES = 1_000_000

#: one file loaded: its document (None when it could not be used) and what was found
_Loaded = tuple["Document | None", list[Diagnostic]]


def load_files(
    folder: Path | list[Path],
    root: Path,
    *,
    max_bytes: int,
    max_depth: int,
    max_files: int = 10_000,
) -> LoadResult:
    """Load every YAML file under ``folder``, or the files listed; a broken file costs only
    itself.

    Above ``PARALLEL_FROM_BYTES`` of YAML, a helper process (:mod:`qplan.core.forked`)
    parses the later files while this one parses the earlier; the result is the same.
    """
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the node trees are acyclic; collecting during the load only costs time
    try:
        try:
            if isinstance(folder, list):
                files = folder
            else:
                files = list(yaml_files(folder, root, max_files=max_files))
        except TooManyFiles as exc:
            return LoadResult([], [exc.diagnostic])
        for document, found in _load_each(files, root, max_bytes, max_depth):
            if document is not None:
                documents.append(document)
            diagnostics.extend(found)
    finally:
        if gc_was_enabled:
            gc.enable()
    return LoadResult(documents, diagnostics)


def _load_each(files: list[Path], root: Path, max_bytes: int, max_depth: int) -> list[_Loaded]:
    """Each file loaded, in order; the later part on a helper process when it is worth it."""
    from qplan.core.forked import can_fork, in_two

    def load(part: Sequence[Path]) -> list[_Loaded]:
        return [_load_one(file, root, max_bytes, max_depth) for file in part]

    split = _split(files) if can_fork() else len(files)
    return [loaded for part in in_two(load, files, split) for loaded in part]


def _split(files: list[Path]) -> int:
    """Where to divide ``files`` between this process and a helper: about half of their
    bytes each (the helper a little less, it also has to send its part back), or no
    division (``len(files)``) when there are too few bytes to be worth a second process."""
    sizes = []
    for file in files:
        try:
            sizes.append(file.lstat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    if total < PARALLEL_FROM_BYTES or len(files) < 2:
        return len(files)
    mine = 0
    for index, size in enumerate(sizes):
        mine += size
        if mine >= total * 0.55:
            return index + 1
    return len(files)


def _load_one(file: Path, root: Path, max_bytes: int, max_depth: int) -> _Loaded:
    rel = printable_name(relative_name(file, root))
    try:
        text = read_text(file, root, max_bytes=max_bytes)
        document, found = parse_text(text, rel, max_depth=max_depth)
    except LoadError as exc:
        return None, [exc.diagnostic]
    except OSError as exc:
        return None, [Diagnostic.at(Position(rel), "QP001", f"cannot read file: {exc.strerror}")]
    document._root = None  # positions are recomputed on demand; keep memory flat
    return document, found
