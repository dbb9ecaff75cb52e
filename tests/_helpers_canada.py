"""The flagship problem ``canada-us-2025`` as its tests read it: its name, horizon, scenarios and
TOML document (read with ``tomllib``, not the engine), and the point value of an input."""

from __future__ import annotations

import tomllib
from pathlib import Path

NAME = "canada-us-2025"
ROOT = Path(__file__).resolve().parents[1] / "problems"
YEARS = list(range(2026, 2036))
SCENARIOS = ("status_quo_ante", "new_equilibrium", "coercive_rupture")
HAGUE = ("hague_linear", "hague_front_loaded", "five_core")
DOC = tomllib.loads((ROOT / "canada_us_2025.toml").read_text())


def point(x):
    """The number ``solve`` uses for an input written as a number or a distribution."""
    if isinstance(x, dict):
        return x.get("point", x.get("mode", x.get("median", x.get("mean"))))
    return x
