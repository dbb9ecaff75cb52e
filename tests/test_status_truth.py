"""A status is never better than proven: an incumbent is not an optimum, an unbounded model is
not infeasible, and numbers no solver handles are refused, not solved wrong.

- ``alternatives`` under a time limit: every package carries its status and the solver's gap;
  an unproven first package is "best found", never "optimum".
- Unbounded models (a response with no bound in the improving direction) exit 4 as unbounded,
  naming the direction, on HiGHS (which answers "unbounded or infeasible") and CBC.
- Coefficients of 1e15 or more (HiGHS rejects them; CBC called such a model infeasible) are an
  exit-2 error naming the item, from a problem file and from an MPS file; a model HiGHS
  rejects anyway is a ``SolverError`` (exit 4) with HiGHS' reason.

Subprocess tests parse stdout: they need only the command's own output on stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS, ROOT

import optimizer
import solvers
from optimizer.cli import cli
from optimizer.errors import InputError, SolverError
from solvers import SolveResult, Status

HANG_GUARD_S = 300


def run(*args: str) -> subprocess.CompletedProcess:
    """The console script as a user runs it, stdout and stderr piped."""
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_GUARD_S,
    )


def own_json(stdout: str):
    """The command's JSON output. Until highspy's construction banner is kept off stdout (being
    fixed separately), a polluted stdout makes this test an expected failure, not a pass."""
    if stdout.startswith("Running HiGHS"):
        pytest.xfail("highspy's banner reaches stdout")
    return json.loads(stdout)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---- alternatives under a limit ---------------------------------------------------------------
class Unproven:
    """HiGHS, but every answer is reported as stopped at a limit with a 5% gap: exactly what a
    time limit on a hard problem gives, on any machine."""

    name = "highs"
    features = frozenset()

    def __init__(self) -> None:
        from solvers.highs import HighsSolver

        self.inner = HighsSolver()

    def solve(self, model, options) -> SolveResult:
        res = self.inner.solve(model, options)
        if res.status != Status.OPTIMAL:
            return res
        bound = res.objective + 0.05 * max(1.0, abs(res.objective))
        return replace(res, status=Status.TIME_LIMIT, bound=bound, gap=0.05, raw_status="limit")


@pytest.fixture
def unproven(monkeypatch):
    real = solvers.get
    monkeypatch.setattr(solvers, "get", lambda name: Unproven() if name == "highs" else real(name))


def test_unproven_alternatives_are_not_called_the_optimum_in_json(unproven):
    result = CliRunner().invoke(
        cli, ["alternatives", "small-example", "-k", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "time_limit"
    assert len(out["alternatives"]) == 2
    for alt in out["alternatives"]:
        assert alt["status"] == "time_limit"
        assert alt["solver_gap"] == pytest.approx(0.05)
    assert "optimum" not in result.stdout


def test_unproven_alternatives_are_not_called_the_optimum_in_the_table(unproven):
    result = CliRunner().invoke(
        cli, ["alternatives", "small-example", "-k", "2", "--within", "50%"]
    )
    assert result.exit_code == 0, result.output
    assert "optimum" not in result.stdout.lower()
    assert "best found, not proven; gap 5.00%" in " ".join(result.stdout.split()).lower()
    assert result.stdout.count("not proven; gap 5.00%") >= 2  # each package says so


def test_proven_alternatives_say_optimal():
    result = CliRunner().invoke(
        cli, ["alternatives", "small-example", "-k", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "optimal"
    assert [(a["status"], a["solver_gap"]) for a in out["alternatives"]] == [("optimal", 0.0)] * 2
    table = CliRunner().invoke(cli, ["alternatives", "small-example", "-k", "2"])
    assert "Optimum: " in table.stdout


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    from test_limits import to_document

    from problems.generate import generate

    path = tmp_path_factory.mktemp("hard") / "hard.json"
    path.write_text(json.dumps(to_document(generate(150, seed=1))))
    return path


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_alternatives_at_a_time_limit_carry_their_status(hard, solver):
    """The reported case: ``alternatives --time-limit 1 -k 2`` on a hard problem (proving its
    optimum takes minutes). Whatever this machine's speed, no package is called more than its
    status, and a package that is not proven says its gap."""
    args = ["alternatives", str(hard), "--solver", solver, "--time-limit", "1", "-k", "2"]
    done = run(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    out = own_json(done.stdout)
    assert out["alternatives"]
    assert out["status"] == out["alternatives"][0]["status"]
    for alt in out["alternatives"]:
        assert alt["status"] in ("optimal", "time_limit")
        if alt["status"] == "time_limit":
            assert alt["solver_gap"] is None or alt["solver_gap"] > 0
    table = run(*args)
    assert table.returncode == 0, table.stderr
    if out["status"] != "optimal":
        assert "optimum" not in table.stdout.lower()
        assert "Best found, not proven; gap " in table.stdout


# ---- unbounded is not infeasible --------------------------------------------------------------
UNBOUNDED = """
[problem]
name = "unbounded"
{sense}

[[commitments]]
id = "a"
value = 1

[[responses]]
id = "sales"
value = 1
stage = 1
{lower}
"""

UNBOUNDED_VIA_A_ROW = """
[problem]
name = "unbounded-row"

[[commitments]]
id = "a"
value = 1

[[responses]]
id = "x"
value = 1
stage = 1

[[responses]]
id = "y"
value = 0
stage = 1

[[constraints]]
expr = "x - y <= 1"
"""

CASES = {
    "maximise, no upper bound": UNBOUNDED.format(sense="", lower=""),
    "minimise, lower = -1e30": UNBOUNDED.format(sense='sense = "minimize"', lower="lower = -1e30"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_unbounded_problem_is_reported_as_unbounded_with_its_direction(tmp_path, case):
    path = write(tmp_path, "unbounded.toml", CASES[case])
    done = run("solve", str(path), "--solver", "highs")
    assert done.returncode == 4, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "infeasible" not in lines[0].replace("infeasible or unbounded", "")
    assert "unbounded" in lines[0]
    assert "along 'sales'" in lines[0]


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_a_ray_through_a_constraint_is_named(tmp_path, solver):
    path = write(tmp_path, "unbounded.toml", UNBOUNDED_VIA_A_ROW)
    with pytest.raises(SolverError) as err:
        optimizer.solve(optimizer.load(path), solver=solver)
    assert "unbounded: the objective improves without limit along 'x', 'y'" in str(err.value)


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not installed here")
def test_cbc_reports_an_unbounded_problem_as_unbounded(tmp_path):
    path = write(tmp_path, "unbounded.toml", CASES["maximise, no upper bound"])
    result = CliRunner().invoke(cli, ["solve", str(path), "--solver", "cbc"])
    assert result.exit_code == 4, result.output
    assert "unbounded" in result.stderr and "along 'sales'" in result.stderr
    assert "infeasible" not in result.stderr


def test_unbounded_or_infeasible_is_settled_infeasible_when_it_is(tmp_path):
    """The feasibility check that tells the two apart must still find a real infeasibility:
    a free response pushed both ways by contradicting rows."""
    path = write(
        tmp_path,
        "both.toml",
        UNBOUNDED.format(sense="", lower="")
        + '\n[[constraints]]\nexpr = "sales >= 2"\n\n[[constraints]]\nexpr = "sales <= 1"\n',
    )
    result = CliRunner().invoke(cli, ["solve", str(path)])
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.stderr


def test_the_highs_back_end_settles_unbounded_or_infeasible(tmp_path):
    """The back end itself never maps HiGHS' "unbounded or infeasible" to infeasible."""
    from optimizer.compile import compile_spec

    path = write(tmp_path, "unbounded.toml", CASES["minimise, lower = -1e30"])
    model = compile_spec(optimizer.load(path))
    res = solvers.get("highs").solve(model, solvers.SolveOptions())
    assert res.status == Status.UNBOUNDED
    assert [model.col_name(j) for j in res.extra["ray"]] == ["sales"]


# ---- numbers beyond what solvers handle -------------------------------------------------------
BIG = """
[problem]
name = "big"

[[resources]]
id = "budget"
capacity = {capacity}

[[commitments]]
id = "a"
value = {value}
use = {{ budget = {use} }}

[[commitments]]
id = "b"
value = 2
use = {{ budget = 3 }}
"""


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize(
    ("numbers", "what"),
    [
        ({"capacity": "5e25", "value": "1", "use": "1e25"}, "constraint coefficient 1e+25"),
        ({"capacity": "5e15", "value": "1", "use": "1e15"}, "constraint coefficient 1e+15"),
        ({"capacity": "5", "value": "1e25", "use": "3"}, "objective coefficient 1e+25"),
    ],
)
def test_coefficients_beyond_the_solvers_are_refused_at_load(tmp_path, solver, numbers, what):
    path = write(tmp_path, "big.toml", BIG.format(**numbers))
    result = CliRunner().invoke(cli, ["solve", str(path), "--solver", solver])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert what in lines[0]
    assert "a.yes" in lines[0]  # the item: commitment a, option yes
    assert "below 1e+15" in lines[0]


def test_large_but_safe_coefficients_still_solve(tmp_path):
    path = write(tmp_path, "big.toml", BIG.format(capacity="5e14", value="1", use="1e14"))
    result = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "optimal"


MPS = """NAME          big
ROWS
 N  OBJ
 L  c1
COLUMNS
    x         OBJ       {obj}
    x         c1        {coef}
    y         OBJ       2
    y         c1        3
RHS
    RHS       c1        5
BOUNDS
 UP BND       x         1
 UP BND       y         1
ENDATA
"""


@pytest.mark.parametrize(
    ("obj", "coef", "expected"),
    [
        ("1", "1e25", "1e+25"),  # HiGHS refuses to read it: its reason is passed on
        ("1e16", "1", "objective coefficient 1e+16 (x)"),
    ],
)
def test_an_mps_file_with_huge_numbers_is_refused(tmp_path, obj, coef, expected):
    path = write(tmp_path, "big.mps", MPS.format(obj=obj, coef=coef))
    result = CliRunner().invoke(cli, ["solve", str(path)])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr


def test_a_model_highs_rejects_is_a_solver_error_with_its_reason():
    """Past the load-time check (a model built by hand): exit 4 and HiGHS' own reason, not a
    bare ``RuntimeError``."""
    from optimizer.compile import compile_spec

    model = compile_spec(optimizer.load("small-example"))
    A = model.A.copy()
    A.data[0] = 1e16
    with pytest.raises(SolverError, match=r"HiGHS rejected the model: .*1e\+16") as err:
        solvers.get("highs").solve(replace(model, A=A), solvers.SolveOptions())
    assert err.value.exit_code == 4


def test_check_magnitudes_names_a_scenario_value():
    from optimizer.compile import compile_spec
    from optimizer.numerics import check_magnitudes

    model = compile_spec(optimizer.load("small-example"))
    C = np.array(model.C, dtype=float)
    C[0, -1] = np.inf
    with pytest.raises(InputError, match=r"in scenario '"):
        check_magnitudes(replace(model, C=C), where="x")
