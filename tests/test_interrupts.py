"""Interrupted runs: Ctrl-C ends a solve cleanly, a killed run leaves the old output intact,
and output files are never half written (a write killed half way, a write that fails).

The hard problem (``_helpers_limits.hard_problem``) keeps a solver busy for minutes, so a
signal always lands while it is solving. No test asserts a duration; timeouts only keep a
broken run from hanging the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _helpers_limits import HANG_GUARD_S, hard_problem, one_line
from click.testing import CliRunner
from conftest import MIP_SOLVERS, ROOT

from optimizer.cli import cli


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    return hard_problem(tmp_path_factory)


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
