"""Figures of a parameter-uncertainty sweep: which parameters drive each outcome, and whether a
variant's advantage survives the uncertainty (read from ``uncertainty.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simsoft.i18n import N_, translator
from simsoft.plots.common import (BETTER, PALETTE, WORSE, difference_label, figure_words, fitted_title, is_count, metric_label,
                                  new_figure, pad_flat_axis, shape, wrap)

__all__ = ["parameter_sensitivity", "differences_over_parameters"]

_METHODS = (N_("prcc"), N_("spearman"))
"""The rank coefficients :func:`simsoft.experiments.uncertainty.rank_sensitivity` names, said in a figure's language."""


def _short(path: str, width: int = 38) -> str:
    """A parameter path that fits a tick label: its last whole components, which name the quantity.

    >>> _short("detection.public_calls.first_call.median", 31)
    '…public_calls.first_call.median'
    """
    if len(path) <= width:
        return path
    parts = path.split(".")
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + 1 + len(tail) + 1 > width:
            break
        tail = f"{part}.{tail}"
    return "…" + tail


def parameter_sensitivity(result: Mapping[str, Any], *, top: int = 8, lang: str = "en") -> Figure:
    """One panel per outcome metric: the ``top`` parameters by absolute rank coefficient, as signed bars.

    A bar to the right means the outcome grows with the parameter (worse for deaths and times); the
    coefficient is a partial rank correlation (or Spearman's, with few sets), between -1 and 1.
    """
    tr = translator(lang)
    say = figure_words(tr)
    metrics = list(result["sensitivity"])
    n = max(1, len(metrics))
    ncols = 2 if n > 1 else 1
    nrows = -(-n // ncols)
    fig = new_figure(6.6 * ncols, 0.55 + 0.32 * top * nrows + 0.9 * nrows)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax, metric in zip(axes, metrics):
        sens = result["sensitivity"][metric]
        rows = [c for c in sens["coefficients"] if c["coefficient"] is not None and abs(c["coefficient"]) > 1e-12][:top]
        values = [c["coefficient"] for c in rows]
        if not rows:
            ax.text(0.5, 0.5, say("this outcome did not vary over the sets:\nnothing to rank"), ha="center", va="center",
                    transform=ax.transAxes, fontsize=9, color="#555555")
        y = np.arange(len(rows))
        ax.barh(y, values, color=[WORSE if v > 0 else BETTER for v in values], height=0.65)
        ax.set_yticks(y, [_short(c["path"]) for c in rows], fontsize=8)
        ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
        ax.set_xlim(-1.0, 1.0)
        ax.axvline(0, color="#555555", lw=0.8)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
        ax.set_xlabel(say("rank coefficient (%(method)s, %(n)s sets)", method=tr(sens["method"]), n=sens["n"]), fontsize=8)
        ax.set_title(shape(metric_label(metric, None, lang)[0].rsplit(" (", 1)[0], lang), fontsize=10)
    fig.legend(handles=[Patch(color=WORSE, label=say("outcome rises with the parameter (worse)")),
                        Patch(color=BETTER, label=say("outcome falls as the parameter rises (better)"))],
               loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(fitted_title(tr("What drives each outcome over %(sets)s parameter sets (reference variant "
                                 "'%(reference)s')", sets=result["sets"], reference=result["reference"]), fig, lang),
                 fontsize=11)
    return fig


def differences_over_parameters(result: Mapping[str, Any], *, lang: str = "en") -> Figure | None:
    """Each variant's paired difference to the reference over the parameter sets, per metric: the
    sets as dots, the 5-95 % range as a bar, the mean as a diamond; left of zero is better (lower).

    ``None`` when the sweep had only the reference variant.
    """
    variants = list(result["differences"])
    if not variants:
        return None
    tr = translator(lang)
    say = figure_words(tr)
    metrics = list(result["metrics"])
    fig = new_figure(5.4 * min(2, len(metrics)), 1.0 + (1.0 + 0.42 * len(variants)) * -(-len(metrics) // 2))
    axes = np.atleast_1d(fig.subplots(-(-len(metrics) // 2), min(2, len(metrics)), squeeze=False)).ravel().tolist()
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    from simsoft.experiments.stats import practical_threshold

    rng = np.random.default_rng(0)
    for ax, metric in zip(axes, metrics):
        every = np.array([x for v in variants for x in (result["differences"][v][metric]["differences"] or [])
                          if x is not None], dtype=float)
        label, scale = metric_label(metric, every if every.size else None, lang)
        band = practical_threshold(metric) * scale
        if band > 0:
            ax.axvspan(-band, band, color="#ebebeb", zorder=0)
        for i, v in enumerate(variants):
            d = result["differences"][v][metric]
            xs = np.array([x for x in d["differences"] or [] if x is not None], dtype=float) * scale
            if xs.size == 0:
                ax.text(0, i, say("not reached"), va="center", fontsize=8, color="#777777")
                continue
            ax.plot(xs, i + rng.uniform(-0.18, 0.18, xs.size), "o", ms=3, color=PALETTE[0], alpha=0.45)
            if d["p05"] is not None and d["p95"] is not None:
                ax.plot([d["p05"] * scale, d["p95"] * scale], [i, i], color="#333333", lw=2.2)
            if d["mean"] is not None:
                ax.plot([d["mean"] * scale], [i], "D", ms=7, color="white", mec="#111111", mew=1.5)
        ax.axvline(0, color="#555555", lw=1)
        if pad_flat_axis(ax, every * scale, count=is_count(metric), around_zero=True, half_width=1.5 * band) and every.size:
            ax.text(0.98, 0.04, say("no difference in any set"), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=8, color="#555555")
        ax.set_yticks(range(len(variants)), [wrap(v, 18) for v in variants], fontsize=8.5)
        ax.set_ylim(len(variants) - 0.5, -0.5)
        ax.set_xlabel(shape(difference_label(label, result["reference"], lang), lang), fontsize=8.5)
        ax.set_title(shape(label.rsplit(" (", 1)[0], lang), fontsize=10)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    from matplotlib.lines import Line2D

    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=PALETTE[0], alpha=0.6, label=say("one parameter set")),
                        Line2D([], [], color="#333333", lw=2.2, label=say("5-95 %% of the sets")),
                        Line2D([], [], marker="D", ls="", color="white", mec="#111111", label=say("mean")),
                        Patch(color="#ebebeb", label=say("within the practical threshold"))],
               loc="outside lower center", ncol=2 if lang != "en" and len(metrics) == 1 else 4, fontsize=8, frameon=False)
    fig.suptitle(fitted_title(tr("Does the advantage survive parameter uncertainty? (left of 0: the variant does better)"),
                              fig, lang), fontsize=11)
    return fig
