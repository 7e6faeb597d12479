"""Protective actions: the verbs the engine accepts at any simulated time.

A scenario can script them (a drill, the venue's plan); the facilitator applies team decisions as
the same objects. ``zones: all`` means every zone of the venue.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self, Union

from pydantic import Field, model_validator

from simsoft.schema.common import Duration, Id, Strict

__all__ = [
    "Action",
    "Alert",
    "Evacuate",
    "Shelter",
    "Lockdown",
    "Release",
    "CloseConnection",
    "OpenConnection",
    "ZoneSelection",
    "Dispatch",
    "MutualAid",
    "Cordon",
    "Declare",
    "RequestAmbulances",
    "WarmZoneEntry",
    "DistributionPolicy",
    "HospitalPlan",
    "SceneResources",
    "MajorIncidentDeclaration",
    "ReunificationAction",
    "RecoveryPhase",
    "AccountabilityAction",
    "CasualtyCollectionPoint",
    "Staging",
    "PublicInformation",
]

ZoneSelection = Union[Literal["all"], Annotated[list[Id], Field(min_length=1)]]
"""A list of zone ids, or ``all``."""


class _Timed(Strict):
    at: Duration = 0.0
    """Simulated time the action takes effect, from the start of the scenario."""
    note: str | None = None
    """Why (shown in the event log)."""


class Alert(_Timed):
    """Occupants of the zones get a cue; their pre-movement clock starts, they stay put until told to move."""

    do: Literal["alert"]
    """The verb: ``alert``."""
    zones: ZoneSelection
    """Zones whose occupants are alerted."""
    share: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    """Share of the not-yet-alerted occupants the message reaches."""


class Evacuate(_Timed):
    """Occupants of the zones leave for the exits (after their pre-movement if not alerted before)."""

    do: Literal["evacuate"]
    """The verb: ``evacuate``."""
    zones: ZoneSelection
    """Zones to evacuate."""
    via: list[Id] | None = None
    """Exits to use (staff direct people to them); by default each group picks the quickest."""


class Shelter(_Timed):
    """Occupants stay (or gather) in the zones and do not leave until released."""

    do: Literal["shelter"]
    """The verb: ``shelter``."""
    zones: ZoneSelection
    """Zones to shelter in."""


class Lockdown(_Timed):
    """Occupants stay in the zones and every lockable connection of those zones is closed."""

    do: Literal["lockdown"]
    """The verb: ``lockdown``."""
    zones: ZoneSelection
    """Zones to lock down."""


class Release(_Timed):
    """End shelter or lockdown: lockable connections re-open and occupants may leave."""

    do: Literal["release"]
    """The verb: ``release``."""
    zones: ZoneSelection
    """Zones to release."""


class CloseConnection(_Timed):
    """Close a connection (blocked, locked, unsafe): nobody passes until it is opened."""

    do: Literal["close"]
    """The verb: ``close``."""
    connection: Id
    """Connection to close."""


class OpenConnection(_Timed):
    """Open a closed connection again."""

    do: Literal["open"]
    """The verb: ``open``."""
    connection: Id
    """Connection to open."""


class Dispatch(_Timed):
    """Send a responding unit now (one that is not sent automatically, or sooner than automatic dispatch)."""

    do: Literal["dispatch"]
    """The verb: ``dispatch``."""
    unit: Id
    """Unit to send (``response.units``)."""


class MutualAid(_Timed):
    """Request more units from neighbouring services (built from ``response.mutual_aid``)."""

    do: Literal["mutual_aid"]
    """The verb: ``mutual_aid``."""
    units: Annotated[int, Field(ge=1, le=50)] = 1
    """How many units to request."""


class Cordon(_Timed):
    """Set the cordon level of zones: hot (threat present), warm (secured but not cleared), cold (safe)."""

    do: Literal["cordon"]
    """The verb: ``cordon``."""
    zones: ZoneSelection
    """Zones to mark."""
    level: Literal["hot", "warm", "cold"]
    """Cordon level."""


class Declare(_Timed):
    """Declare the incident contained (needs a capable unit on scene) or the venue all clear (after containment)."""

    do: Literal["declare"]
    """The verb: ``declare``."""
    what: Literal["contained", "all_clear"]
    """``contained`` or ``all_clear``."""


class RequestAmbulances(_Timed):
    """Request more ambulances: from the local service (``medical.ambulances.arrival``) or as mutual aid."""

    do: Literal["request_ambulances"]
    """The verb: ``request_ambulances``."""
    count: Annotated[int, Field(ge=1, le=100)] = 1
    """How many ambulances."""
    mutual_aid: bool = False
    """Whether they come from neighbouring services (``medical.ambulances.mutual_aid_arrival``)."""


class WarmZoneEntry(_Timed):
    """Change when medics may enter: after containment, or earlier with a rescue task force."""

    do: Literal["warm_zone"]
    """The verb: ``warm_zone``."""
    policy: Literal["after_contained", "rescue_task_force"]
    """The entry policy from now on."""


class DistributionPolicy(_Timed):
    """Change how ambulances choose a hospital."""

    do: Literal["distribution"]
    """The verb: ``distribution``."""
    policy: Literal["nearest", "balanced"]
    """``nearest`` or ``balanced``."""


class HospitalPlan(_Timed):
    """A hospital activates its full disaster plan now (its surge capacity rises to the full-plan value)."""

    do: Literal["hospital_plan"]
    """The verb: ``hospital_plan``."""
    hospital: Id
    """Hospital id (``medical.hospitals``)."""


class SceneResources(_Timed):
    """More bearers, stretchers or triage teams reach the scene (fire crews, extra staff, improvised stretchers)."""

    do: Literal["scene_resources"]
    """The verb: ``scene_resources``."""
    bearers: Annotated[int, Field(ge=0, le=1000)] = 0
    """Additional bearers."""
    stretchers: Annotated[int, Field(ge=0, le=1000)] = 0
    """Additional stretchers."""
    triage_teams: Annotated[int, Field(ge=0, le=100)] = 0
    """Additional triage teams."""


class MajorIncidentDeclaration(_Timed):
    """EMS declares a major incident now: ambulances switch to the mass-casualty mode (``medical.ambulances.mci``:
    two stretcher patients per vehicle, a short handover, other vehicles for walking casualties) and every
    hospital activates its full plan. Declaring again changes nothing."""

    do: Literal["major_incident"]
    """The verb: ``major_incident``."""


class ReunificationAction(_Timed):
    """Open a reunification site (a standby one, or earlier than planned) and/or add staff to it."""

    do: Literal["reunification"]
    """The verb: ``reunification``."""
    site: Id
    """Site id (``recovery.reunification``)."""
    add_staff: Annotated[int, Field(ge=0, le=500)] = 0
    """Staff added to the site."""
    open: bool = True
    """Open the site now if it is not open yet."""


class RecoveryPhase(_Timed):
    """Change the duration of a recovery phase (investigation, clean-up, reopening preparation, family assistance)."""

    do: Literal["recovery"]
    """The verb: ``recovery``."""
    phase: Literal["investigation", "clean_up", "reopen_preparation", "family_assistance"]
    """The phase."""
    duration: Duration
    """Its new duration, counted from the phase's start (a phase whose new end is past ends now)."""


class AccountabilityAction(_Timed):
    """Help account for everyone: announce the assembly points, post staff to count at every exit, start digital check-in."""

    do: Literal["accountability"]
    """The verb: ``accountability``."""
    announce_assembly: bool = False
    """Announce the assembly points: a share of the people still to leave by other exits go there and are counted."""
    count_at_exits: bool = False
    """Post staff to count at every exit, not only at assembly points."""
    digital_checkin: bool = False
    """Start digital check-in and reunification by app or SMS (``recovery.digital``)."""


class CasualtyCollectionPoint(_Timed):
    """Place the casualty collection point (CCP): outside the venue (the plan's place), far outside, or in a zone.

    A CCP in or next to the casualties' zone shortens their carry and walk, but it opens only once its
    zone is safe (the incident has left it and it is contained or cordoned warm or cold); until then
    casualties go to the CCP outside. A CCP far outside (beyond the outer cordon) lengthens them."""

    do: Literal["casualty_collection_point"]
    """The verb: ``casualty_collection_point``."""
    zone: Id = "outside"
    """A zone of the venue, or ``outside`` (the plan's place, just outside the venue)."""
    far: bool = False
    """Only with ``outside``: the CCP is far from the venue (beyond the outer cordon): longer carries and walks."""

    @model_validator(mode="after")
    def _far_outside_only(self) -> Self:
        if self.far and self.zone != "outside":
            raise ValueError("far applies only to a casualty collection point outside the venue (zone: outside)")
        return self


class Staging(_Timed):
    """Set the ambulance staging and loading point: next to the CCP (short loading) or away from it (long loading).

    With ``zone`` the loading point is in that zone of the venue (an outdoor zone, a forecourt): it takes
    effect only once the zone is safe (the incident has left it and it is contained or cordoned warm or
    cold); until then ambulances load as before."""

    do: Literal["staging"]
    """The verb: ``staging``."""
    near_ccp: bool = True
    """Whether ambulances are called forward from a staging point close to the CCP and load next to it."""
    zone: Id | None = None
    """Zone of the venue where the loading point is (absent: outside the venue)."""


class PublicInformation(_Timed):
    """A public information message naming the reunification site and/or a phone line for families.

    Families who have not yet set out go to the named site instead of first converging on the scene, and
    with a phone line some of those who would come are answered by phone instead."""

    do: Literal["public_information"]
    """The verb: ``public_information``."""
    site: Id | None = None
    """Reunification site the message names (``recovery.reunification``)."""
    phone_line: bool = False
    """Whether the message gives a phone line for families."""

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if self.site is None and not self.phone_line:
            raise ValueError("a public information message names a reunification site (site: ID) or a phone line (phone_line: true)")
        return self


Action = Annotated[
    Union[Alert, Evacuate, Shelter, Lockdown, Release, CloseConnection, OpenConnection, Dispatch, MutualAid, Cordon, Declare,
          RequestAmbulances, WarmZoneEntry, DistributionPolicy, HospitalPlan, SceneResources, MajorIncidentDeclaration,
          ReunificationAction, RecoveryPhase, AccountabilityAction, CasualtyCollectionPoint, Staging, PublicInformation],
    Field(discriminator="do"),
]
"""One protective action, chosen by its ``do`` key."""
