"""Independent checks of a package's relations, responses and constraints from the spec.

Used by ``optimizer.solution.evaluate``; plain Python over the chosen options, sharing no
code with the compile.
"""

from __future__ import annotations

from collections.abc import Mapping

from .spec.model import Member, ProblemSpec

FEAS_TOL = 1e-6
INT_TOL = 1e-6


def relation_violation(rel, picked: dict, period) -> str | None:
    """What ``rel`` finds wrong with the choices ``picked`` (commitment -> Choice), if any."""

    def has(m: Member) -> bool:
        ch = picked.get(m.commitment)
        return ch is not None and (m.option is None or ch.option == m.option)

    label = rel.label()
    if rel.type == "requires":
        if has(rel.a):
            if not has(rel.b):
                return f"{label}: '{rel.b}' is not chosen"
            start_a, start_b = period(picked[rel.a.commitment]), period(picked[rel.b.commitment])
            if rel.lag is not None and start_b > start_a - rel.lag:
                return f"{label}: '{rel.b}' does not start {rel.lag} year(s) before '{rel.a}'"
        return None
    k = sum(has(m) for m in rel.members)
    bad = (
        (rel.type == "excludes" and k > 1)
        or (rel.type == "both_or_neither" and k not in (0, len(rel.members)))
        or (rel.type == "at_most" and k > rel.count)
        or (rel.type == "at_least" and k < rel.count)
        or (rel.type == "exactly" and k != rel.count)
        or (rel.type == "force" and k != len(rel.members))
        or (rel.type == "forbid" and k != 0)
    )
    return f"{label}: {k} of {len(rel.members)} members chosen" if bad else None


def check_responses(
    spec: ProblemSpec,
    chosen: dict,
    responses: Mapping,
    by_scenario: dict,
    violations: list,
    per: dict | None = None,
) -> None:
    """Add response values to the scenario values; check bounds, integrality, constraints."""
    from .spec.validate import constraint_forms

    sids = [s.id for s in spec.scenarios]

    def val(rid: str, sid: str) -> float:
        v = responses.get(rid, 0.0)
        return float(v.get(sid, 0.0)) if isinstance(v, Mapping) else float(v)

    for r in spec.responses:
        for sid in sids if r.stage == 2 else sids[:1]:
            y = val(r.id, sid)
            where = r.id if r.stage == 1 else f"{r.id}[{sid}]"
            tol = FEAS_TOL * max(1.0, abs(y))
            if y < r.lower - tol or y > r.upper + tol:
                violations.append(f"{where} = {y:.6g} outside [{r.lower:.6g}, {r.upper:.6g}]")
            if r.integer and abs(y - round(y)) > INT_TOL:
                violations.append(f"{where} = {y:.6g} is not a whole number")
        for sid in sids:
            by_scenario[sid] += r.value.get(sid, 0.0) * val(r.id, sid)
    names = {r.id for r in spec.responses}
    for con, pc in zip(spec.constraints, constraint_forms(spec), strict=True):
        for si, sid in enumerate(sids):
            lhs = pc.form.constant[si]
            scale = abs(lhs)
            for name, coef in pc.form.terms.items():
                if name in names:
                    x = val(name, sid)
                else:
                    m = Member.parse(name)
                    ch = (per[sid] if per else chosen).get(m.commitment)
                    x = float(ch is not None and (m.option is None or ch.option == m.option))
                lhs += coef[si] * x
                scale = max(scale, abs(coef[si] * x))
            tol = FEAS_TOL * max(1.0, scale)
            sense = pc.sense
            bad = (
                (sense == "<=" and lhs > tol)
                or (sense == ">=" and lhs < -tol)
                or (sense == "==" and abs(lhs) > tol)
            )
            if bad:
                violations.append(
                    f"constraint {con.id} [{sid}]: {con.expr} fails by {abs(lhs):.6g}"
                )
