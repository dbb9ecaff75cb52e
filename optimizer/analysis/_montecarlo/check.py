"""The independent check of a Monte Carlo run: a sample of draws rebuilt from the spec
(``spec.with_values``) and solved from scratch, each compared with the run's answer."""

from __future__ import annotations

from .linear import _tol
from .loaded import OK


def fresh_solve(spec, d: int, locations: dict) -> tuple[int, float | None]:
    """Rebuild draw ``d`` from the spec and solve it from scratch: its optimal value (None when
    the fresh solve finds none). Needs nothing from the Monte Carlo run, so with an executor it
    is submitted at once and runs while this process compiles and the draws run."""
    from ... import engine
    from ...errors import OptimizerError

    try:
        return d, float(engine.solve(spec.with_values(locations)).expected)
    except OptimizerError:
        return d, None


def compare_draw(
    spec, d: int, locations: dict, fresh: float | None, value: float, choices, check_package: bool
) -> list[str]:
    """The independent check of draw ``d``: the fresh solve's optimum against the Monte Carlo
    value and, for problems without responses, the package evaluated on the rebuilt problem."""
    from ...solution import Choice, evaluate

    if fresh is None:
        return [f"draw {d}: a fresh solve finds no optimum where Monte Carlo found {value:.10g}"]
    problems = []
    if abs(fresh - value) > 2 * _tol(fresh):
        problems.append(
            f"draw {d}: optimal value {value:.10g} differs from a fresh solve's {fresh:.10g}"
        )
    if check_package:
        ev = evaluate(spec.with_values(locations), [Choice(*c) for c in choices])
        if not ev.feasible:
            problems.append(
                f"draw {d}: the package fails the check on the drawn problem: {ev.violations[0]}"
            )
        elif abs(ev.expected - value) > _tol(value):
            problems.append(
                f"draw {d}: the package is worth {ev.expected:.10g} on the drawn problem, "
                f"not {value:.10g}"
            )
    return problems


def verify_sample(spec, draws, plan: list[int], fresh: dict, tally, check_package: bool):
    """The independent check of the draws in ``plan`` that solve (their fresh solves taken from
    ``fresh`` where submitted, else run here): (the draws checked, the largest difference of
    the optimal values). Raises ``VerificationError`` naming the first draw that disagrees."""
    from ...errors import VerificationError

    sample = [d for d in plan if tally.status[d] == OK]  # those that solve
    problems: list[str] = []
    max_diff = 0.0
    for d in sample:
        f = fresh.pop(d, None)
        loc = draws.locations(spec, d)
        _, v_fresh = fresh_solve(spec, d, loc) if f is None else f.result()
        value = float(tally.values[d])
        problems += compare_draw(spec, d, loc, v_fresh, value, tally.choices_of(d), check_package)
        if v_fresh is not None:
            max_diff = max(max_diff, abs(v_fresh - tally.values[d]))
    if problems:
        raise VerificationError(f"{spec.name}: Monte Carlo check failed: {problems[0]}")
    return sample, max_diff
