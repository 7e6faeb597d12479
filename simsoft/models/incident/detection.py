"""Detection and information flow: who learns of the incident, how, when, and how precisely.

Sources (each delay drawn from its own named stream):

- staff at ``staff_post`` assets see an incident in their zone (and next to it, if configured) and
  tell venue control, with the exact zone, with probability ``staff.probability`` (in the zone) or
  ``staff.adjacent_probability`` (next to it);
- monitored CCTV (``cctv`` assets with ``detection.cctv.monitored``) shows it to venue control, with
  the exact zone, when the operator notices (``cctv.attention``); unmonitored cameras only let
  responders locate it on arrival;
- occupants call police dispatch once someone is exposed; a call gives no reliable location.

Whether a source reports is drawn from its own stream (``detection.staff_notice``,
``detection.cctv_attention``), apart from its delay, each time the incident reaches a zone; a miss
is recorded as ``info.missed``. Relays then carry the news: venue control -> police dispatch, police dispatch -> EMS dispatch, and
police dispatch -> venue control when the first news came from a call.
"""

from __future__ import annotations

from collections import defaultdict

import simpy

from simsoft.distributions import sample
from simsoft.models.incident.situation import Situation
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.venue import AssetKind

__all__ = ["DetectionModel"]


class DetectionModel:
    """Turns the incident's progress into knowledge for venue control, police and EMS dispatch."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 situation: Situation) -> None:
        self.scenario = scenario
        self.cfg = scenario.detection
        self.env = env
        self.recorder = recorder
        self.situation = situation
        self.streams = streams
        venue = scenario.venue
        self.staffed = {a.zone for a in venue.assets if a.kind is AssetKind.staff_post and a.zone}
        self.cameras = {a.zone for a in venue.assets if a.kind is AssetKind.cctv and a.zone}
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for c in venue.connections:
            self.neighbours[c.from_].add(c.to)
            self.neighbours[c.to].add(c.from_)
        self.called = False

    def _draw(self, name: str, spec) -> float:
        return float(sample(spec, rng=self.streams.stream(f"detection.{name}"), n=1)[0])

    def start(self) -> None:
        """Register the relays between roles."""
        sit = self.situation
        self.env.process(self._relay("venue_control", "police", self.cfg.relay.venue_to_police))
        self.env.process(self._relay("police", "ems", self.cfg.relay.police_to_ems))
        self.env.process(self._relay("police", "venue_control", self.cfg.relay.police_to_venue, only_if_first_via="call"))
        del sit

    def _notices(self, name: str, probability: float) -> bool:
        return bool(self.streams.stream(f"detection.{name}").random() < probability)

    def zone_affected(self, zone: str, occupied: bool) -> None:
        """The incident reached ``zone`` (called by the incident model)."""
        staff = self.cfg.staff
        near = staff.adjacent and bool(self.neighbours[zone] & self.staffed)
        if zone in self.staffed or near:
            p = staff.probability if zone in self.staffed else staff.adjacent_probability
            delay = self._draw("staff", staff.delay)
            if self._notices("staff_notice", p):
                self.env.process(self._report("venue_control", "staff", zone, delay))
            else:
                self.recorder.emit(self.env.now, "info.missed", "venue_control", via="staff", zone=zone)
        cctv = self.cfg.cctv
        if cctv.monitored and zone in self.cameras:
            delay = self._draw("cctv", cctv.delay)
            if self._notices("cctv_attention", cctv.attention):
                self.env.process(self._report("venue_control", "cctv", zone, delay))
            else:
                self.recorder.emit(self.env.now, "info.missed", "venue_control", via="cctv", zone=zone)
        calls = self.cfg.public_calls
        if not self.called and (occupied or not calls.needs_exposed):
            self.called = True
            self.env.process(self._first_call(self._draw("public_calls", calls.first_call)))

    def locate_on_arrival(self, role: str = "police") -> None:
        """Responders on scene use unmonitored CCTV footage or eyes on the scene to find the zone."""
        zones = self.situation.affected_now or self.situation.ever_affected[-1:]
        if zones:
            via = "cctv_review" if zones[0] in self.cameras else "on_scene"
            self.situation.learn(role, via=via, zone=zones[0], exact=True)

    def _report(self, role: str, via: str, zone: str, delay: float):
        yield self.env.timeout(delay)
        self.situation.learn(role, via=via, zone=zone, exact=True)

    def _first_call(self, delay: float):
        yield self.env.timeout(delay)
        self.recorder.emit(self.env.now, "info.first_call", "police")
        self.situation.learn("police", via="call")

    def _relay(self, source: str, target: str, spec, only_if_first_via: str | None = None):
        sit = self.situation
        yield sit.known[source]
        if only_if_first_via is not None and sit.knowledge[source].via != only_if_first_via:
            return
        if sit.known[target].triggered:
            return
        yield self.env.timeout(self._draw(f"relay.{source}_to_{target}", spec))
        k = sit.knowledge[source]
        sit.learn(target, via=source, zone=k.zone, exact=k.location_exact)
