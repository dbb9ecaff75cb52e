"""The flagship problem ``canada-us-2025`` under uncertainty: no draw moves a probability out of
[0, 1], Monte Carlo runs on the bundled file, and the tornado over shifts and baselines.

Checks recompute what they need from the problem file itself (its TOML, read with ``tomllib``)
or from fresh solves of the file with one input changed.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
from _helpers_canada import DOC, NAME, SCENARIOS, point

from optimizer.api import solve
from optimizer.spec import load


# ---- robustness: Monte Carlo and the tornado run on the bundled file ----------------------------
def test_no_draw_can_move_a_probability_out_of_0_1():
    """The shifts are shares of P(from): a draw scales what they move with the probability it
    draws, so every draw keeps every probability in [0, 1] when, for each scenario, the shares
    out of it (at the top of their ranges) sum to at most 1 in every package. Checked by
    enumerating the options of the commitments that carry shifts under the relations among them
    alone (a superset of the packages the whole problem allows)."""
    cids = list(dict.fromkeys(sh["when"].partition(".")[0] for sh in DOC["shifts"]))
    opts = {c["id"]: [o["id"] for o in c.get("options", [c])] for c in DOC["commitments"]}
    rels = [
        r
        for r in DOC["relations"]
        if all(
            m.partition(".")[0] in cids
            for m in [*r.get("members", []), r.get("a"), r.get("b")]
            if m
        )
    ]
    assert any(r["type"] == "excludes" for r in rels)  # the relations do narrow the packages

    def has(pkg, m):
        c, _, o = m.partition(".")
        return pkg.get(c) is not None and (not o or pkg[c] == o)

    def allowed(pkg):
        for r in rels:
            k = sum(has(pkg, m) for m in r.get("members", []))
            if r["type"] == "requires" and has(pkg, r["a"]) and not has(pkg, r["b"]):
                return False
            if r["type"] == "excludes" and k > 1:
                return False
            if r["type"] == "at_least" and k < r["count"]:
                return False
            if r["type"] == "at_most" and k > r["count"]:
                return False
        return True

    worst = dict.fromkeys(SCENARIOS, 0.0)
    for combo in itertools.product(*[[None, *opts[c]] for c in cids]):
        pkg = dict(zip(cids, combo, strict=True))
        if not allowed(pkg):
            continue
        out = dict.fromkeys(SCENARIOS, 0.0)
        for sh in DOC["shifts"]:
            if has(pkg, sh["when"]):
                out[sh["from"]] += sh["share"]["high"]
        worst = {s: max(worst[s], out[s]) for s in SCENARIOS}
    assert all(v <= 1.0 for v in worst.values()), worst
    assert worst["coercive_rupture"] > 0.9  # the credibility's top end is where it binds


def test_montecarlo_runs_on_the_bundled_file():
    cmd = ["montecarlo", NAME, "-n", "4", "--seed", "1", "--format", "json"]
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *cmd],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["draws_done"] == 4 and d["verification"]["every_draw_rechecked"]
    paths = {i["path"] for i in d["inputs"]}
    assert {"scenarios[2].baseline", "shifts[0].share"} <= paths  # sampled, not fixed
    core = {(c["commitment"], c["option"]): c["core_index"] for c in d["core_index"]}
    assert core[("defence_path", "hague_linear")] == 1.0  # the Hague floor: some path always
    assert "induced by each package" in d["probabilities"]


def test_sensitivity_tornado_on_shifts_and_baselines_runs():
    from optimizer.analysis.sensitivity import sensitivity

    spec = load(NAME)
    best = solve(spec, solver="highs")
    rep = sensitivity(spec, kinds=("shift", "baseline"), sections=("tornado",))
    rows = {r.input: r for r in rep.tornado if r.kind in ("shift", "baseline")}
    shifts = [r for r in rows.values() if r.kind == "shift"]
    assert len(shifts) == len(DOC["shifts"]) and any("baseline" in r for r in rows)
    for r in rows.values():  # the point value lies between the two ends' optima (maximize)
        assert max(r.value_low, r.value_high) >= best.expected - 1e-6 * abs(best.expected)
    # each end is the optimum of the file with that share (a solve of the rebuilt problem):
    # Golden Dome's share at -20% and +20%
    gd = next(r for r in shifts if "golden_dome.limited" in r.input)
    share = point(DOC["shifts"][5]["share"])
    assert DOC["shifts"][5]["when"] == "golden_dome.limited"
    for f, v in ((0.8, gd.value_low), (1.2, gd.value_high)):
        at = solve(load(NAME, overrides=[f"shifts[5].share={share * f}"]))
        assert v == pytest.approx(at.expected, rel=1e-7)
    assert gd.value_high > gd.value_low  # a larger shift out of the rupture is worth more
    # the new equilibrium's tariff loss swings the expected value most (it carries p ~ 0.83)
    top = max(rows.values(), key=lambda r: r.swing)
    assert "new_equilibrium" in top.input and top.kind == "baseline"
