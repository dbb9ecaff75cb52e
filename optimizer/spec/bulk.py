"""Many options at once from NumPy arrays: vectorised validation, objects made on demand.

``table_from_arrays`` checks a whole option table with array operations (ids well formed and
unique, numbers finite, start windows in order) and returns a ``CommitmentTable``: a read-only
sequence of the same ``Commitment``/``Option`` objects the file loader makes, each built only
when it is asked for. ``check_spec`` checks the table against the problem (resources and
scenarios known, windows inside the horizon) with array operations too, and the compile reads
the table's arrays directly, so a large problem built this way never makes one Python object
per option unless a caller walks the options.

In the arrays, ``NaN`` is "no amount" (an empty CSV cell, a key left out of ``use``/``value``);
an infinite amount is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import InputError, did_you_mean, printable
from .model import Commitment, Option

_BAD_ID = re.compile(r"[ .\t\n\[\]=\"']")
MAX_WHOLE = 999_999_999
ID_RULE = "expected an id (letters, digits, '_' or '-', no spaces or dots)"


def _bad_id(s) -> bool:
    return not isinstance(s, str) or not s or bool(_BAD_ID.search(s)) or not s.isprintable()


def _all_ids(ids: list) -> bool:
    """Whether every item is a well-formed id, tested on all of them at once."""
    try:
        joined = "".join(ids)
    except TypeError:
        return False
    return (
        not _BAD_ID.search(joined) and joined.isprintable() and (not ids or min(map(len, ids)) > 0)
    )


class CommitmentTable(Sequence):
    """Commitments held as columns (options grouped by commitment, in first-seen order)."""

    def __init__(self, **columns) -> None:
        self.__dict__.update(columns)
        self._made: dict[int, Commitment] = {}

    # ---- the sequence ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[k] for k in range(len(self))[i])
        k = range(len(self))[i]  # IndexError as a tuple would raise it
        c = self._made.get(k)
        if c is None:
            c = self._made[k] = self._make(k)
        return c

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other):
        return tuple(self) + tuple(other)

    def __radd__(self, other):
        return tuple(other) + tuple(self)

    def __repr__(self) -> str:
        return f"CommitmentTable({len(self)} commitments, {len(self.option_ids)} options)"

    def _make(self, i: int) -> Commitment:
        a, b = int(self.first[i]), int(self.first[i + 1])
        use, value = self.use[a:b].tolist(), self.value[a:b].tolist()
        options = []
        for k in range(a, b):
            u, v = use[k - a], value[k - a]
            has = bool(self.has_start[k])
            options.append(
                Option(
                    id=self.option_ids[k],
                    use={r: x for r, x in zip(self.use_keys, u, strict=True) if x == x},
                    value={s: x for s, x in zip(self.value_keys, v, strict=True) if x == x},
                    value_per_year=bool(self.per_year[k]),
                    start=(int(self.start[k, 0]), int(self.start[k, 1])) if has else None,
                    name=self.texts["name"][k] if "name" in self.texts else "",
                    description=self.texts["description"][k] if "description" in self.texts else "",
                    source=self.texts["source"][k] if "source" in self.texts else "",
                )
            )
        return Commitment(
            id=self.ids[i],
            options=tuple(options),
            name=self.c_name[i] if self.c_name is not None else "",
            group=self.c_group[i] if self.c_group is not None else "",
            required=bool(self.required[i]),
        )

    # ---- locating and checking against a problem ------------------------------------
    def path(self, k: int, column: str) -> str:
        """Where option ``k`` (in table order) came from, as an error path."""
        row = int(self.rows[k])
        if self.origin:
            return f"{self.origin}:{row}.{column}"
        ci = int(np.searchsorted(self.first, k, side="right")) - 1
        return f"row {row} (commitment '{self.ids[ci]}', option '{self.option_ids[k]}').{column}"

    def row_of(self, commitment: str, option: str | None) -> int | None:
        """The source row of a commitment's first option, or of one option."""
        for i, c in enumerate(self.ids):
            if c == commitment:
                for k in range(int(self.first[i]), int(self.first[i + 1])):
                    if option is None or self.option_ids[k] == option:
                        return int(self.rows[k])
        return None

    def by_id(self) -> Mapping:
        return _ById(self)

    def recheck(self, spec) -> int:
        """Check the table against ``spec``; return its number of decision columns."""
        for keys, M, known, what, prefix in (
            (self.use_keys, self.use, [r.id for r in spec.resources], "resource", "use"),
            (self.value_keys, self.value, [s.id for s in spec.scenarios], "scenario", "value"),
        ):
            for j, key in enumerate(keys):
                if key not in known:
                    k = int(np.flatnonzero(~np.isnan(M[:, j]))[0])
                    raise InputError(
                        f"unknown {what} '{key}'{did_you_mean(key, known)}",
                        path=self.path(k, f"{prefix}.{key}"),
                    )
        if not self.has_start.any():
            return len(self.option_ids)
        k = int(np.argmax(self.has_start))
        if spec.years is None:
            raise InputError("a start window needs problem.years", path=self.path(k, "start"))
        y0, y1 = spec.years
        lo, hi = self.start[:, 0], self.start[:, 1]
        out = self.has_start & ((lo < y0) | (hi > y1))
        if out.any():
            k = int(np.argmax(out))
            raise InputError(
                f"start window [{lo[k]}, {hi[k]}] is outside the horizon {y0}-{y1}",
                path=self.path(k, "start"),
            )
        return int(np.where(self.has_start, hi - lo + 1, 1).sum())


class _ById(Mapping):
    """``{commitment id: Commitment}`` over a table, each made when looked up."""

    def __init__(self, table: CommitmentTable) -> None:
        self.table = table
        self.pos = dict(zip(table.ids, range(len(table.ids)), strict=True))

    def __getitem__(self, key):
        return self.table[self.pos[key]]

    def __contains__(self, key) -> bool:
        return key in self.pos

    def __iter__(self):
        return iter(self.pos)

    def __len__(self) -> int:
        return len(self.pos)


def join_tables(commitments: list, tables: list):
    """Commitments written out followed by those of the tables: a lone table stays a table."""
    if not commitments and len(tables) == 1 and isinstance(tables[0], CommitmentTable):
        return tables[0]
    for t in tables:
        commitments.extend(t)
    return tuple(commitments)


def commitment_ids(commitments) -> list[str]:
    if isinstance(commitments, CommitmentTable):
        return list(commitments.ids)
    return [c.id for c in commitments]


def stages(commitments) -> set[int]:
    """The stages used by ``commitments`` (a table holds first-stage commitments only)."""
    if isinstance(commitments, CommitmentTable):
        return {1} if len(commitments) else set()
    return {c.stage for c in commitments}


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
        raise InputError(f"expected a finite number, got {arr[k]!r}", path=where(k))
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
    if len(out) != n or not all(isinstance(s, str) for s in out):
        k = next((k for k, s in enumerate(out) if not isinstance(s, str)), 0)
        raise InputError(f"expected {n} texts", path=where(k))
    return out if "".join(out).isprintable() else list(map(printable, out))


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
            raise InputError(f"expected a year, got {x[k]!r}", path=where(k, col))
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
    ids = list(commitment.tolist() if isinstance(commitment, np.ndarray) else commitment)
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
    ids = _ids(ids, n, lambda k: where(k, "commitment"), "commitment")
    opts = (
        ["yes"] * n if option is None else _ids(option, n, lambda k: where(k, "option"), "option")
    )
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
    pos: dict[str, int] = {}
    inv = np.fromiter((pos.setdefault(c, len(pos)) for c in ids), dtype=np.int64, count=n)
    order = np.argsort(inv, kind="stable")
    if (np.diff(inv) < 0).any():
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
    if len(set(zip(inv.tolist(), opts, strict=True))) != n:
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
    name: str, commitment, *, scenarios=None, resources=(), relations=(), years=None, **columns
):
    """A validated ``ProblemSpec`` whose options come from columns (see ``table_from_arrays``;
    ``value`` may also be one column: the same amount in every scenario). The other keyword
    arguments are those of ``ProblemSpec.build``."""
    from .model import ProblemSpec

    fields = {k: columns.pop(k) for k in list(columns) if k in ProblemSpec.__dataclass_fields__}
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
    table = table_from_arrays(commitment, **columns)
    return ProblemSpec.build(
        name,
        table,
        scenarios=scenarios,
        resources=resources,
        relations=relations,
        years=years,
        **fields,
    )
