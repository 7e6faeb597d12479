"""Protective actions on the egress crowd state: alert, evacuate, shelter, lock down, release, close
and open connections, and casualties taken out of the crowd.

:class:`CrowdActions` works on an :class:`.state.EgressState` at a given time ``now`` and knows no
SimPy: :class:`.model.EgressModel` first catches up with a jump over quiet steps in progress
(:mod:`.skipping`), so the action acts on the state of the moment, then calls these methods with
the simulated time. Their events (connections and exits closed or opened, the pre-movement of a
group) go through the run's :class:`.records.EgressRecorder`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from simsoft.models.egress.network import Network
from simsoft.models.egress.population import RouteClass, unit_route_class
from simsoft.models.egress.records import EgressRecorder
from simsoft.models.egress.state import EgressState
from simsoft.schema import Scenario

__all__ = ["CrowdActions"]


class CrowdActions:
    """Actions on the crowd state ``s`` of a network ``net`` (events through ``records``)."""

    def __init__(self, *, s: EgressState, net: Network, scenario: Scenario, records: EgressRecorder) -> None:
        self.s, self.net, self.scenario, self.records = s, net, scenario, records
        self.N, self.Z = net.n_nodes, net.n_zones
        self._groups = scenario.population.groups
        self.zone_index = {z: i for i, z in enumerate(net.node_ids[: self.Z])}
        self.exit_index = {e: j for j, e in enumerate(net.exit_ids)}
        self.conn_index = {c: i for i, c in enumerate(net.conn_ids)}
        self._zone_people: dict[int, np.ndarray] = {}
        """Zone node -> its people (indexes, ascending): ``p_node`` never changes, see :meth:`people_of`."""

    def people_of(self, zones: list[int]) -> np.ndarray:
        """Indexes of the people who start in the zone nodes ``zones`` (distinct), ascending.

        The same indexes, in the same order, as ``np.flatnonzero`` of a mask over every person, but an
        action on one zone of a 60,000-seat stadium reads its few hundred people, not everyone.
        """
        if len(zones) != 1:
            # Several zones (often all of them): one pass of the mask, already ascending.
            zset = np.zeros(self.N, dtype=bool)
            zset[zones] = True
            return np.flatnonzero(zset[self.s.p_node])
        z = zones[0]
        people = self._zone_people.get(z)
        if people is None:
            people = self._zone_people[z] = np.flatnonzero(self.s.p_node == z)
            people.flags.writeable = False
        return people

    def alert(self, zones: Iterable[str], *, now: float, share: float = 1.0, pre_movement_factor: float = 1.0) -> None:
        """Start the pre-movement clocks of the occupants of ``zones`` now; they stay put.

        ``share``: the part of the not-yet-alerted occupants the message reaches (a random subset);
        ``pre_movement_factor`` scales the pre-movement of the people it reaches (a clear voice
        message shortens it). People already alerted keep their clock.
        """
        s = self.s
        if not 0.0 < share <= 1.0:
            raise ValueError(f"alert share must be in (0, 1], got {share}")
        if pre_movement_factor < 0:
            raise ValueError(f"pre_movement_factor must be >= 0, got {pre_movement_factor}")
        idx = self.zone_ids(zones)
        if not idx:
            return
        before = s.reach[idx].copy()
        s.reach[idx] = 1.0 - (1.0 - before) * (1.0 - share)
        if share >= 1.0:
            s.reach[idx] = 1.0
        for z in idx:
            if math.isnan(s.alerted_at[z]):
                s.alerted_at[z] = now
        # Only the people of ``idx`` can be reached (elsewhere the reach is 0 and every key is >= 0).
        people = self.people_of(idx)
        hit = people[np.isnan(s.p_alert[people]) & (s.p_key[people] < s.reach[s.p_node[people]]) & (s.p_state[people] < 2)]
        s.p_alert[hit] = now
        s.p_factor[hit] = pre_movement_factor
        # People reached in a zone already told to leave start after their pre-movement.
        going = np.zeros(self.N, dtype=bool)
        going[: self.Z] = s.evacuating & ~s.hold[: self.Z]
        if going[s.p_node[hit]].any():
            self._schedule([z for z in idx if going[z]], now=now)
            self._changed()

    def remove_people(self, zone: str, n: int) -> int:
        """Take up to ``n`` people out of ``zone`` (casualties); returns how many were removed.

        Taken from the people waiting there and those moving through it in proportion.
        """
        s = self.s
        z = self.zone_ids([zone])[0]
        occ = s.occupancy()[z]
        n = int(min(max(n, 0), math.floor(occ + 1e-9)))
        if n == 0:
            return 0
        people = self.people_of([z])
        waiting_people = people[s.p_state[people] < 2]
        n_wait = min(len(waiting_people), int(round(n * s.waiting[z] / occ)))
        n_move = n - n_wait
        moving = occ - s.waiting[z]
        if n_move > moving + 1e-9:
            n_move = int(math.floor(moving + 1e-9))
            n_wait = min(len(waiting_people), n - n_move)
        if n_wait:
            # The last people in draw order of the waiting ones (any fixed rule would do).
            gone = waiting_people[np.argsort(-s.p_key[waiting_people], kind="stable")[:n_wait]]
            s.p_state[gone] = 3
            s.waiting[z] -= n_wait
            keep = s.p_state[s.pend_person] == 1
            s.pend_t, s.pend_person = s.pend_t[keep], s.pend_person[keep]
        if n_move > 0 and moving > 0:
            f = 1.0 - n_move / moving
            s.ready[z] *= f
            s.coh_n[s.coh_node == z] *= f
        s.changed()
        removed = n_wait + n_move
        s.removed_total += removed
        return removed

    def evacuate(self, zones: Iterable[str], *, now: float, via: list[str] | None = None) -> None:
        """Occupants of ``zones`` leave after their pre-movement (alerted now if not before).

        ``via``: exits staff direct them to (people already moving in these zones too).
        """
        s = self.s
        idx = self.zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx], now=now)
        via_idx: tuple[int, ...] | None = None
        if via:
            unknown = [e for e in via if e not in self.exit_index]
            if unknown:
                raise ValueError(f"evacuate via: unknown exit {unknown[0]!r} (known: {', '.join(self.net.exit_ids)})")
            via_idx = tuple(sorted(self.exit_index[e] for e in via))
        for z in idx:
            if s.hold[z]:
                s.hold[z] = False
                self._reopen_lockdown(z, now=now)
            s.evacuating[z] = True
        if via_idx is not None:
            self._redirect(idx, via_idx)
        self._schedule(idx, now=now)
        self._changed()

    def shelter(self, zones: Iterable[str], *, now: float) -> None:
        """Occupants of ``zones`` stay (people arriving there stay too) until released."""
        s = self.s
        idx = self.zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx], now=now)
        for z in idx:
            s.hold[z] = True
            s.evacuating[z] = False
        self._cancel(idx)
        self._changed()

    def lockdown(self, zones: Iterable[str], *, now: float) -> None:
        """Shelter in ``zones`` and close every lockable connection touching them."""
        idx = self.zone_ids(zones)
        self.shelter([self.net.node_ids[z] for z in idx], now=now)
        for z in idx:
            for ci, touched in enumerate(self.net.conn_zones):
                if self.net.conn_lockable[ci] and z in touched:
                    self._set_closed(ci, f"lockdown:{self.net.node_ids[z]}", closed=True, now=now)
        self._changed()

    def release(self, zones: Iterable[str], *, now: float) -> None:
        """End shelter or lockdown: lockable connections re-open and the occupants leave."""
        s = self.s
        idx = self.zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx], now=now)
        for z in idx:
            s.hold[z] = False
            s.evacuating[z] = True
            self._reopen_lockdown(z, now=now)
        self._schedule(idx, now=now)
        self._changed()

    def avoid(self, zones: Iterable[str], *, detour_s: float) -> None:
        """Routes through ``zones`` count ``detour_s`` longer (harm is happening there); other zones as usual."""
        s = self.s
        s.harm_s[:] = 0.0
        for z in self.zone_ids(zones):
            s.harm_s[z] = float(detour_s)
        self._changed()

    def close_connection(self, cid: str, *, now: float) -> None:
        """Close a connection: nobody passes until it is opened; routes are re-planned."""
        self._set_closed(self.conn(cid), "closed", closed=True, now=now)
        self._changed()

    def open_connection(self, cid: str, *, now: float) -> None:
        """Open a connection (whatever closed it); routes are re-planned."""
        ci = self.conn(cid)
        for reason in sorted(self.s.conn_closed[ci]):
            self._set_closed(ci, reason, closed=False, now=now)
        self._changed()

    def zone_ids(self, zones: Iterable[str]) -> list[int]:
        """Node indexes of zone ids, sorted and unique (a ``ValueError`` names an unknown zone)."""
        out = []
        for z in zones:
            if z not in self.zone_index:
                raise ValueError(f"unknown zone {z!r} (known: {', '.join(self.net.node_ids[: self.Z])})")
            out.append(self.zone_index[z])
        return sorted(set(out))

    def conn(self, cid: str) -> int:
        """Index of connection ``cid`` (a ``ValueError`` names an unknown one)."""
        if cid not in self.conn_index:
            raise ValueError(f"unknown connection {cid!r} (known: {', '.join(self.net.conn_ids)})")
        return self.conn_index[cid]

    def _changed(self) -> None:
        self.s.dirty = True
        self.s.idle = False

    def _reopen_lockdown(self, z: int, *, now: float) -> None:
        reason = f"lockdown:{self.net.node_ids[z]}"
        for ci in range(len(self.net.conn_ids)):
            if reason in self.s.conn_closed[ci]:
                self._set_closed(ci, reason, closed=False, now=now)

    def _exit_open(self, j: int) -> bool:
        return any(not self.s.conn_closed[ci] for ci in np.flatnonzero(self.net.conn_exit == j))

    def _set_closed(self, ci: int, reason: str, *, closed: bool, now: float) -> None:
        conn_closed = self.s.conn_closed
        was_open = not conn_closed[ci]
        j = int(self.net.conn_exit[ci])
        exit_was_open = self._exit_open(j) if j >= 0 else False
        if closed:
            conn_closed[ci].add(reason)
        else:
            conn_closed[ci].discard(reason)
        is_open = not conn_closed[ci]
        self.s.usable_dl = None
        cid = self.net.conn_ids[ci]
        if was_open and not is_open:
            self.records.connection(now, cid, reason=reason, closed=True)
        elif is_open and not was_open:
            self.records.connection(now, cid, reason=reason, closed=False)
        if j >= 0:
            exit_open = self._exit_open(j)
            if exit_was_open and not exit_open:
                self.records.exit(now, self.net.exit_ids[j], connection=cid, closed=True)
            elif exit_open and not exit_was_open:
                self.records.exit(now, self.net.exit_ids[j], connection=cid, closed=False)

    def _schedule(self, zones: list[int], *, now: float) -> None:
        """Queue the release of the alerted, not-yet-moving people of ``zones`` (alert + pre-movement, not before now)."""
        s = self.s
        people = self.people_of(zones)
        who = people[(s.p_state[people] == 0) & ~np.isnan(s.p_alert[people])]
        if len(who) == 0:
            return
        s.p_state[who] = 1
        times = np.maximum(s.p_alert[who] + s.p_draw[who] * s.p_factor[who], now)
        t = np.concatenate([s.pend_t, times])
        o = np.concatenate([s.pend_person, who])
        order = np.argsort(t, kind="stable")
        s.pend_t, s.pend_person = t[order], o[order]
        for g in np.unique(s.units.group[s.p_unit[who]]).tolist():
            z = self.zone_index[self._groups[g].zone]
            self.records.pre_movement(now, g, zone=self.net.node_ids[z], alerted_at_s=float(s.alerted_at[z]),
                                      draws=s.units.group_draws[g])

    def _cancel(self, zones: list[int]) -> None:
        """Drop the queued releases of ``zones`` (they will be re-queued on release)."""
        s = self.s
        people = self.people_of(zones)
        s.p_state[people[s.p_state[people] == 1]] = 0
        keep = s.p_state[s.pend_person] == 1
        s.pend_t, s.pend_person = s.pend_t[keep], s.pend_person[keep]

    def _redirect(self, zones: list[int], via: tuple[int, ...]) -> None:
        """People of ``zones`` (waiting or moving there) head for the exits ``via``."""
        s = self.s
        zset = np.zeros(self.N, dtype=bool)
        zset[zones] = True
        for u in np.flatnonzero(zset[s.units.node]).tolist():
            s.unit_class[u] = s.class_index(unit_route_class(self.scenario, s.units, u, exit_index=self.exit_index, via=via))
        s.unit_flat = None
        remap = np.arange(len(s.classes))
        for c, rc in enumerate(list(s.classes)):
            remap[c] = s.class_index(RouteClass(exits=via, factor=rc.factor, free_m_s=rc.free_m_s))
        remap = np.concatenate([remap, np.arange(len(remap), len(s.classes))])
        rows = np.flatnonzero(zset)
        s.changed()
        moved = s.ready[rows].copy()
        s.ready[rows] = 0.0
        for c in range(moved.shape[1]):
            s.ready[rows, remap[c]] += moved[:, c]
        hit = zset[s.coh_node]
        if hit.any():
            # Keep each cohort's remaining distance when it changes class.
            remaining = s.coh_target[hit] - s.walked_m[s.coh_node[hit], s.coh_class[hit]]
            s.coh_class[hit] = remap[s.coh_class[hit]]
            s.coh_target[hit] = s.walked_m[s.coh_node[hit], s.coh_class[hit]] + remaining
        s.reflat()
