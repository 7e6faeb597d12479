"""Route planning of the egress model: when the routes are re-planned and with which inputs.

A re-plan estimates the time to cross each node at the default free speeds limited by the density
of walkers and people in pre-movement (SFPE, see :mod:`.speeds`), the wait in each link's queue
(queue / capacity) and the held (sheltering) nodes, then runs :func:`.routing.potentials` once for
every distinct exit set of the route classes and builds the split table
(:func:`.routing.build_split_table`). When the inputs are those of the last plan, the table is kept.
"""

from __future__ import annotations

import numpy as np

from simsoft.models.egress import hydraulics as hy
from simsoft.models.egress.network import Network
from simsoft.models.egress.population import RouteClass
from simsoft.models.egress.routing import SplitTable, build_split_table, potentials
from simsoft.models.egress.speeds import density_limit
from simsoft.models.egress.state import EgressState

__all__ = ["RoutePlanner", "class_exit_sets", "same_plan"]

_all = np.logical_and.reduce  # ndarray.all() without its Python wrapper
_UNREACHABLE_S = 1e7  # offset that ranks "assigned exit unreachable" below any real route


def class_exit_sets(classes: list[RouteClass], n_exits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The distinct exit sets of ``classes`` (row 0: every exit; one row of ``n_exits`` flags each),
    each class's row, and which classes keep an unreachable potential (``None`` if every class may
    use any exit).

    >>> sets, rows, free = class_exit_sets([RouteClass((1,), 1.0, 1.0), RouteClass(None, 1.0, 1.0)], 2)
    >>> sets.tolist(), rows.tolist(), free.ravel().tolist()
    ([[True, True], [False, True]], [1, 0], [False, True])
    """
    index: dict[tuple[int, ...] | None, int] = {None: 0}
    for rc in classes:
        index.setdefault(rc.exits, len(index))
    sets = np.zeros((len(index), n_exits), dtype=bool)
    for exits, i in index.items():
        sets[i, list(exits) if exits is not None else slice(None)] = True
    rows = np.asarray([index[rc.exits] for rc in classes], dtype=np.intp)
    free = np.asarray([rc.exits is None for rc in classes], dtype=bool)[:, None]
    return sets, rows, None if free.all() else free


def same_plan(old: tuple[np.ndarray, ...] | None, key: tuple[np.ndarray, ...]) -> bool:
    """True if the route inputs ``key`` (usable links, waits, crossing times, held nodes) are ``old``'s.

    >>> import numpy as np
    >>> k = (np.ones(2, bool), np.zeros(2), np.ones(3), np.zeros(3, bool))
    >>> same_plan(k, tuple(a.copy() for a in k)), same_plan(None, k)
    (True, False)
    """
    # The arrays of a key always have the same shapes: elementwise == is np.array_equal here.
    if old is None or not (_all(key[0] == old[0]) and _all(key[3] == old[3])):
        return False
    return bool(_all(key[1] == old[1]) and _all(key[2] == old[2]))


class RoutePlanner:
    """Builds and keeps the split table of a state (``s.table``), and the table's flat indexes."""

    def __init__(self, *, net: Network, dir_ok: np.ndarray, free_default: np.ndarray, replan_every_s: float) -> None:
        self.net = net
        self.n_nodes, self.n_exits = net.n_nodes, len(net.exit_ids)
        self.dir_ok = dir_ok  # directed links that may ever carry flow
        self.free_default = free_default
        self.replan_every_s = replan_every_s
        self._plan_key: tuple[np.ndarray, ...] | None = None
        self._plan_classes = 0
        self._exit_sets: tuple | None = None  # (classes, exit sets, class rows, fallback)
        self._cap_dl: np.ndarray | None = None  # capacity of each directed link (built at the first plan)
        self._cap_dl_pos = np.zeros(0, dtype=bool)
        self._tflat: tuple | None = None  # (table, classes, group flat index, entry flat index)

    def replan(self, s: EgressState, now: float) -> None:
        """Re-plan the routes of ``s`` at ``now`` (sets ``s.table``, ``s.dirty`` and ``s.next_replan``)."""
        net = self.net
        usable = s.usable_dl
        if usable is None:  # connections opened or closed since the last plan
            open_conn = np.asarray([not c for c in s.conn_closed], dtype=bool)
            usable = s.usable_dl = self.dir_ok & np.repeat(open_conn[net.link_conn], 2)
        density = (s.waiting + s.walking()) / net.area_m2
        speed = np.minimum(self.free_default, density_limit(density, net.k_m_s))  # default free speeds
        np.maximum(speed, hy.MIN_SPEED_M_S, out=speed)
        cross = net.travel_m / speed
        if s.harm_s.any():
            cross = cross + s.harm_s  # people go round where harm is happening
        if self._cap_dl is None:
            self._cap_dl = np.repeat(net.link_cap_p_s, 2)
            self._cap_dl_pos = self._cap_dl > 0
        cap = self._cap_dl
        wait = np.divide(s.backlog_dl, cap, out=np.zeros(len(cap)), where=self._cap_dl_pos)
        blocked = s.hold.copy()
        key = (usable, wait, cross, blocked)
        if s.table is not None and self._plan_classes == len(s.classes) and same_plan(self._plan_key, key):
            # Same inputs give the same table: skip the shortest paths (common in the free-walking tail).
            s.dirty = False
            s.next_replan = now + self.replan_every_s
            return
        self._plan_key, self._plan_classes = key, len(s.classes)
        exit_sets, rows, fallback = self._class_exit_sets(s.classes)
        # One potential per distinct exit set (row 0: every exit), all in one relaxation.
        pot = potentials(
            n_nodes=self.n_nodes,
            n_exits=self.n_exits,
            dl_src=net.dl_src,
            dl_dst=net.dl_dst,
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
        s.table = build_split_table(
            pots=pots, n_nodes=self.n_nodes, n_exits=self.n_exits, dl_src=net.dl_src, dl_dst=net.dl_dst,
            usable=usable, blocked=blocked, cap_p_s=net.link_cap_p_s,
        )
        s.dirty = False
        s.next_replan = now + self.replan_every_s

    def _class_exit_sets(self, classes: list[RouteClass]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """:func:`class_exit_sets` of ``classes``, kept until a class is added."""
        cached = self._exit_sets
        if cached is None or cached[0] != len(classes):
            cached = self._exit_sets = (len(classes), *class_exit_sets(classes, self.n_exits))
        return cached[1], cached[2], cached[3]

    def table_flat(self, table: SplitTable, C: int) -> tuple[np.ndarray, np.ndarray]:
        """Flat (C-order) indexes of ``table`` into (nodes x C) arrays: each group's (node, class) and
        each entry's (destination, class); built once per table and number of classes."""
        cached = self._tflat
        if cached is None or cached[0] is not table or cached[1] != C:
            group = table.group_node * C + table.group_class
            entry = self.net.dl_dst[table.entry_dl] * C + table.group_class[table.entry_group]
            cached = self._tflat = (table, C, group, entry)
        return cached[2], cached[3]
