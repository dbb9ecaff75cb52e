"""The JSON Schema of the problem format (TOML and JSON share it). ``optimizer schema`` prints it.

The loader does its own checks (with located messages and "did you mean"); a test validates
every bundled problem against this schema with ``jsonschema`` so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from .items import RELATION_TYPES, RESOURCE_KINDS, SENSES

_ID = {"type": "string", "pattern": r"^[^\s.\[\]=\"']+$"}
_NUM = {"type": "number"}
_TEXT = {"type": "string"}
# An uncertain number (optimizer/spec/uncertain.py): allowed wherever _QTY is used.
_DIST_PARAMS = {
    "triangular": ["low", "mode", "high"],
    "pert": ["low", "mode", "high"],
    "uniform": ["low", "high"],
    "normal": ["mean", "sd"],
    "lognormal": ["median", "low", "high"],
    "dirichlet": ["concentration"],
}
_DIST = {
    "type": "object",
    "required": ["dist"],
    "additionalProperties": False,
    "properties": {
        "dist": {"enum": list(_DIST_PARAMS)},
        **{k: _NUM for k in ("low", "mode", "high", "mean", "sd", "median", "concentration")},
        "point": {**_NUM, "description": "the number solve uses (default: mode, mean or median)"},
        "group": {**_TEXT, "description": "distributions of a group share one random quantile"},
        "description": _TEXT,
        "source": _TEXT,
    },
    "allOf": [
        {"if": {"properties": {"dist": {"const": k}}}, "then": {"required": v}}
        for k, v in _DIST_PARAMS.items()
    ],
    "description": "an uncertain number: a distribution table",
}
_QTY = {"oneOf": [_NUM, _DIST]}
_AMOUNT = {"oneOf": [_NUM, _DIST, {"type": "array", "items": _QTY, "minItems": 1}]}
_YEARS = {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}
_MEMBER = {"type": "string", "pattern": r"^[^\s.]+(\.[^\s.]+)?$"}


def _records(
    required: list[str],
    properties: dict[str, Any],
    description: str | None = None,
    min_items: int | None = None,
    one_of: list | None = None,
) -> dict[str, Any]:
    """An array of objects (a TOML array of tables) with these properties and no others."""
    item: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": required}
    if one_of is not None:
        item["oneOf"] = one_of
    array: dict[str, Any] = {"type": "array"}
    if description is not None:
        array["description"] = description
    if min_items is not None:
        array["minItems"] = min_items
    return {**array, "items": {**item, "properties": properties}}


_OPTION_PROPS = {
    "id": _ID,
    "name": _TEXT,
    "description": _TEXT,
    "source": _TEXT,
    "use": {
        "type": "object",
        "additionalProperties": _AMOUNT,
        "description": "resource id -> a number (every year from the start) or a profile by year since the start",
    },
    "value": {
        "oneOf": [_AMOUNT, {"type": "object", "additionalProperties": _AMOUNT}],
        "description": "a number (every scenario) or scenario id -> amount; a missing scenario is 0",
    },
    "value_per_year": {"type": "boolean"},
    "start": {**_YEARS, "description": "[earliest, latest] start year; the engine chooses"},
    "scores": {
        "type": "object",
        "additionalProperties": _AMOUNT,
        "description": "criterion id -> a number (once) or a profile by year since the start",
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.invalid/commitment-optimizer/problem.schema.json",
    "title": "Commitment optimizer problem",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "problem": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": _ID,
                "title": _TEXT,
                "description": _TEXT,
                "years": {**_YEARS, "description": "[first, last] inclusive horizon"},
                "discount_rate": _NUM,
                "sense": {"enum": list(SENSES)},
                "value_unit": _TEXT,
                "source": _TEXT,
            },
        },
        "scenarios": _records(
            ["id", "probability"],
            {
                "id": _ID,
                "probability": {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, _DIST]},
                "baseline": {
                    **_QTY,
                    "description": "the scenario's value whatever the package (default 0)",
                },
                "description": _TEXT,
                "source": _TEXT,
            },
        ),
        "resources": _records(
            ["id", "capacity"],
            {
                "id": _ID,
                "unit": _TEXT,
                "capacity": {
                    "oneOf": [
                        _NUM,
                        _DIST,
                        {
                            "type": "object",
                            "patternProperties": {r"^\d+$": _QTY},
                            "additionalProperties": False,
                        },
                    ]
                },
                "kind": {"enum": list(RESOURCE_KINDS)},
                "description": _TEXT,
                "source": _TEXT,
            },
        ),
        "commitments": _records(
            ["id"],
            {
                "id": _ID,
                "name": _TEXT,
                "description": _TEXT,
                "group": _TEXT,
                "source": _TEXT,
                "required": {"type": "boolean"},
                "stage": {
                    "enum": [1, 2],
                    "description": "2: a conditional tranche, decided per scenario",
                },
                "options": _records(["id"], _OPTION_PROPS, min_items=1),
                "use": _OPTION_PROPS["use"],
                "value": _OPTION_PROPS["value"],
                "value_per_year": _OPTION_PROPS["value_per_year"],
                "start": _OPTION_PROPS["start"],
                "scores": _OPTION_PROPS["scores"],
            },
        ),
        "criteria": _records(
            ["id"],
            {
                "id": _ID,
                "name": _TEXT,
                "unit": _TEXT,
                "sense": {"enum": list(SENSES)},
                "weight": {**_NUM, "minimum": 0},
                "description": _TEXT,
                "source": _TEXT,
            },
            description="criteria besides the expected value (its id is 'expected')",
        ),
        "shifts": _records(
            ["when", "from", "to"],
            {
                "when": {**_MEMBER, "description": "'commitment' or 'commitment.option'"},
                "from": _ID,
                "to": _ID,
                "amount": {
                    "oneOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 1}, _DIST]
                },
                "share": {
                    "oneOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 1}, _DIST],
                    "description": "instead of 'amount': the fraction of the base "
                    "probability of 'from' that the shift moves (amount = share x "
                    "probability of 'from')",
                },
                "credibility": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 1,
                    "description": "the probability the counterpart believes the offer; "
                    "the shift moves amount x credibility (default 1)",
                },
                "description": _TEXT,
                "source": _TEXT,
            },
            description="decision-dependent probabilities: choosing 'when' moves 'amount' "
            "of probability (or 'share' of the base probability of 'from') from scenario "
            "'from' to scenario 'to'",
            one_of=[{"required": ["amount"]}, {"required": ["share"]}],
        ),
        "relations": _records(
            ["type"],
            {
                "type": {"enum": list(RELATION_TYPES)},
                "id": _TEXT,
                "description": _TEXT,
                "source": _TEXT,
                "a": _MEMBER,
                "b": _MEMBER,
                "lag": {"type": "integer", "minimum": 0},
                "members": {"type": "array", "items": _MEMBER, "minItems": 1},
                "count": {"type": "integer", "minimum": 0},
            },
        ),
        "responses": _records(
            ["id"],
            {
                "id": _ID,
                "name": _TEXT,
                "description": _TEXT,
                "source": _TEXT,
                "unit": _TEXT,
                "stage": {"enum": [1, 2]},
                "integer": {"type": "boolean"},
                "lower": _QTY,
                "upper": _QTY,
                "value": {
                    "oneOf": [_NUM, _DIST, {"type": "object", "additionalProperties": _QTY}],
                    "description": "value per unit: a number or scenario id -> number",
                },
            },
            description="quantities decided by the model (stage 1: now; stage 2: per scenario)",
        ),
        "parameters": _records(
            ["id", "value"],
            {
                "id": _ID,
                "value": {"oneOf": [_NUM, _DIST, {"type": "object", "additionalProperties": _QTY}]},
                "description": _TEXT,
                "source": _TEXT,
            },
        ),
        "constraints": _records(
            ["expr"],
            {
                "id": _ID,
                "expr": {
                    "type": "string",
                    "description": "a linear constraint, e.g. 'a + 2 * b.big - sell <= 10'",
                },
                "description": _TEXT,
                "source": _TEXT,
            },
        ),
        "uncertainty": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "probabilities": {
                    **_DIST,
                    "description": 'the scenario probabilities as a whole: { dist = "dirichlet", '
                    "concentration = 50 } around the stated ones",
                }
            },
        },
        "tables": _records(
            ["file"],
            {
                "file": _TEXT,
                "kind": {"enum": ["options"]},
                "description": _TEXT,
                "source": _TEXT,
            },
        ),
    },
}
