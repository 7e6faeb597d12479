"""Protective actions: the verbs the engine accepts at any simulated time.

A scenario can script them (a drill, the venue's plan); the facilitator applies team decisions as
the same objects. ``zones: all`` means every zone of the venue.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

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


Action = Annotated[
    Union[Alert, Evacuate, Shelter, Lockdown, Release, CloseConnection, OpenConnection, Dispatch, MutualAid, Cordon, Declare],
    Field(discriminator="do"),
]
"""One protective action, chosen by its ``do`` key."""
