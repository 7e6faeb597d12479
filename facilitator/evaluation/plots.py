"""Figures of the AAR/IP: the exercise timeline and the outcome comparisons.

Each function takes plain results and returns a matplotlib ``Figure``; it never runs a simulation.
matplotlib is imported inside the functions so ``import facilitator`` stays light.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["timeline_figure", "outcomes_figure", "variant_effects_figure", "compare_figure", "forecast_figure", "shape",
           "native_layout"]

_ARM_COLOURS = {"team": "#1f77b4", "doctrine": "#8c6bb1", "no_action": "#7f7f7f", "proposed": "#1f77b4",
                "no_further_action": "#7f7f7f"}
_STATUS_COLOURS = {"on time": "#2ca02c", "taken": "#2ca02c", "late": "#ff7f0e", "too late": "#d62728",
                   "missing": "#d62728", "not released": "#bbbbbb"}


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def native_layout() -> bool:
    """:func:`simsoft.plots.native_layout` (imported on use: ``import facilitator`` loads no matplotlib)."""
    from simsoft.plots import native_layout as native

    return native()


def shape(text: str, lang: str, *, native: bool | None = None) -> str:
    """``text`` ready for a figure in ``lang``: :func:`simsoft.plots.shape`, the run reports' own.

    >>> shape("قاعة الصلاة", "ar", native=True), shape("Prayer hall", "en", native=False)
    ('قاعة الصلاة', 'Prayer hall')
    """
    from simsoft.plots import shape as shaped

    return shaped(text, lang, native=native)


def _words(tr: Any) -> Any:
    """``_(message, **values)``: ``message`` in ``tr``'s language (English when ``None``), shaped for a figure."""
    from facilitator.i18n import translator

    tr = tr or translator("en")

    def say(message: str, **values: Any) -> str:
        return shape(tr(message, **values), tr.lang)

    say.tr = tr  # type: ignore[attr-defined]
    return say


def _word(text: str, tr: Any) -> str:
    """A fixed word (a metric label, a status) in ``tr``'s language, shaped for a figure."""
    from facilitator.documents.words import word

    return shape(word(text, tr), tr.lang) if tr is not None else text


def _scale(metric_unit: str, value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value / 60.0 if metric_unit == "min" else value


def timeline_figure(*, injects: Sequence[tuple[str, float, str]], decisions: Sequence[tuple[str, str, float, float, str]],
                    expected: Sequence[Any], teams: Sequence[str], title: str = "",
                    team_names: Mapping[str, str] | None = None, tr: Any = None) -> Any:
    """Injects and decisions on the exercise clock, one lane per player team.

    Args:
        injects: ``(id, released_s, reason)`` of each released inject.
        decisions: ``(id, team, t_s, effect_s, verb)`` of each decision.
        expected: :class:`facilitator.evaluation.scoring.ActionScore` rows; each draws its standard window
            (release → standard) in its team's lane, coloured by its score.
        teams: player team ids, top to bottom.
        team_names: how the lanes are labelled (a team's name, wrapped), by id; the id where none is given.
        tr: the :class:`facilitator.i18n.Translator` of the labels (English when ``None``).
    """
    plt = _plt()
    _ = _words(tr)
    # Each team gets a band: its decisions on the band's base line, one thin row per expected action above.
    rows_of = {t: [a for a in expected if a.team == t and a.released_s is not None] for t in teams}
    base: dict[str, float] = {}
    y = 0.0
    for t in reversed(list(teams)):
        base[t] = y
        y += 1.0 + 0.32 * len(rows_of[t])
    y_inj = y + 0.2
    times = [t for _, t, _ in injects] + [e for *_, e, _ in decisions] + [1.0]
    for a in expected:
        if a.released_s is not None and a.standard_s is not None:
            times.append(a.released_s + a.standard_s + (a.grace_s or 0.0))
    t_max = max(times) / 60.0 * 1.15
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.55 * (y_inj + 1)))
    for t in teams:
        for j, a in enumerate(rows_of[t]):
            yy = base[t] + 0.4 + 0.32 * j
            t0 = a.released_s / 60.0
            colour = _STATUS_COLOURS.get(a.status, "#888888")
            end = t0
            if a.standard_s is not None:
                ax.barh(yy, a.standard_s / 60.0, left=t0, height=0.2, color=colour, alpha=0.35)
                end = t0 + a.standard_s / 60.0
                if a.grace_s:
                    ax.barh(yy, a.grace_s / 60.0, left=end, height=0.2, color="none", edgecolor=colour,
                            hatch="///", linewidth=0.5)
                    end += a.grace_s / 60.0
            if a.taken_after_s is not None:
                ax.plot(t0 + a.taken_after_s / 60.0, yy, marker="|", color="#1f77b4", markersize=9)
            if a.taken_after_s is not None:  # a late mark beyond the window would cross the label
                end = max(end, t0 + a.taken_after_s / 60.0)
            if tr is None or tr.lang == "en":
                said = f"{a.inject} {a.action}: {a.status}"
            else:
                from facilitator.documents.words import noun, word

                said = shape(f"{a.inject} {noun(a.action, tr)}: {word(a.status, tr)}", tr.lang)
            ax.text(end + 0.02 * t_max, yy, said, fontsize=6.5, color=colour, va="center")
    last_x, level = -99.0, 0
    for ident, t, reason in sorted(injects, key=lambda x: x[1]):
        marker = {"scheduled": "v", "trigger": "D", "contingency": "X", "manual": "s"}.get(reason, "o")
        ax.plot(t / 60.0, y_inj, marker=marker, color="#444444", markersize=7, linestyle="none")
        level = level + 1 if t / 60.0 - last_x < 0.025 * t_max else 0
        last_x = t / 60.0
        ax.annotate(ident, (t / 60.0, y_inj), xytext=(0, 7 + 8 * (level % 3)), textcoords="offset points",
                    ha="center", fontsize=7)
    # Decisions close together in a lane share one label, a line per verb ("D3, D6, D8 close"), so no two
    # labels print over each other; a label's width in minutes is estimated from its characters
    # (6.5 pt text on a ~610 pt wide axis: 3.9 pt a character).
    per_char = 3.9 / 610.0 * t_max
    clusters: list[tuple[str, float, list[tuple[str, str]]]] = []
    for ident, team, t, effect, verb in sorted(decisions, key=lambda d: (d[1], d[3], d[0])):
        if team not in base:
            continue
        x = effect / 60.0
        ax.plot(x, base[team], marker="o", color="#1f77b4", markersize=6, linestyle="none")
        if effect > t:
            ax.plot([t / 60.0, x], [base[team], base[team]], color="#1f77b4", linewidth=1, linestyle=":")
        if tr is not None and tr.lang != "en":
            from facilitator.documents.words import noun

            verb = shape(noun(verb, tr), tr.lang)
        if clusters and clusters[-1][0] == team:
            _team, x0, members = clusters[-1]
            width = max(len(line) for line in _cluster_lines(members)) * per_char
            if x < x0 + width + 0.5 * per_char:
                members.append((ident, verb))
                continue
        clusters.append((team, x, [(ident, verb)]))
    for team, x0, members in clusters:
        ax.annotate("\n".join(_cluster_lines(members)), (x0, base[team]), xytext=(3, -5), textcoords="offset points",
                    fontsize=6.5, va="top", linespacing=1.1)
    for t in teams:
        ax.axhline(base[t] - 0.35, color="#dddddd", linewidth=0.8)
    names = team_names or {}
    ax.set_yticks([y_inj, *[base[t] for t in teams]],
                  [_("injects"), *(shape(_wrap(names.get(t, t), 22), _.tr.lang) for t in teams)], fontsize=8)
    ax.set_ylim(-0.6, y_inj + 0.9)
    ax.set_xlim(-0.02 * t_max, t_max)
    ax.set_xlabel(_("exercise time (min)"))
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], marker="v", color="#444444", linestyle="none", label=_("inject (scheduled)")),
               Line2D([], [], marker="D", color="#444444", linestyle="none", label=_("inject (state trigger)")),
               Line2D([], [], marker="X", color="#444444", linestyle="none", label=_("inject (contingency)")),
               Line2D([], [], marker="o", color="#1f77b4", linestyle="none", label=_("decision takes effect")),
               Line2D([], [], marker="|", color="#1f77b4", linestyle="none", markersize=9, label=_("expected action taken")),
               Patch(color="#2ca02c", alpha=0.35, label=_("time standard (met)")),
               Patch(color="#ff7f0e", alpha=0.35, label=_("standard (late)")),
               Patch(color="#d62728", alpha=0.35, label=_("standard (missing / too late)")),
               Patch(facecolor="none", edgecolor="#555555", hatch="///", label=_("grace after the standard"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=7, frameon=False)
    ax.set_title(shape(title, _.tr.lang) if title else _("Exercise timeline: injects, decisions and time standards"),
                 fontsize=10)
    fig.tight_layout()
    return fig


def _panel_unit(unit: str, stats: Sequence[Mapping[str, Any]]) -> tuple[str, float]:
    """The unit a panel reads in and the divisor from ``unit``: hours instead of minutes past 90 min.

    >>> _panel_unit("min", [{"mean": 33000.0, "mean_ci_high": 34000.0}])
    ('h', 60.0)
    >>> _panel_unit("min", [{"mean": 600.0}]), _panel_unit("people", [{"mean": 2.0}])
    (('min', 1.0), ('people', 1.0))
    """
    if unit != "min":
        return unit, 1.0
    seen = [v for st in stats for v in (st.get("mean"), st.get("mean_ci_high")) if v is not None and math.isfinite(v)]
    return ("h", 60.0) if seen and max(seen) > 5400 else ("min", 1.0)


def _cluster_lines(members: Sequence[tuple[str, str]]) -> list[str]:
    """Decision labels of one cluster, a line per verb: ``["D3, D6, D8 close", "D4 request ambulances"]``."""
    by_verb: dict[str, list[str]] = {}
    for ident, verb in members:
        by_verb.setdefault(verb, []).append(ident)
    return [f"{', '.join(ids)} {verb.replace('_', ' ')}" for verb, ids in by_verb.items()]


def outcomes_figure(summary: Mapping[str, Any], *, metrics: Sequence[tuple[str, str, str]], replications: int,
                    tr: Any = None) -> Any:
    """One panel per outcome metric: mean and 95 % interval of your decisions / doctrine / no action
    (labels in ``tr``'s language, English when ``None``)."""
    plt = _plt()
    _ = _words(tr)
    n = len(metrics)
    cols = 4
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.6 * rows), squeeze=False)
    arms = ("team", "doctrine", "no_action")
    labels = (_("your\ndecisions"), _("doctrine"), _("no\naction"))
    for k, (metric, label, unit) in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        shown_unit, div = _panel_unit(unit, [summary[metric]["arms"].get(arm, {}) for arm in arms])
        top = 0.0
        for j, arm in enumerate(arms):
            st = summary[metric]["arms"].get(arm, {})
            mean, lo, hi = (None if v is None else v / div
                            for v in (_scale(unit, st.get(x)) for x in ("mean", "mean_ci_low", "mean_ci_high")))
            if mean is None:
                ax.text(j, 0, _("not\nreached"), ha="center", va="bottom", fontsize=7, color="#888888")
                continue
            err = None
            if lo is not None and hi is not None:
                err = [[max(0.0, mean - lo)], [max(0.0, hi - mean)]]
            ax.bar(j, mean, color=_ARM_COLOURS[arm], alpha=0.85, yerr=err, capsize=3)
            top = max(top, mean, hi if hi is not None else 0.0)
            reached = st.get("n", 0)
            if reached < replications:
                ax.text(j, 0, _("%(reached)s/%(replications)s\nruns", reached=reached, replications=replications),
                        ha="center", va="bottom", fontsize=6, color="white")
        ax.set_xticks(range(3), labels, fontsize=7)
        ax.set_title(_word(label, tr), fontsize=8.5)
        # the unit words of ``tr`` (min and h in English, as the panel reads: hours past 90 min)
        shown = {"min": _.tr.units[1], "h": _.tr.units[2]}
        ax.set_ylabel(shape(shown[shown_unit], _.tr.lang) if shown_unit in shown else _word(unit, tr), fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylim(bottom=0)
        if top == 0.0:  # every arm at zero: a whole-number axis and the words, not ticks of 0.01 people
            ax.set_ylim(0, 1)
            ax.set_yticks([0, 1])
            ax.text(1, 0.5, _("0 in every arm"), ha="center", va="center", fontsize=8, color="#555555")
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(_("Outcomes over %(n)s replications (mean, 95 %% CI; common random numbers)", n=replications), fontsize=10)
    fig.tight_layout()
    return fig


def variant_effects_figure(summary: Mapping[str, Any], *, metrics: Sequence[tuple[str, str, str]], variants: Sequence[str],
                           tr: Any = None, unchanged: Sequence[str] = ()) -> Any:
    """Predicted effect of each improvement-plan variant on your decisions' outcomes (paired mean, 95 % CI),
    as a share of the value without it (labels in ``tr``'s language, English when ``None``). ``unchanged``:
    variants that left every outcome of every run as it was; their name says so (the report's text says what
    they changed instead)."""
    plt = _plt()
    _ = _words(tr)
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.45 * len(metrics) * max(1, len(variants))))
    ticks, names = [], []
    pos = 0
    colours = ["#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
    largest = 0.0
    for metric, label, _unit in metrics:
        label = _word(label, tr)
        base = summary[metric]["arms"]["team"].get("mean")
        for i, v in enumerate(variants):
            d = summary[metric]["variant_minus_team"].get(v, {})
            if base and d.get("mean") is not None and math.isfinite(base) and base != 0:
                mean = 100 * d["mean"] / abs(base)
                lo = 100 * d["ci_low"] / abs(base) if d.get("ci_low") is not None else mean
                hi = 100 * d["ci_high"] / abs(base) if d.get("ci_high") is not None else mean
                ax.barh(pos, mean, color=colours[i % len(colours)], xerr=[[max(0, mean - lo)], [max(0, hi - mean)]],
                        capsize=3, label=v.replace("_", " ") if metric == metrics[0][0] else None)
                # a zero effect still shows where it lies (a bar of width 0 draws nothing)
                ax.plot(mean, pos, marker="|", markersize=9, color=colours[i % len(colours)], linestyle="none")
                largest = max(largest, abs(lo), abs(hi), abs(mean))
            elif d.get("mean") == 0:  # 0 without the variant too (no share to draw): no change, shown at 0
                ax.plot(0, pos, marker="|", markersize=9, color=colours[i % len(colours)], linestyle="none")
            ticks.append(pos)
            shown = (_("%(variant)s: no change in any run", variant=v.replace("_", " ")) if v in unchanged
                     else v.replace("_", " "))
            names.append(f"{label} ({shown})" if len(variants) > 1 else label)
            pos += 1
        pos += 0.5
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(ticks, names, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel(_("change vs your decisions without the corrective action (%%, lower is better)"))
    if largest >= 0.05:  # zero in the middle, so a change either way and a zero marker both show
        ax.set_xlim(-1.1 * largest, 1.1 * largest)
    if largest < 0.05:  # no variant moves any outcome: a readable axis and the words
        ax.set_xlim(-5, 5)
        ax.text(0.5, 0.02, _("no modelled effect on any outcome (every change under 0.05 %%)"), transform=ax.transAxes,
                ha="center", va="bottom", fontsize=8, color="#555555",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    if len(variants) > 1:
        ax.legend(fontsize=7)
    ax.set_title(_("Predicted effect of corrective actions modelled as scenario variants"), fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def compare_figure(*, sessions: Sequence[str], timeliness: Mapping[str, Sequence[float | None]],
                   outcomes: Mapping[str, Sequence[tuple[float | None, float | None, float | None]]],
                   outcome_units: Mapping[str, str]) -> Any:
    """Sessions side by side: timeliness share per capability (left) and outcome means with 95 % CI (right).

    ``timeliness[capability][k]`` and ``outcomes[label][k] = (mean, low, high)`` belong to ``sessions[k]``.
    """
    plt = _plt()
    n_out = len(outcomes)
    fig, axes = plt.subplots(1, 1 + n_out, figsize=(4.5 + 2.4 * n_out, 3.8), squeeze=False,
                             gridspec_kw={"width_ratios": [2.2] + [1] * n_out})
    ax = axes[0][0]
    caps = list(timeliness)
    width = 0.8 / max(1, len(sessions))
    for k, s in enumerate(sessions):
        vals = [timeliness[c][k] for c in caps]
        ax.bar([i + k * width for i in range(len(caps))], [100 * v if v is not None else 0 for v in vals], width,
               label=s)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(caps))], [_wrap(c) for c in caps], fontsize=6.5)
    ax.set_ylabel("timeliness (% of points)")
    ax.set_ylim(0, 100 + 12 * len(sessions))
    ax.set_yticks([0, 20, 40, 60, 80, 100])
    ax.legend(fontsize=7, loc="upper center", ncol=min(2, len(sessions)), frameon=False)
    ax.set_title("Timeliness per core capability", fontsize=9)
    for j, (label, vals) in enumerate(outcomes.items()):
        a = axes[0][j + 1]
        unit = outcome_units.get(label, "")
        for k, (mean, lo, hi) in enumerate(vals):
            mean, lo, hi = (_scale(unit, x) for x in (mean, lo, hi))
            if mean is None:
                continue
            err = [[max(0.0, mean - lo)], [max(0.0, hi - mean)]] if lo is not None and hi is not None else None
            a.bar(k, mean, yerr=err, capsize=3, color=f"C{k}")
        a.set_xticks(range(len(sessions)), [str(i + 1) for i in range(len(sessions))], fontsize=7)
        a.set_title(_wrap(label, 18), fontsize=8)
        a.set_ylabel(unit, fontsize=7)
        a.set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def forecast_figure(summary: Mapping[str, Any], *, metrics: Sequence[tuple[str, str, str]],
                    arms: Sequence[tuple[str, str]], replications: int, title: str = "", tr: Any = None) -> Any:
    """A what-if forecast: one small panel per key indicator, mean and 95 % interval of each arm.

    Args:
        summary: :meth:`facilitator.evaluation.forecast.Forecast.summary`.
        metrics: ``(metric, label, unit)``; the labels already in ``tr``'s language (the unit is the metric's key
            unit, said here in ``tr``'s language).
        arms: ``(arm, label)`` in drawing order, the labels already in ``tr``'s language.
        title: in ``tr``'s language (a default says the replications).
        tr: the figure's language (:func:`facilitator.i18n.translator`; English when ``None``): its own words are
            translated, every text is shaped for it (:func:`shape`).

    Built on :class:`matplotlib.figure.Figure` without pyplot, so it may be drawn on a background
    thread while the room goes on (pyplot's global state is not thread-safe); save it with ``savefig``.
    """
    from matplotlib.figure import Figure

    _ = _words(tr)
    lang = _.tr.lang
    width_in = 2.1 * len(metrics)
    # a long title (a team's and places' full names in French) wraps to the figure's width, about 13 characters
    # an inch at 9 points, and the figure grows a line's height for each line past the first
    lines = [part for line in (title.split("\n") if title else [""]) for part in _wrap(line, int(13 * width_in)).split("\n")]
    title = "\n".join(lines) if title else title
    fig = Figure(figsize=(width_in, 2.35 + 0.15 * len(lines)))
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, (metric, label, unit) in zip(axes, metrics):
        shown_unit, div = _panel_unit(unit, [summary[metric]["arms"].get(arm, {}) for arm, _a in arms])
        top = 0.0
        for j, (arm, _a) in enumerate(arms):
            st = summary[metric]["arms"].get(arm, {})
            mean, lo, hi = (None if v is None else v / div
                            for v in (_scale(unit, st.get(x)) for x in ("mean", "mean_ci_low", "mean_ci_high")))
            if mean is None:
                ax.text(j, 0, _("not\nreached"), ha="center", va="bottom", fontsize=6, color="#888888")
                continue
            err = [[max(0.0, mean - lo)], [max(0.0, hi - mean)]] if lo is not None and hi is not None else None
            ax.bar(j, mean, color=_ARM_COLOURS.get(arm, "#9467bd"), alpha=0.85, yerr=err, capsize=3)
            top = max(top, mean, hi if hi is not None else 0.0)
        ax.set_xticks(range(len(arms)), [shape(_wrap(lbl, 10), lang) for _a, lbl in arms], fontsize=6)
        ax.set_title(shape(_wrap(label, 20), lang), fontsize=8)
        # the unit words of ``tr`` (min and h in English, as the panel reads: hours past 90 min)
        shown = {"min": _.tr.units[1], "h": _.tr.units[2]}
        ax.set_ylabel(shape(shown[shown_unit], lang) if shown_unit in shown else _word(unit, tr), fontsize=6.5)
        ax.tick_params(axis="y", labelsize=6.5)
        ax.set_ylim(bottom=0)
        if top == 0.0:  # every arm at zero: say so instead of ticks of 0.01 people
            ax.set_ylim(0, 1)
            ax.set_yticks([0, 1])
            ax.text((len(arms) - 1) / 2, 0.5, _("0 in every arm"), ha="center", va="center", fontsize=7, color="#555555")
    fig.suptitle(shape(title, lang) if title else
                 _("What-if forecast over %(n)s replications (mean, 95 %% CI)", n=replications), fontsize=9)
    fig.tight_layout()
    return fig
