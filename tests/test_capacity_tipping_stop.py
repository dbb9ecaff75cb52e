"""The capacity tipping point of a problem with conditional tranches stops its walk of the
optimum once the lower end is known (``capacity_walk.capacity_tipping``): the answer must be
the one read off the walk over the whole range [0, 2], on random problems and on the flagship,
with fewer solves where the walk had segments left below the end."""

from __future__ import annotations

import pytest
from conftest import ROOT
from test_tranches_bruteforce import random_problem

from optimizer.analysis import capacity_walk
from optimizer.analysis.offer_envelope import OfferSolver
from optimizer.analysis.sensitivity_tranches import scalable
from optimizer.spec import load


def _both(spec, resource, monkeypatch):
    """The tipping point as computed, and from the walk over the whole range."""
    stopped = capacity_walk.capacity_tipping(OfferSolver(spec, probing=False), spec, resource)
    whole = capacity_walk.CapacityWalk.segments

    def no_stop(self, lo, hi, tol, mode="best", key=None, enough=None):
        return whole(self, lo, hi, tol, mode, key, None)

    with monkeypatch.context() as m:
        m.setattr(capacity_walk.CapacityWalk, "segments", no_stop)
        full = capacity_walk.capacity_tipping(OfferSolver(spec, probing=False), spec, resource)
    return stopped, full


def _answer(tp) -> dict:
    return {k: v for k, v in vars(tp).items() if k != "solves"}


@pytest.mark.parametrize("seed", range(12))
def test_the_same_tipping_point_as_the_whole_walk_on_random_problems(seed, monkeypatch):
    spec = random_problem(seed)
    for r in scalable(spec):
        stopped, full = _both(spec, r, monkeypatch)
        assert _answer(stopped) == _answer(full), r
        assert stopped.solves <= full.solves


def test_the_flagship_needs_fewer_solves_for_the_same_answer(monkeypatch):
    spec = load(ROOT / "problems" / "canada_us_2025.toml")
    stopped, full = _both(spec, "pc_sovereignty", monkeypatch)
    assert _answer(stopped) == _answer(full)
    assert stopped.lower < stopped.base < stopped.upper  # an end inside the range searched
    assert stopped.solves < full.solves


@pytest.mark.parametrize("seed", range(12))
def test_capacity_tornado_rows_read_off_the_walks_are_the_solved_ones(seed, monkeypatch):
    """The tornado's capacity rows, read off the tipping point's walks where they reach the
    swing's ends (``offer_tornado._from_walk``), against the same rows solved at each end."""
    from optimizer.analysis import offer_tornado
    from optimizer.analysis.sensitivity import sensitivity
    from optimizer.errors import InfeasibleError

    spec = random_problem(seed)
    kw = dict(kinds=("capacity", "scale"), sections=("tipping", "tornado"))
    try:
        read = sensitivity(spec, **kw)
    except InfeasibleError:
        return
    with monkeypatch.context() as m:
        m.setattr(offer_tornado, "_from_walk", lambda ses, inp, t: None)
        solved = sensitivity(spec, **kw)
    assert read.tornado and len(read.tornado) == len(solved.tornado)
    for a, b in zip(read.tornado, solved.tornado, strict=True):
        assert (a.input, a.low, a.high) == (b.input, b.low, b.high)
        ends = (
            (a.value_low, b.value_low, a.offer_low, b.offer_low, a.changes_low, b.changes_low),
            (
                a.value_high,
                b.value_high,
                a.offer_high,
                b.offer_high,
                a.changes_high,
                b.changes_high,
            ),
        )
        for va, vb, oa, ob, ca, cb in ends:
            assert va == pytest.approx(vb, rel=1e-9, abs=1e-9, nan_ok=True)
            assert oa == pytest.approx(ob, rel=1e-9, abs=1e-9, nan_ok=True)
            # another optimum may be named by the solve only where it ties with the base offer
            assert ca == cb or (ca is None and ob == pytest.approx(vb, rel=1e-9, abs=1e-9))
    assert read.solves <= solved.solves


def test_an_unfinished_capacity_tipping_point_is_named_as_a_finished_one_is():
    """Under --max-time an unfinished item is named as the result would name it: a multi-year
    resource's tipping point is 'fiscal capacity (all years, scaled)' in both (it was
    'fiscal capacity' when unfinished), in this process and on the sweep."""
    from optimizer.analysis.capacity_walk import capacity_label
    from optimizer.analysis.sensitivity_params import KINDS
    from optimizer.analysis.sensitivity_tranche_sweep import _labels

    spec = load(ROOT / "problems" / "canada_us_2025.toml")
    done = capacity_walk.capacity_tipping(OfferSolver(spec, probing=False), spec, "fiscal")
    assert done.parameter == capacity_label(spec, "fiscal") == "fiscal capacity (all years, scaled)"
    assert capacity_label(spec, "pc_sovereignty") == "pc_sovereignty capacity"
    labels = _labels(spec, 0.2, KINDS, ("tipping",))["capacity"]
    assert "fiscal capacity (all years, scaled)" in labels
