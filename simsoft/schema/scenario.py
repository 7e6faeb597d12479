"""The scenario: a venue, its people, scripted actions, model settings and named variants."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PrivateAttr, StringConstraints, model_serializer

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

__all__ = ["Scenario", "Variant", "SCHEMA_VERSION", "NAMED_OWN"]

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
"""A language as a key of ``names:``: an ISO 639 code (``en``, ``ar``, ``fr``)."""

NAMED_OWN = ("venue", "scenario", "incident", "description")
"""Keys of ``names:`` that name no place: the venue's own name and the scenario's (as in exercise files), the
incident's narrative label and the scenario's description."""

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
    names: dict[str, dict[LanguageCode, str]] = Field(default_factory=dict)
    """Display names in other languages for reports and figures written with ``--lang``: a zone, exit, door
    or hospital id, ``venue`` (the venue's name), ``scenario`` (this scenario's name), ``incident`` (the
    incident's label) or ``description``, each with ``{language: text}``, e.g. ``prayer_hall: {fr: Salle de prière, ar: قاعة الصلاة}``. English, and a
    language a name does not give, use the name as written; the data files never change."""

    def named_places(self) -> set[str]:
        """The ids ``names:`` may name: zones, exits, doors and hospitals, and :data:`NAMED_OWN`."""
        venue = self.venue
        ids = {z.id for z in venue.zones} | {x.id for x in venue.exits} | {c.id for c in venue.connections}
        return ids | ({h.id for h in self.medical.hospitals} if self.medical is not None else set()) | set(NAMED_OWN)

    def with_names_of_its_places(self) -> "Scenario":
        """This scenario without the ``names:`` of places it no longer has (a region's site that runs without its
        incident, or with the region's hospitals instead of its own); itself when every name still names a place."""
        places = self.named_places()
        if all(k in places for k in self.names):
            return self
        return self.model_copy(update={"names": {k: v for k, v in self.names.items() if k in places}})

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> Any:
        # A scenario without translated names dumps as it did before ``names:`` existed (run manifests,
        # the exercise journal's scenario digest).
        data = handler(self)
        if not self.names and isinstance(data, dict):
            data.pop("names", None)
        return data

    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file the scenario was loaded from, if any."""
        return self._source
