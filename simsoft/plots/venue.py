"""The venue map of a run: zones coloured by peak density or casualties, labels that never overlap.

Takes a :class:`~simsoft.engine.RunResult` and returns a :class:`matplotlib.figure.Figure`; never simulates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simsoft.engine import RunResult
from simsoft.i18n import Translator, translator
from simsoft.records import Event
from simsoft.plans.layout import positions
from simsoft.plots.common import figure_words, new_figure, shape_for, wrap
from simsoft.plots.situation import has_outlines, venue_situation

__all__ = ["venue_map", "situation_from_records"]


# --------------------------------------------------------------------------------------------- venue map
def _venue_positions(scenario: Any) -> tuple[nx.Graph, dict[str, tuple[float, float]]]:
    venue = scenario.venue
    graph = nx.Graph()
    for z in venue.zones:
        graph.add_node(z.id, kind="zone")
    for e in venue.exits:
        graph.add_node(e.id, kind="exit")
    for c in venue.connections:
        graph.add_edge(c.from_, c.to, id=c.id, kind=c.kind.value, width_m=c.width_m)
    return graph, positions(venue)


def _boxes(fig: Figure, ax: Any, items: list[dict[str, Any]]) -> tuple[Any, list[tuple[float, ...]], Any]:
    """Draw the figure (settling the layout) and return the renderer, the items' marker boxes and the frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72.0
    centres = [ax.transData.transform(it["xy"]) for it in items]
    markers = [(c[0] - it["radius_pt"] * px, c[1] - it["radius_pt"] * px, c[0] + it["radius_pt"] * px,
                c[1] + it["radius_pt"] * px) for c, it in zip(centres, items)]
    return renderer, markers, ax.get_window_extent(renderer)


def _clashes(box: Any, own: int, markers: list[tuple[float, ...]], taken: list[tuple[float, ...]], frame: Any) -> bool:
    b = (box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1)
    if b[0] < frame.x0 or b[2] > frame.x1 or b[1] < frame.y0 or b[3] > frame.y1:
        return True
    others = [m for j, m in enumerate(markers) if j != own] + taken
    return any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in others)


def _place_labels(fig: Figure, ax: Any, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Place each label where it overlaps no placed label and no other marker: below its marker, else
    above, right or left. Items are tried in order (most important first); returns those that found no
    place, so the caller can number them instead, and the annotations placed.

    Each item: ``xy`` (data), ``radius_pt`` (its marker), ``text``, ``style`` (annotate keywords).
    """
    renderer, markers, frame = _boxes(fig, ax, items)
    taken: list[tuple[float, ...]] = []
    failed, placed = [], []
    for i, it in enumerate(items):
        r = it["radius_pt"] + 2
        for dx, dy, ha, va in ((0, -r, "center", "top"), (0, r, "center", "bottom"), (r, 0, "left", "center"),
                               (-r, 0, "right", "center")):
            ann = ax.annotate(it["text"], it["xy"], xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                              **it["style"])
            box = ann.get_window_extent(renderer)
            if not _clashes(box, i, markers, taken, frame):
                taken.append((box.x0, box.y0, box.x1, box.y1))
                placed.append((i, ann))
                break
            ann.remove()
        else:
            failed.append(it)
    return failed, placed


def _still_clear(fig: Figure, ax: Any, items: list[dict[str, Any]], placed: list[tuple[int, Any]]) -> bool:
    """Whether placed labels still overlap nothing after the layout changed (a longer legend)."""
    renderer, markers, frame = _boxes(fig, ax, items)
    taken: list[tuple[float, ...]] = []
    for i, ann in placed:
        box = ann.get_window_extent(renderer)
        if _clashes(box, i, markers, taken, frame):
            return False
        taken.append((box.x0, box.y0, box.x1, box.y1))
    return True


_CROWDED_LABELS = 10
"""Labels on a crowded venue map (more than ``max_labels`` zones): more cover the map they describe."""


def _value(v: float, color_by: str, tr: Translator) -> str:
    """A zone's value under its name: ``1.2 p/m²`` or ``3 casualties`` (English exactly as before)."""
    if color_by == "peak_density":
        return f"{v:.1f} p/m²" if tr.lang == "en" else tr("%(density)s p/m²", density=tr.fixed(v, 1))
    return tr.count(v, "casualty", "%(num)s casualty", "%(num)s casualties")


def _title(result: RunResult, color_by: str, tr: Translator) -> str:
    what = tr("peak crowd density") if color_by == "peak_density" else tr("casualties")
    return (tr("%(name)s: %(what)s by zone", name=result.scenario.name, what=what)
            + (tr(" [variant %(variant)s]", variant=result.variant) if result.variant else ""))


def venue_map(result: RunResult, *, color_by: str = "peak_density", max_labels: int = 24, lang: str = "en") -> Figure:
    """Zones and exits of the venue, zones coloured by peak density (p/m²) or casualties.

    A venue whose zones have outlines (``polygon``, an imported floor plan) is drawn to scale, one panel
    per level, with doors where the venue places them, the zones the incident affected, the cordons set
    and the people out by exit (:func:`simsoft.plots.situation.venue_situation`). Otherwise:
    zones are placed at their ``position`` from the venue file; zones without one get a spring layout
    with ``seed=0`` (the same picture every time). Marker area grows with the zone's floor area. Each
    label goes where it overlaps no other label or marker; a zone whose label finds no place shows a
    number, named in the key under the map. A venue with more than ``max_labels`` zones (a stadium bowl)
    numbers the ten zones with the highest values and names them in the key, and names no exits.
    The figure's words are in ``lang`` (:mod:`simsoft.i18n`); the venue's names are the scenario's.
    """
    if color_by not in ("peak_density", "casualties"):
        raise ValueError(f"color_by must be 'peak_density' or 'casualties', got {color_by!r}")
    tr = translator(lang)
    say = figure_words(tr)
    scenario, m = result.scenario, result.metrics
    if has_outlines(scenario.venue):  # an imported venue: its real shapes, to scale
        return _scaled_map(result, color_by=color_by, tr=tr)
    graph, pos = _venue_positions(scenario)
    zones = scenario.venue.zones
    if color_by == "peak_density":
        values = [float(m.get(f"egress.zone.{z.id}.peak_density_p_m2") or 0.0) for z in zones]
        label, vmax = say("peak density (people per m²)"), max(4.0, max(values, default=0.0))
    else:
        values = [float(m.get(f"casualties.zone.{z.id}") or 0.0) for z in zones]
        label, vmax = say("casualties (people)"), max(1.0, max(values, default=0.0))
    fig = new_figure(9.0, 7.0)
    ax = fig.add_subplot()
    for a, b, data in graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        style = "--" if data["kind"] == "stair" else "-"
        ax.plot([x0, x1], [y0, y1], style, color="#9a9a9a", lw=1 + 1.5 * min(data["width_m"], 4.0), zorder=1,
                solid_capstyle="round")
    areas = np.array([z.area_m2 for z in zones], dtype=float)
    sizes = 250 + 1400 * np.sqrt(areas / areas.max())
    sc = ax.scatter([pos[z.id][0] for z in zones], [pos[z.id][1] for z in zones], s=sizes, c=values, cmap="YlOrRd",
                    vmin=0.0, vmax=vmax, edgecolors="#333333", linewidths=1.0, zorder=2)
    exits = scenario.venue.exits
    ax.scatter([pos[e.id][0] for e in exits], [pos[e.id][1] for e in exits], marker="s", s=180, color="#2e933c",
               edgecolors="#1d5e26", zorder=3)
    crowded = len(zones) > max_labels
    order = sorted(range(len(zones)), key=lambda i: (-values[i], -areas[i], i))
    if crowded:  # the highest values, spread over the venue (a bowl has many equal blocks side by side)
        xy = np.array([pos[z.id] for z in zones], dtype=float)
        gap = 0.2 * float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1.0))
        chosen: list[int] = []
        for i in order:
            if len(chosen) < _CROWDED_LABELS and all(np.hypot(*(xy[i] - xy[j])) >= gap for j in chosen):
                chosen.append(i)
        order = chosen
    cbar = fig.colorbar(sc, ax=ax, label=label, shrink=0.8)
    if color_by == "casualties":
        cbar.locator = __import__("matplotlib.ticker", fromlist=["MaxNLocator"]).MaxNLocator(integer=True)
        cbar.update_ticks()
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.15)
    ax.set_xlabel(say("x (m)"))
    ax.set_ylabel(say("y (m)"))
    note = tr("\n(the %(n)s highest of %(m)s zones, spread out, numbered and named below)", n=len(order),
              m=len(zones)) if crowded else ""
    ax.set_title(shape_for(tr)(_title(result, color_by, tr) + note))
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
    items = []
    for i in order:
        z, v = zones[i], values[i]
        value = _value(v, color_by, tr)
        level = tr(" (level %(n)s)", n=z.level) if z.level else ""
        text = shape_for(tr)(f"{wrap(z.label, 18)}\n{value}" + level)
        items.append({"xy": pos[z.id], "radius_pt": math.sqrt(sizes[i]) / 2, "text": text,
                      "key": f"{z.label}: {value}" + level,
                      "style": {"fontsize": 8.5, "zorder": 4, "bbox": box}})
    for e in exits if not crowded else ():
        items.append({"xy": pos[e.id], "radius_pt": math.sqrt(180) / 2, "text": wrap(e.label, 18),
                      "key": tr("%(name)s (exit)", name=e.label),
                      "style": {"fontsize": 8.5, "zorder": 4, "color": "#1d5e26", "bbox": box}})
    base = [Line2D([], [], marker="o", ls="", mfc="#f4a582", mec="#333", ms=10, label=say("zone (size ~ floor area)")),
            Line2D([], [], marker="s", ls="", color="#2e933c", ms=8, label=say("exit")),
            Line2D([], [], color="#9a9a9a", lw=3, label=say("door / gate / opening")),
            Line2D([], [], color="#9a9a9a", lw=3, ls="--", label=say("stair"))]

    def key(numbered: list[dict[str, Any]]) -> None:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        handles = base + [Line2D([], [], color="none", label=shape_for(tr)(f"{n}: {it['key']}"))
                          for n, it in enumerate(numbered, 1)]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.08), ncol=2 if numbered else 4,
                  fontsize=8.5, frameon=False)

    # A crowded venue (a stadium bowl) has no free space between markers: its highest zones are numbered
    # and named in the key instead (a label there would sit on some other zone).
    failed = items[:_CROWDED_LABELS] if crowded else []
    key(failed)  # the key is part of the layout before any label is measured
    for attempt in range(3 if not crowded else 0):
        failed, placed = _place_labels(fig, ax, items)
        key(failed)
        if not failed or attempt == 2 or _still_clear(fig, ax, items, placed):
            break
        for _, ann in placed:  # the longer key shrank the map: place again with the final layout
            ann.remove()
    for n, it in enumerate(failed, 1):
        ax.annotate(str(n), it["xy"], ha="center", va="center", fontsize=9, fontweight="bold", zorder=5,
                    color="black", bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": "#333333", "lw": 0.8})
    return fig


def situation_from_records(events: Iterable[Event]) -> tuple[list[str], dict[str, str]]:
    """Zones the incident ever affected (in order) and the last cordon level set on each zone, from the records."""
    affected: list[str] = []
    cordons: dict[str, str] = {}
    for e in events:
        if e.kind == "incident.zone_affected" and e.subject not in affected:
            affected.append(e.subject)
        elif e.kind == "response.cordon":
            cordons[e.subject] = str(e.values.get("level"))
    return affected, cordons


def _scaled_map(result: RunResult, *, color_by: str, tr: Translator | None = None) -> Figure:
    tr = tr or translator("en")
    say = figure_words(tr)
    scenario, m = result.scenario, result.metrics
    zones = scenario.venue.zones
    if color_by == "peak_density":
        values = {z.id: float(m.get(f"egress.zone.{z.id}.peak_density_p_m2") or 0.0) for z in zones}
        label, vmax = say("peak density (people per m²)"), max(4.0, max(values.values(), default=0.0))
    else:
        values = {z.id: float(m.get(f"casualties.zone.{z.id}") or 0.0) for z in zones}
        label, vmax = say("casualties (people)"), max(1.0, max(values.values(), default=0.0))
    text = {z: _value(v, color_by, tr) for z, v in values.items()}
    out = _whole({e.id: float(m.get(f"egress.exit.{e.id}.exited") or 0.0) for e in scenario.venue.exits})
    affected, cordons = situation_from_records(result.events)
    title = _title(result, color_by, tr) + tr(" (to scale)")
    other = {} if tr.lang == "en" else {"say": tr, "shape": shape_for(tr)}  # English: the figure's own words, as before
    return venue_situation(scenario.venue, values=values, value_label=label, value_text=text, vmax=vmax,
                           affected=affected, cordons=cordons, exits_out=out, whole=color_by == "casualties",
                           title=title, **other)


def _whole(flows: dict[str, float]) -> dict[str, int]:
    """Whole people by exit adding up to the rounded total (largest remainder, as every view counts people)."""
    floors = {k: math.floor(v) for k, v in flows.items()}
    short = round(sum(flows.values())) - sum(floors.values())
    for k in sorted(flows, key=lambda k: (-(flows[k] - floors[k]), k))[:max(0, short)]:
        floors[k] += 1
    return floors
