"""The HTML report read by someone who never runs a command: multipliers say "× base", a
number reads the same in a sentence and in a table, the capacity line spans the resource
chart, and a resource whose use goes below zero is explained in the chart's caption.

Checked on the flagship (``canada-us-2025``: built once for the module) and on small
problems built here.
"""

from __future__ import annotations

import re

import pytest
from test_report import needs_matplotlib, table_by_id

import optimizer
from optimizer.analysis.sensitivity_results import TornadoRow
from optimizer.report import plots
from optimizer.report.build import Figure, Paragraph, _negative_use_text, build_report
from optimizer.report.html import render_html
from optimizer.report.tables import format_column, prob


@pytest.fixture(scope="module")
def flagship():
    return build_report(optimizer.load("canada-us-2025"), alternatives=3)


def sentences(report) -> str:
    return " ".join(b.text for s in report.sections for b in s.blocks if isinstance(b, Paragraph))


def shown(t) -> list[list[str]]:
    """A table's cells as the report shows them (floats formatted per column)."""
    cols = [format_column([r[j] for r in t.rows]) for j in range(len(t.columns))]
    return [list(r) for r in zip(*cols, strict=True)]


# ---- 1. multipliers say "× base" ---------------------------------------------------------


def test_tornado_rows_say_which_are_factors() -> None:
    row = TornadoRow("a.b value", "value", 0.8, 1.2, 1.0, 2.0, None, None, "x")
    assert row.factor and row.to_dict()["unit"] == "x"
    old = TornadoRow("P(s)", "probability", 0.2, 0.3, 1.0, 2.0, None, None)
    assert not old.factor and old.to_dict()["unit"] == ""
    # the keys of before are all still there
    assert {"input", "kind", "low", "high", "value_low", "value_high", "swing"} <= set(
        old.to_dict()
    )


def test_tornado_factor_cells_say_times_base(flagship) -> None:
    t = table_by_id(flagship, "tornado")
    cells = shown(t)
    kinds = {r[0]: r for r in cells}
    factor_rows = [r for n, r in kinds.items() if n.endswith(" value") or n.endswith(" capacity")]
    assert factor_rows, "the flagship's tornado has option values or capacities"
    for r in factor_rows:
        assert r[1].endswith(" × base") and r[2].endswith(" × base"), r
        assert re.fullmatch(r"\d\.\d\d × base", r[1]), r
    for n, r in kinds.items():
        if n.startswith("P("):
            assert "× base" not in r[1] + r[2], r
    assert "× base" in t.caption


def test_frontier_scale_column_says_times_base(flagship) -> None:
    tabs = [
        b
        for s in flagship.sections
        for b in s.blocks
        if getattr(b, "id", "").startswith("frontier-") and not isinstance(b, Figure)
    ]
    assert tabs
    for t in tabs:
        assert t.columns[1] == "scale (× base)"


# ---- 2. one rounding in sentences and tables ---------------------------------------------


def test_a_number_in_a_sentence_and_a_table_is_the_same_string(flagship) -> None:
    text = sentences(flagship)
    cells = {
        c
        for s in flagship.sections
        for b in s.blocks
        if hasattr(b, "rows")
        for r in shown(b)
        for c in r
        if isinstance(c, str)
    }
    # the expected value: in the recommendation's sentence and in the scenario table
    sv = shown(table_by_id(flagship, "scenario-values"))
    expected = sv[-1][-2]
    assert f"expected value of {expected} " in text
    assert expected in cells
    # the probabilities the package induces: in the sentence and in the table, 3 decimals
    for row in sv[:-1]:
        base, induced = row[1], row[2]
        assert re.fullmatch(r"\d\.\d{3}", base) and re.fullmatch(r"\d\.\d{3}", induced)
        if base != induced:
            assert f"from {base} to {induced}" in text
    # EVPI and VSS: in a sentence and in the value-of-information table
    voi = [r for t in flagship.section("voi").blocks if hasattr(t, "rows") for r in shown(t)]
    for name in ("EVPI", "VSS"):
        cell = next(r[1] for r in voi if r[0] == name)
        assert f"{cell} " in text and f"({name})" in text
    # no sentence keeps a six-significant-digit number like -575.446
    assert not re.search(r"\d\.\d{3,}\b", re.sub(r"P\([^)]*\) from \S+ to \S+", "", text))


def test_probability_text_has_three_decimals() -> None:
    assert [prob(x) for x in (0.8, 0.845, 0.07497, 1.0)] == ["0.800", "0.845", "0.075", "1.000"]


# ---- 3. the capacity line spans the chart ------------------------------------------------


@pytest.mark.parametrize("years", [("2026",), ("2026", "2027", "2028", "2029")])
def test_capacity_line_spans_the_x_range(years) -> None:
    needs_matplotlib()
    n = len(years)
    s = plots.ResourceSeries("budget", "C$B", years, tuple([1.0] * n), tuple([2.0] * n))
    fig = plots.resource_chart([s])
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_label() == "capacity"]
    assert len(lines) == 1
    xs = lines[0].get_xdata()
    lo, hi = ax.get_xlim()
    assert min(xs) == pytest.approx(lo) and max(xs) == pytest.approx(hi)
    # every bar inside the range
    for p in ax.patches:
        assert lo <= p.get_x() and p.get_x() + p.get_width() <= hi


def test_flagship_resource_chart_capacity_spans(flagship) -> None:
    needs_matplotlib()
    fig = next(b for b in flagship.section("resources").blocks if isinstance(b, Figure)).draw()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "capacity"]
        lo, hi = ax.get_xlim()
        assert min(line.get_xdata()) == pytest.approx(lo)
        assert max(line.get_xdata()) == pytest.approx(hi)


# ---- 4. use below zero is explained ------------------------------------------------------


def test_negative_use_caption_is_generic() -> None:
    pos = plots.ResourceSeries("budget", "", ("2026",), (1.0,), (2.0,))
    neg = plots.ResourceSeries("room", "", ("2026", "2027"), (-1.0, 0.0), (0.0, 0.0))
    assert _negative_use_text([pos]) == ""
    text = _negative_use_text([pos, neg])
    assert "room: below zero: room left" in text and "capacity of 0" in text
    assert "budget" not in text


def test_flagship_caption_explains_the_defence_envelope(flagship) -> None:
    fig = next(b for b in flagship.section("resources").blocks if isinstance(b, Figure))
    assert "defence_envelope: below zero: room left" in fig.alt
    assert "must fit inside the room" in fig.alt
    html = render_html(flagship)
    assert "defence_envelope: below zero: room left" in html


def test_tipping_factor_rows_say_times_base(flagship) -> None:
    cells = shown(table_by_id(flagship, "tipping"))
    scaled = [r for r in cells if "scaled" in r[0]]
    assert scaled, "the flagship has a scaled capacity among its tipping points"
    for r in scaled:
        assert r[1] == "1.00 × base", r
        assert all(c.endswith(" × base") or c == "no limit" for c in r[2:4]), r


def test_the_terminal_tornado_says_x_base_on_multipliers_only():
    """``optimizer sensitivity`` as the user runs it: a value or capacity row reads
    "0.80 × base", a probability row its own number."""
    import subprocess
    import sys

    args = ["sensitivity", "small-example", "--sections", "tornado", "--range", "20%"]
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].strip()}
    assert re.search(r"budget capacity\s+0\.80 × base\s+1\.20 × base", out)
    assert re.search(r"b\.yes value\s+0\.80 × base\s+1\.20 × base", out)
    assert "P(good)" in rows and "× base" not in rows["P(good)"]
    assert "x factor" not in out


def test_the_terminal_tornado_says_infeasible_where_no_package_fits(tmp_path):
    """A capacity cut until the required commitment no longer fits reads "infeasible" in the
    terminal, not "n/a"; the other rows keep their numbers."""
    import subprocess
    import sys

    f = tmp_path / "must.toml"
    f.write_text(
        '[problem]\nname = "must"\n'
        '[[scenarios]]\nid = "s"\nprobability = 1\n'
        '[[resources]]\nid = "budget"\ncapacity = 10\n'
        '[[commitments]]\nid = "a"\nrequired = true\nuse = { budget = 9 }\nvalue = 5\n'
        '[[commitments]]\nid = "b"\nuse = { budget = 1 }\nvalue = 1\n'
    )
    args = ["sensitivity", str(f), "--sections", "tornado", "--range", "20%"]
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *args], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"budget capacity\s+0\.80 × base\s+1\.20 × base\s+infeasible\s+6\b", out)
    assert re.search(r"b\.yes value\s+0\.80 × base\s+1\.20 × base\s+5\.80\s+6\.20", out)
    assert "n/a" not in out
