"""Sides of an input settled without a solve (``offer_monotone.quiet_side``), checked against
fresh solves of the problem rebuilt along the side and against the full envelope search.

The problem is the bundled ``conditional_tranche.toml`` (tranches, ``[[shifts]]``, a
relation), on which 8 of the 54 searched sides are settled so.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from _helpers_offers import first_stage, offer_value

import optimizer
from optimizer.analysis import sensitivity_tranches
from optimizer.analysis.offer_envelope import OfferSolver, envelope, first_crossing
from optimizer.analysis.offer_monotone import quiet_side
from optimizer.analysis.sensitivity import sensitivity
from optimizer.analysis.sensitivity_params import KINDS
from optimizer.analysis.sensitivity_tranches import inputs

PROBLEM = Path(__file__).parent.parent / "problems" / "conditional_tranche.toml"


@pytest.fixture(scope="module")
def spec():
    return optimizer.load(PROBLEM)


@pytest.fixture(scope="module")
def ses(spec):
    return OfferSolver(spec, probing=False)


@pytest.fixture(scope="module")
def sides(spec, ses):
    """Every searched side ``(input, end, quiet_side's answer)``."""
    out = []
    for inp in inputs(spec, 0.2, KINDS):
        if inp.search is not None:
            out += [(inp, end, quiet_side(ses, inp, end)) for end in inp.search]
    return out


def test_some_sides_are_settled_and_some_are_not(sides):
    settled = [s for s in sides if s[2] is not None]
    assert len(settled) >= 5
    assert len(settled) < len(sides)
    assert {s[0].kind for s in settled} == {"value"}


def test_on_a_settled_side_the_base_offer_stays_optimal_in_fresh_solves(spec, sides):
    """At the side's end and at points between, a solve from scratch finds nothing better than
    the base offer, whose value (its tranches re-optimised) stays at its base value."""
    base_sol = optimizer.solve(spec)
    offer = first_stage(spec, base_sol)
    checked = 0
    for inp, end, quiet in sides:
        if quiet is None:
            continue
        for lam in (0.01, 0.5, 1.0):
            t = inp.base + lam * (end - inp.base)
            sp = inp.spec_at(t)
            best = optimizer.solve(sp).expected
            mine = offer_value(sp, offer)
            tol = 1e-6 * max(1.0, abs(best))
            assert mine >= best - tol, (inp.name, t, mine, best)
            assert mine == pytest.approx(base_sol.expected, rel=1e-9, abs=1e-9), (inp.name, t)
            checked += 1
    assert checked >= 15


def test_every_side_settled_is_one_the_full_search_finds_no_crossing_on(spec, ses, sides):
    """The full search (both envelopes solved, as without the shortcut) agrees on every side:
    no crossing where the side is settled, and the settled base offer's line is its envelope."""
    sg = 1.0 if spec.sense == "maximize" else -1.0
    k0 = ses.key0
    for inp, end, quiet in sides:
        a, b = min(inp.base, end), max(inp.base, end)
        F = envelope(inp.spec_at, a, b, lambda sp: ses.at(sp, "fixed", k0), sg)
        G = envelope(inp.spec_at, a, b, lambda sp: ses.at(sp, "other", k0), sg)
        hit = first_crossing(F, G, inp.base, end)
        if quiet is None:
            continue
        assert hit is None, (inp.name, end, hit)
        (_, _, line), *_ = quiet[0]
        for lo, hi, ln in F:
            for t in (lo, hi):
                assert line(t) == pytest.approx(ln(t), rel=1e-9, abs=1e-9), (inp.name, t)


def _rows(rows):
    def norm(v):
        return None if isinstance(v, float) and math.isnan(v) else v

    return [{k: norm(v) for k, v in vars(r).items()} for r in rows]


def test_the_report_is_the_same_with_fewer_solves(spec, monkeypatch):
    fast = sensitivity(spec, tornado_range=0.8)
    monkeypatch.setattr(sensitivity_tranches, "QUIET", False)
    import optimizer.analysis.offer_tornado as tornado_mod

    monkeypatch.setattr(tornado_mod, "quiet_side", lambda *a: None)
    full = sensitivity(spec, tornado_range=0.8)
    assert [replace(t, solves=0) for t in fast.tipping] == [
        replace(t, solves=0) for t in full.tipping
    ]
    # field by field with NaN (no feasible offer at that end) read as equal:
    # dataclass equality on Python 3.13 compares fields without the identity
    # shortcut, so NaN != NaN there
    assert _rows(fast.tornado) == _rows(full.tornado)
    assert fast.thresholds == full.thresholds
    assert fast.solves < full.solves


def test_the_console_script_reports_the_settled_sides_unchanged(sides):
    """``optimizer sensitivity --format json``: each settled side ends at its searched end."""
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "sensitivity", str(PROBLEM), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {t["parameter"]: t for t in json.loads(out.stdout)["tipping_points"]}
    n = 0
    for inp, end, quiet in sides:
        if quiet is None:
            continue
        row = rows[inp.name]
        got = row["lower"] if end < inp.base else row["upper"]
        assert got == pytest.approx(end), (inp.name, end, got)
        assert (row["below"] if end < inp.base else row["above"]) is None
        n += 1
    assert n >= 5
