"""Read a problem from an Excel workbook (``.xlsx``) into the document a TOML file gives.

One sheet per top-level list (see ``tabular``: ``problem``, ``scenarios``, ``resources``,
``options``, ``relations``, ``shifts``, ...); the document then goes through the same
validation as any other, and an error names its cell (``plan.xlsx: options!D14 (...)``).

A workbook is data: openpyxl (an optional extra) reads it in read-only mode, streaming, and
what a person may have left in it is refused with its cell rather than guessed at: a formula
(its cached value may be stale or absent), a date or an error value in a cell, merged cells, a
value under no column name, a column named twice, an unknown sheet, and more than
``MAX_CELLS`` cells. Empty rows are skipped; a sheet whose name starts with ``_`` or ``#`` is
a note and ignored.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import InputError, did_you_mean
from .files import open_regular
from .tabular import KEY_VALUE_SHEETS, SHEETS, Cells, sheets_to_document

MAX_CELLS = 2_000_000  # cells read in all, empty ones included
MAX_UNPACKED = 40  # times the file's size: more is refused before parsing (a zip bomb)
SUFFIX = ".xlsx"


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            "reading .xlsx workbooks needs openpyxl: pip install 'commitment-optimizer[frames]'"
        ) from None
    return openpyxl


def _col_letter(j: int) -> str:
    from .tabular import _cell_name

    return _cell_name("", j, 1)[1:-1]


def _merged(ws) -> str | None:
    """The first merged range of a read-only sheet (read from its XML), or None."""
    source = getattr(ws, "_get_source", None)
    if source is None:
        return None
    with source() as f:
        for _event, el in ElementTree.iterparse(f):
            if el.tag.endswith("}mergeCell"):
                return el.get("ref")
            el.clear()
    return None


def _value(cell, where: str) -> Any:
    kind = getattr(cell, "data_type", None)
    v = cell.value
    if kind == "f" or (isinstance(v, str) and v.startswith("=") and kind != "s"):
        raise InputError(
            f"a formula ({str(v)[:40]}); a problem workbook holds values (paste the cells as "
            "values)",
            path=where,
        )
    if kind == "e":
        raise InputError(f"an error value {v!r}", path=where)
    if kind == "d" or hasattr(v, "isoformat"):
        raise InputError("a date; write the year as a whole number (2027)", path=where)
    return v


def _read_sheet(ws, budget: list[int]) -> tuple[list[str], list[tuple[int, list]]]:
    name = ws.title
    merged = _merged(ws)
    if merged:
        raise InputError(
            f"merged cells {merged}; unmerge them and fill every cell", path=f"{name}!{merged}"
        )
    ws.reset_dimensions()  # a sheet's stated size is not trusted: rows are read as stored
    header: list[str] = []
    rows: list[tuple[int, list]] = []
    head_seen = False
    for row in ws.iter_rows():
        budget[0] += len(row)
        if budget[0] > MAX_CELLS:
            raise InputError(
                f"the workbook has more than {MAX_CELLS:,} cells; a problem this large is "
                "better given as CSV tables",
                path=f"{name}!A{getattr(row[0], 'row', '') if row else ''}",
            )
        cells = []
        n = 0
        for j, cell in enumerate(row):
            n = getattr(cell, "row", n) or n
            v = cell.value
            if v is None or (isinstance(v, str) and not v.strip()):
                cells.append(None)
                continue
            cells.append(_value(cell, f"{name}!{_col_letter(j)}{cell.row}"))
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue  # an empty row
        if not head_seen:
            head_seen = True
            if name in KEY_VALUE_SHEETS and cells[0] != "key":
                rows.append((n, cells))  # a key/value sheet needs no header
                header = ["key", "value"]
                continue
            header = _header(cells, name, n)
            continue
        if len(cells) > len(header) and name not in KEY_VALUE_SHEETS:
            j = len(header)
            while cells[j] is None:
                j += 1
            raise InputError(
                f"a value under no column name (the header, row 1, has {len(header)} columns)",
                path=f"{name}!{_col_letter(j)}{n}",
            )
        rows.append((n, cells))
    return header, rows


def _header(cells: list, name: str, n: int) -> list[str]:
    header: list[str] = []
    for j, c in enumerate(cells):
        where = f"{name}!{_col_letter(j)}{n}"
        if c is None:
            raise InputError("an empty column name between named columns", path=where)
        if not isinstance(c, str):
            raise InputError(f"a column name must be text, got {c!r}", path=where)
        c = c.strip()
        if c in header:
            raise InputError(f"the column '{c}' is named twice", path=where)
        header.append(c)
    if name == "options" and "commitment" not in header:
        raise InputError("the options sheet needs a 'commitment' column", path=f"{name}!A{n}")
    return header


def read_workbook(path: Path, where: str, max_bytes: int) -> tuple[dict, Cells]:
    """The document a workbook describes, and the cell of each of its locations."""
    openpyxl = _openpyxl()
    try:
        f = open_regular(path, where=where)
    except FileNotFoundError:
        raise InputError("no such file", where=where) from None
    except PermissionError:
        raise InputError("cannot read the file: permission denied", where=where) from None
    with f:
        import os

        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise InputError(
                f"the file is {size} bytes, more than the limit of {max_bytes} "
                "(raise it with --max-bytes)",
                where=where,
            )
        try:
            with zipfile.ZipFile(f) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InputError(
                "not an .xlsx workbook (an .xlsx file is a zip archive; save as Excel Workbook)",
                where=where,
            ) from None
        if unpacked > MAX_UNPACKED * max(size, 1 << 20):
            raise InputError(
                f"the workbook unpacks to {unpacked:,} bytes, too much for its size "
                f"({size:,} bytes)",
                where=where,
            )
        f.seek(0)
        try:
            wb = openpyxl.load_workbook(f, read_only=True, data_only=False)
        except Exception as e:  # openpyxl raises many kinds on a damaged archive
            raise InputError(f"cannot read the workbook: {type(e).__name__}", where=where) from None
        try:
            return _read(wb, where)
        except InputError as e:
            raise InputError(e.message, where=where, path=e.path) from None
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile, ElementTree.ParseError) as e:
            raise InputError(f"cannot read the workbook: {e}", where=where) from None
        finally:
            wb.close()


def _read(wb, where: str) -> tuple[dict, Cells]:
    sheets: dict = {}
    budget = [0]
    for ws in wb.worksheets:
        name = ws.title.strip()
        if name.startswith(("_", "#")):
            continue
        if name not in SHEETS:
            raise InputError(
                f"unknown sheet '{name}'{did_you_mean(name, SHEETS)} (a sheet whose name "
                "starts with _ is ignored)",
                path=f"{name}!A1",
            )
        header, rows = _read_sheet(ws, budget)
        if header or rows:
            sheets[name] = (header, rows)
    if not sheets:
        raise InputError("the workbook has no problem sheet (problem, options, ...)", where=where)
    return sheets_to_document(sheets)
