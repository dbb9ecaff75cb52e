"""One exception hierarchy for the engine; each class carries its CLI exit code.

Exit codes (documented in the README):

* 0 -- solved (or the command did its job)
* 2 -- bad input or usage (``InputError``, ``UsageError``), an output that cannot be
  written (``OutputError``)
* 3 -- the problem is infeasible (``InfeasibleError``; carries a diagnosis when one was made)
* 4 -- no solution within limits, or the solver failed (``SolverError``, ``LimitError``,
  ``VerificationError``)
* 5 -- stopped at ``--max-time``: the output holds what was completed, the rest marked
  unfinished (``EXIT_PARTIAL``; not an exception)

Messages are shown as one printable line: control characters escaped, an overlong quoted value
cut in the middle (``shorten``); ``printable`` makes a problem's free text safe to print.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Not an error: a command stopped at its --max-time budget printed what it completed, the rest
# marked unfinished ("complete": false in JSON).
EXIT_PARTIAL = 5


class OptimizerError(Exception):
    """Base of every error the engine raises on purpose."""

    exit_code = 1

    def one_line(self) -> str:
        """The message on one printable line, long quoted values cut (``text.shorten``)."""
        return " ".join(shorten(str(self)).split())


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
        return shorten(": ".join(parts))

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


# ---- text from a user's file, made safe to show ----------------------------------------------
# A problem's free text (its title, descriptions, names) and every value a message quotes come
# from the file as written. Printed as they are, an ESC byte would drive the terminal (colours,
# cursor moves, a changed window title) and a 2,000,000-character id would flood it.
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and
# isolates that reorder what a terminal or an editor shows ("Trojan Source")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_SPACE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

MAX_WORD = 200  # a longer word of a message (an id, a number, a path) is cut in the middle
MAX_MESSAGE = 2000  # and a longer message too
_HEAD, _TAIL = 80, 20


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """``text`` with control characters (but tab and newline; a CR of CRLF is dropped) shown
    as ``\\x1b``-style escapes: safe to print on a terminal or to put in a report."""
    if text.isprintable():  # the common case: nothing to do
        return text
    return _CONTROL.sub(_visible, text.replace("\r\n", "\n"))


def _cut(text: str) -> str:
    return f"{text[:_HEAD]}...({len(text) - _HEAD - _TAIL} more characters)...{text[-_TAIL:]}"


def shorten(message: str) -> str:
    """``message`` as one printable line: control characters escaped, a word longer than
    ``MAX_WORD`` characters cut in the middle, and the whole at most about ``MAX_MESSAGE``."""
    message = _CONTROL_OR_SPACE.sub(
        lambda m: " " if m.group() in "\t\n\r\x0b\x0c" else _visible(m), message
    )
    if len(message) <= MAX_WORD:
        return message
    words = re.split(r"( +)", message)
    message = "".join(_cut(w) if len(w) > MAX_WORD else w for w in words)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 400] + " ... " + message[-395:]
    return message
