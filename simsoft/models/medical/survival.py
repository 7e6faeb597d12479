"""Survival as a function of time to definitive care, and each casualty's clock of deterioration.

The curve is log-logistic, ``P(t) = b0 / (1 + (t / b1) ** b2)`` with t in minutes (the form an open
DES implementation of Mills, Argon & Ziya, M&SOM 15(3):361-377, 2013 uses; placeholder parameters,
[verify]). It is written as ``P(t) = b0 * S(t)`` and realised with two uniform draws per casualty:

- ``v`` sets the casualty's *deadline*: the deterioration time ``T = S^-1(v)``; a casualty whose
  definitive care has not begun by then dies where they are (scene, transport, hospital queue);
- ``w`` sets the outcome of care: a casualty reached before the deadline survives when ``w < b0``,
  otherwise dies in hospital despite care.

So ``P(survive | care at t) = b0 * P(T > t) = b0 * S(t) = P(t)`` exactly. Bleeding control and
treatment slow the clock: from then on the casualty's deterioration time advances ``factor`` times
slower than real time. A death is **preventable** when the same casualty (same draws) would have
survived with care at the moment of injury, i.e. when ``w < b0``: then only the delay killed them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simsoft.schema.medical import SurvivalCurve

__all__ = ["survival_probability", "deadline_min", "Casualty", "NEVER"]

NEVER = math.inf
"""The deadline of casualties who cannot die from delay (minor)."""


def survival_probability(curve: SurvivalCurve, t_min: float) -> float:
    """``P(t)``: survival probability when definitive care starts ``t_min`` minutes after injury.

    Decreasing in t, ``P(0) = b0``, bounded in ``[0, b0]``.

    >>> round(survival_probability(SurvivalCurve(b0=0.351, b1_min=35.8, b2=1.99), 35.8), 4)
    0.1755
    """
    if t_min <= 0:
        return float(curve.b0)
    return float(curve.b0) / (1.0 + (t_min / curve.b1_min) ** curve.b2)


def deadline_min(curve: SurvivalCurve, v: float) -> float:
    """Deterioration time ``S^-1(v) = b1 * (1/v - 1) ** (1/b2)`` in minutes, for ``v`` in (0, 1).

    >>> round(deadline_min(SurvivalCurve(b0=0.351, b1_min=35.8, b2=1.99), 0.5), 6)
    35.8
    """
    v = min(max(v, 1e-12), 1.0 - 1e-12)
    return curve.b1_min * (1.0 / v - 1.0) ** (1.0 / curve.b2)


@dataclass(eq=False)
class Casualty:
    """One casualty as the medical model tracks it (internal, mutable; records are the output)."""

    id: str
    index: int
    zone: str
    cause: str
    cls: str
    t_injured: float
    salvage_s: float = NEVER
    """Deadline in the casualty's own deterioration time, seconds after injury."""
    survives_care: bool = True
    """Outcome if definitive care begins before the deadline (``w < b0``)."""
    draws: dict[str, float] = field(default_factory=dict)
    factor: float = 1.0
    since: float = 0.0
    tau_since: float = 0.0
    place: str = "scene"
    dead: bool = False
    cared: bool = False
    tracked_at: float | None = None
    version: int = 0

    def __post_init__(self) -> None:
        self.since = self.t_injured

    @property
    def critical(self) -> bool:
        """Whether the casualty needs a hospital's critical-care line (immediate, expectant)."""
        return self.cls in ("immediate", "expectant")

    @property
    def stretcher(self) -> bool:
        """Whether the casualty must be carried and travels one per ambulance."""
        return self.cls in ("immediate", "delayed", "expectant")

    def tau(self, now: float) -> float:
        """Deterioration time (s since injury, slowed by treatment) at real time ``now``."""
        return self.tau_since + (now - self.since) / self.factor

    def death_time(self) -> float:
        """Real time at which the casualty dies if care has not begun (``inf`` if never)."""
        if self.salvage_s == NEVER:
            return NEVER
        return self.since + max(0.0, self.salvage_s - self.tau_since) * self.factor

    def slow(self, factor: float, now: float) -> bool:
        """Slow deterioration to ``factor`` from ``now`` (the largest factor applied wins); ``True`` if changed."""
        if factor <= self.factor or self.dead or self.cared:
            return False
        self.tau_since = self.tau(now)
        self.since = now
        self.factor = factor
        self.version += 1
        return True
