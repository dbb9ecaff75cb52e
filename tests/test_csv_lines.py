"""CSV option tables: a row's cells against the header, repeated option ids, and rows named by
the file line they start on (blank lines and quoted line breaks included), on both readers
(the NumPy column path and the row-by-row path) and through the console script."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from optimizer.errors import InputError
from optimizer.spec import load
from optimizer.spec.bulk import CommitmentTable

load_module = importlib.import_module("optimizer.spec.load")  # the module, not the function

PROBLEM = (
    'problem = { years = [2026, 2030] }\n[[resources]]\nid = "budget"\ncapacity = 3\n'
    '[[tables]]\nfile = "options.csv"\n'
)
HEADER = "commitment,option,description,use.budget,value.base,start_earliest\r\n"


def write(tmp_path, csv_text: str):
    (tmp_path / "p.toml").write_text(PROBLEM)
    (tmp_path / "options.csv").write_bytes(csv_text.encode())
    return tmp_path / "p.toml"


def load_row_by_row(path, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(load_module, "options_table", lambda text, name: None)
        return load(path)


def error_both_ways(path, monkeypatch) -> tuple[str, str]:
    """The one-line message of the error loading ``path`` gives (after the file's name), as
    read and as read row by row."""
    out = []
    for read in (load, lambda p: load_row_by_row(p, monkeypatch)):
        with pytest.raises(InputError) as e:
            read(path)
        message = str(e.value)
        assert message.startswith(f"{path}: ") and "\n" not in message, message
        out.append(message.removeprefix(f"{path}: "))
    return out[0], out[1]


@pytest.mark.parametrize(
    "rows,expected",
    [
        ("a,o1,,1,2,2026\r\nb,o1,,1,2\r\n", "options.csv:3: the row has 5 cells, the header 6"),
        ("a,o1,,1,2,2026\r\nb\r\n", "options.csv:3: the row has 1 cell, the header 6"),
        ("a,o1,,1,2,2026,\r\n", "options.csv:2: the row has 7 cells, the header 6"),
        # a profile: the row-by-row reader takes the table either way
        ("a,o1,,1;2,2,2026\r\nb,o1,,1,2\r\n", "options.csv:3: the row has 5 cells, the header 6"),
    ],
)
def test_a_row_with_fewer_or_more_cells_than_the_header_is_refused(
    tmp_path, monkeypatch, rows, expected
):
    fast, slow = error_both_ways(write(tmp_path, HEADER + rows), monkeypatch)
    assert fast == slow == expected


def test_empty_cells_written_out_are_absent_values(tmp_path, monkeypatch):
    """A row with every cell there, some empty, keeps working: an empty cell is no amount."""
    path = write(tmp_path, HEADER + "a,o1,,1,2,\r\nb,,,,3,\r\n")
    for spec in (load(path), load_row_by_row(path, monkeypatch)):
        a, b = spec.commitments
        assert (dict(a.options[0].use), dict(a.options[0].value)) == (
            {"budget": 1.0},
            {"base": 2.0},
        )
        assert (dict(b.options[0].use), dict(b.options[0].value)) == ({}, {"base": 3.0})
        assert b.options[0].id == "yes" and a.options[0].start is None
    assert isinstance(load(path).commitments, CommitmentTable)


@pytest.mark.parametrize("profile", ["1", "1;2"])
def test_a_repeated_option_id_is_named_at_its_line_and_its_first(tmp_path, monkeypatch, profile):
    rows = f"a,o1,,{profile},2,2026\r\na,o2,,1,2,2026\r\nb,o1,,1,2,2026\r\na,o1,,1,3,2027\r\n"
    fast, slow = error_both_ways(write(tmp_path, HEADER + rows), monkeypatch)
    assert fast == slow
    assert (
        fast == "options.csv:5.option: duplicate option id 'o1' of commitment 'a' (also at line 2)"
    )


# a blank line (line 3) and a cell holding a line break (lines 5-6): the bad row is line 7
SPREAD = (
    HEADER
    + "a,o1,,1,2,2026\r\n"
    + "\r\n"
    + "a,o2,,1,3,2027\r\n"
    + 'b,o1,"two\r\nlines",1,2,2026\r\n'
    + "c,o1,,1,2,{start}\r\n"
)


def test_rows_are_named_by_their_file_line(tmp_path, monkeypatch):
    """After a blank line and a quoted line break, an error found by the column reader's
    checks (a start window) and one found by the row reader name the same file line."""
    path = write(tmp_path, SPREAD.format(start=2040))
    assert isinstance(load_module.options_table(SPREAD.format(start=2026), "x"), CommitmentTable)
    fast, slow = error_both_ways(path, monkeypatch)
    assert fast == slow
    assert fast == "options.csv:7.start: start window [2040, 2040] is outside the horizon 2026-2030"
    write(tmp_path, SPREAD.format(start="20x0"))
    fast, slow = error_both_ways(path, monkeypatch)
    assert fast == slow == "options.csv:7.start_earliest: expected start years, got '20x0/'"


def test_blank_lines_and_quoted_line_breaks_read_as_without(tmp_path, monkeypatch):
    spread = load(write(tmp_path, SPREAD.format(start=2026)))
    plain = SPREAD.format(start=2026).replace("\r\n\r\n", "\r\n").replace("\r\nlines", " lines")
    flat = load(write(tmp_path, plain))
    assert [o.id for c in spread.commitments for o in c.options] == ["o1", "o2", "o1", "o1"]
    assert spread.commitments[1].options[0].description.splitlines() == ["two", "lines"]
    for a, b in zip(spread.commitments, flat.commitments, strict=True):
        assert [(o.id, dict(o.use), dict(o.value), o.start) for o in a.options] == [
            (o.id, dict(o.use), dict(o.value), o.start) for o in b.options
        ]


@pytest.mark.parametrize(
    "rows,located",
    [
        (
            SPREAD.format(start=2026).replace("c,o1,,1,2,2026", "c,o1,,1,2"),
            "options.csv:7: the row has 5 cells, the header 6",
        ),
        (
            SPREAD.format(start=2026) + "a,o2,,1,2,2026\r\n",
            "options.csv:8.option: duplicate option id 'o2' of commitment 'a' (also at line 4)",
        ),
    ],
)
def test_the_console_script_names_file_and_line_and_exits_2(tmp_path, rows, located):
    path = write(tmp_path, rows)
    r = subprocess.run(
        [sys.executable, "-m", "optimizer", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    assert r.stderr == f"error: {path}: {located}\n"
