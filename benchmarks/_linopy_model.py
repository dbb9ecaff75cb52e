"""The benchmarks' idiomatic linopy model: a ``ProblemSpec`` in linopy's array style.

``build_linopy`` gathers per-column data from the spec, makes one binary variable array, writes
the objective and the yearly budgets as array expressions and the choice rows and relations as
padded (row, term) index arrays; ``linopy_handoff`` is linopy's hand-off to HiGHS
(``to_highspy``). linopy is optional (``linopy_available``). Used by ``bench_scaling.py``.
"""

from __future__ import annotations

from _pulp_model import year_profile


def build_linopy(spec):
    """A ``linopy.Model`` of ``spec`` (expected value), in linopy's array style."""
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    T = spec.n_periods
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    prob_of = {s.id: s.probability for s in spec.scenarios}
    per_year = [r for r in spec.resources if r.kind == "per_year"]
    rpos = {r.id: i for i, r in enumerate(per_year)}
    coef: list[float] = []
    use_rows: list[list[float]] = []  # per column: R*T uses
    col_of_c: dict[str, list[int]] = {}
    col_of_o: dict[tuple[str, str], list[int]] = {}
    start: list[int] = []
    for c in spec.commitments:
        for o in c.options:
            lo, hi = spec.start_window(o)
            for s in range(lo, hi + 1):
                j = len(coef)
                col_of_c.setdefault(c.id, []).append(j)
                col_of_o.setdefault((c.id, o.id), []).append(j)
                start.append(s)
                v = 0.0
                for sid, amt in o.value.items():
                    prof = year_profile(amt, s, T, o.value_per_year)
                    v += prob_of[sid] * sum(a * d for a, d in zip(prof, disc, strict=True))
                coef.append(v)
                u = [0.0] * (len(per_year) * T)
                for rid, amt in o.use.items():
                    if rid in rpos:
                        prof = year_profile(amt, s, T, True)
                        u[rpos[rid] * T : (rpos[rid] + 1) * T] = prof
                use_rows.append(u)
    n = len(coef)
    col = pd.RangeIndex(n, name="col")
    m = linopy.Model()
    x = m.add_variables(binary=True, coords=[col], name="x")
    m.add_objective(
        (xr.DataArray(np.asarray(coef), coords=[col]) * x).sum(),
        sense="max" if spec.sense == "maximize" else "min",
    )
    U = np.asarray(use_rows).reshape(n, len(per_year), T)
    for i, r in enumerate(per_year):
        cap = np.asarray(r.capacity)
        keep = np.nonzero(np.isfinite(cap))[0]
        years = pd.Index(keep, name="year")
        Ur = xr.DataArray(U[:, i, keep], coords=[col, years])
        m.add_constraints(
            (Ur * x).sum("col") <= xr.DataArray(cap[keep], coords=[years]), name=f"res_{r.id}"
        )

    # choice rows and relations: rows of (column, coefficient) terms, padded
    rows: list[list[tuple[int, float]]] = []
    rhs: list[float] = []
    for c in spec.commitments:
        cols = col_of_c[c.id]
        if len(cols) > 1:
            rows.append([(j, 1.0) for j in cols])
            rhs.append(1.0)

    def members(mb):
        return col_of_c[mb.commitment] if mb.option is None else col_of_o[mb.commitment, mb.option]

    for rel in spec.relations:
        if rel.type == "requires":
            a, b = members(rel.a), members(rel.b)
            if rel.lag is None:
                rows.append([(j, 1.0) for j in a] + [(j, -1.0) for j in b])
                rhs.append(0.0)
                continue
            for s in sorted({start[j] for j in a}):
                rows.append(
                    [(j, 1.0) for j in a if start[j] <= s]
                    + [(j, -1.0) for j in b if start[j] <= s - rel.lag]
                )
                rhs.append(0.0)
        elif rel.type in ("excludes", "at_most"):
            rows.append([(j, 1.0) for mb in rel.members for j in members(mb)])
            rhs.append(1.0 if rel.type == "excludes" else float(rel.count))
        else:
            raise NotImplementedError(f"relation type {rel.type} in the linopy builder")
    if rows:
        width = max(len(r) for r in rows)
        idx = np.zeros((len(rows), width), dtype=np.int64)
        val = np.zeros((len(rows), width))
        for i, r in enumerate(rows):
            idx[i, : len(r)] = [j for j, _ in r]
            val[i, : len(r)] = [v for _, v in r]
        ri = pd.RangeIndex(len(rows), name="row")
        ti = pd.RangeIndex(width, name="term")
        xs = x.isel(col=xr.DataArray(idx, coords=[ri, ti]))
        expr = (xr.DataArray(val, coords=[ri, ti]) * xs).sum("term")
        m.add_constraints(expr <= xr.DataArray(np.asarray(rhs), coords=[ri]), name="rows")
    return m


def linopy_handoff(model):
    return model.to_highspy()


def linopy_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("linopy") is not None
