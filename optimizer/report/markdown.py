"""A report as Markdown (GitHub-flavoured tables) with its charts as PNG files beside it.

``write_markdown(report, "out/report.md")`` writes ``out/report_files/<chart>.png`` and then
``out/report.md`` (which links them by relative path), each atomically. Without matplotlib the
text says so in place of each chart.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from . import plots
from .document import Figure, Inputs, Note, Paragraph, Report, Section, Table
from .number_format import format_column
from .output import atomic_write

log = logging.getLogger(__name__)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def table_md(t: Table) -> str:
    cols = [format_column([r[j] for r in t.rows]) for j in range(len(t.columns))]
    right = set(t.right)
    lines = []
    if t.caption:
        lines += [f"**{t.caption}**", ""]
    lines.append("| " + " | ".join(cell(c) for c in t.columns) + " |")
    lines.append(
        "|" + "|".join("---:" if j in right else "---" for j in range(len(t.columns))) + "|"
    )
    for i in range(len(t.rows)):
        em = t.emphasis is not None and i < len(t.emphasis) and t.emphasis[i]
        cells = [cell(col[i]) for col in cols]
        if em:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def inputs_md(block: Inputs) -> str:
    lines = [
        "**Every input and its source**",
        "",
        "| object | input | value | unit | source | tag |",
        "|---|---|---|---|---|---|",
    ]
    for g in block.groups:
        src = cell(g.source) if g.source.strip() else "**no source given**"
        if g.source_from:
            src += f" (from its {g.source_from})"
        tag = "**MISSING**" if g.missing else g.tag
        obj = f"`{cell(g.label)}` ({g.kind})"
        items = g.items or ()
        if not items:
            lines.append(f"| {obj} | - |  |  | {src} | {tag} |")
        for k, it in enumerate(items):
            first = k == 0
            lines.append(
                f"| {obj if first else ''} | {cell(it.key)} | {cell(it.value)} | {cell(it.unit)} "
                f"| {src if first else ''} | {tag if first else ''} |"
            )
    if block.uncertain:
        lines += [
            "",
            "**Inputs given as distributions** (Monte Carlo samples them; every other figure "
            "uses the point value)",
            "",
            "| input | distribution | point value |",
            "|---|---|---:|",
        ]
        lines += [
            f"| {cell(u.path)} | {cell(u.distribution)} | {cell(u.point)} |"
            for u in block.uncertain
        ]
    return "\n".join(lines)


def figure_md(f: Figure, folder: Path, files: dict[Path, bytes]) -> str:
    try:
        png = plots.to_png(f.draw())
    except plots.MissingPlotting as e:
        return f"**{f.title}**\n\n> {e}\n>\n> {f.alt}"
    except Exception as e:  # one bad chart must not cost the whole report
        log.warning("chart %s failed", f.id, exc_info=e)
        return f"**{f.title}**\n\n> chart could not be drawn: {e}\n>\n> {f.alt}"
    path = folder / f"{f.id}.png"
    files[path] = png
    return f"**{f.title}**\n\n![{f.title}]({folder.name}/{path.name})\n\n*{f.alt}*"


def section_md(s: Section, folder: Path, files: dict[Path, bytes]) -> str:
    parts = [f"## {s.title}"]
    for b in s.blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
        elif isinstance(b, Note):
            label = {"warning": "Warning", "missing": "Missing sources"}.get(b.kind, "Note")
            parts.append(f"> **{label}:** {b.text}")
        elif isinstance(b, Table):
            parts.append(table_md(b))
        elif isinstance(b, Figure):
            parts.append(figure_md(b, folder, files))
        elif isinstance(b, Inputs):
            parts.append(inputs_md(b))
        else:
            raise TypeError(f"unknown block {type(b).__name__}")
    return "\n\n".join(parts)


def render_markdown(report: Report, path: str | Path) -> tuple[str, dict[Path, bytes]]:
    """The report's Markdown text and its chart files (path -> PNG bytes), for ``path``."""
    path = Path(path)
    folder = path.with_name(f"{path.stem}_files")
    files: dict[Path, bytes] = {}
    out = [f"# {report.title}"]
    if report.subtitle:
        out.append(report.subtitle)
    out.append("\n".join(f"- **{k}:** {cell(v)}" for k, v in report.meta))
    out.append(
        "Contents: " + " · ".join(f"[{s.title}](#{_anchor(s.title)})" for s in report.sections)
    )
    out += [section_md(s, folder, files) for s in report.sections]
    if report.skipped:
        out.append("Not in this report: " + "; ".join(report.skipped) + ".")
    out.append(
        "Every package in this report was re-checked against the problem independently of the "
        "solver (every limit and relation; its values recomputed)."
    )
    return "\n\n".join(out) + "\n", files


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    keep = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return keep.replace(" ", "-")


def write_markdown(report: Report, path: str | Path) -> list[Path]:
    """Write the charts, then the Markdown file, each atomically; return the paths."""
    path = Path(path)
    # through a symbolic link, the charts go beside the file the link points to
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    text, files = render_markdown(report, real)
    made = _chart_folder(files)
    written, new = [], []
    try:
        for p, data in files.items():
            existed = p.exists()
            atomic_write(p, data)
            written.append(p)
            if not existed:
                new.append(p)
        atomic_write(path, text)
    except BaseException:  # no report: no charts of this run left behind either
        for p in new:
            p.unlink(missing_ok=True)
        if made is not None:
            with contextlib.suppress(OSError):  # not empty: files of the user's own
                made.rmdir()
        raise
    return [path, *written]


def _chart_folder(files: dict) -> Path | None:
    """Check, before anything is written, that the charts can go where they go: their folder
    is a folder (or is made: returned) and no chart's name is taken by a folder."""
    from ..errors import OutputError

    if not files:
        return None
    folder = next(iter(files)).parent
    if folder.exists() and not folder.is_dir():
        raise OutputError("cannot write the report's charts: it is not a folder", where=str(folder))
    for p in files:
        if p.is_dir():
            raise OutputError("cannot write the output: it is a directory", where=str(p))
    if folder.exists():
        return None
    try:
        folder.mkdir()
    except OSError as e:
        raise OutputError(f"cannot make the charts' folder: {e.strerror}", where=str(folder)) from e
    return folder
