"""k best distinct packages against full enumeration (``tests/bruteforce.py``).

With ties in value the order among equal packages is the solver's, so the check is
sequential: each listed package must be the best (by enumeration) among all packages far
enough from every package listed before it, and the list may only end for the reason it
gives.
"""

from __future__ import annotations

import json

import pytest
from bruteforce import Pick, enumerate_packages, evaluate, problems
from click.testing import CliRunner
from conftest import MIP_SOLVERS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from optimizer.analysis.alternatives import alternatives, parse_within
from optimizer.analysis.package_diff import differences, distance
from optimizer.cli import cli
from optimizer.errors import InfeasibleError, InputError
from optimizer.solution import Choice
from optimizer.spec import load_document

TOL = 1e-6


def ident(pkg: dict, by: str) -> dict:
    """What makes a package distinct under ``by``: commitment -> key."""
    if by == "start":
        return {c: (p.option, p.start) for c, p in pkg.items()}
    if by == "option":
        return {c: p.option for c, p in pkg.items()}
    return dict.fromkeys(pkg, True)


def ref_distance(a: dict, b: dict) -> int:
    return sum(1 for c in set(a) | set(b) if a.get(c) != b.get(c))


def as_pkg(chosen) -> dict:
    return {c.commitment: Pick(c.commitment, c.option, c.start) for c in chosen}


def check(doc: dict, k: int, by: str, min_diff: int, within, solver: str = "highs") -> None:
    try:
        spec = load_document(doc)
    except InputError:
        assume(False)  # refused documents are covered by test_bruteforce
    maximize = spec.sense == "maximize"
    sg = 1.0 if maximize else -1.0
    feasible = []
    for pkg in enumerate_packages(doc):
        ok, _, ev = evaluate(doc, pkg)
        if ok:
            feasible.append((pkg, ev))
    if not feasible:
        with pytest.raises(InfeasibleError):
            alternatives(spec, k, by=by, min_diff=min_diff, within=within, solver=solver)
        return
    res = alternatives(spec, k, by=by, min_diff=min_diff, within=within, solver=solver)
    listed: list[dict] = []
    best = None

    def candidates():
        return [
            (pkg, ev)
            for pkg, ev in feasible
            if all(ref_distance(ident(pkg, by), q) >= min_diff for q in listed)
        ]

    assert 1 <= len(res.alternatives) <= k
    for alt in res.alternatives:
        cand = candidates()
        assert cand, "a package was listed though none is far enough from those above"
        top = max(sg * ev for _, ev in cand) * sg
        pkg = as_pkg(alt.chosen)
        ok, _, ev = evaluate(doc, pkg)
        assert ok, f"listed package {alt.chosen} is infeasible"
        assert abs(ev - top) <= TOL * max(1.0, abs(top)), (alt.rank, ev, top)
        assert abs(alt.value - ev) <= TOL * max(1.0, abs(ev))
        assert all(ref_distance(ident(pkg, by), q) >= min_diff for q in listed)
        if best is None:
            best = ev
            first = ident(pkg, by)
        denom = abs(best) if abs(best) > 1e-12 else 1.0
        gap = sg * (best - ev) / denom
        assert alt.gap == pytest.approx(max(0.0, gap), abs=1e-7)
        if within is not None:
            assert gap <= within + 1e-7
        assert alt.distance == ref_distance(first, ident(pkg, by))
        listed.append(ident(pkg, by))
    left = candidates()
    if res.stopped == "k reached":
        assert len(res.alternatives) == k
    elif res.stopped == "no more packages":
        assert not left
    else:
        assert res.stopped == "outside --within"
        assert within is not None and left
        top = max(sg * ev for _, ev in left) * sg
        denom = abs(best) if abs(best) > 1e-12 else 1.0
        assert sg * (best - top) / denom > within - 1e-7


def loosen(doc: dict) -> None:
    """Fewer hard constraints, so more packages are feasible and the lists get longer."""
    for c in doc["commitments"]:
        c.pop("required", None)
    tight = ("force", "exactly", "at_least", "both_or_neither")
    relations = [r for r in doc.get("relations", []) if r["type"] not in tight]
    doc.pop("relations", None)
    if relations:
        doc["relations"] = relations


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    doc=problems(),
    loose=st.booleans(),
    sense=st.sampled_from(["maximize", "minimize"]),
    k=st.sampled_from([6, 3, 10, 1]),
    by=st.sampled_from(["option", "start", "commitment"]),
    min_diff=st.sampled_from([1, 1, 2, 3]),
    within=st.sampled_from([None, None, 0.1, 0.5]),
)
def test_k_best_matches_enumeration(doc, loose, sense, k, by, min_diff, within) -> None:
    if loose:
        loosen(doc)
    doc["problem"]["sense"] = sense
    check(doc, k, by, min_diff, within)


# A hand-checked case: budget 5 per year over 2030-2031; no discounting.
HAND = {
    "problem": {"name": "hand", "years": [2030, 2031]},
    "resources": [{"id": "budget", "capacity": 5}],
    "commitments": [
        {
            "id": "a",
            "options": [
                {"id": "small", "use": {"budget": 2}, "value": 5},
                {"id": "large", "use": {"budget": 4}, "value": 8},
            ],
        },
        {"id": "b", "use": {"budget": 3}, "value": 4, "start": [2030, 2031]},
        {"id": "c", "use": {"budget": 1}, "value": 1},
    ],
}
# Packages (expected value). a.small + b + c needs 2 + 3 + 1 = 6 > 5 in the years b runs:
# infeasible. So: a.small + b = 9 (b at 2030 or 2031), a.large + c = 9, a.large = 8,
# a.small + c = 6, b + c = 5 (either start), a.small = 5, b = 4 (either start), c = 1, none = 0.


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_hand_case_by_option_and_by_start(solver: str) -> None:
    spec = load_document(HAND)
    by_option = alternatives(spec, 4, by="option", solver=solver)
    assert [a.value for a in by_option.alternatives] == pytest.approx([9, 9, 8, 6])
    # a.small + b counts once under --by option however b is timed
    assert (
        len({frozenset((c.commitment, c.option) for c in a.chosen) for a in by_option.alternatives})
        == 4
    )
    by_start = alternatives(spec, 4, by="start", solver=solver)
    # the two timings of a.small + b are two packages now
    assert [a.value for a in by_start.alternatives] == pytest.approx([9, 9, 9, 8])
    by_commitment = alternatives(spec, 10, by="commitment", solver=solver)
    # {a, b}, {a, c}, {a}, {b, c}, {b}, {c}, {} : seven sets of commitments
    assert [a.value for a in by_commitment.alternatives] == pytest.approx([9, 9, 8, 5, 4, 1, 0])
    assert by_commitment.stopped == "no more packages"


@pytest.mark.parametrize("solver", MIP_SOLVERS)
def test_hand_case_within_and_min_diff(solver: str) -> None:
    spec = load_document(HAND)
    near = alternatives(spec, 10, within="12%", solver=solver)  # 9 * 0.88 = 7.92
    assert [a.value for a in near.alternatives] == pytest.approx([9, 9, 8])
    assert near.stopped == "outside --within"
    far = alternatives(spec, 10, min_diff=2, solver=solver)
    # every pair differs in >= 2 commitments (whichever 9 comes first, the sequence is
    # checked against enumeration by check() below)
    for i, a in enumerate(far.alternatives):
        for b in far.alternatives[:i]:
            assert distance(a.chosen, b.chosen, "option") >= 2
    check(HAND, 10, "option", 2, None, solver)
    check(HAND, 10, "start", 1, 0.2, solver)


def test_differences_read_well() -> None:
    base = [Choice("a", "small", 2030), Choice("b", "yes", 2030)]
    other = [Choice("a", "large", 2030), Choice("c", "yes", 2030)]
    assert differences(base, other, ["a", "b", "c"]) == [
        "a: small -> large",
        "drop b@2030",
        "add c@2030",
    ]
    retimed = [Choice("a", "small", 2030), Choice("b", "yes", 2031)]
    assert differences(base, retimed, ["a", "b"]) == ["b: start 2030 -> 2031"]
    assert distance(base, retimed, "option") == 0
    assert distance(base, retimed, "start") == 1


@pytest.mark.parametrize(("text", "value"), [("2%", 0.02), ("0.02", 0.02), ("0", 0.0)])
def test_parse_within(text: str, value: float) -> None:
    assert parse_within(text) == pytest.approx(value)


def test_parse_within_rejects_nonsense() -> None:
    with pytest.raises(InputError, match="--within: expected a relative gap"):
        parse_within("two")
    with pytest.raises(InputError, match=">= 0"):
        parse_within("-1%")


def test_command_line(tmp_path) -> None:
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(HAND))
    r = CliRunner().invoke(
        cli, ["alternatives", str(path), "-k", "3", "--format", "json", "--by", "start"]
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [a["value"] for a in d["alternatives"]] == [9, 9, 9]
    assert d["alternatives"][0]["changes"] == []
    r = CliRunner().invoke(cli, ["alternatives", str(path), "-k", "3", "--within", "5%"])
    assert r.exit_code == 0, r.output
    assert "within 5% of the optimum" in r.output
    r = CliRunner().invoke(cli, ["alternatives", str(path), "--within", "lots"])
    assert r.exit_code == 2
    assert "--within: expected a relative gap" in r.output


def test_two_stage_packages_differ_by_commitments() -> None:
    # build small (worth 1) or big (worth 3) or nothing; then buy y >= k*build - 3 at 1 (a) or
    # 2 (b) a unit, k = 2 or 4 (p = 1/2 each). Any build needs y = 1 in b (cost 0.5 * 2 = 1):
    # big 3 - 1 = 2, small 1 - 1 = 0, nothing 0. Three packages, then none.
    doc = {
        "problem": {"name": "t"},
        "scenarios": [{"id": "a", "probability": 0.5}, {"id": "b", "probability": 0.5}],
        "commitments": [
            {"id": "build", "options": [{"id": "small", "value": 1}, {"id": "big", "value": 3}]}
        ],
        "responses": [{"id": "y", "value": {"a": -1, "b": -2}, "upper": 10}],
        "parameters": [{"id": "k", "value": {"a": 2, "b": 4}}],
        "constraints": [{"id": "c", "expr": "y >= k * build - 3"}],
    }
    res = alternatives(load_document(doc), 5)
    assert [a.value for a in res.alternatives] == pytest.approx([2, 0, 0])
    assert res.stopped == "no more packages"
    assert [c.option for c in res.alternatives[0].chosen] == ["big"]
    assert {tuple(c.option for c in a.chosen) for a in res.alternatives[1:]} == {("small",), ()}


def test_an_unproven_first_package_below_a_later_one_is_listed_after_it(monkeypatch):
    """A first solve stopped at a limit may return a package below the one the next solve
    finds: the list is then sorted best first, each gap taken from the new first (before:
    the better package ranked second, both with gap 0). The stop is forced: the first solve
    returns the second-best package with status time_limit."""
    from dataclasses import replace as dc_replace

    import numpy as np

    import solvers
    from optimizer.analysis import alternatives as alt_mod
    from optimizer.offer import offer_key

    real = solvers.get("highs")
    calls = {"n": 0}

    class FirstStopsShort:
        name = real.name

        def solve(self, model, opts):
            calls["n"] += 1
            res = real.solve(model, opts)
            if calls["n"] > 1:
                return res
            cut = alt_mod._cut(model, np.array(offer_key(model, res.x), dtype=int), "option", 1)
            worse = real.solve(alt_mod._add_rows(model, [cut], ["not the best"]), opts)
            return dc_replace(worse, status=solvers.Status.TIME_LIMIT)

    from optimizer.spec import load

    spec = load("small-example")
    truth = alt_mod.alternatives(spec, k=3)
    monkeypatch.setattr(solvers, "get", lambda name: FirstStopsShort())
    got = alt_mod.alternatives(spec, k=3)
    values = [a.value for a in got.alternatives]
    assert values == sorted(values, reverse=True)  # maximise: best first
    assert values[0] == pytest.approx(truth.alternatives[0].value)
    assert [a.rank for a in got.alternatives] == list(range(1, len(values) + 1))
    top = got.alternatives[0]
    for a in got.alternatives:
        assert a.gap == pytest.approx((top.value - a.value) / abs(top.value))
        assert a.distance == alt_mod.distance(top.chosen, a.chosen, "option")
    assert any(a.status == "time_limit" for a in got.alternatives[1:])
