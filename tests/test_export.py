"""``optimizer export``: MPS and LP files that other solvers read with the same optimum and sense."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS

import optimizer
from optimizer import api
from optimizer.cli import cli

# Minimisation, and ids that are awkward in LP files: a hyphen (read as minus), a leading
# digit. Costs 3, 5, 4; at least two of three: x-1 + 9z = 7.
AWKWARD = """
[problem]
name = "awkward"
sense = "minimize"
years = [2030, 2031]
[[commitments]]
id = "x-1"
value = 3
[[commitments]]
id = "y"
value = 5
[[commitments]]
id = "9z"
value = 4
start = [2030, 2031]
[[relations]]
type = "at_least"
members = ["x-1", "y", "9z"]
count = 2
"""


def export(tmp_path, problem: str):
    mps, lp = tmp_path / "model.mps", tmp_path / "model.lp"
    result = CliRunner().invoke(cli, ["export", problem, "--mps", str(mps), "--lp", str(lp)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"wrote {mps}", f"wrote {lp}"]
    return mps, lp


def read_and_solve(path):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    lp = h.getLp()
    x = dict(zip(lp.col_names_, h.getSolution().col_value, strict=True))
    return lp.sense_, h.getInfo().objective_function_value, x, lp


def problem_arg(tmp_path, name: str) -> str:
    if name == "awkward":
        path = tmp_path / "awkward.toml"
        path.write_text(textwrap.dedent(AWKWARD))
        return str(path)
    return name


@pytest.mark.parametrize("name", ["small-example", "capital-budgeting", "awkward"])
def test_exported_files_keep_the_optimum_and_the_sense(tmp_path, name):
    import highspy

    problem = problem_arg(tmp_path, name)
    spec = optimizer.load(problem)
    sol = optimizer.solve(spec)
    model = api.compile(spec)
    sense = highspy.ObjSense.kMaximize if spec.sense == "maximize" else highspy.ObjSense.kMinimize
    for path in export(tmp_path, problem):
        got_sense, objective, x, lp = read_and_solve(path)
        assert got_sense == sense, path.suffix
        assert objective == pytest.approx(sol.objective_value, rel=1e-9, abs=1e-9)
        assert lp.num_col_ == model.n and lp.num_row_ == model.m
        assert all(t == highspy.HighsVarType.kInteger for t in lp.integrality_)
        assert sum(v > 0.5 for v in x.values()) == len(sol.chosen)


def test_exported_names_follow_the_package(tmp_path):
    _, lp_path = export(tmp_path, "small-example")
    _, _, x, _ = read_and_solve(lp_path)
    # the hand-worked optimum of small-example (see test_cli.py)
    assert {k for k, v in x.items() if v > 0.5} == {"a.small@2026", "b.yes@2027", "c.yes@2026"}


def test_awkward_names_are_made_portable(tmp_path):
    _, lp_path = export(tmp_path, problem_arg(tmp_path, "awkward"))
    text = lp_path.read_text()
    assert text.startswith("\\") or text.lstrip().startswith(("min", "\\"))
    names = set(re.findall(r"[A-Za-z_][\w.@]*@20\d\d", text))
    assert names == {"x_1.yes@2030", "y.yes@2030", "_9z.yes@2030", "_9z.yes@2031"}
    assert "\nbinaries\n" in text and "\nbin\n" not in text


def _cbc():
    import pulp

    return pulp.PULP_CBC_CMD().path


def _cbc_objective(*args: str) -> float:
    out = subprocess.run([_cbc(), *args], capture_output=True, text=True, timeout=60)
    assert "Optimal solution found" in out.stdout, out.stdout[-2000:]
    return float(re.search(r"^Objective value:\s+(\S+)", out.stdout, re.M).group(1))


@pytest.mark.skipif("cbc" not in MIP_SOLVERS, reason="CBC is not available")
@pytest.mark.parametrize("name", ["small-example", "capital-budgeting", "awkward"])
def test_cbc_reads_the_exported_files(tmp_path, name):
    problem = problem_arg(tmp_path, name)
    sol = optimizer.solve(optimizer.load(problem))
    mps, lp = export(tmp_path, problem)
    # the LP file carries its sense; CBC ignores OBJSENSE in MPS and needs -max there
    assert _cbc_objective(str(lp), "-solve") == pytest.approx(sol.objective_value)
    flag = ["-max"] if sol.problem.sense == "maximize" else []
    assert _cbc_objective(str(mps), *flag, "-solve") == pytest.approx(sol.objective_value)


def test_export_needs_a_file_and_its_option_names_the_format(tmp_path):
    from optimizer import api
    from optimizer.errors import InputError
    from optimizer.export import write_model

    result = CliRunner().invoke(cli, ["export", "small-example"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: export: give --lp FILE and/or --mps FILE"
    named = tmp_path / "model.txt"
    result = CliRunner().invoke(cli, ["export", "small-example", "--mps", str(named)])
    assert result.exit_code == 0, result.stderr
    assert named.read_text().rstrip().endswith("ENDATA")  # --mps says MPS, whatever the name
    bad = tmp_path / "other.txt"
    model = api.compile(api.load("small-example"))
    with pytest.raises(InputError, match=r"unknown model file type '\.txt'; allowed: \.mps, \.lp"):
        write_model(model, bad)  # no format named: the suffix must say it
    assert not bad.exists()
