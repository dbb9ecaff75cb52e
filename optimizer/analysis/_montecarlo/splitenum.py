"""Exact draws without a MIP solve, for small pure-binary choice models: split enumeration.

A model qualifies when every column is binary (bounds 0 and 1 in every draw) and its columns
fall into *groups*: the columns of a choice row (all coefficients 1, upper bound 1, lower bound
1 or at most 0 -- pick one option, or at most one), or a column of its own (on or off). A
package is one option (or none, where allowed) per group, so the packages of a set of groups
are the product of their options.

The groups are split in two halves ``H1``, ``H2`` whose packages can be listed (at most
``HALF_LIMIT`` each). A row all of whose groups lie in one half is *internal* to it and is
checked on that half's packages alone; the other rows are *linking*. For a draw with a known
feasible package of value ``v_inc`` (an incumbent), every package that could reach it is found
as follows. For any multipliers ``u`` of the linking rows, and any package ``x = (a, b)``
that is feasible in the draw,

    f x  <=  term(u) + (f - u A) a + (f - u A) b,      term(u) = sum_i max(u_i l_i, u_i h_i)

(``f`` the objective as a maximisation, ``l``/``h`` the row bounds, ``u_i = 0`` where the bound
it needs is infinite): the Lagrangian bound, valid for every ``u``. With ``u`` the duals of the
point-value LP relaxation (solved once per worker, from a cleared state), the pairs ``(a, b)``
of half packages that are feasible in their internal rows and whose bound reaches ``v_inc`` less
a margin are few; they are listed exactly (sorted halves, a binary search per ``a``) and each
pair's linking rows are checked. So the best feasible pair is the draw's optimum, and every
package within ``TOL`` of it is among the pairs: of those, the point-value package if it is
one, else the smallest sorted tuple of columns is reported. Without an incumbent, levels ever further below the best bound are tried until
one holds a package that is at least ``2 TOL`` above the level.

The answer depends on nothing but the draw: not on ``u`` (it only decides how many pairs are
looked at) and not on the incumbent (it only sets the level), so any incumbent will do and
the caller takes a cheap one. When the pairs exceed ``PAIR_LIMIT``, or no package is found
(or the incumbent is not among the pairs, which only rounding at the tolerance can cause), the
caller solves the MIP instead. Feasibility uses the relative tolerance of
``Drawn.violations`` (``TOL``).
"""

from __future__ import annotations

import math

import numpy as np

from .drawn import DrawData, Drawn
from .linear import TOL, _tol

HALF_LIMIT = 50_000  # packages of one half (before its fixed rows filter them)
PAIR_LIMIT = 50_000  # pairs checked in one draw before the caller falls back to the MIP
SPLIT_TRIALS = 12  # candidate splits scored at set-up
# without an incumbent: levels below the best bound, in turn (the last: every pair)
LEVELS = (0.01, 0.03, 0.1, 0.3, math.inf)


def _groups(base, drawn: Drawn):
    """``(groups, group rows, required)`` of a qualifying model, else None. Exactly-one rows
    are taken first, then at-most-one rows, each only if none of its columns is taken yet;
    every other column is a group of its own."""
    n, m = base.n, base.m
    if n == 0 or not np.all(base.integrality[:n]):
        return None
    if not (np.all(base.col_lower == 0) and np.all(base.col_upper == 1)):
        return None
    if drawn.chg_cl.size or drawn.chg_cu.size or drawn.A0 is None:
        return None
    A = drawn.A0
    varying = _varying_rows(drawn, m)
    kind = getattr(base, "row_kind", None)
    order = sorted(
        range(m),
        key=lambda i: (kind is None or kind[i] != "choice", base.row_lower[i] != 1, i),
    )
    taken = np.zeros(n, dtype=bool)
    groups: list[np.ndarray] = []
    rows: list[int] = []
    required: list[bool] = []
    for i in order:
        lo = base.row_lower[i]
        if varying[i] or base.row_upper[i] != 1 or not (lo == 1 or lo <= 0):
            continue
        cols = np.nonzero(A[i])[0]
        if cols.size == 0 or np.any(A[i, cols] != 1) or np.any(taken[cols]):
            continue
        taken[cols] = True
        groups.append(cols)
        rows.append(i)
        required.append(bool(lo == 1))
    for j in np.nonzero(~taken)[0]:
        groups.append(np.array([j]))
        required.append(False)
    return groups, np.array(rows, dtype=np.int64), required


def _varying_rows(drawn: Drawn, m: int) -> np.ndarray:
    """Rows whose coefficients or bounds a draw may change."""
    varying = np.zeros(m, dtype=bool)
    varying[drawn.r_chg] = True
    varying[drawn.chg_rl] = True
    varying[drawn.chg_ru] = True
    return varying


class _Half:
    """The packages of a set of groups, kept only where the half's internal rows that never
    vary hold: ``CT[g, k]`` is the column package ``k`` takes in group ``g`` (``n``: none).
    For the internal rows that vary (``check_rows``), the activity of the groups whose
    coefficients there never vary is summed once (``static``)."""

    def __init__(self, gids, groups, required, n, A, rl, ru, fixed_rows, check_rows, V):
        from scipy import sparse

        lists = [np.append(groups[g], [] if required[g] else [n]).astype(np.intp) for g in gids]
        # the product of the groups' options, in itertools.product's order
        grids = np.meshgrid(*lists, indexing="ij")
        CT = np.ascontiguousarray(np.stack([g.ravel() for g in grids]).reshape(len(gids), -1))
        Ax = np.hstack([A, np.zeros((A.shape[0], 1))])
        if len(fixed_rows):
            ok = _within(_activity(Ax[fixed_rows], CT), rl[fixed_rows], ru[fixed_rows])
            CT = np.ascontiguousarray(CT[:, ok])
        self.CT = CT
        P = CT.shape[1]
        # incidence (packages x (n + 1)): a half's objective sums in one sparse product
        self.M = sparse.csr_matrix(
            (np.ones(CT.size), (np.repeat(np.arange(P), CT.shape[0]), CT.T.ravel())),
            shape=(P, n + 1),
        )
        self.check_rows = np.asarray(check_rows, dtype=np.intp)
        rows = self.check_rows
        moving = [k for k, g in enumerate(gids) if rows.size and V[np.ix_(rows, groups[g])].any()]
        self.moving = np.asarray(moving, dtype=np.intp)
        still = [k for k in range(len(gids)) if k not in moving]
        self.static = _activity(Ax[rows], CT[still]) if rows.size else None


def _activity(Ax: np.ndarray, CT: np.ndarray) -> np.ndarray:
    """Row activity (rows x packages) of packages ``CT`` from ``Ax`` (rows x (n + 1))."""
    act = np.zeros((Ax.shape[0], CT.shape[1]))
    for cols in CT:
        act += Ax[:, cols]
    return act


def _within(act: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Packages (columns of ``act``, rows x packages) within the row bounds, to the relative
    tolerance of ``Drawn.violations``."""
    ok = np.ones(act.shape[1], dtype=bool)
    f = np.isfinite(hi)
    if f.any():
        lim = hi[f] + TOL * np.maximum(1.0, np.abs(hi[f]))
        ok &= np.all(act[f] <= lim[:, None], axis=0)
    f = np.isfinite(lo)
    if f.any():
        lim = lo[f] - TOL * np.maximum(1.0, np.abs(lo[f]))
        ok &= np.all(act[f] >= lim[:, None], axis=0)
    return ok


def _sum(CT: np.ndarray, r: np.ndarray) -> np.ndarray:
    v = np.zeros(CT.shape[1])
    for cols in CT:
        v += r[cols]
    return v


class SplitEnumerator:
    """See the module docstring. ``build`` returns None for a model that does not qualify."""

    def __init__(self, base, drawn: Drawn, groups, group_rows, required, touch, h1, h2, u):
        self.n = base.n
        self.sgn = 1.0 if base.maximize else -1.0
        self.base_key: tuple[int, ...] | None = None  # the point-value package: wins its ties
        m = base.m
        A = drawn.A0
        varying = _varying_rows(drawn, m)
        V = np.zeros((m, self.n + 1), dtype=bool)  # the entries a draw may change
        V[drawn.r_chg, drawn.c_chg] = True
        is_group_row = np.zeros(m, dtype=bool)
        is_group_row[group_rows] = True
        internal = np.zeros(m, dtype=bool)
        halves = []
        for gids in (h1, h2):
            s = set(gids)
            rows = [i for i in range(m) if not is_group_row[i] and touch[i] and touch[i] <= s]
            fixed = [i for i in rows if not varying[i]]
            check = [i for i in rows if varying[i]]
            internal[rows] = True
            halves.append(
                _Half(gids, groups, required, self.n, A, base.row_lower, base.row_upper,
                      fixed, check, V)
            )  # fmt: skip
        self.h1, self.h2 = halves
        self.link = np.nonzero(~internal & ~is_group_row)[0]
        u = np.asarray(u, dtype=float)[:m].copy()
        keep = np.zeros(m, dtype=bool)
        keep[self.link] = True
        u[~keep] = 0.0
        self.u = u

    @staticmethod
    def plan(base, drawn: Drawn, base_x):
        """The candidate splits of a qualifying model, best first (the groups that one row
        touches and the rest, and a balanced split in group order), each within
        ``HALF_LIMIT``: ``(groups, group rows, required, touch, splits)``; None when the model
        does not qualify. Cheap: no package is listed."""
        found = _groups(base, drawn)
        if found is None or base_x is None:
            return None
        groups, group_rows, required = found
        G = len(groups)
        if G < 2:
            return None
        sizes = [g.size + (0 if r else 1) for g, r in zip(groups, required, strict=True)]
        owner = np.full(base.n, -1)
        for g, cols in enumerate(groups):
            owner[cols] = g
        A = drawn.A0
        # the groups each row touches, on the union pattern (entries that vary included)
        touch = [set(owner[np.nonzero(A[i])[0]].tolist()) for i in range(base.m)]
        for r, c in zip(drawn.r_chg.tolist(), drawn.c_chg.tolist(), strict=True):
            touch[r].add(int(owner[c]))
        is_group_row = np.zeros(base.m, dtype=bool)
        is_group_row[group_rows] = True
        scored, seen = [], set()
        for i in range(base.m):
            t = tuple(sorted(touch[i]))
            if is_group_row[i] or not 0 < len(t) < G or t in seen:
                continue
            seen.add(t)
            rest = tuple(g for g in range(G) if g not in t)
            p1 = math.prod(sizes[g] for g in t)
            p2 = math.prod(sizes[g] for g in rest)
            if p1 <= HALF_LIMIT and p2 <= HALF_LIMIT:
                scored.append((abs(math.log(p1) - math.log(p2)), t, rest))
        # and a balanced split in group order (any split is exact; this one is always there)
        logs = np.cumsum(np.log(np.asarray(sizes, dtype=float)))
        k = int(np.clip(np.searchsorted(logs, logs[-1] / 2), 1, G - 1))
        t, rest = tuple(range(k)), tuple(range(k, G))
        p1, p2 = math.prod(sizes[:k]), math.prod(sizes[k:])
        if t not in seen and p1 <= HALF_LIMIT and p2 <= HALF_LIMIT:
            scored.append((abs(math.log(p1) - math.log(p2)), t, rest))
        if not scored:
            return None
        scored.sort()
        return groups, group_rows, required, touch, [(t, r) for _, t, r in scored]

    @classmethod
    def build(cls, base, drawn: Drawn, duals, base_x) -> SplitEnumerator | None:
        """Choose the split: of ``plan``'s first ``SPLIT_TRIALS``, the one that leaves the
        fewest pairs at the point values. ``duals()`` gives the multipliers; it is called only
        for a model that qualifies."""
        found = cls.plan(base, drawn, base_x)
        if found is None:
            return None
        groups, group_rows, required, touch, splits = found
        u = duals()
        if u is None:
            return None
        x0 = np.asarray(base_x, dtype=float)
        v0 = float(np.asarray(base.c, dtype=float) @ x0)
        d0 = drawn.at(np.zeros(drawn.lm.K), np.asarray(base.p, dtype=float))
        best = None
        for t, rest in splits[:SPLIT_TRIALS]:
            e = cls(base, drawn, groups, group_rows, required, touch, list(t), list(rest), u)
            e.base_key = tuple(int(j) for j in np.nonzero(x0 > 0.5)[0])
            pairs = e.count_pairs(d0, v0)
            if best is None or pairs < best[0]:
                best = (pairs, e)
        return best[1]

    # ---- one draw ------------------------------------------------------------------------

    def _candidates(self, d: DrawData, level: float | None):
        """Half packages that can be part of a package whose bound reaches ``level`` (in the
        maximised objective; None: the levels LEVELS below the best bound):
        ``(f, level, i1, i2, first, counts)``: package ``i1[k]`` pairs with ``i2[first[k]:]``."""
        u = self.u
        need = np.where(u > 0, d.ru, np.where(u < 0, d.rl, 0.0))
        fin = np.isfinite(need)
        u = np.where(fin, u, 0.0)
        term = float(u @ np.where(fin, need, 0.0))
        f = np.append(self.sgn * d.c, 0.0)
        r = np.append(self.sgn * d.c - u @ d.A, 0.0)
        v1, v2 = self.h1.M @ r, self.h2.M @ r
        if level is None:  # the best bound over packages feasible in their halves' rows
            f1 = self._feasible(self.h1, d, np.arange(v1.size))
            f2 = self._feasible(self.h2, d, np.arange(v2.size))
            if f1.size == 0 or f2.size == 0:
                return
            top = term + v1[f1].max() + v2[f2].max()
            levels = [top - s * max(1.0, abs(top)) if s < math.inf else -math.inf for s in LEVELS]
        else:
            levels = [level]
        for lev in levels:
            thr = lev - term
            i1 = self._feasible(self.h1, d, np.nonzero(v1 >= thr - v2.max())[0])
            if i1.size == 0:
                yield f, lev, None
                continue
            i2 = self._feasible(self.h2, d, np.nonzero(v2 >= thr - v1[i1].max())[0])
            if i2.size == 0:
                yield f, lev, None
                continue
            i2 = i2[np.argsort(v2[i2], kind="stable")]
            first = np.searchsorted(v2[i2], thr - v1[i1], side="left")
            yield f, lev, (i1, i2, first, i2.size - first)

    def _feasible(self, half: _Half, d: DrawData, idx: np.ndarray) -> np.ndarray:
        """Of packages ``idx``, those whose internal rows that vary hold in the draw."""
        rows = half.check_rows
        if rows.size == 0 or idx.size == 0:
            return idx
        act = half.static[:, idx]
        if half.moving.size:
            Ax = np.hstack([d.A[rows], np.zeros((rows.size, 1))])
            act = act + _activity(Ax, half.CT[half.moving][:, idx])
        return idx[_within(act, d.rl[rows], d.ru[rows])]

    def _level(self, v_inc: float) -> float:
        """The level for an incumbent of value ``v_inc``: low enough that every package
        within ``TOL`` of the draw's optimum has its bound above it."""
        return self.sgn * v_inc - 3 * _tol(v_inc)

    def count_pairs(self, d: DrawData, v_inc: float) -> int:
        level = self._level(v_inc)
        for _, _, c in self._candidates(d, level):
            return 0 if c is None else int(c[-1].sum())
        return 0

    def _best(self, d: DrawData, f: np.ndarray, c):
        """The feasible pairs' best value and the smallest package within ``TOL`` of it."""
        i1, i2, first, counts = c
        total = int(counts.sum())
        has = np.nonzero(counts)[0]
        first, counts = first[has], counts[has]
        pa = np.repeat(has, counts)  # positions in i1
        start = np.repeat(np.cumsum(counts) - counts, counts)
        pb = np.repeat(first, counts) + np.arange(total) - start  # positions in i2
        C1, C2 = self.h1.CT[:, i1], self.h2.CT[:, i2]
        if self.link.size:
            Ax = np.hstack([d.A[self.link], np.zeros((self.link.size, 1))])
            act = _activity(Ax, C1)[:, pa] + _activity(Ax, C2)[:, pb]
            ok = _within(act, d.rl[self.link], d.ru[self.link])
            pa, pb = pa[ok], pb[ok]
        if pa.size == 0:
            return -math.inf, None
        val = _sum(C1, f)[pa] + _sum(C2, f)[pb]
        best = float(val.max())
        keys = []
        for k in np.nonzero(val >= best - _tol(best))[0].tolist():
            cols = np.concatenate([C1[:, pa[k]], C2[:, pb[k]]])
            keys.append(tuple(sorted(int(j) for j in cols if j < self.n)))
        return best, (self.base_key if self.base_key in keys else min(keys))

    def solve(self, d: DrawData, v_inc: float | None) -> tuple[np.ndarray, float] | None:
        """``(x, value)``: the draw's optimum (of the packages within ``TOL`` of the best, the
        point-value package, else the smallest sorted tuple of columns), the same whatever
        ``v_inc``, the value of a package
        feasible in the draw (None: no incumbent). None when the pairs exceed ``PAIR_LIMIT``,
        no package is found, or the incumbent's package is not among them (solve the MIP)."""
        level = None if v_inc is None else self._level(v_inc)
        for f, lev, c in self._candidates(d, level):
            pairs = 0 if c is None else int(c[-1].sum())
            if pairs == 0:
                if v_inc is not None:
                    return None
                continue
            if pairs > PAIR_LIMIT:
                return None
            best, key = self._best(d, f, c)
            if v_inc is not None:
                if key is None or best < self.sgn * v_inc - _tol(v_inc):
                    return None
            elif key is None or (best - 2 * _tol(best) < lev and lev > -math.inf):
                continue  # packages just below the level could tie with the best: go lower
            x = np.zeros(self.n)
            x[list(key)] = 1.0
            return x, float(d.c @ x)
        return None
