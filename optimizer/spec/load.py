"""Find and read problem files (TOML or JSON, with CSV tables), apply ``--set`` overrides.

Problem files are data: they are parsed with ``tomllib``/``json``/``csv`` only; nothing in them
is evaluated or imported, and a CSV table they reference must lie inside the problem's folder.
"""

from __future__ import annotations

import copy
import hashlib
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
from .csvfast import options_table
from .csvrows import table_rows
from .document import MAX_NESTING, _depth, _parser_limit, parse_document
from .files import open_regular
from .locate import file_location, name_items
from .model import ProblemSpec
from .parse import Reader, describe
from .validate import DEFAULT_MAX_COLUMNS, check_spec

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = (".toml", ".json", ".xlsx")


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
            if depth == 0 and key not in node and key in _LISTS:
                tables = (
                    " (its rows may come from [[tables]]: edit the CSV file)"
                    if (key == "commitments" and doc.get("tables"))
                    else ""
                )
                raise InputError(
                    f"the document has no [[{key}]] to set '{segs[1]}' in{tables}",
                    where="--set",
                    path=path,
                )
            node = node.setdefault(key, {})
    return doc


def _lists() -> frozenset[str]:
    from .schema import SCHEMA

    return frozenset(k for k, v in SCHEMA["properties"].items() if v.get("type") == "array")


_LISTS = _lists()  # the sections that are lists of tables ([[commitments]], ...)


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
    """Reads a table: a ``CommitmentTable`` (plain cells) or its rows; each ``(file name,
    table or rows)`` read is appended to ``seen``."""
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
        table = options_table(text, name)  # plain cells: parsed as columns
        if table is not None:
            if seen is not None:
                seen.append((name, table))
            return table
        rows = table_rows(text, name, path)
        if seen is not None:
            seen.append((name, rows))
        return rows

    return read


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
    cells: Any = None,
) -> ProblemSpec:
    """``cells`` (a workbook's ``tabular.Cells``) names the cell each error came from."""
    overrides = list(overrides)
    if overrides:
        doc = apply_overrides(dict(doc), overrides)
    tables: list[tuple[str, list[dict]]] = []
    reader = Reader(_table_reader(base, max_bytes, tables) if base is not None else None)
    try:
        spec = reader.problem(doc, default_name=default_name)
    except InputError as e:
        if e.where:
            raise
        raise InputError(e.message, where=where, path=_cell(e.path, doc, cells)) from None
    try:
        spec = check_spec(spec, max_columns=max_columns)
    except InputError as e:
        path = _cell(file_location(e.path, doc, spec, tables), doc, cells)
        raise InputError(e.message, where=e.where or where, path=path) from None
    if not sha256:
        canon = json.dumps(doc, sort_keys=True, default=str).encode()
        sha256 = hashlib.sha256(canon).hexdigest()
    return replace(spec, origin=where, sha256=sha256)


def _cell(path: str | None, doc: Mapping, cells: Any) -> str | None:
    named = name_items(path, doc)
    cell = cells.find(path) if cells is not None else None
    return f"{cell} ({named})" if cell and named else cell or named


def read_document(path: Path, where: str, max_bytes: int) -> tuple[dict, bytes, Any]:
    """A problem file's document (not yet validated), its bytes, and for a workbook the cell
    each location came from (``tabular.Cells``; None for TOML and JSON)."""
    if path.suffix.lower() == ".xlsx":
        from .workbook import read_workbook

        doc, cells = read_workbook(path, where, max_bytes)
        return doc, path.read_bytes(), cells
    text, data = read_text(path, max_bytes=max_bytes)
    return parse_document(text, where, path.suffix.lower()), data, None


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
    where = str(name_or_path)
    doc, data, cells = read_document(path, where, max_bytes)
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
        cells=cells,
    )
