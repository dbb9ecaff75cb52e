"""Decode the conditional tranches of a solution and check them from the spec alone.

A solution's tranches are ``{scenario: (Choice, ...)}``: the stage-2 commitments chosen in
each scenario. The checks here share no code with ``optimizer.tranches`` (the compile): a
tranche is valued in its scenario, uses resources in its scenario (a resource a tranche uses
is checked scenario by scenario), and every relation naming a stage-2 member is checked in
every scenario with that scenario's tranches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .choice import Choice
from .spec.model import ProblemSpec
from .spec.tranches import stage2_ids, tranche_resources


def decode_tranches(model, x: np.ndarray) -> dict[str, tuple]:
    """``{scenario: (Choice, ...)}`` for every scenario, or ``{}`` without tranches."""
    origin = model.meta.get("tranche_of")
    if not origin:
        return {}
    out: dict[str, list] = {s: [] for s in model.scenario_ids}
    nd = model.n_decision
    cc = model.col_commitment[:nd]
    pick = (np.asarray(x[:nd]) > 0.5) & (cc >= 0) & (model.col_scenario[:nd] >= 0)
    for j in np.flatnonzero(pick):
        ci = int(cc[j])
        out[model.scenario_ids[int(model.col_scenario[j])]].append(
            Choice(
                origin[ci],
                model.option_ids[ci][int(model.col_option[j])],
                model.period_labels[int(model.col_start[j])],
            )
        )
    return {s: tuple(v) for s, v in out.items()}


def tranche_lines(tranches: Mapping[str, tuple]) -> list[str]:
    """``in new_equilibrium: golden_dome.full`` lines, one per scenario."""
    lines = ["Conditional tranches (stage 2, chosen once the scenario is known):"]
    for sid, choices in tranches.items():
        lines.append(f"  in {sid}: " + (", ".join(map(str, choices)) or "none"))
    return lines


def picks_by_scenario(
    spec: ProblemSpec, picked: dict, tranches: Mapping | None, violations: list
) -> dict[str, dict]:
    """Each scenario's whole choice (first stage and its tranches), checking the tranches:
    known stage-2 commitments, one option each, start in its window, required ones taken."""
    later = stage2_ids(spec)
    commitments = {c.id: c for c in spec.commitments}
    tranches = tranches or {}
    for sid in tranches:
        if sid not in {s.id for s in spec.scenarios}:
            violations.append(f"tranches for unknown scenario '{sid}'")
    out: dict[str, dict] = {}
    for s in spec.scenarios:
        mine = dict(picked)
        for ch in tranches.get(s.id, ()):
            if ch.commitment not in later:
                violations.append(f"'{ch}' in {s.id} is not a stage-2 commitment")
                continue
            if ch.commitment in mine:
                violations.append(f"more than one option of '{ch.commitment}' in {s.id}")
            mine[ch.commitment] = ch
            c = commitments[ch.commitment]
            if ch.option not in {o.id for o in c.options}:
                violations.append(f"unknown option '{ch}' in {s.id}")
                continue
            if spec.years is not None:
                o = c.option(ch.option)
                lo, hi = o.start if o.start else (spec.first_year, spec.first_year)
                if ch.start is None or not lo <= ch.start <= hi:
                    violations.append(f"'{ch}' in {s.id} starts outside its window [{lo}, {hi}]")
        for cid in later:
            if commitments[cid].required and cid not in mine:
                violations.append(f"required commitment '{cid}' has no option chosen in {s.id}")
        out[s.id] = mine
    return out


def add_tranche_values(
    spec: ProblemSpec, by_scenario: dict, per: dict[str, dict], value_of: Callable
) -> None:
    """Add each scenario's tranches' values (``value_of(choice, scenario)``) to its level."""
    later = stage2_ids(spec)
    for sid, mine in per.items():
        by_scenario[sid] += sum(value_of(ch, sid) for c, ch in mine.items() if c in later)


def resource_rows(spec: ProblemSpec, picked: dict, per: dict[str, dict]):
    """``(resource, label suffix, choices)`` to check: once with the first-stage package for a
    resource no tranche uses, once per scenario (``r[s]``) with that scenario's choices."""
    shared = tranche_resources(spec)
    for r in spec.resources:
        if r.id not in shared:
            yield r, "", picked
        else:
            for sid, mine in per.items():
                yield r, f"[{sid}]", mine


def names_stage2(spec: ProblemSpec, rel) -> bool:
    later = stage2_ids(spec)
    named = [*rel.members, *(m for m in (rel.a, rel.b) if m is not None)]
    return any(m.commitment in later for m in named)
