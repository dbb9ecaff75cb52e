"""The results of ``optimizer sensitivity``: tipping points, what-would-it-take thresholds,
tornado rows, LP shadow prices and the report that holds them (each with ``to_dict``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from solvers.resolve import Change

from ..frames_api import Frames


def _num(x: float | None) -> float | None:
    """JSON-safe number: None for infinities and NaN, float noise rounded away."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.12g}") if x != 0 else 0.0


TRANCHE_METHOD = (
    "conditional tranches: packages are offers, each valued with its tranches re-optimised "
    "per scenario; tipping points exact (envelopes of lines for objective inputs; for "
    "capacities, the exact step functions of the capacity walk); no LP shadow prices"
)


def _proven(proven: bool) -> dict[str, Any]:
    """``proven`` in an item's JSON, with the reason when it is not (``proven.NOTE``)."""
    from .proven import NOTE

    return {"proven": True} if proven else {"proven": False, "note": NOTE}


# ---- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TippingPoint:
    """The interval of one input over which the optimal package stays the same.

    ``lower``/``upper`` are the ends; ``below``/``above`` the package that takes over past
    each end (None: no change up to the end of the searched range, which is then the end;
    an infinite end means no limit). ``tolerance`` is 0 where both ends are exact; otherwise
    a breakpoint lies within ``tolerance`` inside the reported end (for a capacity, below
    ``upper``: ``lower`` is exact).
    """

    parameter: str
    kind: str
    target: str
    unit: str
    base: float
    lower: float
    upper: float
    below: Change | None
    above: Change | None
    tolerance: float
    solves: int
    below_infeasible: bool = False
    searched: tuple[float, float] = (-math.inf, math.inf)
    proven: bool = True  # False: a re-solve it rests on stopped unproven (``proven``)

    @property
    def exact(self) -> bool:
        return self.tolerance == 0 and self.proven

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "kind": self.kind,
            "target": self.target,
            "unit": self.unit,
            "base": _num(self.base),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "below": None if self.below is None else self.below.to_dict(),
            "above": None if self.above is None else self.above.to_dict(),
            "below_infeasible": self.below_infeasible,
            "exact": self.exact,
            "tolerance": self.tolerance,
            "searched": [_num(self.searched[0]), _num(self.searched[1])],
            "solves": self.solves,
            **_proven(self.proven),
        }


@dataclass(frozen=True)
class Threshold:
    """What would it take: the change in an option's value (the same in every scenario, so
    also its expected value) that brings it into the optimal package or drops it."""

    option: str
    chosen: bool
    change: float | None  # None: no change of value does it (constraints decide)
    unit: str
    basis: str  # "one-off", "per year" or "" (single period)
    package: Change | None
    solves: int
    proven: bool = True  # False: a re-solve it rests on stopped unproven (``proven``)

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "chosen": self.chosen,
            "change": _num(self.change),
            "unit": self.unit,
            "basis": self.basis,
            "package": None if self.package is None else self.package.to_dict(),
            "solves": self.solves,
            **_proven(self.proven),
        }


@dataclass(frozen=True)
class TornadoRow:
    input: str
    kind: str
    low: float
    high: float
    value_low: float
    value_high: float
    changes_low: Change | None
    changes_high: Change | None
    # "x": low and high are factors on the input's base (option values, capacities);
    # otherwise the input's own unit ("" for probabilities)
    unit: str = ""
    # with conditional tranches: the base offer's value, its tranches re-optimised at low/high
    offer_low: float | None = None
    offer_high: float | None = None
    proven: bool = True  # False: a re-solve it rests on stopped unproven (``proven``)

    @property
    def factor(self) -> bool:
        """Whether low and high are multipliers of the base ("0.8 x base")."""
        return self.unit == "x"

    @property
    def swing(self) -> float:
        return abs(self.value_high - self.value_low)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "kind": self.kind,
            "low": _num(self.low),
            "high": _num(self.high),
            "value_low": _num(self.value_low),
            "value_high": _num(self.value_high),
            "swing": _num(self.swing),
            "package_changes_low": None if self.changes_low is None else self.changes_low.to_dict(),
            "package_changes_high": (
                None if self.changes_high is None else self.changes_high.to_dict()
            ),
            "unit": self.unit,
            **(
                {"offer_value_low": _num(self.offer_low), "offer_value_high": _num(self.offer_high)}
                if self.offer_low is not None or self.offer_high is not None
                else {}
            ),
            **_proven(self.proven),
        }


@dataclass(frozen=True)
class ShadowPrice:
    """Row dual of a resource row in the LP relaxation: objective change per unit."""

    resource: str
    year: int | None
    capacity: float
    used: float
    price: float
    unit: str

    def sentence(self, value_unit: str, sense: str = "maximize") -> str:
        where = self.resource if self.year is None else f"{self.resource} in {self.year}"
        unit = f" {self.unit}" if self.unit else ""
        vu = f" {value_unit}" if value_unit else ""
        if sense == "maximize":
            effect = f"is worth {self.price:.4g}{vu}"
        else:
            effect = f"changes the cost by {self.price:+.4g}{vu}"
        return f"one more{unit} of {where} {effect} in the LP relaxation"

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "year": self.year,
            "capacity": _num(self.capacity),
            "lp_use": _num(self.used),
            "lp_shadow_price": _num(self.price),
            "unit": self.unit,
        }


UNPROVEN_BASE = (
    "the package is not proven optimal: its solve stopped at a limit (status time_limit); "
    "every figure here is relative to it"
)


@dataclass(frozen=True)
class SensitivityReport(Frames):
    problem: str
    sense: str
    value_unit: str
    package: tuple[str, ...]
    expected: float
    tolerance: float
    tipping: tuple[TippingPoint, ...]
    thresholds: tuple[Threshold, ...]
    tornado: tuple[TornadoRow, ...]
    tornado_range: float
    shadow_prices: tuple[ShadowPrice, ...]
    lp_objective: float | None
    solves: int
    solver: str
    time_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # what is computed, where it differs from the plain problem
    offers: bool = False  # conditional tranches: the package is the offer (see the notes)
    unfinished: tuple[str, ...] | None = None  # --max-time: items not computed (partial.py)
    status: str = "optimal"  # the package's: time_limit when its solve stopped unproven

    def __post_init__(self) -> None:
        if self.status != "optimal" and UNPROVEN_BASE not in self.warnings:
            object.__setattr__(self, "warnings", (UNPROVEN_BASE, *self.warnings))

    def unproven(self) -> int:
        """How many items rest on a re-solve stopped unproven (``proven``)."""
        items = (*self.tipping, *self.thresholds, *self.tornado)
        return sum(not getattr(t, "proven", True) for t in items)

    def unproven_note(self) -> str:
        """What the method's claims of exactness do not cover."""
        return (
            f'{self.unproven()} item(s) marked "proven": false are neither exact nor proven: '
            "a re-solve each rests on stopped at the per-solve time limit (--time-limit) "
            "before proving optimality; the exactness above holds for the others only"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "problem": self.problem,
            "sense": self.sense,
            "value_unit": self.value_unit,
            "package": list(self.package),
            "status": self.status,
            "expected": _num(self.expected),
            "method": {
                "probabilities": "exact (line intersection, each verified by a re-solve)",
                "values": (
                    "exact (upper envelope of the best package of each class: packages choosing "
                    "each of the option's columns, or none)"
                ),
                "capacities": (
                    "lower end exact (the base package's own use); upper end located to the "
                    "stated tolerance (relative): the reported point is the exact capacity at "
                    "which the package taking over fits, and the breakpoint lies within the "
                    "tipping point's tolerance below it"
                ),
                "tolerance": self.tolerance,
                **({"offers": TRANCHE_METHOD} if self.offers else {}),
                **({"not_proven": self.unproven_note()} if self.unproven() else {}),
            },
            "tipping_points": [t.to_dict() for t in self.tipping],
            "what_would_it_take": [t.to_dict() for t in self.thresholds],
            "tornado": {"range": self.tornado_range, "rows": [r.to_dict() for r in self.tornado]},
            "lp_relaxation": {
                "note": "shadow prices are row duals of the LP relaxation, not of the integer problem",
                "objective": _num(self.lp_objective),
                "shadow_prices": [
                    {**s.to_dict(), "sentence": s.sentence(self.value_unit, self.sense)}
                    for s in self.shadow_prices
                ],
            },
            "solves": self.solves,
            "solver": self.solver,
            "time_s": round(self.time_s, 6),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def by_swing(rows: list[TornadoRow]) -> list[TornadoRow]:
    """Tornado rows, largest swing first (an undefined swing on top)."""
    return sorted(rows, key=lambda r: (-(r.swing if math.isfinite(r.swing) else math.inf), r.input))
