"""Figures of one run: venue map, incident timeline, evacuation curves, casualty flow, hospital load.

Each function takes a :class:`~simsoft.engine.RunResult` (possibly read back from a run folder with
:func:`simsoft.runfolder.load_run`) and returns a :class:`matplotlib.figure.Figure`; none simulates.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simsoft.engine import RunResult
from simsoft.plots.common import PALETTE, new_figure, time_axis, wrap

__all__ = ["venue_map", "incident_timeline", "evacuation_curves", "casualty_flow", "hospital_load",
           "has_casualty_flow", "has_hospital_load", "CASUALTY_STAGES"]


# --------------------------------------------------------------------------------------------- venue map
def _venue_positions(scenario: Any) -> tuple[nx.Graph, dict[str, tuple[float, float]]]:
    venue = scenario.venue
    graph = nx.Graph()
    known: dict[str, tuple[float, float]] = {}
    for z in venue.zones:
        graph.add_node(z.id, kind="zone")
        if z.position is not None:
            known[z.id] = tuple(z.position)
    for e in venue.exits:
        graph.add_node(e.id, kind="exit")
        if e.position is not None:
            known[e.id] = tuple(e.position)
    for c in venue.connections:
        graph.add_edge(c.from_, c.to, id=c.id, kind=c.kind.value, width_m=c.width_m)
    if len(known) == graph.number_of_nodes():
        return graph, known
    # A fixed seed makes the layout of zones without a position deterministic (networkx layouts are random).
    pos = nx.spring_layout(graph, pos=known or None, fixed=list(known) or None, seed=0, k=None if known else 1.0)
    if not known:
        pos = {n: (float(x) * 20, float(y) * 20) for n, (x, y) in pos.items()}
    return graph, {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def venue_map(result: RunResult, *, color_by: str = "peak_density", max_labels: int = 24) -> Figure:
    """Zones and exits of the venue, zones coloured by peak density (p/m²) or casualties.

    Zones are placed at their ``position`` from the venue file; zones without one get a spring layout
    with ``seed=0`` (the same picture every time). Marker area grows with the zone's floor area. A
    venue with more than ``max_labels`` zones (a stadium bowl) labels only the ``max_labels`` zones
    with the highest values, and no exit names, so the labels stay readable.
    """
    if color_by not in ("peak_density", "casualties"):
        raise ValueError(f"color_by must be 'peak_density' or 'casualties', got {color_by!r}")
    scenario, m = result.scenario, result.metrics
    graph, pos = _venue_positions(scenario)
    zones = scenario.venue.zones
    if color_by == "peak_density":
        values = [float(m.get(f"egress.zone.{z.id}.peak_density_p_m2") or 0.0) for z in zones]
        label, vmax = "peak density (p/m²)", max(4.0, max(values, default=0.0))
    else:
        values = [float(m.get(f"casualties.zone.{z.id}") or 0.0) for z in zones]
        label, vmax = "casualties (people)", max(1.0, max(values, default=0.0))
    fig = new_figure(8.0, 6.0)
    ax = fig.add_subplot()
    for a, b, data in graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        style = "--" if data["kind"] == "stair" else "-"
        ax.plot([x0, x1], [y0, y1], style, color="#9a9a9a", lw=1 + 1.5 * data["width_m"], zorder=1,
                solid_capstyle="round")
    areas = np.array([z.area_m2 for z in zones], dtype=float)
    sizes = 250 + 1400 * np.sqrt(areas / areas.max())
    sc = ax.scatter([pos[z.id][0] for z in zones], [pos[z.id][1] for z in zones], s=sizes, c=values, cmap="YlOrRd",
                    vmin=0.0, vmax=vmax, edgecolors="#333333", linewidths=1.0, zorder=2)
    exits = scenario.venue.exits
    ax.scatter([pos[e.id][0] for e in exits], [pos[e.id][1] for e in exits], marker="s", s=180, color="#2e933c",
               edgecolors="#1d5e26", zorder=3)
    # Labels sit under each marker, so they never hide the colour they describe.
    crowded = len(zones) > max_labels
    shown = set(range(len(zones)))
    if crowded:
        # Greedy: highest values first, skipping any zone too close to one already labelled.
        xy = np.array([pos[z.id] for z in zones], dtype=float)
        span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1.0))
        # Labels are wide and short: keep them apart by a text width across or a text height down.
        gap_x, gap_y = 0.2 * span, 0.09 * span
        shown = set()
        for i in sorted(range(len(zones)), key=lambda i: (-values[i], i)):
            if len(shown) >= max_labels:
                break
            if all(abs(xy[i, 0] - xy[j, 0]) >= gap_x or abs(xy[i, 1] - xy[j, 1]) >= gap_y for j in shown):
                shown.add(i)
    for i, (z, v, size) in enumerate(zip(zones, values, sizes)):
        if i not in shown:
            continue
        value = f"{v:.1f} p/m²" if color_by == "peak_density" else f"{v:.0f}"
        text = f"{wrap(z.label, 16)}\n{value}" + (f" (level {z.level})" if z.level else "")
        ax.annotate(text, pos[z.id], xytext=(0, -(math.sqrt(size) / 2 + 2)), textcoords="offset points", ha="center",
                    va="top", fontsize=7.5, zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    for e in exits if not crowded else ():
        ax.annotate(wrap(e.label, 16), pos[e.id], xytext=(0, -14), textcoords="offset points", ha="center",
                    va="top", fontsize=7.5, color="#1d5e26", zorder=4)
    fig.colorbar(sc, ax=ax, label=label, shrink=0.8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.15)
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    what = "peak density" if color_by == "peak_density" else "casualties"
    note = f"\n(labels on the highest zones, spaced apart; {len(zones)} zones in all)" if len(zones) > max_labels else ""
    ax.set_title(f"{scenario.name}: {what} by zone{note}")
    handles = [Line2D([], [], marker="o", ls="", mfc="#f4a582", mec="#333", ms=10, label="zone (size ~ area)"),
               Line2D([], [], marker="s", ls="", color="#2e933c", ms=8, label="exit"),
               Line2D([], [], color="#9a9a9a", lw=3, label="door / gate / opening"),
               Line2D([], [], color="#9a9a9a", lw=3, ls="--", label="stair")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=4, fontsize=8, frameon=False)
    return fig


# --------------------------------------------------------------------------------------- incident timeline
_MILESTONES = (
    ("incident.t_detect_s", "incident detected"),
    ("incident.t_first_alert_s", "first alert"),
    ("response.t_police_on_scene_s", "police on scene"),
    ("response.t_contained_s", "contained"),
    ("response.t_all_clear_s", "all clear"),
    ("egress.t95_s", "95 % out"),
    ("medical.t_access_s", "medics reach casualties"),
    ("medical.t_first_transport_s", "first transport"),
    ("medical.t_last_transport_s", "last transport"),
    ("recovery.t_everyone_accounted_s", "everyone accounted for"),
    ("recovery.reunification.t_complete_s", "reunification complete"),
    ("recovery.t_reopened_s", "venue reopened"),
)
_WINDOW_KEYS = ("egress.t100_s", "incident.t_end_s", "response.t_contained_s", "response.t_all_clear_s",
                "medical.t_last_transport_s")
"""Milestones that set the time window of the timeline; later ones (recovery over days) are listed, not drawn."""
_SOURCE_COLOURS = {"plan": "#1b6ca8", "occupants": "#edae49", "decision": "#d1495b", "scenario": "#6a4c93"}


def incident_timeline(result: RunResult) -> Figure:
    """Phases, incident spans by zone, responding units, decisions (``action.*`` events) and milestones.

    Time runs left to right in minutes. Decisions are grouped by kind on their own lanes and coloured by
    who took them (the venue's plan, occupants, a team decision, the scenario script).
    """
    ev, m = result.events, result.metrics
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
    start = m.get("incident.t_start_s")
    contained = m.get("response.t_contained_s") or m.get("incident.t_end_s")
    phases = []
    if start is not None:
        phases = [("pre-incident", 0.0, float(start), "#f2f2f2"),
                  ("incident and response", float(start), float(contained or window), "#fde0dd"),
                  ("recovery", float(contained or window), window, "#e5f5e0")]
        for _, a, b, colour in phases:
            if b > a:
                ax.axvspan(a / div, min(b, window) / div, color=colour, zorder=0)
    for e in ev:
        if e.kind == "incident.zone_affected":
            y = lane(f"incident: {e.subject}")
            until = float(e.values.get("until_s") or window)
            ax.barh(y, (until - e.t_s) / div, left=e.t_s / div, height=0.5, color="#b2182b", zorder=2)
    dispatched = {e.subject: e.t_s for e in ev if e.kind == "response.dispatched"}
    on_scene = {e.subject: e.t_s for e in ev if e.kind == "response.on_scene"}
    for uid in sorted(set(dispatched) | set(on_scene), key=lambda u: dispatched.get(u, on_scene.get(u, 0.0))):
        y = lane(f"unit: {uid}")
        t0 = dispatched.get(uid, on_scene.get(uid))
        if uid in on_scene:
            ax.barh(y, (on_scene[uid] - t0) / div, left=t0 / div, height=0.5, color="#92c5de", zorder=2)
            ax.plot([on_scene[uid] / div], [y], marker="D", color="#2166ac", zorder=3)
        else:
            ax.barh(y, (window - t0) / div, left=t0 / div, height=0.5, color="#d1e5f0", zorder=2)
    sources_seen: set[str] = set()
    for e in ev:
        if e.kind.startswith("action."):
            if e.t_s > window:
                continue
            y = lane(f"decision: {e.kind.split('.', 1)[1]}")
            source = str(e.values.get("source", "decision"))
            sources_seen.add(source)
            ax.plot([e.t_s / div], [y], marker="o", ms=7, ls="", color=_SOURCE_COLOURS.get(source, "#5c5c5c"),
                    mec="black", mew=0.5, zorder=4)
    handles: list[Any] = []
    styles = ["--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]
    for i, (key, label) in enumerate(_MILESTONES):
        t = m.get(key)
        if t is None:
            continue
        colour = PALETTE[i % len(PALETTE)]
        t = float(t)
        if t > window:  # days later (recovery): listed with its time, not drawn
            shown = f"{t / 3600:.1f} h" if t >= 3 * 3600 else f"{t / 60:.1f} min"
            handles.append(Line2D([], [], color="none", label=f"{label} {shown} (after this window)"))
            continue
        ax.axvline(t / div, color=colour, ls=styles[i % len(styles)], lw=1.5, zorder=1)
        handles.append(Line2D([], [], color=colour, ls=styles[i % len(styles)], label=f"{label} {t / div:.1f} {unit}"))
    for source in sorted(sources_seen):
        handles.append(Line2D([], [], marker="o", ls="", color=_SOURCE_COLOURS.get(source, "#5c5c5c"), mec="black",
                              label=f"decision by {source}"))
    if any(ln.startswith("incident:") for ln in lanes):
        handles.append(Patch(color="#b2182b", label="incident in zone"))
    if any(ln.startswith("unit:") for ln in lanes):
        handles.append(Patch(color="#92c5de", label="unit travelling (◆ on scene)"))
    for name, a, b, colour in phases:
        if b > a:
            handles.append(Patch(color=colour, label=f"phase: {name}"))
    if not lanes:
        lanes.append("(no incident, unit or decision events)")
    ax.set_yticks(range(len(lanes)), lanes, fontsize=8)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_xlim(0, window / div)
    ax.set_xlabel(f"time since start ({unit})")
    what = "incident timeline" if result.scenario.incident is not None else "timeline"
    ax.set_title(f"{result.scenario.name}: {what}" + (f" [variant {result.variant}]" if result.variant else ""))
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


# -------------------------------------------------------------------------------------- evacuation curves
def evacuation_curves(result: RunResult) -> Figure:
    """Occupants of each zone over time (top) and people inside / out by exit (bottom)."""
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
    if done is None and m.get("egress.t95_s") is not None:
        done = 1.5 * float(m["egress.t95_s"])
    if done is not None:
        t_end = min(t_end, float(done))
    window = t_end * 1.05 + 30.0
    div, unit = time_axis(window)
    zones = [z.id for z in result.scenario.venue.zones]
    labels = {z.id: z.label for z in result.scenario.venue.zones}
    for i, z in enumerate(zones):
        t, v = ts.select("occupants", z)
        if len(t):
            top.plot(t / div, v, color=PALETTE[i % len(PALETTE)], lw=1.6, label=labels[z],
                     ls="-" if i < len(PALETTE) else "--")
    top.set_ylabel("occupants (people)")
    top.set_title("occupancy by zone (people in each zone)")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    t, inside = ts.select("inside", "")
    if len(t):
        bottom.plot(t / div, inside, color="black", lw=2, label="inside the venue")
    for i, e in enumerate(result.scenario.venue.exits):
        t, v = ts.select("exited", e.id)
        if len(t):
            bottom.plot(t / div, v, color=PALETTE[(i + 1) % len(PALETTE)], lw=1.6, label=f"out via {e.label}")
    total = result.metrics.get("run.population") or 0
    for key, label, ls in (("egress.t50_s", "50 %", ":"), ("egress.t95_s", "95 %", "--")):
        tm = result.metrics.get(key)
        if tm is not None:
            bottom.axvline(float(tm) / div, color="#777777", ls=ls, lw=1.2,
                           label=f"{label} out ({float(tm) / div:.1f} {unit})")
    bottom.set_ylabel("people (count)")
    bottom.set_xlabel(f"time since start ({unit})")
    bottom.set_title(f"evacuation ({total:,} people)")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    for ax in (top, bottom):
        ax.grid(color="#e5e5e5", lw=0.6)
        ax.set_xlim(0, window / div)
        ax.set_ylim(bottom=0)
    fig.suptitle(f"{result.scenario.name}: evacuation" + (f" [variant {result.variant}]" if result.variant else ""))
    return fig


# ---------------------------------------------------------------------------------------- casualty flow
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


def casualty_flow(result: RunResult) -> Figure:
    """Cumulative casualties reaching each stage: scene, collection point, transport, hospital (and deaths).

    Stages appear only when the run has their events (a run without the medical model shows the
    injured alone, and says so).
    """
    stages = _stage_times(result)
    fig = new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    last = max((t for v in stages.values() for t in v), default=0.0)
    horizon = last * 1.05 + 60.0
    div, unit = time_axis(horizon)
    for i, (stage, _, _) in enumerate(CASUALTY_STAGES):
        times = stages.get(stage)
        if not times:
            continue
        t = np.concatenate([[0.0], times, [horizon]])
        n = np.concatenate([[0], np.arange(1, len(times) + 1), [len(times)]])
        ax.step(t / div, n, where="post", lw=2, color=PALETTE[i], label=f"{stage} ({len(times)})",
                ls="--" if stage == "died" else "-")
    title = f"{result.scenario.name}: casualty flow"
    if not stages:
        ax.text(0.5, 0.5, "no casualties in this run", ha="center", va="center", transform=ax.transAxes)
    elif set(stages) == {"injured at scene"}:
        title += " (no medical-care events in this run: injuries only)"
    ax.set_xlabel(f"time since start ({unit})")
    ax.set_ylabel("casualties (cumulative)")
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


def hospital_load(result: RunResult) -> Figure:
    """Beds in use at each hospital over time (patients admitted, alive) against its beds (dashed)."""
    load, capacity = _hospital_series(result)
    medical = getattr(result.scenario, "medical", None)
    names = {h.id: (getattr(h, "name", None) or h.id) for h in (getattr(medical, "hospitals", None) or [])}
    fig = new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    last = max((float(t[-1]) for t, _ in load.values() if len(t)), default=0.0)
    horizon = last * 1.1 + 60.0
    div, unit = time_axis(horizon)
    for i, (name, (t, v)) in enumerate(sorted(load.items())):
        colour = PALETTE[i % len(PALETTE)]
        ts = np.concatenate([t, [horizon]])
        vs = np.concatenate([v, [v[-1] if len(v) else 0.0]])
        label = wrap(names.get(name, name), 32)
        ax.step(ts / div, vs, where="post", color=colour, lw=2, label=f"{label}: beds in use")
        if name in capacity and math.isfinite(capacity[name]):
            ax.axhline(capacity[name], color=colour, ls="--", lw=1.2, label=f"{label}: beds ({capacity[name]:g})")
    if not load:
        ax.text(0.5, 0.5, "no hospital data in this run", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlabel(f"time since start ({unit})")
    ax.set_ylabel("beds in use (patients)")
    ax.set_title(f"{result.scenario.name}: hospital beds in use against capacity")
    ax.set_xlim(0, horizon / div)
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(color="#e5e5e5", lw=0.6)
    return fig
