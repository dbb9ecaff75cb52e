"""Draws of a problem's uncertain inputs (``optimizer.spec.uncertain``), made up front from
a seed; re-exported by ``optimizer.spec.uncertain``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class Draws:
    """Draws of a spec's uncertain inputs, made up front.

    ``values[d, k]`` is the number input ``k`` (``spec.uncertain[k]``) takes in draw ``d``
    (for a dirichlet input: NaN, see ``probabilities``); ``probabilities[d]`` the scenario
    probabilities of draw ``d`` (renormalised), or ``None`` when they are not uncertain.
    """

    seed: int
    values: np.ndarray
    probabilities: np.ndarray | None

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def locations(self, spec, d: int) -> dict[str, float]:
        """Draw ``d`` as ``{spec location: number}`` (for ``with_values``)."""
        out: dict[str, float] = {}
        for k, u in enumerate(spec.uncertain):
            if u.is_probability:
                continue
            for t in u.targets:
                out[t] = float(self.values[d, k])
        if self.probabilities is not None:
            for i, p in enumerate(self.probabilities[d]):
                out[f"scenarios[{i}].probability"] = float(p)
        return out


def sample_inputs(spec, n: int, seed: int) -> Draws:
    """``n`` draws of every uncertain input of ``spec``, from ``seed`` (NumPy PCG64).

    One uniform stream per group (an input without a group is its own group), drawn as one
    ``(n, streams)`` array; each input's number is its inverse CDF at its stream's uniform.
    A dirichlet is drawn after, as ``rng.dirichlet(concentration * p)`` over the scenarios
    with a positive probability. Per-scenario probability draws are renormalised to sum to 1.
    """
    rng = np.random.default_rng(seed)
    ins = spec.uncertain
    stream: dict[str, int] = {}
    col = []
    for k, u in enumerate(ins):
        if u.dist.kind == "dirichlet":
            col.append(-1)
            continue
        key = f"g:{u.dist.group}" if u.dist.group else f"i:{k}"
        col.append(stream.setdefault(key, len(stream)))
    U = rng.random((n, len(stream)))
    U = np.clip(U, 1e-12, 1.0 - 1e-12)  # keep the inverse CDFs finite
    values = np.full((n, len(ins)), np.nan)
    for k, u in enumerate(ins):
        if col[k] >= 0:
            values[:, k] = u.dist.ppf(U[:, col[k]])
    probs = None
    p0 = np.array([s.probability for s in spec.scenarios], dtype=float)
    dirichlet = [u for u in ins if u.dist.kind == "dirichlet"]
    per_scenario = [(k, u) for k, u in enumerate(ins) if u.is_probability and col[k] >= 0]
    if dirichlet:
        pos = p0 > 0
        probs = np.zeros((n, p0.size))
        probs[:, pos] = rng.dirichlet(dirichlet[0].dist.concentration * p0[pos], size=n)
    elif per_scenario:
        probs = np.tile(p0, (n, 1))
        for k, u in per_scenario:
            si = int(u.targets[0].split("[")[1].split("]")[0])
            probs[:, si] = values[:, k]
        total = probs.sum(axis=1, keepdims=True)
        if np.any(total <= 0):
            raise InputError("a draw of the scenario probabilities is all zero", path="scenarios")
        probs = probs / total
    return Draws(seed=int(seed), values=values, probabilities=probs)
