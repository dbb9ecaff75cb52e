"""Shared fixtures: where the public benchmark data is, and which solvers are here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def data_file(*parts: str) -> Path:
    """A file under ../shared/data; skip when absent, except in CI where it must exist."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"CI must have {path} (../shared beside the clone)")
        pytest.skip(f"public benchmark data not found at {path} (../shared is not beside the repo)")
    return path


def available_solvers() -> list[str]:
    import solvers

    return solvers.available()


MIP_SOLVERS = [s for s in ("highs", "cbc") if s in available_solvers()]
