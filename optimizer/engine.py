"""The engine's solve path: compile → solve → decode → verify, and ``finish`` (a solver's answer
turned into a verified ``Solution``). It sits below ``optimizer.analysis``: analyses call it
here, and ``optimizer.api`` re-exports it as the public facade.
"""

from __future__ import annotations

from dataclasses import replace

from .errors import InfeasibleError, LimitError, SolverError, VerificationError
from .solution import OBJ_TOL, Solution, decode, decode_responses, evaluate
from .spec import ProblemSpec
from .tranche_solution import decode_tranches


def compile(problem: ProblemSpec, objective: str = "expected", *, solver="highs", options=None):
    """The ``MatrixModel`` of ``problem`` under ``objective``.

    ``solver``/``options`` are used only by objectives that need solves to be built
    (``regret`` solves each scenario alone for its best value).
    """
    from .compile import compile_spec

    model = compile_spec(problem)
    if objective != "expected":
        from .objectives import apply_objective

        model = apply_objective(model, objective, solver, options)
    return model


def choose_solver(solver: str, model=None, *, path=None) -> str:
    """``solver`` itself, or for ``"auto"`` the back end chosen for the model (see
    ``solvers.choose``); ``path`` reads an MPS/LP file to decide."""
    import solvers

    if solver != solvers.AUTO:
        return solver
    if model is None and path is not None:
        from .mpsio import read_model

        model = read_model(path)
    return solvers.choose(model) if model is not None else solvers.DEFAULT


def _options(time_limit: float | None, mip_gap: float | None, threads: int | None, verbose: bool):
    from solvers import SolveOptions

    return SolveOptions(time_limit=time_limit, mip_gap=mip_gap, threads=threads, verbose=verbose)


def solve(
    problem: ProblemSpec,
    *,
    solver: str = "highs",
    objective: str = "expected",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    verbose: bool = False,
    model=None,
) -> Solution:
    """Solve ``problem`` and return a ``Solution`` that has passed the independent check.

    Raises ``InfeasibleError`` (with a diagnosis), ``LimitError`` when no package was found
    within the limits, ``SolverError`` when the solver fails, ``VerificationError`` when the
    solver's answer does not hold up.
    """
    import solvers

    opts = _options(time_limit, mip_gap, threads, verbose)
    if solver == solvers.AUTO:
        if model is None:
            model = compile(problem, "expected")
        solver = choose_solver(solver, model)
        if objective != "expected":
            model = None  # rebuilt below with the chosen back end (regret needs solves)
    backend = solvers.get(solver)
    if model is None:
        model = compile(problem, objective, solver=backend, options=opts)
    from . import large, odds_start

    # a rounded LP package and a proven bound first for large models (optimizer.large); a
    # start found by linearisation when the shifts move the odds (optimizer.odds_start)
    res = large.solve(backend, model, opts, odds_start.solve)
    sol = finish(problem, model, res, backend, opts)
    from .numerics import scaling_warnings
    from .spec.horizon import chosen_cuts

    notes = scaling_warnings(model)  # coefficients spanning too many orders of magnitude
    notes += tuple(c.message() for c in chosen_cuts(problem, sol.chosen))  # profiles cut
    return replace(sol, warnings=sol.warnings + notes) if notes else sol


def unbounded_text(model, res) -> str:
    """The message of an unbounded ``SolveResult`` (``solvers.unbounded.unbounded_text``,
    imported when needed so that importing the API loads no solver code)."""
    from solvers.unbounded import unbounded_text as text

    return text(model, res)


def finish(problem: ProblemSpec, model, res, backend=None, opts=None) -> Solution:
    """Turn a ``SolveResult`` into a verified ``Solution`` (or the matching error)."""
    from solvers import Status

    if res.status == Status.INFEASIBLE:
        diagnosis = None
        if backend is not None:
            from .infeasibility import diagnose

            diagnosis = diagnose(model, backend, opts)
        kinds = ", ".join(diagnosis.kinds) if diagnosis and diagnosis.relaxations else "unknown"
        units = {r.id: r.unit for r in problem.resources}
        detail = diagnosis.summary(units) if diagnosis else ""
        raise InfeasibleError(
            f"{problem.name}: infeasible; constraints involved: {kinds}"
            + (f"; smallest relaxation: {detail}" if detail else ""),
            diagnosis,
        )
    if res.status == Status.UNBOUNDED:
        raise SolverError(f"{problem.name}: {unbounded_text(model, res)}")
    if res.x is None:
        if res.status == Status.TIME_LIMIT:
            raise LimitError(
                f"{problem.name}: no package found within the limits ({res.raw_status})"
            )
        import solvers

        ray = [repr(model.col_name(int(j))) for j in res.extra.get("ray", ())]
        maybe = f"; the model may be unbounded along {', '.join(ray)}" if ray else ""
        raise SolverError(
            f"{problem.name}: solver '{res.solver}' failed: {res.status.value} ({res.raw_status or res.message})"
            f"{maybe}; available: {', '.join(solvers.available())}"
        )
    chosen = decode(model, res.x)
    responses = decode_responses(model, res.x)
    tranches = decode_tranches(model, res.x)
    ev = evaluate(problem, chosen, responses, tranches)
    if not ev.feasible:
        raise VerificationError(
            f"{problem.name}: the solver's package fails the independent check: {ev.violations[0]}"
        )
    objective_value = res.objective
    crit, crit_value, crit_info = {}, None, {}
    if problem.criteria:  # each criterion recomputed from the spec; bounds re-checked
        from .criteria_check import solution_criteria

        crit, crit_value, crit_info = solution_criteria(problem, model, chosen, ev.expected, res)
    if crit_value is not None:
        objective_value = crit_value
    elif model.objective == "expected":
        if abs(ev.expected - res.objective) > OBJ_TOL * max(1.0, abs(ev.expected)):
            raise VerificationError(
                f"{problem.name}: recomputed expected value {ev.expected:.10g} differs from the "
                f"solver's {res.objective:.10g}"
            )
        objective_value = ev.expected
    else:
        from .objectives import measure

        recomputed = measure(model.objective, problem, ev.by_scenario, model, ev.probabilities)
        if abs(recomputed - res.objective) > 1e-5 * max(1.0, abs(recomputed)):
            raise VerificationError(
                f"{problem.name}: recomputed {model.objective} objective {recomputed:.10g} differs from "
                f"the solver's {res.objective:.10g}"
            )
        objective_value = recomputed
    status = "optimal" if res.status == Status.OPTIMAL else "time_limit"
    return Solution(
        problem=problem,
        status=status,
        objective=model.objective,
        objective_value=objective_value,
        expected=ev.expected,
        by_scenario=dict(ev.by_scenario),
        chosen=tuple(chosen),  # column order = commitment order
        resources=ev.resources,
        solver=res.summary(),
        verified=True,
        responses=responses,
        probabilities=dict(ev.probabilities) if problem.shifts else {},
        tranches=tranches,
        criteria=crit,
        criteria_info=crit_info,
    )
