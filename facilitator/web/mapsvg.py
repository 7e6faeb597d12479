"""The live venue map as inline SVG: occupancy, casualties, closed doors, cordons and responders.

Drawn from zone positions, the run's records and the whole-person counts of a snapshot
(:func:`simsoft.observation.count_people`, the numbers every other view shows), so a refresh costs
microseconds; matplotlib is never imported here.
Zones without a position get the seeded spring layout every venue drawing shares (:func:`simsoft.plans.layout.positions`).
"""

from __future__ import annotations

import math
from html import escape
from collections.abc import Sequence
from typing import Any

from simsoft import Observation
from simsoft.observation import count_people
from simsoft.plans import venue_positions
from simsoft.records import Event
from simsoft.units import format_duration

from facilitator.i18n import N_, Translator, translator

__all__ = ["positions", "map_state", "venue_svg", "legend", "legend_keys", "left_off", "priority_zones", "watch_list"]

_W, _H, _PAD = 960.0, 560.0, 70.0
_CORDON = {"hot": "#c0392b", "warm": "#e67e22", "cold": "#2e86c1"}
"""Cordon rings by level: the colours of the hot/warm/cold zone convention (JESIP / NFPA 3000 maps)."""
_INCIDENT = "#6a1b9a"
"""The incident ring: purple and dashed, so that red means only the hot cordon (and the densest crowd fill)."""
_CLOSED = "#1b1f24"
"""Closed doors: black dashes."""
_HURT = "#1b1f24"
"""The casualty badge: black, with the count in white."""
_EXIT = "#2e933c"
_UNIT = "#1f4e9c"
NAME_PX = 20
"""Font size of zone names in map units; with the counts and exit labels (18-24) the smallest text is
18 units, which the pages draw at >= 0.9 px per unit at 1920 x 1080 (>= 16 px, tests/test_web_browser.py
and tests/test_projector_fit.py)."""


def positions(scenario: Any) -> dict[str, tuple[float, float]]:
    """Zone and exit positions in metres (given, or a spring layout with ``seed=0``)."""
    return venue_positions(scenario.venue)


def map_state(seen: Observation, events: Sequence[Event]) -> dict[str, Any]:
    """What the map shows at snapshot ``seen``: whole-person counts of the snapshot, the rest from the records."""
    counts = count_people(seen, events)
    occupancy = dict(counts.zones)
    exited = dict(counts.exits)
    hurt: dict[str, int] = {}
    affected: list[str] = []
    closed: set[str] = set()
    cordons: dict[str, str] = {}
    units: dict[str, str] = {}
    for e in events:
        k = e.kind
        if k == "casualty.injured":
            zone = str(e.values.get("zone"))
            hurt[zone] = hurt.get(zone, 0) + 1
        elif k == "incident.zone_affected" and e.subject not in affected:
            affected.append(e.subject)
        elif k == "incident.zone_clear" and e.subject in affected:
            affected.remove(e.subject)
        elif k == "incident.end":
            affected = []
        elif k == "egress.connection_closed":
            closed.add(e.subject)
        elif k == "egress.connection_opened":
            closed.discard(e.subject)
        elif k == "response.cordon":
            cordons[e.subject] = str(e.values.get("level"))
        elif k == "response.dispatched":
            units[e.subject] = "en route"
        elif k == "response.on_scene":
            units[e.subject] = "on scene"
    return {"t": format_duration(seen.t_s), "occupancy": occupancy, "exited": exited, "hurt": hurt,
            "affected": affected, "closed": closed, "cordons": cordons, "units": units,
            "between_zones": counts.between_zones, "inside": counts.inside, "out": counts.out,
            "casualties": counts.casualties, "population": counts.population}


def _fill(density: float) -> str:
    """Green → amber → red with density (p/m²); 4 p/m² and above is red (SFPE: crowd flow breaks down)."""
    x = max(0.0, min(1.0, density / 4.0))
    if x < 0.5:
        r, g, b = 220 + int(35 * x * 2), 240 - int(20 * x * 2), 220 - int(120 * x * 2)
    else:
        r, g, b = 255, 220 - int(150 * (x - 0.5) * 2), 100 - int(60 * (x - 0.5) * 2)
    return f"#{r:02x}{g:02x}{b:02x}"


_LAYOUTS: dict[tuple[int, tuple[str, ...]], tuple[Any, dict[str, Any]]] = {}
"""Geometry of the venues drawn, by ``id(scenario)`` and the zones labelled first (the scenario is kept,
so the id is never reused)."""
_LAYOUTS_KEPT = 16


_CHAR = 0.62
"""Mean glyph width over font size of the map's bold sans-serif (DejaVu Sans Bold: 0.6-0.65)."""
_COUNT_PX, _EXIT_PX = 24, 18
"""Font sizes of zone counts and exit names in map units (console.css draws them so)."""


def _box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    return (x, y, x + w, y + h)


def _text_box(x: float, baseline: float, w: float, size: float, anchor: str) -> tuple[float, float, float, float]:
    """The rectangle a text of width ``w`` and font ``size`` covers, anchored at ``x`` on ``baseline``."""
    x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (x0, baseline - 0.8 * size, x0 + w, baseline + 0.25 * size)


def _free(boxes: list[tuple[float, float, float, float]], placed: list[tuple[float, float, float, float]],
          circles: dict[str, tuple[float, float, float]], own: str | None) -> bool:
    """Whether ``boxes`` lie on the canvas and overlap no placed label and no other zone's circle ``(x, y, r)``."""

    def hit(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    def touches(a: tuple[float, ...], c: tuple[float, float, float]) -> bool:
        nx, ny = min(max(c[0], a[0]), a[2]), min(max(c[1], a[1]), a[3])  # the box's point nearest the centre
        return math.dist((nx, ny), (c[0], c[1])) < c[2]

    for a in boxes:
        if a[0] < 2 or a[1] < 2 or a[2] > _W - 2 or a[3] > _H - 2:
            return False
        if any(hit(a, b) for b in placed) or any(touches(a, c) for zid, c in circles.items() if zid != own):
            return False
    return True


def priority_zones(state: dict[str, Any]) -> tuple[str, ...]:
    """Zones whose names the map places before any other: the incident's, the cordoned, those with casualties.

    A stadium's ninety zones cannot all carry a name at projector size; these are the ones a room asks
    about, so they keep theirs whatever else is left off.
    """
    return tuple(sorted(set(state.get("affected", ())) | set(state.get("cordons", {})) |
                        {z for z, n in state.get("hurt", {}).items() if n}))


def left_off(scenario: Any, state: dict[str, Any] | None = None) -> int:
    """How many names and counts of zones and exits the map leaves off (they would cover other marks)."""
    return int(_layout(scenario, priority_zones(state) if state else ())["left_off"])


_WATCH_MARKS = (("affected", N_("incident")), ("hot", N_("hot cordon")), ("warm", N_("warm cordon")),
                ("cold", N_("cold cordon")))


def watch_list(scenario: Any, state: dict[str, Any], *, limit: int = 6) -> list[dict[str, Any]]:
    """The zones to watch, beside the map: every zone of :func:`priority_zones` (incident, cordon,
    casualties), then the fullest zones up to ``limit`` rows, each ``{id, name, inside, hurt, marks}``
    (``marks``: catalog words to translate). The names the map could not print are readable here.
    """
    zones = {z.id: z for z in scenario.venue.zones}
    occupancy = state.get("occupancy", {})
    first = [z for z in priority_zones(state) if z in zones]
    rest = sorted((z for z in zones if z not in first and round(float(occupancy.get(z, 0.0))) > 0),
                  key=lambda z: (-float(occupancy.get(z, 0.0)), z))
    first.sort(key=lambda z: (z not in state.get("affected", ()), -state.get("hurt", {}).get(z, 0), z))
    rows = []
    for zid in first + rest[: max(0, limit - len(first))]:
        marks = [said for key, said in _WATCH_MARKS
                 if (key == "affected" and zid in state.get("affected", ())) or state.get("cordons", {}).get(zid) == key]
        rows.append({"id": zid, "name": getattr(zones[zid], "label", None) or getattr(zones[zid], "name", None) or zid,
                     "inside": round(float(occupancy.get(zid, 0.0))), "hurt": int(state.get("hurt", {}).get(zid, 0)),
                     "marks": marks})
    return rows


def _beside(zid: str, x: float, y: float, r: float, name: str, placed: list[tuple[float, float, float, float]],
            circles: dict[str, tuple[float, float, float]], *, further: int = 0) -> str:
    """A zone's name beside its circle: right, left, below, above, diagonals, then (``further`` steps of
    one line) further below and above; the first spot that overlaps no placed label and none of
    ``circles`` (then ``placed`` takes it), or ``""``."""
    w = _CHAR * NAME_PX * len(name)
    d = 0.71 * r + 4  # the diagonals, where the circle's corner leaves room
    spots = [(x + r + 6, y + 7, "start"), (x - r - 6, y + 7, "end"), (x, y + r + 21, "middle"),
             (x, y - r - 8, "middle"), (x + d, y + d + 16, "start"), (x - d, y + d + 16, "end"),
             (x + d, y - d - 4, "start"), (x - d, y - d - 4, "end")]
    for k in range(1, further + 1):
        spots += [(x, y + r + 21 + 24 * k, "middle"), (x, y - r - 8 - 24 * k, "middle")]
    for tx, ty, anchor in spots:
        box = _text_box(tx, ty, w, NAME_PX, anchor)
        if _free([box], placed, circles, zid):
            placed.append(box)
            return f'<text x="{tx:.1f}" y="{ty:.1f}" class="lbl zone-name" text-anchor="{anchor}">{name}</text>'
    return ""


def _layout(scenario: Any, priority: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the map draws the same way at every refresh: node positions, zone radii, where labels go.

    Labels are placed for the ``priority`` zones first (:func:`priority_zones`), then biggest zone first.
    Computed once per scenario and priority (the label placement compares every zone with every other:
    tens of milliseconds for a stadium, paid on every page and live refresh before it was kept here).
    """
    key = (id(scenario), tuple(priority))
    kept = _LAYOUTS.get(key)
    if kept is not None and kept[0] is scenario:
        return kept[1]
    pos = positions(scenario)
    # Imported venues carry zone outlines (metres, the frame of the positions): the map fits them too.
    outline = {z.id: [(float(x), float(y)) for x, y in z.polygon] for z in scenario.venue.zones
               if getattr(z, "polygon", None)}
    xs = [p[0] for p in pos.values()] + [x for pts in outline.values() for x, _ in pts]
    ys = [p[1] for p in pos.values()] + [y for pts in outline.values() for _, y in pts]
    span = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    scale = min((_W - 2 * _PAD) / span[0], (_H - 2 * _PAD) / span[1])
    ox = _PAD + ((_W - 2 * _PAD) - span[0] * scale) / 2
    oy = _PAD + ((_H - 2 * _PAD) - span[1] * scale) / 2
    x_min, y_min = min(xs), min(ys)
    xy = {node: (ox + (x - x_min) * scale, _H - (oy + (y - y_min) * scale)) for node, (x, y) in pos.items()}  # north up
    outlines = {zid: " ".join(f"{ox + (x - x_min) * scale:.1f},{_H - (oy + (y - y_min) * scale):.1f}" for x, y in pts)
                for zid, pts in outline.items()}
    doors = {c.id: (ox + (float(c.at[0]) - x_min) * scale, _H - (oy + (float(c.at[1]) - y_min) * scale))
             for c in scenario.venue.connections if getattr(c, "at", None) is not None}

    venue = scenario.venue
    areas = [z.area_m2 for z in venue.zones]
    biggest = max(areas) if areas else 1.0
    room = {z.id: min((math.dist(xy[z.id], xy[o.id]) for o in venue.zones if o.id != z.id), default=200.0)
            for z in venue.zones}
    radius = {z.id: min(26 + 30 * math.sqrt(z.area_m2 / biggest), 0.45 * room[z.id]) for z in venue.zones}
    circles = {z.id: (xy[z.id][0], xy[z.id][1], radius[z.id] + 3) for z in venue.zones}  # + the cordon ring
    # Labels are placed biggest zone first and only where they overlap nothing already placed: a dense
    # venue (a stadium's sixty blocks) loses the names and counts of its small zones, not its legibility.
    placed = [_box(xy[e.id][0] - 24, xy[e.id][1] - 16, 48, 32) for e in venue.exits]
    first = set(priority)
    order = sorted(venue.zones, key=lambda z: (z.id not in first, -z.area_m2, z.id))
    names = {z.id: escape(getattr(z, "label", z.id)) for z in venue.zones}
    inside: dict[str, bool] = {}
    counts: dict[str, float | None] = {}
    # The zones that matter now get their names beside the circle before any other label is placed; they
    # may lie over other zones' circles (drawn on top, with a white halo), never over another label.
    early = {z.id: _beside(z.id, *xy[z.id], radius[z.id], names[z.id], placed, {}, further=4)
             for z in order if z.id in first}
    for z in order:
        x, y = xy[z.id]
        r = radius[z.id]
        digits = len(str(int(z.capacity or z.area_m2 * 4)))
        count_box = _text_box(x, y + 8, _CHAR * _COUNT_PX * digits, _COUNT_PX, "middle")
        name_w = _CHAR * NAME_PX * len(names[z.id])
        if z.id not in early and name_w <= 1.9 * r and r >= 30:  # name and count both inside the circle
            boxes = [_text_box(x, y - 4, name_w, NAME_PX, "middle"), _text_box(x, y + 20, count_box[2] - count_box[0],
                                                                                _COUNT_PX, "middle")]
            if _free(boxes, placed, circles, z.id):
                placed += boxes
                inside[z.id], counts[z.id] = True, y + 20
                continue
        if _free([count_box], placed, circles, z.id):
            placed.append(count_box)
            counts[z.id] = y + 8
        else:
            counts[z.id] = None
    exits: dict[str, str] = {}
    for e in venue.exits:
        x, y = xy[e.id]
        label = escape(getattr(e, "label", e.id))
        w = _CHAR * _EXIT_PX * len(label)
        for tx, ty, anchor in ((x, y + 40, "middle"), (x, y - 24, "middle"), (x + 30, y + 6, "start"),
                               (x - 30, y + 6, "end")):
            box = _text_box(tx, ty, w, _EXIT_PX, anchor)
            if _free([box], placed, circles, None):
                placed.append(box)
                exits[e.id] = f'<text x="{tx:.1f}" y="{ty:.1f}" class="lbl exit-name" text-anchor="{anchor}">{label}</text>'
                break
        else:
            exits[e.id] = ""
    zones = {}
    for z in order:
        x, y = xy[z.id]
        r, name = radius[z.id], names[z.id]
        if inside.get(z.id):
            label = f'<text x="{x:.1f}" y="{y - 4:.1f}" class="lbl zone-name" text-anchor="middle">{name}</text>'
        elif z.id in early:
            label = early[z.id]
        else:
            label = _beside(z.id, x, y, r, name, placed, circles)
        zones[z.id] = (x, y, r, label, counts[z.id])
    zones = {z.id: zones[z.id] for z in venue.zones}
    # A name left off is still there to read: drawn above its circle, on top of everything, shown while
    # the circle is pointed at or has the keyboard focus (console.js), hidden otherwise.
    hover = {}
    for z in venue.zones:
        if zones[z.id][3]:
            continue
        x, y, r = zones[z.id][:3]
        w = _CHAR * NAME_PX * len(names[z.id])
        tx = min(max(x, w / 2 + 4), _W - w / 2 - 4)
        ty = y - r - 10 if y - r - 10 - NAME_PX > 2 else y + r + NAME_PX + 6
        hover[z.id] = (f'<text x="{tx:.1f}" y="{ty:.1f}" class="lbl zone-name hover-name" text-anchor="middle" '
                       f'data-for="{escape(z.id)}" visibility="hidden">{names[z.id]}</text>')
    missing = (sum((not zones[z.id][3]) + (zones[z.id][4] is None) for z in venue.zones)
               + sum(1 for e in venue.exits if not exits[e.id]))
    layout = {"xy": xy, "zones": zones, "exits": exits, "left_off": missing, "outlines": outlines, "doors": doors,
              "hover": hover, "on_top": first}
    if len(_LAYOUTS) >= _LAYOUTS_KEPT:
        _LAYOUTS.pop(next(iter(_LAYOUTS)))
    _LAYOUTS[key] = (scenario, layout)
    return layout


def venue_svg(scenario: Any, state: dict[str, Any], tr: Translator | None = None) -> str:
    """The map as an ``<svg>`` element (scales to its container; text sized for a projector), its tooltips in
    ``tr``'s language (English by default)."""
    _ = (tr or translator("en")).gettext
    layout = _layout(scenario, priority_zones(state))
    xy, zones = layout["xy"], layout["zones"]
    venue = scenario.venue
    aria = _("Venue map at %(t)s", t=escape(state["t"]))
    out = [f'<svg class="venue-map" viewBox="0 0 {_W:.0f} {_H:.0f}" role="img" '
           f'aria-label="{aria}" xmlns="http://www.w3.org/2000/svg">']
    ground = min((z.level for z in venue.zones), default=0)
    level = {z.id: z.level for z in venue.zones}
    for zid, points in layout["outlines"].items():  # the real shapes of an imported venue, under the live marks
        if level.get(zid, ground) == ground:
            out.append(f'<polygon class="outline" data-zone="{escape(zid)}" points="{points}" fill="#f4f6f8" '
                       f'stroke="#8a9099" stroke-width="2"/>')
        else:  # an upper floor over the ground floor: its outline only, dashed, so both stay readable
            out.append(f'<polygon class="outline upper" data-zone="{escape(zid)}" points="{points}" fill="none" '
                       f'stroke="#8a9099" stroke-width="2" stroke-dasharray="8 6"/>')
    for c in venue.connections:
        (x0, y0), (x1, y1) = xy[c.from_], xy[c.to]
        shut = c.id in state["closed"]
        colour, dash = (_CLOSED, ' stroke-dasharray="10 7"') if shut else ("#9aa0a6", "")
        width = min(3 + 3 * c.width_m, 14.0)  # a 10 m gate would otherwise paint over its zones
        door = layout["doors"].get(c.id)
        if door is not None:  # the venue places the door (an imported plan): the route runs through it
            out.append(f'<polyline class="conn{" closed" if shut else ""}" data-id="{escape(c.id)}" fill="none" '
                       f'points="{x0:.1f},{y0:.1f} {door[0]:.1f},{door[1]:.1f} {x1:.1f},{y1:.1f}" stroke="{colour}" '
                       f'stroke-width="{width:.1f}"{dash} stroke-linecap="round" stroke-linejoin="round"/>')
        else:
            out.append(f'<line class="conn{" closed" if shut else ""}" data-id="{escape(c.id)}" x1="{x0:.1f}" '
                       f'y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{colour}" stroke-width="{width:.1f}"{dash} '
                       'stroke-linecap="round"/>')
        if shut:
            closed = _("%(id)s closed", id=escape(c.id))
            out.append(f'<title>{closed}</title>')
    for z in venue.zones:
        x, y, r, label, count_y = zones[z.id]
        n = float(state["occupancy"].get(z.id, 0.0))
        here = _("incident in this zone")
        inside = _("%(name)s: %(n)s inside", name=escape(getattr(z, "label", z.id)), n=round(n))
        stroke, sw = "#333", 2
        if z.id in state["cordons"]:
            stroke, sw = _CORDON.get(state["cordons"][z.id], "#333"), 6
        if z.id in state["affected"]:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + 10:.1f}" fill="none" stroke="{_INCIDENT}" '
                       f'stroke-width="5" stroke-dasharray="12 6" class="affected"><title>{here}</title></circle>')
        focus = ' tabindex="0"' if z.id in layout["hover"] else ""
        out.append(f'<circle class="zone" data-id="{escape(z.id)}" data-occupancy="{round(n)}"{focus} cx="{x:.1f}" cy="{y:.1f}" '
                   f'r="{r:.1f}" fill="{_fill(n / max(z.area_m2, 1e-9))}" stroke="{stroke}" stroke-width="{sw}">'
                   f'<title>{inside}</title></circle>')
        if z.id not in layout["on_top"]:
            out.append(label)
        if count_y is not None:
            out.append(f'<text x="{x:.1f}" y="{count_y:.1f}" class="lbl zone-count" text-anchor="middle" '
                       f'data-zone="{escape(z.id)}">{round(n)}</text>')
        hurt = state["hurt"].get(z.id, 0)
        hurt_here = _("%(n)s hurt in this zone", n=hurt)
        if hurt:
            bx, by = x + r * 0.72, y - r * 0.72
            out.append(f'<circle cx="{bx:.1f}" cy="{by:.1f}" r="{max(18, 6 + 5.5 * len(str(hurt))):.0f}" fill="{_HURT}" '
                       f'stroke="#fff" stroke-width="2" class="hurt"><title>{hurt_here}</title></circle>'
                       f'<text x="{bx:.1f}" y="{by + 6:.1f}" class="lbl hurt-n" text-anchor="middle">{hurt}</text>')
    for e in venue.exits:
        x, y = xy[e.id]
        n = round(float(state["exited"].get(e.id, 0.0)))
        out_here = _("%(name)s: %(n)s out", name=escape(getattr(e, "label", e.id)), n=n)
        half = max(18, 6 + 6 * len(str(n)))  # wide enough for the count at 18 units
        out.append(f'<rect class="exit" data-id="{escape(e.id)}" x="{x - half:.1f}" y="{y - 16:.1f}" width="{2 * half:.1f}" '
                   f'height="32" rx="4" fill="{_EXIT}"><title>{out_here}</title></rect>'
                   f'{layout["exits"][e.id]}'
                   f'<text x="{x:.1f}" y="{y + 6:.1f}" class="lbl exit-n" text-anchor="middle">{n}</text>')
    # Responders: on-scene units stand at the first exit (where crews arrive), en-route ones in a legend.
    on_scene = sorted(u for u, s in state["units"].items() if s == "on scene")
    if on_scene and venue.exits:
        x, y = xy[venue.exits[0].id]
        for i, unit in enumerate(on_scene):
            there = _("%(unit)s on scene", unit=escape(unit))
            ux, uy = x + 24 + 34 * i, y - 34
            out.append(f'<g class="unit" data-id="{escape(unit)}"><polygon points="{ux:.1f},{uy - 14:.1f} {ux + 13:.1f},{uy + 10:.1f} '
                       f'{ux - 13:.1f},{uy + 10:.1f}" fill="{_UNIT}"/><title>{there}</title></g>')
    out.extend(zones[z][3] for z in sorted(layout["on_top"]))  # names of the zones that matter, over the marks
    out.extend(layout["hover"].values())  # last, so a shown name lies on top of every mark
    out.append("</svg>")
    return "".join(out)


def _swatch(inner: str) -> str:
    return (f'<svg class="swatch" viewBox="0 0 40 28" width="40" height="28" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg">{inner}</svg>')


def legend_keys() -> list[tuple[str, str]]:
    """``(swatch svg, meaning)`` of every mark and colour the map uses, in the order a reader needs them.

    Every ring is listed whether or not it is on the map yet, so that the legend does not change
    shape during play and a ring that appears is already explained.
    """
    ring = '<circle cx="20" cy="14" r="10" fill="#eef3e8" stroke="{c}" stroke-width="{w}"{d}/>'
    keys = [
        (_swatch('<circle cx="20" cy="14" r="11" fill="#e3f0dc" stroke="#333" stroke-width="2"/>'
                 '<text x="20" y="19" font-size="13" font-weight="700" text-anchor="middle">9</text>'),
         N_("zone, people inside")),
        (_swatch("".join(f'<rect x="{1 + 13 * i}" y="6" width="12" height="16" fill="{_fill(d)}" stroke="#333" '
                         f'stroke-width="1"/>' for i, d in enumerate((0.5, 2.0, 4.0)))),
         N_("crowd density: under 1, 2, 4+ people per m²")),
        (_swatch(f'<rect x="6" y="5" width="28" height="18" rx="3" fill="{_EXIT}"/>'), N_("exit, people out")),
        (_swatch(f'<circle cx="20" cy="14" r="11" fill="{_HURT}" stroke="#fff" stroke-width="2"/>'),
         N_("casualties in the zone")),
        (_swatch(ring.format(c=_INCIDENT, w=4, d=' stroke-dasharray="6 3"')), N_("incident in the zone")),
    ]
    for level, said in (("hot", N_("hot cordon")), ("warm", N_("warm cordon")), ("cold", N_("cold cordon"))):
        keys.append((_swatch(ring.format(c=_CORDON[level], w=5, d="")), said))
    keys.append((_swatch(f'<line x1="2" y1="14" x2="38" y2="14" stroke="{_CLOSED}" stroke-width="5" '
                         f'stroke-dasharray="7 4"/>'), N_("closed door or passage")))
    keys.append((_swatch(f'<polygon points="20,3 31,24 9,24" fill="{_UNIT}"/>'), N_("responder unit on scene")))
    return keys


def legend(state: dict[str, Any], names: dict[str, str] | None = None, tr: Translator | None = None) -> list[str]:
    """Lines under the map's keys: the people counted, where the units are (by ``names`` when given), in ``tr``'s language."""
    names = names or {}
    tr = tr or translator("en")
    n = tr.format_number
    on_scene = sorted(names.get(u, u) for u, s in state["units"].items() if s == "on scene")
    en_route = sorted(names.get(u, u) for u, s in state["units"].items() if s == "en route")
    lines = []
    if "population" in state:
        lines.append(tr.gettext("inside %(inside)s (in zones %(zones)s, between zones %(between)s) + out %(out)s + "
                                "casualties %(casualties)s = %(population)s", inside=n(state["inside"]),
                                zones=n(state["inside"] - state["between_zones"]), between=n(state["between_zones"]),
                                out=n(state["out"]), casualties=n(state["casualties"]), population=n(state["population"])))
    none = tr.gettext("none")
    lines.append(tr.gettext("units on scene (▲): %(units)s", units=", ".join(on_scene) or none))
    lines.append(tr.gettext("units en route: %(units)s", units=", ".join(en_route) or none))
    return lines
