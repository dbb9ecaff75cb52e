"""The command-wide time budget (``solvers.deadline``) and its cap on HiGHS solves."""

from __future__ import annotations

import threading

from problems.generate import generate
from solvers import SolveOptions, Status
from solvers.deadline import budget, cap, expired, remaining
from solvers.highs import HighsSolver


def test_no_budget_changes_nothing():
    assert remaining() is None and not expired()
    assert cap(7.0) == 7.0 and cap(None) is None


def test_budget_caps_and_nests_without_extending():
    with budget(100):
        assert 99 < remaining() <= 100
        assert cap(5.0) == 5.0
        assert 99 < cap(None) <= 100
        with budget(1000):
            assert remaining() <= 100  # an inner budget never extends the outer one
        with budget(0):
            assert expired() and cap(5.0) == 0.0
    assert remaining() is None


def test_a_spent_budget_stops_a_long_highs_solve():
    from optimizer.compile import compile_spec

    model = compile_spec(generate(3000, seed=7))
    out = {}

    def work():
        with budget(1.0):
            out["res"] = HighsSolver().solve(model, SolveOptions(mip_gap=0.0))

    t = threading.Thread(target=work)
    t.start()
    t.join(60)  # generous: the exact solve of this model takes far longer
    assert not t.is_alive()
    assert out["res"].status == Status.TIME_LIMIT
