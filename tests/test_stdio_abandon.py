"""A solver run abandoned inside the redirection of descriptor 1 (``solvers.stdio``): its
thread may never leave the block, so the command's result must still reach the real standard
output (it went to the null device, and the command exited 0 with nothing printed), while
what the solver writes to descriptor 1 stays off it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sys, threading
    from solvers.stdio import abandon, solver_output

    entered, hold = threading.Event(), threading.Event()

    def run():  # a solver run that never returns in time
        with solver_output(False):
            entered.set()
            hold.wait()

    threading.Thread(target=run, daemon=True).start()
    entered.wait()
    {abandon}
    print('{{"result": 1}}')
    os.write(1, b"SOLVER BANNER\\n")  # the solver's C-level write to descriptor 1
    sys.stdout.flush()
    os._exit(0)  # as the console script leaves a run it abandoned
    """
)


def _run(call: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(abandon=call)], capture_output=True, text=True
    )


def test_the_result_reaches_stdout_after_a_run_is_abandoned():
    out = _run("abandon()")
    assert out.returncode == 0, out.stderr
    assert out.stdout == '{"result": 1}\n'  # the result, and not the solver's write


def test_without_it_the_result_is_lost():
    """What the fix is for: the same script without ``abandon()`` prints nothing."""
    out = _run("pass")
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
