"""The tornado of a problem with conditional tranches, read off the tipping points' envelopes
where they reach the swing's ends, solved where they do not.

A tornado row gives, at each end of an input's swing, the optimum (the best offer, its
tranches re-optimised) and the base offer's value. The tipping point of the same input
(``sensitivity_tranches.tipping``) has already found, on each side of the base, the exact
upper envelope of the base offer's packages (``F``: the offer fixed, its tranches
re-optimised) and of the other offers' (``G``), over the whole searched range. Where a swing
end lies in that range the base offer's value there is ``F``'s line's package, the best other
offer is ``G``'s, and the optimum is the better of the two: no solve. Both values are
recomputed from the spec at the end (``offer_envelope.value_at``, the independent check), as a
solve's verified solution would give them; a tie keeps the base offer. Elsewhere (an input
with no search range -- an option's whole value as a factor, a capacity --, an envelope
empty because no package fits at an end) the row is solved as before, unless no offer can
overtake the base offer between the base and that end (``offer_monotone``: e.g. the value of
an option it does not use, scaled down): the optimum there is the base package, no solve.
A capacity's ends are read off the walks of its tipping point where they reach them
(``capacity_walk``: the optimum and the base offer's value are step functions of the factor).
"""

from __future__ import annotations

import math
from functools import partial

from .offer_envelope import Found, Input, OfferSolver, piece_at, tie, value_at
from .offer_monotone import base_offer_line, quiet_side
from .partial import each
from .proven import watch
from .sensitivity_results import TornadoRow, by_swing


def _from_envelopes(ses: OfferSolver, inp: Input, t: float) -> tuple[Found, Found] | None:
    """``(best, base offer)`` at ``t`` from the envelopes ``inp`` kept, or None."""
    sigma = 1.0 if ses.spec.sense == "maximize" else -1.0
    for a, b, F, G in inp.envelopes:
        if not (a <= t <= b and F and G):
            continue
        f, g = piece_at(F, t), piece_at(G, t)
        if f is None or g is None:
            continue
        sp = inp.spec_at(t)
        vf, vg = sigma * value_at(sp, f.found.sol), sigma * value_at(sp, g.found.sol)
        if math.isnan(vf) or math.isnan(vg):
            continue
        return (g.found if vg > vf + tie(vf, vg) else f.found), f.found
    return None


def _from_walk(ses: OfferSolver, inp: Input, t: float) -> tuple | None:
    """``(best, base offer)`` at capacity factor ``t`` from the walks of the same resource's
    tipping point (``ses.walks``) where they reach ``t``: the segment holding ``t`` has the
    optimum there (found at its top, optimal down to its threshold), the base offer's walk
    covers the whole range; ``None`` (infeasible) where a walk says so. A tie keeps the base
    offer."""
    from .capacity_walk import at

    walks = ses.walks.get(inp.target) if inp.kind == "capacity" else None
    if walks is None or not walks[0] or t < walks[0][0][0]:
        return None
    best, mine = at(walks[0], t), at(walks[1], t)
    if best is None or mine is None:
        return best, mine
    sigma = 1.0 if ses.spec.sense == "maximize" else -1.0
    vb, vm = sigma * best.sol.expected, sigma * mine.sol.expected
    return (best if vb > vm + tie(vm, vb) else mine), mine


def _quiet(ses: OfferSolver, inp: Input, t: float) -> tuple[Found, Found] | None:
    """``(base offer, base offer)`` at ``t`` when no offer can overtake it between the base and
    ``t`` (``offer_monotone``): its value there is its base package's."""
    if quiet_side(ses, inp, t) is None:
        return None
    return ses.base, ses.base


def _value(ses: OfferSolver, sp, found: Found | None, *, solved: bool) -> float:
    if found is None:
        return math.nan
    return float(found.sol.expected) if solved else value_at(sp, found.sol)


def tornado(ses: OfferSolver, ins: list[Input]) -> tuple[list[TornadoRow], list[str]]:
    """One row per input with a swing, sorted by swing; and the names of the inputs left
    unfinished at the ``--max-time`` budget (``partial.each``)."""
    rows, left = each([i for i in ins if i.swing is not None], partial(row, ses), _name)
    return by_swing(rows), left


def _name(inp: Input) -> str:
    return inp.name


def row(ses: OfferSolver, inp: Input) -> TornadoRow:
    """The tornado row of ``inp`` (see the module docstring)."""
    proven = watch(ses)
    walked = inp.kind == "capacity" and inp.target in ses.unproven_walks
    if not getattr(inp, "proven", True) or walked:  # it reads envelopes or walks resting
        ses.doubts += 1  # on a re-solve stopped unproven
    vals = []
    for t in inp.swing:
        sp = inp.spec_at(t)
        got = _from_envelopes(ses, inp, t) or _quiet(ses, inp, t) or _from_walk(ses, inp, t)
        if got:
            best, mine = got
            vb, vm = _value(ses, sp, best, solved=False), _value(ses, sp, mine, solved=False)
        else:
            best = ses.at(sp)
            vb = _value(ses, sp, best, solved=True)
            if base_offer_line(ses, inp, t) is not None:  # its base completion stays its best
                vm = _value(ses, sp, ses.base, solved=False)
            else:
                vm = _value(ses, sp, ses.at(sp, "fixed", ses.key0), solved=True)
        vals.append((vb, ses.change(best), vm))
    (vl, cl, ol), (vh, ch, oh) = vals
    return TornadoRow(
        inp.name,
        inp.kind,
        *inp.swing,
        vl,
        vh,
        cl,
        ch,
        inp.unit,
        offer_low=ol,
        offer_high=oh,
        proven=proven(),
    )
