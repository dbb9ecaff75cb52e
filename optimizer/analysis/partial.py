"""Analyses under a time budget (``--max-time``, ``solvers.deadline``): compute items while
the budget lasts, and name the ones left unfinished.

An item whose computation ends after the deadline is counted unfinished too: a solve inside
it may have been cut short by the budget, so its result is not used (an incumbent is never
reported as an optimum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from solvers.deadline import expired

from ..errors import SolverError

NOTE = "unfinished: stopped at the time budget"


class BudgetStop(KeyboardInterrupt):
    """Raised inside a draw loop when the budget is spent: the loop's Ctrl-C path stops it
    and keeps the draws done (``interrupted``; the command tells the two apart)."""


def stop_if_spent() -> None:
    """Raise ``BudgetStop`` once the budget is spent (inside a draw loop)."""
    if expired():
        raise BudgetStop


def each(
    items: Iterable[Any], compute: Callable[[Any], Any], name: Callable[[Any], str] = str
) -> tuple[list[Any], list[str]]:
    """``compute(item)`` for each item while the budget lasts.

    Returns ``(done, pending)``: the results of the items finished within the budget, in
    order, and the names of the others. Without a budget every item is computed.
    """
    done: list[Any] = []
    pending: list[str] = []
    for item in items:
        if expired():
            pending.append(name(item))
            continue
        try:
            out = compute(item)
        except SolverError:  # a limit reached because the budget cut a solve short
            if not expired():
                raise
            pending.append(name(item))
            continue
        if expired():
            pending.append(name(item))
        else:
            done.append(out)
    return done, pending


def unfinished_of(result) -> tuple[str, ...] | None:
    """The items ``result`` names as unfinished; ``None`` when the analysis does not track
    them (then the whole result is unfinished if the budget ran out)."""
    items = getattr(result, "unfinished", None)
    return None if items is None else tuple(items)


def completion(result) -> tuple[bool, list[str]]:
    """``(complete, unfinished items)`` of an analysis result once its command has run."""
    items = unfinished_of(result)
    if items is None and hasattr(result, "n_requested"):  # Monte Carlo: the draws not done
        n, done = result.n_requested, result.n_done
        items = () if done >= n else (f"draws {done + 1}..{n} of {n}",)
    if items is None:
        if not expired():
            return True, []
        return False, ["(the analysis as a whole: it ran past the time budget)"]
    return not items, list(items)
