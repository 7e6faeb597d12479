"""Walking speeds of the egress model: SFPE speed-density per node, one column per route class.

S = k (1 - a D), and the free speed 0.856 k below D = 0.54 p/m^2, never below ``MIN_SPEED_M_S``
(Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59; constants in :mod:`.hydraulics`). D counts the
people walking or still in pre-movement in the node (people queueing at the doors wait in the
queue instead). A route class may carry its own free speed and a speed factor (reduced mobility).
"""

from __future__ import annotations

import math

import numpy as np

from simsoft.models.egress import hydraulics as hy
from simsoft.models.egress.state import EgressState

__all__ = ["density_limit", "SpeedField"]


def density_limit(density: np.ndarray, k_m_s: np.ndarray) -> np.ndarray:
    """The speed limit of each node's density, k (1 - a D), and ``inf`` below the free-flow density.

    ``max(min(free, limit), MIN_SPEED_M_S)`` is then :func:`hydraulics.speed_array` value for value
    (below the free-flow density min(free, inf) is free), with one minimum per free speed instead
    of a ``where`` over every (node, class).

    >>> import numpy as np
    >>> density_limit(np.array([0.2, 2.0]), np.array([1.4, 1.4])).round(3).tolist()
    [inf, 0.655]
    """
    limit = k_m_s * (1.0 - hy.A_M2_P * density)
    limit[density < hy.FREE_DENSITY_P_M2] = math.inf
    return limit


class SpeedField:
    """Speeds of every (node, class) of a state; the per-class parameters are kept until a class is added.

    >>> import numpy as np
    >>> from simsoft.models.egress.population import RouteClass
    >>> from simsoft.models.egress.state import new_state
    >>> s = new_state(n_nodes=1, travel_m=np.array([5.0]), units=None, waiting=np.array([20.0]))
    >>> s.class_index(RouteClass(exits=None, factor=0.5, free_m_s=float("nan")))
    0
    >>> field = SpeedField(k_m_s=np.array([1.4]), area_m2=np.array([10.0]), free_default=np.array([1.2]))
    >>> field.speeds(s).round(4).tolist()  # 2 p/m^2: 1.4 (1 - 0.266 x 2) x 0.5
    [[0.3276]]
    """

    __slots__ = ("k_m_s", "area_m2", "free_default", "_classes", "_free_nc", "_factor_c")

    def __init__(self, *, k_m_s: np.ndarray, area_m2: np.ndarray, free_default: np.ndarray) -> None:
        self.k_m_s, self.area_m2, self.free_default = k_m_s, area_m2, free_default
        self._classes = -1  # classes the cached per-class speed parameters were built for
        self._free_nc: np.ndarray = np.zeros((0, 0))
        self._factor_c: np.ndarray | None = np.zeros((0, 0))

    def speeds(self, s: EgressState, walking: np.ndarray | None = None) -> np.ndarray:
        """Walking speed (m/s) of every (node, class) from the density of walkers and people in pre-movement.

        Read-only, and cached in ``s`` for the crowd state it was computed for (``walking`` is the
        cached walkers array of that state; :meth:`EgressState.changed` drops it).
        """
        if walking is None:
            walking = s.walking()
        cached = s.speed_cache
        if cached is not None and cached[0] is walking and cached[1] == len(s.classes):
            return cached[2]  # same crowd, same classes: the same speeds (a step after quiet steps)
        d_walk = (s.waiting + walking) / self.area_m2
        if self._classes != len(s.classes):
            free = np.asarray([rc.free_m_s for rc in s.classes])
            factor = np.asarray([rc.factor for rc in s.classes])
            self._free_nc = np.where(np.isnan(free)[None, :], self.free_default[:, None], free[None, :])
            # x * 1.0 is x: the factor is applied only if some class walks slower.
            self._factor_c = factor[None, :] if (factor != 1.0).any() else None
            self._classes = len(s.classes)
        speed = np.minimum(self._free_nc, density_limit(d_walk, self.k_m_s)[:, None])  # cached (N, C) free speeds
        np.maximum(speed, hy.MIN_SPEED_M_S, out=speed)
        if self._factor_c is not None:
            speed = speed * self._factor_c
        speed.flags.writeable = False
        s.speed_cache = (walking, len(s.classes), speed)
        return speed
