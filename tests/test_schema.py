"""The JSON Schema (``optimizer schema``) and the loader agree on what a problem file is."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest
from conftest import MIP_SOLVERS

import optimizer
from optimizer.errors import InputError
from optimizer.spec import bundled_names, load, load_document
from optimizer.spec.load import bundled_path
from optimizer.spec.schema import SCHEMA


def validator():
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA)


def document(name: str) -> dict:
    return tomllib.loads(bundled_path(name).read_text())


def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"].endswith("/draft/2020-12/schema")
    validator()


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_problem_validates(name):
    errors = sorted(validator().iter_errors(document(name)), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_a_json_version_validates_and_solves_the_same(tmp_path, solver):
    doc = document("small-example")
    path = tmp_path / "small-example.json"
    path.write_text(json.dumps(doc, indent=2))
    again = json.loads(path.read_text())
    validator().validate(again)
    from_json = optimizer.solve(load(path), solver=solver)
    from_toml = optimizer.solve(load("small-example"), solver=solver)
    assert from_json.chosen == from_toml.chosen
    assert from_json.expected == pytest.approx(from_toml.expected)
    assert from_json.by_scenario == pytest.approx(from_toml.by_scenario)


# Documents that both the schema and the loader must refuse.
BAD = [
    {"problem": {"name": "x", "nmae": "y"}, "commitments": [{"id": "a", "value": 1}]},
    {"problem": {"name": "x"}, "commitments": [{"id": "a", "value": "1"}]},
    {"problem": {"name": "x"}, "commitments": [{"id": "a b", "value": 1}]},
    {"problem": {"name": "x"}, "commitments": [{"id": "a", "options": []}]},
    {"problem": {"name": "x", "sense": "max"}, "commitments": [{"id": "a", "value": 1}]},
    {
        "problem": {"name": "x"},
        "resources": [{"id": "r", "capacity": 1, "kind": "yearly"}],
        "commitments": [{"id": "a", "value": 1}],
    },
    {
        "problem": {"name": "x"},
        "commitments": [{"id": "a", "value": 1}],
        "relations": [{"type": "requires", "a": "a", "b": "a", "lag": -1}],
    },
    {
        "problem": {"name": "x"},
        "commitments": [{"id": "a", "value": 1}],
        "relations": [{"type": "excludes", "members": "a"}],
    },
    {
        "problem": {"name": "x"},
        "scenarios": [{"id": "s", "probability": 1.5}],
        "commitments": [{"id": "a", "value": 1}],
    },
    {"problem": {"name": "x", "years": [2030]}, "commitments": [{"id": "a", "value": 1}]},
]


@pytest.mark.parametrize("doc", BAD, ids=range(len(BAD)))
def test_schema_and_loader_refuse_the_same_documents(doc):
    assert list(validator().iter_errors(doc)), "the schema accepts it"
    with pytest.raises(InputError):
        load_document(doc)
