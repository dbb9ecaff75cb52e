"""The tables of ``optimizer montecarlo``: inputs, the optimum's distribution, core index,
packages, and the point-value package's risk."""

from __future__ import annotations

import math

MAX_INPUT_ROWS = 25


def _pct(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.1%}"


def montecarlo_tables(r) -> list:
    from .tables import table

    vu = f" ({r.value_unit})" if r.value_unit else ""
    st = r.stats
    head = (
        f"[bold]Monte Carlo: {r.title or r.problem}[/bold]\n"
        f"draws: {r.n_done} of {r.n_requested}   seed: {r.seed}   uncertain inputs: "
        f"{len(r.inputs)}   workers: {st.workers}   time: {st.wall_time_s:.2f} s "
        f"({st.draws_per_second:,.0f} draws/s)"
    )
    if r.probabilities.startswith("induced"):
        head += f"\nprobabilities: {r.probabilities}"
    if r.tranches:
        head += f"\ntranches: {r.tranches}"
    if r.interrupted:
        head += f"\n[bold]interrupted[/bold]: the figures cover the {r.n_done} draws done"
    out: list = [head]
    rows = [[i.path, i.distribution, i.point, str(i.locations)] for i in r.inputs]
    more = len(rows) - MAX_INPUT_ROWS
    out.append(
        table(
            "Uncertain inputs (point value = what solve uses)",
            ["input", "distribution", "point", "numbers set"],
            rows[:MAX_INPUT_ROWS],
            right=(2, 3),
        )
    )
    if more > 0:
        out.append(f"... and {more} more (--format json lists them all)")
    o = r.optimal
    out.append(
        table(
            f"Optimal expected value{vu}, {o.n} draws",
            ["mean", "P5", "P50", "P95", "min", "max"],
            [[o.mean, o.p5, o.p50, o.p95, o.min, o.max]],
            right=range(6),
        )
    )
    rows = [
        [f"{c.commitment}.{c.option}", f"{c.core_index:.3f}", c.label, "yes" if c.in_base else ""]
        for c in r.core
    ]
    out.append(
        table(
            "Core index: share of draws with the option in the optimal package",
            ["option", "core index", "label", "in point-value package"],
            rows,
            right=(1,),
        )
    )
    out.append(
        "core >= 0.9, exterior <= 0.1, borderline between (Robust Portfolio Modeling: "
        "Liesiö, Mild & Salo 2007)"
    )
    rows = [
        [str(k + 1), _pct(p.share), str(p.count), p.mean_value, p.change()]
        for k, p in enumerate(r.packages)
    ]
    out.append(
        table(
            f"Most frequent optimal packages ({st.distinct_packages} distinct)",
            ["#", "share", "draws", f"mean value{vu}", "change from the point-value package"],
            rows,
            right=(1, 2, 3),
        )
    )
    out += base_tables(r.base, vu)
    v = r.verification
    check = (
        f"every draw's package re-checked against its drawn constraints; "
        f"{len(v.draws)} draws rebuilt from the problem and solved from scratch "
        f"(largest difference {v.max_difference:.2g})"
    )
    if v.packages_evaluated:
        check += ", their packages evaluated on the rebuilt problems"
    out.append(
        f"solves: {st.by_enum} proved by split enumeration, "
        f"{st.by_pool} by a known package reaching the LP bound, "
        f"{st.by_lp} by an integral LP, {st.by_mip} full MIP solves; "
        f"{st.infeasible} infeasible draws, {st.limits} at a limit\n"
        f"time: {st.solver_share:.0%} of the draw loop inside HiGHS; setup "
        f"{st.setup_time_s:.2f} s ({st.compiles} compiles)\n"
        f"check: {check}"
    )
    return out


def base_tables(b, vu: str) -> list:
    """The point-value package across the draws: its value, the draws' optimum and its
    regret on the same draws, how often it is infeasible and which limits it breaks."""
    from ..analysis.montecarlo import CONVENTION
    from .tables import fmt, table

    rows = []
    if b.optimal_same is not None:
        for label, s in (
            ("its value", b.value),
            ("the draw's optimum", b.optimal_same),
            ("its regret", b.regret),
        ):
            rows.append([label, s.mean, s.p5, s.p50, s.p95, s.min, s.max])
    out: list = [
        table(
            f"Point-value package across the draws{vu}: compared on the {b.feasible_draws} "
            f"draws where it is feasible (of {b.draws})",
            ["same draws", "mean", "P5", "P50", "P95", "min", "max"],
            rows,
            right=range(1, 7),
        )
    ]
    worse = "worse than the draw's best"
    if b.regret_threshold > 0:
        worse += f" by more than {fmt(b.regret_threshold, 6)}"
    out.append(
        f"its value at the point values: {fmt(b.point_value, 6)}; optimal in "
        f"{_pct(b.optimal_share)} of the solved draws, {worse} (or infeasible) in "
        f"{_pct(b.worse_share)}; infeasible in {_pct(b.infeasible_share)} "
        f"({b.infeasible_draws} of {b.draws} draws)\n{CONVENTION}"
    )
    if b.breaks:
        out.append(
            table(
                "Limits the point-value package breaks (excess: how far past the limit it is)",
                ["limit", "kind", "draws", "share", "median excess", "max excess"],
                [
                    # "pc_west[rupture] (total)": a scenario's row, not console markup
                    [
                        x.limit.replace("[", "\\["),
                        x.kind,
                        str(x.draws),
                        _pct(x.share),
                        x.excess.p50,
                        x.excess.max,
                    ]
                    for x in b.breaks[:MAX_INPUT_ROWS]
                ],
                right=(2, 3, 4, 5),
            )
        )
    return out
