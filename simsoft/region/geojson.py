"""A region's road graph from a local GeoJSON road extract (OpenStreetMap-like tags; no network access).

``roads: {geojson: roads.geojson}`` in a region file replaces the inline ``nodes``/``edges``:

- ``LineString`` and ``MultiLineString`` features are roads. Lines are joined where they share a
  coordinate (after rounding to :data:`SNAP_DEGREES` in lon/lat, :data:`SNAP_METRES` in metres); a
  road's junctions are its two ends, every coordinate it shares with another road (or with itself), and
  every named ``Point``. Between two junctions a road is one edge whose driving time is its length
  divided by its speed: length on the sphere (haversine, :data:`EARTH_RADIUS_M`) for lon/lat, planar
  for projected metres (``roads.coordinates: metres``).
- Speed: ``speed_kmh`` (an emergency driving speed, km/h), else ``maxspeed`` (OSM: ``50``, ``30 mph``,
  ``50 km/h``; the first of ``50;30``), else the ``highway`` class's speed (:data:`CLASS_SPEED_KMH`, or
  ``roads.speeds`` of the region file). Classes no ambulance drives (``footway``, ``path``...) are left
  out; an unknown class is an error.
- ``oneway`` (OSM: ``yes``/``true``/``1`` forward, ``-1`` backward) makes a road one-way.
- ``Point`` features with an ``id`` property name the road junction at their coordinates (it must lie
  on a road), so a location may say ``{node: centre}`` as with an inline graph.

Unnamed junctions are ``j1``, ``j2``... in the order they first appear in the file (deterministic). Only
the largest strongly connected part of the graph is kept; the region's loader places every site,
hospital, base and station at its nearest junction and refuses one whose nearest junction is on a piece
cut off from the rest. Errors name the file, the feature index, the field and the rule.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from simsoft.errors import Problem
from simsoft.loader.yaml_io import read_file_bytes
from simsoft.plans.geojson import lonlat_to_m

__all__ = ["RoadExtract", "read_road_extract", "CLASS_SPEED_KMH", "NOT_DRIVEN", "EARTH_RADIUS_M", "SNAP_DEGREES",
           "SNAP_METRES", "MAX_EXTRACT_BYTES", "FAR_FROM_ROAD_KM", "haversine_m", "parse_maxspeed"]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG, Moritz 2000), m: haversine lengths of roads given in lon/lat. Against the
WGS 84 ellipsoid the error is below 0.5 % (judgement: far inside the uncertainty of a driving speed)."""

SNAP_DEGREES = 7
"""Decimals of a degree kept when matching coordinates in lon/lat (1e-7 deg, about 1 cm): OSM's own precision."""

SNAP_METRES = 2
"""Decimals of a metre kept when matching projected coordinates (1 cm)."""

FAR_FROM_ROAD_KM = 0.5
"""A site, hospital, base or station farther than this (km) from every junction of a road extract is joined
to the nearest one all the same, with a warning (judgement: a city block or two; further away the extract
probably misses its street)."""

MAX_EXTRACT_BYTES = 50 * 1024 * 1024
"""Largest road extract accepted (50 MB of GeoJSON: a city's drivable roads are a few MB)."""

CLASS_SPEED_KMH: dict[str, float] = {
    "motorway": 90.0, "motorway_link": 45.0, "trunk": 85.0, "trunk_link": 40.0, "primary": 65.0,
    "primary_link": 30.0, "secondary": 55.0, "secondary_link": 25.0, "tertiary": 40.0, "tertiary_link": 20.0,
    "unclassified": 25.0, "residential": 25.0, "living_street": 10.0, "service": 15.0, "road": 25.0,
}
"""Driving speed by OSM ``highway`` class when a road has no ``maxspeed`` (km/h): the ``speed_profile`` of
OSRM's car profile (Project-OSRM/osrm-backend, ``profiles/car.lua``), ``road`` (class unknown) as
``unclassified``. These are an ordinary car's free-flow speeds; an ambulance under blue lights may drive
faster on the big roads and no faster in narrow streets (judgement): give ``roads.speeds`` for the local
service's figures."""

NOT_DRIVEN = frozenset({"footway", "path", "cycleway", "pedestrian", "steps", "bridleway", "corridor", "track",
                        "construction", "proposed", "abandoned", "platform", "elevator", "bus_guideway", "raceway",
                        "busway", "escape", "via_ferrata"})
"""``highway`` classes left out of the drivable graph (as OSMnx's ``network_type='drive'`` filter does)."""

_MPH_KMH = 1.609344
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$", re.IGNORECASE)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (m) between two lon/lat points (degrees) on a sphere of :data:`EARTH_RADIUS_M`.

    >>> round(haversine_m(0.0, 0.0, 0.0, 1.0))
    111195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def parse_maxspeed(value: Any) -> float | None:
    """An OSM ``maxspeed`` in km/h, or ``None`` when it gives no number (``none``, ``signals``, ``walk``).

    Raises ``ValueError`` when it is neither. ``50;30`` (several limits) takes the first.

    >>> parse_maxspeed("30 mph"), parse_maxspeed(50), parse_maxspeed("50;30"), parse_maxspeed("signals")
    (48.28032, 50.0, 50.0, None)
    """
    if isinstance(value, bool):
        raise ValueError("is not a speed")
    if isinstance(value, (int, float)):
        speed = float(value)
    else:
        text = str(value).split(";")[0].strip()
        if text.lower() in {"none", "signals", "walk", "variable", "implicit", ""} or ":" in text:
            return None  # no number given (or a country code such as 'DE:urban'): the class decides
        m = _SPEED.match(text)
        if not m:
            raise ValueError("is not a speed (a number in km/h, '50 km/h' or '30 mph')")
        speed = float(m.group(1)) * (_MPH_KMH if (m.group(2) or "").lower() == "mph" else 1.0)
    if not 0.0 < speed <= 200.0:
        raise ValueError("is not a road speed (0-200 km/h)")
    return speed


@dataclass
class RoadExtract:
    """A road extract turned into the inline graph a region file could have given."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    """``{id, x_km, y_km}`` per junction (lon/lat projected on a plane tangent at the extract's centre)."""
    edges: list[dict[str, Any]] = field(default_factory=list)
    """``{from, to, minutes, one_way}`` per road between junctions."""
    lonlat: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Junction -> its lon/lat (lon/lat extracts only)."""
    origin: tuple[float, float] | None = None
    """The projection's origin (lon, lat), or ``None`` for projected metres."""
    cut_off: set[str] = field(default_factory=set)
    """Junctions on pieces not connected both ways to the largest part (left out of ``edges``)."""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_km(self, lon: float, lat: float) -> tuple[float, float]:
        """A lon/lat point in the extract's plane (km)."""
        assert self.origin is not None
        x, y = lonlat_to_m(lon, lat, origin=self.origin)
        return x / 1000.0, y / 1000.0


def _position(value: Any) -> tuple[float, float] | None:
    if (isinstance(value, (list, tuple)) and len(value) >= 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value[:2])):
        return float(value[0]), float(value[1])
    return None


def read_road_extract(path: str | os.PathLike[str], *, shown: str, metres: bool,
                      speeds: dict[str, float] | None = None) -> RoadExtract:
    """Read the GeoJSON road extract at ``path`` (``shown`` names it in messages) into junctions and roads.

    ``metres``: coordinates are projected metres (else lon/lat, WGS 84). ``speeds`` overrides
    :data:`CLASS_SPEED_KMH` by class. Problems and warnings are collected in the result, never raised.
    """
    out = RoadExtract()
    speed_of = {**CLASS_SPEED_KMH, **(speeds or {})}

    def bad(where: str, rule: str, value: Any = None, has_value: bool = False, line: int | None = None) -> None:
        out.problems.append(Problem(file=shown, line=line, path=where, rule=rule, value=value, has_value=has_value))

    try:
        raw = read_file_bytes(path, max_bytes=MAX_EXTRACT_BYTES, kind="road extracts", what="a GeoJSON file")
        doc = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:  # also json.JSONDecodeError and UnicodeDecodeError
        line = getattr(exc, "lineno", None)
        rule = f"is not JSON: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        bad("", rule if not isinstance(exc, UnicodeDecodeError) else "is not UTF-8 text", line=line)
        return out
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        bad("type", "a road extract is a GeoJSON FeatureCollection with a 'features' list")
        return out
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name") if isinstance(doc.get("crs"), dict) else None
    if crs is not None:
        geographic = bool(re.search(r"CRS84|EPSG:{1,2}4326$", str(crs)))
        if geographic and metres:
            bad("crs", "is lon/lat but the region says roads.coordinates: metres", crs, True)
        elif not geographic and not metres:
            bad("crs", "is not lon/lat (CRS84): set roads.coordinates: metres if the coordinates are projected metres",
                crs, True)
        if out.problems:
            return out
    snap = SNAP_METRES if metres else SNAP_DEGREES

    lines: list[tuple[int, list[tuple[float, float]], float, int]] = []  # (feature, coords, speed, dir)
    named: dict[tuple[float, float], tuple[str, int]] = {}
    skipped: dict[str, int] = {}
    for i, feat in enumerate(doc["features"]):
        where = f"features[{i}]"
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            bad(where, "a feature has a 'geometry' object")
            continue
        geom, props = feat["geometry"], feat.get("properties") or {}
        if not isinstance(props, dict):
            bad(f"{where}.properties", "is an object of tags")
            continue
        kind = geom.get("type")
        if kind == "Point":
            pos = _position(geom.get("coordinates"))
            if "id" not in props:
                skipped["points without an id"] = skipped.get("points without an id", 0) + 1
                continue
            if pos is None:
                bad(f"{where}.geometry.coordinates", "a point is [x, y] numbers", geom.get("coordinates"), True)
                continue
            pid = str(props["id"])
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", pid):
                bad(f"{where}.properties.id", "a node id is letters, digits, '_', '-' and '.'", props["id"], True)
                continue
            key = (round(pos[0], snap), round(pos[1], snap))
            if any(n == pid for n, _ in named.values()):
                bad(f"{where}.properties.id", "duplicate node id", pid, True)
            else:
                named[key] = (pid, i)
            continue
        if kind not in ("LineString", "MultiLineString"):
            skipped[f"{kind} features"] = skipped.get(f"{kind} features", 0) + 1
            continue
        hw = props.get("highway")
        if hw is not None and str(hw) in NOT_DRIVEN:
            skipped[f"highway={hw}"] = skipped.get(f"highway={hw}", 0) + 1
            continue
        speed: float | None = None
        if "speed_kmh" in props:
            v = props["speed_kmh"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 200:
                bad(f"{where}.properties.speed_kmh", "is a driving speed in km/h (0-200)", v, True)
                continue
            speed = float(v)
        elif props.get("maxspeed") is not None:
            try:
                speed = parse_maxspeed(props["maxspeed"])
            except ValueError as exc:
                bad(f"{where}.properties.maxspeed", str(exc), props["maxspeed"], True)
                continue
        if speed is None:
            if hw is None:
                bad(f"{where}.properties", "a road gives speed_kmh, maxspeed or a highway class", has_value=False)
                continue
            if str(hw) not in speed_of:
                bad(f"{where}.properties.highway", f"is not a road class with a speed ({', '.join(sorted(speed_of))}); "
                                                    "give maxspeed, or its speed under roads.speeds", hw, True)
                continue
            speed = speed_of[str(hw)]
        ow = str(props.get("oneway", "no")).lower()
        direction = 1 if ow in {"yes", "true", "1"} else -1 if ow == "-1" else 0
        parts = [geom.get("coordinates")] if kind == "LineString" else geom.get("coordinates")
        if not isinstance(parts, list):
            bad(f"{where}.geometry.coordinates", f"a {kind} has a list of coordinates")
            continue
        for k, part in enumerate(parts):
            sub = f"{where}.geometry.coordinates" + (f"[{k}]" if kind == "MultiLineString" else "")
            pts = [_position(p) for p in part] if isinstance(part, list) else [None]
            if len(pts) < 2 or any(p is None for p in pts):
                bad(sub, "a line is two or more [x, y] positions of numbers")
                continue
            if not metres and any(not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90) for p in pts):  # type: ignore[index]
                bad(sub, "lon/lat out of range (is the file in projected metres? set roads.coordinates: metres)")
                continue
            lines.append((i, [(round(p[0], snap), round(p[1], snap)) for p in pts], speed, direction))  # type: ignore[index]
    if skipped:
        out.warnings.append("left out of the road graph: " + ", ".join(f"{n} {k}" for k, n in sorted(skipped.items())))
    if out.problems:
        return out
    if not lines:
        bad("features", "the extract has no drivable road (LineString features)")
        return out

    # Junctions: line ends, coordinates used more than once (by two lines or one line twice), named points.
    uses: dict[tuple[float, float], int] = {}
    for _, pts, _, _ in lines:
        for p in pts:
            uses[p] = uses.get(p, 0) + 1
    junction = {p for p, n in uses.items() if n > 1} | {p for _, pts, _, _ in lines for p in (pts[0], pts[-1])}
    for p, (pid, i) in named.items():
        if p not in uses:
            bad(f"features[{i}].geometry.coordinates", f"node {pid!r} is on no road (a named point lies on a road's "
                                                        "coordinate)", list(p), True)
        junction.add(p)
    if out.problems:
        return out
    ids: dict[tuple[float, float], str] = {p: pid for p, (pid, _) in named.items()}
    taken = set(ids.values())
    counter = 0

    def node_id(p: tuple[float, float]) -> str:
        nonlocal counter
        if p not in ids:
            counter += 1
            while f"j{counter}" in taken:
                counter += 1
            ids[p] = f"j{counter}"
        return ids[p]

    def seg_m(a: tuple[float, float], b: tuple[float, float]) -> float:
        return math.hypot(b[0] - a[0], b[1] - a[1]) if metres else haversine_m(a[0], a[1], b[0], b[1])

    best: dict[tuple[str, str], float] = {}
    for _, pts, speed, direction in lines:
        start, length = pts[0], 0.0
        node_id(start)
        for a, b in zip(pts, pts[1:]):
            length += seg_m(a, b)
            if b in junction:
                u, v = node_id(start), node_id(b)
                if u != v and length > 0:
                    minutes = length / 1000.0 / speed * 60.0
                    pairs = [(u, v), (v, u)] if direction == 0 else [(u, v)] if direction == 1 else [(v, u)]
                    for pair in pairs:
                        best[pair] = min(best.get(pair, math.inf), minutes)
                start, length = b, 0.0
    g = nx.DiGraph()
    g.add_nodes_from(ids[p] for p in sorted(ids, key=lambda q: ids[q]))
    for (u, v), minutes in best.items():
        g.add_edge(u, v, minutes=minutes)
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    comps = sorted(nx.strongly_connected_components(g), key=lambda c: (-len(c), sorted(c)))
    keep = comps[0]
    if len(comps) > 1:
        dropped = len(g) - len(keep)
        out.warnings.append(f"{dropped} road junction(s) on {len(comps) - 1} piece(s) not connected both ways to the "
                            f"largest part ({len(keep)} junctions) are left out")
    out.cut_off = set(g.nodes) - keep
    if not metres:
        lons = [p[0] for p in ids]
        lats = [p[1] for p in ids]
        out.origin = (round((min(lons) + max(lons)) / 2, 6), round((min(lats) + max(lats)) / 2, 6))
    by_id = {v: k for k, v in ids.items()}
    for n in sorted(g.nodes, key=_natural):
        x, y = by_id[n]
        if metres:
            xk, yk = x / 1000.0, y / 1000.0
        else:
            xk, yk = out.to_km(x, y)
            out.lonlat[n] = (x, y)
        out.nodes.append({"id": n, "x_km": xk, "y_km": yk, "kept": n in keep})
    for u, v in sorted(g.edges, key=lambda e: (_natural(e[0]), _natural(e[1]))):
        if u in keep and v in keep:
            both = g.has_edge(v, u) and g[v][u]["minutes"] == g[u][v]["minutes"]
            if both and (_natural(v) < _natural(u)):
                continue  # written once, as a two-way road, from its smaller end
            out.edges.append({"from": u, "to": v, "minutes": g[u][v]["minutes"], "one_way": not both})
    return out


def _natural(node: str) -> tuple[int, str, int]:
    """Named junctions first (by name), then ``j1, j2, ... j10`` in number order."""
    m = re.fullmatch(r"j(\d+)", node)
    return (1, "", int(m.group(1))) if m else (0, node, 0)
