"""``from_frames``'s table path (``spec.frames_table``) against its per-object path.

The options frame read as NumPy column blocks must give the problem the per-object path
(every cell read as a workbook's) gives: the same commitments and options, the same compiled
model and the same optimum, on random frames that use every column the table holds (gaps,
shorthand rows, a plain ``value`` column, start windows, flags, rows of a commitment apart) and
on the bundled problems that fit the table. A frame either path refuses, the other refuses
too; a bad cell gives one line naming the frame's row label and column.
"""

from __future__ import annotations

import dataclasses
import tomllib

import numpy as np
import pytest

pd = pytest.importorskip("pandas")

from test_bulk import same_model  # noqa: E402
from test_frames_in import _frames, _same  # noqa: E402

import optimizer  # noqa: E402
from optimizer.compile import compile_spec  # noqa: E402
from optimizer.errors import InputError  # noqa: E402
from optimizer.spec import bundled_names, load  # noqa: E402
from optimizer.spec.bulk import CommitmentTable  # noqa: E402
from optimizer.spec.frames_in import _given, by_objects, by_table  # noqa: E402
from optimizer.spec.frames_table import NotTabular  # noqa: E402

SCENARIOS = pd.DataFrame({"id": ["lo", "hi"], "probability": [0.4, 0.6]})
RESOURCES = pd.DataFrame({"id": ["cash", "crew"], "capacity": [6.0, 4.0]})
PROBLEM = {"name": "random", "years": [2026, 2028]}


def random_options(seed: int) -> pd.DataFrame:
    """A random options frame using every column the table holds, written as an analyst
    would (gaps as NaN/None, some commitments in shorthand, rows of one commitment apart)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(int(rng.integers(2, 9))):
        n_opt = int(rng.integers(1, 4))
        shorthand = n_opt == 1 and rng.random() < 0.5
        for j in range(n_opt):
            row = {"commitment": f"c{i}", "option": None if shorthand else f"o{j}"}
            for r in ("cash", "crew"):
                row[f"use.{r}"] = (
                    round(float(rng.uniform(0.5, 4)), 2) if rng.random() < 0.8 else None
                )
            if rng.random() < 0.3:
                row["value"] = round(float(rng.uniform(0, 6)), 2)
            else:
                for s in ("lo", "hi"):
                    row[f"value.{s}"] = round(float(rng.uniform(-1, 6)), 2)
            if rng.random() < 0.3:
                first = int(rng.integers(2026, 2029))
                row["start_earliest"], row["start_latest"] = first, int(rng.integers(first, 2029))
            row["name"] = f"option {i}.{j}" if rng.random() < 0.6 else None
            row["value_per_year"] = bool(rng.random() < 0.3)
            if j == 0:
                row["commitment_name"] = f"Commitment {i}" if rng.random() < 0.7 else None
                row["group"] = "g" + str(int(rng.integers(0, 2)))
                row["required"] = bool(rng.random() < 0.1)
            rows.append(row)
    frame = pd.DataFrame(rows)
    if seed % 2:  # rows of a commitment apart
        frame = frame.sample(frac=1.0, random_state=seed)
    frame.index = [f"r{k}" for k in range(len(frame))]
    return frame


def both(options: pd.DataFrame, **frames):
    """The problem (or the error) from each path."""
    given = _given(options, frames.pop("problem", PROBLEM), None, frames)
    out = []
    for path in (by_table, by_objects):
        try:
            out.append(path(given))
        except InputError as e:
            out.append(e)
    return out


@pytest.mark.parametrize("seed", range(24))
def test_random_frames_give_the_same_problem_both_ways(seed):
    table, objects = both(random_options(seed), scenarios=SCENARIOS, resources=RESOURCES)
    if isinstance(objects, InputError):  # e.g. a required commitment that cannot fit
        assert isinstance(table, InputError), objects
        return
    assert isinstance(table.commitments, CommitmentTable)
    assert _same(table, objects)
    same_model(compile_spec(table), compile_spec(objects))
    if seed < 6:
        a, b = optimizer.solve(table), optimizer.solve(objects)
        assert a.status == b.status
        if a.status == "optimal":
            assert a.objective_value == pytest.approx(b.objective_value, abs=1e-9)
            assert sorted((c.commitment, c.option, c.start) for c in a.chosen) == sorted(
                (c.commitment, c.option, c.start) for c in b.chosen
            )


def test_from_frames_takes_the_table_path_and_solves_to_the_optimum_by_enumeration():
    """Against an independent method: every choice of at most one option per commitment."""
    options = pd.DataFrame(
        {
            "commitment": ["a", "a", "b", "c", "d"],
            "option": ["small", "big", None, None, None],
            "use.cash": [2.0, 4.0, 3.0, 1.0, 2.5],
            "value.lo": [1.0, 3.0, 2.5, 0.5, 1.0],
            "value.hi": [3.0, 5.0, 2.5, 1.5, 4.0],
        }
    )
    resources = pd.DataFrame({"id": ["cash"], "capacity": [6.0]})
    spec = optimizer.from_frames(options, scenarios=SCENARIOS, resources=resources)
    assert isinstance(spec.commitments, CommitmentTable)
    picks = [[None, 0, 1], [None, 2], [None, 3], [None, 4]]  # rows of the frame
    best = -1.0
    for choice in np.array(np.meshgrid(*picks, indexing="ij"), dtype=object).reshape(4, -1).T:
        rows = [k for k in choice if k is not None]
        if options["use.cash"].iloc[rows].sum() <= 6.0:
            ev = (
                0.4 * options["value.lo"].iloc[rows].sum()
                + 0.6 * options["value.hi"].iloc[rows].sum()
            )
            best = max(best, ev)
    sol = optimizer.solve(spec)
    assert sol.status == "optimal"
    assert sol.objective_value == pytest.approx(best)


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_problems_that_fit_the_table_give_the_same_problem(name):
    frames = _frames(name)
    given = _given(
        frames.pop("options", None),
        frames.pop("problem", None),
        frames.pop("uncertainty", None),
        frames,
    )
    try:
        table = by_table(given)
    except NotTabular as e:  # the per-object path reads it (test_frames_in compares it)
        assert str(e), name
        return
    assert isinstance(table.commitments, CommitmentTable)
    objects = by_objects(given)
    assert _same(table, objects) and _same(table, load(name))
    same_model(compile_spec(table), compile_spec(objects))


def test_some_bundled_problems_fit_the_table():
    fits = []
    for name in bundled_names():
        frames = _frames(name)
        options = frames.pop("options", None)
        try:
            by_table(
                _given(
                    options, frames.pop("problem", None), frames.pop("uncertainty", None), frames
                )
            )
            fits.append(name)
        except NotTabular:
            pass
    assert "moving-odds" in fits


def test_what_the_table_does_not_hold_goes_object_by_object():
    base = {
        "commitment": ["a", "b"],
        "use.cash": [1.0, 2.0],
        "value.lo": [1.0, 2.0],
        "value.hi": [1.0, 2.0],
    }
    cases = {
        "profile": {**base, "use.cash": ["1;2", 2.0]},
        "stage": {**base, "stage": [1, 2]},
        "quoted": {**base, "name": ['"x"', None]},
        "quoted after spaces": {**base, "commitment_name": ['  "B"', None]},
    }
    for what, columns in cases.items():
        given = _given(
            pd.DataFrame(columns), PROBLEM, None, {"scenarios": SCENARIOS, "resources": RESOURCES}
        )
        with pytest.raises(NotTabular):
            by_table(given)
        spec = optimizer.from_frames(
            pd.DataFrame(columns), problem=PROBLEM, scenarios=SCENARIOS, resources=RESOURCES
        )
        assert not isinstance(spec.commitments, CommitmentTable), what


def test_blank_and_padded_cells_read_as_in_a_workbook():
    options = pd.DataFrame(
        {
            "commitment": ["a", "a", "b", "c"],
            "option": ["x", "y", "  ", None],
            "name": ["  padded", "", " ", "c's name"],
            "commitment_name": ["\t", None, "B", "ignored: the shorthand's name wins"],
            "description": [None, "d", None, "of c itself"],
            "use.cash": [1.0, 2.0, 3.0, None],
            "value.lo": [1.0, 2.0, 3.0, None],
            "value.hi": [1.0, 2.0, 3.0, 4.0],
        }
    )
    table, objects = both(options, scenarios=SCENARIOS, resources=RESOURCES)
    assert isinstance(table.commitments, CommitmentTable)
    assert _same(table, objects)
    c = table.commitments[2]
    assert (c.name, c.description, c.options[0].name) == ("c's name", "of c itself", "")


GOOD = {
    "commitment": ["a", "b", "c"],
    "use.cash": [1.0, 2.0, 3.0],
    "value.lo": [1.0, 2.0, 3.0],
    "value.hi": [1.0, 2.0, 3.0],
}


@pytest.mark.parametrize(
    "change, where, what",
    [
        (
            {"value.hi": [1.0, float("nan"), "boom"]},
            "options[row 'z', column 'value.hi']",
            "expected a number, got 'boom'",
        ),
        ({"use.cash": [1.0, float("inf"), 3.0]}, "options[row 'y', column 'use.cash']", "finite"),
        (
            {"commitment": ["a", None, "c"]},
            "options[row 'y', column 'commitment']",
            "names no commitment",
        ),
        (
            {"commitment": ["a", "a", "c"]},
            "options[row 'y', column 'option']",
            "duplicate option id 'yes' of commitment 'a' (also at row 'x')",
        ),
        (
            {"commitment": ["a", "b c", "c"]},
            "options[row 'y', column 'commitment']",
            "expected an id",
        ),
        (
            {"commitment": ["a", 7, "c"]},
            "options[row 'y', column 'commitment']",
            "expected an id, got 7",
        ),
        (
            {"use.cahs": [None, None, 1.0]},
            "options[row 'z', column 'use.cahs']",
            "unknown resource 'cahs'; did you mean 'cash'?",
        ),
        (
            {"value.boom": [None, 2.0, None]},
            "options[row 'y', column 'value.boom']",
            "unknown scenario 'boom'",
        ),
        (
            {"start_earliest": [2026, 2026.5, None]},
            "options[row 'y', column 'start_earliest']",
            "expected a year",
        ),
        (
            {"start_earliest": [2026, 2030, None]},
            "options[row 'y', columns 'start_earliest'/'start_latest']",
            "outside the horizon 2026-2028",
        ),
        (
            {"required": [True, "yes", None]},
            "options[row 'y', column 'required']",
            "expected true or false",
        ),
        (
            {"use.cash": [1.0, True, 3.0]},
            "options[row 'y', column 'use.cash']",
            "expected a number",
        ),
        (
            {
                "use.cash": [None, None, None],
                "value.lo": [None, None, None],
                "value.hi": [1.0, None, 1.0],
            },
            "options[row 'y', column 'commitment']",
            "'use'/'value' for a single option",
        ),
    ],
)
def test_hostile_frames_give_one_located_line_and_both_paths_refuse(change, where, what):
    options = pd.DataFrame({**GOOD, **change}, index=["x", "y", "z"])
    table, objects = both(options, scenarios=SCENARIOS, resources=RESOURCES)
    assert isinstance(objects, InputError), objects  # the per-object path refuses it too
    assert isinstance(table, InputError), table
    text = table.one_line()
    assert "\n" not in str(table) and where in text and what in text, text
    assert text.startswith("frames: "), text
    with pytest.raises(InputError) as e:
        optimizer.from_frames(options, problem=PROBLEM, scenarios=SCENARIOS, resources=RESOURCES)
    assert str(e.value) == str(table)


def test_an_integer_index_names_the_row_by_its_label():
    options = pd.DataFrame({**GOOD, "value.boom": [None, None, 1.0]}, index=[12, 13, 14])
    with pytest.raises(
        InputError, match=r"options\[row 14, column 'value.boom'\]: unknown scenario 'boom'"
    ):
        optimizer.from_frames(options, problem=PROBLEM, scenarios=SCENARIOS, resources=RESOURCES)


def test_the_table_path_makes_no_object_per_option():
    n = 3000
    options = pd.DataFrame(
        {
            "commitment": np.repeat([f"c{i}" for i in range(n // 2)], 2),
            "option": np.tile(["a", "b"], n // 2),
            "use.cash": np.linspace(0.01, 1, n),
            "value.lo": np.linspace(1, 0, n),
            "value.hi": np.linspace(0, 1, n),
        }
    )
    spec = optimizer.from_frames(options, problem=PROBLEM, scenarios=SCENARIOS, resources=RESOURCES)
    assert isinstance(spec.commitments, CommitmentTable)
    compile_spec(spec)
    assert spec.commitments._made == {}  # no Commitment/Option object was made
    assert dataclasses.replace(spec, commitments=tuple(spec.commitments)) == spec


def test_the_frames_benchmark_runs_and_its_three_paths_agree(capsys):
    """At a smoke size; the script checks that the three paths compile to the same model."""
    from test_bench import _bench_scripts

    (bench_frames,) = _bench_scripts("bench_frames")
    assert bench_frames.main(["--options", "400", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "from_frames took the table path" in out and "objects / from_frames" in out
    assert "load average" in out


def _first_year(x):
    if isinstance(x, str) and x.startswith("["):
        x = tomllib.loads(f"v = {x}")["v"]
    if isinstance(x, str) and ";" in x:
        x = x.split(";")
    return float(x[0]) if isinstance(x, list) else x


def _fitted(options: pd.DataFrame) -> pd.DataFrame:
    """A bundled problem's options made to fit the table: no stage or scores, a profile cut to
    its first year (the problem changes; both paths must still agree on it)."""
    keep = [c for c in options.columns if c != "stage" and not str(c).startswith("scores.")]
    options = options[keep].copy()
    for c in keep:
        if str(c).startswith(("use.", "value.")) or c == "value":
            options[c] = [_first_year(x) for x in options[c]]
    return options


def _fits_once_cut(name: str) -> bool:
    """Whether a bundled problem has an options sheet whose cells can be made plain (not one
    that writes a whole ``use`` table in one cell, which the table cannot take)."""
    options = _frames(name).get("options")
    return options is not None and "use" not in options.columns


CUTTABLE = [n for n in bundled_names() if _fits_once_cut(n)]


def test_most_bundled_problems_can_be_made_to_fit():
    assert len(CUTTABLE) >= 5, CUTTABLE


@pytest.mark.parametrize("name", CUTTABLE)
def test_bundled_problems_made_to_fit_give_the_same_problem_both_ways(name):
    frames = _frames(name)
    options = frames.pop("options")
    frames.pop("criteria", None)
    given = _given(
        _fitted(options), frames.pop("problem", None), frames.pop("uncertainty", None), frames
    )
    objects = by_objects(given)
    table = by_table(given)
    assert isinstance(table.commitments, CommitmentTable)
    assert _same(table, objects)
    same_model(compile_spec(table), compile_spec(objects))
