"""Compile option ``scores`` into one coefficient column per criterion (like scenario values).

``attach_criteria`` stores a :class:`CriteriaData` in ``model.meta["criteria"]``: criterion
``k``'s value of a solution ``x`` is ``K[:, k] @ x[:K.shape[0]] + offset[k]``. Column 0 is
``expected``: the model's own expected-value objective ``c`` and its offset. Scores are built
from NumPy index arrays over the model's (commitment, option, start) column maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec.criteria import EXPECTED, criterion_ids


@dataclass(frozen=True, eq=False)
class CriteriaData:
    """Every criterion of a model: ids, senses, units, declared weights, coefficients."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    units: tuple[str, ...]
    maximize: np.ndarray  # (k,) bool
    weights: tuple[float | None, ...]
    K: np.ndarray  # (n_base, k)
    offset: np.ndarray  # (k,)

    def index(self, cid: str) -> int:
        return self.ids.index(cid)

    def column(self, cid: str, n: int) -> np.ndarray:
        """Criterion ``cid``'s coefficients padded with zeros to ``n`` columns."""
        out = np.zeros(n)
        k = self.K[:, self.index(cid)]
        out[: k.shape[0]] = k
        return out

    def values(self, x: np.ndarray) -> np.ndarray:
        """Every criterion's value of the solution ``x``."""
        nb = self.K.shape[0]
        return np.asarray(x[:nb], float) @ self.K + self.offset


def attach_criteria(spec, model):
    """``model`` with ``meta["criteria"]`` set (every problem has at least ``expected``)."""
    from dataclasses import replace

    ids = criterion_ids(spec)
    declared = {c.id: c for c in spec.criteria}
    n = model.n
    K = np.zeros((n, len(ids)))
    K[:, 0] = model.c
    offset = np.zeros(len(ids))
    offset[0] = float(model.objective_offset)
    T = spec.n_periods
    idx = {cid: k for k, cid in enumerate(ids)}
    cols = np.nonzero(model.col_commitment[: model.n_decision] >= 0)[0]
    if cols.size and len(ids) > 1:
        ci = model.col_commitment[cols]
        oi = model.col_option[cols]
        for key in {(int(a), int(b)) for a, b in zip(ci, oi, strict=True)}:
            o = spec.commitments[key[0]].options[key[1]]
            if not o.scores:
                continue
            mine = cols[(ci == key[0]) & (oi == key[1])]
            starts = model.col_start[mine]
            for cid, amount in o.scores.items():
                if isinstance(amount, tuple | list):
                    prof = np.asarray(amount, float)
                    cum = np.concatenate([[0.0], np.cumsum(prof)])
                    K[mine, idx[cid]] = cum[np.minimum(len(prof), np.maximum(0, T - starts))]
                else:
                    K[mine, idx[cid]] = float(amount)
    names, units, maxi, weights = [], [], [], []
    for cid in ids:
        c = declared.get(cid)
        names.append(c.name if c and c.name else ("Expected value" if cid == EXPECTED else cid))
        units.append(spec.value_unit if cid == EXPECTED else (c.unit if c else ""))
        sense = spec.sense if cid == EXPECTED else c.sense
        maxi.append(sense == "maximize")
        weights.append(c.weight if c else None)
    data = CriteriaData(
        ids=tuple(ids),
        names=tuple(names),
        units=tuple(units),
        maximize=np.asarray(maxi, bool),
        weights=tuple(weights),
        K=K,
        offset=offset,
    )
    return replace(model, meta={**model.meta, "criteria": data})


def criteria_of(model, where: str = "--objective") -> CriteriaData:
    """The model's criteria; an ``InputError`` when the problem declares none."""
    data = model.meta.get("criteria")
    if data is None:
        from .errors import InputError

        raise InputError("the problem declares no [[criteria]]", where=where)
    return data
