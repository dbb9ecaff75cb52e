"""``optimizer bench`` and ``optimizer.bench``: known optima found, statuses normalised.

Known answers come from outside: the mknap1 optima printed in OR-Library's file (3800, 8706.1,
4015 for the first three), the MIPLIB optima in ``miplib/optima.csv``, and hand-worked values
for the small helpers (gap signs, the performance profile).
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner
from conftest import MIP_SOLVERS, data_file

from optimizer import bench
from optimizer.cli import cli

MKNAP1_OPTIMA = {"mknap1-1": 3800.0, "mknap1-2": 8706.1, "mknap1-3": 4015.0}


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_bench_mknap1_first_three_csv_json_markdown(tmp_path):
    src = data_file("orlib", "mknap1.txt")
    out = tmp_path / "out"
    r = CliRunner().invoke(
        cli,
        [
            "bench",
            str(src),
            "--first",
            "3",
            "--solvers",
            "highs",
            "--memory",
            "tracemalloc",
            "--no-plots",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = _read_csv(out / "results.csv")
    assert [row["instance"] for row in rows] == list(MKNAP1_OPTIMA)
    for row in rows:
        assert row["solver"] == "highs"
        assert row["status"] == "optimal"
        assert float(row["objective"]) == pytest.approx(MKNAP1_OPTIMA[row["instance"]])
        assert float(row["known"]) == MKNAP1_OPTIMA[row["instance"]]
        assert float(row["gap_known"]) == pytest.approx(0.0, abs=1e-12)
        assert row["verified"] == "True"
        assert float(row["peak_mib"]) > 0
    doc = json.loads((out / "results.json").read_text())
    assert {"cpu", "cores", "versions", "platform"} <= set(doc["machine"])
    assert {"numpy", "highspy", "optimizer", "python"} <= set(doc["machine"]["versions"])
    assert doc["settings"]["solvers"] == ["highs"]
    assert [x["objective"] for x in doc["results"]] == pytest.approx(list(MKNAP1_OPTIMA.values()))
    assert doc["summary"][0]["optimal"] == 3 and doc["summary"][0]["matches_known"] == 3
    md = (out / "results.md").read_text()
    assert "| mknap1-2 | highs | optimal | 8706.1 | 8706.1 | 0 |" in md
    assert "mknap1-1" in r.output  # the table on stdout


def _optima_csv():
    with open(data_file("miplib", "optima.csv"), newline="") as f:
        return {row["name"]: float(row["optimal_objective"]) for row in csv.DictReader(f)}


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_bench_miplib_files_with_worker_processes(tmp_path, solver):
    folder = data_file("miplib", "optima.csv").parent
    optima = _optima_csv()
    out = tmp_path / "mip"
    r = CliRunner().invoke(
        cli,
        [
            "bench",
            str(folder),
            "--select",
            "flugpl,egout,p0548",
            "--solvers",
            solver,
            "--time-limit",
            "60",
            "--memory",
            "rss",
            "-o",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert sorted(row["instance"] for row in rows) == ["egout", "flugpl", "p0548"]
    for row in rows:
        assert row["status"] == "optimal"
        assert float(row["known"]) == optima[row["instance"]]
        assert float(row["objective"]) == pytest.approx(optima[row["instance"]], rel=1e-7)
        assert abs(float(row["gap_known"])) <= 1e-7
        assert row["matches_known"] == "True" and row["verified"] == "True"
        assert float(row["peak_mib"]) > 1  # resident memory of the worker: at least Python
    if bench.plotting_available():
        assert (out / "performance_profile.png").stat().st_size > 1000
        assert (out / "time_vs_size.png").stat().st_size > 1000
    else:  # the test extra does not require matplotlib: tables still written, and said so
        assert "matplotlib is not installed" in r.stderr
    assert _read_csv(out / "results.csv") == rows


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_tiny_time_limit_is_reported_as_time_limit_never_optimal(solver):
    # Chu & Beasley 5x100 instances take both solvers seconds to prove; 0.05 s cannot.
    src = data_file("orlib", "mknapcb1.txt")
    insts = bench.discover(src, first=1)
    assert insts[0].known_kind == "best_known" and insts[0].known == 24381.0
    (row,) = bench.run(insts, [solver], time_limit=0.05, memory="none")
    assert row.status == "time_limit"
    if row.objective is not None:
        assert row.verified is True
        assert row.gap_known >= -1e-9 or row.objective <= row.bound  # a bound, never a proof


def test_normalise_statuses():
    n = bench.normalise
    # CBC through PuLP: "Optimal" in PuLP's words, but CBC's log says it stopped
    assert (
        n("optimal", "Optimal / Integer Feasible / Stopped on time", 0.01, 5.0, 5.0, 1e-6)
        == "time_limit"
    )
    assert n("optimal", "Time limit reached", None, 1.0, 10.0, 1e-6) == "time_limit"
    # optimal with the gap still open at the limit
    assert n("optimal", "Optimal", 0.02, 10.0, 10.0, 1e-6) == "time_limit"
    # proved, even at the limit
    assert n("optimal", "Optimal", 0.0, 10.0, 10.0, 1e-6) == "optimal"
    assert n("optimal", "Optimal", 5e-7, 3.0, 10.0, 1e-6) == "optimal"
    assert n("unknown", "", None, 10.2, 10.0, 1e-6) == "time_limit"
    assert n("unknown", "", None, 1.0, 10.0, 1e-6) == "unknown"
    assert n("infeasible", "Infeasible", None, 1.0, 10.0, 1e-6) == "infeasible"


def test_gap_to_known_signs():
    assert bench.gap_to_known(90.0, 100.0, maximize=True) == pytest.approx(0.1)
    assert bench.gap_to_known(110.0, 100.0, maximize=True) == pytest.approx(-0.1)
    assert bench.gap_to_known(110.0, 100.0, maximize=False) == pytest.approx(0.1)
    assert bench.gap_to_known(0.5, 0.0, maximize=False) == pytest.approx(0.5)  # max(1, |k|)
    assert bench.gap_to_known(None, 1.0, maximize=True) is None


def _row(inst, solver, status, t):
    return bench.Row(
        instance=inst,
        solver=solver,
        status=status,
        objective=1.0,
        bound=1.0,
        known=None,
        known_kind="",
        gap_known=None,
        matches_known=None,
        solver_gap=0.0,
        time_s=t,
        wall_s=t,
        compile_s=0.0,
        nodes=0,
        peak_mib=None,
        verified=True,
        n_cols=1,
        n_rows=1,
        nnz=1,
        n_int=1,
        repeats=1,
        statuses=status,
        raw_status="",
        source="",
    )


def test_performance_profile_by_hand():
    rows = [
        _row("i1", "a", "optimal", 1.0),
        _row("i1", "b", "optimal", 2.0),
        _row("i2", "a", "optimal", 4.0),
        _row("i2", "b", "optimal", 1.0),
        _row("i3", "a", "time_limit", 9.0),
        _row("i3", "b", "optimal", 3.0),
    ]
    ratios, taus = bench.performance_profile(rows)
    assert ratios["a"].tolist() == [1.0, 4.0, math.inf]
    assert ratios["b"].tolist() == [1.0, 1.0, 2.0]
    assert taus[0] == 1.0 and taus[-1] >= 4.0
    s = bench.summary(rows)
    assert [(x["solver"], x["optimal"], x["time_limit"]) for x in s] == [("a", 2, 1), ("b", 3, 0)]


def test_bench_bundled_problem_and_folder_of_problems(tmp_path):
    from optimizer.spec.load import bundled_path

    (row,) = bench.run(bench.discover("small-example"), ["highs"], memory="none")
    # hand-worked optimum of the bundled small example (see tests/test_cli.py): 9.8
    assert row.status == "optimal" and row.objective == pytest.approx(9.8)
    assert row.known is None and row.gap_known is None and row.verified is True
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "p.toml").write_text(bundled_path("small-example").read_text())
    (folder / "notes.md").write_text("ignored")
    insts = bench.discover(folder)
    assert [i.name for i in insts] == ["small-example"]


def test_bench_errors(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["bench", "small-example", "--solvers", "cbx"])
    assert r.exit_code == 2 or r.exit_code == 4
    assert "unknown solver 'cbx'" in r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(cli, ["bench", str(empty)])
    assert r.exit_code == 2 and "no problem, MPS/LP or OR-Library files" in r.output
    r = runner.invoke(cli, ["bench", "small-example", "--select", "nope"])
    assert r.exit_code == 2 and "no instance matches nope" in r.output


def _bench_scripts(*names: str) -> list:
    """The benchmark scripts' modules (they live outside the package, in benchmarks/)."""
    import importlib
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return [importlib.import_module(n) for n in names]
    finally:
        sys.path.pop(0)


def test_benchmark_scripts_run_at_smoke_size(tmp_path, capsys):
    """The benchmark scripts keep working (tiny sizes; no timings asserted)."""
    bench_compile, bench_quality, bench_scaling = _bench_scripts(
        "bench_compile", "bench_quality", "bench_scaling"
    )
    assert (
        bench_compile.main(
            ["--sizes", "30", "--repeat", "1", "--time-limit", "1", "--output", str(tmp_path / "c")]
        )
        == 0
    )
    doc = json.loads((tmp_path / "c" / "compile.json").read_text())
    (row,) = doc["rows"]
    assert row["cols"] == row["pulp_cols"] and row["rows"] == row["pulp_rows"]
    assert row["highs"]["status"] in ("optimal", "time_limit")
    assert (
        bench_scaling.main(
            [
                "--sizes",
                "30",
                "--repeat",
                "1",
                "--time-limit",
                "1",
                "--solvers",
                "highs",
                "--linopy-max",
                "0",
                "--no-memory",
                "--solve-at",
                "30",
            ]
            + (["--output", str(tmp_path / "s")] if bench.plotting_available() else [])
        )
        == 0
    )
    data_file("orlib", "mknap1.txt")
    assert (
        bench_quality.main(
            [
                "--sets",
                "mknap1",
                "--first",
                "2",
                "--solvers",
                "highs",
                "--output",
                str(tmp_path / "q"),
            ]
        )
        == 0
    )
    assert "| highs | 2 | 2 | 0 | 2 | 2 |" in (tmp_path / "q" / "quality.md").read_text()
    capsys.readouterr()


def test_montecarlo_and_startup_benchmarks_run_at_smoke_size(tmp_path, capsys):
    """The Monte Carlo and cold-start benchmark scripts keep working (no timings asserted)."""
    bench_montecarlo, bench_startup = _bench_scripts("bench_montecarlo", "bench_startup")
    assert (
        bench_montecarlo.main(["-n", "40", "--naive", "4", "--repeat", "1", "--verify", "2"]) == 0
    )
    out = capsys.readouterr().out
    assert "results identical (values bit for bit, packages, report): yes" in out
    assert "optimal values agree: yes" in out
    out_md = tmp_path / "startup.md"
    assert bench_startup.main(["--repeats", "1", "--output", str(out_md)]) == 0
    text = out_md.read_text()
    assert "| imports |" in text and "| solve -m |" in text


def test_shifts_benchmark_runs_at_smoke_size(tmp_path, capsys):
    """bench_shifts.py keeps working: both formulations, alternating order, the first round's
    packages checked (no timings asserted)."""
    (bench_shifts,) = _bench_scripts("bench_shifts")
    out = tmp_path / "shifts"
    argv = ["--sizes", "20", "--scenarios", "3", "--rounds", "2", "--time-limit", "2"]
    argv += ["--formulations", "products,aggregate", "--output", str(out)]
    assert bench_shifts.main(argv) == 0
    doc = json.loads((out / "shifts.json").read_text())
    assert [r["used"] for r in doc["rows"]] == ["products", "aggregate"]
    for row in doc["rows"]:
        assert row["shifts"] >= 1 and row["with_model"]["cols"] > row["without_model"]["cols"]
        first, second = row["rounds"]
        assert first["order"] == ["without", "with"] and second["order"] == ["with", "without"]
        for r in (first, second):
            assert len(r["load"]) == 3
            for side in ("with", "without"):
                assert r[side]["status"] in ("optimal", "time_limit")
        assert first["with"].get("verified") in (True, None)
    assert "| 20 | 3 |" in (out / "shifts.md").read_text()
    capsys.readouterr()


def test_resolve_benchmark_runs_at_smoke_size(tmp_path, capsys):
    """bench_resolve.py keeps working: fresh runs, a sensitivity run's own clock, the report
    (no timings asserted)."""
    (bench_resolve,) = _bench_scripts("bench_resolve")
    out = tmp_path / "resolve.md"
    argv = ["--problem", "small-example", "--rounds", "2", "--fresh", "2", "--no-cli"]
    assert bench_resolve.main([*argv, "--output", str(out)]) == 0
    text = out.read_text()
    assert "re-solve / fresh h.run(): median" in text and "| 2 |" in text
    capsys.readouterr()
