"""Find and read problem files (TOML or JSON, with CSV tables), apply ``--set`` overrides.

Problem files are data: they are parsed with ``tomllib``/``json``/``csv`` only; nothing in them
is evaluated or imported, and a CSV table they reference must lie inside the problem's folder.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, did_you_mean
from .files import open_regular
from .model import ProblemSpec
from .parse import Reader, describe
from .validate import DEFAULT_MAX_COLUMNS, check_spec

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = (".toml", ".json")


def bundled_names() -> list[str]:
    """Names of the problems shipped in the ``problems`` package."""
    root = resources.files("problems")
    return sorted(
        p.name[: -len(".toml")].replace("_", "-")
        for p in root.iterdir()
        if p.name.endswith(".toml") and not p.name.startswith("_")
    )


def bundled_path(name: str) -> Path | None:
    root = resources.files("problems")
    for cand in (name, name.replace("-", "_")):
        p = root / f"{cand}.toml"
        if p.is_file():
            return Path(str(p))
    return None


def resolve(name_or_path: str | os.PathLike) -> Path:
    """A path to an existing file, or the bundled problem of that name."""
    text = os.fspath(name_or_path)
    p = Path(text)
    if p.exists():
        return p
    looks_like_path = os.sep in text or text.endswith(SUFFIXES)
    if not looks_like_path:
        b = bundled_path(text)
        if b is not None:
            return b
        raise InputError(
            f"no such file or bundled problem '{text}'{did_you_mean(text, bundled_names())}"
        )
    raise InputError("no such file", where=text)


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    where = str(path)
    try:
        with open_regular(path, where=where) as f:  # a named pipe or device is refused
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise InputError(
                    f"the file is {size} bytes, more than the limit of {max_bytes} (raise it with --max-bytes)",
                    where=where,
                )
            data = f.read(max_bytes + 1)  # bounded: a pipe or device reports no size
        if len(data) > max_bytes:
            raise InputError(
                f"the file is more than the limit of {max_bytes} bytes (raise it with --max-bytes)",
                where=where,
            )
    except PermissionError:
        raise InputError("cannot read the file: permission denied", where=where) from None
    except FileNotFoundError:
        raise InputError("no such file", where=where) from None
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", where=where) from None
    if not data.strip():
        raise InputError("the file is empty", where=where)
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(
            "the file starts with a byte-order mark; save it as UTF-8 without BOM", where=where
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16 text; save it as UTF-8", where=where)
    if b"\x00" in data:
        raise InputError("this is a binary file, not a TOML or JSON problem", where=where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - data.rfind(b"\n", 0, e.start)
        raise InputError(
            f"not UTF-8 text: byte 0x{data[e.start]:02x} at line {line}, column {col} "
            "(save the file as UTF-8)",
            where=where,
        ) from None
    return text, data


def parse_document(text: str, where: str, suffix: str) -> dict:
    if suffix == ".json" or (suffix not in (".toml",) and text.lstrip().startswith("{")):
        try:
            doc = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as e:
            raise InputError(
                f"invalid JSON: {e.msg} (at line {e.lineno}, column {e.colno})", where=where
            ) from None
        except _Constant as e:
            raise InputError(
                f"invalid JSON: {e} is not a number this format accepts{_json_position(text)}",
                where=where,
            ) from None
        except (ValueError, RecursionError) as e:
            raise InputError(f"invalid JSON: {_parser_limit(e)}", where=where) from None
        if not isinstance(doc, dict):
            raise InputError(f"expected a JSON object at the top, got {describe(doc)}", where=where)
    else:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"invalid TOML: {e}", where=where) from None
        except (ValueError, RecursionError) as e:
            raise InputError(f"invalid TOML: {_parser_limit(e)}", where=where) from None
    if _depth(doc) > MAX_NESTING:
        raise InputError(f"the document is nested more than {MAX_NESTING} levels deep", where=where)
    return doc


MAX_NESTING = 32  # tables and lists inside each other; the format itself needs fewer than 10


class _Constant(ValueError):
    """JSON's ``NaN``, ``Infinity`` or ``-Infinity``, refused."""


def _reject_constant(name: str) -> Any:
    raise _Constant(name)


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _json_position(text: str) -> str:
    """`` (at line L, column C)`` of the first NaN/Infinity outside strings."""
    for m in _JSON_TOKENS.finditer(text):
        if m.group(1):
            pos = m.start(1)
            line = text.count("\n", 0, pos) + 1
            return f" (at line {line}, column {pos - text.rfind(chr(10), 0, pos)})"
    return ""


def _parser_limit(e: Exception) -> str:
    """A parser's non-syntax failure in the user's words (Python's own text names Python)."""
    if isinstance(e, RecursionError):
        return "lists or tables nested too deeply"
    if "digits" in str(e):
        return "a number with thousands of digits"
    return str(e)


def _depth(doc: Any) -> int:
    """How deeply tables and lists nest in ``doc`` (iteratively: no recursion limit)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, d)
        if d <= MAX_NESTING:
            stack.extend((c, d + 1) for c in children)
    return deepest


# ---- --set overrides -------------------------------------------------------------------
_SEG = re.compile(r"^([A-Za-z0-9_\-]+)(?:\[(\d+)\])?$")


def parse_override(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` with VALUE read as a TOML value (a bare word is text)."""
    path, eq, raw = text.partition("=")
    path = path.strip()
    if not eq or not path:
        raise InputError(f"expected PATH=VALUE, got {describe(text)}", where="--set")
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except (ValueError, RecursionError) as e:
        raise InputError(
            f"{_parser_limit(e)} in {describe(raw)}", where="--set", path=path
        ) from None
    if _depth(value) > MAX_NESTING:
        raise InputError(f"nested more than {MAX_NESTING} levels deep", where="--set", path=path)
    return path, value


def apply_overrides(doc: dict, overrides: Iterable[tuple[str, Any]]) -> dict:
    """A copy of ``doc`` with each ``(path, value)`` set; list items are found by id or [i]."""
    doc = copy.deepcopy(doc)
    for path, value in overrides:
        segs = path.split(".")
        node: Any = doc
        for depth, seg in enumerate(segs):
            last = depth == len(segs) - 1
            m = _SEG.match(seg)
            if not m:
                raise InputError(f"bad path segment {describe(seg)}", where="--set", path=path)
            key, index = m.group(1), m.group(2)
            if isinstance(node, list):
                if last:
                    raise InputError(
                        "cannot replace a whole list item; name one of its keys",
                        where="--set",
                        path=path,
                    )
                node = _by_id(node, key, path)
                continue
            if not isinstance(node, dict):
                raise InputError(
                    f"'{seg}' is inside {describe(node)}, not a table", where="--set", path=path
                )
            if index is not None:
                seq = node.get(key)
                i = int(index)
                if not isinstance(seq, list) or i >= len(seq):
                    raise InputError(f"no item [{i}] under '{key}'", where="--set", path=path)
                if last:
                    seq[i] = value
                    break
                node = seq[i]
                continue
            if last:
                node[key] = value
                break
            node = node.setdefault(key, {})
    return doc


def _by_id(items: list, key: str, path: str) -> Any:
    ids = []
    for item in items:
        if isinstance(item, Mapping):
            if item.get("id") == key:
                return item
            ids.append(str(item.get("id")))
    raise InputError(f"no item with id '{key}'{did_you_mean(key, ids)}", where="--set", path=path)


# ---- CSV tables ------------------------------------------------------------------------
def _table_reader(base: Path, max_bytes: int, seen: list | None = None):
    """Reads a table's rows; each ``(file name, rows)`` read is appended to ``seen``."""
    root = base.resolve()

    def read(t: Mapping, path: str) -> list[dict]:
        name = t["file"]
        if not isinstance(name, str) or not name or "\x00" in name:
            raise InputError(f"expected a file name, got {describe(name)}", path=path)
        target = (root / name).resolve()
        if os.path.isabs(name) or not target.is_relative_to(root):
            raise InputError(
                f"table file {describe(name)} must lie inside the problem's folder", path=path
            )
        if target.is_dir():
            raise InputError(f"table {describe(name)} is a directory, not a CSV file", path=path)
        try:
            text, _ = read_text(target, max_bytes=max_bytes)
        except InputError as e:
            raise InputError(
                f"cannot read table {describe(name)}: {e.message}", path=path
            ) from None
        try:
            rows = list(csv.DictReader(io.StringIO(text)))
        except csv.Error as e:
            raise InputError(f"table {describe(name)} is not valid CSV: {e}", path=path) from None
        if not rows:
            raise InputError(f"table {describe(name)} has a header but no rows", path=path)
        if seen is not None:
            seen.append((name, rows))
        return rows

    return read


_OPTION_PATH = re.compile(r"^commitments\[(\d+)\](?:\.options\[(\d+)\])?(.*)$")


def _file_location(path: str | None, doc: Mapping, spec: ProblemSpec, tables: list) -> str | None:
    """Where a ``check_spec`` error is in the file the user wrote.

    ``check_spec`` sees every option as ``commitments[i].options[j]``; a commitment that gives
    ``use``/``value`` directly has no ``options`` in the file, and one read from a CSV table is
    found by its row (``options.csv:3``, as the table reader names rows).
    """
    m = _OPTION_PATH.match(path or "")
    if not m:
        return path
    i, j, rest = int(m.group(1)), m.group(2), m.group(3)
    inline = doc.get("commitments", [])
    if i < len(inline):
        item = inline[i]
        if j is not None and isinstance(item, Mapping) and "options" not in item:
            return f"commitments[{i}]{rest}"
        return path
    if i >= len(spec.commitments):
        return path
    c = spec.commitments[i]
    option = c.options[int(j)].id if j is not None and int(j) < len(c.options) else None
    for fname, rows in tables:
        for k, row in enumerate(rows, start=2):
            if (row.get("commitment") or "") != c.id:
                continue
            if option is None or (row.get("option") or "yes").strip() == option:
                return f"{fname}:{k}{rest}"
    return path


# ---- entry points ----------------------------------------------------------------------
def load_document(
    doc: Mapping,
    *,
    where: str = "<document>",
    base: Path | None = None,
    overrides: Iterable[tuple[str, Any]] = (),
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    default_name: str = "problem",
    sha256: str = "",
) -> ProblemSpec:
    overrides = list(overrides)
    if overrides:
        doc = apply_overrides(dict(doc), overrides)
    tables: list[tuple[str, list[dict]]] = []
    reader = Reader(_table_reader(base, max_bytes, tables) if base is not None else None)
    try:
        spec = reader.problem(doc, default_name=default_name)
    except InputError as e:
        raise e.located(where) from None
    try:
        spec = check_spec(spec, max_columns=max_columns)
    except InputError as e:
        path = _file_location(e.path, doc, spec, tables)
        raise InputError(e.message, where=e.where or where, path=path) from None
    if not sha256:
        canon = json.dumps(doc, sort_keys=True, default=str).encode()
        sha256 = hashlib.sha256(canon).hexdigest()
    return replace(spec, origin=where, sha256=sha256)


def load(
    name_or_path: str | os.PathLike,
    *,
    overrides: Iterable[str | tuple[str, Any]] = (),
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ProblemSpec:
    """Load a bundled problem by name or a problem file by path, validated.

    ``overrides`` are ``"PATH=VALUE"`` strings (or ``(path, value)`` pairs), applied to the
    document before validation, e.g. ``"resources.fiscal.capacity=40"``.
    """
    path = resolve(name_or_path)
    text, data = read_text(path, max_bytes=max_bytes)
    where = str(name_or_path)
    doc = parse_document(text, where, path.suffix.lower())
    pairs = [parse_override(o) if isinstance(o, str) else o for o in overrides]
    digest = hashlib.sha256(data)
    for p, v in pairs:
        digest.update(f"\n--set {p}={v!r}".encode())
    default_name = re.sub(r"[^A-Za-z0-9_\-]", "-", path.stem) or "problem"
    return load_document(
        doc,
        where=where,
        base=path.parent,
        overrides=pairs,
        max_columns=max_columns,
        max_bytes=max_bytes,
        default_name=default_name,
        sha256=digest.hexdigest(),
    )
