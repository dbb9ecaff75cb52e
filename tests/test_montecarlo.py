"""``optimizer montecarlo``: every draw's optimum against brute-force enumeration, the core
index, degenerate distributions, two-stage problems, reproducibility across workers and a
Dask cluster, interruption, and the command line.

The reference for each draw is ``tests/bruteforce.py``: the draw's numbers are written into
the problem *document* (at the paths where the distributions are) and every package is
enumerated and evaluated from the document alone, without the engine.
"""

from __future__ import annotations

import copy
import json
import math
import multiprocessing
import re
import tomllib
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from bruteforce import optimum
from click.testing import CliRunner
from conftest import ROOT

import optimizer
from optimizer.analysis.montecarlo import linearize, monte_carlo
from optimizer.cli import cli
from optimizer.errors import InputError
from optimizer.spec import load_document
from optimizer.spec.uncertain import sample_inputs

TINY = {
    "problem": {"name": "tiny", "years": [2030, 2031]},
    "scenarios": [{"id": "up", "probability": 0.5}, {"id": "down", "probability": 0.5}],
    "uncertainty": {"probabilities": {"dist": "dirichlet", "concentration": 8}},
    "resources": [
        {"id": "budget", "capacity": {"dist": "triangular", "low": 4, "mode": 5, "high": 7}},
        {"id": "staff", "kind": "total", "capacity": 3},
    ],
    "commitments": [
        {
            "id": "a",
            "options": [
                {
                    "id": "s",
                    "use": {"budget": 2, "staff": 1},
                    "value": {"up": {"dist": "uniform", "low": 2, "high": 6}, "down": 1},
                },
                {
                    "id": "l",
                    "use": {"budget": {"dist": "lognormal", "median": 4, "low": 3, "high": 5}},
                    "value": {"up": 7, "down": {"dist": "normal", "mean": 2, "sd": 1}},
                },
            ],
        },
        {
            "id": "b",
            "use": {"budget": [3, 1], "staff": {"dist": "pert", "low": 1, "mode": 2, "high": 3}},
            "value": {"dist": "pert", "low": 1, "mode": 3, "high": 6},
            "start": [2030, 2031],
        },
        {
            "id": "c",
            "use": {"budget": 1},
            "value": {"up": 2, "down": {"dist": "triangular", "low": -1, "mode": 1, "high": 2}},
        },
    ],
    "relations": [{"type": "requires", "a": "c", "b": "b"}],
}

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def set_path(doc: dict, path: str, value: float) -> None:
    """Write ``value`` at a document path such as ``commitments[0].options[1].value.up``."""
    steps = [int(i) if i else k for k, i in _STEP.findall(path)]
    node = doc
    for s in steps[:-1]:
        node = node[s]
    node[steps[-1]] = value


def drawn_document(doc: dict, spec, draws, d: int) -> dict:
    out = copy.deepcopy(doc)
    for k, u in enumerate(spec.uncertain):
        if u.path != "uncertainty.probabilities" and not u.is_probability:
            set_path(out, u.path, float(draws.values[d, k]))
    if draws.probabilities is not None:
        for s, p in zip(out["scenarios"], draws.probabilities[d], strict=True):
            s["probability"] = float(p)
    out.pop("uncertainty", None)
    return out


def pick_names(package: dict) -> tuple[str, ...]:
    return tuple(sorted(f"{p.commitment}.{p.option}@{p.start}" for p in package.values()))


def test_every_draw_and_the_core_index_match_brute_force_enumeration():
    spec = load_document(TINY)
    n, seed = 300, 11
    r = monte_carlo(spec, n, seed, verify=5)
    draws = sample_inputs(spec, n, seed)
    assert r.n_done == n and not r.interrupted
    options = [
        (c["id"], o["id"]) for c in TINY["commitments"] for o in c.get("options", [{"id": "yes"}])
    ]
    in_optimum = {o: 0 for o in options}
    for d in range(n):
        ref = optimum(drawn_document(TINY, spec, draws, d))
        assert ref.value is not None
        assert r.values[d] == pytest.approx(ref.value, rel=1e-7, abs=1e-9)
        mc_package = tuple(sorted(r.package_choices[r.package_index[d]]))
        tops = [pick_names(p) for p in ref.packages]
        assert mc_package in tops, (d, mc_package, tops)
        for name in mc_package:
            c, o = name.split("@")[0].split(".")
            in_optimum[(c, o)] += 1
    core = {(c.commitment, c.option): c.core_index for c in r.core}
    assert core == {o: pytest.approx(k / n) for o, k in in_optimum.items()}
    # not a trivial check: the optimal package changes across the draws
    assert r.stats.distinct_packages >= 3
    for c in r.core:
        want = (
            "core" if c.core_index >= 0.9 else "exterior" if c.core_index <= 0.1 else "borderline"
        )
        assert c.label == want


def test_the_point_value_package_risk_profile_is_computed_from_the_draws():
    spec = load_document(TINY)
    r = monte_carlo(spec, 200, 3, verify=0, regret_threshold=0.5)
    base = optimizer.solve(spec)
    assert r.base.point_value == pytest.approx(base.expected)
    assert r.base.choices == tuple(str(c) for c in base.chosen)
    ok = r.status == 0
    feasible = np.isfinite(r.base_values[ok])
    regret = r.values[ok][feasible] - r.base_values[ok][feasible]
    assert np.all(regret >= -1e-9)  # no package beats a draw's optimum
    worse = (np.count_nonzero(regret > 0.5 + 1e-6 * np.maximum(1, np.abs(r.values[ok][feasible])))
             + np.count_nonzero(~feasible)) / ok.sum()  # fmt: skip
    assert r.base.worse_share == pytest.approx(worse)
    assert r.base.value.mean == pytest.approx(r.base_values[ok][feasible].mean())
    assert r.base.infeasible_share == pytest.approx(np.mean(~feasible))


def degenerate(doc: dict) -> dict:
    """Every distribution squeezed to its point value."""
    out = copy.deepcopy(doc)

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("dist"), str):
                k = node["dist"]
                if k in ("triangular", "pert"):
                    node["low"] = node["high"] = node["mode"]
                elif k == "uniform":
                    node["low"] = node["high"] = (node["low"] + node["high"]) / 2
                elif k == "normal":
                    node["sd"] = 0.0
                elif k == "lognormal":
                    node["low"] = node["high"] = node["median"]
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(out)
    out.pop("uncertainty")
    out["scenarios"][0]["probability"] = {"dist": "uniform", "low": 0.5, "high": 0.5}
    return out


def test_with_degenerate_distributions_every_draw_equals_the_base_solve():
    spec = load_document(degenerate(TINY))
    base = optimizer.solve(spec)
    r = monte_carlo(spec, 100, 5, verify=3)
    assert np.all(r.status == 0)
    assert np.all(np.abs(r.values - base.expected) <= 1e-9 * max(1.0, abs(base.expected)))
    assert r.package_choices[0] == tuple(str(c) for c in base.chosen)
    assert np.all(r.package_index == 0)
    assert r.base.optimal_share == 1.0 and r.base.worse_share == 0.0
    assert all(c.label in ("core", "exterior") for c in r.core)


def farmer_with_uncertain_yields() -> dict:
    doc = tomllib.loads((ROOT / "problems" / "farmer.toml").read_text())
    params = {p["id"]: p for p in doc["parameters"]}
    params["yield_wheat"]["value"]["average"] = {
        "dist": "triangular",
        "low": 2.0,
        "mode": 2.5,
        "high": 3.0,
    }
    params["yield_beets"]["value"]["bad"] = {"dist": "uniform", "low": 14.0, "high": 18.0}
    resp = {r["id"]: r for r in doc["responses"]}
    resp["sell_beets_quota"]["upper"] = {"dist": "pert", "low": 5000, "mode": 6000, "high": 6500}
    resp["sell_wheat"]["value"] = {"dist": "normal", "mean": -170, "sd": 10}
    return doc  # fmt: skip


def test_two_stage_problems_with_uncertain_coefficients_and_bounds():
    spec = load_document(farmer_with_uncertain_yields())
    assert optimizer.solve(spec).expected == pytest.approx(-108390, rel=1e-9)  # point values
    lm = linearize(spec)
    assert lm.dA.nnz and lm.dCU.nnz and lm.dC.nnz  # yields, the quota, the wheat price
    # verify=6: six draws rebuilt from the spec and solved from scratch must agree
    r = monte_carlo(spec, 60, 2, verify=6)
    assert np.all(r.status == 0) and len(r.verification.draws) == 6
    # the point-value planting re-optimises its recourse in each draw: never better
    ok = np.isfinite(r.base_values)
    assert ok.all()
    assert np.all(r.base_values >= r.values - 1e-6 * np.abs(r.values))  # minimising cost


def test_a_parameter_that_enters_nonlinearly_is_refused():
    doc = {
        "problem": {"name": "x"},
        "responses": [{"id": "x", "value": 1, "upper": 10}],
        "parameters": [{"id": "p", "value": {"dist": "uniform", "low": 1, "high": 3}}],
        "constraints": [{"id": "k", "expr": "x / p <= 8"}],
    }
    with pytest.raises(InputError, match=r"parameters\[0\]\.value: this parameter does not enter"):
        monte_carlo(load_document(doc), 10, 0)
    doc["constraints"][0]["expr"] = "p * x <= 8"
    assert monte_carlo(load_document(doc), 10, 0, verify=2).n_done == 10


def test_a_problem_without_distributions_is_refused():
    with pytest.raises(InputError, match="no uncertain inputs"):
        monte_carlo(optimizer.load("small-example"), 10, 0)


def same(a, b) -> None:
    assert np.array_equal(a.status, b.status)
    assert np.array_equal(a.values, b.values, equal_nan=True)  # bit for bit
    assert np.array_equal(a.base_values, b.base_values, equal_nan=True)
    assert [a.package_choices[i] for i in a.package_index] == [
        b.package_choices[i] for i in b.package_index
    ]
    assert a.to_dict(timings=False) == b.to_dict(timings=False)


@pytest.fixture(scope="module")
def reference():
    spec = load_document(TINY)
    return spec, monte_carlo(spec, 240, 9, verify=4)


def test_two_worker_processes_give_identical_results(reference):
    spec, one = reference
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        two = monte_carlo(spec, 240, 9, executor=ex, workers=2, verify=4)
    assert two.stats.chunks > one.stats.chunks  # really split differently
    same(one, two)
    odd = monte_carlo(spec, 240, 9, chunk_size=7, verify=4)
    same(one, odd)


def test_a_dask_local_cluster_gives_identical_results(reference):
    distributed = pytest.importorskip(
        "distributed",
        reason="the 'distributed' extra is not installed (pip install .[distributed])",
    )
    spec, one = reference
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = monte_carlo(spec, 240, 9, executor=client.get_executor(), workers=2, verify=4)
    same(one, result)


def test_ctrl_c_stops_and_reports_the_draws_done():
    spec = load_document(TINY)
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        raise KeyboardInterrupt  # after the first chunk

    r = monte_carlo(spec, 500, 1, progress=progress, verify=5)
    k = seen[0]
    assert r.interrupted and seen == [k] and 0 < k < 500
    assert r.n_done == k and r.optimal.n == k
    assert np.all(r.status[:k] >= 0) and np.all(r.status[k:] == -1)
    assert sum(p.count for p in r.packages) == k


def test_the_command_prints_a_report_and_json(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    runner = CliRunner()
    r = runner.invoke(cli, ["montecarlo", str(path), "-n", "64", "--seed", "7", "--verify", "2"])
    assert r.exit_code == 0, r.output
    for heading in ("Optimal expected value", "Core index", "Most frequent optimal packages",
                    "Point-value package across the draws", "solves:"):  # fmt: skip
        assert heading in r.stdout
    assert r.stderr == ""  # no progress bar when stderr is not a terminal
    r = runner.invoke(
        cli,
        ["montecarlo", str(path), "-n", "64", "--seed", "7", "--format", "json", "--verify", "0"],
    )
    d = json.loads(r.stdout)
    assert d["draws_done"] == 64 and d["seed"] == 7
    assert {c["label"] for c in d["core_index"]} <= {"core", "borderline", "exterior"}
    assert math.isclose(sum(p["share"] for p in d["packages"]), 1.0) or len(d["packages"]) == 10
    r = runner.invoke(cli, ["montecarlo", "small-example"])
    assert r.exit_code == 2 and "no uncertain inputs" in r.stderr


OBJECTIVE_ONLY = {
    "problem": {"name": "obj", "years": [2030, 2031]},
    "scenarios": [{"id": "up", "probability": 0.7}, {"id": "down", "probability": 0.3}],
    "uncertainty": {"probabilities": {"dist": "dirichlet", "concentration": 30}},
    "resources": [{"id": "budget", "capacity": 5}],
    "commitments": [
        {"id": "a", "use": {"budget": 2}, "value": {"dist": "uniform", "low": 0, "high": 3}},
        {"id": "b", "use": {"budget": 2}, "value": {"dist": "triangular", "low": 1, "mode": 2, "high": 3}},
        {"id": "c", "use": {"budget": 1}, "value": {"up": 6, "down": 2}},
        {
            "id": "d",
            "options": [
                {"id": "s", "use": {"budget": 2}, "value": {"up": {"dist": "pert", "low": 2, "mode": 3, "high": 5}, "down": 1}},
                {"id": "l", "use": {"budget": 3}, "value": {"up": 5, "down": {"dist": "uniform", "low": 1, "high": 4}}},
            ],
        },
    ],
}  # fmt: skip


def test_objective_only_draws_are_proved_by_known_packages_and_match_brute_force():
    """Only values and probabilities vary: the feasible set is the same in every draw, so
    earlier draws' optima become cuts (anchors) and known packages are proved optimal by the
    LP bound; every draw still matches enumeration. (The LP path: split enumeration, which
    would prove these draws first, is off.)"""
    spec = load_document(OBJECTIVE_ONLY)
    n, seed = 400, 4
    r = monte_carlo(spec, n, seed, verify=4, exact_enum=False)
    assert linearize(spec).dA.nnz == 0
    assert r.stats.by_pool > n // 4  # most draws need no branch-and-bound
    draws = sample_inputs(spec, n, seed)
    for d in range(n):
        ref = optimum(drawn_document(OBJECTIVE_ONLY, spec, draws, d))
        assert r.values[d] == pytest.approx(ref.value, rel=1e-7, abs=1e-9)
        assert tuple(sorted(r.package_choices[r.package_index[d]])) in [
            pick_names(p) for p in ref.packages
        ]


@pytest.mark.parametrize("threads", [0, 2])
def test_the_independent_check_catches_a_wrong_value(monkeypatch, threads):
    """A draw loop that reports values 1% too high is caught by the fresh solves of the
    sampled draws (run in this process, or submitted to an executor before the set-up)."""
    from concurrent.futures import ThreadPoolExecutor

    from optimizer.analysis._montecarlo.worker import Worker
    from optimizer.errors import VerificationError

    solve = Worker.solve

    def wrong(self, d, pool, use_lp=True):
        st, how, x, v, b = solve(self, d, pool, use_lp)
        return st, how, x, v + 0.01 * max(1.0, abs(v)), b

    monkeypatch.setattr(Worker, "solve", wrong)
    spec = load_document(TINY)
    with pytest.raises(VerificationError, match=r"draw \d+: optimal value .* differs from a fresh"):
        if threads:
            with ThreadPoolExecutor(threads) as ex:
                monte_carlo(spec, 40, 3, executor=ex, workers=threads, verify=4)
        else:
            monte_carlo(spec, 40, 3, verify=4)
