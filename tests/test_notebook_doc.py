"""docs/notebook.md stays executable: its python cells run in order, in one process, as a
notebook runs them, and the assertions in them (the results the page shows) hold."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pandas")
pytest.importorskip("openpyxl")

DOC = Path(__file__).resolve().parents[1] / "docs" / "notebook.md"


def test_the_notebook_walk_through_runs(tmp_path):
    cells = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(cells) >= 8
    (tmp_path / "notebook.py").write_text("\n\n".join(cells))
    run = subprocess.run(
        [sys.executable, "notebook.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "plan.xlsx").exists() and (tmp_path / "result.xlsx").exists()
    assert "the bigger budget and project d are worth" in run.stdout
