"""Offers along one input, for problems with conditional tranches: solves at changed inputs and
the exact upper envelope of the packages (offer and tranches) over an input.

An *input* is a function ``theta -> ProblemSpec`` (the problem with one number changed);
every solve recompiles the problem at ``theta``, so it is exact under ``[[shifts]]`` too. With the offer and its tranches (and responses) fixed, the expected value
is a line in an objective input (a value, a baseline, a base probability with the others
rescaled in proportion): the optimum over the offers and their tranches is then the upper
envelope of lines, convex and piecewise linear, and so is the value of one fixed offer (its
tranches re-optimised), and that of the best other offer (``optimizer.offer``: the offer fixed,
or excluded by a no-good cut on the first-stage columns). Each envelope is found exactly by
line intersection (Eisner & Severance): a solve where two lines cross either confirms the
crossing or finds a line above it. A package's line comes from the independent check
(``solution.evaluate``) at two inputs, never from the solver.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from itertools import pairwise

from ..errors import InfeasibleError, InputError

PROBING = 1 << 15  # HiGHS' presolve_rule_off bit of its probing rule
UNPROVEN = (
    "some re-solves stopped at the time limit before proving optimality; "
    "the figures they enter are only as good as the package found"
)
EPS = 1e-7  # relative: two values closer than this (times max(1, |value|)) are a tie


def tie(a: float, b: float) -> float:
    return EPS * max(1.0, abs(a), abs(b))


class Input:
    """One number of the problem as a function of ``theta``: ``spec_at(theta)``, with the range
    its tipping points are searched over (``search``) and its tornado ends (``swing``).

    ``ranges``: a function giving ``(search, swing)``, called on first use of either (a
    probability's or a shift's range is a search of its own: ``valid_end``); such an input
    has both (``ranged``)."""

    def __init__(
        self, name, kind, target, unit, base, spec_at, search=None, swing=None, ranges=None
    ):
        self.name, self.kind, self.target, self.unit = name, kind, target, unit
        self.base, self._search, self._swing, self._ranges = base, search, swing, ranges
        self._build, self._specs = spec_at, {}
        self.envelopes: list[tuple] = []  # (lo, hi, F, G) of its tipping point's searches
        self.proven = True  # False: the envelopes rest on a re-solve stopped unproven

    @property
    def ranged(self) -> bool:
        """Whether the ranges are still to be found (then the input has both)."""
        return self._ranges is not None

    def _settle(self) -> None:
        if self._ranges is not None:
            self._search, self._swing = self._ranges()
            self._ranges = None

    @property
    def search(self):
        self._settle()
        return self._search

    @property
    def swing(self):
        self._settle()
        return self._swing

    def spec_at(self, theta: float):
        """The problem at ``theta``, built (and validated) once per ``theta``: an envelope asks
        for it at every solve and again for every line through it."""
        sp = self._specs.get(theta)
        if sp is None:
            sp = self._specs[theta] = self._build(theta)  # an InputError is not kept
        return sp


@dataclass(frozen=True)
class Found:
    """A verified solution and its offer (the chosen first-stage columns)."""

    sol: object
    key: tuple[int, ...]


class OfferSolver:
    """Solves ``spec`` at changed inputs: the best package, the best with an offer fixed, and
    the best of the other offers. Counts its solves."""

    def __init__(
        self, spec, solver: str = "highs", options=None, *, probing: bool = True, base=True
    ) -> None:
        """``base=False``: no solve of the problem as given (``base`` and ``key0`` are
        ``None``), for a worker that only solves at other inputs (``frontier_tranche_sweep``)."""
        import solvers

        self.spec = spec
        self.probing = probing  # False: HiGHS' presolve without probing (``_run``)
        self.backend = solvers.get(solver)
        self.opts = options or solvers.SolveOptions()
        self.solves = 0
        self.warnings: list[str] = []  # a re-solve stopped at a limit: ``UNPROVEN``, once
        # re-solves stopped unproven, and reads of kept results resting on one (``proven``)
        self.doubts = 0
        self.base_proven = True
        self.unproven_walks: set[str] = set()  # resources whose ``walks`` rest on one
        # resource -> (the optimum's, the base offer's) segments of a capacity walk
        # (``capacity_walk.capacity_tipping``), bottom up
        self.walks: dict[str, tuple[list, list]] = {}
        self._same = _numbers(spec)
        self._at_base: dict[tuple, Found | None] = {}
        self._models: dict[int, tuple] = {}  # id -> (spec, its compiled model)
        self.base = self.key0 = None
        if not base:
            return
        base = self.at(spec)
        if base is None:
            raise InfeasibleError(f"{spec.name}: infeasible", None)
        self.base = base
        self.key0 = base.key
        self.base_proven = self.doubts == 0

    def at(self, sp, mode: str = "best", key=None) -> Found | None:
        """The verified solution of the problem ``sp`` (``spec`` at other inputs): ``best`` over all offers, ``fixed``
        (the offer ``key`` with its tranches re-optimised) or ``other`` (the best offer other
        than ``key``); ``None`` where there is none."""
        from ..offer import exclude_offers, fix_offer

        base = sp is self.spec or _numbers(sp) == self._same
        if base and (mode, key) in self._at_base:  # the problem as given: one solve per mode
            found = self._at_base[mode, key]
            if found is not None and found.sol.status != "optimal":
                self.doubts += 1
            return found
        model = self.compiled(sp)
        if mode == "fixed":
            model = fix_offer(model, key)
        elif mode == "other":
            model = exclude_offers(model, [key])
        found = self.solve_model(sp, model)
        if base:
            self._at_base[mode, key] = found
        return found

    def compiled(self, sp):
        """``sp`` compiled, kept for the next solves at the same input ("fixed" and "other"
        solve at the same ends)."""
        from ..compile import compile_spec

        got = self._models.get(id(sp))
        if got is None or got[0] is not sp:
            got = self._models[id(sp)] = (sp, compile_spec(sp))
            if len(self._models) > 32:
                del self._models[next(iter(self._models))]
        return got[1]

    def solve_model(self, sp, model) -> Found | None:
        """Solve a compiled ``model`` of ``sp`` (perhaps with columns fixed or rows added)."""
        from .. import engine
        from ..offer import offer_key

        self.solves += 1
        res = self._run(model)
        try:
            sol = engine.finish(sp, model, res)
        except InfeasibleError:
            return None
        if sol.status != "optimal":
            self.doubts += 1
        if sol.status != "optimal" and UNPROVEN not in self.warnings:
            self.warnings.append(UNPROVEN)
        return Found(sol, offer_key(model, res.x))

    def _run(self, model):
        """The back end's answer. Without ``probing``, HiGHS runs its presolve without the
        probing rule: on the flagship each best or best-other solve is presolve and a root
        node, and probing is about half of it (138 -> 78 ms a solve, measured under load 4;
        the same packages on the bundled problems with tranches). Still proven to the gap."""
        if self.probing or self.backend.name != "highs":
            return self.backend.solve(model, self.opts)
        from solvers.highs import load_highs, run_loaded, set_start

        h = load_highs(model, self.opts)
        h.setOptionValue("presolve_rule_off", PROBING)
        set_start(h, model)
        return run_loaded(h, model, self.opts, self.backend.name)

    def names(self, found: Found | None) -> tuple[str, ...]:
        return () if found is None else tuple(map(str, found.sol.chosen))

    def change(self, found: Found | None):
        """How ``found``'s offer differs from the base offer (``None``: the same, or none)."""
        from solvers.resolve import Change

        if found is None or found.key == self.key0:
            return None
        a, b = self.names(self.base), self.names(found)
        return Change(tuple(x for x in b if x not in a), tuple(x for x in a if x not in b))


def _numbers(sp) -> tuple:
    """What a solve of ``sp`` depends on: every field but its file's hash and its uncertain
    inputs (Monte Carlo's; a problem rebuilt with a number set drops the one it set)."""
    return tuple(getattr(sp, f.name) for f in fields(sp) if f.name not in ("sha256", "uncertain"))


def value_at(sp, sol) -> float:
    """The expected value of ``sol``'s offer, tranches and responses in the problem ``sp``,
    recomputed from the spec (NaN where it breaks a limit there).

    Kept per problem object and package: the envelopes value the same package at the same
    input many times over (each solve that finds it again, each line through it)."""
    from ..solution import evaluate

    key = (id(sp), _package(sol))
    got = _VALUES.get(key)
    if got is not None and got[0] is sp:
        return got[1]
    ev = evaluate(sp, sol.chosen, sol.responses, sol.tranches)
    v = float(ev.expected) if ev.feasible else math.nan
    if len(_VALUES) >= _VALUES_MAX:
        _VALUES.clear()
    _VALUES[key] = (sp, v)  # the problem kept with its value: its id is not reused meanwhile
    return v


_VALUES: dict[tuple, tuple] = {}
_VALUES_MAX = 1024


def _package(sol) -> tuple:
    """What ``evaluate`` reads of a solution: its choices, responses and tranches."""
    responses = tuple(sorted((str(k), repr(v)) for k, v in sol.responses.items()))
    tranches = tuple(sorted((str(k), tuple(v)) for k, v in sol.tranches.items()))
    return tuple(sol.chosen), responses, tranches


class Line:
    """A fixed package's value as a line in ``theta``: ``a + b * theta`` (times ``sigma``:
    -1 for a minimisation, so that better is always higher)."""

    def __init__(self, inp: Callable, found, t0: float, t1: float, sigma: float = 1.0) -> None:
        v0 = sigma * value_at(inp(t0), found.sol)
        v1 = v0 if t1 == t0 else sigma * value_at(inp(t1), found.sol)
        self.found = found
        self.b = 0.0 if t1 == t0 else (v1 - v0) / (t1 - t0)
        self.a = v0 - self.b * t0

    def __call__(self, t: float) -> float:
        return self.a + self.b * t


def envelope(
    inp, lo: float, hi: float, solve: Callable, sigma: float = 1.0, below=None, start=None
) -> list:
    """The upper envelope over ``[lo, hi]`` of the packages ``solve(values)`` can return (of
    ``sigma`` times their values: the best), as pieces ``(start, end, line)``; ``[]`` when
    there is none. Exact for an objective input.

    ``below``: another envelope's pieces (the base offer's, ``F``) when only where this one
    rises above it matters (the best other offer's, ``G``). The envelope is convex, so between
    two solves it lies under their chord; where that chord stays under ``below``'s lines
    (each a package's value: ``F`` is at least that) by a margin, no solve can find a line above
    ``F`` there, and the interval is left unrefined: its pieces are lines under the envelope,
    and under ``F``. Elsewhere the envelope is refined exactly as without ``below``.

    ``start`` (``lo`` or ``hi``, with ``below``): the intervals nearer ``start`` are refined
    first, and once the pieces from ``start`` show this envelope rising above ``below``
    (``first_crossing``), the rest is left unsolved, as one piece whose line is ``None``. The
    pieces up to that crossing are the same as the whole envelope's, so is the crossing."""
    if hi <= lo:
        found = solve(inp(lo))
        return [] if found is None else [(lo, hi, Line(inp, found, lo, lo, sigma))]

    def line(found) -> Line:
        return Line(inp, found, lo, hi, sigma)

    sl, sr = solve(inp(lo)), solve(inp(hi))
    if sl is None or sr is None:
        return []
    forward = start != hi
    done: list = []  # the pieces found, in the order of the search from ``start``

    def keep(pieces: list) -> list:
        if start is not None and below:
            done.extend(pieces if forward else pieces[::-1])
            reach = done[-1][1] if forward else done[-1][0]
            if first_crossing(below, sorted(done, key=lambda p: p[0]), start, reach):
                done.append(None)  # crossed: nothing farther is needed
        return pieces

    def rec(a: float, b: float, la: Line, lb: Line, depth: int) -> list:
        if done and done[-1] is None:
            return [(a, b, None)]
        if la(b) >= lb(b) - tie(la(b), lb(b)):
            return keep([(a, b, la)])
        if lb(a) >= la(a) - tie(la(a), lb(a)):
            return keep([(a, b, lb)])
        t = (lb.a - la.a) / (la.b - lb.b)  # la is above at a, lb at b: their slopes differ
        if below and _under(below, a, la(a), b, lb(b)):
            return keep([(a, t, la), (t, b, lb)])
        st = solve(inp(t))
        lt = line(st)
        if depth > 60 or lt(t) <= la(t) + tie(lt(t), la(t)):
            return keep([(a, t, la), (t, b, lb)])
        if forward:
            left = rec(a, t, la, lt, depth + 1)
            return left + rec(t, b, lt, lb, depth + 1)
        right = rec(t, b, lt, lb, depth + 1)
        return rec(a, t, la, lt, depth + 1) + right

    return rec(lo, hi, line(sl), line(sr), 0)


MARGIN = 100 * EPS  # relative: wider than the solvers' gap (1e-6), which a chord's ends carry


def _under(pieces: list, a: float, ga: float, b: float, gb: float) -> bool:
    """Whether the chord from ``(a, ga)`` to ``(b, gb)`` is under ``pieces``' lines by more
    than ``MARGIN`` over ``[a, b]`` (checked at the ends and at the pieces' breakpoints:
    the chord minus a convex piecewise-linear function is largest at one of them)."""
    cuts = {a, b, *(p[0] for p in pieces), *(p[1] for p in pieces)}
    for s in (c for c in cuts if a <= c <= b):
        ln = piece_at(pieces, s)
        if ln is None:
            return False
        g = ga + (gb - ga) * (s - a) / (b - a)
        f = ln(s)
        if not g < f - MARGIN * max(1.0, abs(f), abs(g)):
            return False
    return True


def piece_at(pieces: list, t: float) -> Line | None:
    for a, b, ln in pieces:
        if a <= t <= b:
            return ln
    return None


def first_crossing(F: list, G: list, start: float, end: float) -> tuple[float, Line] | None:
    """The first ``theta`` from ``start`` towards ``end`` past which the envelope ``G`` rises
    above ``F`` (both continuous, piecewise linear), and ``G``'s line just past it."""
    if not G or not F:
        return None
    cuts = sorted({start, end, *(p[0] for p in F + G), *(p[1] for p in F + G)})
    lo_, hi_ = min(start, end), max(start, end)
    cuts = [c for c in cuts if lo_ <= c <= hi_]
    if end < start:
        cuts = cuts[::-1]
    for u, v in pairwise(cuts):
        mid = (u + v) / 2
        f, g = piece_at(F, mid), piece_at(G, mid)
        if f is None or g is None:
            continue
        du, dv = g(u) - f(u), g(v) - f(v)
        if dv > tie(g(v), f(v)):
            t = u if du >= 0 else u + (v - u) * (-du) / (dv - du)
            return t, g
    return None


def valid_end(inp, base: float, end: float, steps: int = 20) -> float:
    """The far end of ``[base, end]`` up to which the problem stays valid (a probability
    searched where no offer moves one out of [0, 1]): ``end`` itself, or found by bisection
    to within ``2**-steps`` of the interval (about 1e-6 of it), on the valid side: the range
    searched is never wider than the valid one. Each step rebuilds and validates the problem,
    with the exact search over the packages the relations allow (``spec.shift_bounds``)."""

    def ok(t: float) -> bool:
        try:
            inp(t)
        except InputError:
            return False
        return True

    if ok(end):
        return end
    good, bad = base, end
    for _ in range(steps):
        mid = (good + bad) / 2
        good, bad = (mid, bad) if ok(mid) else (good, mid)
    return good
