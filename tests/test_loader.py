"""Finding and reading problem files: TOML = JSON, bundled names, tables, located errors."""

from __future__ import annotations

import dataclasses
import json
import textwrap
import tomllib

import pytest

import optimizer
from optimizer.errors import InputError
from optimizer.spec import bundled_names, load
from optimizer.spec.load import bundled_path

EXAMPLE = """
[problem]
name = "loader-example"
title = "Loader example"
years = [2030, 2032]
discount_rate = 0.05

[[scenarios]]
id = "up"
probability = 0.25

[[scenarios]]
id = "down"
probability = 0.75

[[resources]]
id = "fiscal"
unit = "B$"
capacity = { 2030 = 4, 2032 = 6.5 }

[[resources]]
id = "staff"
kind = "total"
capacity = 10

[[commitments]]
id = "a"
required = true
  [[commitments.options]]
  id = "lo"
  use = { fiscal = 1, staff = [1, 2] }
  value = { up = 3, down = 1 }
  [[commitments.options]]
  id = "hi"
  use = { fiscal = [2, 3, 3] }
  value = [1, 2]
  value_per_year = true
  start = [2030, 2031]

[[commitments]]
id = "b"
use = { staff = 4 }
value = 2.5

[[relations]]
type = "requires"
a = "b"
b = "a.hi"
lag = 1
"""


def write(tmp_path, text: str, name: str = "problem.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def same(a, b) -> bool:
    strip = {"origin": "", "sha256": ""}
    return dataclasses.replace(a, **strip) == dataclasses.replace(b, **strip)


def error(tmp_path, text: str, name: str = "bad.toml", **kwargs) -> str:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        load(path, **kwargs)
    return str(info.value).removeprefix(f"{path}: ")


# ---- TOML and JSON -------------------------------------------------------------------------
def test_toml_and_json_give_the_same_problem(tmp_path):
    toml_path = write(tmp_path, EXAMPLE)
    json_path = tmp_path / "problem.json"
    json_path.write_text(json.dumps(tomllib.loads(EXAMPLE), indent=2))
    a, b = load(toml_path), load(json_path)
    assert same(a, b)
    assert a.sha256 != b.sha256  # the hash is of the file's bytes
    assert a.origin == str(toml_path)
    # and the parts read as the format says
    assert a.years == (2030, 2032)
    assert a.resource("fiscal").capacity == (4.0, float("inf"), 6.5)
    assert a.resource("staff").capacity == (10.0,)
    hi = a.commitment("a").option("hi")
    assert hi.start == (2030, 2031) and hi.value_per_year
    assert hi.value == {"up": (1.0, 2.0), "down": (1.0, 2.0)}
    assert a.commitment("b").options[0].id == "yes"
    # and solve alike
    sa = optimizer.solve(a)
    sb = optimizer.solve(b)
    assert sa.chosen == sb.chosen and sa.expected == pytest.approx(sb.expected)


def test_json_is_recognised_by_content_too(tmp_path):
    path = tmp_path / "problem.txt"
    path.write_text(json.dumps(tomllib.loads(EXAMPLE)))
    assert same(load(path), load(write(tmp_path, EXAMPLE)))


def test_the_python_api_builds_the_same_spec(tmp_path):
    from optimizer.spec import Commitment, Option, ProblemSpec, Resource, check_spec

    spec = check_spec(
        ProblemSpec(
            name="api",
            resources=(Resource("budget", (3.0,)),),
            commitments=(
                Commitment("x", (Option("yes", use={"budget": 2}, value=4),)),
                Commitment("y", (Option("yes", use={"budget": 2}, value=3),)),
            ),
        )
    )
    text = """
    [problem]
    name = "api"
    [[resources]]
    id = "budget"
    capacity = 3
    [[commitments]]
    id = "x"
    use = { budget = 2 }
    value = 4
    [[commitments]]
    id = "y"
    use = { budget = 2 }
    value = 3
    """
    assert same(spec, load(write(tmp_path, text)))


# ---- bundled problems ----------------------------------------------------------------------
def test_bundled_lookup_by_name_with_dash_or_underscore():
    assert {"small-example", "capital-budgeting"} <= set(bundled_names())
    a = load("small-example")
    b = load("small_example")
    assert same(a, b) and a.name == "small-example"
    assert bundled_path("capital-budgeting") == bundled_path("capital_budgeting")
    assert bundled_path("capital-budgeting").name == "capital_budgeting.toml"


def test_every_bundled_problem_has_a_model_card():
    for name in bundled_names():
        card = bundled_path(name).with_suffix(".md")
        assert card.is_file(), f"{name} has no model card"


def test_unknown_bundled_name_suggests_one():
    with pytest.raises(InputError) as info:
        load("capital-budgetting")
    assert "did you mean 'capital-budgeting'?" in str(info.value)


def test_a_path_is_not_taken_for_a_name(tmp_path):
    with pytest.raises(InputError) as info:
        load(tmp_path / "small-example.toml")
    assert str(info.value) == f"{tmp_path / 'small-example.toml'}: no such file"


# ---- did you mean ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fragment", "path", "suggestion"),
    [
        ('[problem]\nnmae = "x"\n', "problem.nmae", "name"),
        ('[problem]\nname = "x"\nyaers = [2030, 2031]\n', "problem.yaers", "years"),
        (
            '[problem]\nname = "x"\n[[commitments]]\nid = "a"\nvlaue = 1\nvalue = 1\n',
            "commitment 'a' (commitments[0]).vlaue",
            "value",
        ),
        (
            '[problem]\nname = "x"\n[[resources]]\nid = "r"\ncapacity = 1\nknid = "total"\n',
            "resource 'r' (resources[0]).knid",
            "kind",
        ),
    ],
)
def test_unknown_keys_get_a_suggestion(tmp_path, fragment, path, suggestion):
    msg = error(tmp_path, fragment)
    key = path.rsplit(".", 1)[1]
    assert msg == f"{path}: unknown key '{key}'; did you mean '{suggestion}'?"


# ---- CSV tables ----------------------------------------------------------------------------
TABLE_PROBLEM = """
[problem]
name = "t"
years = [2030, 2031]
[[resources]]
id = "fiscal"
capacity = 3
[[tables]]
file = "{file}"
"""


def test_csv_table_is_read_relative_to_the_problem(tmp_path):
    sub = tmp_path / "data"
    sub.mkdir()
    (sub / "options.csv").write_text(
        "commitment,option,use.fiscal,value.base,name\nx,lo,1,2,Low\nx,hi,2;1,5,High\ny,,1,1,\n"
    )
    spec = load(write(sub, TABLE_PROBLEM.format(file="options.csv")))
    assert [c.id for c in spec.commitments] == ["x", "y"]
    assert [o.id for o in spec.commitment("x").options] == ["lo", "hi"]
    assert spec.commitment("x").option("hi").use == {"fiscal": (2.0, 1.0)}
    assert spec.commitment("x").option("lo").name == "Low"
    assert spec.commitment("y").options[0].id == "yes"


def test_set_on_a_section_the_document_lacks_names_it_not_the_file(tmp_path):
    """``--set`` into [[commitments]] that come from a CSV table (or [[shifts]] where there are
    none) says so; it does not make a table that the reader then calls a malformed file."""
    (tmp_path / "options.csv").write_text("commitment,option,use.fiscal,value.base\nx,lo,1,2\n")
    path = write(tmp_path, TABLE_PROBLEM.format(file="options.csv"))
    with pytest.raises(InputError) as info:
        load(path, overrides=["commitments.x.options.lo.value.base=5"])
    assert str(info.value) == (
        "--set: commitments.x.options.lo.value.base: the document has no [[commitments]] to set "
        "'x' in (its rows may come from [[tables]]: edit the CSV file)"
    )
    with pytest.raises(InputError, match=r"no \[\[shifts\]\] to set 'k' in$"):
        load(path, overrides=["shifts.k.amount=0.1"])
    assert load(path, overrides=["problem.discount_rate=0.01"]).discount_rate == 0.01


@pytest.mark.parametrize("name", ["../outside.csv", "/etc/passwd", "sub/../../outside.csv"])
def test_csv_path_escaping_the_folder_is_refused(tmp_path, name):
    inner = tmp_path / "inner"
    (inner / "sub").mkdir(parents=True)
    (tmp_path / "outside.csv").write_text("commitment,value.base\nx,1\n")
    msg = error(inner, TABLE_PROBLEM.format(file=name))
    assert msg == f"tables[0].file: table file '{name}' must lie inside the problem's folder"


def test_csv_errors_name_the_row(tmp_path):
    (tmp_path / "t.csv").write_text("commitment,option,use.fiscal\nx,,1\ny,o1,abc\n")
    msg = error(tmp_path, TABLE_PROBLEM.format(file="t.csv"))
    assert msg == "t.csv:3.use.fiscal: expected a number or numbers separated by ';', got 'abc'"
    (tmp_path / "t.csv").write_text("commitment,option,use.fiscla\nx,,1\n")
    msg = error(tmp_path, TABLE_PROBLEM.format(file="t.csv"))
    assert msg == "t.csv:2.use.fiscla: unknown resource 'fiscla'; did you mean 'fiscal'?"
    (tmp_path / "t.csv").write_text("commitment,optoin\nx,a\n")
    msg = error(tmp_path, TABLE_PROBLEM.format(file="t.csv"))
    assert msg.startswith("t.csv: unknown column 'optoin'; did you mean 'option'?")


# ---- located messages ---------------------------------------------------------------------------
HEAD = '[problem]\nname = "x"\nyears = [2030, 2031]\n'
RES = '[[resources]]\nid = "fiscal"\ncapacity = 3\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEAD + RES + '[[commitments]]\nid = "a"\n[[commitments.options]]\nid = "o"\n'
            'use = { fiscal = "abc" }\n',
            "commitment 'a' (commitments[0]).option 'o' (options[0]).use.fiscal: "
            "expected a number, got 'abc'",
        ),
        (
            HEAD + RES + '[[commitments]]\nid = "a"\nuse = { fiscal = [1, 2, 3] }\n',
            "commitment 'a' (commitments[0]).use.fiscal: a profile of 3 years is longer than "
            "the 2-year horizon",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\nstart = [2029, 2030]\n',
            "commitment 'a' (commitments[0]).start: start window [2029, 2030] is outside the "
            "horizon 2030-2031",
        ),
        (
            HEAD + '[[scenarios]]\nid = "s"\nprobability = 0.5\n'
            '[[scenarios]]\nid = "t"\nprobability = 0.4\n[[commitments]]\nid = "a"\nvalue = 1\n',
            "scenarios: probabilities must sum to 1, got 0.9",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = { good = 1 }\n',
            "commitment 'a' (commitments[0]).value.good: unknown scenario 'good'; allowed: base",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\n'
            '[[relations]]\ntype = "exclude"\nmembers = ["a", "a"]\n',
            "relations[0].type: unknown relation type 'exclude'; did you mean 'excludes'?",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\n'
            '[[relations]]\ntype = "excludes"\nmembers = ["a", "b"]\n',
            "relations[0].members[1]: unknown commitment 'b'; allowed: a",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\n'
            '[[relations]]\ntype = "at_most"\nmembers = ["a"]\ncount = 2\n',
            "relations[0].count: count must be between 0 and the 1 members, got 2",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\n[[commitments]]\nid = "a"\nvalue = 2\n',
            "commitments[1].id: duplicate commitment id 'a' (also at [0])",
        ),
        (
            HEAD + '[[resources]]\nid = "r"\ncapacity = { 2035 = 1 }\n'
            '[[commitments]]\nid = "a"\nvalue = 1\n',
            "resource 'r' (resources[0]).capacity.2035: year 2035 is outside the horizon 2030-2031",
        ),
        (
            '[problem]\nname = "x"\n[[commitments]]\nid = "a"\nvalue = 1\nstart = [2030, 2031]\n',
            "commitment 'a' (commitments[0]).start: a start window needs problem.years",
        ),
        (
            HEAD + '[[commitments]]\nid = "a"\nvalue = 1\nrequired = "yes"\n',
            "commitment 'a' (commitments[0]).required: expected true or false, got 'yes'",
        ),
    ],
)
def test_located_messages(tmp_path, text, message):
    assert error(tmp_path, text) == message


def test_invalid_toml_and_json(tmp_path):
    msg = error(tmp_path, '[problem]\nname = "x\n')
    assert msg.startswith("invalid TOML: ")
    msg = error(tmp_path, '{"problem": {"name": "x"},}', name="bad.json")
    assert msg.startswith("invalid JSON: ") and "line 1" in msg
    msg = error(tmp_path, '{"problem": {"name": "x"}, "x": NaN}', name="bad.json")
    assert "NaN" in msg


def test_size_limits(tmp_path):
    text = HEAD + '[[commitments]]\nid = "a"\nvalue = 1\nstart = [2030, 2031]\n'
    msg = error(tmp_path, text, max_bytes=20)
    assert msg.startswith("the file is ") and "more than the limit of 20" in msg
    msg = error(tmp_path, text, max_columns=1)
    assert msg == (
        "commitments: the problem has 2 decision columns, more than the limit of 1 "
        "(raise it with --max-columns)"
    )


def test_set_overrides(tmp_path):
    path = write(tmp_path, EXAMPLE)
    spec = load(
        path,
        overrides=[
            "resources.fiscal.capacity.2031=7",
            "commitments.a.options.hi.start=[2031, 2031]",
            "problem.discount_rate=0",
            "scenarios[0].probability=0.5",
            "scenarios.down.probability=0.5",
        ],
    )
    assert spec.resource("fiscal").capacity == (4.0, 7.0, 6.5)
    assert spec.commitment("a").option("hi").start == (2031, 2031)
    assert spec.discount_rate == 0
    assert [s.probability for s in spec.scenarios] == [0.5, 0.5]
    with pytest.raises(InputError) as info:
        load(path, overrides=["resources.fiscal"])
    assert str(info.value).startswith("--set: expected PATH=VALUE")
    with pytest.raises(InputError) as info:
        load(path, overrides=["commitments.z.value=1"])
    assert str(info.value) == "--set: commitments.z.value: no item with id 'z'; allowed: a, b"
