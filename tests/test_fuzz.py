"""Property-based fuzzing of the loader and of ``--set`` overrides.

Mutated versions of the bundled problems (keys deleted or renamed, values of the wrong type,
garbage values such as NaN, huge integers and odd text, ids swapped or duplicated, text
truncated, bytes flipped, random bytes) must either load into a valid ``ProblemSpec`` that
compiles, or fail with an ``InputError`` (exit code 2) whose message is one line. Anything
else -- ``KeyError``, ``OverflowError``, ``RecursionError`` -- is a bug.

The strategies and :func:`outcome` are also used by ``benchmarks/fuzz_loader.py``, which runs
many more cases and counts the distinct messages.
"""

from __future__ import annotations

import atexit
import copy
import json
import math
import os
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import InputError, OptimizerError
from optimizer.spec import bundled_names, load, load_document
from optimizer.spec.load import bundled_path, parse_override
from optimizer.spec.model import ProblemSpec

BUNDLED = tuple(bundled_names())
TEXTS = {name: bundled_path(name).read_text(encoding="utf-8") for name in BUNDLED}
DOCS = {name: tomllib.loads(text) for name, text in TEXTS.items()}
MAX_MESSAGE = 600  # characters: a message quotes values, it does not dump them

# A folder with one valid CSV table, so that mutated ``[[tables]]`` entries meet a real file.
WORK = Path(tempfile.mkdtemp(prefix="optimizer-fuzz-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)
(WORK / "t.csv").write_text("commitment,option,use.budget,value.base\nx,lo,1,2\nx,hi,2;1,5\n")

GARBAGE: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    0,
    -1,
    0.5,
    1e308,
    -1e308,
    5e-324,
    2**63,
    10**400,
    -(10**30),
    True,
    False,
    None,  # JSON null
    "",
    " ",
    "x",
    "a.b",
    "nan",
    "1e999",
    "../t.csv",
    "/etc/passwd",
    "t.csv",
    "[",
    "requires",
    "\x00",
    "é" * 50,
    "x" * 300,
    [],
    [[]],
    [None],
    [1, "a"],
    [2026, 2026],
    [2030, 2026],
    [1e300, 2],
    list(range(300)),
    {},
    {"": 1},
    {"2026": "x"},
    {"dist": "normal"},
    {"dist": "normal", "mean": 1, "sd": 10**400},
    {"a": {"b": {"c": {}}}},
)


def garbage() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(GARBAGE),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
    )


# ---- walking a document ---------------------------------------------------------------------
def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key or index path in a document, parents before children."""
    out: list[tuple] = []
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return out
    for k, v in items:
        out.append((*prefix, k))
        out.extend(paths(v, (*prefix, k)))
    return out


def at(doc: Any, path: tuple) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def items_with_ids(doc: Any) -> list[tuple]:
    return [p for p in paths(doc) if isinstance(at(doc, p), dict) and "id" in at(doc, p)]


def mutate(doc: dict, op: str, data: st.DataObject) -> dict:
    """One mutation of a copy of ``doc``."""
    doc = copy.deepcopy(doc)
    every = paths(doc)
    if not every:
        return doc
    path = every[data.draw(st.integers(0, len(every) - 1), label="path")]
    parent, key = at(doc, path[:-1]), path[-1]
    if op == "delete":
        del parent[key]
    elif op == "retype":
        parent[key] = data.draw(garbage(), label="value")
    elif op == "rename" and isinstance(parent, dict):
        new = data.draw(
            st.one_of(
                st.just(str(key)[:-1]),
                st.just(str(key) + "s"),
                st.just(str(key).upper()),
                st.text(max_size=8),
            ),
            label="key",
        )
        parent[new] = parent.pop(key)
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif op == "swap_ids":
        ids = items_with_ids(doc)
        if len(ids) >= 2:
            i, j = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2), label="ids")
            a, b = at(doc, i), at(doc, j)
            if data.draw(st.booleans(), label="duplicate id"):
                a["id"] = b["id"]
            else:
                a["id"], b["id"] = b["id"], a["id"]
    elif op == "reference":
        # a text value replaced by another id of the document (a dangling or wrong reference)
        ids = [str(at(doc, p)["id"]) for p in items_with_ids(doc)] or ["x"]
        parent[key] = data.draw(
            st.one_of(st.sampled_from(ids), st.sampled_from(ids).map(lambda s: s + ".zz")),
            label="ref",
        )
    else:  # deepen: wrap the value in a list or a table
        parent[key] = data.draw(st.sampled_from([[parent[key]], {"x": parent[key]}]))
    return doc


DOC_OPS = ("delete", "retype", "rename", "duplicate", "swap_ids", "reference", "deepen")
TEXT_OPS = ("truncate", "flip", "insert", "delete", "random", "prefix")


def mutate_text(raw: bytes, op: str, data: st.DataObject) -> bytes:
    n = len(raw)
    i = data.draw(st.integers(0, max(0, n - 1)), label="at")
    if op == "truncate":
        return raw[:i]
    if op == "flip":
        return raw[:i] + bytes([raw[i] ^ data.draw(st.integers(1, 255))]) + raw[i + 1 :]
    if op == "insert":
        piece = data.draw(
            st.one_of(
                st.binary(max_size=8),
                st.sampled_from([b"nan", b"inf", b"=", b"[[", b'"', b"\n[problem]\n", b"\\u0000"]),
            )
        )
        return raw[:i] + piece + raw[i:]
    if op == "delete":
        j = data.draw(st.integers(i, min(n, i + 200)))
        return raw[:i] + raw[j:]
    if op == "random":
        return data.draw(st.binary(max_size=200))
    return data.draw(st.sampled_from([b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"{", b" "])) + raw


# ---- the property --------------------------------------------------------------------------
def outcome(call) -> str | None:
    """Run a load; ``None`` when it gave a spec (which must compile, or be refused for numbers
    beyond what the solvers handle), else the error message.

    Fails (raises) on anything but an ``InputError``: a traceback would reach the user.
    """
    try:
        spec = call()
    except OptimizerError as e:
        assert isinstance(e, InputError), f"{type(e).__name__} from the loader: {e}"
        assert e.exit_code == 2
        line = e.one_line()
        assert line and "\n" not in line and len(line) <= MAX_MESSAGE, line
        return line
    assert isinstance(spec, ProblemSpec)
    from optimizer.compile import compile_spec

    try:
        model = compile_spec(spec)
    except InputError as e:  # a number no solver handles (1e15 or more): refused before a solve
        assert "beyond what the solvers handle" in str(e), str(e)
        assert e.exit_code == 2 and "\n" not in e.one_line()
        return e.one_line()
    assert model.n >= 1
    return None


def load_bytes(raw: bytes, suffix: str) -> Any:
    fd, name = tempfile.mkstemp(suffix=suffix, dir=WORK)
    with os.fdopen(fd, "wb") as f:
        f.write(raw)
    try:
        return outcome(lambda: load(name))
    finally:
        os.unlink(name)


FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_document(name: str, ops: list[str], data: st.DataObject, as_json: bool) -> str | None:
    doc = DOCS[name]
    for op in ops:
        doc = mutate(doc, op, data)
    if as_json:
        raw = json.dumps(doc, allow_nan=True).encode()
        return load_bytes(raw, ".json")
    return outcome(lambda: load_document(doc, where="fuzz", base=WORK))


def check_text(name: str, op: str, data: st.DataObject) -> str | None:
    raw = mutate_text(TEXTS[name].encode(), op, data)
    return load_bytes(raw, data.draw(st.sampled_from([".toml", ".json", ".txt"]), label="suffix"))


# ---- --set overrides -----------------------------------------------------------------------
def set_path(doc: dict, path: tuple) -> str:
    """A document path in ``--set`` syntax: list items by id when they have one, else ``[i]``."""
    out = ""
    node: Any = doc
    for k in path:
        if isinstance(k, int):
            item = node[k]
            ident = item.get("id") if isinstance(item, dict) else None
            out += f".{ident}" if isinstance(ident, str) else f"[{k}]"
        else:
            out += f".{k}" if out else str(k)
        node = node[k]
    return out


VALUE_TEXTS = (
    "0",
    "-1",
    "40",
    "0.5",
    "1e999",
    "nan",
    "-inf",
    "true",
    '"text"',
    "[2027, 2030]",
    "[]",
    "{ 2027 = 12 }",
    "{}",
    "[1, [2]]",
    "bare words",
    "",
    "=",
    '"',
    "1" + "0" * 400,
    "[" * 50,
)


def override_text() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(VALUE_TEXTS), st.text(max_size=10))


def check_overrides(name: str, data: st.DataObject) -> str | None:
    doc = DOCS[name]
    every = paths(doc)
    sets = []
    for _ in range(data.draw(st.integers(1, 3), label="n")):
        kind = data.draw(st.integers(0, 9), label="kind")
        if kind < 7:
            p = set_path(doc, every[data.draw(st.integers(0, len(every) - 1), label="path")])
        elif kind < 9:
            p = data.draw(
                st.sampled_from(["problem.zz", "resources.nope.capacity", "scenarios[99].id"])
            )
        else:
            p = data.draw(st.text(max_size=15), label="raw path")
        sets.append(f"{p}={data.draw(override_text(), label='value')}")
    # the document is parsed once per problem; each override is read as the CLI reads it
    return outcome(lambda: load_document(doc, where=name, overrides=map(parse_override, sets)))


# ---- tests ----------------------------------------------------------------------------------
@settings(FUZZ, max_examples=1200)
@given(
    name=st.sampled_from(BUNDLED),
    ops=st.lists(st.sampled_from(DOC_OPS), min_size=1, max_size=3),
    as_json=st.booleans(),
    data=st.data(),
)
def test_mutated_documents_load_or_fail_cleanly(name, ops, as_json, data):
    check_document(name, ops, data, as_json)


@settings(FUZZ, max_examples=800)
@given(name=st.sampled_from(BUNDLED), op=st.sampled_from(TEXT_OPS), data=st.data())
def test_mutated_bytes_load_or_fail_cleanly(name, op, data):
    check_text(name, op, data)


@settings(FUZZ, max_examples=800)
@given(name=st.sampled_from(BUNDLED), data=st.data())
def test_set_overrides_load_or_fail_cleanly(name, data):
    check_overrides(name, data)


def test_the_fuzzer_reaches_both_outcomes():
    """The mutations are neither all harmless nor all fatal (a fuzzer that only ever hits
    the first check would test little)."""
    doc = DOCS["small-example"]
    assert outcome(lambda: load_document(doc, where="fuzz")) is None
    bad = copy.deepcopy(doc)
    bad["resources"][0]["capacity"]["2027"] = math.nan
    assert outcome(lambda: load_document(bad, where="fuzz")) == (
        "fuzz: resource 'budget' (resources[0]).capacity.2027: expected a finite number, got nan"
    )
    assert set_path(doc, ("commitments", 0, "options", 1, "use", "budget")) == (
        "commitments.a.options.large.use.budget"
    )
    assert outcome(lambda: load("small-example", overrides=["problem.years=[2026]"])) == (
        "small-example: problem.years: expected [first, last], got a list"
    )
