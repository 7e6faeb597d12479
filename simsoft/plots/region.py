"""The regional map: roads with driving times, sites (casualties, deaths), hospitals (peak load vs beds),
ambulance bases and police stations (units committed). Drawn from a regional result; it runs nothing."""

from __future__ import annotations

import os
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from simsoft.i18n import translator
from simsoft.plots.common import figure_words, new_figure, shape
from simsoft.region.names import region_names
from simsoft.region.network import RoadNetwork
from simsoft.region.run import RegionResult

__all__ = ["region_map", "save_region_map"]

_SITE, _QUIET, _HOSP, _OVER, _AMB, _POL, _ROAD = "#d1495b", "#8c8c8c", "#1b6ca8", "#c0392b", "#2e933c", "#3d5a80", "#c8c8c8"


def region_map(result: RegionResult, lang: str = "en") -> Figure:
    """The region on its road graph with each place's outcome or load; returns the figure. Its words are in
    ``lang`` (:mod:`simsoft.i18n`), its places by the region file's names in that language
    (:func:`simsoft.region.names.region_names`); English is the map it always was."""
    region, m = result.loaded.region, result.metrics
    tr = translator(lang)
    say, en, names = figure_words(tr), tr.lang == "en", region_names(region, tr.lang)
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
        label = f"{s.name or s.id}\n{people:,} people" if en else _site_label(s, m, tr, names)
        if hit and en:
            deaths = m[k + "deaths"]
            label += f"\n{m[k + 'casualties']} casualties, {deaths} death{'' if deaths == 1 else 's'}"
            if m[k + "time_to_hospital_median_min"] is not None:
                label += f"\nto hospital: median {m[k + 'time_to_hospital_median_min']:.0f} min"
            offset = s.start_offset / 60.0
            label += f"\nincident at +{offset:.0f} min" if offset else ""
        ax.annotate(label, (x, y), xytext=(10, 8), textcoords="offset points", fontsize=8, va="bottom", zorder=6)
    middle = sum(g.nodes[n]["x_km"] for n in g.nodes) / max(1, len(g.nodes))
    for h in region.hospitals:
        x, y = joined(h.id, h.location)
        k = f"hospital.{h.id}."
        load = m[k + "peak_load_vs_beds"]
        colour = _OVER if load > 1.0 else _HOSP
        ax.scatter([x], [y], s=260, marker="P", color=colour, edgecolor="black", zorder=5)
        waiting = round(m[k + "peak_backlog"])  # the fluid backlog, said in whole patients
        label = (f"{h.name or h.id}\npeak {m[k + 'peak_beds_used']}/{m[k + 'beds']} beds ({load:.0%})"
                 f"\ncritical patients waiting, peak: {'none' if waiting == 0 else f'about {waiting}'}") if en else (
            shape(tr("%(hospital)s\npeak %(used)s/%(beds)s beds (%(share)s)",
                     hospital="\n(".join((names.get(h.id) or h.id).split(" (", 1)),  # its level on a line of its own
                     used=tr.fixed(m[k + "peak_beds_used"]), beds=tr.fixed(m[k + "beds"]),
                     share=tr.fixed(100 * load) + "\u00a0%") + "\n" + (
                tr("critical patients waiting, peak: none") if waiting == 0 else
                tr("critical patients waiting, peak: about %(n)s", n=tr.fixed(waiting))), tr.lang))
        left = not en and x > middle  # east of the middle: a translated (longer) label reads towards the map
        ax.annotate(label, (x, y), xytext=(-10 if left else 10, -10), textcoords="offset points", fontsize=8, va="top",
                    ha="right" if left else "left", color=colour, zorder=6)
    bases: list[tuple[str, tuple[float, float], str]] = []
    for group, marker, colour in ((region.ambulance_bases, "s", _AMB), (region.police, "^", _POL)):
        for b in group:
            x, y = joined(b.id, b.location)
            total = getattr(b, "vehicles", None) or getattr(b, "units", 0)
            ax.scatter([x], [y], s=110, marker=marker, color=colour, edgecolor="black", zorder=5)
            own, aid, aid_total = base_units_sent(result, b.id)
            if en:
                text = f"{b.name or b.id}: {own} of {total} sent" + (f", mutual aid {aid} of {aid_total} sent"
                                                                      if aid_total else "")
            else:
                text = say("%(base)s: %(used)s of %(total)s sent", base=names.get(b.id) or b.id, used=tr.fixed(own),
                           total=tr.fixed(total)) + (say(", mutual aid %(used)s of %(total)s sent", used=tr.fixed(aid),
                                                         total=tr.fixed(aid_total)) if aid_total else "")
            bases.append((text, (x, y), colour))
    xs = [g.nodes[n]["x_km"] for n in g.nodes]
    ys = [g.nodes[n]["y_km"] for n in g.nodes]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 4.5)
    ax.set_ylim(min(ys) - 2.0, max(ys) + 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel(say("east (km)"))
    ax.set_ylabel(say("north (km)"))
    if en:
        title = region.name + (f", variant {result.variant}" if result.variant else "")
        ax.set_title(f"{title}: sites, shared hospitals and units (seed {result.seed})", fontsize=11)
    else:
        title = names["region"] + (tr(", variant %(variant)s", variant=result.variant) if result.variant else "")
        ax.set_title(say("%(region)s: sites, shared hospitals and units (seed %(seed)s)", region=title,
                         seed=result.seed), fontsize=11)
    handles = [Line2D([], [], marker="o", ls="", color=_SITE, mec="black", label=say("site with an incident")),
               Line2D([], [], marker="o", ls="", color=_QUIET, mec="black", label=say("site open, no incident")),
               Line2D([], [], marker="P", ls="", color=_HOSP, mec="black", ms=10,
                      label=say("hospital (peak beds used / beds)")),
               Line2D([], [], marker="P", ls="", color=_OVER, mec="black", ms=10, label=say("hospital over its beds")),
               Line2D([], [], marker="s", ls="", color=_AMB, mec="black", label=say("ambulance base (units sent)")),
               Line2D([], [], marker="^", ls="", color=_POL, mec="black", label=say("police station (units sent)")),
               Line2D([], [], color=_ROAD, lw=3, label=say("road (free-flow minutes)"))]
    if en:
        ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    else:  # below the map: translated labels are longer and would run under it
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=7, framealpha=0.9)
    ax.grid(alpha=0.2)
    _fit_texts(fig, ax)
    _place_base_labels(fig, ax, bases)
    return fig


def _site_label(s: Any, m: dict[str, Any], tr: Any, names: dict[str, str]) -> str:
    """A site's label on the map in ``tr``'s language (the English one is written in :func:`region_map`)."""
    k = f"site.{s.id}."
    lines = [names.get(s.id) or s.id, tr.count(m[k + "population"], "people", "%(num)s person", "%(num)s people")]
    if m[k + "incident"]:
        lines.append(tr("%(casualties)s, %(deaths)s", casualties=tr.count(
            m[k + "casualties"], "casualties", "%(num)s casualty", "%(num)s casualties"),
            deaths=tr.count(m[k + "deaths"], "deaths", "%(num)s death", "%(num)s deaths")))
        if m[k + "time_to_hospital_median_min"] is not None:
            lines.append(tr("to hospital: median %(t)s", t=f"{tr.fixed(m[k + 'time_to_hospital_median_min'])}\u00a0{tr.units[1]}"))
        if s.start_offset:
            lines.append(tr("incident at +%(t)s", t=f"{tr.fixed(s.start_offset / 60.0)}\u00a0{tr.units[1]}"))
    return shape("\n".join(lines), tr.lang)


def base_units_sent(result: RegionResult, base: str) -> tuple[int, int, int]:
    """How many of a base's units were sent, each unit once however often it went: its own, the mutual-aid units
    that joined the region's pool there and were sent, and how many joined (said apart: they are not the base's
    own, so the map reads ``6 of 6 sent, mutual aid 2 of 4 sent``, never ``8 of 6 sent``).
    """
    aid = {e.subject for e in result.events if e.kind == "region.mutual_aid_arrived" and e.values["home"] == base}
    sent = {e.subject for e in result.events if e.kind == "region.unit_assigned" and e.values["home"] == base}
    return len(sent - aid), len(sent & aid), len(aid)


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


def save_region_map(result: RegionResult, path: str | os.PathLike[str], *, lang: str = "en") -> None:
    """Draw :func:`region_map` in ``lang`` and save it as PNG at ``path``."""
    fig = region_map(result, lang)
    fig.savefig(path)
