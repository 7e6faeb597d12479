"""A floor plan read from a file, before it becomes a venue: rooms, doors and stairs in metres.

The readers (:mod:`.dxf`, :mod:`.geojson`) fill a :class:`Plan`; :mod:`.build` turns it into a venue.
Geometry is shapely's, in metres, in the plan's own frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simsoft.plans.report import Report

__all__ = ["Room", "Door", "Stair", "Plan"]


@dataclass
class Room:
    """A closed outline people stand in (a zone)."""

    source: str
    polygon: Any  # shapely Polygon, metres
    name: str | None = None
    kind: str | None = None
    level: int = 0


@dataclass
class Door:
    """A door, gate or opening: a line across the opening, a point on a wall, or a block's footprint."""

    source: str
    geometry: Any  # shapely geometry, metres
    width_m: float
    level: int | None = None
    exit: bool = False
    name: str | None = None


@dataclass
class Stair:
    """A stair joining two rooms (on two levels when ``levels`` is given)."""

    source: str
    polygon: Any
    levels: tuple[int, int] | None = None
    width_m: float | None = None
    name: str | None = None


@dataclass
class Plan:
    """Everything a reader found, with the report of what it inferred and could not read."""

    file: str
    report: Report
    rooms: list[Room] = field(default_factory=list)
    doors: list[Door] = field(default_factory=list)
    stairs: list[Stair] = field(default_factory=list)
    name: str | None = None
