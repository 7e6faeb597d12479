"""Recovery: release after the all clear, accountability, reunification, family assistance, scene
handover, clean-up and reopening.

Defaults are planning values (no published rate was found for most of them) and are marked [verify];
see ``docs/medical-recovery.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, PositiveFloat

from simsoft.schema.common import Count, Duration, Fraction, Id, People, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = ["Accountability", "ReunificationSite", "Families", "Phases", "Recovery", "PHASES"]

PHASES = ("investigation", "clean_up", "reopen_preparation", "family_assistance")
"""Recovery phases whose duration the plan sets and a decision (action ``recovery``) can change."""


def _ln(median: float, p99: float) -> Lognormal:
    return Lognormal(distribution="lognormal", median=median, p99=p99)


class Accountability(Strict):
    """Accounting for everyone who was in the venue."""

    headcount_p_min: PositiveFloat = Field(20.0, json_schema_extra=ranges(
        rng_range(10.0, 40.0, "judgement: planning value, no published rate", log=True)))
    """People staff count per minute at each assembly point (exits with ``assembly_point: true``); planning value [verify]."""
    dispersed_report: Distribution = Field(_ln(1200.0, 7200.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value, no published distribution")))
    """Time from leaving by an exit that is not an assembly point to being accounted for (a call, an app check-in,
    a list at the reunification centre); default lognormal, median 20 min, p99 2 h, planning value [verify]."""
    check_every: Duration = 60.0
    """How often the count of people unaccounted for is updated and recorded (default 1 min)."""


class ReunificationSite(Strict):
    """A reunification centre where families collect the people they came for."""

    id: Id
    """Site id used by the ``reunification`` action."""
    name: str | None = None
    """Name shown to people."""
    staff: Count = 4
    """Staff processing cases (each one case at a time)."""
    opens_on: Literal["incident_known", "contained", "all_clear"] = "contained"
    """The milestone after which the site opens."""
    opens_after: Duration = Field(1800.0, json_schema_extra=ranges(
        rng_range(900.0, 3600.0, "judgement: planning value for setting up a reunification centre", log=True)))
    """Set-up time from that milestone (default 30 min, planning value [verify])."""
    standby: bool = False
    """A standby site: it opens only when a decision (action ``reunification``) opens it."""


class Families(Strict):
    """Who needs reunification and when families arrive."""

    adult_share: Fraction = Field(0.1, json_schema_extra=ranges(rng_range(0.05, 0.2, "judgement: planning value [verify]")))
    """Share of adult occupants who are collected at the reunification centre (planning value [verify])."""
    children_separated_share: Fraction = Field(0.5, json_schema_extra=ranges(rng_range(0.25, 0.75, "judgement: planning value [verify]")))
    """Share of children (population ``children_share``) separated from their guardians: unaccompanied minors
    who must be released to a verified guardian (planning value [verify])."""
    arrival: Distribution = Field(_ln(3600.0, 14400.0), json_schema_extra=ranges(scaled(0.5, 2.0, "judgement: planning value [verify]")))
    """Time from the incident start to a family arriving at the centre (default lognormal, median 1 h, p99 4 h [verify])."""
    minutes_per_case: PositiveFloat = Field(10.0, json_schema_extra=ranges(
        rng_range(5.0, 20.0, "judgement: planning value [verify]", log=True)))
    """Staff minutes to process one adult case (identity, record, release); planning value [verify]."""
    minor_factor: Annotated[float, Field(ge=1.0)] = Field(2.0, json_schema_extra=ranges(
        rng_range(1.5, 3.0, "judgement: planning value for guardian verification [verify]")))
    """Processing of an unaccompanied minor takes this many times longer (guardian verification) [verify]."""
    casualty_family_factor: Annotated[float, Field(ge=1.0)] = Field(1.5, json_schema_extra=ranges(
        rng_range(1.0, 2.5, "judgement: planning value [verify]")))
    """Each casualty's family is a case too (news of the casualty, hospital, family assistance); it takes this
    many times longer [verify]."""


class Phases(Strict):
    """Durations of the recovery phases after the all clear (planning values [verify]; a decision can change them)."""

    investigation: Duration = 43200.0
    """Scene investigation from the all clear to the scene being handed back to the venue (default 12 h)."""
    clean_up: Duration = 86400.0
    """Clean-up and repair from the scene handover (default 24 h)."""
    reopen_preparation: Duration = 86400.0
    """Preparation (safety checks, staff briefings, community notice) from the end of clean-up to reopening (default 24 h)."""
    family_assistance_opens_after: Duration = 7200.0
    """Time from the all clear to the family assistance centre opening (default 2 h)."""
    family_assistance: Duration = 259200.0
    """How long the family assistance centre stays open (default 3 d)."""


class Recovery(Strict):
    """The recovery module: everyone released, accounted for, reunited; the venue handed back and reopened."""

    release_after_all_clear: Duration | None = Field(600.0, json_schema_extra=ranges(
        rng_range(300.0, 1800.0, "judgement: planning value for a police walk-through", log=True)))
    """Zones still sheltering or locked down are released this long after the all clear (default 10 min for a
    police walk-through); null: only by the plan or a decision."""
    accountability: Accountability = Accountability()
    """Headcounts and reports."""
    reunification: list[ReunificationSite] = Field(default_factory=list)
    """Reunification centres (none: reunification is not modelled)."""
    families: Families = Families()
    """Reunification demand and family arrivals."""
    phases: Phases = Phases()
    """Family assistance, scene handover, clean-up and reopening."""
