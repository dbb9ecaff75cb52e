"""The Python API: the documented planning script, problems built and changed in code, the
tutorial's problem, and the public names.

Known answers come from outside the engine: ``tests/bruteforce.py`` reads the problem
documents and enumerates packages by the format's rules, and a second solver (CBC) checks
optima where enumeration is too large.
"""

from __future__ import annotations

import csv
import doctest
import itertools
import json
import math
import re
import subprocess
import sys
import tomllib

import pytest
from bruteforce import (
    Pick,
    choices,
    enumerate_packages,
    evaluate,
    induced_probabilities,
    optimum,
)
from conftest import MIP_SOLVERS, ROOT

import optimizer
from optimizer import Commitment, Option, ProblemSpec, Relation, Resource, Scenario

DOCS = ROOT / "docs"


def fenced_after(text: str, marker: str, lang: str) -> str:
    """The first ```lang block after ``marker`` in a Markdown text."""
    at = text.index(marker)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, at)
    assert m, f"no ```{lang} block after {marker}"
    return m.group(1)


def document(name: str) -> dict:
    return tomllib.loads((ROOT / "problems" / f"{name}.toml").read_text())


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


# ---- problems built and changed in code ---------------------------------------------------


def small_in_code() -> ProblemSpec:
    return ProblemSpec.build(
        "small-example",
        [
            Commitment(
                "a",
                (
                    Option("small", use={"budget": 2}, value={"good": 5, "bad": 2}),
                    Option("large", use={"budget": 4}, value={"good": 9, "bad": 3}),
                ),
                name="Project A",
            ),
            Commitment(
                "b",
                (
                    Option(
                        "yes",
                        use={"budget": [3, 1]},
                        value={"good": 4, "bad": 4},
                        start=(2026, 2027),
                    ),
                ),
                name="Project B",
            ),
            Commitment("c", (Option("yes", use={"budget": 1}, value=2),)),
        ],
        scenarios={"good": 0.6, "bad": 0.4},
        resources=[Resource("budget", capacity={2026: 5, 2027: 6, 2028: 6}, unit="M$")],
        relations=[Relation("requires", a="c", b="b")],
        years=(2026, 2028),
        title="A small example: three commitments over three years",
    )


def test_a_problem_built_in_code_is_the_one_the_file_loader_builds() -> None:
    built = small_in_code()
    loaded = optimizer.load("small-example")
    for field in ("commitments", "scenarios", "resources", "relations", "years", "title"):
        assert getattr(built, field) == getattr(loaded, field), field
    # and its optimum is the brute-force optimum of the file
    best = optimum(document("small_example"))
    sol = optimizer.solve(built)
    assert sol.expected == pytest.approx(best.value)
    assert {str(c) for c in sol.chosen} in [
        {f"{p.commitment}.{p.option}@{p.start}" for p in pkg.values()} for pkg in best.packages
    ]


def test_build_validates_like_a_file() -> None:
    with pytest.raises(
        optimizer.InputError, match=r"unknown resource 'budgt'; did you mean 'budget'"
    ):
        ProblemSpec.build(
            "bad",
            [Commitment("a", (Option("yes", use={"budgt": 1}),))],
            resources=[Resource("budget", capacity=1)],
        )
    with pytest.raises(optimizer.InputError, match="probabilities must sum to 1"):
        ProblemSpec.build(
            "bad", [Commitment("a", (Option("yes", value=1),))], scenarios={"x": 0.5, "y": 0.4}
        )
    spec = ProblemSpec.build(
        "total",
        [Commitment("a", (Option("yes", use={"staff": 2}, value=1),))],
        resources=[Resource("staff", capacity=3, kind="total")],
        scenarios=[Scenario("only", 1.0)],
        years=(2030, 2032),
    )
    assert spec.resources[0].capacity == (3.0,)


def test_build_docstring_example() -> None:
    import optimizer.spec.model as model

    assert doctest.testmod(model, raise_on_error=False).failed == 0


def modified(doc: dict, fn) -> dict:
    fn(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "edit"),
    [
        (
            lambda p: p.with_capacity("budget", 8),
            lambda d: d["resources"][0].update(capacity=8),
        ),
        (
            lambda p: p.with_capacity("budget", {2027: 9}),
            lambda d: d["resources"][0]["capacity"].update({"2027": 9}),
        ),
        (
            lambda p: p.scaled_capacity("budget", 0.7),
            lambda d: d["resources"][0].update(
                capacity={y: c * 0.7 for y, c in d["resources"][0]["capacity"].items()}
            ),
        ),
        (
            lambda p: p.forbid("b"),
            lambda d: d.setdefault("relations", []).append({"type": "forbid", "members": ["b"]}),
        ),
        (
            lambda p: p.force("a.large"),
            lambda d: d["relations"].append({"type": "force", "members": ["a.large"]}),
        ),
        (
            lambda p: p.with_probabilities({"good": 0.2, "bad": 0.8}),
            lambda d: [
                s.update(probability=q) for s, q in zip(d["scenarios"], (0.2, 0.8), strict=True)
            ],
        ),
    ],
)
def test_changed_problems_match_the_same_change_to_the_file(change, edit) -> None:
    sol = optimizer.solve(change(optimizer.load("small-example")))
    best = optimum(modified(document("small_example"), edit))
    assert sol.expected == pytest.approx(best.value)


def test_force_and_forbid_together_are_infeasible_with_a_diagnosis() -> None:
    problem = optimizer.load("small-example").force("a.large", "b")
    assert (
        optimum(
            modified(
                document("small_example"),
                lambda d: d["relations"].append({"type": "force", "members": ["a.large", "b"]}),
            )
        ).value
        is None
    )
    with pytest.raises(optimizer.InfeasibleError) as e:
        optimizer.solve(problem)
    assert "budget" in str(e.value)
    assert optimizer.OptimizerError in type(e.value).__mro__


# ---- Solution.to_dict / to_json -------------------------------------------------------------


def test_solution_to_json_round_trips_and_matches_the_attributes() -> None:
    sol = optimizer.solve(optimizer.load("small-example"))
    d = json.loads(sol.to_json())
    assert d == sol.to_dict()
    assert d["objective"]["expected"] == pytest.approx(0.6 * 11 + 0.4 * 8)
    assert d["chosen"] == [c.to_dict() for c in sol.chosen]
    assert [(r["id"], r["year"], r["used"]) for r in d["resources"]] == [
        (u.id, u.year, u.used) for u in sol.resources
    ]
    assert "time_s" not in sol.to_dict(timings=False)["solver"]


# ---- the tutorial's final problem --------------------------------------------------------------


def test_the_tutorial_problem_validates_and_solves_to_the_stated_package(tmp_path) -> None:
    text = (DOCS / "tutorial.md").read_text()
    final = fenced_after(text, "<!-- tutorial-final -->", "toml")
    path = tmp_path / "flood.toml"
    path.write_text(final)
    from click.testing import CliRunner

    from optimizer.cli import cli

    r = CliRunner().invoke(cli, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("flood-plan: ok (5 commitments, 6 options, 2 scenarios")
    r = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    best = optimum(tomllib.loads(final))
    assert len(best.packages) == 1
    want = sorted((p.commitment, p.option, p.start) for p in best.packages[0].values())
    assert sorted((c["commitment"], c["option"], c["start"]) for c in got["chosen"]) == want
    assert got["objective"]["expected"] == pytest.approx(best.value)
    # the tutorial states this package and value
    stated = re.search(r"expected value \(M\$ NPV-2027\): ([0-9.]+)", text.split(final)[1])
    assert stated and float(stated.group(1)) == pytest.approx(best.value, abs=5e-5)
    for c, o, y in want:
        assert re.search(rf"\n{c}\s+{o}\s+{y}\s", text.split(final)[1]), (c, o, y)
    # every number has a source: the report's audit flags none as missing
    from optimizer.report.inputs import input_groups

    assert not [g.label for g in input_groups(optimizer.load(path)) if g.missing]


# ---- the public names ------------------------------------------------------------------------


def test_every_public_name_resolves_and_the_package_is_typed() -> None:
    for name in optimizer.__all__:
        assert getattr(optimizer, name) is not None, name
    for name in ("load", "solve", "value_of_information", "alternatives", "compare", "report"):
        assert name in optimizer.__all__
    assert (ROOT / "optimizer" / "py.typed").exists()
    assert "py.typed" in (ROOT / "setup.cfg").read_text()
    with pytest.raises(AttributeError):
        optimizer.no_such_name  # noqa: B018


def test_import_optimizer_imports_nothing_heavy() -> None:
    code = (
        "import sys, optimizer\n"
        "print(','.join(m for m in ('numpy', 'scipy', 'highspy', 'pulp', 'matplotlib', 'pandas', 'openpyxl') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_analyses_from_the_api_agree_with_enumeration() -> None:
    problem = optimizer.load("small-example")
    doc = document("small_example")
    scored = [evaluate(doc, pkg) for pkg in enumerate_packages(doc)]
    ranked = sorted((ev for ok, _, ev in scored if ok), reverse=True)
    alts = optimizer.alternatives(problem, 3, by="start")
    assert [a.value for a in alts.alternatives] == pytest.approx(ranked[:3])
    voi = optimizer.value_of_information(problem)
    assert voi.rp == pytest.approx(ranked[0])
    assert math.isclose(voi.evpi, voi.ws - voi.rp, abs_tol=1e-9)
