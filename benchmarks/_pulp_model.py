"""The benchmarks' idiomatic PuLP model: a ``ProblemSpec`` written the way a PuLP user would.

``build_pulp`` makes one ``LpVariable`` per column and writes every constraint with ``lpSum``
(expected value); ``pulp_handoff`` is what PuLP's CBC interface does before it starts CBC
(``writeMPS``). ``year_profile`` (an amount by period) is shared with the linopy model.
Used by ``bench_compile.py`` and ``bench_scaling.py``, and by the tests as an independent
build of the same model.
"""

from __future__ import annotations

import os


def year_profile(amount, start: int, T: int, recurring: bool) -> list[float]:
    """An option's amount by period when it starts in period ``start`` (a profile by year
    since the start, a recurring number, or a one-off at the start), written out in Python."""
    out = [0.0] * T
    if isinstance(amount, tuple):
        for k, v in enumerate(amount):
            if start + k < T:
                out[start + k] += v
    elif recurring:
        for t in range(start, T):
            out[t] = amount
    else:
        out[start] = amount
    return out


def build_pulp(spec):
    """A ``pulp.LpProblem`` of ``spec`` (expected value), written as a PuLP user would."""
    import pulp

    T = spec.n_periods
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    prob_of = {s.id: s.probability for s in spec.scenarios}
    sense = pulp.LpMaximize if spec.sense == "maximize" else pulp.LpMinimize
    prob = pulp.LpProblem(spec.name.replace("-", "_"), sense)
    res = {r.id: r for r in spec.resources}
    x: dict[tuple[str, str, int], pulp.LpVariable] = {}
    by_commitment: dict[str, list] = {}
    by_option: dict[tuple[str, str], list] = {}
    start_of: dict[str, int] = {}
    obj = []
    use_terms: dict[tuple[str, int], list] = {}
    for c in spec.commitments:
        for o in c.options:
            lo, hi = spec.start_window(o)
            for s in range(lo, hi + 1):
                v = pulp.LpVariable(f"x_{c.id}_{o.id}_{s}", cat=pulp.LpBinary)
                x[c.id, o.id, s] = v
                start_of[v.name] = s
                by_commitment.setdefault(c.id, []).append(v)
                by_option.setdefault((c.id, o.id), []).append(v)
                value = 0.0
                for sid, amt in o.value.items():
                    prof = year_profile(amt, s, T, o.value_per_year)
                    value += prob_of[sid] * sum(a * d for a, d in zip(prof, disc, strict=True))
                if value:
                    obj.append(value * v)
                for rid, amt in o.use.items():
                    r = res[rid]
                    prof = year_profile(amt, s, T, r.kind == "per_year")
                    if r.kind == "total":
                        use_terms.setdefault((rid, -1), []).append(sum(prof) * v)
                        continue
                    for t, a in enumerate(prof):
                        if a:
                            use_terms.setdefault((rid, t), []).append(a * v)
    prob += pulp.lpSum(obj)
    for c in spec.commitments:
        vs = by_commitment[c.id]
        cid = c.id
        if c.required:
            prob += pulp.lpSum(vs) == 1, f"choice_{cid}"
        elif len(vs) > 1:
            prob += pulp.lpSum(vs) <= 1, f"choice_{cid}"
    for (rid, t), terms in use_terms.items():
        cap = res[rid].capacity[0 if t < 0 else t]
        if cap != float("inf"):
            prob += pulp.lpSum(terms) <= cap, f"{rid}_{t}"

    def members(m):
        return (
            by_commitment[m.commitment] if m.option is None else by_option[m.commitment, m.option]
        )

    for k, rel in enumerate(spec.relations):
        if rel.type == "requires":
            a, b = members(rel.a), members(rel.b)
            if rel.lag is None:
                prob += pulp.lpSum(a) <= pulp.lpSum(b), f"rel{k}"
                continue
            for s in sorted({start_of[v.name] for v in a}):
                prob += (
                    pulp.lpSum(v for v in a if start_of[v.name] <= s)
                    <= pulp.lpSum(v for v in b if start_of[v.name] <= s - rel.lag),
                    f"rel{k}_{s}",
                )
        elif rel.type in ("excludes", "at_most", "at_least", "exactly"):
            expr = pulp.lpSum(v for m in rel.members for v in members(m))
            if rel.type == "excludes":
                prob += expr <= 1, f"rel{k}"
            elif rel.type == "at_most":
                prob += expr <= rel.count, f"rel{k}"
            elif rel.type == "at_least":
                prob += expr >= rel.count, f"rel{k}"
            else:
                prob += expr == rel.count, f"rel{k}"
        elif rel.type == "both_or_neither":
            first = pulp.lpSum(members(rel.members[0]))
            for i, m in enumerate(rel.members[1:]):
                prob += first == pulp.lpSum(members(m)), f"rel{k}_{i}"
        elif rel.type in ("force", "forbid"):
            for i, m in enumerate(rel.members):
                rhs = 1 if rel.type == "force" else 0
                prob += pulp.lpSum(members(m)) == rhs, f"rel{k}_{i}"
    return prob


def pulp_handoff(prob, directory: str) -> None:
    prob.writeMPS(os.path.join(directory, "model.mps"))
