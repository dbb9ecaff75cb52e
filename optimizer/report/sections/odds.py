"""The report's blocks for a package that moves the odds (``[[shifts]]``).

Value by scenario as levels with ``p(x*)`` beside the base probabilities and the expected value
split into "value at the base odds" + "value of moving the odds"; and what the value of information
and the risk attitudes compute when each package induces its own probabilities.
"""

from __future__ import annotations

from typing import Any

from ..document import Paragraph, Section, Table
from ..number_format import prob
from .common import _num_text, _unit, _unit_text, scenario_values_figure


def scenario_values(spec, sol):
    """The "Value by scenario" section under ``[[shifts]]``."""
    sec = Section("scenarios-value", "Value by scenario")
    unit = spec.value_unit
    odds = sol.odds()
    has_base = any(s.baseline for s in spec.scenarios)
    head = ["scenario", "base probability", "with the package"]
    head += ["baseline"] if has_base else []
    head += [f"value{_unit(unit)}", "description"]
    rows: list[list[Any]] = []
    for s in spec.scenarios:
        row: list[Any] = [s.id, prob(s.probability), prob(odds["induced"][s.id])]
        row += [float(s.baseline)] if has_base else []
        rows.append([*row, float(sol.by_scenario[s.id]), s.description])
    total: list[Any] = ["expected", prob(1.0), prob(1.0)] + (["-"] if has_base else [])
    rows.append([*total, float(sol.expected), "at the probabilities the package induces"])
    sec.blocks.append(
        Table(
            head,
            rows,
            right=tuple(range(1, len(head) - 1)),
            caption="What the recommended package is worth in each scenario (levels, "
            "baselines included), and the probabilities it induces",
            id="scenario-values",
            emphasis=[False] * len(spec.scenarios) + [True],
        )
    )
    moves = [
        f"P({s}) from {prob(odds['base'][s])} to {prob(p)}"
        for s, p in odds["induced"].items()
        if abs(p - odds["base"][s]) > 1e-12
    ]
    u = _unit_text(unit)
    text = (
        "The package moves the odds: " + ", ".join(moves) + ". "
        if moves
        else "The package leaves the probabilities unchanged. "
    )
    text += (
        f"Its expected value {_num_text(sol.expected)}{u} = "
        f"{_num_text(odds['value_at_base_odds'])}{u} at the base odds + "
        f"{_num_text(odds['value_of_moving_the_odds'])}{u} from moving the odds."
    )
    sec.blocks.append(Paragraph(text))
    ids = [s.id for s in spec.scenarios]
    if len(ids) > 1:
        probs = [float(odds["induced"][s]) for s in ids]
        vals = [float(sol.by_scenario[s]) for s in ids]
        expected = float(sol.expected)
        alt = (
            "Bars: the package's value in each scenario (p: the probability it induces); "
            "dashed line: the expected value."
        )
        sec.blocks.append(scenario_values_figure(ids, probs, vals, expected, unit, alt))
    return sec


def voi_blocks(v) -> list:
    """What WS, EVPI, EEV and the regret table mean when the package moves the odds."""
    rows = [
        [s, prob(p), prob(q)]
        for s, p, q in zip(v.scenarios, v.probabilities, v.induced, strict=True)
    ]
    return [
        Paragraph(
            "The package moves the odds, so the scenario is taken to be revealed with the "
            "probabilities the recommended package (RP) induces: WS weighs each scenario's best "
            "by them, and EVPI is what foresight is worth at those odds (the engine's "
            "convention; WS depends on the recommended package). The EV package is the mean "
            "scenario's at the base probabilities; every package's expected value, EEV "
            "included, is at the probabilities it induces."
        ),
        Table(
            ["scenario", "base probability", "with the recommended package"],
            rows,
            right=(1, 2),
            caption="The odds at which WS and EVPI are taken",
            id="voi-odds",
        ),
    ]


def risk_blocks(c) -> list:
    """The probabilities each risk attitude's package induces."""
    names = [a.objective for a in c.attitudes]
    rows = [[f"P({s})", *[prob(a.probabilities[s]) for a in c.attitudes]] for s in c.scenarios]
    return [
        Paragraph(
            "The package moves the odds: each package's expected value and CVaR are at the "
            "probabilities it induces (below); the worst case and regret use levels only."
        ),
        Table(
            ["probability", *names],
            rows,
            right=tuple(range(1, len(names) + 1)),
            caption="The probabilities each attitude's package induces",
            id="risk-odds",
        ),
    ]
