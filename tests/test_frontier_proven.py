"""A frontier whose re-solves stopped at the per-solve time limit (``--time-limit``) before
proving optimality does not call its breakpoints exact: ``proven`` false, the method and the
table say so; one whose re-solves were all proven says exact, as before. The stops are forced
(chosen solves report ``time_limit`` with the package they found), on the plain walk and on
the walk of a problem with conditional tranches."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from conftest import ROOT

import solvers
from optimizer.analysis import offer_envelope
from optimizer.analysis.frontier import capacity_frontier
from optimizer.analysis.frontier_types import NOT_PROVEN
from optimizer.cli import cli
from optimizer.spec import load

CASES = {
    "plain": ("small-example", "budget"),
    "tranches": (str(ROOT / "problems" / "conditional_tranche.toml"), None),
}


@pytest.fixture
def second_stopped(monkeypatch):
    """The second solve of each session reports a time limit with the package it found."""
    from solvers.resolve import LoadedModel

    solve = LoadedModel.solve

    def cut_loaded(self):
        res = solve(self)
        return replace(res, status=solvers.Status.TIME_LIMIT) if self.solves == 2 else res

    run = offer_envelope.OfferSolver._run

    def cut_offers(self, model):
        res = run(self, model)
        return replace(res, status=solvers.Status.TIME_LIMIT) if self.solves == 2 else res

    monkeypatch.setattr(LoadedModel, "solve", cut_loaded)
    monkeypatch.setattr(offer_envelope.OfferSolver, "_run", cut_offers)


def _case(kind):
    path, resource = CASES[kind]
    spec = load(path)
    return path, resource or spec.resources[0].id, spec


@pytest.mark.parametrize("kind", sorted(CASES))
def test_all_proven_says_exact(kind):
    _, resource, spec = _case(kind)
    fr = capacity_frontier(spec, resource, lo=0.5, hi=1.5, steps=4, pareto=False)
    assert fr.proven and fr.to_dict()["proven"] is True
    assert fr.to_dict()["method"].startswith("threshold walk: each breakpoint is the exact")


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_resolve_stopped_unproven_is_not_called_exact(second_stopped, kind):
    path, resource, spec = _case(kind)
    fr = capacity_frontier(spec, resource, lo=0.5, hi=1.5, steps=4, pareto=False)
    assert not fr.proven
    d = fr.to_dict()
    assert d["proven"] is False and d["method"] == NOT_PROVEN
    args = ["frontier", path, "--resource", resource, "--range", "0.5,1.5", "--no-pareto"]
    table = CliRunner().invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "NOT proven" in table.stdout and "each breakpoint is the exact" not in table.stdout
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert json.loads(out.stdout)["proven"] is False
