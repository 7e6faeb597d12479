"""The venue as the egress model's flow network: nodes with areas and speeds, links with capacities.

Zones become nodes. A connection with a walking length (corridors, stairs, and any connection that
gives ``length_m``) becomes a node of its own (area = clear width x length, travel length = its
length) joined to both ends by links of the connection's capacity; any other connection (door,
gate, opening) is a single link. Exits are sink nodes after the internal nodes. Every link has two
directions: ``2 * link`` is from -> to, ``2 * link + 1`` is to -> from (unusable when ``one_way``).

Capacity of a link: Fsm x We (p/s), SFPE maximum specific flow times effective width (Gwynne &
Rosenbaum, SFPE Handbook 5th ed. ch. 59); a queue at a doorway discharges at the maximum flow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simsoft.models.egress import hydraulics as hy
from simsoft.schema import Scenario

__all__ = ["Network", "build_network"]


@dataclass(frozen=True)
class Network:
    """Arrays describing the flow network of one scenario (read-only after building)."""

    node_ids: tuple[str, ...]
    """Ids of internal nodes: zones (declaration order), then connections with a length."""
    n_zones: int
    """The first ``n_zones`` nodes are the venue's zones."""
    exit_ids: tuple[str, ...]
    """Ids of exits; exit ``j`` is node ``len(node_ids) + j``."""
    area_m2: np.ndarray
    """Floor area of each internal node."""
    travel_m: np.ndarray
    """Walking distance across each internal node."""
    k_m_s: np.ndarray
    """SFPE speed constant of each internal node."""
    cap_people: np.ndarray
    """Most people that may be in each internal node before inflow stops."""
    link_conn: np.ndarray
    """Index of the connection each link belongs to."""
    link_a: np.ndarray
    """Node at the ``from`` side of each link."""
    link_b: np.ndarray
    """Node at the ``to`` side of each link."""
    link_cap_p_s: np.ndarray
    """Capacity of each link, p/s (shared by both directions)."""
    dl_backward_ok: np.ndarray
    """Whether the backward direction of each link may be used (the connection is not one-way)."""
    conn_ids: tuple[str, ...]
    """Connection ids in declaration order."""
    conn_lockable: np.ndarray
    """Whether each connection is lockable."""
    conn_zones: tuple[tuple[int, ...], ...]
    """Zone nodes each connection touches (for lockdown)."""
    conn_exit: np.ndarray
    """Exit index each connection reaches, or -1."""

    @property
    def n_nodes(self) -> int:
        """Number of internal nodes."""
        return len(self.node_ids)

    @property
    def n_links(self) -> int:
        """Number of links."""
        return len(self.link_a)

    # Built once per network and read-only (the flow step reads them hundreds of times a run).
    @cached_property
    def dl_src(self) -> np.ndarray:
        """Source node of each directed link (read-only)."""
        out = np.empty(2 * self.n_links, dtype=np.int64)
        out[0::2], out[1::2] = self.link_a, self.link_b
        out.flags.writeable = False
        return out

    @cached_property
    def dl_dst(self) -> np.ndarray:
        """Destination node of each directed link (read-only)."""
        out = np.empty(2 * self.n_links, dtype=np.int64)
        out[0::2], out[1::2] = self.link_b, self.link_a
        out.flags.writeable = False
        return out


def _connection_k(conn) -> float:
    if conn.kind.value == "stair":
        return hy.stair_k_m_s(riser_mm=conn.riser_mm, tread_mm=conn.tread_mm)
    return hy.K_LEVEL_M_S


def build_network(scenario: Scenario) -> Network:
    """The flow network of ``scenario``'s venue (raises ``ValueError`` naming a bad reference)."""
    venue = scenario.venue
    max_density = scenario.egress.max_density_p_m2
    zone_index = {z.id: i for i, z in enumerate(venue.zones)}
    exit_ids = tuple(e.id for e in venue.exits)
    exit_index = {e: j for j, e in enumerate(exit_ids)}
    node_ids = [z.id for z in venue.zones]
    area = [z.area_m2 for z in venue.zones]
    travel = [z.travel_length_m if z.travel_length_m is not None else math.sqrt(z.area_m2) for z in venue.zones]
    # A stair-core zone walks at the stair speed of the default SFPE stair (178/279 mm).
    k = [hy.stair_k_m_s() if z.kind.value == "stair" else hy.K_LEVEL_M_S for z in venue.zones]
    cap = [float(z.capacity) if z.capacity is not None else max_density * z.area_m2 for z in venue.zones]
    n_internal_pseudo = sum(1 for c in venue.connections if c.length_m is not None)
    n_int = len(node_ids) + n_internal_pseudo

    def endpoint(name: str, cid: str) -> int:
        if name in zone_index:
            return zone_index[name]
        if name in exit_index:
            return n_int + exit_index[name]
        raise ValueError(f"connection {cid!r}: {name!r} is neither a zone nor an exit")

    link_conn: list[int] = []
    link_a: list[int] = []
    link_b: list[int] = []
    link_cap: list[float] = []
    back_ok: list[bool] = []
    conn_zones: list[tuple[int, ...]] = []
    conn_exit: list[int] = []
    pseudo = len(node_ids)
    for ci, c in enumerate(venue.connections):
        a, b = endpoint(c.from_, c.id), endpoint(c.to, c.id)
        kc = _connection_k(c)
        layer = c.boundary_layer_m if c.boundary_layer_m is not None else hy.boundary_layer_m(c.kind.value)
        we = hy.effective_width_m(width_m=c.width_m, boundary_layer_m=layer)
        capacity = hy.max_specific_flow_p_s_m(k_m_s=kc) * we
        conn_zones.append(tuple(i for i in (a, b) if i < len(venue.zones)))
        conn_exit.append(next((exit_index[x] for x in (c.to, c.from_) if x in exit_index), -1))
        if c.length_m is not None:
            node_ids.append(c.id)
            area.append(c.width_m * c.length_m)
            travel.append(c.length_m)
            k.append(kc)
            cap.append(max_density * c.width_m * c.length_m)
            p = pseudo
            pseudo += 1
            # from-end -> pseudo node -> to-end (directions leaving an exit are never used).
            for src, dst in ((a, p), (p, b)):
                link_conn.append(ci)
                link_a.append(src)
                link_b.append(dst)
                link_cap.append(capacity)
                back_ok.append(not c.one_way)
        else:
            link_conn.append(ci)
            link_a.append(a)
            link_b.append(b)
            link_cap.append(capacity)
            back_ok.append(not c.one_way)
    return Network(
        node_ids=tuple(node_ids),
        n_zones=len(venue.zones),
        exit_ids=exit_ids,
        area_m2=np.asarray(area, dtype=float),
        travel_m=np.asarray(travel, dtype=float),
        k_m_s=np.asarray(k, dtype=float),
        cap_people=np.asarray(cap, dtype=float),
        link_conn=np.asarray(link_conn, dtype=np.int64),
        link_a=np.asarray(link_a, dtype=np.int64),
        link_b=np.asarray(link_b, dtype=np.int64),
        link_cap_p_s=np.asarray(link_cap, dtype=float),
        dl_backward_ok=np.asarray(back_ok, dtype=bool),
        conn_ids=tuple(c.id for c in venue.connections),
        conn_lockable=np.asarray([c.lockable for c in venue.connections], dtype=bool),
        conn_zones=tuple(conn_zones),
        conn_exit=np.asarray(conn_exit, dtype=np.int64),
    )
