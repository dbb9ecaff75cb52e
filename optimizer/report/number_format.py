"""Numbers as the tables and the report's sentences show them: fixed point, with the decimals
chosen per value (``fmt``, ``prob``) or per column (``format_column``) so numbers line up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def decimals(x: float, digits: int = 4) -> int:
    """Decimals that show ``x`` in fixed point: ``digits - 2`` of them for ``|x| >= 0.1``
    (``75.99``, ``6,000.00``, ``0.80``), more below 0.1 to keep ``digits - 2`` significant
    digits (``0.080``, ``0.0012``)."""
    d = max(digits - 2, 0)
    a = abs(x)
    if 0 < a < 0.1 and math.isfinite(a):
        d += math.ceil(-math.log10(a)) - 1
    return min(d, 12)


def _fixed(x: float, d: int) -> str:
    s = f"{x:,.{d}f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # no "-0.00"
    return s


def fmt(x: Any, digits: int = 4) -> str:
    """One number for a table or a sentence, in fixed point (see ``decimals``): the same
    number of decimals for every magnitude from 0.1 up, so numbers line up in a column.
    ``None`` is ``-``, an exact 0 is ``0``, infinity ``no limit``; other values as text."""
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        if math.isinf(x):
            return "no limit" if x > 0 else "-inf"
        if x == 0:
            return "0"
        return _fixed(x, decimals(x, digits))
    return str(x)


def prob(p: Any) -> Any:
    """A probability, in a sentence or a table cell: three decimals (``0.845``, ``0.080``), so
    a probability reads the same wherever the report shows it. ``None`` as ``fmt`` shows it."""
    if p is None or not isinstance(p, (int, float)) or not math.isfinite(p):
        return fmt(p)
    return _fixed(float(p), 3)


def format_column(values: Sequence[Any], digits: int = 4) -> list[str]:
    """Format a column: every float with the same number of decimals, chosen so the column's
    numbers keep ``digits - 2`` significant digits (numbers below 1e-4 of the column's largest
    are shown with the column's decimals, e.g. ``0.00``). Other cells as ``fmt`` shows them."""
    nums = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v) and v != 0]
    if not nums:
        return [v if isinstance(v, str) else fmt(v, digits) for v in values]
    top = max(nums)
    d = max(decimals(v, digits) for v in nums if v >= top * 1e-4)
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, float) and math.isfinite(v) and v != 0:
            out.append(_fixed(v, d))
        else:
            out.append(fmt(v, digits))
    return out
