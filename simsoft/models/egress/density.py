"""Local crowd density at queue fronts: how densely the people queueing at each door stand in front of it.

Zone densities average a crowd over the whole zone and the flow model stops inflow at
``egress.max_density_p_m2``, so they never show the dense fronts where crushes happen: at doors and
bottleneck approaches. This module reads the crowd state (never changes it) and estimates, for every
directed link out of an internal node, the density of the queue's front:

* **Queue at a door.** The people left in the queue of each directed link after the step
  (``backlog_dl``). People ready at a node's doors with no usable way out (its connections closed,
  nobody passes) are *stranded*: they press at the node's closed doors (by width), or at all its doors
  when none is closed. People in a sheltering or locked-down zone are not counted as pressing.
* **Approach area.** The front is the area within ``approach_depth_m`` d of a door of clear width
  w on the node's side: a rectangle w x d plus a half-disc of radius d (the door segment widened by
  d), ``w d + pi d^2 / 2``, at most the node's area (:func:`approach_area_m2`).
* **Who presses.** At the door's current flow F (people per second), the people who would wait
  longer than ``patience`` press forward: ``max(Q - F x patience, 0)``; at a door that passes
  nobody every one of its queue presses. A front presses at most ``press_limit`` without a break,
  then settles.
* **Front density** (:func:`front_density_p_m2`). People who do not press fill the approach area at
  most at the orderly queue density (Fruin queuing LOS D, 3.6 p/m^2); people who press squeeze
  into it on top, up to ``max_density_p_m2`` (about 9-10 p/m^2, Helbing, Johansson & Al-Abideen
  2007); the rest stand behind. The front is never less dense than the node as a whole.

So an orderly queue at an adequate door never exceeds 3.6 p/m^2, whatever its length; a door that
is closed or jammed while a large crowd presses toward it, or a bottleneck so severe that the wait
exceeds people's patience, can push its front past 4 and 5 p/m^2 (G. K. Still, *Crowd Dynamics*,
PhD thesis, 2000). Bottleneck experiments show the density in front of an entrance rising with the
motivation to push and the space in front of it (Adrian, Seyfried & Sieben, J. R. Soc. Interface
17:20190871, 2020).

>>> round(float(approach_area_m2(width_m=1.0, depth_m=4.0, area_m2=1000.0)), 2)
29.13
>>> float(front_density_p_m2(queue_p=50.0, pressing_p=0.0, area_m2=20.0, orderly_p_m2=3.6, max_p_m2=9.0))
2.5
>>> float(front_density_p_m2(queue_p=150.0, pressing_p=100.0, area_m2=20.0, orderly_p_m2=3.6, max_p_m2=9.0))
7.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simsoft.models.egress.network import Network
from simsoft.models.egress.state import EgressState
from simsoft.schema.egress import CrushSettings

__all__ = ["approach_area_m2", "front_density_p_m2", "Fronts", "QueueFronts", "FrontRecorder", "FRONT_THRESHOLDS_P_M2"]

_EPS = 1e-9
_sum = np.add.reduce
_any = np.logical_or.reduce
_ARRAYS = ("dl", "node", "queue_p", "pressing_p", "density_p_m2", "front_p", "pressing_since_s")
"""The array fields of :class:`Fronts`, in order."""

FRONT_THRESHOLDS_P_M2 = (4.0, 5.0)
"""Crowd-safety thresholds of a queue front: ~4 p/m^2 a moving crowd immobilises, >= 5 p/m^2 dangerous
(G. K. Still, *Crowd Dynamics*, PhD thesis, 2000)."""


def approach_area_m2(*, width_m: float | np.ndarray, depth_m: float, area_m2: float | np.ndarray) -> float | np.ndarray:
    """Area within ``depth_m`` of a door of clear width ``width_m`` on one side, at most ``area_m2`` (m^2).

    ``w d + pi d^2 / 2``: the door segment widened by a half-disc of radius d.

    >>> round(float(approach_area_m2(width_m=0.0, depth_m=2.0, area_m2=100.0)), 3)  # a half-disc
    6.283
    >>> float(approach_area_m2(width_m=10.0, depth_m=4.0, area_m2=30.0))  # capped by the room
    30.0
    """
    return np.minimum(np.asarray(width_m) * depth_m + math.pi * depth_m * depth_m / 2.0, area_m2)[()]


def front_density_p_m2(
    *, queue_p: float | np.ndarray, pressing_p: float | np.ndarray, area_m2: float | np.ndarray,
    orderly_p_m2: float, max_p_m2: float,
) -> float | np.ndarray:
    """Density (p/m^2) of a queue front of ``area_m2`` holding ``queue_p`` people, ``pressing_p`` of them pressing.

    The people who do not press fill the front up to ``orderly_p_m2``; the pressing ones squeeze in on
    top, up to ``max_p_m2``.

    >>> float(front_density_p_m2(queue_p=500.0, pressing_p=0.0, area_m2=20.0, orderly_p_m2=3.6, max_p_m2=9.0))
    3.6
    >>> float(front_density_p_m2(queue_p=500.0, pressing_p=500.0, area_m2=20.0, orderly_p_m2=3.6, max_p_m2=9.0))
    9.0
    """
    area = np.asarray(area_m2, dtype=float)
    orderly = np.minimum(np.asarray(queue_p) - np.asarray(pressing_p), orderly_p_m2 * area)
    # No division by zero to silence (an area of 0 divides by 1.0), so no np.errstate: entering and
    # leaving it cost more than the arithmetic on a few fronts, at every reading.
    positive = area > 0
    d = np.where(positive, (orderly + pressing_p) / np.where(positive, area, 1.0), 0.0)
    return np.minimum(d, max_p_m2)[()]


@dataclass(frozen=True, eq=False)
class Fronts:
    """Queue fronts at one time: one entry per directed link with people queueing at it (arrays, read-only)."""

    t_s: float
    """When they were read."""
    dl: np.ndarray
    """Directed link of each front."""
    node: np.ndarray
    """Internal node the queue stands in."""
    queue_p: np.ndarray
    """People queueing at the door."""
    pressing_p: np.ndarray
    """People of the queue pressing forward."""
    density_p_m2: np.ndarray
    """Density of the front (the approach area in front of the door)."""
    front_p: np.ndarray
    """People in the front (at most the queue)."""
    pressing_since_s: np.ndarray
    """When each front started pressing without a break (NaN when it does not press)."""

    def densest(self) -> int | None:
        """Index of the densest front (the first of equals), or ``None`` when there is none."""
        return int(self.density_p_m2.argmax()) if len(self.dl) else None  # the method: np.argmax without its wrapper


class QueueFronts:
    """Reads the queue fronts of a crowd state (:meth:`read`); keeps only when each front started pressing."""

    def __init__(self, *, s: EgressState, net: Network, settings: CrushSettings, width_m: np.ndarray,
                 dir_ok: np.ndarray, dt: float) -> None:
        self.s, self.net, self.settings, self.dt = s, net, settings, float(dt)
        n_dl = 2 * net.n_links
        self.src = net.dl_src
        self.ok = dir_ok.copy()  # directed links that may ever carry people out of an internal node
        self.width = np.repeat(np.asarray(width_m, dtype=float), 2)
        src_area = net.area_m2[np.minimum(self.src, net.n_nodes - 1)]
        self.area = np.where(self.ok, approach_area_m2(width_m=self.width, depth_m=settings.approach_depth_m,
                                                        area_m2=src_area), 0.0)
        self.dl_conn = np.repeat(net.link_conn, 2)
        self._area_pos = self.area > 0
        self._area_div = np.where(self._area_pos, self.area, 1.0)
        self._orderly_cap = settings.orderly_density_p_m2 * self.area  # what front_density_p_m2 computes per front
        self._since = np.full(n_dl, np.nan)
        self._since_clear = True  # every entry of _since is nan
        self._last: tuple | None = None
        self._memo: tuple | None = None
        """(inputs, is_pressing, tired, fronts) of the last full reading, see :meth:`_inputs`."""
        self._empty = Fronts(0.0, *(np.zeros(0, dtype=np.int64),) * 2, *(np.zeros(0),) * 5)
        self.changes = 0
        """Changes of the crowd outside a step (actions, removals): the egress model counts them (:meth:`below`)."""
        self._stamp: tuple | None = None
        """(steps, people removed, changes) of the crowd the last reading (``_last``) read."""

    def read(self, now: float) -> Fronts:
        """The fronts now (cached for the same time and crowd; empty when nobody queues)."""
        s = self.s
        key = (now, s.steps, s.removed_total)  # ready and the queues change only in a step or a removal
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        fronts = self._read(now)
        self._last = (key, fronts)
        self._stamp = (s.steps, s.removed_total, self.changes)
        return fronts

    def below(self, density_p_m2: float) -> bool:
        """True when a reading now would find no front denser than ``density_p_m2``, known without reading.

        That is so when the crowd is the one the last reading read (no step, removal or action since)
        and that reading's densest front stays below ``density_p_m2`` by a margin of 1e-9 relative. Time
        alone only ends pressing: a front that has pressed ``press_limit`` settles, and the density of a
        front never rises when people stop pressing (``front_density_p_m2`` is the people who fit orderly
        plus those pressing: ``min(queue, orderly x area + pressing) / area``, non-decreasing in
        ``pressing``; the margin covers the rounding of that sum). The crush watch asks this before
        each reading, which is then skipped: the crowd does not change between the reading after a step
        and the watch's reading before the next, nor during a jump over quiet steps.
        """
        s = self.s
        if self._last is None or self._stamp != (s.steps, s.removed_total, self.changes):
            return False
        d = self._last[1].density_p_m2
        return not len(d) or np.maximum.reduce(d) < density_p_m2 * (1.0 - 1e-9)

    def _inputs(self) -> tuple:
        """Everything a reading depends on but the time: the crowd arrays it reads and when fronts started pressing.

        The crush watch reads the fronts at the start of each step, before the step changes the crowd
        that the reading after the previous step saw: the same inputs at a later time. Then no front
        starts or stops pressing, so only which fronts have pressed too long can differ; when that is
        the same too, the fronts are those of the last reading, value for value (:meth:`_read`).
        """
        s = self.s
        return (s.ready.shape, s.ready.tobytes(), s.backlog_dl.tobytes(), s.last_flow_dl.tobytes(),
                s.hold.tobytes(), tuple([bool(c) for c in s.conn_closed]), s.occupancy().tobytes(),
                self._since.tobytes())

    def _no_queue(self) -> Fronts:
        """The empty reading: nobody queues, so no front presses any more."""
        if not self._since_clear:
            self._since[:] = np.nan
            self._since_clear = True
        return self._empty

    def _read(self, now: float) -> Fronts:
        s, net, cfg = self.s, self.net, self.settings
        N = net.n_nodes
        # Nobody ready anywhere (all zeros, the common case): every node's sum is 0.0, so the test
        # below would find no queue; skip the sums. ``ready`` is never negative.
        if not s.ready.shape[1] or not _any(s.ready, axis=None):
            return self._no_queue()
        ready_n = _sum(s.ready, axis=1)
        if not np.maximum.reduce(ready_n, initial=0.0) > _EPS:
            return self._no_queue()
        memo = self._memo
        if memo is not None:
            inputs = self._inputs()
            if inputs == memo[0]:
                since = self._since
                tired = memo[1] & (now - since >= cfg.press_limit - _EPS)
                if tired.tobytes() == memo[2]:
                    last = memo[3]
                    return last if last is self._empty else Fronts(now, *(getattr(last, f) for f in _ARRAYS))
        src = self.src
        ok = self.ok
        backlog = np.where(ok, np.maximum(s.backlog_dl, 0.0), 0.0)
        src_i = np.minimum(src, N - 1)  # exits are never sources of usable links (masked by ok)
        sum_b = np.bincount(src_i, weights=backlog, minlength=N)
        scale = np.where(sum_b > ready_n, ready_n / np.where(sum_b > 0, sum_b, 1.0), 1.0)
        queue = backlog * scale[src_i]
        stranded = np.maximum(ready_n - sum_b * scale, 0.0)
        stranded[s.hold] = 0.0  # people sheltering or locked down wait; they do not press
        flow_p_s = np.where(ok, s.last_flow_dl, 0.0) / self.dt
        pressing = np.maximum(queue - flow_p_s * cfg.patience, 0.0)
        if np.maximum.reduce(stranded, initial=0.0) > _EPS:
            # Stranded people press at their node's closed doors (by width), or at all its doors.
            closed_conn = np.asarray([bool(c) for c in s.conn_closed], dtype=bool)
            closed = ok & closed_conn[self.dl_conn]
            has_closed = np.bincount(src_i, weights=closed.astype(float), minlength=N) > 0
            at = np.where(has_closed[src_i], closed, ok)
            w = np.where(at, self.width, 0.0)
            w_sum = np.bincount(src_i, weights=w, minlength=N)
            share = np.where(w_sum[src_i] > 0, w / np.where(w_sum[src_i] > 0, w_sum[src_i], 1.0), 0.0)
            extra = stranded[src_i] * share
            queue = queue + extra
            pressing = pressing + extra
        # A front presses at most press_limit without a break, then settles.
        is_pressing = pressing > _EPS
        since = self._since
        since[~is_pressing] = np.nan
        start = is_pressing & np.isnan(since)
        since[start] = now
        self._since_clear = not _any(is_pressing)
        tired = is_pressing & (now - since >= cfg.press_limit - _EPS)
        pressing[tired] = 0.0
        idx = (queue > _EPS).nonzero()[0]  # np.flatnonzero without its wrapper (1-D)
        if len(idx) == 0:
            self._memo = (self._inputs(), is_pressing, tired.tobytes(), self._empty)
            return self._empty
        node = src[idx]
        area = self.area[idx]
        q, p = queue[idx], pressing[idx]
        # front_density_p_m2 over the fronts, with its per-link factors indexed instead of recomputed
        # (the same products and quotients, so the same floats).
        orderly = np.minimum(q - p, self._orderly_cap[idx])
        d = np.minimum(np.where(self._area_pos[idx], (orderly + p) / self._area_div[idx], 0.0), cfg.max_density_p_m2)
        node_density = s.occupancy()[node] / net.area_m2[node]
        d = np.maximum(d, node_density)  # a front is never less dense than its node as a whole
        front = np.minimum(q, d * area)
        fronts = Fronts(now, idx, node, q, p, d, front, np.where(tired, np.nan, since)[idx])
        for a in (fronts.dl, fronts.node, fronts.queue_p, fronts.pressing_p, fronts.density_p_m2, fronts.front_p,
                  fronts.pressing_since_s):
            a.flags.writeable = False
        self._memo = (self._inputs(), is_pressing, tired.tobytes(), fronts)
        return fronts

    def press_ends_s(self, fronts: Fronts) -> float:
        """When the last front pressing now stops pressing if nothing changes (``-inf`` if none presses)."""
        since = fronts.pressing_since_s
        live = since[~np.isnan(since)]
        return float(live.max() + self.settings.press_limit) if len(live) else -math.inf


class FrontRecorder:
    """Peak front density, first crossings of the thresholds and time above them, from the fronts read after each step.

    Between readings (a jump, or an idle crowd) a front stays as last read, except that a pressing
    front stops being dense when its ``press_limit`` runs out.
    """

    def __init__(self, *, fronts: QueueFronts, recorder, conn_ids: tuple[str, ...], node_ids: tuple[str, ...]) -> None:
        self.fronts, self.recorder = fronts, recorder
        self.conn_ids, self.node_ids = conn_ids, node_ids
        self.peak = 0.0
        self.peak_where: tuple[str, str] | None = None  # (connection, node)
        self.peak_at = None
        self.time_above = [0.0] * len(FRONT_THRESHOLDS_P_M2)
        self._alerted = [False] * len(FRONT_THRESHOLDS_P_M2)
        self._t = 0.0
        self._above_until = [-math.inf] * len(FRONT_THRESHOLDS_P_M2)

    def account(self, t: float) -> None:
        """Add the time since the last reading to the time above each threshold."""
        for i, until in enumerate(self._above_until):
            if until > self._t:
                self.time_above[i] += max(min(t, until) - self._t, 0.0)
        self._t = t

    def after_step(self, t: float) -> None:
        """Read the fronts at ``t`` (after a step) and record what changed."""
        self.account(t)
        f = self.fronts.read(t)
        k = f.densest()
        if k is None:
            self._above_until = [-math.inf] * len(FRONT_THRESHOLDS_P_M2)
            return
        d = f.density_p_m2
        if d[k] > self.peak:
            self.peak, self.peak_at = float(d[k]), t
            self.peak_where = (self.conn_ids[int(self.fronts.dl_conn[f.dl[k]])], self.node_ids[int(f.node[k])])
        for i, thr in enumerate(FRONT_THRESHOLDS_P_M2):
            above = d >= thr - _EPS
            if not _any(above):
                self._above_until[i] = -math.inf
                continue
            since = f.pressing_since_s[above]
            # A front dense only because it presses stops being dense when its press_limit runs out.
            node = f.node[above]
            pressing_only = ~np.isnan(since) & (self.fronts.s.occupancy()[node] / self.fronts.net.area_m2[node] < thr - _EPS)
            ends = np.where(pressing_only, since + self.fronts.settings.press_limit, math.inf)
            self._above_until[i] = float(ends.max())
            if not self._alerted[i]:
                self._alerted[i] = True
                j = int(np.flatnonzero(above)[int(np.argmax(d[above]))])
                self.recorder.emit(t, "egress.front_density", self.conn_ids[int(self.fronts.dl_conn[f.dl[j]])],
                                   node=self.node_ids[int(f.node[j])], threshold_p_m2=thr,
                                   density_p_m2=float(d[j]), queue_p=float(f.queue_p[j]))

    def finalize(self, now: float) -> None:
        """Account up to ``now`` and record the summary (``egress.front_summary``)."""
        self.account(now)
        conn, node = self.peak_where if self.peak_where is not None else (None, None)
        self.recorder.emit(now, "egress.front_summary", "", peak_density_p_m2=self.peak, connection=conn, node=node,
                           at_s=self.peak_at, time_above_4_s=self.time_above[0], time_above_5_s=self.time_above[1])
