"""What the section builders share: numbers and units in sentences, package changes in
plain words, and the note an analysis leaves when it cannot run or disagrees with the
verified solution (or the one line that replaces a section whose analysis is not defined yet
for the problem)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, TypeVar

from ...errors import OptimizerError, UsageError
from .. import plots
from ..document import Figure, Note, Section
from ..number_format import fmt

log = logging.getLogger(__name__)
T = TypeVar("T")


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def choice_label(commitment: str, option: str, start: int | None) -> str:
    s = commitment if option == "yes" else f"{commitment}.{option}"
    return s if start is None else f"{s}@{start}"


def change_text(change) -> str:
    """A package change (``enter``/``leave`` column names ``c.o@year``) in plain words, one
    commitment at a time: ``defence_2pct: by_2032 instead of by_2025``, ``golden_dome: starts
    2028 instead of 2026``, ``adds humint.establish (from 2027)``, ``drops c202.amend``."""
    if change is None:
        return "-"

    def split(name: str) -> tuple[str, str, str]:
        c, _, rest = name.partition(".")
        o, _, y = rest.partition("@")
        return c, o, y

    enter = {c: (o, y) for c, o, y in map(split, change.enter)}
    leave = {c: (o, y) for c, o, y in map(split, change.leave)}
    order = list(dict.fromkeys([*(split(n)[0] for n in change.leave), *enter]))
    parts = []
    for c in order:
        if c in enter and c in leave:
            (o1, y1), (o2, y2) = leave[c], enter[c]
            if o1 == o2:
                parts.append(f"{c}: starts {y2} instead of {y1}")
            elif y1 == y2:
                parts.append(f"{c}: {o2} instead of {o1}")
            else:
                parts.append(f"{c}: {o2} from {y2} instead of {o1} from {y1}")
        elif c in enter:
            o, y = enter[c]
            name = c if o in ("", "yes") else f"{c}.{o}"
            parts.append(f"adds {name}" + (f" (from {y})" if y else ""))
        else:
            o, _ = leave[c]
            parts.append(f"drops {c if o in ('', 'yes') else f'{c}.{o}'}")
    return "; ".join(parts) if parts else "(same package)"


def _end(x: float) -> str | float:
    return "no limit" if math.isinf(x) else float(x)


def refusal(err: Exception) -> str | None:
    """The reason, when ``err`` is an analysis refusing a problem it is not defined for yet
    (:func:`optimizer.spec.tranches.refuse_tranches`); else ``None``."""
    text = str(getattr(err, "message", err))
    if isinstance(err, UsageError) and "not defined yet for problems with" in text:
        return " ".join(text.split())
    return None


def _failed(section: Section, what: str, err: Exception) -> None:
    reason = refusal(err)
    if reason is not None:  # not defined yet for this kind of problem: say so, carry on
        section.blocks.append(Note(f"{what} is not available: {reason}.", "note"))
        return
    if isinstance(err, OptimizerError):
        text = err.one_line()
    else:
        log.warning("%s failed", what, exc_info=err)
        text = f"{type(err).__name__}: {err}"
    section.blocks.append(Note(f"{what} could not be computed: {text}", "warning"))


def _num_text(x: float) -> str:
    """A number in a sentence, rounded as the report's tables round it (``tables.fmt``: two
    decimals from 0.1 up, ``75.99``, ``-108,390.00``; two significant digits below), so a
    number shown in a sentence and in a table is the same string."""
    x = float(x)
    if not math.isfinite(x):
        return "-inf" if x < 0 else "inf"
    return fmt(x)


def _exact_text(x: float) -> str:
    """A number where two close values must stay apart (a disagreement between analyses, in
    no table): up to twelve significant digits (``1``, ``-575.446``)."""
    x = float(x)
    if not math.isfinite(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:,.12g}"


def _unit_text(unit: str) -> str:
    return f" {unit}" if unit else ""


def _finite(x: float | None) -> Any:
    if x is None:
        return "-"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return float(x)


def attempt(
    section: Section,
    what: str,
    run: Callable[[], T],
    errors: type[Exception] | tuple[type[Exception], ...] = OptimizerError,
) -> T | None:
    """``run()``'s result; or, when it raises one of ``errors``, None and a note in ``section``
    saying why ``what`` is not shown (see ``_failed``)."""
    try:
        return run()
    except errors as e:
        _failed(section, what, e)
        return None


def scenario_values_figure(ids, probs, vals, expected: float, unit: str, alt: str) -> Figure:
    """The chart of the recommended package's value in each scenario, ``alt`` saying what it
    shows for readers without it."""
    return Figure(
        "scenario-values-chart",
        "Value of the recommended package by scenario",
        lambda: plots.scenario_chart(ids, probs, vals, expected, unit),
        alt,
    )


def _agrees(value: float | None, reference: float) -> bool:
    return value is not None and abs(value - reference) <= 1e-6 * max(1.0, abs(reference))


def _disagrees(sec: Section, what: str, value: float | None, reference: float) -> None:
    sec.blocks.append(
        Note(
            f"{what} is left out: it puts the value of the recommended package at "
            f"{_exact_text(value) if value is not None else 'infeasible'}, but the verified "
            f"solution's is {_exact_text(reference)}.",
            "warning",
        )
    )
