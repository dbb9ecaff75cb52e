"""Small problems worked by hand: every relation type, forcing and forbidding, minimising.

Each test states the expected package and value in a comment, worked out from the format's
semantics (``docs/problem-format.md``), and checks it on every MIP back end.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import MIP_SOLVERS
from handworked import package, solve

import optimizer
from optimizer.errors import InfeasibleError

pytestmark = pytest.mark.parametrize("solver", MIP_SOLVERS)


# Three single-option commitments sharing a budget of 6 (single period):
# a: use 3, value 5;  b: use 3, value 1;  c: use 3, value 4.
ABC = """
[problem]
name = "abc"
[[resources]]
id = "budget"
capacity = 6
[[commitments]]
id = "a"
use = { budget = 3 }
value = 5
[[commitments]]
id = "b"
use = { budget = 3 }
value = 1
[[commitments]]
id = "c"
use = { budget = 3 }
value = 4
"""


def test_budget_alone(tmp_path, solver):
    # two of three fit: a + c = 9
    sol = solve(tmp_path, ABC, solver)
    assert package(sol) == {"a.yes", "c.yes"}
    assert sol.expected == pytest.approx(9)
    assert sol.status == "optimal" and sol.verified


def test_requires_without_lag(tmp_path, solver):
    # a needs b: a + c is out; a + b = 6 beats b + c = 5 and c alone = 4
    rel = '[[relations]]\ntype = "requires"\na = "a"\nb = "b"\n'
    sol = solve(tmp_path, ABC + rel, solver)
    assert package(sol) == {"a.yes", "b.yes"}
    assert sol.expected == pytest.approx(6)


def test_excludes(tmp_path, solver):
    # a and c exclude each other: a + b = 6 (c + b = 5)
    rel = '[[relations]]\ntype = "excludes"\nmembers = ["a", "c"]\n'
    sol = solve(tmp_path, ABC + rel, solver)
    assert package(sol) == {"a.yes", "b.yes"}
    assert sol.expected == pytest.approx(6)


def test_forbid_and_force(tmp_path, solver):
    # forbid a: b + c = 5
    rel = '[[relations]]\ntype = "forbid"\nmembers = ["a"]\n'
    sol = solve(tmp_path, ABC + rel, solver)
    assert package(sol) == {"b.yes", "c.yes"}
    assert sol.expected == pytest.approx(5)
    # force b: b + a = 6
    rel = '[[relations]]\ntype = "force"\nmembers = ["b"]\n'
    sol = solve(tmp_path, ABC + rel, solver)
    assert package(sol) == {"a.yes", "b.yes"}
    assert sol.expected == pytest.approx(6)


def test_force_and_forbid_from_the_python_api(tmp_path, solver):
    path = tmp_path / "abc.toml"
    path.write_text(ABC)
    spec = optimizer.load(path)
    # force b and c: b + c = 5
    assert optimizer.solve(spec.force("b", "c"), solver=solver).expected == pytest.approx(5)
    # forbid c: a + b = 6
    assert package(optimizer.solve(spec.forbid("c"), solver=solver)) == {"a.yes", "b.yes"}


def test_force_beyond_the_budget_is_infeasible(tmp_path, solver):
    # all three need 9 > 6: infeasible, and the budget is named
    rel = '[[relations]]\ntype = "force"\nmembers = ["a", "b", "c"]\n'
    with pytest.raises(InfeasibleError) as info:
        solve(tmp_path, ABC + rel, solver)
    assert "budget" in str(info.value)


# Four commitments, no resources: values 4, 3, 2, 1 (every count relation below is the limit).
FOUR = """
[problem]
name = "four"
[[commitments]]
id = "a"
value = 4
[[commitments]]
id = "b"
value = 3
[[commitments]]
id = "c"
value = {values_c}
[[commitments]]
id = "d"
value = {values_d}
"""


@pytest.mark.parametrize(
    ("relation", "expected", "value"),
    [
        # at most 2 of the four: a + b = 7
        ('type = "at_most"\nmembers = ["a", "b", "c", "d"]\ncount = 2', {"a", "b"}, 7),
        # exactly 1 of a, b, c (d free): a + d = 5
        ('type = "exactly"\nmembers = ["a", "b", "c"]\ncount = 1', {"a", "d"}, 5),
        # exactly 0 of a, b: c + d = 3
        ('type = "exactly"\nmembers = ["a", "b"]\ncount = 0', {"c", "d"}, 3),
    ],
)
def test_counts(tmp_path, solver, relation, expected, value):
    text = FOUR.format(values_c=2, values_d=1) + "[[relations]]\n" + relation + "\n"
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {f"{x}.yes" for x in expected}
    assert sol.expected == pytest.approx(value)


def test_at_least(tmp_path, solver):
    # c and d are worth -2 and -3; at least 3 of b, c, d: all of a, b, c, d = 4 + 3 - 2 - 3 = 2
    text = FOUR.format(values_c=-2, values_d=-3)
    rel = '[[relations]]\ntype = "at_least"\nmembers = ["b", "c", "d"]\ncount = 3\n'
    sol = solve(tmp_path, text + rel, solver)
    assert package(sol) == {"a.yes", "b.yes", "c.yes", "d.yes"}
    assert sol.expected == pytest.approx(2)
    # at least 1 of c, d: the cheaper c, so a + b + c = 5
    rel = '[[relations]]\ntype = "at_least"\nmembers = ["c", "d"]\ncount = 1\n'
    sol = solve(tmp_path, text + rel, solver)
    assert package(sol) == {"a.yes", "b.yes", "c.yes"}
    assert sol.expected == pytest.approx(5)


def test_both_or_neither(tmp_path, solver):
    # budget 5: x (use 4, value 5), y (use 1, value -1), z (use 2, value 3).
    # Free choice: x alone = 5 (x + z needs 6). With x and y together or not at all:
    # x + y = 4 (use 5) beats z alone = 3.
    text = """
    [problem]
    name = "bon"
    [[resources]]
    id = "budget"
    capacity = 5
    [[commitments]]
    id = "x"
    use = { budget = 4 }
    value = 5
    [[commitments]]
    id = "y"
    use = { budget = 1 }
    value = -1
    [[commitments]]
    id = "z"
    use = { budget = 2 }
    value = 3
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes"}
    rel = '\n[[relations]]\ntype = "both_or_neither"\nmembers = ["x", "y"]\n'
    sol = solve(tmp_path, textwrap.dedent(text) + rel, solver)
    assert package(sol) == {"x.yes", "y.yes"}
    assert sol.expected == pytest.approx(4)


# p has two options, lo (use 1, value 2) and hi (use 3, value 5); q uses 2 and is worth 4;
# budget 4. Free choice: p.lo + q = 6 (p.hi + q needs 5).
PQ = """
[problem]
name = "pq"
[[resources]]
id = "budget"
capacity = 4
[[commitments]]
id = "p"
  [[commitments.options]]
  id = "lo"
  use = { budget = 1 }
  value = 2
  [[commitments.options]]
  id = "hi"
  use = { budget = 3 }
  value = 5
[[commitments]]
id = "q"
use = { budget = 2 }
value = 4
"""


@pytest.mark.parametrize(
    ("relation", "expected", "value"),
    [
        ("", {"p.lo", "q.yes"}, 6),
        # p.lo and q exclude each other: p.hi alone = 5 (beats q + nothing = 4)
        ('type = "excludes"\nmembers = ["p.lo", "q"]', {"p.hi"}, 5),
        # q needs p (any option): p.lo + q = 6 still
        ('type = "requires"\na = "q"\nb = "p"', {"p.lo", "q.yes"}, 6),
        # q needs p.hi, which leaves no room for q: p.hi alone = 5
        ('type = "requires"\na = "q"\nb = "p.hi"', {"p.hi"}, 5),
        # force p.hi: p.hi alone = 5
        ('type = "force"\nmembers = ["p.hi"]', {"p.hi"}, 5),
        # forbid p.lo: p.hi = 5 beats q = 4
        ('type = "forbid"\nmembers = ["p.lo"]', {"p.hi"}, 5),
        # forbid p (every option): q alone = 4
        ('type = "forbid"\nmembers = ["p"]', {"q.yes"}, 4),
        # at most one of p, q: p.hi = 5
        ('type = "at_most"\nmembers = ["p", "q"]\ncount = 1', {"p.hi"}, 5),
        # exactly one of p.hi, q: p.lo + q = 6 (p.lo does not count)
        ('type = "exactly"\nmembers = ["p.hi", "q"]\ncount = 1', {"p.lo", "q.yes"}, 6),
        # p.hi and q both or neither: together they need 5 > 4, so p.lo = 2
        ('type = "both_or_neither"\nmembers = ["p.hi", "q"]', {"p.lo"}, 2),
    ],
)
def test_members_as_commitment_and_option(tmp_path, solver, relation, expected, value):
    text = PQ + ("[[relations]]\n" + relation + "\n" if relation else "")
    sol = solve(tmp_path, text, solver)
    assert package(sol) == expected
    assert sol.expected == pytest.approx(value)


def test_required_commitment(tmp_path, solver):
    # p is required: exactly one of its options. With q forbidden and p's values negative,
    # the least bad option is chosen: lo (-1) rather than hi (-3) or nothing.
    text = PQ.replace('id = "p"\n', 'id = "p"\nrequired = true\n')
    text = text.replace("value = 2", "value = -1").replace("value = 5", "value = -3")
    rel = '[[relations]]\ntype = "forbid"\nmembers = ["q"]\n'
    sol = solve(tmp_path, text + rel, solver)
    assert package(sol) == {"p.lo"}
    assert sol.expected == pytest.approx(-1)


def test_minimize(tmp_path, solver):
    # costs 3, 5, 4; at least two of the three; minimise: x + z = 7
    text = """
    [problem]
    name = "costs"
    sense = "minimize"
    [[commitments]]
    id = "x"
    value = 3
    [[commitments]]
    id = "y"
    value = 5
    [[commitments]]
    id = "z"
    value = 4
    [[relations]]
    type = "at_least"
    members = ["x", "y", "z"]
    count = 2
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes", "z.yes"}
    assert sol.expected == pytest.approx(7)
    assert sol.to_dict()["objective"]["sense"] == "minimize"
