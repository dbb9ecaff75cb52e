"""``--max-time``: a budget for a whole analysis, run as the console script.

On a generated 400-commitment problem the full analyses take far longer than the budget: the
command must come back (a generous bound, only to catch a hang), print JSON that says it is
not complete and what was left, and exit with the documented code 5. On the small example a
generous budget changes nothing but the timings, and items finished under a tight budget are
the full run's items.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from test_console import DIRICHLET, SCRIPT

from problems.generate import generate
from problems.generate_csv import write

EXIT_PARTIAL = 5  # README, "Exit codes"
HANG = 20.0  # seconds past the budget that only a hang would take


CRITERIA = [
    ["compare", "small-example"],
    ["weights", "criteria-example"],
    ["pareto", "criteria-example", "--criteria", "expected,emissions"],
]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("p400")
    write(generate(400, seed=1), folder)
    return str(folder / "problem.toml")


def run(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    out = subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=300)
    return out, time.monotonic() - t0


# wall-clock figures differ between any two runs; Monte Carlo's "run" says how the draws were
# cut into chunks (smaller under a budget), which never changes a result
VARYING = ("time_s", "wall_time_s", "timings", "run")


def untimed(d):
    """``d`` without the figures that differ between two runs of the same analysis."""
    if isinstance(d, dict):
        return {k: untimed(v) for k, v in d.items() if k not in VARYING}
    if isinstance(d, list):
        return [untimed(v) for v in d]
    return d


@pytest.mark.parametrize(
    "args",
    [
        ["sensitivity", "--sections", "tornado"],
        ["frontier", "--resource", "budget"],
    ],
)
def test_a_large_analysis_stops_at_the_budget_with_what_it_completed(big, args):
    out, took = run(args[0], big, *args[1:], "--max-time", "2", "--format", "json")
    assert out.returncode == EXIT_PARTIAL, out.stderr
    assert took < 2 + HANG
    d = json.loads(out.stdout)
    assert d["complete"] is False
    assert d["unfinished"]  # named items
    assert out.stderr.startswith("unfinished: stopped at the time budget")
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["sensitivity", "small-example"],
        ["frontier", "small-example", "--resource", "budget"],
        ["scenarios", "small-example"],
        ["alternatives", "small-example", "-k", "3"],
        ["montecarlo", "small-example", "-n", "40", "--seed", "3", "--set", DIRICHLET],
        *CRITERIA,
    ],
)
def test_a_generous_budget_changes_nothing(args):
    full, _ = run(*args, "--format", "json")
    timed, _ = run(*args, "--format", "json", "--max-time", "1000")
    assert full.returncode == timed.returncode == 0, (full.stderr, timed.stderr)
    a, b = json.loads(full.stdout), json.loads(timed.stdout)
    assert a["complete"] is True and b["complete"] is True
    assert untimed(a) == untimed(b)


def test_tornado_rows_finished_under_a_tight_budget_are_the_full_runs():
    args = ["sensitivity", "small-example", "--sections", "tornado", "--format", "json"]
    full = json.loads(run(*args)[0].stdout)
    for budget in ("0.05", "0.3"):
        out, _ = run(*args, "--max-time", budget)
        assert out.returncode in (0, EXIT_PARTIAL), out.stderr
        d = json.loads(out.stdout)
        assert d["complete"] is (out.returncode == 0)
        rows = {r["input"]: r for r in untimed(d)["tornado"]["rows"]}
        every = {r["input"]: r for r in untimed(full)["tornado"]["rows"]}
        assert all(rows[k] == every[k] for k in rows)
        left = {u.removeprefix("tornado: ") for u in d.get("unfinished", [])}
        assert set(rows) | left == set(every) and not set(rows) & left


def test_monte_carlo_reports_the_draws_done():
    # canada-us-2025 rebuilds and solves each draw (its odds move with the package): 3000
    # draws take minutes, far past the budget
    out, took = run(
        "montecarlo", "canada-us-2025", "-n", "3000", "--max-time", "10", "--format", "json"
    )
    assert out.returncode == EXIT_PARTIAL, out.stderr
    assert took < 10 + HANG
    d = json.loads(out.stdout)
    assert d["complete"] is False
    assert d["draws_done"] < d["draws_requested"] == 3000
    assert d["unfinished"] == [f"draws {d['draws_done'] + 1}..3000 of 3000"]


def _report_text(path) -> str:
    """The report without the lines that say when and by which command line it was made."""
    skip = ("**generated:**", "**command:**")
    lines = path.read_text().replace(f"{path.stem}_files/", "FILES/").splitlines()
    return "\n".join(x for x in lines if not any(k in x for k in skip))


def test_report_marks_each_section_the_budget_cut(big, tmp_path):
    out, took = run(
        "report", big, "-o", str(tmp_path / "r.md"), "--max-time", "3", "--sections",
        "scenarios,sensitivity,frontier",
    )  # fmt: skip
    assert took < 3 + HANG
    if out.returncode == 4:  # no package at all within 3 s on a loaded machine: said so
        assert "--max-time budget ran out" in out.stderr
        assert not (tmp_path / "r.md").exists()
        return
    assert out.returncode == EXIT_PARTIAL, out.stderr
    text = (tmp_path / "r.md").read_text()
    assert text.count("unfinished: stopped at the time budget") >= 3  # each analysis section
    assert out.stderr.splitlines()[-1].startswith("unfinished: stopped at the time budget")


def test_report_with_a_generous_budget_is_the_same(tmp_path):
    args = ["report", "small-example", "--sections", "scenarios,sensitivity,alternatives"]
    a, _ = run(*args, "-o", str(tmp_path / "a.md"))
    b, _ = run(*args, "-o", str(tmp_path / "b.md"), "--max-time", "1000")
    assert a.returncode == b.returncode == 0, (a.stderr, b.stderr)
    assert _report_text(tmp_path / "a.md") == _report_text(tmp_path / "b.md")
    assert "unfinished" not in (tmp_path / "a.md").read_text()


@pytest.mark.parametrize("args", CRITERIA)
def test_a_spent_budget_leaves_every_item_unfinished(args):
    # a millisecond is spent before the first solve ends: nothing is done, and it says so
    out, _ = run(*args, "--format", "json", "--max-time", "0.001")
    assert out.returncode == EXIT_PARTIAL, out.stderr
    d = json.loads(out.stdout)
    assert d["complete"] is False and d["unfinished"]


def test_a_pareto_front_cut_short_in_this_process_keeps_the_walk(monkeypatch):
    """--max-time running out inside a Pareto front's solve (no workers): the fronts are named
    unfinished and the capacity walk done before is kept, as on a worker -- not exit 4 with
    every result lost."""

    from optimizer.analysis import frontier
    from optimizer.errors import LimitError
    from optimizer.spec import load
    from solvers.deadline import budget, expired

    spec = load("small-example")
    full = frontier.capacity_frontier(spec, "budget", lo=0.5, hi=1.5, steps=4)

    def cut(*args, **kwargs):
        while not expired():
            time.sleep(0.01)
        raise LimitError("a re-solve found no package: time_limit (Interrupted by user)")

    monkeypatch.setattr(frontier, "use_front", cut)
    with budget(1.0):
        got = frontier.capacity_frontier(spec, "budget", lo=0.5, hi=1.5, steps=4)
    assert got.unfinished == ("Pareto fronts",)
    assert got.use_front is None
    assert got.segments == full.segments and got.points == full.points


@pytest.mark.parametrize("command", ["sensitivity", "frontier"])
def test_a_partial_table_names_every_unfinished_item_in_the_file(command, tmp_path):
    """The table written with -o says it is partial and names all the items stderr counts
    (stderr shows three), the same as the JSON of the same budget lists."""
    import re

    extra = ["--resource", "budget"] if command == "frontier" else []
    target = tmp_path / "t.txt"
    out, _ = run(command, "small-example", *extra, "--max-time", "0.001", "-o", str(target))
    assert out.returncode == EXIT_PARTIAL, out.stderr
    text = target.read_text()
    head = re.search(r"UNFINISHED: .*; (\d+) item\(s\) not computed:", text)
    assert head, text
    listed = [ln[4:] for ln in text[head.end() :].splitlines() if ln.startswith("  - ")]
    assert len(listed) == int(head.group(1)) >= 1
    counted = re.search(r"\((\d+) in all\)", out.stderr)
    if counted:  # more than three: stderr gives the count
        assert int(counted.group(1)) == len(listed)
    js, _ = run(command, "small-example", *extra, "--max-time", "0.001", "--format", "json")
    assert sorted(json.loads(js.stdout)["unfinished"]) == sorted(listed)
    whole, _ = run(command, "small-example", *extra, "-o", str(tmp_path / "w.txt"))
    assert whole.returncode == 0 and "UNFINISHED" not in (tmp_path / "w.txt").read_text()
