"""The venue drawn to scale for ``simsoft venue check``: zone outlines with names and areas, doors with
widths, exits with their capacity, stairs, and the route graph; one panel per level.

Takes a venue, its :class:`~simsoft.plans.layout.Layout` and (optionally) its capacity summary and
returns a :class:`~matplotlib.figure.Figure`; it runs nothing.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch

from simsoft.plots.common import new_figure

__all__ = ["venue_plan"]

ZONE_FILL = {"room": "#dbe9f6", "hall": "#c6dbef", "corridor": "#fdf0c2", "concourse": "#e5f5e0",
             "stair": "#eeeeee", "outdoor": "#f2f2f2", "shelter": "#e8dff5"}
"""Fill of a zone by kind (pale, so that black labels stay readable)."""
_EXIT = "#2e933c"
_DOOR = "#d1495b"
_STAIR = "#6a4c93"
_ROUTE = "#7a7a7a"


def venue_plan(venue: Any, layout: Any, *, summary: Any = None, title: str | None = None) -> Figure:
    """Draw ``venue`` to scale, one panel per level; with ``summary`` the zones show their occupant load."""
    levels = sorted({z.level for z in venue.zones})
    loads = {z.zone: z.load for z in summary.zones} if summary is not None else {}
    flows = {e.connection: e.flow_p_s for e in summary.exits} if summary is not None else {}
    xs = [p[0] for pts in layout.outline.values() for p in pts] + [p[0] for p in layout.centre.values()]
    ys = [p[1] for pts in layout.outline.values() for p in pts] + [p[1] for p in layout.centre.values()]
    span_x, span_y = max(xs) - min(xs) or 10.0, max(ys) - min(ys) or 10.0
    ncol = len(levels)
    panel_w = 7.5 if ncol == 1 else 6.0
    fig = new_figure(panel_w * ncol, max(4.0, min(9.0, panel_w * span_y / span_x + 1.2)))
    axes = fig.subplots(1, ncol, squeeze=False, sharex=True, sharey=True)[0]
    # Door points without an ``at`` are estimates (where outlines meet); two estimates on one spot are drawn
    # apart so both stay visible. A door the venue places is drawn where it is.
    doors: dict[str, tuple[float, float]] = {}
    given = getattr(layout, "door_given", frozenset())
    for c in sorted(venue.connections, key=lambda c: c.id not in given):
        x, y = layout.door[c.id]
        while c.id not in given and any(math.dist((x, y), q) < 2.5 for q in doors.values()):
            x += 3.0
        doors[c.id] = (x, y)
    zone_by_id = {z.id: z for z in venue.zones}
    exit_ids = {e.id for e in venue.exits}
    exit_by_id = {e.id: e for e in venue.exits}
    narrow = set()
    for zid, pts in layout.outline.items():
        if min(max(p[0] for p in pts) - min(p[0] for p in pts), max(p[1] for p in pts) - min(p[1] for p in pts)) < 3.0:
            narrow.add(zid)
    pending: list[tuple[Any, str, tuple[float, float], str, tuple[Any, str, str]]] = []
    for ax, lvl in zip(axes, levels):
        here = [z for z in venue.zones if z.level == lvl]
        for z in venue.zones:  # the other levels' outlines, faint, to see what lies above and below
            if z.level != lvl and z.id in layout.outline:
                ax.add_patch(PolygonPatch(layout.outline[z.id], closed=True, fill=False, edgecolor="#b0b0b0", lw=0.8,
                                          ls="--", zorder=0))
        for z in here:
            fill = ZONE_FILL.get(z.kind.value, "#eeeeee")
            cx, cy = layout.centre[z.id]
            if z.id in layout.outline:
                ax.add_patch(PolygonPatch(layout.outline[z.id], closed=True, facecolor=fill, edgecolor="#333333", lw=1.2,
                                          zorder=1))
            else:
                side = math.sqrt(z.area_m2)
                ax.add_patch(PolygonPatch([(cx - side / 2, cy - side / 2), (cx + side / 2, cy - side / 2),
                                           (cx + side / 2, cy + side / 2), (cx - side / 2, cy + side / 2)],
                                          closed=True, facecolor=fill, edgecolor="#333333", lw=1.0, ls="--", zorder=1))
            parts = [z.label, f"{z.area_m2:g} m²"] + ([f"{loads[z.id]} people"] if z.id in loads else [])
            text = (" · " if z.id in narrow else "\n").join(parts)  # one line in a corridor, so it stays inside
            ax.text(cx, cy, text, ha="center", va="center", fontsize=8.5, zorder=5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75})
        for c in venue.connections:
            a = zone_by_id.get(c.from_)
            b = zone_by_id.get(c.to)
            ends = [x for x in (a, b) if x is not None]
            if not any(x.level == lvl for x in ends):
                continue
            dx, dy = doors[c.id]
            stair = c.kind.value == "stair"
            colour = _STAIR if stair else (_EXIT if c.to in exit_ids else _DOOR)
            # The route graph: centre -> door -> centre (or exit) on this level.
            for node in (c.from_, c.to):
                if node in exit_ids or (node in zone_by_id and zone_by_id[node].level == lvl):
                    nx_, ny_ = layout.centre[node]
                    ax.plot([nx_, dx], [ny_, dy], color=_ROUTE, lw=0.8, ls=":" if stair else "-", zorder=2)
            ax.plot([dx], [dy], marker="s" if not stair else "^", ms=7, color=colour, zorder=6, mec="white", mew=0.8)
            label = f"{c.width_m:g} m"
            if stair:
                other = b if a is not None and a.level == lvl else a
                label = f"stair {c.width_m:g} m" + (f" to L{other.level}" if other is not None else "")
            elif c.id in flows:
                label += f", {flows[c.id] * 60:.0f} p/min"
            # The width goes on the side away from the nearest zone label.
            nz = min(here, key=lambda z: math.dist(layout.centre[z.id], (dx, dy)))
            ux, uy = dx - layout.centre[nz.id][0], dy - layout.centre[nz.id][1]
            if abs(ux) > abs(uy) and nz.id not in narrow:  # a corridor's one-line label runs along it: go across
                off, ha, va = (6 if ux > 0 else -6, 3), ("left" if ux > 0 else "right"), "bottom"
            else:
                off, ha, va = (4, 6 if uy > 0 else -6), "left", ("bottom" if uy > 0 else "top")
            pending.append((ax, label, (dx, dy), colour, (off, ha, va)))
        for e in venue.exits:
            feeds = [c for c in venue.connections if c.to == e.id and c.from_ in zone_by_id and zone_by_id[c.from_].level == lvl]
            if not feeds:
                continue
            ex, ey = layout.centre[e.id]
            fx, fy = doors[feeds[0].id]
            ux, uy = ex - fx, ey - fy
            norm = math.hypot(ux, uy) or 1.0
            ux, uy = ux / norm, uy / norm
            ax.plot([ex], [ey], marker="D", ms=9, color=_EXIT, zorder=4)
            # The name goes outward, away from the building, so it never sits on a room's label.
            ha = "left" if ux > 0.5 else ("right" if ux < -0.5 else "center")
            va = "bottom" if uy > 0.5 else ("top" if uy < -0.5 else "center")
            ax.annotate(exit_by_id[e.id].label, (ex, ey), xytext=(9 * ux, 9 * uy), textcoords="offset points", ha=ha, va=va,
                        fontsize=8, color=_EXIT, weight="bold", zorder=6)
        ax.set_aspect("equal")
        ax.margins(0.15)
        ax.autoscale_view()
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.grid(True, color="#e0e0e0", lw=0.5)
        ax.set_axisbelow(True)
        ax.set_title(f"level {lvl}" if ncol > 1 or lvl else "ground level", fontsize=10)
    _place_door_labels(fig, pending)
    head = title or venue.name or "venue"
    if summary is not None:
        head += (f" - {summary.people} people at {summary.density_p_m2:g} p/m², exits {summary.exit_flow_p_s * 60:.0f} p/min, "
                 f"hydraulic estimate {summary.estimate_s / 60:.1f} min")
    fig.suptitle(head, fontsize=10.5)
    return fig


_TRIES = (((6, 3), "left", "bottom"), ((-6, 3), "right", "bottom"), ((6, -3), "left", "top"), ((-6, -3), "right", "top"),
          ((0, 7), "center", "bottom"), ((0, -7), "center", "top"))
"""Where a door's width may go around its marker (offset in points, alignment), after the preferred side."""


def _place_door_labels(fig: Figure, pending: list[tuple[Any, str, tuple[float, float], str, tuple[Any, str, str]]]) -> None:
    """Put each door's width beside its marker where it covers no zone label, exit name or other width.

    The preferred side (away from the nearest zone label) is tried first, then the others; a label
    with no free side keeps the preferred one. Sizes are measured on the drawn figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    taken = {id(ax): [t.get_window_extent(renderer) for t in ax.texts] for ax, *_ in pending}
    # Markers (doors, stairs, exits) too, except the label's own.
    marks = {id(ax): [(tuple(line.get_xydata()[0]), line.get_window_extent(renderer)) for line in ax.lines
                      if len(line.get_xydata()) == 1] for ax, *_ in pending}
    style = {"fontsize": 7.5, "zorder": 7, "textcoords": "offset points",
             "bbox": {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7}}
    for ax, label, xy, colour, preferred in pending:
        frame = ax.get_window_extent(renderer)
        for n, (off, ha, va) in enumerate((preferred, *_TRIES)):
            ann = ax.annotate(label, xy, xytext=off, ha=ha, va=va, color=colour, **style)
            box = ann.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            others = [b for at, b in marks[id(ax)] if math.dist(at, xy) > 1e-9]
            if inside and not any(box.overlaps(o) for o in [*taken[id(ax)], *others]):
                break
            ann.remove()
        else:  # nowhere free: the preferred side
            off, ha, va = preferred
            ann = ax.annotate(label, xy, xytext=off, ha=ha, va=va, color=colour, **style)
            box = ann.get_window_extent(renderer)
        taken[id(ax)].append(box)
