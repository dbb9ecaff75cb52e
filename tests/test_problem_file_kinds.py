"""Problem files, CSV tables and model files must be regular files (links to them are fine).

A named pipe without a writer made ``open`` wait forever, and a device may never end: both are
refused with exit 2 before they are opened. The named-pipe cases run the console script with a
timeout, so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from optimizer.cli import cli

GUARD_S = 120  # a run not ended by then is waiting on the pipe

TABLE = '[problem]\nname = "t"\n[[tables]]\nfile = "{file}"\n'
PROBLEM = """
[problem]
name = "t"
years = [2030, 2030]
[[commitments]]
id = "x"
value = 1
"""


def run(args, cwd):
    try:
        return subprocess.run(
            [sys.executable, "-m", "optimizer", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GUARD_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"optimizer {' '.join(map(str, args))} waited on a named pipe")


@pytest.mark.parametrize("command", ["validate", "solve", "export"])
def test_a_named_pipe_as_the_problem_file_is_refused_at_once(tmp_path, command):
    """It waited forever for a writer."""
    os.mkfifo(tmp_path / "problem.toml")
    extra = ["--mps", "m.mps"] if command == "export" else []
    proc = run([command, "problem.toml", *extra], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "error: problem.toml: is a named pipe (FIFO), not a regular file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["problem.toml"]


def test_a_named_pipe_as_a_csv_table_is_refused_at_once(tmp_path):
    (tmp_path / "problem.toml").write_text(TABLE.format(file="options.csv"))
    os.mkfifo(tmp_path / "options.csv")
    proc = run(["validate", "problem.toml"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (
        "error: problem.toml: tables[0].file: cannot read table 'options.csv': "
        "is a named pipe (FIFO), not a regular file\n"
    )


def test_a_named_pipe_as_a_model_file_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "model.mps")
    proc = run(["solve", "model.mps"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "error: model.mps: is a named pipe (FIFO), not a regular file\n"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/dev/zero", "is a character device, not a regular file"),
        ("/dev/null", "is a character device, not a regular file"),
        (".", "is a directory, not a problem file"),
    ],
)
def test_a_device_or_a_directory_as_the_problem_file_is_refused(path, message):
    r = CliRunner().invoke(cli, ["validate", path])
    assert r.exit_code == 2
    assert r.stderr == f"error: {path}: {message}\n"


def test_a_link_to_a_regular_problem_file_is_read(tmp_path):
    (tmp_path / "real.toml").write_text(PROBLEM)
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    r = CliRunner().invoke(cli, ["validate", str(tmp_path / "link.toml")])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("t: ok (1 commitments")
