"""The build benchmarks (``bench_build.py``, ``bench_files.py``) keep working at a smoke size;
no timing is asserted. Each script checks itself that its paths give the same model (same
size and LP optimum), so a run that returns 0 has passed that check."""

from __future__ import annotations

from test_bench import _bench_scripts


def test_bench_files_runs_and_its_three_paths_agree(capsys):
    (bench_files,) = _bench_scripts("bench_files")
    assert bench_files.main(["--n", "300", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "the three MPS files have the same LP optimum" in out
    assert "tomllib+PuLP / engine CSV" in out and "load average" in out


def test_bench_build_runs_against_the_object_path(capsys):
    """Without linopy (CI installs the test extra only): the array path against one object at
    a time, the two models checked equal by the script."""
    (bench_build,) = _bench_scripts("bench_build")
    assert bench_build.main(["--options", "400", "--rounds", "1", "--no-linopy"]) == 0
    out = capsys.readouterr().out
    assert "engine vs objects): same size" in out and "objects / from_arrays" in out
