"""Settings of the crowd-movement (egress) model."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from simsoft.schema.common import Duration, Fraction, People, Strict
from simsoft.schema.ranges import ranges, rng_range

__all__ = ["CrushSettings", "EgressSettings"]

_NO_RATE = ("judgement: no published injury rate per person-minute of crowd crush was found; "
            "anchored on the old zone-average default 0.002 at 5 p/m^2")


class CrushSettings(Strict):
    """Crowd crush at queue fronts: how a queue packs in front of a door and how often its dense front injures.

    The geometry and the pressing rule are in ``simsoft/models/egress/density.py`` and
    ``docs/egress-model.md`` (section "Crowd crush at queue fronts"). Crowd crush is a property of
    the crowd and the venue, not of the scripted incident, so these settings live here; injuries are
    only drawn in runs with an incident (the incident model records casualties).
    """

    orderly_density_p_m2: Annotated[float, Field(gt=0.5, lt=4.0)] = Field(3.6, json_schema_extra=ranges(
        rng_range(2.5, 3.9, "Fruin 1971 queuing level of service D/E boundary 0.28 m^2/p (3.6 p/m^2); "
                  "lower bound: densities of orderly queues in front of bottlenecks, Adrian, Seyfried & Sieben, "
                  "J. R. Soc. Interface 17:20190871 (2020) [verify]")))
    """Density of the front of an orderly queue (people who do not press), p/m^2; kept below 4.

    Default 3.6 p/m^2, the densest queue of Fruin's queuing level of service D (0.28 m^2 per person;
    J. J. Fruin, *Pedestrian Planning and Design*, 1971): people stand close without touching."""
    approach_depth_m: Annotated[float, Field(gt=0.0, le=50.0)] = Field(4.0, json_schema_extra=ranges(
        rng_range(2.0, 6.0, "judgement: the dense part of a crowd pressing against a barrier or door is a few metres deep "
                  "(bottleneck experiments measure the jam over ~2-5 m in front of the gate) [verify]")))
    """Depth of the approach area in front of a door, m: the queue front is the area within this distance of the door.

    Judgement (range 2-6 m): the jams measured in front of entrance gates extend a few metres
    (Adrian, Seyfried & Sieben 2020) [verify]."""
    max_density_p_m2: Annotated[float, Field(ge=5.0, le=12.0)] = Field(9.0, json_schema_extra=ranges(
        rng_range(8.0, 10.0, "Helbing, Johansson & Al-Abideen, Phys. Rev. E 75:046109 (2007): local densities up to "
                  "~10 p/m^2 in crowd turbulence; Fruin (1993) body ellipse ~0.14 m^2 [verify]")))
    """Most people per square metre a pressing front can pack, p/m^2 (default 9; Helbing, Johansson &
    Al-Abideen 2007 measured up to about 10 p/m^2)."""
    patience: Duration = Field(480.0, json_schema_extra=ranges(
        rng_range(240.0, 900.0, "judgement: people held much longer than the Green Guide's 8 min normal egress "
                  "time are taken to press forward; no published threshold [verify]")))
    """Wait at a door beyond which queued people press forward instead of queueing (default 8 min).

    People who would wait longer than this at the door's current flow press into the approach
    area; at a door that passes nobody (closed or jammed) everyone presses. Judgement [verify]: the
    8 min is the Green Guide's normal egress time (SGSA, *Guide to Safety at Sports Grounds*, s.10.7),
    taken as the wait a crowd tolerates; range 4-15 min."""
    press_limit: Duration = Field(600.0, json_schema_extra=ranges(
        rng_range(120.0, 1800.0, "judgement: how long a crowd keeps pressing on a door that does not give way "
                  "before it settles, turns back or is relieved [verify]")))
    """How long a front keeps pressing without a break (default 10 min; judgement, range 2-30 min).

    After this a front settles back to the orderly density until its queue stops pressing and starts again."""
    injuries_per_person_minute_at_5: Annotated[float, Field(ge=0.0, le=1.0)] = Field(0.002, json_schema_extra=ranges(
        rng_range(0.0005, 0.01, _NO_RATE, log=True)))
    """Expected crush injuries per person-minute in a queue front at 5 p/m^2 (only the people in the front).

    The rate rises linearly from 0 at 4 p/m^2 (G. K. Still, *Crowd Dynamics*, PhD thesis, 2000: a
    moving crowd immobilises) to this value at 5 p/m^2 (Still: dangerous) and on to
    ``injuries_per_person_minute_at_7`` at 7 p/m^2 (crowd turbulence, Helbing et al. 2007), then
    stays there. Judgement: no published per-minute rate exists [verify]; default 0.002, range 0.0005-0.01."""
    injuries_per_person_minute_at_7: Annotated[float, Field(ge=0.0, le=1.0)] = Field(0.02, json_schema_extra=ranges(
        rng_range(0.01, 0.1, _NO_RATE + "; ten times the rate at 5 p/m^2 in crowd turbulence; the low end is the"
                  " top of the range at 5 p/m^2, so sampled rates always rise with density", log=True)))
    """Expected crush injuries per person-minute in a queue front at 7 p/m^2 and above (crowd turbulence).

    Judgement, no published rate [verify]: ten times the rate at 5 p/m^2 (default 0.02, range
    0.01-0.1), so a front of 100 people in turbulence for 10 minutes injures about 20."""

    @model_validator(mode="after")
    def _rates_rise(self) -> Self:
        if self.injuries_per_person_minute_at_7 < self.injuries_per_person_minute_at_5:
            raise ValueError("injuries_per_person_minute_at_7 must be >= injuries_per_person_minute_at_5 "
                             "(the rate rises with density)")
        if self.press_limit <= 0:
            raise ValueError("press_limit must be > 0 s")
        if self.patience < 0:
            raise ValueError("patience must be >= 0 s")
        return self


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
    crush: CrushSettings = CrushSettings()
    """Crowd crush at queue fronts: queue geometry, when people press, and the injury rates of dense fronts."""

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
