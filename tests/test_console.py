"""The installed console script as a user runs it: a subprocess with stdout piped and parsed.

In-process ``CliRunner`` tests cannot see what C and C++ libraries write to file descriptor 1
(highspy >= 1.12 prints a banner there when a ``Highs`` is constructed), so these run the real
``optimizer`` script and ``python -m optimizer`` and check that stdout holds nothing but the
command's own output: JSON parses, CSV has one column count, ``-q`` prints nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MIP_SOLVERS

SCRIPT = shutil.which("optimizer", path=str(Path(sys.executable).parent)) or shutil.which(
    "optimizer"
)
DIRICHLET = 'uncertainty.probabilities={dist="dirichlet",concentration=50}'

# Every command that writes a result, with fast arguments; each entry is (args, formats).
ANALYSES = {
    "solve": (["solve", "small-example"], ["table", "json", "csv"]),
    "scenarios": (["scenarios", "small-example"], ["table", "json"]),
    "alternatives": (["alternatives", "small-example", "-k", "3"], ["table", "json"]),
    "compare": (["compare", "small-example"], ["table", "json"]),
    "sensitivity": (["sensitivity", "small-example"], ["table", "json"]),
    "frontier": (
        ["frontier", "small-example", "--resource", "budget", "--range", "0.5,1.5"],
        ["table", "json"],
    ),
    "montecarlo": (
        ["montecarlo", "small-example", "-n", "20", "--seed", "3", "--set", DIRICHLET],
        ["table", "json"],
    ),
    "discover": (
        ["discover", "small-example", "-n", "40", "--seed", "3", "--set", DIRICHLET],
        ["table", "json"],
    ),
    "solvers": (["solvers"], ["table", "json"]),
}


def run(*args: str, module: bool = False, env_extra: dict | None = None):
    cmd = [sys.executable, "-m", "optimizer", *args] if module else [SCRIPT, *args]
    env = {**os.environ, **(env_extra or {})}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=300
    )


def assert_clean(out: str, fmt: str) -> None:
    """stdout is exactly the format asked for, with nothing before or after it."""
    assert "HiGHS" not in out.split("\n", 1)[0], out[:200]
    if fmt == "json":
        json.loads(out)  # the whole stdout is one JSON document
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows, "no CSV rows"
        widths = {len(r) for r in rows}
        assert len(widths) == 1, f"CSV rows of different widths: {sorted(widths)}"
    else:
        assert out.strip(), "no table printed"
        assert "Running HiGHS" not in out and "Copyright" not in out


@pytest.fixture(scope="module", autouse=True)
def _script_installed():
    if SCRIPT is None:
        pytest.fail("the 'optimizer' console script is not installed beside this Python")


@pytest.mark.parametrize(
    ("name", "fmt"), [(name, fmt) for name, (_, fmts) in ANALYSES.items() for fmt in fmts]
)
def test_every_command_and_format_keeps_stdout_clean(name, fmt):
    args, _ = ANALYSES[name]
    r = run(*args, "--format", fmt)
    assert r.returncode == 0, r.stderr
    assert_clean(r.stdout, fmt)
    assert "Running HiGHS" not in r.stderr  # without -v, a library's banner goes nowhere


@pytest.mark.parametrize("name", ["solve", "scenarios", "compare", "montecarlo"])
def test_quiet_prints_nothing_on_stdout(name):
    args, _ = ANALYSES[name]
    r = run(*args, "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_python_dash_m_json_parses_on_every_solver(solver):
    r = run("solve", "canada-us-2025", "--solver", solver, "--format", "json", module=True)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["status"] == "optimal"
    assert result["solver"]["name"] == solver


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_verbose_solver_log_goes_to_stderr(solver):
    r = run("solve", "small-example", "--solver", solver, "-v", "--format", "json")
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    assert r.stderr.strip(), "-v should show the solver's log on stderr"


def test_export_prints_nothing_on_stdout_and_writes_the_model(tmp_path):
    mps = tmp_path / "m.mps"
    r = run("export", "small-example", "--mps", str(mps), "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert mps.read_text().lstrip().startswith(("NAME", "*"))


def test_model_file_solve_keeps_stdout_clean(tmp_path):
    mps = tmp_path / "m.mps"
    assert run("export", "small-example", "--mps", str(mps)).returncode == 0
    r = run("solve", str(mps), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "optimal"


def test_report_and_validate_write_nothing_unexpected_on_stdout(tmp_path):
    out = tmp_path / "r.html"
    r = run("report", "small-example", "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
    r = run("validate", "small-example")
    assert r.returncode == 0, r.stderr
    assert "HiGHS" not in r.stdout


def test_schema_and_bench_json_parse(tmp_path):
    r = run("schema")
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    r = run("bench", "small-example", "--solvers", ",".join(MIP_SOLVERS), "--format", "json")
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    r = run("bench", "small-example", "--solvers", ",".join(MIP_SOLVERS), "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert_clean(r.stdout, "csv")


def test_monte_carlo_workers_keep_stdout_clean():
    args, _ = ANALYSES["montecarlo"]
    r = run(*args, "--workers", "2", "--format", "json")
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)


def test_library_use_keeps_the_callers_stdout_clean():
    code = (
        "import json, optimizer; s = optimizer.solve(optimizer.load('small-example'));"
        "print(json.dumps({'value': s.expected}))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["value"] > 0


GUARD = """
import os, sys, threading
from solvers.stdio import solver_output
with solver_output(verbose=sys.argv[1] == "v"):
    os.write(1, b"fd1-inside\\n")
    with solver_output(verbose=False):  # nested: the outer choice holds
        os.write(1, b"fd1-nested\\n")
    t = threading.Thread(target=lambda: os.write(1, b"fd1-thread\\n"))
    t.start(); t.join()
print("own output")
"""


@pytest.mark.parametrize("verbose", [True, False])
def test_the_guard_moves_descriptor_one_and_puts_it_back(verbose):
    r = subprocess.run(
        [sys.executable, "-c", GUARD, "v" if verbose else "q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert r.stdout == "own output\n"
    expected = "fd1-inside\nfd1-nested\nfd1-thread\n" if verbose else ""
    assert r.stderr == expected


def test_dask_workers_print_no_banner(tmp_path):
    """A Dask cluster of separate processes (scheduler and worker started as a user would):
    the command's JSON parses and the worker's own stdout carries no solver banner."""
    pytest.importorskip("distributed", reason="the 'distributed' extra is not installed")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    logs = {name: (tmp_path / f"{name}.out").open("w") for name in ("scheduler", "worker")}
    procs = [
        subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
                "--no-show",
            ],
            stdout=logs["scheduler"],
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        procs.append(
            subprocess.Popen(
                [
                    str(bin_dir / "dask"),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                ],
                stdout=logs["worker"],
                stderr=subprocess.DEVNULL,
                cwd=tmp_path,
            )
        )
        args, _ = ANALYSES["montecarlo"]
        r = run(*args, "--scheduler", address, "--format", "json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["draws_done"] == 20
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            p.wait(timeout=30)
        for f in logs.values():
            f.close()
    assert "Running HiGHS" not in (tmp_path / "worker.out").read_text()
