"""What a shift needs of a compiled model: the baselines and shift matrix of a spec, and each
member's columns (the sum of its columns is "member chosen"). Shared by the odds reformulations
(``odds``, ``odds_aggregate``, ``odds_risk``) and the analyses over them.
"""

from __future__ import annotations

import numpy as np

from .model import MatrixModel
from .spec.model import ProblemSpec


def baselines(spec: ProblemSpec) -> np.ndarray:
    return np.array([float(s.baseline) for s in spec.scenarios], dtype=float)


def shift_matrix(spec: ProblemSpec) -> tuple[list[str], np.ndarray]:
    """The members that move the odds (first-seen order) and ``delta`` (members x scenarios)."""
    sids = {s.id: i for i, s in enumerate(spec.scenarios)}
    members: dict[str, int] = {}
    rows: list[tuple[int, int, int, float]] = []
    for sh in spec.shifts:  # one entry per shift (a handful), not per nonzero
        m = members.setdefault(str(sh.when), len(members))
        rows.append((m, sids[sh.from_], sids[sh.to], sh.moved))
    delta = np.zeros((len(members), len(sids)))
    if rows:
        m, f, t, a = (np.array(x) for x in zip(*rows, strict=True))
        np.add.at(delta, (m, t), a)
        np.add.at(delta, (m, f), -a)
    return list(members), delta


def member_columns(model: MatrixModel, members: list[str]) -> tuple[np.ndarray, ...]:
    """``(commitment index, lo, hi)`` of each member: its columns are ``[lo, hi)``."""
    cpos = {c: i for i, c in enumerate(model.commitment_ids)}
    nc = model.n_commitment_cols
    K = max((len(o) for o in model.option_ids), default=1)
    key = model.col_commitment[:nc].astype(np.int64) * K + model.col_option[:nc]
    ci, klo, khi = [], [], []
    for text in members:  # one per member
        c, _, o = text.partition(".")
        i = cpos[c]
        ci.append(i)
        if o:
            k = i * K + model.option_ids[i].index(o)
            klo.append(k)
            khi.append(k + 1)
        else:
            klo.append(i * K)
            khi.append(i * K + K)
    lo = np.searchsorted(key, np.array(klo, dtype=np.int64), side="left")
    hi = np.searchsorted(key, np.array(khi, dtype=np.int64), side="left")
    return np.array(ci, dtype=np.int64), lo, hi


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from .compile_arrays import expand_ranges

    return expand_ranges(lo, hi)
