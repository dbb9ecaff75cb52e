"""Inputs that once got through: tracebacks, silently accepted values, lost data, terminal
escapes, overlong echoes, and messages that counted items instead of naming them.

Each must now give one line on stderr and exit 2 (or, where the input is fine, the right
answer). A few run the real console script (``python -m optimizer``) to show that no traceback
reaches the terminal.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from optimizer.cli import cli
from optimizer.errors import InputError
from optimizer.spec import load, load_document

SMALL = """
[problem]
name = "holes"
[[resources]]
id = "budget"
capacity = 5
[[commitments]]
id = "a"
use = { budget = 2 }
value = 3
[[commitments]]
id = "b"
use = { budget = 4 }
value = 4
"""


def console(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def assert_one_line_exit_2(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr.strip()


def cli_error(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def write(tmp_path, text: str, name: str = "p.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path, text: str, name: str = "p.toml") -> str:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        load(path)
    return str(info.value).removeprefix(f"{path}: ")


def with_constraint(expr: str) -> str:
    return SMALL + f'[[constraints]]\nid = "deep"\nexpr = "{expr}"\n'


# ---- tracebacks that became one line ---------------------------------------------------------
def test_330_nested_parentheses_are_one_located_line(tmp_path):
    path = write(tmp_path, with_constraint("(" * 330 + "a" + ")" * 330 + " <= 1"))
    line = assert_one_line_exit_2(console("validate", str(path)))
    assert line == (
        f"error: {path}: constraint 'deep' (constraints[0]).expr: at column 101: "
        "parentheses nested more than 100 deep at '('"
    )


def test_a_thousand_unary_minus_signs_parse_with_the_right_sign():
    for n, sign in ((1000, 1.0), (1001, -1.0)):
        doc = {
            "problem": {"name": "signs"},
            "commitments": [{"id": "a", "value": 1}],
            "constraints": [{"id": "c", "expr": "-" * n + "a <= 0"}],
        }
        spec = load_document(doc)
        from optimizer.spec.validate import constraint_forms

        (form,) = constraint_forms(spec)
        assert form.form.terms["a"] == (sign,)
    doc["constraints"][0]["expr"] = "(" * 100 + "a" + ")" * 100 + " <= 0"  # the limit itself
    load_document(doc)


def test_montecarlo_scheduler_that_is_not_an_address_is_a_usage_error():
    line = assert_one_line_exit_2(
        console("montecarlo", "small-example", "-n", "2", "--scheduler", "notaurl")
    )
    assert line == (
        "error: --scheduler: expected an address such as tcp://10.0.0.5:8786, got 'notaurl'"
    )
    assert "unknown protocol 'foo'" in cli_error(
        "montecarlo", "small-example", "--scheduler", "foo://h:1"
    )
    assert "port 99999 is out of range" in cli_error(
        "montecarlo", "small-example", "--scheduler", "tcp://h:99999"
    )


def test_montecarlo_progress_bar_starts_on_a_terminal():
    from optimizer.commands.montecarlo import _progress

    bar, update = _progress(True)  # raised AttributeError (rich's console has no setter)
    bar.start()
    update(1, 2)
    bar.stop()


# ---- values that were accepted ----------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("solve", "small-example", "--mip-gap", "nan"),
        ("solve", "small-example", "--time-limit", "nan"),
        ("solve", "small-example", "--time-limit", "inf"),
        ("compare", "small-example", "--alpha", "nan"),
        ("frontier", "small-example", "--resource", "budget", "--tolerance", "nan"),
        ("frontier", "small-example", "--resource", "budget", "--cvar", "nan"),
        ("montecarlo", "small-example", "--regret-threshold", "inf"),
        ("montecarlo", "small-example", "--mip-gap", "nan"),
        ("bench", "small-example", "--time-limit", "nan"),
        ("sensitivity", "small-example", "--time-limit", "nan"),
    ],
)
def test_float_options_refuse_nan_and_infinity(args):
    line = cli_error(*args)
    option = args[-2]
    assert f"Invalid value for '{option}': '{args[-1]}' is not a finite number." in line


def test_nan_mip_gap_from_the_console_script():
    line = assert_one_line_exit_2(console("solve", "small-example", "--mip-gap", "nan"))
    assert "'nan' is not a finite number" in line


def test_report_refuses_an_unknown_frontier_resource(tmp_path):
    out = tmp_path / "r.html"
    line = cli_error("report", "small-example", "--frontier", "zzz", "-o", str(out))
    assert line == "error: --frontier: unknown resource 'zzz'; allowed: budget"
    assert not out.exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("0,1e308", "a factor above 1e+06 is not a capacity to plan for, got 1e+308"),
        ("0,inf", "expected finite factors, got '0,inf'"),
        ("nan,1", "expected finite factors, got 'nan,1'"),
    ],
)
def test_frontier_range_is_finite_and_bounded(given, message):
    line = cli_error("frontier", "small-example", "--resource", "budget", "--range", given)
    assert line == f"error: --range: {message}"


def test_bench_unknown_solver_is_a_usage_error():
    proc = console("bench", "small-example", "--solvers", "nonexistent")
    line = assert_one_line_exit_2(proc)
    assert line.startswith("error: --solvers: unknown solver 'nonexistent'; allowed: ")
    assert "did you mean 'highs'?" in cli_error("bench", "small-example", "--solvers", "hihgs")


def test_a_two_million_character_id_is_cut_in_the_message(tmp_path):
    long = "x" * 2_000_000
    text = SMALL + f'[[relations]]\ntype = "force"\nmembers = ["{long}"]\n'
    path = write(tmp_path, text)
    line = assert_one_line_exit_2(console("validate", str(path)))
    assert len(line) < 400
    head = f"error: {path}: relations[0].members[0]: unknown commitment 'x"
    assert line.startswith(head) and "...(1999903 more characters)..." in line
    assert line.endswith("x'; allowed: a, b")


def test_control_characters_never_reach_the_terminal(tmp_path):
    from optimizer import solve
    from optimizer.report.tables import render, solution_tables

    doc = {
        "problem": {"name": "esc", "title": "A\x1b[31mRED\x1b]0;owned\x07", "description": "d"},
        "resources": [{"id": "b", "capacity": 5}],
        "commitments": [{"id": "a", "name": "n\x1b[2J\u202eevil", "use": {"b": 1}, "value": 3}],
    }
    path = write(tmp_path, json.dumps(doc), "esc.json")
    spec = load(path)
    assert spec.title == "A\\x1b[31mRED\\x1b]0;owned\\x07"
    assert spec.commitment("a").name == "n\\x1b[2J\\u202eevil"
    shown = render(solution_tables(solve(spec)), color=True)  # as on a terminal
    assert "\x1b[31m" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    assert "A\\x1b[31mRED" in shown
    # a problem built in code is shown safely too
    from dataclasses import replace

    raw = replace(spec, title="T\x1b[31m")
    assert "\x1b[31m" not in render(solution_tables(solve(raw)), color=True)


def test_json_duplicate_key_is_refused_with_its_line(tmp_path):
    text = (
        '{"problem": {"name": "d", "title": "a {\\"use\\": [x"},\n'
        ' "resources": [{"id": "b", "capacity": 5}],\n'
        ' "commitments": [{"id": "a", "use": {"b": 1}, "value": 3,\n'
        '                  "use": {"b": 9}}]}\n'
    )
    path = write(tmp_path, text, "dup.json")
    line = assert_one_line_exit_2(console("validate", str(path)))
    assert line == (
        f"error: {path}: invalid JSON: duplicate key 'use' (at line 4, column 19); "
        "each key may appear once in an object"
    )


def test_csv_table_with_a_repeated_column_is_refused(tmp_path):
    (tmp_path / "t.csv").write_text("commitment,use.budget,value.base,use.budget\na,1,3,9\n")
    msg = load_error(
        tmp_path, '[[resources]]\nid = "budget"\ncapacity = 5\n[[tables]]\nfile = "t.csv"\n'
    )
    assert msg == (
        "tables[0].file: table 't.csv' has the column 'use.budget' twice (line 1); "
        "each column may appear once"
    )


def test_regret_states_the_sense_it_minimises(tmp_path):
    import highspy

    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["solve", "small-example", "--objective", "regret", "--format", "json", "-o", out]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(out.read_text())
    assert d["objective"]["kind"] == "regret"
    assert d["objective"]["sense"] == "minimize"  # what was optimised: the regret
    assert d["problem"]["sense"] == "maximize"  # the expected value and by_scenario
    mps = tmp_path / "r.mps"
    result = CliRunner().invoke(
        cli, ["export", "small-example", "--objective", "regret", "--mps", mps]
    )
    assert result.exit_code == 0, result.output
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    assert h.getLp().sense_ == highspy.ObjSense.kMinimize  # the exported model agrees
    table = CliRunner().invoke(cli, ["solve", "small-example", "--objective", "regret"])
    assert "regret value (minimised): 0" in table.stdout
    maximin = CliRunner().invoke(cli, ["solve", "small-example", "--objective", "maximin"])
    assert "maximin value (maximised): " in maximin.stdout


# ---- items named by id ---------------------------------------------------------------------
def test_errors_name_the_item_by_its_id(tmp_path):
    items = "".join(f'[[commitments]]\nid = "c{i}"\nvalue = 1\n' for i in range(7))
    text = items + '[[commitments]]\nid = "library"\nvalue = 1\nvalue_per_year = 1\n'
    assert load_error(tmp_path, text) == (
        "commitment 'library' (commitments[7]).value_per_year: expected true or false, got 1"
    )
    text = (
        SMALL
        + '[[commitments]]\nid = "c"\n[[commitments.options]]\nid = "big"\nuse = { budgte = 1 }\n'
    )
    assert load_error(tmp_path, text) == (
        "commitment 'c' (commitments[2]).option 'big' (options[0]).use.budgte: "
        "unknown resource 'budgte'; did you mean 'budget'?"
    )
    # an error about the id itself quotes it once; an item without an id keeps its position
    text = SMALL + '[[commitments]]\nid = "a"\nvalue = 1\n'
    assert load_error(tmp_path, text) == (
        "commitments[2].id: duplicate commitment id 'a' (also at [0])"
    )
    text = SMALL + '[[relations]]\ntype = "excludes"\nmembers = ["a", "q"]\n'
    assert load_error(tmp_path, text).startswith("relations[0].members[1]: unknown commitment 'q'")
    text = SMALL + '[[relations]]\nid = "pick"\ntype = "excludes"\nmembers = ["a", "q"]\n'
    assert load_error(tmp_path, text).startswith(
        "relation 'pick' (relations[0]).members[1]: unknown commitment 'q'"
    )


def test_toml_slips_get_a_hint(tmp_path):
    msg = load_error(tmp_path, '{"problem": {"name": "x"}}')
    assert msg == (
        "invalid TOML: Invalid statement (at line 1, column 1); "
        "this looks like JSON: name the file .json"
    )
    msg = load_error(tmp_path, '[commitments]\nid = "a"\nvalue = 1\n')
    assert msg == (
        "commitments: expected a list of tables, got a table "
        "(in TOML, start each item with [[commitments]], in double brackets)"
    )
    msg = load_error(tmp_path, '[commitments]\nid = "a"\n[commitments]\nid = "b"\n')
    assert msg == (
        "invalid TOML: Cannot declare ('commitments',) twice (at line 3, column 13); "
        "write [[commitments]] (double brackets) to start each item of a list"
    )
