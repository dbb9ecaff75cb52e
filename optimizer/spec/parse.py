"""Turn a parsed document (the dict a TOML or JSON file gives) into a ``ProblemSpec``.

Every error names its location in the document, in the form
``commitments[3].options[1].use.fiscal: expected a number, got 'abc'``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..errors import InputError, did_you_mean, printable
from .bulk import CommitmentTable, join_tables
from .criteria import read_criteria, read_scores
from .locate import list_hint
from .model import (
    RELATION_TYPES,
    RESOURCE_KINDS,
    SENSES,
    Amount,
    Commitment,
    Constraint,
    Member,
    Option,
    Parameter,
    ProblemSpec,
    Relation,
    Resource,
    Response,
    Scenario,
)
from .shifts import read_baseline, read_shifts


def is_distribution(value: Any) -> bool:
    """Whether a document value is a distribution table (a table whose ``dist`` is text).
    The distributions module is imported only when one is met (it is not needed to solve)."""
    return isinstance(value, Mapping) and isinstance(value.get("dist"), str)


def parse_distribution(value: Any, path: str):
    from .uncertain import parse_distribution as parse

    return parse(value, path)


def attach(spec, uncertain):
    from .uncertain import attach as _attach

    return _attach(spec, uncertain)


TOP_KEYS = (
    "problem",
    "scenarios",
    "resources",
    "commitments",
    "relations",
    "tables",
    "responses",
    "parameters",
    "constraints",
    "uncertainty",
    "shifts",
    "criteria",
)
UNCERTAINTY_KEYS = ("probabilities",)
RESPONSE_KEYS = (
    "id",
    "name",
    "description",
    "source",
    "unit",
    "stage",
    "integer",
    "lower",
    "upper",
    "value",
)
PARAMETER_KEYS = ("id", "value", "description", "source")
CONSTRAINT_KEYS = ("id", "expr", "description", "source")
PROBLEM_KEYS = (
    "name",
    "title",
    "description",
    "years",
    "discount_rate",
    "sense",
    "value_unit",
    "source",
)
SCENARIO_KEYS = ("id", "probability", "baseline", "description", "source")
RESOURCE_KEYS = ("id", "unit", "capacity", "kind", "description", "source")
OPTION_KEYS = (
    "id",
    "name",
    "description",
    "source",
    "use",
    "value",
    "value_per_year",
    "start",
    "scores",
)
COMMITMENT_KEYS = (
    "id",
    "name",
    "description",
    "group",
    "source",
    "required",
    "stage",
    "options",
    "use",
    "value",
    "value_per_year",
    "start",
    "scores",
)
RELATION_KEYS = ("type", "id", "description", "source", "a", "b", "lag", "members", "count")
TABLE_KEYS = ("file", "kind", "description", "source")
MAX_YEARS = 200
MAX_WHOLE = 999_999_999  # years, lags, counts and stages are whole numbers of at most 9 digits


def describe(value: Any) -> str:
    """How a bad value is quoted in a message."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Typed, located access to a parsed document."""

    def __init__(self, tables: Callable[[Mapping, str], list[dict]] | None = None):
        self._tables = tables
        self.uncertain: list = []  # (document path, Distribution) of each distribution read

    # -- primitives ------------------------------------------------------------------
    @staticmethod
    def table(value: Any, path: str) -> Mapping:
        if not isinstance(value, Mapping):
            raise InputError(f"expected a table, got {describe(value)}", path=path)
        return value

    @staticmethod
    def keys(table: Mapping, allowed: tuple[str, ...], path: str) -> None:
        for k in table:
            if not isinstance(k, str) or k not in allowed:
                raise InputError(
                    f"unknown key '{k}'{did_you_mean(str(k), allowed)}", path=join(path, str(k))
                )

    def number(self, value: Any, path: str) -> float:
        """A number, or a distribution table (recorded; its point value is returned)."""
        if type(value) is float and math.isfinite(value):  # the common case, first
            return value
        if is_distribution(value):
            dist = parse_distribution(value, path)
            self.uncertain.append((path, dist))
            return dist.point
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"expected a number, got {describe(value)}", path=path)
        try:
            x = float(value)
        except OverflowError:  # an integer with hundreds of digits
            x = math.inf
        if not math.isfinite(x):
            raise InputError(f"expected a finite number, got {describe(value)}", path=path)
        return x

    @staticmethod
    def integer(value: Any, path: str) -> int:
        whole = value
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                whole = int(value)
            else:
                raise InputError(f"expected a whole number, got {describe(value)}", path=path)
        if abs(whole) > MAX_WHOLE:
            raise InputError(
                f"expected a whole number of at most {len(str(MAX_WHOLE))} digits, "
                f"got {describe(value)}",
                path=path,
            )
        return whole

    @staticmethod
    def string(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise InputError(f"expected text, got {describe(value)}", path=path)
        return value

    @staticmethod
    def boolean(value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise InputError(f"expected true or false, got {describe(value)}", path=path)
        return value

    @staticmethod
    def ident(value: Any, path: str) -> str:
        s = Reader.string(value, path)
        if not s or any(ch in s for ch in " .\t\n[]=\"'") or not s.isprintable():
            raise InputError(
                f"expected an id (letters, digits, '_' or '-', no spaces or dots), got {describe(s)}",
                path=path,
            )
        return s

    @staticmethod
    def list_of_tables(value: Any, path: str) -> list[Mapping]:
        if not isinstance(value, list):
            hint = list_hint(path) if isinstance(value, Mapping) else ""
            raise InputError(f"expected a list of tables, got {describe(value)}{hint}", path=path)
        for i, item in enumerate(value):
            Reader.table(item, join(path, i))
        return value

    def text(self, t: Mapping, key: str, path: str, default: str = "") -> str:
        """Free text (a title, a description): control characters shown as escapes."""
        return printable(self.string(t[key], join(path, key))) if key in t else default

    def amount(self, value: Any, path: str) -> Amount:
        if isinstance(value, list):
            if not value:
                raise InputError(
                    "expected a number or a non-empty list of numbers, got []", path=path
                )
            isfinite = math.isfinite
            if all(type(v) is float and isfinite(v) for v in value):  # the common case
                return tuple(value)
            return tuple(self.number(v, join(path, i)) for i, v in enumerate(value))
        return self.number(value, path)

    def year_pair(self, value: Any, path: str) -> tuple[int, int]:
        if not isinstance(value, list) or len(value) != 2:
            raise InputError(f"expected [first, last], got {describe(value)}", path=path)
        a = self.integer(value[0], join(path, 0))
        b = self.integer(value[1], join(path, 1))
        if b < a:
            raise InputError(f"expected first <= last, got [{a}, {b}]", path=path)
        return (a, b)

    # -- sections --------------------------------------------------------------------
    def problem(self, doc: Mapping, *, default_name: str = "problem") -> ProblemSpec:
        doc = self.table(doc, "")
        self.keys(doc, TOP_KEYS, "")
        head = self.table(doc.get("problem", {}), "problem")
        self.keys(head, PROBLEM_KEYS, "problem")
        years = self.year_pair(head["years"], "problem.years") if "years" in head else None
        if years and years[1] - years[0] + 1 > MAX_YEARS:
            raise InputError(
                f"a horizon of {years[1] - years[0] + 1} years is more than the {MAX_YEARS} allowed",
                path="problem.years",
            )
        rate = (
            self.number(head["discount_rate"], "problem.discount_rate")
            if "discount_rate" in head
            else 0.0
        )
        if not -0.5 < rate < 10:
            raise InputError(
                f"expected a rate such as 0.03, got {rate!r}", path="problem.discount_rate"
            )
        sense = self.text(head, "sense", "problem", "maximize")
        if sense not in SENSES:
            raise InputError(
                f"unknown sense '{sense}'{did_you_mean(sense, SENSES)}", path="problem.sense"
            )
        name = self.ident(head["name"], "problem.name") if "name" in head else default_name
        n_periods = 1 if years is None else years[1] - years[0] + 1

        scenarios = tuple(
            self.scenario(s, join("scenarios", i))
            for i, s in enumerate(self.list_of_tables(doc.get("scenarios", []), "scenarios"))
        ) or (Scenario("base", 1.0),)
        resources = tuple(
            self.resource(r, join("resources", i), years, n_periods)
            for i, r in enumerate(self.list_of_tables(doc.get("resources", []), "resources"))
        )
        commitments = [
            self.commitment(c, join("commitments", i))
            for i, c in enumerate(self.list_of_tables(doc.get("commitments", []), "commitments"))
        ]
        tables = [
            self.csv_table(t, join("tables", i))
            for i, t in enumerate(self.list_of_tables(doc.get("tables", []), "tables"))
        ]
        commitments = join_tables(commitments, tables)
        relations = tuple(
            self.relation(r, join("relations", i))
            for i, r in enumerate(self.list_of_tables(doc.get("relations", []), "relations"))
        )
        responses = tuple(
            self.response(r, join("responses", i))
            for i, r in enumerate(self.list_of_tables(doc.get("responses", []), "responses"))
        )
        parameters = tuple(
            self.parameter(r, join("parameters", i))
            for i, r in enumerate(self.list_of_tables(doc.get("parameters", []), "parameters"))
        )
        constraints = tuple(
            self.constraint(r, join("constraints", i))
            for i, r in enumerate(self.list_of_tables(doc.get("constraints", []), "constraints"))
        )
        if "uncertainty" in doc:
            unc = self.table(doc["uncertainty"], "uncertainty")
            self.keys(unc, UNCERTAINTY_KEYS, "uncertainty")
            if "probabilities" in unc:
                raw = unc["probabilities"]
                if not is_distribution(raw):
                    raise InputError(
                        f"expected a distribution table such as "
                        f'{{ dist = "dirichlet", concentration = 50 }}, got {describe(raw)}',
                        path="uncertainty.probabilities",
                    )
                where = "uncertainty.probabilities"
                self.uncertain.append((where, parse_distribution(raw, where)))
        spec = ProblemSpec(
            name=name,
            responses=responses,
            parameters=parameters,
            constraints=constraints,
            title=self.text(head, "title", "problem"),
            description=self.text(head, "description", "problem"),
            years=years,
            discount_rate=rate,
            sense=sense,  # type: ignore[arg-type]
            value_unit=self.text(head, "value_unit", "problem"),
            source=self.text(head, "source", "problem"),
            scenarios=scenarios,
            resources=resources,
            commitments=commitments,
            relations=relations,
        )
        if "shifts" in doc:
            spec = replace(spec, shifts=read_shifts(self, doc["shifts"]))
        if "criteria" in doc:
            spec = replace(spec, criteria=read_criteria(self, doc["criteria"]))
        return attach(spec, self.uncertain) if self.uncertain else spec

    def scalar_by_scenario(self, value: Any, path: str) -> dict[str, float]:
        """A number (every scenario) or ``{scenario = number}``."""
        if isinstance(value, Mapping) and not is_distribution(value):
            return {
                self.ident(k, join(path, str(k))): self.number(v, join(path, str(k)))
                for k, v in value.items()
            }
        return {"*": self.number(value, path)}

    def response(self, t: Mapping, path: str) -> Response:
        self.keys(t, RESPONSE_KEYS, path)
        if "id" not in t:
            raise InputError("missing key 'id'", path=path)
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
        self.keys(t, PARAMETER_KEYS, path)
        for k in ("id", "value"):
            if k not in t:
                raise InputError(f"missing key '{k}'", path=path)
        return Parameter(
            id=self.ident(t["id"], join(path, "id")),
            value=self.scalar_by_scenario(t["value"], join(path, "value")),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def constraint(self, t: Mapping, path: str) -> Constraint:
        self.keys(t, CONSTRAINT_KEYS, path)
        if "expr" not in t:
            raise InputError("missing key 'expr'", path=path)
        return Constraint(
            id=self.ident(t["id"], join(path, "id"))
            if "id" in t
            else path.replace("[", "").replace("]", ""),
            expr=self.string(t["expr"], join(path, "expr")),
            description=self.text(t, "description", path),
            source=self.text(t, "source", path),
        )

    def scenario(self, t: Mapping, path: str) -> Scenario:
        self.keys(t, SCENARIO_KEYS, path)
        for k in ("id", "probability"):
            if k not in t:
                raise InputError(f"missing key '{k}'", path=path)
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
        self.keys(t, RESOURCE_KEYS, path)
        for k in ("id", "capacity"):
            if k not in t:
                raise InputError(f"missing key '{k}'", path=path)
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
        self.keys(t, COMMITMENT_KEYS, path)
        if "id" not in t:
            raise InputError("missing key 'id'", path=path)
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
        self.keys(t, RELATION_KEYS, path)
        if "type" not in t:
            raise InputError("missing key 'type'", path=path)
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

    def csv_table(self, t: Mapping, path: str) -> list[Commitment]:
        self.keys(t, TABLE_KEYS, path)
        if "file" not in t:
            raise InputError("missing key 'file'", path=path)
        kind = self.text(t, "kind", path, "options")
        if kind != "options":
            raise InputError(
                f"unknown table kind '{kind}'; allowed: options", path=join(path, "kind")
            )
        if self._tables is None:
            raise InputError("tables are read only from a problem file", path=join(path, "file"))
        rows = self._tables(t, join(path, "file"))
        if isinstance(rows, CommitmentTable):  # already checked as columns
            return rows
        return commitments_from_rows(self, rows, self.string(t["file"], join(path, "file")))


CSV_FIXED = (
    "commitment",
    "option",
    "name",
    "description",
    "group",
    "source",
    "required",
    "value_per_year",
    "start_earliest",
    "start_latest",
    "commitment_name",
)


def _cell_amount(reader: Reader, text: str, path: str) -> Amount:
    parts = [p.strip() for p in text.split(";")]
    nums: list[float] = []
    for p in parts:
        try:
            nums.append(float(p))
        except ValueError:
            raise InputError(
                f"expected a number or numbers separated by ';', got {describe(text)}", path=path
            ) from None
    for x in nums:
        reader.number(x, path)
    return nums[0] if len(nums) == 1 else tuple(nums)


def _cell_bool(text: str, path: str) -> bool:
    t = text.strip().lower()
    if t in ("", "false", "no", "0"):
        return False
    if t in ("true", "yes", "1"):
        return True
    raise InputError(f"expected true or false, got {describe(text)}", path=path)


def commitments_from_rows(reader: Reader, rows: list[dict], fname: str) -> list[Commitment]:
    """Group CSV rows (one per option) into commitments, in first-seen order."""
    grouped: dict[str, dict] = {}
    for i, row in enumerate(rows, start=2):
        where = f"{fname}:{i}"
        for col in row:
            if col is None:
                raise InputError("the row has more cells than the header", path=where)
            if col not in CSV_FIXED and not col.startswith(("use.", "value.")):
                allowed = (*CSV_FIXED, "use.<resource>", "value.<scenario>")
                raise InputError(f"unknown column '{col}'{did_you_mean(col, allowed)}", path=fname)
        cid = reader.ident(row.get("commitment") or "", f"{where}.commitment")
        entry = grouped.setdefault(cid, {"options": [], "row": row, "where": where})
        use, value = {}, {}
        for col, cell in row.items():
            if cell is None or cell.strip() == "":
                continue
            if col.startswith("use."):
                use[reader.ident(col[4:], fname)] = _cell_amount(reader, cell, f"{where}.{col}")
            elif col.startswith("value."):
                value[reader.ident(col[6:], fname)] = _cell_amount(reader, cell, f"{where}.{col}")
        start = None
        se, sl = (row.get("start_earliest") or "").strip(), (row.get("start_latest") or "").strip()
        if se or sl:
            try:
                start = (int(se or sl), int(sl or se))
            except ValueError:
                raise InputError(
                    f"expected start years, got {describe(se + '/' + sl)}",
                    path=f"{where}.start_earliest",
                ) from None
        entry["options"].append(
            Option(
                id=reader.ident((row.get("option") or "yes").strip(), f"{where}.option"),
                name=printable(row.get("name") or ""),
                description=printable(row.get("description") or ""),
                source=printable(row.get("source") or ""),
                use=use,
                value=value,
                value_per_year=_cell_bool(
                    row.get("value_per_year") or "", f"{where}.value_per_year"
                ),
                start=start,
            )
        )
    out = []
    for cid, entry in grouped.items():
        row = entry["row"]
        out.append(
            Commitment(
                id=cid,
                name=printable(row.get("commitment_name") or ""),
                group=printable(row.get("group") or ""),
                required=_cell_bool(row.get("required") or "", f"{entry['where']}.required"),
                options=tuple(entry["options"]),
            )
        )
    return out
