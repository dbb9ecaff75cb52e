"""CSV option tables as records that know the line of the file they start on.

Both readers of a table (the NumPy column path in ``csvfast`` and the row-by-row path in
``load``) number a row by the physical line it starts on (the header is line 1), so that a
blank line or a quoted cell holding a line break does not shift the numbers after it. Blank
lines are skipped. Every other row must have exactly as many cells as the header: a short
row is refused rather than read with its missing cells empty.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from ..errors import InputError
from .read_base import describe


def records(text: str) -> tuple[list[list[str]], np.ndarray]:
    """The CSV records of ``text`` without blank lines, and the line each starts on (from 1).

    Raises ``csv.Error`` on text the ``csv`` module cannot read."""
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if reader.line_num == len(rows) and [] not in rows:  # one line a record: the common case
        return rows, np.arange(1, len(rows) + 1)
    reader = csv.reader(io.StringIO(text))
    rows, lines, at = [], [], 1
    for row in reader:
        if row:
            rows.append(row)
            lines.append(at)
        at = reader.line_num + 1
    return rows, np.array(lines, dtype=np.int64)


def width_error(name: str, line: int, cells: int, width: int) -> InputError:
    """The one-line error for a row whose number of cells is not the header's."""
    return InputError(
        f"the row has {cells} cell{'s' if cells != 1 else ''}, the header {width}",
        path=f"{name}:{line}",
    )


class Row(dict):
    """A table row as ``{column: cell}``, with the file line it starts on (``line``)."""

    __slots__ = ("line",)

    def __init__(self, cells, line: int) -> None:
        super().__init__(cells)
        self.line = line


def table_rows(text: str, name: str, path: str) -> list[Row]:
    """The rows of table ``name`` (read from ``text``; ``path`` locates the table's entry in
    the problem), each a ``Row``; the header, a row's width and emptiness are checked here."""
    try:
        rows, lines = records(text)
    except csv.Error as e:
        raise InputError(f"table {describe(name)} is not valid CSV: {e}", path=path) from None
    if not rows:
        raise InputError(f"table {describe(name)} is empty; expected a header row", path=path)
    header, first = rows[0], int(lines[0])
    if len(set(header)) != len(header):
        columns: set[str] = set()
        twice = next(c for c in header if c in columns or columns.add(c))
        raise InputError(
            f"table {describe(name)} has the column {describe(twice)} twice "
            f"(line {first}); each column may appear once",
            path=path,
        )
    if len(rows) == 1:
        raise InputError(f"table {describe(name)} has a header but no rows", path=path)
    width = len(header)
    out = []
    for row, line in zip(rows[1:], lines[1:].tolist(), strict=True):
        if len(row) != width:
            raise width_error(name, line, len(row), width)
        out.append(Row(zip(header, row, strict=True), line))
    return out
