"""Situation reports and live inject values, read from the run's records and a snapshot of the world.

Controllers, evaluators and observers get the ground truth. A player team gets what its knowledge
role (venue control, police, EMS) would know: nothing before the role has heard of the incident,
counts that are ``report_delay`` old and rounded (reports lag and are partial), the units of its
own service, and the actions it took itself. Nothing here changes the simulation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft import Observation
from simsoft.records import Event, Timeseries
from simsoft.schema import Scenario
from simsoft.units import format_duration

from facilitator.exercise.schema import Team

__all__ = ["live_values", "situation_report", "key_numbers"]


def live_values(seen: Observation, events: Sequence[Event]) -> dict[str, Any]:
    """Ground-truth values by placeholder name, from one snapshot and the records up to it.

    Counts come from the snapshot, rounded to whole people; units on scene are counted from the
    ``response.on_scene`` records (each unit once).

    >>> from simsoft import Simulation, load_scenario
    >>> sim = Simulation(load_scenario("scenarios/community-hall-incident.yaml"), seed=1)
    >>> sim.run_until(600.0)
    >>> key_numbers(live_values(sim.observe(), sim.recorder.events))
    't=10 min 0 s  inside=64  out=379  casualties=7  units on scene=1'
    """
    values: dict[str, Any] = {
        "t": format_duration(seen.t_s),
        "inside": int(round(seen.inside)),
        "exited": int(round(seen.exited)),
        "casualties": seen.casualties,
        "population": seen.population,
        "units_on_scene": len({e.subject for e in events if e.kind == "response.on_scene"}),
    }
    for zone, n in seen.occupancy.items():
        values[f"occupancy.{zone}"] = int(round(n))
    for exit_id, n in seen.exited_by_exit.items():
        values[f"exited.{exit_id}"] = int(round(n))
    return values


def key_numbers(values: Mapping[str, Any]) -> str:
    """One line of the numbers a facilitator watches.

    >>> key_numbers({"t": "5 min", "inside": 120, "exited": 300, "casualties": 4, "units_on_scene": 2})
    't=5 min  inside=120  out=300  casualties=4  units on scene=2'
    """
    return (f"t={values['t']}  inside={values['inside']}  out={values['exited']}  "
            f"casualties={values['casualties']}  units on scene={values['units_on_scene']}")


def _last(ts: Timeseries, quantity: str, subject: str, t_s: float) -> float | None:
    value = None
    for t, q, s, v in ts.rows():
        if t > t_s:
            break
        if q == quantity and s == subject:
            value = v
    return value


def _about(n: float) -> str:
    """A reported count: exact under ten, else to the nearest ten.

    >>> _about(7.4), _about(243.0)
    ('7', 'about 240')
    """
    if n < 10:
        return str(int(round(n)))
    return f"about {int(round(n / 10.0)) * 10}"


def situation_report(events: Sequence[Event], timeseries: Timeseries, *, t_s: float, scenario: Scenario,
                     team: Team | None) -> list[str]:
    """The lines of the situation report for ``team`` at ``t_s`` (ground truth when ``team`` is not a player)."""
    seen = [e for e in events if e.t_s <= t_s]
    if team is None or team.role != "player":
        return _truth(seen, timeseries, t_s, scenario)
    return _known(seen, timeseries, t_s, scenario, team)


def _truth(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario) -> list[str]:
    lines = [f"GROUND TRUTH at {format_duration(t_s)}"]
    start = next((e for e in events if e.kind == "incident.start"), None)
    if scenario.incident is not None:
        if start is None:
            lines.append(f"incident: not started (starts at {format_duration(scenario.incident.starts_at)})")
        else:
            now = _affected_now(events)
            state = "over" if any(e.kind == "incident.end" for e in events) else f"in {', '.join(now) or 'no zone'}"
            lines.append(f"incident: started {format_duration(start.t_s)}, {state}")
    inside = _last(ts, "inside", "", t_s)
    zones = []
    for z in scenario.venue.zones:
        n = _last(ts, "occupants", z.id, t_s)
        if n is not None and n >= 0.5:
            zones.append(f"{z.id} {int(round(n))}")
    if inside is not None:
        lines.append(f"people inside: {int(round(inside))} ({', '.join(zones) or 'none'})")
    hurt = [e for e in events if e.kind == "casualty.injured"]
    lines.append(f"casualties: {len(hurt)}")
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


def _known(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario, team: Team) -> list[str]:
    role = team.knows_as or ""
    delay = team.report_delay
    lines = [f"SITUATION REPORT for {team.name} ({role}) at {format_duration(t_s)}"]
    mine = [e for e in events if e.subject == role and e.kind in ("info.known", "info.located")]
    if not mine:
        lines.append("no report of an incident has reached you")
    else:
        first = mine[0]
        lines.append(f"incident reported to you at {format_duration(first.t_s)} (via {first.values.get('via')})")
        located = [e for e in mine if e.values.get("location_exact")]
        lines.append(f"location: {located[-1].values.get('zone')}" if located else "location: not confirmed")
    as_of = max(0.0, t_s - delay)
    note = f"as of {format_duration(as_of)}"
    if role == "venue_control":
        outs = [_last(ts, "exited", x.id, as_of) for x in scenario.venue.exits]
        exited = sum(v for v in outs if v is not None) if any(v is not None for v in outs) else None
        if exited is not None:
            lines.append(f"people out: {_about(exited)} ({note})")
        zones = []
        for z in scenario.venue.zones:
            n = _last(ts, "occupants", z.id, as_of)
            if n is not None and n >= 0.5:
                zones.append(f"{z.id} {_about(n)}")
        if zones:
            lines.append(f"people reported in: {', '.join(zones)} ({note})")
    if mine and mine[0].t_s <= as_of:
        hurt = sum(1 for e in events if e.kind == "casualty.injured" and e.t_s <= as_of)
        lines.append(f"casualties reported: {'none yet' if hurt == 0 else f'at least {hurt}'} ({note})")
    if role in ("police", "ems"):
        lines += _units(events, service=role)
    else:
        on_scene = [e for e in events if e.kind == "response.police_on_scene" and e.t_s <= as_of]
        if on_scene:
            lines.append(f"police on scene since {format_duration(on_scene[0].t_s)}")
    own = [e for e in events if e.kind.startswith("action.") and e.values.get("source") == f"team:{team.id}"]
    if own:
        lines.append("your actions: " + "; ".join(f"{format_duration(e.t_s)} {e.kind[7:]}" for e in own))
    if math.isfinite(delay) and delay > 0:
        lines.append(f"(reports reach you about {format_duration(delay)} late; counts are rounded)")
    return lines
