"""One solve of one instance by one solver, in a fresh worker process (its peak memory measured),
and its status normalised across solvers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

WORKER_GRACE_S = 30.0  # a worker still running this long after its time limit is killed
MEMORY_METHODS = ("rss", "tracemalloc", "none")


@dataclass
class Run:
    """What one solve of one instance by one solver gave."""

    status: str
    objective: float | None
    bound: float | None
    solver_gap: float | None
    time_s: float
    wall_s: float
    nodes: int | None
    peak_mib: float | None
    raw_status: str
    x: np.ndarray | None = field(default=None, repr=False)
    message: str = ""


def normalise(
    status: str,
    raw_status: str,
    gap: float | None,
    elapsed: float,
    time_limit: float | None,
    mip_gap: float,
) -> str:
    """One status vocabulary for every solver; a run that stopped at its limit is never
    ``optimal``.

    * a solver's "optimal" whose own status text says it stopped (CBC through PuLP: "Stopped on
      time limit"; HiGHS: "Time limit reached") becomes ``time_limit``;
    * so does an "optimal" reported at or after the time limit with a gap still open;
    * ``unknown``/``interrupted`` at the limit become ``time_limit``.
    """
    raw = raw_status.lower()
    stopped = any(w in raw for w in ("time limit", "stopped", "timelimit", "interrupt"))
    at_limit = time_limit is not None and elapsed >= time_limit
    open_gap = gap is not None and gap > max(mip_gap, 1e-9) * (1 + 1e-9)
    if status == "optimal" and (stopped or (at_limit and open_gap)):
        return "time_limit"
    if status in ("unknown", "interrupted") and (stopped or at_limit):
        return "time_limit"
    return status


def _peak_rss_mib() -> float | None:
    """Peak resident memory of this process (``VmHWM``) and of its waited-for children."""
    import resource

    own = None
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1]) / 1024.0
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    vals = [v for v in (own, kids) if v]
    return max(vals) if vals else None


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def solve_once(
    model,
    solver: str,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    memory: str,
) -> dict:
    """Solve ``model`` once in this process and measure it; returns plain data."""
    import solvers as registry

    opts = registry.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    backend = registry.get(solver)
    tracing = memory == "tracemalloc"
    if tracing:
        import tracemalloc

        tracemalloc.start()
    elif memory == "rss":
        _reset_peak_rss()
    t0 = time.perf_counter()
    try:
        res = backend.solve(model, opts)
    finally:
        wall = time.perf_counter() - t0
        peak = None
        if tracing:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    if memory == "rss":
        peak = _peak_rss_mib()
    return {
        "status": res.status.value,
        "objective": res.objective,
        "bound": res.bound,
        "solver_gap": res.gap,
        "time_s": res.time_s,
        "wall_s": wall,
        "nodes": res.nodes,
        "peak_mib": peak,
        "raw_status": res.raw_status or "",
        "x": res.x,
        "message": res.message or "",
    }


def _worker(conn, model, solver, time_limit, mip_gap, threads) -> None:
    try:
        conn.send(solve_once(model, solver, time_limit, mip_gap, threads, "rss"))
    except BaseException as e:  # report, never hang the parent
        conn.send({"error": f"{type(e).__name__}: {e}"})
    finally:
        conn.close()


_CTX = None


def _context():
    global _CTX
    if _CTX is None:
        import multiprocessing as mp

        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["numpy", "scipy.sparse", "highspy", "solvers", "optimizer.model"]
        )
        _CTX = ctx
    return _CTX


def solve_isolated(
    model, solver: str, time_limit: float | None, mip_gap: float | None, threads: int | None
) -> dict:
    """``solve_once`` in a fresh worker process; killed if it overruns its limit by
    ``WORKER_GRACE_S`` (then reported as ``time_limit`` with no solution)."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(child, model, solver, time_limit, mip_gap, threads))
    t0 = time.perf_counter()
    proc.start()
    child.close()
    deadline = None if time_limit is None else 2 * time_limit + WORKER_GRACE_S
    try:
        out = parent.recv() if parent.poll(deadline) else None
    except EOFError:
        out = {"error": "the worker process died"}
    finally:
        if out is None:
            proc.kill()
        proc.join()
        parent.close()
    wall = time.perf_counter() - t0
    if out is None:
        return _no_answer("time_limit", wall, "killed after overrunning the time limit", "")
    if "error" in out:
        return _no_answer("error", wall, "", out["error"])
    return out


def _no_answer(status: str, wall: float, raw_status: str, message: str) -> dict:
    """The result of a worker that gave no answer (killed, or died with an error)."""
    return {
        "status": status,
        "objective": None,
        "bound": None,
        "solver_gap": None,
        "time_s": wall,
        "wall_s": wall,
        "nodes": None,
        "peak_mib": None,
        "raw_status": raw_status,
        "x": None,
        "message": message,
    }
