"""The problems the sensitivity tests solve (one small enough to solve by hand, random small
ones) and the *changed problem*: the spec edited as a tipping point or a tornado row says,
to be compiled and solved from scratch."""

from __future__ import annotations

import dataclasses

import numpy as np

import optimizer
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

# ---- problems -----------------------------------------------------------------------------


def hand_problem() -> ProblemSpec:
    """A or B (not both); A is worth 10 if 'up' and 0 if 'down', B 2 and 6.
    E[A] = 10p, E[B] = 6 - 4p: equal at p = 3/7. A uses 4 of a budget of 5, B uses 2."""
    return check_spec(
        ProblemSpec(
            name="hand",
            commitments=(
                Commitment(
                    "a", (Option("yes", use={"budget": 4.0}, value={"up": 10.0, "down": 0.0}),)
                ),
                Commitment(
                    "b", (Option("yes", use={"budget": 2.0}, value={"up": 2.0, "down": 6.0}),)
                ),
            ),
            scenarios=(Scenario("up", 0.6), Scenario("down", 0.4)),
            resources=(Resource("budget", (5.0,)),),
            relations=(Relation("excludes", members=(Member("a"), Member("b"))),),
        )
    )


def random_problem(seed: int) -> ProblemSpec:
    """Four or five commitments over three years, two or three scenarios, a yearly budget and
    a total political budget; some options have start windows or yearly values."""
    rng = np.random.default_rng(seed)
    S = 2 + seed % 2
    sids = ["hi", "mid", "lo"][:S]
    p = rng.dirichlet(np.ones(S) * 3)
    commitments = []
    for i in range(4 + seed % 2):
        options = []
        for k in range(1 + int(rng.random() < 0.5)):
            per_year = bool(rng.random() < 0.3)
            options.append(
                Option(
                    id=f"o{k}",
                    use={"budget": float(rng.uniform(1, 4)), "pc": float(rng.uniform(0.5, 3))},
                    value={s: float(rng.uniform(-2, 9)) * (0.4 if per_year else 1) for s in sids},
                    value_per_year=per_year,
                    start=(2026, 2027) if rng.random() < 0.4 else None,
                )
            )
        commitments.append(Commitment(f"c{i}", tuple(options)))
    return check_spec(
        ProblemSpec(
            name=f"random-{seed}",
            commitments=tuple(commitments),
            scenarios=tuple(Scenario(s, float(q)) for s, q in zip(sids, p / p.sum(), strict=True)),
            resources=(
                Resource("budget", tuple(float(x) for x in rng.uniform(4, 8, 3)), unit="M$"),
                Resource("pc", (float(rng.uniform(3, 6)),), kind="total"),
            ),
            years=(2026, 2028),
            discount_rate=0.05,
        )
    )


# ---- the changed problem, built from the spec -------------------------------------------------


def with_value(spec: ProblemSpec, cid: str, oid: str, change) -> ProblemSpec:
    """``change(old_amount, scenario) -> new amount`` applied to one option's values."""
    comms = []
    for c in spec.commitments:
        if c.id != cid:
            comms.append(c)
            continue
        opts = tuple(
            dataclasses.replace(
                o, value={s.id: change(o.value.get(s.id, 0.0), s.id) for s in spec.scenarios}
            )
            if o.id == oid
            else o
            for o in c.options
        )
        comms.append(dataclasses.replace(c, options=opts))
    return spec.replace(commitments=tuple(comms))


def shifted(spec: ProblemSpec, option: str, delta: float) -> ProblemSpec:
    """One option's value raised by ``delta`` in every scenario."""
    cid, oid = option.split(".")
    return with_value(spec, cid, oid, lambda old, _s: old + delta)


def scaled(spec: ProblemSpec, option: str, factor: float) -> ProblemSpec:
    cid, oid = option.split(".")
    return with_value(spec, cid, oid, lambda old, _s: old * factor)


def changed(spec: ProblemSpec, tp, theta: float) -> ProblemSpec:
    """``spec`` with the tipping point's input set to ``theta``."""
    if tp.kind == "probability":
        ps = {s.id: s.probability for s in spec.scenarios}
        rest = 1.0 - ps[tp.target]
        probs = {k: (theta if k == tp.target else v * (1 - theta) / rest) for k, v in ps.items()}
        return spec.with_probabilities(probs)
    if tp.kind == "value":
        opt, sid = tp.target.split(":")
        cid, oid = opt.split(".")
        return with_value(spec, cid, oid, lambda old, s: theta if s == sid else old)
    if tp.kind == "scale":
        return spec.scaled_capacity(tp.target, theta)
    rid, _, year = tp.target.partition(" ")
    if year.isdigit():
        return spec.with_capacity(rid, {int(year): theta})
    return spec.with_capacity(rid, theta)


def package(spec: ProblemSpec) -> frozenset[str]:
    return frozenset(str(c) for c in optimizer.solve(spec).chosen)


def apply_change(base: frozenset[str], ch) -> frozenset[str]:
    return frozenset((base - set(ch.leave)) | set(ch.enter))
