"""Many options at once from NumPy arrays: vectorised validation, objects made on demand.

``optimizer.spec.bulk_build.table_from_arrays`` checks a whole option table with array operations (ids well formed and
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

from ..errors import InputError, did_you_mean
from .items import Commitment, Option

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
        self.c_text: dict[str, list[str]] = {}  # a commitment's description, source
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

    def __getstate__(self) -> dict:  # pickled as columns: the objects are made again
        return {**self.__dict__, "_made": {}}

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
            description=self.c_text["description"][i] if "description" in self.c_text else "",
            source=self.c_text["source"][i] if "source" in self.c_text else "",
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
        self._pos: dict[str, int] | None = None

    @property
    def pos(self) -> dict[str, int]:  # made at the first lookup (none without relations)
        if self._pos is None:
            self._pos = dict(zip(self.table.ids, range(len(self.table.ids)), strict=True))
        return self._pos

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
