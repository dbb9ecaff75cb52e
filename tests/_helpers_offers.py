"""Offers of a problem with conditional tranches, solved from scratch: the independent side of
the tests of its sensitivity (``test_tranche_sensitivity_solves``, ``test_offer_monotone``)."""

from __future__ import annotations

import math

import optimizer
from optimizer.errors import InfeasibleError


def first_stage(spec, sol) -> frozenset[str]:
    return frozenset(
        f"{c.commitment}.{c.option}" for c in sol.chosen if spec.commitment(c.commitment).stage != 2
    )


def best(sp):
    """The optimum of ``sp`` solved from scratch: its value and its offer."""
    sol = optimizer.solve(sp)
    return sol.expected, first_stage(sp, sol)


def offer_value(sp, offer: frozenset[str]) -> float:
    """The value of ``offer`` in ``sp``, its tranches re-optimised: the problem with the offer's
    options forced and every other first-stage option forbidden, solved from scratch."""
    others = [
        f"{c.id}.{o.id}"
        for c in sp.commitments
        if c.stage != 2
        for o in c.options
        if f"{c.id}.{o.id}" not in offer
    ]
    fixed = sp.force(*sorted(offer)) if offer else sp
    try:
        return optimizer.solve(fixed.forbid(*others) if others else fixed).expected
    except InfeasibleError:
        return math.nan
