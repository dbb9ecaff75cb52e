"""The console script with several criteria: ``pareto`` JSON, ``solve --objective weighted``,
``--require``, and bad input (one line, exit code 2 as docs/problem-format.md says)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from itertools import product
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "problems" / "criteria_example.toml"


def run(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("optimizer") or ""
    cmd = [exe] if exe else [sys.executable, "-m", "optimizer"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)


# The example by hand (problems/criteria_example.md): capital, emissions, jobs per choice
CHOICES = {
    "solar": [None, (3, 4, 5), (6, 8, 8)],
    "buses": [None, (4, 6, 2)],
    "retrofit": [None, (2, 2, 12)],
    "logistics": [None, (5, -3, 20)],
}


def enumerated_front() -> set[tuple[float, float]]:
    pts = set()
    for combo in product(*CHOICES.values()):
        picked = [c for c in combo if c]
        if sum(c[0] for c in picked) <= 10:
            pts.add((float(sum(c[2] for c in picked)), float(sum(c[1] for c in picked))))
    return {p for p in pts if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in pts)}


def test_pareto_json_is_the_enumerated_front():
    r = run("pareto", str(EXAMPLE), "--criteria", "jobs,emissions", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    got = {(p["criteria"]["jobs"], p["criteria"]["emissions"]) for p in out["points"]}
    assert got == enumerated_front()
    assert all(p["package"] for p in out["points"])
    assert out["exact"] is True


def test_pareto_three_criteria_are_labelled_supported():
    r = run("pareto", str(EXAMPLE), "--criteria", "expected,jobs,emissions", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["exact"] is True
    assert all(p["supported"] is True for p in out["points"])
    assert len(out["points"]) >= 2


def test_solve_weighted_shows_weights_and_ranges():
    r = run("solve", str(EXAMPLE), "--objective", "weighted", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    w = out["objective"]["weights"]
    assert w == pytest.approx({"expected": 0.5, "emissions": 0.3, "jobs": 0.2})
    assert set(out["objective"]["ranges"]) == {"expected", "emissions", "jobs"}
    assert 0.0 <= out["objective"]["value"] <= 100.0
    assert set(out["criteria"]) == {"expected", "emissions", "jobs"}


def test_require_bounds_the_package():
    r = run("solve", str(EXAMPLE), "--require", "emissions>=10", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["criteria"]["emissions"] >= 10
    # the unconstrained optimum (emissions 3) is cut off, so the expected value is lower
    assert out["objective"]["expected"] < 11.2


@pytest.mark.parametrize(
    "args",
    [
        ("pareto", str(EXAMPLE), "--criteria", "jobs,emisions"),
        ("solve", str(EXAMPLE), "--require", "emisions>=3"),
        ("solve", str(EXAMPLE), "--require", "emissions>>3"),
        ("solve", str(EXAMPLE), "--objective", "lexicographic:jobs,nope"),
        ("solve", str(EXAMPLE), "--objective", "weighted:jobs=-1"),
        ("solve", str(EXAMPLE), "--objective", "weighted:expected=1,jobs=1,expected=0"),
    ],
)
def test_bad_criteria_input_is_one_line_exit_2(args):
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_criterion_in_scores_names_its_place(tmp_path):
    text = EXAMPLE.read_text().replace(
        "scores = { emissions = 6, jobs = 2 }", "scores = { emission = 6 }"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    r = run("solve", str(bad))
    assert r.returncode == 2
    assert "commitments[1].scores.emission" in r.stderr or "scores.emission" in r.stderr
    assert "unknown criterion 'emission'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_pareto_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "front.png"
    r = run("pareto", str(EXAMPLE), "--criteria", "jobs,emissions", "--plot", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_weights_json_breakpoints_lie_inside_and_split_intervals():
    r = run("weights", str(EXAMPLE), "--criterion", "emissions", "--format", "json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)["criteria"][0]
    edges = [iv["weight_from"] for iv in res["intervals"]][1:]
    assert edges == res["breakpoints"]
    assert all(0 < b < 1 for b in res["breakpoints"])
    assert res["current_weight"] == pytest.approx(0.3)


def test_report_has_a_criteria_section(tmp_path):
    out = tmp_path / "r.md"
    r = run("report", str(EXAMPLE), "-o", str(out), "--format", "markdown")
    if r.returncode == 2 and "format" in r.stderr:  # the suffix chooses the format
        r = run("report", str(EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "## Several criteria" in text
    assert "Pareto front of expected and emissions (exact non-dominated set; 3 points" in text
