"""Conditional tranches: commitments with ``stage = 2``, decided once the scenario is known.

A stage-2 commitment is chosen (at most one option, exactly one when ``required``) in each
scenario separately, after the offer (the first-stage package) has moved the odds and the
scenario is revealed. Its value counts in its scenario; its use of a resource counts in its
scenario, so a resource any tranche uses holds in every scenario separately (one row per
scenario and year); a relation that names a stage-2 member holds in every scenario, with the
first-stage members as chosen and the stage-2 ones as chosen in that scenario ("join fully
only if X was offered": ``a = "join.full"``, ``b = "x"``, ``type = "requires"``).

This module checks the key and answers questions about it from the spec alone; it imports
nothing from the compile or the solvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError, UsageError
from .items import Member

if TYPE_CHECKING:
    from .model import ProblemSpec


def stage2_ids(spec: ProblemSpec) -> set[str]:
    """The ids of the stage-2 commitments (the conditional tranches)."""
    return {c.id for c in spec.commitments if c.stage == 2}


def has_tranches(spec: ProblemSpec) -> bool:
    return any(c.stage == 2 for c in spec.commitments)


def tranche_resources(spec: ProblemSpec) -> set[str]:
    """The resources some tranche uses: they hold in every scenario separately."""
    return {r for c in spec.commitments if c.stage == 2 for o in c.options for r in o.use}


def check_tranches(spec: ProblemSpec) -> None:
    """Stage is 1 or 2; the odds move only with first-stage members (a tranche is decided
    after the scenario is revealed, so it cannot have moved the odds of that scenario)."""
    for i, c in enumerate(spec.commitments):
        if c.stage not in (1, 2) or isinstance(c.stage, bool):
            raise InputError(
                f"expected stage 1 or 2, got {c.stage!r}", path=f"commitments[{i}].stage"
            )
    later = stage2_ids(spec)
    for k, sh in enumerate(spec.shifts):
        m = sh.when if isinstance(sh.when, Member) else Member.parse(str(sh.when))
        if m.commitment in later:
            raise InputError(
                f"'{m}' is a stage-2 commitment, decided once the scenario is known, so it "
                "cannot move that scenario's odds; a shift's member must be decided now",
                path=f"shifts[{k}].when",
            )


def refuse_tranches(spec: ProblemSpec, what: str) -> None:
    """Raise a one-line ``UsageError`` (exit 2) when ``what`` is not defined yet for a problem
    with conditional tranches."""
    if has_tranches(spec):
        raise UsageError(
            f"{what} is not defined yet for problems with conditional tranches "
            "([[commitments]] with stage = 2)",
            where=what,
        )
