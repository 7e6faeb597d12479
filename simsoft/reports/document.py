"""Documents: a report as a list of blocks, rendered to Markdown and to self-contained HTML.

A :class:`Doc` is built once as blocks (headings, paragraphs, tables, figures, collapsible details)
and rendered twice: to Markdown (figures linked as PNG files) and to HTML (figures embedded as base64
PNG, so the file can be mailed on its own). Figures are saved with :func:`save_figure` (fixed dpi, no
timestamp metadata), so the same figure gives the same bytes.

>>> doc = Doc("Drill", [("h", 1, "Summary"), ("table", ["what", "value"], [("people", "1,200")])])
>>> print(render_markdown(doc), end="")
# Drill
<BLANKLINE>
## Summary
<BLANKLINE>
| what | value |
|---|---|
| people | 1,200 |
>>> format_value(1234.5678), format_value(None), format_value(float("nan"))
('1,235', 'not reached', 'n/a')
"""

from __future__ import annotations

import base64
import html
import math
import re
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Doc", "render_markdown", "render_html", "write_document", "save_figure", "format_value", "human_value",
           "bare_number", "is_count_metric"]


@dataclass
class Doc:
    """A document as blocks: ``("h", level, text)``, ``("p", text)``, ``("table", header, rows)``,
    ``("fig", file, caption)``, ``("details", summary, [blocks])``."""

    title: str
    blocks: list[tuple[Any, ...]]
    lang: str = "en"
    """The language the document is written in (``<html lang>``; Arabic pages are right to left)."""


def _md_cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: Doc) -> str:
    """``doc`` as Markdown; figure blocks link their PNG file."""
    out = [f"# {doc.title}", ""]

    def render(blocks: Sequence[tuple[Any, ...]]) -> None:
        for b in blocks:
            if b[0] == "h":
                out.extend(["#" * (b[1] + 1) + " " + b[2], ""])
            elif b[0] == "p":
                out.extend([b[1], ""])
            elif b[0] == "table":
                header, rows = b[1], b[2]
                out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out.extend("| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows)
                out.append("")
            elif b[0] == "fig":
                out.extend([f"![{b[2]}]({b[1]})", "", f"*{b[2]}*", ""])
            elif b[0] == "details":
                out.extend([f"**{b[1]}**", ""])
                render(b[2])

    render(doc.blocks)
    return "\n".join(out).rstrip() + "\n"


_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.2em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:left;overflow-wrap:break-word}th{background:#f2f2f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto}
figure{margin:1em 0 2em}figcaption{color:#555;font-size:0.9em}details{margin:1em 0}"""


_NUMBER = re.compile(r"^[+-]?[\d,\u202f]*[.,]?\d+( ?%)?$")  # 1,234.5 (en), 1\u202f234,5 (fr)


def _is_num(x: Any) -> bool:
    """Whether a cell is a plain number (right-aligned); labels such as ``50 % out`` and values with
    words (``3 min 58 s``) stay left-aligned, so a column never zigzags."""
    return bool(_NUMBER.match(str(x).strip()))


def _cell(x: Any, lang: str = "en") -> str:
    """A table cell as HTML: a number and its unit (``21 min``, ``6 people``) never split across lines; in
    another language also a unit and the number after it (``2 د 51 ث``, ``3 h 5 min``), in any script.

    >>> _cell("2 د 51 ث", "ar")
    '2&nbsp;د&nbsp;51&nbsp;ث'
    """
    if lang != "en":
        text = re.sub(r"(\d) (?=[^\W\d_]|%)", "\\1&nbsp;", html.escape(str(x)))
        return re.sub(r"(?<![^\s;])([^\W\d_]{1,3}) (?=\d)", "\\1&nbsp;", text)
    return re.sub(r"(\d) (?=[a-z%])", "\\1&nbsp;", html.escape(str(x)))


def render_html(doc: Doc, folder: str | os.PathLike[str]) -> str:
    """``doc`` as one self-contained HTML page; figure blocks embed their PNG file from ``folder``."""
    folder = Path(folder)
    if doc.lang == "en":  # the English page exactly as before languages came
        head, css = '<html lang="en"><head><meta charset="utf-8">', _CSS
    else:
        # Right to left for Arabic; a cell or a paragraph takes the direction of its own first letters (a zone
        # named in English, a metric key), so mixed text keeps its order.
        rtl = doc.lang == "ar"
        head = f'<html lang="{html.escape(doc.lang)}" dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">'
        css = _CSS + ("td, th, p, figcaption, summary { unicode-bidi: plaintext; }" if rtl else "")
    out = ["<!DOCTYPE html>", head,
           f"<title>{html.escape(doc.title)}</title><style>{css}</style></head><body>",
           f"<h1>{html.escape(doc.title)}</h1>"]

    def render(blocks: Sequence[tuple[Any, ...]]) -> None:
        for b in blocks:
            if b[0] == "h":
                out.append(f"<h{b[1] + 1}>{html.escape(b[2])}</h{b[1] + 1}>")
            elif b[0] == "p":
                out.append(f"<p>{html.escape(b[1])}</p>")
            elif b[0] == "table":
                out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in b[1])
                           + "</tr></thead><tbody>")
                for r in b[2]:
                    cells = "".join(f'<td class="num">{_cell(c, doc.lang)}</td>' if _is_num(c)
                                    else f"<td>{_cell(c, doc.lang)}</td>" for c in r)
                    out.append(f"<tr>{cells}</tr>")
                out.append("</tbody></table>")
            elif b[0] == "fig":
                data = base64.b64encode((folder / b[1]).read_bytes()).decode("ascii")
                out.append(f'<figure><img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">'
                           f"<figcaption>{html.escape(b[2])}</figcaption></figure>")
            elif b[0] == "details":
                out.append(f"<details><summary>{html.escape(b[1])}</summary>")
                render(b[2])
                out.append("</details>")

    render(doc.blocks)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_document(folder: str | os.PathLike[str], doc: Doc, stem: str) -> list[str]:
    """Write ``doc`` as ``stem.md`` (figures linked) and a self-contained ``stem.html`` (figures embedded).

    Figure blocks name PNG files inside ``folder``. Returns the file names written.
    """
    path = Path(folder)
    (path / f"{stem}.md").write_text(render_markdown(doc), encoding="utf-8")
    (path / f"{stem}.html").write_text(render_html(doc, path), encoding="utf-8")
    return [f"{stem}.md", f"{stem}.html"]


def save_figure(fig: Any, path: str | os.PathLike[str]) -> None:
    """Save a matplotlib figure as PNG the way reports do (fixed dpi, no timestamp metadata)."""
    fig.savefig(Path(path), dpi=110, metadata={"Software": None})


def format_value(x: Any, digits: int = 4, *, lang: str = "en") -> str:
    """A metric value as reports print it: thousands separators, ``digits`` significant digits,
    ``not reached`` for ``None`` and ``n/a`` for a non-finite number (numbers and words in ``lang``).

    >>> format_value(1234.5678, lang="fr"), format_value(None, lang="ar")
    ('1\u202f235', 'لم يتحقق')
    """
    if lang != "en":
        from simsoft.i18n import translator

        tr = translator(lang)
        if x is None:
            return tr("not reached")
        if isinstance(x, float) and not math.isfinite(x):
            return tr("n/a")
        return tr.number(format_value(x, digits)) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)
    if x is None:
        return "not reached"
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "n/a"
        text = f"{x:,.{digits}g}" if abs(x) < 10 ** digits else f"{x:,.0f}"
        if "e" in text:  # tiny values: fixed notation, never "1.2e-05" in a table
            text = f"{x:.8f}".rstrip("0").rstrip(".")
        return text
    return str(x)


def human_value(metric: str, x: Any, *, low: Any = None, high: Any = None, lang: str = "en") -> str:
    """A metric value in human units: durations (``_s``) in s / min / h, counts of people as
    whole people with intervals clipped at zero; ``[low, high]`` appended when both are given.

    >>> human_value("egress.t95_s", 12770.0, low=12740.0, high=12800.0)
    '3 h 32 min [3 h 32 min, 3 h 33 min]'
    >>> human_value("casualties.total", 0.4, low=-0.2, high=1.0)
    '0.4 people [0, 1]'
    >>> human_value("medical.deaths", 1.0), human_value("medical.deaths", 2.0)
    ('1 person', '2 people')
    >>> human_value("incident.exposed_person_min", 257.0, low=-33.0, high=547.0)
    '257 person-min [0, 547]'
    >>> human_value("medical.deaths", 2.0, lang="ar"), human_value("egress.t95_s", 95.0, low=80.0, high=110.0, lang="fr")
    ('شخصان', '1 min 35 s [1 min 20 s ; 1 min 50 s]')
    """
    if lang != "en":
        return _human_value_in(metric, x, low=low, high=high, lang=lang)
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return format_value(x)
    from simsoft.units import format_duration

    count = is_count_metric(metric)
    # Times, counts and exposure cannot go below zero: neither can their interval bounds.
    if metric.endswith("_s"):
        def one(v: Any) -> str:
            return format_duration(max(0.0, float(v)))
    elif count:
        def one(v: Any) -> str:
            v = max(0.0, float(v))
            return f"{v:,.0f}" if abs(v - round(v)) < 0.05 else f"{v:,.1f}"
    elif metric.endswith("_person_min"):  # exposure: whole person-minutes from 10 up
        def one(v: Any) -> str:
            v = max(0.0, float(v))
            return f"{v:,.0f}" if v >= 10 or v == 0 else f"{v:,.1f}"
    else:
        def one(v: Any) -> str:
            return format_value(float(v))
    if count:
        from simsoft.units import format_count

        text = format_count(max(0.0, float(x)), "person")
    else:
        text = one(x) + (" person-min" if metric.endswith("_person_min") else "")
    if low is not None and high is not None and all(isinstance(v, (int, float)) and math.isfinite(v) for v in (low, high)):
        text += f" [{one(low)}, {one(high)}]"
    return text


def is_count_metric(metric: str) -> bool:
    """Whether ``metric`` counts people (whole people, never below zero)."""
    return metric.startswith(("casualties.", "medical.deaths", "medical.preventable_deaths")) or metric.endswith(
        (".exited", ".total", "_end", ".removed"))


def bare_number(metric: str, v: Any, *, lang: str) -> str:
    """One value of ``metric`` in ``lang`` without the word for people (``_s`` in s / min / h, clipped at zero):
    the cells of a table whose heading names the unit, and the bounds of an interval."""
    from simsoft.i18n import translator

    tr = translator(lang)
    if not (metric.endswith(("_s", "_person_min")) or is_count_metric(metric)):
        return format_value(float(v), lang=lang)
    v = max(0.0, float(v))
    if metric.endswith("_s"):
        return tr.duration(v)
    if is_count_metric(metric):
        return tr.fixed(v, 0 if abs(v - round(v)) < 0.05 else 1, grouped=True)
    return tr.fixed(v, 0 if v >= 10 or v == 0 else 1, grouped=True)


def _human_value_in(metric: str, x: Any, *, low: Any, high: Any, lang: str) -> str:
    """:func:`human_value` in a language other than English (:mod:`simsoft.i18n`: numbers, durations, plurals)."""
    from simsoft.i18n import translator

    tr = translator(lang)
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return format_value(x, lang=lang)
    if is_count_metric(metric):
        text = tr.ngettext("%(num)s person", "%(num)s people", max(0.0, float(x)))
    elif metric.endswith("_person_min"):
        text = tr("%(value)s person-min", value=bare_number(metric, x, lang=lang))
    else:
        text = bare_number(metric, x, lang=lang) if metric.endswith("_s") else format_value(float(x), lang=lang)
    if low is not None and high is not None and all(isinstance(v, (int, float)) and math.isfinite(v) for v in (low, high)):
        text += " " + tr("[%(low)s, %(high)s]", low=bare_number(metric, low, lang=lang), high=bare_number(metric, high, lang=lang))
    return text
