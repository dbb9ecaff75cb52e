"""Resource prices of a large model from the LP of a random sample of its commitments.

Column generation needs row duals to price columns, and its first restricted LP, built
without them, is far from the LP optimum: at 10^5 commitments its duals prove 957,921 against
an LP optimum of 729,810, and the rounds that follow each cost tens of seconds of simplex.
The resources (budget rows) are shared by every commitment, and their prices are nearly those
of any large random sample of the commitments with the capacities scaled to the sample's
share of the use (the law of large numbers). ``sample_prices`` solves that small LP (5% of
the commitments: ~29,000 columns, seconds) and returns its resource-row duals; nothing else.

What they are used for (``solvers.colgen``):

* the first restricted LP: per commitment its column of best reduced cost under these
  prices (measured at 10^5: first LP 697,615 in 3.7 s, against 633,774 in 8.0 s);
* a bound for the whole model before any LP round ends: ``dual_bound`` of the prices with the
  choice rows' multipliers set at their best (``tighten_choice``), valid by weak duality
  whatever the prices are (they are only a guess: the bound is proven, its tightness is not);
* a package before any LP round ends: columns added greedily by those reduced costs.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from .base import SolveOptions

SAMPLE_SHARE = 0.05  # of the commitments; 0 switches the sample off (the earlier start)
SAMPLE_MIN_COMMITMENTS = 2_000  # below this the sample is too small to price (and not needed)
RESOURCE_KINDS = ("budget", "total")


def resource_rows(model) -> np.ndarray:
    """The rows of the shared resources (kinds ``budget`` and ``total``)."""
    return np.flatnonzero(np.isin(np.asarray(model.row_kind, dtype=object), RESOURCE_KINDS))


def sample_model(model, share: float, seed: int = 0):
    """The LP of a random ``share`` of ``model``'s commitments (all their columns), the rows
    lying wholly within them and every resource row, its capacity scaled by the sample's
    share of the row's use; and the indices of the rows kept."""
    commitments = model.col_commitment
    n_com = int(commitments.max()) + 1
    picked = np.random.default_rng(seed).random(n_com) < share
    cols = np.flatnonzero((commitments >= 0) & picked[np.maximum(commitments, 0)])
    A = model.A.tocsr()
    sub = model.A.tocsc()[:, cols].tocsr()
    res = np.zeros(model.m, dtype=bool)
    res[resource_rows(model)] = True
    inside = (np.diff(sub.indptr) == np.diff(A.indptr)) & (np.diff(sub.indptr) > 0)
    rows = np.flatnonzero(inside | res)
    use_all = np.asarray(abs(A).sum(axis=1)).ravel()
    use_sub = np.asarray(abs(sub).sum(axis=1)).ravel()
    scale = np.where(res, use_sub / np.maximum(use_all, 1e-300), 1.0)
    lower = np.where(np.isfinite(model.row_lower), model.row_lower * scale, model.row_lower)
    upper = np.where(np.isfinite(model.row_upper), model.row_upper * scale, model.row_upper)
    lp = SimpleNamespace(
        n=int(cols.size),
        m=int(rows.size),
        A=sub[rows],
        maximize=model.maximize,
        objective_offset=0.0,
        c=model.c[cols],
        col_lower=model.col_lower[cols],
        col_upper=model.col_upper[cols],
        row_lower=lower[rows],
        row_upper=upper[rows],
        integrality=np.zeros(cols.size, dtype=np.int32),
    )
    return lp, rows


def sample_prices(model, options: SolveOptions, time_limit: float | None) -> np.ndarray | None:
    """Row multipliers of ``model`` (shape ``(m,)``): the resource rows' duals of the sample
    LP (``sample_model``), zero elsewhere; ``None`` when the sample is switched off or too
    small, or its LP has no optimum within ``time_limit``."""
    from .highs import load_highs, run_loaded

    if model.col_commitment is None or not np.any(model.col_commitment >= 0):
        return None
    n_com = int(model.col_commitment.max()) + 1
    if SAMPLE_SHARE <= 0 or SAMPLE_SHARE * n_com < SAMPLE_MIN_COMMITMENTS:
        return None
    t0 = time.perf_counter()
    lp, rows = sample_model(model, SAMPLE_SHARE)
    opts = SolveOptions(time_limit=time_limit, threads=options.threads, verbose=options.verbose)
    h = load_highs(lp, opts)
    rest = None if time_limit is None else max(0.0, float(time_limit) - (time.perf_counter() - t0))
    if rest is not None:
        h.setOptionValue("time_limit", rest)
    if run_loaded(h, lp, SolveOptions(time_limit=rest)).status.value != "optimal":
        return None
    duals = np.asarray(h.getSolution().row_dual, dtype=float)
    y = np.zeros(model.m)
    res = np.isin(rows, resource_rows(model))
    y[rows[res]] = duals[res]
    return y


__all__ = ["SAMPLE_SHARE", "resource_rows", "sample_model", "sample_prices"]
