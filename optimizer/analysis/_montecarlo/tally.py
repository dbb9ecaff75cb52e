"""Collecting a Monte Carlo run's per-draw results: each chunk's draws into arrays, the
packages found (in order of first sight), their counts, the pool a stage starts from."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .loaded import BY_MIP, INFEASIBLE, OK, POOL_LIMIT
from .worker import ChunkResult, package_key


def _pool_matrix(keys: list[tuple[int, ...]], xs: dict, n: int):
    from scipy import sparse

    if not keys:
        return sparse.csr_matrix((0, n))
    return sparse.csr_matrix(np.vstack([xs[k] for k in keys]))


class Tally:
    """Per-draw arrays (status, how, value, the point-value package's value, package index,
    proven bound, whether the LP step ran) and the packages seen; the point-value package is
    package 0."""

    def __init__(
        self, base, base_x: np.ndarray, n: int, progress: Callable[[int, int], None] | None
    ) -> None:
        self.base, self.n, self.progress = base, n, progress
        self.status = np.full(n, -1, dtype=np.int8)
        self.how = np.full(n, -1, dtype=np.int8)
        self.values = np.full(n, np.nan)
        self.base_values = np.full(n, np.nan)
        self.pkg = np.full(n, -1, dtype=np.int64)
        self.breaks: dict[int, tuple] = {}  # draw -> the limits the point-value package breaks
        self.lp_used = np.zeros(n, dtype=bool)
        self.bounds = np.full(n, np.nan)
        self.base_key = package_key(base, base_x)
        self.keys: list[tuple[int, ...]] = [self.base_key]
        self.key_index: dict[tuple[int, ...], int] = {self.base_key: 0}
        self.xs: dict[tuple[int, ...], np.ndarray] = {self.base_key: base_x}
        self.counts: list[int] = [0]
        self.first_seen: list[int] = [-1]
        self.solver_time = self.busy_time = 0.0
        self.worst = 0.0
        self.done = 0

    def take(self, r: ChunkResult) -> None:
        """Record a chunk's draws (in any order: a package's first sight is its earliest draw)."""
        for i, d in enumerate(r.draws):
            self.status[d], self.how[d], self.values[d] = r.status[i], r.how[i], r.value[i]
            self.bounds[d], self.lp_used[d] = r.bound[i], r.used_lp[i]
            self.base_values[d] = r.base_value[i]
            if i in r.base_breaks:
                self.breaks[int(d)] = r.base_breaks[i]
            if r.status[i] != INFEASIBLE and r.keys[i] is not None and np.isfinite(r.value[i]):
                k = r.keys[i]
                if k not in self.key_index:
                    self.key_index[k] = len(self.keys)
                    self.keys.append(k)
                    self.counts.append(0)
                    self.first_seen.append(int(d))
                    self.xs[k] = r.new[k]
                elif self.first_seen[self.key_index[k]] > d:
                    self.first_seen[self.key_index[k]] = int(d)
                    if k in r.new:
                        self.xs[k] = r.new[k]
                self.pkg[d] = self.key_index[k]
                self.counts[self.key_index[k]] += 1
        self.solver_time += r.solver_time
        self.busy_time += r.busy_time
        self.worst = max(self.worst, r.worst_violation)
        self.done += len(r.draws)
        if self.progress is not None:
            self.progress(self.done, self.n)

    def pool(self):
        """The pool of a stage: the point-value package, then the most frequent packages of
        the earlier stages (ties: first seen first), as rows of a sparse matrix."""
        order = sorted(
            range(1, len(self.keys)), key=lambda i: (-self.counts[i], self.first_seen[i])
        )
        pool_keys = [self.keys[0]] + [self.keys[i] for i in order[: POOL_LIMIT - 1]]
        return _pool_matrix(pool_keys, self.xs, self.base.n)

    def lp_mode(self, lo: int, previous: int) -> str:
        """``"all"`` while the LP-bound step pays (it proved at least 2% of the draws of the
        previous stage, from ``previous`` to ``lo``, that tried it), else ``"probe"``."""
        n = self.n
        prev = (self.status >= 0) & self.lp_used & (np.arange(n) < lo)
        if lo > 0:
            prev &= np.arange(n) >= previous
        tried = int(prev.sum())
        won = int(np.sum(prev & (self.status == OK) & (self.how != BY_MIP)))
        return "all" if tried < 16 or won >= 0.02 * tried else "probe"

    def choices_of(self, d: int) -> list:
        """The package of draw ``d`` as (commitment, option, start period) triples."""
        base = self.base
        return [
            (
                base.commitment_ids[int(base.col_commitment[j])],
                base.option_ids[int(base.col_commitment[j])][int(base.col_option[j])],
                base.period_labels[int(base.col_start[j])],
            )
            for j in self.keys[self.pkg[d]]
        ]
