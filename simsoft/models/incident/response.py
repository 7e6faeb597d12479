"""Security response: on-site security, police and other units, containment, cordons, all clear.

Units of a service are dispatched when that service's dispatch centre learns of the incident (or by
an action), travel, and arrive on scene. The first capable unit on scene starts containment, whose
duration is longer when police do not yet know the incident's exact zone. Containment ends the harm
(when the incident ends on containment), sets the cordon (hot: zones affected; warm: next to them;
cold: the rest) of every zone no ``cordon`` action has set, unless the scenario leaves cordons to the
teams (``automatic.police_cordon: false``), and, after a search, leads to the all clear.

The search takes the time the scenario states (``response.all_clear_after``) or, by default, the work of
searching every zone (its area at ``search.m2_per_team_min``, a fixed time per zone, more for levels above or
below ground) shared among the police teams on scene; teams arriving during the search join it.
"""

from __future__ import annotations

import simpy

from simsoft.distributions import sample
from simsoft.errors import ActionError
from simsoft.models.actions import ActionHandler, ActionTable
from simsoft.models.incident.alerting import resolve_zones
from simsoft.models.incident.situation import Situation
from simsoft.models.shared import PoliceAssignment, SharedResources
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.response import Unit

__all__ = ["ResponseModel"]

_SERVICE_ROLE = {"police": "police", "fire": "police", "ems": "ems"}
"""Which dispatch centre must know before a service's units are sent (fire is alerted through police)."""


class ResponseModel:
    """Units, containment and cordons for one run."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 situation: Situation, locate, shared: SharedResources | None = None) -> None:
        self.scenario = scenario
        self.cfg = scenario.response
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.situation = situation
        self.locate = locate
        self.units: dict[str, Unit] = {u.id: u for u in self.cfg.units}
        self.shared = shared
        """A region's resources: its police units replace the scenario's own (``None``: single venue)."""
        self._fixed_travel: dict[str, float] = {}
        """Travel times of shared units, given by the region's road network (s)."""
        self.sent: set[str] = set()
        self.on_scene: dict[str, float] = {}
        self.released: set[str] = set()
        """Shared (regional) police units released from this site (never in a venue run)."""
        self._moving: dict[str, simpy.Process] = {}
        """Shared police unit -> its process while it mobilises or drives here (interrupted when released)."""
        self.aid_count = 0
        self.cordon: dict[str, str] = {}
        self.ordered_cordon: dict[str, tuple[str, str, str | None]] = {}
        """Zone -> (level, source, note) of the last ``cordon`` action: containment does not re-level these."""
        self._police_arrived: simpy.Event | None = None
        """Triggered when a police unit arrives while the search waits for more teams."""

    ACTIONS = ("dispatch", "mutual_aid", "cordon", "declare")
    """Verbs this model carries out."""
    ABSENT = "the scenario has no incident, so there is no response to direct"
    """Why those verbs are refused in a scenario without this model."""

    def action_table(self) -> ActionTable:
        """Dispatch a unit, request mutual aid, set a cordon, declare contained or all clear."""
        sit = self.situation

        def check_unit(action) -> None:
            if action.unit not in self.units:
                raise ActionError(f"dispatch: unknown unit {action.unit!r} (known: {', '.join(sorted(self.units))})")

        def check_aid(action) -> None:
            if self.cfg.mutual_aid is None:
                raise ActionError("mutual_aid: the scenario defines no response.mutual_aid unit")

        def dispatch(action, zones: list[str], values: dict) -> None:
            values["unit"] = action.unit
            if not self.dispatch(action.unit, reason=values["source"]):
                values["rejected"] = "already dispatched"

        def mutual_aid(action, zones: list[str], values: dict) -> None:
            values["units"] = self.request_mutual_aid(action.units)

        def cordon(action, zones: list[str], values: dict) -> None:
            self.set_cordon(zones, action.level, reason=values["source"])
            for z in zones:
                self.ordered_cordon[z] = (action.level, values["source"], values.get("note"))
            values["level"] = action.level

        def declare(action, zones: list[str], values: dict) -> None:
            source = values["source"]
            values["what"] = action.what
            if action.what == "contained":
                if not self.capable_on_scene():
                    values["rejected"] = "no unit able to contain is on scene"
                elif not self.declare_contained(by=source, reason="declared"):
                    values["rejected"] = "already contained"
            elif not self.declare_all_clear(by=source):
                values["rejected"] = "not contained yet" if not sit.contained.triggered else "already all clear"

        return {"dispatch": ActionHandler(dispatch, check_unit), "mutual_aid": ActionHandler(mutual_aid, check_aid),
                "cordon": ActionHandler(cordon), "declare": ActionHandler(declare)}

    def _draw(self, name: str, spec) -> float:
        return float(sample(spec, rng=self.streams.stream(f"response.{name}"), n=1)[0])

    def start(self) -> None:
        """Register automatic dispatch, on-site security, and the all-clear search."""
        kind = self.scenario.incident.kind.value if self.scenario.incident else "other"
        own_police = [u for u in self.cfg.units if u.service == "police"]
        if self.shared is not None and own_police and self.shared.police(count=0) is not None:
            # The region's police replace the scenario's own: as many units as it would auto-dispatch.
            for u in own_police:
                del self.units[u.id]
            wanted = sum(1 for u in own_police if u.auto_dispatch)
            self.env.process(self._shared_police(wanted))
        for unit in self.cfg.units:
            if not unit.auto_dispatch or unit.id not in self.units:
                continue
            if unit.service == "fire" and kind not in ("fire", "explosion"):
                continue
            self.env.process(self._auto(unit))
        sec = self.cfg.security
        if sec.training == "advanced" and sec.stewards > 0 and sec.contain_probability > 0:
            if self.streams.stream("response.security").random() < sec.contain_probability:
                self.env.process(self._security_contain())
        self.env.process(self._all_clear_after_contained())

    def _auto(self, unit: Unit):
        yield self.situation.known[_SERVICE_ROLE[unit.service]]
        yield self.env.timeout(self._draw(f"{unit.id}.dispatch", unit.dispatch))
        self.dispatch(unit.id, reason="automatic")

    def _shared_police(self, wanted: int):
        assert self.shared is not None
        yield self.situation.known["police"]
        self.receive_police(self.shared.police(count=wanted) or [])

    def receive_police(self, assignments: list[PoliceAssignment]) -> None:
        """Shared police units the region sends now (at the site's request or by a regional decision)."""
        for a in assignments:
            self.units[a.unit] = Unit(id=a.unit, service="police", can_contain=a.can_contain, auto_dispatch=False)
            self._fixed_travel[a.unit] = a.travel_s
            self._moving[a.unit] = self.env.process(self._send_after(a.unit, a.dispatch_s))

    def _send_after(self, unit_id: str, delay_s: float):
        try:
            if delay_s > 0:
                yield self.env.timeout(delay_s)
        except simpy.Interrupt:
            return  # released before it drove off
        if unit_id not in self.released:
            self.dispatch(unit_id, reason="regional")

    def release_police(self, unit_id: str) -> str | None:
        """Release shared police unit ``unit_id`` from this site now: it leaves the scene (the search goes on
        with the units left), or turns where it is on its way. Returns ``'on_scene'`` or ``'en_route'``, or
        ``None`` when it is not a shared unit sent here (or already released). The region decides when (once
        the incident is contained)."""
        if unit_id not in self._fixed_travel or unit_id in self.released:
            return None
        self.released.add(unit_id)
        now = self.env.now
        if unit_id in self.on_scene:
            del self.on_scene[unit_id]
            self.recorder.emit(now, "response.released", unit_id, service="police")
            if self._police_arrived is not None and not self._police_arrived.triggered:
                self._police_arrived.succeed()  # the search recounts its teams
            return "on_scene"
        proc = self._moving.pop(unit_id, None)
        if proc is not None and proc.is_alive and proc.target is not None:
            proc.interrupt("released")
        self.recorder.emit(now, "response.released", unit_id, service="police", en_route=True)
        return "en_route"

    def dispatch(self, unit_id: str, *, reason: str = "decision") -> bool:
        """Send ``unit_id`` now; ``False`` if it was already sent."""
        if unit_id in self.sent:
            return False
        unit = self.units[unit_id]
        self.sent.add(unit_id)
        self.recorder.emit(self.env.now, "response.dispatched", unit_id, service=unit.service, reason=reason)
        proc = self.env.process(self._travel(unit))
        if unit_id in self._moving:
            self._moving[unit_id] = proc
        return True

    def request_mutual_aid(self, count: int = 1) -> list[str]:
        """Send ``count`` more units built from the ``mutual_aid`` template; their ids are returned."""
        template = self.cfg.mutual_aid
        if template is None:
            return []
        ids = []
        for _ in range(count):
            self.aid_count += 1
            uid = f"{template.id}_{self.aid_count}"
            self.units[uid] = template.model_copy(update={"id": uid})
            ids.append(uid)
            self.dispatch(uid, reason="mutual_aid")
        return ids

    def _travel(self, unit: Unit):
        fixed = self._fixed_travel.get(unit.id)
        try:
            yield self.env.timeout(self._draw(f"{unit.id}.travel", unit.travel) if fixed is None else fixed)
        except simpy.Interrupt:
            return  # a shared unit released on its way (release_police)
        self._moving.pop(unit.id, None)
        now = float(self.env.now)
        self.on_scene[unit.id] = now
        self.recorder.emit(now, "response.on_scene", unit.id, service=unit.service)
        sit = self.situation
        if unit.service == "police":
            sit.mark(sit.police_on_scene, "response.police_on_scene", unit.id)
            self.locate("police")
            if self._police_arrived is not None and not self._police_arrived.triggered:
                self._police_arrived.succeed()
        if unit.can_contain and unit.service == "police":
            self.env.process(self._contain(unit))

    def _contain(self, unit: Unit):
        sit = self.situation
        if sit.contained.triggered or sit.incident_over.triggered and not sit.affected_now:
            if not sit.contained.triggered and sit.incident_over.triggered:
                self.declare_contained(by=unit.id, reason="incident over before arrival")
            return
        base = self._draw(f"{unit.id}.contain", self.cfg.contain_after_arrival)
        factor = 1.0 if sit.knowledge["police"].location_exact else self.cfg.unknown_location_factor
        yield self.env.timeout(base * factor)
        self.declare_contained(by=unit.id, reason="police")

    def _security_contain(self):
        sit = self.situation
        yield sit.known["venue_control"]
        yield self.env.timeout(self._draw("security.contain", self.cfg.security.contain_time))
        self.declare_contained(by="security", reason="on-site security")

    def capable_on_scene(self) -> bool:
        """Whether a unit that can contain the incident is on scene."""
        return any(self.units[u].can_contain and self.units[u].service == "police" for u in self.on_scene)

    def declare_contained(self, *, by: str, reason: str) -> bool:
        """Contain the incident now and set the cordon; ``False`` if it was already contained."""
        sit = self.situation
        if not sit.mark(sit.contained, "response.contained", by, reason=reason):
            return False
        hot = list(sit.affected_now or sit.ever_affected[-1:])
        warm = resolve_zones("adjacent", scenario=self.scenario, affected=hot)
        harm = set(sit.affected_now)
        for z in (z.id for z in self.scenario.venue.zones):
            level = "hot" if z in hot else ("warm" if z in warm else "cold")
            ordered = self.ordered_cordon.get(z)
            if ordered is not None:
                if z in harm and ordered[0] != "hot":
                    # Harm is happening in a zone a team or the script marked safe: that order cannot stand.
                    self.recorder.emit(self.env.now, "override.cordon", z, order=f"cordon {ordered[0]}",
                                       ordered_by=ordered[1], decision=ordered[2], by="containment", now="hot",
                                       reason="harm is happening in the zone")
                    self.set_cordon([z], "hot", reason="containment")
                continue
            if self.scenario.automatic.police_cordon:
                self.set_cordon([z], level, reason="containment")
        return True

    def set_cordon(self, zones: list[str], level: str, *, reason: str = "decision") -> None:
        """Mark zones hot, warm or cold."""
        for z in zones:
            if self.cordon.get(z) != level:
                self.cordon[z] = level
                self.recorder.emit(self.env.now, "response.cordon", z, level=level, reason=reason)

    def declare_all_clear(self, *, by: str = "decision") -> bool:
        """All clear: the venue is searched and safe. Only after containment."""
        sit = self.situation
        if not sit.contained.triggered:
            return False
        return sit.mark(sit.all_clear, "response.all_clear", by)

    def search_work_s(self) -> float:
        """Team-seconds needed to search the whole venue (``response.search``)."""
        cfg = self.cfg.search
        work_min = 0.0
        for z in self.scenario.venue.zones:
            work_min += (z.area_m2 / cfg.m2_per_team_min + cfg.minutes_per_zone) * (1.0 + cfg.level_factor * abs(z.level))
        return work_min * 60.0

    def search_teams(self) -> float:
        """Search teams now: police units on scene times ``teams_per_unit``, at most ``max_teams``."""
        cfg = self.cfg.search
        police = sum(1 for u in self.on_scene if self.units[u].service == "police")
        return min(float(cfg.max_teams), police * cfg.teams_per_unit)

    def _all_clear_after_contained(self):
        sit = self.situation
        yield sit.contained
        if self.cfg.all_clear_after is not None:
            yield self.env.timeout(self.cfg.all_clear_after)
            self.declare_all_clear(by="search complete")
            return
        env = self.env
        start = float(env.now)
        work = self.search_work_s()
        teams = self.search_teams()
        self.recorder.emit(env.now, "response.search_started", "", work_team_min=round(work / 60.0, 3), teams=teams)
        while work > 1e-6:
            self._police_arrived = env.event()
            if teams > 0:
                t0 = float(env.now)
                done = env.timeout(work / teams)
                yield done | self._police_arrived
                work = max(0.0, work - (float(env.now) - t0) * teams)  # a team-microsecond left is done
            else:
                yield self._police_arrived
            teams = self.search_teams()
        self._police_arrived = None
        rest = start + self.cfg.search.min_time - float(env.now)
        if rest > 0:
            yield env.timeout(rest)
        self.declare_all_clear(by="search complete")
