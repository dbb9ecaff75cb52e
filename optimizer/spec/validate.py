"""Semantic checks and normalisation of a ``ProblemSpec``.

``check_spec`` is the one gate every problem passes, whether it came from a file or was built
in code. It returns a normalised copy (numbers as floats, a value given for every scenario as
``{scenario: amount}``) or raises ``InputError`` naming the location, in the same
``commitments[3].options[1].use.fiscal`` form as the file loader.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..errors import InputError, did_you_mean
from .bulk import CommitmentTable, commitment_ids, stages
from .items import RELATION_TYPES, Amount, Commitment, Member, Option

if TYPE_CHECKING:
    from .model import ProblemSpec

PROBABILITY_TOLERANCE = 1e-9
DEFAULT_MAX_COLUMNS = 2_000_000


_isfinite = math.isfinite


def _int_float(value: int, path: str) -> float:
    try:
        return float(value)
    except OverflowError:  # hundreds of digits
        raise InputError(
            "expected a finite number, got a whole number too large", path=path
        ) from None


def _amount(value: object, path: str, n_periods: int) -> Amount:
    t = type(value)
    if t is float:
        if not _isfinite(value):  # type: ignore[arg-type]
            raise InputError(f"expected a finite number, got {value!r}", path=path)
        return value  # type: ignore[return-value]
    if t is int:
        return _int_float(value, path)  # type: ignore[arg-type]
    if t is tuple or t is list:
        if not value:
            raise InputError("expected a non-empty list of numbers", path=path)
        if len(value) > n_periods:  # type: ignore[arg-type]
            raise InputError(
                f"a profile of {len(value)} years is longer than the {n_periods}-year horizon",  # type: ignore[arg-type]
                path=path,
            )
        out = []
        plain = t is tuple
        for i, v in enumerate(value):  # type: ignore[arg-type]
            tv = type(v)
            plain = plain and tv is float
            if tv is not float and tv is not int:
                if isinstance(v, int | float) and not isinstance(v, bool):
                    v = float(v)
                else:
                    raise InputError(f"expected a number, got {v!r}", path=f"{path}[{i}]")
            elif tv is int:
                v = _int_float(v, f"{path}[{i}]")
            if not _isfinite(v):
                raise InputError(f"expected a finite number, got {v!r}", path=f"{path}[{i}]")
            out.append(float(v))
        return value if plain else tuple(out)  # type: ignore[return-value]
    if isinstance(value, int | float) and not isinstance(value, bool):  # numpy scalars
        return _amount(float(value), path, n_periods)
    raise InputError(f"expected a number or a list of numbers, got {value!r}", path=path)


def _unique(ids: list[str], path: str, what: str) -> None:
    seen: dict[str, int] = {}
    for i, x in enumerate(ids):
        if x in seen:
            raise InputError(
                f"duplicate {what} id '{x}' (also at [{seen[x]}])", path=f"{path}[{i}].id"
            )
        seen[x] = i


def _check_option(
    spec: ProblemSpec, o: Option, path: str, resources: set[str], scen: list[str]
) -> Option:
    n = spec.n_periods
    changed = False
    use = {}
    for rid, amt in o.use.items():
        if rid not in resources:
            raise InputError(
                f"unknown resource '{rid}'{did_you_mean(rid, resources)}", path=f"{path}.use.{rid}"
            )
        a = _amount(amt, f"{path}.use.{rid}", n)
        changed = changed or a is not amt
        use[rid] = a
    raw_value = o.value
    if type(raw_value) is not MappingProxyType and not isinstance(raw_value, Mapping):
        raise InputError(
            f"expected a number or a table by scenario, got {raw_value!r}", path=f"{path}.value"
        )
    value: dict[str, Amount] = {}
    for sid, amt in raw_value.items():
        a = _amount(amt, f"{path}.value" if sid == "*" else f"{path}.value.{sid}", n)
        changed = changed or a is not amt
        if sid == "*":
            changed = True
            value.update(dict.fromkeys(scen, a))
            continue
        if sid not in scen:
            raise InputError(
                f"unknown scenario '{sid}'{did_you_mean(sid, scen)}", path=f"{path}.value.{sid}"
            )
        value[sid] = a
    start = o.start
    if start is not None:
        if spec.years is None:
            raise InputError("a start window needs problem.years", path=f"{path}.start")
        a, b = int(start[0]), int(start[1])
        if b < a:
            raise InputError(f"expected first <= last, got [{a}, {b}]", path=f"{path}.start")
        if a < spec.years[0] or b > spec.years[1]:
            raise InputError(
                f"start window [{a}, {b}] is outside the horizon {spec.years[0]}-{spec.years[1]}",
                path=f"{path}.start",
            )
        if (a, b) != start or type(start) is not tuple:
            changed = True
            start = (a, b)
    if type(o.value_per_year) is not bool:
        raise InputError(
            f"expected true or false, got {o.value_per_year!r}", path=f"{path}.value_per_year"
        )
    if not changed:
        return o
    return dataclasses.replace(o, use=use, value=value, start=start)


def _member_ok(m: Member, commitments: Mapping[str, Commitment], path: str) -> None:
    if m.commitment not in commitments:
        raise InputError(
            f"unknown commitment '{m.commitment}'{did_you_mean(m.commitment, commitments)}",
            path=path,
        )
    if m.option is not None:
        opts = [o.id for o in commitments[m.commitment].options]
        if m.option not in opts:
            raise InputError(
                f"unknown option '{m.option}' of '{m.commitment}'{did_you_mean(m.option, opts)}",
                path=path,
            )


def _check_lag_cycles(spec: ProblemSpec, commitments: Mapping[str, Commitment]) -> None:
    """A cycle of timed ``requires`` whose lags add up to more than 0 can never hold.

    Nodes are members (``c`` or ``c.o``). Besides each relation's edge ``a -> b`` (b starts at
    least ``lag`` years before a), choosing ``c.o`` means choosing ``c`` with the same start
    (edge ``c.o -> c``, lag 0), and so does choosing ``c`` when it has a single option ``o``.
    A cycle with a positive total lag means its members can never be chosen.
    """
    edges: list[tuple[str, str, int, int | None]] = []  # (a, b, lag, relation index)
    for k, r in enumerate(spec.relations):
        if r.type == "requires" and r.lag is not None and r.a and r.b:
            edges.append((str(r.a), str(r.b), r.lag, k))
    if not edges:
        return
    nodes = {a for a, _, _, _ in edges} | {b for _, b, _, _ in edges}
    for node in list(nodes):
        m = Member.parse(node)
        if m.option is not None:
            edges.append((node, m.commitment, 0, None))
            nodes.add(m.commitment)
    for node in list(nodes):
        m = Member.parse(node)
        opts = commitments[m.commitment].options
        if m.option is None and len(opts) == 1 and f"{node}.{opts[0].id}" in nodes:
            edges.append((node, f"{node}.{opts[0].id}", 0, None))
    # Longest-path relaxation (Bellman-Ford): a positive cycle keeps growing a distance.
    dist = dict.fromkeys(nodes, 0)
    pred: dict[str, tuple[str, int | None]] = {}
    last = None
    for _ in range(len(nodes)):
        last = None
        for a, b, lag, k in edges:
            if dist[a] + lag > dist[b]:
                dist[b] = dist[a] + lag
                pred[b] = (a, k)
                last = b
        if last is None:
            return
    # walk back len(nodes) steps to land on the cycle, then collect it
    node = last
    for _ in range(len(nodes)):
        node = pred[node][0]
    cycle, rels, cur = [node], [], pred[node]
    while True:
        if cur[1] is not None:
            rels.append(cur[1])
        if cur[0] == node:
            break
        cycle.append(cur[0])
        cur = pred[cur[0]]
    names = " and ".join(f"'{c}'" for c in sorted(set(cycle)))
    raise InputError(
        f"cyclic 'requires' with positive lags through {names}: no start years can satisfy it",
        path=f"relations[{min(rels)}]",
    )


def check_spec(spec: ProblemSpec, *, max_columns: int = DEFAULT_MAX_COLUMNS) -> ProblemSpec:
    """Validate and normalise ``spec``; raise ``InputError`` at the first problem."""
    if not spec.name or not isinstance(spec.name, str):
        raise InputError("expected a problem name", path="problem.name")
    if spec.years is not None and (spec.years[1] < spec.years[0]):
        raise InputError(f"expected first <= last, got {list(spec.years)}", path="problem.years")
    if spec.sense not in ("maximize", "minimize"):
        raise InputError(
            f"unknown sense '{spec.sense}'; allowed: maximize, minimize", path="problem.sense"
        )

    # Scenarios
    scen = [s.id for s in spec.scenarios]
    if not scen:
        raise InputError("expected at least one scenario", path="scenarios")
    _unique(scen, "scenarios", "scenario")
    total = 0.0
    for i, s in enumerate(spec.scenarios):
        p = s.probability
        if type(p) is int:
            p = _int_float(p, f"scenarios[{i}].probability")
        if isinstance(p, bool) or not isinstance(p, int | float) or not math.isfinite(p):
            raise InputError(f"expected a number, got {p!r}", path=f"scenarios[{i}].probability")
        if not 0.0 <= p <= 1.0:
            raise InputError(
                f"a probability must be between 0 and 1, got {p!r}",
                path=f"scenarios[{i}].probability",
            )
        total += p
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        raise InputError(f"probabilities must sum to 1, got {total:.12g}", path="scenarios")

    # Resources
    rids = [r.id for r in spec.resources]
    _unique(rids, "resources", "resource")
    for i, r in enumerate(spec.resources):
        want = 1 if r.kind == "total" else spec.n_periods
        if r.kind not in ("per_year", "total"):
            raise InputError(
                f"unknown kind '{r.kind}'; allowed: per_year, total", path=f"resources[{i}].kind"
            )
        if len(r.capacity) != want:
            raise InputError(
                f"expected {want} capacity value(s), got {len(r.capacity)}",
                path=f"resources[{i}].capacity",
            )
        for c in r.capacity:
            if math.isnan(c) or c == -math.inf:
                raise InputError(
                    f"expected a number or no limit, got {c!r}", path=f"resources[{i}].capacity"
                )

    # Commitments and options
    table = spec.commitments if isinstance(spec.commitments, CommitmentTable) else None
    cids = commitment_ids(spec.commitments)
    if not cids and not spec.responses:
        raise InputError("expected at least one commitment (or response)", path="commitments")
    if table is None:  # a table's ids are unique by construction
        _unique(cids, "commitments", "commitment")
    resources = set(rids)
    commitments = []
    n_columns = 0
    for i, c in enumerate(() if table is not None else spec.commitments):
        path = f"commitments[{i}]"
        if not c.options:
            raise InputError("expected at least one option", path=f"{path}.options")
        _unique([o.id for o in c.options], f"{path}.options", "option")
        options = []
        changed = False
        before = n_columns
        for j, o in enumerate(c.options):
            opt = _check_option(spec, o, f"{path}.options[{j}]", resources, scen)
            changed = changed or opt is not o
            options.append(opt)
            if opt.start is not None and spec.years is not None:
                n_columns += opt.start[1] - opt.start[0] + 1
            else:
                n_columns += 1
        if c.stage == 2:  # a conditional tranche: one copy of its columns per scenario
            n_columns += (n_columns - before) * (len(scen) - 1)
        commitments.append(dataclasses.replace(c, options=tuple(options)) if changed else c)
    if table is not None:  # built from columns: checked there, here against the problem
        n_columns = table.recheck(spec)
    if n_columns > max_columns:
        raise InputError(
            f"the problem has {n_columns} decision columns, more than the limit of {max_columns} "
            "(raise it with --max-columns)",
            path="commitments",
        )
    by_id = table.by_id() if table is not None else {c.id: c for c in commitments}

    # Relations
    forced: dict[str, int] = {}
    forbidden: dict[str, int] = {}
    for k, r in enumerate(spec.relations):
        path = f"relations[{k}]"
        if r.type not in RELATION_TYPES:
            raise InputError(
                f"unknown relation type '{r.type}'{did_you_mean(r.type, RELATION_TYPES)}",
                path=f"{path}.type",
            )
        if r.type == "requires":
            if r.a is None or r.b is None:
                raise InputError("a 'requires' relation needs a and b", path=path)
            _member_ok(r.a, by_id, f"{path}.a")
            _member_ok(r.b, by_id, f"{path}.b")
            if r.a == r.b:
                raise InputError(f"'{r.a}' cannot require itself", path=f"{path}.b")
            if r.lag is not None and r.lag < 0:
                raise InputError(
                    f"expected a lag of 0 or more years, got {r.lag}", path=f"{path}.lag"
                )
            continue
        if not r.members:
            raise InputError("expected a non-empty list of members", path=f"{path}.members")
        for m_i, m in enumerate(r.members):
            _member_ok(m, by_id, f"{path}.members[{m_i}]")
        if r.type in ("at_most", "at_least", "exactly") and (
            r.count is None or not 0 <= r.count <= len(r.members)
        ):
            raise InputError(
                f"count must be between 0 and {len(r.members)}, got {r.count}",
                path=f"{path}.count",
            )
        for m in r.members:
            if r.type == "force":
                forced[str(m)] = k
            elif r.type == "forbid":
                forbidden[str(m)] = k
    for key, k in forced.items():
        m = Member.parse(key)
        clash = forbidden.get(key, forbidden.get(m.commitment))
        if clash is None and m.option is None:
            opts = [o.id for o in by_id[m.commitment].options]
            if all(f"{m.commitment}.{o}" in forbidden for o in opts):
                clash = forbidden[f"{m.commitment}.{opts[0]}"]
        if clash is not None:
            raise InputError(
                f"'{key}' is both forced and forbidden (relations[{clash}])", path=f"relations[{k}]"
            )
    opts_forced: dict[str, str] = {}
    for key in forced:
        m = Member.parse(key)
        if m.option is not None:
            if m.commitment in opts_forced and opts_forced[m.commitment] != m.option:
                raise InputError(
                    f"two options of '{m.commitment}' are forced ('{opts_forced[m.commitment]}' and "
                    f"'{m.option}') but at most one can be chosen",
                    path=f"relations[{forced[key]}]",
                )
            opts_forced[m.commitment] = m.option
    _check_lag_cycles(spec, by_id)
    responses, parameters = _check_second_stage(spec, scen, set(cids))
    out = dataclasses.replace(
        spec,
        commitments=table if table is not None else tuple(commitments),
        responses=responses,
        parameters=parameters,
        discount_rate=float(spec.discount_rate),
        scenarios=tuple(
            dataclasses.replace(s, probability=float(s.probability)) for s in spec.scenarios
        ),
    )
    constraint_forms(out)  # every expression parses and names only known things
    if stages(spec.commitments) - {1}:
        from .tranches import check_tranches

        check_tranches(out)
    if spec.shifts or any(s.baseline for s in spec.scenarios):
        from .shifts import check_shifts

        out = check_shifts(out)
    table = isinstance(spec.commitments, CommitmentTable)  # a table's options have no scores
    if spec.criteria or (not table and any(o.scores for c in spec.commitments for o in c.options)):
        from .criteria import check_criteria

        check_criteria(out)
    return out


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
