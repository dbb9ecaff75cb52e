"""A decision-analysis optimization engine: choose the best package of commitments under
budgets, dependencies and uncertain scenarios, verify it, and explain it.

The public API is imported lazily so that ``optimizer --help`` stays instant::

    import optimizer
    problem = optimizer.load("canada-us-2025")
    solution = optimizer.solve(problem)
    print(solution.to_json())
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "load": ("optimizer.api", "load"),
    "solve": ("optimizer.api", "solve"),
    "from_frames": ("optimizer.spec.frames_in", "from_frames"),
    "build_model": ("optimizer.api", "compile"),  # ``optimizer.compile`` is the compile module
    "ProblemSpec": ("optimizer.spec.model", "ProblemSpec"),
    "Commitment": ("optimizer.spec.model", "Commitment"),
    "Option": ("optimizer.spec.model", "Option"),
    "Scenario": ("optimizer.spec.model", "Scenario"),
    "Resource": ("optimizer.spec.model", "Resource"),
    "Relation": ("optimizer.spec.model", "Relation"),
    "Member": ("optimizer.spec.model", "Member"),
    "Response": ("optimizer.spec.model", "Response"),
    "Parameter": ("optimizer.spec.model", "Parameter"),
    "Constraint": ("optimizer.spec.model", "Constraint"),
    "check_spec": ("optimizer.spec.validate", "check_spec"),
    "Solution": ("optimizer.solution", "Solution"),
    "Choice": ("optimizer.solution", "Choice"),
    "evaluate": ("optimizer.solution", "evaluate"),
    # analyses: functions over a ProblemSpec that return result dataclasses with to_dict()
    "value_of_information": ("optimizer.analysis.scenarios", "value_of_information"),
    "alternatives": ("optimizer.analysis.alternatives", "alternatives"),
    "compare": ("optimizer.analysis.compare", "compare"),
    "sensitivity": ("optimizer.analysis.sensitivity", "sensitivity"),
    "capacity_frontier": ("optimizer.analysis.frontier", "capacity_frontier"),
    "monte_carlo": ("optimizer.analysis.montecarlo", "monte_carlo"),
    # reports
    "build_report": ("optimizer.report.build", "build_report"),
    "write_report": ("optimizer.report.build", "write_report"),
    "report": ("optimizer.report.build", "report"),
    "OptimizerError": ("optimizer.errors", "OptimizerError"),
    "InputError": ("optimizer.errors", "InputError"),
    "OutputError": ("optimizer.errors", "OutputError"),
    "InfeasibleError": ("optimizer.errors", "InfeasibleError"),
    "SolverError": ("optimizer.errors", "SolverError"),
    "LimitError": ("optimizer.errors", "LimitError"),
    "VerificationError": ("optimizer.errors", "VerificationError"),
}


def _present(module: str) -> bool:
    """Whether an API module is installed (analyses are added one module at a time); looks
    for the file only, so ``import optimizer`` imports nothing else."""
    import os

    parts = module.split(".")[1:]
    base = os.path.join(os.path.dirname(__file__), *parts)
    return os.path.exists(base + ".py") or os.path.exists(os.path.join(base, "__init__.py"))


__all__ = ["__version__", *(name for name, (mod, _) in _API.items() if _present(mod))]


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        mod, attr = _API[name]
        if not _present(mod):
            raise AttributeError(f"optimizer.{name} needs {mod}, which is not installed")
        value = getattr(importlib.import_module(mod), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
