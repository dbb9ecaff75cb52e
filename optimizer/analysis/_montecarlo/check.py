"""The independent check of a Monte Carlo run: a sample of draws rebuilt from the spec
(``spec.with_values``) and solved from scratch, each compared with the run's answer."""

from __future__ import annotations

from .linear import _tol


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
