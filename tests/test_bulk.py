"""The array constructor (``optimizer.spec.bulk``): the same problem and the same model as
options written one by one, and bad columns refused with the row and column named."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from optimizer.compile import compile_spec
from optimizer.errors import InputError
from optimizer.spec.bulk import CommitmentTable
from optimizer.spec.model import Commitment, Option, ProblemSpec, Resource
from optimizer.spec.validate import check_spec
from problems.generate import generate


def same_model(a, b) -> None:
    """Two ``MatrixModel``s identical in every array and name."""
    assert (a.A != b.A).nnz == 0 and a.A.shape == b.A.shape
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "A":
            continue
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype or x.dtype.kind == y.dtype.kind, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            np.testing.assert_equal(x, y, err_msg=f.name)


def columns_of(spec: ProblemSpec) -> dict:
    """The spec's options as columns, written out by a plain loop over the objects."""
    rows = [(c, o) for c in spec.commitments for o in c.options]
    rids = [r.id for r in spec.resources]
    sids = [s.id for s in spec.scenarios]
    return dict(
        commitment=[c.id for c, _ in rows],
        option=[o.id for _, o in rows],
        use={r: [o.use.get(r, math.nan) for _, o in rows] for r in rids},
        value={s: [o.value.get(s, math.nan) for _, o in rows] for s in sids},
        value_per_year=np.array([o.value_per_year for _, o in rows]),
        start=[
            [o.start[0] if o.start else math.nan for _, o in rows],
            [o.start[1] if o.start else math.nan for _, o in rows],
        ],
        option_name=[o.name for _, o in rows],
        required=np.array([c.required for c, _ in rows]),
    )


def flat(spec: ProblemSpec) -> ProblemSpec:
    """``spec`` without profiles (a profile becomes its first year's amount)."""
    cs = tuple(
        dataclasses.replace(
            c,
            options=tuple(
                dataclasses.replace(
                    o, use={k: v[0] if isinstance(v, tuple) else v for k, v in o.use.items()}
                )
                for o in c.options
            ),
        )
        for c in spec.commitments
    )
    return check_spec(dataclasses.replace(spec, commitments=cs))


def rebuild(spec: ProblemSpec, **kw) -> ProblemSpec:
    return ProblemSpec.from_arrays(
        spec.name,
        scenarios=spec.scenarios,
        resources=spec.resources,
        relations=spec.relations,
        years=spec.years,
        discount_rate=spec.discount_rate,
        title=spec.title,
        value_unit=spec.value_unit,
        source=spec.source,
        **columns_of(spec),
        **kw,
    )


@pytest.mark.parametrize("n,years,seed", [(5, 10, 1), (60, 10, 2), (300, 1, 3), (2000, 6, 4)])
def test_generated_problems_build_the_same_spec_and_model(n, years, seed):
    spec = flat(generate(n, years=years, seed=seed))
    bulk = rebuild(spec)
    assert isinstance(bulk.commitments, CommitmentTable)
    model = compile_spec(bulk)  # compiled from the arrays, before any object is made
    named = {m.commitment for r in spec.relations for m in (r.a, r.b, *r.members) if m}
    made = {bulk.commitments.ids[i] for i in bulk.commitments._made}
    assert made <= named  # only commitments whose options a relation names are made
    assert bulk == spec  # every commitment and option equal to the one written by hand
    same_model(model, compile_spec(spec))


def test_rows_of_one_commitment_need_not_be_adjacent():
    spec = ProblemSpec.from_arrays(
        "p",
        ["a", "b", "a"],
        option=["x", "yes", "y"],
        use={"budget": [1.0, 2.0, math.nan]},
        value=[3.0, 4.0, 5.0],
        scenarios={"lo": 0.5, "hi": 0.5},
        resources=[Resource("budget", capacity=2.0)],
    )
    a, b = spec.commitments
    assert [o.id for o in a.options] == ["x", "y"] and b.id == "b"
    assert dict(a.options[1].use) == {} and dict(a.options[1].value) == {"lo": 5.0, "hi": 5.0}
    by_hand = ProblemSpec.build(
        "p",
        [
            Commitment("a", (Option("x", use={"budget": 1}, value=3), Option("y", value=5))),
            Commitment("b", (Option("yes", use={"budget": 2}, value=4),)),
        ],
        scenarios={"lo": 0.5, "hi": 0.5},
        resources=[Resource("budget", capacity=2.0)],
    )
    assert spec == by_hand
    same_model(compile_spec(spec), compile_spec(by_hand))


def test_a_table_behaves_as_a_tuple_of_commitments():
    spec = rebuild(flat(generate(30, seed=5)))
    t = spec.commitments
    assert len(t) == 30 and t[-1] == t[29] and t[2:4] == tuple(t)[2:4]
    with pytest.raises(IndexError):
        t[30]
    assert t == tuple(t) and tuple(t) == t and (() + t)[0] is t[0]  # noqa: RUF005
    changed = spec.with_capacity("budget", 5.0)  # a modified copy keeps the columns
    assert isinstance(changed.commitments, CommitmentTable)
    same_model(
        compile_spec(changed), compile_spec(dataclasses.replace(changed, commitments=tuple(t)))
    )


BASE = dict(
    commitment=["a", "b", "c"],
    option=["x", "y", "z"],
    use={"budget": [1.0, 2.0, 3.0]},
    value={"good": [1.0, 2.0, 3.0]},
)


def bad(**change) -> str:
    kw = {**BASE, **change}
    with pytest.raises(InputError) as e:
        ProblemSpec.from_arrays(
            "p",
            scenarios={"good": 1.0},
            resources=[Resource("budget", capacity=2.0)],
            years=kw.pop("years", None),
            **kw,
        )
    return str(e.value)


@pytest.mark.parametrize(
    "change,where,what",
    [
        (
            {"commitment": ["a", "b c", "c"]},
            "row 1 (commitment 'b c').commitment",
            "expected an id",
        ),
        ({"option": ["x", "y", ""]}, "row 2 (commitment 'c').option", "expected an id"),
        (
            {"option": ["x", "x", "z"], "commitment": ["a", "a", "c"]},
            "row 1 (commitment 'a').option",
            "duplicate option id 'x'",
        ),
        ({"use": {"budget": [1.0, math.inf, 3.0]}}, "row 1 (commitment 'b').use.budget", "finite"),
        (
            {"use": {"budget": [1.0, "abc", 3.0]}},
            "row 1 (commitment 'b').use.budget",
            "expected a number, got 'abc'",
        ),
        (
            {"use": {"budgt": [1.0, 2.0, 3.0]}},
            "row 0 (commitment 'a', option 'x').use.budgt",
            "unknown resource 'budgt'; did you mean 'budget'",
        ),
        (
            {"value": {"bad": [math.nan, 2.0, math.nan]}},
            "row 1 (commitment 'b', option 'y').value.bad",
            "unknown scenario 'bad'",
        ),
        (
            {"start": [[2026, 2027, 2030], [2026, 2026, 2030]], "years": (2026, 2035)},
            "row 1 (commitment 'b').start",
            "expected first <= last, got [2027, 2026]",
        ),
        (
            {"start": [[2026, 2027, 2030], [2026, 2028, 2040]], "years": (2026, 2035)},
            "row 2 (commitment 'c', option 'z').start",
            "outside the horizon 2026-2035",
        ),
        (
            {"start": [[2026, 2027.5, 2030], [2026, 2028, 2030]], "years": (2026, 2035)},
            "row 1 (commitment 'b').start_earliest",
            "expected a year",
        ),
        (
            {"start": [[math.nan, 2027, math.nan], [math.nan] * 3]},
            "row 1 (commitment 'b', option 'y').start",
            "needs problem.years",
        ),
        ({"value_per_year": [1, 0, 1]}, "row 0 (commitment 'a').value_per_year", "true/false"),
    ],
)
def test_bad_columns_name_the_row_and_column(change, where, what):
    msg = bad(**change)
    assert where in msg and what in msg, msg


def test_relations_over_a_table_are_checked():
    from optimizer.spec.model import Relation

    msg = bad(relations=[Relation("requires", a="a", b="d")])
    assert "unknown commitment 'd'" in msg and "relations[0].b" in msg
    msg = bad(relations=[Relation("requires", a="a.w", b="b")])
    assert "unknown option 'w' of 'a'" in msg


@pytest.mark.parametrize(
    "ids",
    [["a", "a", "b", "c", "c"], ["a", "b", "a", "c", "c"], ["c", "c", "a", "b", "a"]],
)
def test_numpy_id_columns_group_as_lists_do(ids):
    """Adjacent rows are grouped by comparing neighbours; rows apart by looking ids up."""
    kw = dict(
        option=[f"o{k}" for k in range(5)],
        value=[1.0, 2.0, 3.0, 4.0, 5.0],
        resources=[Resource("budget", capacity=2.0)],
        use={"budget": [1.0, 1.0, 1.0, 1.0, 1.0]},
    )
    a = ProblemSpec.from_arrays("p", np.array(ids), **kw)
    b = ProblemSpec.from_arrays("p", list(ids), **kw)
    assert a == b and [c.id for c in a.commitments] == list(dict.fromkeys(ids))
    for c in a.commitments:
        assert [o.id for o in c.options] == [f"o{k}" for k, x in enumerate(ids) if x == c.id]
    same_model(compile_spec(a), compile_spec(b))


def test_a_bad_id_in_a_numpy_column_is_located():
    with pytest.raises(InputError) as e:
        ProblemSpec.from_arrays(
            "p",
            np.array(["a", "a", "b c"]),
            option=np.array(["x", "y", "z"]),
            value=[1.0, 2.0, 3.0],
        )
    assert "row 2 (commitment 'b c').commitment: expected an id" in str(e.value)
    with pytest.raises(InputError) as e:
        ProblemSpec.from_arrays(
            "p",
            np.array(["a", "a", "b"]),
            option=np.array(["x", "y.1", "z"]),
            value=[1.0, 2.0, 3.0],
        )
    assert "row 1 (commitment 'a').option: expected an id" in str(e.value)


def test_a_table_pickles_as_columns_and_solves_as_objects_do():
    import pickle

    import optimizer

    by_hand = flat(generate(60, years=5, seed=3))
    spec = rebuild(by_hand)
    spec.commitments[3]  # one object made: not pickled, made again after
    back = pickle.loads(pickle.dumps(spec))
    assert isinstance(back.commitments, CommitmentTable) and back == spec
    a, b = optimizer.solve(back, time_limit=60), optimizer.solve(by_hand, time_limit=60)
    assert a.status == b.status == "optimal"
    assert a.expected == pytest.approx(b.expected, rel=1e-9)
    assert [str(c) for c in a.chosen] == [str(c) for c in b.chosen]
