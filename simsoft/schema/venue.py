"""The venue: zones people occupy, connections between them, exits to safety, protective assets."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Self

from pydantic import Field, model_validator

from simsoft.schema.common import Fraction, Id, PositiveCount, Strict

__all__ = ["ZoneKind", "ConnectionKind", "AssetKind", "Zone", "Connection", "Exit", "Asset", "Venue"]


class ZoneKind(str, Enum):
    """What a zone is; the egress model uses it for boundary layers and defaults."""

    room = "room"
    hall = "hall"
    corridor = "corridor"
    concourse = "concourse"
    stair = "stair"
    outdoor = "outdoor"
    shelter = "shelter"


class ConnectionKind(str, Enum):
    """What joins two places; it sets the SFPE speed constant and boundary layer."""

    door = "door"
    corridor = "corridor"
    stair = "stair"
    gate = "gate"
    opening = "opening"


class AssetKind(str, Enum):
    """Protective assets a venue can hold."""

    cctv = "cctv"
    staff_post = "staff_post"
    vehicle_barrier = "vehicle_barrier"
    bleeding_control_kit = "bleeding_control_kit"
    public_address = "public_address"


Position = Annotated[tuple[float, float], Field(description="x and y in metres, for drawing.")]
Outline = Annotated[list[tuple[float, float]], Field(min_length=3, max_length=10_000)]


class Zone(Strict):
    """A space people occupy: a room, a hall, a stand, a concourse, a stair core."""

    id: Id
    """Unique id used by connections, population, assets and actions."""
    name: str | None = None
    """Name shown to people (defaults to the id)."""
    kind: ZoneKind = ZoneKind.room
    """What the zone is: room, hall, corridor, concourse, stair, outdoor or shelter."""
    area_m2: Annotated[float, Field(ge=0.1, le=1e7)]
    """Floor area people can stand on, in square metres (0.1 m2 to 10 km2: beyond that it is a typing mistake)."""
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    """Most people the zone may hold (its licensed capacity); defaults to area times the egress model's maximum density."""
    level: Annotated[int, Field(ge=-50, le=200)] = 0
    """Floor level (0 = ground; negative below ground)."""
    position: Position | None = None
    """Where the zone's centre is drawn, in metres."""
    travel_length_m: Annotated[float, Field(ge=0.01, le=1e5)] | None = None
    """Typical walking distance across the zone to its doors, in metres (defaults to the square root of the area)."""
    polygon: Outline | None = None
    """Outline of the zone as x, y points in metres, in the frame of ``position`` (3 to 10,000 points; written by
    ``simsoft venue import`` from a floor plan). Used for drawing only: the model uses ``area_m2``."""

    @property
    def label(self) -> str:
        """The name, or the id when no name is given."""
        return self.name or self.id


class Connection(Strict):
    """A door, gate, opening, corridor or stair between two places (zones or exits)."""

    id: Id
    """Unique id used by exits, assets and actions."""
    from_: Id = Field(alias="from")
    """Zone the connection starts from (people may walk back unless ``one_way``)."""
    to: Id
    """Zone or exit the connection leads to."""
    kind: ConnectionKind = ConnectionKind.door
    """door, corridor, stair, gate or opening."""
    width_m: Annotated[float, Field(gt=0.0, le=1e4)]
    """Clear width in metres, up to 10 km (boundary layers are subtracted by the egress model)."""
    length_m: Annotated[float, Field(ge=0.01, le=1e5)] | None = None
    """Walking length in metres (1 cm to 100 km); required for corridors and stairs (stairs: along the slope, landings included)."""
    riser_mm: Annotated[float, Field(ge=50.0, le=400.0)] | None = None
    """Stair riser height in millimetres (stairs only; default 178 mm; 50-400 mm)."""
    tread_mm: Annotated[float, Field(ge=100.0, le=1000.0)] | None = None
    """Stair tread depth in millimetres (stairs only; default 279 mm; 100-1000 mm)."""
    lockable: bool = False
    """Whether it can be locked by a lockdown (doors and gates people can secure)."""
    one_way: bool = False
    """Whether people can only pass from ``from`` to ``to`` (turnstiles, exit-only doors)."""
    boundary_layer_m: Annotated[float, Field(ge=0.0, le=5.0)] | None = None
    """Override of the SFPE boundary layer per side, in metres (defaults by kind)."""
    at: Position | None = None
    """Where the door, gate or stair is, x and y in metres in the frame of the zones' ``position`` and ``polygon``
    (the middle of the opening; written by ``simsoft venue import`` from the plan's door geometry). Used for
    drawing only; without it drawings estimate the point where the two zones' outlines meet."""

    @model_validator(mode="after")
    def _kind_rules(self) -> Self:
        if self.kind is not ConnectionKind.stair and (self.riser_mm is not None or self.tread_mm is not None):
            raise ValueError("riser_mm and tread_mm are for stairs only")
        if self.kind in (ConnectionKind.corridor, ConnectionKind.stair) and self.length_m is None:
            raise ValueError(f"a {self.kind.value} needs length_m")
        if self.from_ == self.to:
            raise ValueError(f"connects {self.to!r} to itself")
        return self


class Exit(Strict):
    """A place of safety outside the venue (a street, an assembly point); people who reach it are out."""

    id: Id
    """Unique id used by connections and actions (``evacuate via``)."""
    name: str | None = None
    """Name shown to people (defaults to the id)."""
    assembly_point: bool = False
    """Whether staff count people here (used by accountability in recovery)."""
    position: Position | None = None
    """Where it is drawn, in metres."""

    @property
    def label(self) -> str:
        """The name, or the id when no name is given."""
        return self.name or self.id


class Asset(Strict):
    """A protective asset in a zone or on a connection (CCTV, staff post, vehicle barrier, kit, PA)."""

    kind: AssetKind
    """cctv, staff_post, vehicle_barrier, bleeding_control_kit or public_address."""
    zone: Id | None = None
    """Zone the asset covers or stands in."""
    connection: Id | None = None
    """Connection the asset guards (vehicle barriers stand on a boundary)."""
    count: PositiveCount = 1
    """How many (cameras, staff, kits...)."""
    id: Id | None = None
    """Optional id, for assets referenced by name."""
    notes: str | None = None
    """Free text for the trainer."""
    rated: bool = True
    """Vehicle barriers only: whether it is rated (crash-tested to PAS 68, IWA 14-1 or ASTM F2656); an unrated
    barrier (water-filled, planters) stops a vehicle less surely (``alerting.protection``)."""
    effectiveness: Fraction | None = None
    """Vehicle barriers only: probability (0-1) that this barrier stops a ``vehicle`` incident, drawn once per run;
    by default ``alerting.protection.vehicle_barrier`` (rated) or ``vehicle_barrier_unrated``."""

    @model_validator(mode="after")
    def _placed(self) -> Self:
        if (self.zone is None) == (self.connection is None):
            raise ValueError("give exactly one of zone or connection")
        if self.kind is not AssetKind.vehicle_barrier and (self.effectiveness is not None or not self.rated):
            raise ValueError(f"rated and effectiveness are for vehicle barriers only, not {self.kind.value}")
        return self


class Venue(Strict):
    """The modelled place: its zones, connections, exits and protective assets."""

    name: str | None = None
    """Name of the venue."""
    zones: list[Zone] = Field(min_length=1)
    """Spaces people occupy."""
    connections: list[Connection] = Field(min_length=1)
    """Doors, gates, openings, corridors and stairs between zones and exits."""
    exits: list[Exit] = Field(min_length=1)
    """Places of safety; a connection whose ``to`` is an exit id reaches it."""
    assets: list[Asset] = Field(default_factory=list)
    """Protective assets by zone or connection."""

    def zone(self, zone_id: str) -> Zone:
        """The zone with this id (``KeyError`` if none)."""
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise KeyError(zone_id)
