"""Reports (HTML and Markdown): content checked against enumeration, the HTML self-contained,
the charts present (or replaced by a message without matplotlib). Every input listed with its
source: ``test_report_inputs.py``; the terminal's colour, numbers, help and completion:
``test_terminal.py``.

Known answers come from ``tests/bruteforce.py`` (every package of the problem document
enumerated by the format's rules) or from the problem files themselves.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tomllib
import xml.etree.ElementTree as ET

import pytest
from bruteforce import enumerate_packages, evaluate, optimum
from click.testing import CliRunner
from conftest import IN_CI, ROOT

import optimizer
from optimizer.cli import cli
from optimizer.report import plots
from optimizer.report.build import Figure, Inputs, Table, build_report, write_report
from optimizer.report.html import render_html
from optimizer.report.markdown import render_markdown

SMALL = ROOT / "problems" / "small_example.toml"


def needs_matplotlib() -> None:
    if not plots.available():
        if IN_CI:
            pytest.fail("CI must have matplotlib (the test extra installs it)")
        pytest.skip("matplotlib is not installed (pip install '.[plot]'): charts not tested")


def small_doc() -> dict:
    return tomllib.loads(SMALL.read_text())


@pytest.fixture(scope="module")
def small_report():
    return build_report(optimizer.load("small-example"), alternatives=4)


def blocks(report, section_id: str, kind=Table) -> list:
    return [b for b in report.section(section_id).blocks if isinstance(b, kind)]


def table_by_id(report, table_id: str) -> Table:
    for s in report.sections:
        for b in s.blocks:
            if isinstance(b, Table) and b.id == table_id:
                return b
    raise KeyError(table_id)


# ---- content against enumeration ------------------------------------------------------------


def test_sections_in_order(small_report) -> None:
    ids = [s.id for s in small_report.sections]
    want = ["recommendation", "scenarios-value", "resources", "voi", "risk"]
    if (ROOT / "optimizer" / "analysis" / "sensitivity.py").exists():
        want.append("sensitivity")
    if (ROOT / "optimizer" / "analysis" / "frontier.py").exists():
        want.append("frontier")
    want += ["alternatives", "inputs"]
    assert ids == want
    assert any("Monte Carlo" in s for s in small_report.skipped)
    # no analysis stopped with an error
    for s in small_report.sections:
        notes = [b.text for b in s.blocks if type(b).__name__ == "Note" and b.kind == "warning"]
        assert not notes, (s.id, notes)


def test_package_and_values_are_the_enumerated_optimum(small_report) -> None:
    best = optimum(small_doc())
    assert len(best.packages) == 1
    want = sorted((p.commitment, p.option, str(p.start)) for p in best.packages[0].values())
    pkg = table_by_id(small_report, "package")
    assert sorted((r[0], r[1], r[2]) for r in pkg.rows) == want
    _, by_scenario, ev = evaluate(small_doc(), best.packages[0])
    values = {r[0]: r[2] for r in table_by_id(small_report, "scenario-values").rows}
    assert values == pytest.approx({**by_scenario, "expected": ev})
    assert values["expected"] == pytest.approx(9.8)  # docs/problem-format.md


def test_resource_use_per_year_from_the_document(small_report) -> None:
    # a.small (2 a year from 2026), b from 2027 ([3, 1]), c (1 a year from 2026)
    rows = table_by_id(small_report, "resource-use").rows
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("budget", "2026", 3.0, 5.0),
        ("budget", "2027", 6.0, 6.0),
        ("budget", "2028", 4.0, 6.0),
    ]
    assert table_by_id(small_report, "resource-use").emphasis == [False, True, False]
    assert any(isinstance(b, Figure) for b in small_report.section("resources").blocks)


def test_regret_table_against_each_scenarios_enumerated_best(small_report) -> None:
    doc = small_doc()
    scored = [(pkg, *evaluate(doc, pkg)) for pkg in enumerate_packages(doc)]
    best = {s: max(v[s] for _, ok, v, _ in scored if ok) for s in ("good", "bad")}
    rp = table_by_id(small_report, "regret").rows[0]
    assert rp[0] == "RP"
    # columns: package, expected, good, regret, bad, regret, max regret
    assert rp[3] == pytest.approx(best["good"] - rp[2], abs=1e-9)
    assert rp[5] == pytest.approx(best["bad"] - rp[4], abs=1e-9)
    voi = {r[0]: r[1] for r in table_by_id(small_report, "voi-summary").rows}
    ws = 0.6 * best["good"] + 0.4 * best["bad"]
    assert voi["WS"] == pytest.approx(ws)
    assert voi["EVPI"] == pytest.approx(ws - 9.8, abs=1e-6)


def test_alternatives_are_the_best_distinct_packages(small_report) -> None:
    # distinct by option (start years do not count): the best timing of each option set
    doc = small_doc()
    best_of: dict[tuple, float] = {}
    for pkg in enumerate_packages(doc):
        ok, _, ev = evaluate(doc, pkg)
        if ok:
            key = tuple(sorted((p.commitment, p.option) for p in pkg.values()))
            best_of[key] = max(best_of.get(key, -math.inf), ev)
    ranked = sorted(best_of.values(), reverse=True)[:4]
    rows = table_by_id(small_report, "alternatives-table").rows
    assert [r[1] for r in rows] == pytest.approx(ranked)


@pytest.mark.skipif(
    not (ROOT / "optimizer" / "analysis" / "sensitivity.py").exists(),
    reason="the sensitivity analysis is not installed",
)
def test_probability_tipping_points_against_enumeration(small_report) -> None:
    # the recommended package stays optimal for P(good) in [from, to]: check on a grid
    doc = small_doc()
    scored = [
        (pkg, v) for pkg in enumerate_packages(doc) for ok, v, _ in [evaluate(doc, pkg)] if ok
    ]
    base = optimum(doc).packages[0]
    rows = {r[0]: r for r in table_by_id(small_report, "tipping").rows}
    lo, hi = rows["P(good)"][2], rows["P(good)"][3]
    for k in range(101):
        p = k / 100
        value = {id(pkg): p * v["good"] + (1 - p) * v["bad"] for pkg, v in scored}
        top = max(value.values())
        base_value = p * evaluate(doc, base)[1]["good"] + (1 - p) * evaluate(doc, base)[1]["bad"]
        assert (base_value >= top - 1e-9) == (lo - 1e-9 <= p <= hi + 1e-9), p
    assert any(
        isinstance(b, Figure) and b.id == "tornado-chart"
        for b in small_report.section("sensitivity").blocks
    )


@pytest.mark.skipif(
    not (ROOT / "optimizer" / "analysis" / "frontier.py").exists(),
    reason="the frontier analysis is not installed",
)
def test_frontier_breakpoints_against_enumeration(small_report) -> None:
    rows = table_by_id(small_report, "frontier-budget").rows
    assert rows

    def best_at(scale: float) -> float | None:
        doc = small_doc()
        cap = doc["resources"][0]["capacity"]
        doc["resources"][0]["capacity"] = {y: c * scale for y, c in cap.items()}
        return optimum(doc).value

    for _, scale, _, below, above, _ in rows:
        assert best_at(scale * (1 - 1e-3)) == pytest.approx(below, abs=1e-6)
        assert best_at(scale * (1 + 1e-6)) == pytest.approx(above, abs=1e-6)


# ---- HTML and Markdown ------------------------------------------------------------------------


def test_html_is_one_self_contained_file(small_report) -> None:
    needs_matplotlib()
    html = render_html(small_report)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""\bsrc\s*=""", html)
    assert not re.search(r"url\((?!#)", html)  # no external url() in styles or charts
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith("#"), href  # links in sources would be http(s), clicked only
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == len(small_report.figures()) >= 5
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids across the page"
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert '<table id="package">' in html


def test_markdown_writes_pngs_beside_it(tmp_path, small_report) -> None:
    needs_matplotlib()
    written = write_report(small_report, tmp_path / "out.md")
    md = (tmp_path / "out.md").read_text()
    pngs = sorted(p for p in written if p.suffix == ".png")
    assert len(pngs) == len(small_report.figures())
    for p in pngs:
        assert p.parent == tmp_path / "out_files"
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](out_files/{p.name})" in md
    assert "| a | small | 2026 |" in md
    assert "## Inputs and their sources" in md


def test_without_matplotlib_the_report_says_so(monkeypatch, small_report, tmp_path) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = render_html(small_report)
    assert "<svg" not in html
    assert html.count("matplotlib is not installed") == len(small_report.figures())
    text, files = render_markdown(small_report, tmp_path / "r.md")
    assert files == {}
    assert text.count("matplotlib is not installed") == len(small_report.figures())


def test_the_written_report_is_atomic_and_shareable(tmp_path, monkeypatch, small_report) -> None:
    target = tmp_path / "r.html"
    target.write_text("old")
    import optimizer.report.html as html_mod

    def boom(report):
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(html_mod, "render_html", boom)
    with pytest.raises(RuntimeError):
        write_report(small_report, target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary left
    monkeypatch.undo()
    write_report(small_report, target)
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_report_command(tmp_path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", "small-example", "-o", str(out), "--sections", "inputs"])
    assert r.exit_code == 0, r.output
    assert r.stderr.strip() == f"wrote {out}"
    assert '<table id="package">' in out.read_text()
    r = CliRunner().invoke(cli, ["report", "small-example", "-o", str(tmp_path / "r.pdf")])
    assert r.exit_code == 2 and r.output.strip() == (
        "error: --output: the report must be .html or .md, got 'r.pdf' (or name the format: --to)"
    )
    r = CliRunner().invoke(
        cli, ["report", "small-example", "-o", str(out), "--sections", "sensitivty"]
    )
    assert r.exit_code == 2 and "did you mean 'sensitivity'" in r.output
    r = CliRunner().invoke(
        cli, ["report", "small-example", "-o", str(out), "-q", "--sections", "inputs"]
    )
    assert r.exit_code == 0 and r.output == ""
    r = CliRunner().invoke(
        cli, ["report", "small-example", "-o", str(out), "--force", "a.large", "--force", "b"]
    )
    assert r.exit_code == 3 and r.output.startswith("error: small-example: infeasible")


def test_montecarlo_section(tmp_path) -> None:
    if not (ROOT / "optimizer" / "analysis" / "montecarlo.py").exists():
        pytest.skip("the Monte Carlo analysis is not installed")
    path = tmp_path / "mc.toml"
    # c (value 5, budget 1) is optimal in every draw: the other options are worth at most
    # 2 and a and b together need 4 of the 3 budget left; so c's core index is 1
    path.write_text(
        """
[problem]
name = "mc"
[[resources]]
id = "budget"
capacity = 4
[[commitments]]
id = "a"
use = { budget = 2 }
value = { dist = "uniform", low = 0, high = 2 }
[[commitments]]
id = "b"
use = { budget = 2 }
value = { dist = "triangular", low = 0.5, mode = 1, high = 1.5 }
[[commitments]]
id = "c"
use = { budget = 1 }
value = { dist = "triangular", low = 4, mode = 5, high = 6 }
"""
    )
    rep = build_report(optimizer.load(path), montecarlo=64, sections=["montecarlo"])
    core = {r[0]: r[1] for r in table_by_id(rep, "core-index").rows}
    assert core["c.yes"] == 1.0
    assert set(core) <= {"a.yes", "b.yes", "c.yes"}
    summary = table_by_id(rep, "montecarlo-summary").rows
    assert summary[0][0] == "optimal value in the draw"
    assert any(f.id == "montecarlo-chart" for f in rep.figures())
    no_mc = build_report(optimizer.load(path), sections=["inputs"])
    assert "montecarlo" not in [s.id for s in no_mc.sections]
    uncertain = next(b for b in no_mc.section("inputs").blocks if isinstance(b, Inputs)).uncertain
    assert [u.distribution for u in uncertain] == [
        "uniform(0, 2)",
        "triangular(0.5, 1, 1.5)",
        "triangular(4, 5, 6)",
    ]


def test_an_analysis_that_disagrees_with_the_verified_solution_is_left_out() -> None:
    # a sensitivity result whose base value is not the verified optimum is not shown
    from types import SimpleNamespace

    from optimizer.report.build import _sensitivity

    def wrong(spec, **kwargs):
        return SimpleNamespace(expected=1.0, value_unit="", tornado=(), tipping=(), thresholds=())

    sec = _sensitivity(optimizer.load("small-example"), wrong, "highs", None, 9.8)
    kinds = [(type(b).__name__, getattr(b, "kind", "")) for b in sec.blocks]
    assert kinds == [("Note", "warning")]
    assert "puts the value of the recommended package at 1, but the verified" in sec.blocks[0].text
