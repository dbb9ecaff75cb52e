"""Build a problem from pandas DataFrames: the workbook's sheets, one DataFrame each.

``from_frames(options=..., resources=..., scenarios=..., problem={...})`` takes the same
columns as the sheets of an .xlsx problem (see ``tabular``): ``options`` with ``commitment``,
``option``, ``use.<resource>``, ``value.<scenario>``, ``start_earliest``...; one row per item
for the list sheets; ``problem`` and ``uncertainty`` as a mapping (or a two-column frame).
Each frame is taken column by column (``to_numpy``, no per-row Python loop over pandas
objects); missing cells (NaN, None, NA) are absent keys. The document then goes through the
same validation as a file, and an error names the frame, its row label and its column:
``options[row 'r12', column 'use.fiscal']``.

The options frame takes the table path when it fits (``frames_table``: its columns as NumPy
blocks into a ``CommitmentTable``, checked with array operations, no Python object per cell);
otherwise (a profile, a stage, scores...) the per-object path of ``by_objects``, which gives
the same problem.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import InputError
from .frames_table import NotTabular, locate, options_table
from .load import _cell as doc_cell
from .load import load_document
from .locate import file_location
from .model import ProblemSpec
from .parse import Reader
from .tabular import KEY_VALUE_SHEETS, SHEETS, sheets_to_document
from .validate import check_spec

_WHOLE = ("stage", "start_earliest", "start_latest", "lag", "count")


def _columns(frame: Any, name: str) -> tuple[list[str], list[tuple[int, list]], list]:
    """The header, the rows (numbered as a sheet's: the first data row is 2) and the labels."""
    if not hasattr(frame, "columns") or not hasattr(frame, "to_numpy"):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}", where=name)
    header = [str(c) for c in frame.columns]
    if len(set(header)) != len(header):
        twice = next(c for i, c in enumerate(header) if c in header[:i])
        raise InputError(f"the column '{twice}' is named twice", where=name)
    columns = []
    for c in frame.columns:
        values = frame[c].to_numpy(dtype=object, na_value=None).tolist()
        whole = str(c) in _WHOLE  # a column of whole numbers with gaps arrives as floats
        columns.append(
            [
                None
                if isinstance(v, float) and math.isnan(v)
                else int(v)
                if whole and isinstance(v, float) and v.is_integer()
                else v
                for v in values
            ]
        )
    rows = [(i + 2, list(cells)) for i, cells in enumerate(zip(*columns, strict=True))]
    return header, rows, list(frame.index)


def _mapping_rows(table: Mapping, name: str) -> tuple[list[str], list[tuple[int, list]], list]:
    keys = list(table)
    return ["key", "value"], [(i + 2, [k, table[k]]) for i, k in enumerate(keys)], keys


_CELL = re.compile(r"\b([a-z]+)!([A-Z]+)(\d+)")


def _frame_cell(m: re.Match, shapes: Mapping[str, tuple[list[str], list]]) -> str:
    sheet, letters, row = m.group(1), m.group(2), int(m.group(3))
    if sheet not in shapes:
        return m.group(0)
    header, labels = shapes[sheet]
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    col -= 1
    if row < 2 or row - 2 >= len(labels):
        return f"{sheet}[column '{header[col]}']" if col < len(header) else sheet
    column = f", column '{header[col]}'" if col < len(header) else ""
    return f"{sheet}[row {labels[row - 2]!r}{column}]"


def _given(options, problem, uncertainty, frames: Mapping) -> dict[str, Any]:
    given: dict[str, Any] = {"problem": problem, "options": options, "uncertainty": uncertainty}
    for key in frames:
        if key not in SHEETS or key in given:
            allowed = ", ".join(s for s in SHEETS if s not in given)
            raise InputError(f"unknown frame '{key}'; allowed: options, problem, {allowed}")
    given.update(frames)
    return given


def _sheets(given: Mapping[str, Any], skip: tuple[str, ...] = ()) -> tuple[dict, dict]:
    sheets: dict = {}
    shapes: dict[str, tuple[list[str], list]] = {}
    for sheet in SHEETS:
        frame = given.get(sheet)
        if frame is None or sheet in skip:
            continue
        if sheet in KEY_VALUE_SHEETS and isinstance(frame, Mapping):
            header, rows, labels = _mapping_rows(frame, sheet)
        else:
            header, rows, labels = _columns(frame, sheet)
        if sheet == "options" and "commitment" not in header:
            raise InputError("the options frame needs a 'commitment' column", where=sheet)
        sheets[sheet] = (header, rows)
        shapes[sheet] = (header, labels)
    return sheets, shapes


def _framed(e: InputError, shapes: Mapping, name: str) -> InputError:
    path = _CELL.sub(lambda m: _frame_cell(m, shapes), e.path or "") or None
    return InputError(e.message, where=e.where or name, path=path)


def from_frames(
    options: Any = None,
    *,
    problem: Mapping | Any = None,
    uncertainty: Mapping | Any = None,
    name: str = "frames",
    **frames: Any,
) -> ProblemSpec:
    """A validated problem from DataFrames laid out as the sheets of an .xlsx problem.

    ``frames`` takes the other sheets by name: ``scenarios``, ``resources``, ``relations``,
    ``shifts``, ``responses``, ``parameters``, ``constraints``, ``criteria``. The options
    frame is read as column blocks when it fits the options table (see ``frames_table``),
    else object by object; the problem is the same either way.
    """
    given = _given(options, problem, uncertainty, frames)
    if options is not None and given.get("tables") is None:
        try:
            return by_table(given, name)
        except NotTabular:
            pass
    return by_objects(given, name)


def by_table(given: Mapping[str, Any], name: str = "frames") -> ProblemSpec:
    """The problem with its options frame read as columns; ``NotTabular`` when it does not fit
    the table (then ``by_objects`` reads it)."""
    frame = given["options"]
    if not hasattr(frame, "iloc"):
        raise NotTabular("not a DataFrame")
    header, _, _ = _columns(frame.iloc[:0], "options")  # a DataFrame, its columns once each
    if "commitment" not in header:
        raise InputError("the options frame needs a 'commitment' column", where="options")
    sheets, shapes = _sheets(given, skip=("options",))
    try:
        doc, cells = sheets_to_document(sheets)
    except InputError as e:
        raise _framed(e, shapes, name) from None
    scenarios = [s.get("id") for s in doc.get("scenarios", []) if isinstance(s, Mapping)]
    if not all(isinstance(s, str) for s in scenarios):
        raise NotTabular("a scenario without an id")
    try:
        table, arrays = options_table(frame, scenarios or ["base"])
    except InputError as e:
        raise InputError(e.message, where=name, path=e.path) from None
    doc["tables"] = [{"file": "options"}]
    reader = Reader(lambda t, path: table)
    try:
        spec = reader.problem(doc, default_name=name)
    except InputError as e:
        raise _framed(
            InputError(e.message, path=doc_cell(e.path, doc, cells)), shapes, name
        ) from None
    try:
        spec = check_spec(spec)
    except InputError as e:
        path = file_location(e.path, doc, spec, [("options", table)])
        e = locate(InputError(e.message, path=doc_cell(path, doc, cells)), frame.index)
        raise _framed(e, shapes, name) from None
    return replace(spec, origin=name, sha256=_digest(doc, arrays))


def _digest(doc: Mapping, arrays: Mapping[str, Any]) -> str:
    """A fingerprint of the frames: the small sheets as JSON, the option columns' bytes."""
    h = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode())
    for key in sorted(arrays):
        col = arrays[key]
        items = col.items() if isinstance(col, Mapping) else [("", col)]
        for sub, x in sorted(items, key=lambda kv: kv[0]):
            h.update(f"\n{key}.{sub}\n".encode())
            for part in x if isinstance(x, tuple) else (x,):
                if isinstance(part, np.ndarray) and part.dtype.kind in "biufU":
                    h.update(np.ascontiguousarray(part).tobytes())
                else:
                    h.update("\x1f".join(part).encode())
    return h.hexdigest()


def by_objects(given: Mapping[str, Any], name: str = "frames") -> ProblemSpec:
    """The problem with every cell read as a workbook's (one Python object per cell)."""
    sheets, shapes = _sheets(given)
    try:
        doc, cells = sheets_to_document(sheets)
        return load_document(doc, where=name, default_name=name, cells=cells)
    except InputError as e:
        raise _framed(e, shapes, name) from None
