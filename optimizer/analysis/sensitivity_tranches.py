"""Sensitivity of a problem with conditional tranches (``stage = 2``): the offer is the package.

An offer's value at any inputs is its value with its tranches re-optimised in each scenario at
those inputs (``optimizer.offer``); every figure is a solve of the problem rebuilt and
recompiled at the changed input (``offer_envelope``), exact under ``[[shifts]]`` too.

* **Tipping points** (a base probability with the others rescaled in proportion, an option's
  value in one scenario -- first-stage options and tranches --, a baseline, a shift's
  amount): the interval around the base over which the optimal *offer* stays the same. A
  change of tranches alone inside it is not a tipping point. For a fixed offer and fixed
  tranches the expected value is a line in such an input, so the base offer's value (its
  tranches re-optimised) and the best other offer's value are upper envelopes of lines; both
  are found exactly by line intersection, and the end is where the second rises above the
  first (exact, no tolerance). An end equal to the searched end means no change within it.
  An option whose value is a yearly profile is one multiplier of all its values ("× base",
  every scenario and year scaled together: ``sensitivity_profiles``), exact the same way.
* **What would it take**: the change of a first-stage option's value, the same in every
  scenario, that brings it into the optimal offer or drops it. The offers choosing a given
  column of the option all move by the same amount (the probabilities they induce sum to 1,
  whatever the tranches), so the best offer of each class is one line: exact.
* **Tornado**: the optimal expected value and the base offer's value (its tranches
  re-optimised) at each input's low and high (probabilities, option values -- profiles
  included -- and capacities as factors, baselines, shift amounts); read off the tipping
  points' envelopes where they reach an end, solved elsewhere (``offer_tornado``).
* **Shadow prices**: not given. A resource a tranche uses has one row per scenario, and the
  LP relaxation's duals price neither the offer nor the integer problem.
* Capacities (a factor on all of a resource's capacities, every scenario's rows included):
  the optimum and the base offer's value are both step functions of it, walked exactly by
  ``capacity_walk.CapacityWalk``; the offer is optimal where they meet.
"""

from __future__ import annotations

import math
import time
from functools import partial

from solvers.deadline import expired

from .offer_envelope import Input, OfferSolver, envelope, first_crossing, valid_end
from .offer_monotone import base_offer_line, quiet_side
from .offer_tornado import tornado
from .partial import each
from .proven import watch
from .sensitivity_profiles import NOTE_PROFILES, has_profile, profile_inputs
from .sensitivity_profiles import with_option_value as _with_option_value
from .sensitivity_results import SensitivityReport, Threshold, TippingPoint, TornadoRow

NOTES_TRANCHES = (
    "packages are offers (first-stage choices); an offer's value at any inputs is its value with "
    "its conditional tranches re-optimised in each scenario at those inputs",
    "tipping points: where the optimal offer changes (a change of tranches alone is not one); "
    "exact for probabilities, values, baselines and shift amounts (upper envelopes of lines, "
    "each crossing checked by a solve of the problem rebuilt at that input)",
    NOTE_PROFILES,
    "tornado: the optimal expected value ('value_low'/'value_high') and the base offer's value "
    "with its tranches re-optimised ('offer_value_low'/'offer_value_high')",
    "capacities: a factor on all of a resource's capacities (every scenario's rows), searched "
    "from 0 to twice the base; the optimum and the base offer's value are exact step "
    "functions (the capacity walk of the frontier), so an end is an exact threshold, and a "
    "step narrower than the tolerance could be missed",
    "LP shadow prices: not given with conditional tranches (a resource a tranche uses has a row "
    "per scenario; the LP relaxation's duals are not prices of the offer)",
)


QUIET = True  # settle the sides no offer can overtake without a solve (``offer_monotone``)


def _scalable(r) -> bool:
    caps = [float(c) for c in r.capacity]
    return all(c >= 0 for c in caps) and any(math.isfinite(c) and c > 0 for c in caps)


def _width(spec) -> float:
    """A wide search range for a value or a baseline: all the problem's values at stake."""
    total = sum(abs(float(s.baseline)) for s in spec.scenarios)
    for c in spec.commitments:
        for o in c.options:
            for v in o.value.values():
                total += sum(map(abs, v)) if isinstance(v, tuple) else abs(float(v))
    return max(1.0, total * max(1, spec.n_periods))


def inputs(spec, rel: float, kinds, skipped: list[str] | None = None, lazy=False) -> list[Input]:
    """The inputs searched and swung, each with its search range and its tornado ends.

    A probability's or a shift's range is found by bisection on the problem's validity
    (``valid_end``); once the ``--max-time`` budget is spent, such inputs are left out and
    their names added to ``skipped``. ``lazy``: none left out, each range found on first use
    (``Input.ranges``: a chunk of the sweep finds only the ranges of its own inputs)."""
    out: list[Input] = []
    skipped = [] if skipped is None else skipped
    W = _width(spec)
    P = [float(s.probability) for s in spec.scenarios]

    def ranged(name, kind, target, base, at, lo_end, hi_end) -> None:
        def ranges():
            lo, hi = valid_end(at, base, lo_end), valid_end(at, base, hi_end)
            return (lo, hi), (max(lo, base * (1 - rel)), min(hi, base * (1 + rel)))

        if not lazy and expired():
            skipped.append(name)
            return
        out.append(Input(name, kind, target, "", base, at, ranges=ranges))
        if not lazy:
            out[-1].search  # noqa: B018 -- found now, as the inputs are listed

    if "probability" in kinds and len(P) > 1:
        for i, s in enumerate(spec.scenarios):
            if not 0 < P[i] < 1:
                continue

            def at(t, i=i):
                f = (1 - t) / (1 - P[i])
                locs = {f"scenarios[{j}].probability": P[j] * f for j in range(len(P))}
                return spec.with_values({**locs, f"scenarios[{i}].probability": t})

            ranged(f"P({s.id})", "probability", s.id, P[i], at, 0.0, 1.0)
    if "value" in kinds:
        for c in spec.commitments:
            for o in c.options:
                nums = {k: float(v) for k, v in o.value.items() if not isinstance(v, tuple)}
                for k, s in enumerate(spec.scenarios):
                    if k >= len(P) or P[k] <= 0 or s.id not in nums:
                        continue

                    def at(t, c=c, o=o, sid=s.id):
                        return _with_option_value(
                            spec, c.id, o.id, lambda vals, sid=sid, t=t: {**vals, sid: t}
                        )

                    b = nums[s.id]
                    name = f"{c.id}.{o.id} value in {s.id}"
                    unit = spec.value_unit
                    out.append(
                        Input(name, "value", f"{c.id}.{o.id}:{s.id}", unit, b, at, (b - W, b + W))
                    )
                if any(nums.values()) and not has_profile(o):  # else: profile_inputs

                    def scaled(f, c=c, o=o, nums=nums):
                        return _with_option_value(
                            spec,
                            c.id,
                            o.id,
                            lambda vals, f=f, nums=nums: {
                                **vals,
                                **{k: f * x for k, x in nums.items()},
                            },
                        )

                    name = f"{c.id}.{o.id} value"
                    out.append(
                        Input(
                            name,
                            "value",
                            f"{c.id}.{o.id}",
                            "x",
                            1.0,
                            scaled,
                            None,
                            (1 - rel, 1 + rel),
                        )
                    )
        out += profile_inputs(spec, rel, W)
    if "baseline" in kinds:
        for i, s in enumerate(spec.scenarios):
            b = float(s.baseline)
            if P[i] <= 0 or (b == 0 and not spec.shifts):
                continue

            def at(t, i=i):
                return spec.with_values({f"scenarios[{i}].baseline": t})

            sw = (b * (1 - rel), b * (1 + rel)) if b else None
            out.append(
                Input(
                    f"{s.id} baseline", "baseline", s.id, spec.value_unit, b, at, (b - W, b + W), sw
                )
            )
    if "shift" in kinds:
        for k, sh in enumerate(spec.shifts):
            if sh.amount is None:
                continue
            key = "amount" if sh.share is None else "share"  # a share is what the file sets
            a = float(sh.amount if sh.share is None else sh.share)

            def at(t, k=k, key=key):
                return spec.with_values({f"shifts[{k}].{key}": t})

            ranged(f"shifts[{k}] {key} ({sh.when})", "shift", f"shifts[{k}]", a, at, 1e-9, 1.0)
    if "capacity" in kinds or "scale" in kinds:
        for r in spec.resources:
            caps = list(r.capacity)

            def at(f, r=r, caps=caps):
                years = spec.period_labels
                new = (
                    {y: f * x for y, x in zip(years, caps, strict=True)}
                    if len(caps) > 1
                    else f * caps[0]
                )
                return spec.with_capacity(r.id, new)

            out.append(
                Input(f"{r.id} capacity", "capacity", r.id, "x", 1.0, at, None, (1 - rel, 1 + rel))
            )
    return out


def tipping(ses: OfferSolver, inp: Input) -> TippingPoint:
    before, proven = ses.solves, watch(ses)
    lo, hi = inp.search
    k0 = ses.key0

    def fixed(sp):
        return ses.at(sp, "fixed", k0)

    def other(sp):
        return ses.at(sp, "other", k0)

    ends, takers = [], []
    inp.envelopes = []
    for end in (lo, hi):
        a, b = min(inp.base, end), max(inp.base, end)
        sg = 1.0 if ses.spec.sense == "maximize" else -1.0  # envelopes of the best
        quiet = quiet_side(ses, inp, end) if QUIET else None  # no offer can overtake: no solve
        if quiet is not None:
            F, G = quiet
        else:
            f = base_offer_line(ses, inp, end)  # no solve where the offer's completion stays
            F = [(a, b, f)] if f is not None else envelope(inp.spec_at, a, b, fixed, sg)
            G = envelope(inp.spec_at, a, b, other, sg, below=F, start=inp.base)
        inp.envelopes.append((a, b, F, G))  # the tornado reads its ends off them
        hit = first_crossing(F, G, inp.base, end)
        ends.append(end if hit is None else hit[0])
        takers.append(None if hit is None else ses.change(hit[1].found))
    inp.proven = proven()  # the tornado row reads the envelopes (``offer_tornado.row``)
    return TippingPoint(
        parameter=inp.name,
        kind=inp.kind,
        target=inp.target,
        unit=inp.unit,
        base=inp.base,
        lower=ends[0],
        upper=ends[1],
        below=takers[0],
        above=takers[1],
        tolerance=0.0,
        solves=ses.solves - before,
        searched=(lo, hi),
        proven=inp.proven,
    )


def threshold(ses: OfferSolver, spec, c, o) -> Threshold:
    """What would it take for a first-stage option (see the module docstring)."""
    from ..compile import compile_spec
    from ..offer import offer_mask

    before, proven = ses.solves, watch(ses)
    model = compile_spec(spec)
    ci = list(model.commitment_ids).index(c.id)
    oi = [x.id for x in c.options].index(o.id)
    cols = [
        int(j)
        for j in (
            offer_mask(model) & (model.col_commitment == ci) & (model.col_option == oi)
        ).nonzero()[0]
        if model.col_option[j] == oi
    ]
    chosen = any(j in ses.key0 for j in cols)
    sigma = 1.0 if spec.sense == "maximize" else -1.0

    def solve_with(lo_cols, up_cols):
        if set(lo_cols) <= set(ses.key0) and not set(up_cols) & set(ses.key0):
            return ses.base  # the base package is allowed, so still optimal: no solve
        m = compile_spec(spec)
        lo, up = m.col_lower.copy(), m.col_upper.copy()
        lo[lo_cols], up[up_cols] = 1.0, 0.0
        return ses.solve_model(spec, m.with_bounds(col_lower=lo, col_upper=up))

    without = solve_with([], cols)

    def moved(d):
        return _with_option_value(
            spec,
            c.id,
            o.id,
            lambda v: {**v, **{s.id: float(v.get(s.id, 0.0)) + d for s in spec.scenarios}},
        )

    from .offer_envelope import Line

    best, taker = math.inf, None
    if without is not None:
        U = without.sol.expected
        for j in cols:
            w = solve_with([j], [])
            if w is None:
                continue
            line = Line(moved, w, 0.0, 1.0)
            if line.b == 0:
                continue
            d = sigma * (U - line.a) / line.b
            if d < best:
                best, taker = d, (without if chosen else w)
    return Threshold(
        option=f"{c.id}.{o.id}",
        chosen=chosen,
        change=None if taker is None else sigma * best,
        unit=spec.value_unit,
        basis="per year" if o.value_per_year else ("one-off" if spec.years else ""),
        package=None if taker is None else ses.change(taker),
        solves=ses.solves - before,
        proven=proven(),
    )


def _name(inp: Input) -> str:
    return inp.name


def option_label(co) -> str:
    return f"{co[0].id}.{co[1].id}"


def threshold_ids(spec) -> list[tuple]:
    """The first-stage options ``(commitment, option)`` given a what-would-it-take threshold
    (not a profile: its change "the same in every year" is not defined)."""
    return [
        (c, o)
        for c in spec.commitments
        if c.stage != 2
        for o in c.options
        if not any(isinstance(v, tuple) for v in o.value.values())
    ]


def scalable(spec) -> list[str]:
    """The resources whose capacity factor has a tipping point (``capacity_tipping``)."""
    return [r.id for r in spec.resources if _scalable(r)]


def tranche_sensitivity(spec, *, solver, options, tolerance, tornado_range, kinds, sections):
    """``optimizer.analysis.sensitivity.sensitivity`` for a problem with tranches."""
    t0 = time.perf_counter()
    ses = OfferSolver(spec, solver, options, probing=False)
    skipped: list[str] = []  # --max-time: the inputs whose range was not found
    ins = inputs(spec, tornado_range, kinds, skipped)
    unfinished = [
        f"{sec}: {n}" for sec in ("tipping", "tornado") for n in skipped if sec in sections
    ]
    tips: list[TippingPoint] = []
    if "tipping" in sections:
        tips, left = each([i for i in ins if i.search is not None], partial(tipping, ses), _name)
        unfinished += [f"tipping: {n}" for n in left]
    if "tipping" in sections and ("capacity" in kinds or "scale" in kinds):
        from .capacity_walk import capacity_label, capacity_tipping

        more, left = each(scalable(spec), lambda r: capacity_tipping(ses, spec, r))
        tips += more
        unfinished += [f"tipping: {capacity_label(spec, r)}" for r in left]
    thresholds: list[Threshold] = []
    if "thresholds" in sections:
        ids = threshold_ids(spec)
        thresholds, left = each(ids, lambda co: threshold(ses, spec, *co), option_label)
        unfinished += [f"thresholds: {n}" for n in left]
    rows: list[TornadoRow] = []
    if "tornado" in sections:
        rows, left = tornado(ses, ins)
        unfinished += [f"tornado: {n}" for n in left]
    return report(ses, tolerance, tornado_range, tips, thresholds, rows, unfinished, t0)


def report(ses, tolerance, rel, tips, thresholds, rows, unfinished, t0, solves=0, warnings=()):
    """The report of ``ses``'s problem; ``solves`` and ``warnings``: the sweep's chunks'."""
    spec = ses.spec
    return SensitivityReport(
        problem=spec.name,
        sense=spec.sense,
        value_unit=spec.value_unit,
        package=ses.names(ses.base),
        expected=float(ses.base.sol.expected),
        tolerance=tolerance,
        tipping=tuple(tips),
        thresholds=tuple(thresholds),
        tornado=tuple(rows),
        tornado_range=rel,
        shadow_prices=(),
        lp_objective=None,
        solves=ses.solves + solves,
        solver=ses.backend.name,
        time_s=time.perf_counter() - t0,
        notes=NOTES_TRANCHES,
        offers=True,
        unfinished=tuple(unfinished),
        warnings=tuple(dict.fromkeys([*ses.warnings, *warnings])),
        status=str(getattr(ses.base.sol.status, "value", ses.base.sol.status)),
    )
