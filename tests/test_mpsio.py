"""MPS/LP files as MatrixModels (through highspy) and the independent NumPy verifier.

Known answers: the MIPLIB optima in ../shared/data/miplib/optima.csv, and hand-written tiny
models whose feasible and infeasible points are worked out in the test.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import MIP_SOLVERS, data_file

import solvers
from optimizer.errors import InputError, VerificationError
from optimizer.mpsio import FileModel, is_model_file, read_model, verify, verify_result


def _published(name: str) -> float:
    with open(data_file("miplib", "optima.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["name"] == name:
                return float(row["optimal_objective"])
    raise KeyError(name)


# MIPLIB 3 sizes (rows, columns), as published with the instances
SIZES = {"flugpl": (18, 18), "lseu": (28, 89)}


@pytest.mark.parametrize("name", ["flugpl", "lseu"])
def test_reader_sizes_and_names(name):
    model = read_model(data_file("miplib", f"{name}.mps"))
    assert isinstance(model, FileModel)
    assert (model.m, model.n) == SIZES[name]
    assert model.n_decision == model.n
    assert not model.maximize
    assert model.integrality.any()
    names = model.col_names()
    assert len(set(names)) == model.n and all(names)
    assert model.row_kind.tolist() == ["user"] * model.m


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("name", ["flugpl", "lseu"])
def test_solved_file_model_matches_published_optimum_and_verifies(name, solver):
    model = read_model(data_file("miplib", f"{name}.mps"))
    res = solvers.get(solver).solve(model, solvers.SolveOptions(time_limit=60))
    assert res.status == solvers.Status.OPTIMAL
    v = verify_result(model, res)
    assert v.feasible
    assert v.objective == pytest.approx(_published(name), rel=1e-9)


def test_verifier_flags_perturbed_solutions():
    model = read_model(data_file("miplib", "lseu.mps"))
    res = solvers.get("highs").solve(model, solvers.SolveOptions(time_limit=60))
    x = res.x.copy()
    assert verify(model, x).feasible

    # a fractional value of a binary column
    y = x.copy()
    j = int(np.nonzero(model.integrality)[0][0])
    y[j] = 0.5
    v = verify(model, y)
    assert not v.feasible and v.max_integrality_violation == pytest.approx(0.5)

    # every column at 1: lseu's knapsack rows (all <= with positive weights) are exceeded
    ones = np.ones(model.n)
    v = verify(model, ones)
    assert not v.feasible and v.max_row_violation > 0
    assert any(s.startswith("row ") for s in v.violations)

    # outside a column bound
    y = x.copy()
    y[0] = model.col_upper[0] + 1
    assert verify(model, y).max_bound_violation > 0

    # a solver answer whose objective was misreported
    bad = res.__class__(res.status, x, res.objective + 1.0, solver="highs")
    with pytest.raises(VerificationError):
        verify_result(model, bad)


MPS_TEXT = """NAME          TINY
ROWS
 N  obj
 L  c1
 G  c2
 E  c3
COLUMNS
    MARKER                 'MARKER'                 'INTORG'
    x         obj       -3.0   c1        1.0
    x         c2        1.0
    MARKER                 'MARKER'                 'INTEND'
    y         obj       -2.0   c1        1.0
    y         c3        1.0
    z         obj        1.0   c3        1.0
RHS
    rhs       c1        4.0    c2        1.0
    rhs       c3        2.0
BOUNDS
 UP bnd       x         3.0
 UP bnd       y         2.5
ENDATA
"""


def test_tiny_mps_by_hand(tmp_path):
    # min -3x - 2y + z  s.t. x + y <= 4, x >= 1, y + z = 2, x integer in [0, 3], y <= 2.5
    p = tmp_path / "tiny.mps"
    p.write_text(MPS_TEXT)
    model = read_model(p)
    assert model.col_names() == ["x", "y", "z"]
    assert model.integrality.tolist() == [True, False, False]
    v = verify(model, np.array([2.0, 2.0, 0.0]))
    assert v.feasible and v.objective == pytest.approx(-10.0)
    assert not verify(model, np.array([3.0, 2.0, 0.0])).feasible  # x + y = 5 > 4
    assert not verify(model, np.array([0.0, 2.0, 0.0])).feasible  # x >= 1 fails
    assert not verify(model, np.array([1.5, 2.0, 0.0])).feasible  # x fractional
    assert not verify(model, np.array([1.0, 1.0, 0.0])).feasible  # y + z = 1 != 2
    # optimum by hand, over integer x: x = 3 leaves y <= 1 (y = 1, z = 1): -10; x = 2 allows
    # y = 2, z = 0: -10; x = 1: -7. So -10.
    res = solvers.get("highs").solve(model, solvers.SolveOptions())
    assert res.objective == pytest.approx(-10.0)
    assert verify_result(model, res).feasible


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("    x         c2        1.0\n", "    x         c22       1.0\n", 'Row name "c22"'),
        ("    rhs       c3        2.0\n", "    rhs       c33       2.0\n", 'Row name "c33"'),
        (
            "    z         obj        1.0   c3        1.0\n",
            "    z         obj        1.0   c3        1.0\n    z         c3        5.0\n",
            "duplicate",
        ),
    ],
)
def test_entries_the_reader_would_drop_are_refused(tmp_path, old, new, named):
    """A row name missing from ROWS (a typo) or a repeated entry: HiGHS' reader drops it with
    a warning and reads another model; the file is refused instead, naming the entry, in one
    line with exit code 2 from the console script."""
    import subprocess
    import sys

    assert old in MPS_TEXT
    p = tmp_path / "typo.mps"
    p.write_text(MPS_TEXT.replace(old, new))
    with pytest.raises(InputError, match=named):
        read_model(p)
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(p), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(p) in lines[0] and named in lines[0], out.stderr
    good = tmp_path / "good.mps"
    good.write_text(MPS_TEXT)
    assert read_model(good).col_names() == ["x", "y", "z"]


def test_lp_file_keeps_maximisation(tmp_path):
    p = tmp_path / "knap.lp"
    p.write_text(
        "Maximize\n obj: 5 a + 4 b + 3 c\nSubject To\n w: 2 a + 3 b + c <= 4\nBinary\n a b c\nEnd\n"
    )
    model = read_model(p)
    assert model.maximize
    # by enumeration: {a, c} weight 3 value 8; {a, b} weight 5 > 4; {b, c} 4 -> 7
    res = solvers.get("highs").solve(model, solvers.SolveOptions())
    assert res.objective == pytest.approx(8.0)
    assert verify_result(model, res).objective == pytest.approx(8.0)


def test_reader_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_model(tmp_path / "missing.mps")
    other = tmp_path / "model.txt"
    other.write_text("x")
    with pytest.raises(InputError, match="unknown model file type"):
        read_model(other)
    broken = tmp_path / "broken.mps"
    broken.write_text("this is not an MPS file\n")
    with pytest.raises(InputError):
        read_model(broken)
    assert is_model_file("a/b/c.MPS") and is_model_file("x.lp") and not is_model_file("x.toml")


def test_solve_file_gives_verified_published_optimum():
    from optimizer.mpsio import solve_file

    sol = solve_file(data_file("miplib", "flugpl.mps"), solver="highs", time_limit=60)
    assert sol.status == "optimal" and sol.check.feasible
    assert sol.objective == pytest.approx(_published("flugpl"), rel=1e-9)
    doc = __import__("json").loads(sol.to_json())
    assert doc["verified"] is True and doc["objective"]["sense"] == "minimize"
    assert set(doc["values"]) <= set(read_model(data_file("miplib", "flugpl.mps")).col_labels)
    assert sol.to_csv().startswith("column,value\n")
    assert "verified: yes" in sol.text()


def test_solve_file_infeasible(tmp_path):
    from optimizer.errors import InfeasibleError
    from optimizer.mpsio import solve_file

    p = tmp_path / "bad.lp"
    p.write_text("Minimize\n obj: a\nSubject To\n c: a + b >= 3\nBounds\n a <= 1\n b <= 1\nEnd\n")
    with pytest.raises(InfeasibleError):
        solve_file(p)
