"""Records of the egress model: milestones, first use of each exit, zones cleared, queues and crowd
densities over their thresholds, the occupancy time series and the end-of-run summaries.

:class:`EgressRecorder` adapts the crowd state (:class:`.state.EgressState`) to the run's
:class:`~simsoft.records.Recorder`: it reads the state (occupancy, people out, flows of the last
step) and writes events and samples. It never changes the crowd, so records can be kept or dropped
without changing results. The actions' events (connections and exits closed or opened, a group's
pre-movement) are written through it too.
"""

from __future__ import annotations

import math

import numpy as np

from simsoft.models.egress.hydraulics import fruin_los
from simsoft.models.egress.network import Network
from simsoft.models.egress.state import EgressState
from simsoft.records import Recorder
from simsoft.schema import Scenario

__all__ = ["EgressRecorder", "MILESTONES_PCT", "DENSITY_THRESHOLDS_P_M2"]

MILESTONES_PCT = (50, 90, 95, 100)
"""Shares of the population out at which ``egress.milestone`` is recorded."""

DENSITY_THRESHOLDS_P_M2 = (4.0, 5.0)
"""Crowd-safety thresholds: ~4 p/m^2 a moving crowd immobilises, >= 5 p/m^2 dangerous (G. K. Still,
*Crowd Dynamics*, PhD thesis, 2000)."""

SERIES = ("occupants", "density_p_m2", "exited", "started", "inside")
"""The time series the egress model samples every ``egress.record_every``."""

_EPS = 1e-9
_any = np.logical_or.reduce  # ndarray.any() without its Python wrapper (1-D arrays here)
_sum = np.add.reduce  # ndarray.sum() of a 1-D array without its Python wrapper (the same pairwise sum)


def _next_after(nxt: float, limit: float, every: float) -> float:
    """``nxt`` after ``while nxt <= limit: nxt += every``, bit for bit.

    After a long idle spell (the final record of a run) the loop would run tens of thousands of
    times: the additions are then done by ``np.add.accumulate``, which adds one element at a time,
    left to right, so each running total is the loop's rounded sum.
    """
    if nxt > limit:
        return nxt
    if limit - nxt < 64 * every:
        while nxt <= limit:
            nxt += every
        return nxt
    while True:
        k = int((limit - nxt) / every) + 2
        seq = np.full(k + 1, every)
        seq[0] = nxt
        acc = np.add.accumulate(seq)  # acc[j]: nxt after j additions (increasing: every > 0)
        i = int(acc.searchsorted(limit, side="right"))  # the first total above limit
        if i <= k:
            return float(acc[i])
        nxt = float(acc[k])


class EgressRecorder:
    """Event records and time-series samples of an egress run's state ``s`` (one per run).

    The model calls :meth:`start` once, :meth:`after_step` after every step, :meth:`account` and
    :meth:`record` when time passes without a step, and :meth:`finalize` at the end.
    """

    def __init__(self, *, s: EgressState, net: Network, scenario: Scenario, recorder: Recorder, population: int) -> None:
        self.s, self.net, self.recorder = s, net, recorder
        self._sampled = any(recorder.keeps(q) for q in SERIES)
        """Whether the recorder keeps any of the egress time series (a lean one keeps none)."""
        self.settings = scenario.egress
        self.population = population
        self.N, self.X, self.Z = net.n_nodes, len(net.exit_ids), net.n_zones
        self._groups = scenario.population.groups
        self._group_name = [g.label or f"group-{i}" for i, g in enumerate(self._groups)]
        self._group_count = np.asarray([g.count for g in self._groups], dtype=np.int64)
        self._zone_names, self._exit_names = list(net.node_ids[: self.Z]), list(net.exit_ids)
        self._dl_conn = np.repeat(net.link_conn, 2)
        self.next_record = 0.0
        self.last_record_t = -1.0
        self._milestone_next = 0
        self._exit_seen = np.zeros(self.X, dtype=bool)
        self._zone_had_people = np.zeros(self.N, dtype=bool)
        self._queue_alerted = np.zeros(len(net.conn_ids), dtype=bool)
        self._density_alerted = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N), dtype=bool)
        self._group_first = np.zeros(len(self._groups), dtype=bool)
        self.group_all = np.zeros(len(self._groups), dtype=bool)
        self._group_pre_emitted = np.zeros(len(self._groups), dtype=bool)
        self._peak_density = np.zeros(self.N)
        self._time_above = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N))
        self._acc_t = 0.0
        self._acc_density = np.zeros(self.N)
        # Thresholds as a column: one comparison covers both; its result serves the alerts of this
        # step and the time-above totals of the next accounting.
        self._thr_col = np.asarray([thr + _EPS for thr in DENSITY_THRESHOLDS_P_M2])[:, None]
        self._thr_low = float(self._thr_col.min())  # some node is above a threshold iff the densest is above this
        self._acc_above = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N), dtype=bool)
        self._acc_any = False
        self._group_started = np.zeros(len(self._groups), dtype=np.int64)
        self._group_first_all = False
        self._exits_all_seen = self.X == 0
        self._exit_dl = np.flatnonzero(net.dl_dst >= self.N)

    def start(self) -> None:
        """Account from the initial state and record it (time 0)."""
        self.account(0.0)  # nothing to add yet (span 0): sets the density the first step accounts from
        self._peak_density = self._acc_density.copy()
        self._zone_had_people = self.s.occupancy() > _EPS
        self.record(0.0)
        self._check_density(0.0, self._acc_density)

    def finalize(self, now: float, *, inside: float, by_exit: dict[str, float]) -> None:
        """Account up to ``now``, take a last sample, and record the end-of-run summaries."""
        self.account(now)
        if self.last_record_t < now - _EPS:
            self.record(now)
        self._final_records(now, inside=inside, by_exit=by_exit)

    # ------------------------------------------------------------------ events of the actions

    def connection(self, t: float, cid: str, *, reason: str, closed: bool) -> None:
        """A connection was closed or opened (``reason``: what closed it)."""
        self.recorder.emit(t, "egress.connection_closed" if closed else "egress.connection_opened", cid, reason=reason)

    def exit(self, t: float, exit_id: str, *, connection: str, closed: bool) -> None:
        """An exit was closed or opened (its last open connection closed, or one opened)."""
        self.recorder.emit(t, "egress.exit_closed" if closed else "egress.exit_opened", exit_id, connection=connection)

    def pre_movement(self, t: float, g: int, *, zone: str, alerted_at_s: float, draws: np.ndarray) -> None:
        """The pre-movement of group ``g`` (once per group: when its first people are scheduled)."""
        if not self._group_pre_emitted[g]:
            self._group_pre_emitted[g] = True
            d = draws
            self.recorder.emit(
                t,
                "egress.pre_movement",
                self._group_name[g],
                zone=zone,
                alerted_at_s=alerted_at_s,
                count=int(len(d)),
                first_s=float(d[0]),
                median_s=float(np.median(d)),
                p99_s=float(np.quantile(d, 0.99)),
                last_s=float(d[-1]),
            )

    # ------------------------------------------------------------------ steps

    def group_events(self, t0: float, t1: float, n_group: np.ndarray) -> None:
        """First and last start of each group; ``n_group`` people of each group started this step."""
        started = self._group_started
        started += n_group
        if not self._group_first_all:
            first = (started > 0) & ~self._group_first
            if _any(first):
                for g in first.nonzero()[0].tolist():
                    self._group_first[g] = True
                    self.recorder.emit(t1, "egress.group_started", self._group_name[g], zone=self._groups[g].zone, moving_from_s=t0)
                self._group_first_all = bool(self._group_first.all())
        done = (started >= self._group_count) & ~self.group_all
        if _any(done):
            for g in (done & (self._group_count > 0)).nonzero()[0].tolist():
                self.group_all[g] = True
                self.recorder.emit(t1, "egress.group_all_started", self._group_name[g], zone=self._groups[g].zone, moving_from_s=t0)

    def account(self, t: float, density: np.ndarray | None = None) -> None:
        """Add the time since the last accounting to the time-above-threshold totals."""
        span = t - self._acc_t
        if span > 0 and self._acc_any:
            # Nodes below every threshold would add span x 0 = 0: skipped when none is above.
            self._time_above += span * self._acc_above
        self._acc_t = t
        density = self._acc_density = self.s.occupancy() / self.net.area_m2 if density is None else density
        # Any node above a threshold iff the densest one is above the lowest (same comparisons); the
        # per-node table is only needed, and only built, when one is.
        self._acc_any = bool(np.maximum.reduce(density, initial=-math.inf) > self._thr_low)
        if self._acc_any:
            self._acc_above = density > self._thr_col

    def _check_density(self, t: float, density: np.ndarray) -> None:
        """Peak densities and first crossings of the thresholds (``density`` was just accounted)."""
        np.maximum(self._peak_density, density, out=self._peak_density)
        if not self._acc_any:
            return
        new = self._acc_above & ~self._density_alerted
        if not _any(new, axis=None):
            return
        for i, n in zip(*np.nonzero(new)):
            i, n = int(i), int(n)
            self._density_alerted[i, n] = True
            thr = DENSITY_THRESHOLDS_P_M2[i]
            self.recorder.emit(t, "egress.density", self.net.node_ids[n], threshold_p_m2=thr, density_p_m2=float(density[n]))

    def after_step(self, t0: float, t1: float, occ: np.ndarray | None = None) -> None:
        """Events and samples after a step; ``occ`` is the state's occupancy if the step has it."""
        s = self.s
        if occ is None:
            occ = s.occupancy()
        density = occ / self.net.area_m2
        self.account(t1, density)
        self._check_density(t1, density)
        # Milestones: share of the population out, time interpolated within the step.
        out = float(_sum(s.exited))
        # Casualties taken out of the crowd (remove_people) no longer count towards the milestones.
        base = self.population - s.removed_total
        before = None
        while self._milestone_next < len(MILESTONES_PCT) and base > 0:
            pct = MILESTONES_PCT[self._milestone_next]
            need = base * pct / 100.0
            if out < need - 1e-6:
                break
            if before is None:
                before = out - float(s.last_flow_dl[self._exit_dl].sum()) if self.X else out
            frac = 1.0 if out <= before else min(1.0, max(0.0, (need - before) / (out - before)))
            at = t1 if pct == 100 else t0 + frac * (t1 - t0)
            # Recorded at the end of the step (the log stays in time order); ``at_s`` interpolates.
            self.recorder.emit(t1, "egress.milestone", "", pct=pct, count=int(math.ceil(need - 1e-6)), at_s=at)
            self._milestone_next += 1
        if not self._exits_all_seen:
            first = (s.exited > _EPS) & ~self._exit_seen
            if _any(first):  # the seen exits change only here: nothing new, nothing to update
                for j in first.nonzero()[0].tolist():
                    self._exit_seen[j] = True
                    self.recorder.emit(t1, "egress.exit_first", self.net.exit_ids[j], count=float(s.exited[j]))
                self._exits_all_seen = bool(self._exit_seen.all())
        # Zones cleared (occupied before, empty now): had & ~has is had > has for booleans.
        has = occ > 1e-6
        cleared = np.greater(self._zone_had_people[: self.Z], has[: self.Z])
        if _any(cleared):
            for z in cleared.nonzero()[0].tolist():
                self.recorder.emit(t1, "egress.zone_clear", self.net.node_ids[z])
        self._zone_had_people = has
        # Queues at connections above the alert threshold (first time).
        if _any(s.backlog_dl):
            per_conn = np.bincount(self._dl_conn, weights=s.backlog_dl, minlength=len(self.net.conn_ids))
            new = (per_conn > self.settings.queue_alert_p) & ~self._queue_alerted
            for ci in new.nonzero()[0].tolist():
                self._queue_alerted[ci] = True
                self.recorder.emit(t1, "egress.queue", self.net.conn_ids[ci], queue_p=float(per_conn[ci]), threshold_p=self.settings.queue_alert_p)
        if t1 >= self.next_record - _EPS:
            self.record(t1)

    def record(self, t: float) -> None:
        """Sample the time series at ``t`` (occupants, densities, people out and started, inside).

        A lean recorder keeps none of them: then only the record times advance (they also end the
        model's jumps, so a lean run steps exactly as a full one).
        """
        if self._sampled:
            # Float64 arrays: the recorder turns them into floats with one tolist() each.
            occ = self.s.occupancy()
            zone_occ = occ[: self.Z]
            zones, exits = self._zone_names, self._exit_names
            self.recorder.sample(t, "occupants", zones, zone_occ)
            self.recorder.sample(t, "density_p_m2", zones, zone_occ / self.net.area_m2[: self.Z])
            self.recorder.sample(t, "exited", exits, self.s.exited)
            self.recorder.sample(t, "started", [""], [float(_sum(self.s.units.started))])
            self.recorder.sample(t, "inside", [""], [float(_sum(occ))])
        self.last_record_t = t
        every = float(self.settings.record_every)
        self.next_record = _next_after(self.next_record, t + _EPS, every)

    def _final_records(self, now: float, *, inside: float, by_exit: dict[str, float]) -> None:
        """Per-zone crowd-safety summaries and the run's totals."""
        for z in range(self.Z):
            peak = float(self._peak_density[z])
            self.recorder.emit(
                now,
                "egress.zone_summary",
                self.net.node_ids[z],
                peak_density_p_m2=peak,
                time_above_4_s=float(self._time_above[0, z]),
                time_above_5_s=float(self._time_above[1, z]),
                worst_los=fruin_los(density_p_m2=peak),
            )
        self.recorder.emit(
            now,
            "egress.summary",
            "",
            population=self.population,
            exited=float(_sum(self.s.exited)),
            inside=inside,
            removed=self.s.removed_total,
            by_exit=by_exit,
            steps=self.s.steps,
        )
