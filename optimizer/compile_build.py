"""The expected-value ``MatrixModel`` of one spec: choice, resource, relation, response and
general-constraint rows assembled as CSR blocks (``optimizer.compile.compile_spec`` adds
tranches, shifts and criteria around it)."""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter

import numpy as np

from .compile_arrays import _Triplets, expand_ranges
from .compile_layout import _Layout
from .model import MatrixModel
from .spec.model import Member, ProblemSpec


def _compile(spec: ProblemSpec, tranches=None) -> MatrixModel:
    """``tranches``: an ``optimizer.tranches.Expansion`` when ``spec`` is an expanded one."""
    L = _Layout(spec)
    T, n = L.T, L.n
    labels = spec.period_labels
    commitments = spec.commitments
    commitment_ids = L.commitment_ids
    trip = _Triplets()

    # --- choice rows: at most (or exactly) one column per commitment -----------------------
    ncol_c = np.diff(L.commitment_first_col)
    required = L.required
    need = (ncol_c > 1) | required
    ci_need = np.flatnonzero(need)
    if ci_need.size:
        # a commitment's columns are contiguous and ascending: these rows are canonical
        cols, _ = expand_ranges(
            L.commitment_first_col[ci_need], L.commitment_first_col[ci_need + 1]
        )
        ids = np.array(commitment_ids, dtype=object)
        trip.add_csr(
            ncol_c[ci_need],
            [cols],
            [np.ones(cols.shape[0])],
            np.where(required[ci_need], 1.0, -np.inf),
            1.0,
            "choice",
            ids if ci_need.size == len(commitments) else ids[ci_need],
        )

    # --- resources ------------------------------------------------------------------------
    R = len(spec.resources)
    if R:
        is_total = np.array([r.kind == "total" for r in spec.resources])
        labels_all: list[str] = []
        kinds_all: list[str] = []
        upper_all: list[float] = []
        m_res = 0
        row_of = np.full((R, T), -1, dtype=np.int64)
        for ri, r in enumerate(spec.resources):
            cap = np.asarray(r.capacity, dtype=float)
            if r.kind == "total":
                if np.isfinite(cap[0]):
                    row_of[ri, :] = m_res
                    labels_all.append(f"{r.id} (total)")
                    kinds_all.append("total")
                    upper_all.append(cap[0])
                    m_res += 1
                continue
            for t in np.nonzero(np.isfinite(cap))[0]:
                row_of[ri, t] = m_res
                labels_all.append(r.id if labels[t] is None else f"{r.id} {labels[t]}")
                kinds_all.append("budget")
                upper_all.append(cap[t])
                m_res += 1
        if m_res:
            trip.add_csr(
                *L.use_rows(row_of, is_total, m_res),
                np.full(m_res, -np.inf),
                np.asarray(upper_all),
                np.array(kinds_all, dtype=object),
                np.array(labels_all, dtype=object),
            )

    # --- relations ------------------------------------------------------------------------
    _compile_relations(spec, L, trip)

    # --- responses and general constraints ------------------------------------------------
    S = len(spec.scenarios)
    resp = _responses(spec, n)
    _compile_constraints(spec, L, resp, trip, tranches)
    n_all = n + resp["n"]

    A, rlo, rup, rkind, rlabel = trip.build(n_all)

    # --- objective ------------------------------------------------------------------------
    value = L.value.split()
    so = value[0][0]
    disc = (1.0 + spec.discount_rate) ** -np.arange(T, dtype=float)
    C = np.vstack([L.objective(value, L.opt_per_year_value[so], disc, S), resp["C"]])
    p = np.array([s.probability for s in spec.scenarios], dtype=float)

    # option ids by commitment: slices of the flat list, without a Python loop
    fo = L.commitment_first_opt.tolist()
    option_ids = tuple(
        map(tuple, map(L.option_ids.__getitem__, map(slice, fo[:-1], fo[1:], repeat(None))))
    )
    return MatrixModel(
        c=C @ p,
        A=A,
        row_lower=rlo,
        row_upper=rup,
        col_lower=np.concatenate([np.zeros(n), resp["lower"]]),
        col_upper=np.concatenate([np.ones(n), resp["upper"]]),
        integrality=np.concatenate([np.ones(n, dtype=bool), resp["integer"]]),
        maximize=spec.sense == "maximize",
        C=C,
        p=p,
        scenario_ids=tuple(s.id for s in spec.scenarios),
        row_kind=rkind,
        row_label=rlabel,
        col_commitment=np.concatenate([L.col_commitment, np.full(resp["n"], -1)]),
        col_option=np.concatenate([L.col_option, np.full(resp["n"], -1)]),
        col_start=np.concatenate([L.col_start, np.zeros(resp["n"], dtype=np.int64)]),
        col_response=np.concatenate([np.full(n, -1), resp["response"]]),
        col_scenario=np.concatenate([np.full(n, -1), resp["scenario"]]),
        response_ids=tuple(r.id for r in spec.responses),
        commitment_ids=commitment_ids,
        option_ids=option_ids,
        period_labels=labels,
        n_decision=n_all,
        meta={"problem": spec.name},
    )


def _responses(spec: ProblemSpec, first_col: int) -> dict:
    """Columns of the responses: one per stage-1 response, one per scenario per stage-2 one."""
    S = len(spec.scenarios)
    sids = [s.id for s in spec.scenarios]
    cols: dict[tuple[str, int], int] = {}  # (response id, scenario index or -1) -> column
    rows_C, lower, upper, integer, rid, sc = [], [], [], [], [], []
    for ri, r in enumerate(spec.responses):
        vals = np.array([r.value.get(s, 0.0) for s in sids], dtype=float)
        for si in [-1] if r.stage == 1 else range(S):
            cols[(r.id, si)] = first_col + len(rows_C)
            row = np.zeros(S)
            if si < 0:
                row[:] = vals
            else:
                row[si] = vals[si]
            rows_C.append(row)
            lower.append(r.lower)
            upper.append(r.upper)
            integer.append(r.integer)
            rid.append(ri)
            sc.append(si)
    k = len(rows_C)
    return {
        "n": k,
        "cols": cols,
        "C": np.array(rows_C).reshape(k, S),
        "lower": np.array(lower, dtype=float),
        "upper": np.array(upper, dtype=float),
        "integer": np.array(integer, dtype=bool),
        "response": np.array(rid, dtype=np.int64),
        "scenario": np.array(sc, dtype=np.int64),
        "stage": {r.id: r.stage for r in spec.responses},
    }


def _compile_constraints(
    spec: ProblemSpec, L: _Layout, resp: dict, trip: _Triplets, tranches=None
) -> None:
    """Rows of the ``[[constraints]]``: one row, or one per scenario when the constraint
    involves recourse (responses or tranches) or scenario-indexed coefficients."""
    from .spec.validate import constraint_forms

    forms = constraint_forms(spec) if tranches is None else tranches.forms
    S = len(spec.scenarios)
    for k, (con, pc) in enumerate(zip(spec.constraints, forms, strict=True)):
        f = pc.form
        varies = (
            any(resp["stage"].get(n) == 2 for n in f.terms)
            or any(len(set(c)) > 1 for c in (*f.terms.values(), f.constant))
            or (tranches is not None and any(map(tranches.is_stage2, f.terms)))
        )
        scen_rows = range(S) if varies else [0]
        r_list, c_list, v_list, lo, up, labels = [], [], [], [], [], []
        for i, si in enumerate(scen_rows):
            for name, coef in f.terms.items():
                a = coef[si]
                if a == 0:
                    continue
                stage = resp["stage"].get(name)
                if stage is not None:
                    j = resp["cols"][(name, si if stage == 2 else -1)]
                    r_list.append([i])
                    c_list.append([j])
                    v_list.append([a])
                    continue
                if tranches is not None:
                    name = tranches.rename(name, si)
                lo_c, hi_c = L.member_range(Member.parse(name))
                r_list.append([i] * (hi_c - lo_c))
                c_list.append(list(range(lo_c, hi_c)))
                v_list.append([a] * (hi_c - lo_c))
            rhs = -f.constant[si]
            lo.append(rhs if pc.sense in (">=", "==") else -np.inf)
            up.append(rhs if pc.sense in ("<=", "==") else np.inf)
            label = con.id if not varies or S == 1 else f"{con.id} [{spec.scenarios[si].id}]"
            labels.append(label)
        trip.add(
            np.concatenate([np.asarray(x, dtype=np.int64) for x in r_list])
            if r_list
            else np.zeros(0, np.int64),
            np.concatenate([np.asarray(x, dtype=np.int64) for x in c_list])
            if c_list
            else np.zeros(0, np.int64),
            np.concatenate([np.asarray(x, dtype=float) for x in v_list]) if v_list else np.zeros(0),
            lo,
            up,
            "user",
            np.array(labels, dtype=object),
        )
        _ = k


def _compile_relations(spec: ProblemSpec, L: _Layout, trip: _Triplets) -> None:
    """Rows for every relation. Non-timed relations are gathered as (row, range, sign)."""
    seg_row: list[int] = []
    seg_member: list[Member] = []
    seg_sign: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    kinds: list[str] = []
    labels: list[str] = []

    def new_row(lo: float, up: float, kind: str, label: str) -> int:
        lower.append(lo)
        upper.append(up)
        kinds.append(kind)
        labels.append(label)
        return len(lower) - 1

    def seg(row: int, m: Member, sign: float) -> None:
        seg_row.append(row)
        seg_member.append(m)
        seg_sign.append(sign)

    timed = []
    for rel in spec.relations:
        t = rel.type
        if t == "requires":
            if rel.lag is not None:
                timed.append(rel)
                continue
            row = new_row(-np.inf, 0.0, "requires", rel.label())
            seg(row, rel.a, 1.0)
            seg(row, rel.b, -1.0)
            continue
        label = rel.label()
        if t == "excludes":
            row = new_row(-np.inf, 1.0, "excludes", label)
            for m in rel.members:
                seg(row, m, 1.0)
        elif t == "both_or_neither":
            for m in rel.members[1:]:
                row = new_row(0.0, 0.0, "both_or_neither", label)
                seg(row, rel.members[0], 1.0)
                seg(row, m, -1.0)
        elif t in ("at_most", "at_least", "exactly"):
            lo = -np.inf if t == "at_most" else float(rel.count)
            up = np.inf if t == "at_least" else float(rel.count)
            row = new_row(lo, up, "count", label)
            for m in rel.members:
                seg(row, m, 1.0)
        elif t == "force":
            for m in rel.members:
                seg(
                    new_row(1.0, 1.0, "force", f"{label}: {m}" if len(rel.members) > 1 else label),
                    m,
                    1.0,
                )
        elif t == "forbid":
            for m in rel.members:
                seg(
                    new_row(
                        -np.inf, 0.0, "forbid", f"{label}: {m}" if len(rel.members) > 1 else label
                    ),
                    m,
                    1.0,
                )

    if lower:
        cols, owner = expand_ranges(*L.member_ranges(seg_member))
        rows = np.asarray(seg_row, dtype=np.int64)[owner]
        vals = np.asarray(seg_sign)[owner]
        trip.add(
            rows,
            cols,
            vals,
            lower,
            upper,
            np.array(kinds, dtype=object),
            np.array(labels, dtype=object),
        )

    # Timed requires: for each start period s of a: sum(a starts <= s) <= sum(b starts <= s - lag),
    # one row per (relation, start period of a), built for all timed relations at once.
    if timed:
        T = L.T
        a_rng = np.stack(L.member_ranges(list(map(attrgetter("a"), timed))), axis=1)
        b_rng = np.stack(L.member_ranges(list(map(attrgetter("b"), timed))), axis=1)
        lag = np.array([r.lag for r in timed], dtype=np.int64)
        a_cols, a_own = expand_ranges(a_rng[:, 0], a_rng[:, 1])
        ukey = np.unique(a_own * T + L.col_start[a_cols])
        row_rel, row_per = ukey // T, ukey % T
        ca, ra = expand_ranges(a_rng[row_rel, 0], a_rng[row_rel, 1])
        ka = L.col_start[ca] <= row_per[ra]
        cb, rb = expand_ranges(b_rng[row_rel, 0], b_rng[row_rel, 1])
        kb = L.col_start[cb] <= row_per[rb] - lag[row_rel[rb]]
        base = [r.label() for r in timed]
        if spec.years:
            plabels = spec.period_labels
            text = [f"{b} by " for b in base]
            rows_t = [
                text[i] + str(plabels[p])
                for i, p in zip(row_rel.tolist(), row_per.tolist(), strict=True)
            ]
        else:
            rows_t = [base[i] for i in row_rel.tolist()]
        labels_t = np.array(rows_t, dtype=object)
        trip.add(
            np.concatenate([ra[ka], rb[kb]]),
            np.concatenate([ca[ka], cb[kb]]),
            np.concatenate([np.ones(int(ka.sum())), -np.ones(int(kb.sum()))]),
            np.full(ukey.size, -np.inf),
            0.0,
            "requires",
            labels_t,
        )
