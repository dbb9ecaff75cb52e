"""The fast path of ``from_frames``: an options DataFrame taken as NumPy column blocks.

``table_arrays(frame)`` turns the options frame into the columns ``table_from_arrays``
(``bulk_build``) checks with array operations: the ``use.<resource>`` and ``value.<scenario>``
columns each as one block (``DataFrame.to_numpy``), ids and texts as arrays; no Python object
is made per cell of a well-formed frame. A cell that is wrong is refused with the frame's row
label and column (``options[row 14, column 'value.boom']``). What the table does not hold
raises ``NotTabular`` naming it, and ``from_frames`` takes the per-object path instead, with
the same result: a column other than the CSV table's (``stage``, ``scores.<criterion>``,
``commitment_description``, ``commitment_source``, ``start``, a plain ``value``...), a profile
in a ``use``/``value`` cell (``0.3;1.0`` or a list), a list or table written in a text cell
(``[...]``, ``{...}``, ``"..."``), and a ``value`` column beside ``value.<scenario>``
columns.

The meaning of each cell is the workbook's (``tabular``): an empty cell (NaN, None, NA, blank
text) is absent; a commitment's ``commitment_name``, ``group`` and ``required`` are read from
its first row (with ``commitment_description`` and ``commitment_source``); a commitment of one
row without an option id is written in shorthand, so its ``name``, ``description`` and
``source`` are the commitment's; a plain ``value`` column is the amount in every scenario.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..errors import InputError
from .bulk import ID_RULE, CommitmentTable, _bad_id
from .bulk_build import table_from_arrays

_TEXTS = {
    "name": "option_name",
    "description": "description",
    "source": "source",
    "commitment_name": "commitment_name",
    "group": "group",
}
_FLAGS = ("required", "value_per_year")
_YEARS = ("start_earliest", "start_latest")
_OWN = {"commitment_description": "description", "commitment_source": "source"}
COLUMNS = ("commitment", "option", "value", *_TEXTS, *_OWN, *_FLAGS, *_YEARS)


_SPACED = re.compile(r"\x00\s")
_QUOTED = re.compile(r'\x00\s*[\[{"]')
_QUOTED_AT_ONCE = re.compile(r'\x00[\[{"]')


class NotTabular(Exception):
    """The frame uses something the table does not hold (the message says what)."""


def _pandas():
    import pandas as pd

    return pd


def _label(row: Any) -> Any:
    return row.item() if isinstance(row, np.generic) else row


def _cell(row: Any, column: str) -> str:
    return f"options[row {_label(row)!r}, column '{column}']"


class _Frame:
    """The options frame, its row labels, and located errors."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame
        self.labels = frame.index
        self.n = len(frame)

    def error(self, message: str, k: int, column: str) -> InputError:
        return InputError(message, path=_cell(self.labels[k], column))

    def objects(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """A column as an object array and its mask of empty cells (NaN, None, NA)."""
        arr = self.frame[column].to_numpy(dtype=object)
        return arr, _pandas().isna(arr)

    def _first_not(self, arr, empty, ok, column: str, what: str) -> InputError:
        k = next(k for k in range(self.n) if not empty[k] and not ok(arr[k]))
        return self.error(f"expected {what}, got {arr[k]!r}", k, column)

    def numbers(self, column: str) -> np.ndarray:
        """A column of numbers (NaN: absent); text is an error, a profile is ``NotTabular``."""
        series = self.frame[column]
        kind = series.dtype.kind
        if kind in "iuf":
            return series.to_numpy(dtype=float, na_value=np.nan)
        if kind == "b":
            k = int(np.argmax(~series.isna().to_numpy()))
            raise self.error(f"expected a number, got {bool(series.iloc[k])}", k, column)
        arr, empty = self.objects(column)
        inferred = _pandas().api.types.infer_dtype(arr[~empty], skipna=True)
        if inferred in ("integer", "floating", "mixed-integer-float", "empty", "decimal"):
            return np.where(empty, np.nan, arr).astype(float)
        for k in np.flatnonzero(~empty).tolist():  # not the usual case: find the cell
            x = arr[k]
            if isinstance(x, list | tuple) or (isinstance(x, str) and (";" in x or "[" in x)):
                raise NotTabular(f"a profile in column '{column}'")
        raise self._first_not(arr, empty, _is_number, column, "a number")

    def texts(self, column: str, *, ids: bool = False) -> tuple[Any, np.ndarray]:
        """A column of text as a list ('' where empty) and its mask of empty cells (NaN, None,
        NA, blank)."""
        series = self.frame[column]
        empty = series.isna().to_numpy()
        arr = series.to_numpy(dtype=object)
        inferred = _pandas().api.types.infer_dtype(arr, skipna=True)
        if inferred not in ("string", "empty"):
            what = "an id" if ids else "text"
            raise self._first_not(arr, empty, lambda x: isinstance(x, str), column, what)
        if empty.any():
            arr = np.where(empty, "", arr)
        values = arr.tolist()
        joined = "\x00" + "\x00".join(values) + "\x00"  # searched at C speed, cell by cell if hit
        spaced = _SPACED.search(joined) is not None
        if spaced or "\x00\x00" in joined:  # blank cells are empty
            blank = np.char.strip(np.asarray(values, dtype=str)) == ""
            if (blank & ~empty).any():
                values = np.where(blank, "", values).tolist()
            empty = empty | blank
        if (_QUOTED if spaced else _QUOTED_AT_ONCE).search(joined) is not None:
            raise NotTabular(f"a list, table or quoted text in column '{column}'")
        return values, empty

    def flags(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """A true/false column (empty: false) and its mask of empty cells."""
        series = self.frame[column]
        if series.dtype == bool:
            return series.to_numpy(), np.zeros(self.n, dtype=bool)
        arr, empty = self.objects(column)
        if _pandas().api.types.infer_dtype(arr[~empty], skipna=True) not in ("boolean", "empty"):
            ok = lambda x: isinstance(x, bool | np.bool_)  # noqa: E731
            raise self._first_not(arr, empty, ok, column, "true or false")
        return np.where(empty, False, arr).astype(bool), empty


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.number) and not isinstance(x, bool | np.bool_)


def table_arrays(frame: Any, scenarios: list[str]) -> tuple[dict, dict]:
    """The keyword arguments of ``table_from_arrays`` for an options frame, the commitments'
    own texts and the masks the shorthand rule needs; ``NotTabular`` when the frame needs the
    per-object path. A plain ``value`` column is the amount in each of ``scenarios``."""
    f = _Frame(frame)
    header = [str(c) for c in frame.columns]
    use: dict[str, np.ndarray] = {}
    value: dict[str, np.ndarray] = {}
    blocks: dict[str, list[str]] = {"use": [], "value": []}
    for column, h in zip(frame.columns, header, strict=True):
        prefix, dot, key = h.partition(".")
        if dot and prefix in blocks:
            if _bad_id(key):
                raise InputError(f"{ID_RULE}, got {key!r}", path=f"options[column '{h}']")
            blocks[prefix].append(column)
        elif h not in COLUMNS and not frame[column].isna().all():
            raise NotTabular(f"the column '{h}'")
    if f.n == 0:
        raise NotTabular("no rows")
    for prefix, target in (("use", use), ("value", value)):
        cols = blocks[prefix]
        block = frame[cols]
        if cols and all(block.dtypes.map(lambda d: d.kind in "iuf")):
            M = block.to_numpy(dtype=float, na_value=np.nan)  # the whole block at once
            target.update((str(c).partition(".")[2], M[:, j]) for j, c in enumerate(cols))
        else:
            target.update((str(c).partition(".")[2], f.numbers(c)) for c in cols)
    if "value" in header:  # the same amount in every scenario, on rows without value.<s>
        plain = f.numbers("value")
        given = ~np.isnan(plain)
        if any((given & ~np.isnan(col)).any() for col in value.values()):
            raise NotTabular("a row with both 'value' and 'value.<scenario>' cells")
        nan = np.full(f.n, np.nan)
        for s in scenarios:
            value[s] = np.where(given, plain, value.get(s, nan))
    ids, empty = f.texts("commitment", ids=True)
    if empty.any():
        k = int(np.argmax(empty))
        raise f.error("the row names no commitment", k, "commitment")
    ids = np.asarray(ids, dtype=str)  # as an array, a commitment's adjacent rows are found fast
    kw: dict[str, Any] = {"commitment": ids, "use": use, "value": value}
    masks: dict[str, np.ndarray] = {"option": np.ones(f.n, dtype=bool)}
    if "option" in header:
        opts, masks["option"] = f.texts("option", ids=True)
        kw["option"] = (
            np.where(masks["option"], "yes", opts).tolist() if masks["option"].any() else opts
        )
    for h, key in _TEXTS.items():
        if h in header:
            kw[key], masks[h] = f.texts(h)
    own = {}
    for h, key in _OWN.items():
        if h in header:
            own[key] = np.asarray(f.texts(h)[0], dtype=object)
    for h in _FLAGS:
        if h in header:
            kw[h], masks[h] = f.flags(h)
    if any(h in header for h in _YEARS):
        nan = np.full(f.n, np.nan)
        kw["start"] = tuple(f.numbers(h) if h in header else nan for h in _YEARS)
        masks["start"] = np.isnan(kw["start"][0]) & np.isnan(kw["start"][1])
    return kw, own, masks


def shorthand(table: CommitmentTable, own: dict, masks: dict, labels: Any) -> None:
    """The commitments' own description and source (from their first rows), and the
    workbook's meaning of a one-row commitment without an option id: its ``name``,
    ``description`` and ``source`` are the commitment's, and it gives something of its option
    (``use``, ``value``, a start or ``value_per_year``)."""
    heads = table.rows[table.first[:-1]]
    table.c_text = {key: col[heads].tolist() for key, col in own.items()}
    single = np.flatnonzero(np.diff(table.first) == 1)
    k = table.first[:-1][single]  # their option's position in the table
    rows = table.rows[k]
    short = masks["option"][rows]
    if not short.any():
        return
    single, k, rows = single[short], k[short], rows[short]
    given = ~np.isnan(table.use[k]).all(axis=1) | ~np.isnan(table.value[k]).all(axis=1)
    for h in ("start", "value_per_year"):
        if h in masks:
            given |= ~masks[h][rows]
    if not given.all():
        at = int(rows[np.argmax(~given)])
        raise InputError(
            "expected 'options', or 'use'/'value' for a single option",
            path=_cell(labels[at], "commitment"),
        )
    for h in ("name", "description", "source"):
        written = ~masks[h][rows] if h in masks else np.zeros(len(rows), dtype=bool)
        if not written.any():
            continue
        texts = table.texts[h]
        if h == "name":
            target = table.c_name if table.c_name is not None else [""] * len(table)
            table.c_name = target
        else:
            target = table.c_text.setdefault(h, [""] * len(table))
        for i, kk in zip(single[written].tolist(), k[written].tolist(), strict=True):
            target[i], texts[kk] = texts[kk], ""


_AT = re.compile(r"options:(\d+)(?:\.([^\s]+))?")
_ALSO = re.compile(r"\(also at row (\d+)\)")


def locate(e: InputError, labels: Any) -> InputError:
    """An error of the table (``options:K.column``) with the frame's row label."""

    def cell(m: re.Match) -> str:
        label, column = _label(labels[int(m.group(1))]), m.group(2)
        if column is None:
            return f"options[row {label!r}]"
        if column == "start":
            return f"options[row {label!r}, columns 'start_earliest'/'start_latest']"
        return _cell(label, column)

    message = _ALSO.sub(lambda m: f"(also at row {_label(labels[int(m.group(1))])!r})", e.message)
    path = _AT.sub(cell, e.path) if e.path else e.path
    return InputError(message, where=e.where, path=path)


def options_table(frame: Any, scenarios: list[str]) -> tuple[CommitmentTable, dict]:
    """The options frame as a checked ``CommitmentTable`` (row ``k`` of the frame is row ``k``
    of the table), and the arrays it was made from; ``NotTabular`` when it does not fit."""
    kw, own, masks = table_arrays(frame, scenarios)
    try:
        table = table_from_arrays(**kw, rows=np.arange(len(frame)), origin="options")
        shorthand(table, own, masks, frame.index)
    except InputError as e:
        raise locate(e, frame.index) from None
    return table, {
        **kw,
        "own": own,
        "names": {"c": table.c_name or [], "o": table.texts.get("name", [])},
    }
