"""The hard problem and the checks the limit and interrupt tests share: a generated problem
written as a JSON document, and a CLI result that is one line of error."""

from __future__ import annotations

import json
from pathlib import Path

from problems.generate import generate

HANG_GUARD_S = 180  # a run that has not ended by then is stuck


def to_document(spec) -> dict:
    """A problem document (as a JSON file holds it) for a generated ``ProblemSpec``."""

    def amount(a):
        return list(a) if isinstance(a, tuple) else a

    doc: dict = {"problem": {"name": spec.name, "discount_rate": spec.discount_rate}}
    if spec.years:
        doc["problem"]["years"] = list(spec.years)
    doc["scenarios"] = [{"id": s.id, "probability": s.probability} for s in spec.scenarios]
    doc["resources"] = [
        {
            "id": r.id,
            "capacity": {str(spec.years[0] + t): c for t, c in enumerate(r.capacity)}
            if spec.years
            else r.capacity[0],
        }
        for r in spec.resources
    ]
    doc["commitments"] = [
        {
            "id": c.id,
            "options": [
                {
                    "id": o.id,
                    "use": {k: amount(v) for k, v in o.use.items()},
                    "value": {k: amount(v) for k, v in o.value.items()},
                    "value_per_year": o.value_per_year,
                    **({"start": list(o.start)} if o.start else {}),
                }
                for o in c.options
            ],
        }
        for c in spec.commitments
    ]
    rels = []
    for r in spec.relations:
        if r.type == "requires":
            d = {"type": r.type, "a": str(r.a), "b": str(r.b)}
            if r.lag is not None:
                d["lag"] = r.lag
        else:
            d = {"type": r.type, "members": [str(m) for m in r.members]}
            if r.count is not None:
                d["count"] = r.count
        rels.append(d)
    doc["relations"] = rels
    return doc


def hard_problem(tmp_path_factory) -> Path:
    """``generate(150, seed=1)`` (873 binary columns) as a JSON file: minutes to prove optimal."""
    path = tmp_path_factory.mktemp("hard") / "hard.json"
    path.write_text(json.dumps(to_document(generate(150, seed=1))))
    return path


def one_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
