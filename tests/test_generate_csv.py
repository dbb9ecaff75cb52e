"""``problems.generate_csv.write``: a generated problem written as a problem file with a CSV
options table loads as the same problem -- its shifts and baselines included, on every horizon
``generate`` makes -- and a problem holding what the table form cannot carry is refused, not
written without it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import optimizer
from optimizer.compile import compile_spec
from optimizer.spec.items import Response
from problems.generate import generate
from problems.generate_csv import write


@pytest.mark.parametrize(
    "kw", [dict(years=1, shifts=0.5), dict(years=2), dict(years=2, shifts=0.3), dict(years=5)]
)
def test_the_written_problem_is_the_generated_one(tmp_path, kw):
    spec = generate(12, seed=3, **kw)
    got = optimizer.load(write(spec, tmp_path))
    assert [s.baseline for s in got.scenarios] == [s.baseline for s in spec.scenarios]
    assert [(str(s.when), s.from_, s.to, s.amount) for s in got.shifts] == [
        (str(s.when), s.from_, s.to, s.amount) for s in spec.shifts
    ]
    a, b = compile_spec(optimizer.spec.check_spec(spec)), compile_spec(got)
    assert (a.n, a.m) == (b.n, b.m)
    np.testing.assert_allclose(a.c, b.c)
    assert abs(a.A - b.A).max() < 1e-12
    np.testing.assert_allclose(a.row_upper, b.row_upper)
    assert a.objective_offset == pytest.approx(b.objective_offset)
    if kw.get("shifts"):
        assert spec.shifts and any(s.baseline for s in spec.scenarios)  # the case at stake


def test_a_problem_with_more_than_the_table_form_is_refused(tmp_path):
    spec = generate(4, seed=1)
    with_responses = replace(spec, responses=(Response(id="r", value={"base": 1.0}),))
    with pytest.raises(ValueError, match="responses"):
        write(with_responses, tmp_path)
    assert not any(tmp_path.iterdir())
