"""``optimizer convert`` on a problem whose options are in CSV tables (``[[tables]]``).

By default a table stays a reference to its CSV file (re-pointed when the output is written in
a folder that holds the file, refused in one line when it does not); ``--inline-tables``
copies the rows in as commitments. Either way reading the written file gives the same problem
as the original, and TOML -> JSON -> TOML gives back the same document.
"""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest
from click.testing import CliRunner
from test_workbook import cli, same

from optimizer.cli import cli as main
from optimizer.spec import load
from problems.generate import generate
from problems.generate_csv import write


def run(*args):
    """The command in process (quick); the console script itself is run where a test says."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def tabled(tmp_path):
    """A generated problem (profiles, start windows, relations) with its options in a CSV."""
    folder = tmp_path / "plan"
    folder.mkdir()
    path = write(generate(30, years=4, seed=7), folder)
    assert "[[tables]]" in path.read_text()
    return path


def test_tables_stay_references_and_the_round_trip_is_exact(tabled):
    original = load(tabled)
    j, t = tabled.parent / "p.json", tabled.parent / "back.toml"
    out = run("convert", tabled, "-o", j)
    assert out.exit_code == 0, out.stderr
    doc = json.loads(j.read_text())
    assert doc["tables"] == tomllib.loads(tabled.read_text())["tables"]
    assert not doc.get("commitments")  # the options are not copied in
    assert j.stat().st_size < tabled.stat().st_size * 3
    assert run("convert", j, "-o", t).exit_code == 0
    assert tomllib.loads(t.read_text()) == tomllib.loads(tabled.read_text())
    for p in (j, t):
        assert same(original, load(p)), p


def test_inline_tables_copies_the_rows_in_and_stands_alone(tabled, tmp_path):
    original = load(tabled)
    for fmt in ("toml", "json", "xlsx"):
        alone = tmp_path / f"alone.{fmt}"
        out = run("convert", tabled, "--inline-tables", "-o", alone)
        assert out.exit_code == 0, out.stderr
        if fmt == "json":
            doc = json.loads(alone.read_text())
            assert "tables" not in doc and len(doc["commitments"]) == 30
        assert same(original, load(alone)), fmt  # read without the CSV beside it
    # and back: the standalone TOML again as JSON, the same problem
    j = tmp_path / "again.json"
    assert run("convert", tmp_path / "alone.toml", "-o", j).exit_code == 0
    assert same(original, load(j))


def test_written_in_a_parent_folder_the_reference_is_re_pointed(tabled, tmp_path):
    up = tmp_path / "up.toml"
    assert run("convert", tabled, "-o", up).exit_code == 0
    assert tomllib.loads(up.read_text())["tables"][0]["file"] == "plan/options.csv"
    assert same(load(tabled), load(up))
    x = tmp_path / "up.xlsx"  # a workbook's tables sheet is re-pointed the same way
    assert run("convert", tabled, "-o", x).exit_code == 0
    assert same(load(tabled), load(x))


def test_written_where_the_table_cannot_be_named_is_refused_in_one_line(tabled, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "p.toml"
    out = cli("convert", tabled, "-o", target)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert "tables[0].file" in lines[0] and "--inline-tables" in lines[0], lines[0]
    assert not target.exists() and list(elsewhere.iterdir()) == []


def test_stdout_keeps_the_reference_as_written(tabled):
    out = run("convert", tabled, "--to", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["tables"] == tomllib.loads(tabled.read_text())["tables"]
    out = cli("convert", tabled, "--to", "json", "--inline-tables")  # the console script
    doc = json.loads(out.stdout)
    assert "tables" not in doc and len(doc["commitments"]) == 30


def test_a_table_beside_written_commitments_is_inlined_after_them(tmp_path):
    folder = tmp_path / "mixed"
    path = write(generate(12, seed=3), folder)
    text = path.read_text() + '\n[[commitments]]\nid = "extra"\nvalue = 0.5\n'
    path.write_text(text)
    original = load(path)
    assert original.commitments[0].id == "extra"  # written ones come first
    alone = tmp_path / "alone.toml"
    assert run("convert", path, "--inline-tables", "-o", alone).exit_code == 0
    shutil.rmtree(folder)
    assert same(original, load(alone))
