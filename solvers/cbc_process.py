"""Running CBC as a child process this engine owns, so that Ctrl-C leaves nothing behind.

PuLP's ``COIN_CMD.solve_CBC`` starts ``cbc`` and waits for it; when ``KeyboardInterrupt``
arrives during that wait, PuLP neither stops the child (which then runs on at full CPU) nor
removes its temporary MPS and solution files. ``run_cbc`` does what ``solve_CBC`` does -- the
same command line, PuLP's own MPS writer and solution reader -- but writes every file into a
folder the caller removes, and on any exception while waiting (Ctrl-C included) terminates the
child and waits for it before the exception goes on.
"""

from __future__ import annotations

import os
import subprocess

STOP_GRACE_S = 5.0  # how long CBC may take to exit after SIGTERM before it is killed


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` and reap it (killed when it has not exited within the grace)."""
    proc.terminate()
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:  # CBC ignoring SIGTERM
        proc.kill()
        proc.wait()
    except BaseException:  # a second Ctrl-C meanwhile: still leave no child behind
        proc.kill()
        proc.wait()
        raise


def command(solver, lp, mps: str, sol: str) -> list[str]:
    """The command line ``COIN_CMD.solve_CBC`` runs for ``lp``, files ``mps`` and ``sol``."""
    from pulp import constants

    args = [solver.path, mps]
    if lp.sense == constants.LpMaximize:
        args.append("-max")
    if solver.timeLimit is not None:
        args += ["-sec", str(solver.timeLimit)]
    for option in list(solver.options) + list(solver.getOptions()):
        args += ("-" + option).split()
    args.append("-solve" if solver.mip else "-initialSolve")
    return [*args, "-printingOptions", "all", "-solution", sol]


def run_cbc(solver, lp, folder: str, log_path: str) -> int:
    """Solve ``lp`` with PuLP's CBC ``solver`` (a ``COIN_CMD``), files in ``folder``.

    Used as the solver's ``actualSolve`` (so ``lp.solve(solver)`` keeps its bookkeeping);
    CBC's log goes to ``log_path``. Raises ``PulpSolverError`` as PuLP does when CBC fails.
    """
    from pulp import PulpSolverError

    if not solver.executable(solver.path):
        raise PulpSolverError(f"Pulp: cannot execute {solver.path}")
    mps = os.path.join(folder, "model.mps")
    sol = os.path.join(folder, "model.sol")
    vs, var_names, con_names, _ = lp.writeMPS(mps, rename=1)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            command(solver, lp, mps, sol), stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
        try:
            code = proc.wait()
        except BaseException:
            stop(proc)
            raise
    if code != 0:
        raise PulpSolverError(f"Pulp: Error while trying to execute {solver.path} (exit {code})")
    if not os.path.exists(sol):
        raise PulpSolverError(f"Pulp: Error while executing {solver.path}")
    status, values, reduced, shadow, slacks, sol_status = solver.readsol_MPS(
        sol, lp, vs, var_names, con_names
    )
    lp.assignVarsVals(values)
    lp.assignVarsDj(reduced)
    lp.assignConsPi(shadow)
    lp.assignConsSlack(slacks, activity=True)
    lp.assignStatus(status, sol_status)
    return status
