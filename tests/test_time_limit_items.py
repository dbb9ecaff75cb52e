"""Sensitivity items resting on a re-solve stopped at the per-solve time limit
(``--time-limit``) before proving optimality are marked not proven, item by item: an
incumbent is never reported as an optimum. The stops are forced in-process (the solve's
status set to ``time_limit``, its package kept), so which items rest on them is known; the
known answers come from the same analysis without stops."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import ROOT

from optimizer.analysis import offer_envelope, sensitivity_tipping
from optimizer.analysis.sensitivity import sensitivity
from optimizer.errors import LimitError, SolverError
from optimizer.spec import load
from solvers import Status
from solvers.resolve import LoadedModel

PLAIN = ROOT / "problems" / "small_example.toml"
SHIFTS = ROOT / "problems" / "moving_odds.toml"
TRANCHES = ROOT / "problems" / "conditional_tranche.toml"


def _items(rep) -> dict:
    d = rep.to_dict()
    out = {f"tip:{t['parameter']}": t for t in d["tipping_points"]}
    out.update({f"thr:{t['option']}": t for t in d["what_would_it_take"]})
    out.update({f"tor:{r['input']}": r for r in d["tornado"]["rows"]})
    return out


@pytest.fixture
def cut_during(monkeypatch):
    """``cut_during(name)``: every re-solve made while the tipping point of input ``name`` is
    computed reports ``time_limit`` (with the package it found, the optimum)."""
    state = {"on": False, "name": None, "n": 0}
    solve, tipping = LoadedModel.solve, sensitivity_tipping.tipping

    def cut_solve(self):
        res = solve(self)
        if state["on"] and res.x is not None:
            state["n"] += 1
            res = replace(res, status=Status.TIME_LIMIT)
        return res

    def cut_tipping(ses, param, tolerance=1e-4):
        state["on"] = param.name == state["name"]
        try:
            return tipping(ses, param, tolerance)
        finally:
            state["on"] = False

    monkeypatch.setattr(LoadedModel, "solve", cut_solve)
    monkeypatch.setattr(sensitivity_tipping, "tipping", cut_tipping)

    def arm(name):
        state["name"] = name
        return state

    return arm


def _probability_input(spec) -> str:
    rep = sensitivity(spec, sections=("tipping",), kinds=("probability",))
    return rep.tipping[0].parameter


@pytest.mark.parametrize("sweep", [False, True])
def test_only_the_items_resting_on_a_stopped_resolve_are_unproven(cut_during, sweep):
    spec = load(PLAIN)
    exact = _items(sensitivity(spec, sweep=sweep))
    assert all(t["proven"] for t in exact.values())
    name = _probability_input(spec)
    state = cut_during(name)
    rep = sensitivity(spec, sweep=sweep)
    assert state["n"] > 0
    got = _items(rep)
    unproven = {k for k, t in got.items() if not t["proven"]}
    assert f"tip:{name}" in unproven
    assert got[f"tip:{name}"]["exact"] is False and "time limit" in got[f"tip:{name}"]["note"]
    # the tornado row of the same input reads that tipping interval
    assert f"tor:{name}" in unproven
    # everything else is proven, and the same as without the stops
    for k, t in got.items():
        if k not in unproven:
            assert {**t, "solves": 0} == {**exact[k], "solves": 0}, k
    assert "not_proven" in rep.to_dict()["method"]
    from optimizer.report.sensitivity_tables import sensitivity_tables
    from optimizer.report.tables import render

    text = render(sensitivity_tables(rep), width=140, color=False)
    assert f"{name} *" in text and "neither exact nor proven" in text


def test_no_mark_without_a_stop():
    rep = sensitivity(load(PLAIN))
    assert rep.unproven() == 0
    assert "not_proven" not in rep.to_dict()["method"]


def test_a_stopped_option_class_marks_every_item_reading_it(monkeypatch):
    """A class solve of an option stopped unproven: its value tipping points, its threshold
    and its tornado row all read the classes, so all are unproven."""
    from optimizer.analysis import sensitivity_session

    spec = load(PLAIN)
    classes = sensitivity_session.Session.classes
    solve = LoadedModel.solve
    state = {"on": False, "target": None}

    def cut_solve(self):
        res = solve(self)
        return replace(res, status=Status.TIME_LIMIT) if state["on"] else res

    def cut_classes(self, ci, oi):
        if state["target"] is None:
            state["target"] = (ci, oi)
        state["on"] = (ci, oi) == state["target"] and (ci, oi) not in self._classes
        try:
            return classes(self, ci, oi)
        finally:
            state["on"] = False

    monkeypatch.setattr(LoadedModel, "solve", cut_solve)
    monkeypatch.setattr(sensitivity_session.Session, "classes", cut_classes)
    rep = sensitivity(spec)
    ci, oi = state["target"]
    label = f"{spec.commitments[ci].id}.{spec.commitments[ci].options[oi].id}"
    got = _items(rep)
    assert got[f"thr:{label}"]["proven"] is False
    assert got[f"tor:{label} value"]["proven"] is False
    tips = [
        t for k, t in got.items() if k.startswith("tip:") and t["target"].startswith(f"{label}:")
    ]
    assert tips and all(t["proven"] is False for t in tips)
    assert any(t["proven"] for t in got.values())


def test_the_base_stopped_marks_every_item(monkeypatch):
    solve = LoadedModel.solve
    count = {"n": 0}

    def cut_first(self):
        res = solve(self)
        count["n"] += 1
        return replace(res, status=Status.TIME_LIMIT) if count["n"] == 1 else res

    monkeypatch.setattr(LoadedModel, "solve", cut_first)
    rep = sensitivity(load(PLAIN), sections=("tipping", "thresholds", "tornado"))
    items = _items(rep)
    assert items and not any(t["proven"] for t in items.values())


@pytest.mark.parametrize("sweep", [False, True])
def test_shifts_items_marked(monkeypatch, sweep):
    spec = load(SHIFTS)
    exact = _items(sensitivity(spec, sweep=sweep))
    solve = LoadedModel.solve
    count = {"n": 0}

    def cut(self):  # every seventh re-solve after the base one
        res = solve(self)
        count["n"] += 1
        if count["n"] > 1 and count["n"] % 7 == 0 and res.x is not None:
            res = replace(res, status=Status.TIME_LIMIT)
        return res

    monkeypatch.setattr(LoadedModel, "solve", cut)
    got = _items(sensitivity(spec, sweep=sweep))
    assert any(not t["proven"] for t in got.values())
    for k, t in got.items():  # the stopped solves kept the optimum: the same figures
        assert {**t, "solves": 0, "proven": 1, "exact": 1, "note": 0} == {
            **exact[k],
            "solves": 0,
            "proven": 1,
            "exact": 1,
            "note": 0,
        }


@pytest.mark.parametrize("sweep", [False, True])
def test_tranche_items_marked(monkeypatch, sweep):
    spec = load(TRANCHES)
    exact = _items(sensitivity(spec, sweep=sweep))
    assert all(t["proven"] for t in exact.values())
    run = offer_envelope.OfferSolver._run
    count = {"n": 0}

    def cut(self, model):  # every fifth re-solve after the base one
        res = run(self, model)
        count["n"] += 1
        if count["n"] > 1 and count["n"] % 5 == 0 and res.x is not None:
            res = replace(res, status=Status.TIME_LIMIT)
        return res

    monkeypatch.setattr(offer_envelope.OfferSolver, "_run", cut)
    rep = sensitivity(spec, sweep=sweep)
    got = _items(rep)
    assert any(not t["proven"] for t in got.values())
    assert set(got) == set(exact)


def test_a_search_failing_after_stops_names_the_time_limit(monkeypatch):
    """A search that fails after re-solves stopped unproven says it comes from --time-limit."""
    from solvers import resolve_search

    solve = LoadedModel.solve
    count = {"n": 0}

    def cut(self):
        res = solve(self)
        count["n"] += 1
        return replace(res, status=Status.TIME_LIMIT) if count["n"] > 1 else res

    def broken(*a, **k):
        a[0](0.5)  # one re-solve, stopped
        raise SolverError("the breakpoint search did not converge")

    monkeypatch.setattr(LoadedModel, "solve", cut)
    monkeypatch.setattr(sensitivity_tipping, "objective_edge", broken)
    with pytest.raises(LimitError, match="--time-limit"):
        sensitivity(load(PLAIN), sections=("tipping",), kinds=("probability",))
    assert resolve_search.objective_edge is not broken


def _run_cli(*args) -> tuple[int, str, str]:
    p = subprocess.run(
        [sys.executable, "-m", "optimizer", "sensitivity", *args, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("problem", [PLAIN, TRANCHES])
def test_console_every_item_differing_from_the_unlimited_run_is_unproven(problem):
    """Whatever a short --time-limit cuts (it depends on the machine), an item whose figures
    differ from the run without it is marked not proven; a failed search names the limit."""
    rc, out, err = _run_cli(str(problem))
    assert rc == 0, err
    exact = json.loads(out)
    for limit in ("0.001", "0.005"):
        rc, out, err = _run_cli(str(problem), "--time-limit", limit)
        if rc == 4:
            assert "--time-limit" in err or "limit" in err  # the base solve: no package
            continue
        assert rc == 0, err
        got = json.loads(out)
        pairs = [
            ("tipping_points", "parameter"),
            ("what_would_it_take", "option"),
        ]
        for sec, key in pairs:
            ex = {t[key]: t for t in exact[sec]}
            for t in got[sec]:
                drop = ("solves", "proven", "exact", "note")
                same = {k: v for k, v in t.items() if k not in drop} == {
                    k: v for k, v in ex[t[key]].items() if k not in drop
                }
                assert same or t["proven"] is False, t
        ex = {r["input"]: r for r in exact["tornado"]["rows"]}
        for r in got["tornado"]["rows"]:
            assert r == ex[r["input"]] or r["proven"] is False, r
