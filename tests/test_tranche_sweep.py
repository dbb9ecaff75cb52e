"""Sensitivity of a problem with conditional tranches on workers (``--workers``), run as the
console script: the re-solves cut into fixed chunks, each in a fresh session
(``sensitivity_tranche_sweep``).

The tipping points, thresholds and tornado rows are the same with ``--workers`` as without
(one session in this process, in order: a different order of solves that must find the same
answers); with ``--workers`` the output is the same for 1 and 2 workers, ``solves`` included
(only the solve counts differ from the run without: each chunk solves the problem as given
again). Under ``--max-time`` the items done are the full run's items and the rest are named.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from test_max_time import EXIT_PARTIAL, run, untimed
from test_max_time_offers import NOTE, _items

TRANCHES = str(ROOT / "problems" / "conditional_tranche.toml")
RUNS = {"none": [], "1": ["--workers", "1"], "2": ["--workers", "2"]}


def _json(*args: str) -> dict:
    out, _ = run("sensitivity", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is True
    return untimed(d)


def _answers(d):
    """``d`` without its solve counts (the report's and each item's)."""
    if isinstance(d, dict):
        return {k: _answers(v) for k, v in d.items() if k != "solves"}
    if isinstance(d, list):
        return [_answers(v) for v in d]
    return d


@pytest.fixture(scope="module")
def outputs():
    return {k: _json(TRANCHES, *extra) for k, extra in RUNS.items()}


def test_the_same_answers_for_any_worker_count(outputs):
    one, w1, w2 = outputs["none"], outputs["1"], outputs["2"]
    assert w1 == w2  # solve counts included: the chunks are the same for any worker count
    assert _answers(one) == _answers(w1)
    assert one["tipping_points"] and one["what_would_it_take"] and one["tornado"]["rows"]
    assert w1["solves"] >= one["solves"]  # each chunk solves the problem as given again


@pytest.mark.parametrize("budget", ["0.05", "2", "4"])
def test_items_done_on_workers_under_a_budget_are_the_full_runs_items(outputs, budget):
    full = _items(outputs["2"])
    out, _ = run(
        "sensitivity", TRANCHES, "--format", "json", "--workers", "2", "--max-time", budget
    )
    assert out.returncode in (0, EXIT_PARTIAL), out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is (out.returncode == 0)
    done = _items(untimed(d))
    left = set(d.get("unfinished", []))
    assert set(done) | left == set(full)  # each item done, as in the full run, or named
    assert not set(done) & left
    for name, item in done.items():
        assert item == full[name], name
    if out.returncode == EXIT_PARTIAL:
        assert left and all(":" in u and "as a whole" not in u for u in left)
        assert out.stderr.startswith(NOTE)


def test_the_flagship_on_two_workers():
    """The flagship (~25 s in this process): the same answers on two workers."""
    one = _json("canada-us-2025")
    two = _json("canada-us-2025", "--workers", "2")
    assert _answers(two) == _answers(one)
    assert len(one["tipping_points"]) > 50 and len(one["tornado"]["rows"]) > 40
