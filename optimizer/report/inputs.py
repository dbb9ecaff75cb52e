"""Every input of a problem with its source, for the audit section of a report.

Each object that carries numbers (the problem, a scenario, a resource, an option, a relation,
a response, a parameter, a constraint) becomes an ``InputGroup``: its numbers (``InputItem``)
and its ``source`` text. An option without a source of its own takes its commitment's
(``source_from = "commitment"``). The tag says what kind of support the source claims:

* ``missing`` -- no source at all (flagged in the report);
* ``judgment`` -- the source says the number is a judgment (``judgment``/``judgement`` or the
  ``[I]`` mark) and cites nothing else;
* ``source + judgment`` -- a judgment that also cites a reference (a URL, ``[S]`` or ``[D]``);
* ``source`` -- any other source text.

An object without a source of its own shows the nearest source above it (an option its
commitment's, any object the problem's), and says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JUDGMENT = re.compile(r"\bjudge?ments?\b|\[I\]", re.IGNORECASE)
REFERENCE = re.compile(r"https?://|\[S\]|\[D\]", re.IGNORECASE)
TAGS = ("source", "source + judgment", "judgment", "missing")


@dataclass(frozen=True)
class InputItem:
    key: str  # "use.fiscal", "value.good", "probability", ...
    value: str  # the number(s) as written in the problem
    unit: str = ""


@dataclass(frozen=True)
class InputGroup:
    path: str  # where the object is: "commitments[3].options[1]"
    label: str  # "defence_2pct.by_2025"
    kind: str  # problem, scenario, resource, option, relation, response, parameter, constraint
    name: str
    source: str
    source_from: str  # "" (its own), "commitment" or "problem"
    tag: str
    items: tuple[InputItem, ...]

    @property
    def missing(self) -> bool:
        return self.tag == "missing"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "source_from": self.source_from,
            "tag": self.tag,
            "items": [{"key": i.key, "value": i.value, "unit": i.unit} for i in self.items],
        }


@dataclass(frozen=True)
class UncertainInput:
    path: str
    distribution: str
    point: str
    source: str


def tag_of(source: str) -> str:
    s = (source or "").strip()
    if not s:
        return "missing"
    if JUDGMENT.search(s):
        return "source + judgment" if REFERENCE.search(s) else "judgment"
    return "source"


def number(x: float) -> str:
    """A number as written: shortest form, up to 12 significant digits."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if math.isinf(x):
        return "no limit" if x > 0 else "-inf"
    return f"{x:.12g}"


def amount(a: Any) -> str:
    if isinstance(a, tuple | list):
        return "[" + ", ".join(number(v) for v in a) + "]"
    return number(a)


def _by_scenario(
    key: str, m: Mapping[str, Any], scenarios: list[str], unit: str
) -> list[InputItem]:
    """One item when every scenario has the same amount, else one per scenario (0 if left
    out)."""
    if not m:
        return []
    vals = [m.get(s, 0.0) for s in scenarios]
    if len(scenarios) > 1 and all(v == vals[0] for v in vals) and len(m) == len(scenarios):
        return [InputItem(f"{key} (every scenario)", amount(vals[0]), unit)]
    return [InputItem(f"{key}.{s}", amount(v), unit) for s, v in zip(scenarios, vals, strict=True)]


def _capacity(r, years: tuple[int | None, ...]) -> str:
    caps = list(r.capacity)
    if r.kind == "total" or len(caps) == 1:
        return number(caps[0])
    if all(c == caps[0] for c in caps):
        return f"{number(caps[0])} every year"
    return ", ".join(f"{y}: {number(c)}" for y, c in zip(years, caps, strict=True))


def input_groups(spec) -> list[InputGroup]:
    """Every input of ``spec``, grouped by the object that carries it, in file order. An
    object without a source of its own shows the nearest one above it: an option its
    commitment's, then the problem's (``source_from`` says which)."""
    out: list[InputGroup] = []
    top = ("problem", spec.source)

    def add(path, label, kind, name, source, items, *parents: tuple[str, str]) -> None:
        """One group; its source is its own, else the nearest parent's, else the problem's."""
        src, frm = source, ""
        if not source.strip():
            src, frm = next(((t, w) for w, t in (*parents, top) if t.strip()), ("", ""))
        out.append(InputGroup(path, label, kind, name, src, frm, tag_of(src), tuple(items)))

    scen = [s.id for s in spec.scenarios]
    units = {r.id: r.unit for r in spec.resources}
    kinds = {r.id: r.kind for r in spec.resources}
    vu = spec.value_unit

    items = []
    if spec.years is not None:
        items.append(InputItem("years", f"{spec.years[0]}-{spec.years[1]}"))
    items.append(InputItem("discount_rate", number(spec.discount_rate), "per year"))
    items.append(InputItem("sense", spec.sense))
    add("problem", spec.name, "problem", spec.title, spec.source, items)
    for i, s in enumerate(spec.scenarios):
        its = [InputItem("probability", number(s.probability))]
        if s.baseline:
            its.append(InputItem("baseline", number(s.baseline), vu))
        add(f"scenarios[{i}]", s.id, "scenario", s.description, s.source, its)
    for i, r in enumerate(spec.resources):
        key = "capacity (total over the horizon)" if r.kind == "total" else "capacity"
        its = [InputItem(key, _capacity(r, spec.period_labels), r.unit)]
        add(f"resources[{i}]", r.id, "resource", r.description, r.source, its)
    for i, c in enumerate(spec.commitments):
        for j, o in enumerate(c.options):
            its = []
            for rid, a in o.use.items():
                note = " (once)" if kinds.get(rid) == "total" and not isinstance(a, tuple) else ""
                its.append(InputItem(f"use.{rid}{note}", amount(a), units.get(rid, "")))
            per = " per year" if o.value_per_year else ""
            its += _by_scenario(f"value{per}", o.value, scen, vu)
            if o.start is not None and o.start[0] != o.start[1]:
                its.append(InputItem("start window", f"{o.start[0]}-{o.start[1]}"))
            elif o.start is not None:
                its.append(InputItem("start", str(o.start[0])))
            if c.required and j == 0:
                its.append(InputItem("required", "true"))
            label = c.id if o.id == "yes" and len(c.options) == 1 else f"{c.id}.{o.id}"
            name = " - ".join(x for x in (c.name, o.name) if x)
            path = f"commitments[{i}].options[{j}]"
            add(path, label, "option", name, o.source, its, ("commitment", c.source))
    for i, rel in enumerate(spec.relations):
        its = [InputItem("type", rel.type)]
        if rel.type == "requires":
            its.append(InputItem("a requires b", f"{rel.a} requires {rel.b}"))
            if rel.lag is not None:
                its.append(InputItem("lag", str(rel.lag), "years"))
        else:
            its.append(InputItem("members", ", ".join(str(m) for m in rel.members)))
            if rel.count is not None:
                its.append(InputItem("count", str(rel.count)))
        add(f"relations[{i}]", rel.label(), "relation", rel.description, rel.source, its)
    for i, r in enumerate(getattr(spec, "responses", ())):
        its = _by_scenario("value per unit", r.value, scen, vu)
        its.append(InputItem("stage", str(r.stage)))
        its.append(InputItem("lower", number(r.lower), r.unit))
        if math.isfinite(r.upper):
            its.append(InputItem("upper", number(r.upper), r.unit))
        if r.integer:
            its.append(InputItem("integer", "true"))
        add(f"responses[{i}]", r.id, "response", r.name or r.description, r.source, its)
    for i, q in enumerate(getattr(spec, "parameters", ())):
        its = _by_scenario("value", q.value, scen, "")
        add(f"parameters[{i}]", q.id, "parameter", q.description, q.source, its)
    for i, k in enumerate(getattr(spec, "constraints", ())):
        its = [InputItem("expr", k.expr)]
        add(f"constraints[{i}]", k.id, "constraint", k.description, k.source, its)
    return out


def uncertain_inputs(spec) -> list[UncertainInput]:
    """The inputs given as distributions (Monte Carlo samples them; every other analysis
    uses the point value)."""
    out = []
    for u in getattr(spec, "uncertain", ()) or ():
        dist = u.dist
        if dist.kind == "dirichlet":  # around the probabilities stated on the scenarios
            point = "the stated probabilities"
        else:
            try:
                point = number(float(dist.point))
            except (AttributeError, TypeError, ValueError):
                point = "-"
        out.append(
            UncertainInput(u.path, dist.describe(), point, getattr(dist, "source", "") or "")
        )
    return out


def tag_counts(groups: list[InputGroup]) -> dict[str, int]:
    """Numbers (items) by tag."""
    counts = dict.fromkeys(TAGS, 0)
    for g in groups:
        counts[g.tag] += len(g.items)
    return counts
