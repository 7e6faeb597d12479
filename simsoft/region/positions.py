"""Where each shared unit of a region is at a moment, read from its dispatch records (read-only).

A regional run records what a unit does, not where it is between two records: ``region.unit_assigned``
(mobilise, then drive to a site), ``medical.transport`` (leave the site's loading point for a hospital),
``medical.at_hospital`` (``via`` the unit), ``medical.ambulance_back`` (at the loading point again),
``region.unit_free`` (free where it is), ``region.unit_home`` and ``region.mutual_aid_arrived``. This module
turns those records into *legs* (drive from one place to another between two times) and *stays*, and gives a
unit's position at time ``t`` by interpolating along its leg's road route (the shortest path the run's travel
times use, each stretch in proportion to its minutes).

Records seen so far are enough: a leg whose arrival is not recorded yet ends at the time the model will take
(:meth:`RoadNetwork.travel_s` at departure for a trip out or home; for the way back from a hospital, the
drive timed at delivery after the site's handover time, or the mass-casualty handover once the site has
declared a major incident, as :mod:`simsoft.models.medical.transport` waits),
so a live exercise sees units move between steps and a finished run sees the recorded times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from simsoft.records import Event
from simsoft.region.network import RoadNetwork
from simsoft.region.schema import ACCESS_SPEED_KM_H, Region

__all__ = ["STATES", "UnitPosition", "Leg", "region_network", "unit_legs", "positions_at", "route_points"]

STATES = ("idle", "en_route", "at_scene", "at_hospital")
"""What a unit is doing: free (at its base or driving back to it), on the road for a site (mobilising,
driving to the site or carrying patients to a hospital and back), at work at a site, handing patients over."""


@dataclass(frozen=True)
class Leg:
    """One drive of a unit: from place ``a`` (leaving at ``t0_s``) to place ``b`` (arriving at ``t1_s``)."""

    t0_s: float
    t1_s: float
    a: str
    b: str
    state: str
    """The unit's state while on this leg (:data:`STATES`)."""


@dataclass(frozen=True)
class UnitPosition:
    """A unit at one moment: its map position (km), what it does, and for whom."""

    unit: str
    kind: str
    """``ambulance`` or ``police``."""
    x_km: float
    y_km: float
    state: str
    """One of :data:`STATES`."""
    site: str | None
    """The site it works for now (None when free)."""
    place: str
    """The place it is at, or drives to."""
    moving: bool


def region_network(region: Region) -> RoadNetwork:
    """The region's road network with every hospital, ambulance base and police station registered as a place."""
    net = RoadNetwork(region)
    for group in (region.hospitals, region.ambulance_bases, region.police):
        for item in group:
            net.add_place(item.id, item.location)
    return net


def _locations(region: Region) -> dict[str, object]:
    return {x.id: x.location for group in (region.sites, region.hospitals, region.ambulance_bases, region.police)
            for x in group}


def route_points(net: RoadNetwork, a: str, b: str, locations: Mapping[str, object]) -> list[tuple[float, float, float]]:
    """``(x_km, y_km, seconds from a)`` along the free-flow road route from place ``a`` to place ``b``: the access
    line of a place given by coordinates, then the road nodes of the shortest path (minutes as the weights)."""
    na, nb = net.node_of(a), net.node_of(b)
    g = net.graph
    try:
        path = nx.shortest_path(g, na, nb, weight="minutes")
    except nx.NetworkXNoPath:
        path = [na, nb]
    pts: list[tuple[float, float, float]] = []
    xa, ya = net.xy(a, locations.get(a))  # type: ignore[arg-type]
    pts.append((xa, ya, 0.0))

    def add(x: float, y: float, dt: float) -> None:
        pts.append((x, y, pts[-1][2] + dt))

    first = g.nodes[na]
    add(first["x_km"], first["y_km"], math.hypot(first["x_km"] - xa, first["y_km"] - ya) / ACCESS_SPEED_KM_H * 3600.0)
    for u, v in zip(path, path[1:]):
        add(g.nodes[v]["x_km"], g.nodes[v]["y_km"], g[u][v]["minutes"] * 60.0)
    xb, yb = net.xy(b, locations.get(b))  # type: ignore[arg-type]
    last = g.nodes[nb]
    add(xb, yb, math.hypot(last["x_km"] - xb, last["y_km"] - yb) / ACCESS_SPEED_KM_H * 3600.0)
    return pts


def _along(pts: list[tuple[float, float, float]], share: float) -> tuple[float, float]:
    """The point ``share`` (0..1) of the way along ``pts`` by time."""
    total = pts[-1][2]
    if total <= 0:
        return pts[-1][0], pts[-1][1]
    want = min(1.0, max(0.0, share)) * total
    for (x0, y0, s0), (x1, y1, s1) in zip(pts, pts[1:]):
        if want <= s1:
            f = 0.0 if s1 <= s0 else (want - s0) / (s1 - s0)
            return x0 + (x1 - x0) * f, y0 + (y1 - y0) * f
    return pts[-1][0], pts[-1][1]


@dataclass
class _Unit:
    kind: str
    home: str
    place: str
    site: str | None = None
    state: str = "idle"


def unit_legs(events: Iterable[tuple[str, Event]], net: RoadNetwork, *, now_s: float,
              handover_s: Mapping[str, float] | None = None) -> dict[str, tuple[_Unit, list[Leg]]]:
    """Every shared unit seen in ``events`` (``(site, record)`` pairs in time order, as
    :meth:`RegionResult.all_events` gives them) with its legs up to ``now_s``."""
    handover_s = dict(handover_s or {})
    units: dict[str, _Unit] = {}
    legs: dict[str, list[Leg]] = {}
    trips: dict[str, tuple[str, str, float]] = {}
    """Unit -> (site, hospital, time it left the site) of the transport it is on."""
    for site, e in events:
        if e.t_s > now_s:
            break
        v = e.values
        if e.kind == "medical.major_incident" and "handover_s" in v:
            handover_s[site] = float(v["handover_s"])  # the mass-casualty handover from now on
        elif e.kind == "region.unit_assigned":
            u = units.setdefault(e.subject, _Unit(str(v["unit_kind"]), str(v["home"]), str(v["home"])))
            start = str(v.get("from", u.place))
            depart = e.t_s + float(v.get("mobilise_s", 0.0))
            legs.setdefault(e.subject, []).append(Leg(depart, depart + float(v["travel_s"]), start, str(v["site"]),
                                                      "en_route"))
            # Mobilising at its place until it drives off: a stay, drawn as a leg of no length.
            if depart > e.t_s:
                legs[e.subject].insert(len(legs[e.subject]) - 1, Leg(e.t_s, depart, start, start, "en_route"))
            u.site, u.place, u.state = str(v["site"]), str(v["site"]), "at_scene"
        elif e.kind == "region.mutual_aid_arrived":
            units[e.subject] = _Unit(str(v["unit_kind"]), str(v["home"]), str(v["home"]))
            legs.setdefault(e.subject, [])
        elif e.subject in units and e.kind == "medical.transport":
            hosp = str(v["hospital"])
            trips[e.subject] = (site, hosp, e.t_s)
            legs[e.subject].append(Leg(e.t_s, e.t_s + net.travel_s(site, hosp, now_s=e.t_s), site, hosp, "en_route"))
        elif e.kind == "medical.at_hospital" and v.get("via") in trips:
            uid = str(v["via"])
            site_, hosp, _ = trips[uid]
            last = legs[uid][-1]
            if last.b == hosp and last.state == "en_route" and last.t1_s != e.t_s:
                legs[uid][-1] = Leg(last.t0_s, e.t_s, last.a, last.b, last.state)
            back = e.t_s + handover_s.get(site_, 0.0)
            legs[uid].append(Leg(e.t_s, back, hosp, hosp, "at_hospital"))
            # The model waits handover + the drive back as timed when the patients are delivered.
            legs[uid].append(Leg(back, back + net.travel_s(hosp, site_, now_s=e.t_s), hosp, site_, "en_route"))
            trips[uid] = (site_, hosp, -1.0)  # delivered: the way back is scheduled
        elif e.subject in units and e.kind == "medical.ambulance_back":
            trip = trips.pop(e.subject, None)
            lst = legs[e.subject]
            if trip is not None and lst and lst[-1].b == site and lst[-1].t1_s != e.t_s:
                last = lst[-1]
                length = last.t1_s - last.t0_s
                lst[-1] = Leg(e.t_s - length, e.t_s, last.a, last.b, last.state)
                if len(lst) >= 2 and lst[-2].state == "at_hospital":
                    stay = lst[-2]
                    lst[-2] = Leg(stay.t0_s, e.t_s - length, stay.a, stay.b, stay.state)
        elif e.kind == "region.unit_free" and e.subject in units:
            u = units[e.subject]
            place = str(v.get("at", u.place))
            u.site, u.place, u.state = None, place, "idle"
            trips.pop(e.subject, None)
            if place != u.home:
                legs[e.subject].append(Leg(e.t_s, e.t_s + net.travel_s(place, u.home, now_s=e.t_s), place, u.home,
                                           "idle"))
        elif e.kind == "region.unit_home" and e.subject in units:
            u = units[e.subject]
            lst = legs[e.subject]
            if lst and lst[-1].b == u.home and lst[-1].t1_s != e.t_s:
                lst[-1] = Leg(lst[-1].t0_s, e.t_s, lst[-1].a, lst[-1].b, lst[-1].state)
            u.place = u.home
    return {uid: (u, legs.get(uid, [])) for uid, u in units.items()}


def positions_at(events: Iterable[tuple[str, Event]], region: Region, t_s: float, *,
                 net: RoadNetwork | None = None, handover_s: Mapping[str, float] | None = None,
                 homes: Mapping[str, tuple[str, str]] | None = None) -> list[UnitPosition]:
    """Every shared unit's position at region time ``t_s``, sorted by kind then id.

    ``events`` are the ``(site, record)`` pairs so far (``RegionResult.all_events()``); ``homes`` adds units not
    yet in any record (``unit -> (kind, base)``: idle at their base). ``handover_s`` is each site's hospital
    handover time (the wait before an ambulance drives back;
    a ``medical.major_incident`` record replaces it with its own ``handover_s``)."""
    net = net or region_network(region)
    locs = _locations(region)
    seen = unit_legs(events, net, now_s=t_s, handover_s=handover_s)
    out = []
    for uid, (kind, home) in sorted((homes or {}).items()):
        if uid not in seen:
            x, y = net.xy(home, locs.get(home))  # type: ignore[arg-type]
            out.append(UnitPosition(uid, kind, x, y, "idle", None, home, False))
    routes: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for uid, (u, legs) in seen.items():
        leg = next((g for g in reversed(legs) if g.t0_s <= t_s), None)
        if leg is not None and t_s < leg.t1_s and leg.a != leg.b:
            pts = routes.setdefault((leg.a, leg.b), route_points(net, leg.a, leg.b, locs))
            x, y = _along(pts, (t_s - leg.t0_s) / (leg.t1_s - leg.t0_s))
            out.append(UnitPosition(uid, u.kind, x, y, leg.state, u.site, leg.b, True))
            continue
        if leg is not None and t_s < leg.t1_s:  # a stay: mobilising at its base, or handing over at a hospital
            x, y = net.xy(leg.a, locs.get(leg.a))  # type: ignore[arg-type]
            out.append(UnitPosition(uid, u.kind, x, y, leg.state, u.site, leg.a, False))
            continue
        place = leg.b if leg is not None else u.place
        x, y = net.xy(place, locs.get(place))  # type: ignore[arg-type]
        state = "idle" if u.site is None else ("at_scene" if place == u.site else "at_hospital")
        out.append(UnitPosition(uid, u.kind, x, y, state, u.site, place, False))
    return sorted(out, key=lambda p: (p.kind, p.unit))
