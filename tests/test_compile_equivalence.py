"""The vectorised compile against a naive one written here from the format's semantics.

The reference walks every option, start year and period in plain Python (the way the format
describes a use or a value: a number recurs every year from the start against a per-year
resource, counts once against a total one; a profile runs by year since the start and is 0
after it; values are discounted, weighted by scenario probability), then the compiled
``MatrixModel`` must hold exactly those choice and resource rows and that objective. The
matrix must also be canonical CSR (columns ascending and unique in every row, no stored
zeros), which the compile builds without a global sort.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from optimizer.compile import compile_spec
from optimizer.spec.model import Commitment, Option, ProblemSpec, Relation, Resource
from problems.generate import generate


def columns(spec: ProblemSpec) -> list[tuple[int, int, int, int]]:
    """(commitment, option, option position overall, start period) of each column, in order."""
    out, k = [], 0
    for ci, c in enumerate(spec.commitments):
        for oi, o in enumerate(c.options):
            lo, hi = spec.start_window(o)
            out.extend((ci, oi, k, s) for s in range(lo, hi + 1))
            k += 1
    return out


def by_period(amount, start: int, T: int, recurring: bool) -> list[float]:
    """Amount in each period for a column starting at ``start``."""
    out = [0.0] * T
    if isinstance(amount, tuple):
        for i, a in enumerate(amount):
            if start + i < T:
                out[start + i] += a
    elif recurring:
        for t in range(start, T):
            out[t] = amount
    else:
        out[start] = amount
    return out


def reference(spec: ProblemSpec):
    """Rows {(kind, label): {column: coefficient}} of choice and resource rows, and c."""
    T = spec.n_periods
    cols = columns(spec)
    opts = [(c, o) for c in spec.commitments for o in c.options]
    rows: dict[tuple[str, str], dict[int, float]] = {}
    for ci, c in enumerate(spec.commitments):
        js = [j for j, col in enumerate(cols) if col[0] == ci]
        if len(js) > 1 or c.required:
            rows["choice", c.id] = {j: 1.0 for j in js}
    for r in spec.resources:
        if r.kind == "total":
            if math.isfinite(r.capacity[0]):
                row = rows.setdefault(("total", f"{r.id} (total)"), {})
                for j, (_, _, k, s) in enumerate(cols):
                    amount = opts[k][1].use.get(r.id)
                    if amount is not None:
                        v = sum(by_period(amount, s, T, recurring=False))
                        if v:
                            row[j] = v
            continue
        for t in range(T):
            if not math.isfinite(r.capacity[t]):
                continue
            label = r.id if spec.years is None else f"{r.id} {spec.period_labels[t]}"
            row = rows.setdefault(("budget", label), {})
            for j, (_, _, k, s) in enumerate(cols):
                amount = opts[k][1].use.get(r.id)
                if amount is not None:
                    v = by_period(amount, s, T, recurring=True)[t]
                    if v:
                        row[j] = v
    disc = [(1.0 + spec.discount_rate) ** -t for t in range(T)]
    c = []
    for _, _, k, s in cols:
        o = opts[k][1]
        total = 0.0
        for sc in spec.scenarios:
            amount = o.value.get(sc.id)
            if amount is not None:
                prof = by_period(amount, s, T, recurring=o.value_per_year)
                total += sc.probability * sum(a * d for a, d in zip(prof, disc, strict=True))
        c.append(total)
    return rows, np.array(c)


def compiled_rows(model) -> dict[tuple[str, str], dict[int, float]]:
    A = model.A.tocsr()
    out = {}
    for i in range(model.m):
        kind = str(model.row_kind[i])
        if kind in ("choice", "budget", "total"):
            lo, hi = A.indptr[i], A.indptr[i + 1]
            out[kind, str(model.row_label[i])] = dict(
                zip(A.indices[lo:hi].tolist(), A.data[lo:hi].tolist(), strict=True)
            )
    return out


def assert_canonical(A) -> None:
    assert A.format == "csr"
    for i in range(A.shape[0]):
        idx = A.indices[A.indptr[i] : A.indptr[i + 1]]
        assert np.all(np.diff(idx) > 0), f"row {i}: columns not ascending and unique"
    assert np.all(A.data != 0), "stored zeros"
    # the flags the compile sets agree with scipy's own check on a fresh copy
    fresh = sparse.csr_matrix((A.data.copy(), A.indices.copy(), A.indptr.copy()), shape=A.shape)
    assert fresh.has_canonical_format


def check(spec: ProblemSpec) -> None:
    model = compile_spec(spec)
    rows, c = reference(spec)
    got = compiled_rows(model)
    assert got.keys() == rows.keys()
    for key, row in rows.items():
        assert got[key].keys() == row.keys(), key
        for j, v in row.items():
            assert got[key][j] == pytest.approx(v, rel=1e-12, abs=1e-12), (key, j)
    assert model.c[: len(c)] == pytest.approx(c, rel=1e-12, abs=1e-12)
    assert_canonical(model.A)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seed": 1},
        {"seed": 2, "years": 1},
        {"seed": 3, "scenarios": 1},
        {"seed": 4, "scenarios": 5, "years": 4},
        {"seed": 5, "max_options": 1, "max_window": 1},
        {"seed": 6, "relations": 1.0},
    ],
)
def test_generated_problems_match_the_naive_compile(kwargs):
    check(generate(40, **kwargs))


def _option(oid, use=None, value=None, start=None, per_year=False):
    return Option(oid, use=use or {}, value=value or {}, start=start, value_per_year=per_year)


def awkward(years=(2030, 2035)):
    """Every shape of amount: numbers and profiles (also past the horizon), zeros, negative
    use, total resources, years without a limit, options with no use or one resource only,
    keys in different orders."""
    profile = (1.5, 0.0, 2.25, 4.0)  # a 0 inside a profile is no entry
    commitments = [
        Commitment(
            "a",
            (
                _option("x", {"cash": 2.0, "envelope": -1.0}, {"lo": 3.0, "hi": 5.0}, (2030, 2033)),
                _option(
                    "y", {"envelope": profile, "cash": profile}, {"hi": (1.0, 2.0)}, (2032, 2035)
                ),
            ),
        ),
        Commitment("b", (_option("yes", {"pool": profile}, {"lo": 7.0}, (2031, 2035), True),)),
        Commitment("c", (_option("yes", {}, {"lo": 1.0, "hi": 1.0}, (2030, 2030)),), required=True),
        Commitment(
            "d",
            (
                _option("p", {"pool": 0.0, "cash": 0.0}, {"hi": 2.0}, (2030, 2031)),
                _option("q", {"pool": 3.5, "once": 2.0, "cash": 1.0}, {}, (2033, 2035)),
                _option("r", {"once": (1.0, 2.0, 3.0), "staff": 1.0}, {"lo": -2.0}, (2034, 2035)),
            ),
        ),
    ]
    resources = [
        Resource("cash", capacity={2030: 5.0, 2032: 6.0, 2035: 1.0}),
        Resource("envelope", capacity=0.0),
        Resource("pool", capacity=20.0, kind="total"),
        Resource("once", capacity=4.0, kind="total"),
        Resource("staff", capacity={}),  # no limit in any year: no rows
    ]
    return ProblemSpec.build(
        "awkward",
        commitments,
        scenarios={"lo": 0.3, "hi": 0.7},
        resources=resources,
        relations=[
            Relation("requires", a="a.y", b="b", lag=1),
            Relation("excludes", members=("b", "d")),
        ],
        years=years,
        discount_rate=0.05,
    )


def test_awkward_amounts_match_the_naive_compile():
    check(awkward())


def test_single_period_problem_matches_the_naive_compile():
    spec = ProblemSpec.build(
        "one-period",
        [
            Commitment(
                "a",
                (_option("s", {"r": 2.0}, {"base": 3.0}), _option("t", {"r": 4.0}, {"base": 5.0})),
            ),
            Commitment("b", (_option("yes", {"r": (9.0,), "total": 3.0}, {"base": 1.0}),)),
        ],
        resources=[Resource("r", capacity=5.0), Resource("total", capacity=2.0, kind="total")],
    )
    check(spec)
