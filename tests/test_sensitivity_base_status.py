"""The package a sensitivity analysis is about is labelled optimal only when its solve proved
it: a base solve stopped at a limit (``--max-time`` or ``--time-limit``) with a package found
gives status ``time_limit``, a warning, and "NOT proven optimal" in the table, on the plain,
the ``[[shifts]]`` and the conditional-tranche paths; a proven one is labelled as before."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from conftest import ROOT

import solvers
from optimizer.analysis import offer_envelope
from optimizer.analysis.sensitivity import sensitivity
from optimizer.analysis.sensitivity_results import UNPROVEN_BASE
from optimizer.cli import cli
from optimizer.spec import load

PROBLEMS = {
    "plain": "small-example",
    "shifts": str(ROOT / "problems" / "moving_odds.toml"),
    "tranches": str(ROOT / "problems" / "conditional_tranche.toml"),
}


@pytest.fixture
def first_stopped(monkeypatch):
    """The first solve of each session (the base package's) reports a time limit with the
    package it found; every later one is left as it is."""
    from solvers.resolve import LoadedModel

    solve = LoadedModel.solve

    def cut_loaded(self):
        res = solve(self)
        return replace(res, status=solvers.Status.TIME_LIMIT) if self.solves == 1 else res

    run = offer_envelope.OfferSolver._run

    def cut_offers(self, model):
        res = run(self, model)
        return replace(res, status=solvers.Status.TIME_LIMIT) if self.solves == 1 else res

    monkeypatch.setattr(LoadedModel, "solve", cut_loaded)
    monkeypatch.setattr(offer_envelope.OfferSolver, "_run", cut_offers)


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_a_proven_base_is_labelled_optimal(kind):
    rep = sensitivity(load(PROBLEMS[kind]), sections=("tipping",))
    assert rep.status == "optimal"
    assert UNPROVEN_BASE not in rep.warnings
    assert rep.to_dict()["status"] == "optimal"


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_a_base_stopped_at_a_limit_is_not_called_optimal(first_stopped, kind):
    rep = sensitivity(load(PROBLEMS[kind]), sections=("tipping",))
    assert rep.status == "time_limit"
    assert rep.warnings[0] == UNPROVEN_BASE
    d = rep.to_dict()
    assert d["status"] == "time_limit" and UNPROVEN_BASE in d["warnings"]


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_the_table_and_the_json_say_so(first_stopped, kind):
    table = CliRunner().invoke(cli, ["sensitivity", PROBLEMS[kind], "--sections", "tipping"])
    assert table.exit_code == 0, table.output
    assert "NOT proven optimal (status time_limit)" in table.stdout
    assert "optimal package:" not in table.stdout
    out = CliRunner().invoke(
        cli, ["sensitivity", PROBLEMS[kind], "--sections", "tipping", "--format", "json"]
    )
    assert json.loads(out.stdout)["status"] == "time_limit"
