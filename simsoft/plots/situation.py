"""A venue and what happened in it: zones to scale (where the venue has outlines) or as a schematic,
coloured by a value, with the zones the incident affected, the cordons set and the exits people used.

Drawn for the run report's venue map of an imported venue (zone outlines, ``polygon``) and for the
AAR/IP's venue figure. Takes a venue and plain values and returns a :class:`~matplotlib.figure.Figure`;
it runs nothing. Doors are drawn at each connection's ``at`` or, without one, where the two outlines meet
(:func:`simsoft.plans.layout.layout`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patches import Polygon as PolygonPatch

from simsoft.plans.layout import layout as venue_layout
from simsoft.plots.common import new_figure, wrap
from simsoft.plots.venue_plan import ZONE_FILL

__all__ = ["venue_situation", "has_outlines", "CORDON_COLOURS", "AFFECTED_COLOUR"]

CORDON_COLOURS = {"hot": "#c0392b", "warm": "#e67e22", "cold": "#2e86c1"}
"""Cordon edges by level: the hot/warm/cold zone colours of incident maps (JESIP, NFPA 3000); as on the web map."""
AFFECTED_COLOUR = "#6a1b9a"
"""Zones the incident affected: purple and dashed (red stays for the hot cordon and the densest fill)."""
_CORDON_WORDS = {"hot": "hot cordon", "warm": "warm cordon", "cold": "cold cordon"}
_EXIT, _EXIT_UNUSED, _DOOR, _STAIR = "#2e933c", "#9e9e9e", "#555555", "#6a4c93"


def has_outlines(venue: Any) -> bool:
    """Whether any zone of ``venue`` has an outline (``polygon``), so that it can be drawn to scale."""
    return any(getattr(z, "polygon", None) for z in venue.zones)


def _english(message: str, **values: Any) -> str:
    """The drawing's fixed words as written (English), placeholders filled."""
    return message % values if values else message


def _square(cx: float, cy: float, area: float) -> list[tuple[float, float]]:
    h = math.sqrt(area) / 2
    return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]


def venue_situation(venue: Any, *, values: Mapping[str, float] | None = None, value_label: str = "",
                    value_text: Mapping[str, str] | None = None, vmax: float | None = None,
                    affected: Sequence[str] = (), cordons: Mapping[str, str] | None = None,
                    exits_out: Mapping[str, int] | None = None, whole: bool = False, title: str = "",
                    names: Mapping[str, str] | None = None, say: Callable[..., str] | None = None,
                    shape: Callable[[str], str] | None = None) -> Figure:
    """Draw ``venue`` with what happened in it; one panel per level when drawn to scale.

    Args:
        values: a number per zone id colouring the zones (peak density, casualties); none: pale fills by kind.
        value_label: the colour bar's label. ``value_text``: the value as shown under each zone's name.
        vmax: top of the colour scale (default: the largest value).
        affected: zones the incident affected (dashed purple edge).
        cordons: zone id -> ``hot``, ``warm`` or ``cold`` (a thick edge in the cordon's colour).
        exits_out: people out by exit id; exits with nobody out are drawn grey ("not used").
        whole: whether the values are counts (whole-number ticks on the colour bar).
        names: zone and exit id -> the name drawn (default: each one's ``label``).
        say: ``say(message, **values)``, the figure's fixed English words in the reader's language
            (default: as written). ``shape``: applied to every text before it is drawn (a right-to-left
            script's letters joined and ordered for a matplotlib without its own text layout); default none.
    """
    import matplotlib
    import matplotlib.ticker

    say = say or _english
    shape = shape or (lambda text: text)
    names = dict(names or {})
    cordons = dict(cordons or {})
    exits_out = dict(exits_out or {})
    value_text = dict(value_text or {})
    lay = venue_layout(venue)
    scaled = bool(lay.outline)
    levels = sorted({z.level for z in venue.zones}) if scaled else [None]
    cmap = matplotlib.colormaps["YlOrRd"]
    top = vmax if vmax is not None else max([*(values or {}).values(), 1e-9])
    norm = matplotlib.colors.Normalize(vmin=0.0, vmax=top)
    zone_by_id = {z.id: z for z in venue.zones}
    xs = [p[0] for pts in lay.outline.values() for p in pts] + [p[0] for p in lay.centre.values()]
    ys = [p[1] for pts in lay.outline.values() for p in pts] + [p[1] for p in lay.centre.values()]
    span_x, span_y = (max(xs) - min(xs)) or 10.0, (max(ys) - min(ys)) or 10.0
    ncol = len(levels)
    panel_w = 7.5 if ncol == 1 else 6.0
    fig = new_figure(panel_w * ncol + (1.2 if values is not None else 0.0),
                     max(4.5, min(9.0, panel_w * span_y / span_x + 1.8)))
    axes = fig.subplots(1, ncol, squeeze=False, sharex=True, sharey=True)[0]
    biggest = max(z.area_m2 for z in venue.zones)

    def fill(z: Any) -> Any:
        if values is None:
            return ZONE_FILL.get(z.kind.value, "#eeeeee")
        return cmap(norm(float(values.get(z.id, 0.0))))

    for ax, lvl in zip(axes, levels):
        here = [z for z in venue.zones if lvl is None or z.level == lvl]
        if scaled:
            for z in venue.zones:  # the other levels, faint, to see what lies above and below
                if z.level != lvl and z.id in lay.outline:
                    ax.add_patch(PolygonPatch(lay.outline[z.id], closed=True, fill=False, edgecolor="#c0c0c0", lw=0.7,
                                              ls="--", zorder=0))
        for z in here:
            cx, cy = lay.centre[z.id]
            if scaled:
                pts = lay.outline.get(z.id) or _square(cx, cy, z.area_m2)
                ax.add_patch(PolygonPatch(pts, closed=True, facecolor=fill(z), edgecolor="#333333", lw=1.0,
                                          ls="-" if z.id in lay.outline else "--", zorder=1))
                if z.id in cordons:  # on a white halo, so that a hot (red) cordon shows on a dark red fill too
                    ax.add_patch(PolygonPatch(pts, closed=True, fill=False, lw=6.5, zorder=2, edgecolor="white"))
                    ax.add_patch(PolygonPatch(pts, closed=True, fill=False, lw=4.0, zorder=2,
                                              edgecolor=CORDON_COLOURS.get(cordons[z.id], "#333333")))
                if z.id in affected:
                    ax.add_patch(PolygonPatch(pts, closed=True, fill=False, lw=2.2, ls=(0, (4, 2)), zorder=3,
                                              edgecolor=AFFECTED_COLOUR))
            else:
                size = 250 + 1400 * math.sqrt(z.area_m2 / biggest)
                ax.scatter([cx], [cy], s=size, color=fill(z), edgecolors="#333333", linewidths=1.0, zorder=2)
                if z.id in cordons:
                    ax.scatter([cx], [cy], s=size * 1.35, facecolors="none", linewidths=3.5, zorder=1.5,
                               edgecolors=CORDON_COLOURS.get(cordons[z.id], "#333333"))
                if z.id in affected:
                    ax.scatter([cx], [cy], s=size * 1.75, facecolors="none", linewidths=2.0, linestyles="--",
                               edgecolors=AFFECTED_COLOUR, zorder=1.6)
        for c in venue.connections:
            ends = [zone_by_id[n] for n in (c.from_, c.to) if n in zone_by_id]
            if lvl is not None and not any(z.level == lvl for z in ends):
                continue
            stair = c.kind.value == "stair"
            if scaled:
                dx, dy = lay.door[c.id]
                if c.to not in zone_by_id:  # to an exit: a short line out to the exit's marker
                    ex, ey = lay.centre[c.to]
                    ax.plot([dx, ex], [dy, ey], color=_EXIT if exits_out.get(c.to) else _EXIT_UNUSED, lw=1.2, zorder=3)
                ax.plot([dx], [dy], marker="^" if stair else "s", ms=6 if stair else 4.5, color=_STAIR if stair else _DOOR,
                        mec="white", mew=0.6, zorder=6)
            else:
                (x0, y0), (x1, y1) = lay.centre[c.from_], lay.centre[c.to]
                ax.plot([x0, x1], [y0, y1], "--" if stair else "-", color="#9a9a9a", lw=1 + 1.5 * min(c.width_m, 4.0),
                        zorder=1, solid_capstyle="round")
        for e in venue.exits:
            feeds = [c for c in venue.connections if c.to == e.id and c.from_ in zone_by_id]
            if lvl is not None and not any(zone_by_id[c.from_].level == lvl for c in feeds):
                continue
            n = int(exits_out.get(e.id, 0))
            ex, ey = lay.centre[e.id]
            ax.plot([ex], [ey], marker="D", ms=9, color=_EXIT if n else "white", mec=_EXIT if n else _EXIT_UNUSED,
                    mew=1.5, zorder=7)
            # The name goes outward, away from the building (from its door, or from the venue's middle).
            fx, fy = lay.door[feeds[0].id] if feeds and scaled else (sum(xs) / len(xs), sum(ys) / len(ys))
            ux, uy = ex - fx, ey - fy
            norm_u = math.hypot(ux, uy) or 1.0
            ux, uy = ux / norm_u, uy / norm_u
            ha = "left" if ux > 0.5 else ("right" if ux < -0.5 else "center")
            va = "bottom" if uy > 0.5 else ("top" if uy < -0.5 else "center")
            label = wrap(names.get(e.id, e.label), 18)
            said = shape(say("%(name)s\n%(n)s out", name=label, n=n) if exits_out else label)
            ax.annotate(said, (ex, ey), xytext=(10 * ux, 10 * uy), textcoords="offset points", ha=ha, va=va,
                        fontsize=7.5, color=_EXIT if n else "#757575", weight="bold", zorder=8)
        for z in here:
            cx, cy = lay.centre[z.id]
            parts = [wrap(names.get(z.id, z.label), 16)] + ([value_text[z.id]] if z.id in value_text else [])
            if not scaled and z.level:
                parts.append(say("level %(n)s", n=z.level))
            narrow = z.id in lay.outline and min(
                max(p[0] for p in lay.outline[z.id]) - min(p[0] for p in lay.outline[z.id]),
                max(p[1] for p in lay.outline[z.id]) - min(p[1] for p in lay.outline[z.id])) < 3.0
            text = (" · " if narrow else "\n").join(p.replace("\n", " ") if narrow else p for p in parts)
            off = (0, 0) if scaled else (0, -(math.sqrt(250 + 1400 * math.sqrt(z.area_m2 / biggest)) / 2 + 3))
            ax.annotate(shape(text), (cx, cy), xytext=off, textcoords="offset points", ha="center",
                        va="center" if scaled else "top", fontsize=8, zorder=9,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
        ax.set_aspect("equal", adjustable="box" if scaled else "datalim")  # panels share axes when to scale
        ax.margins(0.2)  # room for the exits' names outside the building
        ax.autoscale_view()
        ax.set_xlabel(shape(say("x (m)")))
        ax.set_ylabel(shape(say("y (m)")))
        if scaled:
            ax.grid(True, color="#e6e6e6", lw=0.5)
            ax.set_axisbelow(True)
            ax.set_title(shape(say("ground level") if lvl == 0 and ncol == 1 else say("level %(n)s", n=lvl)),
                         fontsize=9.5)
    if values is not None:
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = fig.colorbar(sm, ax=list(axes), label=shape(value_label), shrink=0.8)
        if whole:
            bar.locator = matplotlib.ticker.MaxNLocator(integer=True)
            bar.update_ticks()
    keys: list[Any] = []
    if affected:
        keys.append(Patch(facecolor="none", edgecolor=AFFECTED_COLOUR, ls="--", lw=2,
                          label=shape(say("incident affected the zone"))))
    for level in ("hot", "warm", "cold"):
        if level in cordons.values():
            keys.append(Patch(facecolor="none", edgecolor=CORDON_COLOURS[level], lw=3,
                              label=shape(say(_CORDON_WORDS[level]))))
    keys.append(Line2D([], [], marker="D", ls="", color=_EXIT, ms=7,
                       label=shape(say("exit used") if exits_out else say("exit"))))
    if exits_out and any(not exits_out.get(e.id) for e in venue.exits):
        keys.append(Line2D([], [], marker="D", ls="", mfc="white", mec=_EXIT_UNUSED, mew=1.5, ms=7,
                           label=shape(say("exit not used"))))
    if scaled:
        keys.append(Line2D([], [], marker="s", ls="", color=_DOOR, ms=5, label=shape(say("door"))))
        if any(c.kind.value == "stair" for c in venue.connections):
            keys.append(Line2D([], [], marker="^", ls="", color=_STAIR, ms=6, label=shape(say("stair"))))
    else:
        keys.append(Line2D([], [], color="#9a9a9a", lw=3,
                           label=shape(say("door / opening (schematic: not to scale)"))))
    fig.legend(handles=keys, loc="outside lower center", ncol=min(len(keys), 4), fontsize=8, frameon=False)
    fig.suptitle(shape(title or (venue.name or say("venue"))), fontsize=10.5)
    return fig
