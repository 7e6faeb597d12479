"""Print documents as blocks, rendered to Markdown and to self-contained, print-ready HTML.

Blocks: ``("h", level, text)``, ``("p", text)``, ``("table", header, rows)`` with an optional fourth
item, a dict of options (``widths``: column widths in %, ``row_class``: a CSS class per row, ``cell_class``:
a function ``(row, col, value) -> class``), ``("fig", file, caption)``, ``("list", items)``,
``("lines", label, n)`` (ruled writing lines on paper), ``("pagebreak",)``.

The print CSS sizes pages so that both A4 (210 mm) and US Letter (216 mm) hold them: 18 mm side
margins leave 174 mm of text width; the paper itself is chosen with ``paper`` (``a4`` or ``letter``,
:data:`PAPERS`) and set in CSS ``@page``, which Chromium's print to PDF follows, tables use a fixed layout and wrap their cells, and the handling
marking is printed at the top and bottom of every page (a running header and footer in ``@page``
margin boxes are not supported by Chromium: the body sits in one table whose header and footer rows
repeat on every printed page).

>>> doc = PrintDoc("Drill", [("h", 1, "Scope"), ("list", ["one venue", "two hours"])])
>>> print(render_markdown(doc), end="")
# Drill
<BLANKLINE>
## Scope
<BLANKLINE>
- one venue
- two hours
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PrintDoc", "render_markdown", "render_html", "write_print_document", "PRINT_CSS", "PAPERS",
           "DEFAULT_PAPER", "page_css"]

PAPERS = {"a4": "A4", "letter": "letter"}
"""Paper sizes a printed document takes (``--paper``), as CSS ``@page`` names them."""

DEFAULT_PAPER = "a4"
"""A4 unless told otherwise: ISO 216 paper is the standard nearly everywhere outside the United States
and Canada, and a fixed default keeps the same command giving the same file on every machine (no
guess from the computer's locale). US exercise planners pass ``--paper letter``; the layout fits both."""


def page_css(paper: str = DEFAULT_PAPER) -> str:
    """The CSS ``@page`` rule for ``paper`` (``a4`` or ``letter``).

    >>> page_css("letter")
    '@page{size:letter;margin:20mm 18mm 18mm 18mm}'
    """
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use one of {', '.join(PAPERS)}")
    return f"@page{{size:{PAPERS[paper]};margin:20mm 18mm 18mm 18mm}}"



@dataclass
class PrintDoc:
    """A printable document: a title, blocks, an optional subtitle and handling marking."""

    title: str
    blocks: list[tuple[Any, ...]]
    subtitle: str | None = None
    handling: str | None = None
    meta: list[tuple[str, str]] = field(default_factory=list)
    lang: str = "en"
    """The document's language (``<html lang>``; Arabic pages are laid out right to left)."""


def _md(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: PrintDoc) -> str:
    """``doc`` as Markdown (figures linked as files)."""
    out: list[str] = []
    if doc.handling:
        out += [f"**{doc.handling}**", ""]
    out += [f"# {doc.title}", ""]
    if doc.subtitle:
        out += [f"*{doc.subtitle}*", ""]
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            out += ["#" * (b[1] + 1) + " " + b[2], ""]
        elif kind == "p":
            out += [b[1], ""]
        elif kind == "list":
            out += [f"- {i}" for i in b[1]] + [""]
        elif kind == "table":
            out.append("| " + " | ".join(_md(h) for h in b[1]) + " |")
            out.append("|" + "|".join("---" for _ in b[1]) + "|")
            out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in b[2]]
            out.append("")
        elif kind == "fig":
            out += [f"![{b[2]}]({b[1]})", "", f"*{b[2]}*", ""]
        elif kind == "lines":
            out += [f"{b[1]}:", ""] + ["_" * 60 + "  " for _ in range(b[2])] + [""]
    if doc.handling:
        out += [f"**{doc.handling}**", ""]
    return "\n".join(out).rstrip() + "\n"


PRINT_CSS = """
html{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:10pt;color:#111}
body{max-width:174mm;margin:1.5em auto;padding:0 1em}
h1{font-size:18pt;margin:0 0 .2em}h2{font-size:13.5pt;margin:1.4em 0 .4em;border-bottom:1.5px solid #234;
padding-bottom:.1em;break-after:avoid}h3{font-size:11pt;margin:1em 0 .3em;break-after:avoid}
h4{font-size:10pt;margin:.8em 0 .2em;break-after:avoid}
.subtitle{color:#444;margin:0 0 1em}
p{margin:.35em 0 .6em;line-height:1.35}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.3em 0 1em;font-size:8.6pt}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top;overflow-wrap:anywhere;
hyphens:auto}th{background:#e8edf2}tr{break-inside:avoid}thead{display:table-header-group}
td.good{background:#dcefdc}td.bad{background:#f6d6d3}td.warn{background:#fbe8c8}td.same{background:#eeeeee}
tr.strength td:first-child{border-left:4px solid #2e7d32}tr.improvement td:first-child{border-left:4px solid #c62828}
figure{margin:.6em 0 1.2em;break-inside:avoid}img{max-width:100%;height:auto}figcaption{font-size:8.6pt;color:#444}
ul{margin:.3em 0 .8em 1.2em;padding:0}li{margin:.15em 0}
.lines{margin:.3em 0 1em}.lines div{border-bottom:1px solid #888;height:1.6em}
.handling{font-weight:bold;text-align:center;font-size:8.5pt;letter-spacing:.02em;color:#7a0000}
.handling.top{margin-bottom:1em}.handling.bottom{margin-top:2em}
.pb{break-after:page}
table.page,table.page>*>tr>td{border:0;padding:0;margin:0;font-size:10pt}
table.page>thead>tr>td,table.page>tfoot>tr>td{font-weight:bold;text-align:center;font-size:8pt;color:#7a0000;
padding:0 0 4mm}table.page>tfoot>tr>td{padding:4mm 0 0}table.page>tfoot{display:table-footer-group}
table.page>tbody>tr{break-inside:auto}
@media print{body{max-width:none;margin:0;padding:0}.handling.top,.handling.bottom{display:none}}
@media screen{table.page>thead,table.page>tfoot{display:none}}
"""
"""Print CSS: fits A4 and Letter (174 mm text width), wrapped fixed-layout tables, no row split across pages
(the page size itself comes from :func:`page_css`)."""

RTL_CSS = """
th,td{text-align:right}ul{margin:.3em 1.2em .8em 0}
tr.strength td:first-child{border-left:1px solid #999;border-right:4px solid #2e7d32}
tr.improvement td:first-child{border-left:1px solid #999;border-right:4px solid #c62828}
html{font-family:"DejaVu Sans","Noto Sans Arabic","Noto Naskh Arabic",Arial,sans-serif}
"""
"""Added for a right-to-left document: cells, lists and the strength/improvement marks mirrored."""

_RTL = frozenset({"ar"})

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.=/'’-]*(?::[A-Za-z0-9_]+)*(?: [A-Za-z0-9][A-Za-z0-9_.=/'’-]*(?::[A-Za-z0-9_]+)*)*")
"""A run of left-to-right text inside right-to-left text: an id (``D7``, ``CT1.1``, ``OBJ2``), a typed action
(``close connection=lobby_front``) or words quoted in English, up to a colon that a space follows."""


def isolated(text: str) -> str:
    """``text`` escaped for HTML with every left-to-right run (:data:`_LATIN`) in a ``<bdi>`` (a bidi isolate), for a
    right-to-left page: ``D7: 5 د`` would otherwise join ``D7``, the colon and ``5`` into one left-to-right run and
    show the colon on the wrong side of the id for a right-to-left reader.

    >>> isolated("D7: 5 د"), isolated("CT1.1: إغلاق <x>")
    ('<bdi>D7</bdi>: 5 د', '<bdi>CT1.1</bdi>: إغلاق &lt;<bdi>x</bdi>&gt;')
    """
    out, last = [], 0
    for m in _LATIN.finditer(text):
        out += [html.escape(text[last:m.start()]), f"<bdi>{html.escape(m.group(0))}</bdi>"]
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def render_html(doc: PrintDoc, folder: str | os.PathLike[str], *, paper: str = DEFAULT_PAPER) -> str:
    """``doc`` as one self-contained HTML page (figures embedded from ``folder``), printed on ``paper``."""
    folder = Path(folder)
    # Text (not attributes) on a right-to-left page isolates its left-to-right runs (:func:`isolated`).
    a = html.escape
    e = isolated if doc.lang in _RTL else html.escape
    if doc.lang == "en":  # the English page exactly as before languages came
        head = '<html lang="en"><head><meta charset="utf-8">'
    else:
        head = f'<html lang="{a(doc.lang)}" dir="{"rtl" if doc.lang in _RTL else "ltr"}"><head><meta charset="utf-8">'
    css = PRINT_CSS + (RTL_CSS if doc.lang in _RTL else "")
    out = ["<!DOCTYPE html>", head, f"<title>{a(doc.title)}</title><style>\n{page_css(paper)}{css}</style></head><body>"]
    if doc.handling:
        out += [f'<table class="page"><thead><tr><td>{e(doc.handling)}</td></tr></thead>'
                f'<tfoot><tr><td>{e(doc.handling)}</td></tr></tfoot><tbody><tr><td>',
                f'<div class="handling top">{e(doc.handling)}</div>']
    out.append(f"<h1>{e(doc.title)}</h1>")
    if doc.subtitle:
        out.append(f'<p class="subtitle">{e(doc.subtitle)}</p>')
    for b in doc.blocks:
        kind = b[0]
        if kind == "h":
            out.append(f"<h{b[1] + 1}>{e(b[2])}</h{b[1] + 1}>")
        elif kind == "p":
            out.append(f"<p>{e(b[1])}</p>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            out.append(_table(b[1], b[2], b[3] if len(b) > 3 else {}, e))
        elif kind == "fig":
            data = base64.b64encode((folder / b[1]).read_bytes()).decode("ascii")
            out.append(f'<figure><img alt="{a(b[2])}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{e(b[2])}</figcaption></figure>")
        elif kind == "lines":
            out.append(f'<div class="lines"><strong>{e(b[1])}</strong>' + "<div></div>" * int(b[2]) + "</div>")
        elif kind == "pagebreak":
            out.append('<div class="pb"></div>')
    if doc.handling:
        out.append(f'<div class="handling bottom">{e(doc.handling)}</div></td></tr></tbody></table>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table(header: Sequence[Any], rows: Sequence[Sequence[Any]], opts: dict[str, Any],
           e: Callable[[str], str] = html.escape) -> str:
    widths = opts.get("widths")
    cols = "".join(f'<col style="width:{w}%">' for w in widths) if widths else ""
    out = [f"<table>{'<colgroup>' + cols + '</colgroup>' if cols else ''}<thead><tr>"
           + "".join(f"<th>{e(str(h))}</th>" for h in header) + "</tr></thead><tbody>"]
    row_class = opts.get("row_class") or []
    cell_class = opts.get("cell_class")
    for i, r in enumerate(rows):
        rc = f' class="{row_class[i]}"' if i < len(row_class) and row_class[i] else ""
        cells = []
        for j, c in enumerate(r):
            cc = cell_class(i, j, c) if cell_class else None
            cells.append(f'<td class="{cc}">{e(str(c))}</td>' if cc else f"<td>{e(str(c))}</td>")
        out.append(f"<tr{rc}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def write_print_document(folder: str | os.PathLike[str], doc: PrintDoc, stem: str, *,
                         paper: str = DEFAULT_PAPER) -> list[Path]:
    """Write ``stem.md`` and a self-contained ``stem.html`` (printed on ``paper``) into ``folder``; return their paths."""
    page_css(paper)  # a wrong paper is refused before anything is written
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    md, page = path / f"{stem}.md", path / f"{stem}.html"
    md.write_text(render_markdown(doc), encoding="utf-8")
    page.write_text(render_html(doc, path, paper=paper), encoding="utf-8")
    return [md, page]
