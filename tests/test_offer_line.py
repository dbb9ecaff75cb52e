"""The base offer's value taken as its base package's line, with no solve, on the sides of a
value input that moves only offer columns, or of an input that moves only the odds or the
baselines when the recourse is separable by scenario (``offer_monotone.base_offer_line``): checked
against the offer's value solved from scratch (its tranches re-optimised) along the side, against
the envelope of solves it replaces, and the whole report against the one without the rule.

Problems: the bundled ``conditional_tranche.toml`` and random problems with tranches, shifts
and relations (``test_tranches_bruteforce.random_problem``)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from _helpers_offers import first_stage, offer_value
from test_tranches_bruteforce import random_problem

import optimizer
from optimizer.analysis import offer_tornado, sensitivity_tranches
from optimizer.analysis.offer_envelope import OfferSolver, envelope
from optimizer.analysis.offer_monotone import base_offer_line
from optimizer.analysis.sensitivity import sensitivity
from optimizer.analysis.sensitivity_params import KINDS
from optimizer.analysis.sensitivity_tranches import inputs

PROBLEM = Path(__file__).parent.parent / "problems" / "conditional_tranche.toml"


def _sides(spec, ses):
    """Every searched side ``(input, end, base_offer_line's answer)``."""
    out = []
    for inp in inputs(spec, 0.2, KINDS):
        if inp.search is not None:
            out += [(inp, end, base_offer_line(ses, inp, end)) for end in inp.search]
    return out


@pytest.fixture(scope="module")
def bundled():
    spec = optimizer.load(PROBLEM)
    ses = OfferSolver(spec, probing=False)
    return spec, ses, _sides(spec, ses)


def test_some_sides_take_the_line_and_a_tranche_value_does_not(bundled):
    spec, _, sides = bundled
    taken = [s for s in sides if s[2] is not None]
    assert len(taken) >= 4
    assert {s[0].kind for s in taken} == {"value", "baseline", "probability", "shift"}
    stage2 = {f"{c.id}." for c in spec.commitments if c.stage == 2}
    refused = [s for s in sides if s[2] is None and s[0].kind == "value"]
    assert any(any(s[0].target.startswith(p) for p in stage2) for s in refused)
    assert not any(any(s[0].target.startswith(p) for p in stage2) for s in taken)


def test_the_line_is_the_offers_value_solved_from_scratch(bundled):
    """At the end and at points between, the base offer forced (every other first-stage option
    forbidden) and its tranches solved from scratch has the line's value."""
    spec, ses, sides = bundled
    offer = first_stage(spec, ses.base.sol)
    checked = 0
    for inp, end, line in sides:
        if line is None:
            continue
        for lam in (0.0, 0.3, 1.0):
            t = inp.base + lam * (end - inp.base)
            want = offer_value(inp.spec_at(t), offer)
            assert line(t) == pytest.approx(want, rel=1e-7, abs=1e-7), (inp.name, t)
            checked += 1
    assert checked >= 12


def _check_against_envelope(spec, ses, sides) -> int:
    sg = 1.0 if spec.sense == "maximize" else -1.0
    n = 0
    for inp, end, line in sides:
        if line is None:
            continue
        a, b = min(inp.base, end), max(inp.base, end)
        F = envelope(inp.spec_at, a, b, lambda sp: ses.at(sp, "fixed", ses.key0), sg)
        for lo, hi, ln in F:
            for t in (lo, (lo + hi) / 2, hi):
                assert sg * line(t) == pytest.approx(sg * ln(t), rel=1e-7, abs=1e-7), (inp.name, t)
        n += 1
    return n


def test_the_line_is_the_envelope_of_fixed_offer_solves(bundled):
    assert _check_against_envelope(*bundled) >= 4


@pytest.mark.parametrize("seed", range(8))
def test_the_line_is_the_envelope_on_random_problems(seed):
    spec = random_problem(seed)
    ses = OfferSolver(spec, probing=False)
    _check_against_envelope(spec, ses, _sides(spec, ses))


def _rows(rows):
    def norm(v):
        return None if isinstance(v, float) and math.isnan(v) else v

    return [{k: norm(v) for k, v in vars(r).items()} for r in rows]


@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3])
def test_the_report_is_the_same_with_fewer_solves(seed, monkeypatch):
    spec = optimizer.load(PROBLEM) if seed is None else random_problem(seed)
    fast = sensitivity(spec, tornado_range=0.5)
    with monkeypatch.context() as m:
        m.setattr(sensitivity_tranches, "base_offer_line", lambda *a: None)
        m.setattr(offer_tornado, "base_offer_line", lambda *a: None)
        full = sensitivity(spec, tornado_range=0.5)
    assert [replace(t, solves=0) for t in fast.tipping] == [
        replace(t, solves=0) for t in full.tipping
    ]
    assert _rows(fast.tornado) == _rows(full.tornado)
    assert fast.thresholds == full.thresholds
    assert fast.solves <= full.solves
    if seed is None:
        assert fast.solves < full.solves


def test_not_taken_where_the_completion_could_move():
    """A stage-1 response (weighed by the odds, decided now) or a scenario at probability 0
    under the base offer: the odds could move the best completion, so no line is taken."""
    from optimizer.analysis.offer_monotone import _separable

    spec = optimizer.load(PROBLEM)
    assert _separable(OfferSolver(spec, probing=False))
    from optimizer.spec.model import Response

    first = Response("hedge", value={s.id: 1.0 for s in spec.scenarios}, stage=1, upper=1.0)
    with_hedge = spec.replace(responses=(*spec.responses, first))
    ses = OfferSolver(with_hedge, probing=False)
    assert not _separable(ses)
    odds = [i for i in inputs(with_hedge, 0.2, KINDS) if i.kind in ("probability", "shift")]
    assert odds and all(base_offer_line(ses, i, i.search[1]) is None for i in odds)


def test_a_stage_1_response_the_odds_reweigh_would_make_the_line_wrong(monkeypatch):
    """Why the rule asks for no stage-1 response: a hedge worth -3, 5, -3 by scenario is taken
    or not as the odds move, so the base offer's value bends; the line, forced, is wrong."""
    from optimizer.analysis import offer_monotone
    from optimizer.spec.model import Response

    spec = optimizer.load(PROBLEM)
    value = dict(zip([s.id for s in spec.scenarios], (-3.0, 5.0, -3.0), strict=True))
    hedged = spec.replace(responses=(Response("hedge", value=value, stage=1, upper=1.0),))
    ses = OfferSolver(hedged, probing=False)
    assert all(s[2] is None or s[0].kind == "value" for s in _sides(hedged, ses))
    monkeypatch.setattr(offer_monotone, "_separable", lambda ses: True)
    with pytest.raises(AssertionError):
        _check_against_envelope(hedged, ses, _sides(hedged, ses))
