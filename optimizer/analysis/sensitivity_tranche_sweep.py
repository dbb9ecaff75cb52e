"""The sensitivity re-solves of a problem with conditional tranches on an executor: tipping
points, thresholds and tornado rows cut into a fixed number of chunks, each solved in a fresh
session (``OfferSolver``), merged in input order -- the same output for any number of workers.

The plain problem's sweep (``sensitivity_sweep``) for the analysis of ``sensitivity_tranches``:
the same executor plumbing (``run_chunks``, ``gather``), the same ``--max-time`` deadline per
chunk. An input (``sensitivity_tranches.inputs``) holds closures and cannot be sent to a
worker, so a chunk rebuilds its session and the inputs from the spec and picks its items by
position; a probability's or a shift's search range (a bisection on the problem's validity,
``valid_end``) is found only when a chunk first uses that input (``inputs(lazy=True)``).

Units: an input's tipping point and its tornado row share one (the row reads the envelopes
the tipping point found, ``offer_tornado``, and ``offer_monotone.quiet_side``: no solve is
added); each capacity tipping point (``capacity_walk.capacity_tipping``) is a unit with its
resource's tornado row (read off its walks where they reach the row's ends), each threshold a
unit of its own. Units go to ``min(CHUNKS, units)`` chunks in turn, fixed by the problem and
the arguments alone, so every chunk makes the same solves on any worker. Each chunk solves the
problem as given again (its base offer, and the best other offer where a side is quiet), so
``solves`` is higher than in one session; it is the same for any number of workers. Solves
use one solver thread each unless the options give a count (``one_thread``).
"""

from __future__ import annotations

import time
from dataclasses import replace

from .capacity_walk import capacity_label, capacity_tipping
from .offer_envelope import OfferSolver
from .offer_tornado import row
from .partial import each
from .sensitivity_results import by_swing
from .sensitivity_sweep import CHUNKS, ChunkOut, gather, run_chunks, within
from .sensitivity_tranches import (
    inputs,
    option_label,
    report,
    scalable,
    threshold,
    threshold_ids,
    tipping,
)

ORDER = {"tipping": 0, "capacity": 1, "thresholds": 2, "tornado": 3}  # rows read tipping


def _capacities(spec, kinds, sections) -> list[str]:
    tip = "tipping" in sections and ("capacity" in kinds or "scale" in kinds)
    return scalable(spec) if tip else []


def plan(spec, rel: float, kinds, sections) -> list[list[tuple[str, int]]]:
    """The chunks: lists of ``(section, position)``; positions into ``inputs(lazy=True)``
    (tipping, tornado), the scalable resources (capacity) and ``threshold_ids``."""
    units: list[list[tuple[str, int]]] = []
    caps = _capacities(spec, kinds, sections)
    walked = [[("capacity", j)] for j in range(len(caps))]
    for i, inp in enumerate(inputs(spec, rel, kinds, lazy=True)):
        unit = []
        if "tipping" in sections and (inp.ranged or inp.search is not None):
            unit.append(("tipping", i))
        if "tornado" in sections and (inp.ranged or inp.swing is not None):
            if inp.kind == "capacity" and inp.target in caps:  # read off its tipping walks
                walked[caps.index(inp.target)].append(("tornado", i))
                continue
            unit.append(("tornado", i))
        if unit:
            units.append(unit)
    units += walked
    if "thresholds" in sections:
        units += [[("thresholds", j)] for j in range(len(threshold_ids(spec)))]
    n = min(CHUNKS, len(units))
    chunks: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    for j, unit in enumerate(units):
        chunks[j % n].extend(unit)
    return [sorted(c, key=lambda it: (ORDER[it[0]], it[1])) for c in chunks]


def _labels(spec, rel, kinds, sections) -> dict[str, list[str]]:
    """Each section's item names by position (for the items of chunks not back in time)."""
    names = [inp.name for inp in inputs(spec, rel, kinds, lazy=True)]
    return {
        "tipping": names,
        "capacity": [capacity_label(spec, r) for r in _capacities(spec, kinds, sections)],
        "thresholds": [option_label(co) for co in threshold_ids(spec)],
        "tornado": names,
    }


def solve_chunk(spec, solver, options, kinds, rel, sections, items, deadline=None):
    """Compute one chunk's items in a fresh session (a worker process, a Dask worker, or this
    process) by ``deadline`` (``sensitivity_sweep.within``); ``None``: nothing done."""
    return within(deadline, _solve_chunk, spec, solver, options, kinds, rel, sections, items)


def one_thread(options):
    """``options`` with one solver thread unless a count is given: the workers are the
    parallelism (a solve's own threads would compete with the other workers for the cores),
    as in the plain sweep's sessions (``solvers.highs.tune_for_resolves``)."""
    import solvers

    opts = options or solvers.SolveOptions()
    return opts if opts.threads is not None else replace(opts, threads=1)


def _solve_chunk(spec, solver, options, kinds, rel, sections, items) -> ChunkOut:
    ses = OfferSolver(spec, solver, options, probing=False)
    ins = inputs(spec, rel, kinds, lazy=True)  # ranges found on first use, by this chunk
    caps, ids = _capacities(spec, kinds, sections), threshold_ids(spec)
    out = ChunkOut()
    work = {
        "tipping": (lambda i: tipping(ses, ins[i]), lambda i: ins[i].name),
        "capacity": (
            lambda i: capacity_tipping(ses, spec, caps[i]),
            lambda i: f"{caps[i]} capacity",
        ),
        "thresholds": (lambda i: threshold(ses, spec, *ids[i]), lambda i: option_label(ids[i])),
        "tornado": (lambda i: row(ses, ins[i]), lambda i: ins[i].name),
    }
    for sec in ORDER:  # a tornado row after its input's tipping point (its envelopes)
        compute, name = work[sec]
        pos = [i for s, i in items if s == sec]
        got, _ = each(pos, lambda i, compute=compute: (i, compute(i)), lambda i: str(i))
        out.done.update({(sec, i): r for i, r in got})
        out.left += [(sec, i, name(i)) for i in pos if (sec, i) not in out.done]
    out.solves, out.warnings = ses.solves, list(ses.warnings)
    return out


def tranche_sweep(
    spec, *, solver, options, tolerance, tornado_range, kinds, sections, executor=None
):
    """``sensitivity_tranches.tranche_sensitivity`` with its re-solves in fixed chunks on
    ``executor`` (``None``: in this process), the same report for any number of workers."""
    t0 = time.perf_counter()
    options = one_thread(options)  # the same in every chunk, for any number of workers
    ses = OfferSolver(spec, solver, options, probing=False)  # the base offer, reported
    rel = tornado_range
    chunks = plan(spec, rel, kinds, sections)
    args = (spec, solver, options, kinds, rel, sections)
    outs = run_chunks(solve_chunk, args, chunks, executor)
    warnings: list[str] = []
    done, names, solves = gather(
        chunks, outs, lambda: _labels(spec, rel, kinds, sections), warnings=warnings
    )

    def of(sec: str) -> list:
        return [done[k] for k in sorted(done) if k[0] == sec]

    unfinished = [
        f"{'tipping' if k[0] == 'capacity' else k[0]}: {names[k]}"
        for k in sorted(names, key=lambda k: (ORDER[k[0]], k[1]))
    ]
    tips, rows = of("tipping") + of("capacity"), by_swing(of("tornado"))
    return report(
        ses, tolerance, rel, tips, of("thresholds"), rows, unfinished, t0, solves, warnings
    )
