"""``optimizer sensitivity --workers N`` on a problem whose package moves the odds
(``[[shifts]]``, no conditional tranches), run as the console script: the re-solves in fixed
chunks, each a fresh session (``sensitivity_odds_sweep``).

Compared with the run without the option (one session, every solve in turn) the tipping
points, thresholds and tornado rows must be the same; between one and two workers the whole
output must be the same, solve counts too (each chunk re-solves the base package, so only the
option-less run counts fewer). Under ``--max-time`` every item is done as in the full run or
named unfinished.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from test_max_time import EXIT_PARTIAL, run, untimed
from test_max_time_offers import NOTE, _items
from test_tranche_sweep import RUNS, _answers, _json

from optimizer.spec import load
from optimizer.spec.tranches import has_tranches
from problems.generate import generate
from problems.generate_csv import write

MOVING = str(ROOT / "problems" / "moving_odds.toml")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    """A small generated problem whose options move the odds (about 1 s in this process)."""
    spec = generate(5, years=1, seed=2, shifts=0.5)
    return str(write(spec, tmp_path_factory.mktemp("odds5")))  # its shifts and baselines too


def _outputs(path: str) -> dict[str, dict]:
    spec = load(path)
    assert spec.shifts and not has_tranches(spec)  # the case the odds sweep is for
    return {k: _json(path, *extra) for k, extra in RUNS.items()}


@pytest.fixture(scope="module")
def moving():
    return _outputs(MOVING)


def _check_same(outputs: dict[str, dict]) -> None:
    one, w1, w2 = outputs["none"], outputs["1"], outputs["2"]
    assert w1 == w2  # solve counts included: the chunks are the same for any worker count
    assert _answers(one) == _answers(w1)
    assert one["tipping_points"] and one["what_would_it_take"] and one["tornado"]["rows"]
    kinds = {t["kind"] for t in one["tipping_points"]}
    assert {"probability", "shift", "baseline", "value"} <= kinds
    # the re-solves ran in chunks (each solves the problem as given again), not in one session
    assert w1["solves"] > one["solves"]


def test_the_same_answers_for_any_worker_count(moving):
    _check_same(moving)


def test_the_same_answers_for_any_worker_count_on_a_generated_problem(generated):
    _check_same(_outputs(generated))


def test_a_tie_in_the_tornado_keeps_the_base_package(moving):
    """At +20% the border package's value ties the package without it (-60 either way): the
    row shows no change, in this process and on workers alike (whichever optimum a solver
    returns)."""
    for d in moving.values():
        row = next(r for r in d["tornado"]["rows"] if r["input"] == "border.yes value")
        assert row["value_high"] == pytest.approx(-60.0)
        assert row["package_changes_high"] is None


@pytest.mark.parametrize("workers", ["none", "1", "2"])
@pytest.mark.parametrize("budget", ["0.05", "1.2", "4"])
def test_items_done_under_a_budget_are_the_full_runs_items(moving, workers, budget):
    """On workers and in this process alike (one session, each item in turn)."""
    full = _items(moving["2"])
    extra = [] if workers == "none" else ["--workers", workers]
    out, _ = run("sensitivity", MOVING, "--format", "json", *extra, "--max-time", budget)
    assert out.returncode in (0, EXIT_PARTIAL), out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is (out.returncode == 0)
    done = _items(untimed(d))
    left = set(d.get("unfinished", []))
    items = left - {"shadow prices"}  # found by the base session, after the other items
    assert set(done) | items == set(full)  # each item done, as in the full run, or named
    assert not set(done) & items
    for name, item in done.items():
        assert item == full[name], name
    if budget == "0.05":  # not even a chunk's session is ready: everything is named
        assert out.returncode == EXIT_PARTIAL and not done
    if out.returncode == EXIT_PARTIAL:
        assert left and all(":" in u or u == "shadow prices" for u in items | left)
        assert out.stderr.startswith(NOTE)
    else:
        assert d["lp_relaxation"] == moving["2"]["lp_relaxation"]
