"""Sensitivity and frontier on the Monte Carlo executor (``--workers``, ``--scheduler``), run
as the console script: the JSON output is the same byte for byte (timings removed) for any
worker count and on a Dask cluster; a bad scheduler address is a one-line error with exit
code 2 (README, "Exit codes"); ``--max-time`` still stops a sweep on workers.

The independent check: the chunked sweep (fresh sessions) against the single-session path of
before, on generated problems -- two different orders of solves that must find the same
tipping points, thresholds and tornado rows (only the solve count differs).
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from test_console import SCRIPT

from problems.generate import generate
from problems.generate_csv import write

EXIT_INPUT = 2  # README, "Exit codes": bad input or usage
EXIT_PARTIAL = 5
HANG = 30.0  # seconds past a budget that only a hang would take
SENS = ["--sections", "tipping,thresholds,tornado"]


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    out = {}
    for n, seed in ((8, 5), (12, 3)):
        folder = tmp_path_factory.mktemp(f"g{n}")
        write(generate(n, seed=seed), folder)
        out[n] = str(folder / "problem.toml")
    return out


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=timeout)


def untimed(text: str) -> str:
    """The JSON text with its timing fields removed, re-serialised in the same key order."""
    d = json.loads(text)
    d.pop("time_s", None)
    return json.dumps(d, indent=1)


def outputs(args: list[str], runs: list[list[str]]) -> list[str]:
    texts = []
    for extra in runs:
        out = run(*args, *extra, "--format", "json")
        assert out.returncode == 0, out.stderr
        texts.append(untimed(out.stdout))
    return texts


@pytest.mark.parametrize("n", [8, 12])
def test_sensitivity_same_for_any_worker_count(problems, n):
    texts = outputs(["sensitivity", problems[n], *SENS], [["--workers", str(w)] for w in (1, 2, 3)])
    assert texts[0] == texts[1] == texts[2]
    d = json.loads(texts[0])
    assert d["tipping_points"] and d["what_would_it_take"] and d["tornado"]["rows"]
    assert d["complete"]


def test_sensitivity_sweep_agrees_with_one_session(problems):
    """Fresh sessions per chunk against one session in order: the same answers."""
    one, swept = outputs(["sensitivity", problems[12], *SENS], [[], ["--workers", "2"]])
    a, b = json.loads(one), json.loads(swept)
    assert b["solves"] >= a["solves"]  # each chunk solves its base package again
    for d in (a, b):
        d.pop("solves")
        for t in d["tipping_points"]:
            t.pop("solves")
    assert a == b


def test_frontier_same_for_any_worker_count(problems):
    args = ["frontier", problems[12], "--resource", "budget", "--steps", "8"]
    runs = [[], *(["--workers", str(w)] for w in (1, 2, 3))]
    texts = outputs(args, runs)
    assert texts[0] == texts[1] == texts[2] == texts[3]
    d = json.loads(texts[0])
    assert d["use_front"]["points"] and d["segments"]


def test_dask_cluster_gives_the_same_output(problems):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        sens = outputs(
            ["sensitivity", problems[8], *SENS], [["--workers", "1"], ["--scheduler", address]]
        )
        front = outputs(
            ["frontier", problems[8], "--resource", "budget", "--steps", "4"],
            [["--workers", "1"], ["--scheduler", address]],
        )
    assert sens[0] == sens[1]
    assert front[0] == front[1]


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--scheduler", "nonsense"], "expected an address such as tcp://"),
        (["--scheduler", "ftp://10.0.0.5:8786"], "unknown protocol 'ftp'"),
        (["--scheduler", "tcp://10.0.0.5:70000"], "out of range"),
        (["--workers", "2", "--scheduler", "tcp://10.0.0.5:8786"], "not both"),
    ],
)
@pytest.mark.parametrize("command", ["sensitivity", "frontier"])
def test_bad_scheduler_is_one_line_and_exit_2(command, extra, words):
    args = [command, "small-example", *extra]
    if command == "frontier":
        args += ["--resource", "budget"]
    out = run(*args, timeout=120)
    assert out.returncode == EXIT_INPUT
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--scheduler" in lines[0] and words in lines[0], out.stderr
    assert out.stdout == ""


def test_unreachable_scheduler_is_one_line_and_exit_2():
    """Nothing listens on port 9 of this machine: the connection is refused."""
    pytest.importorskip("distributed")
    out = run("sensitivity", "small-example", "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert out.returncode == EXIT_INPUT
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the scheduler" in lines[0], out.stderr


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("p200")
    write(generate(200, seed=1), folder)
    return str(folder / "problem.toml")


@pytest.mark.parametrize("command", ["sensitivity", "frontier"])
def test_max_time_stops_a_sweep_on_workers(big, command):
    budget = 3.0
    args = [command, big, "--workers", "2", "--max-time", str(budget), "--format", "json"]
    if command == "frontier":
        args += ["--resource", "budget"]
    t0 = time.monotonic()
    out = run(*args, timeout=300)
    wall = time.monotonic() - t0
    assert wall < budget + HANG  # a hang only; no timing is asserted beyond that
    assert out.returncode == EXIT_PARTIAL, out.stderr
    assert json.loads(out.stdout)["unfinished"]


def test_plan_covers_every_item_once_in_at_most_16_chunks():
    """The cut is fixed by the problem: each input's items once, its tipping point before
    its tornado row, and an option's items in one chunk (they share the option's solves)."""
    from optimizer.analysis.sensitivity_params import parameters
    from optimizer.analysis.sensitivity_sweep import CHUNKS, _option_ids, plan
    from optimizer.analysis.sensitivity_tornado import tornado_inputs
    from optimizer.compile import compile_spec

    spec = generate(40, seed=2)
    model = compile_spec(spec)
    kinds = ("probability", "value", "capacity", "scale")
    secs = ("tipping", "thresholds", "tornado")
    chunks = plan(spec, model, kinds, secs, 0.2)
    assert len(chunks) == CHUNKS == 16
    items = [it for c in chunks for it in c]
    expect = {("tipping", i) for i in range(len(parameters(spec, model, kinds)))}
    expect |= {("thresholds", i) for i in range(len(_option_ids(spec, model)))}
    expect |= {("tornado", i) for i in range(len(tornado_inputs(spec, model, 0.2)))}
    assert len(items) == len(set(items)) and set(items) == expect
    where = {it: k for k, c in enumerate(chunks) for it in c}
    for i, oid in enumerate(_option_ids(spec, model)):
        assert where[("thresholds", i)] == where[("tipping", _first_value(spec, model, kinds, oid))]
    for c in chunks:
        sections = [s for s, _ in c]
        assert sections == sorted(sections, key=("tipping", "thresholds", "tornado").index)
    assert plan(spec, model, kinds, secs, 0.2) == chunks


def _first_value(spec, model, kinds, oid):
    from optimizer.analysis.sensitivity_params import parameters

    ps = parameters(spec, model, kinds)
    return next(i for i, p in enumerate(ps) if getattr(p, "option", None) == oid)


def test_a_scheduler_with_no_workers_is_an_error_not_a_wait_forever(problems):
    """A reachable scheduler no worker has joined would hold the work forever: after waiting
    (here within --max-time) for one, one line naming it, exit 2."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        out = run("sensitivity", problems[8], "--scheduler", cluster.scheduler_address,
                  "--max-time", "3", timeout=120)  # fmt: skip
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no workers" in lines[0], out.stderr


def test_the_connect_wait_keeps_within_the_time_budget():
    """An unreachable scheduler under --max-time 2: Dask is asked to wait at most what is
    left of the budget (it was a fixed 30 s), and the error says how long it waited."""
    import re

    out = run("montecarlo", "small-example", "-n", "5", "--max-time", "2", "--scheduler",
              "tcp://127.0.0.1:1", timeout=120)  # fmt: skip
    assert out.returncode == 2, out.stderr
    waited = re.search(r"after ([0-9.]+) s", out.stderr)
    assert waited and float(waited.group(1)) <= 2.0, out.stderr
