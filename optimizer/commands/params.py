"""Click parameter types shared by the commands: numbers that must be finite.

``click.FloatRange`` lets ``nan`` through (every comparison with it is false) and ``inf``
through an open-ended range; ``FiniteFloatRange`` refuses both with a usage error (exit 2).
"""

from __future__ import annotations

import math

import click


class FiniteFloatRange(click.FloatRange):
    """A ``click.FloatRange`` that refuses ``nan``, ``inf`` and ``-inf``."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) or (isinstance(value, float) and not math.isfinite(value)):
            try:
                x = float(value)
            except ValueError:
                x = 0.0  # not a number at all: the range type says so
            if not math.isfinite(x):
                self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(value, param, ctx)

    def __repr__(self) -> str:
        return "Finite" + super().__repr__()
