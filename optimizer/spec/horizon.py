"""Start years that cut a use profile at the horizon while the option's value counts in full.

A use profile ``[u0, u1, ...]`` started in year *s* draws ``u_k`` in year *s + k*; entries
that would fall after the horizon are dropped (docs/problem-format.md). When the option's value
is received in full all the same (a one-off number, or a value profile that ends within the
horizon), a late start pays only part of the cost for the whole value: a 2-year project
started in the last year pays half. The model keeps its numbers; these functions say where it
happens: ``possible_cuts`` for every start year that can be chosen (``optimizer validate``),
``chosen_cuts`` for a package (the warnings of ``solve``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cut:
    """One option started in one year whose use profile on one resource is cut."""

    commitment: str
    option: str
    start: int
    resource: str
    unit: str
    cut: float  # the sum of the |entries| that fall after the horizon
    total: float  # the sum of the |entries| of the profile
    entries: int  # how many entries fall after the horizon
    last: int  # the horizon's last year

    @property
    def share(self) -> float:
        return self.cut / self.total if self.total else 0.0

    def short(self) -> str:
        """``bridge.yes@2028 (budget: 4 of 8 after 2028)``."""
        return (
            f"{self.commitment}.{self.option}@{self.start} "
            f"({self.resource}: {self.cut:g} of {self.total:g} after {self.last})"
        )

    def message(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"commitment '{self.commitment}' option '{self.option}' starts in {self.start}: "
            f"{self.cut:g} of its {self.total:g}{unit} use of '{self.resource}' ({self.share:.0%}, "
            f"{self.entries} year(s) of its profile) falls after the horizon's last year "
            f"{self.last} and is not counted, while its value counts in full"
        )


def _value_cut(option, start: int, last: int) -> bool:
    """Whether the option's value is cut at the horizon too (then no warning): a value profile
    with a nonzero entry after the horizon, or a number received every year."""
    for amount in option.value.values():
        if isinstance(amount, tuple):
            after = amount[max(0, last - start + 1) :]
            if any(v != 0 for v in after):
                return True
        elif option.value_per_year and amount != 0:
            return True
    return False


def _has_value(option) -> bool:
    return any(
        any(v != 0 for v in a) if isinstance(a, tuple) else a != 0 for a in option.value.values()
    )


def _cuts(spec, commitment, option, start: int) -> list[Cut]:
    last = spec.years[1]
    if start > last or not _has_value(option) or _value_cut(option, start, last):
        return []
    units = {r.id: r.unit for r in spec.resources}
    out = []
    for rid, amount in option.use.items():
        if not isinstance(amount, tuple):
            continue
        after = amount[max(0, last - start + 1) :]
        cut = sum(abs(v) for v in after)
        if cut > 0:
            out.append(
                Cut(
                    commitment.id,
                    option.id,
                    start,
                    rid,
                    units.get(rid, ""),
                    float(cut),
                    float(sum(abs(v) for v in amount)),
                    len(after),
                    last,
                )
            )
    return out


def possible_cuts(spec) -> list[Cut]:
    """Every start year that can be chosen and cuts a use profile (see the module doc)."""
    if spec.years is None:
        return []
    out = []
    for c in spec.commitments:
        for o in c.options:
            lo, hi = o.start if o.start is not None else (spec.years[0], spec.years[0])
            for s in range(lo, hi + 1):
                out += _cuts(spec, c, o, s)
    return out


def chosen_cuts(spec, chosen: Iterable) -> list[Cut]:
    """The cuts of a package: ``chosen`` holds ``Choice``-like items (commitment, option,
    start)."""
    if spec.years is None:
        return []
    by_id = {c.id: c for c in spec.commitments}
    out = []
    for ch in chosen:
        c = by_id.get(ch.commitment)
        if c is None or ch.start is None:
            continue
        out += _cuts(spec, c, c.option(ch.option), int(ch.start))
    return out


def validate_summary(cuts: list[Cut], limit: int = 5) -> str:
    """One line for ``optimizer validate``: the start years that could cut a profile."""
    shown = ", ".join(c.short() for c in cuts[:limit])
    more = f" and {len(cuts) - limit} more" if len(cuts) > limit else ""
    return (
        f"{len(cuts)} start year(s) could cut a use profile at the horizon while the value "
        f"counts in full: {shown}{more}"
    )
