"""Receiving hospitals: beds, a critical-care line with surge capacity, and the distribution policy.

Critical patients (immediate, expectant) start definitive care one after another at the hospital's
surge capacity: a deterministic server whose service time is ``1 / rate`` at the start of each service
(Hirshberg et al., J Trauma 58(4):686, 2005: 4.6 critical patients/h immediately, 7.1/h with the full
disaster plan, for a level I centre; other levels and sizes in :class:`simsoft.schema.medical.Hospital`).
Once the full plan is activated the rate **ramps** linearly from the immediate to the full-plan value
(staff called in arrive over time; the linear form is judgement). Arrivals above the rate build the
backlog the fluid model predicts (reference notes section 7, case 18). Delayed and minor patients start
care on arrival (emergency department). Every patient takes a bed; a hospital without a free bed is
skipped by the distribution policy while another has one.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from simsoft.models.medical.survival import Casualty
from simsoft.records import Recorder
from simsoft.schema.medical import Hospital

__all__ = ["HospitalLoad", "HospitalModel", "choose_hospital", "POLICIES"]

POLICIES = ("nearest", "balanced", "by_trauma_level")
"""Distribution policies :func:`choose_hospital` knows."""


class HospitalLoad:
    """The state of one hospital that every site sending it patients shares: the critical-care line, beds,
    the backlog, patients on their way and the full plan's ramps.

    A single-venue run gives each hospital its own; a region (:mod:`simsoft.region`) gives one to each
    regional hospital and binds it to every site, so beds and surge capacity hold region-wide.
    """

    def __init__(self, env: simpy.Environment) -> None:
        self.line = simpy.PriorityResource(env, capacity=1)
        self.ramps: list[tuple[float, float]] = []
        """Full-plan activations as (start, duration) in seconds; the fastest one sets the rate."""
        self.full_plan = False
        self.beds_used = 0
        self.peak_beds = 0
        self.waiting = 0
        self.peak_waiting = 0
        self.en_route_critical = 0
        self.en_route = 0
        self.busy_until = 0.0
        self.busy_since = 0.0
        self.seq = 0
        self.diverted = False
        """Diverted (a regional decision): ambulances take no new patients there while another hospital is open."""


def _shared(name: str, doc: str) -> property:
    """A property reading and writing ``name`` of the hospital's :class:`HospitalLoad`."""
    return property(lambda self: getattr(self.load, name), lambda self, v: setattr(self.load, name, v), doc=doc)


class HospitalModel:
    """One hospital during a run, as one site sees it: its travel time from the site, the site's records,
    and the shared :class:`HospitalLoad` (its own unless ``load`` is given).

    ``travel`` (a function of the time now, in seconds) replaces ``spec.travel`` where a road network
    gives the time (regions); by default the travel time is the spec's, constant.
    """

    def __init__(self, spec: Hospital, *, env: simpy.Environment, recorder: Recorder,
                 on_care: Callable[[Casualty, "HospitalModel"], None] | None = None,
                 load: HospitalLoad | None = None, travel: Callable[[float], float] | None = None) -> None:
        self.spec = spec
        self.id = spec.id
        self.env = env
        self.recorder = recorder
        self.on_care = on_care
        self.base_per_h = spec.surge_per_hour
        self.full_per_h = spec.surge_per_hour_full_plan
        self.beds = spec.bed_count
        self.load = HospitalLoad(env) if load is None else load
        self._travel = travel

    line = _shared("line", "The critical-care line (one patient at a time, at the surge rate).")
    ramps = _shared("ramps", "Full-plan activations as (start, duration) in seconds.")
    full_plan = _shared("full_plan", "Whether the full plan has been activated.")
    beds_used = _shared("beds_used", "Beds taken by patients of the incident(s).")
    peak_beds = _shared("peak_beds", "Most beds taken at once.")
    waiting = _shared("waiting", "Critical patients waiting for the line.")
    peak_waiting = _shared("peak_waiting", "Most critical patients waiting at once.")
    en_route_critical = _shared("en_route_critical", "Critical patients on their way.")
    en_route = _shared("en_route", "Patients on their way.")
    _busy_until = _shared("busy_until", "End of the service in progress (s).")
    _busy_since = _shared("busy_since", "Start of the service in progress (s).")
    _seq = _shared("seq", "Critical admissions so far.")
    diverted = _shared("diverted", "Diverted: no new ambulance patients while another hospital is open.")

    @property
    def travel_s(self) -> float:
        """One-way travel time between the site and this hospital for a vehicle leaving now (s)."""
        if self._travel is None:
            return self.spec.travel
        return float(self._travel(float(self.env.now)))

    def rate_per_h(self, now: float | None = None) -> float:
        """Critical patients per hour the line takes at ``now``: the immediate value, rising linearly to the
        full-plan value over each activation's ramp (the most advanced activation counts).

        >>> from simsoft.schema.medical import Hospital
        >>> env = simpy.Environment()
        >>> h = HospitalModel(Hospital(id="h", travel=0.0, trauma_level="major_trauma_centre"), env=env, recorder=Recorder())
        >>> h.ramps.append((0.0, 3600.0))
        >>> h.rate_per_h(0.0), round(h.rate_per_h(1800.0), 2), h.rate_per_h(7200.0)
        (4.6, 5.85, 7.1)
        """
        now = float(self.env.now if now is None else now)
        frac = 0.0
        for start, duration in self.ramps:
            if now >= start:
                frac = max(frac, 1.0 if duration <= 0 else min(1.0, (now - start) / duration))
        return self.base_per_h + (self.full_per_h - self.base_per_h) * frac

    @property
    def service_s(self) -> float:
        """Time one critical patient occupies the critical-care line now."""
        return 3600.0 / self.rate_per_h()

    def activate_full_plan(self, *, reason: str, ramp_s: float = 3600.0) -> bool:
        """Start the full plan now: the surge capacity ramps to the full-plan value over ``ramp_s``;
        ``False`` if an activation is already under way or done."""
        if self.full_plan:
            return False
        self.full_plan = True
        now = float(self.env.now)
        self.ramps.append((now, float(ramp_s)))
        self.recorder.emit(now, "medical.hospital_plan", self.id, critical_per_hour=self.full_per_h, ramp_s=float(ramp_s),
                           reason=reason)
        return True

    def backlog(self, now: float | None = None) -> float:
        """Critical patients not yet through the line, counting the unfinished part of the one in service."""
        now = float(self.env.now if now is None else now)
        remaining = 0.0
        if self._busy_until > now:
            remaining = (self._busy_until - now) / max(self._busy_until - self._busy_since, 1e-9)
        return self.waiting + remaining

    def expected_start_s(self, travel_s: float) -> float:
        """Expected wait for critical care of a patient arriving after ``travel_s`` (for the balanced policy)."""
        now = float(self.env.now)
        queue_s = (self.backlog(now) + self.en_route_critical) * self.service_s
        return max(travel_s, queue_s)

    @property
    def full(self) -> bool:
        """No bed left (counting patients on their way)."""
        return self.beds_used + self.en_route >= self.beds

    def admit(self, c: Casualty, *, via: str) -> None:
        """A casualty reaches the hospital now (by ambulance or on their own)."""
        now = float(self.env.now)
        if not c.dead:
            self.beds_used += 1
            self.peak_beds = max(self.peak_beds, self.beds_used)
        c.place = "hospital"
        if c.tracked_at is None:
            c.tracked_at = now
        self.recorder.emit(now, "medical.at_hospital", c.id, hospital=self.id, via=via, triage=c.cls,
                           critical=c.critical, alive=not c.dead, beds_used=self.beds_used)
        if c.dead:
            return
        if c.critical:
            self.env.process(self._critical(c))
        elif self.on_care is not None:
            self.on_care(c, self)

    def _critical(self, c: Casualty):
        self._seq += 1
        self.waiting += 1
        self.peak_waiting = max(self.peak_waiting, self.waiting)
        self.recorder.sample(self.env.now, "hospital_backlog", [self.id], [self.backlog()])
        prio = 0 if c.cls == "immediate" else 1
        with self.line.request(priority=prio) as req:
            yield req
            self.waiting -= 1
            if c.dead:
                return
            now = float(self.env.now)
            service = self.service_s
            self._busy_since, self._busy_until = now, now + service
            if self.on_care is not None:
                self.on_care(c, self)
            self.recorder.sample(now, "hospital_backlog", [self.id], [self.backlog()])
            yield self.env.timeout(service)


def choose_hospital(hospitals: list[HospitalModel], c: Casualty, *, policy: str) -> HospitalModel:
    """The hospital an ambulance takes ``c`` to.

    A diverted hospital (regional decision) is left out while another is not diverted.

    ``nearest``: the nearest with a free bed (the nearest of all when every one is full).
    ``balanced``: critical patients to the earliest expected start of critical care (travel or queue,
    whichever is longer), others to the lowest bed occupancy; ties go to the nearer hospital.
    ``by_trauma_level``: critical patients to the nearest major trauma centre with a free bed (else the
    nearest trauma unit, else the nearest), others to the nearest hospital that is not a major trauma
    centre (else the nearest): the trauma-network triage rule of sending the severely injured to the
    centre and sparing it the rest (NHS England, Regional Trauma Networks, 2010; ACS-COT field triage).
    """
    open_ = [h for h in hospitals if not h.full and not h.diverted] or [h for h in hospitals if not h.diverted] \
        or hospitals
    if policy == "balanced":
        if c.critical:
            return min(open_, key=lambda h: (h.expected_start_s(h.travel_s), h.travel_s, h.id))
        return min(open_, key=lambda h: ((h.beds_used + h.en_route) / h.beds, h.travel_s, h.id))
    if policy == "by_trauma_level":
        if c.critical:
            tiers = (("major_trauma_centre",), ("trauma_unit",))
        else:
            tiers = (("trauma_unit", "local_emergency_hospital", None),)
        for levels in tiers:
            fit = [h for h in open_ if h.spec.trauma_level in levels]
            if fit:
                return min(fit, key=lambda h: (h.travel_s, h.id))
    return min(open_, key=lambda h: (h.travel_s, h.id))
