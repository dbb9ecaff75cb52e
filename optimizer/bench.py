"""Benchmark runs: instances x solvers, with statuses normalised across solvers.

``discover(SET)`` turns what the user names into ``Instance`` objects:

* a bundled problem name, or one problem file (TOML/JSON);
* one MPS/LP file, read through highspy (``optimizer.mpsio``);
* an OR-Library multidimensional knapsack file (``mknap1``/``mknapcb*`` or ``mknap2``): the
  optima printed in the file are known optima; for ``mknapcbK`` the best-known values come from
  ``mknapcb_best_feasible_slns.txt`` in the same folder;
* a folder of any of these; an ``optima.csv`` in the folder (``name,optimal_objective,...``)
  gives known optima for the files named in it.

``run(instances, solvers, ...)`` solves every instance with every solver ``repeat`` times,
each run in a fresh worker process (forked from a clean server process), so that the peak
resident memory of a run can be measured: the worker's own peak (``VmHWM``, reset at the start
of the run) or that of the solver process it waited on (CBC runs as a child of the worker),
whichever is larger. ``memory="tracemalloc"`` runs in-process instead and reports the peak of
Python-level allocations (NumPy arrays, PuLP objects; not a solver's native memory).

A run that stops at its time limit is never reported as ``optimal``: ``normalise`` demotes a
solver's "optimal" when its own status text, or an unclosed gap at the limit, says it stopped.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError

PROBLEM_SUFFIXES = (".toml", ".json")
ORLIB_SUFFIXES = (".txt", ".dat")
MATCH_TOL = 1e-6  # relative difference at which an objective matches a known value
# mknapcbK file -> prefix of its rows in mknapcb_best_feasible_slns.txt
MKNAPCB_PREFIX = {
    1: "5.100-",
    2: "5.250-",
    3: "5.500-",
    4: "10.100-",
    5: "10.250-",
    6: "10.500-",
    7: "30.100-",
    8: "30.250-",
    9: "30.500-",
}
WORKER_GRACE_S = 30.0  # a worker still running this long after its time limit is killed
MEMORY_METHODS = ("rss", "tracemalloc", "none")


# ---- instances ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Instance:
    """One benchmark instance: how to build its model, and the known answer if any."""

    name: str
    source: str
    kind: str  # "problem" | "orlib" | "mps"
    known: float | None = None
    known_kind: str = ""  # "optimum" | "best_known"
    build: Callable[[], tuple[Any, Any]] = field(default=None, repr=False, compare=False)

    def load(self) -> tuple[Any, Any, float]:
        """``(spec or None, model, seconds to build the model)``."""
        t0 = time.perf_counter()
        spec, model = self.build()
        return spec, model, time.perf_counter() - t0


def _spec_instance(spec, source: str, known=None, known_kind="", kind="problem") -> Instance:
    def build():
        from .compile import compile_spec

        return spec, compile_spec(spec)

    return Instance(spec.name, source, kind, known, known_kind, build)


def _file_instance(path: Path, known=None) -> Instance:
    def build():
        from .mpsio import read_model

        return None, read_model(path)

    name = path.name.split(".")[0]
    return Instance(name, str(path), "mps", known, "optimum" if known is not None else "", build)


def _orlib_kind(path: Path) -> str | None:
    """``"mknap2"``, ``"mknap1"`` (also mknapcb) or None when the file is neither."""
    try:
        head = path.read_text(errors="replace")[:20000]
    except OSError:
        return None
    if re.search(r"^\s*problem\s+\S+", head, flags=re.M | re.I):
        return "mknap2"
    tokens = head.split()[:4]
    if len(tokens) >= 4 and all(re.fullmatch(r"[0-9.]+", t) for t in tokens):
        return "mknap1"
    return None


def _orlib_instances(path: Path) -> list[Instance]:
    from problems.orlib import read_best_known, read_mknap1, read_mknap2

    kind = _orlib_kind(path)
    if kind is None:
        raise InputError(
            "not an OR-Library knapsack file (mknap1/mknapcb or mknap2 format)", where=str(path)
        )
    items = read_mknap2(path) if kind == "mknap2" else read_mknap1(path)
    best: dict[int, float] = {}
    m = re.fullmatch(r"mknapcb(\d+)", path.stem)
    if m and int(m.group(1)) in MKNAPCB_PREFIX:
        table = path.parent / "mknapcb_best_feasible_slns.txt"
        if table.is_file():
            best = read_best_known(table, MKNAPCB_PREFIX[int(m.group(1))])
    out = []
    for i, inst in enumerate(items):
        known, kk = inst.optimum, "optimum" if inst.optimum is not None else ""
        if known is None and i in best:
            known, kk = best[i], "best_known"
        out.append(_spec_instance(inst.to_spec(), str(path), known, kk, kind="orlib"))
    return out


def read_optima(path: Path) -> dict[str, float]:
    """``name -> optimal objective`` from an ``optima.csv`` (columns name, optimal_objective)."""
    out: dict[str, float] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                out[row["name"].strip()] = float(row["optimal_objective"])
            except (KeyError, TypeError, ValueError):
                continue
    return out


def discover(target: str | os.PathLike, *, select: Sequence[str] = (), first: int | None = None):
    """The instances named by ``target`` (see the module docstring), filtered by ``select``
    (names or ``fnmatch`` patterns) and cut to the ``first`` few."""
    import fnmatch

    from .mpsio import is_model_file

    text = os.fspath(target)
    p = Path(text)
    instances: list[Instance] = []
    if p.is_dir():
        optima = read_optima(p / "optima.csv") if (p / "optima.csv").is_file() else {}
        for f in sorted(p.iterdir()):
            if f.name.startswith(".") or not f.is_file():
                continue
            if is_model_file(f):
                instances.append(_file_instance(f, optima.get(f.name.split(".")[0])))
            elif f.suffix.lower() in PROBLEM_SUFFIXES:
                instances.append(_problem_instance(str(f)))
            elif f.suffix.lower() in ORLIB_SUFFIXES and _orlib_kind(f):
                instances.extend(_orlib_instances(f))
        if not instances:
            raise InputError("no problem, MPS/LP or OR-Library files in this folder", where=text)
    elif p.is_file() and is_model_file(p):
        optima_csv = p.parent / "optima.csv"
        optima = read_optima(optima_csv) if optima_csv.is_file() else {}
        instances.append(_file_instance(p, optima.get(p.name.split(".")[0])))
    elif p.is_file() and p.suffix.lower() not in PROBLEM_SUFFIXES:
        instances.extend(_orlib_instances(p))
    else:
        instances.append(_problem_instance(text))
    if select:
        pats = [s.strip() for s in select if s.strip()]
        instances = [i for i in instances if any(fnmatch.fnmatch(i.name, s) for s in pats)]
        if not instances:
            raise InputError(f"no instance matches {', '.join(pats)}", where=text)
    if first is not None:
        instances = instances[:first]
    return instances


def _problem_instance(name_or_path: str) -> Instance:
    from .spec import load

    return _spec_instance(load(name_or_path), name_or_path)


# ---- one run --------------------------------------------------------------------------------
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
        return {
            "status": "time_limit",
            "objective": None,
            "bound": None,
            "solver_gap": None,
            "time_s": wall,
            "wall_s": wall,
            "nodes": None,
            "peak_mib": None,
            "raw_status": "killed after overrunning the time limit",
            "x": None,
            "message": "",
        }
    if "error" in out:
        return {
            "status": "error",
            "objective": None,
            "bound": None,
            "solver_gap": None,
            "time_s": wall,
            "wall_s": wall,
            "nodes": None,
            "peak_mib": None,
            "raw_status": "",
            "x": None,
            "message": out["error"],
        }
    return out


# ---- results --------------------------------------------------------------------------------
@dataclass
class Row:
    """One instance x solver: the median of the repeats, and how it compares with the known."""

    instance: str
    solver: str
    status: str
    objective: float | None
    bound: float | None
    known: float | None
    known_kind: str
    gap_known: float | None  # signed: > 0 worse than the known value, < 0 better
    matches_known: bool | None
    solver_gap: float | None
    time_s: float
    wall_s: float
    compile_s: float
    nodes: int | None
    peak_mib: float | None
    verified: bool | None
    n_cols: int
    n_rows: int
    nnz: int
    n_int: int
    repeats: int
    statuses: str
    raw_status: str
    source: str
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS = [f for f in Row.__dataclass_fields__]


def gap_to_known(objective: float | None, known: float | None, maximize: bool) -> float | None:
    """Signed relative shortfall against a known value: 0 matches, > 0 worse, < 0 better."""
    if objective is None or known is None:
        return None
    diff = (known - objective) if maximize else (objective - known)
    return diff / max(1.0, abs(known))


def _verify(spec, model, x, objective) -> tuple[bool, str]:
    """The independent check: from the spec for problem instances, in NumPy for files."""
    if x is None:
        return False, "no solution"
    if spec is not None:
        from .solution import OBJ_TOL, decode, evaluate

        try:
            ev = evaluate(spec, decode(model, x))
        except Exception as e:  # a fractional value etc.
            return False, str(e)
        if not ev.feasible:
            return False, ev.violations[0]
        if objective is not None and abs(ev.expected - objective) > OBJ_TOL * max(
            1, abs(ev.expected)
        ):
            return False, f"recomputed objective {ev.expected:.10g} != {objective:.10g}"
        return True, ""
    from .mpsio import verify

    v = verify(model, x)
    if not v.feasible:
        return False, v.violations[0]
    if objective is not None and abs(v.objective - objective) > 1e-6 * max(1, abs(v.objective)):
        return False, f"recomputed objective {v.objective:.10g} != {objective:.10g}"
    return True, ""


def run(
    instances: Iterable[Instance],
    solvers: Sequence[str],
    *,
    time_limit: float | None = 60.0,
    repeat: int = 1,
    mip_gap: float | None = None,
    threads: int | None = None,
    memory: str = "rss",
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Solve each instance with each solver ``repeat`` times; one ``Row`` per pair.

    The row holds the run with the median solver time (status, objective, bound, nodes), the
    median times, and the largest peak memory over the repeats.
    """
    from solvers.base import DEFAULT_MIP_GAP

    if memory not in MEMORY_METHODS:
        raise InputError(f"unknown memory method '{memory}'; allowed: {', '.join(MEMORY_METHODS)}")
    rows: list[Row] = []
    gap_tol = DEFAULT_MIP_GAP if mip_gap is None else mip_gap
    for inst in instances:
        spec, model, compile_s = inst.load()
        for solver in solvers:
            if progress:
                progress(f"{inst.name} · {solver}")
            runs = []
            for _ in range(max(1, repeat)):
                if memory == "rss":
                    out = solve_isolated(model, solver, time_limit, mip_gap, threads)
                else:
                    out = solve_once(model, solver, time_limit, mip_gap, threads, memory)
                out["status"] = normalise(
                    out["status"],
                    out["raw_status"],
                    out["solver_gap"],
                    out["time_s"],
                    time_limit,
                    gap_tol,
                )
                runs.append(Run(**out))
            rows.append(_row(inst, spec, model, compile_s, solver, runs))
    return rows


def _row(inst: Instance, spec, model, compile_s: float, solver: str, runs: list[Run]) -> Row:
    times = [r.time_s for r in runs]
    med = statistics.median(times)
    pick = min(runs, key=lambda r: abs(r.time_s - med))
    verified, why = (None, "")
    if pick.x is not None:
        verified, why = _verify(spec, model, pick.x, pick.objective)
    status = pick.status
    if verified is False and status == "optimal":
        status = "error"
    g = gap_to_known(pick.objective, inst.known, model.maximize)
    peaks = [r.peak_mib for r in runs if r.peak_mib is not None]
    return Row(
        instance=inst.name,
        solver=solver,
        status=status,
        objective=pick.objective,
        bound=pick.bound,
        known=inst.known,
        known_kind=inst.known_kind,
        gap_known=g,
        matches_known=None if g is None else abs(g) <= MATCH_TOL,
        solver_gap=pick.solver_gap,
        time_s=med,
        wall_s=statistics.median(r.wall_s for r in runs),
        compile_s=compile_s,
        nodes=pick.nodes,
        peak_mib=max(peaks) if peaks else None,
        verified=verified,
        n_cols=model.n,
        n_rows=model.m,
        nnz=int(model.A.nnz),
        n_int=int(np.count_nonzero(model.integrality)),
        repeats=len(runs),
        statuses=",".join(sorted({r.status for r in runs})),
        raw_status=pick.raw_status,
        source=inst.source,
        message=why or pick.message,
    )


# ---- machine information --------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    """Where and with what the benchmark ran."""
    from importlib import metadata

    from . import __version__

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {"optimizer": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "scipy", "highspy", "pulp", "linopy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "versions": versions,
    }


# ---- output ---------------------------------------------------------------------------------
def _num(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, np.floating | np.integer):
        return x.item()
    return x


def to_csv(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        d = r.to_dict()
        w.writerow(
            [
                "" if d[c] is None else (repr(d[c]) if isinstance(d[c], float) else d[c])
                for c in COLUMNS
            ]
        )
    return buf.getvalue()


def to_json(rows: Sequence[Row], settings: dict[str, Any]) -> str:
    doc = {
        "schema_version": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": settings,
        "results": [{k: _num(v) for k, v in r.to_dict().items()} for r in rows],
        "summary": summary(rows),
    }
    return json.dumps(doc, indent=2) + "\n"


def shifted_geomean(values: Iterable[float], shift: float = 1.0) -> float | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return float(np.exp(np.mean(np.log(np.asarray(vals) + shift))) - shift)


def summary(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Per solver: instances, proven optimal, matching the known value, time figures."""
    out = []
    for s in dict.fromkeys(r.solver for r in rows):
        rs = [r for r in rows if r.solver == s]
        known = [r for r in rs if r.known is not None]
        out.append(
            {
                "solver": s,
                "instances": len(rs),
                "optimal": sum(r.status == "optimal" for r in rs),
                "time_limit": sum(r.status == "time_limit" for r in rs),
                "other": sum(r.status not in ("optimal", "time_limit") for r in rs),
                "with_known": len(known),
                "matches_known": sum(bool(r.matches_known) for r in known),
                "better_than_known": sum(
                    r.gap_known is not None and r.gap_known < -MATCH_TOL for r in known
                ),
                "mean_gap_known": (
                    float(np.mean([r.gap_known for r in known if r.gap_known is not None]))
                    if any(r.gap_known is not None for r in known)
                    else None
                ),
                "verified": sum(r.verified is True for r in rs),
                "total_time_s": float(sum(r.time_s for r in rs)),
                "sgm_time_s": shifted_geomean(r.time_s for r in rs),
            }
        )
    return out


def _f(x: Any, digits: int = 6) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "-"
        return f"{x:.{digits}g}"
    return str(x)


TABLE_COLUMNS = (
    "instance",
    "solver",
    "status",
    "objective",
    "known",
    "gap_known",
    "bound",
    "time_s",
    "nodes",
    "peak_mib",
    "verified",
)


def table_rows(rows: Sequence[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        if r.gap_known is None:
            gap = "-"
        else:
            gap = "0" if abs(r.gap_known) < 1e-12 else f"{r.gap_known:.2e}"
        out.append(
            [
                r.instance,
                r.solver,
                r.status,
                _f(r.objective, 10),
                _f(r.known, 10),
                gap,
                _f(r.bound, 10),
                f"{r.time_s:.3f}",
                _f(r.nodes),
                _f(r.peak_mib, 4),
                _f(r.verified),
            ]
        )
    return out


def to_markdown(rows: Sequence[Row], settings: dict[str, Any]) -> str:
    lines = ["# Benchmark results", ""]
    cmd = settings.get("command")
    if cmd:
        lines += ["```", cmd, "```", ""]
    info = machine_info()
    v = info["versions"]
    lines.append(
        f"Machine: {info['cpu']} ({info['cores']} cores, {info['memory_gib']} GiB); "
        + ", ".join(f"{k} {val}" for k, val in v.items())
    )
    lines.append(
        f"Time limit {settings.get('time_limit')} s per run, {settings.get('repeat')} repeat(s) "
        f"(median time), peak memory: {settings.get('memory_note', '')}."
    )
    lines += [
        "",
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "|".join("---" for _ in TABLE_COLUMNS) + "|",
    ]
    for tr in table_rows(rows):
        lines.append("| " + " | ".join(tr) + " |")
    lines += ["", "## Summary by solver", ""]
    summ = summary(rows)
    keys = [
        "solver",
        "instances",
        "optimal",
        "time_limit",
        "other",
        "with_known",
        "matches_known",
        "better_than_known",
        "verified",
        "total_time_s",
        "sgm_time_s",
    ]
    lines += ["| " + " | ".join(keys) + " |", "|" + "|".join("---" for _ in keys) + "|"]
    for s in summ:
        lines.append("| " + " | ".join(_f(s[k], 4) for k in keys) + " |")
    return "\n".join(lines) + "\n"


MEMORY_NOTES = {
    "rss": "peak resident set size of the worker process or of the solver process it ran "
    "(CBC), whichever is larger, in MiB (includes the Python interpreter's baseline)",
    "tracemalloc": "peak Python-level allocations (tracemalloc) in MiB; native solver memory "
    "is not included",
    "none": "not measured",
}


# ---- plots ----------------------------------------------------------------------------------
def performance_profile(rows: Sequence[Row]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Dolan-Moré profile: for each solver, the share of instances solved to optimality within
    a factor tau of the best solver's time on that instance. Returns ``(ratios, taus)``."""
    solvers = list(dict.fromkeys(r.solver for r in rows))
    insts = list(dict.fromkeys(r.instance for r in rows))
    t = {(r.instance, r.solver): (r.time_s if r.status == "optimal" else math.inf) for r in rows}
    ratios: dict[str, list[float]] = {s: [] for s in solvers}
    for i in insts:
        best = min(t.get((i, s), math.inf) for s in solvers)
        for s in solvers:
            ti = t.get((i, s), math.inf)
            ratios[s].append(
                ti / max(best, 1e-6) if math.isfinite(best) and math.isfinite(ti) else math.inf
            )
    arr = {s: np.sort(np.asarray(v)) for s, v in ratios.items()}
    finite = [x for v in arr.values() for x in v if math.isfinite(x)]
    top = max([*finite, 2.0]) * 1.5
    taus = np.logspace(0, math.log10(top), 200)
    return arr, taus


def plot(rows: Sequence[Row], directory: Path, title: str = "") -> list[Path]:
    """``performance_profile.png`` and ``time_vs_size.png`` in ``directory``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .report.output import save_figure

    out = []
    arr, taus = performance_profile(rows)
    fig, ax = plt.subplots(figsize=(6, 4))
    for s, r in arr.items():
        share = [(r <= tau).mean() if r.size else 0 for tau in taus]
        ax.step(taus, share, where="post", label=s)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("τ (time / best time on the instance)")
    ax.set_ylabel("share of instances solved to optimality")
    ax.set_title(f"Performance profile{': ' + title if title else ''}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    p = directory / "performance_profile.png"
    save_figure(fig, p, dpi=120)
    out.append(p)

    fig, ax = plt.subplots(figsize=(6, 4))
    for s in dict.fromkeys(r.solver for r in rows):
        rs = [r for r in rows if r.solver == s]
        ok = [r for r in rs if r.status == "optimal"]
        bad = [r for r in rs if r.status != "optimal"]
        line = ax.scatter([r.nnz for r in ok], [max(r.time_s, 1e-3) for r in ok], label=s, s=18)
        if bad:
            ax.scatter(
                [r.nnz for r in bad],
                [max(r.time_s, 1e-3) for r in bad],
                marker="x",
                color=line.get_facecolor()[0],
                label=f"{s} (not proven)",
                s=24,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("nonzeros in the constraint matrix")
    ax.set_ylabel("solver time (s)")
    ax.set_title(f"Time vs size{': ' + title if title else ''}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    p = directory / "time_vs_size.png"
    save_figure(fig, p, dpi=120)
    out.append(p)
    return out


def write_outputs(
    rows: Sequence[Row], directory: Path, settings: dict[str, Any], *, plots: bool = True
) -> list[Path]:
    """``results.csv``, ``results.json``, ``results.md`` (and the plots) in ``directory``."""
    from .report.output import atomic_write

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("results.csv", to_csv(rows)),
        ("results.json", to_json(rows, settings)),
        ("results.md", to_markdown(rows, settings)),
    ):
        atomic_write(directory / name, text)
        written.append(directory / name)
    if plots and rows:
        if not plotting_available():
            raise PlotsUnavailable(
                "matplotlib is not installed: results written without plots "
                "(pip install 'commitment-optimizer[plot]')"
            )
        written += plot(rows, directory, settings.get("title", ""))
    return written


class PlotsUnavailable(RuntimeError):
    """Raised after the tables are written, when the plots cannot be drawn."""


def plotting_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def command_line() -> str:
    """The command as typed (for the record in the outputs)."""
    import shlex

    argv = list(sys.argv)
    if argv and argv[0].endswith(("optimizer", "__main__.py")):
        argv[0] = "optimizer"
    return " ".join(shlex.quote(a) for a in argv)
