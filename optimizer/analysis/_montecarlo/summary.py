"""Mean and percentiles of a set of Monte Carlo values, and the JSON-safe number they print as
(shared by the result and the risk of a run)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.12g}") if x != 0 else 0.0


@dataclass(frozen=True)
class Summary:
    """Mean and percentiles of a set of values (linear interpolation between order statistics)."""

    n: int
    mean: float
    p5: float
    p50: float
    p95: float
    min: float
    max: float

    @classmethod
    def of(cls, values: np.ndarray) -> Summary:
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            return cls(0, *([math.nan] * 6))
        p5, p50, p95 = np.percentile(v, [5, 50, 95])
        return cls(
            int(v.size),
            float(v.mean()),
            float(p5),
            float(p50),
            float(p95),
            float(v.min()),
            float(v.max()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (self.n if k == "n" else _num(getattr(self, k)))
            for k in ("n", "mean", "p5", "p50", "p95", "min", "max")
        }
