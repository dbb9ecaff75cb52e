"""Small problems worked by hand: start windows, lags, per-year capacities, profiles,
discounting, scenarios and CSV option tables.

Each test states the expected package and value in a comment, worked out from the format's
semantics (``docs/problem-format.md``), and checks it on every MIP back end.
"""

from __future__ import annotations

import pytest
from conftest import MIP_SOLVERS
from handworked import package, solve

pytestmark = pytest.mark.parametrize("solver", MIP_SOLVERS)


# ---- time: start windows, lags, per-year capacities, profiles, discounting ------------------
LAG = """
[problem]
name = "lag"
years = [2030, 2032]
[[commitments]]
id = "a"
value = 3
value_per_year = true
start = [2030, 2032]
[[commitments]]
id = "b"
value = 1
start = [2031, 2032]
[[relations]]
type = "requires"
a = "a"
b = "b"
"""


def test_requires_with_lag(tmp_path, solver):
    # a is worth 3 a year from its start, b 1 once; b can start 2031 at the earliest.
    # Without a lag: a@2030 (9) + b (1) = 10.
    sol = solve(tmp_path, LAG, solver)
    assert sol.expected == pytest.approx(10)
    assert "a.yes@2030" in package(sol)
    # lag 0: b no later than a, so a@2031 (6) + b@2031 (1) = 7
    sol = solve(tmp_path, LAG + "lag = 0\n", solver)
    assert package(sol) == {"a.yes@2031", "b.yes@2031"}
    assert sol.expected == pytest.approx(7)
    # lag 1: b at least a year before a: b@2031, a@2032: 3 + 1 = 4
    sol = solve(tmp_path, LAG + "lag = 1\n", solver)
    assert package(sol) == {"a.yes@2032", "b.yes@2031"}
    assert sol.expected == pytest.approx(4)
    # lag 2: impossible for a; b alone = 1
    sol = solve(tmp_path, LAG + "lag = 2\n", solver)
    assert package(sol) == {"b.yes@2031"}
    assert sol.expected == pytest.approx(1)


def test_start_window_follows_the_budget(tmp_path, solver):
    # x needs 4 in its first year only ([4]) and is worth 3 a year from its start; the budget
    # is 1 in 2030 and 5 later: the earliest start that fits is 2031, worth 3 * 2 = 6.
    text = """
    [problem]
    name = "window"
    years = [2030, 2032]
    [[resources]]
    id = "budget"
    capacity = { 2030 = 1, 2031 = 5, 2032 = 5 }
    [[commitments]]
    id = "x"
    use = { budget = [4] }
    value = 3
    value_per_year = true
    start = [2030, 2032]
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2031"}
    assert sol.expected == pytest.approx(6)
    used = {(u.id, u.year): u.used for u in sol.resources}
    assert used == {("budget", 2030): 0, ("budget", 2031): 4, ("budget", 2032): 0}


def test_a_year_left_out_has_no_limit(tmp_path, solver):
    # the budget is limited only in 2030 (2); x uses 1 then 10: it fits, worth 5
    text = """
    [problem]
    name = "open-year"
    years = [2030, 2031]
    [[resources]]
    id = "budget"
    capacity = { 2030 = 2 }
    [[commitments]]
    id = "x"
    use = { budget = [1, 10] }
    value = 5
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2030"}
    caps = {u.year: u.capacity for u in sol.resources}
    assert caps[2030] == 2 and caps[2031] == float("inf")
    # a limit of 3 in 2031, set from the command line, leaves x out: value 0
    sol = solve(tmp_path, text, solver, sets=["resources.budget.capacity.2031=3"])
    assert package(sol) == set()
    assert sol.expected == 0


def test_number_use_recurs_every_year_against_a_per_year_budget(tmp_path, solver):
    # x uses 2 every year from its start; the budget is 3 a year; y uses 2 in its first year
    # only. x@2030 + y@2030 would need 4 in 2030; x@2030 + y@2031 also 4 in 2031. So x and y
    # never fit together: x (value 5) beats y (value 4).
    text = """
    [problem]
    name = "recurring"
    years = [2030, 2031]
    [[resources]]
    id = "budget"
    capacity = 3
    [[commitments]]
    id = "x"
    use = { budget = 2 }
    value = 5
    [[commitments]]
    id = "y"
    use = { budget = [2] }
    value = 4
    start = [2030, 2031]
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2030"}
    assert sol.expected == pytest.approx(5)


def test_total_resource(tmp_path, solver):
    # a total resource of 5 over 2030-2032: x's number 2 counts once, y's profile [1, 1, 1]
    # counts 3, z's number 1 once. Values 3, 4, 2: x + y = 7 (uses 5) beats y + z = 6.
    text = """
    [problem]
    name = "total"
    years = [2030, 2032]
    [[resources]]
    id = "staff"
    kind = "total"
    capacity = 5
    [[commitments]]
    id = "x"
    use = { staff = 2 }
    value = 3
    [[commitments]]
    id = "y"
    use = { staff = [1, 1, 1] }
    value = 4
    [[commitments]]
    id = "z"
    use = { staff = 1 }
    value = 2
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2030", "y.yes@2030"}
    assert sol.expected == pytest.approx(7)
    assert [(u.id, u.year, u.used, u.capacity) for u in sol.resources] == [
        ("staff", None, 5.0, 5.0)
    ]


def test_profiles_and_discounting(tmp_path, solver):
    # rate 10%. x's value is the profile [1, 2, 3] from its start (2030 or 2031):
    #   x@2030 = 1 + 2/1.1 + 3/1.21 = 5.29752...;  x@2031 = 1/1.1 + 2/1.21 = 2.56198...
    # x uses [3, 1] a year against a budget of 3; y uses [1] in 2030 and is worth 3 once.
    # x@2030 + y needs 4 in 2030, so: x@2030 alone = 5.2975 or x@2031 + y = 5.5620.
    text = """
    [problem]
    name = "profiles"
    years = [2030, 2032]
    discount_rate = 0.1
    [[resources]]
    id = "budget"
    capacity = 3
    [[commitments]]
    id = "x"
    use = { budget = [3, 1] }
    value = [1, 2, 3]
    start = [2030, 2031]
    [[commitments]]
    id = "y"
    use = { budget = [1] }
    value = 3
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2031", "y.yes@2030"}
    assert sol.expected == pytest.approx(1 / 1.1 + 2 / 1.21 + 3)
    # y worth 2 instead: x@2030 alone = 5.2975 beats 4.5620
    sol = solve(tmp_path, text, solver, sets=["commitments.y.value=2"])
    assert package(sol) == {"x.yes@2030"}
    assert sol.expected == pytest.approx(1 + 2 / 1.1 + 3 / 1.21)


def test_value_per_year_and_discount_rate(tmp_path, solver):
    # x: 2 a year from 2030 (three years); y: 5 once; one or the other.
    # Undiscounted x = 6 > 5. At 50%: x = 2 + 2/1.5 + 2/2.25 = 4.2222 < 5, so y.
    text = """
    [problem]
    name = "per-year"
    years = [2030, 2032]
    [[commitments]]
    id = "x"
    value = 2
    value_per_year = true
    [[commitments]]
    id = "y"
    value = 5
    [[relations]]
    type = "excludes"
    members = ["x", "y"]
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2030"}
    assert sol.expected == pytest.approx(6)
    sol = solve(tmp_path, text, solver, sets=["problem.discount_rate=0.5"])
    assert package(sol) == {"y.yes@2030"}
    assert sol.expected == pytest.approx(5)


def test_one_off_value_is_discounted_from_its_start_year(tmp_path, solver):
    # 10 once, at a start year in 2031-2032, 25% a year: best is 2031, 10 / 1.25 = 8
    text = """
    [problem]
    name = "discount"
    years = [2030, 2032]
    discount_rate = 0.25
    [[commitments]]
    id = "x"
    value = 10
    start = [2031, 2032]
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"x.yes@2031"}
    assert sol.expected == pytest.approx(8)


def test_negative_use_provides_room(tmp_path, solver):
    # an envelope of capacity 0: e provides 5 (use -5, value -1), x and y need 3 each (value 4).
    # e + x = 3 (use -2); e + x + y needs +1 > 0. So e and one of x, y: value 3.
    text = """
    [problem]
    name = "envelope"
    [[resources]]
    id = "envelope"
    capacity = 0
    [[commitments]]
    id = "e"
    use = { envelope = -5 }
    value = -1
    [[commitments]]
    id = "x"
    use = { envelope = 3 }
    value = 4
    [[commitments]]
    id = "y"
    use = { envelope = 3 }
    value = 4
    """
    sol = solve(tmp_path, text, solver)
    assert sol.expected == pytest.approx(3)
    assert "e.yes" in package(sol) and len(package(sol)) == 2


# ---- scenarios -----------------------------------------------------------------------------
SCEN = """
[problem]
name = "scenarios"
[[scenarios]]
id = "good"
probability = 0.3
[[scenarios]]
id = "bad"
probability = 0.7
[[commitments]]
id = "x"
value = { good = 10 }
[[commitments]]
id = "y"
value = { good = 1, bad = 4 }
[[relations]]
type = "excludes"
members = ["x", "y"]
"""


def test_scenarios_and_a_missing_scenario_is_zero(tmp_path, solver):
    # x: 10 in good, 0 in bad (missing) -> 3.0; y: 0.3 + 2.8 = 3.1. y wins.
    sol = solve(tmp_path, SCEN, solver)
    assert package(sol) == {"y.yes"}
    assert sol.expected == pytest.approx(3.1)
    assert sol.by_scenario == pytest.approx({"good": 1, "bad": 4})
    # probabilities set to 0.5/0.5: x = 5 beats y = 2.5
    sets = ["scenarios.good.probability=0.5", "scenarios.bad.probability=0.5"]
    sol = solve(tmp_path, SCEN, solver, sets=sets)
    assert package(sol) == {"x.yes"}
    assert sol.expected == pytest.approx(5)
    assert sol.by_scenario == pytest.approx({"good": 10, "bad": 0})


# ---- CSV tables ----------------------------------------------------------------------------
def test_csv_table_of_options(tmp_path, solver):
    # Options from a CSV next to the problem file. Budget 4 a year over 2030-2031.
    #   road.narrow: use 1 a year, value good 3 / bad 1;  road.wide: use 3, value 6 / 2
    #   rail: profile use 2;1 from a start in 2030-2031, value 4 a year (both scenarios)
    # road.wide + rail@2030 needs 5 in 2030; rail@2031 + road.wide needs 5 in 2031.
    # Candidates: wide + nothing = 0.5*6 + 0.5*2 = 4; narrow + rail@2030 = 2 + 8 = 10;
    # rail is required, so: narrow + rail@2030 = 10.
    (tmp_path / "options.csv").write_text(
        "commitment,option,use.budget,value.good,value.bad,value_per_year,"
        "start_earliest,start_latest,required,commitment_name\n"
        "road,narrow,1,3,1,,,,,Road\n"
        "road,wide,3,6,2,,,,,Road\n"
        "rail,yes,2;1,4,4,true,2030,2031,true,Rail link\n"
    )
    text = """
    [problem]
    name = "with-table"
    years = [2030, 2031]
    [[scenarios]]
    id = "good"
    probability = 0.5
    [[scenarios]]
    id = "bad"
    probability = 0.5
    [[resources]]
    id = "budget"
    capacity = 4
    [[tables]]
    file = "options.csv"
    """
    sol = solve(tmp_path, text, solver)
    assert package(sol) == {"road.narrow@2030", "rail.yes@2030"}
    assert sol.expected == pytest.approx(10)
    spec = sol.problem
    assert spec.commitment("rail").required and spec.commitment("rail").name == "Rail link"
    assert spec.commitment("rail").option("yes").use == {"budget": (2.0, 1.0)}
