"""The checks ``check_spec`` makes on one item at a time: amounts and profiles, an option,
a relation's member, unique ids, and lags that would form a cycle."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..errors import InputError, did_you_mean
from .items import Amount, Commitment, Member, Option

if TYPE_CHECKING:
    from .model import ProblemSpec


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
