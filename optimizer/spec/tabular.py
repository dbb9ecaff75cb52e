"""A problem document as sheets of rows and back: the layout workbooks and DataFrames share.

A sheet is a header (column names) and rows of cells. Three kinds of sheet:

* key/value sheets (``problem``, ``uncertainty``): rows ``key | value``; a dotted key nests
  (``probabilities.dist``);
* list sheets (``scenarios``, ``resources``, ``relations``, ``shifts``, ``responses``,
  ``parameters``, ``constraints``, ``tables``): one row per item, a dotted column nests
  (``capacity.2027``, ``value.good``);
* ``options``: one row per option, the columns of the CSV options table (``commitment``,
  ``option``, ``use.<resource>``, ``value.<scenario>``, ``start_earliest``, ``start_latest``,
  ...) plus ``commitment_description``, ``commitment_source`` and ``stage``; the commitment's
  own keys are taken from its first row.

A cell holds a number, true/false or text. A list or table that does not flatten into columns
(a profile, ``years``, a list of members) is one cell holding a TOML inline value
(``[2026, 2028]``); text starting with ``[``, ``{`` or ``"`` is read as such a value (so text
that starts so is written quoted; a table whose keys one row orders otherwise than the
columns is written whole in one cell, so the order is kept). In ``use``/``value`` columns
``0.3;1.0;1.7`` is a profile, as in a CSV table. ``sheets_to_document`` records, for every
location of the document it makes, the cell it came from, so that errors name ``options!D14``.
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InputError
from .parse import describe

KEY_VALUE_SHEETS = ("problem", "uncertainty")
LIST_SHEETS = (
    "scenarios",
    "resources",
    "relations",
    "shifts",
    "responses",
    "parameters",
    "constraints",
    "tables",
    "criteria",
)
SHEETS = ("problem", "scenarios", "resources", "options", *LIST_SHEETS[2:], "uncertainty")
# the commitment's own keys in the options sheet, and the column that holds each
COMMITMENT_COLUMNS = {
    "name": "commitment_name",
    "description": "commitment_description",
    "source": "commitment_source",
    "group": "group",
    "required": "required",
    "stage": "stage",
}
_BY_COLUMN = {v: k for k, v in COMMITMENT_COLUMNS.items()}
_OPTION_SHORTHAND = ("use", "value", "value_per_year", "start", "scores")
_PROFILE = re.compile(r"^\s*-?[0-9.eE+-]+(\s*;\s*-?[0-9.eE+-]+)+\s*$")

Cell = Any  # None, bool, int, float or str
Sheet = tuple[list[str], list[list[Cell]]]  # header, rows


# ---- document -> sheets -----------------------------------------------------------------
def _inline(value: Any) -> str:
    """A list or table as one TOML inline value (``[1, 2]``, ``{ a = 1 }``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) or value == value else "nan"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return "[" + ", ".join(_inline(v) for v in value) + "]"


def _key(k: Any) -> str:
    k = str(k)
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)


def to_cell(value: Any) -> Cell:
    """One value as a cell: numbers and true/false as they are, text quoted when it would
    otherwise read as a list or table, lists and tables as TOML inline values."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if value[:1] in '[{"' else value
    if value is None or isinstance(value, bool | int | float):
        return value
    return _inline(value)


def _flatten(item: Mapping, prefix: str = "") -> dict[str, Any]:
    """``{"use": {"a": 1}}`` -> ``{"use.a": 1}``; an empty table or one whose keys would not
    survive a dotted column name stays whole."""
    out: dict[str, Any] = {}
    for k, v in item.items():
        name = f"{prefix}{k}"
        if (
            isinstance(v, Mapping)
            and v
            and all(isinstance(x, str) and x and "." not in x for x in v)
        ):
            out.update(_flatten(v, name + "."))
        else:
            out[name] = v
    return out


def _columns(flat: list[dict]) -> list[str]:
    """The union of the rows' keys; a new column goes right after the one before it in its
    row, so that the order of each item's keys is kept where the rows agree (it orders the
    uncertain inputs, and so the draws of a seed)."""
    header: list[str] = []
    for f in flat:
        at = 0
        for k in f:
            if k not in header:
                header.insert(at, k)
            at = header.index(k) + 1
    return header


def _in_order(keys: list[str], pos: Mapping[str, int]) -> bool:
    return all(pos[a] < pos[b] for a, b in itertools.pairwise(keys))


def _list_sheet(items: Iterable[Mapping]) -> Sheet:
    flat = [_flatten(it) for it in items]
    pos = {h: i for i, h in enumerate(_columns(flat))}
    for j, f in enumerate(flat):  # a table whose keys this row orders otherwise: one cell
        if _in_order(list(f), pos):
            continue
        for top in dict.fromkeys(k.split(".")[0] for k in f if "." in k):
            sub = [k for k in f if k.split(".")[0] == top]
            if not _in_order(sub, pos):
                nested: dict = {}
                for k in sub:
                    _put(nested, k, f[k], "")
                at = list(f).index(sub[0])
                rest = [(k, v) for k, v in f.items() if k not in sub]
                flat[j] = f = dict([*rest[:at], (top, nested[top]), *rest[at:]])
    header = _columns(flat)
    return header, [[to_cell(f.get(h)) for h in header] for f in flat]


def option_rows(commitments: Iterable[Mapping]) -> list[dict[str, Any]]:
    """One flat row per option (a commitment without ``options`` is one option, its own)."""
    rows = []
    for c in commitments:
        options = c.get("options")
        if options is None:
            options = [{k: c[k] for k in _OPTION_SHORTHAND if k in c}]
        for j, o in enumerate(options):
            row: dict[str, Any] = {"commitment": c.get("id")}
            if j == 0:
                for key, col in COMMITMENT_COLUMNS.items():
                    if key in c:
                        row[col] = c[key]
            o = dict(o)
            if "id" in o:
                row["option"] = o.pop("id")
            start = o.pop("start", None)
            row.update(_flatten(o))
            if isinstance(start, list) and len(start) == 2:
                row["start_earliest"], row["start_latest"] = start
            elif start is not None:
                row["start"] = start
            rows.append(row)
    return rows


def document_to_sheets(doc: Mapping) -> dict[str, Sheet]:
    """The sheets of a problem document, in the order a reader expects them."""
    sheets: dict[str, Sheet] = {}
    for name in SHEETS:
        if name in KEY_VALUE_SHEETS:
            if name in doc:
                flat = _flatten(doc[name])
                sheets[name] = (["key", "value"], [[k, to_cell(v)] for k, v in flat.items()])
        elif name == "options":
            if doc.get("commitments"):
                sheets[name] = _list_sheet(option_rows(doc["commitments"]))
        elif doc.get(name):
            sheets[name] = _list_sheet(doc[name])
    return sheets


# ---- sheets -> document -----------------------------------------------------------------
def from_cell(value: Cell, column: str, where: str) -> Any:
    """A cell's value in the document (see the module's docstring)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text[:1] in "[{" or (text[:1] == '"' and text[-1:] == '"' and len(text) > 1):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            if text[:1] != '"':
                raise InputError(
                    f"expected a list or table written as in TOML (e.g. [1, 2]), "
                    f"got {describe(value)}",
                    path=where,
                ) from None
    if column.split(".")[0] in ("use", "value") and _PROFILE.match(text):
        try:
            return [float(p) for p in text.split(";")]
        except ValueError:
            pass
    return value


def _put(target: dict, column: str, value: Any, where: str) -> None:
    keys = column.split(".")
    node = target
    for k in keys[:-1]:
        nxt = node.setdefault(k, {})
        if not isinstance(nxt, dict):
            raise InputError(f"column '{column}' goes inside '{k}', which has a value", path=where)
        node = nxt
    if keys[-1] in node:
        raise InputError(f"'{column}' is given twice", path=where)
    node[keys[-1]] = value


class Cells:
    """Where each location of a built document came from: ``commitments[3].use.a`` ->
    ``options!D14``. ``find`` answers for a location inside a recorded one, too."""

    def __init__(self) -> None:
        self.at: dict[str, str] = {}

    def add(self, path: str, cell: str) -> None:
        self.at.setdefault(path, cell)

    def find(self, path: str | None) -> str | None:
        while path:
            if path in self.at:
                return self.at[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def _cell_name(sheet: str, col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        letters = chr(65 + r) + letters
    return f"{sheet}!{letters}{row}"


Row = tuple[int, list[Cell]]  # the row's number in the sheet (from 1), its cells


def _items(sheet: str, header: list[str], rows: list[Row], cells: Cells, base: str):
    """Each row as a table of its non-empty cells, recorded in ``cells`` under ``base[i]``."""
    for i, (n, row) in enumerate(rows):
        item: dict = {}
        path = f"{base}[{i}]"
        cells.add(path, _cell_name(sheet, 0, n))
        for j, column in enumerate(header):
            v = row[j] if j < len(row) else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            where = _cell_name(sheet, j, n)
            _put(item, column, from_cell(v, column, where), where)
            cells.add(f"{path}.{column}", where)
        yield item


def _commitments(header: list[str], rows: list[Row], cells: Cells) -> list[dict]:
    """The options sheet grouped into commitments (first-seen order, each with options)."""
    out: list[dict] = []
    index: dict[Any, int] = {}
    for (n, _row), flat in zip(rows, _items("options", header, rows, Cells(), ""), strict=True):
        cid = flat.pop("commitment", None)
        where = _cell_name("options", header.index("commitment"), n)
        if cid is None:
            raise InputError("the row names no commitment", path=where)
        if cid not in index:
            index[cid] = len(out)
            out.append({"id": cid, "options": []})
            cells.add(f"commitments[{index[cid]}]", where)
            cells.add(f"commitments[{index[cid]}].id", where)
        i = index[cid]
        c = out[i]
        j = len(c["options"])
        option: dict = {}
        for col in list(flat):
            key = col if col in _BY_COLUMN else col.split(".")[0]
            if key in _BY_COLUMN:
                if j == 0:
                    c[_BY_COLUMN[key]] = flat.pop(col)
                    cells.add(f"commitments[{i}].{_BY_COLUMN[key]}", _col(header, key, n))
                else:
                    flat.pop(col)
        if "option" in flat:
            option["id"] = flat.pop("option")
        se, sl = flat.pop("start_earliest", None), flat.pop("start_latest", None)
        option.update(flat)
        if se is not None or sl is not None:
            option["start"] = [se if se is not None else sl, sl if sl is not None else se]
        path = f"commitments[{i}].options[{j}]"
        cells.add(path, _cell_name("options", 0, n))
        for column in header:
            key = {"option": "id", "start_earliest": "start", "start_latest": "start"}.get(
                column, column
            )
            cells.add(f"{path}.{key}", _col(header, column, n))
            if j == 0:  # as a shorthand commitment (below), its option's keys are its own
                cells.add(f"commitments[{i}].{key}", _col(header, column, n))
        c["options"].append(option)
    for c in out:  # one row without an option id: the commitment's own use/value (shorthand)
        if len(c["options"]) == 1 and "id" not in c["options"][0]:
            c.update(c.pop("options")[0])
    return out


def _col(header: list[str], column: str, n: int) -> str:
    return _cell_name("options", header.index(column), n) if column in header else f"options!{n}"


def sheets_to_document(sheets: Mapping[str, tuple[list[str], list[Row]]]) -> tuple[dict, Cells]:
    """The document the sheets describe, and where each of its locations came from.

    ``sheets`` maps a sheet's name to its header and its rows (numbered as in the sheet)."""
    doc: dict = {}
    cells = Cells()
    for name, (header, rows) in sheets.items():
        if name in KEY_VALUE_SHEETS:
            table: dict = {}
            for n, row in rows:
                key = row[0] if row else None
                value = row[1] if len(row) > 1 else None
                if key is None:
                    raise InputError("the row names no key", path=_cell_name(name, 0, n))
                where = _cell_name(name, 1, n)
                if value is None:
                    raise InputError(f"'{key}' has no value", path=where)
                _put(table, str(key), from_cell(value, str(key), where), where)
                cells.add(f"{name}.{key}", where)
            doc[name] = table
            cells.add(name, f"{name}!A1")
        elif name == "options":
            doc["commitments"] = _commitments(header, rows, cells)
            cells.add("commitments", "options!A1")
        else:
            doc[name] = list(_items(name, header, rows, cells, name))
            cells.add(name, f"{name}!A1")
    return doc, cells
