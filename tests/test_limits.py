"""Limits and faults: time limits on every back end, missing and broken solvers, Ctrl-C, and
output files that are never half written.

The hard problem is ``problems.generate.generate(150, seed=1)`` (873 binary columns): both
HiGHS and CBC find a package within a second but need minutes to prove one optimal, so a
short time limit always stops them with an incumbent and a gap. No test asserts a duration:
what shows that a limit was honoured is the status (``time_limit``, and for the HiGHS
watchdog HiGHS' own "Interrupted by user"); timeouts below only keep a broken run from
hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS, ROOT

import optimizer
import solvers
from optimizer.cli import cli
from optimizer.compile import compile_spec
from problems.generate import generate
from solvers import SolveOptions, SolveResult, Status

HANG_GUARD_S = 180  # a run that has not ended by then is stuck


def to_document(spec) -> dict:
    """A problem document (as a JSON file holds it) for a generated ``ProblemSpec``."""

    def amount(a):
        return list(a) if isinstance(a, tuple) else a

    doc: dict = {"problem": {"name": spec.name, "discount_rate": spec.discount_rate}}
    if spec.years:
        doc["problem"]["years"] = list(spec.years)
    doc["scenarios"] = [{"id": s.id, "probability": s.probability} for s in spec.scenarios]
    doc["resources"] = [
        {
            "id": r.id,
            "capacity": {str(spec.years[0] + t): c for t, c in enumerate(r.capacity)}
            if spec.years
            else r.capacity[0],
        }
        for r in spec.resources
    ]
    doc["commitments"] = [
        {
            "id": c.id,
            "options": [
                {
                    "id": o.id,
                    "use": {k: amount(v) for k, v in o.use.items()},
                    "value": {k: amount(v) for k, v in o.value.items()},
                    "value_per_year": o.value_per_year,
                    **({"start": list(o.start)} if o.start else {}),
                }
                for o in c.options
            ],
        }
        for c in spec.commitments
    ]
    rels = []
    for r in spec.relations:
        if r.type == "requires":
            d = {"type": r.type, "a": str(r.a), "b": str(r.b)}
            if r.lag is not None:
                d["lag"] = r.lag
        else:
            d = {"type": r.type, "members": [str(m) for m in r.members]}
            if r.count is not None:
                d["count"] = r.count
        rels.append(d)
    doc["relations"] = rels
    return doc


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hard") / "hard.json"
    path.write_text(json.dumps(to_document(generate(150, seed=1))))
    return path


def one_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


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


# ---- Ctrl-C and killed runs ---------------------------------------------------------------------
def start(args: list[str]) -> subprocess.Popen:
    """The CLI in its own process group, as a shell runs a foreground job."""
    return subprocess.Popen(
        [sys.executable, "-m", "optimizer", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )


def wait_for_solving(proc: subprocess.Popen, solver: str) -> None:
    """Block until the solve has begun: HiGHS' log line (-v, on stderr), or CBC's process."""
    if solver == "highs":
        for line in proc.stderr:
            if "Solving MIP model" in line:
                return
        raise AssertionError(f"no HiGHS log: {proc.stdout.read()}")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    for _ in range(HANG_GUARD_S * 20):
        if children.read_text().strip():
            time.sleep(0.5)  # CBC has started reading the model
            return
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise AssertionError("CBC did not start")


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_ctrl_c_ends_cleanly_and_leaves_the_output_alone(tmp_path, hard, solver):
    target = tmp_path / "result.json"
    target.write_text("the previous result\n")
    args = ["solve", str(hard), "--solver", solver, "--format", "json", "-o", str(target)]
    proc = start([*args, "-v"] if solver == "highs" else args)
    try:
        wait_for_solving(proc, solver)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        out, err = proc.communicate(timeout=HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    # with -v, HiGHS' log comes first on stderr; the command's own word is the last line
    assert err.endswith("interrupted\n") and "Traceback" not in err, err[-500:]
    assert out == ""
    assert target.read_text() == "the previous result\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary file left


def test_a_killed_run_leaves_the_old_output_intact(tmp_path, hard):
    target = tmp_path / "result.json"
    target.write_text("the previous result\n")
    proc = start(["solve", str(hard), "--format", "json", "-o", str(target), "-v"])
    try:
        wait_for_solving(proc, "highs")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text() == "the previous result\n"


WRITER = """
import sys
from optimizer.report.output import atomic_write
atomic_write(sys.argv[1], "new " * 5_000_000)
print("done", flush=True)
"""


def test_a_write_killed_half_way_leaves_the_old_file_or_the_whole_new_one(tmp_path):
    """A 20 MB result written by ``atomic_write`` in a process killed at various moments: the
    target always holds the old text or the complete new one, never part of it."""
    target = tmp_path / "result.json"
    outcomes = set()
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.5):
        target.write_text("old")
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], cwd=ROOT, stdout=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=HANG_GUARD_S)
        text = target.read_text()
        assert text in ("old", "new " * 5_000_000), text[:40]
        outcomes.add(text[:3])
        for leftover in tmp_path.glob(".result.json.*.tmp"):
            leftover.unlink()  # what a kill -9 can leave is the temporary file, never the target
    assert "old" in outcomes  # at least one kill landed before the rename


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    from optimizer.report import output

    target = tmp_path / "result.json"
    target.write_text("old")

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", no_space)
    line = one_line(
        CliRunner().invoke(cli, ["solve", "small-example", "--format", "json", "-o", str(target)]),
        2,
    )
    assert line == f"error: {target}: cannot write the output: No space left on device"
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


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
