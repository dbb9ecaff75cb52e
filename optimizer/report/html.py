"""A report as one self-contained HTML file.

Everything is inline: the CSS in a ``<style>`` element, every chart as an ``<svg>`` element;
there is no script. A Content-Security-Policy ``<meta>`` forbids loading anything else, so
the page opens the same with no network, and a browser reports any attempt as an error.
Without matplotlib, each chart's place says so (and gives the chart's description).
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from . import plots
from .document import Figure, Inputs, Note, Paragraph, Report, Section, Table
from .number_format import format_column

log = logging.getLogger(__name__)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink: #1d2430; --muted: #5b6472; --line: #d9dee5; --band: #f5f7fa; --accent: #1f5fa8;
        --warn: #9a5b00; --bad: #b3261e; --good: #256b2f; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
header, main, footer, nav { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 1.6em; margin: 0 0 6px; }
h2 { font-size: 1.3em; margin: 36px 0 10px; padding-top: 10px; border-top: 2px solid var(--line); }
.subtitle { color: var(--muted); margin: 0 0 14px; max-width: 900px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0;
          font-size: 0.85em; color: var(--muted); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
nav ol { columns: 2; font-size: 0.92em; padding-left: 22px; }
nav a, td a { color: var(--accent); }
p { max-width: 900px; }
.scroll { overflow-x: auto; margin: 10px 0 18px; }
table { border-collapse: collapse; font-size: 0.86em; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { background: var(--band); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.em td { font-weight: 600; background: #fff8e6; }
tbody tr:hover td { background: #f0f4fa; }
figure { margin: 14px 0 22px; }
figure svg { max-width: min(100%, 900px); height: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.alt { color: var(--muted); font-size: 0.85em; margin: 2px 0 0; }
.nochart { border: 1px dashed var(--line); padding: 18px; color: var(--muted); }
.note { border-left: 4px solid var(--accent); background: var(--band); padding: 8px 12px;
        max-width: 900px; }
.note.warning { border-color: var(--warn); }
.note.missing { border-color: var(--bad); }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.85em;
       white-space: nowrap; }
.tag-source { background: #e3f1e5; color: var(--good); }
.tag-judgment, .tag-source-judgment { background: #fdf0d8; color: var(--warn); }
.tag-missing { background: #fbe3e1; color: var(--bad); font-weight: 700; }
td.source { min-width: 340px; max-width: 560px; overflow-wrap: anywhere; font-size: 0.95em; }
td.val { max-width: 300px; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
td.unit { white-space: nowrap; }
td.obj { min-width: 180px; max-width: 300px; overflow-wrap: anywhere; }
.small { font-size: 0.85em; color: var(--muted); }
footer { color: var(--muted); font-size: 0.85em; padding-bottom: 40px; }
@media print { nav { display: none; } figure, table { break-inside: avoid; } }
"""

_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]'&]")


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def linkify(text: str) -> str:
    """Escaped text with its http(s) URLs as links (opened only when clicked)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(esc(text[last : m.start()]))
        url = m.group(0)
        out.append(f'<a href="{esc(url)}" rel="noreferrer noopener">{esc(url)}</a>')
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def table_html(t: Table) -> str:
    cols = [format_column([r[j] for r in t.rows]) for j in range(len(t.columns))]
    right = set(t.right)
    idattr = f' id="{esc(t.id)}"' if t.id else ""
    parts = [f'<div class="scroll"><table{idattr}>']
    if t.caption:
        parts.append(f"<caption>{esc(t.caption)}</caption>")
    head = "".join(
        f'<th{" class=num" if j in right else ""} scope="col">{esc(c)}</th>'
        for j, c in enumerate(t.columns)
    )
    parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
    for i in range(len(t.rows)):
        em = t.emphasis is not None and i < len(t.emphasis) and t.emphasis[i]
        cells = "".join(
            f"<td{' class=num' if j in right else ''}>{linkify(col[i])}</td>"
            for j, col in enumerate(cols)
        )
        parts.append(f"<tr{' class=em' if em else ''}>{cells}</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def figure_html(f: Figure) -> str:
    head = f'<figure id="{esc(f.id)}"><figcaption>{esc(f.title)}</figcaption>'
    alt = f'<p class="alt">{esc(f.alt)}</p></figure>'
    try:
        fig = f.draw()
        svg = plots.to_svg(fig, f.id)
    except plots.MissingPlotting as e:
        return f'{head}<p class="nochart">{esc(e)}</p>{alt}'
    except Exception as e:  # one bad chart must not cost the whole report
        log.warning("chart %s failed", f.id, exc_info=e)
        return f'{head}<p class="nochart">chart could not be drawn: {esc(e)}</p>{alt}'
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(f.title)}" ', 1)
    return f"{head}{svg}{alt}"


def _tag(tag: str) -> str:
    cls = "tag-" + tag.replace(" + ", "-").replace(" ", "-")
    return f'<span class="tag {cls}">{esc(tag)}</span>'


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def inputs_html(block: Inputs) -> str:
    parts = [
        '<div class="scroll"><table id="inputs-table"><caption>Every input and its source</caption>'
        "<thead><tr>"
        '<th scope="col">object</th><th scope="col">input</th><th scope="col">value'
        '</th><th scope="col">unit</th><th scope="col">source</th><th scope="col">tag</th>'
        "</tr></thead><tbody>"
    ]
    for g in block.groups:
        items = g.items or ()
        n = max(len(items), 1)
        obj = (
            f'<td class="obj" rowspan="{n}"><b>{esc(g.label)}</b><br>'
            f'<span class="small">{esc(g.kind)} · {esc(g.path)}</span>'
            + (f'<br><span class="small">{esc(_clip(g.name))}</span>' if g.name else "")
            + "</td>"
        )
        src = linkify(g.source) if g.source.strip() else "<b>no source given</b>"
        if g.source_from:
            src += f' <span class="small">(from its {esc(g.source_from)})</span>'
        tail = f'<td class="source" rowspan="{n}">{src}</td><td rowspan="{n}">{_tag(g.tag)}</td>'
        cls = ' class="missing-source"' if g.missing else ""
        if not items:
            parts.append(f"<tr{cls}>{obj}<td>-</td><td></td><td></td>{tail}</tr>")
            continue
        for k, it in enumerate(items):
            cells = f'<td>{esc(it.key)}</td><td class="val">{esc(it.value)}</td><td class="unit">{esc(it.unit)}</td>'
            parts.append(
                f"<tr{cls}>{obj}{cells}{tail}</tr>" if k == 0 else f"<tr{cls}>{cells}</tr>"
            )
    parts.append("</tbody></table></div>")
    if block.uncertain:
        rows = "".join(
            f"<tr><td>{esc(u.path)}</td><td>{esc(u.distribution)}</td>"
            f"<td class=num>{esc(u.point)}</td></tr>"
            for u in block.uncertain
        )
        parts.append(
            '<div class="scroll"><table id="uncertain-inputs"><caption>Inputs given as '
            "distributions (Monte Carlo samples them; every other figure uses the point value)"
            '</caption><thead><tr><th scope="col">input</th><th scope="col">distribution</th>'
            f'<th class=num scope="col">point value</th></tr></thead><tbody>{rows}</tbody>'
            "</table></div>"
        )
    return "".join(parts)


def block_html(b) -> str:
    if isinstance(b, Paragraph):
        return f"<p>{linkify(b.text)}</p>"
    if isinstance(b, Note):
        return f'<p class="note {esc(b.kind)}">{linkify(b.text)}</p>'
    if isinstance(b, Table):
        return table_html(b)
    if isinstance(b, Figure):
        return figure_html(b)
    if isinstance(b, Inputs):
        return inputs_html(b)
    raise TypeError(f"unknown block {type(b).__name__}")


def section_html(s: Section) -> str:
    body = "\n".join(block_html(b) for b in s.blocks)
    return f'<section id="{esc(s.id)}">\n<h2>{esc(s.title)}</h2>\n{body}\n</section>'


def render_html(report: Report) -> str:
    """The whole report as one HTML document (a string)."""
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in report.meta)
    nav = "".join(f'<li><a href="#{esc(s.id)}">{esc(s.title)}</a></li>' for s in report.sections)
    sections = "\n".join(section_html(s) for s in report.sections)
    skipped = ""
    if report.skipped:
        skipped = "<p>Not in this report: " + esc("; ".join(report.skipped)) + ".</p>"
    subtitle = f'<p class="subtitle">{esc(report.subtitle)}</p>' if report.subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="commitment-optimizer">
<title>{esc(report.title)}: analysis report</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{esc(report.title)}</h1>
{subtitle}
<dl class="meta">{meta}</dl>
</header>
<nav aria-label="Contents"><ol>{nav}</ol></nav>
<main>
{sections}
</main>
<footer>
{skipped}
<p>Every package in this report was re-checked against the problem independently of the
solver (every limit and relation; its values recomputed). Numbers are in the problem's units.</p>
</footer>
</body>
</html>
"""
