"""A re-solve of a problem with conditional tranches that stops at a limit with a package found
is not an optimum: the sensitivity report says its figures are only as good as that package,
in this process and on the sweep's chunks, and only then."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import ROOT

from optimizer.analysis import offer_envelope
from optimizer.analysis.offer_envelope import UNPROVEN, OfferSolver
from optimizer.analysis.sensitivity import sensitivity
from optimizer.spec import load

PROBLEM = ROOT / "problems" / "conditional_tranche.toml"


@pytest.fixture
def stopped(monkeypatch):
    """Every fifth re-solve reports a time limit with the package it found."""
    import solvers

    run = OfferSolver._run
    count = {"n": 0}

    def cut(self, model):
        res = run(self, model)
        count["n"] += 1
        if count["n"] % 5 == 0 and res.x is not None:
            res = replace(res, status=solvers.Status.TIME_LIMIT)
        return res

    monkeypatch.setattr(offer_envelope.OfferSolver, "_run", cut)
    return count


def test_no_warning_when_every_resolve_is_proven():
    from optimizer.analysis.frontier import capacity_frontier

    spec = load(PROBLEM)
    rep = sensitivity(spec)
    assert rep.solves > 5
    assert UNPROVEN not in rep.warnings
    fr = capacity_frontier(spec, spec.resources[0].id, lo=0.5, hi=1.5, steps=5)
    assert UNPROVEN not in fr.notes


@pytest.mark.parametrize("sweep", [False, True])
def test_a_resolve_stopped_at_a_limit_is_reported(stopped, sweep):
    rep = sensitivity(load(PROBLEM), sweep=sweep)
    assert stopped["n"] >= 5
    assert rep.warnings.count(UNPROVEN) == 1
    assert UNPROVEN in rep.to_dict()["warnings"]


def test_the_tranche_frontier_notes_a_resolve_stopped_at_a_limit(stopped):
    from optimizer.analysis.frontier import capacity_frontier

    spec = load(PROBLEM)
    res = spec.resources[0].id
    fr = capacity_frontier(spec, res, lo=0.5, hi=1.5, steps=5)
    assert stopped["n"] >= 5
    assert UNPROVEN in fr.notes and UNPROVEN in fr.to_dict()["notes"]
