"""Figures of one run: incident timeline, evacuation curves, casualty flow, hospital load (the venue map: venue.py).

Each function takes a :class:`~simsoft.engine.RunResult` (possibly read back from a run folder with
:func:`simsoft.runfolder.load_run`) and returns a :class:`matplotlib.figure.Figure`; none simulates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simsoft.engine import RunResult
from simsoft.i18n import N_, Translator, translator
from simsoft.plots.common import PALETTE, figure_words, new_figure, shape_for, time_axis, wrap
from simsoft.plots.venue import _venue_positions, venue_map  # noqa: F401  (re-exported)
from simsoft.units import format_count

__all__ = ["venue_map", "incident_timeline", "evacuation_curves", "casualty_flow", "hospital_load",
           "has_casualty_flow", "has_hospital_load", "CASUALTY_STAGES"]


# --------------------------------------------------------------------------------------- incident timeline
_MILESTONES = (
    ("incident.t_detect_s", N_("incident detected")),
    ("incident.t_first_alert_s", N_("first alert")),
    ("response.t_police_on_scene_s", N_("police on scene")),
    ("response.t_contained_s", N_("contained")),
    ("response.t_all_clear_s", N_("all clear")),
    ("egress.t95_s", "95 % out"),
    ("medical.t_access_s", N_("medics reach casualties")),
    ("medical.t_first_transport_s", N_("first transport")),
    ("medical.t_last_transport_s", N_("last transport")),
    ("recovery.t_everyone_accounted_s", N_("everyone accounted for")),
    ("recovery.reunification.t_complete_s", N_("reunification complete")),
    ("recovery.t_reopened_s", N_("venue reopened")),
)
_WINDOW_KEYS = ("egress.t95_s", "incident.t_end_s", "response.t_contained_s", "medical.t_last_transport_s")
"""Milestones that set the time window of the timeline; later ones (the all clear after a long search,
the last sheltered people leaving after their release, recovery over days) are listed with their time,
not drawn."""
_SOURCE_COLOURS = {"plan": "#6a4c93", "occupants": "#edae49", "decision": "#111111", "scenario": "#8d6a5f"}
"""Decision markers by who took them; no other mark of the timeline uses these colours."""
_SOURCE_WORDS = {"plan": N_("the venue's plan"), "occupants": N_("occupants"), "decision": N_("a team"),
                 "scenario": N_("the scenario script")}
_MILESTONE_COLOUR = "#4d4d4d"


def _wrapped(text: str, width: int = 64) -> str:
    """A figure title on lines of at most ``width`` characters (a translated title runs longer)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _later(t_s: float, tr: Translator | None = None) -> str:
    """A time past a figure's window, as a legend states it (``53 min``, ``2.9 h``, ``4.3 days``)."""
    if tr is not None and tr.lang != "en":
        _s, mins, hours = tr.units
        if t_s >= 48 * 3600:
            return tr("%(n)s days", n=tr.fixed(t_s / 86400, 1))
        return f"{tr.fixed(t_s / 3600, 1)} {hours}" if t_s >= 3600 else f"{tr.fixed(t_s / 60, 0)} {mins}"
    if t_s >= 48 * 3600:
        return f"{t_s / 86400:.1f} days"
    return f"{t_s / 3600:.1f} h" if t_s >= 3600 else f"{t_s / 60:.0f} min"


def incident_timeline(result: RunResult, lang: str = "en") -> Figure:
    """Phases, incident spans by zone, responding units, decisions (``action.*`` events) and milestones.

    Time runs left to right in minutes. Decisions are grouped by kind on their own lanes and coloured by
    who took them (the venue's plan, occupants, a team decision, the scenario script). Its words are in ``lang``.
    """
    tr = translator(lang)
    say, en = figure_words(tr), tr.lang == "en"
    ev, m = result.events, result.metrics
    zone_names = {z.id: z.label for z in result.scenario.venue.zones}
    lanes: list[str] = []

    def lane(name: str) -> int:
        if name not in lanes:
            lanes.append(name)
        return lanes.index(name)

    n_lanes = (len({e.subject for e in ev if e.kind == "incident.zone_affected"})
               + len({e.subject for e in ev if e.kind in ("response.dispatched", "response.on_scene")})
               + len({e.kind for e in ev if e.kind.startswith("action.")}))
    fig = new_figure(10.0, max(3.2, 1.6 + 0.45 * n_lanes))
    ax = fig.add_subplot()
    end_s = float(m.get("run.end_s") or (ev[-1].t_s if ev else 0.0))
    core = [float(m[k]) for k in _WINDOW_KEYS if m.get(k) is not None]
    core += [e.t_s for e in ev if e.kind in ("response.on_scene", "incident.zone_clear")]
    base = max(core, default=0.0)
    late = [e.t_s for e in ev if e.kind.startswith("action.")]
    window = min(end_s, max([base, *[t for t in late if t <= 1.5 * base + 600]], default=end_s) * 1.04 + 30.0)
    if window <= 30.0:
        window = max(end_s, 60.0)
    div, unit = time_axis(window)
    if not en:
        unit = tr.units[2] if unit == "h" else tr.units[1]
    start = m.get("incident.t_start_s")
    contained = m.get("response.t_contained_s") or m.get("incident.t_end_s")
    phases = []
    if start is not None:
        phases = [(say("pre-incident"), 0.0, float(start), "#f2f2f2"),
                  (say("incident and response"), float(start), float(contained or window), "#fde0dd"),
                  (say("recovery"), float(contained or window), window, "#e5f5e0")]
        for _, a, b, colour in phases:
            if b > a:
                ax.axvspan(a / div, min(b, window) / div, color=colour, zorder=0)
    has_incident = has_unit = False
    for e in ev:
        if e.kind == "incident.zone_affected":
            has_incident = True
            y = lane(say("incident in %(zone)s", zone=zone_names.get(e.subject, e.subject)))
            until = float(e.values.get("until_s") or window)
            ax.barh(y, (until - e.t_s) / div, left=e.t_s / div, height=0.5, color="#b2182b", zorder=2)
    dispatched = {e.subject: e.t_s for e in ev if e.kind == "response.dispatched"}
    on_scene = {e.subject: e.t_s for e in ev if e.kind == "response.on_scene"}
    for uid in sorted(set(dispatched) | set(on_scene), key=lambda u: dispatched.get(u, on_scene.get(u, 0.0))):
        has_unit = True
        y = lane(say("unit %(unit)s", unit=uid.replace("_", " ")))
        t0 = dispatched.get(uid, on_scene.get(uid))
        if uid in on_scene:
            ax.barh(y, (on_scene[uid] - t0) / div, left=t0 / div, height=0.5, color="#92c5de", zorder=2)
            ax.plot([on_scene[uid] / div], [y], marker="D", color="#2166ac", zorder=3)
        else:
            ax.barh(y, (window - t0) / div, left=t0 / div, height=0.5, color="#d1e5f0", zorder=2)
    sources_seen: set[str] = set()
    later: list[Any] = []
    for e in ev:
        if e.kind.startswith("action."):
            if e.t_s > window:
                later.append(e)
                continue
            y = lane(say("decision: %(action)s", action=tr(e.kind.split(".", 1)[1].replace("_", " "))))
            source = str(e.values.get("source", "decision"))
            sources_seen.add(source)
            ax.plot([e.t_s / div], [y], marker="o", ms=7, ls="", color=_SOURCE_COLOURS.get(source, "#5c5c5c"),
                    mec="black", mew=0.5, zorder=4)
    handles: list[Any] = []
    # Milestones: thin grey lines numbered at the top (numbers staggered when close), named in the legend;
    # one neutral colour, so no colour means a milestone here and something else elsewhere.
    placed: list[tuple[float, int]] = []
    present = sorted((float(m[key]), i, label) for i, (key, label) in enumerate(_MILESTONES) if m.get(key) is not None)
    for number, (t, _, label) in enumerate(present, start=1):
        if not en:
            label = say(label.replace("%", "%%"))
        if t > window:  # hours or days later (search, recovery): listed with its time, not drawn
            shown = _later(t, tr)
            handles.append(Line2D([], [], color="none", label=f"{number}  {label}: {shown} (later, not drawn)" if en else
                                  say("%(n)s  %(label)s: %(t)s (later, not drawn)", n=number, label=label, t=shown)))
            continue
        x = t / window
        row = 0
        while any(abs(x - px) < 0.035 and pr == row for px, pr in placed):
            row += 1
        placed.append((x, row))
        ax.axvline(t / div, color=_MILESTONE_COLOUR, ls=(0, (4, 2)), lw=1.0, zorder=1)
        ax.annotate(str(number), (t / div, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 3 + 13 * row),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8, color="white",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": _MILESTONE_COLOUR, "ec": "none"}, annotation_clip=False)
        handles.append(Line2D([], [], color=_MILESTONE_COLOUR, ls=(0, (4, 2)),
                              label=f"{number}  {label}: {t / div:.1f} {unit}" if en else
                              shape_for(tr)(f"{number}  {label}: {tr.fixed(t / div, 1)} {unit}")))
    for source in sorted(sources_seen):
        who = tr(_SOURCE_WORDS[source]) if source in _SOURCE_WORDS else source
        handles.append(Line2D([], [], marker="o", ls="", color=_SOURCE_COLOURS.get(source, "#5c5c5c"), mec="black",
                              label=say("decision by %(who)s", who=who)))
    if later:
        first = later[0]
        what = tr(first.kind.split(".", 1)[1].replace("_", " "))
        if en:
            more = f" and {len(later) - 1} more" if len(later) > 1 else ""
            said = f"later decisions, not drawn: {what} at {_later(first.t_s)}{more}"
        else:
            said = say("later decisions, not drawn: %(what)s at %(t)s", what=what, t=_later(first.t_s, tr)) + (
                say(" and %(n)s more", n=len(later) - 1) if len(later) > 1 else "")
        handles.append(Line2D([], [], color="none", label=said))
    if has_incident:
        handles.append(Patch(color="#b2182b", label=say("incident in zone")))
    if has_unit:
        handles.append(Patch(color="#92c5de", label=say("unit travelling (◆ on scene)")))
    for name, a, b, colour in phases:
        if b > a:
            handles.append(Patch(color=colour, label=say("phase: %(name)s", name=name)))
    if not lanes:
        lanes.append(say("(no incident, unit or decision events)"))
    ax.set_yticks(range(len(lanes)), lanes, fontsize=9)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_xlim(0, window / div)
    ax.set_xlabel(say("time since start (%(unit)s)", unit=unit))
    what = say("incident timeline") if result.scenario.incident is not None else say("timeline")
    rows = 1 + max((r for _, r in placed), default=0)
    fig.set_figheight(max(fig.get_figheight(), 0.9 + 0.2 * len(handles) + 0.18 * rows))  # the legend fits
    ax.set_title(say("%(name)s: %(what)s", name=result.scenario.name, what=what)
                 + (say(" [variant %(variant)s]", variant=result.variant) if result.variant else ""), pad=6 + 13 * rows)
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False,
              title=say("numbered lines: milestones"), title_fontsize=8.5, alignment="left")
    return fig


# -------------------------------------------------------------------------------------- evacuation curves
def evacuation_curves(result: RunResult, *, max_zones: int = 8, lang: str = "en") -> Figure:
    """Occupants of each zone over time (top) and people inside / out by exit (bottom), in ``lang``.

    A venue with more than ``max_zones`` zones shows the ``max_zones`` fullest zones and one line for the
    rest together, so the legend stays readable. The window ends when everyone able to leave is out; when a
    few people leave much later (sheltered people released after the all clear), it ends after the main
    evacuation and a note says how many left later and when.
    """
    from matplotlib.ticker import FuncFormatter

    tr = translator(lang)
    say = figure_words(tr)
    ts = result.timeseries
    fig = new_figure(10.0, 7.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    t_in, v_in = ts.select("inside", "")
    # The window ends once nobody moves any more (runs with recovery go on for days).
    moving = np.flatnonzero(np.abs(np.diff(v_in)) > 1e-9) if len(v_in) > 1 else np.array([], dtype=int)
    t_end = float(t_in[moving[-1] + 1]) if len(moving) else (float(t_in[-1]) if len(t_in) else 60.0)
    # Casualties leave the count hours later (recovery, reopening): the evacuation ends when everyone
    # able to leave is out, so the window stops there and recovery stays on the timeline figure.
    m = result.metrics
    done = m.get("egress.t100_s")
    t95 = m.get("egress.t95_s")
    if done is None and t95 is not None:
        done = 1.5 * float(t95)
    if done is not None:
        t_end = min(t_end, float(done))
    late_note = ""
    if t95 is not None and t_end > 2.0 * float(t95) + 600.0:
        cut = 1.5 * float(t95) + 300.0
        if len(t_in):
            at_cut = float(np.interp(cut, t_in, v_in))
            final = float(v_in[-1])
            still = at_cut - final
            if still >= 0.5:
                late_note = (f"{format_count(still, 'more person', 'more people')} left later,\nthe last at {_later(t_end)}"
                             if tr.lang == "en" else say("%(people)s more left later,\nthe last at %(t)s", people=tr.count(
                                 still, "person", "%(num)s person", "%(num)s people"), t=_later(t_end, tr)))
        t_end = cut
    window = t_end * 1.05 + 30.0
    div, unit = time_axis(window)
    if tr.lang != "en":
        unit = tr.units[2] if unit == "h" else tr.units[1]
    zones = result.scenario.venue.zones
    series = {z.id: ts.select("occupants", z.id) for z in zones}
    shown = [z for z in zones if len(series[z.id][0])]
    rest: list[Any] = []
    if len(shown) > max_zones + 1:  # "the other 1 zone" would save nothing
        peak = {z.id: float(np.max(series[z.id][1])) for z in shown}
        keep = set(sorted(peak, key=lambda zid: (-peak[zid], zid))[:max_zones])
        rest = [z for z in shown if z.id not in keep]
        shown = [z for z in shown if z.id in keep]
    for i, z in enumerate(shown):
        t, v = series[z.id]
        top.plot(t / div, v, color=PALETTE[i % len(PALETTE)], lw=1.6, label=wrap(z.label, 26),
                 ls="-" if i < len(PALETTE) else "--")
    if rest:
        grid = np.unique(np.concatenate([series[z.id][0] for z in rest]))
        total_rest = sum(np.interp(grid, *series[z.id]) for z in rest)
        top.plot(grid / div, total_rest, color="#8c8c8c", lw=1.6, ls="--",
                 label=say("the other %(n)s zones together", n=len(rest)))
    top.set_ylabel(say("occupants (people)"))
    top.set_title(say("people in each zone") + (say(" (the %(n)s fullest of %(m)s zones)", n=len(shown), m=len(zones))
                                                 if rest else ""))
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    t, inside = ts.select("inside", "")
    if len(t):
        bottom.plot(t / div, inside, color="black", lw=2, label=say("inside the venue"))
    for i, e in enumerate(result.scenario.venue.exits):
        t, v = ts.select("exited", e.id)
        if len(t):
            bottom.plot(t / div, v, color=PALETTE[(i + 1) % len(PALETTE)], lw=1.6, label=say("out via %(exit)s", exit=wrap(e.label, 24)),
                        ls="-" if i + 1 < len(PALETTE) else "--")
    total = result.metrics.get("run.population") or 0
    for key, label, ls in (("egress.t50_s", say("50 %% out"), ":"), ("egress.t95_s", say("95 %% out"), "--"),
                           ("egress.t100_s", say("everyone out"), "-.")):
        tm = result.metrics.get(key)
        if tm is not None and float(tm) <= window:
            bottom.axvline(float(tm) / div, color="#777777", ls=ls, lw=1.2,
                           label=f"{label}: {float(tm) / div:.1f} {unit}" if tr.lang == "en" else
                           shape_for(tr)(f"{label}: {tr.fixed(float(tm) / div, 1)} {unit}"))
    bottom.set_ylabel(say("people"))
    bottom.set_xlabel(say("time since start (%(unit)s)", unit=unit))
    bottom.set_title(say("inside and out by exit (%(people)s in all)",
                         people=tr.count(total, "person", "%(num)s person", "%(num)s people")))
    if late_note:
        bottom.text(1.02, 0.0, late_note, transform=bottom.transAxes, ha="left", va="bottom", fontsize=8.5,
                    color="#333333")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")
    for ax in (top, bottom):
        ax.grid(color="#e5e5e5", lw=0.6)
        ax.set_xlim(0, window / div)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(thousands)
    fig.suptitle(say("%(name)s: evacuation", name=result.scenario.name)
                 + (say(" [variant %(variant)s]", variant=result.variant) if result.variant else ""))
    if tr.lang != "en":  # numbers on the axes as the locale writes them
        thousands = FuncFormatter(lambda v, _: tr.fixed(v, 0, grouped=True))
        for ax in (top, bottom):
            ax.yaxis.set_major_formatter(thousands)
    return fig


# ---------------------------------------------------------------------------------------- casualty flow
_STAGE_WORDS = (N_("injured at scene"), N_("at collection point"), N_("transported"), N_("self-presented"),
                N_("at hospital"), N_("died"))
"""The stages in words, for another language (the stage names are also keys)."""

CASUALTY_STAGES = (
    ("injured at scene", ("casualty.injured",), ("injured",)),
    ("at collection point", ("medical.at_ccp",), ("collection", "ccp")),
    ("transported", ("medical.transport",), ("transport", "loaded", "departed")),
    ("self-presented", ("medical.self_presented",), ("self_presented",)),
    ("at hospital", ("medical.at_hospital",), ("at_hospital", "admitted", "handover")),
    ("died", ("medical.died",), ("died", "death")),
)
"""Stages of the casualty flow: (label, event kinds, words in other kinds that mark it). A transport event
names its patients in ``values.patients``; other events name the casualty as their subject."""

_CARE_PREFIXES = ("casualty.", "medical.", "ems.", "transport.", "hospital.")


def _stage_of(kind: str) -> str | None:
    for stage, kinds, _ in CASUALTY_STAGES:
        if kind in kinds:
            return stage
    if not kind.startswith(_CARE_PREFIXES):
        return None
    tail = kind.split(".", 1)[1].lower()
    for stage, _, words in CASUALTY_STAGES:
        if any(w in tail for w in words):
            return stage
    return None


def _stage_times(result: RunResult) -> dict[str, list[float]]:
    firsts: dict[tuple[str, str], float] = {}
    for e in result.events:
        stage = _stage_of(e.kind)
        if stage is None:
            continue
        patients = e.values.get("patients")
        who = [str(p) for p in patients] if isinstance(patients, (list, tuple)) else [e.subject]
        for w in who:
            firsts.setdefault((stage, w), e.t_s)
    out: dict[str, list[float]] = {stage: [] for stage, _, _ in CASUALTY_STAGES}
    for (stage, _), t in firsts.items():
        out[stage].append(t)
    return {s: sorted(v) for s, v in out.items() if v}


def has_casualty_flow(result: RunResult) -> bool:
    """Whether the run has any casualty events to draw."""
    return bool(_stage_times(result))


def casualty_flow(result: RunResult, lang: str = "en") -> Figure:
    """Cumulative casualties reaching each stage: scene, collection point, transport, hospital (and deaths).

    Stages appear only when the run has their events (a run without the medical model shows the
    injured alone, and says so). Its words are in ``lang``.
    """
    tr = translator(lang)
    say = figure_words(tr)
    stages = _stage_times(result)
    fig = new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    last = max((t for v in stages.values() for t in v), default=0.0)
    horizon = last * 1.05 + 60.0
    div, unit = time_axis(horizon)
    if tr.lang != "en":
        unit = tr.units[2] if unit == "h" else tr.units[1]
    for i, (stage, _, _) in enumerate(CASUALTY_STAGES):
        times = stages.get(stage)
        if not times:
            continue
        t = np.concatenate([[0.0], times, [horizon]])
        n = np.concatenate([[0], np.arange(1, len(times) + 1), [len(times)]])
        ax.step(t / div, n, where="post", lw=2, color="#111111" if stage == "died" else PALETTE[i],
                label=say("%(stage)s: %(count)s", stage=tr(stage), count=(
                    tr.count(len(times), "person", "%(num)s person", "%(num)s people") if stage == "died"
                    else tr.count(len(times), "casualty", "%(num)s casualty", "%(num)s casualties"))),
                ls="--" if stage == "died" else "-")
    title = tr("%(name)s: casualty flow", name=result.scenario.name)
    if not stages:
        ax.text(0.5, 0.5, say("no casualties in this run"), ha="center", va="center", transform=ax.transAxes)
    elif set(stages) == {"injured at scene"}:
        title += tr(" (no medical-care events in this run: injuries only)")
    # Titles run longer in French and Arabic than the English they were laid out for: wrapped there.
    title = title if tr.lang == "en" else shape_for(tr)(_wrapped(title))
    ax.set_xlabel(say("time since start (%(unit)s)", unit=unit))
    ax.set_ylabel(say("casualties so far (people)"))
    ax.set_title(title, fontsize=11)
    ax.set_xlim(0, horizon / div)
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(color="#e5e5e5", lw=0.6)
    if stages:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


# ---------------------------------------------------------------------------------------- hospital load
def _hospital_series(result: RunResult) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, float]]:
    ts = result.timeseries
    load: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    capacity: dict[str, float] = {}
    quantities = sorted({q for q in ts.quantity if "hospital" in q})
    for q in quantities:
        subjects = sorted({s for qq, s in zip(ts.quantity, ts.subject) if qq == q})
        for s in subjects:
            t, v = ts.select(q, s)
            if "capacity" in q:
                capacity[s] = float(np.nanmax(v)) if len(v) else math.nan
            else:
                load.setdefault(s or q, (t, v))
    beds: dict[str, list[tuple[float, float]]] = {}
    for e in result.events:
        if e.kind == "medical.at_hospital" and e.values.get("hospital") is not None and "beds_used" in e.values:
            beds.setdefault(str(e.values["hospital"]), []).append((e.t_s, float(e.values["beds_used"])))
    # Beds in use come from the admissions (what metrics.json calls peak_beds_used); the sampled
    # ``hospital_backlog`` counts only patients waiting for critical care, so it is a fallback.
    for name, pts in beds.items():
        load[name] = (np.array([0.0] + [p[0] for p in pts]), np.array([0.0] + [p[1] for p in pts]))
    medical = getattr(result.scenario, "medical", None)
    hospitals = list(getattr(medical, "hospitals", None) or []) + list(getattr(result.scenario, "hospitals", None) or [])
    for h in hospitals:
        hid = getattr(h, "id", None)
        if hid and hid not in load and beds:  # a hospital that received nobody: drawn at zero
            load[hid] = (np.array([0.0]), np.array([0.0]))
        for attr in ("bed_count", "beds", "surge_capacity", "capacity"):  # bed_count: beds derived from the trauma level
            value = getattr(h, attr, None)
            if hid and isinstance(value, (int, float)) and hid not in capacity:
                capacity[hid] = float(value)
                break
    return load, capacity


def has_hospital_load(result: RunResult) -> bool:
    """Whether the run recorded hospital load over time."""
    return bool(_hospital_series(result)[0])


def hospital_load(result: RunResult, lang: str = "en") -> Figure:
    """Beds in use at each hospital over time (patients admitted, alive) against its beds (dashed), in ``lang``."""
    tr = translator(lang)
    say, en = figure_words(tr), tr.lang == "en"

    def beds(n: float) -> str:
        return tr.count(n, "bed", "%(num)s bed", "%(num)s beds")

    load, capacity = _hospital_series(result)
    medical = getattr(result.scenario, "medical", None)
    names = {h.id: (getattr(h, "name", None) or h.id) for h in (getattr(medical, "hospitals", None) or [])}
    fig = new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    last = max((float(t[-1]) for t, _ in load.values() if len(t)), default=0.0)
    horizon = last * 1.1 + 60.0
    top_used = max((float(np.max(v)) for _, v in load.values() if len(v)), default=0.0)
    # Beds far above the load would flatten it into the axis: then the scale fits the load and the
    # legend gives the beds.
    y_top = max(4.0, 1.6 * top_used)
    off_scale = False
    div, unit = time_axis(horizon)
    if not en:
        unit = tr.units[2] if unit == "h" else tr.units[1]
    order = sorted(load)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}
    drawn_caps = {name: capacity[name] for name in order if name in capacity and math.isfinite(capacity[name])
                  and capacity[name] <= 4 * max(top_used, 1.0)}
    # Hospitals with the same beds share one line: its dashes alternate the hospitals' colours and a
    # label on the line names them, so neither line hides the other.
    sharing: dict[float, list[str]] = {}
    for name, cap in drawn_caps.items():
        sharing.setdefault(cap, []).append(name)
    for name in order:
        t, v = load[name]
        colour = colours[name]
        label = wrap(names.get(name, name), 32)
        peak = float(np.max(v)) if len(v) else 0.0
        if peak:
            ts = np.concatenate([t, [horizon]])
            vs = np.concatenate([v, [v[-1]]])
            ax.step(ts / div, vs, where="post", color=colour, lw=2, label=f"{label}: beds in use (peak {peak:g})" if en
                    else say("%(name)s: beds in use (peak %(peak)s)", name=label, peak=tr.fixed(peak, 0)))
        else:
            # A flat line at zero would lie on the axis and on the other idle hospitals' lines.
            ax.plot([], [], color=colour, lw=2, label=say("%(name)s: no patients", name=label))
        if name in drawn_caps:
            cap = drawn_caps[name]
            y_top = max(y_top, 1.12 * cap)
            group = sharing[cap]
            k, j = len(group), group.index(name)
            style = "--" if k == 1 else (j * 6.0, (6.0, 6.0 * (k - 1)))
            shared = "" if k == 1 else say(" (shared line, alternate dashes)")
            ax.axhline(cap, color=colour, ls=style, lw=1.6,
                       label=say("%(name)s: %(beds)s%(shared)s", name=label, beds=beds(cap), shared=shared))
        elif name in capacity and math.isfinite(capacity[name]):
            off_scale = True
            ax.plot([], [], color="none", label=say("%(name)s: %(beds)s (far above, not drawn)", name=label,
                                                    beds=beds(capacity[name])))
    for cap, group in sorted(sharing.items()):
        if len(group) > 1:
            who = " and ".join(names.get(n, n) for n in group) if en else tr.join_and([names.get(n, n) for n in group])
            ax.annotate(say("%(beds)s each: %(who)s", beds=beds(cap), who=who), xy=(1.0, cap),
                        xycoords=("axes fraction", "data"),
                        xytext=(-4, 3), textcoords="offset points", ha="right", va="bottom", fontsize=8,
                        color="#333333")
    if not load:
        ax.text(0.5, 0.5, say("no hospital data in this run"), ha="center", va="center", transform=ax.transAxes)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlabel(say("time since start (%(unit)s)", unit=unit))
    ax.set_ylabel(say("beds in use (patients)"))
    title = tr("%(name)s: hospital beds in use", name=result.scenario.name) + (
        tr(" (far below the beds)") if off_scale else tr(" against capacity"))
    ax.set_title(title if en else shape_for(tr)(_wrapped(title)))
    ax.set_xlim(0, horizon / div)
    ax.set_ylim(0, y_top)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(color="#e5e5e5", lw=0.6)
    return fig
