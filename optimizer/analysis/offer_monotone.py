"""Sides of an input on which no offer can overtake the base offer, proven from the compiled
model without a solve (for problems with conditional tranches: ``sensitivity_tranches``).

The compiled expected value is ``E(x) = sum_s p_s(x) * (b_s + C[:, s] . x)``: ``C`` holds each
column's value in each scenario and ``p(x)`` the probabilities the package induces
(``optimizer.odds``; ``p(x) = p`` without shifts), nonnegative for every package the
relations allow (the load-time rule of ``spec.shifts``). An option's value in one scenario, or
its whole value profile as a multiplier, enters ``C`` only: the rows, the bounds, the
baselines and the odds do not move with it. Moving it from the base ``t0`` to an end ``te``
changes ``E(x)`` by ``lam * sum_s p_s(x) * d[:, s] . x`` at the fraction ``lam`` of the way,
``d = sigma * (C(te) - C(t0))`` (``sigma`` = -1 for a minimisation: better is higher).

When ``d <= 0`` everywhere and every column it touches is nonnegative (lower bound 0 or more),
no package (offer, tranches and responses) gains value on that side, so the best other offer
``G`` stays at or below ``G(t0)``. When the base package's own value does not move (its columns
do not meet ``d``, checked by the independent valuation at ``te``), the base offer's value
``F`` stays exactly ``F(t0)``: its base tranches keep it and none of its other plans gains.
So if ``G(t0) < F(t0)`` by more than a tie, the base offer stays optimal over the whole side
and the side needs no solve: its tipping end is the searched end, ``F`` is the base package's
line and ``G`` a line under it (the best other offer at the base, a lower bound of ``G``),
which the tornado reads as it would the full search's.

E.g. the value of an option the base offer does not use, moved down (every package using it
loses); a cost profile of an option it does not choose, scaled up. Every other side is
searched as before (``offer_envelope``).

The base offer's envelope ``F`` needs no solve either when ``d`` is nonzero only on offer
columns (``offer.offer_mask``: first-stage commitment columns, which fixing the offer fixes;
read off the input where it moves a first-stage option's value, ``_offer_option``):
with the offer fixed, ``p(x)`` and ``d . x`` are fixed, so every completion of the offer
(tranches, responses) gains the same amount and the base package's completion stays its best.
``F`` is then exactly the base package's line (``base_offer_line``), e.g. for the value of any
first-stage option, on either side.

The same holds for an input that moves only the odds or the baselines (a base probability, a
shift's share or amount, a baseline: ``ODDS_KINDS``) when the recourse is separable by
scenario: with the offer fixed, ``E = sum_s p_s(x) * (b_s + v_s(x) + t_s(y_s))``, where each
scenario's tranches and stage-2 responses ``y_s`` meet that scenario's rows only
(``optimizer.tranches``: stage-2 commitments, their resources, relations and constraints are
copied per scenario). So the best ``y_s`` maximises ``t_s`` alone wherever ``p_s(x) > 0``,
whatever ``p`` and ``b``: the base completion stays the offer's best along the side, and
``F`` is its line (a line: ``p_s(x)`` and ``b_s`` are linear in such an input). Asked only
for the expected value, without stage-1 responses (continuous, decided now, weighed by
``p``), and where every scenario has a positive probability under the base offer (a
scenario at 0 leaves its tranches unweighed at the base).
"""

from __future__ import annotations

import numpy as np

from .offer_envelope import Input, Line, OfferSolver, tie

KINDS = ("value",)  # inputs that move C only
ODDS_KINDS = ("baseline", "probability", "shift")  # inputs that move p(x) or b only


def _same_rest(m0, m1) -> bool:
    """Whether two compiled models differ at most in ``C`` and the objective built from it."""
    a0, a1 = m0.A, m1.A
    return (
        a0.shape == a1.shape
        and m0.C.shape == m1.C.shape
        and np.array_equal(a0.indptr, a1.indptr)
        and np.array_equal(a0.indices, a1.indices)
        and np.array_equal(a0.data, a1.data)
        and all(
            np.array_equal(getattr(m0, k), getattr(m1, k))
            for k in ("row_lower", "row_upper", "col_lower", "col_upper", "integrality", "p")
        )
        and m0.maximize == m1.maximize
        and m0.objective == m1.objective == "expected"
        and m0.objective_offset == m1.objective_offset
    )


def _models(ses: OfferSolver, inp: Input, end: float) -> tuple | None:
    """The compiled models at the base and at ``end`` when ``inp`` moves ``C`` only between
    them (``_same_rest``), else ``None``."""
    if inp.kind not in KINDS or end == inp.base:
        return None
    m0, me = ses.compiled(inp.spec_at(inp.base)), ses.compiled(inp.spec_at(end))
    return (m0, me) if _same_rest(m0, me) else None


def base_offer_line(ses: OfferSolver, inp: Input, end: float) -> Line | None:
    """The base offer's value over the side of ``inp`` from its base to ``end`` as its base
    package's line, when the input moves only the values of offer columns (see the module
    docstring); else ``None``."""
    from ..offer import offer_mask

    if end == inp.base:
        return None
    if inp.kind in ODDS_KINDS:
        if not _separable(ses):
            return None
    elif inp.kind in KINDS and not _offer_option(ses.spec, inp):
        got = _models(ses, inp, end)
        if got is None:
            return None
        m0, me = got
        moved = np.any(me.C != m0.C, axis=1)
        if np.any(moved & ~offer_mask(m0)):
            return None
    elif inp.kind not in KINDS:
        return None
    a, b = min(inp.base, end), max(inp.base, end)
    f = Line(inp.spec_at, ses.base, a, b, 1.0 if ses.spec.sense == "maximize" else -1.0)
    return None if np.isnan(f.a) or np.isnan(f.b) else f


def _offer_option(spec, inp: Input) -> bool:
    """Whether a value input moves the value of a first-stage option only (its target is
    ``commitment.option`` or ``commitment.option:scenario``): the offer's own columns, whatever
    the compiled model's shape at the ends (the odds' products of a value set to 0 drop out)."""
    from ..spec.model import Member

    try:
        c = spec.commitment(Member.parse(inp.target.split(":")[0]).commitment)
    except (KeyError, ValueError):
        return False
    return c is not None and c.stage != 2


def _separable(ses: OfferSolver) -> bool:
    """Whether the base offer's best completion cannot move with the odds or the baselines
    (see the module docstring)."""
    spec = ses.spec
    if any(r.stage != 2 for r in spec.responses):
        return False
    if ses.compiled(spec).objective != "expected":
        return False
    probs = ses.base.sol.probabilities or {}
    return len(probs) == len(spec.scenarios) and all(p > 0 for p in probs.values())


def quiet_side(ses: OfferSolver, inp: Input, end: float) -> tuple[list, list] | None:
    """The envelopes ``(F, G)`` over the side of ``inp`` from its base to ``end`` when no offer
    can overtake the base offer there (see the module docstring), else ``None``."""
    got = _models(ses, inp, end)
    if got is None:
        return None
    m0, me = got
    sigma = 1.0 if m0.maximize else -1.0
    d = sigma * (me.C - m0.C)
    if np.any(d > 0) or np.any(m0.col_lower[np.any(d != 0, axis=1)] < 0):
        return None
    a, b = min(inp.base, end), max(inp.base, end)
    f = Line(inp.spec_at, ses.base, a, b, sigma)
    f0, fe = f(inp.base), f(end)
    if not abs(fe - f0) <= tie(fe, f0):
        return None  # the base package's own columns meet d (or it breaks a limit at te)
    other = ses.at(inp.spec_at(inp.base), "other", ses.key0)
    if other is None:
        return [(a, b, f)], []
    g = Line(inp.spec_at, other, a, b, sigma)
    if not g(inp.base) < f0 - tie(g(inp.base), f0):
        return None  # a tie at the base: the full search decides
    return [(a, b, f)], [(a, b, g)]
