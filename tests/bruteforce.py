"""An independent reference for small problems: enumerate every package and evaluate it.

This module reads a problem *document* (the dict a TOML or JSON problem file gives) and
applies the format's semantics directly, as written in ``docs/problem-format.md``. It imports
nothing from the engine, so a bug in the parser, the compiler, a back end or the verifier
shows up as a disagreement with it.

It also holds the Hypothesis strategy that draws random small problems (at most
``MAX_COLUMNS`` binary columns in all) using every part of the format.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from hypothesis import strategies as st

MAX_COLUMNS = 12
FEAS_TOL = 1e-9
RELATION_TYPES = (
    "requires",
    "excludes",
    "both_or_neither",
    "at_most",
    "at_least",
    "exactly",
    "force",
    "forbid",
)


# ---- reading the document ------------------------------------------------------------------
@dataclass(frozen=True)
class Pick:
    """One commitment's choice: an option and a start year (``None`` in a single period)."""

    commitment: str
    option: str
    start: int | None


def _options(c: dict) -> list[dict]:
    """A commitment's options; one called ``yes`` when it gives use/value directly."""
    if "options" in c:
        return c["options"]
    keys = ("use", "value", "value_per_year", "start")
    return [{"id": "yes", **{k: c[k] for k in keys if k in c}}]


def horizon(doc: dict) -> list[int | None]:
    head = doc.get("problem", {})
    if "years" not in head:
        return [None]
    first, last = head["years"]
    return list(range(first, last + 1))


def choices(doc: dict) -> list[list[Pick | None]]:
    """For each commitment: ``None`` (not chosen) and every (option, start year)."""
    years = horizon(doc)
    out = []
    for c in doc["commitments"]:
        row: list[Pick | None] = [None]
        for o in _options(c):
            if years[0] is None:
                starts: list[int | None] = [None]
            elif "start" in o:
                starts = list(range(o["start"][0], o["start"][1] + 1))
            else:
                starts = [years[0]]
            row.extend(Pick(c["id"], o["id"], s) for s in starts)
        out.append(row)
    return out


def n_columns(doc: dict) -> int:
    return sum(len(row) - 1 for row in choices(doc))


def _amount_by_period(amount, start_index: int, n_periods: int, recurring: bool) -> list[float]:
    """What a use/value amount contributes in each period of the horizon."""
    out = [0.0] * n_periods
    if isinstance(amount, list):  # a profile by year since the start, 0 after it
        for k, v in enumerate(amount):
            if start_index + k < n_periods:
                out[start_index + k] += v
    elif recurring:  # every year from the start to the end of the horizon
        for t in range(start_index, n_periods):
            out[t] += amount
    else:  # once, in the start year
        out[start_index] += amount
    return out


def _has(package: dict[str, Pick], member: str) -> bool:
    c, _, o = member.partition(".")
    p = package.get(c)
    return p is not None and (not o or p.option == o)


def evaluate(doc: dict, package: dict[str, Pick]) -> tuple[bool, dict[str, float], float]:
    """(feasible, value by scenario, expected value) of ``package`` (commitment id -> Pick)."""
    head = doc.get("problem", {})
    years = horizon(doc)
    T = len(years)
    rate = head.get("discount_rate", 0.0)
    scenarios = doc.get("scenarios") or [{"id": "base", "probability": 1.0}]
    commitments = {c["id"]: c for c in doc["commitments"]}

    def option(p: Pick) -> dict:
        return next(o for o in _options(commitments[p.commitment]) if o["id"] == p.option)

    def index(p: Pick) -> int:
        return 0 if p.start is None else p.start - years[0]

    ok = all(c["id"] in package for c in doc["commitments"] if c.get("required"))

    for r in doc.get("resources", []):
        total = r.get("kind", "per_year") == "total"
        per = [0.0] * T
        for p in package.values():
            amt = option(p).get("use", {}).get(r["id"])
            if amt is not None:
                add = _amount_by_period(amt, index(p), T, recurring=not total)
                per = [a + b for a, b in zip(per, add, strict=True)]
        cap = r["capacity"]
        if total:
            ok = ok and sum(per) <= cap + FEAS_TOL
        elif isinstance(cap, dict):  # a year left out has no limit
            for key, limit in cap.items():
                ok = ok and per[int(key) - years[0]] <= limit + FEAS_TOL
        else:
            ok = ok and all(u <= cap + FEAS_TOL for u in per)

    for rel in doc.get("relations", []):
        t = rel["type"]
        if t == "requires":
            if _has(package, rel["a"]):
                if not _has(package, rel["b"]):
                    ok = False
                elif "lag" in rel:
                    a = package[rel["a"].partition(".")[0]]
                    b = package[rel["b"].partition(".")[0]]
                    ok = ok and index(b) <= index(a) - rel["lag"]
            continue
        k = sum(_has(package, m) for m in rel["members"])
        n = len(rel["members"])
        ok = (
            ok
            and {
                "excludes": k <= 1,
                "both_or_neither": k in (0, n),
                "at_most": k <= rel.get("count", 0),
                "at_least": k >= rel.get("count", 0),
                "exactly": k == rel.get("count", 0),
                "force": k == n,
                "forbid": k == 0,
            }[t]
        )

    disc = [(1.0 + rate) ** -t for t in range(T)]
    by_scenario = {}
    for s in scenarios:
        v = s.get("baseline", 0.0)  # the scenario's level whatever the package
        for p in package.values():
            o = option(p)
            raw = o.get("value", 0.0)
            amt = raw.get(s["id"], 0.0) if isinstance(raw, dict) else raw
            prof = _amount_by_period(amt, index(p), T, recurring=o.get("value_per_year", False))
            v += sum(a * d for a, d in zip(prof, disc, strict=True))
        by_scenario[s["id"]] = v
    probs = induced_probabilities(doc, package)
    expected = sum(probs[s["id"]] * by_scenario[s["id"]] for s in scenarios)
    return ok, by_scenario, expected


def induced_probabilities(doc: dict, package: dict[str, Pick]) -> dict[str, float]:
    """Each scenario's probability once ``package`` is chosen: a shift whose member is chosen
    (at any start year) moves its amount (or its share of the base probability of ``from``)
    from ``from`` to ``to``."""
    scenarios = doc.get("scenarios") or [{"id": "base", "probability": 1.0}]
    probs = {s["id"]: s["probability"] for s in scenarios}
    base = dict(probs)
    for sh in doc.get("shifts", []):
        if _has(package, sh["when"]):
            # a proportional shift moves its share of the base probability of 'from'
            amount = sh["amount"] if "amount" in sh else sh["share"] * base[sh["from"]]
            moved = amount * sh.get("credibility", 1.0)
            probs[sh["from"]] -= moved
            probs[sh["to"]] += moved
    return probs


@dataclass(frozen=True)
class Optimum:
    value: float | None  # None: no feasible package
    packages: list[dict[str, Pick]]  # every package that attains it (within 1e-9)
    feasible: list[dict[str, Pick]]


def enumerate_packages(doc: dict):
    for combo in itertools.product(*choices(doc)):
        yield {p.commitment: p for p in combo if p is not None}


def optimum(doc: dict) -> Optimum:
    """The best expected value over every package (max, or min for ``sense = "minimize"``)."""
    sign = -1.0 if doc.get("problem", {}).get("sense") == "minimize" else 1.0
    best = -math.inf
    feasible = []
    scored = []
    for pkg in enumerate_packages(doc):
        ok, _, ev = evaluate(doc, pkg)
        if ok:
            feasible.append(pkg)
            scored.append((sign * ev, pkg))
            best = max(best, sign * ev)
    if not feasible:
        return Optimum(None, [], [])
    tops = [pkg for v, pkg in scored if v >= best - 1e-9]
    return Optimum(sign * best, tops, feasible)


# ---- random small problems ---------------------------------------------------------------
FIRST_YEAR = 2030


@st.composite
def problems(draw) -> dict:
    """A random problem document with at most ``MAX_COLUMNS`` binary columns."""
    doc: dict = {"problem": {"name": "random"}}
    T = draw(st.integers(1, 4))
    timed = draw(st.booleans())
    if timed:
        doc["problem"]["years"] = [FIRST_YEAR, FIRST_YEAR + T - 1]
        if draw(st.booleans()):
            doc["problem"]["discount_rate"] = draw(st.sampled_from([0.03, 0.1, 0.5]))
    else:
        T = 1
    if draw(st.integers(0, 5)) == 0:
        doc["problem"]["sense"] = "minimize"
    years = list(range(FIRST_YEAR, FIRST_YEAR + T))

    n_scen = draw(st.integers(0, 3))
    scen_ids = [f"s{i}" for i in range(n_scen)]
    if n_scen:
        weights = draw(st.lists(st.integers(1, 5), min_size=n_scen, max_size=n_scen))
        total = sum(weights)
        probs = [w / total for w in weights[:-1]]
        probs.append(1.0 - sum(probs))
        doc["scenarios"] = [
            {"id": s, "probability": p} for s, p in zip(scen_ids, probs, strict=True)
        ]

    small = st.integers(-2, 6)
    profile = st.lists(small, min_size=1, max_size=T)
    amount = st.one_of(small, profile)

    resources = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["per_year", "total"]))
        r: dict = {"id": f"r{i}"}
        if kind == "total" or draw(st.booleans()):
            r["kind"] = kind
        if kind == "per_year" and timed and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=T))
            r["capacity"] = {str(y): draw(st.integers(0, 10)) for y in sorted(chosen)}
        else:
            r["capacity"] = draw(st.integers(0, 12))
        resources.append(r)
    if resources:
        doc["resources"] = resources
    rids = [r["id"] for r in resources]

    def draw_value():
        if scen_ids and draw(st.booleans()):
            keep = draw(st.lists(st.sampled_from(scen_ids), unique=True, min_size=1))
            return {s: draw(st.one_of(st.integers(-3, 9), profile)) for s in keep}
        return draw(st.one_of(st.integers(-3, 9), profile))

    def draw_option(oid: str | None, budget: int) -> tuple[dict, int]:
        o: dict = {} if oid is None else {"id": oid}
        if rids and draw(st.booleans()):
            keep = draw(st.lists(st.sampled_from(rids), unique=True, min_size=1))
            o["use"] = {rid: draw(amount) for rid in keep}
        if draw(st.integers(0, 5)) > 0:
            o["value"] = draw_value()
        if timed and draw(st.booleans()):
            o["value_per_year"] = draw(st.booleans())
        width = 1
        if timed and budget > 1 and draw(st.booleans()):
            a = draw(st.sampled_from(years))
            b = draw(st.integers(a, min(years[-1], a + budget - 1)))
            o["start"] = [a, b]
            width = b - a + 1
        if "use" not in o and "value" not in o and oid is None:
            o["value"] = 0
        return o, width

    commitments = []
    left = MAX_COLUMNS
    for ci in range(draw(st.integers(2, 6))):
        if left <= 0:
            break
        c: dict = {"id": f"c{ci}"}
        if draw(st.integers(0, 3)) == 0:
            c["required"] = True
        if draw(st.booleans()):
            o, width = draw_option(None, left)
            c.update(o)
            left -= width
        else:
            opts = []
            for oi in range(draw(st.integers(1, 3))):
                if left <= 0:
                    break
                o, width = draw_option(f"o{oi}", left)
                opts.append(o)
                left -= width
            c["options"] = opts
        commitments.append(c)
    doc["commitments"] = commitments

    members = []
    for c in commitments:
        members.append(c["id"])
        members.extend(f"{c['id']}.{o['id']}" for o in _options(c))
    member = st.sampled_from(members)
    relations = []
    for _ in range(draw(st.integers(0, 5))):
        t = draw(st.sampled_from(RELATION_TYPES))
        if t == "requires":
            a = draw(member)
            b = draw(member.filter(lambda m, a=a: m != a))
            rel = {"type": t, "a": a, "b": b}
            if draw(st.booleans()):
                rel["lag"] = draw(st.integers(0, 2))
        else:
            lo = 2 if t in ("excludes", "both_or_neither") else 1
            ms = draw(st.lists(member, min_size=lo, max_size=4))
            rel = {"type": t, "members": ms}
            if t in ("at_most", "at_least", "exactly"):
                rel["count"] = draw(st.integers(0, len(ms)))
        relations.append(rel)
    if relations:
        doc["relations"] = relations
    return doc


@st.composite
def problems_with_shifts(draw) -> dict:
    """A random problem (as ``problems``) with scenario baselines and ``[[shifts]]`` whose
    amounts can never move a probability out of [0, 1] (each scenario's outflows sum to at
    most its probability)."""
    doc = draw(problems())
    if not doc.get("scenarios"):
        n = draw(st.integers(2, 3))
        doc["scenarios"] = [{"id": f"s{i}", "probability": 1.0 / n} for i in range(n)]
        doc["scenarios"][-1]["probability"] = 1.0 - (n - 1) / n
        for c in doc["commitments"]:  # give the new scenarios different values
            for o in _options(c):
                if "value" in o and not isinstance(o["value"], dict) and draw(st.booleans()):
                    o["value"] = {"s0": o["value"], "s1": draw(st.integers(-3, 9))}
    scenarios = doc["scenarios"]
    ids = [s["id"] for s in scenarios]
    if len(ids) < 2:
        return doc
    for s in scenarios:
        if draw(st.booleans()):
            s["baseline"] = draw(st.integers(-20, 20))
    members = []
    for c in doc["commitments"]:
        members.append(c["id"])
        members.extend(f"{c['id']}.{o['id']}" for o in _options(c))
    raw = []
    for _ in range(draw(st.integers(1, 4))):
        src = draw(st.sampled_from(ids))
        dst = draw(st.sampled_from([x for x in ids if x != src]))
        raw.append(
            (draw(st.sampled_from(members)), src, dst, draw(st.sampled_from([0.25, 0.5, 1])))
        )
    out_count = {sid: sum(1 for r in raw if r[1] == sid) for sid in ids}
    prob = {s["id"]: s["probability"] for s in scenarios}
    doc["shifts"] = [
        {"when": m, "from": f, "to": t, "amount": prob[f] * frac / out_count[f]}
        for m, f, t, frac in raw
        if prob[f] > 0
    ]
    for sh in doc["shifts"]:  # the counterpart may not believe the offer (moves less)
        if draw(st.booleans()):
            sh["credibility"] = draw(st.sampled_from([0.25, 0.5, 1.0]))
    return doc
