"""The fast path for CSV option tables: columns parsed by NumPy, checked with array operations.

``options_table(text, name)`` reads a table whose cells are plain numbers, ids and flags into a
``CommitmentTable`` (``optimizer.spec.bulk``) without making an object per option. Anything it
does not take as it is (a profile ``0.3;1.0``, a cell with spaces around an id, a bad number,
a row with more or fewer cells than the header, an unknown column) makes it return ``None``,
and the loader reads the table row by row as before, so a bad table gives the same located
one-line error either way. Rows are numbered by the file line they start on (``csvrows.records``).
"""

from __future__ import annotations

import csv

import numpy as np

from ..errors import InputError
from .bulk import CommitmentTable
from .bulk_build import table_from_arrays
from .csvrows import records
from .parse import CSV_FIXED as FIXED

TRUE, FALSE = ("true", "yes", "1"), ("", "false", "no", "0")
_FLAG = {**dict.fromkeys(TRUE, True), **dict.fromkeys(FALSE, False)}


def _numbers(cells: tuple[str, ...]) -> np.ndarray | None:
    """Floats, NaN for an empty cell; ``None`` when a cell is not one plain finite number."""
    arr = np.array(cells)
    empty = arr == ""
    if empty.any():
        arr[empty] = "0"
    try:
        out = arr.astype(float)  # the same conversion as Python's float()
    except ValueError:
        return None
    if not np.isfinite(out).all():
        return None
    out[empty] = np.nan
    return out


def _flags(cells: tuple[str, ...]) -> np.ndarray | None:
    kinds = set(cells)
    if not kinds <= _FLAG.keys():
        if not {c.strip().lower() for c in kinds} <= _FLAG.keys():
            return None
        cells = tuple(c.strip().lower() for c in cells)
    return np.fromiter(map(_FLAG.__getitem__, cells), dtype=bool, count=len(cells))


def _years(cells: tuple[str, ...]) -> np.ndarray | None:
    out = np.full(len(cells), np.nan)
    for k, c in enumerate(cells):
        c = c.strip()
        if c:
            try:
                out[k] = int(c)
            except ValueError:
                return None
    return out


def options_table(text: str, name: str) -> CommitmentTable | None:
    """The table in ``text`` (file ``name``), or ``None`` for the row-by-row reader."""
    try:
        rows, lines = records(text)  # blank lines dropped; each record's first line
    except csv.Error:
        return None
    if len(rows) < 2:
        return None
    header, body = rows[0], rows[1:]
    width = len(header)
    if len(set(header)) != width or set(map(len, body)) != {width}:
        return None
    if any(h not in FIXED and not h.startswith(("use.", "value.")) for h in header):
        return None
    if "commitment" not in header or "" in header:
        return None
    cols = dict(zip(header, zip(*body, strict=True), strict=True))
    use, value = {}, {}
    for h, cells in cols.items():
        if h.startswith(("use.", "value.")):
            if ";" in "".join(cells):
                return None  # profiles: read row by row
            nums = _numbers(cells)
            if nums is None:
                return None
            (use if h.startswith("use.") else value)[h.partition(".")[2]] = nums
    kw: dict = {}
    for h, key in (("value_per_year", "value_per_year"), ("required", "required")):
        if h in cols:
            kw[key] = _flags(cols[h])
            if kw[key] is None:
                return None
    if "start_earliest" in cols or "start_latest" in cols:
        n = len(body)
        lo = _years(cols.get("start_earliest", ("",) * n))
        hi = _years(cols.get("start_latest", ("",) * n))
        if lo is None or hi is None:
            return None
        kw["start"] = (lo, hi)
    if "option" in cols:
        kw["option"] = [c or "yes" for c in cols["option"]]
    for h, key in (("name", "option_name"), ("description", "description"), ("source", "source")):
        if h in cols:
            kw[key] = cols[h]
    for h in ("commitment_name", "group"):
        if h in cols:
            kw[h] = cols[h]
    try:
        return table_from_arrays(
            cols["commitment"],
            use=use,
            value=value,
            rows=lines[1:],
            origin=name,
            **kw,
        )
    except InputError:
        return None  # the row-by-row reader names the problem as it always has
