"""Risk attitudes side by side: the package each objective chooses, and what it achieves.

Each objective (``expected``, ``maximin``, ``cvar:ALPHA``, ``mean-cvar:LAMBDA,ALPHA``,
``regret``) is solved exactly (see :mod:`optimizer.objectives`); every package is then
measured the same way from its verified value in each scenario: expected value, worst case,
CVaR at one ALPHA (the first CVaR objective's, unless given) and maximum regret against each
scenario's best. The wait-and-see bests are solved once and shared by every regret figure.
Under ``[[shifts]]`` each package is measured at the probabilities it induces, ``p(x)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..frames_api import Frames
from ..solution import Choice, _r

DEFAULT_OBJECTIVES = ("expected", "maximin", "cvar:0.2", "regret")
DEFAULT_ALPHA = 0.1


@dataclass(frozen=True)
class Attitude:
    objective: str
    chosen: tuple[Choice, ...]
    objective_value: float
    expected: float
    worst: float
    cvar: float
    max_regret: float
    by_scenario: Mapping[str, float]
    responses: Mapping[str, float] = field(default_factory=dict)  # stage-1 responses
    probabilities: Mapping[str, float] = field(default_factory=dict)  # p(x) under shifts

    def to_dict(self) -> dict[str, Any]:
        d = {
            "objective": self.objective,
            "objective_value": _r(self.objective_value),
            "expected": _r(self.expected),
            "worst": _r(self.worst),
            "cvar": _r(self.cvar),
            "max_regret": _r(self.max_regret),
            "by_scenario": {k: _r(v) for k, v in self.by_scenario.items()},
            "chosen": [c.to_dict() for c in self.chosen],
        }
        if self.responses:
            d["responses"] = {k: _r(v) for k, v in self.responses.items()}
        if self.probabilities:
            d["probabilities"] = {k: _r(v) for k, v in self.probabilities.items()}
        return d


@dataclass(frozen=True)
class Comparison(Frames):
    problem: str
    sense: str
    unit: str
    alpha: float  # the ALPHA of the CVaR column
    scenarios: tuple[str, ...]
    best: Mapping[str, float]  # each scenario's wait-and-see best
    attitudes: tuple[Attitude, ...]
    commitments: tuple[str, ...]  # in problem order
    solver: str
    shifts: bool = False  # the problem has [[shifts]]: each package measured at its own p(x)
    unfinished: tuple[str, ...] | None = None  # --max-time: objectives not solved

    def __repr__(self) -> str:
        inner = ", ".join(f"{a.objective}: {a.expected:.6g}" for a in self.attitudes)
        return f"Comparison({self.problem}: {inner})"

    def to_dict(self) -> dict[str, Any]:
        d = {
            "problem": self.problem,
            "sense": self.sense,
            "unit": self.unit,
            "cvar_alpha": self.alpha,
            "solver": self.solver,
            "scenario_best": {k: _r(v) for k, v in self.best.items()},
            "attitudes": [a.to_dict() for a in self.attitudes],
        }
        if self.shifts:
            d["probabilities"] = "induced by each package"
        return d


def parse_objectives(text: str | Sequence[str]) -> list[str]:
    """``expected,maximin,cvar:0.2,mean-cvar:0.5,0.1`` -> canonical texts.

    A comma separates objectives except inside ``mean-cvar:LAMBDA,ALPHA``.
    """
    from ..objectives import parse_objective

    if not isinstance(text, str):
        return [str(parse_objective(t)) for t in text]
    parts = [t.strip() for t in text.split(",") if t.strip()]
    out: list[str] = []
    i = 0
    while i < len(parts):
        t = parts[i]
        if t.lower().replace("_", "-").startswith("mean-cvar") and i + 1 < len(parts):
            t = f"{t},{parts[i + 1]}"
            i += 1
        out.append(str(parse_objective(t)))
        i += 1
    if not out:
        from ..errors import InputError

        raise InputError("give at least one objective", where="--objectives")
    return list(dict.fromkeys(out))


def compare(
    spec,
    objectives: str | Sequence[str] = DEFAULT_OBJECTIVES,
    *,
    alpha: float | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    verbose: bool = False,
) -> Comparison:
    """Solve ``spec`` under each objective and measure every package the same way."""
    import solvers

    from .. import engine
    from ..compile import compile_spec
    from ..errors import InfeasibleError
    from ..objectives import (
        apply_objective,
        cvar_value,
        expected_value,
        parse_objective,
        regrets,
        scenario_bests,
        worst_value,
    )
    from .partial import each
    from .scenarios import stage_one

    objs = [parse_objective(o) for o in parse_objectives(objectives)]
    if alpha is None:
        alpha = next((o.alpha for o in objs if o.alpha is not None), DEFAULT_ALPHA)
    backend = solvers.get(solver)
    opts = solvers.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, verbose=verbose)
    base = compile_spec(spec)
    bests = scenario_bests(base, backend, opts)
    if bests is None:
        # infeasible: let the expected-value solve raise it, with its diagnosis
        engine.finish(spec, base, backend.solve(base, opts), backend, opts)
        raise InfeasibleError(f"{spec.name}: infeasible")
    ids = tuple(s.id for s in spec.scenarios)
    p = [s.probability for s in spec.scenarios]
    maximize = spec.sense == "maximize"

    def attitude(o) -> Attitude:
        model = apply_objective(base, o, backend, opts, bests=bests)
        sol = engine.finish(spec, model, backend.solve(model, opts), backend, opts)
        v = [float(sol.by_scenario[s]) for s in ids]
        ps = [sol.probabilities[s] for s in ids] if sol.probabilities else p  # p(x) under shifts
        return Attitude(
            objective=str(o),
            chosen=tuple(sol.chosen),
            objective_value=float(sol.objective_value),
            expected=expected_value(v, ps),
            worst=worst_value(v, maximize),
            cvar=cvar_value(v, ps, alpha, maximize),
            max_regret=max(0.0, float(regrets(v, bests, maximize).max())),
            by_scenario=dict(zip(ids, v, strict=True)),
            responses=stage_one(sol),
            probabilities=dict(sol.probabilities),
        )

    out, left = each(objs, attitude)  # --max-time: the objectives left are named (partial.py)
    return Comparison(
        problem=spec.name,
        sense=spec.sense,
        unit=spec.value_unit,
        alpha=float(alpha),
        scenarios=ids,
        best=dict(zip(ids, (float(b) for b in bests), strict=True)),
        attitudes=tuple(out),
        commitments=tuple(c.id for c in spec.commitments),
        solver=backend.name,
        shifts=bool(spec.shifts),
        unfinished=tuple(f"objective {n}" for n in left),
    )


def compare_tables(c: Comparison) -> list[Any]:
    """Rich renderables for ``optimizer compare``."""
    from ..report.tables import table

    unit = f" ({c.unit})" if c.unit else ""
    names = [a.objective for a in c.attitudes]
    head = (
        f"[bold]Risk attitudes compared: {c.problem}[/bold]   sense: {c.sense}   solver: {c.solver}"
    )
    picks = [{x.commitment: x for x in a.chosen} for a in c.attitudes]

    def cell(pick: dict, cid: str) -> str:
        ch = pick.get(cid)
        if ch is None:
            return "-"
        return ch.option if ch.start is None else f"{ch.option}@{ch.start}"

    rows, same = [], []
    for cid in c.commitments:
        cells = [cell(pk, cid) for pk in picks]
        if len(set(cells)) == 1:
            if cells[0] != "-":
                same.append(f"{cid}.{cells[0]}")
            continue
        rows.append([cid, *cells])
    rids = list(dict.fromkeys(r for a in c.attitudes for r in a.responses))
    for rid in rids:
        vals = [a.responses.get(rid, 0.0) for a in c.attitudes]
        cells = [f"{x:.6g}" for x in vals]
        if len(set(cells)) == 1:
            same.append(f"{rid} = {cells[0]}")
        else:
            rows.append([rid, *cells])
    out: list[Any] = [head]
    if rows:
        out.append(table("Where the packages differ", ["decision", *names], rows))
    else:
        out.append("Every objective chooses the same package.")
    if same:
        out.append("In every package: " + ", ".join(same))
    worst = "worst (lowest)" if c.sense == "maximize" else "worst (highest)"
    metrics = [
        ["objective value", *[a.objective_value for a in c.attitudes]],
        ["expected", *[a.expected for a in c.attitudes]],
        [worst, *[a.worst for a in c.attitudes]],
        [f"CVaR {c.alpha:.4g}", *[a.cvar for a in c.attitudes]],
        ["max regret", *[a.max_regret for a in c.attitudes]],
        *[[f"scenario {s}", *[a.by_scenario[s] for a in c.attitudes]] for s in c.scenarios],
    ]
    measures = table(
        f"What each package achieves{unit}",
        ["measure", *names],
        metrics,
        right=tuple(range(1, len(names) + 1)),
    )
    out.append(measures)
    if c.shifts:
        out.append(
            "The package moves the odds: probabilities are those each package induces "
            "(the expected value and CVaR use them)."
        )
        rows = [[f"P({s})", *[a.probabilities[s] for a in c.attitudes]] for s in c.scenarios]
        out.append(
            table(
                "Probabilities", ["scenario", *names], rows, right=tuple(range(1, len(names) + 1))
            )
        )
    return out
