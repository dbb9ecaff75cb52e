"""Large portfolios from a CSV table: wall time, status and proven gap, new path vs baselines.

For each size, a generated problem (``problems/generate.py``) is written as a problem file
with its options in a CSV table (``problems/generate_csv.py``) and solved by the console
script, ``optimizer solve FILE --time-limit T --format json``, as a subprocess (wall clock
from start to exit). The baseline is the same command with the large-model path switched off
(``optimizer.large.LARGE_COLUMNS`` set to infinity before the CLI runs): the plain HiGHS
solve. The second baseline, ``previous``, is the large-model path as it was before the
sample's resource prices (``solvers.prices.SAMPLE_SHARE`` set to 0: the first restricted LP
from value per use, no bound from the prices). With ``--repeat`` the rounds alternate the
order of ``previous`` and ``new``; per size and method the median and range of the wall time
and the proven gap are printed. The machine load (``os.getloadavg``, 1 min) is printed with
every run: the machine is shared, and the large path is CPU-bound.

    python benchmarks/bench_large.py --sizes 100000 --baseline-sizes --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE = (
    "import sys, optimizer.large as L; L.LARGE_COLUMNS = float('inf'); "
    "from optimizer.cli import main; sys.argv[0] = 'optimizer'; main()"
)
PREVIOUS = (
    "import sys, solvers.prices as P; P.SAMPLE_SHARE = 0; "
    "from optimizer.cli import main; sys.argv[0] = 'optimizer'; main()"
)
NEW = "import sys; from optimizer.cli import main; sys.argv[0] = 'optimizer'; main()"


def run(code: str, path: Path, limit: float) -> dict:
    cmd = [sys.executable, "-c", code, "solve", str(path), "--time-limit", str(limit)]
    cmd += ["--format", "json"]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 5 + 60)
    wall = time.perf_counter() - t0
    out = {"wall_s": round(wall, 1), "exit": p.returncode, "load1": round(load, 2)}
    if p.returncode == 0:
        d = json.loads(p.stdout)
        gap = d["solver"]["gap"]
        out.update(status=d["status"], value=d["objective"]["value"], gap=gap)
        out["verified"] = d["verified"]
    else:
        out["error"] = p.stderr.strip().splitlines()[-1][:160] if p.stderr.strip() else ""
    return out


def summary(runs: list[dict]) -> str:
    """Median (min-max) of wall and gap over the runs, and their loads."""
    walls = [r["wall_s"] for r in runs]
    gaps = [r["gap"] for r in runs if r.get("gap") is not None]
    text = f"wall median {statistics.median(walls):.1f} s ({min(walls):.1f}-{max(walls):.1f})"
    if gaps:
        text += (
            f", gap median {statistics.median(gaps):.3%} ({min(gaps):.3%}-{max(gaps):.3%})"
            f", {len(gaps)} of {len(runs)} with a package"
        )
    else:
        text += f", no package in {len(runs)} runs"
    return text + f", load {[r['load1'] for r in runs]}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    ap.add_argument("--baseline-sizes", type=int, nargs="*", default=[10_000, 30_000])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    from problems.generate import generate, n_columns
    from problems.generate_csv import write

    print(f"cores: {os.cpu_count()}  load (1, 5, 15 min): {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            spec = generate(n, seed=1)
            path = write(spec, Path(tmp) / f"n{n}")
            print(f"n={n}: {n_columns(spec)} columns, options CSV written", flush=True)
            runs = {"baseline": [], "previous": [], "new": []}
            for r in range(args.repeat):
                pair = [("previous", PREVIOUS), ("new", NEW)]
                todo = ([("baseline", BASELINE)] if n in args.baseline_sizes else []) + (
                    pair if r % 2 == 0 else pair[::-1]
                )
                for label, code in todo:
                    if label == "baseline" and r > 0:
                        continue  # plain HiGHS once: it finds no package at 10^5
                    res = run(code, path, args.time_limit)
                    runs[label].append(res)
                    print(f"  round {r + 1} {label:8s} {res}", flush=True)
            for label, rs in runs.items():
                if rs:
                    print(f"  {label:8s} {summary(rs)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
