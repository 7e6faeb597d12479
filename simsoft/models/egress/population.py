"""People of the egress model: release units with sorted pre-movement draws, and route classes.

A *unit* is the part of one population group that shares a route class (reduced mobility or not,
leaving by the familiar exit or not). Each unit keeps its people's pre-movement draws sorted, so
releasing people in time order is a ``searchsorted`` instead of a loop over persons.

A *route class* is what moving people remember once they have left their group: the exits they
may use (``None`` = any), their speed factor and an optional fixed free speed. The model's arrays of
moving people have one column per class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from simsoft.distributions import sample
from simsoft.schema import Scenario

__all__ = ["RouteClass", "Units", "build_units", "unit_route_class"]


@dataclass(frozen=True)
class RouteClass:
    """Exits people may use (indices, ``None`` = any), speed factor, fixed free speed (``nan`` = SFPE)."""

    exits: tuple[int, ...] | None
    factor: float
    free_m_s: float

    def key(self) -> tuple:
        """A hashable identity (``nan`` compared as equal)."""
        return (self.exits, self.factor, None if math.isnan(self.free_m_s) else self.free_m_s)


@dataclass
class Units:
    """Release units of all groups (parallel arrays, plus the sorted draws of each unit)."""

    group: np.ndarray
    node: np.ndarray
    count: np.ndarray
    started: np.ndarray
    reduced: np.ndarray
    familiar_exit: np.ndarray
    draws: list[np.ndarray] = field(default_factory=list)
    group_draws: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.group)


def _split(n: int, share: float) -> int:
    return int(min(n, max(0, round(n * share))))


def build_units(scenario: Scenario, *, rng: np.random.Generator, zone_index: dict[str, int], exit_index: dict[str, int]) -> Units:
    """Draw every person's pre-movement and cut the groups into units (deterministic for ``rng``).

    The draws of a group are made in one call, in group declaration order; the first
    ``round(count * reduced_mobility_share)`` people are those with reduced mobility and, within
    both parts, the first ``round(n * familiar_exit_share)`` people with an ``entered_via`` exit
    leave by it (the draws are independent, so these are random subsets).
    """
    pop = scenario.population
    share = scenario.egress.familiar_exit_share
    cols: dict[str, list] = {k: [] for k in ("group", "node", "count", "reduced", "familiar_exit")}
    draws: list[np.ndarray] = []
    group_draws: list[np.ndarray] = []
    for gi, g in enumerate(pop.groups):
        if g.zone not in zone_index:
            raise ValueError(f"population.groups[{gi}].zone: unknown zone {g.zone!r}")
        spec = g.pre_movement if g.pre_movement is not None else pop.pre_movement
        d = sample(spec, rng=rng, n=g.count)
        group_draws.append(np.sort(d))
        n_rm = _split(g.count, g.reduced_mobility_share)
        familiar = -1
        if g.entered_via is not None and share > 0:
            if g.entered_via not in exit_index:
                raise ValueError(f"population.groups[{gi}].entered_via: unknown exit {g.entered_via!r}")
            familiar = exit_index[g.entered_via]
        parts: list[tuple[np.ndarray, bool]] = [(d[:n_rm], True), (d[n_rm:], False)]
        for part, reduced in parts:
            n_fam = _split(len(part), share) if familiar >= 0 else 0
            for sub, fam in ((part[:n_fam], familiar), (part[n_fam:], -1)):
                if len(sub) == 0:
                    continue
                cols["group"].append(gi)
                cols["node"].append(zone_index[g.zone])
                cols["count"].append(len(sub))
                cols["reduced"].append(reduced)
                cols["familiar_exit"].append(fam)
                draws.append(np.sort(sub))
    n = len(cols["group"])
    return Units(
        group=np.asarray(cols["group"], dtype=np.int64),
        node=np.asarray(cols["node"], dtype=np.int64),
        count=np.asarray(cols["count"], dtype=np.int64),
        started=np.zeros(n, dtype=np.int64),
        reduced=np.asarray(cols["reduced"], dtype=bool),
        familiar_exit=np.asarray(cols["familiar_exit"], dtype=np.int64),
        draws=draws,
        group_draws=group_draws,
    )


def unit_route_class(
    scenario: Scenario, units: Units, u: int, *, exit_index: dict[str, int], via: tuple[int, ...] | None = None
) -> RouteClass:
    """The route class of unit ``u``: its exits (``via`` if given, else the group's exit, else the
    unit's familiar exit, else any), its speed factor and its group's fixed free speed.

    >>> import numpy as np
    >>> from types import SimpleNamespace as NS
    >>> g = NS(exit=None, free_speed_m_s=None)
    >>> sc = NS(population=NS(groups=[g], reduced_mobility_speed_factor=0.5), egress=NS(free_speed_m_s=None))
    >>> units = Units(group=np.array([0]), node=np.array([0]), count=np.array([3]), started=np.zeros(1, dtype=np.int64),
    ...               reduced=np.array([True]), familiar_exit=np.array([-1]))
    >>> unit_route_class(sc, units, 0, exit_index={"e": 0})
    RouteClass(exits=None, factor=0.5, free_m_s=nan)
    >>> unit_route_class(sc, units, 0, exit_index={"e": 0}, via=(0,)).exits
    (0,)
    """
    groups = scenario.population.groups
    g = groups[int(units.group[u])]
    factor = scenario.population.reduced_mobility_speed_factor if units.reduced[u] else 1.0
    free = g.free_speed_m_s or scenario.egress.free_speed_m_s
    exits: tuple[int, ...] | None = None
    if via is not None:
        exits = via
    elif g.exit is not None:
        if g.exit not in exit_index:
            raise ValueError(f"population group {groups.index(g)}: unknown exit {g.exit!r}")
        exits = (exit_index[g.exit],)
    elif units.familiar_exit[u] >= 0:
        exits = (int(units.familiar_exit[u]),)
    return RouteClass(exits=exits, factor=float(factor), free_m_s=float(free) if free else math.nan)
