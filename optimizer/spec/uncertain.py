"""Uncertain inputs: a number of the problem format given as a distribution.

Any number the format accepts as an input (a value, a use, a capacity, a probability, a
response's value or bounds, a parameter) may instead be a table::

    value = { dist = "triangular", low = 2, mode = 5, high = 9 }
    use = { fiscal = { dist = "lognormal", median = 10.4, low = 7.3, high = 26, group = "dome" } }
    probability = { dist = "uniform", low = 0.03, high = 0.20 }

and the scenario probabilities as a whole may vary around the stated ones::

    [uncertainty]
    probabilities = { dist = "dirichlet", concentration = 50 }

``solve`` and every other analysis use the *point value* of each distribution; Monte Carlo
samples them. The point value is the mode (triangular, pert), the mean (uniform, normal: the
``mean`` parameter, also when truncated) or the median (lognormal), unless ``point = x`` is
given (it must lie in the distribution's range).

Lognormal: ``median``, and ``low``/``high`` as the 5th and 95th percentiles. The median is kept
exactly; sigma is fitted to the *wider* side of the interval in log space,
``sigma = max(ln(high/median), ln(median/low)) / 1.6449``, so an asymmetric interval is
matched exactly on its wider side and comes out wider than stated on the other (never
narrower than stated). ``implied_interval`` gives the resulting P5 and P95.

Correlation: one distribution sets every spec number it stands for (a value given as one
number for all scenarios sets every scenario's entry; a capacity given as one number sets
every year) to the same draw. Distributions that share a ``group`` name use the same random
quantile in each draw (comonotonic: perfectly rank-correlated), e.g. one cost-overrun factor
over the years of a profile. Everything else is independent.

Each uncertain input is recorded on the spec (``ProblemSpec.uncertain``) as an ``Uncertain``:
the document path where it is written and the *spec locations* it sets, such as
``commitments[2].options[1].value.bad`` or ``resources[0].capacity[3]`` (period index).
``with_values(spec, {location: number})`` gives the spec with those numbers replaced.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError, did_you_mean

Z95 = 1.6448536269514722  # standard normal 95th percentile
KINDS = ("triangular", "pert", "uniform", "normal", "lognormal", "dirichlet")
_PARAMS = {
    "triangular": (("low", "mode", "high"), ()),
    "pert": (("low", "mode", "high"), ()),
    "uniform": (("low", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("median", "low", "high"), ()),
    "dirichlet": (("concentration",), ()),
}
COMMON_KEYS = ("dist", "point", "group", "description", "source")
_ALL_PARAMS = ("low", "mode", "high", "mean", "sd", "median", "concentration")


def is_distribution(value: Any) -> bool:
    """Whether a document value is a distribution table (a table whose ``dist`` is text)."""
    return isinstance(value, Mapping) and isinstance(value.get("dist"), str)


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Distribution:
    """One distribution; checked when made (``InputError`` located at ``path``)."""

    kind: str
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    concentration: float | None = None
    point_override: float | None = None
    group: str = ""
    path: str = dataclasses.field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        self._check()

    # ---- checks ------------------------------------------------------------------------
    def _fail(self, message: str, where: str = "") -> InputError:
        path = self.path if not where else (f"{self.path}.{where}" if self.path else where)
        return InputError(message, path=path or None)

    def _check(self) -> None:
        if self.kind not in KINDS:
            raise self._fail(
                f"unknown distribution '{self.kind}'{did_you_mean(self.kind, KINDS)}", "dist"
            )
        required, optional = _PARAMS[self.kind]
        for name in _ALL_PARAMS:
            v = getattr(self, name)
            if v is None:
                if name in required:
                    raise self._fail(f"{self.kind} needs '{name}'")
                continue
            if name not in required and name not in optional:
                raise self._fail(f"'{name}' does not go with {self.kind}", name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise self._fail(f"expected a finite number, got {v!r}", name)
        k = self.kind
        if k in ("triangular", "pert"):
            lo, mo, hi = self._f("low"), self._f("mode"), self._f("high")
            if not lo <= mo <= hi:
                raise self._fail(
                    f"{k} needs low <= mode <= high, got low={_fmt(lo)}, mode={_fmt(mo)}, "
                    f"high={_fmt(hi)}"
                )
        elif k == "uniform":
            lo, hi = self._f("low"), self._f("high")
            if not lo <= hi:
                raise self._fail(f"uniform needs low <= high, got low={_fmt(lo)}, high={_fmt(hi)}")
        elif k == "normal":
            mean, sd = self._f("mean"), self._f("sd")
            if sd < 0:
                raise self._fail(f"normal needs sd >= 0, got sd={_fmt(sd)}", "sd")
            a, b = self._limits()
            if not a <= mean <= b or (a == b and sd > 0):
                raise self._fail(
                    "normal needs low <= mean <= high (and low < high when sd > 0), got "
                    f"low={_fmt(a)}, mean={_fmt(mean)}, high={_fmt(b)}"
                )
        elif k == "lognormal":
            lo, med, hi = self._f("low"), self._f("median"), self._f("high")
            if not 0 < lo <= med <= hi:
                hint = "; for a number that can be 0 or less use normal or triangular"
                raise self._fail(
                    f"lognormal needs 0 < low <= median <= high, got low={_fmt(lo)}, "
                    f"median={_fmt(med)}, high={_fmt(hi)}" + (hint if lo <= 0 else "")
                )
        elif not self._f("concentration") > 0:
            raise self._fail(
                f"dirichlet needs concentration > 0, got {_fmt(self._f('concentration'))}",
                "concentration",
            )
        p = self.point_override
        if p is not None:
            if isinstance(p, bool) or not isinstance(p, int | float) or not math.isfinite(p):
                raise self._fail(f"expected a finite number, got {p!r}", "point")
            if k == "dirichlet":
                raise self._fail("'point' does not go with dirichlet", "point")
            a, b = self.support
            if not a <= p <= b:
                raise self._fail(
                    f"point {_fmt(p)} is outside the range of the {k} distribution "
                    f"[{_fmt(a)}, {_fmt(b)}]",
                    "point",
                )

    def _f(self, name: str) -> float:
        return float(getattr(self, name))

    def _limits(self) -> tuple[float, float]:
        """Normal: the truncation limits (infinite when not given)."""
        return (
            -math.inf if self.low is None else float(self.low),
            math.inf if self.high is None else float(self.high),
        )

    # ---- properties --------------------------------------------------------------------
    @property
    def support(self) -> tuple[float, float]:
        """The range of the draws."""
        k = self.kind
        if k in ("triangular", "pert", "uniform"):
            return (self._f("low"), self._f("high"))
        if k == "normal":
            mean = self._f("mean")
            return (mean, mean) if self.sd == 0 else self._limits()
        if k == "lognormal":
            med = self._f("median")
            return (med, med) if self.sigma == 0 else (0.0, math.inf)
        return (0.0, 1.0)

    @property
    def sigma(self) -> float:
        """Lognormal: sigma of ln(X), fitted to the wider side of the 90% interval."""
        if self.kind != "lognormal":
            raise AttributeError("sigma is defined for lognormal only")
        m = self._f("median")
        return max(math.log(self._f("high") / m), math.log(m / self._f("low"))) / Z95

    def implied_interval(self) -> tuple[float, float]:
        """Lognormal: the 5th and 95th percentiles of the fitted distribution."""
        s, m = self.sigma, self._f("median")
        return (m * math.exp(-Z95 * s), m * math.exp(Z95 * s))

    @property
    def natural_point(self) -> float:
        """Mode (triangular, pert), mean (uniform, normal) or median (lognormal)."""
        k = self.kind
        if k in ("triangular", "pert"):
            return self._f("mode")
        if k == "uniform":
            return (self._f("low") + self._f("high")) / 2.0
        if k == "normal":
            return self._f("mean")
        if k == "lognormal":
            return self._f("median")
        raise self._fail(
            "dirichlet goes only in uncertainty.probabilities (all probabilities at once)", "dist"
        )

    @property
    def point(self) -> float:
        """The number ``solve`` uses: ``point`` if given, else mode / mean / median."""
        if self.point_override is not None:
            return float(self.point_override)
        return self.natural_point

    def expected(self) -> float:
        """The distribution's mean (for checks and reports)."""
        k = self.kind
        if k in ("triangular", "pert", "uniform"):
            lo, hi = self._f("low"), self._f("high")
            if k == "uniform":
                return (lo + hi) / 2.0
            mo = self._f("mode")
            return (lo + mo + hi) / 3.0 if k == "triangular" else (lo + 4.0 * mo + hi) / 6.0
        if k == "lognormal":
            return self._f("median") * math.exp(self.sigma**2 / 2.0)
        if k == "normal":
            mean, sd = self._f("mean"), self._f("sd")
            if sd == 0 or (self.low is None and self.high is None):
                return mean
            from scipy.special import ndtr

            a, b = ((x - mean) / sd for x in self._limits())
            return mean + sd * (_pdf(a) - _pdf(b)) / float(ndtr(b) - ndtr(a))
        raise AttributeError("a dirichlet has no single mean")

    # ---- sampling ----------------------------------------------------------------------
    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF at ``u`` in (0, 1): how every draw is made (so a ``group`` can
        share one quantile across distributions)."""
        u = np.asarray(u, dtype=float)
        k = self.kind
        lo, hi = self.support
        if lo == hi:
            return np.full(u.shape, lo)
        if k == "uniform":
            return lo + u * (hi - lo)
        if k == "triangular":
            c = self._f("mode")
            left = lo + np.sqrt(u * (hi - lo) * (c - lo))
            right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - c))
            return np.where(u < (c - lo) / (hi - lo), left, right)
        if k == "pert":
            from scipy.special import betaincinv

            c = self._f("mode")
            alpha = 1.0 + 4.0 * (c - lo) / (hi - lo)
            beta = 1.0 + 4.0 * (hi - c) / (hi - lo)
            return lo + (hi - lo) * betaincinv(alpha, beta, u)
        if k == "normal":
            from scipy.special import ndtr, ndtri

            mean, sd = self._f("mean"), self._f("sd")
            fa, fb = ndtr((lo - mean) / sd), ndtr((hi - mean) / sd)
            return np.clip(mean + sd * ndtri(fa + u * (fb - fa)), lo, hi)
        if k == "lognormal":
            from scipy.special import ndtri

            return self._f("median") * np.exp(self.sigma * ndtri(u))
        raise AttributeError("a dirichlet is sampled as a vector (see sample_inputs)")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"dist": self.kind}
        for name in _ALL_PARAMS:
            v = getattr(self, name)
            if v is not None:
                d[name] = v
        if self.point_override is not None:
            d["point"] = self.point_override
        if self.group:
            d["group"] = self.group
        return d

    def describe(self) -> str:
        """One line, e.g. ``triangular(2, 5, 9)`` or ``lognormal(median 1, P5 0.4, P95 2.5)``."""
        k = self.kind
        g = {n: _fmt(float(v)) for n in _ALL_PARAMS if (v := getattr(self, n)) is not None}
        if k in ("triangular", "pert"):
            s = f"{k}({g['low']}, {g['mode']}, {g['high']})"
        elif k == "uniform":
            s = f"uniform({g['low']}, {g['high']})"
        elif k == "normal":
            s = f"normal(mean {g['mean']}, sd {g['sd']}"
            if self.low is not None or self.high is not None:
                s += f", within [{g.get('low', '-inf')}, {g.get('high', 'inf')}]"
            s += ")"
        elif k == "lognormal":
            p5, p95 = self.implied_interval()
            s = (
                f"lognormal(median {g['median']}, P5 {p5:.4g}, P95 {p95:.4g}; "
                f"stated {g['low']}-{g['high']})"
            )
        else:
            s = f"dirichlet(concentration {g['concentration']})"
        if self.point_override is not None:
            s += f", point {_fmt(self.point_override)}"
        return s


def _pdf(t: float) -> float:
    return math.exp(-t * t / 2.0) / math.sqrt(2.0 * math.pi) if math.isfinite(t) else 0.0


_FLOAT_MAX = 1.7976931348623157e308  # abs(x) <= this: finite, and an int that fits a float


def parse_distribution(table: Mapping, path: str) -> Distribution:
    """A distribution table from a document; errors are located at ``path``."""
    kind = table.get("dist")
    if not isinstance(kind, str):
        raise InputError(f"expected a distribution name, got {kind!r}", path=f"{path}.dist")
    if kind not in KINDS:
        raise InputError(
            f"unknown distribution '{kind}'{did_you_mean(kind, KINDS)}", path=f"{path}.dist"
        )
    required, optional = _PARAMS[kind]
    allowed = (*COMMON_KEYS, *required, *optional)
    for key in table:
        if key not in allowed:
            raise InputError(
                f"unknown key '{key}' for {kind}{did_you_mean(str(key), allowed)}",
                path=f"{path}.{key}",
            )
    params: dict[str, Any] = {}
    for key in (*required, *optional):
        if key in table:
            v = table[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or not abs(v) <= _FLOAT_MAX:
                raise InputError(f"expected a finite number, got {v!r:.40}", path=f"{path}.{key}")
            params[key] = float(v)
    group = table.get("group", "")
    if not isinstance(group, str):
        raise InputError(f"expected text, got {group!r}", path=f"{path}.group")
    for key in ("description", "source"):
        if key in table and not isinstance(table[key], str):
            raise InputError(f"expected text, got {table[key]!r}", path=f"{path}.{key}")
    point = table.get("point")
    if point is not None and (
        isinstance(point, bool)
        or not isinstance(point, int | float)
        or not abs(point) <= _FLOAT_MAX
    ):
        raise InputError(f"expected a finite number, got {point!r:.40}", path=f"{path}.point")
    return Distribution(
        kind,
        point_override=None if point is None else float(point),
        group=group,
        path=path,
        **params,
    )


# ---- uncertain inputs and where they land in the spec ------------------------------------


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


# ---- reading and writing spec locations --------------------------------------------------

_LOC = re.compile(
    r"^(?:scenarios\[(?P<s>\d+)\]\.probability"
    r"|scenarios\[(?P<sb>\d+)\]\.baseline|shifts\[(?P<h>\d+)\]\.(?P<hf>amount|share)"
    r"|resources\[(?P<r>\d+)\]\.capacity\[(?P<t>\d+)\]"
    r"|commitments\[(?P<c>\d+)\]\.options\[(?P<o>\d+)\]\.(?P<field>use|value|scores)\.(?P<key>[^.\[\]]+)"
    r"(?:\[(?P<k>\d+)\])?"
    r"|responses\[(?P<q>\d+)\]\.(?:value\.(?P<qs>[^.\[\]]+)|(?P<bound>lower|upper))"
    r"|parameters\[(?P<a>\d+)\]\.value\.(?P<as>[^.\[\]]+))$"
)


def _parse_location(loc: str) -> re.Match:
    m = _LOC.match(loc)
    if not m:
        raise InputError(f"not a spec location: {loc!r}", path=loc)
    return m


def _missing(loc: str, what: str) -> InputError:
    return InputError(f"{what} does not exist in this problem", path=loc)


def value_at(spec, loc: str) -> float:
    """The number the spec holds at location ``loc``."""
    m = _parse_location(loc)
    try:
        if m["s"] is not None:
            return float(spec.scenarios[int(m["s"])].probability)
        if m["sb"] is not None:
            return float(spec.scenarios[int(m["sb"])].baseline)
        if m["h"] is not None:
            sh = spec.shifts[int(m["h"])]
            return float(sh.share if m["hf"] == "share" else sh.amount)
        if m["r"] is not None:
            return float(spec.resources[int(m["r"])].capacity[int(m["t"])])
        if m["c"] is not None:
            o = spec.commitments[int(m["c"])].options[int(m["o"])]
            amount = getattr(o, m["field"])[m["key"]]
            if m["k"] is None:
                if isinstance(amount, tuple):
                    raise _missing(loc, "a single number (the entry is a profile)")
                return float(amount)
            if not isinstance(amount, tuple):
                raise _missing(loc, "a profile entry (the entry is one number)")
            return float(amount[int(m["k"])])
        if m["q"] is not None:
            r = spec.responses[int(m["q"])]
            if m["bound"] is not None:
                return float(getattr(r, m["bound"]))
            return float(r.value[m["qs"]])
        return float(spec.parameters[int(m["a"])].value[m["as"]])
    except (IndexError, KeyError):
        raise _missing(loc, "this location") from None


def with_values(spec, values: Mapping[str, float]):
    """A validated copy of ``spec`` with the number at each location replaced.

    The uncertain inputs whose locations were all replaced are dropped from the copy (it is
    one realisation of them); the others are kept.
    """
    commitments = [list(c.options) for c in spec.commitments]
    opt_maps: dict[tuple[int, int, str], dict] = {}
    caps: dict[int, list[float]] = {}
    probs: dict[int, float] = {}
    resp: dict[int, dict[str, Any]] = {}
    params: dict[int, dict[str, float]] = {}
    odds: dict[tuple[str, int], float] = {}  # baseline ("sb"), shift amount/share
    for loc, v in values.items():
        value_at(spec, loc)  # exists, and is the right shape
        x = float(v)
        m = _parse_location(loc)
        if m["s"] is not None:
            probs[int(m["s"])] = x
        elif m["sb"] is not None:
            odds["sb", int(m["sb"])] = x
        elif m["h"] is not None:
            odds["hs" if m["hf"] == "share" else "h", int(m["h"])] = x
        elif m["r"] is not None:
            ri = int(m["r"])
            caps.setdefault(ri, list(spec.resources[ri].capacity))[int(m["t"])] = x
        elif m["c"] is not None:
            ci, oi, field = int(m["c"]), int(m["o"]), m["field"]
            mp = opt_maps.setdefault(
                (ci, oi, field), dict(getattr(spec.commitments[ci].options[oi], field))
            )
            if m["k"] is None:
                mp[m["key"]] = x
            else:
                prof = list(mp[m["key"]])
                prof[int(m["k"])] = x
                mp[m["key"]] = tuple(prof)
        elif m["q"] is not None:
            qi = int(m["q"])
            d = resp.setdefault(qi, {"value": dict(spec.responses[qi].value)})
            if m["bound"] is not None:
                d[m["bound"]] = x
            else:
                d["value"][m["qs"]] = x
        else:
            ai = int(m["a"])
            params.setdefault(ai, dict(spec.parameters[ai].value))[m["as"]] = x
    for (ci, oi, field), mp in opt_maps.items():
        commitments[ci][oi] = dataclasses.replace(commitments[ci][oi], **{field: mp})
    changes: dict[str, Any] = {}
    if opt_maps:
        changes["commitments"] = tuple(
            dataclasses.replace(c, options=tuple(opts)) if opts != list(c.options) else c
            for c, opts in zip(spec.commitments, commitments, strict=True)
        )
    if caps:
        changes["resources"] = tuple(
            dataclasses.replace(r, capacity=tuple(caps[i])) if i in caps else r
            for i, r in enumerate(spec.resources)
        )
    if probs or odds:
        changes["scenarios"] = tuple(
            dataclasses.replace(
                s,
                probability=probs.get(i, s.probability),
                baseline=odds.get(("sb", i), s.baseline),
            )
            for i, s in enumerate(spec.scenarios)
        )
    if any(k in ("h", "hs") for k, _ in odds):
        changes["shifts"] = tuple(
            dataclasses.replace(
                sh, amount=odds.get(("h", k), sh.amount), share=odds.get(("hs", k), sh.share)
            )
            for k, sh in enumerate(spec.shifts)
        )
    if resp:
        changes["responses"] = tuple(
            dataclasses.replace(r, **resp[i]) if i in resp else r
            for i, r in enumerate(spec.responses)
        )
    if params:
        changes["parameters"] = tuple(
            dataclasses.replace(q, value=params[i]) if i in params else q
            for i, q in enumerate(spec.parameters)
        )
    done = set(values)
    changes["uncertain"] = tuple(u for u in spec.uncertain if not all(t in done for t in u.targets))
    return spec.replace(**changes)


from .sampling import Draws, sample_inputs  # noqa: E402  (re-exported)

__all__ = [
    "KINDS",
    "Distribution",
    "Draws",
    "Uncertain",
    "attach",
    "is_distribution",
    "parse_distribution",
    "sample_inputs",
    "targets_of",
    "value_at",
    "with_values",
]
