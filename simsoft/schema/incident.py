"""The incident: a scripted, abstract input. Which zones are affected, when, how hard, how it ends.

The engine plays this script; it never chooses or optimises where an incident goes. Texts describe
effects, not methods.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal, Self

from pydantic import Field, NonNegativeFloat, model_validator

from simsoft.schema.common import Duration, Fraction, Id, People, Strict

__all__ = ["IncidentKind", "AffectedZone", "Intensity", "IncidentEnd", "AccessControl", "Incident"]


class IncidentKind(str, Enum):
    """The kind of incident, which decides which protective measures and responders matter.

    ``vehicle`` is stopped by vehicle barriers; ``fire`` and ``explosion`` call fire and rescue;
    ``threat`` is a credible threat with no attack (no casualties unless an intensity is given).
    """

    assailant = "assailant"
    vehicle = "vehicle"
    explosion = "explosion"
    fire = "fire"
    threat = "threat"
    other = "other"


class AffectedZone(Strict):
    """One step of the script: a zone affected for a while."""

    zone: Id
    """The affected zone."""
    start: Duration | None = None
    """When this zone becomes affected, from the incident start; by default right after the previous step."""
    for_: Duration = Field(alias="for")
    """How long the zone stays affected at most (the incident can end earlier when contained)."""

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if self.for_ <= 0:
            raise ValueError("'for' must be > 0 s")
        if self.start is not None and self.start < 0:
            raise ValueError("start must be >= 0 s")
        return self


Rate = Annotated[float, Field(ge=0.0, le=10.0)]
"""A casualty rate per exposed person-minute: 10 already means nearly everyone exposed for a few
seconds; larger values are typing mistakes (and overflow the Poisson draws)."""


class Intensity(Strict):
    """How many casualties exposure causes, as an expected rate per exposed person-minute."""

    casualties_per_exposed_person_minute: Rate
    """Expected casualties per person-minute spent in an affected zone (a scenario input, not a prediction; at most 10)."""
    by_zone_kind: dict[str, Rate] = Field(default_factory=dict)
    """Rates that differ by zone kind, e.g. ``{outdoor: 0.01}`` (kinds: room, hall, corridor, concourse, stair, outdoor, shelter)."""
    max_casualties: People | None = None
    """Upper bound on casualties from the incident itself (crowd-crush injuries are counted apart)."""


class IncidentEnd(Strict):
    """How the incident ends: when the response contains it, at a scripted time, or at the first of both."""

    when: Literal["contained", "scripted"] = "contained"
    """``contained``: ends when security or police contain it; ``scripted``: ends at ``at_latest`` whatever happens."""
    at_latest: Duration | None = None
    """Latest end, from the incident start (for ``scripted`` the end time itself)."""

    @model_validator(mode="after")
    def _scripted_needs_time(self) -> Self:
        if self.when == "scripted" and self.at_latest is None:
            raise ValueError("a scripted end needs at_latest")
        if self.at_latest is not None and self.at_latest <= 0:
            raise ValueError("at_latest must be > 0 s")
        return self


class AccessControl(Strict):
    """Access control (screening, locked inner doors) that can keep the incident out of inner zones.

    A protective measure of the venue, listed here beside the script it acts on. Its default probability lives in
    ``alerting.protection.access_control`` (ranged, so it can be sampled); nothing under ``incident`` is sampled."""

    zones: list[Id] = Field(min_length=1)
    """Zones behind the access control."""
    keep_out_probability: Fraction | None = None
    """Probability (0-1), drawn once per run, that the incident does not enter these zones at all; by default
    ``alerting.protection.access_control`` (a value given here is fixed: it is never sampled)."""


class Incident(Strict):
    """A scripted, abstract incident: what is affected, when, with what intensity, and how it ends."""

    label: str
    """Narrative label shown to people, e.g. 'active assailant', 'vehicle into crowd', 'fire in the kitchen'."""
    kind: IncidentKind = IncidentKind.other
    """assailant, vehicle, explosion, fire, threat or other; decides which measures and responders matter."""
    starts_at: Duration = 0.0
    """When the incident starts, from the scenario start."""
    affected: list[AffectedZone] = Field(min_length=1)
    """The zones affected, in order, each for a time (or from an explicit start)."""
    intensity: Intensity = Intensity(casualties_per_exposed_person_minute=0.0)
    """Casualty intensity (default none: a threat with no attack)."""
    ends: IncidentEnd = IncidentEnd()
    """How it ends (default: when contained)."""
    access_control: list[AccessControl] = Field(default_factory=list)
    """Access-control measures that can keep it out of inner zones."""
    enters_via: list[Id] = Field(default_factory=list)
    """Connections by which the incident reaches its first zone from outside the venue (the layout, never a
    method). When each of them is closed and lockable at the incident's start (a ``close`` or ``lockdown``
    order), it is kept out of the venue with probability ``alerting.protection.lockdown_integrity`` (drawn once
    per zone and run, as for lockdown) and harms nobody inside; none listed: closing doors cannot keep it out."""
    crush_injuries_per_person_minute_above_5: NonNegativeFloat | None = None
    """Deprecated: set ``egress.crush.injuries_per_person_minute_at_5`` instead (crowd crush is a property of
    the crowd and the venue, not of the scripted incident).

    When given, it still sets the crush injury rate at 5 p/m^2 of the queue fronts, and scales the
    rate at 7 p/m^2 by the same factor (0 turns crowd-crush injuries off); see ``docs/egress-model.md``."""

    @model_validator(mode="after")
    def _nonneg_start(self) -> Self:
        if self.starts_at < 0:
            raise ValueError("starts_at must be >= 0 s")
        return self

    def windows(self) -> list[tuple[str, float, float]]:
        """(zone, start, end) in seconds from the scenario start, one per script step."""
        out = []
        cursor = self.starts_at
        for step in self.affected:
            start = self.starts_at + step.start if step.start is not None else cursor
            end = start + step.for_
            out.append((step.zone, start, end))
            cursor = end
        return out
