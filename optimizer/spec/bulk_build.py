"""Build a ``CommitmentTable`` from NumPy arrays, checking every column with array operations.

``table_from_arrays`` takes one entry per option in each column and refuses a bad one with its
row and column named; ``from_arrays`` (``ProblemSpec.from_arrays``) adds the rest of a problem.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping

import numpy as np

from ..errors import InputError, printable
from .bulk import ID_RULE, MAX_WHOLE, CommitmentTable, _all_ids, _bad_id


# ---- building a table --------------------------------------------------------------------
def _numbers(col, n: int, where) -> np.ndarray:
    """A float column of ``n`` entries; NaN is absent, +-inf and non-numbers are errors."""
    arr = np.asarray(col)
    if arr.dtype == bool or arr.shape != (n,):
        what = "true/false" if arr.dtype == bool else f"shape {arr.shape}"
        raise InputError(f"expected {n} numbers, got {what}", path=where(0))
    if arr.dtype.kind in "OUS":  # text or mixed: every item must be a number
        items = col.tolist() if isinstance(col, np.ndarray) else list(col)
        for k, x in enumerate(items):
            if isinstance(x, bool) or not isinstance(x, int | float | np.number):
                raise InputError(f"expected a number, got {x!r}", path=where(k))
    out = arr.astype(float)
    bad = np.isinf(out)
    if bad.any():
        k = int(np.argmax(bad))
        raise InputError(f"expected a finite number, got {out[k].item()!r}", path=where(k))
    return out


def _ids(col, n: int, where, what: str) -> list[str]:
    ids = list(col.tolist() if isinstance(col, np.ndarray) else col)
    if len(ids) != n:
        raise InputError(f"expected {n} {what} ids, got {len(ids)}", path=where(0))
    if not _all_ids(ids):
        k = next(k for k, s in enumerate(ids) if _bad_id(s))
        raise InputError(f"{ID_RULE}, got {ids[k]!r}", path=where(k))
    return ids


def _texts(col, n: int, where) -> list[str]:
    out = list(col.tolist() if isinstance(col, np.ndarray) else col)
    try:
        joined = "".join(out)  # TypeError unless every item is text
    except TypeError:
        joined = None
    if len(out) != n or joined is None:
        k = next((k for k, s in enumerate(out) if not isinstance(s, str)), 0)
        raise InputError(f"expected {n} texts", path=where(k))
    return out if joined.isprintable() else list(map(printable, out))


def _flags(col, n: int, where) -> np.ndarray:
    arr = np.asarray(col)
    if arr.shape != (n,) or arr.dtype != bool:
        raise InputError(f"expected {n} true/false values, got {arr.dtype}", path=where(0))
    return arr


def _start(start, n: int, where) -> tuple[np.ndarray, np.ndarray]:
    """(has_start, (n, 2) int years) from ``(earliest, latest)`` columns (NaN: none)."""
    if start is None:
        return np.zeros(n, dtype=bool), np.zeros((n, 2), dtype=np.int64)
    arr = np.asarray(start, dtype=object)
    if arr.shape == (n, 2):
        arr = arr.T
    lo = _numbers(arr[0], n, lambda k: where(k, "start_earliest"))
    hi = _numbers(arr[1], n, lambda k: where(k, "start_latest"))
    lo = np.where(np.isnan(lo), hi, lo)  # one alone is that single year
    hi = np.where(np.isnan(hi), lo, hi)
    has = ~np.isnan(lo)
    for x, col in ((lo, "start_earliest"), (hi, "start_latest")):
        bad = has & ((x != np.floor(x)) | (np.abs(x) > MAX_WHOLE))
        if bad.any():
            k = int(np.argmax(bad))
            raise InputError(f"expected a year, got {x[k].item()!r}", path=where(k, col))
    years = np.stack([np.where(has, lo, 0), np.where(has, hi, 0)], axis=1).astype(np.int64)
    bad = has & (years[:, 1] < years[:, 0])
    if bad.any():
        k = int(np.argmax(bad))
        raise InputError(
            f"expected first <= last, got [{years[k, 0]}, {years[k, 1]}]", path=where(k, "start")
        )
    return has, years


def _amounts(table, n: int, where, prefix: str) -> tuple[tuple[str, ...], np.ndarray]:
    table = dict(table or {})
    keys = tuple(table)
    for key in keys:
        if _bad_id(key):
            raise InputError(f"{ID_RULE}, got {key!r}", path=where(0, prefix))
    cols = [_numbers(table[key], n, lambda k, c=key: where(k, f"{prefix}.{c}")) for key in keys]
    M = np.column_stack(cols) if cols else np.zeros((n, 0))
    keep = ~np.isnan(M).all(axis=0)  # a column with no amount at all is left out
    return tuple(k for k, x in zip(keys, keep, strict=True) if x), np.ascontiguousarray(M[:, keep])


def _runs(column) -> tuple[np.ndarray, list] | tuple[None, None]:
    """Each row's commitment number and the commitments' ids when every commitment's rows are
    adjacent (the usual table), found by comparing neighbours as arrays; else ``None``s."""
    if not isinstance(column, np.ndarray) or column.dtype.kind != "U" or column.ndim != 1:
        return None, None
    if column.shape[0] == 0:
        return None, None
    inv = np.concatenate([[0], np.cumsum(column[1:] != column[:-1])]).astype(np.int64)
    heads = column[np.flatnonzero(np.diff(inv, prepend=-1))].tolist()
    return (inv, heads) if len(set(heads)) == len(heads) else (None, None)


def _unique_ids(col, n: int, where, what: str) -> tuple[list, dict]:
    """The ids of a column and its distinct ids (first-seen order), each distinct id checked
    once; a bad one is located by a check of every row."""
    ids = list(col.tolist() if isinstance(col, np.ndarray) else col)
    try:
        distinct = dict.fromkeys(ids)
    except TypeError:  # something unhashable: not an id
        distinct = None
    if len(ids) != n or distinct is None or not _all_ids(list(distinct)):
        _ids(ids, n, where, what)
    return ids, distinct


def table_from_arrays(
    commitment,
    *,
    option=None,
    use: Mapping | None = None,
    value: Mapping | None = None,
    value_per_year=None,
    start=None,
    option_name=None,
    description=None,
    source=None,
    commitment_name=None,
    group=None,
    required=None,
    rows=None,
    origin: str = "",
) -> CommitmentTable:
    """A validated ``CommitmentTable`` from one entry per option in each column.

    ``commitment`` holds each option's commitment id (rows with the same id are that
    commitment's options, in order); ``option`` the option ids (``"yes"`` when ``None``);
    ``use``/``value`` map a resource/scenario id to a column of amounts (NaN: none);
    ``start`` is ``(earliest, latest)`` columns of years (NaN: no window; one alone is that
    year); ``option_name``, ``description``, ``source`` are the options' texts;
    ``commitment_name``, ``group`` and ``required`` are read from a commitment's first
    row. ``rows`` numbers the rows in messages (0, 1, ... by default); ``origin`` names a file
    (then a row is ``FILE:ROW``).
    """
    inv, heads = _runs(commitment)
    ids = commitment if inv is not None else list(commitment)
    n = len(ids)
    row_no = np.arange(n) if rows is None else np.asarray(rows)

    def where(k: int, column: str) -> str:
        row = int(row_no[k])
        if origin:
            return f"{origin}:{row}.{column}"
        cid = ids[k] if isinstance(ids[k], str) else "?"
        return f"row {row} (commitment '{cid}').{column}"

    if n == 0:
        raise InputError("expected at least one option", path=origin or "commitment")
    if inv is None:
        ids, pos = _unique_ids(ids, n, lambda k: where(k, "commitment"), "commitment")
    elif not _all_ids(heads):  # adjacent rows: each commitment's id checked once
        _ids(ids, n, lambda k: where(k, "commitment"), "commitment")
    if option is None:
        opts, codes = ["yes"] * n, {"yes": None}
    else:
        opts, codes = _unique_ids(option, n, lambda k: where(k, "option"), "option")
    use_keys, U = _amounts(use, n, where, "use")
    value_keys, V = _amounts(value, n, where, "value")
    per_year = (
        np.zeros(n, dtype=bool)
        if value_per_year is None
        else _flags(value_per_year, n, lambda k: where(k, "value_per_year"))
    )
    has_start, years = _start(start, n, where)
    texts = {
        key: _texts(col, n, lambda k, c=key: where(k, c))
        for key, col in (("name", option_name), ("description", description), ("source", source))
        if col is not None
    }
    c_text = {
        key: None if col is None else _texts(col, n, lambda k, c=key: where(k, c))
        for key, col in (("commitment_name", commitment_name), ("group", group))
    }
    req = (
        np.zeros(n, dtype=bool)
        if required is None
        else _flags(required, n, lambda k: where(k, "required"))
    )

    # group the rows by commitment, in first-seen order
    if inv is None:  # rows of a commitment apart: look each id up (C-level loops)
        pos = dict(zip(pos, range(n), strict=False))
        inv = np.fromiter(map(pos.__getitem__, ids), dtype=np.int64, count=n)
    else:
        pos = dict.fromkeys(heads)
    if (np.diff(inv) < 0).any():
        order = np.argsort(inv, kind="stable")
        ids = [ids[k] for k in order]
        opts = [opts[k] for k in order]
        U, V, per_year, has_start, years = (
            U[order],
            V[order],
            per_year[order],
            has_start[order],
            years[order],
        )
        texts = {k: [v[i] for i in order] for k, v in texts.items()}
        c_text = {k: None if v is None else [v[i] for i in order] for k, v in c_text.items()}
        req, row_no, inv = req[order], row_no[order], inv[order]
    counts = np.bincount(inv, minlength=len(pos))
    first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    codes = dict(zip(codes, range(n), strict=False))
    pair = inv * len(codes) + np.fromiter(map(codes.__getitem__, opts), dtype=np.int64, count=n)
    if (np.diff(np.sort(pair)) == 0).any():
        seen: dict[tuple[int, str], int] = {}
        for k, key in enumerate(zip(inv.tolist(), opts, strict=True)):
            if key in seen:
                raise InputError(
                    f"duplicate option id '{key[1]}' of commitment '{ids[k]}' "
                    f"(also at row {int(row_no[seen[key]])})",
                    path=where(k, "option"),
                )
            seen[key] = k
    heads = first[:-1]
    return CommitmentTable(
        ids=tuple(pos),
        first=first,
        option_ids=opts,
        use_keys=use_keys,
        use=U,
        value_keys=value_keys,
        value=V,
        per_year=per_year,
        has_start=has_start,
        start=years,
        texts=texts,
        c_name=None
        if c_text["commitment_name"] is None
        else [c_text["commitment_name"][k] for k in heads],
        c_group=None if c_text["group"] is None else [c_text["group"][k] for k in heads],
        required=req[heads],
        rows=row_no,
        origin=origin,
    )


def from_arrays(
    spec_class,
    name: str,
    commitment,
    *,
    scenarios=None,
    resources=(),
    relations=(),
    years=None,
    **columns,
):
    """A validated ``spec_class`` (``ProblemSpec``, which passes itself, so that this module
    does not import ``model``) whose options come from columns (see ``table_from_arrays``;
    ``value`` may also be one column: the same amount in every scenario). The other keyword
    arguments are those of ``ProblemSpec.build``."""
    fields = {k: columns.pop(k) for k in list(columns) if k in spec_class.__dataclass_fields__}
    value = columns.get("value")
    if value is not None and not isinstance(value, Mapping):
        ids = (
            list(scenarios)
            if isinstance(scenarios, Mapping)
            else [s.id for s in scenarios]
            if scenarios is not None
            else ["base"]
        )
        columns["value"] = dict.fromkeys(ids, value)
    enabled = gc.isenabled()
    gc.disable()  # many short-lived lists, no cycles: a collection would walk them all
    try:
        table = table_from_arrays(commitment, **columns)
    finally:
        if enabled:
            gc.enable()
    return spec_class.build(
        name,
        table,
        scenarios=scenarios,
        resources=resources,
        relations=relations,
        years=years,
        **fields,
    )
