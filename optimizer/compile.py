"""Compile a ``ProblemSpec`` into a ``MatrixModel`` with NumPy index arrays.

One pass over the options gathers their data into arrays; every matrix entry is then made by
array operations (no Python object per nonzero). Columns are ordered by commitment, option,
start year, so a commitment's or an option's columns form one contiguous range: relations are
compiled from ranges.
"""

from __future__ import annotations

import numpy as np

from .model import MatrixModel
from .spec.model import Member, ProblemSpec


class _Triplets:
    """Accumulates COO blocks of the constraint matrix and the row bounds."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []
        self.label: list[np.ndarray] = []
        self.m = 0

    def add(self, r, c, v, lower, upper, kind, label) -> None:
        """Add rows ``self.m + r`` (``r`` local, 0-based); bounds/labels have one entry a row."""
        lower = np.atleast_1d(np.asarray(lower, dtype=float))
        k = lower.shape[0]
        self.rows.append(np.asarray(r, dtype=np.int64) + self.m)
        self.cols.append(np.asarray(c, dtype=np.int64))
        self.vals.append(np.asarray(v, dtype=float))
        self.lower.append(lower)
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (k,)).copy())
        self.kind.append(np.broadcast_to(np.asarray(kind, dtype=object), (k,)).copy())
        lab = np.empty(k, dtype=object)
        lab[:] = label
        self.label.append(lab)
        self.m += k

    def build(self, n: int):
        from scipy import sparse

        def cat(xs, dt):
            return np.concatenate(xs) if xs else np.zeros(0, dtype=dt)

        A = sparse.csr_matrix(
            (cat(self.vals, float), (cat(self.rows, np.int64), cat(self.cols, np.int64))),
            shape=(self.m, n),
        )
        A.sum_duplicates()
        A.eliminate_zeros()
        return (
            A,
            cat(self.lower, float),
            cat(self.upper, float),
            cat(self.kind, object),
            cat(self.label, object),
        )


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate ``arange(lo[i], hi[i])`` for all i; also return which range each came from."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    lens = hi - lo
    total = int(lens.sum())
    owner = np.repeat(np.arange(lo.shape[0]), lens)
    starts = np.cumsum(lens) - lens
    idx = np.arange(total) - np.repeat(starts, lens) + np.repeat(lo, lens)
    return idx, owner


class _Layout:
    """Column layout and option data, gathered in one pass over the options."""

    def __init__(self, spec: ProblemSpec):
        T = spec.n_periods
        self.T = T
        n_opt = sum(len(c.options) for c in spec.commitments)
        self.opt_commitment = np.empty(n_opt, dtype=np.int64)
        self.opt_index = np.empty(n_opt, dtype=np.int64)
        self.opt_lo = np.empty(n_opt, dtype=np.int64)
        self.opt_hi = np.empty(n_opt, dtype=np.int64)
        self.opt_per_year_value = np.zeros(n_opt, dtype=bool)
        res_ids = [r.id for r in spec.resources]
        self.res_pos = {r: i for i, r in enumerate(res_ids)}
        scen_pos = {s.id: i for i, s in enumerate(spec.scenarios)}
        # (option, resource, amount) for scalar uses; lists kept aside
        us_o, us_r, us_v = [], [], []
        ul_o, ul_r, ul_v = [], [], []
        vs_o, vs_s, vs_v = [], [], []
        vl_o, vl_s, vl_v = [], [], []
        self.commitment_first_opt = np.empty(len(spec.commitments) + 1, dtype=np.int64)
        k = 0
        first = spec.first_year
        years = spec.years
        for ci, c in enumerate(spec.commitments):
            self.commitment_first_opt[ci] = k
            for oi, o in enumerate(c.options):
                self.opt_commitment[k] = ci
                self.opt_index[k] = oi
                if o.start is None or years is None:
                    self.opt_lo[k] = 0
                    self.opt_hi[k] = 0
                else:
                    self.opt_lo[k] = o.start[0] - first
                    self.opt_hi[k] = o.start[1] - first
                for rid, amt in o.use.items():
                    if type(amt) is tuple:
                        ul_o.append(k)
                        ul_r.append(self.res_pos[rid])
                        ul_v.append(amt)
                    else:
                        us_o.append(k)
                        us_r.append(self.res_pos[rid])
                        us_v.append(amt)
                self.opt_per_year_value[k] = o.value_per_year
                for sid, amt in o.value.items():
                    if type(amt) is tuple:
                        vl_o.append(k)
                        vl_s.append(scen_pos[sid])
                        vl_v.append(amt)
                    else:
                        vs_o.append(k)
                        vs_s.append(scen_pos[sid])
                        vs_v.append(amt)
                k += 1
        self.commitment_first_opt[-1] = k
        self.n_opt = k
        self.use_scalar = (
            np.asarray(us_o, np.int64),
            np.asarray(us_r, np.int64),
            np.asarray(us_v, float),
        )
        self.use_lists = (ul_o, ul_r, ul_v)
        self.value_scalar = (
            np.asarray(vs_o, np.int64),
            np.asarray(vs_s, np.int64),
            np.asarray(vs_v, float),
        )
        self.value_lists = (vl_o, vl_s, vl_v)

        counts = self.opt_hi - self.opt_lo + 1
        self.opt_first_col = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.n = int(self.opt_first_col[-1])
        self.col_opt = np.repeat(np.arange(k), counts)
        self.col_start = self.opt_lo[self.col_opt] + (
            np.arange(self.n) - self.opt_first_col[self.col_opt]
        )
        self.col_commitment = self.opt_commitment[self.col_opt]
        self.col_option = self.opt_index[self.col_opt]
        self.commitment_first_col = self.opt_first_col[self.commitment_first_opt]

    def member_range(self, spec_index: dict, m: Member) -> tuple[int, int]:
        ci = spec_index[m.commitment][0]
        if m.option is None:
            return int(self.commitment_first_col[ci]), int(self.commitment_first_col[ci + 1])
        k = int(self.commitment_first_opt[ci]) + spec_index[m.commitment][1][m.option]
        return int(self.opt_first_col[k]), int(self.opt_first_col[k + 1])

    def profile_matrix(
        self, scalar, lists, which: int, n_which: int, per_year_scalar
    ) -> np.ndarray:
        """Dense (n_opt, n_which, T) profiles by year since start.

        ``per_year_scalar`` says, for each scalar entry, whether it recurs every year (True)
        or is a one-off at the start (False).
        """
        T = self.T
        P = np.zeros((self.n_opt, n_which, T))
        o, w, v = scalar
        if o.size:
            rep = np.asarray(per_year_scalar, dtype=bool)
            once = ~rep
            P[o[once], w[once], 0] += v[once]
            P[o[rep], w[rep], :] += v[rep][:, None]
        lo, lw, lv = lists
        for oo, ww, vv in zip(lo, lw, lv, strict=True):
            P[oo, ww, : len(vv)] += vv
        return P

    def gather(self, P: np.ndarray) -> np.ndarray:
        """Per column and period: the option's amount in that period, (n, W, T)."""
        T = self.T
        t = np.arange(T)
        off = t[None, :] - self.col_start[:, None]  # (n, T)
        valid = off >= 0
        off = np.where(valid, off, 0)
        G = P[self.col_opt[:, None], :, off]  # (n, T, W)
        G = np.where(valid[:, :, None], G, 0.0)
        return np.transpose(G, (0, 2, 1))


def compile_spec(spec: ProblemSpec) -> MatrixModel:
    """Build the expected-value ``MatrixModel`` of a validated problem."""
    L = _Layout(spec)
    T, n = L.T, L.n
    labels = spec.period_labels
    index = {
        c.id: (ci, {o.id: oi for oi, o in enumerate(c.options)})
        for ci, c in enumerate(spec.commitments)
    }
    trip = _Triplets()

    # --- choice rows: at most (or exactly) one column per commitment -----------------------
    ncol_c = np.diff(L.commitment_first_col)
    required = np.array([c.required for c in spec.commitments], dtype=bool)
    need = (ncol_c > 1) | required
    ci_need = np.nonzero(need)[0]
    if ci_need.size:
        cols, owner = expand_ranges(
            L.commitment_first_col[ci_need], L.commitment_first_col[ci_need + 1]
        )
        trip.add(
            owner,
            cols,
            np.ones(cols.shape[0]),
            np.where(required[ci_need], 1.0, -np.inf),
            1.0,
            "choice",
            np.array([spec.commitments[i].id for i in ci_need], dtype=object),
        )

    # --- resources ------------------------------------------------------------------------
    R = len(spec.resources)
    if R:
        kinds = np.array([r.kind == "total" for r in spec.resources])
        _us_o, us_r, _ = L.use_scalar
        # a scalar use recurs every year against a per-year resource, once against a total one
        P = L.profile_matrix(L.use_scalar, L.use_lists, 1, R, ~kinds[us_r] if us_r.size else [])
        G = L.gather(P)  # (n, R, T)
        for ri, r in enumerate(spec.resources):
            if r.kind == "total":
                coef = G[:, ri, :].sum(axis=1)
                cap = r.capacity[0]
                if np.isinf(cap):
                    continue
                nz = np.nonzero(coef)[0]
                trip.add(np.zeros(nz.size), nz, coef[nz], -np.inf, cap, "total", f"{r.id} (total)")
                continue
            cap = np.asarray(r.capacity)
            keep = np.nonzero(np.isfinite(cap))[0]
            if keep.size == 0:
                continue
            block = G[:, ri, keep]  # (n, K)
            cc, rr = np.nonzero(block)
            trip.add(
                rr,
                cc,
                block[cc, rr],
                np.full(keep.size, -np.inf),
                cap[keep],
                "budget",
                np.array(
                    [f"{r.id} {labels[t]}" if labels[t] is not None else r.id for t in keep],
                    dtype=object,
                ),
            )

    # --- relations ------------------------------------------------------------------------
    _compile_relations(spec, L, index, trip)

    A, rlo, rup, rkind, rlabel = trip.build(n)

    # --- objective ------------------------------------------------------------------------
    S = len(spec.scenarios)
    vs_o, _vs_s, _ = L.value_scalar
    PV = L.profile_matrix(
        L.value_scalar, L.value_lists, 1, S, L.opt_per_year_value[vs_o] if vs_o.size else []
    )
    GV = L.gather(PV)  # (n, S, T)
    first = 0
    disc = (1.0 + spec.discount_rate) ** -(np.arange(T, dtype=float) - first)
    C = GV @ disc  # (n, S)
    p = np.array([s.probability for s in spec.scenarios], dtype=float)

    return MatrixModel(
        c=C @ p,
        A=A,
        row_lower=rlo,
        row_upper=rup,
        col_lower=np.zeros(n),
        col_upper=np.ones(n),
        integrality=np.ones(n, dtype=bool),
        maximize=spec.sense == "maximize",
        C=C,
        p=p,
        scenario_ids=tuple(s.id for s in spec.scenarios),
        row_kind=rkind,
        row_label=rlabel,
        col_commitment=L.col_commitment,
        col_option=L.col_option,
        col_start=L.col_start,
        commitment_ids=tuple(c.id for c in spec.commitments),
        option_ids=tuple(tuple(o.id for o in c.options) for c in spec.commitments),
        period_labels=labels,
        n_decision=n,
        meta={"problem": spec.name},
    )


def _compile_relations(spec: ProblemSpec, L: _Layout, index: dict, trip: _Triplets) -> None:
    """Rows for every relation. Non-timed relations are gathered as (row, range, sign)."""
    seg_row: list[int] = []
    seg_lo: list[int] = []
    seg_hi: list[int] = []
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
        a, b = L.member_range(index, m)
        seg_row.append(row)
        seg_lo.append(a)
        seg_hi.append(b)
        seg_sign.append(sign)

    timed = []
    for rel in spec.relations:
        t, label = rel.type, rel.label()
        if t == "requires":
            if rel.lag is not None:
                timed.append(rel)
                continue
            row = new_row(-np.inf, 0.0, "requires", label)
            seg(row, rel.a, 1.0)
            seg(row, rel.b, -1.0)
        elif t == "excludes":
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
        cols, owner = expand_ranges(np.array(seg_lo), np.array(seg_hi))
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

    # Timed requires: for each start period s of a: sum(a starts <= s) <= sum(b starts <= s - lag)
    for rel in timed:
        a_lo, a_hi = L.member_range(index, rel.a)
        b_lo, b_hi = L.member_range(index, rel.b)
        a_cols = np.arange(a_lo, a_hi)
        b_cols = np.arange(b_lo, b_hi)
        a_start = L.col_start[a_cols]
        b_start = L.col_start[b_cols]
        periods = np.unique(a_start)
        r_list, c_list, v_list = [], [], []
        for i, s in enumerate(periods):
            ac = a_cols[a_start <= s]
            bc = b_cols[b_start <= s - rel.lag]
            r_list.append(np.full(ac.size + bc.size, i))
            c_list.append(np.concatenate([ac, bc]))
            v_list.append(np.concatenate([np.ones(ac.size), -np.ones(bc.size)]))
        labels_t = np.array(
            [
                f"{rel.label()} by {spec.period_labels[s]}" if spec.years else rel.label()
                for s in periods
            ],
            dtype=object,
        )
        trip.add(
            np.concatenate(r_list),
            np.concatenate(c_list),
            np.concatenate(v_list),
            np.full(periods.size, -np.inf),
            0.0,
            "requires",
            labels_t,
        )
