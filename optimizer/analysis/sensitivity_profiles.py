"""Sensitivity to an option whose value is a yearly profile, with conditional tranches: the
whole profile times one multiplier ("× base").

An option's value in a scenario may be a profile (one amount a year: the defence path, NORAD,
Golden Dome, ...). The input here is a multiplier ``f`` of *all* the option's values, every
scenario and every year scaled together (``f = 1`` is the problem as written, ``0.8`` is every
amount at 80%); numbers the option gives in other scenarios are scaled with them.

For a fixed offer and fixed tranches (and responses) the expected value is linear in ``f``
(the probabilities a package induces do not depend on values), so the machinery of
``offer_envelope`` applies as it does to a value given as a number: the base offer's value
(its tranches re-optimised) and the best other offer's value are upper envelopes of lines in
``f``, found exactly by line intersection, and the tipping interval is the range of ``f``
over which the optimal offer stays the same. It is searched from ``f = 0`` (the option worth
nothing) up to a multiplier whose change in the option equals all the values at stake in the
problem; a reversed profile (``f < 0``) is not searched. The tornado gives the optimum and the
base offer's value at ``1 - range`` and ``1 + range``.

Without tranches the engine's own sensitivity already covers profiles (``sensitivity_params``:
a per-scenario multiplier of the profile in the tipping points, a multiplier of the option's
whole value in the tornado), so this module serves ``sensitivity_tranches`` only.
"""

from __future__ import annotations

from dataclasses import replace

from .offer_envelope import Input

LABEL = "value profile (all years)"  # the row label: the whole profile, every year, × base
NOTE_PROFILES = (
    "profiles: an option whose value is a yearly profile is varied as one multiplier of all its "
    "values ('× base': every scenario and every year scaled together); tipping points searched "
    "from 0 (worth nothing) upwards, exact (its value is a line in the multiplier for a fixed "
    "offer and tranches)"
)


def with_option_value(spec, cid: str, oid: str, fn):
    """``spec`` with option ``cid.oid``'s values (scenario -> number or profile) set to
    ``fn(values)``."""
    commitments = tuple(
        c
        if c.id != cid
        else replace(
            c,
            options=tuple(
                o if o.id != oid else replace(o, value=fn(dict(o.value))) for o in c.options
            ),
        )
        for c in spec.commitments
    )
    return spec.replace(commitments=commitments)


def has_profile(option) -> bool:
    """Whether any of the option's values is a yearly profile."""
    return any(isinstance(v, tuple) for v in option.value.values())


def _magnitude(option) -> float:
    return sum(
        sum(map(abs, v)) if isinstance(v, tuple) else abs(float(v)) for v in option.value.values()
    )


def scaled(values: dict, f: float) -> dict:
    """Every value (a number or a profile) times ``f``."""
    return {
        k: tuple(f * float(x) for x in v) if isinstance(v, tuple) else f * float(v)
        for k, v in values.items()
    }


def profile_inputs(spec, rel: float, width: float) -> list[Input]:
    """One multiplier input for each option with a yearly profile among its values and a
    scenario of positive probability; ``width``: the values at stake in the problem (the
    search reaches a change of the option's value that large)."""
    live = {s.id for s in spec.scenarios if float(s.probability) > 0}
    out: list[Input] = []
    for c in spec.commitments:
        for o in c.options:
            if not has_profile(o) or not live & set(o.value):
                continue
            mag = _magnitude(o)
            if mag <= 0:
                continue

            def at(f, c=c, o=o):
                return with_option_value(spec, c.id, o.id, lambda vals, f=f: scaled(vals, f))

            out.append(
                Input(
                    f"{c.id}.{o.id} {LABEL}",
                    "value",
                    f"{c.id}.{o.id}",
                    "x",
                    1.0,
                    at,
                    (0.0, 1.0 + max(1.0, width / mag)),
                    (1 - rel, 1 + rel),
                )
            )
    return out
