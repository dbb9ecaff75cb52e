"""CVaR and mean-CVaR when the package moves the odds: an exact MILP with ``p(x)``.

Rockafellar-Uryasev for a fixed package ``x`` (maximisation; costs mirror it)::

    CVaR_alpha(x) = max_eta  eta - (1 / alpha) * sum_s p_s(x) * u_s,   u_s >= eta - v_s(x), u_s >= 0

is the same LP for every ``x``, so optimising it jointly with ``x`` is exact once the
products ``p_s(x) * u_s`` are. With ``p_s(x) = p_s + sum_m delta[m, s] * y_m`` (``y_m``: member
``m`` chosen, the sum of its columns; :mod:`optimizer.odds`), each ``y_m * u_s`` becomes a column
``z`` tied by the McCormick rows of a binary ``y`` and ``u`` in ``[0, U_s]``::

    z <= U_s y,   z <= u_s,   z >= u_s - U_s (1 - y),   z >= 0

which force ``z = y u_s`` at ``y`` in {0, 1}. The bounds are valid, not guesses: the optimal
``eta`` is a value some scenario takes (the alpha-quantile), so it lies in ``[lo, hi]``, the
smallest and largest value any scenario can take (each commitment contributes its worst or
best option, or nothing; responses their bounds), and ``U_s`` is ``hi - lo_s`` (for costs
``hi_s - lo``). A value with no finite bound is refused in one line.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .errors import InputError
from .numerics import LARGEST


def value_ranges(model) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest ``C[:, s] @ x`` any package can reach, per scenario (relations
    and resources ignored, so the range is valid, if loose). Raises ``InputError`` naming a
    column whose value has no finite bound."""
    nd, nc = model.n_decision, model.n_commitment_cols
    C = np.asarray(model.C[:nd], dtype=float)
    S = C.shape[1]
    lo = np.zeros(S)
    hi = np.zeros(S)
    if nc:
        ci = model.col_commitment[:nc].astype(np.int64)
        k = len(model.commitment_ids)
        cmin = np.zeros((k, S))  # choosing nothing is always a valid bound
        cmax = np.zeros((k, S))
        np.minimum.at(cmin, ci, C[:nc])
        np.maximum.at(cmax, ci, C[:nc])
        lo += cmin.sum(axis=0)
        hi += cmax.sum(axis=0)
    if nd > nc:
        L = model.col_lower[nc:nd].astype(float)[:, None]
        U = model.col_upper[nc:nd].astype(float)[:, None]
        R = C[nc:]
        with np.errstate(invalid="ignore"):
            a, b = R * L, R * U
        a = np.where(R == 0, 0.0, a)
        b = np.where(R == 0, 0.0, b)
        big = ~((np.abs(L) < LARGEST) & (np.abs(U) < LARGEST))  # (responses, 1)
        bad = (~(np.isfinite(a) & np.isfinite(b)) | ((R != 0) & big)).any(axis=1)
        if bad.any():
            j = nc + int(np.flatnonzero(bad)[0])
            raise InputError(
                f"'{model.col_name(j)}' has no finite bounds (or one of 1e15 or more), so the CVaR of a problem with "
                "[[shifts]] cannot be bounded; give the response a lower and an upper bound",
                path="shifts",
            )
        lo += np.minimum(a, b).sum(axis=0)
        hi += np.maximum(a, b).sum(axis=0)
    return lo, hi


def cvar_with_shifts(model, obj, lam: float, alpha: float, d: np.ndarray):
    """The model of ``obj`` (``cvar`` or ``mean-cvar``) with the odds ``p(x)`` a package moves.

    ``d`` is each scenario's constant beyond ``objective_offset`` (as in
    :func:`optimizer.objectives.apply_objective`); ``model.c`` is the exact expected value
    with the shifts' products (:func:`optimizer.odds.apply_shifts`).
    """
    from scipy import sparse

    from .objective_extend import _extend
    from .odds import member_columns

    shifts = model.meta["shifts"]
    members, delta = shifts["members"], np.asarray(shifts["delta"], dtype=float)
    C = model.C
    n = C.shape[0]
    sg = 1.0 if model.maximize else -1.0
    sids = model.scenario_ids
    p = np.asarray(model.p, dtype=float)
    # scenarios that can carry probability under some package
    Q = np.flatnonzero((p > 0) | (delta > 0).any(axis=0))
    k = Q.size
    vlo, vhi = value_ranges(model)
    lo, hi = vlo[Q] + d[Q], vhi[Q] + d[Q]  # C_s x + d_s: the rows' frame (offset aside)
    eta_lo, eta_hi = float(lo.min()), float(hi.max())
    U = np.maximum(eta_hi - lo, 0.0) if model.maximize else np.maximum(hi - eta_lo, 0.0)
    # products z = y_m u_s where member m moves scenario s's probability
    dm, dq = np.nonzero(delta[:, Q])
    P = dm.size
    _, mlo, mhi = member_columns(model, members)
    tail = "shortfall" if model.maximize else "excess"
    names = ["eta", *[f"{tail}[{sids[s]}]" for s in Q]]
    names += [f"{tail}[{sids[Q[q]]}] x {members[m]}" for m, q in zip(dm, dq, strict=True)]
    width = n + 1 + k + P
    u0, z0 = n + 1, n + 1 + k

    # (1) sg*eta - sg*C_s x - u_s <= sg*d_s
    rows = sparse.hstack(
        [
            sparse.csr_matrix(-sg * C[:, Q].T),
            sparse.csr_matrix(sg * np.ones((k, 1))),
            -sparse.identity(k, format="csr"),
            sparse.csr_matrix((k, P)),
        ],
        format="csr",
    )
    blocks = [(rows, np.full(k, -np.inf), sg * d[Q], [f"cvar {sids[s]}" for s in Q])]
    if P:
        from .compile import expand_ranges

        ycols, own = expand_ranges(mlo[dm], mhi[dm])  # (product, member column) pairs
        r = np.arange(P)
        Uq = U[dq]
        zname = names[1 + k :]
        # z - U y <= 0;  z - u <= 0;  z - u - U y >= -U  (z >= 0 is its bound)
        for u_coef, y_coef, lo_, up_, what in (
            (0.0, -Uq, np.full(P, -np.inf), np.zeros(P), "z <= U y"),
            (-1.0, None, np.full(P, -np.inf), np.zeros(P), "z <= u"),
            (-1.0, -Uq, -Uq, np.full(P, np.inf), "z >= u - U (1 - y)"),
        ):
            ri, ci, vi = [r], [z0 + r], [np.ones(P)]
            if u_coef:
                ri, ci, vi = [*ri, r], [*ci, u0 + dq], [*vi, np.full(P, u_coef)]
            if y_coef is not None:
                ri, ci, vi = [*ri, own], [*ci, ycols], [*vi, y_coef[own]]
            A = sparse.csr_matrix(
                (np.concatenate(vi), (np.concatenate(ri), np.concatenate(ci))),
                shape=(P, width),
            )
            blocks.append((A, lo_, up_, [f"cvar odds {z}: {what}" for z in zname]))
    c_aux = np.concatenate([[lam], -sg * lam * p[Q] / alpha, -sg * lam * delta[dm, Q[dq]] / alpha])
    lower = np.concatenate([[eta_lo], np.zeros(k), np.zeros(P)])
    upper = np.concatenate([[eta_hi], U, U[dq]])
    out = _extend(
        model,
        obj,
        (1.0 - lam) * np.asarray(model.c, dtype=float),
        names,
        lower,
        upper,
        c_aux,
        blocks,
        model.maximize,
    )
    return replace(out, meta={**out.meta, "cvar_odds_products": int(P)})
