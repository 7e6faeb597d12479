"""Where to draw a venue: zone outlines and centres, door points between outlines, exits (plain Python).

A door point is the connection's ``at`` when the venue gives one (``simsoft venue import`` writes it from
the plan's door geometry); otherwise it is estimated where the two zones' outlines come closest, or
between the centres when a zone has no outline. No shapely needed:
``simsoft venue check`` draws venues written by hand as well as imported ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from simsoft.schema.venue import Venue

__all__ = ["Layout", "layout", "positions", "misplaced_doors", "DOOR_TOLERANCE_M"]

Point = tuple[float, float]

DOOR_TOLERANCE_M = 1.0
"""How far a door's ``at`` may lie from the outline of a zone it opens into before ``venue check`` says so, m:
a 600 mm wall plus drawing slack (judgement, 0.6-1.5 m); an import puts it within ``--snap`` (0.3 m)."""


@dataclass(frozen=True)
class Layout:
    """Drawing coordinates in metres: zone centres and outlines, exit points, door points (with their level)."""

    centre: dict[str, Point]
    outline: dict[str, list[Point]]
    level: dict[str, int]
    door: dict[str, Point]
    exact: bool
    """Whether every zone has a position (otherwise a seeded spring layout placed the rest)."""
    door_given: frozenset[str] = frozenset()
    """Connections whose point is the venue's own ``at`` (the others are estimates)."""


def _closest_on_segment(p: Point, a: Point, b: Point) -> Point:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L))
    return ax + t * dx, ay + t * dy


def _closest(p: Point, ring: list[Point]) -> Point:
    best, dist = ring[0], math.inf
    for i in range(len(ring)):
        q = _closest_on_segment(p, ring[i], ring[(i + 1) % len(ring)])
        d = math.dist(p, q)
        if d < dist:
            best, dist = q, d
    return best


def _between(a: list[Point], b: list[Point]) -> Point:
    """Midpoint of the closest pair of points of two outlines (vertex-to-edge both ways)."""
    best, dist = (a[0], b[0]), math.inf
    for src, dst, flip in ((a, b, False), (b, a, True)):
        for p in src:
            q = _closest(p, dst)
            d = math.dist(p, q)
            if d < dist - 1e-9:
                best, dist = ((q, p) if flip else (p, q)), d
    # Along a shared wall every vertex pair is at the same distance: take the middle of the overlap instead.
    return (best[0][0] + best[1][0]) / 2, (best[0][1] + best[1][1]) / 2


def _shared_middle(a: list[Point], b: list[Point], tol: float = 0.5) -> Point | None:
    """Middle of the stretch of ``a``'s outline lying within ``tol`` m of ``b``'s (a shared wall), if any."""
    pts: list[Point] = []
    for i in range(len(a)):
        p, q = a[i], a[(i + 1) % len(a)]
        n = max(2, int(math.dist(p, q) / 0.25) + 1)
        for k in range(n + 1):
            s = (p[0] + (q[0] - p[0]) * k / n, p[1] + (q[1] - p[1]) * k / n)
            if math.dist(s, _closest(s, b)) <= tol:
                pts.append(s)
    if not pts:
        return None
    cx, cy = sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts)
    return _closest((cx, cy), a)


def positions(venue: Venue) -> dict[str, Point]:
    """Zone and exit positions in metres: as given, else a spring layout with ``seed=0`` (20 m a unit when
    nothing is placed). The one layout of every venue drawing: the run's venue map, the web console map
    and ``simsoft venue check`` put the same zone in the same place."""
    graph = nx.Graph()
    known: dict[str, Point] = {}
    for node in [*venue.zones, *venue.exits]:
        graph.add_node(node.id)
        if node.position is not None:
            known[node.id] = (float(node.position[0]), float(node.position[1]))
    for c in venue.connections:
        graph.add_edge(c.from_, c.to)
    if len(known) == graph.number_of_nodes():
        return known
    # A fixed seed makes the layout of zones without a position deterministic (networkx layouts are random).
    pos = nx.spring_layout(graph, pos=known or None, fixed=list(known) or None, seed=0, k=None if known else 1.0)
    scale = 1.0 if known else 20.0
    return {n: (float(p[0]) * scale, float(p[1]) * scale) for n, p in pos.items()}


def layout(venue: Venue) -> Layout:
    """The drawing coordinates of ``venue`` (positions as given; a spring layout with ``seed=0`` for the rest)."""
    centre = positions(venue)
    exact = all(node.position is not None for node in [*venue.zones, *venue.exits])
    outline = {z.id: [(float(x), float(y)) for x, y in z.polygon] for z in venue.zones if z.polygon}
    level = {z.id: z.level for z in venue.zones}
    door: dict[str, Point] = {}
    for c in venue.connections:
        a, b = outline.get(c.from_), outline.get(c.to)
        if c.at is not None:  # measured on the plan by the import (or typed by hand)
            door[c.id] = (float(c.at[0]), float(c.at[1]))
        elif a and b:
            door[c.id] = _shared_middle(a, b) or _between(a, b)
        elif a:
            door[c.id] = _closest(centre[c.to], a)
        elif b:
            door[c.id] = _closest(centre[c.from_], b)
        else:
            p, q = centre[c.from_], centre[c.to]
            door[c.id] = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
    given = frozenset(c.id for c in venue.connections if c.at is not None)
    return Layout(centre=centre, outline=outline, level=level, door=door, exact=exact, door_given=given)


def misplaced_doors(venue: Venue, *, tolerance_m: float = DOOR_TOLERANCE_M) -> list[str]:
    """Doors and gates whose ``at`` lies more than ``tolerance_m`` from the outline of a zone they open into
    (a hand edit gone wrong, or a position in another frame), in words. Stairs are left out: their point
    is the middle of the flight.

    >>> from simsoft.schema import Venue
    >>> v = Venue.model_validate({"zones": [{"id": "a", "area_m2": 16, "polygon": [[0, 0], [4, 0], [4, 4], [0, 4]]}],
    ...     "exits": [{"id": "out"}], "connections": [{"id": "d", "from": "a", "to": "out", "width_m": 1, "at": [9, 2]}]})
    >>> misplaced_doors(v)
    ['connection d: its at (9, 2) is 5.0 m from the outline of zone a (more than 1 m): check the position']
    """
    outline = {z.id: [(float(x), float(y)) for x, y in z.polygon] for z in venue.zones if z.polygon}
    out = []
    for c in venue.connections:
        if c.at is None or c.kind.value == "stair":
            continue
        p = (float(c.at[0]), float(c.at[1]))
        for zid in (c.from_, c.to):
            if zid in outline:
                d = math.dist(p, _closest(p, outline[zid]))
                if d > tolerance_m:
                    out.append(f"connection {c.id}: its at ({p[0]:g}, {p[1]:g}) is {d:.1f} m from the outline of zone "
                               f"{zid} (more than {tolerance_m:g} m): check the position")
    return out
