"""One exception hierarchy for the engine; each class carries its CLI exit code.

Exit codes (documented in the README):

* 0 -- solved (or the command did its job)
* 2 -- bad input or usage (``InputError``, ``UsageError``), an output that cannot be
  written (``OutputError``)
* 3 -- the problem is infeasible (``InfeasibleError``; carries a diagnosis when one was made)
* 4 -- no solution within limits, or the solver failed (``SolverError``, ``LimitError``,
  ``VerificationError``)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class OptimizerError(Exception):
    """Base of every error the engine raises on purpose."""

    exit_code = 1

    def one_line(self) -> str:
        return " ".join(str(self).split())


class InputError(OptimizerError):
    """The problem file, an override or an argument is wrong.

    ``where`` is the file (or ``--set``, or an argument name) and ``path`` the location inside
    it, such as ``commitments[3].options[1].use.fiscal``.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, path: str | None = None):
        self.message = message
        self.where = where
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [p for p in (self.where, self.path) if p]
        parts.append(self.message)
        return ": ".join(parts)

    def located(self, where: str) -> InputError:
        """Return the same error with the file it came from filled in."""
        if self.where:
            return self
        return InputError(self.message, where=where, path=self.path)


class UsageError(InputError):
    """A command-line usage error that is not about a problem file."""


class OutputError(InputError):
    """An output file could not be written whole; ``where`` names it."""


class InfeasibleError(OptimizerError):
    """No package satisfies every constraint."""

    exit_code = 3

    def __init__(self, message: str, diagnosis: object | None = None):
        self.diagnosis = diagnosis
        super().__init__(message)


class SolverError(OptimizerError):
    """The solver failed, is missing, or returned something unusable."""

    exit_code = 4


class LimitError(SolverError):
    """A time or node limit was reached before any feasible package was found."""


class VerificationError(SolverError):
    """A solution returned by a solver failed the independent check."""


def did_you_mean(word: str, allowed: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when a close match exists, else the allowed list."""
    allowed = sorted(set(allowed))
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if not allowed:
        return ""
    if len(allowed) <= 12:
        return "; allowed: " + ", ".join(allowed)
    return "; allowed: " + ", ".join(allowed[:12]) + ", ..."
