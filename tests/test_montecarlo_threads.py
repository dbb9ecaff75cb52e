"""Monte Carlo in this process whatever HiGHS already ran in the calling thread.

HiGHS keeps its task scheduler per thread, fixed by the thread's first run, and refuses a later
run that asks for another thread count. A caller that ran ``highspy`` itself (a benchmark
script, a notebook) must not make an in-process Monte Carlo run fail or change its answer.
"""

from __future__ import annotations

import threading

import numpy as np
from test_montecarlo import TINY, same

from optimizer.analysis.montecarlo import monte_carlo
from optimizer.spec import load_document


def in_new_thread(fn):
    """``fn()`` in a thread of its own (so no test's thread keeps the scheduler it starts)."""
    out: list = []

    def target() -> None:
        try:
            out.append(("ok", fn()))
        except BaseException as e:  # handed back to the test
            out.append(("error", e))

    t = threading.Thread(target=target)
    t.start()
    t.join()
    kind, value = out[0]
    if kind == "error":
        raise value
    return value


def bare_highs_run(threads: int) -> None:
    """A small MIP run straight in this thread with ``threads`` threads, as a caller might."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    idx = np.array([0, 1], dtype=np.int32)
    h.addVars(2, np.zeros(2), np.ones(2))
    h.changeColsIntegrality(2, idx, np.ones(2, dtype=np.uint8))
    h.addRow(-highspy.kHighsInf, 1.5, 2, idx, np.array([1.0, 1.0]))
    h.changeColsCost(2, idx, np.array([-1.0, -2.0]))
    assert h.run() == highspy.HighsStatus.kOk
    assert h.getInfo().objective_function_value == -2.0


def test_a_thread_that_already_ran_highs_with_other_threads_gives_the_same_result():
    spec = load_document(TINY)
    clean = in_new_thread(lambda: monte_carlo(spec, 200, 1, verify=3, exact_enum=False))
    assert clean.stats.by_lp + clean.stats.by_mip > 0  # the draws really ran HiGHS here

    def after_a_bare_run():
        bare_highs_run(threads=2)  # this thread's scheduler: two threads; the worker asks one
        return monte_carlo(spec, 200, 1, verify=3, exact_enum=False)

    same(clean, in_new_thread(after_a_bare_run))
