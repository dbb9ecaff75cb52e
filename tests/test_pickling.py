"""Problems travel to worker processes by pickle with no process-wide hook: the spec types that
hold read-only mappings pickle themselves, so a user's process keeps the default pickling of
``types.MappingProxyType`` (which refuses it) before and after any sweep on workers.

The proofs run in fresh interpreters (``python -c``), where nothing else could have registered
a ``copyreg`` reducer; sweeps on two workers are compared with the same sweep on one.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import ROOT

from optimizer.spec.model import Commitment, Option, Parameter, Response

# Run in a fresh interpreter that imports only optimizer.api, then the analyses on a process
# pool of two: prints one JSON line of findings.
FRESH = r"""
import copyreg, dataclasses, glob, json, pickle, sys, types
import optimizer.api as api

def hooked():
    return types.MappingProxyType in copyreg.dispatch_table

def proxies(spec):
    for c in spec.commitments:
        for o in c.options:
            yield from (o.use, o.value, o.scores)
    for x in (*spec.responses, *spec.parameters):
        yield x.value

found = {"hooked_before": hooked(), "problems": {}}
for name in [*sorted(glob.glob("problems/*.toml")), "canada-us-2025"]:
    spec = api.load(name)
    data = pickle.dumps(spec)
    back = pickle.loads(data)
    frozen = all(type(m) is types.MappingProxyType for m in proxies(back))
    try:
        back.name = "changed"
        frozen = False
    except dataclasses.FrozenInstanceError:
        pass
    found["problems"][name] = {
        "equal": back == spec,
        "same_maps": [dict(m) for m in proxies(back)] == [dict(m) for m in proxies(spec)],
        "frozen": frozen,
        "proxy_in_stream": b"mappingproxy" in data,
        "options": sum(len(c.options) for c in spec.commitments),
    }
found["hooked_after_load"] = hooked()

from optimizer.analysis.frontier import capacity_frontier
from optimizer.analysis.montecarlo import monte_carlo
from optimizer.analysis.sensitivity import sensitivity
from optimizer.executors import open_executor

small = api.load("problems/small_example.toml")
drawn = api.load(sys.argv[1])
with open_executor(2) as (ex, n):
    sens = [sensitivity(small, sweep=True, executor=e).to_dict() for e in (ex, None)]
    front = [capacity_frontier(small, "budget", executor=e).to_dict() for e in (ex, None)]
    mc = [monte_carlo(drawn, 40, seed=3, executor=e, workers=w).to_dict()
          for e, w in ((ex, n), (None, 1))]
for d in (*sens, *front):
    d.pop("time_s", None)
for d in mc:
    d["solves"].pop("run"); d["solves"].pop("timings")
found["same_on_workers"] = {"sensitivity": sens[0] == sens[1], "frontier": front[0] == front[1],
                            "montecarlo": mc[0] == mc[1]}
found["hooked_after"] = hooked()
try:
    pickle.dumps(types.MappingProxyType({"a": 1}))
    found["proxy_refused"] = False
except TypeError:
    found["proxy_refused"] = True
print(json.dumps(found))
"""

# small_example with two inputs drawn: the budget of 2026 and a.small's value if good
DRAWN = (
    (ROOT / "problems" / "small_example.toml")
    .read_text(encoding="utf-8")
    .replace(
        "value = { good = 5, bad = 2 }",
        'value = { good = { dist = "triangular", low = 2, mode = 5, high = 9 }, bad = 2 }',
    )
    .replace(
        "capacity = { 2026 = 5,", 'capacity = { 2026 = { dist = "uniform", low = 4, high = 6 },'
    )
)


@pytest.fixture(scope="module")
def drawn_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("drawn") / "drawn.toml"
    path.write_text(DRAWN, encoding="utf-8")
    assert "dist" in DRAWN.split("[[commitments]]")[0] and "triangular" in DRAWN
    return path


@pytest.fixture(scope="module")
def fresh(drawn_file) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", FRESH, str(drawn_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_bundled_problem_pickles_back_equal_and_frozen_in_a_fresh_process(fresh):
    problems = fresh["problems"]
    bundled = {f"problems/{p.name}" for p in (ROOT / "problems").glob("*.toml")}
    assert set(problems) == bundled | {"canada-us-2025"}
    for name, got in problems.items():
        assert got["equal"] and got["same_maps"] and got["frozen"], name
        assert not got["proxy_in_stream"], name
    assert problems["canada-us-2025"]["options"] > 10  # the big one was in the loop


def test_no_mappingproxy_reducer_is_registered_before_or_after_sweeps_on_two_workers(fresh):
    assert fresh["hooked_before"] is False
    assert fresh["hooked_after_load"] is False
    assert fresh["hooked_after"] is False
    assert fresh["proxy_refused"] is True  # the user's process pickles as Python does


def test_sweeps_on_two_workers_give_the_one_worker_results(fresh):
    assert fresh["same_on_workers"] == {"sensitivity": True, "frontier": True, "montecarlo": True}


def console(*args: str) -> dict:
    script = Path(sys.executable).parent / "optimizer"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "optimizer"]
    out = subprocess.run(
        [*cmd, *args, "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_console_montecarlo_on_two_workers_prints_the_one_worker_json(drawn_file):
    runs = {}
    for w in ("1", "2"):
        d = console("montecarlo", str(drawn_file), "-n", "50", "--seed", "1", "--workers", w)
        assert d["solves"]["run"]["workers"] == int(w)
        del d["solves"]["run"], d["solves"]["timings"]
        runs[w] = d
    assert runs["1"]["draws_done"] == 50 and len(runs["1"]["inputs"]) == 2
    assert runs["1"] == runs["2"]


@pytest.mark.parametrize(
    "args",
    [("sensitivity", "problems/small_example.toml"),
     ("frontier", "problems/small_example.toml", "--resource", "budget")],
    ids=["sensitivity", "frontier"],
)  # fmt: skip
def test_console_sweeps_on_two_workers_print_the_one_worker_json(args):
    one, two = (console(*args, "--workers", w) for w in ("1", "2"))
    for d in (one, two):
        d.pop("time_s", None)
    assert one and one == two


# ---- the spec types themselves -------------------------------------------------------------

ITEMS = [
    Option("big", use={"budget": (3.0, 1.0)}, value={"good": 9, "bad": 3}, scores={"jobs": 2}),
    Option("flat", value=4.0, start=(2026, 2027), name="Flat"),
    Response("sell", value={"good": -1.5}, lower=0.0, upper=10.0),
    Parameter("yield", value=2.5),
    Commitment("a", (Option("x", value={"s": 1}), Option("y", use={"r": 2}))),
]


@pytest.mark.parametrize("item", ITEMS, ids=lambda x: f"{type(x).__name__}-{x.id}")
def test_an_item_pickles_and_copies_back_equal_frozen_and_read_only(item):
    for back in (pickle.loads(pickle.dumps(item)), copy.deepcopy(item), copy.copy(item)):
        assert back == item and type(back) is type(item)
        with pytest.raises(dataclasses.FrozenInstanceError):
            back.id = "other"
        for x in back.options if isinstance(back, Commitment) else (back,):
            for name in ("use", "value", "scores"):
                m = getattr(x, name, None)
                if m is not None:
                    assert type(m) is MappingProxyType, name  # still read-only
                    with pytest.raises(TypeError):
                        m["new"] = 1  # type: ignore[index]


def test_items_that_differ_in_a_mapping_still_differ_after_the_round_trip():
    a = Option("o", value={"good": 1.0, "bad": 2.0})
    b = Option("o", value={"good": 1.0, "bad": 2.5})
    assert pickle.loads(pickle.dumps(a)) != pickle.loads(pickle.dumps(b))
    assert pickle.loads(pickle.dumps(a)).value == {"good": 1.0, "bad": 2.0}
