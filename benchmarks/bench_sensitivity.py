"""Tipping points and frontier breakpoints: the engine's parametric methods against a naive
uniform grid of re-solves at the same resolution.

Both use the same loaded model (``solvers.resolve``), so the comparison is of solves avoided,
not of model building. For each input, the grid covers a fixed range with step
``resolution x width``; the engine locates capacities to the same step (as its tolerance) and
probabilities and values exactly. The grid is run in full (that is what a grid sweep costs);
the "outward scan" column is what a scan from the base value that stops at the first change
on each side would have needed -- the cheapest a grid can be when only the tipping points are
wanted. Accuracy: each engine breakpoint is checked against the grid's (they must agree
within one grid step, with the same package taking over).

Run:  python benchmarks/bench_sensitivity.py [--problem NAME] [--resolution 0.01]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import optimizer
from optimizer.analysis.frontier import _bisect_walk, threshold_walk
from optimizer.analysis.sensitivity import (
    FEASIBILITY_STEP,
    Session,
    capacity_params,
    probability_params,
    scale_param,
    value_params,
)

FLAGSHIP = "canada-us-2025"
FALLBACK = "small-example"


def load_problem(name: str | None):
    if name:
        return optimizer.load(name), ""
    try:
        return optimizer.load(FLAGSHIP), ""
    except optimizer.OptimizerError as e:
        return optimizer.load(FALLBACK), f"{FLAGSHIP} is not available ({e}); using {FALLBACK}"


def grid_range(p) -> tuple[float, float]:
    """The range a grid sweep of this input covers."""
    if p.kind == "probability":
        return 0.0, 1.0
    if p.kind == "scale":
        return 0.0, 2.0
    if p.kind == "capacity":
        if p.base > 0:
            return 0.0, 2.0 * p.base
        return p.lo, max(p.hi, p.lo + 1.0)
    span = max(abs(p.base), 1.0)
    return p.base - 2 * span, p.base + 2 * span


def pick_parameters(ses: Session, n_values: int):
    """Every probability, every resource's scale, the first year of each per-year resource
    and each total resource, and the values whose tipping points are nearest their base."""
    spec, model = ses.spec, ses.model
    out = list(probability_params(spec, model))
    seen = set()
    for p in capacity_params(spec, model, scale=False):
        rid = p.resource
        if rid not in seen and p.base != 0:
            seen.add(rid)
            out.append(p)
    for r in spec.resources:
        sp = scale_param(spec, model, r.id)
        if sp is not None and len(sp.rows) > 1:
            out.append(sp)
    vals = []
    for p in value_params(spec, model):
        tp = ses.tipping(p)
        lo, hi = grid_range(p)
        near = min(abs(tp.base - tp.lower), abs(tp.upper - tp.base))
        inside = lo < tp.lower or tp.upper < hi
        if inside:
            vals.append((near / max(abs(p.base), 1.0), p))
    vals.sort(key=lambda t: t[0])
    return out + [p for _, p in vals[:n_values]]


def engine_tipping(ses: Session, params, h_of) -> tuple[dict, int, float]:
    ses._classes.clear()  # count the class solves too
    before, t0 = ses.run.solves, time.perf_counter()
    out = {}
    for p in params:
        lo, hi = grid_range(p)
        # capacities: the engine's tolerance is the grid step (RhsParam.tol_abs is relative
        # to the base, or to the searched range when the base is 0)
        scale = abs(p.base) if p.base else max(p.hi - p.lo, 1.0)
        out[p.name] = ses.tipping(p, tolerance=min(h_of(hi - lo) / scale, 0.5))
    return out, ses.run.solves - before, time.perf_counter() - t0


def grid_tipping(ses: Session, params, resolution: float):
    """Solve on the full grid of each input; return per input the scan-found edges."""
    before, t0 = ses.run.solves, time.perf_counter()
    out = {}
    for p in params:
        lo, hi = grid_range(p)
        grid = np.linspace(lo, hi, round(1 / resolution) + 1)
        keys = []
        for theta in grid:
            p.apply(ses.lm, float(theta))
            keys.append(ses.run())
        p.restore(ses.lm)
        i0 = int(np.argmin(np.abs(grid - p.base)))
        # outward scan from the grid point nearest the base
        up = next((i for i in range(i0 + 1, len(grid)) if keys[i] != ses.key0), None)
        dn = next((i for i in range(i0 - 1, -1, -1) if keys[i] != ses.key0), None)
        scan = (len(grid) - i0 if up is None else up - i0 + 1) + (i0 if dn is None else i0 - dn)
        out[p.name] = {
            "grid": grid,
            "keys": keys,
            "up": None
            if up is None
            else {"base_pt": grid[up - 1], "changed_pt": grid[up], "key": keys[up]},
            "down": None
            if dn is None
            else {"base_pt": grid[dn + 1], "changed_pt": grid[dn], "key": keys[dn]},
            "scan": scan,
            "h": float(grid[1] - grid[0]),
        }
    return out, ses.run.solves - before, time.perf_counter() - t0


def agree(ses: Session, tp, g) -> bool:
    """The engine's edge lies in the grid's bracket (widened by the engine's tolerance) and
    the grid finds the same package past it; no edge where the grid sees no change."""
    ok = True
    lo, hi = float(g["grid"][0]), float(g["grid"][-1])
    base = set(ses.pk.names(ses.key0))
    for side, edge, taker in (("up", tp.upper, tp.above), ("down", tp.lower, tp.below)):
        infeasible = side == "down" and tp.below_infeasible
        seen = (taker is not None or infeasible) and lo < edge < hi
        br = g[side]
        if br is None:
            ok &= not seen
            continue
        if not seen:
            return False
        a, b = sorted((br["base_pt"], br["changed_pt"]))
        ok &= a - tp.tolerance - 1e-9 <= edge <= b + tp.tolerance + 1e-9
        if br["key"] is None:
            ok &= infeasible
        elif taker is not None:
            ok &= set(ses.pk.names(br["key"])) == (base - set(taker.leave)) | set(taker.enter)
    return ok


def frontier_compare(ses: Session, rid: str, lo: float, hi: float, resolution: float, steps: int):
    """The engine's exact walk, a coarse grid refined by bisection (to one fine step), and the
    uniform grid at the fine step; are the grid's breakpoints all found by the engine?"""
    p = scale_param(ses.spec, ses.model, rid)
    h = (hi - lo) * resolution
    eps = FEASIBILITY_STEP / float(np.min(np.abs(p.g)))

    def at(f: float):
        p.apply(ses.lm, f)
        return ses.run()

    def thr(k):
        return p.threshold(ses.pk, k)

    rows = {}
    b0, t0 = ses.run.solves, time.perf_counter()
    walk = threshold_walk(at, thr, lo, hi, eps)
    rows["engine (exact threshold walk)"] = (ses.run.solves - b0, time.perf_counter() - t0)
    b0, t0 = ses.run.solves, time.perf_counter()
    _bisect_walk(at, lo, hi, steps, h)
    rows[f"grid of {steps} + bisection to one step"] = (
        ses.run.solves - b0,
        time.perf_counter() - t0,
    )
    b0, t0 = ses.run.solves, time.perf_counter()
    grid = np.linspace(lo, hi, round(1 / resolution) + 1)
    keys = [at(float(f)) for f in grid]
    rows["uniform grid"] = (ses.run.solves - b0, time.perf_counter() - t0)
    p.restore(ses.lm)

    def value(k):
        return None if k is None else ses.pk.expected(k)

    def changed(a, b) -> bool:
        va, vb = value(a), value(b)
        return (va is None) != (vb is None) or (va is not None and abs(va - vb) > ses.tol_v)

    grid_breaks = [
        (float(grid[i - 1]), float(grid[i]))
        for i in range(1, len(grid))
        if changed(keys[i - 1], keys[i])
    ]
    segs = walk[::-1]
    eng = [segs[i][0] for i in range(1, len(segs)) if changed(segs[i - 1][2], segs[i][2])]
    matched = all(any(a < e <= b + 1e-9 for e in eng) for a, b in grid_breaks)
    return rows, eng, grid_breaks, matched, h


def table(rows, header) -> str:
    cols = [header, *rows]
    w = [max(len(str(r[i])) for r in cols) for i in range(len(header))]
    line = "  ".join
    out = [line(str(c).ljust(w[i]) for i, c in enumerate(header))]
    out.append(line("-" * x for x in w))
    for r in rows:
        out.append(line(str(c).rjust(w[i]) if i else str(c).ljust(w[i]) for i, c in enumerate(r)))
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problem", default=None)
    ap.add_argument("--resolution", type=float, default=0.01, help="grid step / range width")
    ap.add_argument("--frontier-resolution", type=float, default=0.002)
    ap.add_argument("--values", type=int, default=4, help="value inputs to include")
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()

    spec, note = load_problem(args.problem)
    if note:
        print(f"note: {note}")
    ses = Session(spec)
    print(
        f"problem: {spec.name}  columns: {ses.model.n}  rows: {ses.model.m}  "
        f"base expected value: {ses.v0:.6g}  solver: {ses.lm.solver_name}"
    )
    params = pick_parameters(ses, args.values)
    res = args.resolution

    def h_of(width: float) -> float:
        return width * res

    eng, e_solves, e_time = engine_tipping(ses, params, h_of)
    grid, g_solves, g_time = grid_tipping(ses, params, res)
    rows = []
    all_ok = True
    scan_total = 0
    for p in params:
        tp, g = eng[p.name], grid[p.name]
        ok = agree(ses, tp, g)
        all_ok &= ok
        scan_total += g["scan"]
        rows.append(
            [
                p.name,
                f"{tp.lower:.6g}",
                f"{tp.upper:.6g}",
                "exact" if tp.exact else f"{tp.tolerance:.3g}",
                tp.solves,
                len(g["grid"]),
                g["scan"],
                f"{g['h']:.3g}",
                "yes" if ok else "NO",
            ]
        )
    print()
    print(f"Tipping points ({len(params)} inputs; grid step = {res:g} x range width)")
    print(
        table(
            rows,
            ["input", "from", "to", "engine +/-", "engine", "grid", "scan", "grid step", "agree"],
        )
    )
    print(
        "(engine solves per input; the class solves of value inputs are counted once, "
        "at the first input of each option)"
    )
    summary = [
        ["engine", e_solves, f"{e_time:.2f}", "1.0", "1.0"],
        [
            "uniform grid",
            g_solves,
            f"{g_time:.2f}",
            f"{g_solves / max(e_solves, 1):.1f}",
            f"{g_time / max(e_time, 1e-9):.1f}",
        ],
        [
            "outward scan (grid, stop at first change)",
            scan_total,
            "-",
            f"{scan_total / max(e_solves, 1):.1f}",
            "-",
        ],
    ]
    print()
    print(table(summary, ["tipping points", "solves", "wall s", "solves ratio", "time ratio"]))
    print(f"all engine tipping points agree with the grid: {'yes' if all_ok else 'NO'}")

    fres = args.frontier_resolution
    for r in spec.resources:
        sp = scale_param(spec, ses.model, r.id)
        if sp is None or not sp.monotone:
            continue
        lo, hi = (0.5, 1.5) if spec.name == FLAGSHIP else (0.0, 2.0)
        rows_f, eng_b, grid_b, matched, h = frontier_compare(ses, r.id, lo, hi, fres, args.steps)
        e_s, e_t = rows_f["engine (exact threshold walk)"]
        out = []
        for name, (s, t) in rows_f.items():
            out.append([name, s, f"{t:.2f}", f"{s / max(e_s, 1):.1f}", f"{t / max(e_t, 1e-9):.1f}"])
        print()
        print(
            f"Frontier of {r.id} over x{lo:g}..x{hi:g}: the engine finds {len(eng_b)} "
            f"breakpoints (exact), the grid at step {h:.3g} sees {len(grid_b)}; every grid "
            f"breakpoint has an engine breakpoint in its step: {'yes' if matched else 'NO'}"
            + (
                f" ({len(eng_b) - len(grid_b)} segment(s) narrower than a grid step)"
                if len(eng_b) > len(grid_b)
                else ""
            )
        )
        print(table(out, ["method", "solves", "wall s", "solves ratio", "time ratio"]))
        if eng_b:
            shown = ", ".join(f"{b:.6g}" for b in eng_b[:12])
            print(f"engine breakpoints: {shown}{' ...' if len(eng_b) > 12 else ''}")
    if not math.isfinite(e_time):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
