"""Protective actions of the egress model: alert, evacuate, shelter, lock down, release, close and
open connections, and casualties taken out of the crowd.

:class:`EgressActions` is a mixin of :class:`simsoft.models.egress.EgressModel`; the engine, the
alerting model and the incident model call these methods at any simulated time (the engine then
calls :meth:`~simsoft.models.egress.EgressModel.wake`). Each first catches up with a jump over
quiet steps in progress (:mod:`.egress_skipping`), so it acts on the state of the moment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from simsoft.models.population import RouteClass

__all__ = ["EgressActions"]


class EgressActions:
    """Actions on the crowd of :class:`~simsoft.models.egress.EgressModel` (a mixin)."""

    def alert(self, zones: Iterable[str], *, share: float = 1.0, pre_movement_factor: float = 1.0) -> None:
        """Start the pre-movement clocks of the occupants of ``zones`` now; they stay put.

        ``share``: the part of the not-yet-alerted occupants the message reaches (a random subset);
        ``pre_movement_factor`` scales the pre-movement of the people it reaches (a clear voice
        message shortens it). People already alerted keep their clock.
        """
        self._interrupt()
        if not 0.0 < share <= 1.0:
            raise ValueError(f"alert share must be in (0, 1], got {share}")
        if pre_movement_factor < 0:
            raise ValueError(f"pre_movement_factor must be >= 0, got {pre_movement_factor}")
        now = float(self.env.now)
        idx = self._zone_ids(zones)
        if not idx:
            return
        before = self._reach[idx].copy()
        self._reach[idx] = 1.0 - (1.0 - before) * (1.0 - share)
        if share >= 1.0:
            self._reach[idx] = 1.0
        for z in idx:
            if math.isnan(self._alerted_at[z]):
                self._alerted_at[z] = now
        reach = np.zeros(self.N)
        reach[idx] = self._reach[idx]
        hit = np.isnan(self._p_alert) & (self._p_key < reach[self._p_node]) & (self._p_state < 2)
        self._p_alert[hit] = now
        self._p_factor[hit] = pre_movement_factor
        # People reached in a zone already told to leave start after their pre-movement.
        going = np.zeros(self.N, dtype=bool)
        going[: self.Z] = self._evacuating & ~self._hold[: self.Z]
        if (hit & going[self._p_node]).any():
            self._schedule([z for z in idx if going[z]])
            self._changed()

    def remove_people(self, zone: str, n: int) -> int:
        """Take up to ``n`` people out of ``zone`` (casualties); returns how many were removed.

        Taken from the people waiting there and those moving through it in proportion.
        """
        self._interrupt()
        z = self._zone_ids([zone])[0]
        occ = self.occupancy_nodes()[z]
        n = int(min(max(n, 0), math.floor(occ + 1e-9)))
        if n == 0:
            return 0
        waiting_people = np.flatnonzero((self._p_node == z) & (self._p_state < 2))
        n_wait = min(len(waiting_people), int(round(n * self.waiting[z] / occ)))
        n_move = n - n_wait
        moving = occ - self.waiting[z]
        if n_move > moving + 1e-9:
            n_move = int(math.floor(moving + 1e-9))
            n_wait = min(len(waiting_people), n - n_move)
        if n_wait:
            # The last people in draw order of the waiting ones (any fixed rule would do).
            gone = waiting_people[np.argsort(-self._p_key[waiting_people], kind="stable")[:n_wait]]
            self._p_state[gone] = 3
            self.waiting[z] -= n_wait
            keep = self._p_state[self._pend_person] == 1
            self._pend_t, self._pend_person = self._pend_t[keep], self._pend_person[keep]
        if n_move > 0 and moving > 0:
            f = 1.0 - n_move / moving
            self.ready[z] *= f
            self._coh_n[self._coh_node == z] *= f
        self._state_changed()
        removed = n_wait + n_move
        self.removed_total += removed
        return removed

    def evacuate(self, zones: Iterable[str], *, via: list[str] | None = None) -> None:
        """Occupants of ``zones`` leave after their pre-movement (alerted now if not before).

        ``via``: exits staff direct them to (people already moving in these zones too).
        """
        self._interrupt()
        idx = self._zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx])
        via_idx: tuple[int, ...] | None = None
        if via:
            unknown = [e for e in via if e not in self._exit_index]
            if unknown:
                raise ValueError(f"evacuate via: unknown exit {unknown[0]!r} (known: {', '.join(self.net.exit_ids)})")
            via_idx = tuple(sorted(self._exit_index[e] for e in via))
        for z in idx:
            if self._hold[z]:
                self._hold[z] = False
                self._reopen_lockdown(z)
            self._evacuating[z] = True
        if via_idx is not None:
            self._redirect(idx, via_idx)
        self._schedule(idx)
        self._changed()

    def shelter(self, zones: Iterable[str]) -> None:
        """Occupants of ``zones`` stay (people arriving there stay too) until released."""
        self._interrupt()
        idx = self._zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx])
        for z in idx:
            self._hold[z] = True
            self._evacuating[z] = False
        self._cancel(idx)
        self._changed()

    def lockdown(self, zones: Iterable[str]) -> None:
        """Shelter in ``zones`` and close every lockable connection touching them."""
        self._interrupt()
        idx = self._zone_ids(zones)
        self.shelter([self.net.node_ids[z] for z in idx])
        for z in idx:
            for ci, touched in enumerate(self.net.conn_zones):
                if self.net.conn_lockable[ci] and z in touched:
                    self._set_closed(ci, f"lockdown:{self.net.node_ids[z]}", closed=True)
        self._changed()

    def release(self, zones: Iterable[str]) -> None:
        """End shelter or lockdown: lockable connections re-open and the occupants leave."""
        self._interrupt()
        idx = self._zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx])
        for z in idx:
            self._hold[z] = False
            self._evacuating[z] = True
            self._reopen_lockdown(z)
        self._schedule(idx)
        self._changed()

    def close_connection(self, cid: str) -> None:
        """Close a connection: nobody passes until it is opened; routes are re-planned."""
        self._interrupt()
        self._set_closed(self._conn(cid), "closed", closed=True)
        self._changed()

    def open_connection(self, cid: str) -> None:
        """Open a connection (whatever closed it); routes are re-planned."""
        self._interrupt()
        ci = self._conn(cid)
        for reason in sorted(self._conn_closed[ci]):
            self._set_closed(ci, reason, closed=False)
        self._changed()

    def _zone_ids(self, zones: Iterable[str]) -> list[int]:
        out = []
        for z in zones:
            if z not in self._zone_index:
                raise ValueError(f"unknown zone {z!r} (known: {', '.join(self.net.node_ids[: self.Z])})")
            out.append(self._zone_index[z])
        return sorted(set(out))

    def _conn(self, cid: str) -> int:
        if cid not in self._conn_index:
            raise ValueError(f"unknown connection {cid!r} (known: {', '.join(self.net.conn_ids)})")
        return self._conn_index[cid]

    def _changed(self) -> None:
        self._dirty = True
        self._idle = False

    def _reopen_lockdown(self, z: int) -> None:
        reason = f"lockdown:{self.net.node_ids[z]}"
        for ci in range(len(self.net.conn_ids)):
            if reason in self._conn_closed[ci]:
                self._set_closed(ci, reason, closed=False)

    def _exit_open(self, j: int) -> bool:
        return any(not self._conn_closed[ci] for ci in np.flatnonzero(self.net.conn_exit == j))

    def _set_closed(self, ci: int, reason: str, *, closed: bool) -> None:
        was_open = not self._conn_closed[ci]
        j = int(self.net.conn_exit[ci])
        exit_was_open = self._exit_open(j) if j >= 0 else False
        if closed:
            self._conn_closed[ci].add(reason)
        else:
            self._conn_closed[ci].discard(reason)
        is_open = not self._conn_closed[ci]
        self._usable_dl = None
        now = float(self.env.now)
        cid = self.net.conn_ids[ci]
        if was_open and not is_open:
            self.recorder.emit(now, "egress.connection_closed", cid, reason=reason)
        elif is_open and not was_open:
            self.recorder.emit(now, "egress.connection_opened", cid, reason=reason)
        if j >= 0:
            exit_open = self._exit_open(j)
            if exit_was_open and not exit_open:
                self.recorder.emit(now, "egress.exit_closed", self.net.exit_ids[j], connection=cid)
            elif exit_open and not exit_was_open:
                self.recorder.emit(now, "egress.exit_opened", self.net.exit_ids[j], connection=cid)

    def _schedule(self, zones: list[int]) -> None:
        """Queue the release of the alerted, not-yet-moving people of ``zones`` (alert + pre-movement, not before now)."""
        now = float(self.env.now)
        zset = np.zeros(self.N, dtype=bool)
        zset[zones] = True
        who = np.flatnonzero(zset[self._p_node] & (self._p_state == 0) & ~np.isnan(self._p_alert))
        if len(who) == 0:
            return
        self._p_state[who] = 1
        times = np.maximum(self._p_alert[who] + self._p_draw[who] * self._p_factor[who], now)
        t = np.concatenate([self._pend_t, times])
        o = np.concatenate([self._pend_person, who])
        order = np.argsort(t, kind="stable")
        self._pend_t, self._pend_person = t[order], o[order]
        for g in np.unique(self.units.group[self._p_unit[who]]).tolist():
            z = self._zone_index[self._groups[g].zone]
            if not self._group_pre_emitted[g]:
                self._group_pre_emitted[g] = True
                d = self.units.group_draws[g]
                self.recorder.emit(
                    now,
                    "egress.pre_movement",
                    self._group_name[g],
                    zone=self.net.node_ids[z],
                    alerted_at_s=float(self._alerted_at[z]),
                    count=int(len(d)),
                    first_s=float(d[0]),
                    median_s=float(np.median(d)),
                    p99_s=float(np.quantile(d, 0.99)),
                    last_s=float(d[-1]),
                )

    def _cancel(self, zones: list[int]) -> None:
        """Drop the queued releases of ``zones`` (they will be re-queued on release)."""
        zset = np.zeros(self.N, dtype=bool)
        zset[zones] = True
        hit = zset[self._p_node] & (self._p_state == 1)
        self._p_state[hit] = 0
        keep = self._p_state[self._pend_person] == 1
        self._pend_t, self._pend_person = self._pend_t[keep], self._pend_person[keep]

    def _redirect(self, zones: list[int], via: tuple[int, ...]) -> None:
        """People of ``zones`` (waiting or moving there) head for the exits ``via``."""
        zset = np.zeros(self.N, dtype=bool)
        zset[zones] = True
        for u in np.flatnonzero(zset[self.units.node]).tolist():
            self.unit_class[u] = self._unit_class_index(u, via=via)
        self._unit_flat = None
        remap = np.arange(len(self._classes))
        for c, rc in enumerate(list(self._classes)):
            remap[c] = self._class_index(RouteClass(exits=via, factor=rc.factor, free_m_s=rc.free_m_s))
        remap = np.concatenate([remap, np.arange(len(remap), len(self._classes))])
        rows = np.flatnonzero(zset)
        self._state_changed()
        moved = self.ready[rows].copy()
        self.ready[rows] = 0.0
        for c in range(moved.shape[1]):
            self.ready[rows, remap[c]] += moved[:, c]
        hit = zset[self._coh_node]
        if hit.any():
            # Keep each cohort's remaining distance when it changes class.
            remaining = self._coh_target[hit] - self.walked_m[self._coh_node[hit], self._coh_class[hit]]
            self._coh_class[hit] = remap[self._coh_class[hit]]
            self._coh_target[hit] = self.walked_m[self._coh_node[hit], self._coh_class[hit]] + remaining
        self._coh_reflat()
