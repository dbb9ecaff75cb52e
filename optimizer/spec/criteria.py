"""Several criteria: the ``[[criteria]]`` section, option ``scores``, and their checks.

The expected value is always the criterion ``expected`` (in the problem's sense); a
``[[criteria]]`` entry with ``id = "expected"`` may only name it and give it a weight.
A score is a number (counted once, in the start year) or a profile by year since the start
(summed over the years inside the horizon); scores are not discounted. A missing score is 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, did_you_mean

EXPECTED = "expected"
CRITERION_KEYS = ("id", "name", "unit", "sense", "weight", "description", "source")


@dataclass(frozen=True)
class Criterion:
    """A criterion a package is judged on besides (or as well as) its expected value."""

    id: str
    sense: str = "maximize"
    name: str = ""
    unit: str = ""
    weight: float | None = None
    description: str = ""
    source: str = ""


def read_criteria(reader: Any, raw: Any) -> tuple[Criterion, ...]:
    """The ``[[criteria]]`` list of a document (``reader`` is a ``parse.Reader``)."""
    from .read_base import join

    out = []
    for i, t in enumerate(reader.list_of_tables(raw, "criteria")):
        path = join("criteria", i)
        reader.keys(t, CRITERION_KEYS, path, required=("id",))
        out.append(
            Criterion(
                id=reader.ident(t["id"], join(path, "id")),
                sense=reader.text(t, "sense", path, "maximize"),
                name=reader.text(t, "name", path),
                unit=reader.text(t, "unit", path),
                weight=reader.number(t["weight"], join(path, "weight")) if "weight" in t else None,
                description=reader.text(t, "description", path),
                source=reader.text(t, "source", path),
            )
        )
    return tuple(out)


def read_scores(reader: Any, raw: Any, path: str) -> dict:
    """An option's ``scores``: criterion id -> a number or a profile (distributions allowed)."""
    return reader.amounts(raw, path, "scores by criterion")


def criterion_ids(spec) -> list[str]:
    """Every criterion of ``spec``: ``expected`` first, then the declared ones."""
    return [EXPECTED] + [c.id for c in spec.criteria if c.id != EXPECTED]


def check_criteria(spec) -> None:
    """Raise ``InputError`` (with the location) for a bad criterion or score."""
    seen: dict[str, int] = {}
    for i, c in enumerate(spec.criteria):
        path = f"criteria[{i}]"
        if c.id in seen:
            raise InputError(
                f"duplicate criterion id '{c.id}' (also at [{seen[c.id]}])", path=f"{path}.id"
            )
        seen[c.id] = i
        if c.sense not in ("maximize", "minimize"):
            raise InputError(
                f"unknown sense '{c.sense}'; allowed: maximize, minimize", path=f"{path}.sense"
            )
        if c.id == EXPECTED and c.sense != spec.sense:
            raise InputError(
                f"the criterion 'expected' is the expected value: its sense is the problem's "
                f"('{spec.sense}'), got '{c.sense}'",
                path=f"{path}.sense",
            )
        w = c.weight
        if w is not None and (not isinstance(w, int | float) or not math.isfinite(w) or w < 0):
            raise InputError(f"expected a weight >= 0, got {w!r}", path=f"{path}.weight")
    known = set(criterion_ids(spec)) - {EXPECTED}
    for i, com in enumerate(spec.commitments):
        for j, o in enumerate(com.options):
            scores = getattr(o, "scores", None) or {}
            if not isinstance(scores, Mapping):
                raise InputError(
                    f"expected a table of scores by criterion, got {scores!r}",
                    path=f"commitments[{i}].options[{j}].scores",
                )
            for cid, amount in scores.items():
                where = f"commitments[{i}].options[{j}].scores.{cid}"
                if cid not in known:
                    hint = did_you_mean(cid, known) or (
                        f"; declared: {', '.join(sorted(known))}"
                        if known
                        else "; declare it in [[criteria]]"
                    )
                    raise InputError(f"unknown criterion '{cid}'{hint}", path=where)
                if com.stage != 1:
                    raise InputError(
                        "scores on a conditional tranche (stage 2) are not supported", path=where
                    )
                _check_score(amount, where, spec.n_periods)


def _check_score(amount: Any, where: str, n_periods: int) -> None:
    """A score as ``use`` and ``value`` amounts are checked: finite numbers, a profile no longer
    than the horizon, and magnitudes below ``LARGEST`` (1e15; a score is a coefficient)."""
    from .magnitude import LARGEST

    profile = isinstance(amount, tuple | list)
    if profile and len(amount) > n_periods:
        raise InputError(
            f"a profile of {len(amount)} years is longer than the {n_periods}-year horizon",
            path=where,
        )
    for i, v in enumerate(amount if profile else (amount,)):
        at = f"{where}[{i}]" if profile else where
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(f"expected a finite number, got {v!r}", path=at)
        if abs(v) >= LARGEST:
            raise InputError(
                f"score {v:.6g} is beyond what the solvers handle: magnitudes must stay below "
                f"{LARGEST:.0e}; rescale its units",
                path=at,
            )


def score_total(amount: Any, start_period: int, n_periods: int) -> float:
    """What one score adds to its criterion when its option starts in ``start_period``."""
    if isinstance(amount, tuple | list):
        return float(sum(amount[: max(0, n_periods - start_period)]))
    return float(amount)
