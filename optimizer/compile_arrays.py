"""The array helpers of the compile: CSR row blocks from triplets, index ranges expanded, and
the amounts of every option gathered into flat arrays (no Python object per nonzero)."""

from __future__ import annotations

from contextlib import suppress
from itertools import chain, compress, repeat
from operator import attrgetter, is_, itemgetter, methodcaller, not_

import numpy as np

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


_NO_LISTS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
