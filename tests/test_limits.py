"""Limits and faults: time limits on every back end, and missing and broken solvers. (Ctrl-C,
killed runs and output files that are never half written: ``test_interrupts.py``.)

The hard problem is ``problems.generate.generate(150, seed=1)`` (873 binary columns): both
HiGHS and CBC find a package within a second but need minutes to prove one optimal, so a
short time limit always stops them with an incumbent and a gap. No test asserts a duration:
what shows that a limit was honoured is the status (``time_limit``, and for the HiGHS
watchdog HiGHS' own "Interrupted by user"); timeouts below only keep a broken run from
hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _helpers_limits import HANG_GUARD_S, hard_problem, one_line, to_document
from click.testing import CliRunner
from conftest import MIP_SOLVERS, ROOT

import optimizer
import solvers
from optimizer.cli import cli
from optimizer.compile import compile_spec
from problems.generate import generate
from solvers import SolveOptions, SolveResult, Status


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    return hard_problem(tmp_path_factory)


# ---- time limits ------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_a_time_limit_reports_the_incumbent_and_its_gap(hard, solver):
    result = CliRunner().invoke(
        cli, ["solve", str(hard), "--solver", solver, "--time-limit", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "time_limit"
    assert out["verified"] is True and out["chosen"]
    gap, bound, value = out["solver"]["gap"], out["solver"]["bound"], out["objective"]["value"]
    assert gap is not None and gap > 0  # stopped before the optimum was proven
    assert bound >= value  # a maximisation: the bound lies above the incumbent
    assert gap == pytest.approx((bound - value) / max(1.0, abs(value)), rel=1e-6, abs=1e-9)


def test_the_table_shows_the_time_limit_status_and_the_gap(hard):
    result = CliRunner().invoke(cli, ["solve", str(hard), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "status: time_limit" in result.stdout
    assert "gap: " in result.stdout and "verified: yes" in result.stdout


def test_the_highs_watchdog_stops_a_run_that_overruns(monkeypatch):
    """HiGHS checks its clock only at some points and can overrun its own limit on large
    models; a watchdog interrupts the run shortly after the limit. Here HiGHS' own limit is 60 s
    and the watchdog's is moved 59.7 s earlier: the run ends interrupted, by the watchdog."""
    import solvers.highs as highs_backend

    model = compile_spec(generate(150, seed=1))
    monkeypatch.setattr(highs_backend, "WATCHDOG_GRACE_S", -59.7)
    res = solvers.get("highs").solve(model, SolveOptions(time_limit=60))
    assert res.raw_status == "Interrupted by user"  # not "Time limit reached": the watchdog
    assert res.status == Status.TIME_LIMIT
    # the incumbent is kept, with its gap, when HiGHS had found one by then (on a loaded
    # machine it may not have, 0.3 s into the run: no wall-clock promise is made here)
    assert res.x is None or (res.gap is not None and res.gap > 0)
    assert res.x is not None or res.objective is None
    # the loaded instance is usable again: a fresh run is not interrupted at once
    monkeypatch.setattr(highs_backend, "WATCHDOG_GRACE_S", 0.5)
    res = solvers.get("highs").solve(compile_spec(generate(8, seed=1)), SolveOptions(time_limit=60))
    assert res.status == Status.OPTIMAL


def test_a_large_generated_problem_stops_at_the_limit(tmp_path):
    """2,000 commitments (about 12,000 columns): stopped at a 1 s limit, with an incumbent
    (exit 0, status time_limit) or without one (exit 4, one line) -- never a finished search."""
    path = tmp_path / "large.json"
    path.write_text(json.dumps(to_document(generate(2000, seed=3))))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "solve",
            str(path),
            "--time-limit",
            "1",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_GUARD_S,
    )
    if proc.returncode == 0:
        out = json.loads(proc.stdout)
        assert out["status"] == "time_limit" and out["solver"]["gap"] > 0
    else:
        assert proc.returncode == 4, proc.stderr
        assert proc.stdout == ""
        assert proc.stderr.startswith(
            "error: generated-n2000-s3: no package found within the limits ("
        )
        assert proc.stderr.count("\n") == 1


class NoIncumbent:
    """A back end that stops at its limit without having found any package."""

    name = "highs"
    features = frozenset()

    def solve(self, model, options):
        return SolveResult(
            Status.TIME_LIMIT, None, None, solver="highs", raw_status="Time limit reached"
        )


def test_no_incumbent_at_the_limit_exits_4(monkeypatch):
    monkeypatch.setitem(solvers.REGISTRY, "highs", NoIncumbent)
    line = one_line(CliRunner().invoke(cli, ["solve", "small-example", "--time-limit", "1"]), 4)
    assert line == "error: small-example: no package found within the limits (Time limit reached)"


def test_the_solution_api_is_unchanged_by_a_time_limit_that_is_not_reached():
    sol = optimizer.solve(optimizer.load("small-example"), time_limit=30)
    assert sol.status == "optimal" and sol.expected == pytest.approx(9.8)


def test_a_highs_run_that_ignores_the_interrupt_is_abandoned_at_the_limit():
    """HiGHS polls no interrupt callback in some phases (presolve of a large model); the time
    limit must hold all the same: the run is abandoned shortly after the watchdog fires."""
    import threading

    import numpy as np

    from solvers import SolveOptions, Status
    from solvers.highs import run_loaded

    release = threading.Event()

    class DeafHighs:  # a run() that never looks at interrupts
        finished = False

        def run(self):
            release.wait(60)
            self.finished = True

    class Model:
        integrality = np.ones(1, dtype=bool)

    h = DeafHighs()
    res = run_loaded(h, Model(), SolveOptions(time_limit=0.05))
    try:
        assert res.status == Status.TIME_LIMIT and res.x is None
        assert res.raw_status.startswith("abandoned")
        assert not h.finished  # control came back while the run was still going
    finally:
        release.set()


# ---- missing and broken solvers -----------------------------------------------------------------
@pytest.fixture
def cbc_program(monkeypatch):
    """Point PuLP's CBC at another program; the availability cache is reset around the test."""
    from pulp.apis import coin_api

    from solvers.pulp_backend import pulp_available

    def use(path) -> None:
        monkeypatch.setattr(coin_api.PULP_CBC_CMD, "pulp_cbc_path", str(path))
        pulp_available.cache_clear()

    yield use
    pulp_available.cache_clear()
    monkeypatch.undo()
    pulp_available.cache_clear()


def script(tmp_path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed here")
def test_a_missing_cbc_binary_names_the_solvers_available(tmp_path, cbc_program):
    cbc_program(tmp_path / "no-such-cbc")
    line = one_line(CliRunner().invoke(cli, ["solve", "small-example", "--solver", "cbc"]), 4)
    assert line == (
        "error: solver 'cbc' is not available (PuLP cannot find PULP_CBC_CMD on this machine); "
        f"available: {', '.join(solvers.available())}"
    )
    assert "cbc" not in solvers.available() and "highs" in solvers.available()
    listing = json.loads(CliRunner().invoke(cli, ["solvers", "--format", "json"]).stdout)
    assert {s["name"]: s["available"] for s in listing}["cbc"] is False


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed here")
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("exit 1\n", "Pulp: Error while trying to execute"),
        ("exit 0\n", "Pulp: Error while executing"),
        # a solution file that is not one: the back end must not let PuLP's IndexError out
        (
            'p=""; for a in "$@"; do [ "$p" = "-solution" ] && printf "Optimal\\nzz\\n" > "$a"; '
            'p="$a"; done; exit 0\n',
            "its output could not be read: IndexError",
        ),
    ],
)
def test_a_broken_cbc_gives_one_line_and_the_solvers_available(tmp_path, cbc_program, body, detail):
    cbc_program(script(tmp_path, "cbc", body))
    line = one_line(CliRunner().invoke(cli, ["solve", "small-example", "--solver", "cbc"]), 4)
    assert line.startswith("error: small-example: solver 'cbc' failed: error (")
    assert detail in line
    assert line.endswith(f"; available: {', '.join(solvers.available())}")
