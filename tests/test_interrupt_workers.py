"""Ctrl-C with ``--workers 2``: exit 130, no worker process, resource tracker or output file
left behind -- also when Ctrl-C is pressed twice, the second landing while the pool is being
stopped (that used to leave the command joining idle workers for good).

The console script runs the flagship's sensitivity sweep (many seconds on two workers) in a
session of its own, as a terminal's foreground job; once its workers are solving, SIGINT goes
to the whole process group, as Ctrl-C in a terminal sends it. The workers ignore SIGINT and
the main process stops them (``optimizer.executors.stop``). No test asserts a duration: the
timeout only tells a stuck run from a finished one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

HANG_GUARD_S = 15  # far more than a stopped run takes; a stuck one never ends
START_GUARD_S = 120  # for the workers to start on a loaded machine


def in_session(sid: int) -> list[tuple[int, str]]:
    """The live (not zombie) processes of session ``sid``: (pid, command line)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append((int(entry.name), cmd))
    return out


def workers_of(pid: int) -> list[int]:
    """The spawned pool workers among the children of ``pid``."""
    return [p for p, cmd in in_session(pid) if p != pid and "spawn_main" in cmd]


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_the_workers_and_leaves_nothing(tmp_path, presses):
    target = tmp_path / "sens.json"
    args = ["sensitivity", "canada-us-2025", "--workers", "2", "--format", "json", "-o"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", *args, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        start_new_session=True,
    )
    try:
        for _ in range(START_GUARD_S * 20):
            if len(workers_of(proc.pid)) >= 2:
                break
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        else:
            raise AssertionError("the workers did not start")
        time.sleep(0.5)  # the workers have taken their first chunks (the sweep takes seconds)
        assert proc.poll() is None, "the sweep ended before the Ctrl-C"
        for press in range(presses):
            if press:
                time.sleep(0.3)  # the second press lands while the pool is being stopped
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=HANG_GUARD_S)
        assert proc.returncode == 130, err
        assert err == "interrupted\n", err[-500:]
        assert out == ""
        left = in_session(proc.pid)
        for _ in range(HANG_GUARD_S * 10):  # the resource tracker ends once its pipe closes
            if not left:
                break
            time.sleep(0.1)
            left = in_session(proc.pid)
        assert left == [], "left behind after Ctrl-C"
        assert list(tmp_path.iterdir()) == []  # no output, no temporary file
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid, _ in in_session(proc.pid):  # never leave a worker behind, even on failure
            os.kill(pid, signal.SIGKILL)
