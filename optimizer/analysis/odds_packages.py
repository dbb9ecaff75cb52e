"""Packages met during a re-solve sweep, valued exactly when the package moves the odds.

:class:`solvers.resolve.Packages` values a package as ``c @ x`` over its decision columns,
which misses the product columns ``y_m * x_j`` of :mod:`optimizer.odds`. Here a package's
expected value is recomputed from the model alone, ``sum_s p_s(x) * (C[:, s] @ x + level_s)``
with ``p(x) = p + delta^T y`` (``y_m``: member ``m`` chosen), so the frontier's figures and
its tie test are exact under ``[[shifts]]``.
"""

from __future__ import annotations

import numpy as np

from solvers.resolve import Key, Packages


class OddsPackages(Packages):
    """:class:`Packages` with ``expected`` and ``probabilities`` at the odds each induces."""

    def __init__(self, model) -> None:
        from ..odds import member_columns

        super().__init__(model)
        shifts = model.meta["shifts"]
        self.delta = np.asarray(shifts["delta"], dtype=float)
        _, self.lo, self.hi = member_columns(model, list(shifts["members"]))
        off = model.objective_offset if model.scenario_offset is None else model.scenario_offset
        self.levels = np.broadcast_to(np.asarray(off, dtype=float), (model.C.shape[1],))

    def probabilities(self, key: Key) -> np.ndarray:
        cs = np.concatenate([[0.0], np.cumsum(self.vec(key))])
        y = cs[self.hi] - cs[self.lo]  # member m chosen: the sum of its columns
        return np.asarray(self.model.p, dtype=float) + y @ self.delta

    def by_scenario(self, key: Key) -> np.ndarray:
        return self.vec(key) @ self.model.C[: self.nd] + self.levels

    def expected(self, key: Key, c: np.ndarray | None = None) -> float:
        if c is not None:  # another objective's coefficients: linear, as the base class
            return super().expected(key, c)
        return float(self.probabilities(key) @ self.by_scenario(key))


def packages_for(model) -> Packages:
    """The packages of ``model``: exact under ``[[shifts]]``, else the plain ones."""
    return OddsPackages(model) if model.meta.get("shifts") else Packages(model)


def adopt(ses) -> None:
    """Value ``ses``'s packages exactly when its model moves the odds (after ``Session``)."""
    if not ses.model.meta.get("shifts") or isinstance(ses.pk, OddsPackages):
        return
    pk = OddsPackages(ses.model)
    pk._vec = ses.pk._vec  # the packages already met keep their keys
    ses.pk = pk
    ses.run.pk = pk
    ses.v0 = pk.expected(ses.key0)
