"""A declared major incident: when EMS declares it and how ambulances work under it (mass-casualty mode).

Part of the ``medical`` block (``medical.major_incident``, ``medical.ambulances.mci``); kept apart so that
:mod:`simsoft.schema.medical` stays small. Model: :mod:`simsoft.models.medical.major_incident`; sources and
ranges in each docstring and in ``docs/medical-recovery.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simsoft.schema.common import Count, Duration, PositiveCount, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = ["OtherVehicles", "MassCasualtyMode", "MajorIncident"]


def _ln(median: float, p99: float) -> Lognormal:
    return Lognormal(distribution="lognormal", median=median, p99=p99)


class OtherVehicles(Strict):
    """Vehicles other than ambulances (buses, patient-transport vehicles, police cars) that take walking
    casualties from the CCP to hospital once a major incident is declared, so that ambulances are kept for
    stretcher cases.

    UK ambulance services keep mass-casualty vehicles for many seated and stretcher patients (NARU,
    mass-casualty capability: initial provision for 100 P1 and 250 P2/P3 patients). Counts, capacity and
    arrival are planning values (judgement) [verify against the local major-incident plan]. London 7/7 is a
    validation case and set none of them."""

    count: Count = 2
    """Vehicles sent when the major incident is declared (judgement, planning value: a scenario sets its own;
    0 turns them off)."""
    capacity: PositiveCount = 8
    """Walking casualties one vehicle takes per trip (judgement: seats usable with escorts in a minibus or
    patient-transport vehicle; a bus takes more)."""
    arrival: Distribution = Field(_ln(1200.0, 3600.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: planning value; vehicles are found and briefed after the declaration")))
    """Time from the declaration to a vehicle arriving at the CCP (default lognormal, median 20 min, p99 1 h;
    judgement)."""
    classes: list[Literal["minor", "delayed"]] = Field(default_factory=lambda: ["minor"], min_length=1)
    """Triage classes these vehicles may take (``minor``: walking wounded; add ``delayed`` where seated
    transport of stable delayed casualties is accepted)."""


class MassCasualtyMode(Strict):
    """How ambulances work once a major incident is declared (``medical.major_incident`` or the action
    ``major_incident``): more than one stretcher patient per vehicle, a short handover at hospital, and other
    vehicles for walking casualties.

    Doctrine: a declared major incident replaces the one-patient, full-handover routine with a structured
    mass-casualty response, triage, treatment and transport organised from the casualty clearing station
    (JESIP Joint Doctrine; NHS England EPRR framework; Lowes & Cosgrove, BJA Education 16(10):323, 2016).
    The values are planning values with ranges, never fitted to the Boston or Manchester timelines, which
    validate the model (``docs/validation.md``)."""

    patients_per_vehicle: Annotated[int, Field(ge=1, le=4)] = 2
    """Stretcher patients (immediate, delayed, expectant) one ambulance takes when more are waiting at the CCP
    (default 2; credible range 1-2 for a UK/US front-line ambulance, more only for mass-casualty vehicles;
    judgement from the reference notes' s.4 planning assumption of one stretcher per ambulance in normal
    operation and mass-casualty loading in MCI plans [verify against the local plan])."""
    walking_with_stretcher: Count = 1
    """Walking (minor) casualties seated beside a single stretcher patient when no second stretcher patient is
    waiting (default 1; range 0-2, judgement: the seats of a front-line ambulance)."""
    handover: Duration = Field(300.0, json_schema_extra=ranges(
        rng_range(120.0, 900.0, "judgement: a major-incident handover at the receiving hospital's triage point "
                  "releases the crew at once; the 15-min NHS normal-time target is the upper bound", log=True)))
    """Time the crew stays at hospital under a declared major incident, instead of ``handover_time`` (default
    5 min; range 2-15 min, judgement: the hospital's major-incident triage point takes the patient at the door,
    the NHS 15-min handover target is the normal-time upper bound)."""
    additional_ambulances: Count = 0
    """Ambulances sent when the major incident is declared (a pre-determined attendance; e.g. the London
    Ambulance Service sends 20 ambulances and 6 managers as soon as a major incident is declared, LAS statement
    of 5 June 2006). Default 0: a scenario sets its own service's attendance."""
    other_vehicles: OtherVehicles = OtherVehicles()
    """Buses, patient-transport vehicles and police cars for walking casualties."""


class MajorIncident(Strict):
    """When EMS declares a major incident (which switches the ambulances to :class:`MassCasualtyMode` and
    activates every hospital's full plan). A decision (action ``major_incident``) can declare it at any time."""

    declared: Literal["auto", "never"] = "auto"
    """``auto``: declared ``after`` EMS dispatch knows of the incident; ``never``: only by a decision (with no
    decision, the run is the same as without a major-incident mode)."""
    after: Duration = Field(600.0, json_schema_extra=ranges(
        rng_range(60.0, 2700.0, "JESIP Joint Doctrine: declare early, from the first METHANE report of the first "
                  "crew on scene; bounds judgement (Manchester 2017: Operation Plato and the ambulance response "
                  "in the first 30 min, Inquiry vol. 2, Part 14)", log=True)))
    """Time from EMS dispatch knowing to the declaration (default 10 min: the first crew's METHANE report,
    JESIP; the first ambulance arrives about 10 min after dispatch by default; range 1-45 min)."""
