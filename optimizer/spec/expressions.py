"""A small, safe parser for linear constraints such as ``2.5*acres_wheat + buy - sell >= 200``.

No ``eval``: a tokenizer and a recursive-descent parser that accept only numbers, names,
``+ - * /``, parentheses and one comparison (``<=``, ``>=``, ``==`` or ``=``). A name is a
commitment (``id``), an option (``id.option``), a response, or a parameter; parameters are
coefficients (a number, or one per scenario) and may multiply variables, variables may not
multiply each other. Errors point at the offending token: ``at column 12: unexpected '*'``.
Parentheses nest at most ``MAX_PARENTHESES`` deep; any number of signs may precede a term.

The result is a ``LinearForm``: ``{name: coefficient}`` plus a constant, where a coefficient is
a tuple with one number per scenario (so scenario-indexed yields are exact, not averaged).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..errors import InputError

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_0-9][A-Za-z0-9_\-]*)?)"
    r"|(?P<op><=|>=|==|=|\*\*|[-+*/()]))"
)
MAX_EXPRESSION_CHARS = 10_000
MAX_PARENTHESES = 100  # nesting depth: the parser recurses once per level


@dataclass(frozen=True)
class Token:
    kind: str  # num | name | op | end
    text: str
    col: int  # 1-based column


def tokenize(text: str, where: str) -> list[Token]:
    if len(text) > MAX_EXPRESSION_CHARS:
        raise InputError(f"expression longer than {MAX_EXPRESSION_CHARS} characters", path=where)
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = pos + 1 + (len(text[pos:]) - len(text[pos:].lstrip()))
            bad = text[col - 1] if col - 1 < len(text) else text[pos]
            raise InputError(f"at column {col}: unexpected character {bad!r}", path=where)
        kind = m.lastgroup or "op"
        start = m.start(kind)
        out.append(Token(kind, m.group(kind), start + 1))
        pos = m.end()
    out.append(Token("end", "", len(text) + 1))
    return out


Vec = tuple[float, ...]


@dataclass(frozen=True)
class LinearForm:
    """``sum(coef[name] * name) + constant``; every coefficient has one entry per scenario."""

    terms: Mapping[str, Vec]
    constant: Vec

    def scaled(self, k: Vec) -> LinearForm:
        return LinearForm(
            {n: tuple(a * b for a, b in zip(c, k, strict=True)) for n, c in self.terms.items()},
            tuple(a * b for a, b in zip(self.constant, k, strict=True)),
        )

    def plus(self, other: LinearForm, sign: float = 1.0) -> LinearForm:
        terms = dict(self.terms)
        for n, c in other.terms.items():
            old = terms.get(n, (0.0,) * len(c))
            terms[n] = tuple(a + sign * b for a, b in zip(old, c, strict=True))
        const = tuple(a + sign * b for a, b in zip(self.constant, other.constant, strict=True))
        return LinearForm(terms, const)

    @property
    def is_constant(self) -> bool:
        return not any(any(v != 0 for v in c) for c in self.terms.values())


@dataclass(frozen=True)
class ParsedConstraint:
    """``form (sense) 0`` with sense one of ``<=``, ``>=``, ``==``."""

    form: LinearForm
    sense: str


class _Parser:
    def __init__(
        self,
        tokens: list[Token],
        where: str,
        n_scen: int,
        resolve: Callable[[str], tuple[str, Vec | None]],
    ):
        self.toks = tokens
        self.i = 0
        self.where = where
        self.S = n_scen
        self.resolve = resolve  # name -> ("var", None) or ("param", values)
        self.depth = 0  # parentheses open around the current token

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, msg: str, tok: Token | None = None) -> InputError:
        tok = tok or self.tok
        shown = "the end" if tok.kind == "end" else f"'{tok.text}'"
        return InputError(f"at column {tok.col}: {msg} {shown}".rstrip(), path=self.where)

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def const(self, v: float) -> LinearForm:
        return LinearForm({}, (v,) * self.S)

    def constraint(self) -> ParsedConstraint:
        left = self.expr()
        t = self.tok
        if t.kind != "op" or t.text not in ("<=", ">=", "==", "="):
            raise self.error("expected <=, >= or == but found", t)
        self.take()
        right = self.expr()
        if self.tok.kind != "end":
            raise self.error("unexpected")
        sense = "==" if t.text in ("=", "==") else t.text
        form = left.plus(right, -1.0)
        numbers = [*form.constant, *(v for c in form.terms.values() for v in c)]
        if not all(math.isfinite(v) for v in numbers):
            raise InputError(
                "a coefficient is too large to be a number (it overflows to infinity)",
                path=self.where,
            )
        if form.is_constant:
            raise InputError("the constraint has no variable in it", path=self.where)
        return ParsedConstraint(form, sense)

    def expr(self) -> LinearForm:
        form = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            sign = 1.0 if self.take().text == "+" else -1.0
            form = form.plus(self.term(), sign)
        return form

    def term(self) -> LinearForm:
        form = self.factor()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "**"):
            op = self.take()
            if op.text == "**":
                raise self.error("not linear: a power at", op)
            rhs = self.factor()
            if op.text == "/":
                if not rhs.is_constant:
                    raise self.error("cannot divide by a variable:", op)
                if any(c == 0 for c in rhs.constant):
                    raise self.error("division by zero at", op)
                form = form.scaled(tuple(1.0 / c for c in rhs.constant))
            elif form.is_constant:
                form = rhs.scaled(form.constant)
            elif rhs.is_constant:
                form = form.scaled(rhs.constant)
            else:
                raise self.error("not linear: a variable times a variable at", op)
        return form

    def factor(self) -> LinearForm:
        negative = False
        while self.tok.kind == "op" and self.tok.text in "+-":  # signs: a loop, not recursion
            negative ^= self.take().text == "-"
        if negative:
            return self.factor().scaled((-1.0,) * self.S)
        t = self.tok
        if t.kind == "num":
            self.take()
            return self.const(float(t.text))
        if t.kind == "name":
            self.take()
            kind, values = self.resolve(t.text)
            if kind == "param":
                return LinearForm({}, tuple(values))  # type: ignore[arg-type]
            if kind == "var":
                return LinearForm({t.text: (1.0,) * self.S}, (0.0,) * self.S)
            raise InputError(f"at column {t.col}: unknown name '{t.text}'{kind}", path=self.where)
        if t.kind == "op" and t.text == "(":
            self.depth += 1
            if self.depth > MAX_PARENTHESES:
                raise self.error(f"parentheses nested more than {MAX_PARENTHESES} deep at", t)
            self.take()
            f = self.expr()
            self.depth -= 1
            if not (self.tok.kind == "op" and self.tok.text == ")"):
                raise self.error("expected ')' but found")
            self.take()
            return f
        raise self.error("unexpected")


def parse_constraint(
    text: str, where: str, n_scenarios: int, resolve: Callable[[str], tuple[str, Vec | None]]
) -> ParsedConstraint:
    """Parse ``text``; ``resolve(name)`` says whether a name is a variable or a parameter.

    ``resolve`` returns ``("var", None)``, ``("param", values_by_scenario)`` or
    ``(hint, None)`` for an unknown name, where ``hint`` is appended to the error
    (e.g. ``"; did you mean 'buy_wheat'?"``).
    """
    try:
        return _Parser(tokenize(text, where), where, n_scenarios, resolve).constraint()
    except RecursionError:  # a deep call stack around the parser: still the user's one line
        raise InputError("the expression is nested too deeply", path=where) from None
