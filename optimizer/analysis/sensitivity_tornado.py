"""The tornado table: the optimal expected value with each input (a probability, an option's
value, a resource's capacities) at base * (1 - rel) and base * (1 + rel), sorted by swing.

An option's value is read off its classes' envelope (``Session.classes``); an input whose value
lies inside its tipping interval keeps the base package without a solve.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from solvers.deadline import expired
from solvers.resolve import Key

from .proven import watch
from .sensitivity_params import ObjectiveParam, option_columns, probability_params, scale_param
from .sensitivity_results import TippingPoint, TornadoRow, by_swing

if TYPE_CHECKING:
    from .sensitivity_session import Session


def tornado(
    ses: Session,
    rel: float,
    tipping: Sequence[TippingPoint] = (),
    only: Collection[int] | None = None,
) -> list[TornadoRow]:
    """Optimal expected value with each input at base * (1 - rel) and base * (1 + rel);
    ``only``: the positions in ``tornado_inputs`` to compute (default all)."""
    known = {(t.kind, t.target): t for t in tipping}
    rows: list[TornadoRow] = []

    def value_at(param, theta: float) -> tuple[float, Key | None]:
        if isinstance(param, ObjectiveParam) and param.option is not None:
            oc = ses.classes(*param.option)
            return ses.value_at_classes(oc, param.b, theta - param.base)
        t = known.get((param.kind, param.target))
        # inside the base package's interval (capacities: clear of the tolerance window)
        if t is not None and t.lower <= theta <= t.upper - t.tolerance:
            k = ses.key0
            if not t.proven:  # the interval rests on a re-solve stopped unproven
                ses.run.doubts += 1
        else:
            param.apply(ses.lm, theta)
            k = ses.run()
            param.restore(ses.lm)
            if k is None:
                return math.nan, k
        if isinstance(param, ObjectiveParam):
            return param.objective(ses.pk, k, theta), k
        return ses.pk.expected(k), k

    def add(name: str, kind: str, param, lo: float, hi: float) -> None:
        if expired():  # --max-time: the row is left unfinished (partial.py)
            return ses.unfinished.append(f"tornado: {name}")
        proven = watch(ses)
        vl, kl = value_at(param, lo)
        vh, kh = value_at(param, hi)
        if expired():
            return ses.unfinished.append(f"tornado: {name}")
        rows.append(
            TornadoRow(
                name,
                kind,
                lo,
                hi,
                vl,
                vh,
                None if kl == ses.key0 else ses.pk.change(ses.key0, kl),
                None if kh == ses.key0 else ses.pk.change(ses.key0, kh),
                getattr(param, "unit", ""),
                proven=proven(),
            )
        )

    for i, (name, kind, p, lo, hi) in enumerate(tornado_inputs(ses.spec, ses.model, rel)):
        if only is None or i in only:
            add(name, kind, p, lo, hi)
    return by_swing(rows)


def tornado_inputs(spec, model, rel: float) -> list[tuple]:
    """The tornado's inputs in table order: ``(name, kind, param, low, high)``."""
    out: list[tuple] = []
    for p in probability_params(spec, model):
        out.append(
            (p.name, "probability", p, max(0.0, p.base * (1 - rel)), min(1.0, p.base * (1 + rel)))
        )
    c0 = np.asarray(model.c, dtype=float)
    for ci, cm in enumerate(spec.commitments):
        for oi, o in enumerate(cm.options):
            cols = option_columns(model, ci, oi)
            if cols.size == 0 or not np.any(c0[cols]):
                continue
            p = ObjectiveParam(
                name=f"{cm.id}.{o.id} value",
                kind="option_value",
                target=f"{cm.id}.{o.id}",
                unit="x",
                base=1.0,
                lo=0.0,
                hi=2.0,
                cols=cols,
                a=np.zeros(cols.size),
                b=c0[cols],
                option=(ci, oi),
            )
            out.append((p.name, "value", p, 1 - rel, 1 + rel))
    for r in spec.resources:
        sp = scale_param(spec, model, r.id)
        if sp is not None:
            out.append((f"{r.id} capacity", "capacity", sp, 1 - rel, 1 + rel))
    return out
