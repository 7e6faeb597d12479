"""The scenario: a venue, its people, scripted actions, model settings and named variants."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr

from simsoft.schema.actions import Action
from simsoft.schema.automatic import Automatic
from simsoft.schema.common import Duration, Strict
from simsoft.schema.egress import EgressSettings
from simsoft.schema.incident import Incident
from simsoft.schema.medical import Medical
from simsoft.schema.recovery import Recovery
from simsoft.schema.response import Alerting, Detection, Response
from simsoft.schema.population import Population
from simsoft.schema.venue import Venue

__all__ = ["Scenario", "Variant", "SCHEMA_VERSION"]

SCHEMA_VERSION = "1"
"""Version of the scenario language; written into every run manifest."""


class Variant(Strict):
    """A named set of overrides of the base scenario (a protective measure or plan to compare)."""

    description: str | None = None
    """What the variant changes and why it is worth comparing."""
    set: dict[str, Any] = Field(min_length=1)
    """Overrides by field path, e.g. ``venue.connections[2].width_m: 2.0`` or ``egress.max_density_p_m2: 3.0``.
    A variant compares protective measures and response decisions: it may not change the incident's
    script (``incident.kind``, ``starts_at``, ``affected``, ``ends``, ``label``); it may change
    ``incident.access_control`` (a protective measure) and, with ``load_sensitivity: true``,
    ``incident.intensity``."""
    load_sensitivity: bool = False
    """Marks a variant that scales the incident's casualty intensity to test how the response copes
    with more or fewer casualties (a load sensitivity, reported as such), never to compare threats."""


class Scenario(Strict):
    """A complete scenario file after imports are resolved."""

    name: str
    """Name of the scenario, shown in reports and used for the output folder."""
    description: str | None = None
    """One or two sentences a trainer reads in ``simsoft scenarios``."""
    import_: list[str] = Field(default_factory=list, alias="import")
    """Other files (paths relative to this one) whose content this file extends, e.g. a shared venue."""
    venue: Venue
    """The modelled place."""
    population: Population
    """The people at the start."""
    egress: EgressSettings = EgressSettings()
    """Settings of the crowd-movement model."""
    incident: Incident | None = None
    """The scripted, abstract incident (none: a drill or a plain evacuation)."""
    detection: Detection = Detection()
    """How the incident becomes known to venue control, police and EMS dispatch."""
    alerting: Alerting = Alerting()
    """Notification channels and the venue's protective-action plan."""
    response: Response = Response()
    """On-site security, police and other responding units."""
    medical: Medical | None = None
    """Casualty care from bleeding control to hospital (needs an incident; none: casualties are only counted)."""
    recovery: Recovery | None = None
    """Release, accountability, reunification, scene handover and reopening (needs an incident)."""
    actions: list[Action] = Field(default_factory=list)
    """Protective actions scripted in time (a drill's alarm, the venue's plan)."""
    automatic: Automatic = Automatic()
    """What the engine does on its own (the venue's plan, police cordons); exercises leave these to their teams."""
    duration: Duration = 7200.0
    """Longest simulated time; the run also stops earlier once nothing more can happen (default 2 h)."""
    variants: dict[str, Variant] = Field(default_factory=dict)
    """Named overrides to compare, e.g. ``wider_exits`` or ``no_public_address``."""

    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file the scenario was loaded from, if any."""
        return self._source
