"""The document model of a report: sections of plain blocks that the builders fill in and the
renderers (``optimizer.report.html``, ``optimizer.report.markdown``) draw.

A block is a ``Paragraph``, a ``Note``, a ``Table``, a ``Figure`` (kept as a callable that
draws it, so nothing imports matplotlib until a renderer asks for the chart) or the ``Inputs``
audit; a ``Section`` holds blocks, a ``Report`` holds sections and the run's metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .inputs import InputGroup, UncertainInput


@dataclass
class Paragraph:
    text: str


@dataclass
class Note:
    """A remark set apart from the text: ``kind`` is ``note``, ``warning`` or ``missing``."""

    text: str
    kind: str = "note"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]  # str, int, float or None cells; floats are formatted per column
    right: tuple[int, ...] = ()  # right-aligned (numeric) columns
    caption: str = ""
    id: str = ""
    emphasis: list[bool] | None = None  # rows to set apart (binding resources, the optimum)


@dataclass
class Figure:
    id: str
    title: str
    draw: Callable[[], Any]  # returns a matplotlib figure (see ``optimizer.report.plots``)
    alt: str  # what the chart shows, for readers without it


@dataclass
class Inputs:
    groups: list[InputGroup]
    uncertain: list[UncertainInput]


Block = Paragraph | Note | Table | Figure | Inputs


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    problem: str
    subtitle: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    skipped: list[str] = field(default_factory=list)  # sections left out, and why
    warnings: list[str] = field(default_factory=list)  # what the reader must not miss

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
