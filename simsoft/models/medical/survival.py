"""Survival as a function of time to definitive care, and each casualty's clock of deterioration.

The curve is log-logistic, ``P(t) = b0 / (1 + (t / b1) ** b2)`` with t in minutes (the form an open
DES implementation of Mills, Argon & Ziya, M&SOM 15(3):361-377, 2013 uses; the parameters are
calibrated in :class:`simsoft.schema.medical.Survival`). It is written as ``P(t) = b0 * S(t)`` and
split by ``h`` = ``after_care_share`` into ``S(t) = S(t)^(1-h) * S(t)^h``, realised with two uniform
draws per casualty:

- ``v`` sets the casualty's *deadline*: the deterioration time ``T`` with ``P(T > t) = S(t)^(1-h)``;
  a casualty whose definitive care has not begun by then dies where they are (scene, transport,
  hospital queue);
- ``w`` sets the outcome of care: a casualty reached at deterioration time ``t < T`` survives when
  ``w < b0 * S(t)^h``, otherwise dies in hospital despite care (later deaths of patients reached late).

So ``P(survive | care at t) = S(t)^(1-h) * b0 * S(t)^h = P(t)`` exactly, for any ``h``. Bleeding
control and treatment slow the clock: from then on the casualty's deterioration time advances
``factor`` times slower than real time. A death is **preventable** when the same casualty (same draws)
would have survived with care at the moment of injury, i.e. when ``w < b0``: then only the delay
killed them, on scene or after reaching care too late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simsoft.schema.medical import SurvivalCurve

__all__ = ["survival_probability", "care_survival", "deadline_min", "Casualty", "NEVER"]

NEVER = math.inf
"""The deadline of casualties who cannot die from delay (minor)."""


def survival_probability(curve: SurvivalCurve, t_min: float) -> float:
    """``P(t)``: survival probability when definitive care starts ``t_min`` minutes after injury.

    Decreasing in t, ``P(0) = b0``, bounded in ``[0, b0]``.

    >>> round(survival_probability(SurvivalCurve(b0=0.95, b1_min=173.0, b2=3.0), 173.0), 4)
    0.475
    """
    if t_min <= 0:
        return float(curve.b0)
    return float(curve.b0) / (1.0 + (t_min / curve.b1_min) ** curve.b2)


def care_survival(curve: SurvivalCurve, t_min: float) -> float:
    """``b0 * S(t)^h``: survival probability of a casualty whose definitive care begins, in time, at
    deterioration time ``t_min`` (``h`` = ``after_care_share``).

    >>> curve = SurvivalCurve(b0=0.95, b1_min=173.0, b2=3.0, after_care_share=1.0)
    >>> care_survival(curve, 173.0) == survival_probability(curve, 173.0)
    True
    """
    if t_min <= 0 or curve.after_care_share <= 0:
        return float(curve.b0)
    s = 1.0 / (1.0 + (t_min / curve.b1_min) ** curve.b2)
    return float(curve.b0) * s ** curve.after_care_share


def deadline_min(curve: SurvivalCurve, v: float) -> float:
    """Deterioration time ``T`` in minutes with ``P(T > t) = S(t)^(1-h)``, for ``v`` in (0, 1):
    ``T = S^-1(v^(1/(1-h)))`` with ``S^-1(u) = b1 * (1/u - 1) ** (1/b2)``; never (``inf``) when ``h = 1``.

    >>> round(deadline_min(SurvivalCurve(b0=0.95, b1_min=173.0, b2=3.0, after_care_share=0.0), 0.5), 6)
    173.0
    >>> round(deadline_min(SurvivalCurve(b0=0.95, b1_min=173.0, b2=3.0, after_care_share=0.5), 0.5 ** 0.5), 6)
    173.0
    """
    h = float(curve.after_care_share)
    if h >= 1.0:
        return NEVER
    v = min(max(v, 1e-12), 1.0 - 1e-12)
    u = v ** (1.0 / (1.0 - h))
    if u <= 0.0:
        return NEVER
    u = min(max(u, 1e-300), 1.0 - 1e-12)
    return curve.b1_min * (1.0 / u - 1.0) ** (1.0 / curve.b2)


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
    """Whether the casualty would survive care begun at the moment of injury (``w < b0``): a death of such a
    casualty is preventable."""
    curve: SurvivalCurve | None = None
    """The casualty's survival curve (``None``: minor, who always survive, or dead)."""
    w: float = 0.0
    """The outcome draw: care begun at deterioration time t succeeds when ``w < b0 * S(t)^h``."""
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

    def survives_care_at(self, now: float) -> bool:
        """Whether care beginning at real time ``now`` (before the deadline) succeeds."""
        if self.curve is None:
            return self.survives_care
        return self.w < care_survival(self.curve, self.tau(now) / 60.0)

    def slow(self, factor: float, now: float) -> bool:
        """Slow deterioration to ``factor`` from ``now`` (the largest factor applied wins); ``True`` if changed."""
        if factor <= self.factor or self.dead or self.cared:
            return False
        self.tau_since = self.tau(now)
        self.since = now
        self.factor = factor
        self.version += 1
        return True
