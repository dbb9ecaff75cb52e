"""Problems built from pandas DataFrames (``optimizer.from_frames``).

A DataFrame laid out like a workbook's sheet gives the same validated problem as the file;
the known answer of the small example (docs/problem-format.md: 9.8, worked by hand there)
comes back from frames; a bad cell is named by its frame, row label and column.
"""

from __future__ import annotations

import dataclasses

import pytest

pd = pytest.importorskip("pandas")

import optimizer  # noqa: E402
from optimizer.spec import bundled_names, load  # noqa: E402
from optimizer.spec.load import read_document, resolve  # noqa: E402
from optimizer.spec.tabular import KEY_VALUE_SHEETS, document_to_sheets, from_cell  # noqa: E402


def _frames(name: str) -> dict:
    doc, _, _ = read_document(resolve(name), name, 1 << 26)
    out = {}
    for sheet, (header, rows) in document_to_sheets(doc).items():
        if sheet in KEY_VALUE_SHEETS:
            out[sheet] = {k: from_cell(v, k, sheet) for k, v in rows}
        else:
            out[sheet] = pd.DataFrame(rows, columns=header)
    return out


def _same(a, b) -> bool:
    return dataclasses.replace(a, origin="", sha256="") == dataclasses.replace(
        b, origin="", sha256=""
    )


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_problem_from_frames_is_the_same_problem(name):
    frames = _frames(name)
    built = optimizer.from_frames(frames.pop("options", None), **frames)
    assert _same(built, load(name))


def test_the_small_example_from_hand_made_frames_has_its_known_optimum():
    options = pd.DataFrame(
        {
            "commitment": ["a", "a", "b", "c"],
            "commitment_name": ["Project A", None, "Project B", None],
            "option": ["small", "large", None, None],
            "use.budget": [2, 4, "3;1", 1],
            "value.good": [5, 9, 4, 2],
            "value.bad": [2, 3, 4, 2],
            "start_earliest": [None, None, 2026, None],
            "start_latest": [None, None, 2027, None],
        }
    )
    problem = optimizer.from_frames(
        options,
        problem={"name": "small-example", "years": [2026, 2028]},
        scenarios=pd.DataFrame({"id": ["good", "bad"], "probability": [0.6, 0.4]}),
        resources=pd.DataFrame(
            {
                "id": ["budget"],
                "unit": ["M$"],
                "capacity.2026": [5],
                "capacity.2027": [6],
                "capacity.2028": [6],
            }
        ),
        relations=pd.DataFrame({"type": ["requires"], "a": ["c"], "b": ["b"]}),
    )
    sol = optimizer.solve(problem)
    assert sol.status == "optimal"
    assert sol.objective_value == pytest.approx(9.8)  # 0.6 x 11 + 0.4 x 8 (docs/problem-format.md)
    assert sorted((c.commitment, c.option, c.start) for c in sol.chosen) == [
        ("a", "small", 2026),
        ("b", "yes", 2027),
        ("c", "yes", 2026),
    ]


def test_a_bad_cell_is_named_by_frame_row_and_column():
    options = pd.DataFrame(
        {"commitment": ["a", "b"], "use.budget": [1.0, -float("inf")], "value": [1, 2]},
        index=["first", "second"],
    )
    resources = pd.DataFrame({"id": ["budget"], "capacity": [3]})
    with pytest.raises(optimizer.InputError) as e:
        optimizer.from_frames(options, resources=resources)
    text = str(e.value)
    assert "options[row 'second', column 'use.budget']" in text, text
    with pytest.raises(optimizer.InputError, match="unknown frame 'option'"):
        optimizer.from_frames(options, option=options)
    with pytest.raises(optimizer.InputError, match="needs a 'commitment' column"):
        optimizer.from_frames(pd.DataFrame({"id": ["a"]}))
