"""Analyses that tell the truth: the report takes every --set the other commands take, says
when its Monte Carlo section cannot be made, Monte Carlo compares the recommended package on
the same draws and says how often and where it breaks a limit, and a start year that cuts a
cost profile at the horizon is flagged.

The console script runs as a subprocess where the user would run it; JSON is written with
``-o`` and read from the file.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import optimizer
from optimizer.spec.load import load_document

ROOT = Path(__file__).resolve().parents[1]
DIRICHLET = 'uncertainty.probabilities={dist="dirichlet",concentration=50}'

# The budget is drawn uniform(8, 12) (point 10): the point-value package a + b uses exactly
# 10, so it breaks the budget whenever the draw is below 10 (about half the draws), by at
# most 2; when the budget is 11 or more, a + c + d (value 72) beats it.
TIGHT = """
[problem]
name = "tight-capacity"
years = [2026, 2027]

[[resources]]
id = "budget"
capacity = { dist = "uniform", low = 8, high = 12 }

[[commitments]]
id = "a"
use = { budget = 6 }
value = 40

[[commitments]]
id = "b"
use = { budget = 4 }
value = 30

[[commitments]]
id = "c"
use = { budget = 3 }
value = 20

[[commitments]]
id = "d"
use = { budget = 2 }
value = 12
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=600,
    )


def html_table(text: str, table_id: str) -> list[list[str]]:
    """The body rows of the HTML table with this id, as cell texts."""
    m = re.search(rf'<table id="{table_id}">(.*?)</table>', text, re.S)
    assert m, f"no table {table_id}"
    body = m.group(1).split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


# ---- 1. report takes the --set every other command takes ------------------------------------


def test_report_accepts_a_dirichlet_override_like_the_other_commands(tmp_path) -> None:
    out = tmp_path / "r.html"
    r = run(
        "report", "small-example", "-o", str(out), "--set", DIRICHLET,
        "--montecarlo", "20", "--sections", "montecarlo,inputs",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    # the Monte Carlo section draws the probabilities from the Dirichlet ...
    inputs = html_table(text, "montecarlo-inputs")
    assert inputs == [
        ["uncertainty.probabilities", "dirichlet(concentration 50)", "the stated probabilities"]
    ]
    assert "could not be computed" not in text
    # ... and the other sections use the point values (the stated probabilities), as solve does
    sol = tmp_path / "s.json"
    s = run("solve", "small-example", "--set", DIRICHLET, "--format", "json", "-o", str(sol))
    assert s.returncode == 0, s.stderr
    expected = json.loads(sol.read_text())["objective"]["expected"]
    plain = optimizer.solve(optimizer.load("small-example")).expected
    assert expected == pytest.approx(plain)
    m = re.search(r"has an expected value of ([-0-9.,]+)", text)
    assert m and number(m.group(1).rstrip(".")) == pytest.approx(expected, rel=1e-3)


def test_report_inputs_list_a_dirichlet_without_a_point_number() -> None:
    from optimizer.report.inputs import uncertain_inputs

    spec = optimizer.load("small-example", overrides=[DIRICHLET])
    (u,) = uncertain_inputs(spec)
    assert (u.path, u.distribution, u.point) == (
        "uncertainty.probabilities",
        "dirichlet(concentration 50)",
        "the stated probabilities",
    )


# ---- 2. report --montecarlo on a problem without uncertain inputs --------------------------


def test_report_montecarlo_without_uncertain_inputs_exits_2(tmp_path) -> None:
    out = tmp_path / "r.html"
    r = run("report", "small-example", "-o", str(out), "--montecarlo", "10")
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        .splitlines()[-1]
        .startswith("error: --montecarlo: the problem has no uncertain inputs")
    )
    assert len(r.stderr.strip().splitlines()) == 1 or "HiGHS" in r.stderr
    assert not out.exists()
    r = run(
        "report", str_tight(tmp_path), "-o", str(out), "--montecarlo", "5", "--sections", "risk"
    )
    assert r.returncode == 2 and "left out by --sections" in r.stderr
    assert not out.exists()


def test_a_failed_monte_carlo_section_is_said_on_stderr_and_in_the_summary(
    tmp_path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from optimizer.analysis import montecarlo
    from optimizer.cli import cli
    from optimizer.errors import LimitError

    def fail(*args, **kwargs):
        raise LimitError("tight-capacity: no package found within the limits (time limit)")

    monkeypatch.setattr(montecarlo, "monte_carlo", fail)
    out = tmp_path / "r.html"
    r = CliRunner().invoke(
        cli, ["report", str_tight(tmp_path), "-o", str(out), "--montecarlo", "5"]
    )
    assert r.exit_code == 0, r.output
    warning = (
        "warning: The Monte Carlo analysis could not be computed: tight-capacity: no package "
        "found within the limits (time limit)"
    )
    assert warning in r.stderr.splitlines()
    summary = out.read_text().split('<section id="recommendation">', 1)[1].split("</section>")[0]
    assert "The Monte Carlo analysis could not be computed" in summary


# ---- 3. Monte Carlo when the recommended package is infeasible in some draws ---------------


def str_tight(tmp_path: Path) -> str:
    path = tmp_path / "tight.toml"
    path.write_text(TIGHT)
    return str(path)


def test_montecarlo_json_reports_the_recommended_package_infeasibility(tmp_path) -> None:
    out = tmp_path / "mc.json"
    r = run("montecarlo", str_tight(tmp_path), "-n", "50", "--format", "json", "-o", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    b = doc["base_package"]
    assert b["draws"] == 50
    assert b["feasible_draws"] + b["infeasible_draws"] == 50
    assert 0.2 < b["infeasible_share"] == b["infeasible_draws"] / 50 < 0.8
    # which limit breaks, and by how much (the budget is at least 8 against a use of 10)
    top = b["breaks"][0]
    assert top["limit"] in ("budget 2026", "budget 2027") and top["kind"] == "budget"
    assert top["draws"] == b["infeasible_draws"]
    assert 0 < top["excess"]["p50"] <= top["excess"]["max"] <= 2.0
    # the comparisons are on the same draws: never better than the optimum, regret >= 0
    same = b["optimal_value_same_draws"]
    assert b["value"]["n"] == same["n"] == b["regret"]["n"] == b["feasible_draws"]
    assert b["value"]["mean"] <= same["mean"]
    assert b["regret"]["min"] >= 0
    assert b["regret"]["mean"] == pytest.approx(same["mean"] - b["value"]["mean"])
    assert "same draws" in b["comparison"]


def test_montecarlo_table_shows_the_infeasibility_and_the_broken_limit(tmp_path) -> None:
    r = run("montecarlo", str_tight(tmp_path), "-n", "50")
    assert r.returncode == 0, r.stderr
    m = re.search(r"infeasible in ([0-9.]+)% \((\d+) of 50 draws\)", r.stdout)
    assert m and 20 < float(m.group(1)) < 80
    assert re.search(r"^budget 202[67]\s+budget\s+" + m.group(2) + r"\s", r.stdout, re.M)
    assert "over the same draws" in r.stdout
    rows = {
        line.split("  ")[0].strip(): line.split()[-6:]
        for line in r.stdout.splitlines()
        if line.startswith(("its value ", "the draw's optimum", "its regret"))
    }
    assert number(rows["its value"][0]) <= number(rows["the draw's optimum"][0])


def test_report_montecarlo_section_compares_on_the_same_draws(tmp_path) -> None:
    out = tmp_path / "r.html"
    r = run("report", str_tight(tmp_path), "-o", str(out), "--montecarlo", "50",
            "--sections", "montecarlo")  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    rows = {row[0]: row for row in html_table(text, "montecarlo-summary")}
    best = rows["optimal value, same draws as below"]
    mine = rows["value of the recommended package"]
    assert best[1] == mine[1] == rows["its regret (best minus its value)"][1]  # draw counts
    assert number(mine[2]) <= number(best[2])
    breaks = html_table(text, "montecarlo-breaks")
    assert breaks[0][0] in ("budget 2026", "budget 2027")
    assert 0 < number(breaks[0][5]) <= 2.0
    summary = text.split('<section id="recommendation">', 1)[1].split("</section>")[0]
    assert re.search(r"breaks a limit in \d+ of 50 draws", summary)


@pytest.mark.parametrize("sense", ["maximize", "minimize"])
def test_the_recommended_package_never_beats_the_optimum_on_the_same_draws(sense) -> None:
    from optimizer.analysis.montecarlo import monte_carlo
    from optimizer.spec.load import parse_document

    doc = parse_document(TIGHT, "tight.toml", ".toml")
    doc["problem"]["sense"] = sense
    if sense == "minimize":  # costs, with a floor on what is delivered
        doc["resources"][0]["capacity"] = {"dist": "uniform", "low": -12, "high": -8}
        for c in doc["commitments"]:
            c["use"]["budget"] = -c["use"]["budget"]
    r = monte_carlo(load_document(doc), 50, 1, verify=0)
    b = r.base
    assert 0 < b.infeasible_draws < 50 and b.breaks
    sgn = 1 if sense == "maximize" else -1
    assert sgn * b.value.mean <= sgn * b.optimal_same.mean + 1e-9
    assert b.regret.min >= 0 and b.value.n == b.optimal_same.n == b.feasible_draws
    assert math.isclose(b.infeasible_share, b.infeasible_draws / 50)


# ---- 4. a start year that cuts a cost profile at the horizon -------------------------------

# bridge costs 4 in each of two years and is worth 10 once; the budget leaves room for it only
# if started in 2028, the last year, where half of its cost falls after the horizon
CUT = """
[problem]
name = "cut"
years = [2026, 2028]

[[resources]]
id = "budget"
unit = "M$"
capacity = { 2026 = 3, 2027 = 3, 2028 = 5 }  # the bridge fits only from 2028

[[commitments]]
id = "bridge"
use = { budget = [4, 4] }
value = 10
start = [2026, 2028]

[[commitments]]
id = "road"
use = { budget = 3 }
value = 4
"""
CUT_WARNING = (
    "warning: commitment 'bridge' option 'yes' starts in 2028: 4 of its 8 M$ use of 'budget' "
    "(50%, 1 year(s) of its profile) falls after the horizon's last year 2028 and is not "
    "counted, while its value counts in full"
)


def test_solve_warns_when_the_chosen_start_year_cuts_a_cost_profile(tmp_path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text(CUT)
    out = tmp_path / "s.json"
    r = run("solve", str(path), "--format", "json", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert CUT_WARNING in r.stderr.splitlines()
    doc = json.loads(out.read_text())
    assert doc["warnings"] == [CUT_WARNING.removeprefix("warning: ")]
    # the model's numbers are unchanged: the value counts in full, 4 of the budget in 2028
    assert doc["objective"]["expected"] == 10
    assert [(c["commitment"], c["start"]) for c in doc["chosen"]] == [("bridge", 2028)]
    r = run("report", str(path), "-o", str(tmp_path / "r.html"), "--sections", "inputs")
    assert r.returncode == 0 and CUT_WARNING in r.stderr.splitlines()


def test_validate_lists_the_start_years_that_could_cut_a_cost_profile(tmp_path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text(CUT)
    r = run("validate", str(path))
    assert r.returncode == 0
    assert r.stdout.strip().endswith("cut: ok (2 commitments, 2 options, 1 scenarios, "
                                     "1 resources, 0 relations, 2026-2028)")  # fmt: skip
    assert r.stderr.strip().splitlines()[-1] == (
        "warning: 1 start year(s) could cut a use profile at the horizon while the value "
        "counts in full: bridge.yes@2028 (budget: 4 of 8 after 2028)"
    )
    assert run("validate", str(path), "-q").stderr == ""


@pytest.mark.parametrize(
    "value, cut",
    [
        ("value = 10", True),  # once, in full
        ("value = [10, 0]", True),  # a value profile that ends within the horizon
        ("value = [5, 5]", False),  # the value is cut as well
        ("value = 5\nvalue_per_year = true", False),  # received only up to the horizon
        ("value = 0", False),  # nothing counts in full
    ],
)
def test_a_profile_cut_is_flagged_only_when_the_value_counts_in_full(value, cut) -> None:
    from optimizer.solution import Choice
    from optimizer.spec.horizon import chosen_cuts, possible_cuts

    spec = load_document(
        {
            "problem": {"years": [2026, 2028]},
            "resources": [{"id": "budget", "capacity": 9}],
            "commitments": [
                {"id": "x", "use": {"budget": [4, 4]}, "start": [2026, 2028],
                 **tomllib.loads(value)},
            ],
        }
    )  # fmt: skip
    assert [(c.start, c.cut, c.total) for c in possible_cuts(spec)] == (
        [(2028, 4.0, 8.0)] if cut else []
    )
    assert bool(chosen_cuts(spec, [Choice("x", "yes", 2028)])) is cut
    assert chosen_cuts(spec, [Choice("x", "yes", 2027)]) == []
