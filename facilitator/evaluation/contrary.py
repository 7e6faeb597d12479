"""Orders the engine overrode, and decisions that worked against protection (contrary findings).

**Overrides.** The engine records ``override.order`` when occupants, the venue's automatic plan or
recovery move, hold or release people against a standing order, and ``override.cordon`` when
containment must mark hot a zone a team marked safe while harm was happening in it. :func:`overrides`
reads them from the session's live run and names the decision that gave the order.

**Contrary actions** (issue 17) are judged on the session's live run at the moment each decision took
effect, by rules a controller can check on the timeline:

- ``shelter`` or ``lockdown`` of a zone where harm is happening then, or whose occupants later had to
  flee the incident against the order (an ``override.order`` by occupants);
- ``close`` of a connection on the way out (it leads to an exit) while people are still inside and
  leaving, unless it is a way the incident comes in (``incident.enters_via``) or joins a zone where harm
  is happening (closing the way towards the harm protects);
- ``evacuate`` of a zone via exits it can reach only through a zone where harm is happening;
- ``release`` of a sheltered or locked zone before the incident is contained or over;
- a ``cordon`` marking warm or cold a zone where harm is happening.

Each contrary decision gets its **simulated effect**: the team's record replayed without it over the
outcome replications (an arm ``without:<decision id>``), paired with the full record (see
:mod:`facilitator.evaluation.outcomes`). A positive effect on deaths means the decision cost lives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from simsoft import exits_away_from
from simsoft.records import Event
from simsoft.region import names_by_language

from facilitator.exercise.decisions import action_text
from facilitator.i18n import N_


class Decision(Protocol):
    """What this module reads of a session's decision (:class:`facilitator.conduct.session.Decision`)."""

    id: str
    team: str
    inject: str | None
    action: dict[str, Any]
    after_s: float
    t_s: float


class Session(Protocol):
    """What this module reads of a live session (:class:`facilitator.conduct.session.Session`); a protocol,
    so that the session may import this module without an import cycle."""

    loaded: Any
    sim: Any
    decisions: Sequence[Any]
    now_s: float

__all__ = ["Override", "Contrary", "World", "worlds", "overrides", "contrary_decisions", "affected_at", "rule_words"]


@dataclass(frozen=True)
class Override:
    """A standing order the engine undid, and why."""

    t_s: float
    zone: str
    order: str
    """What had been ordered (``shelter``, ``lockdown``, ``cordon warm``...)."""
    ordered_by: str
    """Who gave it (``team:venue``, ``scenario``)."""
    decision: str | None
    """The session's decision that gave it, when a team did."""
    by: str
    """Who overrode it (``occupants``, ``plan``, ``recovery``, ``containment``)."""
    now: str
    """What happens instead."""
    reason: str
    subject: str = ""
    """The zone's id (``zone`` is ``site name: zone`` in a regional session)."""
    site_said: tuple[tuple[str, str], ...] = ()
    """A regional session's site by its name in each language of the region file's ``names:``."""

    def place(self, lang: str) -> str:
        """``zone`` with the site said in ``lang`` (as it is when the region file does not name it in ``lang``)."""
        said = dict(self.site_said).get(lang)
        return f"{said}: {self.subject}" if said else self.zone

    def text(self) -> str:
        """One line for controllers, situation reports and the AAR."""
        who = self.decision or self.ordered_by
        return f"{self.zone}: {self.order} ({who}) overridden by {self.by}: {self.now}, {self.reason}"


@dataclass(frozen=True)
class Contrary:
    """A decision that worked against protection, with the rule it broke."""

    decision: str
    team: str
    inject: str | None
    t_s: float
    """When it took effect (exercise time, s)."""
    action: str
    """The decision in words."""
    rule: str
    """Why it is contrary (English)."""
    why: tuple[str, tuple[tuple[str, Any], ...]] = ("", ())
    """The rule as a catalog message and its values (zone lists as ids), to say it in another language."""


def affected_at(events: Sequence[Event], t_s: float) -> list[str]:
    """Zones where harm is happening at ``t_s`` (from the run's incident events)."""
    now: list[str] = []
    for e in events:
        if e.t_s > t_s:
            break
        if e.kind == "incident.zone_affected" and e.subject not in now:
            now.append(e.subject)
        elif e.kind == "incident.zone_clear" and e.subject in now:
            now.remove(e.subject)
        elif e.kind == "incident.end":
            now = []
    return now


def _zones_of(action: dict[str, Any], all_zones: list[str]) -> list[str]:
    zones = action.get("zones", [])
    if zones == "all":
        return list(all_zones)
    return list(zones or [])


@dataclass(frozen=True)
class World:
    """One venue of a session as these rules read it: its scenario, its records and the team decisions that were
    venue actions there (a regional session has one per site, :meth:`RegionalSession.venue_worlds`)."""

    site: str | None
    """The site id in a regional session (``None``: the session's one venue)."""
    name: str
    scenario: Any
    recorder: Any
    decisions: Sequence[Any]
    """Decisions with the venue action they took there as ``action`` (a regional ``site`` or ``posture`` decision
    becomes the venue action it applied)."""


def worlds(session: "Session") -> list[World]:
    """The venues the rules read: every site of a regional session, else the session's venue."""
    own = getattr(session, "venue_worlds", None)
    if own is not None:
        return list(own())
    return [World(None, "", session.loaded.scenario, session.sim.recorder, list(session.decisions))]


def _decision_for(world: World, e: Event) -> str | None:
    team = str(e.values.get("ordered_by", ""))
    # at a site of a region, a team's decision reaches the venue as the region's order (any team of the region)
    regional = world.site is not None and team == "region"
    if not team.startswith("team:") and not regional:
        return None
    if regional:
        # the order names the team's decision (simsoft.region.decisions: ``team:scg D3``); an order the region file
        # scripts names none, whatever its verb and zones
        note = str(e.values.get("decision") or "")
        return next((d.id for d in world.decisions if note == f"team:{d.team} {d.id}"), None)
    order = str(e.values.get("order", ""))
    verb = order.split(" ")[0]
    zones = [z.id for z in world.scenario.venue.zones]
    found = None
    for d in world.decisions:
        if d.team != team[5:] or d.action.get("do") != verb or d.t_s + d.after_s > e.t_s + 1e-9:
            continue
        if e.subject in _zones_of(d.action, zones):
            found = d.id
    return found


def overrides(session: "Session") -> list[Override]:
    """Every override of an order in the session's live run so far, oldest first (a regional session: at every
    site, each zone named after its site)."""
    out = []
    region = getattr(session.loaded, "region", None)
    for w in worlds(session):
        said = names_by_language(region.region, w.site) if region is not None and w.site else ()
        for e in w.recorder.events:
            if e.kind not in ("override.order", "override.cordon"):
                continue
            v = e.values
            out.append(Override(t_s=e.t_s, zone=f"{w.name}: {e.subject}" if w.site else e.subject,
                                order=str(v.get("order")), ordered_by=str(v.get("ordered_by")),
                                decision=_decision_for(w, e), by=str(v.get("by")), now=str(v.get("now")),
                                reason=str(v.get("reason") or ""), subject=e.subject, site_said=said))
    return sorted(out, key=lambda o: o.t_s)  # stable: one venue keeps its record order


def _contained_or_over(events: Sequence[Event], t_s: float) -> bool:
    return any(e.kind in ("response.contained", "incident.end") and e.t_s <= t_s for e in events)


def _inside_and_leaving(world: World, t_s: float) -> bool:
    """Whether people are still inside at ``t_s`` and some of them have started to leave."""
    ts = world.recorder.timeseries
    events = world.recorder.events
    started = any(e.kind in ("action.evacuate", "occupants.self_evacuate", "egress.group_started") and e.t_s <= t_s
                  for e in events)
    times, values = ts.select("inside")
    before = values[times <= t_s]
    inside = float(before[-1]) if len(before) else float(world.scenario.population.total)
    return started and inside >= 1.0


def contrary_decisions(session: "Session") -> list[Contrary]:
    """The session's decisions that broke a rule of the module docstring, in decision order (a regional session:
    judged at every site, on that site's records)."""
    said = {d.id: action_text(d.action) for d in session.decisions}
    found = [c for w in worlds(session) for c in _contrary_in(w, session.now_s)]
    order = {d.id: k for k, d in enumerate(session.decisions)}
    return [dataclasses.replace(c, action=said.get(c.decision, c.action))
            for c in sorted(found, key=lambda c: order.get(c.decision, 0))]


def _contrary_in(world: World, now_s: float) -> list[Contrary]:
    scenario = world.scenario
    events = world.recorder.events
    zones = [z.id for z in scenario.venue.zones]
    exits = {e.id for e in scenario.venue.exits}
    conns = {c.id: c for c in scenario.venue.connections}
    enters = set(scenario.incident.enters_via) if scenario.incident is not None else set()
    fled = {(e.subject, e.values.get("ordered_by")) for e in events
            if e.kind == "override.order" and e.values.get("by") == "occupants"}
    out: list[Contrary] = []

    def add(d: "Decision", message: str, **values: Any) -> None:
        said = {k: ", ".join(v) if isinstance(v, list) else v for k, v in values.items()}
        out.append(Contrary(decision=d.id, team=d.team, inject=d.inject, t_s=d.t_s + d.after_s,
                            action=action_text(d.action), rule=message % said, why=(message, tuple(values.items()))))

    for d in world.decisions:
        t = d.t_s + d.after_s
        if t > now_s:
            continue  # not in effect yet: judged once it is
        verb = d.action.get("do")
        harm = affected_at(events, t)
        if verb in ("shelter", "lockdown"):
            named = _zones_of(d.action, zones)
            hit = [z for z in named if z in harm]
            who = "region" if world.site is not None else f"team:{d.team}"  # a site's orders come from the region
            fled_from = [z for z in named if (z, who) in fled and z not in hit]
            if hit:
                add(d, N_("%(verb)s where harm is happening (%(zones)s)"), verb=verb, zones=hit)
            elif fled_from:
                add(d, N_("%(verb)s of %(zones)s: the occupants had to flee the incident against the order"), verb=verb,
                    zones=fled_from)
        elif verb == "close":
            c = conns.get(str(d.action.get("connection")))
            if c is None or c.id in enters or c.from_ in harm or c.to in harm:
                continue
            if (c.to in exits or c.from_ in exits) and _inside_and_leaving(world, t):
                add(d, N_("closes %(connection)s, a way out, while people are still inside and leaving"), connection=[c.id])
        elif verb == "evacuate" and d.action.get("via") and harm:
            via = list(d.action.get("via") or [])
            toward = [z for z in _zones_of(d.action, zones) if z not in harm and not set(via) & set(exits_away_from(scenario, z, harm) or via)]
            if toward:
                add(d, N_("sends %(zones)s only to exits reached through the harm (%(harm)s)"), zones=toward, harm=list(harm))
        elif verb == "release":
            if not _contained_or_over(events, t):
                add(d, N_("releases sheltered people before the incident is contained"))
        elif verb == "cordon" and d.action.get("level") in ("warm", "cold"):
            hit = [z for z in _zones_of(d.action, zones) if z in harm]
            if hit:
                add(d, N_("marks %(zones)s %(level)s while harm is happening there"), zones=hit,
                    level=str(d.action.get("level")))
    return out


def rule_words(c: Contrary, tr: Any, names: dict[str, str]) -> str:
    """Why ``c`` is contrary, in ``tr``'s language (:class:`facilitator.i18n.Translator`), zones by their names.

    English gives :attr:`Contrary.rule` as it is.
    """
    message, values = c.why
    if tr is None or tr.lang == "en" or not message:
        return c.rule
    from facilitator.documents.words import word

    said = {k: tr.join(names.get(z, z) for z in v) if isinstance(v, list) else word(str(v), tr) for k, v in values}
    return tr(message, **said)
