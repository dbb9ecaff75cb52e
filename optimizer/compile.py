"""Compile a ``ProblemSpec`` into a ``MatrixModel`` with NumPy index arrays.

One pass over the options gathers their data into arrays; every matrix entry is then made by
array operations (no Python object per nonzero). Columns are ordered by commitment, option,
start year, so a commitment's or an option's columns form one contiguous range: relations are
compiled from ranges.

The matrix is assembled as CSR blocks of consecutive rows. The choice and resource rows (all
but a few of the nonzeros) come out already in CSR order, so only the small relation and
constraint blocks go through a COO -> CSR conversion; the blocks are then laid end to end.
"""

from __future__ import annotations

import gc
from contextlib import suppress
from itertools import chain, compress, repeat
from operator import attrgetter, is_, itemgetter, methodcaller, not_

import numpy as np

from .model import MatrixModel
from .numerics import check_magnitudes
from .spec.bulk import CommitmentTable, stages
from .spec.model import Member, ProblemSpec

_INT32_MAX = int(np.iinfo(np.int32).max)


class _Triplets:
    """The constraint matrix as blocks of consecutive rows, with the row bounds.

    A block added with ``add`` is COO and may hold duplicates (summed) and zeros (dropped);
    one added with ``add_csr`` is already canonical (each row's columns ascending, unique,
    nonzero). Blocks own disjoint rows, so the matrix is the blocks' CSR arrays end to end:
    no global sort.
    """

    def __init__(self) -> None:
        self.blocks: list[tuple] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []
        self.label: list[np.ndarray] = []
        self.m = 0

    def _rows(self, lower, upper, kind, label) -> int:
        lower = np.atleast_1d(np.asarray(lower, dtype=float))
        k = lower.shape[0]
        self.lower.append(lower)
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (k,)).copy())
        self.kind.append(np.broadcast_to(np.asarray(kind, dtype=object), (k,)).copy())
        lab = np.empty(k, dtype=object)
        lab[:] = label
        self.label.append(lab)
        self.m += k
        return k

    def add(self, r, c, v, lower, upper, kind, label) -> None:
        """Add rows ``self.m + r`` (``r`` local, 0-based); bounds/labels have one entry a row."""
        k = self._rows(lower, upper, kind, label)
        self.blocks.append(
            (
                "coo",
                k,
                np.asarray(r, dtype=np.int64),
                np.asarray(c, dtype=np.int64),
                np.asarray(v, dtype=float),
            )
        )

    def add_csr(self, counts, indices, data, lower, upper, kind, label) -> None:
        """Add canonical rows: ``counts[i]`` entries for local row ``i``; ``indices`` and
        ``data`` are lists of arrays that, end to end, hold the rows in order."""
        k = self._rows(lower, upper, kind, label)
        self.blocks.append(("csr", k, np.asarray(counts, dtype=np.int64), indices, data))

    def build(self, n: int):
        from scipy import sparse

        counts, indices, data = [], [], []
        for form, k, a, b, c in self.blocks:
            if form == "coo":
                B = sparse.csr_matrix((c, (a, b)), shape=(k, n))
                B.sum_duplicates()
                B.eliminate_zeros()
                a, b, c = np.diff(B.indptr), [B.indices], [B.data]
            counts.append(a)
            indices += b
            data += c
        nnz = int(sum(int(x.sum()) for x in counts))
        idx = np.int32 if max(self.m, n, nnz) <= _INT32_MAX else np.int64
        indptr = np.zeros(self.m + 1, dtype=idx)
        if counts:
            np.cumsum(np.concatenate(counts), out=indptr[1:])
        A = sparse.csr_matrix(
            (_cat(data, float, nnz), _cat(indices, idx, nnz), indptr),
            shape=(self.m, n),
        )
        A.has_sorted_indices = True  # every block is canonical
        A.has_canonical_format = True
        return (
            A,
            _cat(self.lower, float),
            _cat(self.upper, float),
            _cat(self.kind, object),
            _cat(self.label, object),
        )


def _cat(xs, dt, size: int | None = None) -> np.ndarray:
    """Concatenate into one new array of dtype ``dt`` (``size`` elements if known)."""
    if not xs:
        return np.zeros(0, dtype=dt)
    if size is None:
        return np.concatenate(xs).astype(dt, copy=False)
    out = np.empty(size, dtype=dt)
    np.concatenate(xs, out=out, casting="same_kind")
    return out


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate ``arange(lo[i], hi[i])`` for all i; also return which range each came from."""
    lo = np.asarray(lo, dtype=np.int64)
    lens = np.asarray(hi, dtype=np.int64) - lo
    owner = np.repeat(np.arange(lo.shape[0]), lens)
    starts = np.cumsum(lens) - lens
    idx = np.arange(owner.shape[0], dtype=np.int64) + (lo - starts)[owner]
    return idx, owner


_values = methodcaller("values")


class _Amounts:
    """One option attribute (``use`` or ``value``) as flat arrays, one entry per (option, key)
    in option order: ``owner``, ``key``, ``is_list``; a number is in ``scalar``, a profile's
    elements are ``pool[ptr : ptr + length]``."""

    def __init__(self, opts: list, attr: str, pos: dict):
        dicts = list(map(attrgetter(attr), opts))
        n = len(dicts)
        lens = np.fromiter(map(len, dicts), dtype=np.int64, count=n)
        total = int(lens.sum())
        self.owner = np.repeat(np.arange(n, dtype=np.int64), lens)
        vals = None
        names = tuple(dicts[0]) if total else ()
        if names and (lens == len(names)).all():
            # the same keys in every option (the common case): fetch the amounts by key, in
            # the first option's key order, without a lookup per key
            with suppress(KeyError):
                if len(names) == 1:
                    vals = list(map(itemgetter(names[0]), dicts))
                else:
                    vals = list(chain.from_iterable(map(itemgetter(*names), dicts)))
        if vals is not None:
            self.key = np.tile(np.array([pos[k] for k in names], dtype=np.int64), n)
        else:
            self.key = np.fromiter(
                map(pos.__getitem__, chain.from_iterable(dicts)), dtype=np.int64, count=total
            )
            vals = list(chain.from_iterable(map(_values, dicts)))
        zero = np.zeros(total, dtype=np.int64)
        try:  # plain numbers only (the common case)
            self.scalar = np.fromiter(vals, dtype=float, count=total)
            self.is_list = np.zeros(total, dtype=bool)
            self.ptr, self.length, self.pool = zero, zero, np.zeros(0)
            return
        except (TypeError, ValueError):
            pass
        flags = list(map(is_, map(type, vals), repeat(tuple)))  # profiles are tuples
        self.is_list = np.array(flags, dtype=bool)
        lists = list(compress(vals, flags))
        self.scalar = np.zeros(total)
        self.scalar[~self.is_list] = np.fromiter(
            compress(vals, map(not_, flags)), dtype=float, count=total - len(lists)
        )
        llen = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        self.length = zero.copy()
        self.length[self.is_list] = llen
        self.ptr = zero.copy()
        self.ptr[self.is_list] = np.cumsum(llen) - llen
        self.pool = np.fromiter(chain.from_iterable(lists), dtype=float, count=int(llen.sum()))

    def split(self):
        """Scalars as (option, key, amount); profiles as (option, key, offset, amount)."""
        if not self.pool.size and not self.is_list.any():
            return (self.owner, self.key, self.scalar), _NO_LISTS
        sc, li = ~self.is_list, self.is_list
        llen = self.length[li]
        loff = np.arange(int(llen.sum())) - np.repeat(np.cumsum(llen) - llen, llen)
        return (self.owner[sc], self.key[sc], self.scalar[sc]), (
            np.repeat(self.owner[li], llen),
            np.repeat(self.key[li], llen),
            loff,
            self.pool,
        )


class _Layout:
    """Column layout and option data, gathered in one pass over the options (C-level
    iteration: ``map``/``chain`` over the spec's objects, no Python loop per option)."""

    def __init__(self, spec: ProblemSpec):
        self.T = spec.n_periods
        commitments = spec.commitments
        if isinstance(commitments, CommitmentTable):  # columns: read as arrays
            from .compile_table import gather

            gather(self, spec, commitments, _Amounts)
        else:
            self._gather(spec, commitments)
        counts = self.opt_hi - self.opt_lo + 1
        n_opt = self.n_opt
        self.opt_first_col = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.n = int(self.opt_first_col[-1])
        self.col_opt = np.repeat(np.arange(n_opt), counts)
        self.col_start = self.opt_lo[self.col_opt] + (
            np.arange(self.n) - self.opt_first_col[self.col_opt]
        )
        self.col_commitment = self.opt_commitment[self.col_opt]
        self.col_option = self.opt_index[self.col_opt]
        self.commitment_first_col = self.opt_first_col[self.commitment_first_opt]
        self._commitments = commitments
        self._pos: dict[str, int] | None = None

    def _gather(self, spec: ProblemSpec, commitments) -> None:
        # one pass over the commitments for what the compile needs of them
        if commitments:
            per_c_opts, ids, required = zip(
                *map(attrgetter("options", "id", "required"), commitments), strict=True
            )
        else:
            per_c_opts, ids, required = (), (), ()
        self.commitment_ids: tuple[str, ...] = ids
        self.required = np.array(required, dtype=bool)
        opts = list(chain.from_iterable(per_c_opts))
        n_opt = len(opts)
        self.n_opt = n_opt
        per_c = np.fromiter(map(len, per_c_opts), dtype=np.int64, count=len(commitments))
        self.commitment_first_opt = np.concatenate([[0], np.cumsum(per_c)]).astype(np.int64)
        self.opt_commitment = np.repeat(np.arange(len(commitments)), per_c)
        self.opt_index = np.arange(n_opt) - self.commitment_first_opt[self.opt_commitment]
        first = spec.first_year
        if spec.years is None:
            self.opt_lo = np.zeros(n_opt, dtype=np.int64)
            self.opt_hi = np.zeros(n_opt, dtype=np.int64)
        else:
            starts = list(map(attrgetter("start"), opts))
            if None in starts:
                starts = [s or (first, first) for s in starts]
            lohi = np.fromiter(chain.from_iterable(starts), dtype=np.int64, count=2 * n_opt)
            lohi = lohi.reshape(n_opt, 2) - first
            self.opt_lo = np.ascontiguousarray(lohi[:, 0])
            self.opt_hi = np.ascontiguousarray(lohi[:, 1])
        self.opt_per_year_value = np.fromiter(
            map(attrgetter("value_per_year"), opts), dtype=bool, count=n_opt
        )
        res_pos = {r.id: i for i, r in enumerate(spec.resources)}
        scen_pos = {s.id: i for i, s in enumerate(spec.scenarios)}
        self.use = _Amounts(opts, "use", res_pos)
        self.value = _Amounts(opts, "value", scen_pos)
        self.option_ids = list(map(attrgetter("id"), opts))

    def _position(self) -> dict[str, int]:
        if self._pos is None:
            ids = self.commitment_ids
            self._pos = dict(zip(ids, range(len(ids)), strict=True))
        return self._pos

    def _option_first_col(self, ci: int, option: str) -> int:
        k = int(self.commitment_first_opt[ci])
        for o in self._commitments[ci].options:
            if o.id == option:
                return k
            k += 1
        raise KeyError(f"{self._commitments[ci].id}.{option}")

    def member_range(self, m: Member) -> tuple[int, int]:
        """The columns ``[a, b)`` of a member (a commitment's or one option's)."""
        lo, hi = self.member_ranges([m])
        return int(lo[0]), int(hi[0])

    def member_ranges(self, members: list[Member]) -> tuple[np.ndarray, np.ndarray]:
        """The columns ``[lo[i], hi[i])`` of each member, looked up all at once."""
        pos = self._position()
        k = len(members)
        ci = np.fromiter(
            map(pos.__getitem__, map(attrgetter("commitment"), members)), dtype=np.int64, count=k
        )
        lo = self.commitment_first_col[ci]
        hi = self.commitment_first_col[ci + 1]
        options = list(map(attrgetter("option"), members))
        if options.count(None) < k:
            for i, o in enumerate(options):
                if o is not None:
                    j = self._option_first_col(int(ci[i]), o)
                    lo[i], hi[i] = self.opt_first_col[j], self.opt_first_col[j + 1]
        return lo, hi

    def use_rows(self, row_of: np.ndarray, is_total: np.ndarray, m_res: int):
        """The resource rows as canonical CSR pieces: ``(counts, [indices], [data])``.

        ``row_of[r, t]`` is the row of resource ``r`` in period ``t`` (-1: no row; rows are
        numbered by resource, then period). A number recurs every year from the start against
        a per-year resource and counts once (at the start) against a total one; a profile
        runs by year from the start; periods past the horizon are dropped; zero amounts are
        not entries.

        One vectorised pass per row over the (entry, column) pairs of its resource: pairs are
        in option order and an option's columns are contiguous and ascending, so each row's
        columns come out ascending with no sort, and nothing is made per nonzero but the
        output itself.
        """
        T = self.T
        a = self.use
        first = self.opt_first_col
        pieces: list[tuple[int, np.ndarray, np.ndarray]] = []  # (row, columns, amounts)
        idx = np.int32 if self.n <= _INT32_MAX else np.int64
        lists = bool(a.pool.size)
        zeros = bool((a.scalar[~a.is_list] == 0).any() or (a.pool == 0).any())
        for r in range(row_of.shape[0]):
            if (row_of[r] < 0).all():
                continue
            e = np.flatnonzero(a.key == r)  # this resource's entries, in option order
            cols, pe = expand_ranges(first[a.owner[e]], first[a.owner[e] + 1])
            e = e[pe]  # the entry of each (entry, column) pair
            start = self.col_start[cols].astype(np.int32)
            cols = cols.astype(idx)
            sv = a.scalar[e]
            li = np.flatnonzero(a.is_list[e]) if lists else np.zeros(0, np.int64)
            if li.size:
                ptr = a.ptr[e[li]]
                end = start[li] + np.minimum(a.length[e[li]], T - start[li]).astype(np.int32)
            if is_total[r]:  # one row: a number once, a profile summed over its periods
                if li.size:
                    k, own = expand_ranges(ptr, ptr + (end - start[li]))
                    sv[li] = np.bincount(own, weights=a.pool[k], minlength=li.size)
                pieces.append((int(row_of[r, 0]), cols, sv))
            else:
                for t in range(T):
                    if row_of[r, t] < 0:
                        continue
                    sel = np.flatnonzero(start <= t)
                    v = sv[sel]
                    if li.size:
                        # a profile's amount this year (0 past its end: dropped below)
                        p = np.flatnonzero((start[li] <= t) & (t < end))
                        v[np.searchsorted(sel, li[p])] = a.pool[ptr[p] + (t - start[li[p]])]
                    pieces.append((int(row_of[r, t]), cols[sel], v))
        pieces.sort(key=itemgetter(0))
        counts = np.zeros(m_res, dtype=np.int64)
        ind_parts: list[np.ndarray] = []
        val_parts: list[np.ndarray] = []
        for row, c, v in pieces:
            if zeros or lists:
                nz = v != 0
                if not nz.all():
                    c, v = c[nz], v[nz]
            counts[row] = c.shape[0]
            ind_parts.append(c)
            val_parts.append(v)
        return counts, ind_parts, val_parts

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


_NO_LISTS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def compile_spec(spec: ProblemSpec) -> MatrixModel:
    """Build the expected-value ``MatrixModel`` of a validated problem.

    The cyclic garbage collector is paused meanwhile (and restored, also on error): the
    compile makes many short-lived tuples and lists but no cycles, and every collection it
    would trigger walks all the objects of a large spec.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        if 2 in stages(spec.commitments):
            from .tranches import compile_tranches

            model = compile_tranches(spec)
        else:
            model = _compile(spec)
        if spec.shifts or any(s.baseline for s in spec.scenarios):
            from .odds import apply_shifts

            model = apply_shifts(model, spec)
        if spec.criteria:  # scores -> one coefficient column per criterion
            from .criteria import attach_criteria

            model = attach_criteria(spec, model)
    finally:
        if enabled:
            gc.enable()
    return check_magnitudes(model, where=spec.name)  # numbers the solvers cannot take: exit 2


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
