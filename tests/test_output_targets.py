"""Where outputs go: a stream (``/dev/stdout`` as a pipe, ``-o -``) for the outputs that can be
one, the format named by its option whatever the file's name, and a Markdown report that
cannot write its charts leaving nothing of this run behind. Run as the user runs them: the
console script, its stdout piped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MOVING = str(Path(__file__).parent.parent / "problems" / "moving_odds.toml")


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args], capture_output=True, text=True, cwd=cwd
    )


def one_line(out: subprocess.CompletedProcess) -> str:
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_export_writes_to_a_pipe_and_any_file_name_as_its_option_says(tmp_path):
    piped = run("export", MOVING, "--mps", "/dev/stdout")
    assert piped.returncode == 0, piped.stderr
    assert run("export", MOVING, "--mps", str(tmp_path / "m.mps")).returncode == 0
    assert piped.stdout == (tmp_path / "m.mps").read_text()
    assert piped.stdout.rstrip().endswith("ENDATA")
    txt = tmp_path / "model.txt"
    out = run("export", MOVING, "--lp", str(txt))
    assert out.returncode == 0, out.stderr
    assert txt.read_text().rstrip().endswith("End") or txt.read_text().rstrip().endswith("end")
    full = run("export", MOVING, "--mps", "/dev/full")
    assert full.returncode == 2 and "/dev/full" in one_line(full)


def test_an_html_report_goes_to_a_pipe_with_to_html_and_markdown_is_refused_there():
    html = run("report", "small-example", "-o", "/dev/stdout", "--to", "html", "--sections",
               "scenarios")  # fmt: skip
    assert html.returncode == 0, html.stderr
    assert html.stdout.lstrip().lower().startswith("<!doctype html>")
    assert html.stdout.rstrip().endswith("</html>")
    unnamed = run("report", "small-example", "-o", "/dev/stdout", "--sections", "scenarios")
    assert unnamed.returncode == 2 and "--to" in one_line(unnamed)
    md = run("report", "small-example", "-o", "/dev/stdout", "--to", "md")
    assert md.returncode == 2 and "Markdown" in one_line(md)
    assert md.stdout == ""


def test_a_markdown_report_whose_charts_cannot_be_written_leaves_nothing_behind(tmp_path):
    charts = tmp_path / "r_files"
    (charts / "scenario-values-chart.png").mkdir(parents=True)  # a folder where a chart goes
    out = run("report", "small-example", "-o", str(tmp_path / "r.md"), "--sections",
              "scenarios")  # fmt: skip
    assert out.returncode == 2
    assert "scenario-values-chart.png" in one_line(out) and "directory" in one_line(out)
    assert sorted(p.name for p in charts.iterdir()) == ["scenario-values-chart.png"]
    assert not (tmp_path / "r.md").exists()
    other = tmp_path / "o"
    other.mkdir()
    (other / "r_files").write_text("mine")  # a file where the charts' folder goes
    out = run("report", "small-example", "-o", str(other / "r.md"), "--sections", "scenarios")
    assert out.returncode == 2 and str(other / "r_files") in one_line(out)
    assert sorted(p.name for p in other.iterdir()) == ["r_files"]
    assert (other / "r_files").read_text() == "mine"
    fine = run("report", "small-example", "-o", str(tmp_path / "ok.md"), "--sections", "scenarios")
    assert fine.returncode == 0, fine.stderr
    assert len(list((tmp_path / "ok_files").glob("*.png"))) >= 2


def test_dash_is_stdout_not_a_file_named_dash(tmp_path):
    out = run("solve", "small-example", "--format", "json", "-o", "-", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "optimal"
    conv = run("convert", "small-example", "-o", "-", cwd=tmp_path)
    assert conv.returncode == 0 and 'name = "small-example"' in conv.stdout
    assert list(tmp_path.iterdir()) == []


def test_convert_refuses_a_format_its_file_name_would_not_read_back_as(tmp_path):
    out = run("convert", "small-example", "-o", str(tmp_path / "x.toml"), "--to", "json")
    assert out.returncode == 2 and ".json" in one_line(out)
    assert list(tmp_path.iterdir()) == []
    ok = run("convert", "small-example", "-o", str(tmp_path / "x.json"), "--to", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads((tmp_path / "x.json").read_text())["problem"]["name"] == "small-example"
