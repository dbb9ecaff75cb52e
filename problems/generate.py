"""Random portfolio problems for tests and benchmarks, built directly as ``ProblemSpec`` objects.

``generate(n)`` makes ``n`` commitments over a horizon of ``years`` years and ``scenarios``
scenarios. Each commitment has 1-3 options; each option has a start window of 1-5 years, a
yearly use of two per-year resources (``budget`` and ``staff``; a number drawn every year from
the start, or a short build-up profile), and a value in each scenario (a one-off amount at the
start, or a stream every year from the start). Relations: ``requires`` (some with a lag),
``excludes`` pairs and ``at_most`` groups. With ``shifts`` > 0, that fraction of the options
moves probability between a random pair of scenarios when chosen (``[[shifts]]``), and every
scenario gets a baseline. Capacities are a fraction (``tightness``) of the
yearly use if every commitment started its cheapest option at its earliest year, so the
budgets bind.

Everything is drawn up front with one ``numpy.random.Generator`` seeded by ``seed``: the same
arguments give the same problem on every machine. Nothing forces a commitment, and every
relation holds when nothing is chosen, so every generated problem is feasible.

>>> from problems.generate import generate
>>> spec = generate(100, seed=1)
>>> len(spec.commitments)
100
"""

from __future__ import annotations

import numpy as np

from optimizer.spec.model import (
    Commitment,
    Member,
    Option,
    ProblemSpec,
    Relation,
    Resource,
    Scenario,
)

SCENARIOS = (("low", 0.25), ("base", 0.5), ("high", 0.25), ("shock", 0.0))
RESOURCES = ("budget", "staff")


def _scenarios(k: int) -> tuple[Scenario, ...]:
    if k == 1:
        return (Scenario("base", 1.0),)
    if k == 2:
        return (Scenario("low", 0.4), Scenario("high", 0.6))
    if k == 3:
        return tuple(Scenario(s, p) for s, p in SCENARIOS[:3])
    p = 1.0 / k
    return tuple(Scenario(f"s{i + 1}", p) for i in range(k))


def generate(
    n: int,
    *,
    years: int = 10,
    scenarios: int = 3,
    seed: int = 0,
    first_year: int = 2026,
    max_options: int = 3,
    max_window: int = 5,
    tightness: float = 0.35,
    relations: float = 0.15,
    shifts: float = 0.0,
    validate: bool = False,
) -> ProblemSpec:
    """A random portfolio problem with ``n`` commitments.

    Parameters
    ----------
    n : number of commitments.
    years : length of the horizon (``years=1`` gives start windows of one year).
    scenarios : number of scenarios (3: low/base/high with probabilities .25/.5/.25).
    seed : seed of the random generator; the problem is a pure function of the arguments.
    max_options : each commitment has 1..max_options options.
    max_window : each option's start window has 1..max_window years.
    tightness : capacity as a fraction of the yearly use of the cheapest options.
    relations : about ``relations * n`` relations in all (requires, excludes, at_most).
    shifts : the fraction of options that move the odds (``with_shifts``); 0 gives none, and
        the rest of the problem is the same whatever ``shifts`` is.
    validate : pass the result through ``check_spec`` (slower; the result is already normal).
    """
    if n < 1:
        raise ValueError(f"expected n >= 1, got {n}")
    if years < 1 or scenarios < 1 or max_options < 1 or max_window < 1:
        raise ValueError("years, scenarios, max_options and max_window must be >= 1")
    rng = np.random.default_rng(seed)
    T = years
    scen = _scenarios(scenarios)
    S = len(scen)

    # ---- options: counts, windows, uses, values (all drawn as arrays) ---------------------
    n_opt_c = rng.integers(1, max_options + 1, size=n)
    n_opt = int(n_opt_c.sum())
    owner = np.repeat(np.arange(n), n_opt_c)
    earliest = rng.integers(0, max(1, T - 2), size=n_opt)
    width = rng.integers(1, max_window + 1, size=n_opt)
    latest = np.minimum(earliest + width - 1, T - 1)
    # option k of a commitment costs more and is worth more than option k-1
    rank = np.arange(n_opt) - np.repeat(np.cumsum(n_opt_c) - n_opt_c, n_opt_c)
    scale = rng.lognormal(0.0, 0.5, size=n)[owner] * (1.0 + 0.6 * rank)
    use_budget = np.round(scale * rng.uniform(0.5, 1.5, size=n_opt), 3)
    use_staff = np.round(scale * rng.uniform(0.2, 1.0, size=n_opt), 3)
    profiled = rng.random(n_opt) < 0.3  # build-up profile instead of a flat yearly use
    ramp = np.round(rng.uniform(0.2, 0.8, size=n_opt), 3)
    recurring = rng.random(n_opt) < 0.5  # value every year vs one-off at the start
    ratio = rng.uniform(0.6, 1.6, size=n_opt)
    if S == 3:  # low / base / high
        mult = np.stack(
            [rng.uniform(0.5, 1.0, n_opt), np.ones(n_opt), rng.uniform(1.0, 1.8, n_opt)], axis=1
        )
    else:
        mult = rng.uniform(0.5, 1.6, size=(n_opt, S))
    horizon_left = T - earliest
    base_value = use_budget * ratio * np.where(recurring, 1.0, horizon_left)
    value = np.round(base_value[:, None] * mult, 3)

    # ---- capacities -------------------------------------------------------------------------
    cheapest = np.cumsum(n_opt_c) - n_opt_c  # first option of each commitment
    demand = np.zeros((2, T))
    for r, use in enumerate((use_budget, use_staff)):
        u = use[cheapest]
        e = earliest[cheapest]
        np.add.at(demand[r], e, u)
        demand[r] = np.cumsum(demand[r])  # a flat use runs from the start to the horizon's end
    cap = np.round(np.maximum(tightness * demand, 1.0), 2)

    # ---- build the objects (one pass) -----------------------------------------------------
    sids = [s.id for s in scen]
    width_id = len(str(n - 1))
    cids = [f"c{i:0{width_id}d}" for i in range(n)]
    y0 = first_year
    e_l, l_l = (earliest + y0).tolist(), (latest + y0).tolist()
    ub, us, pr, rp, rc = (
        use_budget.tolist(),
        use_staff.tolist(),
        profiled.tolist(),
        ramp.tolist(),
        recurring.tolist(),
    )
    vals = value.tolist()
    commitments = []
    k = 0
    for i in range(n):
        opts = []
        for j in range(int(n_opt_c[i])):
            b, s = ub[k], us[k]
            if pr[k] and T > 2:  # a profile no longer than the horizon
                # a three-year project: build-up, full use, run-down
                use = {
                    "budget": (round(b * rp[k], 3), b, round(b / 2, 3)),
                    "staff": (round(s * rp[k], 3), s, round(s / 2, 3)),
                }
            else:
                use = {"budget": b, "staff": s}
            opts.append(
                Option(
                    id=f"o{j + 1}",
                    use=use,
                    value=dict(zip(sids, vals[k], strict=True)),
                    value_per_year=rc[k],
                    start=(e_l[k], l_l[k]) if T > 1 else None,
                )
            )
            k += 1
        commitments.append(Commitment(id=cids[i], options=tuple(opts)))

    rels = _relations(rng, n, n_opt_c, relations, cids)
    spec = ProblemSpec(
        name=f"generated-n{n}-s{seed}",
        title=f"Generated portfolio: {n} commitments, {T} years, {S} scenarios (seed {seed})",
        commitments=tuple(commitments),
        scenarios=scen,
        resources=tuple(
            Resource(id=rid, capacity=tuple(float(x) for x in cap[r]), unit="M$")
            for r, rid in enumerate(RESOURCES)
        ),
        relations=rels,
        years=(y0, y0 + T - 1) if T > 1 else None,
        discount_rate=0.03,
        value_unit="M$",
        source="problems.generate",
    )
    if shifts > 0:
        spec = with_shifts(spec, shifts, seed=seed)
    if validate:
        from optimizer.spec.validate import check_spec

        spec = check_spec(spec, max_columns=10**9)
    return spec


def _relations(
    rng: np.random.Generator, n: int, n_opt_c: np.ndarray, density: float, cids: list[str]
) -> tuple[Relation, ...]:
    """``requires`` from a later to an earlier commitment (acyclic, so lags never clash),
    ``excludes`` pairs and ``at_most`` groups of 4-6 with a count of 2."""
    if n < 2 or density <= 0:
        return ()
    total = max(1, round(density * n))
    n_req = total // 2
    n_exc = total // 4
    n_cnt = total - n_req - n_exc if n >= 6 else 0

    def member(i: int, pick_option: bool) -> Member:
        if pick_option and n_opt_c[i] > 1:
            return Member(cids[i], f"o{int(rng.integers(1, n_opt_c[i] + 1))}")
        return Member(cids[i])

    out: list[Relation] = []
    a = rng.integers(1, n, size=n_req)
    b = a - 1 - np.floor(rng.random(n_req) * np.minimum(a, 50)).astype(np.int64)
    lag = rng.integers(0, 3, size=n_req)
    timed = rng.random(n_req) < 0.5
    opt_a = rng.random(n_req) < 0.3
    for i in range(n_req):
        out.append(
            Relation(
                "requires",
                a=member(int(a[i]), bool(opt_a[i])),
                b=member(int(b[i]), False),
                lag=int(lag[i]) if timed[i] else None,
            )
        )
    for _ in range(n_exc):
        x, y = rng.choice(n, size=2, replace=False)
        out.append(Relation("excludes", members=(member(int(x), False), member(int(y), False))))
    for _ in range(n_cnt):
        size = int(rng.integers(4, 7))
        ms = rng.choice(n, size=min(size, n), replace=False)
        out.append(
            Relation("at_most", members=tuple(member(int(m), False) for m in np.sort(ms)), count=2)
        )
    return tuple(out)


def with_shifts(spec: ProblemSpec, fraction: float, *, seed: int = 0) -> ProblemSpec:
    """``spec`` with scenario baselines and one shift on ``fraction`` of its options.

    Each shift moves probability from a random scenario to another when its option is chosen.
    A scenario's outgoing shifts move half its probability in all, split evenly, so no package
    can move a probability out of [0, 1] (inflows add at most half of the rest). Drawn from
    their own generator: the commitments, values and relations are those of ``spec``.
    """
    from dataclasses import replace

    from optimizer.spec.shifts import Shift

    rng = np.random.default_rng([seed, 16])
    scen = spec.scenarios
    S = len(scen)
    if S < 2 or fraction <= 0:
        return spec
    members = [f"{c.id}.{o.id}" for c in spec.commitments for o in c.options]
    k = max(1, round(fraction * len(members)))
    picked = np.sort(rng.choice(len(members), size=min(k, len(members)), replace=False))
    src = rng.integers(0, S, size=picked.shape[0])
    dst = (src + rng.integers(1, S, size=picked.shape[0])) % S  # never the source
    out = np.bincount(src, minlength=S)
    prob = np.array([s.probability for s in scen])
    scale = float(
        np.mean(
            [abs(v) for c in spec.commitments[:50] for o in c.options for v in o.value.values()]
        )
    )
    base = np.round(rng.uniform(-2.0, 1.0, size=S) * scale * 0.1 * len(spec.commitments), 3)
    shifts = tuple(
        Shift(
            when=members[m],
            from_=scen[f].id,
            to=scen[t].id,
            amount=round(0.5 * prob[f] / out[f], 9),
        )
        for m, f, t in zip(picked.tolist(), src.tolist(), dst.tolist(), strict=True)
        if prob[f] > 0
    )
    scenarios = tuple(replace(s, baseline=float(b)) for s, b in zip(scen, base, strict=True))
    return replace(spec, scenarios=scenarios, shifts=shifts)


def n_columns(spec: ProblemSpec) -> int:
    """Decision columns of ``spec`` (one per option and start year), without compiling."""
    total = 0
    for c in spec.commitments:
        for o in c.options:
            lo, hi = spec.start_window(o)
            total += hi - lo + 1
    return total
