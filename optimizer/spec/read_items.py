"""Reading the items of a problem document: scenarios, resources, options, commitments,
relations, responses, parameters and general constraints, each error located."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import InputError, did_you_mean
from .criteria import read_scores
from .items import (
    RELATION_TYPES,
    RESOURCE_KINDS,
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
)
from .read_base import (
    COMMITMENT_KEYS,
    CONSTRAINT_KEYS,
    MAX_YEARS,
    OPTION_KEYS,
    PARAMETER_KEYS,
    RELATION_KEYS,
    RESOURCE_KEYS,
    RESPONSE_KEYS,
    SCENARIO_KEYS,
    BaseReader,
    describe,
    is_distribution,
    join,
)
from .shifts import read_baseline


class ItemReader(BaseReader):
    """The items of a problem document (scenarios, resources, options, commitments,
    relations, responses, parameters, constraints), each read with its location."""

    def scalar_by_scenario(self, value: Any, path: str) -> dict[str, float]:
        """A number (every scenario) or ``{scenario = number}``."""
        if isinstance(value, Mapping) and not is_distribution(value):
            return {
                self.ident(k, join(path, str(k))): self.number(v, join(path, str(k)))
                for k, v in value.items()
            }
        return {"*": self.number(value, path)}

    def response(self, t: Mapping, path: str) -> Response:
        self.keys(t, RESPONSE_KEYS, path, required=("id",))
        stage = self.integer(t["stage"], join(path, "stage")) if "stage" in t else 2
        if stage not in (1, 2):
            raise InputError(f"expected stage 1 or 2, got {stage}", path=join(path, "stage"))
        return Response(
            id=self.ident(t["id"], join(path, "id")),
            value=self.scalar_by_scenario(t["value"], join(path, "value")) if "value" in t else {},
            stage=stage,
            integer=self.boolean(t["integer"], join(path, "integer")) if "integer" in t else False,
            lower=self.number(t["lower"], join(path, "lower")) if "lower" in t else 0.0,
            upper=self.number(t["upper"], join(path, "upper")) if "upper" in t else math.inf,
            unit=self.text(t, "unit", path),
            name=self.text(t, "name", path),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def parameter(self, t: Mapping, path: str) -> Parameter:
        self.keys(t, PARAMETER_KEYS, path, required=("id", "value"))
        return Parameter(
            id=self.ident(t["id"], join(path, "id")),
            value=self.scalar_by_scenario(t["value"], join(path, "value")),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def constraint(self, t: Mapping, path: str) -> Constraint:
        self.keys(t, CONSTRAINT_KEYS, path, required=("expr",))
        return Constraint(
            id=self.ident(t["id"], join(path, "id"))
            if "id" in t
            else path.replace("[", "").replace("]", ""),
            expr=self.string(t["expr"], join(path, "expr")),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def scenario(self, t: Mapping, path: str) -> Scenario:
        self.keys(t, SCENARIO_KEYS, path, required=("id", "probability"))
        return Scenario(
            id=self.ident(t["id"], join(path, "id")),
            probability=self.number(t["probability"], join(path, "probability")),
            baseline=read_baseline(self, t, path),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def resource(
        self, t: Mapping, path: str, years: tuple[int, int] | None, n_periods: int
    ) -> Resource:
        self.keys(t, RESOURCE_KEYS, path, required=("id", "capacity"))
        kind = self.text(t, "kind", path, "per_year")
        if kind not in RESOURCE_KINDS:
            raise InputError(
                f"unknown kind '{kind}'{did_you_mean(kind, RESOURCE_KINDS)}",
                path=join(path, "kind"),
            )
        cpath = join(path, "capacity")
        raw = t["capacity"]
        if isinstance(raw, Mapping) and not is_distribution(raw):
            if kind == "total":
                raise InputError(
                    "a total resource takes one number, got a table by year", path=cpath
                )
            if years is None:
                raise InputError("a capacity by year needs problem.years", path=cpath)
            cap = [math.inf] * n_periods
            for key, v in raw.items():
                kpath = join(cpath, str(key))
                try:
                    year = int(str(key))
                except ValueError:
                    raise InputError(f"expected a year, got {describe(key)}", path=kpath) from None
                if not years[0] <= year <= years[1]:
                    raise InputError(
                        f"year {year} is outside the horizon {years[0]}-{years[1]}", path=kpath
                    )
                cap[year - years[0]] = self.number(v, kpath)
            capacity = tuple(cap)
        else:
            value = self.number(raw, cpath)
            capacity = (value,) if kind == "total" else (value,) * n_periods
        return Resource(
            id=self.ident(t["id"], join(path, "id")),
            capacity=capacity,
            unit=self.text(t, "unit", path),
            kind=kind,  # type: ignore[arg-type]
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def amounts(self, value: Any, path: str, what: str) -> dict[str, Amount]:
        if not isinstance(value, Mapping):
            raise InputError(f"expected a table of {what}, got {describe(value)}", path=path)
        out: dict[str, Amount] = {}
        for k, v in value.items():
            out[self.ident(k, join(path, str(k)))] = self.amount(v, join(path, str(k)))
        return out

    def value(self, value: Any, path: str) -> dict[str, Amount]:
        """A value: a number (every scenario) or a table scenario -> amount."""
        if isinstance(value, Mapping) and not is_distribution(value):
            return self.amounts(value, path, "amounts by scenario")
        return {"*": self.amount(value, path)}

    def option(self, t: Mapping, path: str, keys: tuple[str, ...] = OPTION_KEYS) -> Option:
        self.keys(t, keys, path)
        return Option(
            id=self.ident(t["id"], join(path, "id")) if "id" in t else "yes",
            name=self.text(t, "name", path),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
            use=self.amounts(t["use"], join(path, "use"), "amounts by resource")
            if "use" in t
            else {},
            value=self.value(t["value"], join(path, "value")) if "value" in t else {},
            value_per_year=self.boolean(t["value_per_year"], join(path, "value_per_year"))
            if "value_per_year" in t
            else False,
            start=self.year_pair(t["start"], join(path, "start")) if "start" in t else None,
            scores=read_scores(self, t["scores"], join(path, "scores")) if "scores" in t else {},
        )

    def commitment(self, t: Mapping, path: str) -> Commitment:
        self.keys(t, COMMITMENT_KEYS, path, required=("id",))
        direct = [k for k in ("use", "value", "value_per_year", "start", "scores") if k in t]
        if "options" in t:
            if direct:
                raise InputError(
                    f"give '{direct[0]}' inside each option when a commitment has options",
                    path=join(path, direct[0]),
                )
            opts = self.list_of_tables(t["options"], join(path, "options"))
            if not opts:
                raise InputError("expected at least one option, got []", path=join(path, "options"))
            options = tuple(
                self.option(o, join(join(path, "options"), j)) for j, o in enumerate(opts)
            )
        else:
            if not direct:
                raise InputError(
                    "expected 'options', or 'use'/'value' for a single option", path=path
                )
            sub = {k: t[k] for k in direct}
            options = (self.option(sub, path),)
        return Commitment(
            id=self.ident(t["id"], join(path, "id")),
            name=self.text(t, "name", path),
            description=self.text(t, "description", path),
            group=self.text(t, "group", path),
            source=self.text(t, "source", path),
            required=self.boolean(t["required"], join(path, "required"))
            if "required" in t
            else False,
            stage=self.integer(t["stage"], join(path, "stage")) if "stage" in t else 1,
            options=options,
        )

    def member(self, value: Any, path: str) -> Member:
        s = self.string(value, path)
        c, dot, o = s.partition(".")
        if not c or (dot and not o) or "." in o:
            raise InputError(
                f"expected 'commitment' or 'commitment.option', got {describe(s)}", path=path
            )
        return Member(c, o or None)

    def relation(self, t: Mapping, path: str) -> Relation:
        self.keys(t, RELATION_KEYS, path, required=("type",))
        rtype = self.string(t["type"], join(path, "type"))
        if rtype not in RELATION_TYPES:
            raise InputError(
                f"unknown relation type '{rtype}'{did_you_mean(rtype, RELATION_TYPES)}",
                path=join(path, "type"),
            )
        common = {
            "id": self.text(t, "id", path),
            "description": self.text(t, "description", path),
            "source": self.text(t, "source", path),
        }
        if rtype == "requires":
            for k in ("a", "b"):
                if k not in t:
                    raise InputError(f"missing key '{k}' (a requires b)", path=path)
            for k in ("members", "count"):
                if k in t:
                    raise InputError(f"'{k}' does not go with type 'requires'", path=join(path, k))
            lag = self.integer(t["lag"], join(path, "lag")) if "lag" in t else None
            if lag is not None and not 0 <= lag <= MAX_YEARS:
                raise InputError(
                    f"expected a lag of 0 or more years, got {lag}", path=join(path, "lag")
                )
            return Relation(
                rtype,
                a=self.member(t["a"], join(path, "a")),
                b=self.member(t["b"], join(path, "b")),
                lag=lag,
                **common,
            )
        for k in ("a", "b", "lag"):
            if k in t:
                raise InputError(f"'{k}' goes only with type 'requires'", path=join(path, k))
        if "members" not in t:
            raise InputError("missing key 'members'", path=path)
        raw = t["members"]
        if not isinstance(raw, list) or not raw:
            raise InputError(
                f"expected a non-empty list of members, got {describe(raw)}",
                path=join(path, "members"),
            )
        members = tuple(self.member(m, join(join(path, "members"), i)) for i, m in enumerate(raw))
        count = None
        if rtype in ("at_most", "at_least", "exactly"):
            if "count" not in t:
                raise InputError(f"missing key 'count' for type '{rtype}'", path=path)
            count = self.integer(t["count"], join(path, "count"))
            if not 0 <= count <= len(members):
                raise InputError(
                    f"count must be between 0 and the {len(members)} members, got {count}",
                    path=join(path, "count"),
                )
        elif "count" in t:
            raise InputError(f"'count' does not go with type '{rtype}'", path=join(path, "count"))
        if rtype in ("excludes", "both_or_neither") and len(members) < 2:
            raise InputError(
                f"type '{rtype}' needs at least two members", path=join(path, "members")
            )
        return Relation(rtype, members=members, count=count, **common)
