"""Casualty care: triage mix, survival over time, bleeding control, warm-zone entry, carriage,
ambulances, self-presentation and hospitals.

Every default is a configurable planning value with its source; values the reference notes could
not confirm are marked [verify]. See ``docs/medical-recovery.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, PositiveFloat, model_validator

from simsoft.schema.common import Count, Duration, Fraction, Id, PositiveCount, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.major_incident import MajorIncident, MassCasualtyMode, OtherVehicles
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = [
    "TRIAGE_CLASSES",
    "TriageClass",
    "TriageMix",
    "SurvivalCurve",
    "Survival",
    "BleedingControl",
    "WarmZone",
    "Scene",
    "Ambulances",
    "MassCasualtyMode",
    "OtherVehicles",
    "MajorIncident",
    "SelfPresentation",
    "Hospital",
    "TraumaLevel",
    "SURGE_BY_LEVEL",
    "Medical",
]

TRIAGE_CLASSES = ("immediate", "delayed", "minor", "expectant", "dead")
"""Triage classes (START / SALT categories; SALT: Lerner et al., Disaster Med Public Health Prep 2(S1):S25, 2008)."""

TriageClass = Literal["immediate", "delayed", "minor", "expectant", "dead"]
"""One triage class."""


def _ln(median: float, p99: float) -> Lognormal:
    return Lognormal(distribution="lognormal", median=median, p99=p99)


class TriageMix(Strict):
    """Shares of casualties by true triage class; they must add up to 1.

    Defaults lie in the ranges derived in the reference notes from London 7/7 (Aylwin et al., Lancet
    368:2219, 2006), Manchester Arena (Inquiry vol. 2) and Frykberg & Tepas (Ann Surg 208:569, 1988):
    immediate 10-20 %, delayed 15-30 %, minor 50-75 %, expectant and dead the remainder. Not a standard.
    """

    immediate: Fraction = 0.15
    """Share triaged immediate (red): life-threatening, salvageable with prompt care."""
    delayed: Fraction = 0.25
    """Share triaged delayed (yellow): serious, cannot walk, stable for hours."""
    minor: Fraction = 0.55
    """Share triaged minor (green): walking wounded."""
    expectant: Fraction = 0.0
    """Share triaged expectant: unlikely to survive even with care (SALT)."""
    dead: Fraction = 0.05
    """Share dead at the moment of injury (killed outright; never preventable)."""

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        total = self.immediate + self.delayed + self.minor + self.expectant + self.dead
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"triage shares must add up to 1, they add up to {total:g}")
        return self

    def shares(self) -> list[float]:
        """Shares in the order of :data:`TRIAGE_CLASSES`."""
        return [self.immediate, self.delayed, self.minor, self.expectant, self.dead]


class SurvivalCurve(Strict):
    """Probability of survival when definitive care begins t minutes after injury:
    ``P(t) = b0 / (1 + (t / b1_min) ** b2)`` (log-logistic decay; decreasing, bounded by ``b0`` <= 1).

    ``P(t) = b0 * S(t)``; ``after_care_share`` says how much of the decline ``S(t)`` shows as death after
    care has begun (in hospital) rather than before it, where the casualty lies (see
    :mod:`simsoft.models.medical.survival`)."""

    b0: Fraction
    """Survival probability with care at the moment of injury (t = 0)."""
    b1_min: PositiveFloat
    """Minutes after which survival has fallen to half of ``b0``."""
    b2: PositiveFloat
    """Steepness of the decline (larger: a sharper drop around ``b1_min``)."""
    after_care_share: Fraction = 0.8
    """Share (on the log scale) of the decline ``S(t)`` realised as death after definitive care has begun
    rather than before it: a casualty reached at t dies before care with probability ``1 - S(t)^(1-h)`` and,
    reached in time, survives care with probability ``b0 * S(t)^h``. 0 puts every delay death before care
    (the form used up to simsoft 0.x); 1 puts them all after care. Default 0.8, judgement: London 7/7 and
    Boston 2013 casualties who were alive when medics reached them died, if at all, in hospital (Aylwin et
    al., Lancet 368:2219, 2006: 3 deaths after reaching hospital; Leonard et al. 2014: everyone alive when
    leaving the scene survived), while long waits on scene do kill (Manchester Arena Inquiry vol. 2);
    range 0.5-0.95."""


_AFTER_CARE_RANGE = rng_range(0.5, 0.95, "judgement: deaths of casualties reached alive happen mostly after care "
                              "(London 7/7: Aylwin et al. 2006; Boston: Leonard et al. 2014); long waits on scene kill "
                              "(Manchester Arena Inquiry vol. 2)", key="after_care_share")


class Survival(Strict):
    """Survival curves by class. Minor casualties always survive; the dead never do.

    **Immediate** (calibrated): ``b0`` 0.90, ``b1`` 340 min, ``b2`` 3.0. ``b0`` is a judgement: 10 % of
    critical casualties die even with timely care (issue 16: critical mortality 10-15 % when care is timely;
    Newgard et al., Ann Emerg Med 55:235, 2010: EMS intervals not associated with mortality overall, so the
    curve is flat in the first hour). ``b1`` is **calibrated by simulation** on the validation suite's
    calibration case ``bombings-critical-mortality`` (a generic bombing, 150 casualties, three hospitals):
    its simulated mean critical mortality is the 12.4 % of Frykberg & Tepas (Ann Surg 208(5):569, 1988: 251
    critical survivors of 220 bombings); b1 320 min gave 12.9 %, 350 min 12.3 % (200 replications each),
    340 min chosen. ``1 - P(t)`` = 10 % (0 min), 10.5 % (60), 14 % (120), 22 % (180), 33 % (240), 47 % (300). London
    7/7 (critical mortality 15 %) and Boston 2013 are kept for validation, not used here.

    The first calibration (``b0`` 0.95, ``b1`` 173 min, analytic: care assumed 60-90 min after injury) drifted
    to 18 % on the case once on-scene treatment times came from the literature: in that case immediate
    casualties reach definitive care a median 116 min after injury, queueing for critical-care lines.

    **Delayed** (judgement): ``b0`` 0.99, ``b1`` 480 min, ``b2`` 3.0: serious but stable for hours
    (reference notes s.4: delayed patients deteriorate over hours); 2.5 % die with care at 2 h, 12 % at 4 h.

    **Expectant** (judgement): 5 % with immediate care, halved by 20 min; no source.

    The previous placeholders (Mills, Argon & Ziya, M&SOM 15(3):361, 2013 as used by an open DES;
    immediate b0 0.351) let about 65 % of immediate casualties die even with instant care and are no
    longer used."""

    immediate: SurvivalCurve = Field(SurvivalCurve(b0=0.90, b1_min=340.0, b2=3.0), json_schema_extra=ranges(
        rng_range(0.85, 0.95, "judgement: 5-15 % of critical casualties die even with timely care (issue 16: 10-15 % when care is timely)", key="b0"),
        rng_range(240.0, 480.0, "calibrated on the bombings-critical-mortality case (Frykberg & Tepas, Ann Surg 208:569, 1988: 12.4 %); bounds judgement", key="b1_min", log=True),
        rng_range(2.0, 4.0, "judgement: steepness of the decline around b1 (Newgard et al. 2010: little effect of the first tens of minutes)", key="b2"),
        _AFTER_CARE_RANGE))
    """Immediate casualties: beta = (0.90, 340 min, 3.0); b1 calibrated by simulation of the case
    bombings-critical-mortality to Frykberg & Tepas 1988 (critical mortality 12.4 %)."""
    delayed: SurvivalCurve = Field(SurvivalCurve(b0=0.99, b1_min=480.0, b2=3.0), json_schema_extra=ranges(
        rng_range(0.97, 1.0, "judgement: delayed (yellow) casualties are stable; few die with prompt care", key="b0"),
        rng_range(240.0, 720.0, "reference notes s.4: Delayed patients deteriorate over hours; bounds judgement", key="b1_min", log=True),
        rng_range(2.0, 4.0, "judgement: steepness of the decline", key="b2"),
        _AFTER_CARE_RANGE))
    """Delayed casualties: beta = (0.99, 480 min, 3.0), judgement (stable for hours)."""
    expectant: SurvivalCurve = Field(SurvivalCurve(b0=0.05, b1_min=20.0, b2=2.0), json_schema_extra=ranges(
        rng_range(0.0, 0.15, "judgement: planning placeholder with no source; expectant means unlikely to survive", key="b0")))
    """Expectant casualties: a planning placeholder (5 % with immediate care, halved by 20 min); no source [verify]."""


class BleedingControl(Strict):
    """Bleeding control (tourniquets, haemostatic dressings, wound packing) by trained staff or bystanders, and by medics.

    It slows the decline of immediate casualties: from the moment it is applied their clock of
    deterioration runs ``slow_factor`` times slower. Haemorrhage is the leading preventable cause of death
    after intentional mass-casualty events (Hartford Consensus, 2013; Stop the Bleed), but only compressible
    bleeding can be controlled on scene. Size of the effect, from the literature (not from London 7/7, Boston
    or Manchester, which validate the model):

    - of potentially survivable deaths before hospital, 90.9 % were haemorrhage, whose source was truncal
      (non-compressible) in 67.3 %, junctional in 19.2 % and extremity in 13.5 % (Eastridge et al., J Trauma
      Acute Care Surg 73(6 Suppl 5):S431, 2012): about a third of bleeding casualties have bleeding that a
      tourniquet, packing or a haemostatic dressing can control;
    - for them, control applied before the onset of shock all but stops the decline: survival 96 % vs 4 % when
      applied after shock, 89 % with prehospital vs 78 % with in-hospital application (Kragh et al., Ann Surg
      249(1):1, 2009; J Emerg Med 41(6):590, 2011);
    - so across all immediate casualties the rate of decline falls to about ``f/k + (1 - f)`` with ``f`` ~ 0.33
      compressible and ``k`` >= 10 for them, i.e. an average slow factor of 1 / 0.70 ~ 1.4-1.5 (arithmetic on the
      two sources; the model applies the average to every immediate casualty, an approximation). Default 1.5;
      range 1.2 (mostly truncal wounds, ``f`` ~ 0.17) to 4 (blast with mostly limb wounds, ``f`` ~ 0.75), judgement
      on the wound mix."""

    kits: Literal["venue"] | Count = "venue"
    """Kits available to staff and bystanders: ``venue`` counts the ``bleeding_control_kit`` assets of the
    venue (each kit treats one casualty), or give a number."""
    applied_probability: Fraction = Field(0.5, json_schema_extra=ranges(
        rng_range(0.2, 0.8, "judgement: planning value; depends on Stop the Bleed training and kits at hand")))
    """Probability that a trained person is at hand to use a kit on an immediate casualty (planning value [verify])."""
    delay: Distribution = Field(_ln(180.0, 600.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value, no published distribution")))
    """Time from the casualty's zone being clear of the incident to bleeding control applied
    (default lognormal, median 3 min, p99 10 min; planning value [verify])."""
    slow_factor: Annotated[float, Field(ge=1.0)] = Field(1.5, json_schema_extra=ranges(
        rng_range(1.2, 4.0, "Eastridge et al., J Trauma Acute Care Surg 73:S431, 2012 (compressible share of "
                  "haemorrhage ~1/3) with Kragh et al., Ann Surg 249:1, 2009 (control before shock: 96 % vs 4 % "
                  "survival); bounds judgement on the wound mix (1.2 mostly truncal, 4 blast with mostly limb wounds)",
                  log=True)))
    """How many times slower an immediate casualty deteriorates once bleeding is controlled: 1.5, the average over
    compressible (about a third, Eastridge et al. 2012) and non-compressible bleeding (Kragh et al. 2009); range
    1.2-4 by the wound mix (judgement)."""
    by_medics: bool = True
    """Whether medics also control bleeding of immediate casualties when they triage them (SALT life-saving interventions)."""


class WarmZone(Strict):
    """When medics may enter the area where casualties lie."""

    policy: Literal["after_contained", "rescue_task_force"] = "after_contained"
    """``after_contained``: ambulance crews enter once the incident is contained (plus ``after_contained``) and
    the first ambulance is on scene; ``rescue_task_force``: protected medics (police tactical medics, or fire/EMS
    teams escorted by police) enter ``task_force_forms`` after the first police reach the scene, even before
    containment and without waiting for an ambulance; they triage, control bleeding and start carrying, and
    ambulances still transport. A decision (action ``warm_zone``) can change it."""
    after_contained: Duration = Field(300.0, json_schema_extra=ranges(rng_range(
        120.0, 3600.0, "Manchester Arena Inquiry vol. 2 (reference notes s.5): only one paramedic in the City Room in the first 40 min; lower bound judgement", log=True)))
    """Delay from containment to medics entering (area declared safe, briefing). Default 5 min, a planning
    value; the Manchester Arena Inquiry (vol. 2) found medics held back for 40 min and more, hence the range
    2-60 min."""
    task_force_forms: Duration = Field(300.0, json_schema_extra=ranges(
        rng_range(60.0, 900.0, "judgement: planning value for forming, equipping and briefing a protected team with the first police (Boston 2013: responders at the blast sites within minutes, Leonard et al. 2014)", log=True)))
    """Time from the first police on scene to a protected medical team entering (default 5 min, judgement; range
    1-15 min)."""


class Scene(Strict):
    """On-scene triage, carriage to the casualty collection point (CCP) and treatment there."""

    triage_teams: PositiveCount = 2
    """Teams triaging casualties where they lie (each one casualty at a time)."""
    triage_time: Distribution = Field(_ln(60.0, 180.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "reference notes s.4: START takes under a minute per casualty by design; upper bound judgement")))
    """Time to triage one casualty (default lognormal, median 1 min, p99 3 min; START takes under a minute per
    casualty by design, planning value [verify])."""
    bearers: Count = 8
    """People available to carry casualties (staff, police, fire crews)."""
    bearers_per_stretcher: PositiveCount = 2
    """Bearers one carry needs (4 for long carries on improvised stretchers)."""
    stretchers: Count = 4
    """Stretchers, including improvised ones (Manchester: 27 of 33 casualties were carried on improvised stretchers)."""
    carry_time: Distribution = Field(_ln(180.0, 600.0), json_schema_extra=ranges(
        scaled(0.5, 2.5, "Manchester Arena Inquiry vol. 2 (reference notes s.5): 33 casualties carried out over 30 min, 27 on improvised stretchers; bounds judgement")))
    """One-way carry time from where a casualty lies to the CCP; a team walks back empty in the same time
    (default lognormal, median 3 min, p99 10 min; planning value [verify])."""
    walk_to_ccp: Distribution = Field(_ln(300.0, 900.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value; depends on venue size and marshalling")))
    """Time for walking wounded to reach the CCP once their zone is clear (default median 5 min, p99 15 min [verify])."""
    treatment_time: Distribution = Field(_ln(300.0, 900.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value for packaging a stretcher casualty")))
    """Paramedic treatment at the CCP before a stretcher casualty can be loaded (default median 5 min, p99 15 min [verify])."""
    treatment_slow_factor: Annotated[float, Field(ge=1.0)] = Field(1.0, json_schema_extra=ranges(
        rng_range(1.0, 1.5, "Stiell et al., CMAJ 178(9):1141, 2008 (OPALS Major Trauma Study: advanced life support "
                  "on scene did not improve survival over basic life support, 81.1 % vs 81.8 %); upper bound judgement "
                  "(airway and chest interventions help a minority)")))
    """How many times slower immediate and delayed casualties deteriorate after CCP treatment, beyond the bleeding
    control medics apply at triage (``bleeding_control.by_medics``). Default 1 (no effect): in the OPALS Major
    Trauma Study (Stiell et al., CMAJ 178(9):1141, 2008; 2,867 patients) system-wide paramedic advanced life
    support did not improve survival over basic life support (81.1 % vs 81.8 %; lower with GCS < 9), so
    treatment at the CCP buys no time of its own; only definitive care in hospital stops the decline. Range 1-1.5,
    the upper bound judgement (airway and chest interventions help a minority)."""
    ccp_near_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.5, json_schema_extra=ranges(rng_range(
        0.3, 0.8, "judgement: a CCP in or next to the casualties' zone shortens carries (Manchester Arena Inquiry vol. 2: "
        "casualties carried from the City Room to a clearing station in the station concourse); no published effect size")))
    """Carry and walk times to a CCP placed in or next to the casualty's zone (action ``casualty_collection_point``),
    as a share of the times to the CCP outside the venue (default 0.5, judgement; range 0.3-0.8)."""
    ccp_far_factor: Annotated[float, Field(ge=1.0)] = Field(2.0, json_schema_extra=ranges(rng_range(
        1.5, 3.0, "judgement: a CCP beyond the outer cordon doubles the carry; no published effect size")))
    """Carry and walk times to a CCP far outside the venue (``far: true``), as a multiple of the times to the CCP
    just outside it (default 2, judgement; range 1.5-3)."""
    staging_near_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.6, json_schema_extra=ranges(rng_range(
        0.4, 0.9, "judgement: ambulances called forward from a staging point close to the CCP load without carrying "
        "patients to them (UK ambulance major-incident doctrine places an ambulance parking point and loading point by the casualty clearing station); no published effect size")))
    """Ambulance loading time (``ambulances.load_time``) once the staging and loading point is next to the CCP
    (action ``staging``), as a share of the planned loading time (default 0.6, judgement; range 0.4-0.9)."""
    staging_far_factor: Annotated[float, Field(ge=1.0)] = Field(1.6, json_schema_extra=ranges(rng_range(
        1.2, 2.5, "judgement: patients carried from the CCP to ambulances parked away from it, as in Manchester 2017 "
        "(Manchester Arena Inquiry vol. 2); no published effect size")))
    """Ambulance loading time once the loading point is away from the CCP (``staging`` with ``near_ccp: false``), as a
    multiple of the planned loading time (default 1.6, judgement; range 1.2-2.5)."""


class Ambulances(Strict):
    """Ambulances: arrivals, loads and the cycle to hospital and back."""

    initial: Count = 4
    """Ambulances sent when EMS dispatch learns of the incident."""
    arrival: Distribution = Field(_ln(600.0, 1800.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "Kerslake Review 2018 / Manchester Arena Inquiry vol. 2 (reference notes s.5): ambulances about 10-20 min; lower bound judgement (pre-alerted services)")))
    """Time from EMS dispatch knowing (or a request) to an ambulance arriving (default lognormal, median 10 min,
    p99 30 min; Manchester Arena: ambulances arriving about 10-20 min after the explosion)."""
    prestaged: Count = 0
    """Ambulances standing by at the venue from the start (Boston Marathon: pre-staged medical tents); they begin
    once venue control or EMS dispatch knows."""
    mutual_aid_arrival: Distribution = Field(_ln(1800.0, 3600.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value; depends on the distance to neighbouring services")))
    """Arrival time of ambulances requested from neighbouring services (default median 30 min, p99 1 h [verify])."""
    walking_load: PositiveCount = 3
    """Minor casualties one ambulance carries (2-4: planning assumption in the reference notes); stretcher
    cases travel one per ambulance."""
    load_time: Duration = Field(300.0, json_schema_extra=ranges(
        rng_range(120.0, 600.0, "judgement: around the 5 min of reference notes s.7 case 19", log=True)))
    """Time to load at the CCP (default 5 min; section 7 case 19 of the reference notes)."""
    handover_time: Duration = Field(900.0, json_schema_extra=ranges(
        rng_range(900.0, 3600.0, "NHS 15 min handover target is the lower bound; handover delays are common (Nuffield Trust, reference notes s.4); upper bound judgement", log=True)))
    """Time the crew stays at hospital for handover (default 15 min: NHS ambulance-to-ED handover target)."""
    mci: MassCasualtyMode = MassCasualtyMode()
    """How ambulances work once a major incident is declared (``medical.major_incident``)."""


class SelfPresentation(Strict):
    """Casualties who reach the nearest hospital on their own (private cars, taxis, carried by bystanders).

    In real incidents most casualties reach hospital by non-EMS means and self-presenters are often the
    majority of hospital arrivals, mostly the less injured (Auf der Heide, Ann Emerg Med 47(1):34-49,
    2006: "casualties will be transported to hospitals by ambulance" is one of the planning assumptions
    field research contradicts). Boston 2013: 264 injured were treated at 26 hospitals, the count rising
    for days as people who had not sought help at the scene checked in (Boston Public Health Commission,
    Reuters 23 Apr 2013), while Boston EMS triaged and moved about 90 from the blast zones within 30 min
    (EMS chief J. Hooley, quoted in PAX Centurion 2013) [verify the EMS count]. Las Vegas 2017: the
    nearest hospital took 180 patients, 124 with gunshot wounds, many by private vehicle, pickup truck,
    taxi or ride-share (Sunrise Hospital, ED Management / Relias Media 2017). Shares by class are
    judgement within those observations: minor mostly on their own, stretcher cases less often."""

    minor: Fraction = Field(0.7, json_schema_extra=ranges(rng_range(
        0.5, 0.9, "Auf der Heide 2006; Boston 2013 (most of 264 injured reached hospital other than by EMS from the scene [verify]); bounds judgement")))
    """Share of minor casualties who go on their own (default 0.7: most walking wounded leave by themselves)."""
    delayed: Fraction = Field(0.3, json_schema_extra=ranges(rng_range(
        0.1, 0.5, "judgement: Las Vegas 2017 (seriously injured carried by private vehicles, Relias Media 2017); Auf der Heide 2006")))
    """Share of delayed casualties taken by bystanders (default 0.3, judgement)."""
    immediate: Fraction = Field(0.1, json_schema_extra=ranges(rng_range(
        0.0, 0.3, "judgement: Las Vegas 2017 (critically injured arrived in pickups and ride-shares, Relias Media 2017); fewer where medics reach the scene quickly")))
    """Share of immediate casualties taken by bystanders (default 0.1, judgement)."""
    delay: Distribution = Field(_ln(600.0, 2700.0), json_schema_extra=ranges(scaled(0.5, 2.0, "judgement: planning value [verify]")))
    """Time from the casualty's zone being clear to leaving by car (default median 10 min, p99 45 min [verify])."""
    travel_factor: PositiveFloat = 1.0
    """Private travel time relative to the ambulance travel time of the hospital."""


TraumaLevel = Literal["major_trauma_centre", "trauma_unit", "local_emergency_hospital"]
"""A hospital's trauma level (UK trauma networks; US level I / II / III)."""

SURGE_BY_LEVEL: dict[str, tuple[float, float, int]] = {
    "major_trauma_centre": (4.6, 7.1, 40),
    "trauma_unit": (2.9, 4.5, 25),
    "local_emergency_hospital": (1.6, 2.5, 15),
}
"""Critical patients per hour with the resources at hand, with the full plan, and typical ED beds, by level.

Major trauma centre (US level I): 4.6 and 7.1/h, Hirshberg et al., J Trauma 58(4):686, 2005 (a level I
trauma centre modelled); 40 ED beds, Rivera et al. 2006 (median 39 ED beds in level I centres, as quoted
by a 2017 review [verify]). Trauma unit (level II): x0.64, the ratio of 6-h ED throughput of level II to
level I centres (75 vs 117 patients) and median 25 ED beds, Rivera et al. 2006 [verify: read in a
secondary review only]. Local emergency hospital (level III, no trauma service): x0.35 and 15 ED beds,
judgement (range via ``surge_factor``)."""

TRAUMA_LEVEL_ALIASES = {1: "major_trauma_centre", 2: "trauma_unit", 3: "local_emergency_hospital"}

ED_TIME_H = 2.5
"""Emergency-department time per critical or moderate casualty (Bayram, Zuabi & Subbarao 2011: HACSC = ED beds / 2.5 h)."""
ARRIVAL_WINDOW_H = 6.0
"""Hours over which most critical and moderate casualties reach hospital (Bayram et al. 2011)."""
DEFAULT_SURGE = (4.6, 7.1, 30)
"""Surge values of a hospital given neither a trauma level nor explicit values (Hirshberg et al. 2005; 30 beds, planning value)."""


def _trauma_level(value: object) -> object:
    return TRAUMA_LEVEL_ALIASES.get(value, value) if isinstance(value, int) and not isinstance(value, bool) else value


class Hospital(Strict):
    """A receiving hospital.

    Surge capacity comes from the hospital's size and trauma level unless given: ``critical_per_hour`` and
    ``critical_per_hour_full_plan`` from :data:`SURGE_BY_LEVEL` times ``surge_factor``, ``beds`` from the
    emergency-department beds (``ed_beds``, or the level's typical number) as ``ed_beds / 2.5 h`` over the
    6-h arrival window (Bayram et al. 2011). Explicit values win. With neither, 4.6 / 7.1 per hour and 30 beds.
    """

    id: Id
    """Hospital id used by actions and metrics."""
    name: str | None = None
    """Name shown to people."""
    travel: Duration
    """One-way ambulance travel time from the venue (its distance, as time)."""
    trauma_level: Annotated[TraumaLevel | None, BeforeValidator(_trauma_level)] = None
    """``major_trauma_centre`` (1), ``trauma_unit`` (2) or ``local_emergency_hospital`` (3): sets the surge capacity
    and beds not given explicitly (:data:`SURGE_BY_LEVEL`)."""
    ed_beds: PositiveCount | None = None
    """Emergency-department beds; ``beds`` defaults to ``ed_beds / 2.5 h x 6 h`` (Bayram et al. 2011)."""
    surge_factor: Annotated[float, Field(gt=0.0, le=3.0)] = Field(1.0, json_schema_extra=ranges(rng_range(
        0.59, 1.3, "Hirshberg et al. 2005: 75 % overtriage lowers a level I centre's 4.6/h to 2.7/h (x0.59); upper bound judgement (larger hospitals, scaling of lower levels)")))
    """Multiplies surge capacities derived from the trauma level (not explicit ones). Default 1."""
    critical_per_hour: PositiveFloat | None = Field(None, json_schema_extra=ranges(rng_range(
        0.59, 1.0, "Hirshberg et al., J Trauma 58(4):686, 2005 (reference notes s.4): 4.6/h, 3.8 and 2.7/h with 50 % and 75 % overtriage", relative=True)))
    """Critical (immediate and expectant) patients per hour whose definitive care can start, with the resources
    immediately available (default from the trauma level; 4.6 for a major trauma centre: Hirshberg et al. 2005)."""
    critical_per_hour_full_plan: PositiveFloat | None = Field(None, json_schema_extra=ranges(rng_range(
        0.65, 1.0, "Hirshberg et al. 2005: 7.1/h with the full plan; lower bound judgement (overtriage lowers it as it does the 4.6/h)", relative=True)))
    """The same once the hospital's full disaster plan is running (default from the trauma level; 7.1 for a major
    trauma centre: Hirshberg et al. 2005). Never below ``critical_per_hour`` in the model."""
    full_plan_after: Duration | None = Field(3600.0, json_schema_extra=ranges(
        rng_range(1800.0, 7200.0, "judgement: planning value for activating a hospital major-incident plan", log=True)))
    """Time from EMS dispatch knowing to the full plan running. The capacity **ramps** linearly from
    ``critical_per_hour`` to the full-plan value over this time (staff called in arrive over time; Hirshberg
    et al. 2005 model only the two end states, the linear rise is judgement). Default 1 h, planning value
    [verify]; null: only by a decision (action ``hospital_plan``), which ramps over 1 h from the decision."""
    beds: PositiveCount | None = None
    """Patients of this incident the hospital can take (emergency department and surge). Default
    ``ed_beds / 2.5 h x 6 h`` (Bayram et al. 2011: HACSC = ED beds / 2.5 h; most casualties arrive within 6 h),
    or 30 without a trauma level or ED beds."""

    @model_validator(mode="after")
    def _positive_travel(self) -> Self:
        if self.travel < 0:
            raise ValueError("travel must be >= 0 s")
        return self

    def _level(self) -> tuple[float, float, int] | None:
        return SURGE_BY_LEVEL[self.trauma_level] if self.trauma_level is not None else None

    @property
    def surge_per_hour(self) -> float:
        """Critical patients per hour with the resources at hand (explicit, or from the trauma level)."""
        if self.critical_per_hour is not None:
            return float(self.critical_per_hour)
        level = self._level()
        return DEFAULT_SURGE[0] if level is None else level[0] * self.surge_factor

    @property
    def surge_per_hour_full_plan(self) -> float:
        """Critical patients per hour with the full plan (never below :attr:`surge_per_hour`)."""
        if self.critical_per_hour_full_plan is not None:
            full = float(self.critical_per_hour_full_plan)
        else:
            level = self._level()
            full = DEFAULT_SURGE[1] if level is None else level[1] * self.surge_factor
        return max(full, self.surge_per_hour)

    @property
    def bed_count(self) -> int:
        """Patients of this incident the hospital can take (explicit, from ED beds, or from the trauma level).

        >>> Hospital(id="h", travel=600, ed_beds=30).bed_count
        72
        """
        if self.beds is not None:
            return int(self.beds)
        ed = self.ed_beds
        if ed is None and self._level() is not None:
            ed = self._level()[2]
        if ed is None:
            return DEFAULT_SURGE[2]
        return max(1, round(ed / ED_TIME_H * ARRIVAL_WINDOW_H))


class Medical(Strict):
    """Casualty care, from bleeding control on scene to definitive care in hospital."""

    triage_mix: TriageMix = TriageMix()
    """Shares of casualties by triage class."""
    mix_by_cause: dict[str, TriageMix] = Field(default_factory=dict)
    """A different mix for a cause of injury (``incident`` or ``crowd_crush``)."""
    survival: Survival = Survival()
    """Survival over time to definitive care, by class."""
    bleeding_control: BleedingControl = BleedingControl()
    """Bleeding control by staff, bystanders and medics."""
    warm_zone: WarmZone = WarmZone()
    """When medics may enter."""
    scene: Scene = Scene()
    """Triage, carriage and treatment on scene."""
    ambulances: Ambulances = Ambulances()
    """Ambulance fleet."""
    major_incident: MajorIncident = MajorIncident()
    """When EMS declares a major incident (mass-casualty ambulance mode, every hospital's full plan)."""
    self_presentation: SelfPresentation = SelfPresentation()
    """Casualties who reach hospital on their own."""
    hospitals: list[Hospital] = Field(min_length=1)
    """Receiving hospitals."""
    distribution: Literal["nearest", "balanced"] = "nearest"
    """How ambulances choose a hospital: ``nearest`` with a free bed, or ``balanced`` (critical patients to the
    earliest expected start of care, others to the emptiest hospital). A decision (action ``distribution``) can change it."""
    transport_order: list[Literal["immediate", "delayed", "minor", "expectant"]] = Field(
        default_factory=lambda: ["immediate", "delayed", "expectant", "minor"], min_length=4, max_length=4)
    """Order in which classes are carried and transported (START order by default; Mills, Argon & Ziya 2013
    show delayed-first can save more lives when ambulances are scarce)."""

    @model_validator(mode="after")
    def _order_complete(self) -> Self:
        if sorted(self.transport_order) != sorted(["immediate", "delayed", "expectant", "minor"]):
            raise ValueError("transport_order must name immediate, delayed, expectant and minor once each")
        return self

