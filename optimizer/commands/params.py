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


def _remember_requires(ctx, param, value):
    """Keep the ``--require`` bounds for ``--objective``, each checked here so that a bad one
    is named as ``--require`` (joined to the objective, it would be read as ``--objective``)."""
    if value:
        from ..criteria_objective import parse_require
        from ..errors import InputError

        for r in value:
            try:
                parse_require(r, "--require")
            except InputError as e:
                raise click.UsageError(e.one_line(), ctx) from None
    ctx.meta["requires"] = tuple(value)


def _add_requires(ctx, param, value):
    reqs = ctx.meta.get("requires", ())
    return value + "".join(f";{r}" for r in reqs) if reqs else value


def objective_option(fn):
    """``--objective`` and ``--require`` (each bound joins the objective as ``;c>=v``)."""
    fn = click.option(
        "--objective",
        default="expected",
        show_default=True,
        callback=_add_requires,
        help="expected | maximin | cvar:ALPHA | mean-cvar:LAMBDA,ALPHA | regret | weighted"
        "[:C=W,...] | lexicographic:C1,C2,...",
    )(fn)
    return click.option(
        "--require",
        multiple=True,
        is_eager=True,
        expose_value=False,
        callback=_remember_requires,
        metavar="CRITERION>=V",
        help="Bound a criterion (an ε-constraint), e.g. --require jobs>=20; repeatable.",
    )(fn)


def draws_option(help: str):
    """``-n/--draws`` (into ``n``) and ``--seed``: the sampling options of the commands that draw."""

    def add(fn):
        fn = click.option(
            "--seed", type=click.IntRange(0), default=0, show_default=True, help="Random seed."
        )(fn)
        return click.option(
            "-n",
            "--draws",
            "n",
            type=click.IntRange(1, 10_000_000),
            default=1000,
            show_default=True,
            help=help,
        )(fn)

    return add
