"""Solution quality on OR-Library's multidimensional knapsack sets, on each solver.

* mknap1 (7 instances) and mknap2 (SAC-94, 48 instances): every published optimum must be
  matched and proven (status ``optimal``, objective equal to the optimum);
* mknapcb1 (Chu & Beasley 5 x 100, 30 instances): objective against the best-known value
  within a stated time limit per instance (``gap_known`` < 0 means better than best known).

Each set is run through ``optimizer.bench`` (the library behind ``optimizer bench``), so every
reported package has passed the independent check. Outputs go to ``OUTPUT/<set>/`` (CSV,
JSON with machine information, Markdown, plots) and a summary to ``OUTPUT/quality.md``.

Run from the repository root::

    python benchmarks/bench_quality.py --solvers highs,cbc --time-limit 30 \\
        --cb-time-limit 10 --output benchmarks/results/quality
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "orlib"


def main(argv: list[str] | None = None) -> int:
    from optimizer import bench

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--solvers", default="highs,cbc")
    ap.add_argument("--sets", default="mknap1,mknap2,mknapcb1")
    ap.add_argument("--time-limit", type=float, default=30.0, help="mknap1/mknap2, seconds")
    ap.add_argument("--cb-time-limit", type=float, default=10.0, help="mknapcb1, seconds")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--first", type=int, default=None, help="only the first N of each set")
    ap.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "quality")
    args = ap.parse_args(argv)
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    cmd = "python benchmarks/bench_quality.py " + " ".join(sys.argv[1:] if argv is None else argv)
    summary_lines = ["# Solution quality on OR-Library knapsack sets", "", "```", cmd, "```", ""]
    ok = True
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        limit = args.cb_time_limit if name.startswith("mknapcb") else args.time_limit
        instances = bench.discover(args.data / f"{name}.txt", first=args.first)
        print(
            f"{name}: {len(instances)} instances x {len(solvers)} solvers, {limit} s each",
            file=sys.stderr,
        )
        rows = bench.run(
            instances,
            solvers,
            time_limit=limit,
            threads=args.threads,
            memory="rss",
            progress=lambda s: print("  " + s, file=sys.stderr),
        )
        settings = {
            "command": cmd,
            "set": name,
            "solvers": solvers,
            "time_limit": limit,
            "repeat": 1,
            "threads": args.threads,
            "memory": "rss",
            "memory_note": bench.MEMORY_NOTES["rss"],
            "title": name,
        }
        bench.write_outputs(rows, args.output / name, settings, plots=bench.plotting_available())
        summary_lines += [
            f"## {name} (time limit {limit:g} s per instance, {args.threads} thread)",
            "",
        ]
        keys = [
            "solver",
            "instances",
            "optimal",
            "time_limit",
            "with_known",
            "matches_known",
            "better_than_known",
            "mean_gap_known",
            "verified",
            "total_time_s",
            "sgm_time_s",
        ]
        summary_lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        for s in bench.summary(rows):
            summary_lines.append("| " + " | ".join(bench._f(s[k], 4) for k in keys) + " |")
        missed = [
            r
            for r in rows
            if r.known_kind == "optimum" and not (r.status == "optimal" and r.matches_known)
        ]
        if missed:
            ok = False
            summary_lines.append("")
            summary_lines.append(
                "Not proven or not matching the published optimum: "
                + ", ".join(
                    f"{r.instance}/{r.solver} ({r.status}, {r.objective} vs {r.known})"
                    for r in missed
                )
            )
        summary_lines.append("")
    text = "\n".join(summary_lines)
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "quality.md").write_text(text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
