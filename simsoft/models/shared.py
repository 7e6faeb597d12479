"""Hooks through which resources shared beyond one venue (a region's) replace a site's own.

A single-venue run passes none (``shared=None``): each model uses the scenario's own hospitals,
ambulances and police units, exactly as before. A region (:mod:`simsoft.region`) passes one
:class:`SharedResources` per site; each method returns ``None`` (or ``False``) where the region gives
nothing of that kind, so the site keeps its own.

The protocol lives in the model core and names only core types, so the models never import the region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from simsoft.models.medical.hospitals import HospitalModel
    from simsoft.models.medical.survival import Casualty
    from simsoft.models.medical.transport import AmbulanceFleet
    from simsoft.records import Recorder

__all__ = ["SharedResources", "PoliceAssignment"]


@dataclass(frozen=True)
class PoliceAssignment:
    """A shared police unit sent to a site: it leaves after ``dispatch_s`` and drives ``travel_s``."""

    unit: str
    can_contain: bool
    dispatch_s: float
    travel_s: float


class SharedResources(Protocol):
    """What a region lends one of its sites."""

    distribution: str | None
    """The hospital distribution policy of the region (``None``: the site's own)."""

    def hospitals(self, *, recorder: Recorder,
                  on_care: Callable[[Casualty, HospitalModel], None]) -> list[HospitalModel] | None:
        """The site's view of the shared hospitals (travel from the site, shared load), or ``None``."""

    def send_ambulances(self, fleet: AmbulanceFleet, *, count: int, source: str) -> bool:
        """Send up to ``count`` shared ambulances to the site's ``fleet``; ``False`` when the region has none
        (the site then uses its own arrival distribution)."""

    def police(self, *, count: int) -> list[PoliceAssignment] | None:
        """Assign up to ``count`` shared police units to the site now, or ``None`` when the region has none."""

    def walk_in(self, hospitals: list[HospitalModel], *, nearest: HospitalModel,
                draw: Callable[[], float]) -> HospitalModel:
        """The hospital a self-presenting casualty heads for (``nearest`` unless public information steers them
        elsewhere); ``draw`` gives the site's uniform draw, called only when a message could apply."""
