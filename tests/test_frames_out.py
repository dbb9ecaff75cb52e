"""Results as tidy tables: ``to_frames``/``to_frame``, ``-o result.xlsx`` and ``_repr_html_``.

Known answers from outside: the small example's package and values (worked by hand in
docs/problem-format.md) and the farmer problem's WS, RP, EEV, EVPI and VSS (Birge & Louveaux,
Introduction to Stochastic Programming, 2nd ed., section 1.1: RP -108,390, WS -115,405.56,
EEV -107,240, EVPI 7,015.56, VSS 1,150).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")

import optimizer  # noqa: E402


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def small():
    return optimizer.load("small-example")


def test_a_solution_as_frames_has_the_known_package_and_values(small):
    sol = optimizer.solve(small)
    frames = sol.to_frames()
    chosen = frames["chosen"].sort_values("commitment")
    assert chosen[["commitment", "option", "start"]].values.tolist() == [
        ["a", "small", 2026],
        ["b", "yes", 2027],
        ["c", "yes", 2026],
    ]
    by = frames["by_scenario"].set_index("scenario")
    assert by.loc["good", "value"] == pytest.approx(11) and by.loc["bad", "value"] == pytest.approx(
        8
    )
    assert (by["probability"] * by["value"]).sum() == pytest.approx(9.8)
    use = frames["resources"].set_index("year")["used"]  # budget use 3, 6 and 4 (the docs)
    assert use.to_dict() == pytest.approx({2026: 3, 2027: 6, 2028: 4})
    assert set(frames["resources"]["unit"]) == {"M$"}
    assert sol.to_frame().equals(frames["chosen"])


def test_the_farmer_value_of_information_matches_the_textbook():
    voi = optimizer.value_of_information(optimizer.load("farmer"))
    summary = voi.to_frame("summary").set_index("quantity")["value"]
    assert summary["RP"] == pytest.approx(-108390, rel=1e-7)
    assert summary["WS"] == pytest.approx(-115405.56, abs=0.01)
    assert summary["EEV"] == pytest.approx(-107240, rel=1e-7)
    assert summary["EVPI"] == pytest.approx(7015.56, abs=0.01)
    assert summary["VSS"] == pytest.approx(1150, abs=1e-3)
    by = voi.to_frame("by_scenario")
    rp = by[by["package"] == "RP"].set_index("scenario")
    probs = voi.to_frame("scenarios").set_index("scenario")["probability"]
    assert (rp["value"] * probs).sum() == pytest.approx(-108390, rel=1e-7)  # tidy: sums back
    assert (rp["regret"] >= -1e-6).all()


def test_compare_and_alternatives_tables_agree_with_their_results(small):
    cmp = optimizer.compare(small)
    att = cmp.to_frame("attitudes").set_index("objective")
    for a in cmp.attitudes:
        assert att.loc[a.objective, "expected"] == pytest.approx(a.expected)
        assert att.loc[a.objective, "worst"] == pytest.approx(min(a.by_scenario.values()))
    alts = optimizer.alternatives(small, 3)
    table = alts.to_frame()
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["value"].is_monotonic_decreasing  # a maximisation: each next is no better
    choices = alts.to_frame("choices")
    assert len(choices[choices["rank"] == 1]) == 3


def test_every_other_result_has_frames_and_html(small):
    results = [
        optimizer.sensitivity(small),
        optimizer.capacity_frontier(small, "budget"),
        optimizer.monte_carlo(optimizer.load("canada-us-2025"), n=20, seed=1),
    ]
    for r in results:
        frames = r.to_frames()
        assert "summary" in frames and len(frames) > 1
        d = r.to_dict()
        for name, frame in frames.items():
            if name != "summary" and "." not in name:
                assert len(frame) == len(d[name]), name  # one row per record
        assert "<table>" in r._repr_html_()
    mc = results[2].to_frame("packages")
    assert mc["count"].sum() <= 20 and (mc["share"] <= 1).all()


def test_html_escapes_and_bars(small):
    sol = optimizer.solve(small)
    text = sol._repr_html_()
    assert text.count("<table>") == 4 and "linear-gradient" in text
    assert "<h4>by_scenario</h4>" in text


@pytest.mark.parametrize(
    "command", [["solve"], ["scenarios"], ["compare"], ["alternatives", "-k", "2"]]
)
def test_dash_o_result_xlsx_writes_a_sheet_per_table_and_the_inputs(tmp_path, command):
    out = tmp_path / "result.xlsx"
    run = cli(*command, "small-example", "-o", out)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "inputs"
    inputs = list(wb["inputs"].values)
    assert inputs[0][:4] == ("path", "label", "kind", "input")
    assert any(r[3] == "probability" and r[1] == "good" for r in inputs[1:])
    if command == ["solve"]:
        rows = list(wb["chosen"].values)
        assert sorted(rows[1:]) == [("a", "small", 2026), ("b", "yes", 2027), ("c", "yes", 2026)]
        summary = {r[0]: r[1] for r in wb["summary"].values}
        assert summary["expected"] == pytest.approx(9.8) and summary["status"] == "optimal"


def test_a_result_workbook_that_cannot_be_written_leaves_nothing(tmp_path):
    (tmp_path / "d.xlsx").mkdir()
    run = cli("solve", "small-example", "-o", tmp_path / "d.xlsx")
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["d.xlsx"]


def test_json_output_is_unchanged_by_the_workbook_path(small, tmp_path):
    run = cli("solve", "small-example", "--format", "json")
    assert json.loads(run.stdout)["objective"]["value"] == pytest.approx(9.8)


def test_a_problem_shows_its_scenarios_resources_and_options_escaped():
    from optimizer.spec import load_document

    spec = load_document(
        {
            "problem": {"title": "<script>alert(1)</script>", "years": [2026, 2027]},
            "scenarios": [{"id": "up", "probability": 0.25}, {"id": "down", "probability": 0.75}],
            "resources": [{"id": "cash", "capacity": 3, "unit": "M$"}],
            "commitments": [
                {"id": "a", "options": [{"id": "x", "use": {"cash": [1, 2]}, "value": 4}]},
                {"id": "b", "use": {"cash": 1}, "value": {"up": 2}, "start": [2026, 2027]},
            ],
        }
    )
    text = spec._repr_html_()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert text.count("<tr><td>") == 2 + 1 + 2  # scenarios, resources, options
    assert "<td>cash=[1, 2]</td>" in text and "<td>[2026, 2027]</td>" in text
