"""The frontier of a problem with conditional tranches on workers (``--workers``), run as the
console script: the Pareto front against the offer's use on a worker while this process walks
the capacities (``frontier_tranche_sweep``).

The segments, breakpoints, points and front are the same with ``--workers 1`` and ``2`` as
without (the front makes the same solves elsewhere; ``solves`` too). Under ``--max-time``
the segments found are the full run's from the top of the range down, and the range not
reached, its points and an unfinished front are named (exit 5).
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from test_max_time import EXIT_PARTIAL, run, untimed
from test_max_time_offers import NOTE

TRANCHES = [str(ROOT / "problems" / "conditional_tranche.toml"), "--resource", "political_capital"]
FLAGSHIP = ["canada-us-2025", "--resource", "fiscal"]
RUNS = {"none": [], "1": ["--workers", "1"], "2": ["--workers", "2"]}


def _json(*args: str, code: int = 0) -> dict:
    out, _ = run("frontier", *args, "--format", "json")
    assert out.returncode == code, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def tranches():
    return {k: untimed(_json(*TRANCHES, *extra)) for k, extra in RUNS.items()}


@pytest.fixture(scope="module")
def flagship():
    return {k: untimed(_json(*FLAGSHIP, *extra)) for k, extra in RUNS.items() if k != "1"}


def test_the_same_frontier_for_any_worker_count(tranches):
    one, w1, w2 = tranches["none"], tranches["1"], tranches["2"]
    assert one == w1 == w2
    assert one["complete"] is True
    assert len(one["segments"]) >= 4 and len(one["breakpoints"]) >= 3
    assert len(one["use_front"]["points"]) >= 2 and one["use_front"]["complete"] is True
    # a change of tranches alone is a breakpoint of its own (module doc of frontier_tranches)
    assert any(b["enter"] == ["dairy.yes in new_equilibrium"] for b in one["breakpoints"])


def test_the_flagship_on_two_workers(flagship):
    one, two = flagship["none"], flagship["2"]
    assert one == two
    assert len(one["breakpoints"]) > 20 and one["use_front"]["points"]
    values = [s["expected"] for s in one["segments"] if s["expected"] is not None]
    assert values == sorted(values)  # more capacity never lowers the optimum


def _walk_left(unfinished: list[str]) -> float | None:
    """The factor the walk reached, from its unfinished item (``None``: the walk is done)."""
    for u in unfinished:
        if u.startswith("capacity walk from factor "):
            return float(u.rsplit(" ", 1)[1])
    return None


@pytest.mark.parametrize("budget", ["0.05", "1.2"])
@pytest.mark.parametrize("workers", ["none", "2"])
def test_a_budget_keeps_the_full_runs_segments_and_names_the_rest(flagship, workers, budget):
    full = flagship["none"]
    out, _ = run("frontier", *FLAGSHIP, "--format", "json", "--max-time", budget, *RUNS[workers])
    assert out.returncode in (0, EXIT_PARTIAL), out.stderr
    d = untimed(json.loads(out.stdout))
    if out.returncode == 0:
        assert d == full
        return
    assert out.stderr.startswith(NOTE)
    assert d["complete"] is False
    left = d["unfinished"]
    assert all("as a whole" not in u for u in left)
    reached = _walk_left(left)
    assert reached is not None  # the flagship's walk takes longer than these budgets
    segs = d["segments"]
    if segs:
        assert segs[0]["lower"] == pytest.approx(reached, rel=1e-5)  # named with :g
        assert segs[-1]["upper"] == 1.5
        # every segment found is the full run's; the lowest may be cut at a tie below it
        above = segs[1:]
        assert above == full["segments"][len(full["segments"]) - len(above) :]
        low = next(s for s in full["segments"] if s["upper"] == segs[0]["upper"])
        assert (low["expected"], low["package"]) == (segs[0]["expected"], segs[0]["package"])
    done = {p["scale"]: p for p in d["points"]}
    for p in full["points"]:
        if p["scale"] in done:
            assert done[p["scale"]] == p
        else:
            assert f"point at scale {p['scale']:g}" in left
    assert all(p["scale"] >= reached * (1 - 1e-5) for p in d["points"])
    assert (d["use_front"] is None) == ("Pareto front" in left)
    if d["use_front"] is not None:
        assert d["use_front"] == full["use_front"]
