"""Crowd movement: a macroscopic SFPE hydraulic network-flow model stepped by one SimPy process.

People are counted, not simulated one by one. :class:`EgressModel` composes the parts of the
package and runs them in a SimPy process:

- :mod:`.state`: the crowd state (:class:`.state.EgressState`) every part reads and writes;
- :mod:`.flow`: one time step (releases, SFPE speeds of :mod:`.speeds`, arrivals at doors, link
  flows with capacities and room downstream);
- :mod:`.plan` and :mod:`.routing`: time-to-exit potentials and the split of a crowd over doors;
- :mod:`.skipping`: jumps over the quiet steps in which people only walk;
- :mod:`.actions`: alert, evacuate, shelter, lock down, release, close and open, remove people;
- :mod:`.records`: events and time series written to the run's recorder.

See ``docs/egress-model.md`` for the equations, constants, assumptions and limits.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import simpy

from simsoft.models.egress import hydraulics as hy
from simsoft.models.egress.actions import CrowdActions
from simsoft.models.egress.density import FrontRecorder, Fronts, QueueFronts
from simsoft.models.egress.flow import cap_dt, step
from simsoft.models.egress.network import Network, build_network
from simsoft.models.egress.plan import RoutePlanner
from simsoft.models.egress.population import build_units, unit_route_class
from simsoft.models.egress.records import EgressRecorder
from simsoft.models.egress.skipping import Jump, jump_end, quiet_steps
from simsoft.models.egress.speeds import SpeedField
from simsoft.models.egress.state import new_state
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario

__all__ = ["EgressModel"]

_EPS = 1e-9
# Reductions called as ufunc methods: the same operations as ndarray.all() / .sum() without their
# Python wrappers (a few microseconds each, many times per step).
_all, _sum = np.logical_and.reduce, np.add.reduce


class EgressModel:
    """Hydraulic network-flow egress of a scenario's population (one per run).

    The engine calls :meth:`start`, the action methods at their times followed by :meth:`wake`,
    waits for :meth:`became_idle`, and finally :meth:`finalize`. The crowd is in :attr:`state`.
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
        N, X, Z = self.N, self.X, self.Z
        zone_index = {z: i for i, z in enumerate(net.node_ids[:Z])}
        exit_index = {e: j for j, e in enumerate(net.exit_ids)}
        free_default = hy.FREE_SPEED_FACTOR * net.k_m_s
        dir_ok = np.ones(2 * net.n_links, dtype=bool)
        dir_ok[1::2] = net.dl_backward_ok
        dir_ok &= net.dl_src < N
        dir_ok &= np.repeat(net.link_cap_p_s > 0, 2)

        # People: release units, one route class per distinct (exits, factor, free speed).
        self.units = units = build_units(
            scenario, rng=streams.stream("egress.pre_movement"), zone_index=zone_index, exit_index=exit_index
        )
        self.population = int(units.count.sum())
        waiting = np.bincount(units.node, weights=units.count.astype(float), minlength=N)
        s = self.state = new_state(n_nodes=N, travel_m=net.travel_m, units=units, waiting=waiting)
        s.unit_class = np.asarray(
            [s.class_index(unit_route_class(scenario, units, u, exit_index=exit_index)) for u in range(len(units))], dtype=np.int64
        )
        # Per person (contiguous by unit, each unit's draws sorted); the uniform key that decides
        # who a partial alert reaches has its own stream, so reach never shifts the draws.
        s.p_unit = np.repeat(np.arange(len(units)), units.count)
        s.p_draw = np.concatenate([*units.draws, np.zeros(0)])
        s.p_alert = np.full(self.population, np.nan)
        s.p_factor = np.ones(self.population)
        s.p_state = np.zeros(self.population, dtype=np.int8)
        s.p_key = streams.stream("egress.alert_reach").random(self.population)
        s.p_node = units.node[s.p_unit]
        s.p_group = units.group[s.p_unit]
        s.reach = np.zeros(Z)
        s.exited = np.zeros(X)
        s.alerted_at = np.full(Z, np.nan)  # first alert of each zone
        s.hold = np.zeros(N, dtype=bool)
        s.harm_s = np.zeros(N)
        s.evacuating = np.zeros(Z, dtype=bool)
        s.conn_closed = [set() for _ in net.conn_ids]
        s.last_flow_dl = np.zeros(2 * net.n_links)
        s.backlog_dl = np.zeros(2 * net.n_links)
        s.burst = np.maximum(net.link_cap_p_s * self.dt, 1.0)  # at least one whole person per step, see flow
        s.credit = s.burst.copy()
        s.ones_nx = np.ones(N + X)

        # Parts.
        self._speeds = SpeedField(k_m_s=net.k_m_s, area_m2=net.area_m2, free_default=free_default)
        self._planner = RoutePlanner(net=net, dir_ok=dir_ok, free_default=free_default,
                                     replan_every_s=float(self.settings.replan_every))
        self.records = EgressRecorder(s=s, net=net, scenario=scenario, recorder=recorder, population=self.population)
        self.actions = CrowdActions(s=s, net=net, scenario=scenario, records=self.records)
        widths = np.asarray([scenario.venue.connections[int(c)].width_m for c in net.link_conn], dtype=float)
        self.fronts = QueueFronts(s=s, net=net, settings=self.settings.crush, width_m=widths, dir_ok=dir_ok, dt=self.dt)
        self.front_records = FrontRecorder(fronts=self.fronts, recorder=recorder, conn_ids=net.conn_ids,
                                           node_ids=net.node_ids)

        # Process state.
        self._wake_evt: simpy.Event | None = None
        self._idle_waiters: list[simpy.Event] = []
        self._process: simpy.Process | None = None
        self._jump: Jump | None = None

    # ------------------------------------------------------------------ accessors

    def occupancy_nodes(self) -> np.ndarray:
        """People in every internal node (zones first, then corridor and stair connections).

        A read-only array, cached until the crowd changes (copy it to modify it).
        """
        return self.state.occupancy()

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
        return float(_sum(self.state.exited))

    @property
    def removed_total(self) -> float:
        """People taken out of the crowd as casualties (:meth:`remove_people`)."""
        return self.state.removed_total

    @property
    def steps(self) -> int:
        """Time steps computed so far (jumped-over quiet steps included)."""
        return self.state.steps

    def exited_by_exit(self) -> dict[str, float]:
        """People out through each exit, by exit id."""
        return dict(zip(self.net.exit_ids, self.state.exited.tolist()))  # tolist(): the same floats as float(x[j])

    def closed_connections(self) -> dict[str, tuple[str, ...]]:
        """Connections closed now, by connection id, with what closed them (sorted: "closed", "lockdown")."""
        return {c: tuple(sorted(why)) for c, why in zip(self.net.conn_ids, self.state.conn_closed) if why}

    def queue_fronts(self) -> Fronts:
        """The queue fronts now: people queueing at each door and the density of the front (read-only, see :mod:`.density`)."""
        return self.fronts.read(float(self.env.now))

    def link_capacity_p_s(self) -> np.ndarray:
        """Capacity of each link (p/s); directed link ``dl`` belongs to link ``dl // 2``."""
        return self.net.link_cap_p_s.copy()

    # ------------------------------------------------------------------ actions (see .actions)

    def alert(self, zones: Iterable[str], *, share: float = 1.0, pre_movement_factor: float = 1.0) -> None:
        """Start the pre-movement clocks of the occupants of ``zones`` now (see :meth:`.CrowdActions.alert`)."""
        self._interrupt()
        self.actions.alert(zones, now=float(self.env.now), share=share, pre_movement_factor=pre_movement_factor)

    def evacuate(self, zones: Iterable[str], *, via: list[str] | None = None) -> None:
        """Occupants of ``zones`` leave after their pre-movement, by the exits ``via`` if given."""
        self._interrupt()
        self.actions.evacuate(zones, now=float(self.env.now), via=via)

    def shelter(self, zones: Iterable[str]) -> None:
        """Occupants of ``zones`` stay (people arriving there stay too) until released."""
        self._interrupt()
        self.actions.shelter(zones, now=float(self.env.now))

    def lockdown(self, zones: Iterable[str]) -> None:
        """Shelter in ``zones`` and close every lockable connection touching them."""
        self._interrupt()
        self.actions.lockdown(zones, now=float(self.env.now))

    def release(self, zones: Iterable[str]) -> None:
        """End shelter or lockdown: lockable connections re-open and the occupants leave."""
        self._interrupt()
        self.actions.release(zones, now=float(self.env.now))

    def avoid(self, zones: Iterable[str], *, detour_s: float) -> None:
        """People on their way out go round ``zones`` (harm is happening there): routes through them count
        ``detour_s`` longer; every other zone is crossed as usual again. Routes are re-planned."""
        self._interrupt()
        self.actions.avoid(zones, detour_s=detour_s)

    def close_connection(self, cid: str) -> None:
        """Close a connection: nobody passes until it is opened; routes are re-planned."""
        self._interrupt()
        self.actions.close_connection(cid, now=float(self.env.now))

    def open_connection(self, cid: str) -> None:
        """Open a connection (whatever closed it); routes are re-planned."""
        self._interrupt()
        self.actions.open_connection(cid, now=float(self.env.now))

    def remove_people(self, zone: str, n: int) -> int:
        """Take up to ``n`` people out of ``zone`` (casualties); returns how many were removed."""
        self._interrupt()
        return self.actions.remove_people(zone, n)

    # ------------------------------------------------------------------ engine interface

    def start(self) -> None:
        """Register the stepping process and record the initial state (nobody moves until told)."""
        self.records.start()
        self._process = self.env.process(self._run())

    @property
    def idle(self) -> bool:
        """True when nobody can move until a new action."""
        return self.state.idle

    def became_idle(self) -> simpy.Event:
        """An event that succeeds when the model is idle (already triggered if it is idle now)."""
        evt = self.env.event()
        if self.state.idle:
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
        self.front_records.finalize(float(self.env.now))
        self.records.finalize(float(self.env.now), inside=self.inside_total, by_exit=self.exited_by_exit())

    # ------------------------------------------------------------------ process

    def _run(self):
        dt, s, records = self.dt, self.state, self.records
        while True:
            if s.idle:
                for evt in self._idle_waiters:
                    if not evt.triggered:
                        evt.succeed()
                self._idle_waiters = []
                self._wake_evt = self.env.event()
                yield self._wake_evt
                self._wake_evt = None
                records.account(float(self.env.now))
                continue
            now = float(self.env.now)
            if len(s.coh_n) == 0 and s.last_moved <= _EPS and len(s.pend_t) and not s.dirty:
                # Nobody walks or passes a door: jump to the next release (or record time).
                start_at = float(s.pend_t[0]) - dt / 2.0
                until = min(start_at, records.next_record) if records.next_record > now + _EPS else start_at
                if until - now > dt:
                    self._wake_evt = self.env.event()
                    yield self.env.any_of([self.env.timeout(until - now), self._wake_evt])
                    self._wake_evt = None
                    t = float(self.env.now)
                    records.account(t)
                    if t >= records.next_record - _EPS:
                        records.record(t)
                    continue
            quiet = quiet_steps(s, now=now, dt=dt, speeds=self._speeds, planner=self._planner, next_record=records.next_record)
            if quiet >= 2:
                # Only walking inside nodes until a release, an arrival at a door or a record: jump.
                jump = self._jump = Jump(now, quiet, self._speeds.speeds(s) * dt)
                self._wake_evt = self.env.event()
                yield self.env.any_of([self.env.timeout(jump_end(now, dt, quiet) - now), self._wake_evt])
                woken, self._wake_evt = self._wake_evt.triggered, None
                self._catch_up(final=not woken)
                if jump.done < quiet:
                    # Woken by an action: the step it fell in is computed in full, on the same grid.
                    t1 = jump.t + dt
                    self._jump = None
                    yield self.env.timeout(max(t1 - float(self.env.now), 0.0))
                    self._step(t1 - dt, t1)
                self._jump = None
                continue
            yield self.env.timeout(dt)
            self._step(float(self.env.now) - dt, float(self.env.now))

    def _step(self, t0: float, t1: float) -> None:
        """Advance the crowd over the step [t0, t1] (:func:`.flow.step`), then write its records."""
        s, records = self.state, self.records
        occ, released = step(s, t0, t1, net=self.net, speeds=self._speeds, planner=self._planner)
        if released is not None and not _all(records.group_all):
            records.group_events(t0, t1, np.bincount(s.p_group[released], minlength=len(self.scenario.population.groups)))
        records.after_step(t0, t1, occ)
        self.front_records.after_step(t1)
        if len(s.coh_n) == 0 and len(s.pend_t) == 0 and (s.last_moved <= _EPS or _sum(s.ready, axis=None) <= _EPS):
            s.idle = True

    def _catch_up(self, *, final: bool = False) -> None:
        """Apply the quiet steps of a jump that ended before now (all that ended by now if ``final``).

        Each is applied exactly as :func:`.flow.step` would compute it, so results do not depend on
        whether a step was jumped over. Actions call this first, then interrupt the jump.
        """
        jump = self._jump
        if jump is None:
            return
        s, records, dt = self.state, self.records, self.dt
        now = float(self.env.now)
        replan_at = None
        while jump.done < jump.quiet:
            t1 = jump.t + dt
            if t1 >= now - _EPS and not (final and t1 <= now + _EPS):
                break
            jump.t, jump.done = t1, jump.done + 1
            s.steps += 1
            s.walked_m += jump.inc
            s.credit = np.minimum(s.credit + cap_dt(s, self.net.link_cap_p_s, dt), s.burst)
            if t1 >= s.next_replan - _EPS:
                replan_at = t1
                s.next_replan = t1 + float(self.settings.replan_every)
            s.last_flow_dl = np.zeros(2 * self.net.n_links)
            s.last_moved = 0.0
            records.account(t1)
            if t1 >= records.next_record - _EPS:
                records.record(t1)
        if replan_at is not None:
            self._planner.replan(s, replan_at)

    def _interrupt(self) -> None:
        """Catch up with a jump in progress and end it (the state is about to change)."""
        self.fronts.changes += 1
        if self._jump is not None:
            self._catch_up()
            self.wake()
