"""Where the casualty collection point (CCP) and the ambulance loading point are: the EMS team's layout.

Two decisions change the scene's layout (their factors are ``medical.scene`` parameters):

- ``casualty_collection_point``: the CCP outside the venue (the plan's place: carries and walks as
  drawn), far outside (times x ``ccp_far_factor``), or in a zone of the venue. A CCP in a zone opens once
  the zone is safe: the incident has left it and it is contained or cordoned warm or cold. From then on
  carries and walks from that zone or a zone next to it (one connection away) take ``ccp_near_factor``
  of their time; casualties further away, or before it opens, go to the CCP outside.
- ``staging``: ambulances called forward from a staging point next to the CCP load in
  ``staging_near_factor`` of ``ambulances.load_time``; a loading point away from the CCP takes
  ``staging_far_factor`` of it. A loading point in a zone of the venue takes effect once the zone is
  safe, by the same rule (a staging point in a hot zone waits; it is not refused, since the plan
  cannot know when the zone will be safe).

Nothing here draws a random number: the factors scale each casualty's own carry and walk draws, so
a run without these decisions is unchanged and runs with them compare the same casualties.
"""

from __future__ import annotations

from typing import Any

import simpy

from simsoft.models.incident.situation import Situation
from simsoft.records import Recorder
from simsoft.schema import Scenario
from simsoft.schema.medical import Ambulances

__all__ = ["SceneLayout", "StagedAmbulances", "OUTSIDE", "SAFE_POLL_S", "known_places"]

OUTSIDE = "outside"
"""The CCP's place in the plan: just outside the venue."""

SAFE_POLL_S = 5.0
"""How often a zone named by a decision is checked for having become safe (a modelling step, not a parameter)."""


def _neighbours(scenario: Scenario) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {z.id: set() for z in scenario.venue.zones}
    for c in scenario.venue.connections:
        if c.from_ in out and c.to in out:
            out[c.from_].add(c.to)
            out[c.to].add(c.from_)
    return out


class StagedAmbulances:
    """The ambulance settings the fleet reads, with the loading time the current staging gives.

    The fleet reads ``load_time`` before every load, so a staging decision reaches every ambulance,
    including those already at work. Every other setting is the scenario's.
    """

    def __init__(self, cfg: Ambulances) -> None:
        self._cfg = cfg
        self.factor: float | None = None
        """Multiplier of the loading time; ``None``: as planned."""

    @property
    def load_time(self) -> float:
        """Loading time at the scene now (seconds)."""
        base = self._cfg.load_time
        return base if self.factor is None else base * self.factor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cfg, name)


class SceneLayout:
    """The CCP's place and the loading point of one run, with the factors they give."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, recorder: Recorder, situation: Situation,
                 ambulances: StagedAmbulances) -> None:
        assert scenario.medical is not None
        self.scenario = scenario
        self.cfg = scenario.medical.scene
        self.env = env
        self.recorder = recorder
        self.situation = situation
        self.ambulances = ambulances
        self.zones = [z.id for z in scenario.venue.zones]
        self.neighbours = _neighbours(scenario)
        self.ccp_zone: str | None = None
        """Zone of the CCP chosen by a decision (``None``: outside)."""
        self.ccp_open = False
        self.ccp_far = False
        self._ccp_version = 0
        self._staging_version = 0
        self._cordon: dict[str, str] = {}
        self._seen = 0

    # -- safety ------------------------------------------------------------------------------
    def _level(self, zone: str) -> str | None:
        events = self.recorder.events
        for e in events[self._seen:]:
            if e.kind == "response.cordon":
                self._cordon[e.subject] = str(e.values.get("level"))
        self._seen = len(events)
        return self._cordon.get(zone)

    def zone_safe(self, zone: str) -> bool:
        """The incident has left ``zone`` and it is contained or cordoned warm or cold."""
        sit = self.situation
        if zone in sit.affected_now and not sit.incident_over.triggered:
            return False
        return bool(sit.contained.triggered) or self._level(zone) in ("warm", "cold")

    def _when_safe(self, zone: str):
        while not self.zone_safe(zone):
            yield self.env.timeout(SAFE_POLL_S)

    # -- the CCP -----------------------------------------------------------------------------
    def place_ccp(self, zone: str, *, far: bool, reason: str) -> str:
        """Put the CCP in ``zone`` (or outside); returns what happens (``open`` or ``waiting for the zone to be safe``)."""
        self._ccp_version += 1
        self.ccp_far = far
        if zone == OUTSIDE:
            self.ccp_zone, self.ccp_open = None, False
            return "open"
        self.ccp_zone, self.ccp_open = zone, False
        if self.zone_safe(zone):
            self._open_ccp(zone, reason)
            return "open"
        self.env.process(self._ccp_when_safe(zone, self._ccp_version, reason))
        return "waiting for the zone to be safe"

    def _ccp_when_safe(self, zone: str, version: int, reason: str):
        yield from self._when_safe(zone)
        if version == self._ccp_version:
            self._open_ccp(zone, reason)

    def _open_ccp(self, zone: str, reason: str) -> None:
        self.ccp_open = True
        self.recorder.emit(self.env.now, "medical.ccp_opened", zone, reason=reason)

    def ccp_factor(self, zone: str) -> float:
        """Multiplier of the carry or walk time, to the CCP, of a casualty lying in ``zone``, now."""
        if self.ccp_zone is None:
            return self.cfg.ccp_far_factor if self.ccp_far else 1.0
        if self.ccp_open and (zone == self.ccp_zone or zone in self.neighbours.get(self.ccp_zone, ())):
            return self.cfg.ccp_near_factor
        return 1.0

    # -- staging -----------------------------------------------------------------------------
    def stage(self, *, near_ccp: bool, zone: str | None, reason: str) -> str:
        """Set the loading point; returns what happens (``in effect`` or ``waiting for the zone to be safe``)."""
        self._staging_version += 1
        factor = self.cfg.staging_near_factor if near_ccp else self.cfg.staging_far_factor
        if zone is None or self.zone_safe(zone):
            self._set_staging(factor, zone, reason)
            return "in effect"
        self.env.process(self._stage_when_safe(factor, zone, self._staging_version, reason))
        return "waiting for the zone to be safe"

    def _stage_when_safe(self, factor: float, zone: str, version: int, reason: str):
        yield from self._when_safe(zone)
        if version == self._staging_version:
            self._set_staging(factor, zone, reason)

    def _set_staging(self, factor: float, zone: str | None, reason: str) -> None:
        self.ambulances.factor = factor
        self.recorder.emit(self.env.now, "medical.staging", zone or OUTSIDE, load_time_s=self.ambulances.load_time,
                           reason=reason)


def known_places(scenario: Scenario) -> list[str]:
    """Zones a CCP or loading point may be placed in, and ``outside``."""
    return [OUTSIDE, *(z.id for z in scenario.venue.zones)]
