"""One seeded run of a scenario: a SimPy environment, the models, scheduled actions, records.

``Simulation`` is the stepping interface the facilitator uses (run to a time, apply actions,
continue); :func:`run` is the one-call form that runs a scenario to its end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import simpy
from pydantic import TypeAdapter, ValidationError

from simsoft.errors import ActionError
from simsoft.metrics import METRIC_SERIES, compute_metrics
from simsoft.models.actions import ActionHandler
from simsoft.models.egress import EgressModel
from simsoft.models.egress import protective_actions
from simsoft.models.incident import AlertingModel, DetectionModel, IncidentModel, ResponseModel, Situation
from simsoft.models.medical import MedicalModel
from simsoft.models.shared import SharedResources
from simsoft.models.recovery import RecoveryModel
from simsoft.observation import HospitalView, IncidentView, Observation, freeze
from simsoft.records import Event, Recorder, Timeseries
from simsoft.rng import DEFAULT_SEED, Streams
from simsoft.schema import Action, Scenario
from simsoft.schema.common import FROM_FILE
from simsoft.schema.messages import plain_rule

__all__ = ["Simulation", "RunResult", "run"]

_ACTION: TypeAdapter[Action] = TypeAdapter(Action)

_ZONE_ORDERS = frozenset({"evacuate", "shelter", "lockdown", "release"})
"""Verbs that set what the people of a zone do (move, stay, be let out)."""
_MODEL_SOURCES = frozenset({"occupants", "plan", "recovery"})
"""Sources of the actions the models take themselves; every other source (the script, a team) gives orders."""


@dataclass(frozen=True)
class RunResult:
    """What one run produced: frozen event records, metrics, and the time series."""

    scenario: Scenario
    seed: int
    variant: str | None
    events: tuple[Event, ...]
    timeseries: Timeseries
    metrics: dict[str, Any] = field(default_factory=dict)


class Simulation:
    """A scenario being simulated, stepped by the caller.

    >>> from simsoft import load_scenario
    >>> sim = Simulation(load_scenario("scenarios/community-hall.yaml"), seed=1)  # doctest: +SKIP
    >>> sim.run_until(60.0); sim.apply({"do": "evacuate", "zones": "all", "at": "60 s"})  # doctest: +SKIP

    ``lean=True`` drops the time-series samples no metric reads (outcome and experiment runs).
    """

    def __init__(self, scenario: Scenario, *, seed: int = DEFAULT_SEED, variant: str | None = None,
                 lean: bool = False, env: simpy.Environment | None = None,
                 shared: SharedResources | None = None) -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.variant = variant
        self.lean = bool(lean)
        """A lean run keeps only the time series its metrics read (:data:`~simsoft.metrics.METRIC_SERIES`):
        its events and metrics are the full run's, bit for bit; its ``timeseries`` holds no crowd samples.
        Outcome and experiment runs are lean; a run folder, a plot or an exercise needs the full records."""
        self.env = simpy.Environment() if env is None else env
        """The SimPy environment: the run's own, or one shared by the sites of a region (:mod:`simsoft.region`),
        which then drives it; :meth:`run_to_end` is for a run that owns its environment."""
        self.shared = shared
        """Resources lent by a region (hospitals, ambulances, police), or ``None`` for a single venue."""
        self.streams = Streams(self.seed)
        self.recorder = Recorder(series=METRIC_SERIES if self.lean else None)
        self._pending: list[simpy.Process] = []
        self._orders: dict[str, tuple[str, str, str | None]] = {}
        """Zone -> (verb, source, note) of the standing order from the script or a team (see :meth:`_track_orders`)."""
        self.situation = Situation(self.env, self.recorder)
        common = {"scenario": scenario, "env": self.env, "streams": self.streams, "recorder": self.recorder}
        self.egress = EgressModel(**common)
        self.incident: IncidentModel | None = None
        self.detection: DetectionModel | None = None
        self.alerting: AlertingModel | None = None
        self.response: ResponseModel | None = None
        self.medical: MedicalModel | None = None
        self.recovery: RecoveryModel | None = None
        self.recorder.emit(0.0, "run.start", "", seed=self.seed, variant=variant, population=scenario.population.total)
        self.egress.start()
        if scenario.incident is not None:
            sit = self.situation
            self.detection = DetectionModel(**common, situation=sit)
            self.alerting = AlertingModel(**common, situation=sit, egress=self.egress, apply=self._apply_internal)
            self.response = ResponseModel(**common, situation=sit, locate=self.detection.locate_on_arrival, shared=shared)
            self.incident = IncidentModel(**common, egress=self.egress, situation=sit)
            self.incident.on_zone_affected = self._zone_affected  # type: ignore[method-assign]
            models: list = [self.detection, self.alerting, self.response, self.incident]
            if scenario.medical is not None:
                self.medical = MedicalModel(**common, situation=sit, shared=shared)
                models.append(self.medical)
            if scenario.recovery is not None:
                self.recovery = RecoveryModel(**common, situation=sit, egress=self.egress, medical=self.medical,
                                              apply=self._apply_internal)
                models.append(self.recovery)
            if self.medical is not None or self.recovery is not None:
                self._watch_casualties()
            for model in models:
                model.start()
        self._actions: dict[str, ActionHandler] = dict(
            protective_actions(self.egress, sheltering=self.situation.sheltering, locked=self.situation.locked))
        self._absent: dict[str, str] = {}
        for cls, model in ((ResponseModel, self.response), (MedicalModel, self.medical), (RecoveryModel, self.recovery)):
            if model is not None:
                self._actions.update(model.action_table())
            else:
                self._absent.update(dict.fromkeys(cls.ACTIONS, cls.ABSENT))
        for action in scenario.actions:
            self.apply(action, source="scenario")

    def _watch_casualties(self) -> None:
        # The medical and recovery models hear of each casualty at the moment it is recorded.
        assert self.incident is not None
        for model in (self.medical, self.recovery):
            if model is not None:
                self.incident.casualty_listeners.append(model.injured)

    def _zone_affected(self, zone: str) -> None:
        occupied = float(self.egress.occupancy().get(zone, 0.0)) > 0
        assert self.detection is not None and self.alerting is not None
        self.detection.zone_affected(zone, occupied)
        self.alerting.occupant_cue(zone)

    @property
    def now_s(self) -> float:
        """Current simulated time in seconds."""
        return float(self.env.now)

    def _apply_internal(self, action: Mapping[str, Any], source: str) -> None:
        # The models' own actions (the venue plan, recovery releases) come from Python code, where a
        # bare number is seconds; they take effect now.
        self.apply({**action, "at": 0.0}, source=source, units_required=False)

    def apply(self, action: Action | Mapping[str, Any], *, source: str = "decision",
              units_required: bool = True) -> Action:
        """Schedule ``action`` at its ``at`` time (now if that is past); returns the validated action.

        A mapping is read like a file: durations carry their unit (``"2 min"``). With
        ``units_required=False`` a bare number is seconds, as in Python code. Raises
        :class:`ActionError` when the action is malformed or names an unknown zone, exit, connection,
        unit, hospital or site; nothing is applied then.
        """
        action = self.check(action, units_required=units_required)
        delay = max(0.0, action.at - self.env.now)
        self._pending.append(self.env.process(self._later(action, delay, source)))
        return action

    def check(self, action: Action | Mapping[str, Any], *, units_required: bool = True) -> Action:
        """Validate ``action`` against the schema and this scenario without scheduling it.

        Returns the validated action; raises :class:`ActionError` naming the first problem (an
        unknown key is reported before the missing fields it may explain).
        """
        if isinstance(action, Mapping):
            try:
                action = _ACTION.validate_python(dict(action), context=FROM_FILE if units_required else None)
            except ValidationError as exc:
                errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
                first = errors[0]
                where = ".".join(str(p) for p in first["loc"] if not (isinstance(p, str) and p == dict(action).get("do")))
                message = "unknown key" if first["type"] == "extra_forbidden" else plain_rule(first)
                if first["type"] not in ("extra_forbidden", "missing", "value_error") and "input" in first \
                        and not isinstance(first["input"], (dict, list)):
                    message = f"{first['input']!r} {message}"  # the value the person typed, then the rule
                if first["type"] == "union_tag_invalid":
                    where = "do"
                    message = f"{first['input'].get('do')!r} is not an action (actions: {first['ctx']['expected_tags']})"
                elif first["type"] == "union_tag_not_found":
                    where, message = "do", "is required (the verb, e.g. 'evacuate')"
                raise ActionError(f"action {where}: {message}") from None
        self._check_venue(action)
        handler = self._actions.get(action.do)
        if handler is None:
            raise ActionError(f"{action.do}: {self._absent.get(action.do, 'no model of this scenario carries it out')}")
        if handler.check is not None:
            handler.check(action)
        return action

    def _check_venue(self, action: Action) -> None:
        """Zones, exits and connections an action names must exist in the venue."""
        venue = self.scenario.venue
        zones = {z.id for z in venue.zones}
        exits = {e.id for e in venue.exits}
        conns = {c.id for c in venue.connections}
        named = getattr(action, "zones", "all")
        if named != "all":
            unknown = [z for z in named if z not in zones]
            if unknown:
                raise ActionError(f"{action.do}: unknown zone {unknown[0]!r} (known: {', '.join(sorted(zones))})")
        for e in getattr(action, "via", None) or []:
            if e not in exits:
                raise ActionError(f"{action.do}: unknown exit {e!r} (known: {', '.join(sorted(exits))})")
        conn = getattr(action, "connection", None)
        if conn is not None and conn not in conns:
            raise ActionError(f"{action.do}: unknown connection {conn!r}")

    def _later(self, action: Action, delay: float, source: str):
        yield self.env.timeout(delay)
        self._pending.remove(self.env.active_process)  # type: ignore[arg-type]
        self._do(action, source)

    def _zones(self, selection: Any) -> list[str]:
        if selection == "all":
            return [z.id for z in self.scenario.venue.zones]
        return list(selection)

    def _do(self, action: Action, source: str) -> None:
        """Carry out ``action`` through the model that owns its verb, then record it."""
        values: dict[str, Any] = {"source": source}
        if action.note:
            values["note"] = action.note
        zones = self._zones(getattr(action, "zones", []) or [])
        if action.do in _ZONE_ORDERS:
            self._track_orders(action, zones, source)
        self._actions[action.do].apply(action, zones, values)
        if zones:
            values["zones"] = zones
        self.recorder.emit(self.env.now, f"action.{action.do}", "", **values)
        self.egress.wake()
        if self.incident is not None:
            self.incident.wake()

    def _track_orders(self, action: Action, zones: list[str], source: str) -> None:
        """Keep each zone's standing order; record an ``override.order`` where the engine's own models undo one.

        An order is an action from the script or a team (any source but the models'); when occupants, the
        venue's plan or recovery then move, hold or release those people otherwise, the event names the
        order, who gave it (``ordered_by``, ``decision``: its note, a decision id in exercises), what
        replaced it and why (the replacing action's note).
        """
        if source not in _MODEL_SOURCES:
            for z in zones:
                self._orders[z] = (action.do, source, action.note)
            return
        for z in zones:
            standing = self._orders.get(z)
            if standing is None or standing[0] == action.do or (standing[0] == "release" and action.do == "evacuate"):
                continue
            self.recorder.emit(self.env.now, "override.order", z, order=standing[0], ordered_by=standing[1],
                               decision=standing[2], by=source, now=action.do, reason=action.note or source)
            del self._orders[z]

    @property
    def settled(self) -> bool:
        """True when nothing more is scheduled: nothing can happen without a new action."""
        return self.env.peek() == float("inf")

    def run_until(self, t_s: float) -> None:
        """Advance the simulation to ``t_s`` seconds (no further than the scenario's duration)."""
        target = min(float(t_s), self.scenario.duration)
        if target > self.env.now:
            self.env.run(until=target)

    def run_to_end(self) -> None:
        """Run until nothing more is scheduled or the scenario's duration is reached, then close the records."""
        # The cyclic collector is paused while the events run: the models' garbage is freed by reference
        # counting, and collections triggered by the many small allocations of a step only cost time.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            reason = self._run_events()
        finally:
            if gc_was_enabled:
                gc.enable()
        self.egress.finalize()
        self.recorder.emit(self.env.now, "run.end", "", reason=reason)

    def _run_events(self) -> str:
        """Process events up to the scenario's duration; the reason the run ends ("settled" or "duration")."""
        horizon = self.scenario.duration
        # Thousands of steps a run: skip the lookups, and read the next time off SimPy's heap as
        # Environment.peek does (an empty queue is "settled", as peek's infinity is).
        queue, step = self.env._queue, self.env.step
        inf = float("inf")
        while True:
            nxt = queue[0][0] if queue else inf
            if nxt == inf:
                reason = "settled"
                break
            if nxt > horizon:
                if self.env.now < horizon:
                    self.env.run(until=horizon)
                reason = "duration"
                break
            step()
        return reason

    def observe(self) -> Observation:
        """A frozen snapshot of the world now: occupancy, counts, incident, units, cordons, hospitals.

        Views of a running exercise read this (or the records), never the models' internals.
        """
        eg, sit, inc = self.egress, self.situation, self.scenario.incident
        inside, exited = eg.inside_total, eg.exited_total
        population = int(self.scenario.population.total)
        incident = None
        if inc is not None:
            incident = IncidentView(
                started=self.env.now >= inc.starts_at,
                affected_now=tuple(sit.affected_now), ever_affected=tuple(sit.ever_affected),
                contained=bool(sit.contained.triggered), all_clear=bool(sit.all_clear.triggered),
                over=bool(sit.incident_over.triggered),
                known_by=tuple(role for role, evt in sit.known.items() if evt.triggered))
        units: dict[str, str] = {}
        cordons: dict[str, str] = {}
        if self.response is not None:
            units = {u: ("on scene" if u in self.response.on_scene else "en route") for u in sorted(self.response.sent)}
            cordons = dict(self.response.cordon)
        hospitals: dict[str, HospitalView] = {}
        if self.medical is not None:
            hospitals = {h: HospitalView(beds_used=m.beds_used, waiting=m.waiting, en_route=m.en_route,
                                         full_plan=m.full_plan) for h, m in self.medical.by_id.items()}
        return Observation(
            t_s=float(self.env.now), population=population, occupancy=freeze(eg.occupancy()),
            inside=inside, exited=exited, exited_by_exit=freeze(eg.exited_by_exit()),
            removed=eg.removed_total,
            casualties=0 if self.incident is None else self.incident.casualties + self.incident.crush_casualties,
            closed=freeze(eg.closed_connections()), sheltering=frozenset(sit.sheltering),
            locked=frozenset(sit.locked), incident=incident, units=freeze(units), cordons=freeze(cordons),
            hospitals=freeze(hospitals), settled=self.settled)

    def result(self) -> RunResult:
        """The records so far, with metrics computed from them."""
        events = tuple(self.recorder.events)
        return RunResult(
            scenario=self.scenario,
            seed=self.seed,
            variant=self.variant,
            events=events,
            timeseries=self.recorder.timeseries,
            metrics=compute_metrics(self.scenario, events, self.recorder.timeseries),
        )


def run(
    scenario: Scenario,
    *,
    seed: int = DEFAULT_SEED,
    variant: str | None = None,
    actions: Iterable[Action | Mapping[str, Any]] = (),
    lean: bool = False,
) -> RunResult:
    """Simulate ``scenario`` (with ``variant`` applied) from t = 0 to its end and return the records.

    ``actions`` are extra protective actions (team decisions), each at its own ``at`` time. With
    ``lean`` the result keeps only the time series its metrics need (the metrics are the same).
    """
    from simsoft.loader import apply_variant

    resolved = apply_variant(scenario, variant) if variant else scenario
    sim = Simulation(resolved, seed=seed, variant=variant, lean=lean)
    for action in actions:
        sim.apply(action)
    sim.run_to_end()
    return sim.result()
