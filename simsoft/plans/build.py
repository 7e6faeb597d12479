"""Turn a :class:`~simsoft.plans.model.Plan` into a venue dict the loader validates.

Rooms become zones (area from the polygon), doors become connections between the two rooms they
touch (a door touches a room when it lies within ``snap_m`` of its outline: half the thickest wall),
doors on the outside wall become exits, stairs join the rooms at their two ends. Everything derived
is reported as ``inferred``; anything left out as ``warning``; anything that stops the venue as ``error``.
"""

from __future__ import annotations

import math
import re
from typing import Any

import networkx as nx

from simsoft.models.egress.hydraulics import DEFAULT_RISER_MM, DEFAULT_TREAD_MM
from simsoft.plans._deps import require
from simsoft.plans.model import Plan, Room
from simsoft.plans.report import ERROR, INFERRED, WARNING, PlanError

__all__ = ["build_venue", "DEFAULT_MIN_WIDTH_M", "DEFAULT_SNAP_M"]

DEFAULT_MIN_WIDTH_M = 0.8
"""Narrowest clear width of an exit-route door not reported: 800 mm, the minimum clear width of an
exit door in the International Building Code (IBC 2021 s. 1010.1.1: 32 in = 813 mm) and close to
Approved Document B's 750-850 mm for small rooms (table 2.3); narrower doors are kept and reported."""
DEFAULT_SNAP_M = 0.3
"""How far a door may lie from a room outline and still open into it, m: half of a 600 mm wall, the
thickest common masonry wall; raise it for thicker walls (``--snap``)."""
OVERLAP_SHARE = 0.01
"""Rooms on one level overlapping by more than this share of the smaller room are reported (drawing slack below)."""


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not s or not s[0].isalpha():
        s = f"z_{s}" if s else "zone"
    return s[:60]


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


def _sides(polygon: Any) -> tuple[float, float, Any]:
    """Short side, long side and the minimum rotated rectangle of ``polygon``."""
    rect = polygon.minimum_rotated_rectangle
    xy = list(rect.exterior.coords)[:4]
    a, b = math.dist(xy[0], xy[1]), math.dist(xy[1], xy[2])
    return min(a, b), max(a, b), rect


def _ends(polygon: Any, geometry: Any) -> list[Any]:
    """Midpoints of the two short sides of ``polygon``'s minimum rotated rectangle (a flight's two ends)."""
    rect = polygon.minimum_rotated_rectangle
    xy = list(rect.exterior.coords)[:4]
    sides = [(xy[i], xy[(i + 1) % 4]) for i in range(4)]
    sides.sort(key=lambda s: math.dist(*s))
    return [geometry.Point((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in sides[:2]]


def _r(v: float, nd: int = 2) -> float:
    return round(float(v) + 0.0, nd)


def build_venue(plan: Plan, *, min_width_m: float = DEFAULT_MIN_WIDTH_M, snap_m: float = DEFAULT_SNAP_M,
                riser_mm: float = DEFAULT_RISER_MM, tread_mm: float = DEFAULT_TREAD_MM) -> dict[str, Any]:
    """The venue (``{"venue": {...}}``, file form) of ``plan``; raises :class:`PlanError` on any error finding."""
    geometry = require("shapely.geometry")
    unary_union = require("shapely.ops").unary_union
    strtree = require("shapely").STRtree
    report = plan.report
    report.raise_errors()

    rooms: list[Room] = []
    for room in plan.rooms:
        poly = room.polygon
        if not poly.is_valid:
            report.add(ERROR, room.source, "room outline crosses itself: redraw it as a simple closed outline")
            continue
        if poly.area < 0.1:
            report.add(ERROR, room.source, f"room area {poly.area:.3f} m^2 is below 0.1 m^2 (wrong units?)")
            continue
        rooms.append(room)
    report.raise_errors()
    if not rooms:
        raise PlanError(plan.file, "no rooms to make zones of")

    # Origin at the lower-left corner of all rooms, so coordinates stay small whatever the drawing's frame.
    x0 = min(r.polygon.bounds[0] for r in rooms)
    y0 = min(r.polygon.bounds[1] for r in rooms)
    if abs(x0) > 1e-9 or abs(y0) > 1e-9:
        report.add(INFERRED, "", f"origin moved to the plan's lower-left corner ({x0:.2f}, {y0:.2f}) m")

    def shift(x: float, y: float) -> tuple[float, float]:
        return _r(x - x0, 3), _r(y - y0, 3)

    def at_of(geom: Any, walls: list[Any] | None = None) -> list[float]:
        # The middle of the opening: a door line's midpoint, a door point, a flight's centre; for a door
        # block (its extent: leaf and swing) the middle of the extent's side lying on the wall of the rooms
        # it opens into, where the closed leaf is.
        if geom.geom_type == "LineString":
            c = geom.interpolate(0.5, normalized=True)
        elif geom.geom_type == "Polygon" and walls:
            xy = list(geom.exterior.coords)[:4]
            mids = [geometry.Point((xy[i][0] + xy[(i + 1) % 4][0]) / 2, (xy[i][1] + xy[(i + 1) % 4][1]) / 2)
                    for i in range(4)]
            c = min(mids, key=lambda m: (sum(w.distance(m) for w in walls), m.x, m.y))
        else:
            c = geom.centroid
        return list(shift(c.x, c.y))

    taken: set[str] = set()
    zones: list[dict[str, Any]] = []
    ids: list[str] = []
    for n, room in enumerate(rooms, start=1):
        kind = room.kind or "room"
        zid = _unique(_slug(room.name) if room.name else f"{kind}_{n}", taken)
        ids.append(zid)
        poly = room.polygon
        area = _r(poly.area)
        zone: dict[str, Any] = {"id": zid}
        if room.name:
            zone["name"] = room.name
        zone.update(kind=kind, area_m2=area)
        if room.level:
            zone["level"] = room.level
        centre = poly.centroid if poly.contains(poly.centroid) else poly.representative_point()
        zone["position"] = list(shift(centre.x, centre.y))
        if kind == "corridor":
            _, long_side, _ = _sides(poly)
            zone["travel_length_m"] = _r(max(long_side, 0.01))
            report.add(INFERRED, room.source, f"corridor {zid}: travel length {long_side:.2f} m (long side)")
        coords = list(poly.exterior.coords)[:-1]
        zone["polygon"] = [list(shift(x, y)) for x, y in coords]
        report.add(INFERRED, room.source, f"zone {zid} ({kind}, level {room.level}): area {area:g} m^2 from the outline"
                   + ("" if room.name else " (no label: id from the kind)"))
        if poly.interiors:
            report.add(INFERRED, room.source, f"zone {zid}: {len(poly.interiors)} hole(s) taken off the area")
        zones.append(zone)

    polys = [r.polygon for r in rooms]
    tree = strtree(polys)
    for i, j in sorted({tuple(sorted((int(i), int(j)))) for i, p in enumerate(polys) for j in tree.query(p) if i != j}):
        if rooms[i].level != rooms[j].level:
            continue
        shared = polys[i].intersection(polys[j]).area
        if shared > OVERLAP_SHARE * min(polys[i].area, polys[j].area):
            report.add(WARNING, rooms[j].source, f"zone {ids[j]} overlaps zone {ids[i]} ({rooms[i].source}) by "
                       f"{shared:.1f} m^2: the area is counted twice")

    by_level: dict[int, Any] = {}
    for lvl in sorted({r.level for r in rooms}):
        by_level[lvl] = unary_union([r.polygon.buffer(snap_m) for r in rooms if r.level == lvl])

    def touching(geom: Any, level: int | None) -> list[tuple[float, int]]:
        near = [(polys[k].distance(geom), k) for k in tree.query(geom.buffer(snap_m))]
        return sorted((d, k) for d, k in near if d <= snap_m and (level is None or rooms[k].level == level))

    conn_ids: set[str] = set()
    exit_ids: set[str] = set()
    connections: list[dict[str, Any]] = []
    exits: list[dict[str, Any]] = []
    for door in plan.doors:
        hits = touching(door.geometry, door.level)
        width = _r(door.width_m)
        if width < 0.01:
            report.add(ERROR, door.source, f"clear width {door.width_m:.4f} m rounds to 0 (wrong units?)")
            continue
        if width > 50:
            report.add(ERROR, door.source, f"clear width {width:g} m is not a door: the drawing is probably in mm or "
                       "cm, not m (give --units)")
            continue
        if not hits:
            near = sorted((polys[k].distance(door.geometry), k) for k in range(len(rooms))
                          if door.level is None or rooms[k].level == door.level)
            hint = f" (nearest: zone {ids[near[0][1]]}, {near[0][0]:.2f} m away)" if near else ""
            report.add(ERROR, door.source, f"door touches no room within {snap_m:g} m{hint}: move it onto a wall "
                       "or raise --snap")
            continue
        if width < min_width_m:
            report.add(WARNING, door.source, f"clear width {width:g} m is below the minimum {min_width_m:g} m "
                       "(kept as drawn: check it)")
        level = rooms[hits[0][1]].level
        outside = by_level[level].exterior.distance(door.geometry) <= snap_m if by_level[level].geom_type == "Polygon" \
            else any(g.exterior.distance(door.geometry) <= snap_m for g in by_level[level].geoms)
        if len(hits) >= 2 and not door.exit:
            a, b = hits[0][1], hits[1][1]
            if len(hits) > 2:
                others = ", ".join(ids[k] for _, k in hits)
                report.add(WARNING, door.source, f"door touches {len(hits)} rooms ({others}): joined the two nearest")
            cid = _unique(_slug(door.name) if door.name else f"{ids[a]}_{ids[b]}", conn_ids)
            connections.append({"id": cid, "from": ids[a], "to": ids[b], "kind": "door", "width_m": width,
                                "at": at_of(door.geometry, [polys[a].exterior, polys[b].exterior])})
            report.add(INFERRED, door.source, f"connection {cid}: door {ids[a]} - {ids[b]}, clear width {width:g} m")
        elif door.exit or outside:
            k = hits[0][1]
            if len(hits) >= 2:
                report.add(WARNING, door.source, f"exit door touches {len(hits)} rooms: made an exit of the nearest, {ids[k]}")
            eid = _unique(_slug(door.name) if door.name else f"exit_{ids[k]}", exit_ids | taken)
            exit_ids.add(eid)
            mid = door.geometry.centroid
            c = polys[k].centroid
            dx, dy = mid.x - c.x, mid.y - c.y
            norm = math.hypot(dx, dy) or 1.0
            ex = {"id": eid, "name": door.name or f"{zones[k].get('name', ids[k])} exit",
                  "position": list(shift(mid.x + 2.0 * dx / norm, mid.y + 2.0 * dy / norm))}
            exits.append(ex)
            cid = _unique(f"door_to_{eid}", conn_ids)
            connections.append({"id": cid, "from": ids[k], "to": eid, "kind": "door", "width_m": width,
                                "at": at_of(door.geometry, [polys[k].exterior])})
            why = ("tagged entrance" if door.source.startswith("feature") else "on the exit layer") if door.exit \
                else "on the outside wall"
            report.add(INFERRED, door.source, f"exit {eid} from zone {ids[k]} ({why}), clear width {width:g} m")
        else:
            report.add(WARNING, door.source, f"door touches only zone {ids[hits[0][1]]} and is not on the outside wall: "
                       "left out (draw the room on its other side, or put the door on the exit layer)")

    slope = math.hypot(1.0, riser_mm / tread_mm)
    for stair in plan.stairs:
        hits = touching(stair.polygon, None)
        ends = _ends(stair.polygon, geometry)

        def nearest_end(ks: list[int]) -> list[int]:
            # Rooms along a flight's sides touch it too; the room it leads into lies at one of its ends.
            if len(ks) <= 1:
                return ks
            d = sorted((min(polys[k].distance(e) for e in ends), k) for k in ks)
            return [d[0][1]] if d[1][0] - d[0][0] > 1e-6 else [k for dk, k in d if dk - d[0][0] <= 1e-6]

        def names(ks: list[int]) -> str:
            return ", ".join(ids[k] for k in ks) or "none"

        if stair.levels is not None:
            lo = nearest_end([k for _, k in hits if rooms[k].level == stair.levels[0]])
            hi = nearest_end([k for _, k in hits if rooms[k].level == stair.levels[1]])
            if len(lo) != 1 or len(hi) != 1:
                report.add(ERROR, stair.source, f"stair must lead into one room on level {stair.levels[0]} (finds "
                           f"{names(lo)}) and one on level {stair.levels[1]} (finds {names(hi)}) at its ends")
                continue
            pair = (hi[0], lo[0])
        else:
            ks = [k for _, k in hits]
            at = [sorted((polys[k].distance(e), k) for k in ks) for e in ends]
            picked = [a[0][1] for a in at if a and a[0][0] <= snap_m]
            if len(picked) != 2 or picked[0] == picked[1]:
                report.add(ERROR, stair.source, f"stair must lead into a different room at each end; it touches "
                           f"{names(ks)}: draw it between two rooms")
                continue
            pair = tuple(sorted(picked, key=lambda k: -rooms[k].level))
        short, long_side, _ = _sides(stair.polygon)
        width = _r(stair.width_m if stair.width_m is not None else short)
        length = _r(long_side * slope)
        cid = _unique(_slug(stair.name) if stair.name else f"stair_{ids[pair[0]]}_{ids[pair[1]]}", conn_ids)
        connections.append({"id": cid, "from": ids[pair[0]], "to": ids[pair[1]], "kind": "stair", "width_m": width,
                            "length_m": length, "riser_mm": riser_mm, "tread_mm": tread_mm,
                            "at": at_of(stair.polygon)})
        report.add(INFERRED, stair.source, f"stair {cid}: {ids[pair[0]]} - {ids[pair[1]]}, width {width:g} m"
                   f"{'' if stair.width_m is not None else ' (short side)'}, length {length:g} m along the slope "
                   f"(run {long_side:.2f} m, riser {riser_mm:g} mm, tread {tread_mm:g} mm)")
        if width < min_width_m:
            report.add(WARNING, stair.source, f"stair width {width:g} m is below the minimum {min_width_m:g} m")

    if not exits:
        report.add(ERROR, "", "no exit: no door is on the outside wall or on the exit layer (or tagged entrance)")
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((c["from"], c["to"]) for c in connections)
    out = set()
    for e in exits:
        out |= nx.node_connected_component(graph, e["id"])
    for k, zid in enumerate(ids):
        if zid not in out:
            report.add(WARNING, rooms[k].source, f"zone {zid} has no way out: no door or stair leads from it to an exit "
                       "(the loader refuses people there)")
    report.raise_errors()
    if not connections:
        raise PlanError(plan.file, "no connections: the plan has no doors joining its rooms")
    venue: dict[str, Any] = {"name": plan.name or "Imported venue", "zones": zones, "exits": exits,
                             "connections": connections}
    return {"venue": venue}
