"""The frontier of a problem with conditional tranches (``frontier_tranches``) on an executor:
the Pareto front against the offer's use (``frontier_tranche_front``) runs as one task while
this process walks the capacity range, as the plain frontier's fronts do (``frontier_sweep``).

The front loads the problem in a fresh ``OfferSolver`` and reads nothing of the walk's
solves: it makes the same solves, in the same order and with the same options, as in this
process, so the output is the same for any number of workers (``solves`` too: the worker
does not solve the problem as given). With a ``--max-time`` budget the task gets the
wall-clock deadline; a front not back by then (and ``GRACE``), or cut short by it, is named
unfinished.

The front is small: on the flagship's fiscal frontier it is 7 of the 32 solves (0.3 s
against the walk's 2 s in this process), less than a local worker's start (spawn and imports,
about 1 s of CPU), so on a busy 2-core machine ``--workers 2`` measured slower than no option
(3.95 s against 3.14 s, medians of 3 interleaved rounds under load 3.7-4). A cluster's
running workers do not pay that start, but connecting to it costs too: ``--scheduler`` on a
local 2-worker Dask cluster took 4.5 s against 3.8 s (one run each, the same output).

The capacity walk stays in this process. Cutting it into fixed factor ranges, each walked by
a worker in a fresh ``OfferSolver`` and the segments joined, was measured and does not pay:
the flagship's fiscal frontier has its 22 breakpoints within [0.88, 0.92] of the range
[0.5, 1.5], so of 8 equal parts one makes 24 of the 31 solves (2.25 s on 2 workers against
2.29 s for all parts in turn, before the workers' start), and the command took 8.1 s on 2
workers against 4.5 s in this process (medians of 3 interleaved rounds under load 2-4). The
joined segments equalled the walk's here, offers included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import wait

from solvers.deadline import remaining

from .frontier_tranche_front import front
from .offer_envelope import OfferSolver
from .sensitivity_sweep import GRACE, within


def front_task(spec, solver, options, resource, tolerance, max_points, deadline=None):
    """``front`` in a fresh session (a worker process or a Dask worker) by ``deadline``
    (wall-clock seconds); ``None``: not finished within it."""
    return within(deadline, _front, spec, solver, options, resource, tolerance, max_points)


def _front(spec, solver, options, resource, tolerance, max_points):
    ses = OfferSolver(spec, solver, options, probing=False, base=False)
    return front(spec, resource, ses, tolerance=tolerance, max_points=max_points)


def start_front(
    spec, resource: str, *, solver, options, tolerance, max_points: int, executor
) -> Callable[[], object]:
    """Submit the front to ``executor`` now; the function returned waits for it and gives the
    ``ParetoFront`` (``None`` when not back by the deadline). An error in the front is
    raised there."""
    left = remaining()
    deadline = None if left is None else time.time() + left
    args = (spec, solver, options, resource, tolerance, max_points, deadline)
    future = executor.submit(front_task, *args)

    def collect():
        left = remaining()
        done, _ = wait([future], None if left is None else left + GRACE)
        if not done:
            future.cancel()
            return None
        return future.result()

    return collect
