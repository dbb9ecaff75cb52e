"""Numerical care: how widely a ``MatrixModel``'s numbers range, and a warning when too widely.

Solvers work in double precision with absolute tolerances of about 1e-6 (feasibility,
integrality) to 1e-9; the independent check (``optimizer.solution``) accepts a violation of
1e-6 x max(1, |capacity|). When the nonzero magnitudes within one part of a model -- the
constraint matrix, the objective, the right-hand sides and bounds -- span more than
``MAX_ORDERS`` orders of magnitude (a ratio above 1e9), those tolerances stop meaning the same
thing across the model: a 1e-6 slack is noise next to a coefficient of 1e5 and decisive next to
one of 1e-5. The answer is still verified, but it may be fragile; the warning says which part,
the extremes and where they are, and suggests rescaling units (M$ rather than $).

Numbers no solver here handles are refused before any solve (``check_magnitudes``, exit 2):
a coefficient of the constraints or the objective of magnitude ``LARGEST`` (1e15) or more.
That is HiGHS' ``large_matrix_value``, at which it rejects a model; it is also about where
doubles stop holding whole numbers (2**53 = 9.0e15), and CBC, which takes larger ones, was
seen to call a feasible model with a 1e25 coefficient infeasible. Bounds and right-hand sides
may be larger where they loosen a row (a capacity of 1e16): at ``NO_BOUND`` (1e20, HiGHS'
``infinite_bound``) and beyond they mean no bound on every back end. A limit that demands
``LARGEST`` or more (a row's upper bound of -1e15 or below, its lower bound of 1e15 or above:
a capacity of -1e16) is refused as the coefficients are: HiGHS rejects one at 1e20 and beyond,
and below that its infeasibility diagnosis puts it into a matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .spec.magnitude import LARGEST  # a coefficient this large or larger is refused

NO_BOUND = 1e20  # a bound this large or larger in magnitude is no bound
MAX_ORDERS = 9  # warn when max |x| / min |x| over the nonzeros of a part exceeds 10**MAX_ORDERS


@dataclass(frozen=True)
class Range:
    """The smallest and largest nonzero magnitude in one part of a model, and where."""

    part: str
    smallest: float
    largest: float
    where_smallest: str = ""
    where_largest: str = ""

    @property
    def orders(self) -> float:
        """Orders of magnitude spanned: log10(largest / smallest)."""
        return math.log10(self.largest / self.smallest)

    def to_dict(self) -> dict:
        return {
            "part": self.part,
            "smallest": self.smallest,
            "largest": self.largest,
            "orders": round(self.orders, 3),
        }


def _range(part: str, values: np.ndarray, names) -> Range | None:
    mags = np.abs(np.asarray(values, dtype=float))
    ok = np.isfinite(mags) & (mags > 0)
    if not ok.any():
        return None
    idx = np.nonzero(ok)[0]
    lo = idx[int(np.argmin(mags[idx]))]
    hi = idx[int(np.argmax(mags[idx]))]
    return Range(part, float(mags[lo]), float(mags[hi]), names(int(lo)), names(int(hi)))


def ranges(model) -> list[Range]:
    """Nonzero magnitude ranges of the matrix, the objective and the bounds of ``model``."""
    A = model.A.tocsr()
    rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    out = [
        _range(
            "constraint coefficients",
            A.data,
            lambda k: f"{model.row_name(int(rows[k]))} x {model.col_name(int(A.indices[k]))}",
        ),
        _range("objective coefficients", model.c, model.col_name),
    ]
    m = model.m
    bounds = np.concatenate([model.row_lower, model.row_upper])

    def bound_name(k: int) -> str:
        side = "lower" if k < m else "upper"
        return f"{side} bound of {model.row_name(k % m)}"

    out.append(_range("right-hand sides", bounds, bound_name))
    n = model.n
    cols = np.concatenate([model.col_lower, model.col_upper])

    def col_bound_name(k: int) -> str:
        side = "lower" if k < n else "upper"
        return f"{side} bound of {model.col_name(k % n)}"

    out.append(_range("variable bounds", cols, col_bound_name))
    return [r for r in out if r is not None]


def scaling_warnings(model, max_orders: float = MAX_ORDERS) -> tuple[str, ...]:
    """One warning per part of ``model`` whose magnitudes span more than ``max_orders``."""
    out = []
    for r in ranges(model):
        if r.orders > max_orders:
            out.append(
                f"numerics: {r.part} span {r.smallest:.3g} ({r.where_smallest}) to "
                f"{r.largest:.3g} ({r.where_largest}), {r.orders:.1f} orders of magnitude "
                f"(more than {max_orders:g}): solver tolerances of about 1e-6 may blur the "
                "small ones; consider rescaling units (e.g. M$ instead of $)"
            )
    return tuple(out)


def check_magnitudes(model, where: str | None = None):
    """``model`` itself; ``InputError`` (exit 2) naming the first coefficient of ``model`` (constraints, the
    objective, one scenario's objective, or a criterion's score of a column) whose magnitude is
    ``LARGEST`` or more, or which is not finite; then the first row whose limit demands
    ``LARGEST`` or more."""
    from .errors import InputError

    A = model.A.tocsr()
    parts = [("constraint coefficient", A.data), ("objective coefficient", model.c)]
    C = getattr(model, "C", None)
    if C is not None and C.size:
        parts.append(("objective coefficient in a scenario", np.asarray(C).ravel()))
    crit = model.meta.get("criteria")
    if crit is not None and crit.K.shape[1] > 1:  # a score (a profile's sum) per criterion
        parts.append(("criterion score", crit.K[:, 1:].ravel()))
    for what, values in parts:
        mags = np.abs(np.asarray(values, dtype=float))
        bad = np.flatnonzero(~(mags < LARGEST))  # NaN too
        if not bad.size:
            continue
        k = int(bad[0])
        if what == "constraint coefficient":
            row = int(np.searchsorted(A.indptr, k, side="right") - 1)
            item = f"{model.row_name(row)} x {model.col_name(int(A.indices[k]))}"
        elif what == "objective coefficient":
            item = model.col_name(k)
        elif what == "criterion score":
            n_k = crit.K.shape[1] - 1
            item = f"{model.col_name(k // n_k)} on '{crit.ids[1 + k % n_k]}'"
        else:
            n_s = C.shape[1]
            item = f"{model.col_name(k // n_s)} in scenario '{model.scenario_ids[k % n_s]}'"
        shown = f"{values[k]:.6g}" if np.isfinite(values[k]) else f"{values[k]} (an overflow)"
        raise InputError(
            f"{what} {shown} ({item}) is beyond what the solvers handle: "
            f"magnitudes must stay below {LARGEST:.0e}; rescale its units (e.g. M$ instead "
            "of $)",
            where=where,
        )
    lo = np.asarray(model.row_lower, dtype=float)
    up = np.asarray(model.row_upper, dtype=float)
    bad = np.flatnonzero((lo >= LARGEST) | (up <= -LARGEST))
    if bad.size:
        k = int(bad[0])
        side, value = ("at least", lo[k]) if lo[k] >= LARGEST else ("at most", up[k])
        raise InputError(
            f"a limit of {value:.6g} ({model.row_name(k)}: {side}) is beyond what the solvers "
            f"handle: a limit that asks for {LARGEST:.0e} or more in magnitude cannot be met by "
            "coefficients below it in double precision; rescale its units (e.g. M$ instead of "
            "$)",
            where=where,
        )
    return model
