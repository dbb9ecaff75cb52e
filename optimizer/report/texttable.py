"""``TextTable``: a table of text cells, what ``table`` builds from numbers and text; rich draws
it, and ``textlayout`` lays it out the same way without rich."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .number_format import format_column


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
