"""Crowd movement: a macroscopic SFPE hydraulic network-flow model stepped by one SimPy process.

People are counted, not simulated one by one. Each step (``egress.time_step``, 1 s by default):

1. people whose pre-movement has elapsed (and whose zone was told to leave) start walking;
2. every node's walking speed follows SFPE, S = k (1 - a D) with the free speed 0.856 k below
   D = 0.54 p/m^2 (Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59), D counting the people walking
   or still in pre-movement there (people queueing at the doors wait in the queue instead);
3. walkers who have covered the node's travel length join the crowd ready at its doors;
4. the ready crowd spreads over the downhill links toward its exits (see :mod:`.routing`); each
   link passes at most Fsm x We x dt people, shared by both directions (counter-flow), and no node
   receives more people than its density cap allows; the rest queue;
5. people crossing a link start walking the next node, or are out when it is an exit.

See ``docs/egress-model.md`` for the equations, constants, assumptions and limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import simpy

from simsoft.models import hydraulics as hy
from simsoft.models.network import Network, build_network
from simsoft.models.population import RouteClass, build_units
from simsoft.models.routing import SplitTable, build_split_table, potentials, split_shares
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario

__all__ = ["EgressModel", "MILESTONES_PCT", "DENSITY_THRESHOLDS_P_M2"]

MILESTONES_PCT = (50, 90, 95, 100)
"""Shares of the population out at which ``egress.milestone`` is recorded."""

DENSITY_THRESHOLDS_P_M2 = (4.0, 5.0)
"""Crowd-safety thresholds: ~4 p/m^2 a moving crowd immobilises, >= 5 p/m^2 dangerous (G. K. Still,
*Crowd Dynamics*, PhD thesis, 2000)."""

_EPS = 1e-9
_UNREACHABLE_S = 1e7  # offset that ranks "assigned exit unreachable" below any real route


class EgressModel:
    """Hydraulic network-flow egress of a scenario's population (one per run).

    The engine calls :meth:`start`, the action methods at their times followed by :meth:`wake`,
    waits for :meth:`became_idle`, and finally :meth:`finalize`.
    """

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder) -> None:
        self.scenario = scenario
        self.env = env
        self.recorder = recorder
        self.settings = scenario.egress
        self.dt = float(self.settings.time_step)
        if self.dt <= 0:
            raise ValueError(f"egress.time_step must be > 0 s, got {self.dt}")
        net = build_network(scenario)
        self.net: Network = net
        self.N, self.X, self.Z = net.n_nodes, len(net.exit_ids), net.n_zones
        self._zone_index = {z: i for i, z in enumerate(net.node_ids[: self.Z])}
        self._exit_index = {e: j for j, e in enumerate(net.exit_ids)}
        self._conn_index = {c: i for i, c in enumerate(net.conn_ids)}
        self._dl_src, self._dl_dst = net.dl_src, net.dl_dst
        self._free_default = hy.FREE_SPEED_FACTOR * net.k_m_s
        self._dir_ok = np.ones(2 * net.n_links, dtype=bool)
        self._dir_ok[1::2] = net.dl_backward_ok
        self._dir_ok &= self._dl_src < self.N
        self._dir_ok &= np.repeat(net.link_cap_p_s > 0, 2)
        self._conn_closed: list[set[str]] = [set() for _ in net.conn_ids]

        # People.
        self.units = build_units(
            scenario, rng=streams.stream("egress.pre_movement"), zone_index=self._zone_index, exit_index=self._exit_index
        )
        self.population = int(self.units.count.sum())
        self._groups = scenario.population.groups
        self._group_name = [g.label or f"group-{i}" for i, g in enumerate(self._groups)]
        self._group_count = np.asarray([g.count for g in self._groups], dtype=np.int64)
        self._classes: list[RouteClass] = []
        self._class_of: dict[tuple, int] = {}
        self.unit_class = np.asarray([self._unit_class_index(u) for u in range(len(self.units))], dtype=np.int64)
        self.waiting = np.bincount(self.units.node, weights=self.units.count.astype(float), minlength=self.N)
        # Per person (contiguous by unit, each unit's draws sorted): pre-movement draw, alert time,
        # pre-movement factor of the message that reached them, state, and a uniform key that
        # decides who a partial alert reaches (its own stream, so reach never shifts the draws).
        self._p_unit = np.repeat(np.arange(len(self.units)), self.units.count)
        self._p_draw = np.concatenate([*self.units.draws, np.zeros(0)])
        self._p_alert = np.full(self.population, np.nan)
        self._p_factor = np.ones(self.population)
        self._p_state = np.zeros(self.population, dtype=np.int8)  # 0 waiting, 1 scheduled, 2 moving, 3 removed
        self._p_key = streams.stream("egress.alert_reach").random(self.population)
        self._p_node = self.units.node[self._p_unit]
        self._reach = np.zeros(self.Z)
        self.removed_total = 0.0
        C = len(self._classes)
        self.ready = np.zeros((self.N, C))
        self.walked_m = np.zeros((self.N, C))
        self._coh_node = np.zeros(0, dtype=np.int64)
        self._coh_class = np.zeros(0, dtype=np.int64)
        self._coh_target = np.zeros(0)
        self._coh_n = np.zeros(0)
        self.exited = np.zeros(self.X)
        self._pend_t = np.zeros(0)
        self._pend_person = np.zeros(0, dtype=np.int64)

        # Zone states.
        self._alerted_at = np.full(self.Z, np.nan)  # first alert of each zone
        self._hold = np.zeros(self.N, dtype=bool)
        self._evacuating = np.zeros(self.Z, dtype=bool)

        # Flow bookkeeping.
        self.last_flow_dl = np.zeros(2 * net.n_links)
        self.backlog_dl = np.zeros(2 * net.n_links)
        # A link passes up to its capacity per step, but at least one whole person: the first person
        # through a door passes at once, so N people need (N - 1) / Fc (the DES convention of the
        # SFPE hand calculation) and a lone walker is not held back by a fraction of a person.
        self._burst = np.maximum(net.link_cap_p_s * self.dt, 1.0)
        self._credit = self._burst.copy()
        self._table: SplitTable | None = None
        self._dirty = True
        self._next_replan = 0.0

        # Records.
        self._next_record = 0.0
        self._milestone_next = 0
        self._exit_seen = np.zeros(self.X, dtype=bool)
        self._zone_had_people = np.zeros(self.N, dtype=bool)
        self._queue_alerted = np.zeros(len(net.conn_ids), dtype=bool)
        self._density_alerted = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N), dtype=bool)
        self._group_first = np.zeros(len(self._groups), dtype=bool)
        self._group_all = np.zeros(len(self._groups), dtype=bool)
        self._group_pre_emitted = np.zeros(len(self._groups), dtype=bool)
        self._peak_density = np.zeros(self.N)
        self._time_above = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N))
        self._acc_t = 0.0
        self._acc_density = np.zeros(self.N)

        # Process state.
        self._idle = True
        self._wake_evt: simpy.Event | None = None
        self._idle_waiters: list[simpy.Event] = []
        self._process: simpy.Process | None = None
        self.steps = 0

    # ------------------------------------------------------------------ classes

    def _class_index(self, rc: RouteClass) -> int:
        key = rc.key()
        idx = self._class_of.get(key)
        if idx is None:
            idx = len(self._classes)
            self._classes.append(rc)
            self._class_of[key] = idx
            if hasattr(self, "ready"):
                self.ready = np.hstack([self.ready, np.zeros((self.N, 1))])
                self.walked_m = np.hstack([self.walked_m, np.zeros((self.N, 1))])
        return idx

    def _unit_class_index(self, u: int, *, via: tuple[int, ...] | None = None) -> int:
        g = self._groups[int(self.units.group[u])]
        factor = self.scenario.population.reduced_mobility_speed_factor if self.units.reduced[u] else 1.0
        free = g.free_speed_m_s or self.settings.free_speed_m_s
        exits: tuple[int, ...] | None = None
        if via is not None:
            exits = via
        elif g.exit is not None:
            if g.exit not in self._exit_index:
                raise ValueError(f"population group {self._groups.index(g)}: unknown exit {g.exit!r}")
            exits = (self._exit_index[g.exit],)
        elif self.units.familiar_exit[u] >= 0:
            exits = (int(self.units.familiar_exit[u]),)
        return self._class_index(RouteClass(exits=exits, factor=float(factor), free_m_s=float(free) if free else math.nan))

    # ------------------------------------------------------------------ accessors

    def occupancy_nodes(self) -> np.ndarray:
        """People in every internal node (zones first, then corridor and stair connections)."""
        walking = np.bincount(self._coh_node, weights=self._coh_n, minlength=self.N)
        return self.waiting + walking + self.ready.sum(axis=1)

    def occupancy(self) -> dict[str, float]:
        """People in each zone, by zone id (declaration order)."""
        occ = self.occupancy_nodes()
        return {z: float(occ[i]) for i, z in enumerate(self.net.node_ids[: self.Z])}

    def density_nodes(self) -> np.ndarray:
        """Density (p/m^2) of every internal node."""
        return self.occupancy_nodes() / self.net.area_m2

    @property
    def inside_total(self) -> float:
        """People still inside the venue (zones and connections)."""
        return float(self.occupancy_nodes().sum())

    @property
    def exited_total(self) -> float:
        """People who have reached an exit."""
        return float(self.exited.sum())

    def exited_by_exit(self) -> dict[str, float]:
        """People out through each exit, by exit id."""
        return {e: float(self.exited[j]) for j, e in enumerate(self.net.exit_ids)}

    def link_capacity_p_s(self) -> np.ndarray:
        """Capacity of each link (p/s); directed link ``dl`` belongs to link ``dl // 2``."""
        return self.net.link_cap_p_s.copy()

    # ------------------------------------------------------------------ engine interface

    def start(self) -> None:
        """Register the stepping process and record the initial state (nobody moves until told)."""
        self._acc_density = self.density_nodes()
        self._peak_density = self._acc_density.copy()
        self._zone_had_people = self.occupancy_nodes() > _EPS
        self._record(0.0)
        self._check_density(0.0, self._acc_density)
        self._process = self.env.process(self._run())

    @property
    def idle(self) -> bool:
        """True when nobody can move until a new action."""
        return self._idle

    def became_idle(self) -> simpy.Event:
        """An event that succeeds when the model is idle (already triggered if it is idle now)."""
        evt = self.env.event()
        if self._idle:
            evt.succeed()
        else:
            self._idle_waiters.append(evt)
        return evt

    def wake(self) -> None:
        """Resume stepping if the process sleeps (after an action)."""
        if self._wake_evt is not None and not self._wake_evt.triggered:
            self._wake_evt.succeed()

    def alert(self, zones: Iterable[str], *, share: float = 1.0, pre_movement_factor: float = 1.0) -> None:
        """Start the pre-movement clocks of the occupants of ``zones`` now; they stay put.

        ``share``: the part of the not-yet-alerted occupants the message reaches (a random subset);
        ``pre_movement_factor`` scales the pre-movement of the people it reaches (a clear voice
        message shortens it). People already alerted keep their clock.
        """
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
        removed = n_wait + n_move
        self.removed_total += removed
        return removed

    def evacuate(self, zones: Iterable[str], *, via: list[str] | None = None) -> None:
        """Occupants of ``zones`` leave after their pre-movement (alerted now if not before).

        ``via``: exits staff direct them to (people already moving in these zones too).
        """
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
        idx = self._zone_ids(zones)
        self.alert([self.net.node_ids[z] for z in idx])
        for z in idx:
            self._hold[z] = True
            self._evacuating[z] = False
        self._cancel(idx)
        self._changed()

    def lockdown(self, zones: Iterable[str]) -> None:
        """Shelter in ``zones`` and close every lockable connection touching them."""
        idx = self._zone_ids(zones)
        self.shelter([self.net.node_ids[z] for z in idx])
        for z in idx:
            for ci, touched in enumerate(self.net.conn_zones):
                if self.net.conn_lockable[ci] and z in touched:
                    self._set_closed(ci, f"lockdown:{self.net.node_ids[z]}", closed=True)
        self._changed()

    def release(self, zones: Iterable[str]) -> None:
        """End shelter or lockdown: lockable connections re-open and the occupants leave."""
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
        self._set_closed(self._conn(cid), "closed", closed=True)
        self._changed()

    def open_connection(self, cid: str) -> None:
        """Open a connection (whatever closed it); routes are re-planned."""
        ci = self._conn(cid)
        for reason in sorted(self._conn_closed[ci]):
            self._set_closed(ci, reason, closed=False)
        self._changed()

    def finalize(self) -> None:
        """Record the end state: a last sample, per-zone crowd-safety summaries and totals."""
        now = float(self.env.now)
        self._account(now)
        if self._last_record_t < now - _EPS:
            self._record(now)
        for z in range(self.Z):
            peak = float(self._peak_density[z])
            self.recorder.emit(
                now,
                "egress.zone_summary",
                self.net.node_ids[z],
                peak_density_p_m2=peak,
                time_above_4_s=float(self._time_above[0, z]),
                time_above_5_s=float(self._time_above[1, z]),
                worst_los=hy.fruin_los(density_p_m2=peak),
            )
        self.recorder.emit(
            now,
            "egress.summary",
            "",
            population=self.population,
            exited=self.exited_total,
            inside=self.inside_total,
            removed=self.removed_total,
            by_exit=self.exited_by_exit(),
            steps=self.steps,
        )

    # ------------------------------------------------------------------ action helpers

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
        remap = np.arange(len(self._classes))
        for c, rc in enumerate(list(self._classes)):
            remap[c] = self._class_index(RouteClass(exits=via, factor=rc.factor, free_m_s=rc.free_m_s))
        remap = np.concatenate([remap, np.arange(len(remap), len(self._classes))])
        rows = np.flatnonzero(zset)
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

    # ------------------------------------------------------------------ process

    def _run(self):
        dt = self.dt
        while True:
            if self._idle:
                for evt in self._idle_waiters:
                    if not evt.triggered:
                        evt.succeed()
                self._idle_waiters = []
                self._wake_evt = self.env.event()
                yield self._wake_evt
                self._wake_evt = None
                self._account(float(self.env.now))
                continue
            now = float(self.env.now)
            if len(self._coh_n) == 0 and self._last_moved <= _EPS and len(self._pend_t) and not self._dirty:
                # Nobody walks or passes a door: jump to the next release (or record time).
                start_at = float(self._pend_t[0]) - dt / 2.0
                until = min(start_at, self._next_record) if self._next_record > now + _EPS else start_at
                if until - now > dt:
                    self._wake_evt = self.env.event()
                    yield self.env.any_of([self.env.timeout(until - now), self._wake_evt])
                    self._wake_evt = None
                    t = float(self.env.now)
                    self._account(t)
                    if t >= self._next_record - _EPS:
                        self._record(t)
                    continue
            yield self.env.timeout(dt)
            self._step(float(self.env.now) - dt, float(self.env.now))

    _last_moved = 0.0
    _last_record_t = -1.0

    def _replan(self, now: float) -> None:
        net = self.net
        open_conn = np.asarray([not s for s in self._conn_closed], dtype=bool)
        usable = self._dir_ok & np.repeat(open_conn[net.link_conn], 2)
        density = (self.waiting + np.bincount(self._coh_node, weights=self._coh_n, minlength=self.N)) / net.area_m2
        speed = hy.speed_array(density, net.k_m_s, free_m_s=self._free_default)
        cross = net.travel_m / speed
        cap = np.repeat(net.link_cap_p_s, 2)
        wait = np.divide(self.backlog_dl, cap, out=np.zeros_like(cap), where=cap > 0)
        blocked = self._hold.copy()
        by_exits: dict[tuple[int, ...] | None, np.ndarray] = {}

        def pot_for(exits: tuple[int, ...] | None) -> np.ndarray:
            if exits not in by_exits:
                allowed = np.zeros(self.X, dtype=bool)
                if exits is None:
                    allowed[:] = True
                else:
                    allowed[list(exits)] = True
                by_exits[exits] = potentials(
                    n_nodes=self.N,
                    n_exits=self.X,
                    dl_src=self._dl_src,
                    dl_dst=self._dl_dst,
                    usable=usable,
                    wait_s=wait,
                    cross_s=cross,
                    blocked=blocked,
                    allowed_exits=allowed,
                )
            return by_exits[exits]

        pots = []
        free_pot = pot_for(None)
        for rc in self._classes:
            pot = pot_for(rc.exits)
            if rc.exits is not None:
                # Where the assigned exits cannot be reached, head for where they can, else anywhere.
                pot = np.where(np.isfinite(pot), pot, _UNREACHABLE_S + free_pot)
            pots.append(pot)
        self._table = build_split_table(
            pots=pots, n_nodes=self.N, dl_src=self._dl_src, dl_dst=self._dl_dst, usable=usable, blocked=blocked, cap_p_s=net.link_cap_p_s
        )
        self._dirty = False
        self._next_replan = now + float(self.settings.replan_every)

    def _new_cohorts(self, grid: np.ndarray) -> None:
        """Start walking the people in ``grid`` (nodes x classes) across their node."""
        node, cls = np.nonzero(grid > 0)
        if len(node) == 0:
            return
        self._coh_node = np.concatenate([self._coh_node, node])
        self._coh_class = np.concatenate([self._coh_class, cls])
        self._coh_target = np.concatenate([self._coh_target, self.walked_m[node, cls] + self.net.travel_m[node]])
        self._coh_n = np.concatenate([self._coh_n, grid[node, cls]])

    def _step(self, t0: float, t1: float) -> None:
        """Advance the crowd over the step [t0, t1]."""
        dt = t1 - t0
        self.steps += 1
        net, N, C = self.net, self.N, len(self._classes)
        # 1. Releases: people whose start time falls before the middle of the step start walking.
        released_any = False
        if len(self._pend_t):
            k = int(np.searchsorted(self._pend_t, t0 + dt / 2.0, side="right"))
            if k:
                people = self._pend_person[:k]
                self._pend_t, self._pend_person = self._pend_t[k:], self._pend_person[k:]
                self._p_state[people] = 2
                n_u = np.bincount(self._p_unit[people], minlength=len(self.units))
                self.units.started += n_u
                counts = n_u.astype(float)
                self.waiting -= np.bincount(self.units.node, weights=counts, minlength=N)
                grid = np.bincount(self.units.node * C + self.unit_class, weights=counts, minlength=N * C).reshape(N, C)
                self._new_cohorts(grid)
                released_any = True
                self._group_events(t0, t1)
        # 2. Speeds from the density of walkers and people in pre-movement.
        walking = np.bincount(self._coh_node, weights=self._coh_n, minlength=N)
        d_walk = (self.waiting + walking) / net.area_m2
        free = np.asarray([rc.free_m_s for rc in self._classes])
        factor = np.asarray([rc.factor for rc in self._classes])
        free_nc = np.where(np.isnan(free)[None, :], self._free_default[:, None], free[None, :])
        speed = hy.speed_array(d_walk[:, None], net.k_m_s[:, None], free_m_s=free_nc) * factor[None, :]
        self.walked_m += speed * dt
        # 3. Walkers who covered their node's length are ready at its doors.
        if len(self._coh_n):
            arrived = self._coh_target <= self.walked_m[self._coh_node, self._coh_class] + 1e-9
            if arrived.any():
                self.ready += np.bincount(
                    self._coh_node[arrived] * C + self._coh_class[arrived], weights=self._coh_n[arrived], minlength=N * C
                ).reshape(N, C)
                keep = ~arrived
                self._coh_node, self._coh_class = self._coh_node[keep], self._coh_class[keep]
                self._coh_target, self._coh_n = self._coh_target[keep], self._coh_n[keep]
        # 4. Flows through links.
        if self._dirty or t1 >= self._next_replan - _EPS:
            self._replan(t1)
        table = self._table
        moved_total = 0.0
        n_dl = 2 * net.n_links
        if table is not None and table.n_groups:
            q = self.ready[table.group_node, table.group_class]
            shares = split_shares(table, q)
            want = q[table.entry_group] * shares
            demand = np.bincount(table.entry_dl, weights=want, minlength=n_dl)
            self._credit = np.minimum(self._credit + net.link_cap_p_s * dt, self._burst)
            both = demand[0::2] + demand[1::2]
            f_link = np.where(both > self._credit, self._credit / np.where(both > 0, both, 1.0), 1.0)
            f_dl = np.repeat(f_link, 2)
            inflow = np.bincount(self._dl_dst, weights=demand * f_dl, minlength=N + self.X)[:N]
            occ = self.waiting + np.bincount(self._coh_node, weights=self._coh_n, minlength=N) + self.ready.sum(axis=1)
            room = np.maximum(net.cap_people - occ, 0.0)
            f_room = np.ones(N + self.X)
            over = inflow > room
            f_room[:N][over] = room[over] / inflow[over]
            f_dl = f_dl * f_room[self._dl_dst]
            moved = want * f_dl[table.entry_dl]
            out = np.add.reduceat(moved, table.start)
            self.ready[table.group_node, table.group_class] = np.maximum(q - out, 0.0)
            flow = demand * f_dl
            self._credit = np.maximum(self._credit - (flow[0::2] + flow[1::2]), 0.0)
            self.last_flow_dl = flow
            self.backlog_dl = demand - flow
            dst = self._dl_dst[table.entry_dl]
            arrive = np.bincount(dst * C + table.group_class[table.entry_group], weights=moved, minlength=(N + self.X) * C)
            arrive = arrive.reshape(N + self.X, C)
            self.exited += arrive[N:].sum(axis=1)
            self._new_cohorts(arrive[:N])
            moved_total = float(moved.sum())
        else:
            self._credit = np.minimum(self._credit + net.link_cap_p_s * dt, self._burst)
            self.last_flow_dl = np.zeros(n_dl)
            self.backlog_dl = np.zeros(n_dl)
        self._last_moved = moved_total + (1.0 if released_any else 0.0)
        # 5. Records and idleness.
        self._after_step(t0, t1)
        if len(self._coh_n) == 0 and len(self._pend_t) == 0 and (self._last_moved <= _EPS or self.ready.sum() <= _EPS):
            self._idle = True

    # ------------------------------------------------------------------ records

    def _group_events(self, t0: float, t1: float) -> None:
        started = np.bincount(self.units.group, weights=self.units.started.astype(float), minlength=len(self._groups))
        first = (started > 0) & ~self._group_first
        for g in np.flatnonzero(first).tolist():
            self._group_first[g] = True
            self.recorder.emit(t1, "egress.group_started", self._group_name[g], zone=self._groups[g].zone, moving_from_s=t0)
        done = (started >= self._group_count) & ~self._group_all & (self._group_count > 0)
        for g in np.flatnonzero(done).tolist():
            self._group_all[g] = True
            self.recorder.emit(t1, "egress.group_all_started", self._group_name[g], zone=self._groups[g].zone, moving_from_s=t0)

    def _account(self, t: float) -> None:
        """Add the time since the last accounting to the time-above-threshold totals."""
        span = t - self._acc_t
        if span > 0:
            for i, thr in enumerate(DENSITY_THRESHOLDS_P_M2):
                self._time_above[i] += span * (self._acc_density > thr + _EPS)
        self._acc_t = t
        self._acc_density = self.density_nodes()

    def _check_density(self, t: float, density: np.ndarray) -> None:
        np.maximum(self._peak_density, density, out=self._peak_density)
        for i, thr in enumerate(DENSITY_THRESHOLDS_P_M2):
            new = (density > thr + _EPS) & ~self._density_alerted[i]
            for n in np.flatnonzero(new).tolist():
                self._density_alerted[i, n] = True
                self.recorder.emit(t, "egress.density", self.net.node_ids[n], threshold_p_m2=thr, density_p_m2=float(density[n]))

    def _after_step(self, t0: float, t1: float) -> None:
        self._account(t1)
        occ = self.occupancy_nodes()
        density = occ / self.net.area_m2
        self._check_density(t1, density)
        # Milestones: share of the population out, time interpolated within the step.
        out = self.exited_total
        before = out - float(self.last_flow_dl[self._dl_dst >= self.N].sum()) if self.X else out
        # Casualties taken out of the crowd (remove_people) no longer count towards the milestones.
        base = self.population - self.removed_total
        while self._milestone_next < len(MILESTONES_PCT) and base > 0:
            pct = MILESTONES_PCT[self._milestone_next]
            need = base * pct / 100.0
            if out < need - 1e-6:
                break
            frac = 1.0 if out <= before else min(1.0, max(0.0, (need - before) / (out - before)))
            at = t1 if pct == 100 else t0 + frac * (t1 - t0)
            # Recorded at the end of the step (the log stays in time order); ``at_s`` interpolates.
            self.recorder.emit(t1, "egress.milestone", "", pct=pct, count=int(math.ceil(need - 1e-6)), at_s=at)
            self._milestone_next += 1
        first = (self.exited > _EPS) & ~self._exit_seen
        for j in np.flatnonzero(first).tolist():
            self._exit_seen[j] = True
            self.recorder.emit(t1, "egress.exit_first", self.net.exit_ids[j], count=float(self.exited[j]))
        # Zones cleared (occupied before, empty now).
        has = occ > 1e-6
        cleared = self._zone_had_people & ~has
        cleared[self.Z :] = False
        for z in np.flatnonzero(cleared).tolist():
            self.recorder.emit(t1, "egress.zone_clear", self.net.node_ids[z])
        self._zone_had_people = has
        # Queues at connections above the alert threshold (first time).
        if self.backlog_dl.any():
            per_conn = np.bincount(np.repeat(self.net.link_conn, 2), weights=self.backlog_dl, minlength=len(self.net.conn_ids))
            new = (per_conn > self.settings.queue_alert_p) & ~self._queue_alerted
            for ci in np.flatnonzero(new).tolist():
                self._queue_alerted[ci] = True
                self.recorder.emit(t1, "egress.queue", self.net.conn_ids[ci], queue_p=float(per_conn[ci]), threshold_p=self.settings.queue_alert_p)
        if t1 >= self._next_record - _EPS:
            self._record(t1)

    def _record(self, t: float) -> None:
        occ = self.occupancy_nodes()
        zones = list(self.net.node_ids[: self.Z])
        self.recorder.sample(t, "occupants", zones, occ[: self.Z])
        self.recorder.sample(t, "density_p_m2", zones, occ[: self.Z] / self.net.area_m2[: self.Z])
        self.recorder.sample(t, "exited", list(self.net.exit_ids), self.exited)
        self.recorder.sample(t, "started", [""], [float(self.units.started.sum())])
        self.recorder.sample(t, "inside", [""], [float(occ.sum())])
        self._last_record_t = t
        every = float(self.settings.record_every)
        while self._next_record <= t + _EPS:
            self._next_record += every
