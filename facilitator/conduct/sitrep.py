"""Situation reports and live inject values, from one count of the world (:mod:`simsoft.observation`).

Every number shown in an exercise comes from :func:`simsoft.observation.count_people`: whole people,
rounded together so that inside + out + casualties = population on every screen. Controllers,
evaluators and observers get the ground truth of the snapshot now. A player team gets what its
knowledge role (venue control, police, EMS) would know (:mod:`facilitator.conduct.knowledge`):
nothing before it has heard of the incident, counts that are ``report_delay`` old and rounded
(reports lag and are partial), unless an inject it received told it something newer, the units of
its own service, and the actions it took itself. Nothing here changes the simulation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft import Observation
from simsoft.observation import Counts, count_people, counts_from_samples
from simsoft.records import Event, Timeseries
from simsoft.schema import Scenario
from simsoft.units import format_duration

from facilitator.conduct.injects import InjectState
from facilitator.conduct.knowledge import team_knowledge
from facilitator.exercise.schema import Module, Team
from facilitator.exercise.templates import format_count

__all__ = ["live_values", "values_of", "situation_report", "key_numbers"]


def live_values(seen: Observation, events: Sequence[Event]) -> dict[str, Any]:
    """Ground-truth values by placeholder name, from one snapshot and the records up to it.

    Counts are :func:`simsoft.observation.count_people`'s whole people; units on scene are counted
    from the ``response.on_scene`` records (each unit once).

    >>> from simsoft import Simulation, load_scenario
    >>> sim = Simulation(load_scenario("scenarios/community-hall-incident.yaml"), seed=1)
    >>> sim.run_until(600.0)
    >>> v = live_values(sim.observe(), sim.recorder.events)
    >>> v["inside"] + v["exited"] + v["casualties"] == v["population"]
    True
    """
    return values_of(count_people(seen, events), events)


def values_of(counts: Counts, events: Sequence[Event]) -> dict[str, Any]:
    """The placeholder values of ``counts`` (units on scene from the records up to its time)."""
    values: dict[str, Any] = {
        "t": format_duration(counts.t_s),
        "inside": counts.inside,
        "exited": counts.out,
        "casualties": counts.casualties,
        "population": counts.population,
        "units_on_scene": len({e.subject for e in events if e.kind == "response.on_scene" and e.t_s <= counts.t_s}),
    }
    for zone, n in counts.zones.items():
        values[f"occupancy.{zone}"] = n
    for exit_id, n in counts.exits.items():
        values[f"exited.{exit_id}"] = n
    return values


def key_numbers(values: Mapping[str, Any]) -> str:
    """One line of the numbers a facilitator watches.

    >>> key_numbers({"t": "5 min", "inside": 120, "exited": 300, "casualties": 4, "units_on_scene": 2})
    't=5 min  inside=120  out=300  casualties=4  units on scene=2'
    """
    return (f"t={values['t']}  inside={values['inside']}  out={values['exited']}  "
            f"casualties={values['casualties']}  units on scene={values['units_on_scene']}")


def _people(counts: Counts, *, about: bool) -> list[str]:
    """Lines for the people inside and out: exact (ground truth) or as a report would round them."""
    def n(x: int) -> str:
        return format_count(x, "~") if about else f"{x:,}"

    where = [f"{z} {n(c)}" for z, c in counts.zones.items() if c > 0]
    if counts.between_zones:
        where.append(f"between zones {n(counts.between_zones)}")
    lines = [f"people inside: {n(counts.inside)} ({', '.join(where) or 'none'})"]
    by_exit = [f"{x} {n(c)}" for x, c in counts.exits.items() if c > 0]
    lines.append(f"people out: {n(counts.out)}" + (f" ({', '.join(by_exit)})" if by_exit and not about else ""))
    return lines


def _casualty_states(counts: Counts) -> str:
    shown = [f"{where} {c}" for where, c in counts.casualties_by_state.items() if c > 0]
    return f" ({', '.join(shown)})" if shown else ""


def situation_report(events: Sequence[Event], timeseries: Timeseries, *, t_s: float, scenario: Scenario,
                     team: Team | None, seen: Observation | None = None, received: Sequence[InjectState] = (),
                     modules: Sequence[Module] = ()) -> list[str]:
    """The lines of the situation report for ``team`` at ``t_s`` (ground truth when ``team`` is not a player).

    ``seen`` is the snapshot at ``t_s`` the ground truth is counted from (without it, the crowd
    model's last sample at or before ``t_s``); ``received`` the session's inject states and
    ``modules`` the exercise's modules, from which a team's knowledge includes what its injects told it.
    """
    upto = [e for e in events if e.t_s <= t_s]
    if team is None or team.role != "player":
        return _truth(upto, timeseries, t_s, scenario, seen)
    return _known(upto, timeseries, t_s, scenario, team, received, modules)


def _truth(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario, seen: Observation | None) -> list[str]:
    lines = [f"GROUND TRUTH at {format_duration(t_s)}"]
    start = next((e for e in events if e.kind == "incident.start"), None)
    if scenario.incident is not None:
        if start is None:
            lines.append(f"incident: not started (starts at {format_duration(scenario.incident.starts_at)})")
        else:
            now = _affected_now(events)
            state = "over" if any(e.kind == "incident.end" for e in events) else f"in {', '.join(now) or 'no zone'}"
            lines.append(f"incident: started {format_duration(start.t_s)}, {state}")
    if seen is not None and seen.t_s == t_s:
        counts: Counts | None = count_people(seen, events)
    else:
        counts = counts_from_samples(ts, events, t_s=t_s, population=int(scenario.population.total),
                                     zones=[z.id for z in scenario.venue.zones], exits=[x.id for x in scenario.venue.exits])
    if counts is not None:
        lines += _people(counts, about=False)
        lines.append(f"casualties: {counts.casualties}{_casualty_states(counts)}")
        lines.append(f"population {counts.population:,} = {counts.inside:,} inside + {counts.out:,} out + "
                     f"{counts.casualties:,} casualties")
    for role in ("venue_control", "police", "ems"):
        known = next((e for e in events if e.kind == "info.known" and e.subject == role), None)
        if known is not None:
            lines.append(f"{role} knows since {format_duration(known.t_s)} (via {known.values.get('via')})")
    lines += _units(events, service=None)
    acts = [e for e in events if e.kind.startswith("action.")]
    if acts:
        last = acts[-5:]
        lines.append("recent actions: " + "; ".join(f"{format_duration(e.t_s)} {e.kind[7:]} ({e.values.get('source')})" for e in last))
    return lines


def _affected_now(events: list[Event]) -> list[str]:
    now: list[str] = []
    for e in events:
        if e.kind == "incident.zone_affected" and e.subject not in now:
            now.append(e.subject)
        elif e.kind == "incident.zone_clear" and e.subject in now:
            now.remove(e.subject)
    return now


def _units(events: list[Event], service: str | None) -> list[str]:
    status: dict[str, str] = {}
    services: dict[str, str] = {}
    for e in events:
        if e.kind in ("response.dispatched", "response.on_scene"):
            services.setdefault(e.subject, str(e.values.get("service", "")))
            status[e.subject] = ("dispatched " if e.kind == "response.dispatched" else "on scene ") + format_duration(e.t_s)
    shown = [f"{u} {s}" for u, s in status.items() if service is None or services.get(u) == service]
    return [f"units: {'; '.join(shown)}"] if shown else []


def _known(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario, team: Team,
           received: Sequence[InjectState], modules: Sequence[Module]) -> list[str]:
    know = team_knowledge(events, ts, t_s=t_s, scenario=scenario, team=team, received=received, modules=modules)
    role, delay = know.role, team.report_delay
    lines = [f"SITUATION REPORT for {team.name} ({role}) at {format_duration(t_s)}"]
    if know.incident_known_s is None:
        lines.append("no report of an incident has reached you")
    else:
        lines.append(f"incident reported to you at {format_duration(know.incident_known_s)} (via {know.incident_via})")
        lines.append(f"location: {know.location}" if know.location else "location: not confirmed")
    counts = know.counts
    if counts is not None:
        note = f"as of {format_duration(counts.t_s)}" + ("" if know.counts_via == "reports" else f", {know.counts_via}")
        if role == "venue_control" or know.counts_via != "reports":
            people = _people(counts, about=True)
            lines += [f"{people[0]} ({note})", people[1]]
        if know.incident_known_s is not None and (know.incident_known_s <= counts.t_s or know.counts_via != "reports"):
            hurt = counts.casualties
            lines.append(f"casualties reported: {'none yet' if hurt == 0 else f'at least {hurt}'} ({note})")
    if know.told is not None and know.counts_via == "reports" and role != "venue_control":
        c = know.told.counts
        lines.append(f"last figures you were given ({know.told.inject} at {format_duration(c.t_s)}): "
                     f"{format_count(c.inside, '~')} inside, {format_count(c.out, '~')} out, "
                     f"{c.casualties} casualties")
    if role in ("police", "ems"):
        lines += _units(events, service=role)
    elif know.police_on_scene_s is not None:
        lines.append(f"police on scene since {format_duration(know.police_on_scene_s)}")
    own = [e for e in events if e.kind.startswith("action.") and e.values.get("source") == f"team:{team.id}"]
    if own:
        lines.append("your actions: " + "; ".join(f"{format_duration(e.t_s)} {e.kind[7:]}" for e in own))
    if math.isfinite(delay) and delay > 0:
        lines.append(f"(reports reach you about {format_duration(delay)} late; counts are rounded; "
                     "injects you received count from their release)")
    return lines
