"""The sensitivity of a problem with conditional tranches with fewer solves (shared solves at
the problem as given, the tornado read off the tipping points' envelopes, the best other
offer's envelope cut short where it cannot cross the base offer's, thresholds that keep the
base package), checked against solves made here, one problem at a time, and against the
envelope searched in full.

The problem is the bundled ``conditional_tranche.toml`` (tranches, ``[[shifts]]``, a
relation): small enough to re-solve at every reported number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _helpers_offers import best, offer_value

import optimizer
from optimizer.analysis.offer_envelope import OfferSolver, envelope, first_crossing
from optimizer.analysis.sensitivity import sensitivity
from optimizer.analysis.sensitivity_params import KINDS
from optimizer.analysis.sensitivity_tranches import inputs
from optimizer.errors import InputError

PROBLEM = Path(__file__).parent.parent / "problems" / "conditional_tranche.toml"
RANGE = 0.2


@pytest.fixture(scope="module")
def spec():
    return optimizer.load(PROBLEM)


@pytest.fixture(scope="module")
def report(spec):
    return sensitivity(spec, tornado_range=RANGE)


@pytest.fixture(scope="module")
def by_name(spec):
    return {i.name: i for i in inputs(spec, RANGE, KINDS)}


@pytest.mark.parametrize("rel", [RANGE, 0.8])  # 0.8: some ends past a tipping point
def test_tornado_rows_are_the_solves_at_their_ends(spec, report, rel):
    if rel != RANGE:
        report = sensitivity(spec, tornado_range=rel, sections=("tipping", "tornado"))
    by_name = {i.name: i for i in inputs(spec, rel, KINDS)}
    base = best(spec)[1]
    rows = [r for r in report.tornado if r.input in by_name]
    assert len(rows) >= 10
    taken = 0
    for r in rows:
        for t, value, mine, change in (
            (r.low, r.value_low, r.offer_low, r.changes_low),
            (r.high, r.value_high, r.offer_high, r.changes_high),
        ):
            sp = by_name[r.input].spec_at(t)
            v, offer = best(sp)
            assert value == pytest.approx(v, rel=1e-6, abs=1e-9), (r.input, t)
            assert mine == pytest.approx(offer_value(sp, base), rel=1e-6, abs=1e-9, nan_ok=True), (
                r.input,
                t,
            )
            if change is None:  # the base offer is (one of) the best there
                assert mine == pytest.approx(v, rel=1e-6, abs=1e-9), (r.input, t)
            else:
                assert offer != base and set(change.enter) <= offer, (r.input, t)
                taken += 1
    assert taken >= (3 if rel == 0.8 else 0)


def test_each_tipping_end_is_where_another_offer_takes_over(spec, report, by_name):
    base = best(spec)[1]
    checked = 0
    for tip in report.tipping:
        if tip.kind in ("capacity", "scale"):  # the capacity walk: not changed here
            continue
        inp = by_name[tip.parameter]
        lo, hi = tip.searched
        step = 1e-4 * max(1.0, hi - lo)
        for end, taker, sign in ((tip.lower, tip.below, -1), (tip.upper, tip.above, 1)):
            if end in (lo, hi):
                assert taker is None
                continue
            checked += 1
            inside, outside = end - sign * step, end + sign * step
            v, offer = best(inp.spec_at(inside))
            assert v == pytest.approx(offer_value(inp.spec_at(inside), base), rel=1e-7), (
                tip.parameter,
                end,
                inside,
                tip.searched,
            )
            v, offer = best(inp.spec_at(outside))
            assert v > offer_value(inp.spec_at(outside), base) + 1e-9, (tip.parameter, end)
            assert offer != base and set(taker.enter) <= offer, (tip.parameter, end)
    assert checked >= 5


def test_the_cut_short_envelope_gives_the_full_ones_crossing(spec, by_name):
    ses = OfferSolver(spec)
    sg = 1.0 if spec.sense == "maximize" else -1.0

    def fixed(sp):
        return ses.at(sp, "fixed", ses.key0)

    def other(sp):
        return ses.at(sp, "other", ses.key0)

    fewer = 0
    for inp in by_name.values():
        if inp.search is None:
            continue
        for end in inp.search:
            a, b = min(inp.base, end), max(inp.base, end)
            F = envelope(inp.spec_at, a, b, fixed, sg)
            n0 = ses.solves
            full = envelope(inp.spec_at, a, b, other, sg)
            n1 = ses.solves
            cut = envelope(inp.spec_at, a, b, other, sg, below=F, start=inp.base)
            fewer += (n1 - n0) - (ses.solves - n1)
            x, y = first_crossing(F, full, inp.base, end), first_crossing(F, cut, inp.base, end)
            assert (x is None) == (y is None), inp.name
            if x is not None:
                assert x[0] == y[0] and x[1].found.key == y[1].found.key, inp.name
    assert fewer > 0


def test_solves_at_the_problem_as_given_are_shared(spec, by_name):
    ses = OfferSolver(spec)
    n = ses.solves
    ins = [i for i in by_name.values() if i.search is not None]
    got = {ses.at(i.spec_at(i.base), "other", ses.key0).key for i in ins}
    assert ses.solves == n + 1 and len(got) == 1
    assert ses.at(ins[0].spec_at(ins[0].base), "fixed", ses.key0).key == ses.key0
    assert ses.solves == n + 2
    moved = ins[0].spec_at(ins[0].search[1])
    ses.at(moved, "other", ses.key0)
    assert ses.solves == n + 3


def test_a_shift_out_of_range_is_still_refused_every_time(spec):
    k = next(i for i, sh in enumerate(spec.shifts) if sh.share is None)
    for _ in range(3):  # the bound's answers are kept: the refusal must not be
        with pytest.raises(InputError, match=r"shifts\["):
            spec.with_values({f"shifts[{k}].amount": 0.9})
    spec.with_values({f"shifts[{k}].amount": 0.05})  # allowed, as before


def test_fewer_solves_and_the_same_package(spec, report):
    assert report.solves < 250  # 351 before these changes
    assert set(report.package) == {str(c) for c in optimizer.solve(spec).chosen}
