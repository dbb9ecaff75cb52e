"""``optimizer frontier``'s Pareto front on problems with conditional tranches, against
enumeration: every offer with its best tranches in every scenario (``test_tranches_bruteforce``),
its use of the resource summed from the spec's options; the front is the set of offers no other
beats in both expected value and use (values to 1e-6)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MIP_SOLVERS
from test_tranches_analyses import feasible_seeds, offers
from test_tranches_bruteforce import random_problem

from optimizer.analysis.frontier import capacity_frontier


def offer_use(spec, offer: frozenset, rid: str) -> float:
    total = 0.0
    for label in offer:
        cid, _, oid = label.partition(".")
        c = spec.commitment(cid)
        total += c.option(oid or c.options[0].id).use.get(rid, 0.0)
    return total


def enumerated_front(spec, rid: str) -> set[tuple[float, float]]:
    pts = {(offer_use(spec, o, rid), round(v[0], 6)) for o, v in offers(spec).items()}
    return {
        (u, e)
        for u, e in pts
        if not any((u2 <= u and e2 >= e) and (u2, e2) != (u, e) for u2, e2 in pts)
    }


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("rid", ["cap", "own"])  # a resource tranches use, and one they do not
@pytest.mark.parametrize("seed", feasible_seeds(4))
def test_use_front_with_tranches_is_the_enumerated_front(seed, rid, solver):
    spec = random_problem(seed)
    fr = capacity_frontier(spec, rid, steps=2, solver=solver, cvar_alpha=None)
    front = fr.use_front
    assert front is not None and front.complete
    got = {(p.measure, round(p.expected, 6)) for p in front.points}
    assert got == enumerated_front(spec, rid)
    table = offers(spec)
    for p in front.points:  # each point's offer has the value and use it is listed with
        offer = frozenset(x for x in p.package if " in " not in x)
        assert table[offer][0] == pytest.approx(p.expected, abs=1e-6)
        assert offer_use(spec, offer, rid) == pytest.approx(p.measure, abs=1e-9)


def test_cli_frontier_json_has_the_front_with_tranches():
    problem = Path(__file__).resolve().parents[1] / "problems" / "conditional_tranche.toml"
    exe = shutil.which("optimizer")
    cmd = [exe] if exe else [sys.executable, "-m", "optimizer"]
    r = subprocess.run(
        [*cmd, "frontier", str(problem), "--resource", "political_capital", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    pts = out["use_front"]["points"]
    # by hand (problems/conditional_tranche.toml): the offers use 0 (nothing), 3 (border, or
    # defence by 2030), 5 (defence by 2027), 6 (defence by 2030 and border) or 8 points; the
    # front starts at the best offer and falls to the offer of nothing at 0
    uses = [p["measure"] for p in pts]
    assert uses == sorted(uses, reverse=True) and uses[-1] == 0
    assert set(uses) <= {0, 3, 5, 6, 8}
    values = [p["expected"] for p in pts]
    assert values == sorted(values, reverse=True)
    assert len(pts) >= 2
    at_base = next(p["expected"] for p in out["points"] if p["scale"] == 1.0)
    assert values[0] == pytest.approx(at_base, abs=1e-9)  # the top: the optimum at base capacity
