"""Event skipping of the egress model: jump over the steps in which people only walk.

Late in an evacuation most steps change nothing but the distance walked: nobody is released, nobody
reaches a door, nobody queues. Such a *quiet* step moves every walker by speed x dt at a speed that
stays the same from step to step (nobody changes node, so densities stay put). :func:`quiet_steps`
counts the quiet steps ahead, the model lets the SimPy clock jump over them in one timeout and then
applies them one by one with exactly the arithmetic of a full step (same additions in the same
order), so results are byte-identical to stepping every ``dt``. A jump stops at the next time-series record
(a paused run never holds records from its future) and ends early when an action arrives: the
action first catches up the quiet steps that ended before it, and the step it falls in is computed
in full. See ``docs/egress-model.md`` ("Performance").
"""

from __future__ import annotations

import math

import numpy as np

from simsoft.models.egress.plan import RoutePlanner
from simsoft.models.egress.speeds import SpeedField
from simsoft.models.egress.state import EgressState

__all__ = ["Jump", "jump_end", "quiet_run", "quiet_steps"]

_EPS = 1e-9
_any = np.logical_or.reduce  # ndarray.any() without its Python wrapper (1-D arrays here)


class Jump:
    """A jump in progress: it started at ``start`` over ``quiet`` steps, each adding ``inc`` (nodes x
    classes) to the distances walked; ``done`` of them are applied, the last one ending at ``t``."""

    __slots__ = ("start", "quiet", "inc", "done", "t")

    def __init__(self, start: float, quiet: int, inc: np.ndarray) -> None:
        self.start, self.quiet, self.inc = start, quiet, inc
        self.done, self.t = 0, start


def jump_end(now: float, dt: float, k: int) -> float:
    """The end of ``k`` steps of ``dt`` from ``now``, added one step at a time as the steps are.

    >>> jump_end(0.0, 0.1, 3) == 0.1 + 0.1 + 0.1, jump_end(0.0, 0.1, 3) == 0.3
    (True, False)
    """
    t = now
    for _ in range(k):
        t += dt
    return t


def quiet_run(*, now: float, dt: float, walked: np.ndarray, inc: np.ndarray, target: np.ndarray, first_release: float,
              next_record: float) -> int:
    """How many steps from ``now`` pass before a walker reaches a door or a release is due.

    ``walked`` and ``inc`` are the distances walked by each cohort's (node, class) and what a step
    adds to them, ``target`` the distance at which each cohort reaches its node's doors. The count
    stops at the step that takes the next time-series record (at ``next_record``).

    >>> import numpy as np
    >>> quiet_run(now=0.0, dt=1.0, walked=np.zeros(1), inc=np.ones(1), target=np.array([5.0]),
    ...           first_release=math.inf, next_record=100.0)  # the 5th step brings them to the door
    4
    >>> quiet_run(now=0.0, dt=1.0, walked=np.zeros(1), inc=np.ones(1), target=np.array([5.0]),
    ...           first_release=math.inf, next_record=2.0)  # the 2nd step takes a record
    2
    """
    t1, k = now, 0
    while True:
        t1 += dt
        t0 = t1 - dt
        walked = walked + inc
        if first_release <= t0 + dt / 2.0 or _any(target <= walked + 1e-9):
            return k
        k += 1
        if t1 >= next_record - _EPS:
            return k


def quiet_steps(s: EgressState, *, now: float, dt: float, speeds: SpeedField, planner: RoutePlanner, next_record: float) -> int:
    """How many of the next steps only move walkers inside their nodes (0 if the next one does more).

    A quiet step releases nobody, brings nobody to a door, has nobody ready at a door and no
    queue: all it changes is the distance walked, at speeds that stay constant because nobody
    changes node. The count stops at the step that takes the next time-series record, so a
    paused run never holds records from its future.
    """
    table = s.table
    if s.dirty or table is None or _any(s.backlog_dl):
        return 0
    if table.n_groups and _any(s.ready.take(planner.table_flat(table, len(s.classes))[0])):
        return 0
    if len(s.coh_n) == 0:
        return 0  # nobody walks: the wait for the next release is skipped by the model (no step counted)
    first_release = float(s.pend_t[0]) if len(s.pend_t) else math.inf
    if first_release <= now + 1.5 * dt:
        return 0
    flat = s.coh_flat  # node * classes + class
    walked = s.walked_m.reshape(-1)[flat]
    inc = (speeds.speeds(s) * dt).reshape(-1)[flat]
    return quiet_run(now=now, dt=dt, walked=walked, inc=inc, target=s.coh_target, first_release=first_release,
                     next_record=next_record)
