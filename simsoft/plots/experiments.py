"""Figures of experiments and comparisons: distributions per variant, paired differences, side by side."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simsoft.plots.common import PALETTE, metric_label, new_figure, wrap

__all__ = ["metric_distributions", "paired_differences", "comparison"]


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
                         variants: Sequence[str], title: str = "", seed: int = 0) -> Figure:
    """Side-by-side distributions of each metric per variant: box (quartiles, 5-95th whiskers), the runs
    as dots (horizontal jitter from ``seed``), and the mean with its 95 % interval.

    ``samples[variant][metric]`` holds one value per replication (NaN where never reached).
    """
    rng = np.random.default_rng(seed)
    fig, axes = _grid(len(metrics))
    for ax, metric in zip(axes, metrics):
        allv = np.concatenate([np.asarray(samples[v][metric], dtype=float) for v in variants]) if variants else np.zeros(0)
        label, scale = metric_label(metric, allv)
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
                low = min(half, mean) if label.endswith("(people)") else half
                ax.errorbar(positions[i] + 0.32, mean, yerr=[[low], [half]], fmt="D", color="#d1495b", ms=4, capsize=3, zorder=3)
        ticks = [wrap(v, 14) + (f"\n({missing[i]} not reached)" if missing[i] else "") for i, v in enumerate(variants)]
        ax.set_xticks(positions, ticks, fontsize=7.5, rotation=30 if len(variants) > 3 else 0,
                      ha="right" if len(variants) > 3 else "center")
        ax.set_xlim(0.4, len(variants) + 0.7)
        ax.set_ylabel(label, fontsize=9)
        ax.set_title(label, fontsize=9)
        ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    handles = [Patch(facecolor="#deebf7", edgecolor="#4a4a4a", label="quartiles, whiskers 5-95th pct"),
               Line2D([], [], color="#08519c", lw=2, label="median"),
               Line2D([], [], marker="D", color="#d1495b", ls="", label="mean ± 95 % CI"),
               Line2D([], [], marker=".", color="#777777", ls="", label="one replication")]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def paired_differences(summary: Mapping[str, Any], *, metrics: Sequence[str], title: str = "") -> Figure:
    """Mean paired difference (variant - reference) of each metric with its 95 % interval, per variant.

    Intervals that exclude zero (a real effect at that confidence) are drawn solid, others hollow.
    """
    ref = summary["reference"]
    variants = list(summary.get("differences", {}))
    fig, axes = _grid(len(metrics), ncols=2, w=5.2, h=0.7 + 0.55 * max(2, len(variants)))
    for ax, metric in zip(axes, metrics):
        rows = [summary["differences"][v].get(metric) or {} for v in variants]
        vals = np.array([abs(r.get(k) or 0.0) for r in rows for k in ("ci_low", "ci_high", "mean")], dtype=float)
        label, scale = metric_label(metric, vals)
        for i, r in enumerate(rows):
            mean = r.get("mean")
            if mean is None:
                ax.text(0, i, "not reached", va="center", fontsize=8, color="#777777")
                continue
            lo, hi = r.get("ci_low"), r.get("ci_high")
            solid = bool(r.get("significant"))
            if lo is not None and hi is not None:
                ax.plot([lo * scale, hi * scale], [i, i], color="#1b6ca8", lw=2)
            ax.plot([mean * scale], [i], "o", ms=7, color="#1b6ca8", mfc="#1b6ca8" if solid else "white", mew=1.5)
        ax.axvline(0, color="#555555", lw=1)
        ax.set_yticks(range(len(variants)), [wrap(v, 18) for v in variants], fontsize=8)
        ax.set_ylim(len(variants) - 0.5, -0.5)
        ax.set_xlabel(f"difference in {label}", fontsize=8.5)
        ax.set_title(label, fontsize=9)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    handles = [Line2D([], [], marker="o", color="#1b6ca8", label="mean difference, 95 % CI excludes 0"),
               Line2D([], [], marker="o", color="#1b6ca8", mfc="white", label="95 % CI includes 0")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(title or f"paired differences to '{ref}' (same seeds; left of 0: lower, which is better)", fontsize=11)
    return fig


def comparison(entries: Sequence[tuple[str, Mapping[str, tuple[float | None, float | None, float | None]]]], *,
               metrics: Sequence[str], title: str = "") -> Figure:
    """Runs and experiments side by side: per metric, each entry's value (a run) or mean with 95 % CI.

    ``entries`` is ``[(label, {metric: (value, ci_low, ci_high)}), ...]``; an interval may be ``None``.
    """
    fig, axes = _grid(len(metrics), ncols=2, w=5.2, h=0.9 + 0.5 * max(2, len(entries)))
    # Folder names start with a UTC time stamp; the figure drops it (the table keeps it).
    short = [re.sub(r"\d{8}T\d{6}Z-", "", lbl).replace("-sweep-", " sweep ") for lbl, _ in entries]
    if len(set(short)) < len(short):  # two runs of the same seed: keep the time stamp that tells them apart
        short = [lbl for lbl, _ in entries]
    for k, (ax, metric) in enumerate(zip(axes, metrics)):
        vals = np.array([abs(x) for _, d in entries for x in (d.get(metric) or (None,)) if x is not None], dtype=float)
        label, scale = metric_label(metric, vals if len(vals) else None)
        for i, (_, d) in enumerate(entries):
            value, lo, hi = d.get(metric) or (None, None, None)
            if value is None:
                ax.text(0.02, i, "not reached" if metric in d else "no such metric", va="center", fontsize=8,
                        color="#777777",
                        transform=ax.get_yaxis_transform())
                continue
            if lo is not None and hi is not None:
                ax.plot([lo * scale, hi * scale], [i, i], color=PALETTE[i % len(PALETTE)], lw=2)
                marker = "D"
            else:
                marker = "o"
            ax.plot([value * scale], [i], marker, ms=7, color=PALETTE[i % len(PALETTE)])
        ax.set_yticks(range(len(entries)), [wrap(lbl, 30) for lbl in short] if k % 2 == 0 else [], fontsize=7.5)
        ax.set_ylim(len(entries) - 0.5, -0.5)
        ax.set_xlabel(label, fontsize=8.5)
        ax.set_title(label, fontsize=9)
        ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    handles = [Line2D([], [], marker="o", color="#555555", ls="", label="single run"),
               Line2D([], [], marker="D", color="#555555", label="experiment mean ± 95 % CI")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
