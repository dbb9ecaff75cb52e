"""Terminal tables for solutions, and CSV.

Tables look as rich draws them; ``render`` lays out the common cases itself, with the same
characters and styles (checked against rich), so a command that prints a table need not
import rich. Anything else goes to rich."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

# rich console markup (a tag is ``[`` then a letter, ``#``, ``/`` or ``@``), emoji codes, and
# the words rich wraps at (a word keeps the spaces after it)
_MARKUP = re.compile(r"\[[a-z#/@]")
_EMOJI = re.compile(r":\S*?:")
_WORD = re.compile(r"\s*\S+\s*")


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


def decimals(x: float, digits: int = 4) -> int:
    """Decimals that show ``x`` in fixed point: ``digits - 2`` of them for ``|x| >= 0.1``
    (``75.99``, ``6,000.00``, ``0.80``), more below 0.1 to keep ``digits - 2`` significant
    digits (``0.080``, ``0.0012``)."""
    d = max(digits - 2, 0)
    a = abs(x)
    if 0 < a < 0.1 and math.isfinite(a):
        d += math.ceil(-math.log10(a)) - 1
    return min(d, 12)


def _fixed(x: float, d: int) -> str:
    s = f"{x:,.{d}f}"
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # no "-0.00"
    return s


def fmt(x: Any, digits: int = 4) -> str:
    """One number for a table or a sentence, in fixed point (see ``decimals``): the same
    number of decimals for every magnitude from 0.1 up, so numbers line up in a column.
    ``None`` is ``-``, an exact 0 is ``0``, infinity ``no limit``; other values as text."""
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        if math.isinf(x):
            return "no limit" if x > 0 else "-inf"
        if x == 0:
            return "0"
        return _fixed(x, decimals(x, digits))
    return str(x)


def prob(p: Any) -> Any:
    """A probability, in a sentence or a table cell: three decimals (``0.845``, ``0.080``), so
    a probability reads the same wherever the report shows it. ``None`` as ``fmt`` shows it."""
    if p is None or not isinstance(p, (int, float)) or not math.isfinite(p):
        return fmt(p)
    return _fixed(float(p), 3)


def format_column(values: Sequence[Any], digits: int = 4) -> list[str]:
    """Format a column: every float with the same number of decimals, chosen so the column's
    numbers keep ``digits - 2`` significant digits (numbers below 1e-4 of the column's largest
    are shown with the column's decimals, e.g. ``0.00``). Other cells as ``fmt`` shows them."""
    nums = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v) and v != 0]
    if not nums:
        return [v if isinstance(v, str) else fmt(v, digits) for v in values]
    top = max(nums)
    d = max(decimals(v, digits) for v in nums if v >= top * 1e-4)
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, float) and math.isfinite(v) and v != 0:
            out.append(_fixed(v, d))
        else:
            out.append(fmt(v, digits))
    return out


class TextTable:
    """A table of text cells: what ``table`` builds. A rich renderable (a rich ``Table``,
    through ``__rich__``); ``render`` lays it out without rich when it can (see ``layout``)."""

    __slots__ = ("columns", "right", "rows", "title")

    def __init__(
        self,
        title: str | None,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        right: Sequence[int] = (),
    ) -> None:
        self.title = title
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        self.right = frozenset(right)

    def __repr__(self) -> str:
        return f"TextTable({self.title!r}, {self.columns!r}, {len(self.rows)} rows)"

    @property
    def min_width(self) -> int | None:
        # a narrow table is widened to its title rather than the title wrapped
        return min(len(self.title), 100) if self.title else None

    def __rich__(self):
        from rich.table import Table

        t = Table(
            title=self.title,
            title_justify="left",
            title_style="bold",
            show_edge=False,
            pad_edge=False,
            box=None,
            header_style="bold cyan",
            min_width=self.min_width,
        )
        for i, c in enumerate(self.columns):
            t.add_column(c, justify="right" if i in self.right else "left", no_wrap=False)
        for row in self.rows:
            t.add_row(*row)
        return t


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: Sequence[int] = (),
) -> TextTable:
    """A table with a bold title and a header row; the columns in ``right`` right-aligned.
    Numbers are formatted column by column, so a column's numbers share their decimals."""
    rows = [list(r) for r in rows]
    cols = [format_column([r[j] for r in rows]) for j in range(len(columns))] if rows else []
    return TextTable(title, columns, [list(cells) for cells in zip(*cols, strict=True)], right)


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


# ---- layout without rich --------------------------------------------------------------------
# ``layout`` gives the exact output of ``render``'s rich console for the two things the
# commands print: a ``str`` with at most ``[bold]`` markup, and a ``TextTable`` (rich's
# ``Table`` column widths, wrapping, justification and padding, for the one configuration
# ``TextTable.__rich__`` uses). Anything beyond -- other markup, emoji codes, characters that
# are not printable ASCII, a word longer than its column, a title wider than its table, a bold
# line wider than the page -- makes it return None, and rich renders. A line is a list of
# (text, SGR code) pieces: rich styles each piece on its own.
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


def _table_lines(t: TextTable, max_width: int) -> list[list[tuple[str, str]]] | None:
    """A ``TextTable`` as rich's ``Table`` lays it out (see ``TextTable.__rich__``)."""
    n = len(t.columns)
    if not n or any(len(r) != n for r in t.rows):
        return None
    texts = [t.title or "", *t.columns, *(c for r in t.rows for c in r)]
    if not all(isinstance(c, str) and _simple(c) for c in texts):
        return None
    pads = [(j > 0) + (j < n - 1) for j in range(n)]  # one space between columns, none outside
    cols = [[t.columns[j], *(r[j] for r in t.rows)] for j in range(n)]
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


def solution_tables(sol) -> list[Any]:
    spec = sol.problem
    unit = f" ({spec.value_unit})" if spec.value_unit else ""
    head = (
        f"[bold]{spec.title or spec.name}[/bold]\n"
        f"status: {sol.status}   objective: {sol.objective}   "
        f"expected value{unit}: {fmt(sol.expected, 6)}   verified: {'yes' if sol.verified else 'no'}"
    )
    if sol.objective != "expected":
        how = "minimised" if sol.objective_sense == "minimize" else "maximised"
        head += f"\n{sol.objective} value ({how}): {fmt(sol.objective_value, 6)}"
    out: list[Any] = [head]
    rows = []
    chosen = {c.commitment: c for c in sol.chosen}
    for c in spec.commitments:
        ch = chosen.get(c.id)
        if ch is None:
            continue
        opt = c.option(ch.option)
        rows.append(
            [c.id, ch.option, "" if ch.start is None else str(ch.start), opt.name or c.name]
        )
    out.append(
        table(
            f"Chosen package ({len(rows)} of {sum(c.stage == 1 for c in spec.commitments)} "
            "commitments)",
            ["commitment", "option", "start", "description"],
            rows,
        )
    )
    not_chosen = [c.id for c in spec.commitments if c.id not in chosen and c.stage == 1]
    if not_chosen and len(not_chosen) <= 30:
        out.append("Not chosen: " + ", ".join(not_chosen))
    out.extend(_scenario_table(spec, sol, unit))
    if getattr(sol, "criteria", None):
        from .criteria_tables import solution_criteria_table

        out.append(solution_criteria_table(sol))
    if getattr(sol, "tranches", None):
        from ..tranche_solution import tranche_lines

        out.append("\n".join(tranche_lines(sol.tranches)))
    if sol.resources:
        rrows = []
        for u in sol.resources:
            if not math.isfinite(u.capacity) and u.used == 0:
                continue
            rrows.append(
                [
                    u.id.replace("[", "\\["),  # "fiscal[rupture]": not console markup
                    "total" if u.year is None else str(u.year),
                    u.used,
                    u.capacity,
                    u.capacity - u.used if math.isfinite(u.capacity) else None,
                ]
            )
        if rrows:
            out.append(
                table(
                    "Resource use",
                    ["resource", "year", "used", "capacity", "slack"],
                    rrows,
                    right=(2, 3, 4),
                )
            )
    if sol.responses:
        sids = [sc.id for sc in spec.scenarios]
        units = {r.id: r.unit for r in spec.responses}
        resp_rows = []
        for rid, v in sol.responses.items():
            if isinstance(v, dict):
                resp_rows.append([rid, units.get(rid, ""), *[v.get(x, 0.0) for x in sids]])
            else:
                resp_rows.append([rid, units.get(rid, ""), *([v] * len(sids))])
        out.append(
            table(
                "Responses (stage-1 quantities are the same in every scenario)",
                ["response", "unit", *sids],
                resp_rows,
                right=tuple(range(2, 2 + len(sids))),
            )
        )
    s = sol.solver
    gap = "-" if s.get("gap") is None else f"{s['gap']:.2%}"
    out.append(f"solver: {s['name']}   time: {s['time_s']:.3f} s   gap: {gap}")
    for w in sol.warnings:
        out.append(f"warning: {w}")
    return out


def solution_csv(sol) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "id", "option", "year", "value", "capacity"])
    for c in sol.chosen:
        w.writerow(["chosen", c.commitment, c.option, "" if c.start is None else c.start, "", ""])
    for sid, cs in getattr(sol, "tranches", {}).items():  # conditional tranches, by scenario
        for c in cs:
            y = "" if c.start is None else c.start
            w.writerow(["tranche", f"{c.commitment}[{sid}]", c.option, y, "", ""])
    for sid, v in sol.by_scenario.items():
        w.writerow(["scenario", sid, "", "", repr(float(v)), ""])
    w.writerow(["expected", "", "", "", repr(float(sol.expected)), ""])
    for u in sol.resources:
        cap = "" if not math.isfinite(u.capacity) else repr(float(u.capacity))
        w.writerow(
            ["resource", u.id, "", "" if u.year is None else u.year, repr(float(u.used)), cap]
        )
    return buf.getvalue()


def _scenario_table(spec, sol, unit: str) -> list:
    """Value by scenario (levels, with baselines); under shifts the probabilities the package
    induces beside the base ones, and the expected value split by where it comes from."""
    odds = sol.odds()
    has_base = any(s.baseline for s in spec.scenarios)
    head = ["scenario", "probability"]
    if odds:
        head = ["scenario", "base prob.", "with package"]
    if has_base:
        head.append("baseline")
    head.append("value")
    rows = []
    for s in spec.scenarios:
        row = [s.id, s.probability]
        if odds:
            row.append(odds["induced"][s.id])
        if has_base:
            row.append(s.baseline)
        rows.append([*row, sol.by_scenario[s.id]])
    total = ["expected", 1.0] + ([1.0] if odds else []) + ([None] if has_base else [])
    rows.append([*total, sol.expected])
    out = [table(f"Value by scenario{unit}", head, rows, right=tuple(range(1, len(head))))]
    if odds:
        moves = [
            f"the package moves P({s}) from {odds['base'][s]:.4g} to {p:.4g}"
            for s, p in odds["induced"].items()
            if abs(p - odds["base"][s]) > 1e-12
        ]
        out.append("; ".join(moves) or "the package leaves the probabilities unchanged")
        out.append(
            f"expected value {fmt(sol.expected)} = {fmt(odds['value_at_base_odds'])} at the base "
            f"odds + {fmt(odds['value_of_moving_the_odds'])} from moving the odds"
        )
    return out
