"""A draw's model: the base model plus the draw's exact linear deltas, made into arrays once per
draw (``DrawData``), with the containment and violation checks the worker uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .linear import LinearModel


@dataclass
class DrawData:
    """One draw's model numbers (only what differs from the base is passed to solvers)."""

    c: np.ndarray
    C: np.ndarray
    p: np.ndarray
    A_idx: np.ndarray  # union entries that may change
    A_val: np.ndarray
    data: np.ndarray  # all union entries
    rl: np.ndarray
    ru: np.ndarray
    cl: np.ndarray
    cu: np.ndarray
    A: np.ndarray | None = None  # the whole matrix, dense, for small models


DENSE_LIMIT = 250_000  # rows x columns up to which a draw's matrix is also kept dense


class Drawn:
    """Computes a draw's numbers from ``LinearModel`` with fixed shapes (so a draw's numbers
    are the same bits whichever worker and chunk computes them)."""

    def __init__(self, lm: LinearModel) -> None:
        self.lm = lm
        b = lm.base
        self.n, self.S = b.C.shape
        self.dCt = lm.dC.tocsr()
        self.chg_A = np.unique(lm.dA.nonzero()[0])
        self.dA_sub = lm.dA[self.chg_A].tocsr()
        self.m = b.m

        def finite(a):  # which bounds are finite (the same in every draw)
            f = np.isfinite(a)
            return f if f.any() else None

        self.fin_rl, self.fin_ru = finite(b.row_lower), finite(b.row_upper)
        self.fin_cl, self.fin_cu = finite(b.col_lower), finite(b.col_upper)
        self.ints = np.nonzero(b.integrality)[0]
        from scipy import sparse

        # the union pattern as one CSR matrix whose data is refilled for each draw
        self.A_t = sparse.csr_matrix(
            (np.arange(1, lm.rows.size + 1, dtype=float), (lm.rows, lm.cols)), shape=b.A.shape
        )
        self.perm = self.A_t.data.astype(np.int64) - 1
        # small models: products with a dense matrix cost less than SciPy's sparse overhead
        self.A0 = None
        if b.m * b.n <= DENSE_LIMIT and self.A_t.nnz == lm.rows.size:  # no repeated entry
            self.A0 = np.zeros(b.A.shape)
            self.A0[lm.rows, lm.cols] = lm.data0
            self.r_chg, self.c_chg = lm.rows[self.chg_A], lm.cols[self.chg_A]
        # the constraint data that varies, and in which direction a draw's feasible set
        # shrinks (+1: a larger number shrinks it, -1: a smaller one, 0: any change may)
        self.chg_rl = np.unique(lm.dRL.nonzero()[0])
        self.chg_ru = np.unique(lm.dRU.nonzero()[0])
        self.chg_cl = np.unique(lm.dCL.nonzero()[0])
        self.chg_cu = np.unique(lm.dCU.nonzero()[0])
        r, c = lm.rows[self.chg_A], lm.cols[self.chg_A]
        up, lo = np.isfinite(b.row_upper[r]), np.isfinite(b.row_lower[r])
        pos = b.col_lower[c] >= 0
        sign_a = np.where(pos & up & ~lo, 1, np.where(pos & lo & ~up, -1, 0))
        self.nest_dir = np.concatenate(
            [
                sign_a,
                np.full(self.chg_ru.size, -1),
                np.full(self.chg_rl.size, 1),
                np.full(self.chg_cu.size, -1),
                np.full(self.chg_cl.size, 1),
            ]
        ).astype(np.int8)

    def at(self, delta: np.ndarray, p: np.ndarray) -> DrawData:
        lm, b = self.lm, self.lm.base
        C = b.C
        if lm.dC.nnz:
            C = C + (self.dCt @ delta).reshape(self.n, self.S)
        c = C @ p if (lm.dC.nnz or lm.uncertain_p) else np.asarray(b.c, dtype=float)
        data = lm.data0
        A_val = np.zeros(0)
        if self.chg_A.size:
            A_val = lm.data0[self.chg_A] + self.dA_sub @ delta
            data = lm.data0.copy()
            data[self.chg_A] = A_val
        rl = b.row_lower + (lm.dRL @ delta) if lm.dRL.nnz else b.row_lower
        ru = b.row_upper + (lm.dRU @ delta) if lm.dRU.nnz else b.row_upper
        cl = b.col_lower + (lm.dCL @ delta) if lm.dCL.nnz else b.col_lower
        cu = b.col_upper + (lm.dCU @ delta) if lm.dCU.nnz else b.col_upper
        A = None
        if self.A0 is not None:
            A = self.A0
            if self.chg_A.size:
                A = A.copy()
                A[self.r_chg, self.c_chg] = A_val
        return DrawData(c, C, p, self.chg_A, A_val, data, rl, ru, cl, cu, A)

    def model(self, d: DrawData):
        """The draw's model as a ``MatrixModel`` (for a solve apart from the loaded ones)."""
        from dataclasses import replace

        from scipy import sparse

        lm = self.lm
        A = sparse.csr_matrix((d.data, (lm.rows, lm.cols)), shape=lm.base.A.shape)
        bounds = dict(row_lower=d.rl, row_upper=d.ru, col_lower=d.cl, col_upper=d.cu)
        return replace(lm.base, c=d.c, A=A, C=d.C, p=d.p, **bounds)

    def nest(self, d: DrawData) -> np.ndarray:
        """The draw's varying constraint data (see ``nest_dir``)."""
        return np.concatenate(
            [d.A_val, d.ru[self.chg_ru], d.rl[self.chg_rl], d.cu[self.chg_cu], d.cl[self.chg_cl]]
        )

    def contained(self, d: DrawData, anchors) -> np.ndarray:
        """Which anchors' feasible sets contain the draw's (so their cuts hold in the draw)."""
        if anchors.nest.shape[1] == 0:
            return np.ones(anchors.n, dtype=bool)
        x = self.nest(d)
        diff = x[None, :] - anchors.nest  # draw minus anchor
        dirs = self.nest_dir[None, :]
        ok = np.where(dirs > 0, diff >= 0, np.where(dirs < 0, diff <= 0, diff == 0))
        return ok.all(axis=1)

    def violations(self, d: DrawData, X: np.ndarray) -> np.ndarray:
        """``violation`` of each row of ``X`` (several packages at once)."""
        if d.A is not None:
            act = X @ d.A.T  # (packages, rows)
        else:
            A = self.A_t
            A.data = d.data[self.perm]
            act = (A @ X.T).T
        return self._worst(d, act, X)

    def violation(self, d: DrawData, x: np.ndarray) -> float:
        """Largest violation (relative) of ``x`` against the draw's rows, bounds, integrality."""
        lm = self.lm
        if d.A is not None:
            act = d.A @ x
        else:
            act = np.bincount(lm.rows, weights=d.data * x[lm.cols], minlength=self.m)
        return float(self._worst(d, act, x))

    def _worst(self, d: DrawData, act: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Largest relative violation, over the last axis, of the row activities ``act`` and
        the columns ``X`` against the draw's finite bounds, and of integrality."""
        worst = np.zeros(X.shape[:-1])
        for m, lo, a, hi in (
            (self.fin_rl, d.rl, act, None),
            (self.fin_ru, None, act, d.ru),
            (self.fin_cl, d.cl, X, None),
            (self.fin_cu, None, X, d.cu),
        ):
            if m is None:
                continue
            ref = lo[m] if lo is not None else hi[m]
            v = (ref - a[..., m]) if lo is not None else (a[..., m] - ref)
            worst = np.maximum(worst, np.max(v / np.maximum(1.0, np.abs(ref)), axis=-1))
        if self.ints.size:
            xi = X[..., self.ints]
            worst = np.maximum(worst, np.max(np.abs(xi - np.round(xi)), axis=-1))
        return worst
