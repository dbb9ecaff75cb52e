"""The ``optimizer`` command through Click's ``CliRunner``: output, files and exit codes.

Most checks use the bundled ``small-example`` (three commitments over 2026-2028, budget
5/6/6, scenarios good 0.6 / bad 0.4), whose optimum is worked out by hand:
a.small (2 a year, worth 5/2) + b@2027 (profile [3, 1], worth 4/4) + c (1 a year, worth 2,
needs b): budget use 3/6/4; value good 11, bad 8, expected 0.6*11 + 0.4*8 = 9.8.
a.large (4 a year) leaves no room for b in 2026 (4 + 3 > 5) or in 2027 (4 + 3 > 6), and
alone with nothing else is worth 0.6*9 + 0.4*3 = 6.6.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS, ROOT

import optimizer
from optimizer.cli import cli
from optimizer.spec.schema import SCHEMA

PACKAGE = [
    {"commitment": "a", "option": "small", "start": 2026},
    {"commitment": "b", "option": "yes", "start": 2027},
    {"commitment": "c", "option": "yes", "start": 2026},
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_error_line(result, code: int) -> str:
    """The single stderr line of a failed run (and nothing on stdout, no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return lines[0]


def solve_json(*args: str) -> dict:
    result = run("solve", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---- solve -----------------------------------------------------------------------------------
def test_solve_table_shows_the_package_values_and_resources():
    result = run("solve", "small-example")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "status: optimal" in out and "verified: yes" in out
    rows = out.split("Chosen package (3 of 3 commitments)")[1].split("\n\n")[0].splitlines()
    cells = [r.split()[:3] for r in rows[2:]]
    assert cells == [["a", "small", "2026"], ["b", "yes", "2027"], ["c", "yes", "2026"]]
    scen = out.split("Value by scenario")[1].split("\n\n")[0]
    assert re.search(r"good\s+0\.60\s+11\.00", scen)
    assert re.search(r"bad\s+0\.40\s+8\.00", scen)
    assert re.search(r"expected\s+1\.00\s+9\.80", scen)
    res = out.split("Resource use")[1]
    assert re.search(r"budget\s+2027\s+6\.00\s+6\.00\s+0", res)


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_solve_json_has_exactly_the_documented_shape(solver):
    out = solve_json("small-example", "--solver", solver)
    expected_top = {
        "schema_version",
        "problem",
        "status",
        "objective",
        "chosen",
        "resources",
        "solver",
        "verified",
    }
    assert set(out) == expected_top
    assert out["schema_version"] == 1
    assert set(out["problem"]) == {"name", "sha256", "sense"}
    assert out["problem"]["name"] == "small-example"
    assert re.fullmatch(r"[0-9a-f]{64}", out["problem"]["sha256"])
    assert out["status"] == "optimal"
    assert {"expected", "by_scenario"} <= set(out["objective"])
    assert out["objective"]["expected"] == pytest.approx(9.8)
    assert out["objective"]["by_scenario"] == pytest.approx({"good": 11, "bad": 8})
    assert out["chosen"] == PACKAGE
    for r in out["resources"]:
        assert set(r) == {"id", "year", "used", "capacity"}
    assert [(r["id"], r["year"], r["used"], r["capacity"]) for r in out["resources"]] == [
        ("budget", 2026, 3, 5),
        ("budget", 2027, 6, 6),
        ("budget", 2028, 4, 6),
    ]
    assert {"name", "time_s", "gap", "bound"} <= set(out["solver"])
    assert out["solver"]["name"] == solver
    assert out["solver"]["bound"] == pytest.approx(9.8)
    assert out["verified"] is True


def test_sha256_names_the_input_and_its_overrides():
    a = solve_json("small-example")["problem"]["sha256"]
    assert solve_json("small-example")["problem"]["sha256"] == a
    b = solve_json("small-example", "--set", "resources.budget.capacity.2027=10")
    assert b["problem"]["sha256"] != a


def test_solve_csv():
    result = run("solve", "small-example", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    chosen = [(r["id"], r["option"], r["year"]) for r in rows if r["section"] == "chosen"]
    assert chosen == [("a", "small", "2026"), ("b", "yes", "2027"), ("c", "yes", "2026")]
    (exp,) = [r for r in rows if r["section"] == "expected"]
    assert float(exp["value"]) == pytest.approx(9.8)
    res = [(r["year"], float(r["value"])) for r in rows if r["section"] == "resource"]
    assert res == [("2026", 3.0), ("2027", 6.0), ("2028", 4.0)]


def test_output_writes_the_file(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("old content")
    result = run("solve", "small-example", "--format", "json", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == f"wrote {target}"
    assert json.loads(target.read_text())["chosen"] == PACKAGE
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary left


def test_set_changes_the_answer():
    # 10 in 2027 makes room for a.large with b@2027 and c: use 5/8/6;
    # good 9 + 4 + 2 = 15, bad 3 + 4 + 2 = 9, expected 0.6*15 + 0.4*9 = 12.6
    out = solve_json("small-example", "--set", "resources.budget.capacity.2027=10")
    assert out["chosen"][0] == {"commitment": "a", "option": "large", "start": 2026}
    assert out["objective"]["expected"] == pytest.approx(12.6)


def test_force_and_forbid():
    # forcing a.large leaves no room for b (and so for c): 6.6
    out = solve_json("small-example", "--force", "a.large")
    assert out["chosen"] == [{"commitment": "a", "option": "large", "start": 2026}]
    assert out["objective"]["expected"] == pytest.approx(6.6)
    # forbidding c: a.small + b (good 9, bad 6) = 7.8 beats a.large alone = 6.6
    out = solve_json("small-example", "--forbid", "c")
    assert [(c["commitment"], c["option"]) for c in out["chosen"]] == [("a", "small"), ("b", "yes")]
    assert out["objective"]["expected"] == pytest.approx(7.8)
    # forbidding b also rules out c (c requires b): a.large alone = 6.6
    out = solve_json("small-example", "--forbid", "b", "--forbid", "a.small")
    assert out["chosen"] == [{"commitment": "a", "option": "large", "start": 2026}]


def test_force_of_an_unknown_commitment():
    line = one_error_line(run("solve", "small-example", "--force", "zz"), 2)
    assert line.startswith("error: --force/--forbid: unknown commitment 'zz'")


@pytest.mark.parametrize("flag,member", [("--force", "a."), ("--forbid", ".small")])
def test_a_member_with_a_part_missing_is_refused(flag, member):
    """'a.' was read as 'a' (any option of a), silently."""
    line = one_error_line(run("solve", "small-example", flag, member), 2)
    assert f"'{member}': expected COMMITMENT or COMMITMENT.OPTION" in line


# ---- the other commands ---------------------------------------------------------------------
def test_validate():
    result = run("validate", "small-example")
    assert result.exit_code == 0
    assert result.stdout == (
        "small-example: ok (3 commitments, 4 options, 2 scenarios, 1 resources, 1 relations, "
        "2026-2028)\n"
    )


def test_problems_lists_the_bundled_problems():
    result = run("problems")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"small-example", "capital-budgeting"} <= set(names)
    assert names == sorted(names)
    line = next(x for x in result.stdout.splitlines() if x.startswith("capital-budgeting"))
    assert "Weingartner" in line


def test_solvers_lists_availability():
    import solvers

    result = run("solvers", "--format", "json")
    assert result.exit_code == 0
    listed = {s["name"]: s["available"] for s in json.loads(result.stdout)}
    assert list(listed) == list(solvers.REGISTRY)
    assert listed["highs"] is True
    assert [n for n, ok in listed.items() if ok] == solvers.available()
    table = run("solvers").stdout
    assert re.search(r"^highs\s+yes\s+highspy", table, re.M)


def test_schema_prints_the_json_schema():
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"optimizer, version {optimizer.__version__}\n"


def test_python_dash_m_and_help_stay_light():
    # `optimizer --help` must not import the heavy libraries
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from optimizer.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in ('scipy', 'highspy', 'pulp', 'pandas', 'openpyxl') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0
    assert out.stdout == f"optimizer, version {optimizer.__version__}\n"


# ---- bad input: exit 2, one line ----------------------------------------------------------------
def write(tmp_path, text: str, name: str = "bad.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_bad_number_names_file_location_and_value(tmp_path):
    path = write(
        tmp_path,
        """
        [problem]
        name = "bad"
        [[resources]]
        id = "fiscal"
        capacity = 3
        [[commitments]]
        id = "a"
          [[commitments.options]]
          id = "one"
          use = { fiscal = "abc" }
        """,
    )
    line = one_error_line(run("solve", str(path)), 2)
    where = "commitment 'a' (commitments[0]).option 'one' (options[0]).use.fiscal"
    assert line == f"error: {path}: {where}: expected a number, got 'abc'"
    line = one_error_line(run("validate", str(path)), 2)
    assert line.endswith(f"{where}: expected a number, got 'abc'")


def test_unknown_resource_is_located_where_the_file_has_it(tmp_path):
    # a commitment with use/value directly has no 'options' in the file
    path = write(
        tmp_path,
        """
        [problem]
        name = "bad"
        [[resources]]
        id = "fiscal"
        capacity = 3
        [[commitments]]
        id = "a"
        use = { fiscla = 1 }
        """,
    )
    line = one_error_line(run("solve", str(path)), 2)
    assert line == (
        f"error: {path}: commitment 'a' (commitments[0]).use.fiscla: unknown resource 'fiscla'; "
        "did you mean 'fiscal'?"
    )


def test_unknown_solver():
    line = one_error_line(run("solve", "small-example", "--solver", "cbx"), 2)
    assert "'cbx'" in line and "--solver" in line


def test_unavailable_solver_exits_4(monkeypatch):
    import solvers

    real = solvers.info

    def info(name):
        i = real(name)
        return i if name != "cbc" else solvers.SolverInfo("cbc", False, "not here", i.features, "")

    monkeypatch.setattr(solvers, "info", info)
    line = one_error_line(run("solve", "small-example", "--solver", "cbc"), 4)
    assert "solver 'cbc' is not available (not here)" in line


def test_missing_file_and_unknown_problem():
    line = one_error_line(run("solve", "no_such_problem.toml"), 2)
    assert line == "error: no_such_problem.toml: no such file"
    line = one_error_line(run("solve", "small-exampel"), 2)
    assert "'small-exampel'" in line and "did you mean 'small-example'?" in line


def test_missing_argument_and_unknown_command():
    line = one_error_line(run("solve"), 2)
    assert "PROBLEM" in line
    line = one_error_line(run("sovle", "small-example"), 2)
    assert "'sovle'" in line


def test_bad_set_override():
    line = one_error_line(run("solve", "small-example", "--set", "resources.budgt.capacity=3"), 2)
    assert line == (
        "error: --set: resources.budgt.capacity: no item with id 'budgt'; did you mean 'budget'?"
    )
    line = one_error_line(run("solve", "small-example", "--set", "resources.budget.capacity=x"), 2)
    assert "resource 'budget' (resources[0]).capacity: expected a number, got 'x'" in line


# ---- infeasible: exit 3, one line naming the kinds of constraints -----------------------------------
def test_infeasible(tmp_path):
    path = write(
        tmp_path,
        """
        [problem]
        name = "too-much"
        [[resources]]
        id = "budget"
        capacity = 5
        [[commitments]]
        id = "a"
        use = { budget = 3 }
        value = 1
        required = true
        [[commitments]]
        id = "b"
        use = { budget = 3 }
        value = 1
        [[relations]]
        type = "force"
        members = ["b"]
        """,
    )
    line = one_error_line(run("solve", str(path)), 3)
    assert "too-much: infeasible" in line
    kinds = re.search(r"constraints involved: ([a-z_, ]+)", line)
    assert kinds, line
    assert set(kinds.group(1).replace(" ", "").split(",")) <= {"budget", "force", "choice"}


def test_size_limits_from_the_command_line():
    line = one_error_line(run("validate", "small-example", "--max-bytes", "100"), 2)
    assert "more than the limit of 100 (raise it with --max-bytes)" in line
    assert run("validate", "small-example", "--max-bytes", "100000").exit_code == 0
    line = one_error_line(run("solve", "small-example", "--max-columns", "4"), 2)
    assert line.endswith(
        "commitments: the problem has 5 decision columns, more than the limit of 4 "
        "(raise it with --max-columns)"
    )


def test_main_imports_the_numeric_stack_first_only_for_commands_that_need_it():
    from optimizer.cli import _solves

    assert _solves(["solve", "canada-us-2025"])
    assert _solves(["-q", "montecarlo", "p.toml", "-n", "10"])
    assert _solves(["export", "p.toml", "--lp", "x.lp"])
    assert not _solves([])
    assert not _solves(["--help"])
    assert not _solves(["solve", "--help"])
    assert not _solves(["problems"])
    assert not _solves(["validate", "p.toml"])
    assert not _solves(["schema"])
