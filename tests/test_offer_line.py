"""The base offer's value taken as its base package's line, with no solve, on the sides of a
value input that moves only offer columns (``offer_monotone.base_offer_line``): checked
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
    assert {s[0].kind for s in taken} == {"value"}
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
