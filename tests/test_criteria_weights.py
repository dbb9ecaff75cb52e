"""Weight intervals: re-solved just inside and outside each, and checked against enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MIP_SOLVERS
from test_criteria import SENSE, random_doc, scored, spec_of

import optimizer
from optimizer.analysis.weights import weight_sensitivity, weights_at

SEEDS = range(6)


def weighted_text(ids, w) -> str:
    return "weighted:" + ",".join(f"{c}={float(x)!r}" for c, x in zip(ids, w, strict=True))


def enumerated_best(rows, ids, w):
    best = {c: max(SENSE[c] * v[c] for _, v in rows) for c in ids}
    worst = {c: min(SENSE[c] * v[c] for _, v in rows) for c in ids}

    def score(v):
        return sum(
            100.0
            * wk
            * (1.0 if best[c] == worst[c] else (SENSE[c] * v[c] - worst[c]) / (best[c] - worst[c]))
            for c, wk in zip(ids, w, strict=True)
        )

    return max(score(v) for _, v in rows), score


@pytest.mark.parametrize("solver", MIP_SOLVERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_intervals_hold_inside_and_change_outside(solver, seed):
    doc = random_doc(seed)
    spec = spec_of(doc)
    rows = scored(doc)
    for crit in ("expected", "points", "harm"):
        r = weight_sensitivity(spec, crit, solver=solver)
        ids = list(r.criteria)
        w0 = np.array([r.weights[c] for c in ids])
        i = ids.index(crit)
        assert r.intervals[0].low == 0.0 and r.intervals[-1].high == 1.0
        for a, b in zip(r.intervals, r.intervals[1:], strict=False):
            assert a.high == b.low
            assert a.criteria != b.criteria  # the optimum changes at a breakpoint
        for k, iv in enumerate(r.intervals):
            width = iv.high - iv.low
            probes = [iv.low + width / 2]
            if k > 0:
                probes.append(iv.low + min(1e-4, width / 4))  # just inside, from the left edge
            if k + 1 < len(r.intervals):
                probes.append(iv.high - min(1e-4, width / 4))
            for t in probes:
                w = weights_at(w0, i, t)
                top, score = enumerated_best(rows, ids, w)
                assert score(iv.criteria) == pytest.approx(top, abs=1e-6), (crit, t)
                sol = optimizer.solve(spec, objective=weighted_text(ids, w), solver=solver)
                assert sol.objective_value == pytest.approx(top, abs=1e-6)
            if k + 1 < len(r.intervals):  # just outside, past the right edge: it is not optimal
                nxt = r.intervals[k + 1]
                t = iv.high + min(1e-4, (nxt.high - nxt.low) / 4)
                w = weights_at(w0, i, t)
                top, score = enumerated_best(rows, ids, w)
                assert score(iv.criteria) < top - 1e-9
                assert score(nxt.criteria) == pytest.approx(top, abs=1e-6)


def test_weights_at_keeps_the_others_proportions():
    w = weights_at(np.array([0.5, 0.3, 0.2]), 0, 0.8)
    assert w == pytest.approx([0.8, 0.12, 0.08])
    assert w.sum() == pytest.approx(1.0)
