"""The console analyses on the bundled problem with conditional tranches
(problems/conditional_tranche.toml), run as subprocesses with ``--format json`` parsed.

Known answers from the problem's own page (conditional_tranche.md, worked by hand there): the
optimal offer is ``defence.by_2027`` (expected -70.8 B$), with the full Golden Dome tranche and
dairy in the new equilibrium only; ``border`` alone is -78.25 decided without tranches.
"""

from __future__ import annotations

import json
import subprocess
import sys

EXAMPLE = "problems/conditional_tranche.toml"
OFFER = ["defence.by_2027"]


def run_json(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    return json.loads(out.stdout)


def test_montecarlo_counts_offers():
    d = run_json(
        "montecarlo",
        EXAMPLE,
        "-n",
        "30",
        "--set",
        'commitments[2].options[0].value.new_equilibrium={dist="uniform",low=0,high=40}',
    )
    assert d["draws_done"] == 30
    assert "offers" in d["tranches"]
    # the core index lists the offer's options only, never a per-scenario tranche copy
    listed = {c["commitment"] for c in d["core_index"]}
    assert listed == {"defence", "border"}
    base = next(p for p in d["packages"] if p["is_base"])
    assert base["choices"] == OFFER
    # at the point value (20 B$ instead of 24) the early target is still the offer, and no
    # draw's optimum is below the point-value offer's value in that draw
    assert d["optimal_value"]["mean"] >= d["base_package"]["value"]["mean"] - 1e-9
