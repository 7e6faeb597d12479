"""Shared pieces of the figures: palette, figure factory, axis labels with units, time axes."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from simsoft.reports.names import METRIC_NAMES

__all__ = ["PALETTE", "new_figure", "metric_label", "wrap", "time_axis"]

PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a5f", "#5c5c5c",
           "#e36414", "#3d5a80"]
"""Line and marker colours, in order."""


def new_figure(w: float, h: float) -> Figure:
    """A ``pyplot``-free figure of ``w`` x ``h`` inches with constrained layout."""
    return Figure(figsize=(w, h), dpi=110, layout="constrained")


def metric_label(metric: str, values: np.ndarray | None = None) -> tuple[str, float]:
    """An axis label in words with unit for a dotted metric key, and the factor to scale values by.

    Times (``_s``) longer than five minutes are shown in minutes.

    >>> metric_label("egress.t95_s", np.array([600.0]))
    ('time until 95 % are out (min)', 0.016666666666666666)
    """
    if metric in METRIC_NAMES:
        named = METRIC_NAMES[metric]
        suffix = "_s" if metric.endswith("_s") else ("_person_min" if metric.endswith("_person_min") else "")
        base_label, scale = metric_label(metric[: len(metric) - len(suffix)] + "X" + suffix if suffix else metric + ".total",
                                         values)
        return f"{named} ({base_label.rsplit('(', 1)[1]}" if "(" in base_label else named, scale
    name = metric
    if metric.endswith("_s"):
        top = float(np.nanmax(np.abs(values))) if values is not None and np.isfinite(values).any() else 0.0
        if top > 3 * 3600:
            return f"{metric[:-2]} (h)", 1 / 3600
        return (f"{metric[:-2]} (min)", 1 / 60) if top > 300 else (f"{metric[:-2]} (s)", 1.0)
    for suffix, unit in (("_person_min", "person-min"), ("_min", "min"), ("_p_m2", "p/m²"), ("_m", "m")):
        if metric.endswith(suffix):
            return f"{metric[: -len(suffix)]} ({unit})", 1.0
    if metric.startswith(("casualties.", "medical.deaths", "medical.preventable_deaths")) or metric.endswith(
            (".exited", ".total", "_end", ".removed")):
        return f"{name} (people)", 1.0
    return name, 1.0


def wrap(text: str, width: int = 14) -> str:
    """Underscores to spaces, wrapped at ``width`` characters (tick labels, legends)."""
    return "\n".join(textwrap.wrap(text.replace("_", " "), width)) or text


def time_axis(max_s: float) -> tuple[float, str]:
    """Divisor and unit of a time axis: minutes up to 3 h, hours beyond."""
    return (3600.0, "h") if max_s > 3 * 3600 else (60.0, "min")


