"""The offer of a problem with recourse: its first-stage columns, and its value with every
later decision (conditional tranches, stage-2 responses) re-optimised.

With conditional tranches (``stage = 2``) the package an analysis names, counts or compares is
the **offer**, the first-stage commitments; its tranches are a policy, chosen per scenario
once the scenario is known. The value of a fixed offer is therefore the optimum of the same
compiled model with the offer's columns fixed (``fix_offer``): exact under ``[[shifts]]`` too,
because a shift's member is always a first-stage one, so p(x) is fixed with the offer. Stage-1
responses (continuous quantities decided now) are re-optimised with the rest, as the
alternatives of a two-stage model treat them.

A column layout depends on the problem's structure only, not on its numbers, so an offer
(``offer_key``: the indices of its chosen first-stage commitment columns) can be carried from
one compiled model to another of the same problem with other numbers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

OFFER_NOTE = (
    "packages are offers (first-stage choices); an offer's conditional tranches are "
    "re-optimised in each scenario (at the inputs in question), and its value counts them"
)


def offer_mask(model) -> np.ndarray:
    """The first-stage commitment columns (the offer's), as a mask over all columns."""
    mask = model.first_stage_mask.copy()
    nd = model.n_decision
    mask[:nd] &= model.col_commitment[:nd] >= 0
    return mask


def offer_key(model, x) -> tuple[int, ...]:
    """The chosen first-stage commitment columns of ``x`` (``()`` for ``None``)."""
    if x is None:
        return ()
    nd = model.n_decision
    pick = (np.asarray(x[:nd]) > 0.5) & offer_mask(model)[:nd]
    return tuple(int(j) for j in np.flatnonzero(pick))


def fix_offer(model, key: tuple[int, ...]):
    """``model`` with its offer columns fixed: 1 on ``key``, 0 on the other offer columns."""
    mask = offer_mask(model)
    val = np.zeros(model.n)
    val[list(key)] = 1.0
    lo, up = model.col_lower.copy(), model.col_upper.copy()
    lo[mask] = up[mask] = val[mask]
    return model.with_bounds(col_lower=lo, col_upper=up)


def exclude_offers(model, keys) -> object:
    """``model`` with a no-good cut per offer in ``keys`` (on the offer columns only: an offer
    differing only in its tranches is the same offer): sum over the offer's columns of
    (1 - x) plus the other offer columns' x is at least 1."""
    keys = list(keys)
    if not keys:
        return model
    mask = offer_mask(model)
    rows, lower = [], []
    for key in keys:
        coef = np.where(mask, 1.0, 0.0)
        coef[list(key)] = -1.0
        rows.append(coef)
        lower.append(1.0 - len(key))
    labels = [f"another offer {i + 1}" for i in range(len(rows))]
    return add_rows(model, rows, lower, labels)


def add_rows(model, rows, lower, labels):
    """``model`` with the rows ``coef @ x >= lower`` added (kind ``user``)."""
    from scipy import sparse

    k = len(rows)
    return replace(
        model,
        A=sparse.vstack([model.A, sparse.csr_matrix(np.vstack(rows))], format="csr"),
        row_lower=np.concatenate([model.row_lower, lower]),
        row_upper=np.concatenate([model.row_upper, np.full(k, np.inf)]),
        row_kind=np.concatenate([model.row_kind, np.full(k, "user", dtype=object)]),
        row_label=np.concatenate([model.row_label, np.array(labels, dtype=object)]),
    )


def solve_offer(spec, model, key, backend, opts):
    """The verified ``Solution`` of ``spec`` with the offer ``key`` fixed and everything
    decided later re-optimised (``InfeasibleError`` when the offer is infeasible)."""
    from . import engine

    fixed = fix_offer(model, key)
    return engine.finish(spec, fixed, backend.solve(fixed, opts))
