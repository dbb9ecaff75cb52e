"""The package moves the odds: the exact MILP of ``sum_s p_s(x) * (baseline_s + V_s(x))``.

With ``y_m`` the binary "member m is chosen" (the sum of the member's columns: a commitment
chooses at most one option and start year) and ``delta_m[s]`` the probability that choosing
``m`` moves into scenario ``s`` (summed over the shifts ``m`` triggers)::

    p(x) = p + sum_m delta_m * y_m
    E(x) = p.b + (C p).x + sum_m (delta_m . b) y_m + sum_m sum_j g[j, m] * y_m * x_j,
           g = C delta^T   (the value column j adds, per unit, in the direction m moves the odds)

Each product ``y_m * x_j`` with ``g[j, m] != 0`` is exact: ``x_j`` itself when ``j`` is one of
``m``'s columns, 0 when it is another column of the same commitment, and otherwise a new
column ``w`` tied by the McCormick rows of a binary ``y_m`` and ``x_j`` in ``[L, U]``::

    w <= U y,  w >= L y (when L != 0),  w <= x - L (1 - y),  w >= x - U (1 - y)

which hold with equality ``w = y x`` at ``y`` in {0, 1}. A response with an infinite bound
cannot be multiplied this way and is refused. Everything is built from index arrays; nothing
is made per product but the output. A problem without shifts compiles unchanged, its
baselines adding only ``p.b`` to the objective offset (and ``b_s`` to scenario ``s``'s level).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .errors import InputError
from .model import MatrixModel
from .numerics import LARGEST
from .odds_columns import _ranges, baselines, member_columns, shift_matrix
from .spec.model import ProblemSpec

# members x decision columns up to which each product gets its own column (see apply_shifts)
PRODUCT_LIMIT = 1_000


def apply_shifts(model: MatrixModel, spec: ProblemSpec, formulation: str = "auto") -> MatrixModel:
    """``model`` (as compiled, expected value) with baselines and the shifts' products.

    ``formulation``: ``"products"`` (one column per product, the tighter LP bound),
    ``"aggregate"`` (one column per member, ``optimizer.odds_aggregate``) or ``"auto"``:
    products while members x decision columns is at most ``PRODUCT_LIMIT``.
    """
    b = baselines(spec)
    if not spec.shifts:
        if not b.any():
            return model
        return replace(
            model,
            objective_offset=float(model.objective_offset + model.p @ b),
            scenario_offset=b + model.objective_offset,
        )
    members, delta = shift_matrix(spec)
    mc, lo, hi = member_columns(model, members)
    n, nd = model.n, model.n_decision
    c = np.array(model.c, dtype=float)
    # linear part: (delta_m . b) on every column of member m
    cols, owner = _ranges(lo, hi)
    c += np.bincount(cols, weights=(delta @ b)[owner], minlength=n)
    if formulation == "auto":
        formulation = "products" if len(members) * nd <= PRODUCT_LIMIT else "aggregate"
    if formulation == "aggregate":
        from .odds_aggregate import aggregate

        # m's own columns: y_m x_j = x_j
        g_in = np.einsum("ij,ij->i", model.C[cols], delta[owner])
        c += np.bincount(cols, weights=g_in, minlength=n)
        out, c = aggregate(model, c, members, delta, mc, lo, hi)
        return _finish(out, c, b, members, delta, 0, "aggregate")
    # products: g[j, m] y_m x_j over decision columns with g != 0
    G = model.C[:nd] @ delta.T
    # a value the same in both scenarios of a shift cancels; drop its rounding residue
    scale = np.abs(model.C[:nd]).max(axis=1, initial=0.0)[:, None] * np.abs(delta).sum(axis=1)
    G[np.abs(G) <= 1e-12 * scale] = 0.0
    j, m = np.nonzero(G)
    g = G[j, m]
    same = model.col_commitment[j] == mc[m]
    inside = same & (j >= lo[m]) & (j < hi[m])
    c += np.bincount(j[inside], weights=g[inside], minlength=n)  # y_m x_j = x_j
    keep = ~same
    j, m, g = j[keep], m[keep], g[keep]
    P = j.shape[0]
    L = model.col_lower[j].astype(float)
    U = model.col_upper[j].astype(float)
    bad = ~((np.abs(L) < LARGEST) & (np.abs(U) < LARGEST))  # NaN/inf too
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"'{model.col_name(int(j[k]))}' has no finite bounds (or one of 1e15 or more), so its value cannot be "
            f"multiplied by the odds '{members[int(m[k])]}' moves; give the response a lower "
            "and an upper bound",
            path="shifts",
        )
    if P == 0:
        return _finish(model, c, b, members, delta, P, "products")
    return _with_products(model, c, b, members, delta, j, m, g, lo, hi, L, U)


def _with_products(model, c, b, members, delta, j, m, g, lo, hi, L, U) -> MatrixModel:
    """Append one ``w`` column per product and its McCormick rows (kind ``risk``)."""
    from scipy import sparse

    n, P = model.n, j.shape[0]
    w = n + np.arange(P)
    # member-column entries of each product: (product, column) pairs
    ycols, yown = _ranges(lo[m], hi[m])
    has_lo = L != 0
    # (1) w - U y <= 0;  (2) w - L y >= 0 where L != 0
    # (3) w - x - L y <= -L;  (4) w - x - U y >= -U
    specs = [
        (np.ones(P, bool), 0.0, -U, np.full(P, -np.inf), np.zeros(P)),
        (has_lo, 0.0, -L, np.zeros(P), np.full(P, np.inf)),
        (np.ones(P, bool), -1.0, -L, np.full(P, -np.inf), -L),
        (np.ones(P, bool), -1.0, -U, -U, np.full(P, np.inf)),
    ]
    r_rows, r_cols, r_vals, r_lo, r_up, r_lab = [], [], [], [], [], []
    base = 0
    labels = np.char.add(np.array(members, dtype=str)[m], " x ")
    labels = np.char.add(labels, j.astype(str))
    for sel, xcoef, ycoef, rlo, rup in specs:
        idx = np.flatnonzero(sel)
        k = idx.shape[0]
        if k == 0:
            continue
        row_of = np.full(P, -1, dtype=np.int64)
        row_of[idx] = base + np.arange(k)
        r_rows.append(row_of[idx])
        r_cols.append(w[idx])
        r_vals.append(np.ones(k))
        if xcoef:
            r_rows.append(row_of[idx])
            r_cols.append(j[idx])
            r_vals.append(np.full(k, xcoef))
        ysel = sel[yown]
        r_rows.append(row_of[yown[ysel]])
        r_cols.append(ycols[ysel])
        r_vals.append(ycoef[yown[ysel]])
        r_lo.append(rlo[idx])
        r_up.append(rup[idx])
        r_lab.append(np.char.add("odds ", labels[idx]).astype(object))
        base += k
    block = sparse.csr_matrix(
        (np.concatenate(r_vals), (np.concatenate(r_rows), np.concatenate(r_cols))),
        shape=(base, n + P),
    )
    block.eliminate_zeros()
    A = sparse.vstack([sparse.hstack([model.A, sparse.csr_matrix((model.m, P))]), block])
    neg = np.full(P, -1, dtype=model.col_commitment.dtype)
    extra = {}
    for name in ("col_response", "col_scenario"):
        arr = getattr(model, name, None)
        if arr is not None:
            extra[name] = np.concatenate([arr, np.full(P, -1, dtype=arr.dtype)])
    wnames = np.char.add("w[", np.char.add(labels, "]")).tolist()
    out = replace(
        model,
        A=A.tocsr(),
        row_lower=np.concatenate([model.row_lower, *r_lo]),
        row_upper=np.concatenate([model.row_upper, *r_up]),
        col_lower=np.concatenate([model.col_lower, np.minimum(L, 0.0)]),
        col_upper=np.concatenate([model.col_upper, np.maximum(U, 0.0)]),
        integrality=np.concatenate([model.integrality, np.zeros(P, dtype=bool)]),
        C=np.vstack([model.C, np.zeros((P, model.C.shape[1]))]),
        row_kind=np.concatenate([model.row_kind, np.full(base, "risk", dtype=object)]),
        row_label=np.concatenate([model.row_label, *r_lab]),
        col_commitment=np.concatenate([model.col_commitment, neg]),
        col_option=np.concatenate([model.col_option, neg]),
        col_start=np.concatenate([model.col_start, neg]),
        aux_names=tuple(model.aux_names) + tuple(wnames),
        **extra,
    )
    return _finish(out, np.concatenate([c, g]), b, members, delta, P, "products")


def _finish(model, c, b, members, delta, n_products, formulation) -> MatrixModel:
    meta = {
        **model.meta,
        "shifts": {
            "members": members,
            "delta": delta,
            "products": int(n_products),
            "formulation": formulation,
        },
    }
    return replace(
        model,
        c=c,
        objective_offset=float(model.objective_offset + model.p @ b),
        scenario_offset=b + model.objective_offset,
        meta=meta,
    )
