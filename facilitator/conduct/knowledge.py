"""What a player team knows at a moment: its role's routine reports, delayed, and the injects it received.

A team's knowledge has two sources:

- **routine reports** of its knowledge role (venue control, police, EMS): the incident once the role
  has heard of it (``info.known`` records of the simulation), and counts ``report_delay`` old, taken
  from the crowd model's last sample at or before that moment;
- **the injects it received**: an inject's numbers were rendered from the ground truth at its
  release, so from then on the team knows them. An inject of a response or recovery module released
  once the incident has begun tells the team that there is an incident; an inject triggered by a
  record (``when: {event: ...}``) tells it that this happened.

Whichever is newer wins, always as one whole snapshot (:class:`simsoft.observation.Counts`), so a
team's report never denies what an inject told it, and its counts add up like every other view's.
Nothing here changes the simulation.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass

from simsoft.observation import Counts, counts_from_samples
from simsoft.records import Event, Timeseries
from simsoft.schema import Scenario

from facilitator.conduct.injects import InjectState
from facilitator.exercise.schema import FirstEvent, Module, Team

__all__ = ["Told", "TeamKnowledge", "team_knowledge", "quotes_counts"]

_COUNT_NAMES = ("inside", "exited", "casualties")


def quotes_counts(text: str) -> bool:
    """Whether an inject text quotes a live count of people (``{inside}``, ``{occupancy.hall}``, ...).

    >>> quotes_counts("{inside:~person|people} still inside at {t}"), quotes_counts("At {t}, calls come in")
    (True, False)
    """
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return False
    return any(n in _COUNT_NAMES or n.startswith(("occupancy.", "exited.")) for n in names)


@dataclass(frozen=True)
class Told:
    """An inject a team received that quoted counts: what it said, when."""

    inject: str
    """The inject's id."""
    sender: str
    """Who sent it."""
    counts: Counts
    """The counts its text was rendered from (ground truth at its release)."""


@dataclass(frozen=True)
class TeamKnowledge:
    """What one player team knows at ``t_s``."""

    t_s: float
    """The moment of the report (s)."""
    role: str
    """The team's knowledge role."""
    incident_known_s: float | None
    """When the team first heard of the incident (its role's report or an inject), ``None`` if not yet."""
    incident_via: str | None
    """How it first heard (``call``, ``staff``, ``inject I2 (Stewards in the courtyard)``)."""
    location: str | None
    """The incident's zone, if its role has it precisely."""
    counts: Counts | None
    """The newest snapshot of counts the team has (routine reports or an inject), ``None`` if it has none."""
    counts_via: str
    """Where :attr:`counts` comes from (``reports`` or ``inject I7``)."""
    told: Told | None
    """The last inject received that quoted counts."""
    police_on_scene_s: float | None
    """When police came on scene as the team knows it: the arrival, once reported, or the release of an inject
    triggered by the arrival (which reports it as happening then)."""


def _incident_start(events: Sequence[Event]) -> float | None:
    return next((e.t_s for e in events if e.kind == "incident.start"), None)


def team_knowledge(events: Sequence[Event], timeseries: Timeseries, *, t_s: float, scenario: Scenario, team: Team,
                   received: Sequence[InjectState] = (), modules: Sequence[Module] = ()) -> TeamKnowledge:
    """What ``team`` knows at ``t_s`` from its role's reports (``report_delay`` late) and the injects ``received``.

    ``events`` are the run's records up to ``t_s``; ``received`` the inject states of the session
    (only those released to ``team`` at or before ``t_s`` count); ``modules`` the exercise's modules
    (an inject of a ``pre_incident`` module tells nothing of the incident).
    """
    role = team.knows_as or ""
    as_of = max(0.0, t_s - team.report_delay)
    phase = {m.id: m.phase for m in modules}
    mine = sorted((s for s in received if s.released_s is not None and s.released_s <= t_s and team.id in s.inject.to),
                  key=lambda s: s.released_s or 0.0)
    # Heard of the incident: the role's first report, or the first incident inject received.
    known_s, via, location = None, None, None
    reports = [e for e in events if e.subject == role and e.kind in ("info.known", "info.located") and e.t_s <= t_s]
    if reports:
        known_s, via = reports[0].t_s, str(reports[0].values.get("via"))
        located = [e for e in reports if e.values.get("location_exact")]
        location = str(located[-1].values.get("zone")) if located else None
    start = _incident_start(events)
    if start is not None:
        for s in mine:
            if phase.get(s.inject.module) != "pre_incident" and (s.released_s or 0.0) >= start:
                if known_s is None or (s.released_s or 0.0) < known_s:
                    known_s, via = s.released_s, f"inject {s.inject.id} ({s.inject.sender})"
                break
    # Counts: the newest of the routine report and the last inject that quoted counts.
    told = None
    for s in mine:
        if s.counts is not None and quotes_counts(s.inject.text):
            told = Told(inject=s.inject.id, sender=s.inject.sender, counts=s.counts)
    routine = None
    if role == "venue_control" or (known_s is not None and known_s <= as_of):
        routine = counts_from_samples(timeseries, events, t_s=as_of, population=int(scenario.population.total),
                                      zones=[z.id for z in scenario.venue.zones], exits=[x.id for x in scenario.venue.exits])
    counts, counts_via = routine, "reports"
    if told is not None and (routine is None or told.counts.t_s >= routine.t_s):
        counts, counts_via = told.counts, f"inject {told.inject}"
    # Police on scene: the record, once reported, or an inject triggered by it.
    on_scene = next((e.t_s for e in events if e.kind == "response.police_on_scene" and e.t_s <= as_of), None)
    for s in mine:
        trig = s.inject.when
        if isinstance(trig, FirstEvent) and trig.event == "response.police_on_scene":
            if on_scene is None or (s.released_s or 0.0) < on_scene:
                on_scene = s.released_s
    return TeamKnowledge(t_s=t_s, role=role, incident_known_s=known_s, incident_via=via, location=location,
                         counts=counts, counts_via=counts_via, told=told, police_on_scene_s=on_scene)
