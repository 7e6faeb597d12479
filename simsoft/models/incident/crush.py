"""Crowd-crush injuries at dense queue fronts (the egress model's :mod:`~simsoft.models.egress.density`).

Every step while people move (and, when the crowd stands still, while some front still presses),
the watch reads the queue fronts and draws injuries among the people in each front of a zone:
Poisson with mean ``rate(D) x people in the front x dt / 60`` from the ``incident.crowd_crush``
stream, where the rate per person-minute rises linearly from 0 at 4 p/m^2 to
``egress.crush.injuries_per_person_minute_at_5`` at 5 p/m^2 and to ``..._at_7`` at 7 p/m^2 (crowd
turbulence), and stays there (:func:`injury_rate_per_person_min`). Thresholds: G. K. Still, *Crowd
Dynamics*, PhD thesis (2000), 4 and 5 p/m^2; Helbing, Johansson & Al-Abideen, Phys. Rev. E 75:046109
(2007), crowd turbulence at the highest densities. The rates are judgements: no per-minute injury rate
has been published.

The usual case, no front at 4 p/m^2, costs one comparison per step: the fronts are not even read again
when the crowd is the one the egress model read after its last step (:meth:`.QueueFronts.below`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import simpy

from simsoft.schema import Scenario

if TYPE_CHECKING:
    from simsoft.models.egress import EgressModel

__all__ = ["DANGER_DENSITY_P_M2", "CRUSH_DENSITY_P_M2", "TURBULENCE_DENSITY_P_M2", "injury_rate_per_person_min",
           "crush_rates", "CrushWatch"]

DANGER_DENSITY_P_M2 = 4.0
"""A moving crowd at about 4 p/m^2 immobilises and falls can cascade (G.K. Still, Crowd Dynamics, PhD thesis 2000)."""
CRUSH_DENSITY_P_M2 = 5.0
"""At 5 p/m^2 and above a crowd is dangerous (G.K. Still, Crowd Dynamics, 2000)."""
TURBULENCE_DENSITY_P_M2 = 7.0
"""Crowd turbulence (sudden displacements of several metres that knock people over) was observed at
local densities of about 7 p/m^2 and more (Helbing, Johansson & Al-Abideen, Phys. Rev. E 75:046109, 2007)."""

_OLD_DEFAULT_AT_5 = 0.002  # the default of the deprecated incident.crush_injuries_per_person_minute_above_5


def injury_rate_per_person_min(density_p_m2: float | np.ndarray, *, at_5: float, at_7: float) -> float | np.ndarray:
    """Crush injuries per person-minute of a front at ``density_p_m2``: 0 up to 4, ``at_5`` at 5, ``at_7`` from 7.

    >>> [round(float(injury_rate_per_person_min(d, at_5=0.002, at_7=0.02)), 6) for d in (3.0, 4.5, 5.0, 6.0, 9.0)]
    [0.0, 0.001, 0.002, 0.011, 0.02]
    """
    return np.interp(density_p_m2, (DANGER_DENSITY_P_M2, CRUSH_DENSITY_P_M2, TURBULENCE_DENSITY_P_M2), (0.0, at_5, at_7))


def crush_rates(scenario: Scenario) -> tuple[float, float]:
    """The injury rates (at 5, at 7 p/m^2) of ``scenario``: ``egress.crush``, or the deprecated incident field.

    ``incident.crush_injuries_per_person_minute_above_5``, when given, sets the rate at 5 p/m^2 and
    scales the rate at 7 p/m^2 by the same factor relative to the old default 0.002.
    """
    crush = scenario.egress.crush
    at_5, at_7 = crush.injuries_per_person_minute_at_5, crush.injuries_per_person_minute_at_7
    old = None if scenario.incident is None else scenario.incident.crush_injuries_per_person_minute_above_5
    if old is not None:
        at_5, at_7 = old, at_7 * old / _OLD_DEFAULT_AT_5
    return float(at_5), float(at_7)


class CrushWatch:
    """Draws crush injuries at dense queue fronts of zones; ``harm(zone, n)`` records them (the incident model's)."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, egress: "EgressModel", rng: np.random.Generator,
                 harm: Callable[[str, int], None]) -> None:
        self.env, self.egress, self.rng, self.harm = env, egress, rng, harm
        self.dt = float(scenario.egress.time_step)
        self.at_5, self.at_7 = crush_rates(scenario)
        self.zone_ids = tuple(z.id for z in scenario.venue.zones)
        self._process: simpy.Process | None = None

    def wake(self) -> None:
        """(Re)start the watch after an action set people moving again."""
        if self.at_5 <= 0 and self.at_7 <= 0:
            return
        if self._process is None or not self._process.is_alive:
            self._process = self.env.process(self._watch())

    def _watch(self):
        fronts_of = self.egress.fronts
        while True:
            yield self.env.timeout(self.dt)
            if fronts_of.below(DANGER_DENSITY_P_M2) and not self.egress.idle:
                continue  # the crowd is the one last read, and no front of it reached 4 p/m^2: no reading
            now = float(self.env.now)
            fronts = fronts_of.read(now)
            d = fronts.density_p_m2
            if len(d) and np.maximum.reduce(d, initial=0.0) > DANGER_DENSITY_P_M2:  # no fronts: no reduction
                self._injure(fronts)
                fronts = fronts_of.read(now)
            if self.egress.idle and fronts_of.press_ends_s(fronts) <= now:
                return  # nobody moves and no front presses: nothing changes until an action wakes the crowd

    def _injure(self, fronts) -> None:
        """Injuries of one step in the fronts above 4 p/m^2 of zones, in directed-link order."""
        rate = injury_rate_per_person_min(fronts.density_p_m2, at_5=self.at_5, at_7=self.at_7)
        expected = rate * fronts.front_p * self.dt / 60.0
        Z = len(self.zone_ids)
        for k in np.flatnonzero((expected > 0) & (fronts.node < Z)).tolist():
            n = int(self.rng.poisson(expected[k]))
            n = min(n, int(np.floor(fronts.front_p[k] + 1e-9)))
            if n > 0:
                self.harm(self.zone_ids[int(fronts.node[k])], n)
