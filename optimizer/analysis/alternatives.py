"""The k best distinct packages: fall-back offers, by no-good cuts.

After each package is found, a cut excludes it (and, with ``min_diff = N``, every package
within ``N - 1`` commitments of it) and the model is solved again. What "distinct" means is
set by ``by``:

``option`` (default)
    packages differ when some commitment is taken or not, or taken with another option.
    Packages that differ only in start years are the same offer re-timed: the best timing is
    reported and the other timings are not listed as alternatives.
``start``
    a different start year is a different package (a distinct set of chosen
    (option, start year) columns).
``commitment``
    only which commitments are in the package counts; options and start years do not.

The distance between two packages is the number of commitments whose choice differs under
``by``; for a commitment ``c`` that an earlier package ``P`` took as column set ``K``
(its chosen column, its option's columns, or all of ``c``'s columns, by ``by``), the
indicator "``c`` differs from ``P``" is ``1 - sum(x[K])``, and for a commitment ``P`` did
not take it is ``sum(x[c])``. Each new package must be at distance ``>= max(1, min_diff)``
from *every* package listed before it (a linear cut per package), so with ``min_diff = 1``
the list is exactly the k best distinct packages, and with a larger ``min_diff`` it is built
greedily: each package is the best one far enough from all those above it.

In a two-stage model packages are told apart by their commitments only; responses (the
continuous or integer quantities) are whatever is best for each package. With conditional
tranches (``stage = 2``) a package is an *offer*: the cuts name first-stage columns only, so
an offer differing only in its tranches is the same offer, and each offer is listed with its
best tranches in each scenario.

``within`` (a fraction, 0.02 for 2%) keeps only packages whose objective is within that
relative gap of the optimum (relative to ``|optimum|``, or absolute when the optimum is 0).

Each package is checked independently (:func:`optimizer.solution.evaluate`) and reported with
its value, what differs from the first package, and the solver's status for it: ``optimal``
(proven best among the packages not yet listed) or ``time_limit`` (the best found when a limit
stopped the solver; ``solver_gap`` then says how far from proven). An unproven first package is
the best found, never called the optimum; should a later package be better than it (the first
solve stopped early), the list is sorted best first and the gaps taken from the new first. A
later solve stopped by a limit before finding any package ends the list ("limit reached").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solvers.deadline import expired

from ..frames_api import Frames
from ..solution import Choice, _r
from .package_diff import BY, differences, distance, package_text, tranche_dict, tranche_rows


@dataclass(frozen=True)
class Alternative:
    rank: int
    chosen: tuple[Choice, ...]
    value: float  # the objective's value (verified)
    expected: float
    by_scenario: Mapping[str, float]
    gap: float  # relative shortfall from the optimum, >= 0
    distance: int  # commitments whose choice differs from the optimum (under ``by``)
    changes: tuple[str, ...]  # what differs from the optimum
    status: str = "optimal"  # the solver's: "optimal" (proven) or "time_limit" (best found)
    solver_gap: float | None = 0.0  # relative gap to the solver's bound; None when unknown
    tranches: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)  # best, by scenario

    @property
    def proven(self) -> bool:
        return self.status == "optimal"

    def status_text(self) -> str:
        """``optimal``, or ``not proven; gap 1.23%`` for a package a limit stopped at."""
        if self.proven:
            return "optimal"
        return "not proven; gap " + (
            "unknown" if self.solver_gap is None else f"{self.solver_gap:.2%}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "value": _r(self.value),
            "expected": _r(self.expected),
            "gap": _r(self.gap),
            "distance": self.distance,
            "status": self.status,
            "solver_gap": None if self.solver_gap is None else _r(self.solver_gap),
            "chosen": [c.to_dict() for c in self.chosen],
            "changes": list(self.changes),
            "by_scenario": {k: _r(v) for k, v in self.by_scenario.items()},
            **({"tranches": tranche_dict(self.tranches)} if self.tranches else {}),
        }


@dataclass(frozen=True)
class Alternatives(Frames):
    problem: str
    objective: str
    sense: str
    unit: str
    by: str
    k: int
    within: float | None
    min_diff: int
    alternatives: tuple[Alternative, ...]
    stopped: str  # why the list ended: "k reached", "no more packages", "outside --within"
    solver: str
    unfinished: tuple[str, ...] | None = None  # --max-time: what was not found (partial.py)

    @property
    def status(self) -> str | None:
        """The first package's status: ``optimal`` only when it is the proven optimum."""
        return self.alternatives[0].status if self.alternatives else None

    @property
    def best_word(self) -> str:
        """ "the optimum", or "the best found" when the first package is not proven."""
        return "the optimum" if self.status in (None, "optimal") else "the best found"

    def __repr__(self) -> str:
        vals = ", ".join(f"{a.value:.6g}" for a in self.alternatives)
        return f"Alternatives({self.problem}: [{vals}], stopped: {self.stopped})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "objective": self.objective,
            "sense": self.sense,
            "unit": self.unit,
            "by": self.by,
            "k": self.k,
            "within": self.within,
            "min_diff": self.min_diff,
            "stopped": self.stopped,
            "status": self.status,
            "solver": self.solver,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


def _best_first(found: list, better: float, by: str, order: list, gap_limit) -> list:
    """``found`` best first: a solve stopped at a limit may list a package below one found
    after it; then the list is sorted by value (a tie keeps the order found) and every rank,
    gap, distance and change is taken from the new first, ``within`` applied again."""
    if len(found) < 2:
        return found
    top = found[0].value
    if not any(better * (a.value - top) > 1e-9 * max(1.0, abs(top)) for a in found[1:]):
        return found
    ranked = sorted(found, key=lambda a: -better * a.value)
    head = ranked[0]
    denom = abs(head.value) if abs(head.value) > 1e-12 else 1.0
    out = []
    for a in ranked:
        gap = max(0.0, better * (head.value - a.value) / denom)
        if gap_limit is not None and gap > gap_limit + 1e-9:
            break
        out.append(
            replace(
                a,
                rank=len(out) + 1,
                gap=gap,
                distance=distance(head.chosen, a.chosen, by),
                changes=tuple(differences(head.chosen, a.chosen, order)),
            )
        )
    return out


def _cut(model, cols: np.ndarray, by: str, need: int):
    """Row ``sum_c differs_c >= need`` against the package whose chosen columns are ``cols``."""
    from ..offer import offer_mask  # the offer's columns: tranches are recourse

    nd = model.n_decision
    com = np.where(offer_mask(model)[:nd], model.col_commitment[:nd], -1)
    coef = np.zeros(model.n)
    coef[:nd][com >= 0] = 1.0  # commitments not taken: differs = sum of their columns
    taken = 0
    for j in cols:
        c = com[j]
        if by == "start":
            same = np.zeros(nd, dtype=bool)
            same[j] = True
        elif by == "option":
            same = (com == c) & (model.col_option[:nd] == model.col_option[j])
        else:
            same = com == c
        # differs_c = 1 - sum(x[same]): the commitment's other columns get coefficient 0
        coef[:nd][com == c] = 0.0
        coef[:nd][same] = -1.0
        taken += 1
    return coef, float(need - taken)


def _add_rows(model, rows: list[tuple[np.ndarray, float]], labels: list[str]):
    from scipy import sparse

    if not rows:
        return model
    block = sparse.csr_matrix(np.vstack([r[0] for r in rows]))
    return replace(
        model,
        A=sparse.vstack([model.A, block], format="csr"),
        row_lower=np.concatenate([model.row_lower, [r[1] for r in rows]]),
        row_upper=np.concatenate([model.row_upper, np.full(len(rows), np.inf)]),
        row_kind=np.concatenate([model.row_kind, np.full(len(rows), "user", dtype=object)]),
        row_label=np.concatenate([model.row_label, np.array(labels, dtype=object)]),
    )


def parse_within(text: str | float | None) -> float | None:
    """``2%`` or ``0.02`` -> 0.02; ``None`` stays ``None``."""
    from ..errors import InputError

    if text is None:
        return None
    if isinstance(text, int | float):
        x = float(text)
    else:
        t = text.strip()
        try:
            x = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
        except ValueError:
            raise InputError(
                f"expected a relative gap such as 2% or 0.02, got '{text}'", where="--within"
            ) from None
    if not (x >= 0.0 and np.isfinite(x)):
        raise InputError(f"the gap must be >= 0, got '{text}'", where="--within")
    return x


def alternatives(
    spec,
    k: int = 5,
    *,
    within: float | str | None = None,
    min_diff: int = 1,
    by: str = "option",
    objective: str = "expected",
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    verbose: bool = False,
) -> Alternatives:
    """Up to ``k`` best distinct packages of ``spec`` under ``objective`` (see the module doc).

    Raises ``InfeasibleError`` (with a diagnosis) when the problem has no package at all.
    """
    import solvers

    from .. import engine
    from ..compile import compile_spec
    from ..errors import InputError
    from ..objectives import apply_objective, parse_objective
    from ..offer import offer_key

    if by not in BY:
        raise InputError(f"unknown value '{by}'; allowed: {', '.join(BY)}", where="--by")
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}", where="-k")
    if min_diff < 1:
        raise InputError(f"must be at least 1, got {min_diff}", where="--min-diff")
    gap_limit = parse_within(within)
    obj = parse_objective(objective)
    backend = solvers.get(solver)
    opts = solvers.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, verbose=verbose)
    base = apply_objective(compile_spec(spec), obj, backend, opts)
    # the objective's own sense: regret is minimised whatever the problem's sense
    better = 1.0 if base.maximize else -1.0
    order = [c.id for c in spec.commitments]

    found: list[Alternative] = []
    cuts: list[tuple[np.ndarray, float]] = []
    labels: list[str] = []
    best = None
    stopped = "k reached"
    while len(found) < k:
        model = _add_rows(base, cuts, labels)
        res = None if found and expired() else backend.solve(model, opts)
        if found and expired():  # --max-time: the next packages are left unfinished
            stopped = "time budget"
            break
        if found and res.status == solvers.Status.INFEASIBLE:
            stopped = "no more packages"
            break
        if found and res.x is None and res.status == solvers.Status.TIME_LIMIT:
            stopped = "limit reached"  # the packages above stand; the next was not found
            break
        sol = engine.finish(spec, model, res, backend, opts)
        value = float(sol.objective_value)
        if best is None:
            best = value
            best_chosen = sol.chosen
        denom = abs(best) if abs(best) > 1e-12 else 1.0
        gap = max(0.0, better * (best - value) / denom)
        if gap_limit is not None and gap > gap_limit + 1e-9:
            stopped = "outside --within"
            break
        found.append(
            Alternative(
                rank=len(found) + 1,
                chosen=tuple(sol.chosen),
                value=value,
                expected=float(sol.expected),
                by_scenario=dict(sol.by_scenario),
                gap=gap,
                distance=distance(best_chosen, sol.chosen, by),
                changes=tuple(differences(best_chosen, sol.chosen, order)),
                status=sol.status,
                solver_gap=0.0 if sol.status == "optimal" else sol.solver.get("gap"),
                tranches=dict(sol.tranches),
            )
        )
        cuts.append(_cut(base, np.array(offer_key(base, res.x), dtype=int), by, min_diff))
        labels.append(f"differs from alternative {len(found)}")
    found = _best_first(found, better, by, order, gap_limit)
    return Alternatives(
        problem=spec.name,
        objective=str(obj),
        sense=spec.sense,
        unit=spec.value_unit,
        by=by,
        k=k,
        within=gap_limit,
        min_diff=min_diff,
        alternatives=tuple(found),
        stopped=stopped,
        solver=backend.name,
        unfinished=(f"packages {len(found) + 1}..{k}",) if stopped == "time budget" else (),
    )


def alternatives_tables(a: Alternatives) -> list[Any]:
    """Rich renderables for ``optimizer alternatives``."""
    from ..report.tables import table

    unit = f" ({a.unit})" if a.unit else ""
    cond = [f"by {a.by}"]
    if a.min_diff > 1:
        cond.append(f"differing by at least {a.min_diff} commitments")
    best = a.best_word
    if a.within is not None:
        cond.append(f"within {a.within * 100:g}% of {best}")
    head = (
        f"[bold]Best distinct packages: {a.problem} ({len(a.alternatives)} found)[/bold]\n"
        f"objective: {a.objective}   {', '.join(cond)}   stopped: {a.stopped}"
    )
    extra = a.objective != "expected"
    rows = []
    for alt in a.alternatives:
        if alt.rank == 1:
            changes = "optimum" if alt.proven else "best found"
        else:
            changes = "; ".join(alt.changes) or "re-timed only"
        values = [alt.value, alt.expected] if extra else [alt.value]
        rows.append([str(alt.rank), *values, f"{alt.gap:.2%}", alt.status_text(), changes])
    cols = ["#", f"{a.objective}{unit}", *(["expected"] if extra else []), "gap", "status"]
    cols.append(f"what differs from {best}")
    right = tuple(range(len(cols) - 2))
    out: list[Any] = [head, table(None, cols, rows, right=right)]
    rows = [f"  #{alt.rank} {t}" for alt in a.alternatives for t in tranche_rows(alt.tranches)]
    if rows:  # conditional tranches: each offer's best ones, by scenario
        out.append("\n".join(["Best conditional tranches of each offer, by scenario:", *rows]))
    if a.alternatives:
        first = a.alternatives[0]
        if first.proven:
            out.append("Optimum: " + package_text(first.chosen))
        else:
            out.append(f"Best found, {first.status_text()}: " + package_text(first.chosen))
    return out
