"""Semantic checks and normalisation of a ``ProblemSpec``.

``check_spec`` is the one gate every problem passes, whether it came from a file or was built
in code. It returns a normalised copy (numbers as floats, a value given for every scenario as
``{scenario: amount}``) or raises ``InputError`` naming the location, in the same
``commitments[3].options[1].use.fiscal`` form as the file loader.

The per-item checks are in ``check_items``, the tranche and constraint checks in
``check_stages`` (re-exported here).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from ..errors import InputError, did_you_mean
from .bulk import CommitmentTable, commitment_ids, stages
from .check_items import (  # noqa: F401
    _amount,
    _check_lag_cycles,
    _check_option,
    _int_float,
    _isfinite,
    _member_ok,
    _unique,
)
from .check_stages import (  # noqa: F401
    _by_scenario,
    _check_second_stage,
    constraint_forms,
)
from .items import RELATION_TYPES, Member

if TYPE_CHECKING:
    from .model import ProblemSpec

PROBABILITY_TOLERANCE = 1e-9
DEFAULT_MAX_COLUMNS = 2_000_000


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
