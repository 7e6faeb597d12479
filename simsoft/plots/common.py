"""Shared pieces of the figures: palette, figure factory, axis labels with units, time axes."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from simsoft.reports.document import is_count_metric
from simsoft.reports.names import METRIC_NAMES

__all__ = ["PALETTE", "new_figure", "metric_label", "difference_label", "is_count", "pad_flat_axis", "wrap", "time_axis",
           "BETTER", "WORSE", "NEUTRAL", "native_layout", "shape", "shape_for", "figure_words", "fitted_title"]

PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a5f", "#5c5c5c",
           "#e36414", "#3d5a80"]
"""Line and marker colours, in order."""

BETTER, WORSE, NEUTRAL = "#1b6ca8", "#c0392b", "#8c8c8c"
"""Colours of a difference: meaningfully lower (better), meaningfully higher (worse), not meaningful."""


def new_figure(w: float, h: float) -> Figure:
    """A ``pyplot``-free figure of ``w`` x ``h`` inches with constrained layout."""
    return Figure(figsize=(w, h), dpi=110, layout="constrained")


def metric_label(metric: str, values: np.ndarray | None = None, lang: str = "en") -> tuple[str, float]:
    """An axis label in words with unit for a dotted metric key, and the factor to scale values by.

    Times (``_s``) longer than five minutes are shown in minutes. ``lang``: the words and units' language
    (:mod:`simsoft.i18n`; not shaped for a figure yet).

    >>> metric_label("egress.t95_s", np.array([600.0]))
    ('time until 95 % are out (min)', 0.016666666666666666)
    >>> metric_label("medical.deaths", None, "fr")[0], metric_label("egress.t95_s", np.array([600.0]), "ar")[0]
    ('décès (personnes)', 'الوقت حتى خروج 95 % من الأشخاص (د)')
    """
    if lang != "en":
        from simsoft.i18n import translator
        from simsoft.reports.names import metric_name

        tr = translator(lang)
        label, scale = metric_label(metric, values)
        name, unit = (label[:-1].rsplit(" (", 1) + [""])[:2] if label.endswith(")") else (label, "")
        words = {"s": tr.units[0], "min": tr.units[1], "h": tr.units[2], "people": tr("people"),
                 "person-min": tr("person-min")}
        name = metric_name(metric, lang) if metric in METRIC_NAMES else name
        return (f"{name} ({words.get(unit, unit)})" if unit else name), scale
    if metric in METRIC_NAMES:
        named = METRIC_NAMES[metric]
        suffix = "_s" if metric.endswith("_s") else ("_person_min" if metric.endswith("_person_min") else "")
        base_label, scale = metric_label(metric[: len(metric) - len(suffix)] + "X" + suffix if suffix else metric + ".total",
                                         values)
        return f"{named} ({base_label.rsplit('(', 1)[1]}" if "(" in base_label else named, scale
    name = metric
    if metric.endswith("_s"):
        finite = np.asarray(values, dtype=float)[np.isfinite(values)] if values is not None else np.zeros(0)
        top = float(np.abs(finite).max()) if finite.size else 0.0
        spread = float(finite.max() - finite.min()) if finite.size else 0.0
        # Hours only when the values spread over hours: 3.38 h against 3.42 h reads better as 203 and 205 min.
        if top > 3 * 3600 and (values is None or spread >= 3600):
            return f"{metric[:-2]} (h)", 1 / 3600
        return (f"{metric[:-2]} (min)", 1 / 60) if top > 300 else (f"{metric[:-2]} (s)", 1.0)
    for suffix, unit in (("_person_min", "person-min"), ("_min", "min"), ("_p_m2", "p/m²"), ("_m", "m")):
        if metric.endswith(suffix):
            return f"{metric[: -len(suffix)]} ({unit})", 1.0
    if is_count(metric):
        return f"{name} (people)", 1.0
    return name, 1.0


def is_count(metric: str) -> bool:
    """Whether ``metric`` counts people (whole people, never below zero).

    >>> is_count("medical.deaths"), is_count("egress.t95_s")
    (True, False)
    """
    return is_count_metric(metric)


def pad_flat_axis(ax: Any, values: Any, *, axis: str = "x", count: bool = False, around_zero: bool = False,
                  half_width: float = 0.0) -> bool:
    """Give an axis whose values are all equal a readable range instead of matplotlib's +-0.04.

    Counts get whole-number ticks; ``half_width`` widens the range to at least +-that (a threshold band
    drawn around the values stays visible as a band). Returns whether the values were flat.
    """
    v = np.asarray([x for x in np.ravel(values) if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    flat = v.size == 0 or float(v.max() - v.min()) < 1e-9
    get = ax.get_xaxis() if axis == "x" else ax.get_yaxis()
    if count:
        get.get_major_locator().set_params(integer=True)
    if flat:
        centre = float(v[0]) if v.size else 0.0
        half = max(1.0 if count or centre == 0 else abs(centre) * 0.1, half_width)
        lo, hi = (centre - half, centre + half)
        if count and not around_zero:
            lo = max(lo, -0.5) if centre >= 0 else lo
        (ax.set_xlim if axis == "x" else ax.set_ylim)(lo, hi)
    return flat


def difference_label(label: str, reference: str, lang: str = "en") -> str:
    """The x label of a difference panel whose title names the metric: ``difference (variant - base) in min``.

    >>> difference_label("deaths (people)", "base"), difference_label("share", "base")
    ('difference (variant - base) in people', 'difference (variant - base)')
    >>> difference_label("décès (personnes)", "base", "fr")
    'différence (variante - base) en personnes'
    """
    from simsoft.i18n import translator

    tr = translator(lang)
    unit = label.rsplit(" (", 1)[1].rstrip(")") if label.endswith(")") and " (" in label else ""
    return tr("difference (variant - %(reference)s)", reference=reference) + (tr(" in %(unit)s", unit=unit) if unit else "")


def wrap(text: str, width: int = 14) -> str:
    """Underscores to spaces, wrapped at ``width`` characters (tick labels, legends)."""
    return "\n".join(textwrap.wrap(text.replace("_", " "), width)) or text


def time_axis(max_s: float) -> tuple[float, str]:
    """Divisor and unit of a time axis: minutes up to 3 h, hours beyond."""
    return (3600.0, "h") if max_s > 3 * 3600 else (60.0, "min")


def native_layout() -> bool:
    """Whether matplotlib lays out complex scripts itself (3.11 and later, built with libraqm: Arabic letters
    joined and right-to-left runs ordered by matplotlib)."""
    from matplotlib import ft2font

    return bool(getattr(ft2font, "__libraqm_version__", None))


def shape(text: str, lang: str, *, native: bool | None = None) -> str:
    """``text`` ready for a figure in ``lang``: Arabic letters joined and ordered right to left where this
    matplotlib does not do it itself (before 3.11, or built without libraqm; ``native`` says which instead of
    asking), with arabic-reshaper and python-bidi (the ``i18n`` extra; without it the text goes as it is).
    DejaVu Sans has the Arabic glyphs.

    >>> shape("Prayer hall", "en"), shape("قاعة الصلاة", "ar", native=True)
    ('Prayer hall', 'قاعة الصلاة')
    """
    if lang != "ar" or not text:
        return text
    if native_layout() if native is None else native:
        return text
    try:
        import arabic_reshaper
        from bidi import get_display
    except ImportError:  # pragma: no cover - the i18n extra is missing
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line), base_dir="R") for line in text.split("\n"))


def figure_words(tr: Any) -> Any:
    """``say(message, **values)``: ``message`` in ``tr``'s language (:mod:`simsoft.i18n`), shaped for a figure."""

    def say(message: str, **values: Any) -> str:
        return shape(tr(message, **values), tr.lang)

    return say


def shape_for(tr: Any) -> Any:
    """:func:`shape` for ``tr``'s language, as one-argument function."""
    return lambda text: shape(text, tr.lang)


def fitted_title(text: str, fig: Any, lang: str, *, fontsize: float = 11) -> str:
    """A figure title in ``lang`` wrapped to the figure's width and shaped (a French or Arabic sentence runs
    longer than the English one the figure was sized for); English as it is, so its figures do not change.

    >>> from matplotlib.figure import Figure
    >>> fitted_title("a b c", Figure(figsize=(1, 1)), "en"), fitted_title("a" * 12 + " b" * 12, Figure(figsize=(1, 1)), "fr")
    ('a b c', 'aaaaaaaaaaaa b b b b\\nb b b b b b b b')
    """
    if lang == "en":
        return text
    chars = max(20, int(fig.get_figwidth() * 72 / (0.55 * fontsize)))  # about 0.55 em a character
    return shape("\n".join(textwrap.wrap(text, chars)) or text, lang)
