"""Reading and writing the numbers of a ``ProblemSpec`` by location (``value_at``,
``with_values``): how a Monte Carlo draw becomes a problem."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputError

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
    changes["uncertain"] = tuple(u for u in spec.uncertain if not done.issuperset(u.targets))
    return spec.replace(**changes)
