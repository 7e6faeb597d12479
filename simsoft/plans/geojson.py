"""Read an indoor GeoJSON plan tagged with OpenStreetMap's Simple Indoor Tagging.

Read from a local file only (no network). Features and what they become:

- ``indoor=room|corridor|area`` polygons -> zones (kind room, corridor, concourse; a ``simsoft:kind``
  property overrides), named by ``name``, on ``level`` (default 0);
- ``door=*`` points (or lines across the opening) -> connections between the rooms they touch on their
  level, clear width from ``width`` in metres (0.9 m assumed, and reported, when missing);
- ``entrance=*`` points -> exits (doors on the outside wall become exits too);
- polygons with ``stairs=yes`` or ``highway=steps`` and ``level=a;b`` -> stairs from level a to level b.

Coordinates are longitude/latitude (WGS 84, as RFC 7946 requires) projected to metres on a plane
tangent at the plan's centre, with the WGS 84 ellipsoid's radii of curvature there (error below 1e-5
across a building). ``units`` declares planar coordinates instead (``m``, ``cm``, ``mm``, ``ft``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from simsoft.plans._deps import require
from simsoft.plans.dxf import UNIT_M
from simsoft.plans.model import Door, Plan, Room, Stair
from simsoft.plans.report import ERROR, INFERRED, WARNING, Report

__all__ = ["read_geojson", "lonlat_to_m", "m_to_lonlat", "DEFAULT_DOOR_WIDTH_M"]

WGS84_A_M = 6_378_137.0
"""WGS 84 semi-major axis, m (NIMA TR8350.2)."""
WGS84_E2 = 6.694_379_990_14e-3
"""WGS 84 first eccentricity squared (NIMA TR8350.2)."""
DEFAULT_DOOR_WIDTH_M = 0.9
"""Clear width assumed for a door without a ``width`` tag: a common single-leaf door (0.9 m leaf); reported."""
KINDS = {"room": "room", "corridor": "corridor", "area": "concourse"}
ZONE_KINDS = ("room", "hall", "corridor", "concourse", "stair", "outdoor", "shelter")


def _radii(lat0_deg: float) -> tuple[float, float]:
    """Metres per radian of latitude (meridian radius M) and of longitude (N cos lat) at ``lat0_deg``."""
    phi = math.radians(lat0_deg)
    w = 1.0 - WGS84_E2 * math.sin(phi) ** 2
    m = WGS84_A_M * (1.0 - WGS84_E2) / w ** 1.5
    n = WGS84_A_M / math.sqrt(w)
    return m, n * math.cos(phi)


def lonlat_to_m(lon: float, lat: float, *, origin: tuple[float, float]) -> tuple[float, float]:
    """Project ``lon, lat`` (degrees) to metres east and north of ``origin`` (lon0, lat0).

    >>> [round(v, 3) for v in lonlat_to_m(0.001, 0.0, origin=(0.0, 0.0))]
    [111.319, 0.0]
    """
    m, n = _radii(origin[1])
    return math.radians(lon - origin[0]) * n, math.radians(lat - origin[1]) * m


def m_to_lonlat(x: float, y: float, *, origin: tuple[float, float]) -> tuple[float, float]:
    """The inverse of :func:`lonlat_to_m` (used to write sample plans with known sizes)."""
    m, n = _radii(origin[1])
    return origin[0] + math.degrees(x / n), origin[1] + math.degrees(y / m)


def _levels(text: Any) -> list[int] | None:
    try:
        return sorted({int(float(p)) for p in str(text).replace(",", ";").split(";") if p.strip()})
    except ValueError:
        return None


def _width(value: Any) -> float | None:
    try:
        return float(str(value).strip().removesuffix("m").strip())
    except ValueError:
        return None


def _coords(data: Any) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)) and len(node) >= 2 and all(isinstance(v, (int, float)) for v in node[:2]):
            out.append((float(node[0]), float(node[1])))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return out


def read_geojson(path: str | Path, *, text: str | None = None, units: str | None = None) -> Plan:
    """Read the indoor GeoJSON file at ``path`` into a :class:`Plan` (metres); problems go to ``plan.report``."""
    shape = require("shapely.geometry").shape
    shapely = require("shapely")
    file = str(path)
    report = Report(file)
    plan = Plan(file=file, report=report)
    try:
        data = json.loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        report.add(ERROR, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")
        report.raise_errors()
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        report.add(ERROR, "", "not a GeoJSON FeatureCollection (a top-level object with \"type\": \"FeatureCollection\" "
                   "and a \"features\" list)")
        report.raise_errors()
    plan.name = (data.get("name") or Path(path).stem.replace("-", " ").capitalize())
    features = [f for f in data["features"] if isinstance(f, dict)]
    points = [p for f in features for p in _coords((f.get("geometry") or {}).get("coordinates"))]
    if not points:
        report.add(ERROR, "", "the FeatureCollection has no features with coordinates")
        report.raise_errors()
    if units is None:
        if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in points):
            worst = max(points, key=lambda p: max(abs(p[0]), abs(p[1])))
            report.add(ERROR, "", f"coordinates such as {worst} are not longitude/latitude: give --units m (or cm, mm, ft) "
                       "for a plan in planar coordinates")
            report.raise_errors()
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        origin = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
        report.add(INFERRED, "", f"longitude/latitude projected to metres around ({origin[0]:.6f}, {origin[1]:.6f})")

        def to_m(x: Any, y: Any, z: Any = None) -> Any:
            m, n = _radii(origin[1])
            return (x - origin[0]) * math.pi / 180 * n, (y - origin[1]) * math.pi / 180 * m
    else:
        scale = UNIT_M[units]

        def to_m(x: Any, y: Any, z: Any = None) -> Any:
            return x * scale, y * scale

    ignored = 0
    for i, f in enumerate(features):
        props = f.get("properties") or {}
        fid = f.get("id", props.get("@id", props.get("id", f"#{i}")))
        where = f"feature {fid}"
        geo = f.get("geometry")
        try:
            geom = shapely.transform(shape(geo), lambda xy: np.column_stack(to_m(xy[:, 0], xy[:, 1]))) if geo else None
        except Exception as exc:  # shapely raises several types for malformed geometry
            report.add(ERROR, where, f"geometry cannot be read: {exc}")
            continue
        levels = _levels(props.get("level", "0"))
        if levels is None or not levels:
            report.add(ERROR, where, f"level {props.get('level')!r} is not a number or a list like '0;1'")
            continue
        stairs = props.get("stairs") == "yes" or props.get("highway") == "steps"
        door = props.get("door") not in (None, "no") or props.get("entrance") not in (None, "no")
        if stairs:
            if geom is None or geom.geom_type != "Polygon":
                report.add(WARNING, where, "stairs drawn as a line are left out: draw the flight as a polygon")
                continue
            width = _width(props["width"]) if "width" in props else None
            if len(levels) == 1:
                report.add(INFERRED, where, f"stair on one level {levels[0]}: joins the two rooms at its ends")
            plan.stairs.append(Stair(source=where, polygon=geom, levels=(levels[0], levels[-1]) if len(levels) > 1 else None,
                                     width_m=width, name=props.get("name")))
        elif door:
            if geom is None or geom.geom_type not in ("Point", "LineString"):
                report.add(ERROR, where, "a door must be a point on the wall or a line across the opening")
                continue
            if "width" in props:
                width = _width(props["width"])
                if width is None or width <= 0:
                    report.add(ERROR, where, f"width {props['width']!r} is not a positive number of metres")
                    continue
            elif geom.geom_type == "LineString":
                width = geom.length
                report.add(INFERRED, where, f"clear width {width:.2f} m from the door line")
            else:
                width = DEFAULT_DOOR_WIDTH_M
                report.add(INFERRED, where, f"no width tag: clear width {width} m assumed")
            if len(levels) > 1:
                report.add(WARNING, where, f"door on several levels {levels}: read on level {levels[0]}")
            plan.doors.append(Door(source=where, geometry=geom, width_m=width, level=levels[0],
                                   exit=props.get("entrance") not in (None, "no"), name=props.get("name")))
        elif props.get("indoor") in KINDS:
            if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
                report.add(ERROR, where, f"indoor={props['indoor']} must be a polygon, not {geom.geom_type if geom else 'nothing'}")
                continue
            if geom.geom_type == "MultiPolygon":
                geom = max(geom.geoms, key=lambda g: g.area)
                report.add(WARNING, where, "a multipolygon room: only its largest part is kept")
            if len(levels) > 1:
                report.add(WARNING, where, f"room on several levels {levels}: placed on level {levels[0]}")
            kind = KINDS[props["indoor"]]
            if props.get("simsoft:kind") in ZONE_KINDS:
                kind = props["simsoft:kind"]
            elif "simsoft:kind" in props:
                report.add(WARNING, where, f"simsoft:kind {props['simsoft:kind']!r} is not one of {', '.join(ZONE_KINDS)}")
            plan.rooms.append(Room(source=where, polygon=geom, name=props.get("name"), kind=kind, level=levels[0]))
        else:
            ignored += 1
    if ignored:
        report.add(INFERRED, "", f"{ignored} feature(s) without indoor, door, entrance or stairs tags left out")
    if not plan.rooms and not report.of(ERROR):
        report.add(ERROR, "", "no indoor=room, indoor=corridor or indoor=area polygons: nothing to make zones of")
    return plan
