"""What is known, by whom, and since when: the shared timeline of an incident response.

Detection, alerting, response and (later) medical models meet here. Each milestone is a SimPy event
that succeeds once, stamped with its time, and every change is written as a record so that the
facilitator can show each role what it would know rather than the ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from simsoft.records import Recorder

__all__ = ["ROLES", "Situation", "Knowledge"]

ROLES = ("venue_control", "police", "ems")
"""Who can know: the venue's control room, police dispatch, EMS dispatch."""


@dataclass
class Knowledge:
    """What one role knows about the incident."""

    known_at_s: float | None = None
    """When the role first learned of the incident."""
    via: str | None = None
    """How it first learned (staff, cctv, call, relay from another role)."""
    location_exact: bool = False
    """Whether it knows which zone the incident is in (staff and CCTV reports), not just that it exists."""
    zone: str | None = None
    """The zone last reported precisely."""


@dataclass
class Situation:
    """Milestones of one run, as SimPy events, and each role's knowledge."""

    env: simpy.Environment
    recorder: Recorder
    known: dict[str, simpy.Event] = field(default_factory=dict)
    knowledge: dict[str, Knowledge] = field(default_factory=dict)
    police_on_scene: simpy.Event | None = None
    contained: simpy.Event | None = None
    all_clear: simpy.Event | None = None
    incident_over: simpy.Event | None = None
    affected_now: list[str] = field(default_factory=list)
    """Zones the incident is in right now (ground truth, in script order)."""
    ever_affected: list[str] = field(default_factory=list)
    """Zones the incident has been in so far."""
    locked: set[str] = field(default_factory=set)
    """Zones under lockdown now (their lockable connections are closed)."""
    sheltering: set[str] = field(default_factory=set)
    """Zones sheltering now."""

    def __post_init__(self) -> None:
        for role in ROLES:
            self.known[role] = self.env.event()
            self.knowledge[role] = Knowledge()
        self.police_on_scene = self.env.event()
        self.contained = self.env.event()
        self.all_clear = self.env.event()
        self.incident_over = self.env.event()

    def learn(self, role: str, *, via: str, zone: str | None = None, exact: bool = False) -> None:
        """``role`` hears of the incident ``via`` a source, perhaps with its exact zone.

        The first news is recorded as ``info.known``; a later report that adds the exact zone as
        ``info.located``; anything else the role already knew is not recorded again.

        >>> from simsoft.records import Recorder
        >>> sit = Situation(simpy.Environment(), Recorder())
        >>> sit.learn("police", via="call")
        >>> sit.learn("police", via="cctv", zone="hall", exact=True)
        >>> sit.learn("police", via="staff", zone="hall", exact=True)
        >>> [(e.kind, e.subject, e.values["via"]) for e in sit.recorder.events]
        [('info.known', 'police', 'call'), ('info.located', 'police', 'cctv')]
        >>> sit.at(sit.known["police"]), sit.at(sit.known["ems"])
        (0.0, None)
        """
        k = self.knowledge[role]
        first = k.known_at_s is None
        sharper = exact and not k.location_exact
        if not first and not sharper:
            return
        now = float(self.env.now)
        if first:
            k.known_at_s = now
            k.via = via
        if exact:
            k.location_exact = True
            k.zone = zone
        self.recorder.emit(now, "info.known" if first else "info.located", role, via=via, zone=zone if exact else None,
                           location_exact=k.location_exact)
        if first:
            self.known[role].succeed(now)

    @staticmethod
    def at(event: simpy.Event) -> float | None:
        """The time an event succeeded, or ``None``."""
        return float(event.value) if event.triggered else None

    def mark(self, event: simpy.Event, kind: str, subject: str = "", **values: object) -> bool:
        """Succeed a milestone once (recording it); ``False`` if it had already happened."""
        if event.triggered:
            return False
        now = float(self.env.now)
        self.recorder.emit(now, kind, subject, **values)
        event.succeed(now)
        return True
