"""CSV option tables: the column-wise fast path gives the same problem and model as the
row-by-row reader, on generated problems and on the bundled ones written as tables."""

from __future__ import annotations

import dataclasses
import importlib
import json

import pytest
from test_bulk import flat, same_model

from optimizer.compile import compile_spec
from optimizer.errors import InputError
from optimizer.spec import load
from optimizer.spec.bulk import CommitmentTable
from optimizer.spec.csvwrite import options_csv, writable
from optimizer.spec.document import parse_document
from optimizer.spec.load import bundled_names, bundled_path
from problems.generate import generate

load_module = importlib.import_module("optimizer.spec.load")  # the module, not the function


def write_generated(tmp_path, spec, profiles: bool = True):
    """``spec`` as a JSON problem file whose options are in ``options.csv``."""
    doc = {
        "problem": {"name": spec.name, "discount_rate": spec.discount_rate},
        "scenarios": [{"id": s.id, "probability": s.probability} for s in spec.scenarios],
        "resources": [
            {
                "id": r.id,
                "capacity": {str(spec.first_year + t): c for t, c in enumerate(r.capacity)},
            }
            if spec.years
            else {"id": r.id, "capacity": r.capacity[0]}
            for r in spec.resources
        ],
        "relations": [
            {
                "type": r.type,
                "a": str(r.a),
                "b": str(r.b),
                **({"lag": r.lag} if r.lag is not None else {}),
            }
            if r.type == "requires"
            else {
                "type": r.type,
                "members": [str(m) for m in r.members],
                **({"count": r.count} if r.count is not None else {}),
            }
            for r in spec.relations
        ],
        "tables": [{"file": "options.csv"}],
    }
    if spec.years:
        doc["problem"]["years"] = list(spec.years)
    (tmp_path / "p.json").write_text(json.dumps(doc))
    rids, sids = [r.id for r in spec.resources], [s.id for s in spec.scenarios]
    (tmp_path / "options.csv").write_text(options_csv(spec.commitments, rids, sids))
    return tmp_path / "p.json"


def both_ways(path, monkeypatch):
    fast = load(path)
    with monkeypatch.context() as m:
        m.setattr(load_module, "options_table", lambda text, name: None)
        slow = load(path)
    return fast, slow


@pytest.mark.parametrize("n,years,seed", [(40, 10, 1), (500, 1, 2), (3000, 8, 3)])
def test_fast_path_matches_the_row_reader_on_generated_problems(
    tmp_path, monkeypatch, n, years, seed
):
    spec = flat(generate(n, years=years, seed=seed))
    fast, slow = both_ways(write_generated(tmp_path, spec), monkeypatch)
    assert isinstance(fast.commitments, CommitmentTable)
    assert not isinstance(slow.commitments, CommitmentTable)
    same_model(compile_spec(fast), compile_spec(slow))
    assert fast == slow
    assert (
        dataclasses.replace(fast, name=spec.name, commitments=tuple(fast.commitments)).commitments
        == spec.commitments
    )


def test_profiles_take_the_row_reader_and_agree(tmp_path, monkeypatch):
    spec = generate(200, seed=4)  # with build-up profiles ('a;b;c' cells)
    fast, slow = both_ways(write_generated(tmp_path, spec), monkeypatch)
    assert not isinstance(fast.commitments, CommitmentTable)
    assert fast == slow and fast.commitments == spec.commitments
    same_model(compile_spec(fast), compile_spec(spec))


def _as_table(name: str) -> bool:
    """Whether a bundled problem's commitments fit a CSV table (no stage 2, no commitment
    description/source, no distributions in options)."""
    spec = load(bundled_path(name))
    return (
        bool(spec.commitments)
        and all(writable(c) for c in spec.commitments)
        and not any(u.path.startswith("commitments") for u in spec.uncertain)
    )


TABLE_READY = [n for n in bundled_names() if _as_table(n)]


def test_some_bundled_problems_fit_a_table():
    assert len(TABLE_READY) >= 3


@pytest.mark.parametrize("name", TABLE_READY)
def test_bundled_problems_as_tables(tmp_path, monkeypatch, name):
    """Each bundled problem with its commitments moved to a CSV table: the same problem."""
    path = bundled_path(name)
    original = load(path)
    doc = parse_document(path.read_text(), str(path), ".toml")
    doc.pop("commitments", None)
    doc["tables"] = [{"file": "options.csv"}]
    (tmp_path / "p.json").write_text(json.dumps(doc))
    rids, sids = [r.id for r in original.resources], [s.id for s in original.scenarios]
    (tmp_path / "options.csv").write_text(options_csv(original.commitments, rids, sids))
    fast, slow = both_ways(tmp_path / "p.json", monkeypatch)
    for spec in (fast, slow):
        assert dataclasses.replace(spec, origin="", sha256="") == dataclasses.replace(
            original, origin="", sha256=""
        )
    same_model(compile_spec(fast), compile_spec(original))


BAD = [
    (
        "commitment,value.base\na,1\nb,abc\n",
        "options.csv:3.value.base: expected a number or numbers separated by ';', got 'abc'",
    ),
    ("commitment,value.base\na,1\nb,inf\n", "options.csv:3.value.base: expected a finite number"),
    ("commitment,value.base\na,1\nb c,2\n", "options.csv:3.commitment: expected an id"),
    (
        "commitment,value.bse\na,1\n",
        "options.csv:2.value.bse: unknown scenario 'bse'; did you mean 'base'",
    ),
    ("commitment,use.budgt\na,1\n", "options.csv:2.use.budgt: unknown resource 'budgt'"),
    ("commitment,valu.base\na,1\n", "unknown column 'valu.base'"),
    ("commitment,value.base\na,1,2\n", "options.csv:2: the row has 3 cells, the header 2"),
    (
        "commitment,value.base,start_earliest\na,1,2040\n",
        "options.csv:2.start: start window [2040, 2040] is outside the horizon 2026-2030",
    ),
    (
        "commitment,value.base,value_per_year\na,1,maybe\n",
        "options.csv:2.value_per_year: expected true or false",
    ),
]


@pytest.mark.parametrize("csv_text,expected", BAD)
def test_bad_rows_give_one_located_line(tmp_path, csv_text, expected):
    (tmp_path / "p.toml").write_text(
        'problem = { years = [2026, 2030] }\n[[resources]]\nid = "budget"\ncapacity = 3\n'
        '[[tables]]\nfile = "options.csv"\n'
    )
    (tmp_path / "options.csv").write_text(csv_text)
    with pytest.raises(InputError) as e:
        load(tmp_path / "p.toml")
    msg = str(e.value)
    assert expected in msg and "\n" not in msg, msg


def test_solve_from_a_table_on_the_command_line(tmp_path):
    """The console script solves a problem whose options are a table read as columns, and
    its JSON result is the one of the same problem read row by row."""
    import subprocess
    import sys

    spec = flat(generate(40, years=4, seed=7))
    (tmp_path / "a").mkdir()
    a = write_generated(tmp_path / "a", spec)
    b_dir = tmp_path / "b"
    b_dir.mkdir()
    b = write_generated(b_dir, spec)
    # the same table with a space before an option id: read row by row (it strips the cell)
    lines = (b_dir / "options.csv").read_text().splitlines()
    k = lines[0].split(",").index("option")
    row = lines[1].split(",")
    row[k] = " " + row[k]
    lines[1] = ",".join(row)
    (b_dir / "options.csv").write_text("\n".join(lines) + "\n")
    out = []
    for path in (a, b):
        r = subprocess.run(
            [sys.executable, "-m", "optimizer", "solve", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        out.append(json.loads(r.stdout))
    assert isinstance(load(a).commitments, CommitmentTable)
    assert not isinstance(load(b).commitments, CommitmentTable)
    assert out[0]["status"] == out[1]["status"] == "optimal"
    assert out[0]["objective"] == out[1]["objective"]
    assert out[0]["chosen"] == out[1]["chosen"]
