"""The Python API as docs/api.md shows it: the documented planning script, and every python
block of the page runs. (Problems built and changed in code, the tutorial's problem and the
public names: ``test_api_code.py``.)

Known answers come from outside the engine: ``tests/bruteforce.py`` reads the problem
documents and enumerates packages by the format's rules, and a second solver (CBC) checks
optima where enumeration is too large.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import subprocess
import sys

import pytest
from _helpers_docs import DOCS, document, fenced_after
from bruteforce import (
    Pick,
    choices,
    evaluate,
    induced_probabilities,
)
from conftest import MIP_SOLVERS

import optimizer

# ---- the planning script of docs/api.md ---------------------------------------------------


@pytest.fixture(scope="module")
def planning_csv(tmp_path_factory) -> list[dict]:
    script = fenced_after((DOCS / "api.md").read_text(), "<!-- planning-script -->", "python")
    cwd = tmp_path_factory.mktemp("planning")
    (cwd / "plan.py").write_text(script)
    run = subprocess.run(
        [sys.executable, "plan.py"], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "wrote budget_cases.csv"
    with open(cwd / "budget_cases.csv", newline="") as f:
        return list(csv.DictReader(f))


def points(x):
    """The document with every distribution replaced by its point value (what solve uses)."""
    if isinstance(x, dict) and isinstance(x.get("dist"), str):
        return x.get("point", x.get("mode", x.get("median", x.get("mean"))))
    if isinstance(x, dict):
        return {k: points(v) for k, v in x.items()}
    if isinstance(x, list):
        return [points(v) for v in x]
    return x


def scaled_document(factor: float, political: float) -> dict:
    doc = points(document("canada_us_2025"))
    for r in doc["resources"]:
        if r["id"] == "fiscal":
            r["capacity"] = {y: c * factor for y, c in r["capacity"].items()}
        if r["id"] == "pc_sovereignty":
            r["capacity"] = political
    return doc


def picks(package: str) -> dict[str, Pick]:
    out = {}
    for item in package.split():
        name, _, year = item.partition("@")
        c, _, o = name.partition(".")
        out[c] = Pick(c, o, int(year))
    return out


def test_planning_script_writes_one_row_per_budget_case(planning_csv) -> None:
    rows = planning_csv
    assert list(rows[0]) == [
        "fiscal_factor",
        "political",
        "status",
        "expected",
        "status_quo_ante",
        "new_equilibrium",
        "coercive_rupture",
        "changes",
        "package",
    ]
    cases = [(float(r["fiscal_factor"]), float(r["political"])) for r in rows]
    assert cases == [(f, p) for f in (0.9, 1.0, 1.25, 1.5) for p in (6, 10, 14)]
    assert all(r["status"] == "optimal" for r in rows)


def offer_with_best_tranches(doc: dict, offer: dict[str, Pick]):
    """(feasible, level by scenario, expected value) of an offer whose stage-2 commitments
    (the conditional tranches) are decided per scenario: every combination of the tranches'
    picks is enumerated with the offer (no engine code), and each scenario takes the best
    feasible one; tranches move no odds, so the offer alone sets the probabilities."""
    flat = {
        **doc,
        "commitments": [{k: v for k, v in c.items() if k != "stage"} for c in doc["commitments"]],
    }
    later = {c["id"] for c in doc["commitments"] if c.get("stage") == 2}
    rows = [
        row for c, row in zip(flat["commitments"], choices(flat), strict=True) if c["id"] in later
    ]
    level: dict[str, float] = {}
    for combo in itertools.product(*rows):
        package = dict(offer) | {p.commitment: p for p in combo if p is not None}
        ok, by_scenario, _ = evaluate(flat, package)
        if ok:
            for s, v in by_scenario.items():
                level[s] = max(level.get(s, -math.inf), v)
    probs = induced_probabilities(flat, offer)
    return bool(level), level, sum(probs[s] * v for s, v in level.items())


def test_planning_script_packages_hold_up_against_the_document(planning_csv) -> None:
    # each row's offer, with its tranches re-decided per scenario by enumeration from the TOML
    # document (no engine code), is feasible in its case and worth what the CSV says
    for r in planning_csv:
        # the evaluator has no responses: the conditional ratchet, when offered, is checked elsewhere
        assert "ratchet_offer" not in r["package"], r
        doc = scaled_document(float(r["fiscal_factor"]), float(r["political"]))
        ok, by_scenario, ev = offer_with_best_tranches(doc, picks(r["package"]))
        assert ok, r
        assert float(r["expected"]) == pytest.approx(ev, abs=1e-5)
        for s, v in by_scenario.items():
            assert float(r[s]) == pytest.approx(v, abs=1e-5)


def test_planning_script_values_behave_like_budgets(planning_csv) -> None:
    # more room never hurts: value is non-decreasing in fiscal room and in political capital
    value = {
        (float(r["fiscal_factor"]), float(r["political"])): float(r["expected"])
        for r in planning_csv
    }
    for (f, p), v in value.items():
        for (g, q), w in value.items():
            if g >= f and q >= p:
                assert w >= v - 1e-6, ((f, p), (g, q))
    # the case in the file (factor 1, 10 points) is the recommended package: no changes
    base = next(r for r in planning_csv if r["fiscal_factor"] == "1.0" and r["political"] == "10")
    assert base["changes"] == ""


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC (through PuLP) is not available")
def test_planning_script_optima_agree_with_a_second_solver(planning_csv) -> None:
    base = optimizer.load("canada-us-2025")
    for r in planning_csv[::4]:
        case = base.scaled_capacity("fiscal", float(r["fiscal_factor"])).with_capacity(
            "pc_sovereignty", float(r["political"])
        )
        assert optimizer.solve(case, solver="cbc").expected == pytest.approx(
            float(r["expected"]), abs=1e-5
        )


# ---- every python block of docs/api.md runs -----------------------------------------------


def test_every_example_in_the_api_doc_runs(tmp_path) -> None:
    text = (DOCS / "api.md").read_text()
    planning = fenced_after(text, "<!-- planning-script -->", "python")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if b != planning]
    assert len(blocks) >= 5
    code = "\n\n".join(f"def block_{i}():\n" + _indent(b) for i, b in enumerate(blocks))
    code += "\n\n" + "\n".join(f"block_{i}()" for i in range(len(blocks)))
    (tmp_path / "blocks.py").write_text(code)
    run = subprocess.run(
        [sys.executable, "blocks.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "small.html").exists()  # the report example wrote its file


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" if line.strip() else "\n" for line in code.splitlines())
