"""Where each uncertain input lands in a ``ProblemSpec``: the document path of a distribution
turned into the spec locations it sets (``attach``, ``targets_of``)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .distributions import Distribution, _fmt


@dataclass(frozen=True)
class Uncertain:
    """An uncertain input: where it is written (``path``), its distribution, and the spec
    locations it sets (all to the same drawn number)."""

    path: str
    dist: Distribution
    targets: tuple[str, ...]

    @property
    def is_probability(self) -> bool:
        return all(t.endswith(".probability") for t in self.targets)

    @property
    def is_odds(self) -> bool:
        """A scenario's baseline or a shift's amount (they enter only the objective)."""
        return all(t.endswith((".baseline", ".amount", ".share")) for t in self.targets)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "dist": self.dist.to_dict(), "targets": list(self.targets)}


_I = r"\[(\d+)\]"
_ID = r"([^.\[\]]+)"
_OPT = rf"commitments{_I}(?:\.options{_I})?"
_DOC_PATTERNS = [
    ("probability", re.compile(rf"^scenarios{_I}\.probability$")),
    ("capacity", re.compile(rf"^resources{_I}\.capacity$")),
    ("capacity_year", re.compile(rf"^resources{_I}\.capacity\.(\d+)$")),
    ("use", re.compile(rf"^{_OPT}\.use\.{_ID}(?:{_I})?$")),
    ("value_all", re.compile(rf"^{_OPT}\.value(?:{_I})?$")),
    ("value", re.compile(rf"^{_OPT}\.value\.{_ID}(?:{_I})?$")),
    ("scores", re.compile(rf"^{_OPT}\.scores\.{_ID}(?:{_I})?$")),
    ("response_all", re.compile(rf"^responses{_I}\.value$")),
    ("response", re.compile(rf"^responses{_I}\.value\.{_ID}$")),
    ("response_bound", re.compile(rf"^responses{_I}\.(lower|upper)$")),
    ("parameter_all", re.compile(rf"^parameters{_I}\.value$")),
    ("parameter", re.compile(rf"^parameters{_I}\.value\.{_ID}$")),
    ("odds", re.compile(rf"^(?:scenarios{_I}\.baseline|shifts{_I}\.(?:amount|share))$")),
]


def _suffix(k: str | None) -> str:
    return "" if k is None else f"[{k}]"


def targets_of(path: str, spec) -> tuple[str, ...]:
    """The spec locations a distribution written at document ``path`` sets."""
    scen = [s.id for s in spec.scenarios]
    if path == "uncertainty.probabilities":
        return tuple(f"scenarios[{i}].probability" for i in range(len(scen)))
    for kind, rx in _DOC_PATTERNS:
        m = rx.match(path)
        if not m:
            continue
        g = m.groups()
        if kind in ("probability", "odds"):
            return (path,)
        if kind == "capacity":
            r = spec.resources[int(g[0])]
            return tuple(f"resources[{g[0]}].capacity[{t}]" for t in range(len(r.capacity)))
        if kind == "capacity_year":
            return (f"resources[{g[0]}].capacity[{int(g[1]) - spec.first_year}]",)
        if kind in ("use", "value_all", "value", "scores"):
            opt = f"commitments[{g[0]}].options[{g[1] or 0}]"
            if kind in ("use", "scores"):
                return (f"{opt}.{kind}.{g[2]}{_suffix(g[3])}",)
            if kind == "value":
                return (f"{opt}.value.{g[2]}{_suffix(g[3])}",)
            return tuple(f"{opt}.value.{s}{_suffix(g[2])}" for s in scen)
        if kind == "response_all":
            return tuple(f"responses[{g[0]}].value.{s}" for s in scen)
        if kind in ("response", "response_bound"):
            return (path,)
        if kind == "parameter_all":
            return tuple(f"parameters[{g[0]}].value.{s}" for s in scen)
        return (path,)
    if path == "problem.discount_rate":
        raise InputError(
            "the discount rate cannot be uncertain (it does not enter the model linearly); "
            "give a number",
            path=path,
        )
    raise InputError("this number cannot be given as a distribution", path=path)


def attach(spec, records: list[tuple[str, Distribution]]):
    """``spec`` with its uncertain inputs recorded (``records``: document path, distribution)."""
    out = []
    prob_paths = [p for p, d in records if p.endswith(".probability")]
    for path, dist in records:
        if dist.kind == "dirichlet" and path != "uncertainty.probabilities":
            raise InputError(
                "dirichlet goes only in uncertainty.probabilities (all probabilities at once)",
                path=f"{path}.dist",
            )
        if path == "uncertainty.probabilities":
            if dist.kind != "dirichlet":
                raise InputError(
                    f"uncertainty.probabilities takes a dirichlet, got {dist.kind}; "
                    "give other distributions on each scenario's probability",
                    path=f"{path}.dist",
                )
            if prob_paths:
                raise InputError(
                    "give either uncertainty.probabilities or distributions on the scenarios' "
                    "probabilities, not both",
                    path=prob_paths[0],
                )
            if dist.group:
                raise InputError("a dirichlet takes no group", path=f"{path}.group")
        lo, hi = dist.support
        if path.startswith("shifts[") and not 0 < lo <= hi <= 1:
            raise InputError(
                f"{'a share' if path.endswith('.share') else 'an amount'}'s distribution "
                f"must stay within (0, 1], got the range "
                f"[{_fmt(lo)}, {_fmt(hi)}] (give a bounded distribution: uniform, "
                "triangular, pert, or a normal with low > 0 and high <= 1)",
                path=path,
            )
        if path.endswith(".probability") and dist.kind != "dirichlet" and (lo < 0 or hi > 1):
            raise InputError(
                f"a probability's distribution must stay within [0, 1], got the range "
                f"[{_fmt(lo)}, {_fmt(hi)}] (give low/high to a normal)",
                path=path,
            )
        out.append(Uncertain(path, dist, targets_of(path, spec)))
    return dataclasses.replace(spec, uncertain=tuple(out))
