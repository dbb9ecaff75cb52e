"""The capacity frontier and the Pareto fronts, checked against enumeration of every package.

The enumeration here uses only the spec and ``optimizer.evaluate`` (which shares no code with
compile or the solvers): every combination of options and start years, its expected value,
its use of the resource in each year, and whether it breaks any other constraint.
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import optimizer
from optimizer.analysis.frontier import capacity_frontier
from optimizer.cli import cli
from optimizer.solution import Choice, evaluate
from optimizer.spec import (
    Commitment,
    Member,
    Option,
    ProblemSpec,
    Relation,
    Resource,
    Scenario,
    check_spec,
)

TOL = 1e-4


def random_problem(seed: int, *, negative_use: bool = False) -> ProblemSpec:
    rng = np.random.default_rng(seed)
    sids = ["hi", "mid", "lo"]
    p = rng.dirichlet(np.ones(3) * 2)
    commitments = []
    for i in range(5):
        options = []
        for k in range(1 + int(rng.random() < 0.4)):
            use = float(rng.uniform(0.5, 4))
            if negative_use and i == 0:
                use = -1.0  # provides room in the budget
            options.append(
                Option(
                    id=f"o{k}",
                    use={"budget": use},
                    value={s: float(rng.uniform(-2, 9)) for s in sids},
                    start=(2026, 2027) if rng.random() < 0.4 else None,
                )
            )
        commitments.append(Commitment(f"c{i}", tuple(options)))
    relations = (Relation("requires", a=Member("c1"), b=Member("c2")),) if seed % 2 else ()
    return check_spec(
        ProblemSpec(
            name=f"frontier-{seed}",
            commitments=tuple(commitments),
            scenarios=tuple(Scenario(s, float(q)) for s, q in zip(sids, p / p.sum(), strict=True)),
            resources=(
                Resource("budget", (float(rng.uniform(3, 6)), float(rng.uniform(4, 7)), math.inf)),
            ),
            relations=relations,
            years=(2026, 2028),
            discount_rate=0.03,
        )
    )


def packages(spec: ProblemSpec):
    """Every package that satisfies all constraints but the budget: (use by year, EV, names,
    by scenario)."""
    free = spec.with_capacity("budget", math.inf)
    first = spec.years[0] if spec.years else None
    per_commitment = []
    for c in spec.commitments:
        opts = [None]
        for o in c.options:
            lo, hi = o.start if o.start else (first, first)
            opts += [Choice(c.id, o.id, y) for y in range(lo, hi + 1)]
        per_commitment.append(opts)
    out = []
    for combo in itertools.product(*per_commitment):
        chosen = [ch for ch in combo if ch is not None]
        ev = evaluate(free, chosen)
        if not ev.feasible:
            continue
        use = [u.used for u in ev.resources if u.id == "budget"]
        out.append((use, ev.expected, frozenset(str(ch) for ch in chosen), dict(ev.by_scenario)))
    return out


def threshold(spec: ProblemSpec, use: list[float]) -> float:
    caps = spec.resource("budget").capacity
    return max(
        (u / c for u, c in zip(use, caps, strict=True) if math.isfinite(c) and c > 0),
        default=-math.inf,
    )


def brute_frontier(spec, lo, hi):
    """V(f) = best expected value among packages fitting at factor f; its jumps in (lo, hi]."""
    pk = sorted((threshold(spec, u), e, names) for u, e, names, _ in packages(spec))
    best = -math.inf
    steps = []  # (factor, value from there on)
    for t, e, _ in pk:
        if e > best + 1e-9:
            best = e
            if steps and steps[-1][0] == t:
                steps.pop()  # several packages fit from the same factor: the best counts
            steps.append((t, e))

    def V(f: float) -> float:
        v = -math.inf
        for t, e in steps:
            if t <= f + 1e-12:
                v = e
        return v

    jumps = [(t, e) for t, e in steps if lo < t <= hi]
    return V, jumps


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_breakpoints_match_enumeration(seed):
    spec = random_problem(seed)
    lo, hi = 0.3, 1.8
    fr = capacity_frontier(spec, "budget", lo=lo, hi=hi, steps=10, pareto=False)
    V, jumps = brute_frontier(spec, lo, hi)
    assert len(jumps) >= 2
    got = [(b.scale, b.expected_above) for b in fr.breakpoints]
    assert len(got) == len(jumps), (got, jumps)
    for (f, e), (t, want) in zip(got, jumps, strict=True):
        assert f == pytest.approx(t, abs=1e-9)
        assert e == pytest.approx(want, abs=1e-7)
    for b in fr.breakpoints:
        assert b.expected_below == pytest.approx(V(b.scale - 1e-4), abs=1e-7)
        assert b.change.enter or b.change.leave
    for p in fr.points:
        assert p.expected == pytest.approx(V(p.scale), abs=1e-7), p.scale
    # each segment's package is optimal all through it
    for s in fr.segments:
        for f in np.linspace(s.lower, s.upper - 1e-4, 4):
            assert s.expected == pytest.approx(V(f), abs=1e-7)
    # with a tolerance, fewer solves; what is found is still a true breakpoint
    coarse = capacity_frontier(
        spec, "budget", lo=lo, hi=hi, steps=10, pareto=False, tolerance=TOL * 100
    )
    assert coarse.solves <= fr.solves
    for b in coarse.breakpoints:
        assert any(abs(b.scale - t) < 1e-9 for t, _ in jumps)


@pytest.mark.parametrize("seed", [5, 6])
def test_frontier_is_monotone(seed):
    fr = capacity_frontier(random_problem(seed), "budget", lo=0.0, hi=2.5, steps=25, pareto=False)
    values = [p.expected for p in fr.points if p.expected is not None]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    seg = [s.expected for s in fr.segments if s.expected is not None]
    assert all(b > a for a, b in itertools.pairwise(seg))
    for b in fr.breakpoints:
        assert b.expected_above > b.expected_below


def test_segments_cost_one_solve_each():
    spec = random_problem(2)
    fr = capacity_frontier(spec, "budget", lo=0.3, hi=1.8, steps=40, pareto=False)
    # one solve for the base package, then at most one per segment found by the walk (ties
    # between packages of equal value add one each, and are merged)
    assert fr.solves <= 1 + len(fr.segments) + 3
    assert fr.solves < 40


def test_negative_capacity_falls_back_to_bisection():
    spec = random_problem(7, negative_use=True).with_capacity("budget", {2026: -0.5})
    fr = capacity_frontier(spec, "budget", lo=0.5, hi=1.5, steps=8, pareto=False)
    assert any("bisection" in n for n in fr.notes)
    values = [p.expected for p in fr.points]
    # every step is a true optimum of the scaled problem
    for p in fr.points[::3]:
        try:
            want = optimizer.solve(spec.scaled_capacity("budget", p.scale)).expected
        except optimizer.InfeasibleError:
            want = None
        assert (p.expected is None and want is None) or p.expected == pytest.approx(want)
    assert values


def nondominated(points, better_measure):
    """(measure, EV) pairs not dominated by another; ``better_measure(a, b)``: a beats b."""
    out = []
    for m, e in points:
        dominated = any(
            (better_measure(m2, m) or abs(m2 - m) < 1e-9) and e2 >= e - 1e-9 and (m2, e2) != (m, e)
            for m2, e2 in points
        )
        if not dominated:
            out.append((m, e))
    return sorted(set((round(m, 9), round(e, 9)) for m, e in out))


@pytest.mark.parametrize("seed", [1, 4])
def test_use_front_matches_enumeration(seed):
    spec = random_problem(seed)
    fr = capacity_frontier(spec, "budget", steps=2, cvar_alpha=None)
    caps = spec.resource("budget").capacity
    pts = [
        (sum(u), e)
        for u, e, _, _ in packages(spec)
        if all(x <= c + 1e-9 for x, c in zip(u, caps, strict=True))
    ]
    want = nondominated(pts, lambda a, b: a < b)
    got = sorted((round(p.measure, 9), round(p.expected, 9)) for p in fr.use_front.points)
    assert got == want
    assert fr.use_front.complete
    assert fr.cvar_front is None


def test_use_front_drops_packages_that_tie_on_value_but_use_more():
    """x and y are both worth 5 but x uses 3 and y 2 (at most one of them); z is worth 1 and
    uses 1. The front by hand: use 3 -> 6 (y+z), 2 -> 5 (y), 1 -> 1 (z), 0 -> 0."""
    uses = {"x": 3.0, "y": 2.0}
    comms = (
        Commitment("x", (Option("yes", use={"budget": uses["x"]}, value=5.0),)),
        Commitment("y", (Option("yes", use={"budget": uses["y"]}, value=5.0),)),
        Commitment("z", (Option("yes", use={"budget": 1.0}, value=1.0),)),
    )
    spec = check_spec(
        ProblemSpec(
            name="ties",
            commitments=comms,
            resources=(Resource("budget", (10.0,)),),
            relations=(Relation("excludes", members=(Member("x"), Member("y"))),),
        )
    )
    fr = capacity_frontier(spec, "budget", steps=2, cvar_alpha=None)
    got = [(p.measure, p.expected, p.package) for p in fr.use_front.points]
    assert got == [
        (3.0, 6.0, ("y.yes", "z.yes")),
        (2.0, 5.0, ("y.yes",)),
        (1.0, 1.0, ("z.yes",)),
        (0.0, 0.0, ()),
    ]


def cvar(values: dict[str, float], spec: ProblemSpec, alpha: float) -> float:
    """Mean of the worst ``alpha`` share of probability, by sorting."""
    left, total = alpha, 0.0
    for s in sorted(spec.scenarios, key=lambda s: values[s.id]):
        take = min(s.probability, left)
        total += take * values[s.id]
        left -= take
        if left <= 1e-15:
            break
    return total / alpha


@pytest.mark.parametrize(("seed", "alpha"), [(5, 0.1), (7, 0.5)])
def test_cvar_front_matches_enumeration(seed, alpha):
    pytest.importorskip("optimizer.objectives")
    spec = random_problem(seed)
    fr = capacity_frontier(spec, "budget", steps=2, cvar_alpha=alpha)
    assert fr.cvar_front is not None, fr.notes
    caps = spec.resource("budget").capacity
    pts = [
        (cvar(by, spec, alpha), e)
        for u, e, _, by in packages(spec)
        if all(x <= c + 1e-9 for x, c in zip(u, caps, strict=True))
    ]
    want = nondominated(pts, lambda a, b: a > b)
    got = sorted((round(p.measure, 9), round(p.expected, 9)) for p in fr.cvar_front.points)
    assert len(got) == len(want) >= 3
    for (gm, ge), (wm, we) in zip(got, want, strict=True):
        assert gm == pytest.approx(wm, abs=1e-6) and ge == pytest.approx(we, abs=1e-6)


def test_cvar_front_is_skipped_without_risk_objectives(monkeypatch):
    import optimizer.analysis.frontier_fronts as fm

    monkeypatch.setattr(fm, "_objectives_module", lambda: None)
    fr = capacity_frontier(random_problem(1), "budget", steps=2, cvar_alpha=0.2)
    assert fr.cvar_front is None
    assert any("CVaR front skipped" in n for n in fr.notes)


def test_cli_table_json_and_plot(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        cli,
        ["frontier", "small-example", "--resource", "budget", "--range", "0,2", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    scales = [round(b["scale"], 6) for b in d["breakpoints"]]
    # by hand: a.small fits at 2/5, b at 3/6, b+c at 4/6 (2027), a.large at 4/5, a.small+b at
    # 5/6, all three at 1, a.large+b at 7/6, a.large+b+c at 8/6
    assert scales == [0.4, 0.5, 0.666667, 0.8, 0.833333, 1.0, 1.166667, 1.333333]
    png = tmp_path / "f.png"
    svg = tmp_path / "f.svg"
    for path in (png, svg):
        res = runner.invoke(
            cli, ["frontier", "small-example", "--resource", "budget", "--plot", str(path)]
        )
        assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
    res = runner.invoke(cli, ["frontier", "small-example", "--resource", "budgt"])
    assert res.exit_code == 2 and "did you mean 'budget'" in res.output
    res = runner.invoke(cli, ["frontier", "--help"])
    assert "optimizer frontier canada-us-2025 --resource fiscal" in res.output


def test_matplotlib_only_imported_when_plotting():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from optimizer.cli import cli\n"
        "r = CliRunner().invoke(cli, ['frontier', 'small-example', '--resource', 'budget',"
        " '--no-pareto'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
