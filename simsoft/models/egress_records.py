"""Records of the egress model: milestones, first use of each exit, zones cleared, queues and crowd
densities over their thresholds, the occupancy time series and the end-of-run summaries.

:class:`EgressRecords` is a mixin of :class:`simsoft.models.egress.EgressModel`: it reads the
model's state (occupancy, people out, flows of the last step) and writes events and samples to the
model's recorder. It never changes the crowd, so records can be kept or dropped without changing
results.
"""

from __future__ import annotations

import math

import numpy as np

from simsoft.models.hydraulics import fruin_los

__all__ = ["EgressRecords", "MILESTONES_PCT", "DENSITY_THRESHOLDS_P_M2"]

MILESTONES_PCT = (50, 90, 95, 100)
"""Shares of the population out at which ``egress.milestone`` is recorded."""

DENSITY_THRESHOLDS_P_M2 = (4.0, 5.0)
"""Crowd-safety thresholds: ~4 p/m^2 a moving crowd immobilises, >= 5 p/m^2 dangerous (G. K. Still,
*Crowd Dynamics*, PhD thesis, 2000)."""

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


class EgressRecords:
    """Event records and time-series samples of :class:`~simsoft.models.egress.EgressModel` (a mixin)."""

    def _init_records(self) -> None:
        net = self.net
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
        # Thresholds as a column: one comparison covers both; its result serves the alerts of this
        # step and the time-above totals of the next accounting.
        self._thr_col = np.asarray([thr + _EPS for thr in DENSITY_THRESHOLDS_P_M2])[:, None]
        self._thr_low = float(self._thr_col.min())  # some node is above a threshold iff the densest is above this
        self._acc_above = np.zeros((len(DENSITY_THRESHOLDS_P_M2), self.N), dtype=bool)
        self._acc_any = False
        self._group_started = np.zeros(len(self._groups), dtype=np.int64)
        self._group_first_all = False
        self._exits_all_seen = self.X == 0
        self._exit_dl = np.flatnonzero(self._dl_dst >= self.N)

    def _group_events(self, t0: float, t1: float, n_group: np.ndarray) -> None:
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
        done = (started >= self._group_count) & ~self._group_all
        if _any(done):
            for g in (done & (self._group_count > 0)).nonzero()[0].tolist():
                self._group_all[g] = True
                self.recorder.emit(t1, "egress.group_all_started", self._group_name[g], zone=self._groups[g].zone, moving_from_s=t0)

    def _account(self, t: float, density: np.ndarray | None = None) -> None:
        """Add the time since the last accounting to the time-above-threshold totals."""
        span = t - self._acc_t
        if span > 0 and self._acc_any:
            # Nodes below every threshold would add span x 0 = 0: skipped when none is above.
            self._time_above += span * self._acc_above
        self._acc_t = t
        density = self._acc_density = self.density_nodes() if density is None else density
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

    def _after_step(self, t0: float, t1: float, occ: np.ndarray | None = None) -> None:
        """Events and samples after a step; ``occ`` is :meth:`occupancy_nodes` if the step has it."""
        if occ is None:
            occ = self.occupancy_nodes()
        density = occ / self.net.area_m2
        self._account(t1, density)
        self._check_density(t1, density)
        # Milestones: share of the population out, time interpolated within the step.
        out = self.exited_total
        # Casualties taken out of the crowd (remove_people) no longer count towards the milestones.
        base = self.population - self.removed_total
        before = None
        while self._milestone_next < len(MILESTONES_PCT) and base > 0:
            pct = MILESTONES_PCT[self._milestone_next]
            need = base * pct / 100.0
            if out < need - 1e-6:
                break
            if before is None:
                before = out - float(self.last_flow_dl[self._exit_dl].sum()) if self.X else out
            frac = 1.0 if out <= before else min(1.0, max(0.0, (need - before) / (out - before)))
            at = t1 if pct == 100 else t0 + frac * (t1 - t0)
            # Recorded at the end of the step (the log stays in time order); ``at_s`` interpolates.
            self.recorder.emit(t1, "egress.milestone", "", pct=pct, count=int(math.ceil(need - 1e-6)), at_s=at)
            self._milestone_next += 1
        if not self._exits_all_seen:
            first = (self.exited > _EPS) & ~self._exit_seen
            if _any(first):  # the seen exits change only here: nothing new, nothing to update
                for j in first.nonzero()[0].tolist():
                    self._exit_seen[j] = True
                    self.recorder.emit(t1, "egress.exit_first", self.net.exit_ids[j], count=float(self.exited[j]))
                self._exits_all_seen = bool(self._exit_seen.all())
        # Zones cleared (occupied before, empty now): had & ~has is had > has for booleans.
        has = occ > 1e-6
        cleared = np.greater(self._zone_had_people[: self.Z], has[: self.Z])
        if _any(cleared):
            for z in cleared.nonzero()[0].tolist():
                self.recorder.emit(t1, "egress.zone_clear", self.net.node_ids[z])
        self._zone_had_people = has
        # Queues at connections above the alert threshold (first time).
        if _any(self.backlog_dl):
            per_conn = np.bincount(self._dl_conn, weights=self.backlog_dl, minlength=len(self.net.conn_ids))
            new = (per_conn > self.settings.queue_alert_p) & ~self._queue_alerted
            for ci in new.nonzero()[0].tolist():
                self._queue_alerted[ci] = True
                self.recorder.emit(t1, "egress.queue", self.net.conn_ids[ci], queue_p=float(per_conn[ci]), threshold_p=self.settings.queue_alert_p)
        if t1 >= self._next_record - _EPS:
            self._record(t1)

    def _record(self, t: float) -> None:
        # Float64 arrays: the recorder turns them into floats with one tolist() each.
        occ = self.occupancy_nodes()
        zone_occ = occ[: self.Z]
        zones, exits = self._zone_names, self._exit_names
        self.recorder.sample(t, "occupants", zones, zone_occ)
        self.recorder.sample(t, "density_p_m2", zones, zone_occ / self.net.area_m2[: self.Z])
        self.recorder.sample(t, "exited", exits, self.exited)
        self.recorder.sample(t, "started", [""], [float(_sum(self.units.started))])
        self.recorder.sample(t, "inside", [""], [float(_sum(occ))])
        self._last_record_t = t
        every = float(self.settings.record_every)
        self._next_record = _next_after(self._next_record, t + _EPS, every)

    def _final_records(self, now: float) -> None:
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
            exited=self.exited_total,
            inside=self.inside_total,
            removed=self.removed_total,
            by_exit=self.exited_by_exit(),
            steps=self.steps,
        )
