"""Event skipping of the egress model: jump over the steps in which people only walk.

Late in an evacuation most steps change nothing but the distance walked: nobody is released, nobody
reaches a door, nobody queues. Such a *quiet* step moves every walker by speed x dt at a speed that
stays the same from step to step (nobody changes node, so densities stay put). :class:`EventSkipping`
counts the quiet steps ahead, lets the SimPy clock jump over them in one timeout, and then applies
them one by one with exactly the arithmetic of a full step (same additions in the same order), so
results are byte-identical to stepping every ``dt``. A jump stops at the next time-series record
(a paused run never holds records from its future) and ends early when an action arrives: the
action first catches up the quiet steps that ended before it, and the step it falls in is computed
in full. See ``docs/egress-model.md`` ("Performance").
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["EventSkipping"]

_EPS = 1e-9
_any = np.logical_or.reduce  # ndarray.any() without its Python wrapper (1-D arrays here)


class EventSkipping:
    """Quiet-step jumps of :class:`~simsoft.models.egress.EgressModel` (a mixin)."""

    def _jump_t_end(self, now: float, k: int) -> float:
        t = now
        for _ in range(k):
            t += self.dt
        return t

    def _quiet_steps(self, now: float) -> int:
        """How many of the next steps only move walkers inside their nodes (0 if the next one does more).

        A quiet step releases nobody, brings nobody to a door, has nobody ready at a door and no
        queue: all it changes is the distance walked, at speeds that stay constant because nobody
        changes node. The count stops at the step that takes the next time-series record, so a
        paused run never holds records from its future.
        """
        table = self._table
        if self._dirty or table is None or _any(self.backlog_dl):
            return 0
        if table.n_groups and _any(self.ready.take(self._table_flat(table, len(self._classes))[0])):
            return 0
        if len(self._coh_n) == 0:
            return 0  # nobody walks: the wait for the next release is skipped by _run (no step counted)
        dt = self.dt
        first_release = float(self._pend_t[0]) if len(self._pend_t) else math.inf
        if first_release <= now + 1.5 * dt:
            return 0
        flat = self._coh_flat  # node * classes + class
        walked = self.walked_m.reshape(-1)[flat]
        inc = (self._speeds() * dt).reshape(-1)[flat]
        target = self._coh_target
        t1, k = now, 0
        while True:
            t1 += dt
            t0 = t1 - dt
            walked = walked + inc
            if first_release <= t0 + dt / 2.0 or _any(target <= walked + 1e-9):
                return k
            k += 1
            if t1 >= self._next_record - _EPS:
                return k

    def _catch_up(self, *, final: bool = False) -> None:
        """Apply the quiet steps of a jump that ended before now (all that ended by now if ``final``).

        Each is applied exactly as :meth:`_step` would compute it, so results do not depend on
        whether a step was jumped over. Actions call this first, then interrupt the jump.
        """
        if self._jump is None:
            return
        start, quiet, inc = self._jump
        now = float(self.env.now)
        replan_at = None
        while self._jump_done < quiet:
            t1 = self._jump_t + self.dt
            if t1 >= now - _EPS and not (final and t1 <= now + _EPS):
                break
            self._jump_t, self._jump_done = t1, self._jump_done + 1
            self.steps += 1
            self.walked_m += inc
            self._credit = np.minimum(self._credit + self._cap_dt(self.dt), self._burst)
            if t1 >= self._next_replan - _EPS:
                replan_at = t1
                self._next_replan = t1 + float(self.settings.replan_every)
            self.last_flow_dl = np.zeros(2 * self.net.n_links)
            self._last_moved = 0.0
            self._account(t1)
            if t1 >= self._next_record - _EPS:
                self._record(t1)
        if replan_at is not None:
            self._replan(replan_at)

    def _interrupt(self) -> None:
        """Catch up with a jump in progress and end it (the state is about to change)."""
        if self._jump is not None:
            self._catch_up()
            self.wake()

    _last_moved = 0.0
    _last_record_t = -1.0
