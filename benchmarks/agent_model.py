"""An agent-per-person SimPy reference model of a simsoft venue, for the egress benchmarks.

Every person is a SimPy process. It waits out its own pre-movement time, then walks zone by zone
to an exit. This module shares no code with :mod:`simsoft.models`: it reads the validated scenario
(:class:`simsoft.schema.Scenario`) and implements the same published assumptions on its own, so
that agreement between the two is evidence, not an echo.

Assumptions (Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59, doi:10.1007/978-1-4939-2565-0_59):

- Walking speed ``S = k (1 - a D)`` with ``a = 0.266 m²/p`` and ``D`` the density the person finds
  when starting to walk a zone (people in the zone / its area) or a connection (people on it / its
  length x clear width); below ``D = 0.54 p/m²`` the free speed ``0.856 k`` (or the scenario's
  ``free_speed_m_s``). ``k = 1.40 m/s`` on the level; on stairs the EvacuatioNZ closed form
  ``k = 51.8 sqrt(T/R) m/min``, within about 1 % of SFPE Table 59.2.
- A person walks the zone's ``travel_length_m`` (default: square root of its area), queues at the
  connection chosen, passes it, and walks the connection's ``length_m`` (if any) into the next zone.
- Every connection passes at most ``Fc = Fsm x We`` people per second, one at a time in arrival
  order, the first at once (a time-slotted server: slot ``i`` opens ``i / Fc`` after the queue
  formed; the SFPE hand calculation ``N / Fc`` is ``(N - 1) / Fc`` in a DES).
  ``Fsm = 1.3 p/s/m`` for doors, gates, openings and corridors, ``k / (4a)`` for stairs;
  ``We`` = clear width minus a boundary layer per side: door, gate, opening 0.15 m, corridor
  0.20 m, stair 0.15 m (or the connection's ``boundary_layer_m``). Both directions of a two-way
  connection share one server.
- Route choice: at every zone a person takes the exit with the least estimated time, the
  free-walking time along the shortest path plus the current queue wait at the next connection and
  at the exit's last connection; an assigned ``exit`` overrides it.
- Pre-movement is drawn per person from the scenario's distribution with this module's own
  ``numpy`` generator (``PCG64(seed)``), in group order: the same seed gives the same draws.

Not modelled (not needed by the benchmark venues, which never reach them): the zone density cap
(the result reports the peak density so that a run can be checked against it), children and
reduced mobility, shelter, lockdown and closures. Only ``evacuate`` actions are accepted.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from simsoft.schema import Scenario

__all__ = ["AgentResult", "simulate", "capacity_p_s", "stair_speed_constant_m_s"]

A_M2_P = 0.266
"""Slope of the SFPE speed-density relation, m²/person."""
K_LEVEL_M_S = 1.40
"""SFPE speed constant for corridors, aisles, ramps and doorways, m/s."""
FREE_FACTOR = 0.856
"""Free speed as a share of k below D = 0.54 p/m² (SFPE)."""
D_FREE_P_M2 = 0.54
"""Density below which people walk at free speed, p/m²."""
FSM_LEVEL = 1.3
"""SFPE maximum specific flow of doors, corridors and openings, p/s per metre of effective width."""
BOUNDARY_M = {"door": 0.15, "gate": 0.15, "opening": 0.15, "corridor": 0.20, "stair": 0.15}
"""SFPE boundary layer per side by connection kind (doors and archways 0.15, walls 0.20, stairs 0.15)."""
MIN_SPEED_M_S = 0.10
"""Crawl speed used where the linear relation would stop people (IMO: D >= 3.5 p/m², 0.10 m/s)."""
Z99 = 2.3263478740408408
"""Standard normal 99th percentile (lognormal from median and p99)."""


def stair_speed_constant_m_s(riser_mm: float, tread_mm: float) -> float:
    """Stair ``k`` in m/s: ``51.8 sqrt(T/R)`` m/min (EvacuatioNZ; SFPE Table 59.2 to ~1 %).

    >>> round(stair_speed_constant_m_s(178, 279), 3)
    1.081
    """
    return 51.8 * math.sqrt(tread_mm / riser_mm) / 60.0


def _k(conn: Any) -> float:
    if conn.kind.value == "stair":
        return stair_speed_constant_m_s(conn.riser_mm or 178.0, conn.tread_mm or 279.0)
    return K_LEVEL_M_S


def capacity_p_s(conn: Any) -> float:
    """Calculated flow ``Fc = Fsm x We`` of a schema connection, people per second.

    >>> from simsoft.schema import Connection
    >>> round(capacity_p_s(Connection.model_validate({"id": "d", "from": "a", "to": "b", "width_m": 1.0})), 2)
    0.91
    """
    kind = conn.kind.value
    layer = conn.boundary_layer_m if conn.boundary_layer_m is not None else BOUNDARY_M[kind]
    effective = max(conn.width_m - 2.0 * layer, 0.0)
    fsm = _k(conn) / (4.0 * A_M2_P) if kind == "stair" else FSM_LEVEL
    return fsm * effective


def _speed(k: float, density: float, free: float | None) -> float:
    free_speed = FREE_FACTOR * k if free is None else free
    if density < D_FREE_P_M2:
        return free_speed
    return max(min(free_speed, k * (1.0 - A_M2_P * density)), MIN_SPEED_M_S)


def _draw(dist: Any, rng: np.random.Generator, n: int) -> np.ndarray:
    kind = dist.distribution
    if kind == "fixed":
        return np.full(n, float(dist.value))
    if kind == "uniform":
        return rng.uniform(dist.low, dist.high, n)
    if kind == "normal":
        return np.maximum(rng.normal(dist.mean, dist.sd, n), 0.0)
    if kind == "lognormal":
        if dist.median is not None:
            mu = math.log(dist.median)
            sigma = (math.log(dist.p99) - mu) / Z99
        else:
            sigma = math.sqrt(math.log(1.0 + (dist.sd / dist.mean) ** 2))
            mu = math.log(dist.mean) - sigma**2 / 2.0
        return dist.shift + rng.lognormal(mu, sigma, n)
    raise ValueError(f"unknown distribution {kind!r}")


@dataclass(frozen=True)
class AgentResult:
    """Exit time of every person (``inf`` if not out by the scenario's duration) and run facts."""

    exit_times_s: np.ndarray
    peak_density_p_m2: float
    peak_density_zone: str

    def quantile_s(self, share: float) -> float:
        """Time by which ``share`` of the people are out: the ``ceil(share * N)``-th exit time."""
        n = self.exit_times_s.size
        if n == 0:
            return 0.0
        rank = max(1, math.ceil(share * n - 1e-9))
        return float(np.partition(self.exit_times_s, rank - 1)[rank - 1])

    @property
    def t95_s(self) -> float:
        """95 % of the people out."""
        return self.quantile_s(0.95)

    @property
    def t100_s(self) -> float:
        """Everyone out."""
        return float(self.exit_times_s.max(initial=0.0))


class _Network:
    """Zones, connections with their servers, and the free-walking time to every exit."""

    def __init__(self, scenario: Scenario) -> None:
        venue = scenario.venue
        self.zone_ids = [z.id for z in venue.zones]
        self.zidx = {z: i for i, z in enumerate(self.zone_ids)}
        exit_ids = [e.id for e in venue.exits]
        self.exit_ids = exit_ids
        self.eidx = {e: i for i, e in enumerate(exit_ids)}
        nz = len(self.zone_ids)
        self.area = np.array([z.area_m2 for z in venue.zones])
        self.length = np.array([z.travel_length_m or math.sqrt(z.area_m2) for z in venue.zones])
        free = scenario.egress.free_speed_m_s
        self.free = free
        self.zone_free_speed = FREE_FACTOR * K_LEVEL_M_S if free is None else free
        conns = venue.connections
        self.cap = np.array([capacity_p_s(c) for c in conns])
        self.headway = np.where(self.cap > 0, 1.0 / np.maximum(self.cap, 1e-12), math.inf)
        self.clen = np.array([c.length_m or 0.0 for c in conns])
        self.cwidth = np.array([c.width_m for c in conns])
        self.ck = np.array([_k(c) for c in conns])
        self.cids = [c.id for c in conns]
        # Outgoing moves per zone: (connection, target zone or -1, exit or -1).
        self.moves: list[list[tuple[int, int, int]]] = [[] for _ in range(nz)]
        for ci, c in enumerate(conns):
            a = self.zidx.get(c.from_)
            b_zone, b_exit = self.zidx.get(c.to, -1), self.eidx.get(c.to, -1)
            if a is not None:
                self.moves[a].append((ci, b_zone, b_exit))
            if not c.one_way and b_zone >= 0 and a is not None:
                self.moves[b_zone].append((ci, a, -1))
        self._shortest_paths()

    def _hop_s(self, ci: int, from_zone: int) -> float:
        walk = self.length[from_zone] / self.zone_free_speed
        free = FREE_FACTOR * self.ck[ci] if self.free is None else self.free
        return walk + self.clen[ci] / free

    def _shortest_paths(self) -> None:
        """Free-walking time ``T[zone, exit]`` and the first move on that path (Dijkstra per exit)."""
        nz, ne = len(self.zone_ids), len(self.exit_ids)
        self.T = np.full((nz, ne), math.inf)
        self.first = np.full((nz, ne), -1, dtype=int)  # index into self.moves[zone]
        self.last_conn = np.full(ne, -1, dtype=int)
        into: list[list[tuple[int, int, int]]] = [[] for _ in range(nz)]  # (from zone, move index)
        into_exit: list[list[tuple[int, int]]] = [[] for _ in range(ne)]
        for z, moves in enumerate(self.moves):
            for m, (ci, bz, be) in enumerate(moves):
                if be >= 0:
                    into_exit[be].append((z, m))
                    self.last_conn[be] = ci
                elif bz >= 0:
                    into[bz].append((z, m))  # type: ignore[arg-type]
        for e in range(ne):
            heap: list[tuple[float, int, int]] = []
            for z, m in into_exit[e]:
                ci = self.moves[z][m][0]
                heapq.heappush(heap, (self._hop_s(ci, z), z, m))
            while heap:
                cost, z, m = heapq.heappop(heap)
                if cost >= self.T[z, e]:
                    continue
                self.T[z, e], self.first[z, e] = cost, m
                for y, m2 in into[z]:
                    ci = self.moves[y][m2][0]
                    c2 = cost + self._hop_s(ci, y)
                    if c2 < self.T[y, e]:
                        heapq.heappush(heap, (c2, y, m2))


def simulate(scenario: Scenario | Mapping[str, Any], *, seed: int = 1) -> AgentResult:
    """Run the agent model on ``scenario`` (a validated scenario or a dict in file form).

    >>> import sys; sys.path.insert(0, "benchmarks")
    >>> from venues import stadium_bowl
    >>> r = simulate(stadium_bowl(400, sections=4, exits=4), seed=1)
    >>> r.exit_times_s.size, bool(r.t95_s < r.t100_s)
    (400, True)
    """
    if not isinstance(scenario, Scenario):
        scenario = Scenario.model_validate(dict(scenario), context={"from_file": True})
    starts = [a for a in scenario.actions if a.do == "evacuate"]
    unsupported = sorted({a.do for a in scenario.actions} - {"evacuate"})
    if unsupported or not starts:
        raise ValueError(f"the agent model runs one evacuation only, got actions {unsupported or 'none'}")
    net = _Network(scenario)
    zone_start: dict[int, float] = {}
    for action in sorted(starts, key=lambda a: a.at):
        chosen = net.zone_ids if action.zones == "all" else action.zones
        for z in chosen:
            zone_start.setdefault(net.zidx[z], action.at)

    rng = np.random.Generator(np.random.PCG64(seed))
    pop = scenario.population
    people: list[tuple[int, float, int, float | None]] = []  # zone, start time, exit or -1, free speed
    for g in pop.groups:
        draws = _draw(g.pre_movement or pop.pre_movement, rng, g.count)
        z = net.zidx[g.zone]
        t0 = zone_start.get(z, math.inf)
        ex = net.eidx[g.exit] if g.exit else -1
        people.extend((z, t0 + float(d), ex, g.free_speed_m_s) for d in draws)

    env = simpy.Environment()
    occupancy = np.zeros(len(net.zone_ids), dtype=np.int64)
    for z, *_ in people:
        occupancy[z] += 1
    on_conn = np.zeros(len(net.cids), dtype=np.int64)
    next_free = np.zeros(len(net.cids))
    exit_times = np.full(len(people), math.inf)
    peak = (occupancy / net.area).max(initial=0.0)
    peak_zone = int(np.argmax(occupancy / net.area)) if len(people) else 0
    state = {"peak": peak, "peak_zone": peak_zone}

    def wait(ci: int, now: float) -> float:
        return max(0.0, next_free[ci] - now)

    def choose(z: int, assigned: int, now: float) -> tuple[int, int, int]:
        if assigned >= 0:
            return net.moves[z][net.first[z, assigned]]
        best, best_cost = None, math.inf
        for e in range(len(net.exit_ids)):
            base = net.T[z, e]
            if base == math.inf:
                continue
            move = net.moves[z][net.first[z, e]]
            cost = base + wait(move[0], now) + (wait(net.last_conn[e], now) if move[2] < 0 else 0.0)
            if cost < best_cost:
                best, best_cost = move, cost
        if best is None:
            raise ValueError(f"zone {net.zone_ids[z]!r} has no route to an exit")
        return best

    def person(i: int, z: int, t_start: float, assigned: int, free: float | None):
        yield env.timeout(t_start)
        while True:
            v = _speed(K_LEVEL_M_S, occupancy[z] / net.area[z], free if free is not None else net.free)
            yield env.timeout(net.length[z] / v)
            ci, bz, be = choose(z, assigned, env.now)
            slot = max(env.now, next_free[ci])
            next_free[ci] = slot + net.headway[ci]
            if slot > env.now:
                yield env.timeout(slot - env.now)
            occupancy[z] -= 1
            if be >= 0:
                exit_times[i] = env.now
                return
            length = net.clen[ci]
            if length > 0:
                density = on_conn[ci] / (length * net.cwidth[ci])
                v = _speed(net.ck[ci], density, free if free is not None else net.free)
                on_conn[ci] += 1
                yield env.timeout(length / v)
                on_conn[ci] -= 1
            occupancy[bz] += 1
            d = occupancy[bz] / net.area[bz]
            if d > state["peak"]:
                state["peak"], state["peak_zone"] = d, bz
            z = bz

    for i, (z, t0, ex, free) in enumerate(people):
        if math.isfinite(t0):
            env.process(person(i, z, t0, ex, free))
    env.run(until=scenario.duration)
    return AgentResult(
        exit_times_s=exit_times,
        peak_density_p_m2=float(state["peak"]),
        peak_density_zone=net.zone_ids[state["peak_zone"]] if net.zone_ids else "",
    )
