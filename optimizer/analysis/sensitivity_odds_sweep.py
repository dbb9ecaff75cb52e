"""The sensitivity re-solves of a problem with ``[[shifts]]`` (and no conditional tranches) on
an executor: tipping points, thresholds and tornado rows cut into a fixed number of chunks,
each solved in a fresh session (``sensitivity_odds.OddsSession``), merged in input order --
the same output for any number of workers.

The plain problem's sweep (``sensitivity_sweep``) for the analysis of ``sensitivity_odds``:
the same executor plumbing (``run_chunks``, ``gather``, ``within``), the same ``--max-time``
deadline per chunk. An input (``odds_inputs.OddsParam``) holds closures and cannot be sent to
a worker, so a chunk rebuilds its session and the inputs from the spec and picks its items by
position, as the tranche sweep does (``sensitivity_tranche_sweep``).

Units: an input's tipping point and its tornado row share one (same ``kind`` and ``target``:
a row needs no solve inside its input's tipping interval, ``OddsSession.tornado_row``, so it
reads the tipping point its chunk found, as in one session); each threshold and each tornado
row without a tipping point (an option's value in every scenario) is a unit of its own. Units
go to ``min(CHUNKS, units)`` chunks in turn, fixed by the problem and the arguments alone, so
every chunk makes the same solves on any worker. Each chunk solves the problem as given again,
so ``solves`` is higher than in one session; it is the same for any number of workers. Solves
use one solver thread each unless the options give a count (``one_thread``). The LP shadow
prices are found in this process, by the base session the report is made of.
"""

from __future__ import annotations

import time

from .partial import each
from .sensitivity_odds import (
    OddsSession,
    item_name,
    odds_parameters,
    odds_report,
    threshold_ids,
)
from .sensitivity_results import by_swing
from .sensitivity_sweep import CHUNKS, ChunkOut, gather, run_chunks, within
from .sensitivity_tranche_sweep import one_thread

ORDER = {"tipping": 0, "thresholds": 1, "tornado": 2}  # tornado rows read the tipping points


def items_of(ses: OddsSession, kinds, rel: float, sections) -> dict[str, list]:
    """Each section's items by position: the tipping inputs (``odds_parameters``), the
    options with a threshold (``threshold_ids``) and the tornado's inputs; empty for a
    section not in ``sections``."""
    return {
        "tipping": odds_parameters(ses, kinds) if "tipping" in sections else [],
        "thresholds": threshold_ids(ses) if "thresholds" in sections else [],
        "tornado": ses.tornado_inputs(rel) if "tornado" in sections else [],
    }


def labels(spec, items: dict[str, list]) -> dict[str, list[str]]:
    """Each section's item names by position (for the items of chunks not back in time)."""
    return {sec: [item_name(spec, sec, it) for it in items[sec]] for sec in ORDER}


def plan(items: dict[str, list]) -> list[list[tuple[str, int]]]:
    """The chunks: lists of ``(section, position)``, positions into ``items_of``; an input's
    tipping point and tornado row in one unit (module doc)."""
    units: dict[tuple, list[tuple[str, int]]] = {}
    for i, p in enumerate(items["tipping"]):
        units.setdefault((p.kind, p.target), []).append(("tipping", i))
    for i in range(len(items["thresholds"])):
        units[("thresholds", i)] = [("thresholds", i)]
    for i, (_name, _kind, p, _lo, _hi) in enumerate(items["tornado"]):
        units.setdefault((p.kind, p.target), []).append(("tornado", i))
    groups = list(units.values())
    n = min(CHUNKS, len(groups))
    chunks: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    for j, g in enumerate(groups):
        chunks[j % n].extend(g)
    return [sorted(c, key=lambda it: (ORDER[it[0]], it[1])) for c in chunks]


def solve_chunk(spec, solver, options, tolerance, kinds, rel, ranges, items, deadline=None):
    """Compute one chunk's items in a fresh session (a worker process, a Dask worker, or this
    process) by ``deadline`` (``sensitivity_sweep.within``); ``None``: nothing done.
    ``ranges``: the inputs' search ranges found by the parent (``odds_inputs.Odds.ranges``)."""
    args = (spec, solver, options, tolerance, kinds, rel, ranges, items)
    return within(deadline, _solve_chunk, *args)


def _solve_chunk(spec, solver, options, tolerance, kinds, rel, ranges, items) -> ChunkOut:
    ses = OddsSession(spec, solver, options)
    ses.odds.ranges.update(ranges)  # no bisection again in every chunk
    mine = items_of(ses, kinds, rel, {sec for sec, _ in items})  # only the sections needed
    known: dict = {}  # this chunk's tipping points by (kind, target), for its tornado rows
    compute = {
        "tipping": lambda p: ses.tipping(p, tolerance),
        "thresholds": lambda co: ses.threshold(*co),
        "tornado": lambda it: ses.tornado_row(it, known),
    }
    out = ChunkOut()
    for sec in ORDER:
        pos = [i for s, i in items if s == sec]
        got, _ = each(pos, lambda i, sec=sec: (i, compute[sec](mine[sec][i])), str)
        out.done.update({(sec, i): r for i, r in got})
        out.left += [
            (sec, i, item_name(spec, sec, mine[sec][i])) for i in pos if (sec, i) not in out.done
        ]
        if sec == "tipping":
            known.update({(t.kind, t.target): t for _, t in got})
    out.solves = ses.run.solves
    out.warnings = list(ses.run.warnings)
    return out


def odds_sweep(spec, *, solver, options, tolerance, tornado_range, kinds, sections, executor=None):
    """``sensitivity_odds.odds_sensitivity`` with its re-solves in fixed chunks on
    ``executor`` (``None``: in this process), the same report for any number of workers."""
    t0 = time.perf_counter()
    options = one_thread(options)  # the same in every chunk, for any number of workers
    ses = OddsSession(spec, solver, options)  # the base package, reported
    rel = tornado_range
    items = items_of(ses, kinds, rel, sections)
    chunks = plan(items)
    args = (spec, solver, options, tolerance, kinds, rel, dict(ses.odds.ranges))
    outs = run_chunks(solve_chunk, args, chunks, executor)
    done, names, solves = gather(chunks, outs, lambda: labels(spec, items), ses.run.warnings)

    def of(sec: str) -> list:
        return [done[k] for k in sorted(done) if k[0] == sec]

    unfinished = [f"{k[0]}: {names[k]}" for k in sorted(names, key=lambda k: (ORDER[k[0]], k[1]))]
    prices, lp_obj = [], None
    if "shadow" in sections:
        got, left = each(["shadow prices"], lambda _: ses.shadow_prices())
        (prices, lp_obj), unfinished = got[0] if got else ([], None), unfinished + left
    parts = (of("tipping"), of("thresholds"), by_swing(of("tornado")), prices, lp_obj)
    return odds_report(ses, tolerance, rel, parts, ses.run.solves + solves, t0, unfinished)
