"""The crowd state of the egress model: every array and counter a step reads and writes.

:class:`EgressState` is plain data plus the few operations that keep its caches honest: the
walkers per node and the occupancy per node are cached until the crowd changes, and every change
of ``waiting``, ``ready``, the cohorts or ``exited`` goes through :meth:`EgressState.changed`
(directly or through :meth:`EgressState.add_cohorts` / :meth:`EgressState.class_index`).

Where people are (``N`` internal nodes, ``C`` route classes, ``X`` exits):

* ``waiting[N]``: people not moving yet (in pre-movement, or not told to leave);
* cohorts: people walking across a node, one entry per (node, class) and step they entered it,
  oldest first: node, class, flat index ``node * C + class``, the distance ``walked_m`` of their
  (node, class) at which they reach its doors, and how many they are;
* ``ready[N, C]``: people at a node's doors, queueing or about to pass;
* ``exited[X]``: people out, by exit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simsoft.models.egress.population import RouteClass, Units
from simsoft.models.egress.routing import SplitTable

__all__ = ["EgressState", "new_state"]

_sum = np.add.reduce  # ndarray.sum() without its Python wrapper (the same pairwise sum)


@dataclass(eq=False, slots=True)
class EgressState:
    """Arrays and counters of one egress run (see the module docstring for where people are)."""

    n_nodes: int
    travel_m: np.ndarray  # travel length of each internal node (m), from the network
    units: Units
    waiting: np.ndarray
    # Route classes, each unit's class and the units' flat (node, class) index (None when stale).
    classes: list[RouteClass] = field(default_factory=list)
    class_of: dict[tuple, int] = field(default_factory=dict)
    unit_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unit_flat: np.ndarray | None = None
    ready: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    walked_m: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    coh_node: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coh_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coh_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coh_target: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coh_n: np.ndarray = field(default_factory=lambda: np.zeros(0))
    exited: np.ndarray = field(default_factory=lambda: np.zeros(0))
    removed_total: float = 0.0
    # Per person (contiguous by unit, each unit's draws sorted): unit, pre-movement draw, alert
    # time, pre-movement factor of the message that reached them, state (0 waiting, 1 scheduled,
    # 2 moving, 3 removed), the uniform key that decides who a partial alert reaches, node, group.
    p_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    p_draw: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_alert: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_factor: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_state: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    p_key: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_node: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    p_group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Queued releases: start time and person, sorted by time.
    pend_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pend_person: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Zones: reach of the alerts so far, first alert time, held (shelter/lockdown), told to leave.
    reach: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alerted_at: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hold: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # Nodes: extra crossing time routes count where harm is happening (people go round it; 0 elsewhere).
    harm_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    evacuating: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # Connections: what closed each (empty set = open); directed links open to flow (None after a change).
    conn_closed: list[set[str]] = field(default_factory=list)
    usable_dl: np.ndarray | None = None
    # Flows: of the last step and the queue left per directed link; capacity credit per link (see flow).
    last_flow_dl: np.ndarray = field(default_factory=lambda: np.zeros(0))
    backlog_dl: np.ndarray = field(default_factory=lambda: np.zeros(0))
    burst: np.ndarray = field(default_factory=lambda: np.zeros(0))
    credit: np.ndarray = field(default_factory=lambda: np.zeros(0))
    capdt_dt: float = float("nan")  # link capacity x dt for the last dt seen, see flow.cap_dt
    capdt: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ones_nx: np.ndarray = field(default_factory=lambda: np.zeros(0))  # copied for each step's room factors
    last_moved: float = 0.0
    # Routing: the split table, whether it must be rebuilt, when it is due.
    table: SplitTable | None = None
    dirty: bool = True
    next_replan: float = 0.0
    # Progress.
    idle: bool = True
    steps: int = 0
    # Walkers per node and occupancy per node of the current state, read-only; None when stale.
    walk_cache: np.ndarray | None = None
    occ_cache: np.ndarray | None = None
    speed_cache: tuple | None = None  # (walkers array, classes, speeds), see speeds.SpeedField

    def changed(self) -> None:
        """Drop the cached walkers, occupancy and speeds (waiting, ready, cohorts or exited changed)."""
        self.walk_cache = self.occ_cache = self.speed_cache = None

    def walking(self) -> np.ndarray:
        """People walking across each internal node (summed over the cohorts in their order; read-only, cached)."""
        walking = self.walk_cache
        if walking is None:
            walking = self.walk_cache = np.bincount(self.coh_node, weights=self.coh_n, minlength=self.n_nodes)
            walking.flags.writeable = False
        return walking

    def occupancy(self) -> np.ndarray:
        """People in every internal node (read-only, cached until the crowd changes)."""
        occ = self.occ_cache
        if occ is None:
            occ = self.occ_cache = self.waiting + self.walking() + _sum(self.ready, axis=1)
            occ.flags.writeable = False
        return occ

    def class_index(self, rc: RouteClass) -> int:
        """The index of route class ``rc``, added (one more column of ``ready`` and ``walked_m``) if new."""
        key = rc.key()
        idx = self.class_of.get(key)
        if idx is None:
            idx = len(self.classes)
            self.classes.append(rc)
            self.class_of[key] = idx
            self.reflat()
            self.unit_flat = None
            self.ready = np.hstack([self.ready, np.zeros((self.n_nodes, 1))])
            self.walked_m = np.hstack([self.walked_m, np.zeros((self.n_nodes, 1))])
            self.changed()
        return idx

    def reflat(self) -> None:
        """Rebuild the cohorts' flat (node, class) index after the classes or a cohort's class changed."""
        self.coh_flat = self.coh_node * len(self.classes) + self.coh_class

    def add_cohorts(self, grid: np.ndarray) -> None:
        """Start walking the people in ``grid`` (nodes x classes) across their node.

        >>> import numpy as np
        >>> s = new_state(n_nodes=2, travel_m=np.array([10.0, 4.0]), units=None, waiting=np.zeros(2))
        >>> s.class_index(RouteClass(exits=None, factor=1.0, free_m_s=float("nan")))
        0
        >>> s.add_cohorts(np.array([[0.0], [3.0]]))
        >>> s.coh_node.tolist(), s.coh_target.tolist(), s.walking().tolist()
        ([1], [4.0], [0.0, 3.0])
        """
        C = grid.shape[1]
        flat = (grid > 0).reshape(-1).nonzero()[0]  # row-major: the order of np.nonzero
        if len(flat) == 0:
            return
        self.changed()
        if C == 1:
            node, cls = flat, np.zeros(len(flat), dtype=np.int64)
        else:
            node, cls = np.divmod(flat, C)
        self.coh_node = np.concatenate((self.coh_node, node))
        self.coh_class = np.concatenate((self.coh_class, cls))
        self.coh_flat = np.concatenate((self.coh_flat, flat))
        self.coh_target = np.concatenate((self.coh_target, self.walked_m.reshape(-1)[flat] + self.travel_m[node]))
        self.coh_n = np.concatenate((self.coh_n, grid.reshape(-1)[flat]))


def new_state(*, n_nodes: int, travel_m: np.ndarray, units: Units, waiting: np.ndarray) -> EgressState:
    """An empty crowd state of ``n_nodes`` internal nodes, no route class yet (``ready`` is N x 0)."""
    return EgressState(n_nodes=n_nodes, travel_m=travel_m, units=units, waiting=waiting,
                       ready=np.zeros((n_nodes, 0)), walked_m=np.zeros((n_nodes, 0)))
