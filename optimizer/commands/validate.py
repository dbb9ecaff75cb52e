"""``optimizer validate``: check a problem without solving it."""

from __future__ import annotations

from ._options import load_problem, problem_command
from ._output import emit, note


@problem_command("validate")
def command():
    """Check PROBLEM without solving it; print a one-line summary.

    \b
    Example:
      optimizer validate my_problem.toml
    """
    spec = load_problem()
    from ..spec.horizon import possible_cuts, validate_summary

    cuts = possible_cuts(spec)
    if cuts:
        note(f"warning: {validate_summary(cuts)}")
    n_opt = sum(len(c.options) for c in spec.commitments)
    years = "single period" if spec.years is None else f"{spec.years[0]}-{spec.years[1]}"
    emit(
        f"{spec.name}: ok ({len(spec.commitments)} commitments, {n_opt} options, "
        f"{len(spec.scenarios)} scenarios, {len(spec.resources)} resources, "
        f"{len(spec.relations)} relations, "
        + (f"{len(spec.shifts)} shifts, " if spec.shifts else "")
        + f"{years})",
        None,
    )
