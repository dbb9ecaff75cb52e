"""What rich prints for text and ``TextTable``s, laid out without importing rich.

``layout`` gives the exact output of ``tables.render``'s rich console for the two things the
commands print: a ``str`` with at most ``[bold]`` markup, and a ``TextTable`` (rich's ``Table``
column widths, wrapping, justification and padding, for the one configuration
``TextTable.__rich__`` uses). Anything beyond -- other markup, emoji codes, characters that are
not printable ASCII, a word longer than its column, a title wider than its table, a bold line
wider than the page -- makes it return None, and rich renders. A line is a list of (text, SGR
code) pieces: rich styles each piece on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from .texttable import TextTable

# rich console markup (a tag is ``[`` then a letter, ``#``, ``/`` or ``@``), emoji codes, and
# the words rich wraps at (a word keeps the spaces after it)
_MARKUP = re.compile(r"\[[a-z#/@]")
_EMOJI = re.compile(r":\S*?:")
_WORD = re.compile(r"\s*\S+\s*")
BOLD, HEADER = "1", "1;36"  # the SGR codes of rich's "bold" and "bold cyan"
_BOLD_TAG = re.compile(r"(\[/?bold\])")


def _simple(text: str) -> bool:
    """Printable ASCII that rich's markup and emoji codes leave as it is."""
    return (
        text.isascii()
        and text.isprintable()
        and "\\" not in text
        and _MARKUP.search(text) is None
        and _EMOJI.search(text) is None
    )


def layout(renderables: Sequence[Any], width: int, *, color: bool = False) -> str | None:
    """What ``render`` prints for ``renderables`` at ``width`` columns (with ANSI styles when
    ``color``), or None if one of them is beyond the cases handled here (see above)."""
    blocks = []
    for r in renderables:
        if isinstance(r, TextTable):
            lines = _table_lines(r, width)
        elif isinstance(r, str):
            lines = _text_lines(r, width)
        else:
            return None
        if lines is None:
            return None
        blocks.append(lines)
    out = []
    for i, lines in enumerate(blocks):
        if i:
            out.append("\n")
        for line in lines:
            for text, code in line:
                out.append(f"\x1b[{code}m{text}\x1b[0m" if color and code and text else text)
            out.append("\n")
    return "".join(out)


def _text_lines(text: str, width: int) -> list[list[tuple[str, str]]] | None:
    """A str printed by rich's console: ``[bold]`` markup, lines wrapped at ``width``."""
    lines = []
    bold = False
    for source in text.split("\n"):
        parts = _BOLD_TAG.split(source)
        plain = "".join(parts[0::2])
        if not _simple(plain):
            return None
        if len(parts) == 1 and not bold:
            wrapped = _wrap(plain, width, None)
            if wrapped is None:
                return None
            lines.extend([(w, "")] for w in wrapped)
            continue
        if len(plain) > width:
            return None  # wrapping a styled line: rich's business
        line = []
        for k, part in enumerate(parts):
            if k % 2:
                if bold == (part == "[bold]"):
                    return None  # unbalanced: rich's markup error
                bold = not bold
            elif part:
                line.append((part, BOLD if bold else ""))
        lines.append(line)
    return None if bold else lines


def _measure(text: str, max_width: int, pad: int) -> tuple[int, int]:
    """rich's ``Measurement.get`` of a one-line text in a ``Padding`` of ``pad`` columns:
    (longest word, whole text) plus the padding, at most ``max_width``."""
    if max_width - pad < 1:
        return max_width, max_width
    if not text:
        lo = hi = 0
    else:
        words = text.split()
        lo = min(max(map(len, words)) if words else len(text), max_width)
        hi = min(len(text), max_width)
    return min(lo + pad, max_width), min(hi + pad, max_width)


def _measure_column(cells: list[str], max_width: int, pad: int) -> int:
    """The widest a column wants to be (``Table._measure_column``'s maximum)."""
    if max_width < 1:
        return 0
    return min(max(_measure(c, max_width, pad)[1] for c in cells), max_width)


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]):
    """rich's ``_ratio.ratio_reduce``."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            d = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - d)
            remaining -= d
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _ratio_distribute(total: int, ratios: list[int]) -> list[int] | None:
    """rich's ``_ratio.ratio_distribute`` (None where it would fail: all ratios 0)."""
    total_ratio = sum(ratios)
    if total_ratio <= 0:
        return None
    remaining = total
    out = []
    for ratio in ratios:
        d = max(0, math.ceil(ratio * remaining / total_ratio)) if total_ratio > 0 else remaining
        out.append(d)
        total_ratio -= ratio
        remaining -= d
    return out


def _collapse(widths: list[int], max_width: int) -> list[int]:
    """rich's ``Table._collapse_widths`` with every column wrappable."""
    total = sum(widths)
    excess = total - max_width
    while total and excess > 0:
        top = max(widths)
        second = max((w if w != top else 0) for w in widths)
        if not top - second:
            break
        ratios = [1 if w == top else 0 for w in widths]
        widths = _ratio_reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths


def _wrap(text: str, width: int, justify: str | None) -> list[str] | None:
    """rich's ``Text.wrap`` of a one-line text whose words all fit in ``width`` (None if one
    does not), justified ``"left"``, ``"right"`` or not at all (None)."""
    breaks = []
    offset = 0
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group()
        n = len(word.rstrip())
        if width - offset >= n:
            offset += len(word)
        elif n > width:
            return None
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    out = []
    for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True):
        line = text[a:b]
        if len(line) > width:  # whitespace beyond the width goes
            spaces = len(line) - len(line.rstrip())
            line = line[: len(line) - min(spaces, len(line) - width)]
        if len(line) > width:
            return None
        if justify == "left":
            line = line.ljust(width)
        elif justify == "right":
            line = line.rstrip().rjust(width)
        out.append(line)
    return out


def _cell(c: Any) -> str | None:
    """The text rich prints for a table cell: simple text as it is, and ``\\[`` (rich's escaped
    bracket, e.g. ``fiscal\\[rupture]``) as ``[``; None for anything else."""
    if not isinstance(c, str):
        return None
    parts = c.split("\\[")
    if not all(_simple(p) for p in parts):
        return None
    text = "[".join(parts)
    return text if _EMOJI.search(text) is None else None


def _table_lines(t: TextTable, max_width: int) -> list[list[tuple[str, str]]] | None:
    """A ``TextTable`` as rich's ``Table`` lays it out (see ``TextTable.__rich__``)."""
    n = len(t.columns)
    if not n or any(len(r) != n for r in t.rows):
        return None
    texts = [t.title or "", *t.columns]
    if not all(isinstance(c, str) and _simple(c) for c in texts):
        return None
    rows = [[_cell(c) for c in r] for r in t.rows]
    if any(c is None for r in rows for c in r):
        return None
    pads = [(j > 0) + (j < n - 1) for j in range(n)]  # one space between columns, none outside
    cols = [[t.columns[j], *(r[j] for r in rows)] for j in range(n)]
    widths = [_measure_column(cols[j], max_width, pads[j]) or 1 for j in range(n)]
    table_width = sum(widths)
    if table_width > max_width:
        widths = _collapse(widths, max_width)
        table_width = sum(widths)
        if table_width > max_width:
            widths = _ratio_reduce(table_width - max_width, [1] * n, widths, widths)
            table_width = sum(widths)
        widths = [_measure_column(cols[j], widths[j], pads[j]) for j in range(n)]
    if t.min_width is not None and table_width < t.min_width:
        # (rich compares the width before the columns were measured again, as here)
        extra = _ratio_distribute(min(t.min_width, max_width) - table_width, widths)
        if extra is None:
            return None
        widths = [w + e for w, e in zip(widths, extra, strict=True)]
    table_width = sum(widths)
    lines: list[list[tuple[str, str]]] = []
    if t.title:
        if len(t.title) > table_width:
            return None
        lines.append([(t.title.ljust(table_width), BOLD)])
    for i, row in enumerate(zip(*cols, strict=True)):
        code = HEADER if i == 0 else ""
        cells = []
        for j, text in enumerate(row):
            left, right = " " * (j > 0), " " * (j < n - 1)
            inner = widths[j] - len(left) - len(right)
            wrapped = _wrap(text, inner, "right" if j in t.right else "left") if inner > 0 else None
            if wrapped is None:
                return None
            cells.append([[(left, code), (w, code), (right, code)] for w in wrapped])
        height = max(len(c) for c in cells)
        for j, c in enumerate(cells):
            blank = [[(" " * widths[j], code)]] * (height - len(c))
            cells[j] = blank + c if i == 0 else c + blank  # header at the bottom, rows at the top
        lines.extend([p for cell in parts for p in cell] for parts in zip(*cells, strict=True))
    return lines
