"""Uncertain inputs in the problem format: distributions, point values, draws, located errors,
the spec locations each sets, ``with_values`` and the JSON Schema.

Reference distributions come from ``scipy.stats`` (an independent implementation); sample
checks use n = 20,000 draws with a fixed seed and the Kolmogorov-Smirnov statistic, whose 1%
critical value is 1.63 / sqrt(n) = 0.0115: a correct sampler passes, and a wrong shape or
scale (a PERT drawn as a triangular, sigma off by 20%) fails by a wide margin.
"""

from __future__ import annotations

import copy
import math

import jsonschema
import numpy as np
import pytest
from scipy import stats

import optimizer
from optimizer.errors import InputError
from optimizer.spec import load_document
from optimizer.spec.schema import SCHEMA
from optimizer.spec.uncertain import Distribution, sample_inputs

N = 20_000
KS_CRITICAL = 1.63 / math.sqrt(N)


def dist(**kw) -> Distribution:
    kind = kw.pop("dist")
    point = kw.pop("point", None)
    return Distribution(kind, point_override=point, **kw)


def draws(d: Distribution, n: int = N, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return d.ppf(rng.random(n))


Z95 = stats.norm.ppf(0.95)
CASES = [
    (dict(dist="triangular", low=1.0, mode=2.0, high=6.0), 2.0,
     stats.triang(c=(2 - 1) / 5, loc=1, scale=5)),
    (dict(dist="pert", low=1.0, mode=2.0, high=6.0), 2.0,
     stats.beta(1 + 4 * 1 / 5, 1 + 4 * 4 / 5, loc=1, scale=5)),
    (dict(dist="uniform", low=-3.0, high=5.0), 1.0, stats.uniform(loc=-3, scale=8)),
    (dict(dist="normal", mean=10.0, sd=2.0), 10.0, stats.norm(10, 2)),
    (dict(dist="normal", mean=10.0, sd=2.0, low=9.0, high=20.0), 10.0,
     stats.truncnorm(-0.5, 5.0, loc=10, scale=2)),
    # lognormal: sigma from the wider side, ln(2.5 / 1.0) / z95 (the 0.7 side is narrower)
    (dict(dist="lognormal", median=1.0, low=0.7, high=2.5), 1.0,
     stats.lognorm(s=math.log(2.5) / Z95, scale=1.0)),
    (dict(dist="lognormal", median=4.0, low=1.0, high=6.0), 4.0,
     stats.lognorm(s=math.log(4.0) / Z95, scale=4.0)),
]  # fmt: skip


@pytest.mark.parametrize(("params", "point", "ref"), CASES)
def test_point_value_and_draws_match_the_reference_distribution(params, point, ref):
    d = dist(**params)
    assert d.point == point  # mode (triangular, pert), mean (uniform, normal), median
    x = draws(d)
    assert stats.kstest(x, ref.cdf).statistic < KS_CRITICAL
    # sample mean within 5 standard errors of the reference mean
    assert abs(x.mean() - ref.mean()) < 5 * ref.std() / math.sqrt(N)
    assert d.expected() == pytest.approx(ref.mean(), rel=1e-9)


def test_lognormal_matches_the_wider_side_of_its_interval_exactly():
    d = dist(dist="lognormal", median=1.0, low=0.7, high=2.5)
    p5, p95 = d.implied_interval()
    assert p95 == pytest.approx(2.5)
    assert p5 == pytest.approx(1.0 / 2.5)  # symmetric in log space: wider than the stated 0.7
    sym = dist(dist="lognormal", median=2.0, low=1.0, high=4.0)
    assert sym.implied_interval() == pytest.approx((1.0, 4.0))
    x = draws(sym)
    assert np.percentile(x, [5, 50, 95]) == pytest.approx([1.0, 2.0, 4.0], rel=0.03)


def test_point_override_and_degenerate_distributions():
    assert dist(dist="triangular", low=1, mode=2, high=6, point=3).point == 3.0
    assert dist(dist="lognormal", median=1.3, low=1.0, high=3.0, point=1.0).point == 1.0
    for params in (
        dict(dist="triangular", low=2.0, mode=2.0, high=2.0),
        dict(dist="pert", low=2.0, mode=2.0, high=2.0),
        dict(dist="uniform", low=2.0, high=2.0),
        dict(dist="normal", mean=2.0, sd=0.0),
        dict(dist="lognormal", median=2.0, low=2.0, high=2.0),
    ):
        d = dist(**params)
        assert d.point == 2.0
        assert np.all(draws(d, 100) == 2.0)


DOC = {
    "problem": {"name": "u", "years": [2026, 2028]},
    "scenarios": [{"id": "good", "probability": 0.6}, {"id": "bad", "probability": 0.4}],
    "resources": [
        {"id": "budget", "capacity": {"dist": "uniform", "low": 5, "high": 7}},
        {"id": "pc", "kind": "total", "capacity": 10},
        {"id": "b2", "capacity": {"2027": {"dist": "normal", "mean": 3, "sd": 0.5}}},
    ],
    "commitments": [
        {
            "id": "a",
            "options": [
                {"id": "small", "use": {"budget": 2}, "value": {"good": 5, "bad": 2}},
                {
                    "id": "large",
                    "use": {"budget": [{"dist": "triangular", "low": 3, "mode": 4, "high": 6}, 1]},
                    "value": {"good": 9, "bad": {"dist": "pert", "low": 1, "mode": 3, "high": 4}},
                },
            ],
        },
        {
            "id": "b",
            "use": {"pc": {"dist": "triangular", "low": 2, "mode": 3, "high": 5}},
            "value": {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
        },
        {"id": "c", "use": {"budget": 1}, "value": [{"dist": "uniform", "low": 0, "high": 2}, 1]},
    ],
}


def test_each_input_records_its_document_path_and_the_spec_numbers_it_sets():
    spec = load_document(DOC)
    got = {u.path: u.targets for u in spec.uncertain}
    assert got == {
        # one number for every year sets every year's capacity
        "resources[0].capacity": tuple(f"resources[0].capacity[{t}]" for t in range(3)),
        "resources[2].capacity.2027": ("resources[2].capacity[1]",),
        "commitments[0].options[1].use.budget[0]": ("commitments[0].options[1].use.budget[0]",),
        "commitments[0].options[1].value.bad": ("commitments[0].options[1].value.bad",),
        # use/value given directly belong to option 0; one value for all scenarios sets each
        "commitments[1].use.pc": ("commitments[1].options[0].use.pc",),
        "commitments[1].value": (
            "commitments[1].options[0].value.good",
            "commitments[1].options[0].value.bad",
        ),
        "commitments[2].value[0]": (
            "commitments[2].options[0].value.good[0]",
            "commitments[2].options[0].value.bad[0]",
        ),
    }
    # the spec holds the point values
    assert spec.resources[0].capacity == (6.0, 6.0, 6.0)
    assert spec.resources[2].capacity == (math.inf, 3.0, math.inf)
    assert spec.commitments[0].options[1].use["budget"] == (4.0, 1.0)
    assert spec.commitments[0].options[1].value["bad"] == 3.0
    assert spec.commitments[1].options[0].value == {"good": 2.0, "bad": 2.0}
    assert spec.commitments[2].options[0].value["bad"] == (1.0, 1.0)


def test_a_problem_with_distributions_solves_at_the_point_values():
    plain = copy.deepcopy(DOC)
    plain["resources"][0]["capacity"] = 6
    plain["resources"][2]["capacity"] = {"2027": 3}
    plain["commitments"][0]["options"][1]["use"]["budget"] = [4, 1]
    plain["commitments"][0]["options"][1]["value"]["bad"] = 3
    plain["commitments"][1]["use"]["pc"] = 3
    plain["commitments"][1]["value"] = 2
    plain["commitments"][2]["value"] = [1, 1]
    a = optimizer.solve(load_document(DOC))
    b = optimizer.solve(load_document(plain))
    assert a.chosen == b.chosen
    assert a.expected == pytest.approx(b.expected)
    assert not load_document(plain).uncertain


def test_with_values_replaces_the_numbers_and_drops_what_it_realised():
    spec = load_document(DOC)
    new = spec.with_values(
        {
            "resources[0].capacity[1]": 9.0,
            "commitments[0].options[1].use.budget[0]": 5.5,
            "commitments[1].options[0].value.bad": -1.0,
            "scenarios[0].probability": 0.5,
            "scenarios[1].probability": 0.5,
        }
    )
    assert new.resources[0].capacity == (6.0, 9.0, 6.0)
    assert new.commitments[0].options[1].use["budget"] == (5.5, 1.0)
    assert new.commitments[1].options[0].value == {"good": 2.0, "bad": -1.0}
    assert [s.probability for s in new.scenarios] == [0.5, 0.5]
    realised = {u.path for u in spec.uncertain} - {u.path for u in new.uncertain}
    assert realised == {"commitments[0].options[1].use.budget[0]"}  # all its numbers were set
    with pytest.raises(InputError, match="does not exist"):
        spec.with_values({"commitments[9].options[0].value.good": 1.0})
    with pytest.raises(InputError, match="probabilities must sum to 1"):
        spec.with_values({"scenarios[0].probability": 0.9})


def test_draws_share_a_quantile_within_a_group_and_renormalise_probabilities():
    doc = copy.deepcopy(DOC)
    for s, (lo, hi) in zip(doc["scenarios"], [(0.4, 0.8), (0.3, 0.5)], strict=True):
        s["probability"] = {"dist": "uniform", "low": lo, "high": hi, "point": s["probability"]}
    lognormal = {"dist": "lognormal", "median": 2.0, "low": 1.0, "high": 4.0, "group": "f"}
    doc["commitments"][0]["options"][0]["use"]["budget"] = lognormal
    doc["commitments"][2]["use"]["budget"] = dict(lognormal, median=1.0, low=0.5, high=2.0)
    spec = load_document(doc)
    d = sample_inputs(spec, 2000, seed=3)
    k = {u.path: i for i, u in enumerate(spec.uncertain)}
    a = d.values[:, k["commitments[0].options[0].use.budget"]]
    c = d.values[:, k["commitments[2].use.budget"]]
    assert np.allclose(a, 2.0 * c)  # one factor per draw
    assert np.allclose(d.probabilities.sum(axis=1), 1.0)
    raw_good = d.values[:, k["scenarios[0].probability"]]
    raw_bad = d.values[:, k["scenarios[1].probability"]]
    assert np.allclose(d.probabilities[:, 0], raw_good / (raw_good + raw_bad))
    # the same seed gives the same draws
    assert np.array_equal(sample_inputs(spec, 2000, seed=3).values, d.values, equal_nan=True)


def test_dirichlet_probabilities_centre_on_the_stated_ones():
    doc = copy.deepcopy(DOC)
    doc["uncertainty"] = {"probabilities": {"dist": "dirichlet", "concentration": 50}}
    spec = load_document(doc)
    p = sample_inputs(spec, N, seed=5).probabilities
    assert np.allclose(p.sum(axis=1), 1.0)
    # Dirichlet(50 * p0): mean p0, variance p0 (1 - p0) / 51
    sd = math.sqrt(0.6 * 0.4 / 51)
    assert abs(p[:, 0].mean() - 0.6) < 5 * sd / math.sqrt(N)
    assert p[:, 0].std() == pytest.approx(sd, rel=0.05)


def located(doc: dict) -> str:
    with pytest.raises(InputError) as e:
        load_document(doc, where="p.toml")
    return str(e.value)


def test_impossible_parameters_are_rejected_where_they_are_written():
    doc = {
        "problem": {"name": "x"},
        "scenarios": [{"id": "s1", "probability": 0.5}, {"id": "s2", "probability": 0.5}],
        "commitments": [{"id": f"c{i}", "value": 1} for i in range(3)]
        + [
            {
                "id": "c3",
                "options": [
                    {"id": "o0", "value": 1},
                    {"id": "o1", "value": {"s1": 1, "s2": {"dist": "triangular", "low": 5, "mode": 2, "high": 9}}},
                ],
            }
        ],
    }  # fmt: skip
    assert located(doc) == (
        "p.toml: commitment 'c3' (commitments[3]).option 'o1' (options[1]).value.s2: "
        "triangular needs low <= mode <= high, "
        "got low=5, mode=2, high=9"
    )

    def with_value(v) -> dict:
        d = copy.deepcopy(doc)
        d["commitments"][3]["options"][1]["value"]["s2"] = v
        return d

    where = "p.toml: commitment 'c3' (commitments[3]).option 'o1' (options[1]).value.s2"
    cases = [
        ({"dist": "triangle", "low": 1}, ".dist: unknown distribution 'triangle'; did you mean 'triangular'?"),
        ({"dist": "uniform", "low": 1, "hgih": 2}, ".hgih: unknown key 'hgih' for uniform; did you mean 'high'?"),
        ({"dist": "uniform", "low": 1}, ": uniform needs 'high'"),
        ({"dist": "normal", "mean": 1, "sd": -1}, ".sd: normal needs sd >= 0, got sd=-1"),
        ({"dist": "lognormal", "median": 1, "low": 0, "high": 2}, ": lognormal needs 0 < low <= median <= high"),
        ({"dist": "pert", "low": 1, "mode": "x", "high": 2}, ".mode: expected a finite number, got 'x'"),
        ({"dist": "uniform", "low": 1, "high": 2, "point": 3}, ".point: point 3 is outside the range of the uniform distribution [1, 2]"),
        ({"dist": "dirichlet", "concentration": 5}, ".dist: dirichlet goes only in uncertainty.probabilities"),
    ]  # fmt: skip
    for value, message in cases:
        assert located(with_value(value)).startswith(where + message), value

    doc = with_value(2.0)
    d = copy.deepcopy(doc)
    d["problem"]["discount_rate"] = {"dist": "uniform", "low": 0.0, "high": 0.1}
    assert located(d) == (
        "p.toml: problem.discount_rate: the discount rate cannot be uncertain (it does not "
        "enter the model linearly); give a number"
    )
    d = copy.deepcopy(doc)
    d["scenarios"][0]["probability"] = {"dist": "normal", "mean": 0.5, "sd": 0.1}
    assert (
        "scenario 's1' (scenarios[0]).probability: a probability's distribution must stay "
        "within [0, 1]" in located(d)
    )
    d["scenarios"][0]["probability"] = {"dist": "uniform", "low": 0.4, "high": 0.6}
    d["uncertainty"] = {"probabilities": {"dist": "dirichlet", "concentration": 10}}
    assert "give either uncertainty.probabilities or distributions" in located(d)
    d = copy.deepcopy(doc)
    d["uncertainty"] = {"probabilities": {"dist": "uniform", "low": 0, "high": 1}}
    assert "uncertainty.probabilities.dist: uncertainty.probabilities takes a dirichlet" in located(
        d
    )
    d["uncertainty"] = {"probabilities": {"dist": "dirichlet", "concentration": 0}}
    assert "uncertainty.probabilities.concentration: dirichlet needs concentration > 0" in located(
        d
    )
    d["uncertainty"] = {"probabilites": {}}
    assert "uncertainty.probabilites: unknown key 'probabilites'" in located(d)


def test_the_schema_accepts_distribution_tables_and_refuses_bad_ones():
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    doc = copy.deepcopy(DOC)
    doc["uncertainty"] = {"probabilities": {"dist": "dirichlet", "concentration": 50}}
    validator.validate(doc)
    bad = copy.deepcopy(DOC)
    bad["commitments"][1]["value"] = {"dist": "triangular", "low": 1, "high": 4}  # no mode
    assert list(validator.iter_errors(bad))
    bad["commitments"][1]["value"] = {"dist": "gamma", "low": 1, "high": 4}
    assert list(validator.iter_errors(bad))


@pytest.mark.parametrize("kind", ["uniform", "triangular", "pert"])
def test_a_range_whose_width_overflows_is_refused(kind):
    """Draws are low + u * (high - low): a width beyond the largest double would draw inf."""
    extra = {} if kind == "uniform" else {"mode": 0.0}
    with pytest.raises(InputError, match="the range high - low overflows"):
        Distribution(kind, low=-1e308, high=1e308, **extra)
    wide = Distribution(kind, low=-1e307, high=1e307, **extra)  # a width of 2e307: accepted
    assert wide.support == (-1e307, 1e307)


def test_montecarlo_names_the_problem_and_item_of_an_overflowing_range():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "montecarlo", "moving-odds", "-n", "5", "--set",
         'commitments.border.value={dist="uniform",low=-1e308,high=1e308}'],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "'border'" in lines[0] and "overflows" in lines[0], out.stderr
