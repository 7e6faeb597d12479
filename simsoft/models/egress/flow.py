"""The flow step of the egress model: one time step of releases, walking, arrivals and link flows.

Each step [t0, t1] (``egress.time_step``, 1 s by default):

1. people whose pre-movement has elapsed (start time before the middle of the step) start walking;
2. every node's walking speed follows SFPE speed-density (:mod:`.speeds`);
3. walkers who have covered the node's travel length join the crowd ready at its doors;
4. the ready crowd spreads over the downhill links toward its exits (:mod:`.routing`); each link
   passes at most Fsm x We x dt people, shared by both directions (counter-flow), and no node
   receives more people than its density cap allows; the rest queue (:func:`split_over_links`);
5. people crossing a link start walking the next node, or are out when it is an exit.

A link passes up to its capacity per step, but at least one whole person (``burst``): the first
person through a door passes at once, so N people need (N - 1) / Fc (the DES convention of the SFPE
hand calculation, Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59) and a lone walker is not held
back by a fraction of a person. Unused capacity is kept as credit up to that burst.
"""

from __future__ import annotations

import numpy as np

from simsoft.models.egress.network import Network
from simsoft.models.egress.plan import RoutePlanner
from simsoft.models.egress.routing import SplitTable, split_shares
from simsoft.models.egress.speeds import SpeedField
from simsoft.models.egress.state import EgressState

__all__ = ["cap_dt", "split_over_links", "step"]

_EPS = 1e-9
# Reductions called as ufunc methods: the same operations as ndarray.any() / .all() / .sum() without
# their Python wrappers (a few microseconds each, many times per step).
_any, _sum = np.logical_or.reduce, np.add.reduce


def cap_dt(s: EgressState, link_cap_p_s: np.ndarray, dt: float) -> np.ndarray:
    """Link capacities times ``dt`` (the same product each time; kept in ``s`` for the last ``dt``)."""
    if dt != s.capdt_dt:
        s.capdt_dt, s.capdt = dt, link_cap_p_s * dt
    return s.capdt


def split_over_links(
    *,
    q: np.ndarray,
    table: SplitTable,
    credit: np.ndarray,
    cap_dt: np.ndarray,
    burst: np.ndarray,
    room: np.ndarray,
    dl_dst: np.ndarray,
    ones_nx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Move the ready crowd ``q`` (one entry per group of ``table``) over the links for one step.

    ``credit`` is each link's capacity left from earlier steps, ``cap_dt`` its capacity x dt,
    ``burst`` the most it may pass in a step, ``room`` the people each internal node can still
    take, ``ones_nx`` a vector of ones over internal nodes and exits. Returns ``(moved, flow,
    demand, credit)``: people moved per table entry, flow and demand per directed link, and the
    credit left.

    >>> import numpy as np
    >>> from simsoft.models.egress.routing import build_split_table
    >>> # one room (node 0) with one door (link 0) to an exit (node 1); 5 people ready, 2 may pass
    >>> table = build_split_table(pots=np.array([[1.0, 0.0]]), n_nodes=1, n_exits=1, dl_src=np.array([0, 1]),
    ...                           dl_dst=np.array([1, 0]), usable=np.array([True, False]), blocked=np.zeros(1, bool),
    ...                           cap_p_s=np.array([2.0]))
    >>> moved, flow, demand, credit = split_over_links(
    ...     q=np.array([5.0]), table=table, credit=np.array([1.0]), cap_dt=np.array([2.0]), burst=np.array([2.0]),
    ...     room=np.array([0.0]), dl_dst=np.array([1, 0]), ones_nx=np.ones(2))
    >>> moved.tolist(), flow.tolist(), demand.tolist(), credit.tolist()
    ([2.0], [2.0, 0.0], [5.0, 0.0], [0.0])
    """
    n_dl = len(dl_dst)
    N = len(room)
    shares = split_shares(table, q)
    want = q[table.entry_group] * shares
    demand = np.bincount(table.entry_dl, weights=want, minlength=n_dl)
    credit = np.minimum(credit + cap_dt, burst)
    both = demand[0::2] + demand[1::2]
    # Scale factors per directed link: link capacity, then room downstream. A factor of 1.0
    # changes nothing (x * 1.0 is x), so the products are skipped where every factor is 1.0.
    saturated = both > credit
    f_dl = None
    if _any(saturated):
        f_dl = np.where(saturated, credit / np.where(both > 0, both, 1.0), 1.0).repeat(2)
    inflow = np.bincount(dl_dst, weights=demand if f_dl is None else demand * f_dl, minlength=len(ones_nx))[:N]
    over = inflow > room
    if _any(over):
        f_room = ones_nx.copy()
        f_room[:N][over] = room[over] / inflow[over]
        f_dl = f_room[dl_dst] if f_dl is None else f_dl * f_room[dl_dst]
    if f_dl is None:
        moved, flow = want, demand
    else:
        moved, flow = want * f_dl[table.entry_dl], demand * f_dl
    credit = np.maximum(credit - (flow[0::2] + flow[1::2]), 0.0)
    return moved, flow, demand, credit


def step(
    s: EgressState, t0: float, t1: float, *, net: Network, speeds: SpeedField, planner: RoutePlanner
) -> tuple[np.ndarray, np.ndarray | None]:
    """Advance the crowd of ``s`` over the step [t0, t1].

    Returns the occupancy of every internal node after the step (read-only; also cached in ``s``)
    and the people released this step (``None`` if nobody was).
    """
    dt = t1 - t0
    s.steps += 1
    s.occ_cache = None  # the walkers' sums stay valid until the cohorts change
    N, C = s.n_nodes, len(s.classes)
    X = len(net.exit_ids)
    units = s.units
    # 1. Releases: people whose start time falls before the middle of the step start walking.
    released = None
    if len(s.pend_t):
        k = int(s.pend_t.searchsorted(t0 + dt / 2.0, side="right"))
        if k:
            people = s.pend_person[:k]
            s.pend_t, s.pend_person = s.pend_t[k:], s.pend_person[k:]
            s.p_state[people] = 2
            n_u = np.bincount(s.p_unit[people], minlength=len(units))
            units.started += n_u
            counts = n_u.astype(float)
            s.waiting -= np.bincount(units.node, weights=counts, minlength=N)
            if s.unit_flat is None:  # each unit's (node, class), flat; rebuilt when classes change
                s.unit_flat = units.node * C + s.unit_class
            grid = np.bincount(s.unit_flat, weights=counts, minlength=N * C).reshape(N, C)
            s.add_cohorts(grid)
            released = people
    # 2. Speeds from the density of walkers and people in pre-movement.
    walking = s.walking()
    s.walked_m += speeds.speeds(s, walking) * dt
    # 3. Walkers who covered their node's length are ready at its doors.
    if len(s.coh_n):
        # walked_m is C-contiguous: its flat view indexed by node * C + class is walked_m[node, class].
        arrived = s.coh_target <= s.walked_m.reshape(-1)[s.coh_flat] + 1e-9
        if _any(arrived):
            s.ready += np.bincount(s.coh_flat[arrived], weights=s.coh_n[arrived], minlength=N * C).reshape(N, C)
            keep = ~arrived
            s.coh_node, s.coh_class = s.coh_node[keep], s.coh_class[keep]
            s.coh_flat = s.coh_flat[keep]
            s.coh_target, s.coh_n = s.coh_target[keep], s.coh_n[keep]
            s.changed()
            walking = s.walking()
    # 4. Flows through links.
    if s.dirty or t1 >= s.next_replan - _EPS:
        planner.replan(s, t1)
    table = s.table
    moved_total = 0.0
    n_dl = 2 * net.n_links
    if table is not None and table.n_groups:
        g_flat, e_flat = planner.table_flat(table, C)
        q = s.ready.take(g_flat)  # ready[group_node, group_class]
    else:
        q = None
    if q is not None and _any(q):
        occ = s.waiting + walking + _sum(s.ready, axis=1)
        room = np.maximum(net.cap_people - occ, 0.0)
        moved, flow, demand, s.credit = split_over_links(
            q=q, table=table, credit=s.credit, cap_dt=cap_dt(s, net.link_cap_p_s, dt), burst=s.burst, room=room,
            dl_dst=net.dl_dst, ones_nx=s.ones_nx,
        )
        out = np.add.reduceat(moved, table.start)
        s.ready.put(g_flat, np.maximum(q - out, 0.0))  # ready[group_node, group_class] = ...
        s.last_flow_dl = flow
        s.backlog_dl = demand - flow
        arrive = np.bincount(e_flat, weights=moved, minlength=(N + X) * C)
        arrive = arrive.reshape(N + X, C)
        s.exited += _sum(arrive[N:], axis=1)
        s.add_cohorts(arrive[:N])
        # The new cohorts come last, in class order, so adding their columns in that order gives
        # the per-node sums bit for bit (adding 0.0 where a (node, class) had nobody changes nothing).
        for c in range(C):
            walking = walking + arrive[:N, c]
        moved_total = float(_sum(moved))
    else:
        s.credit = np.minimum(s.credit + cap_dt(s, net.link_cap_p_s, dt), s.burst)
        s.last_flow_dl = np.zeros(n_dl)
        s.backlog_dl = np.zeros(n_dl)
    s.last_moved = moved_total + (1.0 if released is not None else 0.0)
    # 5. The carried-forward walkers are the cohorts' sums bit for bit: cached.
    occ = s.waiting + walking + _sum(s.ready, axis=1)
    walking.flags.writeable = False
    occ.flags.writeable = False
    s.walk_cache, s.occ_cache = walking, occ
    return occ, released
