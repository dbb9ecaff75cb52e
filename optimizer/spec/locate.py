"""Where an error is, in the words of the file the user wrote.

A location such as ``commitments[7].value_per_year`` counts items from 0; ``name_items`` adds
each item's id, ``commitment 'library' (commitments[7]).value_per_year``, so the item can be
found by what the user called it. ``file_location`` maps a location of the checked
``ProblemSpec`` back to the file (an option given inline, a row of a CSV table, which names its
line). ``list_hint`` and ``toml_hint`` add the likely fix of two common TOML slips.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import ProblemSpec


# the lists whose items have ids, and what one item is called
ITEM_NAMES = {
    "scenarios": "scenario",
    "resources": "resource",
    "commitments": "commitment",
    "options": "option",
    "relations": "relation",
    "responses": "response",
    "parameters": "parameter",
    "constraints": "constraint",
}
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_BAD_ID = re.compile(r"[ .\t\n\[\]=\"']")


def _child(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(key)
    return getattr(node, key, None) if dataclasses.is_dataclass(node) else None


def _item_id(item: Any) -> str | None:
    """The item's id when it is a well-formed one (a bad id is what the error is about)."""
    ident = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    if isinstance(ident, str) and ident and ident.isprintable() and not _BAD_ID.search(ident):
        return ident
    return None


def name_items(path: str | None, doc: Any) -> str | None:
    """``path`` with each list item that has an id named by it: ``commitments[3].use.x`` ->
    ``commitment 'a' (commitments[3]).use.x``. ``doc`` is the parsed document (or the
    ``ProblemSpec``, whose commitments carry their options); a path that leaves it, or an
    error about the item's own id, is kept as it is."""
    if not path or "[" not in path:
        return path
    node, out, pos = doc, [], 0
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None or node is None:
            break
        key, indices = m.group(1), m.group(2)
        node = _child(node, key)
        text = m.group(0)
        if indices and node is not None:
            i = int(indices[1:-1].split("][")[0])
            item = node[i] if isinstance(node, list | tuple) and i < len(node) else None
            rest = path[m.end() :]
            ident = _item_id(item) if key in ITEM_NAMES and indices.count("[") == 1 else None
            if ident is not None and rest != ".id":
                text = f"{ITEM_NAMES[key]} '{ident}' ({text})"
            node = item if indices.count("[") == 1 else None
        out.append(text)
        pos = m.end()
        if pos < len(path) and path[pos] == ".":
            out.append(".")
            pos += 1
    return "".join(out) + path[pos:]


def list_hint(path: str) -> str:
    """For a table where a list of tables belongs: the TOML that writes the list."""
    header = re.sub(r"\[\d+\]", "", path)
    return f" (in TOML, start each item with [[{header}]], in double brackets)"


def toml_hint(message: str, text: str) -> str:
    """The likely fix of a TOML syntax error: JSON in a .toml file, or a list's items written
    under single brackets (``[commitments]`` twice)."""
    if text.lstrip().startswith("{"):
        return "; this looks like JSON: name the file .json"
    m = re.match(r"Cannot declare \(((?:'[^']*', ?)+)\) twice", message)
    if m:
        names = re.findall(r"'([^']*)'", m.group(1))
        if names and names[-1] in ITEM_NAMES:
            header = ".".join(names)
            return f"; write [[{header}]] (double brackets) to start each item of a list"
    return ""


_OPTION_PATH = re.compile(r"^commitments\[(\d+)\](?:\.options\[(\d+)\])?(.*)$")


def file_location(path: str | None, doc: Mapping, spec: ProblemSpec, tables: list) -> str | None:
    """Where a ``check_spec`` error is in the file the user wrote.

    ``check_spec`` sees every option as ``commitments[i].options[j]``; a commitment that gives
    ``use``/``value`` directly has no ``options`` in the file, and one read from a CSV table is
    found by its row (``options.csv:3``, the file line the row starts on, as the table reader
    names rows).
    """
    m = _OPTION_PATH.match(path or "")
    if not m:
        return path
    i, j, rest = int(m.group(1)), m.group(2), m.group(3)
    inline = doc.get("commitments", [])
    if i < len(inline):
        item = inline[i]
        if j is not None and isinstance(item, Mapping) and "options" not in item:
            return f"commitments[{i}]{rest}"
        return path
    if i >= len(spec.commitments):
        return path
    c = spec.commitments[i]
    option = c.options[int(j)].id if j is not None and int(j) < len(c.options) else None
    for fname, rows in tables:
        if hasattr(rows, "row_of"):  # a table read as columns
            k = rows.row_of(c.id, option)
            if k is not None:
                return f"{fname}:{k}{rest}"
            continue
        own = [row for row in rows if (row.get("commitment") or "") == c.id]
        if own:  # the commitment's options are its rows, in order
            row = own[int(j)] if j is not None and int(j) < len(own) else own[0]
            return f"{fname}:{row.line}{rest}"
    return path
