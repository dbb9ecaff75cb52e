"""The HTML report in a real browser: headless Chromium loads it with no network and no
console message, and the page shows the package table and the charts.

Chromium is a system package (``apt-get install chromium``; ``.ci/extra`` installs it in CI).
Outside CI the test is skipped when it is absent; in CI (``CI=true``) it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import IN_CI

import optimizer
from optimizer.report import plots
from optimizer.report.build import build_report, write_report

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--enable-logging=stderr",
    "--v=0",
)


def chromium() -> str:
    for c in CANDIDATES:
        path = c if os.path.isabs(c) and os.access(c, os.X_OK) else shutil.which(c)
        if path:
            return path
    if IN_CI:
        pytest.fail("CI must have Chromium: .ci/extra installs it with apt-get install chromium")
    pytest.skip(
        "Chromium not found (/usr/bin/chromium): the browser test needs it; "
        "install it with 'apt-get install chromium' (Debian) to run this test"
    )


def browse(page: Path, tmp_path: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``page`` in headless Chromium with a fresh profile; return the DOM it built and
    the console messages it logged."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    profile.mkdir()
    run = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return run.stdout, console


def test_the_console_check_catches_errors(tmp_path) -> None:
    # the harness itself: a page that logs and one that loads from the network are caught
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
        "<title>x</title></head><body><img src='http://example.invalid/x.png'>"
        "<p>x</p></body></html>"
    )
    _, console = browse(page, tmp_path, "--dump-dom")
    assert console and "Content Security Policy" in " ".join(console)


def test_report_loads_without_console_errors_and_shows_table_and_charts(tmp_path) -> None:
    if not plots.available():
        if IN_CI:
            pytest.fail("CI must have matplotlib (the test extra installs it)")
        pytest.skip("matplotlib is not installed (pip install '.[plot]'): no charts to check")
    chromium()
    report = build_report(optimizer.load("small-example"))
    page = tmp_path / "report.html"
    write_report(report, page)
    dom, console = browse(page, tmp_path, "--dump-dom")
    assert console == [], console
    assert (
        "<title>A small example: three commitments over three years: analysis report</title>" in dom
    )
    table = re.search(r'<table id="package">.*?</table>', dom, re.S)
    assert table, "no package table in the page"
    rows = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>(\d*)</td>", table.group(0))
    assert rows == [("a", "small", "2026"), ("b", "yes", "2027"), ("c", "yes", "2026")]
    figures = re.findall(r"<figure\b.*?</figure>", dom, re.S)
    assert len(figures) == len(report.figures()) >= 5
    for f in figures:
        assert "<svg" in f and "<path" in f, f[:200]
    # and something is drawn: a screenshot of the page is not blank
    shot = tmp_path / "page.png"
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", "--hide-scrollbars")
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[:2] == (3000, 1200)
    non_white = (pixels[..., :3] < 0.9).any(axis=2).mean()
    assert non_white > 0.02, non_white
