"""The parts of a problem: scenarios, resources, options, commitments, members, relations,
responses, parameters and general constraints (immutable; see ``model`` for the conventions).
Nothing here imports the rest of the engine."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Literal

Amount = float | tuple[float, ...]
RELATION_TYPES = (
    "requires",
    "excludes",
    "both_or_neither",
    "at_most",
    "at_least",
    "exactly",
    "force",
    "forbid",
)
RESOURCE_KINDS = ("per_year", "total")
SENSES = ("maximize", "minimize")


def _frozen_map(m: Mapping | None) -> Mapping:
    return MappingProxyType(dict(m or {}))


def _by_scenario(value) -> Mapping:
    """A value by scenario, frozen; a number alone is the same in every scenario (key ``*``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = {"*": value}
    return _frozen_map(value)


class _Pickled:
    """Pickled (and copied) as its constructor's arguments, a read-only mapping as the dict
    it wraps: ``MappingProxyType`` cannot be pickled, and a ``copyreg`` hook for it would
    change pickling for the whole process we are embedded in."""

    __slots__ = ()

    def __reduce__(self):
        args = (getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]
        return type(self), tuple(dict(a) if type(a) is MappingProxyType else a for a in args)


@dataclass(frozen=True)
class Scenario:
    """A possible future, with its probability."""

    id: str
    probability: float
    description: str = ""
    source: str = ""
    baseline: float = 0.0  # the scenario's value whatever the package (an outcome level)


@dataclass(frozen=True)
class Resource:
    """A limited resource. ``capacity`` holds one number per period for ``per_year``
    resources (``inf`` where a year has no limit) and a single number for ``total``."""

    id: str
    capacity: tuple[float, ...]
    unit: str = ""
    kind: Literal["per_year", "total"] = "per_year"
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class Option(_Pickled):
    """One way to fulfil a commitment: what it uses of each resource and what it is worth in
    each scenario, from a start year in ``start`` (first, last) or the first year."""

    id: str
    use: Mapping[str, Amount] = field(default_factory=dict)
    value: Mapping[str, Amount] = field(default_factory=dict)
    value_per_year: bool = False
    start: tuple[int, int] | None = None
    name: str = ""
    description: str = ""
    source: str = ""
    scores: Mapping[str, Amount] = field(default_factory=dict)  # criterion id -> amount

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, int | float | tuple | list) and not isinstance(value, bool):
            value = {"*": value}  # the same amount in every scenario; expanded by check_spec
        object.__setattr__(self, "use", _frozen_map(self.use))
        object.__setattr__(self, "value", _frozen_map(value))
        object.__setattr__(self, "scores", _frozen_map(self.scores))


@dataclass(frozen=True)
class Commitment:
    """A decision: at most one of its options is chosen (exactly one when ``required``).

    ``stage = 2`` makes it a conditional tranche: decided once the scenario is known, one
    choice per scenario (see ``optimizer.spec.tranches``)."""

    id: str
    options: tuple[Option, ...]
    name: str = ""
    description: str = ""
    group: str = ""
    source: str = ""
    required: bool = False
    stage: int = 1

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)


@dataclass(frozen=True)
class Member:
    """A commitment (any of its options) or one option of it."""

    commitment: str
    option: str | None = None

    def __str__(self) -> str:
        return self.commitment if self.option is None else f"{self.commitment}.{self.option}"

    @classmethod
    def parse(cls, text: str) -> Member:
        c, _, o = text.partition(".")
        return cls(c, o or None)


@dataclass(frozen=True)
class Relation:
    """A logical relation between commitments or options (one of ``RELATION_TYPES``)."""

    type: str
    members: tuple[Member, ...] = ()
    a: Member | None = None
    b: Member | None = None
    lag: int | None = None
    count: int | None = None
    id: str = ""
    description: str = ""
    source: str = ""

    def label(self) -> str:
        if self.id:
            return self.id
        if self.type == "requires":
            lag = f" (lag {self.lag})" if self.lag is not None else ""
            return f"{self.a} requires {self.b}{lag}"
        names = ", ".join(str(m) for m in self.members)
        if self.count is not None:
            return f"{self.type} {self.count} of [{names}]"
        return f"{self.type} [{names}]"


@dataclass(frozen=True)
class Response(_Pickled):
    """A quantity decided by the model: ``stage = 2`` (default) is a recourse decision, one
    variable per scenario, chosen once the scenario is known; ``stage = 1`` is decided now,
    one variable shared by all scenarios. ``value`` is per unit, by scenario (problem sense).
    Responses are not time-indexed and not discounted."""

    id: str
    value: Mapping[str, float] = field(default_factory=dict)
    stage: int = 2
    integer: bool = False
    lower: float = 0.0
    upper: float = math.inf
    unit: str = ""
    name: str = ""
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _by_scenario(self.value))


@dataclass(frozen=True)
class Parameter(_Pickled):
    """A named coefficient for constraint expressions: one number, or one per scenario."""

    id: str
    value: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _by_scenario(self.value))


@dataclass(frozen=True)
class Constraint:
    """A general linear constraint written as an expression, e.g.
    ``"yield_wheat * acres_wheat + buy_wheat - sell_wheat >= 200"``. It holds in every
    scenario (one row per scenario when it involves recourse or scenario-indexed values)."""

    id: str
    expr: str
    description: str = ""
    source: str = ""
