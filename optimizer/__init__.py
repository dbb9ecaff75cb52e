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
    "build_model": ("optimizer.api", "compile"),  # ``optimizer.compile`` is the compile module
    "ProblemSpec": ("optimizer.spec.model", "ProblemSpec"),
    "Commitment": ("optimizer.spec.model", "Commitment"),
    "Option": ("optimizer.spec.model", "Option"),
    "Scenario": ("optimizer.spec.model", "Scenario"),
    "Resource": ("optimizer.spec.model", "Resource"),
    "Relation": ("optimizer.spec.model", "Relation"),
    "Member": ("optimizer.spec.model", "Member"),
    "check_spec": ("optimizer.spec.validate", "check_spec"),
    "Solution": ("optimizer.solution", "Solution"),
    "Choice": ("optimizer.solution", "Choice"),
    "evaluate": ("optimizer.solution", "evaluate"),
    "OptimizerError": ("optimizer.errors", "OptimizerError"),
    "InputError": ("optimizer.errors", "InputError"),
    "InfeasibleError": ("optimizer.errors", "InfeasibleError"),
    "SolverError": ("optimizer.errors", "SolverError"),
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        mod, attr = _API[name]
        value = getattr(importlib.import_module(mod), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer' has no attribute '{name}'")
