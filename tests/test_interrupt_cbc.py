"""Ctrl-C during a CBC solve: exit 130, and no ``cbc`` child or temporary file left behind.

PuLP starts ``cbc`` and waits; interrupted in that wait it left the child running at full CPU
and its MPS file in the temporary folder. The console script runs here in its own session with
``TMPDIR`` pointing at a fresh folder; once its ``cbc`` child exists the test sends SIGINT --
to the process alone (``kill -INT``) and to its whole process group (what Ctrl-C in a terminal
does, which CBC also receives) -- and then checks that the child is gone and the folder empty.
The problem is ``generate(150, seed=1)``: CBC needs minutes to prove it, so it is still
solving when the signal comes. No duration is asserted; timeouts only stop a stuck run.
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
from conftest import MIP_SOLVERS, ROOT

pytestmark = pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed here")

HANG_GUARD_S = 180


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    from test_limits import to_document

    from problems.generate import generate

    path = tmp_path_factory.mktemp("hard") / "hard.json"
    path.write_text(json.dumps(to_document(generate(150, seed=1))))
    return path


def children(pid: int) -> list[int]:
    """Child process ids of ``pid`` (over all its threads)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                out += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    except OSError:
        return []
    return out


def is_cbc(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) cbc process."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return os.path.basename(cmd.decode(errors="replace")) == "cbc" and state != "Z"


def wait_for_cbc(proc: subprocess.Popen) -> list[int]:
    for _ in range(HANG_GUARD_S * 20):
        found = [c for c in children(proc.pid) if is_cbc(c)]
        if found:
            time.sleep(0.5)  # CBC has read the model and is solving
            return found
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise AssertionError("CBC did not start")


@pytest.mark.parametrize("target", ["process", "group"])
def test_ctrl_c_stops_cbc_and_removes_its_files(tmp_path, hard, target):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "solve", str(hard), "--solver", "cbc"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmpdir)},
        start_new_session=True,
    )
    cbc: list[int] = []
    try:
        cbc = wait_for_cbc(proc)
        if target == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=HANG_GUARD_S)
        assert proc.returncode == 130, err
        assert err == "interrupted\n"
        for _ in range(100):  # the child is reaped before exit: allow only a moment
            if not any(is_cbc(c) for c in cbc):
                break
            time.sleep(0.05)
        assert not [c for c in cbc if is_cbc(c)], "cbc still running after Ctrl-C"
        assert sorted(p.name for p in tmpdir.rglob("*")) == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for c in cbc:  # never leave a CPU-bound solver behind, even when the test fails
            if is_cbc(c):
                os.kill(c, signal.SIGKILL)
