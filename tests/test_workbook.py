"""Problems as Excel workbooks: round trips with TOML and JSON, hostile workbooks, known optima.

Every bundled problem written as xlsx, TOML and JSON (``optimizer convert``) and read back must
give the same validated problem; a workbook a person built by hand (openpyxl here, not the
project's writer) must solve to the optimum OR-Library publishes; a hostile workbook must be
refused with one located line (exit 2), never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from conftest import data_file

openpyxl = pytest.importorskip("openpyxl")

from optimizer.spec import bundled_names, load  # noqa: E402
from problems.orlib import read_mknap1, read_mknap2  # noqa: E402

OPTIMIZER = [sys.executable, "-m", "optimizer"]


def cli(*args, cwd=None):
    return subprocess.run([*OPTIMIZER, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def same(a, b) -> bool:
    """Equal problems: every field (the order of the uncertain inputs, which orders the draws
    of a seed, included) but where they were read from."""
    return dataclasses.replace(a, origin="", sha256="") == dataclasses.replace(
        b, origin="", sha256=""
    )


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_problem_round_trips(tmp_path, name):
    original = load(name)
    x, t, j = tmp_path / "p.xlsx", tmp_path / "p.toml", tmp_path / "p.json"
    assert cli("convert", name, "-o", x).returncode == 0
    assert cli("convert", x, "-o", t).returncode == 0
    assert cli("convert", t, "-o", j).returncode == 0
    x2 = tmp_path / "again.xlsx"
    assert cli("convert", j, "--to", "xlsx", "-o", x2).returncode == 0
    for path in (x, t, j, x2):
        assert same(original, load(path)), path
    # the second pass is exact to the byte of the document: xlsx -> toml -> xlsx -> toml
    t2 = tmp_path / "again.toml"
    assert cli("convert", x2, "-o", t2).returncode == 0
    assert t.read_text() == t2.read_text()


def test_stdout_forms_and_set(tmp_path):
    out = cli("convert", "small-example", "--to", "json", "--set", "resources.budget.capacity=7")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["resources"][0]["capacity"] == 7
    bad = cli("convert", "small-example", "--to", "xlsx")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


def _knapsack_workbook(path, inst):
    """A workbook as a person would lay it out: one row per item, one column per constraint."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "problem"
    ws.append(["key", "value"])
    ws.append(["name", "knapsack"])
    res = wb.create_sheet("resources")
    res.append(["id", "capacity", "kind"])
    for i, c in enumerate(inst.capacities):
        res.append([f"c{i + 1}", c, "total"])
    opt = wb.create_sheet("options")
    opt.append(["commitment", *(f"use.c{i + 1}" for i in range(inst.m)), "value"])
    for j in range(inst.n):
        opt.append([f"item{j + 1}", *(inst.weights[i][j] for i in range(inst.m)), inst.profits[j]])
        if j % 7 == 3:
            opt.append([])  # empty rows are skipped
    wb.save(path)


@pytest.mark.parametrize("which", ["mknap1-7", "WEING1", "WEING7"])
def test_a_hand_made_workbook_solves_to_the_published_optimum(tmp_path, which):
    if which.startswith("mknap1"):
        inst = read_mknap1(data_file("orlib", "mknap1.txt"))[6]
    else:
        inst = {i.name: i for i in read_mknap2(data_file("orlib", "mknap2.txt"))}[which]
    path = tmp_path / "knap.xlsx"
    _knapsack_workbook(path, inst)
    out = cli("solve", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    sol = json.loads(out.stdout)
    assert sol["status"] == "optimal"
    assert sol["objective"]["value"] == pytest.approx(inst.optimum, rel=1e-6)
    published = {"mknap1-7": 16537, "WEING1": 141278, "WEING7": 1095445}[which]
    assert inst.optimum == published  # shared/data/README.md


# ---- hostile workbooks ---------------------------------------------------------------------
def _small(wb):
    ws = wb.active
    ws.title = "resources"
    ws.append(["id", "capacity"])
    ws.append(["budget", 10])
    opt = wb.create_sheet("options")
    opt.append(["commitment", "option", "use.budget", "value"])
    opt.append(["a", "yes", 4, 3])
    opt.append(["b", "yes", 7, 5])
    return opt


def _formula(wb):
    _small(wb)["C3"] = "=2+5"


def _merged(wb):
    _small(wb).merge_cells("C2:C3")


def _text_number(wb):
    _small(wb)["D3"] = "n/a"


def _header_gap(wb):
    _small(wb)["F3"] = 9


def _twice(wb):
    _small(wb)["E1"] = "value"


def _unknown_sheet(wb):
    _small(wb)
    wb.create_sheet("optoins").append(["x"])


def _date(wb):
    import datetime

    _small(wb)["D2"] = datetime.datetime(2027, 1, 1)


def _bad_inline(wb):
    _small(wb)["C2"] = "[1, 2"


def _no_commitment(wb):
    _small(wb)["A3"] = None


def _huge(wb):
    _small(wb)
    big = wb.create_sheet("scenarios")
    big.append([f"c{i}" for i in range(100)])
    for _ in range(30):
        big.append(list(range(100)))


HOSTILE = {
    "formula": (_formula, "options!C3", "formula"),
    "merged": (_merged, "options!C2:C3", "merged"),
    "text in a number cell": (_text_number, "options!D3", "'n/a'"),
    "value under no column": (_header_gap, "options!F3", "no column name"),
    "column twice": (_twice, "options!E1", "twice"),
    "unknown sheet": (_unknown_sheet, "optoins!A1", "did you mean 'options'"),
    "date": (_date, "options!D2", "date"),
    "bad inline list": (_bad_inline, "options!C2", "TOML"),
    "row without commitment": (_no_commitment, "options!A3", "no commitment"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_workbook_is_refused_in_one_located_line(tmp_path, case):
    build, where, words = HOSTILE[case]
    wb = openpyxl.Workbook()
    build(wb)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    out = cli("solve", path, "--format", "json")
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert where in lines[0] and words in lines[0], lines[0]
    assert lines[0].startswith(f"error: {path}")


def test_a_huge_sheet_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    from optimizer.errors import InputError
    from optimizer.spec import workbook

    monkeypatch.setattr(workbook, "MAX_CELLS", 2000)  # the real limit is 2,000,000
    wb = openpyxl.Workbook()
    _huge(wb)
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match=r"scenarios!A\d+: the workbook has more than 2,000 cells"):
        load(path)


def test_validation_errors_name_the_cell(tmp_path):
    wb = openpyxl.Workbook()
    opt = _small(wb)
    opt["C3"] = "b"  # an unknown resource in a use column is caught after parsing
    opt["B1"] = "option"
    wb["resources"]["B2"] = -1
    opt.append(["c", "yes", 1, 1])
    opt["C4"] = "[1, 2, 3, 4]"  # a profile longer than the single period
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    out = cli("validate", path)
    assert out.returncode == 2
    line = out.stderr.strip()
    assert "options!C3" in line and "commitment 'b'" in line, line


def test_not_a_workbook_and_text_cells_that_look_like_lists(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,capacity\n")
    out = cli("solve", fake)
    assert out.returncode == 2 and "not an .xlsx workbook" in out.stderr
    # a name that starts with '[' is written quoted and read back as the same text
    src = tmp_path / "p.toml"
    src.write_text(
        '[problem]\ntitle = "[draft] plan"\n[[commitments]]\nid = "a"\nname = "=1+1"\nvalue = 1\n'
    )
    x = tmp_path / "p.xlsx"
    assert cli("convert", src, "-o", x).returncode == 0
    back = load(x)
    assert back.title == "[draft] plan" and back.commitments[0].name == "=1+1"
    assert openpyxl.load_workbook(x)["options"]["B2"].data_type == "s"


def test_a_failed_write_leaves_no_file(tmp_path):
    out = cli("convert", "small-example", "-o", tmp_path / "missing" / "p.xlsx")
    assert out.returncode == 2 and len(out.stderr.splitlines()) == 1
    assert not (tmp_path / "missing").exists()


def test_a_sheet_that_claims_a_huge_size_is_read_as_stored(tmp_path):
    import re
    import zipfile

    wb = openpyxl.Workbook()
    _small(wb)
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(forged, "w") as z:
        for n, data in parts.items():
            if n.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            z.writestr(n, data)
    # 16,384 columns x 1,048,576 rows stated: read as the three rows stored, and solved
    out = cli("solve", forged, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["objective"]["value"] == pytest.approx(5)  # b alone fits
