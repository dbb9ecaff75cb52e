"""The checks of conditional tranches (stage-2 commitments), values given by scenario, and
the general constraints parsed into linear forms (``constraint_forms``)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import InputError, did_you_mean
from .check_items import _amount, _unique

if TYPE_CHECKING:
    from .model import ProblemSpec


def _by_scenario(value: Mapping, path: str, scen: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for sid, v in value.items():
        a = _amount(v, path if sid == "*" else f"{path}.{sid}", 1)
        if isinstance(a, tuple):
            raise InputError("expected a number, got a list", path=path)
        if sid == "*":
            out.update(dict.fromkeys(scen, a))
        elif sid not in scen:
            raise InputError(
                f"unknown scenario '{sid}'{did_you_mean(sid, scen)}", path=f"{path}.{sid}"
            )
        else:
            out[sid] = a
    return out


def _check_second_stage(spec: ProblemSpec, scen: list[str], cids: set[str]):
    """Responses, parameters and constraint ids: unique names, bounds in order."""
    taken = set(cids)
    responses = []
    for i, r in enumerate(spec.responses):
        path = f"responses[{i}]"
        if r.id in taken:
            raise InputError(
                f"id '{r.id}' is already used by a commitment or response", path=f"{path}.id"
            )
        taken.add(r.id)
        if r.stage not in (1, 2):
            raise InputError(f"expected stage 1 or 2, got {r.stage!r}", path=f"{path}.stage")
        lo, up = float(r.lower), float(r.upper)
        if math.isnan(lo) or math.isnan(up) or lo > up or lo == math.inf or up == -math.inf:
            raise InputError(
                f"expected lower <= upper, got [{r.lower}, {r.upper}]", path=f"{path}.upper"
            )
        value = _by_scenario(r.value, f"{path}.value", scen)
        responses.append(dataclasses.replace(r, value=value, lower=lo, upper=up))
    parameters = []
    for i, q in enumerate(spec.parameters):
        path = f"parameters[{i}]"
        if q.id in taken:
            raise InputError(
                f"id '{q.id}' is already used by a commitment, response or parameter",
                path=f"{path}.id",
            )
        taken.add(q.id)
        vals = _by_scenario(q.value, f"{path}.value", scen)
        missing = [s for s in scen if s not in vals]
        if missing:
            raise InputError(f"no value for scenario '{missing[0]}'", path=f"{path}.value")
        parameters.append(dataclasses.replace(q, value=vals))
    _unique([c.id for c in spec.constraints], "constraints", "constraint")
    return tuple(responses), tuple(parameters)


def constraint_forms(spec: ProblemSpec):
    """Each ``[[constraints]]`` expression parsed against the spec's names, in order."""
    if not spec.constraints:
        return []
    from .expressions import parse_constraint

    scen = [s.id for s in spec.scenarios]
    commitments = {c.id: {o.id for o in c.options} for c in spec.commitments}
    responses = {r.id for r in spec.responses}
    params = {q.id: tuple(q.value[s] for s in scen) for q in spec.parameters}
    names = [*commitments, *responses, *params]

    def resolve(name: str):
        if name in params:
            return "param", params[name]
        if name in responses or name in commitments:
            return "var", None
        c, _, o = name.partition(".")
        if o and c in commitments:
            if o in commitments[c]:
                return "var", None
            hint = did_you_mean(o, commitments[c]).replace("did you mean '", f"did you mean '{c}.")
            return hint, None
        return did_you_mean(name, names), None

    return [
        parse_constraint(k.expr, f"constraints[{i}].expr", len(scen), resolve)
        for i, k in enumerate(spec.constraints)
    ]
