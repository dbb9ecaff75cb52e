"""Write a generated problem as a problem file with its options in a CSV table (``[[tables]]``).

``write(spec, folder)`` writes ``folder/problem.toml`` (problem, scenarios, resources,
relations) and ``folder/options.csv`` (one row per option, see docs/problem-format.md), and
returns the problem file's path; loading it gives the problem ``spec`` describes, so large
portfolios can be solved the way an analyst would give them: as a table.

>>> from problems.generate import generate
>>> import tempfile, optimizer
>>> path = write(generate(20, seed=1), tempfile.mkdtemp())
>>> len(optimizer.load(path).commitments)
20
"""

from __future__ import annotations

import csv
import json
from pathlib import Path


def _num(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


def _cell(v) -> str:
    """A number, or a profile as ``a;b;c``."""
    if isinstance(v, (tuple, list)):
        return ";".join(_num(a) for a in v)
    return _num(v)


def _member(m) -> str:
    return m.commitment if m.option is None else f"{m.commitment}.{m.option}"


def _toml(spec) -> str:
    out = ["[problem]", f"name = {json.dumps(spec.name)}", f"title = {json.dumps(spec.title)}"]
    if spec.years is not None:
        out.append(f"years = [{spec.years[0]}, {spec.years[1]}]")
    out += [
        f"discount_rate = {spec.discount_rate!r}",
        f"value_unit = {json.dumps(spec.value_unit)}",
    ]
    out += ["", "[[tables]]", 'file = "options.csv"', 'kind = "options"']
    for s in spec.scenarios:
        out += ["", "[[scenarios]]", f"id = {json.dumps(s.id)}", f"probability = {s.probability!r}"]
        if float(s.baseline):
            out.append(f"baseline = {float(s.baseline)!r}")
    first = spec.years[0] if spec.years is not None else None
    for r in spec.resources:
        cap = r.capacity
        if isinstance(cap, tuple) and first is not None:
            cap_text = (
                "{ " + ", ".join(f"{first + t} = {_num(v)}" for t, v in enumerate(cap)) + " }"
            )
        else:
            cap_text = _cell(cap)
        out += ["", "[[resources]]", f"id = {json.dumps(r.id)}", f'unit = "{r.unit}"']
        out.append(f"capacity = {cap_text}")
    for rel in spec.relations:
        out += ["", "[[relations]]", f'type = "{rel.type}"']
        if rel.type == "requires":
            out += [f'a = "{_member(rel.a)}"', f'b = "{_member(rel.b)}"']
            if rel.lag is not None:
                out.append(f"lag = {rel.lag}")
        else:
            out.append("members = [" + ", ".join(f'"{_member(m)}"' for m in rel.members) + "]")
            if rel.count is not None:
                out.append(f"count = {rel.count}")
    for sh in spec.shifts:
        out += [
            "",
            "[[shifts]]",
            f'when = "{_member(sh.when) if hasattr(sh.when, "commitment") else sh.when}"',
        ]
        out += [f"from = {json.dumps(sh.from_)}", f"to = {json.dumps(sh.to)}"]
        out.append(
            f"share = {float(sh.share)!r}"
            if sh.share is not None
            else f"amount = {float(sh.amount)!r}"
        )
        if float(sh.credibility) != 1.0:
            out.append(f"credibility = {float(sh.credibility)!r}")
    return "\n".join(out) + "\n"


# what a generated problem may hold beside commitments with options (``write`` refuses more)
UNWRITTEN = ("responses", "parameters", "constraints", "uncertain", "criteria")


def write(spec, folder) -> Path:
    """Write ``spec`` (commitments with options, scenarios with their baselines, resources,
    relations and shifts: what ``generate`` makes) to ``folder``; the path of
    ``problem.toml``. A problem holding more (responses, conditional tranches, ...) is refused
    with ``ValueError`` rather than written without it."""
    held = [k for k in UNWRITTEN if getattr(spec, k)]
    held += ["conditional tranches (stage 2)"] * any(c.stage == 2 for c in spec.commitments)
    if held:
        raise ValueError(f"{spec.name}: cannot write {', '.join(held)} as a table problem")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sids = [s.id for s in spec.scenarios]
    rids = [r.id for r in spec.resources]
    head = ["commitment", "option", "value_per_year", "start_earliest", "start_latest"]
    head += [f"use.{r}" for r in rids] + [f"value.{s}" for s in sids]
    with open(folder / "options.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for c in spec.commitments:
            for o in c.options:
                lo, hi = o.start if o.start is not None else ("", "")
                row = [c.id, o.id, "true" if o.value_per_year else "false", lo, hi]
                row += [_cell(o.use[r]) if r in o.use else "" for r in rids]
                row += [_cell(o.value[s]) for s in sids]
                w.writerow(row)
    path = folder / "problem.toml"
    path.write_text(_toml(spec))
    return path
