"""The Python API in code: problems built and changed in code, ``Solution.to_json``, the
tutorial's problem, and the public names. (The planning script and the examples of
docs/api.md: ``test_api.py``.)

Known answers come from outside the engine: ``tests/bruteforce.py`` reads the problem
documents and enumerates packages by the format's rules.
"""

from __future__ import annotations

import doctest
import json
import math
import re
import subprocess
import sys
import tomllib

import pytest
from _helpers_docs import DOCS, document, fenced_after
from bruteforce import enumerate_packages, evaluate, optimum
from conftest import ROOT

import optimizer
from optimizer import Commitment, Option, ProblemSpec, Relation, Resource, Scenario

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
