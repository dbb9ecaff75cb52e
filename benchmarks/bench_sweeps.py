"""Wall time of ``optimizer sensitivity`` run as the console script: today's single-session
path (no ``--workers``) against the chunked sweep with ``--workers 1`` and ``--workers 2``.

Each configuration runs ``--rounds`` times, interleaved (so a change in the machine's load
touches all of them alike); the table gives the median and the range, the machine's load
average before and after, and the ratios of medians. The outputs of ``--workers 1`` and
``--workers 2`` are checked to be identical (timings removed) on every round.

Run:  python benchmarks/bench_sweeps.py [--generated 15] [--rounds 3]
      python benchmarks/bench_sweeps.py --problem canada-us-2025   # bundled problems only
      (the flagship has conditional tranches: its chunks are ``sensitivity_tranche_sweep``)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from problems.generate import generate
from problems.generate_csv import write

SCRIPT = shutil.which("optimizer", path=str(Path(sys.executable).parent)) or "optimizer"
CONFIGS = {
    "single session": [],
    "--workers 1": ["--workers", "1"],
    "--workers 2": ["--workers", "2"],
}


def run(problem: str, extra: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [SCRIPT, "sensitivity", problem, *extra, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t0
    d = json.loads(out.stdout)
    d.pop("time_s", None)
    return wall, json.dumps(d)


def bench(problem: str, label: str, rounds: int) -> list[str]:
    load0 = os.getloadavg()[0]
    times: dict[str, list[float]] = {k: [] for k in CONFIGS}
    solves = {}
    for _ in range(rounds):
        outs = {}
        for name, extra in CONFIGS.items():
            wall, text = run(problem, extra)
            times[name].append(wall)
            outs[name] = text
            solves[name] = json.loads(text)["solves"]
        assert outs["--workers 1"] == outs["--workers 2"], "outputs differ between worker counts"
    load1 = os.getloadavg()[0]
    med = {k: statistics.median(v) for k, v in times.items()}
    lines = [f"## {label}  (load average {load0:.2f} before, {load1:.2f} after; {rounds} rounds)"]
    lines.append("| run | median s | range s | solves |")
    lines.append("| --- | ---: | ---: | ---: |")
    for k, v in times.items():
        lines.append(f"| {k} | {med[k]:.2f} | {min(v):.2f}-{max(v):.2f} | {solves[k]} |")
    base, w1, w2 = med["single session"], med["--workers 1"], med["--workers 2"]
    lines.append(
        f"\n--workers 1 / single session: {w1 / base:.2f}x the time; "
        f"--workers 1 -> 2: {w1 / w2:.2f}x faster; single session -> --workers 2: "
        f"{base / w2:.2f}x faster; outputs of --workers 1 and 2 identical on every round"
    )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--generated", type=int, default=15, help="commitments of the generated problem"
    )
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--problem", action="append", help="a bundled problem or file, instead of the defaults"
    )
    a = ap.parse_args()
    out: list[str] = []
    if a.problem:
        for name in a.problem:
            out += [*bench(name, name, a.rounds), ""]
        print("\n".join(out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        write(generate(a.generated, seed=a.seed), tmp)
        out += bench(
            str(Path(tmp) / "problem.toml"),
            f"generated, {a.generated} commitments (seed {a.seed})",
            a.rounds,
        )
    out.append("")
    out += bench("capital-budgeting", "problems/capital_budgeting.toml", a.rounds)
    print("\n".join(out))


if __name__ == "__main__":
    main()
