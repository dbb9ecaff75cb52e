"""The primitives of reading a problem document: allowed keys of every table, and typed access
(numbers, whole numbers, identifiers, amounts, year pairs) whose errors name the location."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InputError, did_you_mean, printable
from .items import (
    Amount,
)
from .locate import list_hint


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


class BaseReader:
    """Typed, located access to a parsed document: the primitives (tables, keys, numbers,
    amounts, years) every reader of a problem's items builds on."""

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
    def keys(
        table: Mapping, allowed: tuple[str, ...], path: str, required: tuple[str, ...] = ()
    ) -> None:
        """Refuse a key not ``allowed``, then a missing ``required`` one (in that order)."""
        for k in table:
            if not isinstance(k, str) or k not in allowed:
                raise InputError(
                    f"unknown key '{k}'{did_you_mean(str(k), allowed)}", path=join(path, str(k))
                )
        for k in required:
            if k not in table:
                raise InputError(f"missing key '{k}'", path=path)

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
        s = BaseReader.string(value, path)
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
            BaseReader.table(item, join(path, i))
        return value

    def each(self, doc: Mapping, key: str, read: Callable, *args) -> list:
        """``read(table, path, *args)`` for every table of the list ``key`` of ``doc``."""
        tables = self.list_of_tables(doc.get(key, []), key)
        return [read(t, join(key, i), *args) for i, t in enumerate(tables)]

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
