"""What makes a re-solve cheap must not change what it answers.

Re-solve sessions start each MIP from the best solution met so far that is feasible for the
changed data, run in threads kept between runs (HiGHS' scheduler is made once per thread), and
subscribe the interrupt callback once per instance. Each test compares with a fresh solve of a
model built from scratch, or checks that the watchdog and Ctrl-C still stop a run. No test
asserts a duration.
"""

from __future__ import annotations

import _thread
import threading
import time
import tomllib
from types import SimpleNamespace

import numpy as np
import pytest
from test_resolve import OPTS, Reference, _problem

import solvers.highs_run as highs_run
from optimizer.compile import compile_spec
from optimizer.spec import load_document
from optimizer.spec.load import bundled_path
from solvers import SolveOptions, Status, get
from solvers.resolve import HighsLoaded, load


def test_warm_started_resolves_match_fresh_builds():
    """Costs and bounds only (a start is checked against them), so most solves get one."""
    model = compile_spec(_problem(21))
    lm = load(model, "highs", OPTS)
    assert isinstance(lm, HighsLoaded)
    ref = Reference(model)
    rng = np.random.default_rng(2021)
    budget = np.nonzero(model.row_kind == "budget")[0]
    backend = get("highs")
    for step in range(30):
        if step % 3 == 0:
            cols = rng.choice(model.n, size=3, replace=False)
            vals = rng.uniform(-2, 10, cols.size)
            lm.set_costs(cols, vals)
            ref.c[cols] = vals
        elif step % 3 == 1:
            i = int(rng.choice(budget))
            up = float(rng.uniform(2, 12))
            lm.set_row_bounds([i], [-np.inf], [up])
            ref.rl[i], ref.ru[i] = -np.inf, up
        else:
            j = int(rng.integers(0, model.n))
            lo, up = (1.0, 1.0) if rng.random() < 0.5 else (0.0, 0.0)
            lm.set_col_bounds([j], [lo], [up])
            ref.cl[j], ref.cu[j] = lo, up
        got, want = lm.solve(), ref.solve(backend)
        assert got.status == want.status
        if want.status == Status.OPTIMAL:
            assert got.objective == pytest.approx(want.objective, abs=1e-7)
            x = got.x  # the package returned has the value reported
            assert float(ref.c @ x) + model.objective_offset == pytest.approx(got.objective)
    assert lm.warm_started > 5  # many changes leave no kept solution feasible


def test_a_start_that_highs_misvalues_is_not_returned_as_the_optimum():
    """HiGHS 1.16 can value a start in its presolved model above what it is worth and return
    the start itself as optimal: the session notices (the package's objective is not the one
    reported) and solves again without the start. On moving-odds with the baseline of
    'rupture' at the top of its range, the start (the base package) is worth 773.3 and the
    optimum 1602.8."""
    from optimizer.analysis.odds_inputs import baseline_params
    from optimizer.analysis.sensitivity_odds import OddsSession

    spec = load_document(tomllib.loads(bundled_path("moving-odds").read_text()))
    ses = OddsSession(spec)
    p = next(q for q in baseline_params(ses.odds) if "rupture" in q.name)
    st = p.move(ses.odds.base, p.hi)
    model = ses.odds.model_at(st)
    lm = load(model)
    for x in ses.lm.starts.values():
        lm.remember(x)
    assert lm.best_start() is not None
    got = lm.solve()
    want = get("highs").solve(model, SolveOptions())
    assert got.objective == pytest.approx(want.objective)
    assert ses.value(ses.pk.key(got.x), st) == pytest.approx(ses.value(ses.pk.key(want.x), st))
    assert float(model.c @ got.x) + model.objective_offset == pytest.approx(got.objective)


def test_run_threads_are_kept_and_each_thread_count_gets_its_own():
    model = compile_spec(_problem(3))
    backend = get("highs")
    for threads in (None, 1, 2, 1, None):
        assert backend.solve(model, SolveOptions(threads=threads)).status == Status.OPTIMAL
    before = threading.active_count()
    for threads in (None, 1, 2) * 3:
        assert backend.solve(model, SolveOptions(threads=threads)).status == Status.OPTIMAL
    assert threading.active_count() <= before  # no new thread per run
    assert highs_run.idle_threads() >= 3


class _Hook:
    def __init__(self) -> None:
        self.callbacks: list = []

    def subscribe(self, fn) -> None:
        self.callbacks.append(fn)


class SlowHighs:
    """A run that polls its interrupt callback until told to stop (as HiGHS does)."""

    def __init__(self) -> None:
        self.cbMipInterrupt = _Hook()
        self.started = threading.Event()
        self.stopped_by_interrupt = False

    def run(self) -> None:
        self.started.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ev = SimpleNamespace(data_in=SimpleNamespace(user_interrupt=False))  # as highspy's
            for fn in self.cbMipInterrupt.callbacks:
                fn(ev)
            if ev.data_in.user_interrupt:
                self.stopped_by_interrupt = True
                return
            time.sleep(0.005)


def test_ctrl_c_stops_a_run_in_a_kept_thread_and_the_next_run_is_not_stopped():
    h = SlowHighs()

    def press_ctrl_c() -> None:
        h.started.wait(30)
        time.sleep(0.1)
        _thread.interrupt_main()

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        highs_run.run_interruptible(h, None)
    assert h.stopped_by_interrupt  # stopped through the callback, then waited for
    assert len(h.cbMipInterrupt.callbacks) == 1  # subscribed once per instance
    # the flag is cleared for the next run: a re-solve after Ctrl-C is not stopped at once
    lm = load(compile_spec(_problem(5)))
    assert lm.solve().status == Status.OPTIMAL
    assert lm.solve().status == Status.OPTIMAL


def test_the_watchdog_still_stops_a_run_in_a_kept_thread():
    h = SlowHighs()
    t0 = time.perf_counter()
    assert highs_run.run_interruptible(h, t0 + 0.1) is True
    assert h.stopped_by_interrupt
    assert len(h.cbMipInterrupt.callbacks) == 1
