"""Decision-dependent probabilities: the ``[[shifts]]`` of a problem and scenario baselines.

A shift moves ``amount`` (times its ``credibility``, default 1) of probability from scenario
``from`` to scenario ``to`` when its member (``"commitment"``: any option, or ``"commitment.option"``) is chosen, at any start year.
With ``y_k`` = 1 when shift ``k``'s member is chosen::

    p_s(x) = probability_s + sum_k amount_k * y_k * ([to_k = s] - [from_k = s])

and the expected value is ``sum_s p_s(x) * (baseline_s + V_s(x))``. This module reads and
checks shifts (every message located, ``shifts[k].from``) and computes ``p(x)`` from the spec
alone, for the verifier; it imports nothing from the compile or the solvers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, did_you_mean
from .items import Member

if TYPE_CHECKING:
    from .model import ProblemSpec

SHIFT_KEYS = ("when", "from", "to", "amount", "share", "credibility", "description", "source")
PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Shift:
    """``amount`` of probability moved from scenario ``from_`` to ``to`` when ``when`` is
    chosen (``when``: a commitment, any option, or one option of it), discounted by the
    ``credibility`` of the offer on the counterpart's side: ``moved = amount * credibility``.
    A proportional shift gives ``share`` instead: ``amount = share * probability(from)``, set
    by ``check_shifts`` from the spec's probabilities each time the spec is checked (a Monte
    Carlo draw of the probabilities moves it with them)."""

    when: Member
    from_: str
    to: str
    amount: float
    description: str = ""
    source: str = ""
    credibility: float = 1.0
    share: float | None = None

    @property
    def moved(self) -> float:
        """The probability the shift moves: ``amount`` times ``credibility``."""
        return self.amount * self.credibility

    def __post_init__(self) -> None:
        if isinstance(self.when, str):
            object.__setattr__(self, "when", Member.parse(self.when))

    def label(self) -> str:
        return f"{self.when}: {self.from_} -> {self.to} {self.moved:g}"


def read_baseline(reader, t: Mapping, path: str) -> float:
    """A scenario's ``baseline`` (default 0; a distribution gives its point value); read by
    the parser's scenario reader."""
    if "baseline" not in t:
        return 0.0
    return reader.number(t["baseline"], f"{path}.baseline")


def read_shifts(reader, raw: Any) -> tuple[Shift, ...]:
    """The ``[[shifts]]`` tables of a document (``reader``: ``optimizer.spec.parse.Reader``)."""
    out = []
    for k, t in enumerate(reader.list_of_tables(raw, "shifts")):
        path = f"shifts[{k}]"
        reader.keys(t, SHIFT_KEYS, path, required=("when", "from", "to"))
        if ("amount" in t) == ("share" in t):
            raise InputError(
                "give 'amount' (probability moved) or 'share' (of the base probability of "
                "'from'), " + ("not both" if "amount" in t else "one of them"),
                path=path,
            )
        if "credibility" in t and isinstance(t["credibility"], Mapping):
            raise InputError("cannot be a distribution; give a number", path=f"{path}.credibility")
        out.append(
            Shift(
                when=reader.member(t["when"], f"{path}.when"),
                from_=reader.ident(t["from"], f"{path}.from"),
                to=reader.ident(t["to"], f"{path}.to"),
                amount=reader.number(t["amount"], f"{path}.amount") if "amount" in t else 0.0,
                share=reader.number(t["share"], f"{path}.share") if "share" in t else None,
                credibility=(
                    reader.number(t["credibility"], f"{path}.credibility")
                    if "credibility" in t
                    else 1.0
                ),
                description=reader.text(t, "description", path),
                source=reader.text(t, "source", path),
            )
        )
    return tuple(out)


def _number(x: Any, path: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise InputError(f"expected a number, got {x!r}", path=path)
    try:
        v = float(x)
    except OverflowError:
        v = math.inf
    if not math.isfinite(v):
        raise InputError(f"expected a finite number, got {x!r}", path=path)
    return v


def check_shifts(spec: ProblemSpec) -> ProblemSpec:
    """Validate baselines and shifts; return ``spec`` with them normalised.

    Rejects unknown members and scenarios, ``from == to``, amounts outside (0, 1], and any
    package that could move a probability below 0 or above 1. A first bound takes, for each
    commitment, the worst of its options (it chooses at most one) and ignores relations; when
    it fails, the packages the relations allow are searched exactly (``shift_bounds``: budgets
    and constraints are not counted, so the rule stays a safe bound). An amount given as a
    distribution counts with every number it can take (its range, ``Distribution.support``).
    """
    scen = [s.id for s in spec.scenarios]
    scenarios = tuple(
        replace(s, baseline=_number(s.baseline, f"scenarios[{i}].baseline"))
        for i, s in enumerate(spec.scenarios)
    )
    if not spec.shifts:
        return replace(spec, scenarios=scenarios)
    options = {c.id: [o.id for o in c.options] for c in spec.commitments}
    shifts = []
    for k, sh in enumerate(spec.shifts):
        path = f"shifts[{k}]"
        if not isinstance(sh, Shift):
            raise InputError(f"expected a Shift, got {sh!r}", path=path)
        m = sh.when if isinstance(sh.when, Member) else Member.parse(str(sh.when))
        if m.commitment not in options:
            raise InputError(
                f"unknown commitment '{m.commitment}'{did_you_mean(m.commitment, options)}",
                path=f"{path}.when",
            )
        if m.option is not None and m.option not in options[m.commitment]:
            raise InputError(
                f"unknown option '{m.option}' of '{m.commitment}'"
                f"{did_you_mean(m.option, options[m.commitment])}",
                path=f"{path}.when",
            )
        for key, sid in (("from", sh.from_), ("to", sh.to)):
            if sid not in scen:
                raise InputError(
                    f"unknown scenario '{sid}'{did_you_mean(str(sid), scen)}",
                    path=f"{path}.{key}",
                )
        if sh.from_ == sh.to:
            raise InputError(f"'from' and 'to' are both '{sh.to}'", path=f"{path}.to")
        share = None
        if sh.share is not None:
            share = _number(sh.share, f"{path}.share")
            if not 0.0 < share <= 1.0:
                raise InputError(f"a share must be in (0, 1], got {share!r}", path=f"{path}.share")
            a = share * float(scenarios[scen.index(sh.from_)].probability)
        else:
            a = _number(sh.amount, f"{path}.amount")
            if not 0.0 < a <= 1.0:
                raise InputError(f"an amount must be in (0, 1], got {a!r}", path=f"{path}.amount")
        cred = _number(sh.credibility, f"{path}.credibility")
        if not 0.0 < cred <= 1.0:
            raise InputError(
                f"a credibility must be in (0, 1], got {cred!r}", path=f"{path}.credibility"
            )
        shifts.append(replace(sh, when=m, amount=a, share=share, credibility=cred))
    _check_bounds(scenarios, shifts, options, _amount_ranges(spec, shifts), spec)
    return replace(spec, scenarios=scenarios, shifts=tuple(shifts))


def _amount_ranges(spec: ProblemSpec, shifts: list[Shift]) -> list[tuple[float, float]]:
    """Each shift's amount as ``(smallest, largest)``: its distribution's range, if it has one."""
    out = [(sh.amount, sh.amount) for sh in shifts]
    for u in spec.uncertain:
        for t in u.targets:
            if not t.startswith("shifts["):
                continue
            for key in ("amount", "share"):
                if t.endswith(f"].{key}"):
                    k = int(t[len("shifts[") : -len(f"].{key}")])
                    lo, hi = u.dist.support
                    if key == "share":  # the share of the probability of 'from' it moves
                        p = shifts[k].amount / shifts[k].share
                        lo, hi = lo * p, hi * p
                    out[k] = (lo, hi)
    return out


def _check_bounds(
    scenarios,
    shifts: list[Shift],
    options: Mapping[str, list[str]],
    ranges: list[tuple[float, float]],
    spec: ProblemSpec,
) -> None:
    """Every package the relations allow keeps every probability in [0, 1], each amount at the
    end of its range that moves the probability most (into ``s`` at its largest and out of it
    at its smallest for the upper bound, the other way round for the lower)."""
    key = (
        tuple(scenarios),
        tuple(shifts),
        tuple(ranges),
        tuple((c.id, c.required, tuple(options[c.id])) for c in spec.commitments),
        spec.relations,
    )
    if key in _PASSED:
        return
    _check_bounds_now(scenarios, shifts, options, ranges, spec)
    if len(_PASSED) >= _PASSED_MAX:
        _PASSED.clear()
    _PASSED.add(key)


# The data of checks that passed: a sensitivity sweep rebuilds the problem hundreds of times
# with the odds and the relations unchanged (a value or a capacity moved), and the check reads
# nothing else (the relations' rows, ``shift_bounds.relaxation``: ids, options, ``required``).
_PASSED: set[tuple] = set()
_PASSED_MAX = 1024


def _check_bounds_now(scenarios, shifts, options, ranges, spec) -> None:
    by_commitment: dict[str, list[int]] = {}
    for k, sh in enumerate(shifts):
        by_commitment.setdefault(sh.when.commitment, []).append(k)
    relaxed = None
    for s in scenarios:
        for side in (-1, 1):
            # the fast bound: each commitment's worst option, relations ignored
            bound = s.probability
            for cid, ks in by_commitment.items():
                moves = [0.0]
                for oid in options[cid]:
                    on = [k for k in ks if shifts[k].when.option in (None, oid)]
                    moves.append(sum(_delta(shifts[k], s.id, ranges[k], side) for k in on))
                bound += min(moves) if side < 0 else max(moves)
            if -PROBABILITY_TOLERANCE <= bound <= 1.0 + PROBABILITY_TOLERANCE:
                continue
            if relaxed is None:
                from .shift_bounds import relaxation

                relaxed = relaxation(spec)
            _exact_bound(s, side, shifts, ranges, relaxed)


def _exact_bound(s, side: int, shifts: list[Shift], ranges, relaxed) -> None:
    """The exact search over the packages the relations allow (``shift_bounds.extreme``); a
    refusal names the package's shifts that move ``p_s``."""
    from .shift_bounds import extreme

    weights = np.array([_delta(sh, s.id, ranges[k], side) for k, sh in enumerate(shifts)])
    members = [sh.when for sh in shifts]
    try:
        found = extreme(relaxed, members, weights, side)
    except TimeoutError:
        found = None
        timed_out = True
    else:
        timed_out = False
        if found is None:  # no package satisfies the relations: none can move the odds
            return
        value, chosen = found
        level = s.probability + value
        if -PROBABILITY_TOLERANCE <= level <= 1.0 + PROBABILITY_TOLERANCE:
            return
    if timed_out:  # keep the fast bound's verdict, and say that it is one
        chosen = [k for k, w in enumerate(weights) if w * side > 0]
        level = s.probability + sum(w for w in weights if w * side > 0)
    moving = [k for k in chosen if weights[k] != 0]
    verb, limit = ("fall to", "below 0") if side < 0 else ("rise to", "above 1")
    allowed = (
        " (the exact search over the relations did not finish)"
        if timed_out
        else " (a package the relations allow)"
    )
    raise InputError(
        f"scenario '{s.id}' (probability {s.probability:g}) could {verb} {level:.6g} {limit} "
        f"if {_names(moving, shifts)} are all chosen{allowed}" + _at_range_ends(moving, ranges),
        path=f"shifts[{min(moving)}]",
    )


def _at_range_ends(ks: list[int], ranges: list[tuple[float, float]]) -> str:
    if any(ranges[k][0] != ranges[k][1] for k in ks):
        return " (each amount at the end of its distribution's range)"
    return ""


def _names(ks: list[int], shifts: list[Shift]) -> str:
    return ", ".join(f"shifts[{k}] ({shifts[k].when})" for k in sorted(set(ks)))


def _delta(sh: Shift, sid: str, rng: tuple[float, float], side: int) -> float:
    """The change shift ``sh`` makes to ``p_sid``: the most negative (``side`` -1) or the most
    positive (+1) over its amount's range, times its credibility."""
    lo, hi = rng[0] * sh.credibility, rng[1] * sh.credibility
    into = (hi if side > 0 else lo) if sh.to == sid else 0.0
    out = (lo if side > 0 else hi) if sh.from_ == sid else 0.0
    return into - out


def induced(spec: ProblemSpec, has: Callable[[Member], bool]) -> dict[str, float]:
    """``p(x)``: each scenario's probability once the package (``has(member)``) is chosen."""
    p = {s.id: s.probability for s in spec.scenarios}
    for sh in spec.shifts:
        if has(sh.when):
            p[sh.from_] -= sh.moved
            p[sh.to] += sh.moved
    return p
