"""``--max-time`` on problems with conditional tranches, and the report's steps, as the user runs
them (the console script, JSON on stdout).

Sensitivity with tranches used to run every item whatever the budget and then call the whole
analysis unfinished: on the flagship, ``--max-time 3`` came back after ~20 s. Now each tipping
point, threshold and tornado row is an item: under a tight budget the items finished are the
full run's items, and the rest are named. In the report, a step not started when the budget
is spent is not run: its section holds only the note that it was not computed. No duration is
asserted; the timeouts only catch a hang.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from test_max_time import EXIT_PARTIAL, run, untimed

TRANCHES = str(ROOT / "problems" / "conditional_tranche.toml")
NOTE = "unfinished: stopped at the time budget"


def _items(d) -> dict[str, dict]:
    """Every item of a sensitivity JSON, by the name ``unfinished`` gives it."""
    out = {f"tipping: {t['parameter']}": t for t in d["tipping_points"]}
    out |= {f"thresholds: {t['option']}": t for t in d["what_would_it_take"]}
    out |= {f"tornado: {r['input']}": r for r in d["tornado"]["rows"]}
    return out


@pytest.fixture(scope="module")
def full():
    out, _ = run("sensitivity", TRANCHES, "--format", "json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is True
    return _items(untimed(d))


@pytest.mark.parametrize("budget", ["0.05", "0.4", "1.2"])
def test_items_finished_under_a_budget_are_the_full_runs_items(full, budget):
    out, _ = run("sensitivity", TRANCHES, "--format", "json", "--max-time", budget)
    assert out.returncode in (0, EXIT_PARTIAL), out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is (out.returncode == 0)
    done = _items(untimed(d))
    left = set(d.get("unfinished", []))
    # every item is either done, exactly as in the full run, or named as not done
    assert set(done) | left == set(full)
    assert not set(done) & left
    for name, item in done.items():
        assert item == full[name], name
    if out.returncode == EXIT_PARTIAL:  # named items, never "the analysis as a whole"
        assert left and all(":" in u and "as a whole" not in u for u in left)
        assert out.stderr.startswith(NOTE)


def test_the_flagship_names_its_unfinished_items():
    out, _ = run("sensitivity", "canada-us-2025", "--format", "json", "--max-time", "2")
    assert out.returncode == EXIT_PARTIAL, out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is False
    kinds = {u.split(": ", 1)[0] for u in d["unfinished"]}
    assert kinds <= {"tipping", "thresholds", "tornado"} and "tornado" in kinds
    assert len(d["unfinished"]) > 50  # the flagship has more than 100 items


def test_report_steps_after_the_budget_are_not_run(tmp_path):
    full_path, cut_path = tmp_path / "full.md", tmp_path / "cut.md"
    sections = "scenarios,risk,sensitivity,alternatives"
    args = ["report", TRANCHES, "--sections", sections]
    a, _ = run(*args, "-o", str(full_path))
    assert a.returncode == 0, a.stderr
    b, _ = run(*args, "-o", str(cut_path), "--max-time", "0.001")
    if b.returncode == 4:  # the first solve itself did not finish: nothing written, said so
        assert "--max-time budget ran out" in b.stderr and not cut_path.exists()
        return
    assert b.returncode == EXIT_PARTIAL, b.stderr
    text = cut_path.read_text()
    titles = [x for x in full_path.read_text().splitlines() if x.startswith("## ")]
    assert [x for x in text.splitlines() if x.startswith("## ")] == titles  # same sections
    # each analysis step after the budget: its section says it was not computed
    assert text.count("not computed (the budget ran out before this step)") == 4
    # every section is incomplete: the first solve ended after a millisecond
    assert b.stderr.splitlines()[-1].endswith(f"({len(titles)} in all)")
