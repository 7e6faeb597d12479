"""A venue's capacity at a glance: occupant load per zone, exit capacity, a hydraulic evacuation estimate.

The flows are the egress model's own SFPE constants (:mod:`simsoft.models.egress.hydraulics`): effective
width W - 2b with the boundary layer of the connection's kind, times the maximum specific flow of level
routes (1.3 p/s/m) or of the stair's riser/tread. The estimate is the SFPE hand calculation (Gwynne &
Rosenbaum, SFPE Handbook 5th ed. ch. 59): everyone leaves at the exits' combined capacity, after the
longest walk to the nearest exit at free speed. It ignores pre-movement, internal bottlenecks and
uneven use of exits, so it is a lower bound to compare with the building, not a result.

>>> from simsoft.schema import Venue
>>> v = Venue.model_validate({"zones": [{"id": "room", "area_m2": 40}], "exits": [{"id": "out"}],
...                          "connections": [{"id": "door", "from": "room", "to": "out", "width_m": 1.0}]})
>>> s = summarise(v, density_p_m2=2.5)
>>> s.zones[0].load, round(s.exits[0].flow_p_s, 2), round(s.flow_time_s, 1)
(100, 0.91, 109.9)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from simsoft.models.egress.hydraulics import (
    K_LEVEL_M_S,
    boundary_layer_m,
    effective_width_m,
    free_speed_m_s,
    max_specific_flow_p_s_m,
    stair_k_m_s,
)
from simsoft.schema.venue import Connection, Venue

__all__ = ["ZoneLoad", "ExitCapacity", "CapacitySummary", "summarise", "connection_flow_p_s", "format_summary"]


@dataclass(frozen=True)
class ZoneLoad:
    """Occupant load of one zone: area times density (and the licensed capacity when the venue gives one)."""

    zone: str
    label: str
    area_m2: float
    load: int
    capacity: int | None
    way_out: bool


@dataclass(frozen=True)
class ExitCapacity:
    """Capacity of one connection to an exit."""

    connection: str
    exit: str
    kind: str
    width_m: float
    effective_width_m: float
    flow_p_s: float


@dataclass(frozen=True)
class CapacitySummary:
    """What ``simsoft venue check`` prints."""

    density_p_m2: float
    zones: tuple[ZoneLoad, ...]
    exits: tuple[ExitCapacity, ...]
    people: int
    exit_flow_p_s: float
    walk_m: float
    walk_time_s: float
    flow_time_s: float

    @property
    def estimate_s(self) -> float:
        """Hydraulic estimate of the evacuation time, s: longest walk plus everyone through the exits."""
        return self.walk_time_s + self.flow_time_s


def connection_flow_p_s(c: Connection) -> tuple[float, float]:
    """Effective width (m) and maximum flow (p/s) of connection ``c`` by the SFPE hydraulic model."""
    b = c.boundary_layer_m if c.boundary_layer_m is not None else boundary_layer_m(c.kind.value)
    we = effective_width_m(width_m=c.width_m, boundary_layer_m=b)
    k = stair_k_m_s(riser_mm=c.riser_mm, tread_mm=c.tread_mm) if c.kind.value == "stair" else K_LEVEL_M_S
    return we, we * max_specific_flow_p_s_m(k_m_s=k)


def summarise(venue: Venue, *, density_p_m2: float = 2.0) -> CapacitySummary:
    """Occupant loads at ``density_p_m2`` (people per m^2 of zone), exit capacities and the hydraulic estimate."""
    if not (0.0 < density_p_m2 <= 10.0):
        raise ValueError(f"density {density_p_m2:g} p/m^2 must be > 0 and <= 10")
    exit_ids = {e.id for e in venue.exits}
    graph = nx.Graph()
    half = {z.id: (z.travel_length_m or math.sqrt(z.area_m2)) / 2.0 for z in venue.zones}
    for c in venue.connections:
        w = half.get(c.from_, 0.0) + half.get(c.to, 0.0) + (c.length_m or 0.0)
        graph.add_edge(c.from_, c.to, weight=w)
    dist: dict[str, float] = {}
    reach = [e for e in sorted(exit_ids) if e in graph]
    if reach:
        dist = nx.multi_source_dijkstra_path_length(graph, reach, weight="weight")
    zones = tuple(ZoneLoad(zone=z.id, label=z.label, area_m2=z.area_m2, load=int(math.floor(z.area_m2 * density_p_m2 + 1e-9)),
                           capacity=z.capacity, way_out=z.id in dist) for z in venue.zones)
    exits = []
    for c in venue.connections:
        if c.to in exit_ids:
            we, flow = connection_flow_p_s(c)
            exits.append(ExitCapacity(connection=c.id, exit=c.to, kind=c.kind.value, width_m=c.width_m,
                                      effective_width_m=we, flow_p_s=flow))
    people = sum(z.load for z in zones)
    total = sum(e.flow_p_s for e in exits)
    walk = max((dist[z.zone] for z in zones if z.zone in dist), default=0.0)
    speed = free_speed_m_s(k_m_s=K_LEVEL_M_S)
    return CapacitySummary(density_p_m2=density_p_m2, zones=zones, exits=tuple(exits), people=people,
                           exit_flow_p_s=total, walk_m=walk, walk_time_s=walk / speed,
                           flow_time_s=people / total if total > 0 else math.inf)


def format_summary(s: CapacitySummary) -> list[str]:
    """The summary as text lines (what the CLI prints)."""
    out = [f"occupant load at {s.density_p_m2:g} p/m^2:"]
    w = max((len(z.label) for z in s.zones), default=4)
    for z in s.zones:
        cap = f"  (capacity {z.capacity})" if z.capacity is not None else ""
        flag = "" if z.way_out else "  NO WAY OUT"
        out.append(f"  {z.label.ljust(w)}  {z.area_m2:9.1f} m^2  {z.load:6d} people{cap}{flag}")
    out.append(f"  {'total'.ljust(w)}  {sum(z.area_m2 for z in s.zones):9.1f} m^2  {s.people:6d} people")
    out.append("exit capacity (SFPE: effective width x maximum specific flow):")
    for e in s.exits:
        out.append(f"  {e.connection} -> {e.exit}: {e.kind} {e.width_m:g} m (effective {e.effective_width_m:.2f} m)"
                   f"  {e.flow_p_s:.2f} p/s = {e.flow_p_s * 60:.0f} p/min")
    out.append(f"  total {s.exit_flow_p_s:.2f} p/s = {s.exit_flow_p_s * 60:.0f} p/min")
    flow = "never (no exit capacity)" if math.isinf(s.flow_time_s) else f"{s.flow_time_s / 60:.1f} min"
    out.append(f"hydraulic estimate: {s.walk_m:.0f} m longest walk to an exit = {s.walk_time_s / 60:.1f} min at free speed, "
               f"+ {s.people} people through the exits = {flow}; about {s.estimate_s / 60:.1f} min "
               "(no pre-movement, exits used evenly: a lower bound)")
    return out
