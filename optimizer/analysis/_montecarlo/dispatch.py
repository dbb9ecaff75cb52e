"""Running a Monte Carlo run's draws: stages of doubling size, chunks in this process or on an
executor (guided sizes, two per worker in flight), the --max-time deadline and Ctrl-C."""

from __future__ import annotations

import math
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait

import numpy as np

from solvers.deadline import expired, remaining

from ..partial import BudgetStop
from .drawn import Drawn
from .loaded import ANCHOR_LIMIT, FIRST_STAGE, OK, Anchors
from .setup import Setup
from .tally import Tally

MIN_CHUNK, MAX_CHUNK = 4, 256


def stage_bounds(n: int, first: int = FIRST_STAGE) -> list[tuple[int, int]]:
    """Stages of doubling size: [0, 32), [32, 96), [96, 224), ..."""
    out, lo, size = [], 0, first
    while lo < n:
        out.append((lo, min(n, lo + size)))
        lo += size
        size *= 2
    return out


def _anchors(lo, status, bounds, drawn: Drawn, deltas, probs, cache, stage_no) -> Anchors:
    """Up to ANCHOR_LIMIT proven draws of the stages before ``lo``, evenly spread."""
    done = np.nonzero((status[:lo] == OK) & np.isfinite(bounds[:lo]))[0]
    if done.size > ANCHOR_LIMIT:
        done = done[np.linspace(0, done.size - 1, ANCHOR_LIMIT).round().astype(int)]
    C, nest = [], []
    for d in done:
        if d not in cache:
            dd = drawn.at(deltas[d], probs[d])
            cache[int(d)] = (dd.c, drawn.nest(dd))
        C.append(cache[int(d)][0])
        nest.append(cache[int(d)][1])
    n, k = drawn.n, drawn.nest_dir.size
    return Anchors(
        token=f"{id(cache)}:{stage_no}",
        C=np.array(C, dtype=float).reshape(done.size, n),
        b=bounds[done].astype(float),
        nest=np.array(nest, dtype=float).reshape(done.size, k),
    )


def run_draws(
    s: Setup,
    t: Tally,
    executor: Executor | None,
    workers: int,
    chunk_size: int | None,
    fresh: dict[int, Future],
) -> tuple[int, bool]:
    """Solve every draw into ``t``, stage by stage: (chunks sent, whether Ctrl-C stopped the
    run). On Ctrl-C the chunks in flight and the fresh solves are cancelled, and those already
    finished are taken; ``BudgetStop`` is raised when --max-time runs out."""
    n = t.n
    n_chunks = 0
    anchor_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    pending: set[Future] = set()
    try:
        stages = [(0, n)] if s.by_enum or s.exact else stage_bounds(n)
        for stage_no, (lo, hi) in enumerate(stages):
            pool = t.pool()
            # The LP-bound step: decided from earlier stages only, the same whatever the workers.
            lp_mode = t.lp_mode(lo, stages[max(0, stage_no - 1)][0])
            anchors = None
            if not s.exact:
                args = (t.status, t.bounds, s.drawn, s.deltas, s.probs, anchor_cache, stage_no)
                anchors = _anchors(lo, *args)
            if executor is None:
                size = chunk_size or max(4, min(256, math.ceil((hi - lo) / (4 * max(1, workers)))))
                size = size if remaining() is None else min(size, 8)  # --max-time: lose little
                for a in range(lo, hi, size):
                    idx = np.arange(a, min(hi, a + size))
                    n_chunks += 1
                    fn, args = s.job(idx, pool, lp_mode, anchors)
                    out = fn(*args)
                    if expired():  # --max-time: solves in this chunk may have been cut short
                        raise BudgetStop
                    t.take(out)
                continue
            # Guided chunks: 1/(2 workers) of what is left in the stage, down to MIN_CHUNK
            # draws, with two chunks per worker in flight, so no worker waits for long at
            # the end of a stage. (How draws are cut into chunks never changes a result.)
            nxt = lo
            while nxt < hi or pending:
                while nxt < hi and len(pending) < 2 * max(1, workers):
                    size = chunk_size or min(
                        MAX_CHUNK, max(MIN_CHUNK, math.ceil((hi - nxt) / (2 * max(1, workers))))
                    )
                    idx = np.arange(nxt, min(hi, nxt + size))
                    nxt = int(idx[-1]) + 1
                    n_chunks += 1
                    fn, args = s.job(idx, pool, lp_mode, anchors)
                    pending.add(executor.submit(fn, *args))
                if expired():  # --max-time: the draws done stand (partial.py)
                    raise BudgetStop
                finished, pending = wait(pending, remaining(), return_when=FIRST_COMPLETED)
                for f in finished:
                    t.take(f.result())
            # first_seen is per stage complete: the pool order is now deterministic
    except KeyboardInterrupt:
        for f in [*pending, *fresh.values()]:
            f.cancel()
        for f in list(pending):
            if f.done() and not f.cancelled() and f.exception() is None:
                t.take(f.result())
        return n_chunks, True
    return n_chunks, False
