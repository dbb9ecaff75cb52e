"""The aggregated form of the odds' products: one column per member that moves the odds.

``optimizer.odds`` multiplies ``y_m`` by each column ``x_j`` that member ``m`` reweights, so its
model grows as members x columns. Here the products of one member are summed first::

    r_m(x) = sum_{j outside m's commitment} g[j, m] x_j = sum_s delta_m[s] v_s - (m's commitment part)
    v_s    = sum_j C[j, s] x_j                       (one continuous column and row per scenario)
    w_m    = y_m * r_m(x)                            (one continuous column per member)

with the McCormick rows of a binary ``y_m`` and ``r_m`` in ``[L_m, U_m]``::

    w <= U y,  w >= L y,  w <= r - L (1 - y),  w >= r - U (1 - y)

which give ``w = y r`` exactly at ``y`` in {0, 1}. The bounds come from the choice groups: a
commitment chooses at most one column, so it adds ``max(0, max_j g)`` to ``U`` and
``min(0, min_j g)`` to ``L``; a response adds ``g`` times the end of its range. Up to a size,
the LP relaxation of the problem's rows tightens them (``_lp_bounds``): the choice-group
bound ignores the budgets, and in the relaxation a member half chosen then collects nearly
all of its product. The model has
``members + scenarios`` more columns and ``4 members + scenarios`` more rows, with
``scenarios x columns`` more nonzeros, instead of one column and four rows per product; its LP
bound is weaker (``U`` and ``L`` ignore the budgets).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .errors import InputError
from .model import MatrixModel
from .numerics import LARGEST

# the bounds of r_m also come from the LP relaxation (two LPs per direction of the shifts) up to
# this many LPs and nonzeros; beyond, from the choice groups alone (benchmarks/README.md)
LP_BOUNDS_MAX = 40
LP_BOUNDS_NNZ = 250_000
PAD = 1e-4  # widening of the LP bounds (wider bounds stay valid: the products stay exact)
BLOCK = 64  # members whose ``g`` columns are formed at once (nd x BLOCK floats)


def _commitment_ranges(model: MatrixModel) -> tuple[np.ndarray, np.ndarray]:
    """``[start, end)`` of each commitment's columns (commitment columns come first, in order)."""
    nc = model.n_commitment_cols
    cc = model.col_commitment[:nc].astype(np.int64)
    k = len(model.commitment_ids)
    return (
        np.searchsorted(cc, np.arange(k), side="left"),
        np.searchsorted(cc, np.arange(k), side="right"),
    )


def bounds(model: MatrixModel, delta: np.ndarray, mc: np.ndarray, members: list[str]):
    """``(L, U)``: the range of ``r_m(x)`` over packages that choose one column per commitment.

    ``g[:, m]`` is ``C delta_m``: members whose ``delta`` points the same way (every member with
    one shift between the same two scenarios) share it up to a positive factor, so it is formed
    once per direction, ``BLOCK`` directions at a time; each member's own commitment is left out.
    """
    nd, nc = model.n_decision, model.n_commitment_cols
    cs, ce = _commitment_ranges(model)
    nonempty = ce > cs
    starts = cs[nonempty]
    rl = np.asarray(model.col_lower[nc:nd], dtype=float)
    ru = np.asarray(model.col_upper[nc:nd], dtype=float)
    M = delta.shape[0]
    scale = np.abs(delta).max(axis=1)
    scale[scale == 0] = 1.0  # a member whose shifts cancel: r_m = 0
    dirs, first, inv = np.unique(
        delta / scale[:, None], axis=0, return_index=True, return_inverse=True
    )
    inv = inv.ravel()
    L, U = np.zeros(M), np.zeros(M)
    for b0 in range(0, dirs.shape[0], BLOCK):
        Gt = dirs[b0 : b0 + BLOCK] @ model.C[:nd].T  # (block, nd): each direction contiguous
        B = Gt.shape[0]
        gmax = np.zeros((B, len(cs)))
        gmin = np.zeros((B, len(cs)))
        if starts.size:
            gmax[:, nonempty] = np.maximum(np.maximum.reduceat(Gt[:, :nc], starts, axis=1), 0.0)
            gmin[:, nonempty] = np.minimum(np.minimum.reduceat(Gt[:, :nc], starts, axis=1), 0.0)
        hi_d, lo_d = gmax.sum(axis=1), gmin.sum(axis=1)
        if nd > nc:  # responses: each in its own range
            R = Gt[:, nc:]
            bad = (R != 0) & ~((np.abs(rl) < LARGEST) & (np.abs(ru) < LARGEST))[None, :]
            if bad.any():
                kk, jj = np.argwhere(bad)[0]
                raise InputError(
                    f"'{model.col_name(nc + int(jj))}' has no finite bounds (or one of 1e15 or more), so its value "
                    f"cannot be multiplied by the odds '{members[int(first[b0 + kk])]}' moves; "
                    "give the response a lower and an upper bound",
                    path="shifts",
                )
            lo_d = lo_d + np.where(R != 0, np.minimum(R * rl, R * ru), 0.0).sum(axis=1)
            hi_d = hi_d + np.where(R != 0, np.maximum(R * rl, R * ru), 0.0).sum(axis=1)
        mem = np.flatnonzero((inv >= b0) & (inv < b0 + B))
        k = inv[mem] - b0
        U[mem] = scale[mem] * (hi_d[k] - gmax[k, mc[mem]])
        L[mem] = scale[mem] * (lo_d[k] - gmin[k, mc[mem]])
    small = 2 * dirs.shape[0] <= LP_BOUNDS_MAX and model.A.nnz <= LP_BOUNDS_NNZ
    if small and (model.col_lower[:nd] >= 0).all():  # g+ . x >= r_m(x) needs x >= 0
        up, lo = _lp_bounds(model, dirs)
        U = np.minimum(U, scale * up[inv])
        L = np.maximum(L, scale * lo[inv])
    return L, U


def _lp_bounds(model: MatrixModel, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per direction ``d`` (``g = C d``): ``max g+ . x`` and ``-max g- . x`` over the LP
    relaxation of the problem's own rows (``g+``, ``g-``: the positive and negative parts).
    For a feasible ``x >= 0``, ``r_m(x)`` lies between them, own commitment left out or not. An
    LP that does not finish (or an infeasible problem) gives no bound (``inf``). Padded by
    ``PAD`` (relative), so a solver tolerance never cuts off an exact product: with 1e-6 a
    product whose range was a point left HiGHS' presolve a band it called infeasible."""
    from scipy import sparse
    from scipy.optimize import linprog

    nd = model.n_decision
    A = model.A.tocsr()
    up_rows = np.isfinite(model.row_upper)
    lo_rows = np.isfinite(model.row_lower)
    A_ub = sparse.vstack([A[up_rows], -A[lo_rows]]).tocsr()
    b_ub = np.concatenate([model.row_upper[up_rows], -model.row_lower[lo_rows]])
    box = np.column_stack([model.col_lower, model.col_upper])
    cache: dict[bytes, float] = {}

    def lp_max(h: np.ndarray) -> float:
        key = h.tobytes()
        if key not in cache:
            cost = np.zeros(model.n)
            cost[:nd] = -h
            res = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=box, method="highs")
            v = -float(res.fun) if res.status == 0 else np.inf
            cache[key] = v + PAD * (1.0 + abs(v))
        return cache[key]

    up, lo = np.full(len(dirs), np.inf), np.full(len(dirs), -np.inf)
    for k, d in enumerate(dirs):  # a few: pairs of scenarios
        g = model.C[:nd] @ d
        up[k] = lp_max(np.maximum(g, 0.0))
        lo[k] = -lp_max(np.maximum(-g, 0.0))
    return up, lo


def mccormick(model, delta, mc, lo, hi, L, U, ncols, v, w):
    """``(rows, row lower, row upper)``: the ``4 M`` McCormick rows of ``w_m = y_m r_m`` with
    ``r_m`` in ``[L_m, U_m]`` (``v``, ``w``: the columns of ``v_s`` and ``w_m``)::

        (1) w - U y <= 0   (2) w - L y >= 0
        (3) w - sum delta v + sum own g x - L y <= -L   (4) the same with U, >= -U
    """
    from scipy import sparse

    from .compile_arrays import expand_ranges

    M = delta.shape[0]
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)
    # own-commitment terms of r_m: + g[j, m] x_j for every column j of m's commitment
    cs, ce = _commitment_ranges(model)
    oj, om = expand_ranges(cs[mc], ce[mc])
    og = np.einsum("ij,ij->i", model.C[oj], delta[om])
    yj, ym = expand_ranges(lo, hi)  # member-column (y) entries: (column, member)
    du = delta[:, used]
    dm, dk = np.nonzero(du)
    rows, cols, vals = [], [], []
    for k, ycoef in enumerate((-U, -L, -L, -U)):
        base = k * M
        rows += [base + np.arange(M), base + ym]
        cols += [w, yj]
        vals += [np.ones(M), ycoef[ym]]
        if k >= 2:
            rows += [base + dm, base + om]
            cols += [v[dk], oj]
            vals += [-du[dm, dk], og]
    block = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(4 * M, ncols),
    )
    block.eliminate_zeros()
    inf = np.full(M, np.inf)
    return (
        block,
        np.concatenate([-inf, np.zeros(M), -inf, -U]),
        np.concatenate([np.zeros(M), inf, -L, inf]),
    )


def with_bounds(model: MatrixModel, L: np.ndarray, U: np.ndarray) -> MatrixModel:
    """``model`` (compiled in this form) with the McCormick rows and ``w`` bounds rewritten
    for ``r_m`` in ``[L_m, U_m]`` (narrower ranges that hold at every package to be kept)."""
    from scipy import sparse

    from .odds_columns import member_columns

    at = model.meta["odds_rows"]
    meta = model.meta["shifts"]
    members, delta = list(meta["members"]), np.asarray(meta["delta"], dtype=float)
    M, r0, w0 = len(members), at["row"], at["w"]
    mc, lo, hi = member_columns(model, members)
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)
    v, w = at["v"] + np.arange(used.shape[0]), w0 + np.arange(M)
    block, rl, ru = mccormick(model, delta, mc, lo, hi, L, U, model.n, v, w)
    A = model.A.tocsr()
    A = sparse.vstack([A[:r0], block, A[r0 + 4 * M :]]).tocsr()
    col_lower, col_upper = model.col_lower.copy(), model.col_upper.copy()
    col_lower[w], col_upper[w] = np.minimum(L, 0.0), np.maximum(U, 0.0)
    row_lower, row_upper = model.row_lower.copy(), model.row_upper.copy()
    row_lower[r0 : r0 + 4 * M], row_upper[r0 : r0 + 4 * M] = rl, ru
    return replace(
        model,
        A=A,
        col_lower=col_lower,
        col_upper=col_upper,
        row_lower=row_lower,
        row_upper=row_upper,
        meta={**model.meta, "odds_rows": {**at, "L": L, "U": U}},
    )


def free_products(model: MatrixModel) -> MatrixModel:
    """``model`` with its McCormick rows free (bounds -inf, inf): for an objective that puts
    nothing on ``w``, which ``products_at`` then completes."""
    r0, M = model.meta["odds_rows"]["row"], len(model.meta["shifts"]["members"])
    lo, up = model.row_lower.copy(), model.row_upper.copy()
    lo[r0 : r0 + 4 * M], up[r0 : r0 + 4 * M] = -np.inf, np.inf
    return replace(model, row_lower=lo, row_upper=up)


def products_at(model: MatrixModel, x: np.ndarray) -> np.ndarray:
    """``x`` with ``v_s = C[:, s] . x`` and ``w_m = y_m r_m`` recomputed from its decision
    columns (a package), so a complete point of the exact model."""
    from .compile_arrays import expand_ranges
    from .odds_columns import member_columns

    at, meta = model.meta["odds_rows"], model.meta["shifts"]
    members, delta = list(meta["members"]), np.asarray(meta["delta"], dtype=float)
    nd, M = model.n_decision, len(members)
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)
    x = np.array(x, dtype=float)
    vals = x[:nd] @ model.C[:nd]
    x[at["v"] + np.arange(used.shape[0])] = vals[used]
    mc, lo, hi = member_columns(model, members)
    cols, owner = expand_ranges(lo, hi)
    y = np.bincount(owner, weights=x[cols], minlength=M)
    cs, ce = _commitment_ranges(model)
    oj, om = expand_ranges(cs[mc], ce[mc])
    own = np.bincount(
        om, weights=x[oj] * np.einsum("ij,ij->i", model.C[oj], delta[om]), minlength=M
    )
    x[at["w"] + np.arange(M)] = y * (delta @ vals - own)
    return x


def aggregate(model: MatrixModel, c: np.ndarray, members, delta, mc, lo, hi):
    """``(model with the w and v columns and rows, objective c)``; see the module docstring."""
    from scipy import sparse

    n, nd, M = model.n, model.n_decision, len(members)
    used = np.flatnonzero(np.abs(delta).sum(axis=0) > 0)  # scenarios some shift touches
    K = used.shape[0]
    L, U = bounds(model, delta, mc, members)
    v = n + np.arange(K)  # v_s columns
    w = n + K + np.arange(M)  # w_m columns
    # (0) v_s - C[:, s] . x = 0
    Cs = sparse.csc_matrix(model.C[:nd][:, used])
    Cs.eliminate_zeros()
    coo = Cs.tocoo()
    vdef = sparse.csr_matrix(
        (
            np.concatenate([-coo.data, np.ones(K)]),
            (np.concatenate([coo.col, np.arange(K)]), np.concatenate([coo.row, v])),
        ),
        shape=(K, n + K + M),
    )
    mcc, mc_lo, mc_up = mccormick(model, delta, mc, lo, hi, L, U, n + K + M, v, w)
    block = sparse.vstack([vdef, mcc]).tocsr()
    nrow = K + 4 * M
    r_lo = [np.zeros(K), mc_lo]
    r_up = [np.zeros(K), mc_up]
    sids = np.array(model.scenario_ids, dtype=object)[used]
    mnames = np.array(members, dtype=object)
    labels = [
        "odds value " + sids,
        *("odds " + mnames + tag for tag in (" w<=Uy", " w>=Ly", " w<=r-L(1-y)", " w>=r-U(1-y)")),
    ]
    A = sparse.vstack([sparse.hstack([model.A, sparse.csr_matrix((model.m, K + M))]), block])
    extra = {}
    for name in ("col_response", "col_scenario"):
        arr = getattr(model, name, None)
        if arr is not None:
            extra[name] = np.concatenate([arr, np.full(K + M, -1, dtype=arr.dtype)])
    neg = np.full(K + M, -1, dtype=model.col_commitment.dtype)
    names = [f"v[{s}]" for s in sids] + [f"w[{m}]" for m in members]
    out = replace(
        model,
        A=A.tocsr(),
        row_lower=np.concatenate([model.row_lower, *r_lo]),
        row_upper=np.concatenate([model.row_upper, *r_up]),
        col_lower=np.concatenate([model.col_lower, np.full(K, -np.inf), np.minimum(L, 0.0)]),
        col_upper=np.concatenate([model.col_upper, np.full(K, np.inf), np.maximum(U, 0.0)]),
        integrality=np.concatenate([model.integrality, np.zeros(K + M, dtype=bool)]),
        C=np.vstack([model.C, np.zeros((K + M, model.C.shape[1]))]),
        row_kind=np.concatenate([model.row_kind, np.full(nrow, "risk", dtype=object)]),
        row_label=np.concatenate([model.row_label, *labels]),
        col_commitment=np.concatenate([model.col_commitment, neg]),
        col_option=np.concatenate([model.col_option, neg]),
        col_start=np.concatenate([model.col_start, neg]),
        aux_names=tuple(model.aux_names) + tuple(names),
        meta={**model.meta, "odds_rows": {"row": model.m + K, "v": n, "w": n + K, "L": L, "U": U}},
        **extra,
    )
    return out, np.concatenate([c, np.zeros(K), np.ones(M)])
