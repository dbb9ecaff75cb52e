"""Decision-dependent probabilities: the ``[[shifts]]`` of a problem and scenario baselines.

A shift moves ``amount`` of probability from scenario ``from`` to scenario ``to`` when its
member (``"commitment"``: any option, or ``"commitment.option"``) is chosen, at any start year.
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
from typing import Any

from ..errors import InputError, did_you_mean
from .model import Member, ProblemSpec

SHIFT_KEYS = ("when", "from", "to", "amount", "description", "source")
PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Shift:
    """``amount`` of probability moved from scenario ``from_`` to ``to`` when ``when`` is
    chosen (``when``: a commitment, any option, or one option of it)."""

    when: Member
    from_: str
    to: str
    amount: float
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.when, str):
            object.__setattr__(self, "when", Member.parse(self.when))

    def label(self) -> str:
        return f"{self.when}: {self.from_} -> {self.to} {self.amount:g}"


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
        reader.keys(t, SHIFT_KEYS, path)
        for key in ("when", "from", "to", "amount"):
            if key not in t:
                raise InputError(f"missing key '{key}'", path=path)
        out.append(
            Shift(
                when=reader.member(t["when"], f"{path}.when"),
                from_=reader.ident(t["from"], f"{path}.from"),
                to=reader.ident(t["to"], f"{path}.to"),
                amount=reader.number(t["amount"], f"{path}.amount"),
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
    package that could move a probability below 0 or above 1. The bound takes, for each
    commitment, the worst of its options (it chooses at most one) and ignores relations, so
    it is conservative: a problem is accepted only if every package is safe. An amount given
    as a distribution counts with every number it can take (its range, ``Distribution.support``).
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
        a = _number(sh.amount, f"{path}.amount")
        if not 0.0 < a <= 1.0:
            raise InputError(f"an amount must be in (0, 1], got {a!r}", path=f"{path}.amount")
        shifts.append(replace(sh, when=m, amount=a))
    _check_bounds(scenarios, shifts, options, _amount_ranges(spec, shifts))
    return replace(spec, scenarios=scenarios, shifts=tuple(shifts))


def _amount_ranges(spec: ProblemSpec, shifts: list[Shift]) -> list[tuple[float, float]]:
    """Each shift's amount as ``(smallest, largest)``: its distribution's range, if it has one."""
    out = [(sh.amount, sh.amount) for sh in shifts]
    for u in spec.uncertain:
        for t in u.targets:
            if t.startswith("shifts[") and t.endswith("].amount"):
                out[int(t[len("shifts[") : -len("].amount")])] = u.dist.support
    return out


def _check_bounds(
    scenarios,
    shifts: list[Shift],
    options: Mapping[str, list[str]],
    ranges: list[tuple[float, float]],
) -> None:
    """Every package keeps every probability in [0, 1] (worst case over each commitment, and
    over each amount's range: into ``s`` at its largest and out of it at its smallest for the
    upper bound, the other way round for the lower)."""
    by_commitment: dict[str, list[int]] = {}
    for k, sh in enumerate(shifts):
        by_commitment.setdefault(sh.when.commitment, []).append(k)
    for s in scenarios:
        lo = hi = s.probability
        lo_shifts: list[int] = []
        hi_shifts: list[int] = []
        for cid, ks in by_commitment.items():
            # the change each option makes to p_s, and the shifts that make it
            best = (0.0, [])
            worst = (0.0, [])
            for oid in options[cid]:
                on = [k for k in ks if shifts[k].when.option in (None, oid)]
                down = sum(_delta(shifts[k], s.id, ranges[k], -1) for k in on)
                up = sum(_delta(shifts[k], s.id, ranges[k], 1) for k in on)
                if down < worst[0]:
                    worst = (down, [k for k in on if shifts[k].from_ == s.id])
                if up > best[0]:
                    best = (up, [k for k in on if shifts[k].to == s.id])
            lo += worst[0]
            hi += best[0]
            lo_shifts += worst[1]
            hi_shifts += best[1]
        if lo < -PROBABILITY_TOLERANCE:
            raise InputError(
                f"scenario '{s.id}' (probability {s.probability:g}) could fall to "
                f"{lo:.6g} below 0 if {_names(lo_shifts, shifts)} are all chosen"
                + _at_range_ends(lo_shifts, ranges),
                path=f"shifts[{min(lo_shifts)}]",
            )
        if hi > 1.0 + PROBABILITY_TOLERANCE:
            raise InputError(
                f"scenario '{s.id}' (probability {s.probability:g}) could rise to "
                f"{hi:.6g} above 1 if {_names(hi_shifts, shifts)} are all chosen"
                + _at_range_ends(hi_shifts, ranges),
                path=f"shifts[{min(hi_shifts)}]",
            )


def _at_range_ends(ks: list[int], ranges: list[tuple[float, float]]) -> str:
    if any(ranges[k][0] != ranges[k][1] for k in ks):
        return " (each amount at the end of its distribution's range)"
    return ""


def _names(ks: list[int], shifts: list[Shift]) -> str:
    return ", ".join(f"shifts[{k}] ({shifts[k].when})" for k in sorted(set(ks)))


def _delta(sh: Shift, sid: str, rng: tuple[float, float], side: int) -> float:
    """The change shift ``sh`` makes to ``p_sid``: the most negative (``side`` -1) or the most
    positive (+1) over its amount's range."""
    lo, hi = rng
    into = (hi if side > 0 else lo) if sh.to == sid else 0.0
    out = (lo if side > 0 else hi) if sh.from_ == sid else 0.0
    return into - out


def induced(spec: ProblemSpec, has: Callable[[Member], bool]) -> dict[str, float]:
    """``p(x)``: each scenario's probability once the package (``has(member)``) is chosen."""
    p = {s.id: s.probability for s in spec.scenarios}
    for sh in spec.shifts:
        if has(sh.when):
            p[sh.from_] -= sh.amount
            p[sh.to] += sh.amount
    return p
