"""Collect the sections of an analysis report, independent of how it is rendered.

``build_report(spec, ...)`` solves the problem, runs the analyses that are installed, and
returns a ``Report``: sections of plain blocks (``Paragraph``, ``Table``, ``Figure``,
``Note``, ``Inputs``) that ``optimizer.report.html`` and ``optimizer.report.markdown`` render.
Figures are kept as callables that draw them, so nothing imports matplotlib until a renderer
asks for a chart (and a renderer without matplotlib says so in place of the chart).

Sections, in order: the recommended package; value by scenario; resource use against
capacity; scenarios and the value of information (regret table); risk attitudes compared;
sensitivity (tornado, tipping points, what would it take); the efficient frontier of the
binding resources; Monte Carlo (with ``montecarlo=N``); alternatives; every input with its
source. The sensitivity, frontier and Monte Carlo sections appear when their analysis modules
are installed; an analysis that stops with an engine error (a time limit, say) leaves a note
in its section instead of the numbers.

Each section is built in its own module of ``optimizer.report.sections``; this module checks
the options, solves, calls the builders in order and writes the result.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, did_you_mean
from .document import Figure, Inputs, Note, Paragraph, Report, Section, Table
from .inputs import input_groups
from .sections.alternatives import alternatives_section
from .sections.frontier import frontier_resources, frontier_section
from .sections.inputs import inputs_section
from .sections.recommendation import recommendation_section
from .sections.resources import _negative_use_text, resources_section
from .sections.risk import risk_section
from .sections.scenarios import scenario_values_section
from .sections.sensitivity import sensitivity_section
from .sections.voi import voi_section
from .unfinished import BudgetMarks

# what callers and tests import from here besides ``build_report``
_sensitivity = sensitivity_section
__all__ = [
    "SECTIONS",
    "Figure",
    "Inputs",
    "Paragraph",
    "Report",
    "Table",
    "_negative_use_text",
    "_sensitivity",
    "build_report",
    "report",
    "write_report",
]

SECTIONS = (
    "scenarios",
    "risk",
    "sensitivity",
    "frontier",
    "montecarlo",
    "alternatives",
    "inputs",
)


def _module(name: str, function: str):
    """``optimizer.analysis.<name>.<function>`` if that module and function exist, else None."""
    full = f"optimizer.analysis.{name}"
    try:
        if importlib.util.find_spec(full) is None:
            return None
        return getattr(importlib.import_module(full), function, None)
    except ImportError:
        return None


def _check_arguments(
    spec, wanted: Sequence[str], montecarlo: int | None, alternatives: int, frontier
) -> None:
    """Refuse, before anything is solved, what ``build_report`` cannot do (``InputError``
    naming the option)."""
    for s in wanted:
        if s not in SECTIONS:
            raise InputError(
                f"unknown section '{s}'{did_you_mean(s, SECTIONS)}", where="--sections"
            )
    if montecarlo is not None and montecarlo < 1:
        raise InputError(f"expected at least 1 draw, got {montecarlo}", where="--montecarlo")
    if montecarlo is not None and "montecarlo" not in wanted:
        raise InputError("the montecarlo section is left out by --sections", where="--montecarlo")
    if montecarlo is not None and not spec.uncertain:
        raise InputError(
            "the problem has no uncertain inputs to draw: give a distribution instead of a "
            'number, e.g. value = { dist = "triangular", low = 2, mode = 5, high = 9 }',
            where="--montecarlo",
        )
    if alternatives < 1:
        raise InputError(f"expected at least 1, got {alternatives}", where="--alternatives")
    rids = [r.id for r in spec.resources]
    for rid in frontier or ():
        if rid not in rids:
            hint = did_you_mean(rid, rids)
            if rids and "allowed" not in hint:
                hint += f" (allowed: {', '.join(sorted(rids))})"
            raise InputError(
                f"unknown resource '{rid}'{hint or '; the problem has none'}", where="--frontier"
            )


def _meta(spec, sol, solver: str, objective: str, command: str) -> list[tuple[str, str]]:
    """The report's header: the problem, how it was solved, by what and when."""
    from .. import __version__

    horizon = "single period" if spec.years is None else f"{spec.years[0]}-{spec.years[1]}"
    meta = [
        ("problem", spec.name),
        ("file", spec.origin or "(built in code)"),
        ("sha256", spec.sha256 or "-"),
        ("horizon", horizon),
        ("discount rate", f"{spec.discount_rate:g} per year"),
        ("scenarios", str(len(spec.scenarios))),
        (
            "commitments",
            f"{len(spec.commitments)} ({sum(len(c.options) for c in spec.commitments)} options)",
        ),
        ("objective", objective),
        ("solver", str(sol.solver.get("name", solver))),
        ("engine", f"commitment-optimizer {__version__}"),
        ("generated", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if command:
        meta.append(("command", command))
    return meta


def build_report(
    spec,
    *,
    solver: str = "highs",
    objective: str = "expected",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    verbose: bool = False,
    montecarlo: int | None = None,
    seed: int | None = None,
    alternatives: int = 5,
    frontier: Sequence[str] | None = None,
    sections: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    command: str = "",
) -> Report:
    """Solve ``spec`` and collect the report's sections (see the module doc).

    ``verbose`` shows the solver's log. ``sections`` limits the analyses to those named (from
    ``SECTIONS``; the recommendation, value by scenario and resource use are always there);
    ``montecarlo=N`` adds the Monte Carlo section with N draws; ``frontier`` names the
    resources whose frontier is drawn (default: the binding ones). ``progress(step)`` is called before each step.

    Raises ``InfeasibleError`` (with a diagnosis) when no package is feasible.
    """
    import solvers

    from .. import engine

    wanted = tuple(SECTIONS if sections is None else sections)
    _check_arguments(spec, wanted, montecarlo, alternatives, frontier)
    say = progress or (lambda step: None)
    opts = {"solver": solver, "time_limit": time_limit, "mip_gap": mip_gap, "verbose": verbose}
    options = solvers.SolveOptions(time_limit=time_limit, mip_gap=mip_gap, verbose=verbose)

    say("solve")
    sol = engine.solve(
        spec,
        solver=solver,
        objective=objective,
        time_limit=time_limit,
        mip_gap=mip_gap,
        verbose=verbose,
    )
    groups = input_groups(spec)
    out = [recommendation_section(spec, sol, groups), scenario_values_section(spec, sol)]
    marks = BudgetMarks(
        out, lambda text: Note(text, "warning"), Section
    )  # --max-time (unfinished.py)
    say = marks.wrap(say)

    def expected_optimum() -> float:
        """The verified expected-value optimum (what sensitivity and frontier start from)."""
        if objective == "expected":
            return float(sol.expected)
        return float(
            engine.solve(spec, solver=solver, time_limit=time_limit, mip_gap=mip_gap).expected
        )

    res = resources_section(spec, sol)
    if res is not None:
        out.append(res)
    if spec.criteria:  # values on every criterion, Pareto front, weight intervals
        from .sections.criteria import criteria_section

        out.append(criteria_section(spec, sol, solver, options))
    skipped: list[str] = []
    warnings = list(sol.warnings)  # also printed on stderr by the report command
    if "scenarios" in wanted and not marks.late("scenarios"):
        say("scenarios")
        out.append(voi_section(spec, opts))
    if "risk" in wanted and not marks.late("risk"):
        say("risk attitudes")
        out.append(risk_section(spec, opts))
    if "sensitivity" in wanted:
        fn = _module("sensitivity", "sensitivity")
        if fn is None:
            skipped.append("sensitivity (the sensitivity analysis is not installed)")
        elif not marks.late("sensitivity"):
            say("sensitivity")
            sec = sensitivity_section(spec, fn, solver, options, expected_optimum())
            if objective != "expected":
                sec.blocks.insert(0, Note("Computed for the expected-value objective."))
            out.append(sec)
    if "frontier" in wanted:
        fn = _module("frontier", "capacity_frontier")
        scalable = frontier_resources(spec, sol, frontier)
        if fn is None:
            skipped.append("frontier (the frontier analysis is not installed)")
        elif not scalable:
            skipped.append("frontier (no resource with a positive capacity to scale)")
        elif not marks.late("frontier"):
            say("frontier")
            sec = frontier_section(spec, sol, fn, scalable, solver, options, expected_optimum())
            if objective != "expected":
                sec.blocks.insert(0, Note("Computed for the expected-value objective."))
            out.append(sec)
    if montecarlo is not None and "montecarlo" in wanted:
        fn = _module("montecarlo", "monte_carlo")
        if fn is None:
            skipped.append("Monte Carlo (the Monte Carlo analysis is not installed)")
            warnings.append("Monte Carlo left out: the Monte Carlo analysis is not installed")
        elif not marks.late("montecarlo"):
            from .sections.discovery import discovery_section
            from .sections.montecarlo import infeasibility_text, montecarlo_section

            say("montecarlo")

            def mc_progress(done: int, total: int) -> None:
                say(f"montecarlo {done}/{total}")

            sec, mc = montecarlo_section(spec, fn, montecarlo, seed, opts, mc_progress)
            out.append(sec)
            if mc is not None:  # scenario discovery over the same draws
                out.append(discovery_section(spec, mc))
            if mc is None:  # failed: say so at the top of the report too (and on stderr)
                warnings.append(sec.blocks[-1].text)
                out[0].blocks.append(Note(sec.blocks[-1].text, "warning"))
            elif mc.base.infeasible_draws:
                text = infeasibility_text(mc.base) + " (Monte Carlo section)"
                out[0].blocks.append(Note(text, "warning"))
    elif montecarlo is None:
        skipped.append("Monte Carlo (not asked for: --montecarlo N)")
    if "alternatives" in wanted and not marks.late("alternatives"):
        say("alternatives")
        out.append(alternatives_section(spec, opts, alternatives, objective))
    if "inputs" in wanted:
        say("inputs")
        out.append(inputs_section(spec, groups))
    marks.check()
    for s in SECTIONS:
        if s not in wanted and s != "montecarlo":
            skipped.append(f"{s} (left out with --sections)")

    meta = _meta(spec, sol, solver, objective, command)
    return Report(
        title=spec.title or spec.name,
        problem=spec.name,
        subtitle=spec.description,
        meta=meta,
        sections=out,
        skipped=skipped,
        warnings=warnings,
    )


def write_report(report: Report, path: str | os.PathLike, fmt: str | None = None) -> list[Path]:
    """Write ``report`` to ``path``: HTML (``.html``/``.htm``, one self-contained file) or
    Markdown (``.md``, with its charts as PNG files in ``<name>_files/`` beside it); ``fmt``
    ("html" or "md") instead of the suffix, e.g. for ``/dev/stdout``. Every file is written
    atomically and readable as the umask allows (a report is for sharing). Returns the paths
    written, the report first."""
    path = Path(path)
    suffix = {"html": ".html", "md": ".md"}.get(fmt or "", path.suffix.lower())
    if suffix == ".md" and is_stream(path):
        raise InputError(
            "a Markdown report writes its charts as files beside it, so it cannot go to a "
            "stream; write it to a file, or use --to html (one self-contained file)",
            where=str(path),
        )
    if suffix in (".html", ".htm"):
        from .html import render_html
        from .output import atomic_write

        atomic_write(path, render_html(report))
        written = [path]
    elif suffix in (".md", ".markdown"):
        from .markdown import write_markdown

        written = write_markdown(report, path)
    else:
        raise InputError(f"the report must be .html or .md, got '{path.name}'", where="--output")
    return written


def is_stream(path: Path) -> bool:
    """Whether ``path`` is a character device or a named pipe (``/dev/stdout``)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def report(problem: Any, path: str | os.PathLike, **options: Any) -> list[Path]:
    """Build the report of ``problem`` (a ``ProblemSpec``, or a bundled name or file path)
    and write it to ``path`` (``.html`` or ``.md``); ``options`` as for ``build_report``.

    >>> import optimizer
    >>> optimizer.report("small-example", "small.html", sections=["scenarios"])  # doctest: +SKIP
    [PosixPath('small.html')]
    """
    if not hasattr(problem, "commitments"):
        from ..spec import load

        problem = load(problem)
    return write_report(build_report(problem, **options), path)
