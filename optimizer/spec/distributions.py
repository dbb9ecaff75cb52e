"""The distributions an uncertain input may follow (triangular, PERT, uniform, normal,
lognormal, Dirichlet): parsed from a document table, checked, with their point values."""

from __future__ import annotations

import dataclasses
import math
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
        if k in ("triangular", "pert", "uniform") and not math.isfinite(
            self._f("high") - self._f("low")
        ):  # the draws are low + u * (high - low): an overflow would draw inf
            raise self._fail(
                f"{k}: the range high - low overflows (low={_fmt(self._f('low'))}, "
                f"high={_fmt(self._f('high'))})"
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
