"""Settings of the crowd-movement (egress) model."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, NonNegativeInt, PositiveFloat, model_validator

from simsoft.schema.common import Duration, Fraction, People, Strict

__all__ = ["EgressSettings"]


class EgressSettings(Strict):
    """How the hydraulic network-flow crowd model steps and limits flows."""

    time_step: Duration = 1.0
    """Step of the flow model (default 1 s; verification tolerances assume <= 1 s)."""
    max_density_p_m2: Annotated[float, Field(gt=0.5, le=10.0)] = 3.8
    """Most people per square metre that may walk into a zone; inflow stops at this density.

    Default 3.8 p/m^2, the end of the range where the SFPE speed-density relation holds (jam density
    1/a = 3.76 p/m^2; Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59). Zones may start denser
    (standing crowds); they only stop receiving people."""
    record_every: Duration = 10.0
    """Interval of the occupancy and density time series (default 10 s)."""
    queue_alert_p: People = 200
    """A record is written when the queue at a connection first exceeds this many people."""
    replan_every: Duration = 5.0
    """How often groups re-estimate the best exit from travel and queue times."""
    familiar_exit_share: Fraction = 0.0
    """Share of people with an ``entered_via`` exit who leave the way they came in."""
    free_speed_m_s: Annotated[float, Field(gt=0.0, le=5.0)] | None = None
    """Unimpeded walking speed for everyone, overriding the SFPE free speed 0.856 k (e.g. 1.0 m/s for IMO test 1)."""

    @model_validator(mode="after")
    def _positive_steps(self) -> Self:
        if not 0.01 <= self.time_step <= 10.0:
            # Below 10 ms a run takes hours for no accuracy gained (the SFPE relations are not that fine).
            raise ValueError("time_step must be >= 0.01 s and <= 10 s")
        if self.record_every < self.time_step:
            raise ValueError("record_every must be >= time_step")
        if self.replan_every <= 0:
            raise ValueError("replan_every must be > 0 s")
        return self
