"""Which results of an analysis rest on a re-solve stopped at a limit (``--time-limit``)
before it proved optimality: such a re-solve gives an incumbent, not an optimum, so a tipping
point, a threshold, a tornado row or a frontier segment computed from it is not proven (nor
exact), and is marked so item by item.

A session counts its *doubts* (``doubts``): the re-solves that stopped unproven, and the reads
of a kept result that rests on one (an option's classes, a tipping point read by a tornado
row, the envelopes or walks a tranche tipping point leaves). ``watch`` takes the count before
an item is computed; the item is proven when the count has not moved and the base package
itself was proven. The mark travels with the result (``proven`` on each result type), so it
survives the sweeps' worker processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..errors import LimitError, SolverError

NOTE = (
    "not proven: a re-solve it rests on stopped at the per-solve time limit (--time-limit) "
    "before proving optimality; it is only as good as the package found"
)
MARK = " *"  # after an item's name in a table (the legend in the header)


def watch(ses) -> Callable[[], bool]:
    """A test, to call once the item is computed, of whether it is proven: no doubt since
    now, and the base package proven (``ses.doubts``, ``ses.base_proven``)."""
    start = ses.doubts
    return lambda: bool(getattr(ses, "base_proven", True)) and ses.doubts == start


def mark(result: Any, proven: bool) -> Any:
    """``result`` with ``proven=False`` unless ``proven``."""
    return result if proven else replace(result, proven=False)


def limited(ses, start: int, what: str, err: SolverError) -> SolverError:
    """The error to raise when ``what``'s search failed (``err``) after re-solves stopped at
    the per-solve time limit (the doubts moved from ``start``): it says so, and how to avoid it;
    otherwise ``err`` itself."""
    if ses.doubts == start and not isinstance(err, LimitError):
        return err
    if "--time-limit" in str(err):  # it says so already (``solvers.resolve_search.Runner``)
        return LimitError(f"{what}: {err}; raise --time-limit (or leave it out)")
    return LimitError(
        f"{what}: {err}, after re-solves stopped at the per-solve time limit (--time-limit) "
        "before proving optimality; raise --time-limit (or leave it out) for this analysis"
    )
