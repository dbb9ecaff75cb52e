"""Results as tidy tables: pandas DataFrames, .xlsx workbooks and HTML for Jupyter.

``tables(result)`` turns any result (a ``Solution``, the scenario analysis, ``compare``,
``alternatives``, sensitivity, the frontier, Monte Carlo) into named tables of plain rows:
one row per observation, one column per variable, numbers in a ``value``-like column with a
``unit`` column beside them (the problem's value unit, or the resource's unit). The solve and
the analyses an analyst reads most (scenarios, compare, alternatives) have hand-laid tables in
long form (package x scenario); the others are laid out from ``to_dict()``: every list of
records is a table, every scalar a row of ``summary``. ``to_frames`` makes DataFrames of them
(pandas is an optional extra, imported here only), ``workbook_sheets`` adds the inputs audit
for ``-o result.xlsx``, and ``to_html`` is what a notebook shows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

Table = tuple[list[str], list[list[Any]]]


def _pkg(chosen) -> str:
    return "; ".join(str(c) for c in chosen)


def _choices(label: str, rows: list, key: str, chosen) -> None:
    for c in chosen:
        rows.append([label, c.commitment, c.option, c.start])


def _summary(pairs: list[tuple[str, Any, str]]) -> Table:
    return ["quantity", "value", "unit"], [list(p) for p in pairs]


# ---- hand-laid tables ------------------------------------------------------------------------
def _solution(s) -> dict[str, Table]:
    unit = s.problem.value_unit
    probs = s.probabilities or {sc.id: sc.probability for sc in s.problem.scenarios}
    out = {
        "chosen": (
            ["commitment", "option", "start"],
            [[c.commitment, c.option, c.start] for c in s.chosen],
        ),
        "by_scenario": (
            ["scenario", "probability", "value", "unit"],
            [[k, probs.get(k), v, unit] for k, v in s.by_scenario.items()],
        ),
        "resources": (
            ["resource", "year", "used", "capacity", "unit"],
            [[u.id, u.year, u.used, u.capacity, u.unit] for u in s.resources],
        ),
        "summary": _summary(
            [
                ("status", s.status, ""),
                ("objective", s.objective, ""),
                ("objective_value", s.objective_value, unit),
                ("expected", s.expected, unit),
                ("verified", s.verified, ""),
                ("solver", s.solver.get("name", ""), ""),
            ]
        ),
    }
    if s.tranches:
        rows = [[sc, c.commitment, c.option, c.start] for sc, cs in s.tranches.items() for c in cs]
        out["tranches"] = (["scenario", "commitment", "option", "start"], rows)
    if s.responses:
        rows = []
        for k, v in s.responses.items():
            for sc, x in v.items() if isinstance(v, Mapping) else [(None, v)]:
                rows.append([k, sc, x])
        out["responses"] = (["response", "scenario", "value"], rows)
    return out


def _long(label_col: str, items, unit: str, value_cols: list[str], values, extra=None):
    """A summary table per package, its values by scenario in long form, and its choices."""
    head = [label_col, *value_cols, "unit", "package"]
    main = [[lab, *vals, unit, _pkg(ch)] for lab, vals, ch, _ in values(items)]
    by_s = []
    for lab, _, _, by in values(items):
        for sc, v in by.items():
            row = [lab, sc, v] + ([extra(lab, sc)] if extra else []) + [unit]
            by_s.append(row)
    cols = [label_col, "scenario", "value"] + (["regret"] if extra else []) + ["unit"]
    choices: list = []
    for lab, _, ch, _ in values(items):
        _choices(lab, choices, label_col, ch)
    return (head, main), (cols, by_s), ([label_col, "commitment", "option", "start"], choices)


def _voi(r) -> dict[str, Table]:
    pkgs = [r.rp_package, r.ev_package, *r.wait_and_see]
    regret = {(p.label, s): v for p in pkgs for s, v in p.regret.items()}
    main, by_s, choices = _long(
        "package",
        pkgs,
        r.unit,
        ["expected"],
        lambda ps: [(p.label, [p.expected], p.chosen, p.by_scenario) for p in ps],
        extra=lambda lab, sc: regret.get((lab, sc)),
    )
    probs = dict(zip(r.scenarios, r.probabilities, strict=True))
    return {
        "summary": _summary(
            [(k.upper(), getattr(r, k), r.unit) for k in ("ws", "rp", "eev", "evpi", "vss")]
        ),
        "scenarios": (
            ["scenario", "probability", "best", "unit"],
            [[s, probs[s], r.best.get(s), r.unit] for s in r.scenarios],
        ),
        "packages": main,
        "by_scenario": by_s,
        "choices": choices,
    }


def _of_attributes(label_col: str, items, unit: str, cols: list[str]):
    """``_long`` over result rows labelled by their attribute ``label_col``, with the values of
    their attributes ``cols``."""
    return _long(
        label_col,
        items,
        unit,
        cols,
        lambda xs: [
            (getattr(a, label_col), [getattr(a, c) for c in cols], a.chosen, a.by_scenario)
            for a in xs
        ],
    )


def _compare(r) -> dict[str, Table]:
    cols = ["objective_value", "expected", "worst", "cvar", "max_regret"]
    main, by_s, choices = _of_attributes("objective", r.attitudes, r.unit, cols)
    return {"attitudes": main, "by_scenario": by_s, "choices": choices}


def _alternatives(r) -> dict[str, Table]:
    cols = ["value", "expected", "gap", "distance", "status"]
    main, by_s, choices = _of_attributes("rank", r.alternatives, r.unit, cols)
    main[0].append("changes")
    for row, a in zip(main[1], r.alternatives, strict=True):
        row.append("; ".join(a.changes))
    return {"alternatives": main, "by_scenario": by_s, "choices": choices}


HAND_LAID = {
    "Solution": _solution,
    "ValueOfInformation": _voi,
    "Comparison": _compare,
    "Alternatives": _alternatives,
}


# ---- from to_dict() ----------------------------------------------------------------------------
def _scalar(v: Any) -> Any:
    if isinstance(v, Mapping):
        if "commitment" in v and "option" in v:
            return f"{v['commitment']}.{v['option']}" + (f"@{v['start']}" if v.get("start") else "")
        return "; ".join(f"{k}={_scalar(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return "; ".join(str(_scalar(x)) for x in v)
    return v


def _flat(record: Mapping, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, Mapping) and v and not ("commitment" in v and "option" in v):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = _scalar(v)
    return out


def _records(records: list[Mapping], unit: str) -> Table:
    flat = [_flat(r) for r in records]
    header: list[str] = []
    for f in flat:
        header.extend(k for k in f if k not in header)
    if unit and "unit" not in header:
        header.append("unit")
        for f in flat:
            f["unit"] = unit
    return header, [[f.get(h) for h in header] for f in flat]


def _from_dict(d: Mapping, unit: str) -> dict[str, Table]:
    out: dict[str, Table] = {}
    summary: list[tuple[str, Any, str]] = []

    def walk(node: Mapping, prefix: str) -> None:
        for k, v in node.items():
            name = f"{prefix}{k}"
            if isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
                out[name] = _records(v, unit)
            elif isinstance(v, Mapping) and any(isinstance(x, list | Mapping) for x in v.values()):
                walk(v, name + ".")
            else:
                summary.append((name, _scalar(v), ""))

    walk(d, "")
    return {"summary": _summary(summary), **out}


def tables(result: Any) -> dict[str, Table]:
    """The result's tables, by name: ``{name: (columns, rows)}``."""
    laid = HAND_LAID.get(type(result).__name__)
    if laid is not None:
        return laid(result)
    d = result.to_dict()
    return _from_dict(d, d.get("value_unit") or d.get("unit") or "")


def to_frames(result: Any) -> dict[str, Any]:
    """The result's tables as pandas DataFrames, by name."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            "to_frames needs pandas: pip install 'commitment-optimizer[frames]'"
        ) from None
    return {name: pd.DataFrame(rows, columns=cols) for name, (cols, rows) in tables(result).items()}


def to_frame(result: Any, name: str | None = None) -> Any:
    """One table as a DataFrame: ``name``, or the result's first (its main) table."""
    frames = to_frames(result)
    if name is None:
        return next(iter(frames.values()))
    if name not in frames:
        raise KeyError(f"no table '{name}'; the tables are: {', '.join(frames)}")
    return frames[name]


def inputs_table(spec) -> Table:
    """The inputs audit: every number of the problem with where it is and its source."""
    from .inputs import input_groups

    rows = []
    for g in input_groups(spec):
        for item in g.items or ():
            rows.append([g.path, g.label, g.kind, item.key, item.value, item.unit, g.tag, g.source])
        if not g.items:
            rows.append([g.path, g.label, g.kind, None, None, None, g.tag, g.source])
    return ["path", "label", "kind", "input", "value", "unit", "tag", "source"], rows


def workbook_sheets(result: Any, spec=None) -> dict[str, Table]:
    """The sheets of ``-o result.xlsx``: one per table, then the inputs audit."""
    sheets = dict(tables(result))
    spec = spec if spec is not None else getattr(result, "problem", None)
    if spec is not None and not isinstance(spec, str):
        sheets["inputs"] = inputs_table(spec)
    return {name.replace(".", "_")[:31]: t for name, t in sheets.items()}


def to_html(result: Any, *, max_rows: int = 30) -> str:
    """The result's tables as HTML (what Jupyter shows), with a bar per scenario value."""
    parts = [f"<div><strong>{html.escape(type(result).__name__)}</strong>"]
    for name, (cols, rows) in tables(result).items():
        parts.append(f"<h4>{html.escape(name)}</h4>")
        parts.append(_html_table(cols, rows, max_rows))
    parts.append("</div>")
    return "\n".join(parts)


def _html_table(cols: list[str], rows: list[list[Any]], max_rows: int) -> str:
    bar = cols.index("value") if "value" in cols and "scenario" in cols else None
    top = (
        max((abs(r[bar]) for r in rows if isinstance(r[bar], int | float)), default=0)
        if bar is not None
        else 0
    )
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = []
    for r in rows[:max_rows]:
        cells = []
        for j, v in enumerate(r):
            text = "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
            style = ""
            if j == bar and top and isinstance(v, int | float):
                pct = 100 * abs(v) / top
                color = "#8fb8de" if v >= 0 else "#e39a9a"
                style = f' style="background:linear-gradient(90deg,{color} {pct:.0f}%,transparent {pct:.0f}%)"'
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p>… {len(rows) - max_rows} more rows</p>" if len(rows) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
