"""Write a problem document as TOML, JSON or an Excel workbook, and workbooks of result tables.

``optimizer convert`` writes any problem in any of the three forms; reading one back gives the
same validated problem (the tests check this on every bundled problem). Workbooks are written
with openpyxl (an optional extra); every file goes through ``atomic_write``, so a failed write
leaves no partial file.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from typing import Any

from ..errors import OutputError
from ..spec.tabular import _inline, document_to_sheets
from .output import atomic_write

FORMATS = ("toml", "json", "xlsx")


def toml_text(doc: Mapping) -> str:
    """``doc`` as TOML: each top-level table under its header, each list item under
    ``[[list]]``, nested values inline."""
    out: list[str] = []
    for key, value in doc.items():
        if isinstance(value, Mapping):
            out.append(f"[{key}]")
            out.extend(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items())
            out.append("")
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for item in value:
                out.append(f"[[{key}]]")
                out.extend(f"{_toml_key(k)} = {_toml(v)}" for k, v in item.items())
                out.append("")
        else:
            out.insert(0, f"{_toml_key(key)} = {_toml(value)}")
    return "\n".join(out).rstrip("\n") + "\n"


def _toml_key(k: Any) -> str:
    from ..spec.tabular import _key

    return _key(k)


def _toml(value: Any) -> str:
    return _inline(value).replace("\x7f", "\\u007f")


def json_text(doc: Mapping) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def workbook_bytes(sheets: Mapping[str, tuple[list, list]]) -> bytes:
    """An .xlsx workbook of ``{name: (header, rows)}``; text is always stored as text (a cell
    starting with ``=`` is not made a formula)."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
    except ImportError:
        raise OutputError(
            "writing .xlsx workbooks needs openpyxl: pip install 'commitment-optimizer[frames]'"
        ) from None
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31])
        ws.append([_cell(ws, h, WriteOnlyCell, bold) for h in header])
        for row in rows:
            ws.append([_cell(ws, v, WriteOnlyCell) for v in row])
    buf = io.BytesIO()
    try:
        wb.save(buf)
    except ValueError as e:  # openpyxl refuses control characters in text
        raise OutputError(f"cannot write the workbook: {e}") from None
    return buf.getvalue()


def _cell(ws, value, make, font=None):
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    if value is not None and not isinstance(value, bool | int | float | str):
        value = str(value)
    if isinstance(value, float) and value != value:
        value = None  # NaN: an empty cell
    try:
        c = make(ws, value=value)
    except ValueError as e:
        raise OutputError(f"cannot write the workbook: {e}") from None
    if isinstance(value, str):
        c.data_type = "s"
    if font is not None:
        c.font = font
    return c


def write_problem(doc: Mapping, path: str | os.PathLike, fmt: str) -> None:
    """Write the problem document ``doc`` to ``path`` as ``fmt`` (toml, json or xlsx)."""
    if fmt == "xlsx":
        data: str | bytes = workbook_bytes(document_to_sheets(doc))
    elif fmt == "json":
        data = json_text(doc)
    else:
        data = toml_text(doc)
    atomic_write(path, data)


def write_result_workbook(path: str | os.PathLike, result: Any, spec: Any = None) -> None:
    """``-o result.xlsx``: one sheet per table of ``result``, then the inputs audit."""
    from .frames import workbook_sheets

    atomic_write(path, workbook_bytes(workbook_sheets(result, spec)))
