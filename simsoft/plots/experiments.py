"""Figures of experiments and comparisons: distributions per variant, paired differences, side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simsoft.i18n import translator
from simsoft.plots.common import (BETTER, NEUTRAL, PALETTE, WORSE, difference_label, figure_words, fitted_title, is_count,
                                  metric_label, new_figure, pad_flat_axis, shape, wrap)
from simsoft.reports.names import short_labels

__all__ = ["metric_distributions", "paired_differences", "comparison", "short_labels"]


# --------------------------------------------------------------------------------- experiments: variants
def _grid(n: int, ncols: int = 3, w: float = 4.2, h: float = 3.6) -> tuple[Figure, list[Any]]:
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = new_figure(w * ncols, h * nrows)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def metric_distributions(samples: Mapping[str, Mapping[str, np.ndarray]], *, metrics: Sequence[str],
                         variants: Sequence[str], title: str = "", seed: int = 0, lang: str = "en") -> Figure:
    """Side-by-side distributions of each metric per variant: box (quartiles, 5-95th whiskers), the runs
    as dots (horizontal jitter from ``seed``), and the mean with its 95 % interval; words in ``lang``.

    ``samples[variant][metric]`` holds one value per replication (NaN where never reached).
    """
    tr = translator(lang)
    say = figure_words(tr)
    rng = np.random.default_rng(seed)
    # Many variants: wider panels, two a row, so tick labels never run together.
    many = len(variants) > 4
    fig, axes = _grid(len(metrics), ncols=2 if many else 3, w=max(4.2, 0.75 * len(variants) + 1.0))
    for ax, metric in zip(axes, metrics):
        allv = np.concatenate([np.asarray(samples[v][metric], dtype=float) for v in variants]) if variants else np.zeros(0)
        label, scale = metric_label(metric, allv, lang)
        people = metric_label(metric, allv)[0].endswith("(people)")  # whole people, never below zero
        data, missing = [], []
        for v in variants:
            x = np.asarray(samples[v][metric], dtype=float)
            data.append(x[np.isfinite(x)] * scale)
            missing.append(int((~np.isfinite(x)).sum()))
        positions = np.arange(1, len(variants) + 1)
        nonempty = [i for i, d in enumerate(data) if len(d)]
        if nonempty:
            ax.boxplot([data[i] for i in nonempty], positions=positions[nonempty], widths=0.5, whis=(5, 95),
                       showfliers=False, patch_artist=True,
                       boxprops={"facecolor": "#deebf7", "edgecolor": "#4a4a4a"},
                       medianprops={"color": "#08519c", "lw": 2})
        for i, d in enumerate(data):
            if not len(d):
                continue
            jitter = rng.uniform(-0.18, 0.18, size=len(d))
            ax.plot(positions[i] + jitter, d, ".", ms=3, alpha=0.35, color=PALETTE[i % len(PALETTE)], zorder=1)
            mean = float(d.mean())
            if len(d) > 1:
                from simsoft.experiments.stats import t_quantile

                half = t_quantile(0.975, len(d) - 1) * float(d.std(ddof=1)) / math.sqrt(len(d))
                # A count of people cannot go below zero: its interval is clipped there.
                low = min(half, mean) if people else half
                ax.errorbar(positions[i] + 0.32, mean, yerr=[[low], [half]], fmt="D", color="#d1495b", ms=4, capsize=3, zorder=3)
        pad_flat_axis(ax, np.concatenate(data) if data else [], axis="y", count=people)
        ticks = [wrap(v, 14) + ("\n" + say("(%(n)s not reached)", n=missing[i]) if missing[i] else "")
                 for i, v in enumerate(variants)]
        ax.set_xticks(positions, ticks, fontsize=8, rotation=30 if len(variants) > 3 else 0,
                      ha="right" if len(variants) > 3 else "center")
        ax.set_xlim(0.4, len(variants) + 0.7)
        ax.set_ylabel(shape(label, lang), fontsize=9)
        ax.set_title(shape(label.rsplit(" (", 1)[0], lang), fontsize=10)
        ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    handles = [Patch(facecolor="#deebf7", edgecolor="#4a4a4a", label=say("quartiles, whiskers 5-95th pct")),
               Line2D([], [], color="#08519c", lw=2, label=say("median")),
               Line2D([], [], marker="D", color="#d1495b", ls="", label=say("mean ± 95 %% CI")),
               Line2D([], [], marker=".", color="#777777", ls="", label=say("one replication"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    if title:
        fig.suptitle(fitted_title(title, fig, lang, fontsize=12))
    return fig


def paired_differences(summary: Mapping[str, Any], *, metrics: Sequence[str], title: str = "", lang: str = "en") -> Figure:
    """Mean paired difference (variant - reference) of each metric with its 95 % interval, per variant.

    A grey band around zero spans the practical threshold (:func:`~simsoft.experiments.stats.practical_threshold`):
    a difference is *meaningful* when its interval excludes zero and its mean lies outside the band. Meaningful
    differences are filled, blue when lower (better) and red when higher (worse); the rest are hollow grey.
    """
    from simsoft.experiments.stats import meaningful, practical_threshold

    tr = translator(lang)
    say = figure_words(tr)
    ref = summary["reference"]
    variants = list(summary.get("differences", {}))
    fig, axes = _grid(len(metrics), ncols=2, w=5.2, h=0.9 + 0.55 * max(2, len(variants)))
    for ax, metric in zip(axes, metrics):
        rows = [summary["differences"][v].get(metric) or {} for v in variants]
        vals = np.array([abs(r.get(k) or 0.0) for r in rows for k in ("ci_low", "ci_high", "mean")], dtype=float)
        label, scale = metric_label(metric, vals, lang)
        band = practical_threshold(metric) * scale
        if band > 0:
            ax.axvspan(-band, band, color="#ebebeb", zorder=0)
        drawn = []
        for i, r in enumerate(rows):
            mean = r.get("mean")
            if mean is None:
                ax.text(0, i, say("not reached"), va="center", fontsize=8, color="#777777")
                continue
            lo, hi = r.get("ci_low"), r.get("ci_high")
            colour = (BETTER if mean < 0 else WORSE) if meaningful(metric, r) else NEUTRAL
            if lo is not None and hi is not None:
                ax.plot([lo * scale, hi * scale], [i, i], color=colour, lw=2)
                drawn += [lo * scale, hi * scale]
            ax.plot([mean * scale], [i], "o", ms=7, color=colour, mfc=colour if colour != NEUTRAL else "white", mew=1.5)
            drawn.append(mean * scale)
        ax.axvline(0, color="#555555", lw=1)
        if pad_flat_axis(ax, drawn, count=is_count(metric), around_zero=True, half_width=1.5 * band) and drawn:
            ax.text(0.98, 0.02, say("no difference in any run"), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=8, color="#555555")
        ax.set_yticks(range(len(variants)), [wrap(v, 18) for v in variants], fontsize=8.5)
        ax.set_ylim(len(variants) - 0.5, -0.5)
        ax.set_xlabel(shape(difference_label(label, ref, lang), lang), fontsize=8.5)
        ax.set_title(shape(label.rsplit(" (", 1)[0], lang), fontsize=10)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    handles = [Line2D([], [], marker="o", color=BETTER, label=say("meaningfully lower (better)")),
               Line2D([], [], marker="o", color=WORSE, label=say("meaningfully higher (worse)")),
               Line2D([], [], marker="o", color=NEUTRAL, mfc="white", label=say("no meaningful difference")),
               Patch(color="#ebebeb", label=say("within the practical threshold")),
               Line2D([], [], color="#555555", label=say("line: 95 %% interval"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.suptitle(fitted_title(title or tr("Each variant against '%(reference)s': paired differences over the same seeds "
                                          "(lower is better)", reference=ref), fig, lang), fontsize=11)
    return fig


def comparison(entries: Sequence[tuple[str, Mapping[str, tuple[float | None, float | None, float | None]]]], *,
               metrics: Sequence[str], title: str = "", lang: str = "en") -> Figure:
    """Runs and experiments side by side: per metric, each entry's value (a run) or mean with 95 % CI.

    ``entries`` is ``[(label, {metric: (value, ci_low, ci_high)}), ...]``; an interval may be ``None``.
    """
    say = figure_words(translator(lang))
    fig, axes = _grid(len(metrics), ncols=2, w=5.6, h=0.9 + 0.42 * max(2, len(entries)))
    short = short_labels([lbl for lbl, _ in entries], lang)
    run_colour, exp_colour = "#333333", PALETTE[0]
    for k, (ax, metric) in enumerate(zip(axes, metrics)):
        vals = np.array([x for _, d in entries for x in (d.get(metric) or (None,)) if x is not None], dtype=float)
        label, scale = metric_label(metric, vals if len(vals) else None, lang)
        for i, (_, d) in enumerate(entries):
            value, lo, hi = d.get(metric) or (None, None, None)
            if value is None:
                ax.text(0.02, i, say("not reached") if metric in d else say("no such metric"), va="center", fontsize=8,
                        color="#777777",
                        transform=ax.get_yaxis_transform())
                continue
            if lo is not None and hi is not None:
                if is_count(metric):
                    lo = max(0.0, lo)
                ax.plot([lo * scale, hi * scale], [i, i], color=exp_colour, lw=2)
                ax.plot([value * scale], [i], "D", ms=7, color=exp_colour)
            else:
                ax.plot([value * scale], [i], "o", ms=7, color=run_colour)
        pad_flat_axis(ax, vals * scale, count=is_count(metric))
        ax.set_yticks(range(len(entries)), [shape(wrap(lbl, 34), lang) for lbl in short] if k % 2 == 0 else [], fontsize=8)
        ax.set_ylim(len(entries) - 0.5, -0.5)
        ax.set_xlabel(shape(label, lang), fontsize=8.5)
        ax.set_title(shape(label.rsplit(" (", 1)[0], lang), fontsize=10)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    handles = [Line2D([], [], marker="o", color=run_colour, ls="", label=say("one run: its value")),
               Line2D([], [], marker="D", color=exp_colour, label=say("experiment variant: mean and 95 %% interval"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    if title:
        fig.suptitle(fitted_title(title, fig, lang), fontsize=11)
    return fig
