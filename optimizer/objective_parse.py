"""An objective named on the command line or in a file (``expected``, ``maximin``, ``cvar:A``,
``mean-cvar:L,A``, ``regret``, criteria objectives) parsed into an ``Objective``."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, replace

from .errors import InputError

CRITERIA_KINDS = ("weighted", "lexicographic")
KINDS = ("expected", "maximin", "cvar", "mean-cvar", "regret", *CRITERIA_KINDS)
TEMPLATES = {
    "expected": "expected",
    "maximin": "maximin",
    "cvar": "cvar:ALPHA",
    "mean-cvar": "mean-cvar:LAMBDA,ALPHA",
    "regret": "regret",
    "weighted": "weighted",
    "lexicographic": "lexicographic:A,B",
}
ALIASES = {
    "ev": "expected",
    "expectation": "expected",
    "mean": "expected",
    "minimax": "maximin",
    "worst": "maximin",
    "worst-case": "maximin",
    "minimax-regret": "regret",
    "max-regret": "regret",
}
WHERE = "--objective"


def _num(x: float) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


@dataclass(frozen=True)
class Objective:
    """A parsed objective; ``str(obj)`` is its canonical text (``cvar:0.1``)."""

    kind: str
    alpha: float | None = None
    lam: float | None = None
    weights: tuple = ()  # weighted: (criterion, weight) pairs (optimizer.criteria_objective)
    order: tuple = ()  # lexicographic: criterion ids in order
    requires: tuple = ()  # ε-constraints: (criterion, ">=" | "<=", bound)

    def __str__(self) -> str:
        if self.requires or self.kind in CRITERIA_KINDS:
            from .criteria_objective import text_of

            return text_of(self)
        return self.base_text()

    def base_text(self) -> str:
        if self.kind == "cvar":
            return f"cvar:{_num(self.alpha)}"
        if self.kind == "mean-cvar":
            return f"mean-cvar:{_num(self.lam)},{_num(self.alpha)}"
        return self.kind

    @property
    def text(self) -> str:
        return str(self)

    def describe(self, maximize: bool = True) -> str:
        """A phrase saying what is optimised, in the problem's sense."""
        best, worst = ("maximise", "lowest") if maximize else ("minimise", "highest")
        bounds = "".join(f"; {c} {op} {_num(v)}" for c, op, v in self.requires)
        if self.kind == "weighted":
            return "maximise the weighted sum of the criteria (each scaled 0..100)" + bounds
        if self.kind == "lexicographic":
            return f"optimise {', then '.join(self.order)} in that order" + bounds
        if bounds:
            return replace(self, requires=()).describe(maximize) + bounds
        if self.kind == "expected":
            return f"{best} the expected value"
        if self.kind == "maximin":
            return f"{best} the worst scenario's result (the {worst})"
        if self.kind == "cvar":
            return f"{best} the mean of the worst {self.alpha:.4g} of probability ({worst} end)"
        if self.kind == "mean-cvar":
            return (
                f"{best} {1 - self.lam:.4g} x expected + {self.lam:.4g} x CVaR of the "
                f"worst {self.alpha:.4g}"
            )
        return "minimise the largest regret against each scenario's best"


def _fraction(text: str, what: str, whole: str, *, zero_ok: bool) -> float:
    t = text.strip()
    try:
        x = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise InputError(
            f"{what} must be a number in {'[0, 1]' if zero_ok else '(0, 1]'}, got '{text}' "
            f"in '{whole}'",
            where=WHERE,
        ) from None
    ok = (0.0 <= x <= 1.0) if zero_ok else (0.0 < x <= 1.0)
    if not ok or not math.isfinite(x):
        raise InputError(
            f"{what} must be in {'[0, 1]' if zero_ok else '(0, 1]'}, got '{text}' in '{whole}'",
            where=WHERE,
        )
    return x


def parse_objective(text: str | Objective) -> Objective:
    """Parse ``expected``, ``maximin``, ``cvar:ALPHA``, ``mean-cvar:LAMBDA,ALPHA``, ``regret``.

    ALPHA and LAMBDA are fractions, written ``0.1`` or ``10%``. Raises ``InputError``
    (``where="--objective"``) naming what is wrong and what is allowed.
    """
    if isinstance(text, Objective):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            f"expected one of {', '.join(TEMPLATES.values())}, got {text!r}", where=WHERE
        )
    whole = text.strip()
    if ";" in whole:  # ε-constraints: "expected;jobs>=10"
        from .criteria_objective import split_requires

        head_text, requires = split_requires(whole)
        return replace(parse_objective(head_text), requires=requires)
    head, sep, arg = whole.partition(":")
    kind = head.strip().lower().replace("_", "-").replace(" ", "")
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.5)
        hint = (
            f"; did you mean '{TEMPLATES[close[0]]}'?"
            if close
            else f"; allowed: {', '.join(TEMPLATES.values())}"
        )
        raise InputError(f"unknown objective '{whole}'{hint}", where=WHERE)
    if kind in CRITERIA_KINDS:
        from .criteria_objective import parse_criteria_head

        return Objective(kind, **parse_criteria_head(kind, arg, whole))
    if kind in ("expected", "maximin", "regret"):
        if sep and arg.strip():
            raise InputError(f"'{kind}' takes no parameter, got '{whole}'", where=WHERE)
        return Objective(kind)
    if not arg.strip():
        raise InputError(
            f"'{kind}' needs its parameter: write {TEMPLATES[kind]}, e.g. "
            f"{'cvar:0.1' if kind == 'cvar' else 'mean-cvar:0.5,0.1'}; got '{whole}'",
            where=WHERE,
        )
    if kind == "cvar":
        if "," in arg:
            raise InputError(f"cvar takes one parameter (ALPHA), got '{whole}'", where=WHERE)
        return Objective("cvar", alpha=_fraction(arg, "ALPHA", whole, zero_ok=False))
    parts = arg.split(",")
    if len(parts) != 2:
        raise InputError(
            f"mean-cvar takes two parameters, LAMBDA,ALPHA (e.g. mean-cvar:0.5,0.1), got '{whole}'",
            where=WHERE,
        )
    lam = _fraction(parts[0], "LAMBDA", whole, zero_ok=True)
    alpha = _fraction(parts[1], "ALPHA", whole, zero_ok=False)
    return Objective("mean-cvar", alpha=alpha, lam=lam)
