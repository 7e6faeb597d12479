"""The regional map: roads with driving times, sites (casualties, deaths), hospitals (peak load vs beds),
ambulance bases and police stations (units committed). Drawn from a regional result; it runs nothing."""

from __future__ import annotations

import os

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from simsoft.plots.common import new_figure
from simsoft.region.network import RoadNetwork
from simsoft.region.run import RegionResult

__all__ = ["region_map", "save_region_map"]

_SITE, _QUIET, _HOSP, _OVER, _AMB, _POL, _ROAD = "#d1495b", "#8c8c8c", "#1b6ca8", "#c0392b", "#2e933c", "#3d5a80", "#c8c8c8"


def region_map(result: RegionResult) -> Figure:
    """The region on its road graph with each place's outcome or load; returns the figure."""
    region, m = result.loaded.region, result.metrics
    net = RoadNetwork(region)
    for group in (region.hospitals, region.ambulance_bases, region.police):
        for item in group:
            net.add_place(item.id, item.location)
    fig = new_figure(9.0, 7.5)
    ax = fig.add_subplot()
    g = net.graph
    drawn: set[frozenset[str]] = set()
    for a, b, d in sorted(g.edges(data=True)):
        key = frozenset((a, b))
        if key in drawn:
            continue
        drawn.add(key)
        (xa, ya), (xb, yb) = (g.nodes[a]["x_km"], g.nodes[a]["y_km"]), (g.nodes[b]["x_km"], g.nodes[b]["y_km"])
        ax.plot([xa, xb], [ya, yb], color=_ROAD, lw=3, zorder=1, solid_capstyle="round")
        ax.text((xa + xb) / 2, (ya + yb) / 2, f"{round(d['minutes'], 1):g}'", fontsize=7, color="#777777", ha="center",
                va="center", zorder=2, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})

    def joined(name: str, loc) -> tuple[float, float]:
        x, y = net.xy(name, loc)
        if loc.node is None:  # dashed access line to the road node the place is joined to
            nx_, ny_ = net.xy(name)
            ax.plot([x, nx_], [y, ny_], color=_ROAD, lw=1.2, ls="--", zorder=1)
        return x, y

    for s in region.sites:
        x, y = joined(s.id, s.location)
        k = f"site.{s.id}."
        hit = bool(m[k + "incident"])
        people = m[k + "population"]
        size = 120 + 380 * min(1.0, people / 60000.0)
        ax.scatter([x], [y], s=size, marker="o", color=_SITE if hit else _QUIET, edgecolor="black", zorder=4)
        label = f"{s.name or s.id}\n{people:,} people"
        if hit:
            deaths = m[k + "deaths"]
            label += f"\n{m[k + 'casualties']} casualties, {deaths} death{'' if deaths == 1 else 's'}"
            if m[k + "time_to_hospital_median_min"] is not None:
                label += f"\nto hospital: median {m[k + 'time_to_hospital_median_min']:.0f} min"
            offset = s.start_offset / 60.0
            label += f"\nincident at +{offset:.0f} min" if offset else ""
        ax.annotate(label, (x, y), xytext=(10, 8), textcoords="offset points", fontsize=8, va="bottom", zorder=6)
    for h in region.hospitals:
        x, y = joined(h.id, h.location)
        k = f"hospital.{h.id}."
        load = m[k + "peak_load_vs_beds"]
        colour = _OVER if load > 1.0 else _HOSP
        ax.scatter([x], [y], s=260, marker="P", color=colour, edgecolor="black", zorder=5)
        waiting = round(m[k + "peak_backlog"])  # the fluid backlog, said in whole patients
        ax.annotate(f"{h.name or h.id}\npeak {m[k + 'peak_beds_used']}/{m[k + 'beds']} beds ({load:.0%})"
                    f"\ncritical patients waiting, peak: {'none' if waiting == 0 else f'about {waiting}'}",
                    (x, y), xytext=(10, -10), textcoords="offset points", fontsize=8, va="top", color=colour, zorder=6)
    bases: list[tuple[str, tuple[float, float], str]] = []
    for group, marker, colour in ((region.ambulance_bases, "s", _AMB), (region.police, "^", _POL)):
        for b in group:
            x, y = joined(b.id, b.location)
            total = getattr(b, "vehicles", None) or getattr(b, "units", 0)
            ax.scatter([x], [y], s=110, marker=marker, color=colour, edgecolor="black", zorder=5)
            bases.append((f"{b.name or b.id}: {base_units_sent(result, b.id, total=total)}", (x, y), colour))
    xs = [g.nodes[n]["x_km"] for n in g.nodes]
    ys = [g.nodes[n]["y_km"] for n in g.nodes]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 4.5)
    ax.set_ylim(min(ys) - 2.0, max(ys) + 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel("east (km)")
    ax.set_ylabel("north (km)")
    title = region.name + (f", variant {result.variant}" if result.variant else "")
    ax.set_title(f"{title}: sites, shared hospitals and units (seed {result.seed})", fontsize=11)
    handles = [Line2D([], [], marker="o", ls="", color=_SITE, mec="black", label="site with an incident"),
               Line2D([], [], marker="o", ls="", color=_QUIET, mec="black", label="site open, no incident"),
               Line2D([], [], marker="P", ls="", color=_HOSP, mec="black", ms=10, label="hospital (peak beds used / beds)"),
               Line2D([], [], marker="P", ls="", color=_OVER, mec="black", ms=10, label="hospital over its beds"),
               Line2D([], [], marker="s", ls="", color=_AMB, mec="black", label="ambulance base (units sent)"),
               Line2D([], [], marker="^", ls="", color=_POL, mec="black", label="police station (units sent)"),
               Line2D([], [], color=_ROAD, lw=3, label="road (free-flow minutes)")]
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    ax.grid(alpha=0.2)
    _fit_texts(fig, ax)
    _place_base_labels(fig, ax, bases)
    return fig


def base_units_sent(result: RegionResult, base: str, *, total: int) -> str:
    """How many of a base's units were sent, each unit once however often it went: its own ``of total``, and the
    mutual-aid units that joined the region's pool there said apart (they are not the base's own): ``6 of 6 sent,
    mutual aid 2 of 4 sent``, never ``8 of 6 sent``.
    """
    aid = {e.subject for e in result.events if e.kind == "region.mutual_aid_arrived" and e.values["home"] == base}
    sent = {e.subject for e in result.events if e.kind == "region.unit_assigned" and e.values["home"] == base}
    text = f"{len(sent - aid)} of {total} sent"
    return text + (f", mutual aid {len(sent & aid)} of {len(aid)} sent" if aid else "")


def _fit_texts(fig: Figure, ax) -> None:
    """Widen the map to the right until no site or hospital label runs past the axes (a place near the east edge
    labels to its right); the map keeps its scale otherwise."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    for _ in range(4):  # equal aspect: widening may shrink the box, so measure again
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        frame = ax.get_window_extent(renderer)
        right = max((t.get_window_extent(renderer).x1 for t in ax.texts), default=frame.x1)
        if right <= frame.x1 - 4:
            return
        lo, hi = ax.get_xlim()
        per_px = (hi - lo) / frame.width
        ax.set_xlim(lo, hi + (right - frame.x1 + 12) * per_px * 1.15)


_BASE_SPOTS = ((-8, -12, "right", "top"), (8, -12, "left", "top"), (8, 8, "left", "bottom"), (-8, 8, "right", "bottom"),
               (-10, 0, "right", "center"), (10, 0, "left", "center"), (0, -14, "center", "top"), (0, 12, "center", "bottom"),
               (-8, -24, "right", "top"), (8, -24, "left", "top"))
"""Where a base's label may go, in points from its marker: below left first, then the other corners, the sides,
and a little further down."""


def _place_base_labels(fig: Figure, ax, bases: list[tuple[str, tuple[float, float], str]]) -> None:
    """Label each ambulance base and police station at the first corner of its marker where the label covers
    no text already drawn (the sites' and hospitals' labels, earlier bases); below left when every corner is taken."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()  # settle the constrained layout before measuring
    renderer = fig.canvas.get_renderer()
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    px = fig.dpi / 72.0
    for coll in ax.collections:  # the markers: a label should not cover a site, hospital or base either
        sizes = coll.get_sizes()
        for i, (cx, cy) in enumerate(ax.transData.transform(coll.get_offsets())):
            r = (sizes[i % len(sizes)] ** 0.5) / 2.0 * px
            taken.append(Bbox([[cx - r, cy - r], [cx + r, cy + r]]))
    frame = ax.get_window_extent(renderer)
    for text, (x, y), colour in bases:
        spots = [*_BASE_SPOTS]
        for dx, dy, ha, va in _BASE_SPOTS:
            label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7, color=colour,
                                ha=ha, va=va, zorder=6)
            box = label.get_window_extent(renderer)
            label.remove()
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                spots = [(dx, dy, ha, va)]
                break
        dx, dy, ha, va = spots[0]
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7, color=colour,
                            ha=ha, va=va, zorder=6)
        taken.append(label.get_window_extent(renderer))


def save_region_map(result: RegionResult, path: str | os.PathLike[str]) -> None:
    """Draw :func:`region_map` and save it as PNG at ``path``."""
    fig = region_map(result)
    fig.savefig(path)
