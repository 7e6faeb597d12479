"""Casualty care: from the moment of injury to definitive care in hospital.

Each casualty recorded by the incident model (``casualty.injured``) gets a true triage class from the
scenario's mix and two fate draws (see :mod:`simsoft.models.medical.survival`). Then, as SimPy processes:

1. the casualty waits until the incident has left their zone;
2. some reach a hospital on their own (self-presentation, nearest hospital);
3. walking wounded (minor) walk to the casualty collection point (CCP);
4. immediate casualties may get bleeding control from staff or bystanders with a kit;
5. the others wait for medics: they enter when the warm-zone policy allows (ambulance crews after
   containment, or protected medics with the first police on scene); triage teams triage where
   casualties lie (medics control bleeding), carry teams (bearers with a stretcher) carry them to
   the CCP by priority, paramedics treat them there;
6. ambulances load at the CCP and take them to the hospital the distribution policy picks, where
   critical patients queue for the critical-care line (surge capacity).

Where the CCP and the ambulance loading point are (decisions ``casualty_collection_point`` and
``staging``) scales the carry and walk times and the loading time (:mod:`simsoft.models.medical.scene`).

A casualty whose definitive care has not begun by their deadline dies where they are. Every random
value of a casualty is drawn at injury from its own named stream, so variants compare the same
casualties (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy

from simsoft.distributions import sample
from simsoft.errors import ActionError
from simsoft.models.actions import ActionHandler, ActionTable
from simsoft.models.incident.situation import Situation
from simsoft.models.medical.hospitals import HospitalModel
from simsoft.models.medical.scene import OUTSIDE, SceneLayout, StagedAmbulances, known_places
from simsoft.models.medical.major_incident import MajorIncident
from simsoft.models.medical.survival import NEVER, Casualty, deadline_min
from simsoft.models.medical.transport import AmbulanceFleet, CollectionPoint
from simsoft.models.shared import SharedResources
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.medical import TRIAGE_CLASSES
from simsoft.schema.venue import AssetKind

__all__ = ["MedicalModel", "ZONE_POLL_S"]

ZONE_POLL_S = 5.0
"""How often a casualty's zone is checked for the incident having moved on (a modelling step, not a parameter)."""


class MedicalModel:
    """Casualty care for one run."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 situation: Situation, shared: SharedResources | None = None) -> None:
        if scenario.medical is None:
            raise ValueError("the scenario has no medical block")
        self.scenario = scenario
        self.cfg = scenario.medical
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.situation = situation
        self.casualties: dict[str, Casualty] = {}
        self.death_listeners: list[Callable[[], object]] = []
        """Called (no arguments) at each death, after it is recorded; recovery re-sizes its phases."""
        self.rank = {cls: i for i, cls in enumerate(self.cfg.transport_order)}
        self.rank["dead"] = len(self.rank)
        self.warm_policy = self.cfg.warm_zone.policy
        self.shared = shared
        """A region's resources replacing the scenario's own hospitals and ambulances (``None``: single venue)."""
        self.distribution: str = (shared.distribution if shared is not None else None) or self.cfg.distribution
        self.access = env.event()
        hospitals = shared.hospitals(recorder=recorder, on_care=self._care) if shared is not None else None
        if hospitals is None:
            hospitals = [HospitalModel(h, env=env, recorder=recorder, on_care=self._care) for h in self.cfg.hospitals]
        self.hospitals = hospitals
        self.by_id = {h.id: h for h in self.hospitals}
        self.ccp = CollectionPoint(env, self.rank)
        self.staged = StagedAmbulances(self.cfg.ambulances)
        self.fleet = AmbulanceFleet(self.staged, env=env, recorder=recorder, ccp=self.ccp,  # type: ignore[arg-type]
                                    hospitals=self.hospitals, policy=lambda: self.distribution)
        self.layout = SceneLayout(scenario=scenario, env=env, recorder=recorder, situation=situation,
                                  ambulances=self.staged)
        self.to_triage = simpy.PriorityStore(env)
        self.to_carry = simpy.PriorityStore(env)
        bc = self.cfg.bleeding_control
        if bc.kits == "venue":
            self.kits = sum(a.count for a in scenario.venue.assets if a.kind is AssetKind.bleeding_control_kit)
        else:
            self.kits = int(bc.kits)
        sc = self.cfg.scene
        self.bearers, self.stretchers = sc.bearers, sc.stretchers
        self.triage_teams = 0
        self.carry_teams = 0
        self._task_force: simpy.Process | None = None
        self.major_incident = MajorIncident(
            self.cfg, env=env, streams=streams, recorder=recorder, fleet=self.fleet, hospitals=self.hospitals,
            ems_knows=situation.known["ems"],
            request_ambulances=lambda n, source: self.request_ambulances(n, mutual_aid=False, source=source,
                                                                        stream="medical.major_incident.ambulances"))

    # -- set-up ------------------------------------------------------------------------------
    def _draw(self, name: str, spec) -> float:
        return float(sample(spec, rng=self.streams.stream(f"medical.{name}"), n=1)[0])

    def start(self) -> None:
        """Register ambulance dispatch, warm-zone entry, scene teams and hospital plans."""
        sit = self.situation
        amb = self.cfg.ambulances
        self.env.process(self._dispatch_initial())
        if amb.prestaged:
            begin = sit.known["venue_control"] | sit.known["ems"]
            for _ in range(amb.prestaged):
                self.fleet.send(0.0, source="prestaged", start=begin)
        self.env.process(self._entry_after_contained())
        if self.warm_policy == "rescue_task_force":
            self._task_force = self.env.process(self._entry_task_force())
        self._add_teams()
        for h in self.hospitals:
            if h.spec.full_plan_after is not None:
                self.env.process(self._full_plan(h, h.spec.full_plan_after))
        self.major_incident.start()

    def _dispatch_initial(self):
        yield self.situation.known["ems"]
        n = self.cfg.ambulances.initial
        if n and self.shared is not None and self.shared.send_ambulances(self.fleet, count=n, source="initial"):
            return
        if n:
            delays = sample(self.cfg.ambulances.arrival, rng=self.streams.stream("medical.ambulance_arrival"), n=n)
            for d in delays:
                self.fleet.send(float(d), source="initial")

    def request_ambulances(self, count: int, *, mutual_aid: bool, source: str = "decision",
                           stream: str | None = None) -> None:
        """Send ``count`` more ambulances (they are dispatched once EMS dispatch knows); ``stream`` names the
        random stream of their arrival times (default: that of decisions)."""
        self.env.process(self._request(count, mutual_aid, source, stream))

    def _request(self, count: int, mutual_aid: bool, source: str, stream: str | None = None):
        yield self.situation.known["ems"]
        if not mutual_aid and self.shared is not None:
            # Ambulances of the region come from its bases; mutual aid comes from outside the region.
            self.recorder.emit(self.env.now, "medical.ambulances_requested", "", count=count, mutual_aid=mutual_aid,
                               source=source)
            if self.shared.send_ambulances(self.fleet, count=count, source="request"):
                return
        amb = self.cfg.ambulances
        spec, name = (amb.mutual_aid_arrival, "mutual_aid") if mutual_aid else (amb.arrival, "request")
        delays = sample(spec, rng=self.streams.stream(stream or f"medical.ambulance_{name}"), n=count)
        if mutual_aid or self.shared is None:
            self.recorder.emit(self.env.now, "medical.ambulances_requested", "", count=count, mutual_aid=mutual_aid,
                               source=source)
        for d in delays:
            self.fleet.send(float(d), source="mutual_aid" if mutual_aid else "request")

    def _full_plan(self, h: HospitalModel, after: float):
        # Hospitals are alerted when EMS dispatch knows; the capacity reaches the full-plan value ``after`` later.
        yield self.situation.known["ems"]
        h.activate_full_plan(reason="planned", ramp_s=after)

    # -- warm zone ---------------------------------------------------------------------------
    def _grant(self, how: str) -> None:
        if self.access.triggered:
            return
        now = float(self.env.now)
        self.recorder.emit(now, "medical.access", "", policy=how)
        self.access.succeed(now)
        for c in self.casualties.values():
            if c.dead and c.place == "scene" and c.tracked_at is None:
                c.tracked_at = now

    def _entry_after_contained(self):
        sit = self.situation
        # Contained, or over without containment (the script ended, or it never got in): the harm has stopped.
        yield sit.contained | sit.incident_over
        yield self.env.timeout(self.cfg.warm_zone.after_contained)
        yield self.fleet.first_arrival
        self._grant("after_contained")

    def _entry_task_force(self):
        # Protected medics (police tactical medics, fire/EMS teams under police escort) go in with the
        # first police on scene, without waiting for an ambulance; ambulances still transport.
        yield self.situation.police_on_scene
        yield self.env.timeout(self.cfg.warm_zone.task_force_forms)
        if self.warm_policy == "rescue_task_force":
            self._grant("rescue_task_force")

    def set_warm_policy(self, policy: str) -> None:
        """Change the warm-zone entry policy from now on (a decision)."""
        self.warm_policy = policy
        if policy == "rescue_task_force" and (self._task_force is None or not self._task_force.is_alive):
            if not self.access.triggered:
                self._task_force = self.env.process(self._entry_task_force())

    def add_scene_resources(self, *, bearers: int = 0, stretchers: int = 0, triage_teams: int = 0) -> None:
        """More bearers, stretchers or triage teams from now on."""
        self.bearers += bearers
        self.stretchers += stretchers
        self._add_teams(extra_triage=triage_teams)

    def _add_teams(self, extra_triage: int = 0) -> None:
        sc = self.cfg.scene
        want_triage = max(self.triage_teams, sc.triage_teams) + extra_triage
        while self.triage_teams < want_triage:
            self.triage_teams += 1
            self.env.process(self._triage_team())
        want_carry = min(self.bearers // sc.bearers_per_stretcher, self.stretchers)
        while self.carry_teams < want_carry:
            self.carry_teams += 1
            self.env.process(self._carry_team())

    # -- casualties --------------------------------------------------------------------------
    def injured(self, cid: str, zone: str, cause: str) -> None:
        """A casualty was injured now (called for every ``casualty.injured`` record)."""
        now = float(self.env.now)
        mix = self.cfg.mix_by_cause.get(cause, self.cfg.triage_mix)
        u = float(self.streams.stream("medical.triage").random())
        cum, cls = 0.0, TRIAGE_CLASSES[-1]
        for name, share in zip(TRIAGE_CLASSES, mix.shares()):
            cum += share
            if u < cum:
                cls = name
                break
        v, w = (float(x) for x in self.streams.stream("medical.fate").random(2))
        c = Casualty(id=cid, index=len(self.casualties), zone=zone, cause=cause, cls=cls, t_injured=now)
        c.draws = self._draws()
        curve = getattr(self.cfg.survival, cls, None)
        if curve is not None:
            c.salvage_s = deadline_min(curve, v) * 60.0
            c.survives_care = w < curve.b0
            c.curve, c.w = curve, w
        elif cls == "dead":
            c.survives_care = False
        self.casualties[cid] = c
        self.recorder.emit(now, "medical.casualty", cid, triage=cls, zone=zone, cause=cause,
                           survivable=c.survives_care)
        if cls == "dead":
            self._die(c)
            return
        if c.salvage_s != NEVER:
            self.env.process(self._watch(c, c.version))
        self.env.process(self._casualty(c))

    def _draws(self) -> dict[str, float]:
        cfg = self.cfg
        st = self.streams.stream
        return {
            "self": float(st("medical.self_presentation").random()),
            "bystander": float(st("medical.bystander").random()),
            "bleed_delay": self._draw("bleeding_delay", cfg.bleeding_control.delay),
            "self_delay": self._draw("self_presentation_delay", cfg.self_presentation.delay),
            "triage": self._draw("triage_time", cfg.scene.triage_time),
            "carry": self._draw("carry_time", cfg.scene.carry_time),
            "treat": self._draw("treatment_time", cfg.scene.treatment_time),
            "walk": self._draw("walk_to_ccp", cfg.scene.walk_to_ccp),
        }

    def _watch(self, c: Casualty, version: int):
        wait = c.death_time() - float(self.env.now)
        yield self.env.timeout(max(0.0, wait))
        if c.version == version and not c.dead and not c.cared:
            self._die(c)

    def _slow(self, c: Casualty, factor: float, by: str) -> None:
        if c.slow(factor, float(self.env.now)):
            if by:
                self.recorder.emit(self.env.now, "medical.bleeding_control", c.id, by=by, factor=factor)
            self.env.process(self._watch(c, c.version))

    def _die(self, c: Casualty, *, after_care: bool = False) -> None:
        c.dead = True
        place = {"ccp": "scene"}.get(c.place, c.place)
        self.recorder.emit(self.env.now, "medical.died", c.id, place=place, where=c.place, triage=c.cls,
                           after_care=after_care, preventable=bool(c.survives_care))
        for listener in self.death_listeners:
            listener()

    def _care(self, c: Casualty, h: HospitalModel) -> None:
        if c.dead or c.cared:
            return
        survives = c.survives_care_at(float(self.env.now))
        c.cared = True
        c.version += 1
        self.recorder.emit(self.env.now, "medical.care", c.id, hospital=h.id, triage=c.cls,
                           outcome="survives" if survives else "dies", waited_s=self.env.now - c.t_injured)
        if not survives:
            self._die(c, after_care=True)

    def _zone_safe(self, zone: str):
        sit = self.situation
        while zone in sit.affected_now and not sit.incident_over.triggered:
            yield self.env.timeout(ZONE_POLL_S)

    def _casualty(self, c: Casualty):
        yield from self._zone_safe(c.zone)
        if c.dead:
            return
        share = getattr(self.cfg.self_presentation, c.cls, 0.0) if c.cls != "expectant" else 0.0
        if c.draws["self"] < share:
            yield from self._self_present(c)
            return
        if c.cls == "minor":
            yield self.env.timeout(c.draws["walk"] * self.layout.ccp_factor(c.zone))
            self._at_ccp(c)
            self.ccp.ready(c)
            return
        if c.cls == "immediate":
            self.env.process(self._bystander(c))
        self.to_triage.put(simpy.PriorityItem((c.t_injured, c.index), c))

    def _bystander(self, c: Casualty):
        bc = self.cfg.bleeding_control
        if self.kits <= 0 or c.draws["bystander"] >= bc.applied_probability:
            return
        self.kits -= 1
        yield self.env.timeout(c.draws["bleed_delay"])
        if c.place == "scene" and not c.dead:
            self._slow(c, bc.slow_factor, "bystander")

    def _self_present(self, c: Casualty):
        yield self.env.timeout(c.draws["self_delay"])
        if c.dead:
            return
        h = min(self.hospitals, key=lambda x: (x.travel_s, x.id))
        if self.shared is not None:
            # A region's public information can steer walk-ins away from a diverted or full hospital.
            h = self.shared.walk_in(self.hospitals, nearest=h,
                                    draw=lambda: float(self.streams.stream("medical.walk_in_informed").random()))
        c.place = "transport"
        self.recorder.emit(self.env.now, "medical.self_presented", c.id, hospital=h.id, triage=c.cls)
        yield self.env.timeout(h.travel_s * self.cfg.self_presentation.travel_factor)
        h.admit(c, via="self")

    def _triage_team(self):
        yield self.access
        bc = self.cfg.bleeding_control
        while True:
            item = yield self.to_triage.get()
            c: Casualty = item.item
            if c.dead:
                continue
            yield self.env.timeout(c.draws["triage"])
            if c.dead:
                continue
            now = float(self.env.now)
            if c.tracked_at is None:
                c.tracked_at = now
            self.recorder.emit(now, "medical.triaged", c.id, triage=c.cls)
            if c.cls == "immediate" and bc.by_medics:
                self._slow(c, bc.slow_factor, "medics")
            self.to_carry.put(simpy.PriorityItem((self.rank[c.cls], now, c.index), c))

    def _carry_team(self):
        yield self.access
        while True:
            item = yield self.to_carry.get()
            c: Casualty = item.item
            if c.dead:
                continue
            carry = c.draws["carry"] * self.layout.ccp_factor(c.zone)
            yield self.env.timeout(carry)
            if not c.dead:
                self._at_ccp(c)
                self.env.process(self._treat(c))
            yield self.env.timeout(carry)

    def _at_ccp(self, c: Casualty) -> None:
        now = float(self.env.now)
        c.place = "ccp"
        if c.tracked_at is None:
            c.tracked_at = now
        self.recorder.emit(now, "medical.at_ccp", c.id, triage=c.cls)

    def _treat(self, c: Casualty):
        yield self.env.timeout(c.draws["treat"])
        if c.dead:
            return
        self._slow(c, self.cfg.scene.treatment_slow_factor, "")
        self.recorder.emit(self.env.now, "medical.treated", c.id, triage=c.cls)
        self.ccp.ready(c)

    # -- decisions ---------------------------------------------------------------------------
    ACTIONS = ("request_ambulances", "warm_zone", "distribution", "hospital_plan", "scene_resources",
               "casualty_collection_point", "staging", "major_incident")
    """Verbs this model carries out."""
    ABSENT = "the scenario has no medical block (and an incident) to direct"
    """Why those verbs are refused in a scenario without this model."""

    def action_table(self) -> ActionTable:
        """Ambulances, warm-zone entry, hospital distribution, a hospital's full plan, scene resources, the CCP's
        place and the ambulance loading point (:mod:`simsoft.models.medical.scene`), a major incident
        (:mod:`simsoft.models.medical.major_incident`)."""

        def check_hospital(action: Any) -> None:
            if action.hospital not in self.by_id:
                raise ActionError(f"hospital_plan: unknown hospital {action.hospital!r} (known: {', '.join(sorted(self.by_id))})")

        def ambulances(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            self.request_ambulances(action.count, mutual_aid=action.mutual_aid, source=values["source"])
            values.update(count=action.count, mutual_aid=action.mutual_aid)

        def warm_zone(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            self.set_warm_policy(action.policy)
            values["policy"] = action.policy

        def distribution(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            self.set_distribution(action.policy)
            values["policy"] = action.policy

        def hospital_plan(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values["hospital"] = action.hospital
            if not self.hospital_plan(action.hospital, reason=values["source"]):
                values["rejected"] = "full plan already running"

        def scene_resources(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            self.add_scene_resources(bearers=action.bearers, stretchers=action.stretchers, triage_teams=action.triage_teams)
            values.update(bearers=action.bearers, stretchers=action.stretchers, triage_teams=action.triage_teams)

        places = known_places(self.scenario)

        def check_place(action: Any) -> None:
            if action.zone is not None and action.zone not in places:
                raise ActionError(f"{action.do}: {action.zone!r} is not a zone of the venue nor outside "
                                  f"(places: {', '.join(places)})")

        def ccp(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values.update(zone=action.zone, far=action.far)
            values["status"] = self.layout.place_ccp(action.zone, far=action.far, reason=values["source"])

        def staging(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values.update(near_ccp=action.near_ccp, zone=action.zone or OUTSIDE)
            values["status"] = self.layout.stage(near_ccp=action.near_ccp, zone=action.zone, reason=values["source"])

        def major_incident(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            if not self.major_incident.declare(source=values["source"]):
                values["rejected"] = "major incident already declared"

        return {"request_ambulances": ActionHandler(ambulances), "warm_zone": ActionHandler(warm_zone),
                "distribution": ActionHandler(distribution), "hospital_plan": ActionHandler(hospital_plan, check_hospital),
                "scene_resources": ActionHandler(scene_resources), "major_incident": ActionHandler(major_incident),
                "casualty_collection_point": ActionHandler(ccp, check_place), "staging": ActionHandler(staging, check_place)}

    def set_distribution(self, policy: str) -> None:
        """Change the hospital distribution policy from now on."""
        self.distribution = policy

    def hospital_plan(self, hospital: str, *, reason: str = "decision") -> bool:
        """A hospital activates its full disaster plan now."""
        h = self.by_id[hospital]
        return h.activate_full_plan(reason=reason, ramp_s=h.spec.full_plan_after or 3600.0)

    def accounted_casualties(self, now: float) -> int:
        """Casualties whose whereabouts are known to responders by ``now`` (triaged, at the CCP, at hospital, found dead)."""
        return sum(1 for c in self.casualties.values() if c.tracked_at is not None and c.tracked_at <= now)

    def state(self) -> dict[str, Any]:
        """A small summary of the live state (for tests and the facilitator; metrics read records)."""
        return {"casualties": len(self.casualties), "kits_left": self.kits, "ambulances": self.fleet.count,
                "access": self.access.triggered}
