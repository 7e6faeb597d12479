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

import numpy as np
import simpy

from simsoft.models import hydraulics as hy
from simsoft.models.egress_actions import EgressActions
from simsoft.models.egress_records import DENSITY_THRESHOLDS_P_M2, MILESTONES_PCT, EgressRecords
from simsoft.models.egress_skipping import EventSkipping
from simsoft.models.network import Network, build_network
from simsoft.models.population import RouteClass, build_units
from simsoft.models.routing import SplitTable, build_split_table, potentials, split_shares
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario

__all__ = ["EgressModel", "MILESTONES_PCT", "DENSITY_THRESHOLDS_P_M2"]

_EPS = 1e-9
# Reductions called as ufunc methods: the same operations as ndarray.any() / .all() / .sum() without
# their Python wrappers (a few microseconds each, many times per step).
_any, _all, _sum = np.logical_or.reduce, np.logical_and.reduce, np.add.reduce
_UNREACHABLE_S = 1e7  # offset that ranks "assigned exit unreachable" below any real route


class EgressModel(EgressActions, EgressRecords, EventSkipping):
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
        self._zone_names, self._exit_names = list(net.node_ids[: self.Z]), list(net.exit_ids)
        self._dl_src, self._dl_dst = net.dl_src, net.dl_dst
        self._free_default = hy.FREE_SPEED_FACTOR * net.k_m_s
        self._dir_ok = np.ones(2 * net.n_links, dtype=bool)
        self._dir_ok[1::2] = net.dl_backward_ok
        self._dir_ok &= self._dl_src < self.N
        self._dir_ok &= np.repeat(net.link_cap_p_s > 0, 2)
        self._conn_closed: list[set[str]] = [set() for _ in net.conn_ids]
        self._usable_dl: np.ndarray | None = None  # directed links open to flow; None after a change

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
        self._p_group = self.units.group[self._p_unit]
        self._reach = np.zeros(self.Z)
        self.removed_total = 0.0
        C = len(self._classes)
        self.ready = np.zeros((self.N, C))
        self.walked_m = np.zeros((self.N, C))
        self._coh_node = np.zeros(0, dtype=np.int64)
        self._coh_class = np.zeros(0, dtype=np.int64)
        self._coh_flat = np.zeros(0, dtype=np.int64)  # node * classes + class: flat index into (N, C) arrays
        self._coh_target = np.zeros(0)
        self._coh_n = np.zeros(0)
        self.exited = np.zeros(self.X)
        self._pend_t = np.zeros(0)
        self._pend_person = np.zeros(0, dtype=np.int64)
        # Walkers per node and occupancy per node of the current state, read-only; None when stale.
        # Every change of waiting, ready, cohorts or exited calls _state_changed().
        self._walk_cache: np.ndarray | None = None
        self._occ_cache: np.ndarray | None = None
        self._speed_cache: tuple | None = None  # (walkers array, classes, speeds), see _speeds

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
        self._unit_flat: np.ndarray | None = None  # units' node * classes + class, see _step
        self._tflat: tuple | None = None  # (table, classes, group flat index, entry flat index), see _table_flat
        self._capdt_dt, self._capdt = math.nan, np.zeros(0)  # link capacity x dt for the last dt seen
        self._ones_nx = np.ones(self.N + self.X)  # copied for each step's room factors (np.ones costs more)
        self._dirty = True
        self._next_replan = 0.0
        self._plan_key: tuple[np.ndarray, ...] | None = None
        self._plan_classes = 0
        self._exit_sets: tuple | None = None  # (classes, exit sets, class rows, fallback), see _class_exit_sets
        self._speed_classes = -1  # classes the cached per-class speed parameters were built for
        self._free_nc = self._factor_c = np.zeros((0, 0))
        self._dl_conn = np.repeat(net.link_conn, 2)
        self._cap_dl: np.ndarray | None = None  # capacity of each directed link (built at the first plan)
        self._cap_dl_pos = np.zeros(0, dtype=bool)

        self._init_records()

        # Process state.
        self._idle = True
        self._wake_evt: simpy.Event | None = None
        self._idle_waiters: list[simpy.Event] = []
        self._process: simpy.Process | None = None
        self.steps = 0
        self._jump: tuple[float, int, np.ndarray] | None = None  # (start, quiet steps, walked per step)
        self._jump_done, self._jump_t = 0, 0.0

    # ------------------------------------------------------------------ classes

    def _class_index(self, rc: RouteClass) -> int:
        key = rc.key()
        idx = self._class_of.get(key)
        if idx is None:
            idx = len(self._classes)
            self._classes.append(rc)
            self._class_of[key] = idx
            if hasattr(self, "_coh_flat"):
                self._coh_reflat()
                self._unit_flat = None
            if hasattr(self, "ready"):
                self.ready = np.hstack([self.ready, np.zeros((self.N, 1))])
                self.walked_m = np.hstack([self.walked_m, np.zeros((self.N, 1))])
                self._state_changed()
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
        """People in every internal node (zones first, then corridor and stair connections).

        A read-only array, cached until the crowd changes (copy it to modify it).
        """
        occ = self._occ_cache
        if occ is None:
            occ = self._occ_cache = self.waiting + self._walking() + _sum(self.ready, axis=1)
            occ.flags.writeable = False
        return occ

    def _state_changed(self) -> None:
        """Drop the cached walkers, occupancy and speeds (waiting, ready, cohorts or exited changed)."""
        self._walk_cache = self._occ_cache = self._speed_cache = None

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
        return float(_sum(self.exited))

    def exited_by_exit(self) -> dict[str, float]:
        """People out through each exit, by exit id."""
        return {e: float(self.exited[j]) for j, e in enumerate(self.net.exit_ids)}

    def closed_connections(self) -> dict[str, tuple[str, ...]]:
        """Connections closed now, by connection id, with what closed them (sorted: "closed", "lockdown")."""
        return {c: tuple(sorted(why)) for c, why in zip(self.net.conn_ids, self._conn_closed) if why}

    def link_capacity_p_s(self) -> np.ndarray:
        """Capacity of each link (p/s); directed link ``dl`` belongs to link ``dl // 2``."""
        return self.net.link_cap_p_s.copy()

    # ------------------------------------------------------------------ engine interface

    def start(self) -> None:
        """Register the stepping process and record the initial state (nobody moves until told)."""
        self._account(0.0)  # nothing to add yet (span 0): sets the density the first step accounts from
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

    def finalize(self) -> None:
        """Record the end state: a last sample, per-zone crowd-safety summaries and totals."""
        self._interrupt()
        now = float(self.env.now)
        self._account(now)
        if self._last_record_t < now - _EPS:
            self._record(now)
        self._final_records(now)

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
            quiet = self._quiet_steps(now)
            if quiet >= 2:
                # Only walking inside nodes until a release, an arrival at a door or a record: jump.
                self._jump = (now, quiet, self._speeds() * dt)
                self._jump_done, self._jump_t = 0, now
                self._wake_evt = self.env.event()
                yield self.env.any_of([self.env.timeout(self._jump_t_end(now, quiet) - now), self._wake_evt])
                woken, self._wake_evt = self._wake_evt.triggered, None
                self._catch_up(final=not woken)
                if self._jump_done < quiet:
                    # Woken by an action: the step it fell in is computed in full, on the same grid.
                    t1 = self._jump_t + dt
                    self._jump = None
                    yield self.env.timeout(max(t1 - float(self.env.now), 0.0))
                    self._step(t1 - dt, t1)
                self._jump = None
                continue
            yield self.env.timeout(dt)
            self._step(float(self.env.now) - dt, float(self.env.now))

    def _replan(self, now: float) -> None:
        net = self.net
        usable = self._usable_dl
        if usable is None:  # connections opened or closed since the last plan
            open_conn = np.asarray([not s for s in self._conn_closed], dtype=bool)
            usable = self._usable_dl = self._dir_ok & np.repeat(open_conn[net.link_conn], 2)
        density = (self.waiting + self._walking()) / net.area_m2
        speed = np.minimum(self._free_default, self._density_limit(density))  # default free speeds
        np.maximum(speed, hy.MIN_SPEED_M_S, out=speed)
        cross = net.travel_m / speed
        if self._cap_dl is None:
            self._cap_dl = np.repeat(net.link_cap_p_s, 2)
            self._cap_dl_pos = self._cap_dl > 0
        cap = self._cap_dl
        wait = np.divide(self.backlog_dl, cap, out=np.zeros(len(cap)), where=self._cap_dl_pos)
        blocked = self._hold.copy()
        key = (usable, wait, cross, blocked)
        if self._table is not None and self._plan_classes == len(self._classes) and self._same_plan(key):
            # Same inputs give the same table: skip the shortest paths (common in the free-walking tail).
            self._dirty = False
            self._next_replan = now + float(self.settings.replan_every)
            return
        self._plan_key, self._plan_classes = key, len(self._classes)
        exit_sets, rows, fallback = self._class_exit_sets()
        # One potential per distinct exit set (row 0: every exit), all in one relaxation.
        pot = potentials(
            n_nodes=self.N,
            n_exits=self.X,
            dl_src=self._dl_src,
            dl_dst=self._dl_dst,
            usable=usable,
            wait_s=wait,
            cross_s=cross,
            blocked=blocked,
            allowed_exits=exit_sets,
        )
        pots = pot[rows]
        if fallback is not None:
            # Where a class's assigned exits cannot be reached, head for where they can, else anywhere.
            pots = np.where(np.isfinite(pots) | fallback, pots, _UNREACHABLE_S + pot[0])
        self._table = build_split_table(
            pots=pots, n_nodes=self.N, n_exits=self.X, dl_src=self._dl_src, dl_dst=self._dl_dst, usable=usable,
            blocked=blocked, cap_p_s=net.link_cap_p_s,
        )
        self._dirty = False
        self._next_replan = now + float(self.settings.replan_every)

    def _class_exit_sets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The distinct exit sets of the route classes (row 0: every exit; one row of ``n_exits``
        flags each), each class's row, and which classes keep an unreachable potential (``None``
        if every class may use any exit); kept until a class is added."""
        cached = self._exit_sets
        if cached is None or cached[0] != len(self._classes):
            index: dict[tuple[int, ...] | None, int] = {None: 0}
            for rc in self._classes:
                index.setdefault(rc.exits, len(index))
            sets = np.zeros((len(index), self.X), dtype=bool)
            for exits, i in index.items():
                sets[i, list(exits) if exits is not None else slice(None)] = True
            rows = np.asarray([index[rc.exits] for rc in self._classes], dtype=np.intp)
            free = np.asarray([rc.exits is None for rc in self._classes], dtype=bool)[:, None]
            cached = self._exit_sets = (len(self._classes), sets, rows, None if free.all() else free)
        return cached[1], cached[2], cached[3]

    def _same_plan(self, key: tuple[np.ndarray, ...]) -> bool:
        """True if the route inputs ``key`` (usable links, waits, crossing times, held nodes) are those of the plan."""
        old = self._plan_key
        # The arrays of a key always have the same shapes: elementwise == is np.array_equal here.
        if old is None or not (_all(key[0] == old[0]) and _all(key[3] == old[3])):
            return False
        return bool(_all(key[1] == old[1]) and _all(key[2] == old[2]))

    def _new_cohorts(self, grid: np.ndarray) -> None:
        """Start walking the people in ``grid`` (nodes x classes) across their node."""
        C = grid.shape[1]
        flat = (grid > 0).reshape(-1).nonzero()[0]  # row-major: the order of np.nonzero
        if len(flat) == 0:
            return
        self._state_changed()
        if C == 1:
            node, cls = flat, np.zeros(len(flat), dtype=np.int64)
        else:
            node, cls = np.divmod(flat, C)
        self._coh_node = np.concatenate((self._coh_node, node))
        self._coh_class = np.concatenate((self._coh_class, cls))
        self._coh_flat = np.concatenate((self._coh_flat, flat))
        self._coh_target = np.concatenate((self._coh_target, self.walked_m.reshape(-1)[flat] + self.net.travel_m[node]))
        self._coh_n = np.concatenate((self._coh_n, grid.reshape(-1)[flat]))

    def _table_flat(self, table: SplitTable, C: int) -> tuple[np.ndarray, np.ndarray]:
        """Flat (C-order) indexes of ``table`` into (nodes x C) arrays: each group's (node, class) and
        each entry's (destination, class); built once per table and number of classes."""
        cached = self._tflat
        if cached is None or cached[0] is not table or cached[1] != C:
            group = table.group_node * C + table.group_class
            entry = self._dl_dst[table.entry_dl] * C + table.group_class[table.entry_group]
            cached = self._tflat = (table, C, group, entry)
        return cached[2], cached[3]

    def _cap_dt(self, dt: float) -> np.ndarray:
        """Link capacities times ``dt`` (the same product each time; kept for the last ``dt``)."""
        if dt != self._capdt_dt:
            self._capdt_dt, self._capdt = dt, self.net.link_cap_p_s * dt
        return self._capdt

    def _coh_reflat(self) -> None:
        """Rebuild the cohorts' flat (node, class) index after the classes or a cohort's class changed."""
        self._coh_flat = self._coh_node * len(self._classes) + self._coh_class

    def _walking(self) -> np.ndarray:
        """People walking across each internal node (summed over the cohorts in their order; read-only, cached)."""
        walking = self._walk_cache
        if walking is None:
            walking = self._walk_cache = np.bincount(self._coh_node, weights=self._coh_n, minlength=self.N)
            walking.flags.writeable = False
        return walking

    def _speeds(self, walking: np.ndarray | None = None) -> np.ndarray:
        """Walking speed (m/s) of every (node, class) from the density of walkers and people in pre-movement.

        Read-only, and cached for the crowd state it was computed for (``walking`` is the cached
        walkers array of that state; :meth:`_state_changed` drops it).
        """
        if walking is None:
            walking = self._walking()
        cached = self._speed_cache
        if cached is not None and cached[0] is walking and cached[1] == len(self._classes):
            return cached[2]  # same crowd, same classes: the same speeds (a step after _quiet_steps)
        d_walk = (self.waiting + walking) / self.net.area_m2
        if self._speed_classes != len(self._classes):
            free = np.asarray([rc.free_m_s for rc in self._classes])
            factor = np.asarray([rc.factor for rc in self._classes])
            self._free_nc = np.where(np.isnan(free)[None, :], self._free_default[:, None], free[None, :])
            # x * 1.0 is x: the factor is applied only if some class walks slower.
            self._factor_c = factor[None, :] if (factor != 1.0).any() else None
            self._speed_classes = len(self._classes)
        speed = np.minimum(self._free_nc, self._density_limit(d_walk)[:, None])  # cached (N, C) free speeds
        np.maximum(speed, hy.MIN_SPEED_M_S, out=speed)
        if self._factor_c is not None:
            speed = speed * self._factor_c
        speed.flags.writeable = False
        self._speed_cache = (walking, len(self._classes), speed)
        return speed

    def _density_limit(self, density: np.ndarray) -> np.ndarray:
        """The speed limit of each node's density, k (1 - a D), and ``inf`` below the free-flow density.

        ``max(min(free, limit), MIN_SPEED_M_S)`` is then :func:`hydraulics.speed_array` value for value
        (below the free-flow density min(free, inf) is free), with one minimum per free speed instead
        of a ``where`` over every (node, class).
        """
        limit = self.net.k_m_s * (1.0 - hy.A_M2_P * density)
        limit[density < hy.FREE_DENSITY_P_M2] = math.inf
        return limit

    def _step(self, t0: float, t1: float) -> None:
        """Advance the crowd over the step [t0, t1]."""
        dt = t1 - t0
        self.steps += 1
        self._occ_cache = None  # the walkers' sums stay valid until the cohorts change
        net, N, C = self.net, self.N, len(self._classes)
        # 1. Releases: people whose start time falls before the middle of the step start walking.
        released_any = False
        if len(self._pend_t):
            k = int(self._pend_t.searchsorted(t0 + dt / 2.0, side="right"))
            if k:
                people = self._pend_person[:k]
                self._pend_t, self._pend_person = self._pend_t[k:], self._pend_person[k:]
                self._p_state[people] = 2
                n_u = np.bincount(self._p_unit[people], minlength=len(self.units))
                self.units.started += n_u
                counts = n_u.astype(float)
                self.waiting -= np.bincount(self.units.node, weights=counts, minlength=N)
                if self._unit_flat is None:  # each unit's (node, class), flat; rebuilt when classes change
                    self._unit_flat = self.units.node * C + self.unit_class
                grid = np.bincount(self._unit_flat, weights=counts, minlength=N * C).reshape(N, C)
                self._new_cohorts(grid)
                released_any = True
                if not _all(self._group_all):
                    self._group_events(t0, t1, np.bincount(self._p_group[people], minlength=len(self._groups)))
        # 2. Speeds from the density of walkers and people in pre-movement.
        walking = self._walking()
        self.walked_m += self._speeds(walking) * dt
        # 3. Walkers who covered their node's length are ready at its doors.
        if len(self._coh_n):
            # walked_m is C-contiguous: its flat view indexed by node * C + class is walked_m[node, class].
            arrived = self._coh_target <= self.walked_m.reshape(-1)[self._coh_flat] + 1e-9
            if _any(arrived):
                self.ready += np.bincount(self._coh_flat[arrived], weights=self._coh_n[arrived], minlength=N * C).reshape(N, C)
                keep = ~arrived
                self._coh_node, self._coh_class = self._coh_node[keep], self._coh_class[keep]
                self._coh_flat = self._coh_flat[keep]
                self._coh_target, self._coh_n = self._coh_target[keep], self._coh_n[keep]
                self._state_changed()
                walking = self._walking()
        # 4. Flows through links.
        if self._dirty or t1 >= self._next_replan - _EPS:
            self._replan(t1)
        table = self._table
        moved_total = 0.0
        n_dl = 2 * net.n_links
        if table is not None and table.n_groups:
            g_flat, e_flat = self._table_flat(table, C)
            q = self.ready.take(g_flat)  # ready[group_node, group_class]
        else:
            q = None
        if q is not None and _any(q):
            shares = split_shares(table, q)
            want = q[table.entry_group] * shares
            demand = np.bincount(table.entry_dl, weights=want, minlength=n_dl)
            self._credit = np.minimum(self._credit + self._cap_dt(dt), self._burst)
            both = demand[0::2] + demand[1::2]
            # Scale factors per directed link: link capacity, then room downstream. A factor of 1.0
            # changes nothing (x * 1.0 is x), so the products are skipped where every factor is 1.0.
            saturated = both > self._credit
            f_dl = None
            if _any(saturated):
                f_dl = np.where(saturated, self._credit / np.where(both > 0, both, 1.0), 1.0).repeat(2)
            inflow = np.bincount(self._dl_dst, weights=demand if f_dl is None else demand * f_dl, minlength=N + self.X)[:N]
            occ = self.waiting + walking + _sum(self.ready, axis=1)
            room = np.maximum(net.cap_people - occ, 0.0)
            over = inflow > room
            if _any(over):
                f_room = self._ones_nx.copy()
                f_room[:N][over] = room[over] / inflow[over]
                f_dl = f_room[self._dl_dst] if f_dl is None else f_dl * f_room[self._dl_dst]
            if f_dl is None:
                moved, flow = want, demand
            else:
                moved, flow = want * f_dl[table.entry_dl], demand * f_dl
            out = np.add.reduceat(moved, table.start)
            self.ready.put(g_flat, np.maximum(q - out, 0.0))  # ready[group_node, group_class] = ...
            self._credit = np.maximum(self._credit - (flow[0::2] + flow[1::2]), 0.0)
            self.last_flow_dl = flow
            self.backlog_dl = demand - flow
            arrive = np.bincount(e_flat, weights=moved, minlength=(N + self.X) * C)
            arrive = arrive.reshape(N + self.X, C)
            self.exited += _sum(arrive[N:], axis=1)
            self._new_cohorts(arrive[:N])
            # The new cohorts come last, in class order, so adding their columns in that order gives
            # the per-node sums bit for bit (adding 0.0 where a (node, class) had nobody changes nothing).
            for c in range(C):
                walking = walking + arrive[:N, c]
            moved_total = float(_sum(moved))
        else:
            self._credit = np.minimum(self._credit + self._cap_dt(dt), self._burst)
            self.last_flow_dl = np.zeros(n_dl)
            self.backlog_dl = np.zeros(n_dl)
        self._last_moved = moved_total + (1.0 if released_any else 0.0)
        # 5. Records and idleness. The carried-forward walkers are the cohorts' sums bit for bit: cached.
        occ = self.waiting + walking + _sum(self.ready, axis=1)
        walking.flags.writeable = False
        occ.flags.writeable = False
        self._walk_cache, self._occ_cache = walking, occ
        self._after_step(t0, t1, occ)
        if len(self._coh_n) == 0 and len(self._pend_t) == 0 and (self._last_moved <= _EPS or _sum(self.ready, axis=None) <= _EPS):
            self._idle = True
