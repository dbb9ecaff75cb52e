"""The result of a Monte Carlo run: dataclasses with ``to_dict``, and their making."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ...frames_api import Frames
from .loaded import BY_ENUM, BY_LP, BY_MIP, BY_POOL, INFEASIBLE, LIMIT, OK
from .summary import Summary, _num

if TYPE_CHECKING:
    from .risk import BaseRisk

CORE, EXTERIOR = 0.9, 0.1
FIXED_ODDS = "the draw's scenario probabilities, the same for every package"
INDUCED_ODDS = (
    "induced by each package: p(x) with the draw's probabilities and shift amounts, "
    "each draw rebuilt and solved exactly"
)


def _choice_text(model, j: int) -> str:
    ci = int(model.col_commitment[j])
    name = f"{model.commitment_ids[ci]}.{model.option_ids[ci][int(model.col_option[j])]}"
    year = model.period_labels[int(model.col_start[j])]
    return name if year is None else f"{name}@{year}"


@dataclass(frozen=True)
class InputInfo:
    path: str
    distribution: str
    point: float
    locations: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "distribution": self.distribution,
            "point": _num(self.point),
            "locations": self.locations,
        }


@dataclass(frozen=True)
class OptionCore:
    commitment: str
    option: str
    core_index: float
    label: str  # core | borderline | exterior
    in_base: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "commitment": self.commitment,
            "option": self.option,
            "core_index": _num(self.core_index),
            "label": self.label,
            "in_base": self.in_base,
        }


@dataclass(frozen=True)
class PackageCount:
    choices: tuple[str, ...]
    count: int
    share: float
    mean_value: float
    is_base: bool
    enter: tuple[str, ...]  # vs the point-value package
    leave: tuple[str, ...]

    def change(self) -> str:
        parts = [f"+{e}" for e in self.enter] + [f"-{x}" for x in self.leave]
        return " ".join(parts) if parts else "(the point-value package)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "choices": list(self.choices),
            "count": self.count,
            "share": _num(self.share),
            "mean_value": _num(self.mean_value),
            "is_base": self.is_base,
            "enter": list(self.enter),
            "leave": list(self.leave),
        }


@dataclass(frozen=True)
class SolveStats:
    draws: int
    by_pool: int  # a known package reached the LP bound: no branch-and-bound
    by_lp: int  # the LP relaxation was integral
    by_mip: int  # a full MIP solve was needed
    by_enum: int  # proved by split enumeration (no solver)
    infeasible: int
    limits: int
    distinct_packages: int
    solver_time_s: float  # inside HiGHS (all workers)
    busy_time_s: float  # in the draw loop (all workers)
    wall_time_s: float
    setup_time_s: float
    verify_time_s: float
    compiles: int
    workers: int
    chunks: int
    worst_violation: float

    @property
    def draws_per_second(self) -> float:
        return self.draws / self.wall_time_s if self.wall_time_s > 0 else math.nan

    @property
    def solver_share(self) -> float:
        return self.solver_time_s / self.busy_time_s if self.busy_time_s > 0 else math.nan

    def to_dict(self, timings: bool = True) -> dict[str, Any]:
        d = {
            "draws": self.draws,
            "by_pool": self.by_pool,
            "by_lp": self.by_lp,
            "by_mip": self.by_mip,
            "by_enum": self.by_enum,
            "infeasible": self.infeasible,
            "limits": self.limits,
            "distinct_packages": self.distinct_packages,
            "compiles": self.compiles,
            "worst_violation": _num(self.worst_violation),
        }
        if timings:
            d["run"] = {"workers": self.workers, "chunks": self.chunks}
            d["timings"] = (  # every duration lives under this one key
                {
                    "solver_time_s": round(self.solver_time_s, 4),
                    "busy_time_s": round(self.busy_time_s, 4),
                    "wall_time_s": round(self.wall_time_s, 4),
                    "setup_time_s": round(self.setup_time_s, 4),
                    "verify_time_s": round(self.verify_time_s, 4),
                    "draws_per_second": _num(self.draws_per_second),
                    "solver_share": _num(self.solver_share),
                }
            )
        return d


@dataclass(frozen=True)
class Verification:
    draws: tuple[int, ...]  # draws rebuilt from the spec and solved from scratch
    packages_evaluated: bool
    max_difference: float  # largest |fresh optimum - Monte Carlo value|
    every_draw_rechecked: bool = True  # the NumPy re-check of every draw's package

    def to_dict(self) -> dict[str, Any]:
        return {
            "sample": list(self.draws),
            "packages_evaluated": self.packages_evaluated,
            "max_difference": _num(self.max_difference),
            "every_draw_rechecked": self.every_draw_rechecked,
        }


@dataclass(frozen=True, eq=False)
class MonteCarloResult(Frames):
    problem: str
    title: str
    sense: str
    value_unit: str
    seed: int
    n_requested: int
    interrupted: bool
    inputs: tuple[InputInfo, ...]
    optimal: Summary
    core: tuple[OptionCore, ...]
    packages: tuple[PackageCount, ...]
    base: BaseRisk  # from .risk
    stats: SolveStats
    verification: Verification
    status: np.ndarray = field(repr=False)  # per draw: -1 not done, 0 solved, 1 infeasible, 2 limit
    values: np.ndarray = field(repr=False)  # per draw: optimal value (NaN when not solved)
    base_values: np.ndarray = field(repr=False)  # per draw: the point-value package's value
    package_index: np.ndarray = field(repr=False)  # per draw: index into package_choices, -1
    package_choices: tuple[tuple[str, ...], ...] = field(repr=False, default=())
    probabilities: str = FIXED_ODDS  # which probabilities each package is valued with
    tranches: str = ""  # with conditional tranches: what the packages are (offers)

    @property
    def n_done(self) -> int:
        return int(np.count_nonzero(self.status >= 0))

    def __repr__(self) -> str:
        return (
            f"MonteCarloResult({self.problem}: {self.n_done}/{self.n_requested} draws, "
            f"mean optimum {self.optimal.mean:.6g}, {self.stats.distinct_packages} packages)"
        )

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "problem": self.problem,
            "sense": self.sense,
            "value_unit": self.value_unit,
            "seed": self.seed,
            "draws_requested": self.n_requested,
            "draws_done": self.n_done,
            "interrupted": self.interrupted,
            "inputs": [i.to_dict() for i in self.inputs],
            "optimal_value": self.optimal.to_dict(),
            "core_index": [c.to_dict() for c in self.core],
            "packages": [p.to_dict() for p in self.packages],
            "probabilities": self.probabilities,
            **({"tranches": self.tranches} if self.tranches else {}),
            "base_package": self.base.to_dict(),
            "solves": self.stats.to_dict(timings),
            "verification": self.verification.to_dict(),
        }


def build_result(
    spec, s, t, *, seed, n, interrupted, regret_threshold, top, stats, verification
) -> MonteCarloResult:
    """The result of a run from its set-up ``s`` (``setup.Setup``) and its per-draw results
    ``t`` (``tally.Tally``)."""
    base, base_sol = s.base, s.base_sol
    status, how, values, base_values = t.status, t.how, t.values, t.base_values
    keys, first_seen, pkg, breaks, base_key = t.keys, t.first_seen, t.pkg, t.breaks, t.base_key
    # number the packages by the draw that first found them (the base package first), so
    # the result does not depend on the order in which chunks came back
    order = sorted(range(len(keys)), key=lambda i: first_seen[i])
    renum = np.empty(len(keys), dtype=np.int64)
    renum[order] = np.arange(len(keys))
    keys = [keys[i] for i in order]
    pkg = np.where(pkg >= 0, renum[np.maximum(pkg, 0)], -1)
    ok = status == OK
    n_ok = int(ok.sum())
    names = [tuple(_choice_text(base, j) for j in k) for k in keys]
    # core index per option (over the start years)
    from ...offer import OFFER_NOTE, offer_mask  # the offer's options: tranches are recourse

    n_opt = {
        (int(base.col_commitment[j]), int(base.col_option[j]))
        for j in np.flatnonzero(offer_mask(base))
    }
    count_opt = dict.fromkeys(n_opt, 0)
    pk_counts = np.bincount(pkg[ok], minlength=len(keys)) if n_ok else np.zeros(len(keys), int)
    for i, k in enumerate(keys):
        if pk_counts[i]:
            for opt in {(int(base.col_commitment[j]), int(base.col_option[j])) for j in k}:
                count_opt[opt] += int(pk_counts[i])
    in_base = {(int(base.col_commitment[j]), int(base.col_option[j])) for j in base_key}
    core = []
    for ci, oi in sorted(n_opt):
        share = count_opt[(ci, oi)] / n_ok if n_ok else math.nan
        label = "core" if share >= CORE else ("exterior" if share <= EXTERIOR else "borderline")
        core.append(
            OptionCore(
                base.commitment_ids[ci], base.option_ids[ci][oi], share, label, (ci, oi) in in_base
            )
        )
    core.sort(key=lambda c: (-(c.core_index if math.isfinite(c.core_index) else 0),))
    base_names = set(names[0])
    packages = []
    for i in np.argsort(-pk_counts, kind="stable")[:top]:
        if pk_counts[i] == 0:
            break
        sel = ok & (pkg == i)
        packages.append(
            PackageCount(
                choices=names[i],
                count=int(pk_counts[i]),
                share=float(pk_counts[i] / n_ok),
                mean_value=float(values[sel].mean()),
                is_base=bool(i == 0),
                enter=tuple(x for x in names[i] if x not in base_names),
                leave=tuple(x for x in names[0] if x not in set(names[i])),
            )
        )
    from .risk import base_risk

    base_risk_ = base_risk(
        base,
        names[0],
        float(base_sol.expected),
        status=status,
        values=values,
        base_values=base_values,
        pkg=pkg,
        ok_status=OK,
        regret_threshold=regret_threshold,
        breaks=breaks,
    )
    inputs = tuple(
        InputInfo(
            u.path,
            u.dist.describe(),
            u.dist.point if u.dist.kind != "dirichlet" else math.nan,
            len(u.targets),
        )
        for u in spec.uncertain
    )
    done = status >= 0
    st = SolveStats(
        draws=int(done.sum()),
        by_pool=int(np.sum(done & (how == BY_POOL) & ok)),
        by_lp=int(np.sum(done & (how == BY_LP) & ok)),
        by_mip=int(np.sum(done & (how == BY_MIP))),
        by_enum=int(np.sum(done & (how == BY_ENUM))),
        infeasible=int(np.sum(status == INFEASIBLE)),
        limits=int(np.sum(status == LIMIT)),
        distinct_packages=int(np.count_nonzero(pk_counts)),
        **stats,
    )
    return MonteCarloResult(
        problem=spec.name,
        title=spec.title,
        sense=spec.sense,
        value_unit=spec.value_unit,
        seed=int(seed),
        n_requested=int(n),
        interrupted=interrupted,
        inputs=inputs,
        optimal=Summary.of(values[ok]),
        core=tuple(core),
        packages=tuple(packages),
        base=base_risk_,
        stats=st,
        verification=verification,
        status=status,
        values=values,
        base_values=base_values,
        package_index=pkg,
        package_choices=tuple(names),
        probabilities=INDUCED_ODDS if spec.shifts else FIXED_ODDS,
        tranches=OFFER_NOTE if any(c.stage == 2 for c in spec.commitments) else "",
    )
