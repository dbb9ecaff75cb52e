"""The helpers shared by readers, commands and benchmark scripts, checked on hand-made cases."""

from __future__ import annotations

import click
import pytest

from optimizer.errors import InputError
from optimizer.spec.load import load_document
from optimizer.spec.schema import SCHEMA

BASE = {
    "problem": {"name": "p"},
    "scenarios": [{"id": "s", "probability": 1.0}],
    "resources": [{"id": "budget", "capacity": 3}],
    "commitments": [{"id": "a", "options": [{"id": "yes", "use": {"budget": 1}, "value": 2}]}],
}


def _error(**changes) -> InputError:
    with pytest.raises(InputError) as info:
        load_document({**BASE, **changes})
    return info.value


@pytest.mark.parametrize(
    ("section", "item", "key", "path"),
    [
        ("scenarios", {"id": "s"}, "probability", "scenarios[0]"),
        ("resources", {"capacity": 3}, "id", "resources[0]"),
        ("commitments", {"options": [{"id": "yes"}]}, "id", "commitments[0]"),
        ("relations", {"a": "a"}, "type", "relations[0]"),
        ("parameters", {"id": "k"}, "value", "parameters[0]"),
        ("constraints", {"id": "c"}, "expr", "constraints[0]"),
        ("responses", {"unit": "t"}, "id", "responses[0]"),
        ("shifts", {"when": "a", "from": "s"}, "to", "shifts[0]"),
        ("criteria", {"name": "jobs"}, "id", "criteria[0]"),
        ("tables", {"kind": "options"}, "file", "tables[0]"),
    ],
)
def test_a_missing_required_key_is_named_where_it_is_missing(section, item, key, path):
    e = _error(**{section: [item]})
    assert e.message == f"missing key '{key}'"
    assert e.path == path or e.path.endswith(f" ({path})")  # "scenario 's' (scenarios[0])"


def test_an_unknown_key_is_reported_before_a_missing_one():
    e = _error(scenarios=[{"probabilty": 1.0, "id": "s"}])
    assert e.message.startswith("unknown key 'probabilty'")
    assert e.path.endswith("(scenarios[0]).probabilty")


def test_the_second_table_of_a_list_is_located_as_the_second():
    e = _error(scenarios=[{"id": "s", "probability": 0.5}, {"id": "t"}])
    assert (e.message, e.path) == ("missing key 'probability'", "scenario 't' (scenarios[1])")


def test_response_and_parameter_values_take_one_number_for_every_scenario():
    from optimizer.spec.items import Parameter, Response

    assert dict(Response("r", value=2.5).value) == {"*": 2.5}
    assert dict(Parameter("k", value=3).value) == {"*": 3}
    assert dict(Parameter("k", value={"s": 1.0}).value) == {"s": 1.0}
    with pytest.raises(TypeError):  # frozen: a mapping proxy
        Parameter("k", value={"s": 1.0}).value["s"] = 2.0  # type: ignore[index]


def test_schema_arrays_of_tables_have_the_shape_written_out():
    props = SCHEMA["properties"]
    assert props["scenarios"] == {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "probability"],
            "properties": props["scenarios"]["items"]["properties"],
        },
    }
    shifts = props["shifts"]
    assert list(shifts) == ["type", "description", "items"]
    assert list(shifts["items"]) == [
        "type",
        "additionalProperties",
        "required",
        "oneOf",
        "properties",
    ]
    options = props["commitments"]["items"]["properties"]["options"]
    assert list(options) == ["type", "minItems", "items"] and options["minItems"] == 1


# ---- commands ------------------------------------------------------------------------------
def _names(cmd: click.Command) -> list[str]:
    return [p.name for p in cmd.params]  # --help is added when the command runs


def test_analysis_command_stacks_the_shared_options_around_the_commands_own():
    from optimizer.commands._options import analysis_command, problem_command

    @analysis_command("x", click.option("--first"), click.option("--second"))
    def x(first, second, fmt, output):
        """X."""

    assert isinstance(x, click.Command) and x.name == "x"
    assert _names(x) == [
        "problem",
        "sets",
        "force",
        "forbid",
        "max_columns",
        "max_bytes",
        "quiet",
        "solver",
        "time_limit",
        "mip_gap",
        "max_time",
        "verbose",
        "first",
        "second",
        "fmt",
        "output",
    ]  # the order of `optimizer scenarios --help`, with two options of its own between

    @problem_command("y", solver="max-time")
    def y():
        """Y."""

    assert _names(y)[-1] == "max_time" and "solver" not in _names(y)
    with pytest.raises(ValueError, match="unknown solver options"):
        problem_command("z", solver="cbc")


def test_a_command_built_so_runs_and_turns_an_input_error_into_one_line():
    from click.testing import CliRunner

    from optimizer.commands._options import analysis_command, load_problem

    @analysis_command("x", formats=("table",))
    def x(fmt, output):
        """X."""
        load_problem(activity=False)

    r = CliRunner().invoke(x, ["no-such-problem.toml"])
    assert r.exit_code == InputError.exit_code
    assert r.output.count("\n") == 1 and r.output.startswith("error: ")


# ---- benchmark scripts -----------------------------------------------------------------------
def _bench_module(name: str):
    from test_bench import _bench_scripts

    (module,) = _bench_scripts(name)
    return module


def test_benchmark_year_profile_by_hand():
    year_profile = _bench_module("_pulp_model").year_profile
    assert year_profile(2.0, 1, 4, recurring=False) == [0.0, 2.0, 0.0, 0.0]
    assert year_profile(2.0, 1, 4, recurring=True) == [0.0, 2.0, 2.0, 2.0]
    assert year_profile((1.0, 3.0, 5.0), 2, 4, recurring=False) == [0.0, 0.0, 1.0, 3.0]


def test_benchmark_tables_cells_and_lines():
    runs = _bench_module("_engine_runs")
    assert [runs.fmt(x) for x in (None, float("nan"), 0.12345, 12345.6, 1234567, "ok")] == [
        "-",
        "-",
        "0.123",
        "12,346",
        "1,234,567",
        "ok",
    ]
    assert runs.fmt(2.25, 1) == "2.2"
    assert runs.markdown_table(["a", "b"], [["1", "2"], ["3", "-"]]) == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "| 3 | - |",
    ]
