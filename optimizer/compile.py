"""Compile a ``ProblemSpec`` into a ``MatrixModel`` with NumPy index arrays.

One pass over the options gathers their data into arrays; every matrix entry is then made by
array operations (no Python object per nonzero). Columns are ordered by commitment, option,
start year, so a commitment's or an option's columns form one contiguous range: relations are
compiled from ranges.
"""

from __future__ import annotations

from itertools import chain

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
    lens = np.asarray(hi, dtype=np.int64) - lo
    owner = np.repeat(np.arange(lo.shape[0]), lens)
    starts = np.cumsum(lens) - lens
    idx = np.arange(owner.shape[0], dtype=np.int64) + (lo - starts)[owner]
    return idx, owner


class _Layout:
    """Column layout and option data, gathered in one pass over the options.

    Option amounts are kept as flat arrays of entries ``(option, key, amount, kind)`` where
    ``kind`` says whether a scalar recurs every year or is a one-off; list profiles are
    flattened to entries ``(option, key, offset, amount)``.
    """

    def __init__(self, spec: ProblemSpec):
        self.T = spec.n_periods
        opts = [o for c in spec.commitments for o in c.options]
        n_opt = len(opts)
        self.n_opt = n_opt
        per_c = np.fromiter(
            (len(c.options) for c in spec.commitments), dtype=np.int64, count=len(spec.commitments)
        )
        self.commitment_first_opt = np.concatenate([[0], np.cumsum(per_c)]).astype(np.int64)
        self.opt_commitment = np.repeat(np.arange(len(spec.commitments)), per_c)
        self.opt_index = np.arange(n_opt) - self.commitment_first_opt[self.opt_commitment]
        first = spec.first_year
        if spec.years is None:
            self.opt_lo = np.zeros(n_opt, dtype=np.int64)
            self.opt_hi = np.zeros(n_opt, dtype=np.int64)
        else:
            starts = [o.start or (first, first) for o in opts]
            self.opt_lo = np.fromiter((s[0] for s in starts), dtype=np.int64, count=n_opt) - first
            self.opt_hi = np.fromiter((s[1] for s in starts), dtype=np.int64, count=n_opt) - first
        self.opt_per_year_value = np.fromiter(
            (o.value_per_year for o in opts), dtype=bool, count=n_opt
        )
        res_pos = {r.id: i for i, r in enumerate(spec.resources)}
        scen_pos = {s.id: i for i, s in enumerate(spec.scenarios)}
        self.use = self._entries(opts, "use", res_pos)
        self.value = self._entries(opts, "value", scen_pos)

        counts = self.opt_hi - self.opt_lo + 1
        self.opt_first_col = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.n = int(self.opt_first_col[-1])
        self.col_opt = np.repeat(np.arange(n_opt), counts)
        self.col_start = self.opt_lo[self.col_opt] + (
            np.arange(self.n) - self.opt_first_col[self.col_opt]
        )
        self.col_commitment = self.opt_commitment[self.col_opt]
        self.col_option = self.opt_index[self.col_opt]
        self.commitment_first_col = self.opt_first_col[self.commitment_first_opt]

    @staticmethod
    def _entries(opts, attr: str, pos: dict):
        """Scalars as (option, key, amount); profiles as (option, key, offset, amount)."""
        dicts = [getattr(o, attr) for o in opts]
        lens = np.fromiter(map(len, dicts), dtype=np.int64, count=len(dicts))
        total = int(lens.sum())
        owner = np.repeat(np.arange(len(dicts), dtype=np.int64), lens)
        keys = np.fromiter(
            map(pos.__getitem__, chain.from_iterable(dicts)), dtype=np.int64, count=total
        )
        vals = list(chain.from_iterable(d.values() for d in dicts))
        try:
            fv = np.array(vals, dtype=float)
            if fv.ndim != 1:
                raise ValueError
            return (owner, keys, fv), _NO_LISTS
        except (ValueError, TypeError):
            pass
        scalars: list[float] = []
        lists: list[tuple] = []
        is_list = np.zeros(total, dtype=bool)
        for i, v in enumerate(vals):  # one pass: split plain numbers from profiles
            if type(v) is tuple:
                lists.append(v)
                is_list[i] = True
            else:
                scalars.append(v)
        sc = ~is_list
        sv = np.array(scalars, dtype=float)
        llen = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        lo = np.repeat(owner[is_list], llen)
        lk = np.repeat(keys[is_list], llen)
        loff = np.arange(int(llen.sum())) - np.repeat(np.cumsum(llen) - llen, llen)
        lv = np.fromiter(chain.from_iterable(lists), dtype=float, count=int(llen.sum()))
        return (owner[sc], keys[sc], sv), (lo, lk, loff, lv)

    def member_range(self, spec_index: dict, m: Member) -> tuple[int, int]:
        ci = spec_index[m.commitment][0]
        if m.option is None:
            return int(self.commitment_first_col[ci]), int(self.commitment_first_col[ci + 1])
        k = int(self.commitment_first_opt[ci]) + spec_index[m.commitment][1][m.option]
        return int(self.opt_first_col[k]), int(self.opt_first_col[k + 1])

    def expand(self, entries, recurring: np.ndarray):
        """Triplets ``(column, key, period, amount)`` of every option entry over its columns.

        ``recurring[e]`` says whether scalar entry ``e`` recurs every year from the start (else
        it is a one-off at the start). Periods past the horizon are dropped.
        """
        T = self.T
        (so, sk, sv), (lo, lk, loff, lv) = entries
        cols, owner = expand_ranges(self.opt_first_col[so], self.opt_first_col[so + 1])
        start = self.col_start[cols]
        rec = np.asarray(recurring, dtype=bool)[owner] if owner.size else np.zeros(0, bool)
        per, o2 = expand_ranges(start, np.where(rec, T, start + 1))
        own2 = owner[o2]
        cols_l, owner_l = expand_ranges(self.opt_first_col[lo], self.opt_first_col[lo + 1])
        per_l = self.col_start[cols_l] + loff[owner_l]
        keep = per_l < T
        owner_l = owner_l[keep]
        return (
            np.concatenate([cols[o2], cols_l[keep]]),
            np.concatenate([sk[own2], lk[owner_l]]),
            np.concatenate([per, per_l[keep]]),
            np.concatenate([sv[own2], lv[owner_l]]),
        )

    def objective(
        self, entries, recurring: np.ndarray, disc: np.ndarray, n_keys: int
    ) -> np.ndarray:
        """(n, n_keys) discounted totals; scalars need no expansion over periods."""
        T = self.T
        (so, sk, sv), (lo, lk, loff, lv) = entries
        tail = np.cumsum(disc[::-1])[::-1]
        cols, owner = expand_ranges(self.opt_first_col[so], self.opt_first_col[so + 1])
        start = self.col_start[cols]
        rec = np.asarray(recurring, dtype=bool)[owner] if owner.size else np.zeros(0, bool)
        w = sv[owner] * np.where(rec, tail[start], disc[start])
        C = np.bincount(cols * n_keys + sk[owner], weights=w, minlength=self.n * n_keys)
        C = C.astype(float)  # bincount of no entries is integer
        cols_l, owner_l = expand_ranges(self.opt_first_col[lo], self.opt_first_col[lo + 1])
        per_l = self.col_start[cols_l] + loff[owner_l]
        keep = per_l < T
        cols_l, owner_l, per_l = cols_l[keep], owner_l[keep], per_l[keep]
        if cols_l.size:
            C += np.bincount(
                cols_l * n_keys + lk[owner_l],
                weights=lv[owner_l] * disc[per_l],
                minlength=self.n * n_keys,
            )
        return C.reshape(self.n, n_keys)


class _CommitmentIndex(dict):
    """``{commitment id: (position, {option id: position})}``, filled only for the ids that
    relations and constraints name (building it for every commitment costs more than the
    rest of a relation-light compile)."""

    def __init__(self, spec: ProblemSpec):
        super().__init__()
        self._commitments = spec.commitments
        self._pos: dict[str, int] | None = None

    def __missing__(self, key: str):
        if self._pos is None:
            self._pos = {c.id: i for i, c in enumerate(self._commitments)}
        ci = self._pos[key]
        entry = (ci, {o.id: oi for oi, o in enumerate(self._commitments[ci].options)})
        self[key] = entry
        return entry


_NO_LISTS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def compile_spec(spec: ProblemSpec) -> MatrixModel:
    """Build the expected-value ``MatrixModel`` of a validated problem."""
    L = _Layout(spec)
    T, n = L.T, L.n
    labels = spec.period_labels
    index = _CommitmentIndex(spec)
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
        is_total = np.array([r.kind == "total" for r in spec.resources])
        so, sk, _ = L.use[0]
        # a scalar use recurs every year against a per-year resource, once against a total one
        col, key, per, val = L.expand(L.use, ~is_total[sk])
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
        rows = row_of[key, per]
        keep = rows >= 0
        if m_res:
            trip.add(
                rows[keep],
                col[keep],
                val[keep],
                np.full(m_res, -np.inf),
                np.asarray(upper_all),
                np.array(kinds_all, dtype=object),
                np.array(labels_all, dtype=object),
            )

    # --- relations ------------------------------------------------------------------------
    _compile_relations(spec, L, index, trip)

    # --- responses and general constraints ------------------------------------------------
    S = len(spec.scenarios)
    resp = _responses(spec, n)
    _compile_constraints(spec, L, index, resp, trip)
    n_all = n + resp["n"]

    A, rlo, rup, rkind, rlabel = trip.build(n_all)

    # --- objective ------------------------------------------------------------------------
    so, _, _ = L.value[0]
    disc = (1.0 + spec.discount_rate) ** -np.arange(T, dtype=float)
    C = np.vstack([L.objective(L.value, L.opt_per_year_value[so], disc, S), resp["C"]])
    p = np.array([s.probability for s in spec.scenarios], dtype=float)

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
        commitment_ids=tuple(c.id for c in spec.commitments),
        option_ids=tuple(tuple(o.id for o in c.options) for c in spec.commitments),
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


def _compile_constraints(spec: ProblemSpec, L: _Layout, index, resp: dict, trip: _Triplets) -> None:
    """Rows of the ``[[constraints]]``: one row, or one per scenario when the constraint
    involves recourse or scenario-indexed coefficients."""
    from .spec.validate import constraint_forms

    forms = constraint_forms(spec)
    S = len(spec.scenarios)
    for k, (con, pc) in enumerate(zip(spec.constraints, forms, strict=True)):
        f = pc.form
        varies = any(resp["stage"].get(n) == 2 for n in f.terms) or any(
            len(set(c)) > 1 for c in (*f.terms.values(), f.constant)
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
                lo_c, hi_c = L.member_range(index, Member.parse(name))
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

    # Timed requires: for each start period s of a: sum(a starts <= s) <= sum(b starts <= s - lag),
    # one row per (relation, start period of a), built for all timed relations at once.
    if timed:
        T = L.T
        a_rng = np.array([L.member_range(index, r.a) for r in timed], dtype=np.int64)
        b_rng = np.array([L.member_range(index, r.b) for r in timed], dtype=np.int64)
        lag = np.array([r.lag for r in timed], dtype=np.int64)
        a_cols, a_own = expand_ranges(a_rng[:, 0], a_rng[:, 1])
        ukey = np.unique(a_own * T + L.col_start[a_cols])
        row_rel, row_per = ukey // T, ukey % T
        ca, ra = expand_ranges(a_rng[row_rel, 0], a_rng[row_rel, 1])
        ka = L.col_start[ca] <= row_per[ra]
        cb, rb = expand_ranges(b_rng[row_rel, 0], b_rng[row_rel, 1])
        kb = L.col_start[cb] <= row_per[rb] - lag[row_rel[rb]]
        base = [r.label() for r in timed]
        labels_t = np.array(
            [
                f"{base[i]} by {spec.period_labels[p]}" if spec.years else base[i]
                for i, p in zip(row_rel.tolist(), row_per.tolist(), strict=True)
            ],
            dtype=object,
        )
        trip.add(
            np.concatenate([ra[ka], rb[kb]]),
            np.concatenate([ca[ka], cb[kb]]),
            np.concatenate([np.ones(int(ka.sum())), -np.ones(int(kb.sum()))]),
            np.full(ukey.size, -np.inf),
            0.0,
            "requires",
            labels_t,
        )
