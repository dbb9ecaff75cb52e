"""The compile's option data read from a ``CommitmentTable``'s arrays (no object per option).

Fills the same ``_Layout`` fields that ``optimizer.compile`` gathers from ``Option`` objects,
in the same order (options by commitment, amounts by option then by the table's column order),
so a problem compiles to the same model either way.
"""

from __future__ import annotations

import numpy as np

from .spec.bulk import CommitmentTable
from .spec.model import ProblemSpec


def _amounts(cls, M: np.ndarray, keys: tuple[str, ...], pos: dict):
    """An ``_Amounts`` of plain numbers from a matrix (NaN: no entry), option-major."""
    a = cls.__new__(cls)
    mask = ~np.isnan(M)
    a.owner, col = np.nonzero(mask)
    a.owner = a.owner.astype(np.int64)
    a.key = np.array([pos[k] for k in keys], dtype=np.int64)[col] if keys else col.astype(np.int64)
    a.scalar = M[mask]
    total = a.scalar.shape[0]
    a.is_list = np.zeros(total, dtype=bool)
    a.ptr = a.length = np.zeros(total, dtype=np.int64)
    a.pool = np.zeros(0)
    return a


def gather(L, spec: ProblemSpec, table: CommitmentTable, amounts_cls) -> None:
    L.commitment_ids = table.ids
    L.required = np.asarray(table.required, dtype=bool)
    n_opt = len(table.option_ids)
    L.n_opt = n_opt
    first = table.first
    L.commitment_first_opt = first
    L.opt_commitment = np.repeat(np.arange(len(table.ids)), np.diff(first))
    L.opt_index = np.arange(n_opt) - first[L.opt_commitment]
    if spec.years is None:
        L.opt_lo = np.zeros(n_opt, dtype=np.int64)
        L.opt_hi = np.zeros(n_opt, dtype=np.int64)
    else:
        y0 = spec.first_year
        L.opt_lo = np.where(table.has_start, table.start[:, 0] - y0, 0).astype(np.int64)
        L.opt_hi = np.where(table.has_start, table.start[:, 1] - y0, 0).astype(np.int64)
    L.opt_per_year_value = np.asarray(table.per_year, dtype=bool)
    res_pos = {r.id: i for i, r in enumerate(spec.resources)}
    scen_pos = {s.id: i for i, s in enumerate(spec.scenarios)}
    L.use = _amounts(amounts_cls, table.use, table.use_keys, res_pos)
    L.value = _amounts(amounts_cls, table.value, table.value_keys, scen_pos)
    L.option_ids = list(table.option_ids)
