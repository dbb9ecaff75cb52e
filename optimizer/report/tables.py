"""Terminal tables for solutions, and CSV: the one module the commands import for output.

Tables look as rich draws them; ``render`` lays out the common cases itself (``textlayout``),
with the same characters and styles (checked against rich), so a command that prints a table
need not import rich. Anything else goes to rich. The numbers' formats are in
``number_format``, the table type in ``texttable``, a solution's tables and CSV in
``solution_text``; they are re-exported here."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from typing import Any

from .number_format import decimals, fmt, format_column, prob
from .solution_text import solution_csv, solution_tables
from .textlayout import layout
from .texttable import TextTable, table

__all__ = [
    "TextTable",
    "console",
    "decimals",
    "fmt",
    "format_column",
    "layout",
    "prob",
    "render",
    "solution_csv",
    "solution_tables",
    "table",
    "use_color",
]


def use_color(stream=None) -> bool:
    """Colour (ANSI styles) only when ``stream`` (stdout by default) is a terminal, and never
    with ``NO_COLOR`` set (https://no-color.org) or ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def console(file=None, *, width: int | None = None, color: bool | None = None):
    """A rich console: colour only on a terminal and never with NO_COLOR.

    ``color=None`` decides from stdout (rendered text is printed there, or written to a file
    by ``emit``, which strips any styles).
    """
    from rich.console import Console

    color = use_color() if color is None else color
    return Console(
        file=file,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )


def _printable(r: Any) -> Any:
    """Text and tables with control characters shown as escapes (never sent to a terminal)."""
    from ..errors import printable

    if isinstance(r, str):
        return printable(r)
    if isinstance(r, TextTable):
        rows = [[printable(c) for c in row] for row in r.rows]
        title = None if r.title is None else printable(r.title)
        return TextTable(title, [printable(c) for c in r.columns], rows, r.right)
    return r


def render(
    renderables: Iterable[Any],
    *,
    width: int | None = None,
    file=None,
    color: bool | None = None,
) -> str:
    """Render text (console markup), ``table`` results and other rich objects to a string
    (or straight to ``file``), one blank line between them; styled only when ``color``
    (default: stdout is a terminal and NO_COLOR is not set).

    Text and tables are laid out by ``layout`` (the characters and styles rich prints,
    without importing rich) whenever they are simple enough; rich renders the rest."""
    renderables = [_printable(r) for r in renderables]
    color = use_color() if color is None else color
    width = width or 100
    text = layout(renderables, width, color=color)
    if text is None:
        buf = io.StringIO() if file is None else file
        con = console(buf, width=width, color=color)
        for i, r in enumerate(renderables):
            if i:
                con.print()
            con.print(r)
        return buf.getvalue() if file is None else ""
    if file is None:
        return text
    file.write(text)
    return ""
