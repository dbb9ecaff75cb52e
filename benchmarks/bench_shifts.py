"""The package moves the odds: the HiGHS solve time of problems with ``[[shifts]]`` against the
same problems without, in one run.

For each size N and scenario count S: ``problems.generate.generate(N, scenarios=S)`` (the
problem without shifts) and the same call with ``shifts=0.1`` (the same commitments, values,
budgets and relations, plus scenario baselines and one shift on 10% of the options, between a
random pair of scenarios, amounts small enough that no package moves a probability out of
[0, 1]). Both are compiled once (``compile_spec``; the compile time is reported), then solved
by HiGHS in ``--rounds`` rounds, the two back to back in each round and their order
alternating from round to round, so a burst of load on the shared machine falls on both
alike. The load average (``os.getloadavg``) is recorded at the start of each round.

Both are solved as ``optimizer.solve`` solves them (``optimizer.odds_start.solve``): the
problem with shifts from a MIP start found first, whose time is part of its solve time (and
reported apart as ``start_s`` in the JSON, with the narrowing of the
products' ranges from the start, ``optimizer/odds_tighten.py``). When an LP bound (the
relaxation's, or the narrowed model's) already proves the start within the gap, no MIP is
run (``odds_start.LP_PROOF``; ``proof`` in the JSON, "proven by an LP" in the table;
``--no-lp-proof``: the path before, HiGHS' MIP run from the start all the same). A solve that
proves its optimum (the relative gap ``--mip-gap``) within ``--time-limit`` gives
a time; one that does not gives its remaining gap, never a time. The ratio "with / without"
is taken within each round where both proved their optimum; the figures are the median and
the range over the rounds. The first round's packages pass the engine's independent check
(``optimizer.api.finish``: objective, levels and ``p(x)`` recomputed from the spec).

``--formulations`` picks how the shifts' products are written (``optimizer/odds.py``):
``auto`` (the engine's choice), ``products`` (one column per product) or ``aggregate`` (one
column per member, ``optimizer/odds_aggregate.py``); several are measured side by side.

Run from the repository root::

    python benchmarks/bench_shifts.py --sizes 100,1000,10000 --scenarios 3,5 --rounds 5 \\
        --time-limit 60 --output benchmarks/results/shifts
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from problems.generate import generate  # noqa: E402

FORCE = {"products": 10**18, "aggregate": -1}


def build(n: int, s: int, seed: int, shifts: float, formulation: str):
    """``(spec, model, compile seconds)`` of one generated problem."""
    from optimizer import odds
    from optimizer.compile import compile_spec

    spec = generate(n, scenarios=s, seed=seed, shifts=shifts, validate=True)
    limit = FORCE.get(formulation, odds.PRODUCT_LIMIT)
    with mock.patch.object(odds, "PRODUCT_LIMIT", limit):
        t0 = time.perf_counter()
        model = compile_spec(spec)
        dt = time.perf_counter() - t0
    return spec, model, dt


def solve(spec, model, time_limit: float, threads: int, check: bool, mip_gap=None) -> dict:
    from optimizer import odds_start
    from optimizer.api import finish
    from optimizer.bench import normalise
    from solvers import SolveOptions, get

    opts = SolveOptions(time_limit=time_limit, threads=threads, mip_gap=mip_gap)
    backend = get("highs")
    t0 = time.perf_counter()
    res = odds_start.solve(backend, model, opts)  # as optimizer.solve: with shifts, from a start
    wall = time.perf_counter() - t0
    status = normalise(
        res.status.value,
        res.raw_status or "",
        res.gap,
        res.time_s,
        time_limit,
        opts.effective_mip_gap,
    )
    out = {
        "status": status,
        "time_s": res.time_s,
        "wall_s": wall,
        "gap": res.gap,
        "objective": res.objective,
        "bound": res.bound,
        "nodes": res.nodes,
        "start_s": res.extra.get("start_s"),  # included in time_s
        "proof": res.extra.get("proof"),  # the start proven by an LP bound: no MIP run
    }
    if check and res.x is not None:
        sol = finish(spec, model, res, backend, opts)  # raises if the answer does not hold up
        out["verified"] = True
        out["expected"] = sol.expected
    return out


def _size(model) -> dict:
    return {"cols": model.n, "rows": model.m, "nnz": int(model.A.nnz)}


def measure(n: int, s: int, args, log) -> list[dict]:
    spec0, model0, c0 = build(n, s, args.seed, 0.0, "auto")
    built = {}
    for f in args.formulations:
        spec1, model1, c1 = build(n, s, args.seed, args.shifts, f)
        built[f] = (spec1, model1, c1)
        meta = model1.meta["shifts"]
        log(
            f"n={n} S={s} {f}: {len(spec1.shifts)} shifts, {meta['formulation']}, "
            f"{model1.n} cols / {model1.m} rows / {model1.A.nnz} nnz "
            f"(without: {model0.n} / {model0.m} / {model0.A.nnz}); compile {c1:.3f} s"
        )
    rows = []
    for f, (spec1, model1, c1) in built.items():
        rounds = []
        for r in range(args.rounds if n < 10_000 else min(args.rounds, args.large_rounds)):
            load = os.getloadavg()
            pair = [("without", spec0, model0), ("with", spec1, model1)]
            if r % 2:
                pair.reverse()
            res = {}
            for name, sp, mo in pair:
                res[name] = solve(
                    sp, mo, args.time_limit, args.threads, check=r == 0, mip_gap=args.mip_gap
                )
            ratio = None
            if res["with"]["status"] == res["without"]["status"] == "optimal":
                ratio = res["with"]["time_s"] / max(res["without"]["time_s"], 1e-9)
            rounds.append(
                {"round": r, "order": [p[0] for p in pair], "load": load, **res, "ratio": ratio}
            )
            log(
                f"  round {r} ({'/'.join(p[0] for p in pair)}, load {load[0]:.1f}): "
                f"without {_fmt(res['without'])}, with {_fmt(res['with'])}"
                + (f", ratio {ratio:.2f}" if ratio is not None else "")
            )
        ratios = [x["ratio"] for x in rounds if x["ratio"] is not None]
        rows.append(
            {
                "n": n,
                "scenarios": s,
                "formulation": f,
                "used": model1.meta["shifts"]["formulation"],
                "shifts": len(spec1.shifts),
                "without_model": _size(model0),
                "with_model": _size(model1),
                "compile_without_s": c0,
                "compile_with_s": c1,
                "rounds": rounds,
                "ratio_median": statistics.median(ratios) if ratios else None,
                "ratio_min": min(ratios) if ratios else None,
                "ratio_max": max(ratios) if ratios else None,
                "ratios_counted": len(ratios),
            }
        )
    return rows


ORDERS = ("path", "split", "pairs")


def narrowing(n: int, s: int, args, log) -> list[str]:
    """The narrowing's LPs (``odds_tighten.value_ranges``) from one start, in each order of
    ``odds_tighten.ORDER``, rotating from round to round: seconds and simplex iterations per
    round; every order must give the same ranges."""
    from unittest import mock

    import highspy
    import numpy as np

    from optimizer import odds_start, odds_tighten
    from solvers import SolveOptions

    _, model, _ = build(n, s, args.seed, args.shifts, "auto")
    opts = SolveOptions(threads=args.threads, mip_gap=args.mip_gap)
    x, _ = odds_start.start_and_bound(model, replace(opts, time_limit=args.time_limit))
    delta = np.asarray(model.meta["shifts"]["delta"], dtype=float)
    dirs = odds_tighten.directions(delta)[0]
    z0 = float(model.c @ x + model.objective_offset)
    iters, run = [0], highspy.Highs.run

    def counted(h):
        out = run(h)
        iters[0] += h.getInfo().simplex_iteration_count
        return out

    got: dict[str, list] = {o: [] for o in ORDERS}
    for r in range(args.rounds):
        load = os.getloadavg()[0]
        ranges = {}
        for order in ORDERS[r % 3 :] + ORDERS[: r % 3]:
            iters[0] = 0
            with (
                mock.patch.object(odds_tighten, "ORDER", order),
                mock.patch.object(highspy.Highs, "run", counted),
            ):
                t0 = time.perf_counter()
                ranges[order] = odds_tighten.value_ranges(model, z0, dirs, opts)
                got[order].append((time.perf_counter() - t0, iters[0], load))
        first = ranges[ORDERS[0]]
        for o in ORDERS[1:]:
            if not all(
                np.allclose(a, b, rtol=1e-6, atol=1e-6)
                for a, b in zip(first, ranges[o], strict=True)
            ):
                raise AssertionError(f"orders path and {o} gave different ranges")
        log(
            f"  narrowing round {r} (load {load:.1f}): "
            + ", ".join(f"{o} {got[o][-1][0]:.2f} s {got[o][-1][1]} it" for o in ORDERS)
        )
    med = {o: statistics.median(t for t, _, _ in v) for o, v in got.items()}
    its = {o: statistics.median(i for _, i, _ in v) for o, v in got.items()}
    ratio = [a[0] / b[0] for a, b in zip(got["path"], got["split"], strict=True)]
    loads = [ld for _, _, ld in got["path"]]
    cells = " | ".join(f"{med[o]:.2f} s ({its[o]:,.0f} it)" for o in ORDERS)
    return [
        f"| {n:,} | {s} | {args.seed} | {len(dirs)} | {cells} | {statistics.median(ratio):.2f}x "
        f"[{min(ratio):.2f}-{max(ratio):.2f}] | {min(loads):.1f}-{max(loads):.1f} |"
    ]


def _fmt(r: dict) -> str:
    if r["status"] == "optimal":
        return f"optimal {r['time_s']:.2f} s"
    gap = "-" if r["gap"] is None else f"{100 * r['gap']:.3f}%"
    return f"{r['status']} gap {gap}"


def _cell(rounds: list[dict], key: str) -> str:
    rs = [x[key] for x in rounds]
    times = [r["time_s"] for r in rs if r["status"] == "optimal"]
    if len(times) == len(rs):
        return f"{statistics.median(times):.2f} s"
    gaps = [r["gap"] for r in rs if r["status"] != "optimal" and r["gap"] is not None]
    txt = f"{len(rs) - len(times)}/{len(rs)} not proven"
    if gaps:
        txt += f", gap {100 * min(gaps):.3f}-{100 * max(gaps):.3f}%"
    return txt


def markdown(rows: list[dict], args, cmd: str) -> str:
    lines = [
        "# Solve time with shifts against the same problems without (HiGHS)",
        "",
        f"`{cmd}`",
        "",
        f"- {args.rounds} rounds ({args.large_rounds} from 10^4 commitments), order alternating; time limit {args.time_limit:g} s; "
        f"{args.threads} thread(s); relative gap "
        f"{'HiGHS default' if args.mip_gap is None else f'{args.mip_gap:g}'}; seed {args.seed}; shifts on {100 * args.shifts:g}% of options",
        f"- machine: {os.cpu_count()} cores, load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
        "| N | S | shifts | formulation | cols without / with | nnz without / with "
        "| without (median) | with (median) | ratio median [range] (rounds) | proven by an LP "
        "| load 1-min |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "-"
        if r["ratio_median"] is not None:
            ratio = (
                f"{r['ratio_median']:.2f}x [{r['ratio_min']:.2f}-{r['ratio_max']:.2f}] "
                f"({r['ratios_counted']})"
            )
        loads = [x["load"][0] for x in r["rounds"]]
        proofs = [x["with"].get("proof") for x in r["rounds"]]
        proof = ", ".join(
            f"{proofs.count(p)}/{len(proofs)} {p}" for p in sorted(set(proofs) - {None})
        )
        lines.append(
            f"| {r['n']:,} | {r['scenarios']} | {r['shifts']} | {r['used']} "
            f"| {r['without_model']['cols']:,} / {r['with_model']['cols']:,} "
            f"| {r['without_model']['nnz']:,} / {r['with_model']['nnz']:,} "
            f"| {_cell(r['rounds'], 'without')} | {_cell(r['rounds'], 'with')} | {ratio} "
            f"| {proof or '-'} | {min(loads):.1f}-{max(loads):.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--scenarios", default="3,5")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--large-rounds", type=int, default=1, help="rounds from 10^4 commitments")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument(
        "--mip-gap", type=float, default=None, help="relative gap that counts as proven"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shifts", type=float, default=0.1, help="fraction of options with a shift")
    ap.add_argument("--formulations", default="auto", help="auto, products, aggregate")
    ap.add_argument("--output", type=Path, default=None)
    ap.add_argument(
        "--no-lp-proof",
        action="store_true",
        help="the path before odds_start.LP_PROOF: HiGHS' MIP runs even when an LP bound "
        "proves the start within the gap",
    )
    ap.add_argument(
        "--narrowing", action="store_true", help="time the narrowing's LPs in each order instead"
    )
    args = ap.parse_args(argv)
    args.formulations = args.formulations.split(",")
    for f in args.formulations:
        if f not in ("auto", *FORCE):
            ap.error(f"unknown formulation {f!r}")
    cmd = "python benchmarks/bench_shifts.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )

    def log(msg: str) -> None:
        print(msg, flush=True)

    if args.no_lp_proof:
        from optimizer import odds_start

        odds_start.LP_PROOF = False

    if args.narrowing:
        print(f"`{cmd}`\n")
        print(
            "| N | S | seed | directions | path (median) | split (median) | pairs (median) "
            "| path / split, median [range] | load |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for n in (int(x) for x in args.sizes.split(",")):
            for s in (int(x) for x in args.scenarios.split(",")):
                print("\n".join(narrowing(n, s, args, log)), flush=True)
        return 0
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        for s in (int(x) for x in args.scenarios.split(",")):
            rows.extend(measure(n, s, args, log))
    md = markdown(rows, args, cmd)
    print(md)
    if args.output is not None:
        from optimizer.bench import machine_info

        args.output.mkdir(parents=True, exist_ok=True)
        doc = {"command": cmd, "machine": machine_info(), "rows": rows}
        (args.output / "shifts.json").write_text(json.dumps(doc, indent=2) + "\n")
        (args.output / "shifts.md").write_text(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
