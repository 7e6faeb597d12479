"""Travel times on the region's road graph: shortest paths (networkx) times a time-of-day congestion factor.

Places given by coordinates are joined to their nearest road node by a straight line at
:data:`~simsoft.region.schema.ACCESS_SPEED_KM_H`. Shortest free-flow times between the places that
matter (sites, hospitals, bases, stations) are computed once; the congestion factor of the moment a
vehicle leaves multiplies the whole trip (a trip is short next to a congestion window).
"""

from __future__ import annotations

import math

import networkx as nx

from simsoft.region.schema import ACCESS_SPEED_KM_H, Location, Region, time_of_day_s

__all__ = ["RoadNetwork", "build_graph"]

DAY_S = 86400.0


def build_graph(region: Region) -> nx.DiGraph:
    """The road graph: nodes with ``x_km``/``y_km``, directed edges with ``minutes`` (two-way roads both ways)."""
    g = nx.DiGraph()
    for n in region.roads.nodes:
        g.add_node(n.id, x_km=n.x_km, y_km=n.y_km)
    for e in region.roads.edges:
        for a, b in ((e.from_, e.to),) if e.one_way else ((e.from_, e.to), (e.to, e.from_)):
            if g.has_edge(a, b):
                g[a][b]["minutes"] = min(g[a][b]["minutes"], e.minutes)
            else:
                g.add_edge(a, b, minutes=e.minutes)
    return g


class RoadNetwork:
    """Driving times between named places of a region.

    >>> from simsoft.region.schema import Region
    >>> r = Region.model_validate({"name": "r", "sites": [{"id": "a", "scenario": "x", "location": {"node": "n1"}}],
    ...     "roads": {"nodes": [{"id": "n1", "x_km": 0, "y_km": 0}, {"id": "n2", "x_km": 3, "y_km": 0}],
    ...               "edges": [{"from": "n1", "to": "n2", "minutes": 6}],
    ...               "clock_start": "07:00", "congestion": [{"start": "07:00", "end": "09:00", "factor": 1.5}]}})
    >>> net = RoadNetwork(r)
    >>> net.add_place("h", Location(node="n2"))
    >>> net.free_flow_s("a", "h"), net.travel_s("a", "h", now_s=0.0), net.travel_s("a", "h", now_s=3 * 3600.0)
    (360.0, 540.0, 360.0)
    """

    def __init__(self, region: Region) -> None:
        self.region = region
        self.graph = build_graph(region)
        self._place: dict[str, tuple[str, float]] = {}
        """Place -> (road node, access seconds to it)."""
        self._dist: dict[str, dict[str, float]] = {}
        self._rdist: dict[str, dict[str, float]] = {}
        self.clock0 = time_of_day_s(region.roads.clock_start)
        self.windows = [(time_of_day_s(c.start), time_of_day_s(c.end), c.factor) for c in region.roads.congestion]
        for s in region.sites:
            self.add_place(s.id, s.location)

    def nearest_node(self, x_km: float, y_km: float) -> tuple[str, float]:
        """The road node nearest to ``(x_km, y_km)`` and its straight-line distance (km); ties by id."""
        best = min(self.graph.nodes(data=True), key=lambda nd: (math.hypot(nd[1]["x_km"] - x_km, nd[1]["y_km"] - y_km), nd[0]))
        return best[0], math.hypot(best[1]["x_km"] - x_km, best[1]["y_km"] - y_km)

    def add_place(self, name: str, loc: Location) -> None:
        """Register a place (a site, hospital, base or station) at ``loc``."""
        if loc.node is not None:
            self._place[name] = (loc.node, 0.0)
        else:
            node, km = self.nearest_node(float(loc.x_km), float(loc.y_km))  # type: ignore[arg-type]
            self._place[name] = (node, km / ACCESS_SPEED_KM_H * 3600.0)

    def node_of(self, name: str) -> str:
        """The road node a place is at (or joined to)."""
        return self._place[name][0]

    def xy(self, name: str, loc: Location | None = None) -> tuple[float, float]:
        """Map coordinates (km) of a place: its own, or its road node's."""
        if loc is not None and loc.x_km is not None and loc.y_km is not None:
            return float(loc.x_km), float(loc.y_km)
        nd = self.graph.nodes[self.node_of(name)]
        return float(nd["x_km"]), float(nd["y_km"])

    def free_flow_s(self, a: str, b: str) -> float:
        """Driving time from place ``a`` to place ``b`` without congestion (s); ``inf`` if there is no road; 0 from a
        place to itself (not there and back along its access line)."""
        if a == b:
            return 0.0
        na, sa = self._place[a]
        nb, sb = self._place[b]
        dist = self._dist.get(na)
        if dist is None:
            dist = nx.single_source_dijkstra_path_length(self.graph, na, weight="minutes")
            self._dist[na] = dist
        minutes = dist.get(nb, math.inf)
        return sa + minutes * 60.0 + sb

    def congestion(self, now_s: float) -> float:
        """The congestion factor at region time ``now_s`` (the largest of the windows it falls in, else 1)."""
        tod = (self.clock0 + now_s) % DAY_S
        factor = 1.0
        for start, end, f in self.windows:
            inside = start <= tod < end if start <= end else (tod >= start or tod < end)
            if inside:
                factor = max(factor, f)
        return factor

    def travel_s(self, a: str, b: str, *, now_s: float) -> float:
        """Driving time from ``a`` to ``b`` for a vehicle leaving at region time ``now_s`` (s)."""
        return self.free_flow_s(a, b) * self.congestion(now_s)
