"""The region of a regional exercise for print (the Situation Manual): where the sites, the shared hospitals, the
ambulance bases and the police stations are, and the roads between them with their free-flow minutes.

It is drawn from the region file alone: no run, so no outcome, and every site looks the same (a participant's
map does not say where the incidents will be). The run's map with outcomes is :func:`simsoft.plots.region_map`.
"""

from __future__ import annotations

from typing import Any

from simsoft.region import LoadedRegion, RoadNetwork, region_names
from simsoft.reports import in_language

from facilitator.i18n import N_, Translator, translator

__all__ = ["LEVELS", "region_plan_figure", "region_tables"]

LEVELS = {"major_trauma_centre": N_("major trauma centre"), "trauma_unit": N_("trauma unit"),
          "local_emergency_hospital": N_("local emergency hospital")}
"""A hospital's trauma level in words (:data:`simsoft.schema.medical.TraumaLevel`)."""

_SITE, _HOSP, _AMB, _POL, _ROAD = "#5b5b5b", "#1b6ca8", "#2e933c", "#3d5a80", "#c8c8c8"


def _people(n: int, tr: Translator) -> str:
    return f"{n:,}" if tr.lang == "en" else tr.fixed(n, 0, grouped=True)


def region_tables(loaded: LoadedRegion, tr: Translator | None = None) -> list[tuple[Any, ...]]:
    """The region's sites, shared hospitals and shared units as document tables, in ``tr``'s language."""
    _ = tr or translator("en")
    region = loaded.region
    names = region_names(region, _.lang)
    said = {s.id: in_language(loaded.scenarios[s.id], _.lang) for s in region.sites}  # a site scenario's own names:
    sites = [(names.get(s.id) or said[s.id].name, said[s.id].venue.name,
              _people(loaded.scenarios[s.id].population.total, _)) for s in region.sites]
    out: list[tuple[Any, ...]] = [("table", [_("Site"), _("Venue"), _("People")], sites, {"widths": [35, 45, 20]})]
    if region.hospitals:
        out.append(("table", [_("Shared hospital"), _("Trauma level"), _("Beds")],
                    [(names.get(h.id) or h.id, _(LEVELS[h.trauma_level]) if h.trauma_level in LEVELS else "-",
                      _people(h.bed_count, _)) for h in region.hospitals], {"widths": [45, 35, 20]}))
    units = [(names.get(b.id) or b.id, _("ambulances"), _people(b.vehicles, _)) for b in region.ambulance_bases]
    units += [(names.get(p.id) or p.id, _("armed police units") if p.armed else _("police units"), _people(p.units, _))
              for p in region.police]
    if units:
        out.append(("table", [_("Shared units at"), _("Kind"), _("Units")], units, {"widths": [45, 35, 20]}))
    return out


def region_plan_figure(loaded: LoadedRegion, tr: Translator | None = None) -> Any:
    """The region's planning map (returns a matplotlib figure): roads with free-flow minutes, sites, hospitals,
    ambulance bases and police stations, labelled in ``tr``'s language (English when ``None``)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from facilitator.evaluation.plots import shape

    _ = tr or translator("en")

    def say(text: str) -> str:
        return shape(text, _.lang)

    region = loaded.region
    names = region_names(region, _.lang)
    net = RoadNetwork(region)
    for group in (region.sites, region.hospitals, region.ambulance_bases, region.police):
        for item in group:
            net.add_place(item.id, item.location)
    fig = Figure(figsize=(9.0, 7.0), layout="constrained")
    ax = fig.add_subplot()
    g = net.graph
    drawn: set[frozenset[str]] = set()
    for a, b, d in sorted(g.edges(data=True)):
        if frozenset((a, b)) in drawn:
            continue
        drawn.add(frozenset((a, b)))
        (xa, ya), (xb, yb) = (g.nodes[a]["x_km"], g.nodes[a]["y_km"]), (g.nodes[b]["x_km"], g.nodes[b]["y_km"])
        ax.plot([xa, xb], [ya, yb], color=_ROAD, lw=3, zorder=1, solid_capstyle="round")
        ax.text((xa + xb) / 2, (ya + yb) / 2, f"{d['minutes']:g}'", fontsize=7, color="#777777", ha="center",
                va="center", zorder=2, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})

    def place(ident: str, loc: Any) -> tuple[float, float]:
        x, y = net.xy(ident, loc)
        if loc.node is None:  # the access line to the road node the place is joined to
            nx_, ny_ = net.xy(ident)
            ax.plot([x, nx_], [y, ny_], color=_ROAD, lw=1.2, ls="--", zorder=1)
        return x, y

    for s in region.sites:
        x, y = place(s.id, s.location)
        people = loaded.scenarios[s.id].population.total
        ax.scatter([x], [y], s=120 + 380 * min(1.0, people / 60000.0), marker="o", color=_SITE, edgecolor="black",
                   zorder=4)
        label = _("%(site)s\n%(people)s people", site=names.get(s.id) or loaded.scenarios[s.id].name, people=_people(people, _))
        ax.annotate(say(label), (x, y), xytext=(10, 8), textcoords="offset points", fontsize=8, va="bottom", zorder=6)
    xs = [g.nodes[n]["x_km"] for n in g.nodes]
    ys = [g.nodes[n]["y_km"] for n in g.nodes]
    middle = (min(xs) + max(xs)) / 2
    for h in region.hospitals:
        x, y = place(h.id, h.location)
        ax.scatter([x], [y], s=260, marker="P", color=_HOSP, edgecolor="black", zorder=5)
        name = names.get(h.id) or h.id
        if _.lang != "en":  # a translated name is longer: its level on a line of its own
            name = "\n(".join(name.split(" (", 1))
        label = _("%(hospital)s\n%(beds)s beds", hospital=name, beds=_people(h.bed_count, _))
        right = x > middle  # east of the middle: the label reads towards the map, not off its edge
        ax.annotate(say(label), (x, y), xytext=(-10 if right else 10, -10), textcoords="offset points", fontsize=8,
                    va="top", ha="right" if right else "left", color=_HOSP, zorder=6)
    bases = []
    for group, marker, colour in ((region.ambulance_bases, "s", _AMB), (region.police, "^", _POL)):
        for b in group:
            x, y = place(b.id, b.location)
            n = getattr(b, "vehicles", None) or getattr(b, "units", 0)
            ax.scatter([x], [y], s=110, marker=marker, color=colour, edgecolor="black", zorder=5)
            bases.append((say(_("%(base)s: %(n)s", base=names.get(b.id) or b.id, n=n)), (x, y), colour))
    ax.set_xlim(min(xs) - 3.0, max(xs) + 3.0)
    ax.set_ylim(min(ys) - 2.0, max(ys) + 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel(say(_("east (km)")))
    ax.set_ylabel(say(_("north (km)")))
    ax.set_title(say(_("%(region)s: sites, shared hospitals and units", region=names["region"])), fontsize=11)
    handles = [Line2D([], [], marker="o", ls="", color=_SITE, mec="black", label=say(_("site (people expected)"))),
               Line2D([], [], marker="P", ls="", color=_HOSP, mec="black", ms=10, label=say(_("shared hospital (beds)"))),
               Line2D([], [], marker="s", ls="", color=_AMB, mec="black", label=say(_("ambulance base (vehicles)"))),
               Line2D([], [], marker="^", ls="", color=_POL, mec="black", label=say(_("police station (units)"))),
               Line2D([], [], color=_ROAD, lw=3, label=say(_("road (free-flow minutes)")))]
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    ax.grid(alpha=0.2)
    _label_bases(fig, ax, bases)
    return fig


_SPOTS = ((-8, -10, "right", "top"), (8, -10, "left", "top"), (8, 8, "left", "bottom"), (-8, 8, "right", "bottom"),
          (-10, 0, "right", "center"), (10, 0, "left", "center"), (0, -14, "center", "top"), (0, 12, "center", "bottom"))
"""Where a base's label may go, in points from its marker: below left first, then the other corners and sides."""


def _label_bases(fig: Any, ax: Any, bases: list[tuple[str, tuple[float, float], str]]) -> None:
    """Label each base at the first spot where its label covers no text or marker already drawn (below left else)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # settle the layout before measuring
    renderer = canvas.get_renderer()
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    px = fig.dpi / 72.0
    for coll in ax.collections:
        sizes = coll.get_sizes()
        for i, (cx, cy) in enumerate(ax.transData.transform(coll.get_offsets())):
            r = (sizes[i % len(sizes)] ** 0.5) / 2.0 * px
            taken.append(Bbox([[cx - r, cy - r], [cx + r, cy + r]]))
    frame = ax.get_window_extent(renderer)
    for text, (x, y), colour in bases:
        chosen = _SPOTS[0]
        for spot in _SPOTS:
            dx, dy, ha, va = spot
            label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7, ha=ha, va=va)
            box = label.get_window_extent(renderer)
            label.remove()
            inside = box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                chosen = spot
                break
        dx, dy, ha, va = chosen
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7, color=colour,
                            ha=ha, va=va, zorder=6)
        taken.append(label.get_window_extent(renderer))
