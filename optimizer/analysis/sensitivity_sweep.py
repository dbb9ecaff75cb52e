"""The sensitivity re-solves on an executor: tipping points, thresholds and tornado rows of a
plain problem (no tranches, no shifts) cut into a fixed number of chunks, each solved in a
fresh session, merged in input order -- the same output for any number of workers.

The work is cut by *unit*: everything that reads the same solves shares a unit -- an option's
value tipping points, its what-would-it-take threshold and its tornado row (all read the
option's classes, ``Session.classes``); a probability's or a capacity's tipping point and its
tornado row (the row needs no solve inside the tipping interval). Units go to
``min(CHUNKS, units)`` chunks in turn, whatever the worker count, so every chunk makes the
same solves in the same order on any worker: results do not depend on how many workers there
are (nor on which one runs a chunk). With a ``--max-time`` budget each chunk gets the
wall-clock deadline and stops by it; the items of a chunk not back by then are unfinished.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_EXCEPTION, wait
from dataclasses import dataclass, field

from solvers.deadline import budget, expired, remaining

from ..errors import InfeasibleError, SolverError
from .partial import each
from .sensitivity_params import option_columns, parameters
from .sensitivity_results import by_swing

CHUNKS = 16  # chunks of a sweep, whatever the number of workers
GRACE = 2.0  # seconds past the deadline to wait for a chunk's answer


@dataclass
class ChunkOut:
    """What one chunk computed: ``(section, position) -> result`` and the names left."""

    done: dict = field(default_factory=dict)
    left: list = field(default_factory=list)  # (section, position, name)
    solves: int = 0
    warnings: list = field(default_factory=list)


def _unit(param) -> tuple:
    option = getattr(param, "option", None)
    return ("option", *option) if option is not None else (param.kind, param.target)


def _option_ids(spec, model) -> list[tuple[int, int]]:
    ids = [(ci, oi) for ci, cm in enumerate(spec.commitments) for oi in range(len(cm.options))]
    return [i for i in ids if option_columns(model, *i).size]


def _label(spec, i: tuple[int, int]) -> str:
    cm = spec.commitments[i[0]]
    return f"{cm.id}.{cm.options[i[1]].id}"


def plan(spec, model, kinds, sections, rel: float) -> list[list[tuple[str, int]]]:
    """The chunks: lists of ``(section, position)``, positions into ``parameters``,
    ``_option_ids`` and ``tornado_inputs``; fixed by the problem and the arguments alone."""
    from .sensitivity_tornado import tornado_inputs

    units: dict[tuple, list[tuple[str, int]]] = {}
    if "tipping" in sections:
        for i, p in enumerate(parameters(spec, model, kinds)):
            units.setdefault(_unit(p), []).append(("tipping", i))
    if "thresholds" in sections:
        for i, oid in enumerate(_option_ids(spec, model)):
            units.setdefault(("option", *oid), []).append(("thresholds", i))
    if "tornado" in sections:
        for i, (_n, _k, p, _lo, _hi) in enumerate(tornado_inputs(spec, model, rel)):
            units.setdefault(_unit(p), []).append(("tornado", i))
    groups = list(units.values())
    n = min(CHUNKS, len(groups))
    chunks: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    for j, g in enumerate(groups):
        chunks[j % n].extend(g)
    order = {"tipping": 0, "thresholds": 1, "tornado": 2}  # tornado rows read the tipping
    return [sorted(c, key=lambda it: (order[it[0]], it[1])) for c in chunks]


def solve_chunk(spec, solver, options, tolerance, kinds, rel, items, deadline=None):
    """Compute one chunk's items in a fresh session (runs in a worker process, a Dask worker,
    or this process); ``deadline``: wall-clock seconds (``time.time()``) to stop by.
    ``None`` when the budget ran out before the chunk's session was ready."""
    return within(deadline, _solve_chunk, spec, solver, options, tolerance, kinds, rel, items)


def within(deadline, fn, *args):
    """``fn(*args)`` under the budget left until ``deadline`` (wall-clock seconds, or
    ``None``); ``None`` when it is spent before, or when a solve in ``fn`` was cut short by
    it (the session's base solve: nothing of the chunk is done)."""
    left = None if deadline is None else max(0.0, deadline - time.time())
    if left == 0.0:
        return None  # the budget is spent: the chunk's items are unfinished
    with budget(left):
        try:
            return fn(*args)
        except (SolverError, InfeasibleError):  # the base solve cut short by the budget
            if not expired():
                raise
            return None


def _solve_chunk(spec, solver, options, tolerance, kinds, rel, items) -> ChunkOut:
    from ..compile import compile_spec
    from .sensitivity_session import Session
    from .sensitivity_tornado import tornado, tornado_inputs

    model = compile_spec(spec)
    ses = Session(spec, solver, options, model=model)
    out = ChunkOut()
    params = parameters(spec, model, kinds)
    ids = _option_ids(spec, model)
    tip = [i for s, i in items if s == "tipping"]
    got, _ = each(tip, lambda i: (i, ses.tipping(params[i], tolerance)), lambda i: i)
    out.done.update({("tipping", i): tp for i, tp in got})
    out.left += [("tipping", i, params[i].name) for i in tip if ("tipping", i) not in out.done]
    thr = [i for s, i in items if s == "thresholds"]
    got, _ = each(thr, lambda i: (i, ses.threshold(*ids[i])), lambda i: i)
    out.done.update({("thresholds", i): t for i, t in got})
    out.left += [
        ("thresholds", i, _label(spec, ids[i])) for i in thr if ("thresholds", i) not in out.done
    ]
    tor = [i for s, i in items if s == "tornado"]
    if tor:
        inputs = tornado_inputs(spec, model, rel)
        known = [out.done[k] for k in sorted(out.done) if k[0] == "tipping"]
        rows = {r.input: r for r in tornado(ses, rel, known, only=set(tor))}
        for i in tor:
            name = inputs[i][0]
            if name in rows:
                out.done[("tornado", i)] = rows[name]
            else:
                out.left.append(("tornado", i, name))
    out.solves = ses.run.solves
    out.warnings = list(ses.run.warnings)
    return out


def sweep(ses, *, tolerance, rel, kinds, sections, executor=None):
    """Tipping points, thresholds and tornado rows of ``ses``'s problem, chunked (module doc).

    Returns ``(tipping, thresholds, tornado, solves)``; the names of unfinished items and the
    chunks' warnings are added to ``ses.unfinished`` and ``ses.run.warnings``."""
    spec, model = ses.spec, ses.model
    chunks = plan(spec, model, kinds, sections, rel)
    solver = ses.lm.solver_name or "highs"
    args = (spec, solver, ses.options, tolerance, kinds, rel)
    outs = run_chunks(solve_chunk, args, chunks, executor)
    done, names, solves = gather(
        chunks, outs, lambda: _names(spec, model, kinds, rel), ses.run.warnings
    )
    results = {}
    for sec in ("tipping", "thresholds", "tornado"):
        results[sec] = [done[k] for k in sorted(done) if k[0] == sec]
        ses.unfinished += [f"{sec}: {names[k]}" for k in sorted(names) if k[0] == sec]
    return results["tipping"], results["thresholds"], by_swing(results["tornado"]), solves


def run_chunks(fn, args: tuple, chunks: list, executor=None) -> list:
    """``fn(*args, items, deadline)`` for each chunk's items, on ``executor`` (``None``: in
    this process, in turn), each given the ``--max-time`` deadline; the outputs in the
    chunks' order, ``None`` for a chunk not back by the deadline (and ``GRACE``). An error in
    a chunk is raised here."""
    left = remaining()
    deadline = None if left is None else time.time() + left
    if executor is None:
        return [fn(*args, items, deadline) for items in chunks]
    futures = [executor.submit(fn, *args, items, deadline) for items in chunks]
    wait_s = None if left is None else left + GRACE
    finished, _ = wait(futures, wait_s, return_when=FIRST_EXCEPTION)
    for f in futures:
        if f not in finished:
            f.cancel()
    for f in futures:  # an error in a chunk is the sweep's error
        if f in finished and f.exception() is not None:
            raise f.exception()
    return [f.result() if f in finished else None for f in futures]


def gather(chunks: list, outs: list, labels, warnings: list) -> tuple[dict, dict, int]:
    """The chunks' outputs merged: ``(done, names, solves)`` -- ``(section, position)`` to a
    result, or to the name of an unfinished item (``labels()``: every section's names by
    position, read for a chunk not back in time), and the chunks' solves. Their warnings are
    added to ``warnings``, each once."""
    done: dict = {}
    names: dict = {}
    every: dict = {}
    solves = 0
    for items, out in zip(chunks, outs, strict=True):
        if out is None:  # not back by the deadline
            every = every or labels()
            names.update({(sec, i): every[sec][i] for sec, i in items})
            continue
        done.update(out.done)
        names.update({(s, i): n for s, i, n in out.left})
        solves += out.solves
        for w in out.warnings:
            if w not in warnings:
                warnings.append(w)
    return done, names, solves


def _names(spec, model, kinds, rel) -> dict[str, list[str]]:
    """Each section's item names by position (for the items of chunks not back in time)."""
    from .sensitivity_tornado import tornado_inputs

    return {
        "tipping": [p.name for p in parameters(spec, model, kinds)],
        "thresholds": [_label(spec, i) for i in _option_ids(spec, model)],
        "tornado": [t[0] for t in tornado_inputs(spec, model, rel)],
    }
