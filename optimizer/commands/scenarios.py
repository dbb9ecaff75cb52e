"""``optimizer scenarios``: wait-and-see, RP, EEV, EVPI, VSS and the regret table."""

from __future__ import annotations

from ._options import analysis_command, emit_result, load_problem, solve_kwargs


@analysis_command("scenarios")
def command(fmt, output):
    """Value of information for PROBLEM: what knowing the scenario in advance is worth.

    Solves each scenario alone (wait-and-see), the expected-value package (RP) and the
    package best for the mean scenario (EV); prints WS, RP, EEV, EVPI = WS - RP and
    VSS = RP - EEV (signs flipped for minimisation, so both are >= 0), and each package's
    value and regret in every scenario.

    \b
    Examples:
      optimizer scenarios canada-us-2025
      optimizer scenarios canada-us-2025 --solver cbc --format json -o voi.json
    """
    from ..analysis.scenario_tables import voi_tables
    from ..analysis.scenarios import value_of_information

    spec = load_problem()
    v = value_of_information(spec, **solve_kwargs())
    emit_result(v, voi_tables, fmt, output, width=120)
