"""More hostile and more ordinary workbooks than ``test_workbook`` covers.

A workbook that unpacks to far more than its size (a zip bomb) is refused before it is parsed;
empty rows, blank cells and styled empty cells far below the data are skipped and the problem
solves to its known optimum; text in the number cells of other sheets, and a formula in the
problem sheet, are refused with their cell; a large workbook (a sheet of 3,000 options) is
read and solved to the optimum found by an independent method.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from test_workbook import _small, cli

openpyxl = pytest.importorskip("openpyxl")

from optimizer.errors import InputError  # noqa: E402
from optimizer.spec import load  # noqa: E402


def _one_line(path, where, words):
    """Refused with one line naming the file, the cell and the fault (in process: the console
    script prints this line, as ``test_workbook`` checks)."""
    with pytest.raises(InputError) as e:
        load(path)
    line = e.value.one_line()
    assert line == str(e.value) and line.startswith(str(path)), line
    assert where in line and words in line, line


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path):
    wb = openpyxl.Workbook()
    _small(wb)
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, src.read(n))
        z.writestr("xl/media/padding.bin", bytes(45_000_000))  # 45 MB of zeros, ~45 kB packed
    assert bomb.stat().st_size < 200_000
    _one_line(bomb, "", "unpacks to 45,")


def test_empty_rows_blank_cells_and_styled_empty_cells_are_skipped(tmp_path):
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    opt = _small(wb)  # a (4 budget, value 3) and b (7, value 5), budget 10: b alone (5)
    opt.insert_rows(3, amount=2)  # two empty rows between the options
    opt["A3"] = "   "  # a blank cell: empty
    opt.append(["c", "yes", 3, 1.5])  # with b: 10 of 10, value 6.5
    opt.append([None, None, "  ", None])
    opt["H5000"].font = Font(bold=True)  # a styled empty cell far below and to the right
    wb["resources"].append([])
    path = tmp_path / "gaps.xlsx"
    wb.save(path)
    out = cli("solve", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    sol = json.loads(out.stdout)
    # by enumeration of the 8 subsets of {a, b, c} under 10: {b, c} = 6.5 is the best
    assert sol["status"] == "optimal" and sol["objective"]["value"] == pytest.approx(6.5)


def _text_probability(wb):
    _small(wb)
    sc = wb.create_sheet("scenarios")
    sc.append(["id", "probability"])
    sc.append(["only", "one"])


def _text_year(wb):
    opt = _small(wb)
    opt["E1"] = "start_earliest"
    opt["E2"] = "2027?"
    p = wb.create_sheet("problem")
    p.append(["years", "[2026, 2028]"])


def _formula_in_problem(wb):
    _small(wb)
    p = wb.create_sheet("problem")
    p.append(["key", "value"])
    p.append(["name", '=CONCAT("a","b")'])


@pytest.mark.parametrize(
    "build, where, words",
    [
        (_text_probability, "scenarios!B2", "'one'"),
        (_text_year, "options!E2", "2027?"),
        (_formula_in_problem, "problem!B2", "formula"),
    ],
)
def test_text_and_formulas_in_other_sheets_are_refused_with_their_cell(
    tmp_path, build, where, words
):
    wb = openpyxl.Workbook()
    build(wb)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    _one_line(path, where, words)


def test_a_large_workbook_solves_to_the_optimum_found_by_enumeration(tmp_path):
    """3,000 options (1,500 commitments of 2) and a budget that binds nothing: the optimum is
    each commitment's better option where it is worth more than nothing, summed."""
    rng = np.random.default_rng(11)
    n = 1500
    use = rng.uniform(0.1, 1.0, (n, 2)).round(3)
    lo, hi = rng.uniform(-1, 2, (n, 2)).round(3), rng.uniform(-1, 3, (n, 2)).round(3)
    wb = openpyxl.Workbook(write_only=True)
    sc = wb.create_sheet("scenarios")
    sc.append(["id", "probability"])
    sc.append(["lo", 0.25])
    sc.append(["hi", 0.75])
    res = wb.create_sheet("resources")
    res.append(["id", "capacity"])
    res.append(["budget", float(use.sum()) + 1])
    opt = wb.create_sheet("options")
    opt.append(["commitment", "option", "use.budget", "value.lo", "value.hi"])
    for i in range(n):
        for j in range(2):
            opt.append([f"c{i}", f"o{j}", use[i, j], lo[i, j], hi[i, j]])
    path = tmp_path / "large.xlsx"
    wb.save(path)
    ev = 0.25 * lo + 0.75 * hi
    best = float(np.maximum(ev.max(axis=1), 0).sum())
    out = cli("solve", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    sol = json.loads(out.stdout)
    assert sol["status"] == "optimal"
    assert sol["objective"]["value"] == pytest.approx(best, rel=1e-9)
