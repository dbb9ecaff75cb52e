"""A problem as HTML tables, what Jupyter shows for a ``ProblemSpec``: its scenarios, its
resources and one row per option (what it uses, what it is worth, its start window)."""

from __future__ import annotations

import html
import math
from typing import Any


def _text(v: Any) -> str:
    if isinstance(v, float):
        return "" if math.isinf(v) else f"{v:.6g}"
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_text(x) for x in v) + "]"
    return "" if v is None else str(v)


def _table(title: str, cols: list[str], rows: list[list[Any]], max_rows: int) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in r) + "</tr>"
        for r in rows[:max_rows]
    )
    more = f"<p>… {len(rows) - max_rows} more rows</p>" if len(rows) > max_rows else ""
    return f"<h4>{html.escape(title)}</h4><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def problem_html(spec, *, max_rows: int = 40) -> str:
    years = f" {spec.years[0]}–{spec.years[1]}" if spec.years else ""
    unit = f", values in {spec.value_unit}" if spec.value_unit else ""
    parts = [
        f"<div><strong>{html.escape(spec.name)}</strong> {html.escape(spec.title)}"
        f"<p>{spec.sense}{html.escape(years)}{html.escape(unit)}; {len(spec.commitments)} "
        f"commitments</p>",
        _table(
            "scenarios",
            ["scenario", "probability", "baseline"],
            [[s.id, s.probability, s.baseline] for s in spec.scenarios],
            max_rows,
        ),
    ]
    if spec.resources:
        rows = [
            [r.id, r.kind, r.unit, r.capacity[0] if len(set(r.capacity)) == 1 else r.capacity]
            for r in spec.resources
        ]
        parts.append(_table("resources", ["resource", "kind", "unit", "capacity"], rows, max_rows))
    rows = [
        [
            c.id,
            o.id,
            "; ".join(f"{k}={_text(v)}" for k, v in o.use.items()),
            "; ".join(f"{k}={_text(v)}" for k, v in o.value.items()),
            _text(o.start),
        ]
        for c in spec.commitments
        for o in c.options
    ]
    if rows:
        parts.append(
            _table("options", ["commitment", "option", "use", "value", "start"], rows, max_rows)
        )
    parts.append("</div>")
    return "\n".join(parts)
