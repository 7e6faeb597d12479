"""Situation reports and live inject values, from one count of the world (:mod:`simsoft.observation`).

Every number shown in an exercise comes from :func:`simsoft.observation.count_people`: whole people,
rounded together so that inside + out + casualties = population on every screen. Controllers,
evaluators and observers get the ground truth of the snapshot now. A player team gets what its
knowledge role (venue control, police, EMS) would know (:mod:`facilitator.conduct.knowledge`):
nothing before it has heard of the incident, counts that are ``report_delay`` old and rounded
(reports lag and are partial), unless an inject it received told it something newer, the units of
its own service, and the actions it took itself. Nothing here changes the simulation.

Each line of a report is a :class:`facilitator.conduct.lines.Line` (a message id and typed values:
counts and durations as numbers) that every page and console says in its reader's language through
the catalogs; :func:`situation_report` gives the English text the journal's readers and tests know.
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
from facilitator.conduct.lines import Dur, English, Join, Line, Num, Part, Name, Said, Source, Term, Text, Verb, Word
from facilitator.conduct.knowledge import team_knowledge
from facilitator.exercise.schema import Module, Team
from facilitator.i18n import N_, Translator, translator

__all__ = ["live_values", "values_of", "situation_report", "situation_report_lines", "override_lines", "render_lines",
           "key_numbers", "ROLES", "VIA", "STATES"]

ROLES = {"venue_control": N_("venue control"), "police": N_("police"), "ems": N_("ambulance service")}
"""The knowledge roles of :mod:`facilitator.conduct.knowledge` in words."""

VIA = {"staff": N_("staff"), "cctv": N_("CCTV"), "cctv_review": N_("CCTV review"), "call": N_("emergency call"),
       "on_scene": N_("on scene"), **ROLES}
"""How the news reached a role (``simsoft.models.incident.detection``): who or what told it."""

STATES = {"at scene": N_("at scene"), "at casualty collection point": N_("at casualty collection point"),
          "en route to hospital": N_("en route to hospital"), "at hospital": N_("at hospital"), "died": N_("died")}
"""Where casualties are (:data:`simsoft.observation.CASUALTY_STATES`)."""

def live_values(seen: Observation, events: Sequence[Event]) -> dict[str, Any]:
    """Ground-truth values by placeholder name, from one snapshot and the records up to it.

    Counts are :func:`simsoft.observation.count_people`'s whole people; units on scene are counted
    from the ``response.on_scene`` records (each unit once), less those released since (:func:`on_scene_units`).

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
        "units_on_scene": len(on_scene_units(events, counts.t_s)),
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


def render_lines(lines: Sequence[Line], lang: str = "en") -> list[str]:
    """Every line in ``lang`` (English: the text the journal's readers and the tests know)."""
    tr: Translator = translator(lang)
    return [line.render(tr) for line in lines]


def _via(text: str | None) -> Part:
    """How news came: a detection channel, a role, or an inject (``inject I1 (Imam's office)``)."""
    text = str(text)
    if text.startswith("inject "):
        ident, _, sender = text.removeprefix("inject ").partition(" ")
        if sender.startswith("(") and sender.endswith(")"):
            return Line.gettext("inject %(id)s (%(sender)s)", id=Text(ident), sender=Text(sender[1:-1]))
        return Line.gettext("inject %(id)s", id=Text(text.removeprefix("inject ")))
    return Term(text, VIA[text]) if text in VIA else Text(text)


ZONES_LISTED = 12
"""A report lists people zone by zone up to this many occupied zones; a larger venue (a stadium's 90
blocks and concourses) gets its :data:`ZONES_SHOWN` fullest zones and one total for the others, so the
line stays readable aloud in the room."""

ZONES_SHOWN = 8
"""How many of the fullest zones a report names when there are more than :data:`ZONES_LISTED`."""


def _where(counts: Counts, about: bool) -> Part:
    occupied = [(z, c) for z, c in counts.zones.items() if c > 0]
    rest: list[Part] = []
    if len(occupied) > ZONES_LISTED:
        order = sorted(range(len(occupied)), key=lambda i: (-occupied[i][1], i))  # fullest first, ties in venue order
        shown = sorted(order[:ZONES_SHOWN])
        others = [occupied[i][1] for i in order[ZONES_SHOWN:]]
        rest = [Line.ngettext("%(num)s other zone %(n)s", "%(num)s other zones %(n)s", "num", num=Num(len(others)),
                              n=Num(sum(others), about=about))]
        occupied = [occupied[i] for i in shown]
    where: list[Part] = [Line.gettext("%(zone)s %(n)s", zone=Text(z), n=Num(c, about=about)) for z, c in occupied]
    where += rest
    if counts.between_zones:
        where.append(Line.gettext("between zones %(n)s", n=Num(counts.between_zones, about=about)))
    return Join(tuple(where)) if where else Word(N_("none"))


def _people_out(counts: Counts, *, about: bool) -> Line:
    by_exit = [Line.gettext("%(exit)s %(n)s", exit=Text(x), n=Num(c)) for x, c in counts.exits.items() if c > 0]
    if by_exit and not about:
        return Line.gettext("people out: %(n)s (%(exits)s)", n=Num(counts.out), exits=Join(tuple(by_exit)))
    return Line.gettext("people out: %(n)s", n=Num(counts.out, about=about))


def _casualties(counts: Counts) -> Line:
    shown = [Line.gettext("%(state)s %(n)s", state=Term(where, STATES.get(where, where)), n=Num(c, grouped=False))
             for where, c in counts.casualties_by_state.items() if c > 0]
    if shown:
        return Line.gettext("casualties: %(n)s (%(states)s)", n=Num(counts.casualties, grouped=False),
                            states=Join(tuple(shown)))
    return Line.gettext("casualties: %(n)s", n=Num(counts.casualties, grouped=False))


def situation_report(events: Sequence[Event], timeseries: Timeseries, *, t_s: float, scenario: Scenario,
                     team: Team | None, seen: Observation | None = None, received: Sequence[InjectState] = (),
                     modules: Sequence[Module] = ()) -> list[str]:
    """The lines of the situation report for ``team`` at ``t_s`` in English (:func:`situation_report_lines`)."""
    return render_lines(situation_report_lines(events, timeseries, t_s=t_s, scenario=scenario, team=team, seen=seen,
                                               received=received, modules=modules))


def situation_report_lines(events: Sequence[Event], timeseries: Timeseries, *, t_s: float, scenario: Scenario,
                           team: Team | None, seen: Observation | None = None, received: Sequence[InjectState] = (),
                           modules: Sequence[Module] = ()) -> list[Line]:
    """The situation report for ``team`` at ``t_s`` (ground truth when ``team`` is not a player), line by line.

    ``seen`` is the snapshot at ``t_s`` the ground truth is counted from (without it, the crowd
    model's last sample at or before ``t_s``); ``received`` the session's inject states and
    ``modules`` the exercise's modules, from which a team's knowledge includes what its injects told it.
    """
    upto = [e for e in events if e.t_s <= t_s]
    if team is None or team.role != "player":
        return _truth(upto, timeseries, t_s, scenario, seen)
    return _known(upto, timeseries, t_s, scenario, team, received, modules)


def _truth(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario, seen: Observation | None) -> list[Line]:
    lines = [Line.gettext("GROUND TRUTH at %(t)s", t=Dur(t_s))]
    start = next((e for e in events if e.kind == "incident.start"), None)
    if scenario.incident is not None:
        if start is None:
            lines.append(Line.gettext("incident: not started (starts at %(t)s)", t=Dur(scenario.incident.starts_at)))
        elif any(e.kind == "incident.end" for e in events):
            lines.append(Line.gettext("incident: started %(t)s, over", t=Dur(start.t_s)))
        else:
            now = _affected_now(events)
            lines.append(Line.gettext("incident: started %(t)s, in %(zones)s", t=Dur(start.t_s),
                                      zones=Join(tuple(Text(z) for z in now))) if now else
                         Line.gettext("incident: started %(t)s, in no zone", t=Dur(start.t_s)))
    if seen is not None and seen.t_s == t_s:
        counts: Counts | None = count_people(seen, events)
    else:
        counts = counts_from_samples(ts, events, t_s=t_s, population=int(scenario.population.total),
                                     zones=[z.id for z in scenario.venue.zones], exits=[x.id for x in scenario.venue.exits])
    if counts is not None:
        lines.append(Line.gettext("people inside: %(n)s (%(where)s)", n=Num(counts.inside), where=_where(counts, False)))
        lines.append(_people_out(counts, about=False))
        lines.append(_casualties(counts))
        lines.append(Line.ngettext("population %(population)s = %(inside)s inside + %(out)s out + %(casualties)s casualties",
                                   "population %(population)s = %(inside)s inside + %(out)s out + %(casualties)s casualties",
                                   "casualties", population=Num(counts.population), inside=Num(counts.inside),
                                   out=Num(counts.out), casualties=Num(counts.casualties)))
    for role in ("venue_control", "police", "ems"):
        known = next((e for e in events if e.kind == "info.known" and e.subject == role), None)
        if known is not None:
            lines.append(Line.gettext("%(role)s knows since %(t)s (via %(via)s)", role=Term(role, ROLES[role]),
                                      t=Dur(known.t_s), via=_via(known.values.get("via"))))
    lines += _units(events, service=None)
    acts = [e for e in events if e.kind.startswith("action.")]
    if acts:
        said = tuple(Line.gettext("%(t)s %(verb)s (%(source)s)", t=Dur(e.t_s), verb=Verb(e.kind[7:]),
                                  source=Source(str(e.values.get("source")))) for e in acts[-5:])
        lines.append(Line.gettext("recent actions: %(actions)s", actions=Join(said, "; ")))
    return lines


def on_scene_units(events: Sequence[Event], t_s: float) -> set[str]:
    """The units on scene at ``t_s``: arrived (``response.on_scene``) and not released from the scene since
    (``response.released``: a region's shared police unit sent elsewhere or home once the incident is contained)."""
    here: set[str] = set()
    for e in events:
        if e.t_s > t_s:
            continue
        if e.kind == "response.on_scene":
            here.add(e.subject)
        elif e.kind == "response.released":
            here.discard(e.subject)
    return here


def _affected_now(events: list[Event]) -> list[str]:
    now: list[str] = []
    for e in events:
        if e.kind == "incident.zone_affected" and e.subject not in now:
            now.append(e.subject)
        elif e.kind == "incident.zone_clear" and e.subject in now:
            now.remove(e.subject)
    return now


def _units(events: list[Event], service: str | None) -> list[Line]:
    status: dict[str, Line] = {}
    services: dict[str, str] = {}
    for e in events:
        if e.kind in ("response.dispatched", "response.on_scene"):
            services.setdefault(e.subject, str(e.values.get("service", "")))
            status[e.subject] = (Line.gettext("%(unit)s dispatched %(t)s", unit=Text(e.subject), t=Dur(e.t_s))
                                 if e.kind == "response.dispatched" else
                                 Line.gettext("%(unit)s on scene %(t)s", unit=Text(e.subject), t=Dur(e.t_s)))
        elif e.kind == "response.released" and e.subject in status:  # a shared unit the region sent elsewhere
            status[e.subject] = Line.gettext("%(unit)s released from the scene %(t)s", unit=Text(e.subject),
                                             t=Dur(e.t_s))
    shown = tuple(s for u, s in status.items() if service is None or services.get(u) == service)
    return [Line.gettext("units: %(units)s", units=Join(shown, "; "))] if shown else []


def _known(events: list[Event], ts: Timeseries, t_s: float, scenario: Scenario, team: Team,
           received: Sequence[InjectState], modules: Sequence[Module]) -> list[Line]:
    know = team_knowledge(events, ts, t_s=t_s, scenario=scenario, team=team, received=received, modules=modules)
    role, delay = know.role, team.report_delay
    lines = [Line.gettext("SITUATION REPORT for %(team)s (%(role)s) at %(t)s", team=Text(team.name),
                          role=Term(role, ROLES.get(role, role)), t=Dur(t_s))]
    if know.incident_known_s is None:
        lines.append(Line.gettext("no report of an incident has reached you"))
    else:
        lines.append(Line.gettext("incident reported to you at %(t)s (via %(via)s)", t=Dur(know.incident_known_s),
                                  via=_via(know.incident_via)))
        lines.append(Line.gettext("location: %(where)s", where=Text(know.location)) if know.location else
                     Line.gettext("location: not confirmed"))
    counts = know.counts
    if counts is not None:
        note = (Line.gettext("as of %(t)s", t=Dur(counts.t_s)) if know.counts_via == "reports" else
                Line.gettext("as of %(t)s, %(via)s", t=Dur(counts.t_s), via=_via(know.counts_via)))
        if role == "venue_control" or know.counts_via != "reports":
            lines.append(Line.gettext("people inside: %(n)s (%(where)s) (%(note)s)", n=Num(counts.inside, about=True),
                                      where=_where(counts, True), note=note))
            lines.append(_people_out(counts, about=True))
        if know.incident_known_s is not None and (know.incident_known_s <= counts.t_s or know.counts_via != "reports"):
            hurt = counts.casualties
            lines.append(Line.gettext("casualties reported: none yet (%(note)s)", note=note) if hurt == 0 else
                         Line.ngettext("casualties reported: at least %(n)s (%(note)s)",
                                       "casualties reported: at least %(n)s (%(note)s)", "n",
                                       n=Num(hurt, grouped=False), note=note))
    if know.told is not None and know.counts_via == "reports" and role != "venue_control":
        c = know.told.counts
        lines.append(Line.ngettext("last figures you were given (%(inject)s at %(t)s): %(inside)s inside, %(out)s out, "
                                   "%(casualties)s casualties",
                                   "last figures you were given (%(inject)s at %(t)s): %(inside)s inside, %(out)s out, "
                                   "%(casualties)s casualties", "casualties",
                                   inject=Text(know.told.inject), t=Dur(c.t_s), inside=Num(c.inside, about=True),
                                   out=Num(c.out, about=True), casualties=Num(c.casualties, grouped=False)))
    if role in ("police", "ems"):
        lines += _units(events, service=role)
    elif know.police_on_scene_s is not None:
        lines.append(Line.gettext("police on scene since %(t)s", t=Dur(know.police_on_scene_s)))
    own = tuple(Line.gettext("%(t)s %(verb)s", t=Dur(e.t_s), verb=Verb(e.kind[7:]))
                for e in events if e.kind.startswith("action.") and e.values.get("source") == f"team:{team.id}")
    if own:
        lines.append(Line.gettext("your actions: %(actions)s", actions=Join(own, "; ")))
    if math.isfinite(delay) and delay > 0:
        lines.append(Line.gettext("(reports reach you about %(t)s late; counts are rounded; injects you received count "
                                  "from their release)", t=Dur(delay)))
    return lines


def _reason(text: str) -> Part:
    """Why an order was overridden: the models' note, or a venue plan's own step (``plan: ...``, as the plan says it)."""
    if text.startswith("plan: "):
        return Line.gettext("plan: %(rule)s", rule=Text(text.removeprefix("plan: ")))
    return Said(text)


def _who(who: str) -> Part:
    """Who gave the order: a decision id (``D3``), or ``team:venue`` (``team venue`` in another language)."""
    if who.startswith("team:"):
        return English(who, Line.gettext("team %(team)s", team=Text(who.removeprefix("team:"))))
    return Text(who)


def _zone(o: Any) -> Name:
    """An overridden order's zone (a regional session's: after its site, said in each language of the region file)."""
    return Name(o.zone, o.zone, tuple((lang, o.place(lang)) for lang, _ in o.site_said))


def override_lines(found: Sequence[Any], *, team: Team | None, now_s: float) -> list[Line]:
    """Orders the world did not follow (:func:`facilitator.evaluation.contrary.overrides`): every one for
    controllers; a team's own, once its report delay has passed."""
    if team is None or team.role != "player":
        return [Line.gettext("override at %(t)s: %(what)s", t=Dur(o.t_s), what=Line.gettext(
            "%(zone)s: %(order)s (%(who)s) overridden by %(by)s: %(now)s, %(reason)s", zone=_zone(o),
            order=Said(o.order), who=_who(o.decision or o.ordered_by), by=Said(o.by),
            now=Said(o.now), reason=_reason(o.reason))) for o in found]
    mine = [o for o in found if o.ordered_by == f"team:{team.id}" and o.t_s + team.report_delay <= now_s]
    return [Line.gettext("your order was not followed at %(t)s: %(what)s", t=Dur(o.t_s), what=(Line.gettext(
        "%(zone)s %(order)s (%(decision)s); %(now)s instead, %(reason)s", zone=_zone(o), order=Said(o.order),
        decision=Text(o.decision), now=Said(o.now), reason=_reason(o.reason)) if o.decision else Line.gettext(
        "%(zone)s %(order)s; %(now)s instead, %(reason)s", zone=_zone(o), order=Said(o.order),
        now=Said(o.now), reason=_reason(o.reason)))) for o in mine]
