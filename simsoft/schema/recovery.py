"""Recovery: release after the all clear, accountability, reunification, family assistance, scene
handover, clean-up and reopening.

Sources and judgements are listed in ``docs/medical-recovery.md`` (Recovery). Reopening is anchored to
published incidents (Emanuel AME Church 2015 reopened after 4 d; Al Noor mosque, Christchurch 2019,
after 8 d; Boylston Street, Boston 2013, handed back after 7 d and open after 9 d; Borough Market,
London 2017, after 11 d; Manchester Arena 2017 after about 3.5 months of repairs). Reunification
and accountability rates have no published figure and are judgements with ranges [verify].
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PositiveFloat

from simsoft.schema.common import Count, Duration, Fraction, Id, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = ["Accountability", "ReunificationSite", "Families", "DigitalCheckin", "PublicMessage", "Phases", "Reopening", "Recovery", "PHASES", "DAMAGE"]

PHASES = ("investigation", "clean_up", "reopen_preparation", "family_assistance")
"""Recovery phases whose duration the plan sets and a decision (action ``recovery``) can change."""

DAMAGE = ("none", "light", "moderate", "severe")
"""Damage to the venue, a scenario input that sets how long clean-up and repair take."""


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
    count_at: Literal["assembly_points", "all_exits"] = "assembly_points"
    """Where staff count people: only at exits marked ``assembly_point`` or, with stewards posted to count, at every
    exit (each exit then counts ``headcount_p_min``). A decision (action ``accountability``) can switch to all exits."""
    assembly_announced: bool = False
    """Whether assembly points are announced to the people leaving (a plan setting; the action ``accountability``
    announces them during the run)."""
    announced_share: Fraction = Field(0.5, json_schema_extra=ranges(rng_range(
        0.2, 0.8, "judgement: compliance with an announced assembly point; no published share [verify]")))
    """Share of people leaving by other exits who go to an announced assembly point and are counted there
    (judgement [verify])."""


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
    """Who needs reunification and when families arrive, phone or give up waiting.

    In public venues most people leave with the people they came with; reunification centres serve the
    minority who were separated, the families of casualties and separated children. The US school
    guidance (Standard Reunification Method, I Love U Guys Foundation) handles every child as a
    controlled release because all are separated from their parents at school; at a public venue most
    children are with their guardians, so only a minority are separated. No published share was found:
    the shares are judgements with ranges [verify].
    """

    adult_share: Fraction = Field(0.05, json_schema_extra=ranges(rng_range(
        0.02, 0.15, "judgement: adults separated from their party or sought by family; no published share [verify]")))
    """Share of adult occupants whose family seeks them at the reunification centre (judgement [verify])."""
    children_separated_share: Fraction = Field(0.1, json_schema_extra=ranges(rng_range(
        0.03, 0.3, "judgement: most children leave with their guardians at a public venue (unlike a school, "
        "Standard Reunification Method); no published share [verify]")))
    """Share of children (population ``children_share``) separated from their guardians: unaccompanied minors
    who must be released to a verified guardian (judgement [verify])."""
    remote_share: Fraction = Field(0.3, json_schema_extra=ranges(rng_range(
        0.1, 0.6, "judgement: families who reach their relative by phone or message and never come; no published share [verify]")))
    """Share of adult and casualty-family cases resolved by phone or message before the family sets out, who never
    come to the centre (unaccompanied minors are always released in person). Judgement [verify]."""
    arrival: Distribution = Field(_ln(3600.0, 14400.0), json_schema_extra=ranges(scaled(0.5, 2.0, "judgement: planning value [verify]")))
    """Time from the incident start to a family arriving at the centre (default lognormal, median 1 h, p99 4 h [verify])."""
    patience: Distribution = Field(_ln(7200.0, 28800.0), json_schema_extra=ranges(scaled(
        0.5, 2.0, "judgement: families waiting without news leave to search hospitals or go home; no published distribution [verify]")))
    """How long a family waits in the queue before leaving (reneging; default lognormal, median 2 h, p99 8 h). A family
    that leaves is followed up by phone later; an unaccompanied minor's guardian never leaves. Judgement [verify]."""
    minutes_per_case: PositiveFloat = Field(10.0, json_schema_extra=ranges(
        rng_range(5.0, 20.0, "judgement: identity check, record and release, as in the Standard Reunification Method's card "
                  "and runner steps; no published rate [verify]", log=True)))
    """Staff minutes to process one adult case (identity, record, release); judgement [verify]."""
    minor_factor: Annotated[float, Field(ge=1.0)] = Field(2.0, json_schema_extra=ranges(
        rng_range(1.5, 3.0, "judgement: planning value for guardian verification [verify]")))
    """Processing of an unaccompanied minor takes this many times longer (guardian verification) [verify]."""
    casualty_family_factor: Annotated[float, Field(ge=1.0)] = Field(1.5, json_schema_extra=ranges(
        rng_range(1.0, 2.5, "judgement: planning value [verify]")))
    """Each casualty's family is a case too (news of the casualty, hospital, family assistance); it takes this
    many times longer [verify]."""


class DigitalCheckin(Strict):
    """Digital check-in and reunification by app or SMS ("I'm safe" messages, pre-registered details).

    No published effect sizes were found; the factors are judgements with ranges [verify].
    """

    enabled: bool = False
    """Whether the venue runs digital check-in from the start (the action ``accountability`` can start it later)."""
    report_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.3, json_schema_extra=ranges(rng_range(
        0.1, 0.6, "judgement: an app or SMS check-in reaches people who left faster than calls and lists [verify]", log=True)))
    """People who left by other exits report this many times sooner (scales ``dispersed_report``), judgement [verify]."""
    uptake: Fraction = Field(0.5, json_schema_extra=ranges(rng_range(
        0.2, 0.8, "judgement: share of families who use the app or SMS instead of coming [verify]")))
    """Share of adult and casualty-family cases who would have come and are resolved digitally instead, judgement [verify]."""
    case_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.6, json_schema_extra=ranges(rng_range(
        0.4, 0.9, "judgement: details registered in advance shorten the desk time [verify]")))
    """Desk time of the cases that still come is multiplied by this (details registered in advance), judgement [verify]."""


class PublicMessage(Strict):
    """What a public information message (action ``public_information``) does to families seeking news.

    Without a message naming the reunification site, many families first converge on the scene and are
    redirected from the cordon (Auf der Heide, "Disaster Response: Principles of Preparation and
    Coordination", 1989: convergence of relatives on disaster sites; the UK casualty bureau and
    family-assistance guidance publish a number and a place for that reason). No published shares or
    delays were found: the values are judgements with ranges [verify].
    """

    scene_share: Fraction = Field(0.5, json_schema_extra=ranges(rng_range(
        0.2, 0.8, "judgement: families who go to the scene first without a message naming the site "
        "(Auf der Heide 1989, convergence); no published share [verify]")))
    """Share of families still to set out who, without a message naming the site, would go to the scene first and are
    redirected from there; a message naming the site sends them straight to it (judgement [verify])."""
    scene_detour: Duration = Field(1200.0, json_schema_extra=ranges(rng_range(
        600.0, 2700.0, "judgement: time lost at the cordon before finding the reunification centre [verify]", log=True)))
    """Time those families lose going to the scene first (default 20 min, judgement [verify])."""
    phone_share: Fraction = Field(0.3, json_schema_extra=ranges(rng_range(
        0.1, 0.5, "judgement: families answered by a published phone line (casualty bureau) who would otherwise have "
        "come in person; no published share [verify]")))
    """Share of the adult and casualty-family cases who would still come in person that a published phone line answers
    instead (judgement [verify]); unaccompanied minors are always released in person."""


class Phases(Strict):
    """Durations of the recovery phases after the all clear. Null (the default): drawn from ``reopening``.
    A stated value wins; a decision (action ``recovery``) can still change a phase."""

    investigation: Duration | None = None
    """Scene investigation from the all clear to the scene being handed back to the venue (null: drawn)."""
    clean_up: Duration | None = None
    """Clean-up and repair from the scene handover (null: drawn from the damage)."""
    reopen_preparation: Duration | None = None
    """Preparation (safety checks, staff briefings, community readiness) from the end of clean-up to reopening (null: drawn)."""
    family_assistance_opens_after: Duration = 7200.0
    """Time from the all clear to the family assistance centre opening (default 2 h)."""
    family_assistance: Duration = 259200.0
    """How long the family assistance centre stays open (default 3 d)."""


class Reopening(Strict):
    """Distributions of the phase durations, by the scene: deaths, damage, community readiness.

    Anchors (venue closed from the incident to reopening): Emanuel AME Church, Charleston, 17-21 June 2015,
    9 dead, 4 d; Al Noor mosque, Christchurch, 15-23 March 2019, 42 dead there, handed back and reopened
    after 8 d (repairs done during the investigation); Boylston Street, Boston, 15-22 April 2013, 3 dead,
    scene handed back after 7 d, open to the public after 9 d; Borough Market, London, 3-14 June 2017,
    8 dead, last cordon lifted after 9 d, reopened after 11 d; Manchester Arena, 22 May - 9 September
    2017, 22 dead, foyer renovated, about 3.5 months (news reports of each reopening, checked with the
    search tool). The medians below reproduce 4-11 d for fatal scenes with light to moderate damage and
    months for severe damage; the spreads are judgements.
    """

    investigation_median: Duration = Field(28800.0, json_schema_extra=ranges(scaled(
        0.5, 2.0, "calibrated with clean_up_median.light and preparation_nonfatal_median on Glasgow Airport 2007 "
                  "(no victim killed, reopened ~16.5 h after); the split between the phases is judgement")))
    """Median investigation when nobody died (default 8 h). Calibrated, with light clean-up (4 h) and preparation
    without deaths (3 h), on Glasgow Airport 2007: no victim killed, main terminal reopened about 16.5 h after the
    attack (BAA); the three medians give a simulated median of about 16 h from the all clear. The split between
    the three phases is judgement. Parsons Green 2017 (~17 h) is kept for validation."""
    investigation_fatal_median: Duration = Field(302400.0, json_schema_extra=ranges(scaled(
        0.6, 1.6, "Emanuel AME 2015, Al Noor 2019, Boylston St 2013, Borough Market 2017: scenes handed back after about 3-9 d")))
    """Median investigation of a scene with one death (default 3.5 d); fatal crime scenes take days."""
    death_exponent: Annotated[float, Field(ge=0.0, le=1.0)] = Field(0.15, json_schema_extra=ranges(rng_range(
        0.0, 0.3, "judgement: more deaths, longer evidence recovery (Al Noor, 42 dead, 8 d vs Emanuel AME, 9 dead, about 3-4 d)")))
    """The fatal median grows as deaths ** this (1 death: 3.5 d, 9: 4.9 d, 42: 6.6 d)."""
    clean_up_median: dict[str, Duration] = Field(default_factory=lambda: {
        "none": 7200.0, "light": 14400.0, "moderate": 345600.0, "severe": 7776000.0})
    """Median clean-up and repair by ``damage``: none 2 h (cleaning only), light 4 h (glass, doors, fittings:
    calibrated on Glasgow Airport 2007 with ``investigation_median``, see there; Al Noor's repairs fitted inside its
    8 d), moderate 4 d (Boylston St, Borough Market: 2 d after handover, plus replacing fittings), severe 90 d
    (Manchester Arena foyer, about 3.5 months in all). Judgements anchored on those cases."""
    preparation_median: Duration = Field(86400.0, json_schema_extra=ranges(scaled(
        0.5, 3.0, "judgement: safety checks and community readiness; Boylston St opened 2 d after handover, Borough Market 2 d after the cordon")))
    """Median preparation from the end of clean-up to reopening after a scene with deaths (default 1 d): memorials,
    community readiness."""
    preparation_nonfatal_median: Duration = Field(10800.0, json_schema_extra=ranges(scaled(
        0.5, 4.0, "calibrated on Glasgow Airport 2007 with investigation_median (see there); bounds judgement")))
    """Median preparation when nobody died (default 3 h): safety checks and staff briefing, no mourning period.
    Calibrated on Glasgow Airport 2007 together with ``investigation_median``."""
    spread: Annotated[float, Field(gt=1.0, le=20.0)] = Field(3.0, json_schema_extra=ranges(rng_range(
        2.0, 5.0, "judgement: the anchors spread over a factor of about 3 (4-11 d)")))
    """Ratio p99 / median of each phase's lognormal duration (default 3), judgement."""


class Recovery(Strict):
    """The recovery module: everyone released, accounted for, reunited; the venue handed back and reopened."""

    release_after_all_clear: Duration | None = Field(600.0, json_schema_extra=ranges(
        rng_range(300.0, 1800.0, "judgement: planning value for a police walk-through", log=True)))
    """Zones still sheltering or locked down are released, and people never told to leave are brought out, this
    long after the all clear (default 10 min for a police walk-through); null: only by the plan or a decision."""
    accountability: Accountability = Accountability()
    """Headcounts and reports."""
    reunification: list[ReunificationSite] = Field(default_factory=list)
    """Reunification centres (none: reunification is not modelled)."""
    families: Families = Families()
    """Reunification demand and family arrivals."""
    digital: DigitalCheckin = DigitalCheckin()
    """Digital check-in and reunification by app or SMS."""
    public_information: PublicMessage = PublicMessage()
    """What a public information message naming the site or a phone line does (action ``public_information``)."""
    phases: Phases = Phases()
    """Family assistance, scene handover, clean-up and reopening."""
    damage: Literal["none", "light", "moderate", "severe"] = "light"
    """Damage to the venue (a scenario input): sets the clean-up and repair time (``reopening.clean_up_median``)."""
    reopening: Reopening = Reopening()
    """Distributions of the phases to reopening, by deaths and damage."""
