"""What ``optimizer convert`` does with a problem's CSV option tables (``[[tables]]``).

By default a table stays a reference: the written problem names the same CSV file, re-pointed
from the written file's folder when that differs from the problem's (a table must lie inside
the folder of the file that names it, so writing elsewhere is refused with the fix named).
``inline`` (``--inline-tables``) copies the tables' options into the document as
``[[commitments]]`` instead, after those written in the file (the order the loader gives
them), so that the written problem stands alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .model import Commitment, Option


def _amount(x: Any) -> Any:
    return list(x) if isinstance(x, tuple) else x


def option_doc(o: Option) -> dict[str, Any]:
    """An option as the document writes it (defaults left out)."""
    out: dict[str, Any] = {"id": o.id}
    for key in ("name", "description", "source"):
        if getattr(o, key):
            out[key] = getattr(o, key)
    if o.use:
        out["use"] = {k: _amount(v) for k, v in o.use.items()}
    if o.value:
        out["value"] = {k: _amount(v) for k, v in o.value.items()}
    if o.value_per_year:
        out["value_per_year"] = True
    if o.start is not None:
        out["start"] = [int(o.start[0]), int(o.start[1])]
    if o.scores:
        out["scores"] = {k: _amount(v) for k, v in o.scores.items()}
    return out


def commitment_doc(c: Commitment) -> dict[str, Any]:
    """A commitment as the document writes it, its options listed."""
    out: dict[str, Any] = {"id": c.id}
    for key in ("name", "description", "group", "source"):
        if getattr(c, key):
            out[key] = getattr(c, key)
    if c.required:
        out["required"] = True
    if c.stage != 1:
        out["stage"] = c.stage
    out["options"] = [option_doc(o) for o in c.options]
    return out


def inline_tables(doc: Mapping, base: Path, max_bytes: int) -> dict:
    """``doc`` with each table's options written in as commitments (the tables removed)."""
    from .bulk import CommitmentTable
    from .load import _table_reader
    from .parse import Reader, commitments_from_rows

    read = _table_reader(base, max_bytes)
    added: list[dict] = []
    for i, t in enumerate(doc.get("tables") or []):
        rows = read(t, f"tables[{i}].file")
        if not isinstance(rows, CommitmentTable):
            rows = commitments_from_rows(Reader(), rows, t["file"])
        added.extend(commitment_doc(c) for c in rows)
    out: dict = {}
    for key, value in doc.items():
        if key == "commitments":
            out[key] = [*value, *added]
        elif key == "tables":
            if "commitments" not in doc:
                out["commitments"] = added
        else:
            out[key] = value
    return out


def repoint_tables(doc: Mapping, source: Path, target: Path) -> Mapping:
    """``doc`` written in folder ``target`` instead of ``source``: each table's ``file``
    relative to ``target``; a table outside ``target`` cannot be named from there."""
    tables = doc.get("tables")
    if not tables or source.resolve() == target.resolve():
        return doc
    moved = []
    for i, t in enumerate(tables):
        csv = (source / t["file"]).resolve()
        if not csv.is_relative_to(target.resolve()):
            raise InputError(
                f"the table '{t['file']}' is not inside the folder the problem is written to "
                f"({target}), so it could not be read from there; write the problem beside it, "
                "or copy its rows in with --inline-tables",
                where="--output",
                path=f"tables[{i}].file",
            )
        moved.append({**t, "file": csv.relative_to(target.resolve()).as_posix()})
    return {**doc, "tables": moved}


def tables_for_output(
    doc: Mapping, source: Path, output: Path | None, *, inline: bool, max_bytes: int
) -> Mapping:
    """The document ``convert`` writes: tables copied in, or kept as references valid from the
    output's folder (written to stdout: as they are, relative to the problem's folder)."""
    if not doc.get("tables"):
        return doc
    if inline:
        return inline_tables(doc, source, max_bytes)
    if output is None:
        return doc
    return repoint_tables(doc, source, output.parent)
