"""Route choice of the egress model: time-to-exit potentials and the split of a crowd over doors.

Each re-plan computes, for every route class (a set of exits people may use), the estimated time
from every node to the nearest allowed exit: walking across the node at its current speed plus the
wait in the queue of the link taken (queue / capacity), summed along the path (Dijkstra from the
exits on the reversed network). People only ever take links that lead strictly downhill in this
potential, so routes cannot loop.

Between re-plans, the people ready to leave a node spread over its downhill links so that their
estimated times are equal (a Wardrop user equilibrium at the node): with link capacities c_l (p/s)
and downstream times b_l, the Q people ready fill the links up to the level T where
sum_l c_l max(0, T - b_l) = Q. That is the SFPE hand-calculation practice of using every door of a
room in proportion to its capacity when they lead to equally good exits, and sends people to a
farther exit only once the queue at the nearer one costs more than the detour.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["potentials", "SplitTable", "build_split_table", "split_shares"]


def potentials(
    *,
    n_nodes: int,
    n_exits: int,
    dl_src: np.ndarray,
    dl_dst: np.ndarray,
    usable: np.ndarray,
    wait_s: np.ndarray,
    cross_s: np.ndarray,
    blocked: np.ndarray,
    allowed_exits: np.ndarray,
) -> np.ndarray:
    """Estimated time (s) from each node to the nearest allowed exit; exits at the end; ``inf`` if none.

    ``cross_s[u]`` is the time to walk across internal node ``u``; ``wait_s[dl]`` the queue wait at
    directed link ``dl``; ``blocked[u]`` marks nodes people may not leave (sheltering zones).
    ``allowed_exits`` is one set of exits (shape ``(n_exits,)``, giving potentials of shape
    ``(n_nodes + n_exits,)``) or one set per row (``(k, n_exits)``, giving ``(k, n_nodes + n_exits)``).

    The potential of ``u`` is the least, over the paths to an allowed exit, of the times summed from
    the exit outward, ``(pot[v] + cross_s[u]) + wait_s[dl]`` per link. Rounded addition of
    non-negative times is monotone, so Dijkstra's search and Bellman-Ford relaxation both reach this
    least value exactly, bit for bit. Venue graphs are shallow (six rounds in the 60k stadium bowl),
    so the relaxation runs as a few whole-array numpy rounds, all exit sets at once (a row that has
    reached its fixed point stays there while the others go on); a row needing more than
    :data:`_MAX_ROUNDS` rounds is finished by the label-setting search instead, with the same result.
    """
    allowed = np.asarray(allowed_exits, dtype=bool)
    if allowed.ndim == 1:
        return potentials(
            n_nodes=n_nodes, n_exits=n_exits, dl_src=dl_src, dl_dst=dl_dst, usable=usable,
            wait_s=wait_s, cross_s=cross_s, blocked=blocked, allowed_exits=allowed[None, :],
        )[0]
    pot = np.full((len(allowed), n_nodes + n_exits), math.inf)
    pot[:, n_nodes:][allowed] = 0.0
    links = _relax_links(n_nodes, n_exits, dl_src, dl_dst, usable, blocked)
    if links is None:
        return pot
    dls, incoming = links[0], links[5]
    if len(dls) * len(allowed) <= _SEARCH_MAX_WORK:
        # A small venue: the label-setting search in plain Python beats numpy's per-call overhead.
        rows = range(len(allowed))
    else:
        rows = _relax(pot, links, cross_s, wait_s)
    if len(rows):
        cross_list, wait_list = cross_s.tolist(), wait_s.tolist()
        for k in rows:
            _search(pot[k], n_nodes, incoming, cross_list, wait_list, allowed[k].tolist())
    return pot


def _relax(pot: np.ndarray, links: tuple, cross_s: np.ndarray, wait_s: np.ndarray) -> list[int]:
    """Relax every row of ``pot`` in place for up to :data:`_MAX_ROUNDS` whole-array rounds; the rows
    that still changed in the last round (not known to be final) are returned for the search."""
    dls, src, dst, starts, heads, _ = links
    cross, wait = cross_s[src], wait_s[dls]
    cand = np.empty((len(pot), len(src)))
    for _ in range(_MAX_ROUNDS):
        np.add(pot[:, dst], cross, out=cand)
        cand += wait
        old = pot[:, heads]
        new = np.minimum(old, np.minimum.reduceat(cand, starts, axis=1))
        same = new == old
        if np.logical_and.reduce(same, axis=None):  # np.array_equal (same shapes) without its wrapper
            return []
        pot[:, heads] = new
    return np.flatnonzero(~np.logical_and.reduce(same, axis=1)).tolist()


_MAX_ROUNDS = 24
"""Relaxation rounds before :func:`potentials` hands a (deep) graph's unfinished rows to the search."""

_SEARCH_MAX_WORK = 600
"""Relaxed links x exit sets up to which :func:`potentials` runs the plain-Python search rather than
the numpy relaxation. Both give the same values (tests/models/test_routing.py runs both); only the
speed differs. On this project's machine the search took 6-60 us where the relaxation took 25-105 us
for 26-500 link-sets; at about 1,200 (and in the 60k stadium bowl) the two are level."""


def _search(pot: np.ndarray, n_nodes: int, incoming: list[list[tuple[int, int]]], cross: list[float],
            wait: list[float], allowed: list[bool]) -> None:
    """Label-setting search from the ``allowed`` exits over the relaxed links into row ``pot``.

    The same sums and the same order of pops as :func:`_dijkstra` (ties in the heap are broken by node
    number), with the links prepared once per graph by :func:`_relax_links`.
    """
    inf = math.inf
    best = [inf] * len(pot)
    heap: list[tuple[float, int]] = []
    for j, ok in enumerate(allowed):
        if ok:
            best[n_nodes + j] = 0.0
            heap.append((0.0, n_nodes + j))  # ascending node numbers at equal times: already a heap
    done = [False] * len(pot)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        d, v = pop(heap)
        if done[v]:
            continue
        done[v] = True
        for u, dl in incoming[v]:
            if done[u]:
                continue
            cand = d + cross[u] + wait[dl]
            if cand < best[u]:
                best[u] = cand
                push(heap, (cand, u))
    pot[:] = best

_links_cache: list = [None, None]  # [key, links] of the last graph seen by _relax_links


def _relax_links(
    n_nodes: int, n_exits: int, dl_src: np.ndarray, dl_dst: np.ndarray, usable: np.ndarray, blocked: np.ndarray
) -> tuple | None:
    """The relaxed links of :func:`potentials` grouped by source node: (dls, src, dst, starts, heads,
    incoming), ``incoming[v]`` listing the (source node, directed link) pairs into ``v`` for the search.

    ``None`` if no link can be taken. They depend only on the graph, the usable links and the held
    nodes, which rarely change between plans, so the last result is kept (keyed by their contents).
    """
    key = (n_nodes, n_exits, dl_src.tobytes(), dl_dst.tobytes(), usable.tobytes(), blocked.tobytes())
    if _links_cache[0] == key:
        return _links_cache[1]
    dls = np.flatnonzero(usable & (dl_src < n_nodes))
    src = dl_src[dls]
    keep = ~blocked[src]
    if not keep.any():
        links = None
    else:
        dls, src = dls[keep], src[keep]
        order = np.argsort(src, kind="stable")
        dls, src = dls[order], src[order]
        dst = dl_dst[dls]
        first = np.ones(len(src), dtype=bool)
        first[1:] = src[1:] != src[:-1]
        starts = np.flatnonzero(first)
        heads = src[starts]
        for a in (dls, src, dst, starts, heads):
            a.flags.writeable = False
        incoming: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes + n_exits)]
        for dl, u, v in sorted(zip(dls.tolist(), src.tolist(), dst.tolist())):
            incoming[v].append((u, dl))
        links = (dls, src, dst, starts, heads, incoming)
    _links_cache[0], _links_cache[1] = key, links
    return links


def _dijkstra(
    *,
    n_nodes: int,
    n_exits: int,
    dl_src: np.ndarray,
    dl_dst: np.ndarray,
    usable: np.ndarray,
    wait_s: np.ndarray,
    cross_s: np.ndarray,
    blocked: np.ndarray,
    allowed_exits: np.ndarray,
) -> np.ndarray:
    """Reference label-setting search of :func:`potentials` (plain lists in the inner loop).

    Built from the raw arrays on every call, independently of :func:`_relax_links`, so that the tests
    can check both production paths (the relaxation and :func:`_search`) against it; its heap loop
    mirrors :func:`_search` on purpose."""
    total = n_nodes + n_exits
    # Plain lists, not numpy indexing, in the inner loop: same float sums, several times faster.
    pot = [math.inf] * total
    incoming: list[list[int]] = [[] for _ in range(total)]
    for dl, v in zip(np.flatnonzero(usable).tolist(), dl_dst[usable].tolist()):
        incoming[v].append(dl)
    heap: list[tuple[float, int]] = []
    for j in np.flatnonzero(allowed_exits).tolist():
        pot[n_nodes + j] = 0.0
        heap.append((0.0, n_nodes + j))
    heapq.heapify(heap)
    done = [False] * total
    src_list = dl_src.tolist()
    cross = cross_s.tolist()
    wait = wait_s.tolist()
    block = blocked.tolist()
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        d, v = pop(heap)
        if done[v]:
            continue
        done[v] = True
        for dl in incoming[v]:
            u = src_list[dl]
            if u >= n_nodes or block[u] or done[u]:
                continue
            cand = d + cross[u] + wait[dl]
            if cand < pot[u]:
                pot[u] = cand
                push(heap, (cand, u))
    return np.asarray(pot)


@dataclass(frozen=True)
class SplitTable:
    """Candidate links of every (node, class) group, sorted by downstream time within the group.

    Entry arrays have one element per (group, link) candidate; ``start`` gives each group's first
    entry (groups are contiguous).
    """

    group_node: np.ndarray
    group_class: np.ndarray
    start: np.ndarray
    entry_group: np.ndarray
    entry_dl: np.ndarray
    entry_b: np.ndarray
    entry_cap: np.ndarray
    prefix_cap: np.ndarray
    prefix_capb: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of (node, class) groups with at least one way out."""
        return len(self.group_node)


def build_split_table(
    *,
    pots: Sequence[np.ndarray] | np.ndarray,
    n_nodes: int,
    n_exits: int,
    dl_src: np.ndarray,
    dl_dst: np.ndarray,
    usable: np.ndarray,
    blocked: np.ndarray,
    cap_p_s: np.ndarray,
) -> SplitTable:
    """Candidate downhill links of every node for every route class (``pots[c]`` its potentials; a list
    of rows or a 2-D array)."""
    # The candidates are the links the potentials relax (usable, from an internal node not held),
    # sorted by source node, then link; kept while the graph is unchanged.
    links = _relax_links(n_nodes, n_exits, dl_src, dl_dst, usable, blocked)
    if links is not None and len(pots):
        dls, src, dst = links[:3]
        # All classes at once: row c of ``ok`` is class c's downhill test, and nonzero() walks the
        # rows in class order, each in (node, link) order: the entries come sorted by class, node, link.
        pot_all = np.asarray(pots)
        pot_dst = pot_all[:, dst]
        ok = np.isfinite(pot_dst) & (pot_dst < pot_all[:, src])
        cls, e = ok.nonzero()
        node, dl, b = src[e], dls[e], pot_dst[ok]
    else:
        node = cls = dl = np.zeros(0, dtype=np.int64)
        b = np.zeros(0)
    # Sorted by (class, node, b, link): a stable sort by (class, node) group and b keeps the link order of ties.
    key = cls * max(n_nodes, 1) + node
    order = np.lexsort((b, key))
    node, cls, dl, b, key = node[order], cls[order], dl[order], b[order], key[order]
    new_group = np.ones(len(key), dtype=bool)
    if len(key):
        np.not_equal(key[1:], key[:-1], out=new_group[1:])
    start = new_group.nonzero()[0]
    entry_group = np.add.accumulate(new_group, dtype=np.int_) - 1  # np.cumsum without its wrapper
    cap = cap_p_s[dl // 2]
    cum_cap = np.add.accumulate(cap)
    cum_capb = np.add.accumulate(cap * b)
    base_cap = np.concatenate([[0.0], cum_cap])[start][entry_group]
    base_capb = np.concatenate([[0.0], cum_capb])[start][entry_group]
    return SplitTable(
        group_node=node[start],
        group_class=cls[start],
        start=start,
        entry_group=entry_group,
        entry_dl=dl,
        entry_b=b,
        entry_cap=cap,
        prefix_cap=cum_cap - base_cap,
        prefix_capb=cum_capb - base_capb,
    )


def split_shares(table: SplitTable, ready: np.ndarray) -> np.ndarray:
    """Share of each group's ``ready`` people sent to each entry (shares of a group sum to 1).

    Solves sum_l c_l max(0, T - b_l) = Q for the level T of every group at once: T is the smallest
    of the levels obtained by opening the k best links, T_k = (Q + sum c b) / sum c (a property of
    the convex piecewise-linear fill curve).
    """
    if table.n_groups == 0:
        return np.zeros(0)
    q = ready[table.entry_group]
    level_k = (q + table.prefix_capb) / table.prefix_cap
    level = np.minimum.reduceat(level_k, table.start)
    fill = table.entry_cap * np.maximum(level[table.entry_group] - table.entry_b, 0.0)
    total = np.add.reduceat(fill, table.start)
    empty = total <= 0.0
    total[empty] = 1.0
    shares = fill / total[table.entry_group]
    shares[table.start[empty]] = 1.0  # nothing indexed when no group is empty
    return shares
