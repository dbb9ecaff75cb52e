"""How packages are written and told apart: a choice as ``a.small@2026``, a package as a
list of them, what one package changes against another, and how many commitments differ
(``alternatives``, ``scenarios`` and the report's sections)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..solution import Choice

BY = ("option", "start", "commitment")


def tranche_dict(tranches) -> dict:
    return {s: [c.to_dict() for c in cs] for s, cs in tranches.items()}


def tranche_rows(tranches) -> list[str]:
    """``in s: a.x, b`` per scenario: an offer's best conditional tranches."""
    return [f"in {s}: " + (package_text(cs) if cs else "none") for s, cs in tranches.items()]


def choice_text(c: Choice) -> str:
    """``a.small@2026``; a commitment's only option ``yes`` is left out (``b@2027``)."""
    s = c.commitment if c.option == "yes" else f"{c.commitment}.{c.option}"
    return s if c.start is None else f"{s}@{c.start}"


def package_text(chosen: Iterable[Choice]) -> str:
    items = [choice_text(c) for c in chosen]
    return ", ".join(items) if items else "(nothing)"


def differences(base: Sequence[Choice], other: Sequence[Choice], order: Sequence[str]) -> list[str]:
    """What ``other`` changes relative to ``base``, commitment by commitment."""
    a = {c.commitment: c for c in base}
    b = {c.commitment: c for c in other}
    out = []
    for cid in order:
        x, y = a.get(cid), b.get(cid)
        if x == y:
            continue
        if y is None:
            out.append(f"drop {choice_text(x)}")
        elif x is None:
            out.append(f"add {choice_text(y)}")
        elif x.option != y.option:
            when = "" if y.start == x.start or y.start is None else f"@{y.start}"
            out.append(f"{cid}: {x.option} -> {y.option}{when}")
        else:
            out.append(f"{cid}: start {x.start} -> {y.start}")
    return out


def distance(p: Sequence[Choice], q: Sequence[Choice], by: str = "option") -> int:
    """Commitments whose choice differs between two packages, under ``by``."""
    a = {c.commitment: c for c in p}
    b = {c.commitment: c for c in q}

    def key(c: Choice | None):
        if c is None:
            return None
        return {"option": c.option, "start": (c.option, c.start)}.get(by, True)

    return sum(1 for cid in set(a) | set(b) if key(a.get(cid)) != key(b.get(cid)))
