"""The column layout of a compiled problem: commitment × option × start-year columns in
contiguous ranges, and the option data gathered in one pass."""

from __future__ import annotations

from itertools import chain
from operator import attrgetter, itemgetter

import numpy as np

from .compile_arrays import _INT32_MAX, _Amounts, expand_ranges
from .spec.bulk import CommitmentTable
from .spec.model import Member, ProblemSpec


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
