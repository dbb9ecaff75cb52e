"""``optimizer solve`` on a problem with ``[[criteria]]`` shows each criterion's value of the
package in the terminal table and the JSON: checked against the scores summed by hand from the
problem file (tomllib) for the package the solver chose, under three objectives."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from test_criteria_cli import EXAMPLE


def run(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("optimizer") or ""
    cmd = [exe] if exe else [sys.executable, "-m", "optimizer"]
    env = {**os.environ, "COLUMNS": "200"}  # the table unwrapped
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, env=env)


def by_hand(chosen: list[dict]) -> dict[str, float]:
    doc = tomllib.loads(EXAMPLE.read_text())
    out = {c["id"]: 0.0 for c in doc["criteria"] if c["id"] != "expected"}
    for pick in chosen:
        com = next(c for c in doc["commitments"] if c["id"] == pick["commitment"])
        opts = com.get("options")  # none: the commitment is its one option
        opt = next(o for o in opts if o["id"] == pick["option"]) if opts else com
        for cid, v in opt.get("scores", {}).items():
            out[cid] += v
    return out


def terminal_criteria(text: str) -> dict[str, float]:
    """The rows of the 'Criteria of the package' table: criterion id -> value."""
    block = text.split("Criteria of the package", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in block.splitlines()[2:]:
        cells = re.split(r"\s{2,}", line.strip())
        sense = next(i for i, c in enumerate(cells) if c in ("maximize", "minimize"))
        rows[cells[0]] = float(cells[sense + 1])
    return rows


@pytest.mark.parametrize("objective", ["expected", "weighted", "lexicographic:jobs,emissions"])
def test_solve_shows_every_criterion_of_the_package(objective):
    j = run("solve", str(EXAMPLE), "--objective", objective, "--format", "json")
    assert j.returncode == 0, j.stderr
    out = json.loads(j.stdout)
    want = by_hand(out["chosen"])
    assert {k: v for k, v in out["criteria"].items() if k != "expected"} == pytest.approx(want)
    assert out["criteria"]["expected"] == pytest.approx(out["objective"]["expected"])
    t = run("solve", str(EXAMPLE), "--objective", objective)
    assert t.returncode == 0, t.stderr
    shown = terminal_criteria(t.stdout)
    assert set(shown) == {"expected", *want}
    for cid, v in want.items():
        assert shown[cid] == pytest.approx(v, abs=0.005)
    assert shown["expected"] == pytest.approx(out["objective"]["expected"], abs=0.005)
