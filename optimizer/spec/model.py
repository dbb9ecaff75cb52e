"""The validated, immutable problem description (``ProblemSpec``) and its parts.

These are the objects the file loader builds and the objects a Python user builds by hand;
both go through :func:`optimizer.spec.validate.check_spec`, so an object built in code is held to
the same rules as a file. Nothing here imports the rest of the engine.

Conventions
-----------
* ``years`` is ``(first, last)`` inclusive, or ``None`` for a single-period problem
  (then there is one period, labelled ``None``).
* A *use* or *value* amount is either a float (the same amount in every year from the start
  year to the end of the horizon) or a tuple of floats (a profile by year since the start,
  0 after it). Against a ``total`` resource a float is a one-off amount at the start year.
* ``value`` maps scenario id to amount; a scenario that is missing is worth 0.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .items import (  # noqa: F401
    RELATION_TYPES,
    RESOURCE_KINDS,
    SENSES,
    Amount,
    Commitment,
    Constraint,
    Member,
    Option,
    Parameter,
    Relation,
    Resource,
    Response,
    Scenario,
    _frozen_map,
)


@dataclass(frozen=True)
class ProblemSpec:
    """A whole problem: commitments, scenarios, resources, relations and the horizon."""

    name: str
    commitments: tuple[Commitment, ...]
    scenarios: tuple[Scenario, ...] = (Scenario("base", 1.0),)
    resources: tuple[Resource, ...] = ()
    relations: tuple[Relation, ...] = ()
    responses: tuple[Response, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    title: str = ""
    description: str = ""
    years: tuple[int, int] | None = None
    discount_rate: float = 0.0
    sense: Literal["maximize", "minimize"] = "maximize"
    value_unit: str = ""
    source: str = ""
    origin: str = ""
    sha256: str = ""
    # uncertain inputs (``optimizer.spec.uncertain.Uncertain``): numbers given as distributions;
    # the numbers above hold their point values
    uncertain: tuple = ()
    # decision-dependent probabilities (``optimizer.spec.shifts.Shift``)
    shifts: tuple = ()
    criteria: tuple = ()  # ``optimizer.spec.criteria.Criterion``: criteria beside ``expected``

    # ---- derived views ---------------------------------------------------------------
    def _repr_html_(self) -> str:  # what Jupyter shows (optimizer.spec.display)
        from .display import problem_html

        return problem_html(self)

    @property
    def n_periods(self) -> int:
        return 1 if self.years is None else self.years[1] - self.years[0] + 1

    @property
    def period_labels(self) -> tuple[int | None, ...]:
        if self.years is None:
            return (None,)
        return tuple(range(self.years[0], self.years[1] + 1))

    @property
    def first_year(self) -> int:
        return 0 if self.years is None else self.years[0]

    def commitment(self, commitment_id: str) -> Commitment:
        for c in self.commitments:
            if c.id == commitment_id:
                return c
        raise KeyError(commitment_id)

    def resource(self, resource_id: str) -> Resource:
        for r in self.resources:
            if r.id == resource_id:
                return r
        raise KeyError(resource_id)

    def start_window(self, option: Option) -> tuple[int, int]:
        """Start years as period indices (0-based), inclusive."""
        if option.start is None or self.years is None:
            return (0, 0)
        return (option.start[0] - self.first_year, option.start[1] - self.first_year)

    # ---- building in code -----------------------------------------------------------
    @classmethod
    def build(
        cls,
        name: str,
        commitments: Iterable[Commitment],
        *,
        scenarios: Mapping[str, float] | Iterable[Scenario] | None = None,
        resources: Iterable[Resource] = (),
        relations: Iterable[Relation] = (),
        years: tuple[int, int] | None = None,
        **fields,
    ) -> ProblemSpec:
        """A validated problem built in code, with the file format's conveniences.

        ``scenarios`` may map id to probability (``{"good": 0.6, "bad": 0.4}``); a resource's
        ``capacity`` may be a number (the same limit every year; for a ``total`` resource,
        the limit over the horizon) or ``{year: number}`` (a year left out has no limit), as
        in a file; a relation's members may be given as text (``"a"``, ``"a.big"``). Other
        keyword arguments are ``ProblemSpec`` fields (``title``, ``discount_rate``,
        ``value_unit``, ``responses``, ...). Raises ``InputError`` like the file loader.

        >>> spec = ProblemSpec.build(
        ...     "demo",
        ...     [Commitment("a", (Option("yes", use={"budget": 2}, value=5),))],
        ...     resources=[Resource("budget", capacity=3)],
        ... )
        >>> spec.resources[0].capacity
        (3.0,)
        """
        from .bulk import CommitmentTable
        from .validate import check_spec

        first = years[0] if years is not None else 0
        n = 1 if years is None else years[1] - years[0] + 1

        def capacity(r: Resource) -> Resource:
            cap = r.capacity
            if isinstance(cap, Mapping):
                per = [math.inf] * n
                for year, v in cap.items():
                    k = int(year) - first
                    if years is None or not 0 <= k < n:
                        from ..errors import InputError

                        raise InputError(
                            f"capacity year {year} is outside the horizon", path=f"resources.{r.id}"
                        )
                    per[k] = float(v)
                cap = tuple(per)
            elif isinstance(cap, int | float) and not isinstance(cap, bool):
                cap = (float(cap),) * (1 if r.kind == "total" else n)
            else:
                cap = tuple(float(c) for c in cap)
            return dataclasses.replace(r, capacity=cap)

        def member(m: Member | str | None) -> Member | None:
            return Member.parse(m) if isinstance(m, str) else m

        def relation(r: Relation) -> Relation:
            return dataclasses.replace(
                r, a=member(r.a), b=member(r.b), members=tuple(member(m) for m in r.members)
            )

        if scenarios is None:
            scen: tuple[Scenario, ...] = (Scenario("base", 1.0),)
        elif isinstance(scenarios, Mapping):
            scen = tuple(Scenario(k, float(p)) for k, p in scenarios.items())
        else:
            scen = tuple(scenarios)
        spec = cls(
            name=name,
            commitments=commitments  # columns already validated: kept as they are
            if isinstance(commitments, CommitmentTable)
            else tuple(dataclasses.replace(c, options=tuple(c.options)) for c in commitments),
            scenarios=scen,
            resources=tuple(capacity(r) for r in resources),
            relations=tuple(relation(r) for r in relations),
            years=None if years is None else (int(years[0]), int(years[1])),
            **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()},
        )
        return check_spec(spec)

    @classmethod
    def from_arrays(cls, name: str, commitment, **columns) -> ProblemSpec:
        """A validated problem from one array entry per option (``optimizer.spec.bulk_build``)."""
        from .bulk_build import from_arrays

        return from_arrays(cls, name, commitment, **columns)

    # ---- modified copies (the Python API's way to change a problem without files) ----
    def replace(self, **changes) -> ProblemSpec:
        from .validate import check_spec

        return check_spec(dataclasses.replace(self, sha256="", **changes))

    def with_capacity(self, resource_id: str, capacity: float | Mapping[int, float]) -> ProblemSpec:
        """A copy with one resource's capacity changed (a number, or ``{year: number}``)."""
        self.resource(resource_id)
        new = []
        for r in self.resources:
            if r.id != resource_id:
                new.append(r)
                continue
            if isinstance(capacity, Mapping):
                cap = list(r.capacity)
                for year, v in capacity.items():
                    cap[year - self.first_year] = float(v)
                new.append(dataclasses.replace(r, capacity=tuple(cap)))
            else:
                n = 1 if r.kind == "total" else self.n_periods
                new.append(dataclasses.replace(r, capacity=(float(capacity),) * n))
        return self.replace(resources=tuple(new))

    def scaled_capacity(self, resource_id: str, factor: float) -> ProblemSpec:
        r = self.resource(resource_id)
        cap = tuple(c * factor for c in r.capacity)
        res = tuple(
            dataclasses.replace(x, capacity=cap) if x.id == r.id else x for x in self.resources
        )
        return self.replace(resources=res)

    def with_relations(self, *relations: Relation) -> ProblemSpec:
        return self.replace(relations=self.relations + tuple(relations))

    def force(self, *members: str) -> ProblemSpec:
        """A copy in which each ``commitment`` or ``commitment.option`` must be chosen."""
        ms = _members(members, "--force")
        return self.with_relations(Relation("force", members=ms, id="force " + ", ".join(members)))

    def forbid(self, *members: str) -> ProblemSpec:
        """A copy in which none of the given commitments or options may be chosen."""
        ms = _members(members, "--forbid")
        return self.with_relations(
            Relation("forbid", members=ms, id="forbid " + ", ".join(members))
        )

    def only_scenario(self, scenario_id: str) -> ProblemSpec:
        """The problem as if ``scenario_id`` were certain (for wait-and-see solutions)."""
        sc = next(s for s in self.scenarios if s.id == scenario_id)

        def keep(m: Mapping[str, Amount]) -> dict[str, Amount]:
            return {k: v for k, v in m.items() if k == scenario_id}

        return self._map_scenario_values(keep).replace(
            scenarios=(dataclasses.replace(sc, probability=1.0),)
        )

    def _map_scenario_values(self, fn) -> ProblemSpec:
        """A copy (not yet validated) with ``fn`` applied to every by-scenario mapping."""
        commitments = tuple(
            dataclasses.replace(
                c, options=tuple(dataclasses.replace(o, value=fn(o.value)) for o in c.options)
            )
            for c in self.commitments
        )
        return dataclasses.replace(
            self,
            uncertain=(),
            commitments=commitments,
            responses=tuple(dataclasses.replace(r, value=fn(r.value)) for r in self.responses),
            parameters=tuple(dataclasses.replace(q, value=fn(q.value)) for q in self.parameters),
        )

    def mean_scenario(self, scenario_id: str = "mean") -> ProblemSpec:
        """The expected-value (EV) problem: one scenario whose every scenario-indexed number
        (option values, response values and bounds, parameters) is the probability-weighted
        mean of the original's."""
        probs = [(s.id, s.probability) for s in self.scenarios]
        T = self.n_periods

        def avg(m: Mapping[str, Amount], recurring: bool = False) -> dict[str, Amount]:
            """Mean amount; mixing a recurring number with a profile averages year by year."""
            if not m:
                return {}
            amounts = [m.get(sid, 0.0) for sid, _ in probs]
            if not any(isinstance(a, tuple) for a in amounts):
                return {scenario_id: sum(pr * a for (_, pr), a in zip(probs, amounts, strict=True))}
            prof = [0.0] * T
            for (_, pr), a in zip(probs, amounts, strict=True):
                seq = a if isinstance(a, tuple) else ((a,) * T if recurring else (a,))
                for k, x in enumerate(seq):
                    prof[k] += pr * x
            return {scenario_id: tuple(prof)}

        commitments = tuple(
            dataclasses.replace(
                c,
                options=tuple(
                    dataclasses.replace(o, value=avg(o.value, o.value_per_year)) for o in c.options
                ),
            )
            for c in self.commitments
        )
        return dataclasses.replace(
            self,
            commitments=commitments,
            responses=tuple(dataclasses.replace(r, value=avg(r.value)) for r in self.responses),
            parameters=tuple(dataclasses.replace(q, value=avg(q.value)) for q in self.parameters),
        ).replace(
            scenarios=(Scenario(scenario_id, 1.0, "probability-weighted mean of all scenarios"),)
        )

    def with_probabilities(self, probabilities: Mapping[str, float]) -> ProblemSpec:
        sc = tuple(
            dataclasses.replace(s, probability=float(probabilities[s.id])) for s in self.scenarios
        )
        return self.replace(scenarios=sc)

    def with_values(self, values: Mapping[str, float]) -> ProblemSpec:
        """A copy with the number at each spec location replaced, e.g.
        ``{"commitments[2].options[0].value.bad": 4.5, "resources[0].capacity[3]": 12.0}``
        (see ``optimizer.spec.uncertain``)."""
        from .uncertain import with_values

        return with_values(self, values)


def _members(texts, where: str) -> tuple[Member, ...]:
    """``COMMITMENT`` or ``COMMITMENT.OPTION`` each, with both parts named: ``c.`` is refused,
    not read as ``c``."""
    from ..errors import InputError

    out = []
    for t in texts:
        c, dot, o = str(t).partition(".")
        if not c or (dot and not o):
            raise InputError(f"'{t}': expected COMMITMENT or COMMITMENT.OPTION", where=where)
        out.append(Member.parse(str(t)))
    return tuple(out)
