"""Text from a user's file made safe to show: control characters made visible, long values cut.

A problem's free text (its title, descriptions, names) and every value an error message quotes
come from the file as written. Printed as they are, an ESC byte would drive the terminal
(colours, cursor moves, a changed window title) and a 2,000,000-character id would flood it.
"""

from __future__ import annotations

import re

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
