"""Compile and decode conditional tranches (``[[commitments]]`` with ``stage = 2``).

The problem is expanded into an equivalent one with first-stage commitments only, then
compiled as usual:

* each stage-2 commitment ``c`` becomes one commitment ``c[s]`` per scenario ``s``, with the
  same options (use, start windows), valued in ``s`` only;
* each resource ``r`` a tranche uses becomes one resource ``r[s]`` per scenario with the same
  capacity: the first-stage options use every copy, ``c[s]`` uses ``r[s]`` -- the budget
  holds in every scenario, whatever the tranches chosen in the others;
* each relation that names a stage-2 member becomes one relation per scenario, its stage-2
  members renamed ``c[s]``; a ``[[constraints]]`` row naming one is per scenario likewise.

The columns of ``c[s]`` are marked as scenario ``s``'s recourse (``col_scenario``), so they
are not first-stage columns; their objective coefficient is in scenario ``s`` only, so the
exact odds products of ``optimizer.odds`` (``y_m * z``, McCormick on binary ``z``) apply to
them unchanged. ``optimizer.tranche_solution`` maps a solution back to ``{scenario:
choices}`` and checks it from the spec alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .spec.model import Member, ProblemSpec, Relation
from .spec.tranches import stage2_ids, tranche_resources


def copy_id(name: str, scenario: str) -> str:
    """The id of a stage-2 commitment's (or a resource's) copy for one scenario."""
    return f"{name}[{scenario}]"


@dataclass(frozen=True)
class Expansion:
    """How the expanded problem maps back: per-scenario names and constraint forms."""

    stage2: frozenset[str]
    scenario_ids: tuple[str, ...]
    forms: list  # the constraint forms, parsed against the original problem

    def is_stage2(self, name: str) -> bool:
        return Member.parse(name).commitment in self.stage2

    def rename(self, name: str, si: int) -> str:
        """A constraint term's member in scenario ``si`` of the expanded problem."""
        m = Member.parse(name)
        if m.commitment not in self.stage2:
            return name
        return str(Member(copy_id(m.commitment, self.scenario_ids[si]), m.option))


def expand(spec: ProblemSpec) -> tuple[ProblemSpec, Expansion]:
    """The problem with its tranches copied per scenario (not re-validated: built from a
    validated one), and how to map it back."""
    from .spec.validate import constraint_forms

    later = stage2_ids(spec)
    shared = tranche_resources(spec)
    sids = [s.id for s in spec.scenarios]

    def use_all(use):  # a first-stage option: the same use in every scenario's copy
        out = {}
        for r, a in use.items():
            if r in shared:
                out.update({copy_id(r, s): a for s in sids})
            else:
                out[r] = a
        return out

    def use_in(use, s):  # a tranche option in scenario s
        return {copy_id(r, s) if r in shared else r: a for r, a in use.items()}

    first, copies = [], []
    for c in spec.commitments:
        if c.id not in later:
            opts = tuple(dataclasses.replace(o, use=use_all(o.use)) for o in c.options)
            first.append(dataclasses.replace(c, options=opts))
            continue
        for s in sids:
            opts = tuple(
                dataclasses.replace(
                    o, use=use_in(o.use, s), value={s: o.value[s]} if s in o.value else {}
                )
                for o in c.options
            )
            copies.append(dataclasses.replace(c, id=copy_id(c.id, s), options=opts, stage=1))

    resources = []
    for r in spec.resources:
        if r.id in shared:
            resources.extend(dataclasses.replace(r, id=copy_id(r.id, s)) for s in sids)
        else:
            resources.append(r)

    def in_scenario(m: Member | None, s: str) -> Member | None:
        if m is None or m.commitment not in later:
            return m
        return Member(copy_id(m.commitment, s), m.option)

    relations: list[Relation] = []
    for rel in spec.relations:
        named = [*rel.members, *(m for m in (rel.a, rel.b) if m is not None)]
        if not any(m.commitment in later for m in named):
            relations.append(rel)
            continue
        label = rel.label()
        relations.extend(
            dataclasses.replace(
                rel,
                id=f"{label} [{s}]",
                a=in_scenario(rel.a, s),
                b=in_scenario(rel.b, s),
                members=tuple(in_scenario(m, s) for m in rel.members),
            )
            for s in sids
        )

    out = dataclasses.replace(
        spec,
        commitments=(*first, *copies),
        resources=tuple(resources),
        relations=tuple(relations),
    )
    return out, Expansion(frozenset(later), tuple(sids), constraint_forms(spec))


def compile_tranches(spec: ProblemSpec):
    """The expected-value ``MatrixModel`` of a problem with tranches (shifts not yet applied)."""
    from .compile_build import _compile

    big, exp = expand(spec)
    model = _compile(big, exp)
    n_first = sum(c.stage != 2 for c in spec.commitments)
    S = len(exp.scenario_ids)
    cc = model.col_commitment
    col_scenario = np.array(model.col_scenario, copy=True)
    k = cc >= n_first  # the tranche copies come last, scenario by scenario within each
    col_scenario[k] = (cc[k] - n_first) % S
    origin = tuple(
        [None] * n_first
        + [c.id for c in spec.commitments if c.stage == 2 for _ in exp.scenario_ids]
    )
    return dataclasses.replace(
        model, col_scenario=col_scenario, meta={**model.meta, "tranche_of": origin}
    )
