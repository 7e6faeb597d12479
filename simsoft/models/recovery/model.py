"""Recovery: release after the all clear, accountability, reunification and the phases to reopening.

- **Release.** ``release_after_all_clear`` after the all clear, zones still sheltering or locked down
  are released through the engine (recorded as ``action.release`` with ``source: recovery``).
- **Accountability.** Every ``check_every`` the model counts who is accounted for: people staff have
  counted at counting points (assembly points, or every exit once staff count at all exits;
  ``headcount_p_min`` per point, a queue), people who left by other exits and have since reported (the
  ``dispersed_report`` delay, as a fluid: the expected share of each minute's leavers who have
  reported; digital check-in scales the delay by ``digital.report_factor``), and casualties responders
  have tracked (triaged, at the CCP, at hospital, found dead), or all of them once the all clear says
  the venue has been searched. Once assembly points are announced, ``announced_share`` of later leavers
  by other exits go to an assembly point and are counted there. Everyone is accounted for when fewer
  than half a person remains unaccounted for. The action ``accountability`` announces the assembly
  points, posts counting staff at every exit or starts digital check-in.
- **Reunification.** Cases: adults sought at the centre (``adult_share``), separated children
  (unaccompanied minors) and one family per casualty. When its family would arrive, an adult or
  casualty-family case is resolved by phone (``remote_share``) or, with digital check-in on, by app or
  SMS (``digital.uptake``) and never comes; the others join the queue. Staff at open sites take the
  oldest waiting case (a pooled queue: families go to whichever desk frees first); a family whose
  ``patience`` runs out before a desk takes it leaves (a guardian of an unaccompanied minor never
  does); it is dropped when a desk reaches it, so the recorded queue length still counts it until then.
  A standby site or more staff is a decision.
- **Public information.** A message naming a reunification site (action ``public_information``) sends
  the families still to set out straight to it: the ``public_information.scene_share`` of them who would
  have gone to the scene first arrive ``scene_detour`` sooner (never before the message). A published
  phone line answers ``phone_share`` of the adult and casualty-family cases who would still come. Both
  draw from their own streams, and only once a message is out, so runs without one are unchanged.
- **Phases.** Investigation (scene handover), clean-up and reopening preparation run one after the
  other from the all clear; their durations are drawn at the all clear from ``reopening`` (by the deaths
  so far and the ``damage``) unless ``phases`` states them. A casualty who dies after the all clear
  (in transport or in hospital) before the scene is handed over makes it a fatal one: at that death the
  phases not yet done are re-sized for the deaths by then, with the standard normal draws made at the
  all clear (no extra randomness; ``recovery.phase_changed`` with reason ``deaths since the all
  clear``). A death after the handover leaves the venue's timetable as it is.
  The family assistance centre opens after
  the all clear for a while. A decision changes a phase's duration, also while it runs. The scheduled
  reopening is recorded (``recovery.reopening_scheduled``), so it is known when it lies beyond the run.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import simpy

from simsoft.distributions import lognormal_params, sample
from simsoft.errors import ActionError
from simsoft.models.actions import ActionHandler, ActionTable
from simsoft.models.incident.situation import Situation
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.distributions import Distribution, Fixed, Lognormal, Normal, Uniform
from simsoft.schema.recovery import Reopening

__all__ = ["RecoveryModel", "cdf", "cdf_function", "UNACCOUNTED_THRESHOLD"]

UNACCOUNTED_THRESHOLD = 0.5
"""Everyone is accounted for when fewer than this many people (in the fluid count) remain unaccounted for."""


def cdf(spec: Distribution, t_s: float) -> float:
    """Probability that a duration drawn from ``spec`` is at most ``t_s`` seconds.

    >>> cdf(Fixed(distribution="fixed", value=60.0), 59.0), cdf(Fixed(distribution="fixed", value=60.0), 60.0)
    (0.0, 1.0)
    """
    if t_s < 0:
        return 0.0
    if isinstance(spec, Fixed):
        return 1.0 if t_s >= spec.value else 0.0
    if isinstance(spec, Uniform):
        return min(1.0, max(0.0, (t_s - spec.low) / (spec.high - spec.low))) if spec.high > spec.low else float(t_s >= spec.low)
    if isinstance(spec, Normal):
        return 0.5 * (1.0 + math.erf((t_s - spec.mean) / (spec.sd * math.sqrt(2.0))))
    if isinstance(spec, Lognormal):
        x = t_s - float(spec.shift)
        if x <= 0:
            return 0.0
        mu, sigma = lognormal_params(spec)
        return 0.5 * (1.0 + math.erf((math.log(x) - mu) / (sigma * math.sqrt(2.0))))
    raise TypeError(f"unknown distribution {spec!r}")


def cdf_function(spec: Distribution) -> Callable[[float], float]:
    """``cdf(spec, .)`` as a function of time with the spec's parameters read once.

    The accountability count evaluates the CDF for every minute's leavers at every check; reading
    pydantic fields and recomputing the lognormal parameters there cost more than the arithmetic.
    The arithmetic is the same as :func:`cdf`, operation for operation, so the results are identical.

    >>> f = cdf_function(Fixed(distribution="fixed", value=60.0))
    >>> f(59.0), f(60.0)
    (0.0, 1.0)
    """
    if not isinstance(spec, Lognormal):
        return lambda t_s: cdf(spec, t_s)
    shift = float(spec.shift)
    mu, sigma = lognormal_params(spec)
    scale = sigma * math.sqrt(2.0)
    erf, log = math.erf, math.log

    def lognormal_cdf(t_s: float) -> float:
        if t_s < 0:
            return 0.0
        x = t_s - shift
        if x <= 0:
            return 0.0
        return 0.5 * (1.0 + erf((log(x) - mu) / scale))

    return lognormal_cdf


def _delay_to(now: float, at: float) -> float:
    """A delay ``d`` with ``now + d == at`` exactly (``at >= now >= 0``), as SimPy adds delays to now.

    ``at - now`` can round, and ``now + (at - now)`` then misses ``at`` by an ulp; stepping ``d`` by
    ulps finds one that lands exactly (one exists: near ``at``, steps of ``d`` are no coarser than ``at``'s).
    """
    d = at - now
    while now + d < at:
        d = math.nextafter(d, math.inf)
    while now + d > at:
        d = math.nextafter(d, -math.inf)
    return d


class _Phase:
    def __init__(self, name: str, duration: float) -> None:
        self.name = name
        self.duration = float(duration)
        self.started: float | None = None
        self.done: float | None = None
        self.proc: simpy.Process | None = None


class RecoveryModel:
    """The recovery module for one run."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 situation: Situation, egress, medical=None,
                 apply: Callable[[Mapping[str, Any], str], None]) -> None:
        if scenario.recovery is None:
            raise ValueError("the scenario has no recovery block")
        self.scenario = scenario
        self.cfg = scenario.recovery
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.situation = situation
        self.egress = egress
        self.medical = medical
        self.apply = apply
        self.casualty_ids: list[str] = []
        self.population = scenario.population.total
        venue = scenario.venue
        self.assembly = [e.id for e in venue.exits if e.assembly_point]
        acc = self.cfg.accountability
        self.announced = acc.assembly_announced
        self.count_all = acc.count_at == "all_exits"
        self.digital = self.cfg.digital.enabled
        self.phone_line = False
        """Whether a public information message has given a phone line for families."""
        self.site_named: str | None = None
        """The reunification site a public information message named first (families still to set out go there)."""
        self._due_gen = 0
        """Generation of the families' schedule: a message naming the site reschedules it."""
        self._case_draws: dict[str, tuple[float, float, float]] = {}
        """Per case: (uniform for phone, uniform for digital, patience in s), drawn when the case is created."""
        self.cases_remote = 0
        self.cases_left = 0
        self.sites = {s.id: s for s in self.cfg.reunification}
        self.site_staff = {s.id: 0 for s in self.cfg.reunification}
        self.site_open: dict[str, float] = {}
        self.waiting: list[tuple[float, int, str, str, float]] = []
        """Cases whose family has arrived and no desk has taken yet: a heap of (ready, seq, id, kind, ready)."""
        self._due: list[tuple[float, int, str, str]] = []
        """Families still to arrive, by time: (time, case order, id, kind); ``_next_due`` is the next one."""
        self._next_due = 0
        self._idle_desks: deque[str] = deque()
        """Free desks (by site), in the order they became free: the first takes the next case."""
        fam = self.cfg.families
        factor = {"adult": 1.0, "minor": fam.minor_factor, "casualty_family": fam.casualty_family_factor}
        self._case_s = {kind: fam.minutes_per_case * 60.0 * f for kind, f in factor.items()}
        self.cases_created = 0
        self.cases_done = 0
        self.peak_queue = 0
        self._seq = 0
        self.complete = False
        ph = self.cfg.phases
        self.phases = {
            "investigation": _Phase("investigation", ph.investigation or 0.0),
            "clean_up": _Phase("clean_up", ph.clean_up or 0.0),
            "reopen_preparation": _Phase("reopen_preparation", ph.reopen_preparation or 0.0),
            "family_assistance": _Phase("family_assistance", ph.family_assistance),
        }
        self._changed: set[str] = set()
        """Phases a decision set before they were drawn (the decision wins)."""
        self._clear_at: float | None = None
        self._z: dict[str, float] = {}
        """Standard normal draw per phase at the all clear (kept, so a re-size adds no randomness)."""
        self._sized_deaths = 0
        """Deaths the drawn phases were sized for."""
        if medical is not None:
            medical.death_listeners.append(self._resize_for_deaths)

    # -- set-up ------------------------------------------------------------------------------
    def start(self) -> None:
        """Register release, accountability, reunification and the recovery phases."""
        self.env.process(self._release())
        self.env.process(self._accountability())
        if self.sites:
            self._create_cases()
            for s in self.cfg.reunification:
                if not s.standby:
                    self.env.process(self._open_when_planned(s.id))
        self.env.process(self._phases())

    def injured(self, cid: str, zone: str, cause: str) -> None:
        """A casualty: their family becomes a reunification case (when sites exist)."""
        self.casualty_ids.append(cid)
        if self.sites:
            fam = self.cfg.families
            delay = float(sample(fam.arrival, rng=self.streams.stream("recovery.casualty_families"), n=1)[0])
            u = self.streams.stream("recovery.casualty_families.contact").random(2)
            patience = float(sample(fam.patience, rng=self.streams.stream("recovery.casualty_families.patience"), n=1)[0])
            self._case_draws[f"family_{cid}"] = (float(u[0]), float(u[1]), patience)
            self._case_arrives(f"family_{cid}", "casualty_family", delay)

    # -- release -----------------------------------------------------------------------------
    def _release(self):
        after = self.cfg.release_after_all_clear
        if after is None:
            return
        sit = self.situation
        yield sit.all_clear
        yield self.env.timeout(after)
        held = sit.locked | sit.sheltering
        zones = [z.id for z in self.scenario.venue.zones if z.id in held]
        if zones:
            self.apply({"do": "release", "zones": zones, "note": "recovery: release after the all clear"}, "recovery")
        # Nobody is left behind once the venue is safe: people never told to leave are brought out too.
        occupancy = self.egress.occupancy()
        left = [z.id for z in self.scenario.venue.zones
                if z.id not in held and occupancy.get(z.id, 0.0) >= 0.5 and not self._leaving(z.id)]
        if left:
            self.apply({"do": "evacuate", "zones": left, "note": "recovery: everyone still inside is brought out after the all clear"},
                       "recovery")

    def _leaving(self, zone: str) -> bool:
        """Whether the people of ``zone`` have been told to leave (a read of the crowd state)."""
        zone_nodes = list(self.egress.net.node_ids[: self.egress.net.n_zones])
        return bool(self.egress.state.evacuating[zone_nodes.index(zone)])

    # -- accountability ----------------------------------------------------------------------
    def _accountability(self):
        acc = self.cfg.accountability
        env, eg, sit = self.env, self.egress, self.situation
        inc = self.scenario.incident
        start = inc.starts_at if inc is not None else 0.0
        if start > env.now:
            yield env.timeout(start)
        exits = eg.exited_by_exit()
        seen = dict(exits)
        counting = set(self.assembly) | (set(seen) if self.count_all else set())
        backlog = {e: float(seen.get(e, 0.0)) for e in sorted(counting)}
        counted = {e: 0.0 for e in backlog}
        disp_t: list[float] = []
        disp_n: list[float] = []
        base_disp = sum(v for k, v in seen.items() if k not in backlog)
        if base_disp > 0:
            disp_t.append(float(env.now))
            disp_n.append(base_disp)
        rate_s = acc.headcount_p_min / 60.0
        dt = float(acc.check_every)
        reported_by = cdf_function(acc.dispersed_report)
        factor = float(self.cfg.digital.report_factor)
        # Checks are evenly spaced, so the ages ``now - t`` of the leavers' batches recur from check to
        # check: remember the CDF of each age seen (a pure function: same age, same float), one memo
        # per reporting mode (digital check-in scales the delay).
        memo: dict[bool, dict[float, float]] = {False: {}, True: {}}
        while True:
            yield env.timeout(dt)
            now = float(env.now)
            if self.count_all:
                for e in sorted(eg.exited_by_exit()):
                    if e not in backlog:
                        backlog[e] = 0.0
                        counted[e] = 0.0
            exits = eg.exited_by_exit()
            new_disp = 0.0
            for e, v in exits.items():
                inc_n = v - seen.get(e, 0.0)
                seen[e] = v
                if e in backlog:
                    backlog[e] += inc_n
                else:
                    new_disp += inc_n
            if new_disp > 1e-9 and self.announced and self.assembly:
                # People leaving by other exits who follow the announcement to an assembly point.
                to_points = new_disp * acc.announced_share
                new_disp -= to_points
                for e in self.assembly:
                    backlog[e] += to_points / len(self.assembly)
            if new_disp > 1e-9:
                disp_t.append(now - dt / 2)
                disp_n.append(new_disp)
            for e in backlog:
                n = min(backlog[e], rate_s * dt)
                backlog[e] -= n
                counted[e] += n
            digital = self.digital
            share_at = memo[digital]
            share_get = share_at.get
            reported: float = 0  # summed left to right from int 0, exactly as sum() does
            for t, n in zip(disp_t, disp_n):
                age = now - t
                share = share_get(age)
                if share is None:
                    share = share_at[age] = reported_by(age / factor if digital else age)
                reported += n * share
            reported = float(reported)
            if sit.all_clear.triggered:
                cas = len(self.casualty_ids)
            elif self.medical is not None:
                cas = self.medical.accounted_casualties(now)
            else:
                cas = 0
            accounted = sum(counted.values()) + reported + cas
            unaccounted = max(0.0, self.population - accounted)
            self.recorder.sample(now, "unaccounted", [""], [unaccounted])
            if unaccounted < UNACCOUNTED_THRESHOLD and sit.incident_over.triggered:
                self.recorder.emit(now, "recovery.everyone_accounted", "", counted_at_assembly=sum(counted.values()),
                                   reported=reported, casualties=cas)
                return

    def set_accountability(self, *, announce_assembly: bool = False, count_at_exits: bool = False,
                           digital_checkin: bool = False, reason: str = "decision") -> None:
        """Announce the assembly points, count at every exit, start digital check-in (each only switches on)."""
        changed = []
        if announce_assembly and not self.announced:
            self.announced = True
            changed.append("assembly_announced")
        if count_at_exits and not self.count_all:
            self.count_all = True
            changed.append("count_at_exits")
        if digital_checkin and not self.digital:
            self.digital = True
            changed.append("digital_checkin")
        if changed:
            self.recorder.emit(self.env.now, "recovery.accountability_changed", "", changed=changed, reason=reason)

    # -- reunification -----------------------------------------------------------------------
    def _create_cases(self) -> None:
        fam = self.cfg.families
        rng = self.streams.stream("recovery.cases")
        cases: list[tuple[str, str]] = []
        for i, g in enumerate(self.scenario.population.groups):
            children = int(round(g.count * g.children_share))
            adults = g.count - children
            for kind, n in (("adult", int(rng.binomial(adults, fam.adult_share))),
                            ("minor", int(rng.binomial(children, fam.children_separated_share)))):
                first = len(cases) + 1  # case ids number all cases of the run from 1
                cases.extend([(f"g{i}_{kind}_{k}", kind) for k in range(first, first + n)])
        delays = sample(fam.arrival, rng=self.streams.stream("recovery.families"), n=len(cases))
        contact = self.streams.stream("recovery.families.contact").random((len(cases), 2)).tolist()
        patience = sample(fam.patience, rng=self.streams.stream("recovery.families.patience"), n=len(cases)).tolist()
        for (cid, _), (u_phone, u_digital), p in zip(cases, contact, patience):
            self._case_draws[cid] = (u_phone, u_digital, float(p))
        inc = self.scenario.incident
        start = inc.starts_at if inc is not None else 0.0
        # The families' arrivals are known now: walk them as one sorted schedule with a single pending
        # timeout instead of hundreds of timeouts in SimPy's event heap (which every other event of
        # the run would then pay for). Same times, same order: ties keep the order of the cases.
        now = self.env.now
        now_f = float(now)
        due: list[tuple[float, int, str, str]] = []
        for k, ((cid, kind), d) in enumerate(zip(cases, delays.tolist())):
            delay = start + d - now_f
            if delay > 0:
                self.cases_created += 1
                due.append((now + delay, k, cid, kind))  # the time SimPy would give a timeout of ``delay``
            else:
                self._case_arrives(cid, kind, delay)
        due.sort()
        self._due = due
        self._next_due = 0
        self._schedule_due()

    def _schedule_due(self) -> None:
        if self._next_due < len(self._due):
            at = self._due[self._next_due][0]
            gen = self._due_gen
            self.env.timeout(_delay_to(float(self.env.now), at)).callbacks.append(
                lambda event: self._families_due(event) if gen == self._due_gen else None)

    def _families_due(self, _event: simpy.Event) -> None:
        now, due = self.env.now, self._due
        while self._next_due < len(due) and due[self._next_due][0] == now:
            _, _, cid, kind = due[self._next_due]
            self._next_due += 1
            self._case_ready(cid, kind)
        self._schedule_due()

    def _case_arrives(self, cid: str, kind: str, delay: float) -> None:
        """The family of case ``cid`` reaches the reunification queue ``delay`` seconds from now.

        Used for casualties' families, who become cases during the run. A plain timeout with a
        callback, not a process per case: a process costs three scheduled events (start, timeout,
        end) where one does. A case due now still goes through a process, which starts ahead of
        ordinary events at this time as a process always did.
        """
        self.cases_created += 1
        if delay > 0:
            self.env.timeout(delay).callbacks.append(lambda _event: self._case_ready(cid, kind))
        else:
            self.env.process(self._case_now(cid, kind))

    def _case_now(self, cid: str, kind: str):
        self._case_ready(cid, kind)
        return
        yield  # a generator: SimPy runs it as a process

    def _case_ready(self, cid: str, kind: str) -> None:
        now = float(self.env.now)
        u_phone, u_digital, patience = self._case_draws.pop(cid)
        if kind != "minor":
            fam, dig = self.cfg.families, self.cfg.digital
            how = "phone" if u_phone < fam.remote_share else ("digital" if self.digital and u_digital < dig.uptake else None)
            if how is None and self.phone_line:
                u_line = float(self.streams.stream("recovery.public_information.phone").random())
                if u_line < self.cfg.public_information.phone_share:
                    how = "phone_line"
            if how is not None:
                self.cases_remote += 1
                self.recorder.emit(now, "recovery.resolved_remotely", cid, case=kind, how=how)
                self._check_complete(now)
                return
        else:
            patience = math.inf  # a guardian waits for their child
        self._seq += 1
        heapq.heappush(self.waiting, (now, self._seq, cid, kind, patience))
        waiting = len(self.waiting)
        if waiting > self.peak_queue:
            self.peak_queue = waiting
        self.recorder.sample(now, "reunification_queue", ("",), (waiting,))
        if self._idle_desks:
            self._desk_free(self._idle_desks.popleft())

    def _open_when_planned(self, site: str):
        s = self.sites[site]
        sit = self.situation
        trigger = {"incident_known": sit.known["venue_control"], "contained": sit.contained, "all_clear": sit.all_clear}[s.opens_on]
        yield trigger
        yield self.env.timeout(s.opens_after)
        self.open_site(site, reason="planned")

    ACTIONS = ("reunification", "recovery", "accountability", "public_information")
    """Verbs this model carries out."""
    ABSENT = "the scenario has no recovery block (and an incident) to direct"
    """Why those verbs are refused in a scenario without this model."""

    def action_table(self) -> ActionTable:
        """Open or staff a reunification site; change a recovery phase; help accounting (assembly points, counting, digital
        check-in); a public information message naming the site or a phone line."""

        def check_site(action: Any) -> None:
            if action.site not in self.sites:
                known = ", ".join(sorted(self.sites)) or "none"
                raise ActionError(f"reunification: unknown site {action.site!r} (known: {known})")

        def reunification(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values.update(site=action.site, add_staff=action.add_staff)
            if action.open:
                self.open_site(action.site, reason=values["source"], add_staff=action.add_staff)
            else:
                self.add_staff(action.site, action.add_staff, reason=values["source"])

        def recovery(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            self.set_phase(action.phase, action.duration, reason=values["source"])
            values.update(phase=action.phase, duration_s=action.duration)

        def accountability(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values.update(announce_assembly=action.announce_assembly, count_at_exits=action.count_at_exits,
                          digital_checkin=action.digital_checkin)
            self.set_accountability(announce_assembly=action.announce_assembly, count_at_exits=action.count_at_exits,
                                    digital_checkin=action.digital_checkin, reason=values["source"])

        def check_message(action: Any) -> None:
            if action.site is not None and action.site not in self.sites:
                known = ", ".join(sorted(self.sites)) or "none"
                raise ActionError(f"public_information: unknown site {action.site!r} (reunification sites: {known})")

        def public_information(action: Any, zones: list[str], values: dict[str, Any]) -> None:
            values.update(site=action.site, phone_line=action.phone_line)
            values.update(self.public_information(site=action.site, phone_line=action.phone_line, reason=values["source"]))

        return {"reunification": ActionHandler(reunification, check_site), "recovery": ActionHandler(recovery),
                "accountability": ActionHandler(accountability),
                "public_information": ActionHandler(public_information, check_message)}

    def public_information(self, *, site: str | None, phone_line: bool, reason: str = "decision") -> dict[str, Any]:
        """A public message naming ``site`` and/or a phone line; returns what it changed (for the action record)."""
        out: dict[str, Any] = {}
        if phone_line and not self.phone_line:
            self.phone_line = True
            out["phone_line_opened"] = True
        if site is not None:
            out["site_open"] = site in self.site_open
            if self.site_named is None:
                self.site_named = site
                out["redirected"] = self._redirect_families()
        return out

    def _redirect_families(self) -> int:
        """Families still to set out who would have gone to the scene first go straight to the site."""
        now = self.env.now
        pending = self._due[self._next_due:]
        if not pending:
            return 0
        msg = self.cfg.public_information
        u = self.streams.stream("recovery.public_information.route").random(len(pending)).tolist()
        moved = 0
        due = []
        for (t, k, cid, kind), x in zip(pending, u):
            if x < msg.scene_share and t > now:
                t = max(now, t - msg.scene_detour)
                moved += 1
            due.append((t, k, cid, kind))
        due.sort()
        self._due = due
        self._next_due = 0
        self._due_gen += 1
        self._schedule_due()
        return moved

    def open_site(self, site: str, *, reason: str = "decision", add_staff: int = 0) -> None:
        """Open ``site`` now (if it is not open) and add staff to it."""
        s = self.sites[site]
        if site not in self.site_open:
            self.site_open[site] = float(self.env.now)
            base = s.staff + self.site_staff[site]
            self.recorder.emit(self.env.now, "recovery.site_opened", site, staff=base + add_staff, reason=reason)
            for _ in range(base):
                self._staff(site)
        elif add_staff:
            self.recorder.emit(self.env.now, "recovery.staff_added", site, staff=add_staff, reason=reason)
        for _ in range(add_staff):
            self._staff(site)

    def add_staff(self, site: str, n: int, *, reason: str = "decision") -> None:
        """More staff at ``site`` (they start when it opens)."""
        if site in self.site_open:
            self.open_site(site, reason=reason, add_staff=n)
        else:
            self.site_staff[site] += n

    def _staff(self, site: str) -> None:
        self._desk_free(site)

    # A desk is a pair of callbacks rather than a SimPy process on a store: a store costs a put and
    # a get event per case on top of the desk's timeout. The order is the store's: the oldest case
    # goes to the desk that has been free longest, and a desk that finishes takes the next case at
    # once; each case is one timeout of its handling time.
    def _desk_free(self, site: str) -> None:
        now = float(self.env.now)
        while self.waiting:
            ready, _, cid, kind, patience = heapq.heappop(self.waiting)
            if now - ready <= patience:
                break
            # The family left when its patience ran out; it is followed up by phone later.
            self.cases_left += 1
            self.recorder.emit(now, "recovery.left_queue", cid, case=kind, waited_s=patience, left_at_s=ready + patience)
        else:
            self._idle_desks.append(site)
            self._check_complete(now)
            return
        case_s = self._case_s[kind] * (self.cfg.digital.case_factor if self.digital else 1.0)
        done = self.env.timeout(case_s)
        done.callbacks.append(lambda _event: self._desk_done(site, cid, kind, ready))

    def _desk_done(self, site: str, cid: str, kind: str, ready: float) -> None:
        self.cases_done += 1
        now = float(self.env.now)
        self.recorder.emit(now, "recovery.reunified", cid, case=kind, site=site, waited_s=now - ready)
        self._check_complete(now)
        self._desk_free(site)

    def _check_complete(self, now: float) -> None:
        resolved = self.cases_done + self.cases_remote + self.cases_left
        if resolved == self.cases_created and self.situation.incident_over.triggered and not self.complete:
            self.complete = True
            self.recorder.emit(now, "recovery.reunification_complete", "", cases=self.cases_done,
                               remote=self.cases_remote, left=self.cases_left)

    # -- phases ------------------------------------------------------------------------------
    def _phases(self):
        sit = self.situation
        yield sit.all_clear
        self._clear_at = float(self.env.now)
        self._draw_phases()
        self.env.process(self._fa())
        for name in ("investigation", "clean_up", "reopen_preparation"):
            ph = self.phases[name]
            ph.proc = self.env.process(self._run_phase(ph))
            yield ph.proc
        self.recorder.emit(self.env.now, "recovery.reopened", "")

    def deaths(self) -> int:
        """Deaths so far (casualties found dead or died), from the medical model; 0 without one."""
        if self.medical is None:
            return 0
        return sum(1 for c in self.medical.casualties.values() if c.dead)

    def _draw_phases(self) -> None:
        """Draw the phases the scenario does not state (and no decision has set) from ``reopening``."""
        stated = self.cfg.phases
        deaths = self.deaths()
        medians = self._phase_medians(deaths)
        drawn = {}
        for name, median in medians.items():
            z = float(self.streams.stream(f"recovery.phases.{name}").standard_normal())
            self._z[name] = z
            ph = self.phases[name]
            if getattr(stated, name) is None and name not in self._changed:
                ph.duration = float(median) * math.exp(self._sigma() * z)
            drawn[f"{name}_s"] = round(ph.duration, 3)
        self._sized_deaths = deaths
        self.recorder.emit(self.env.now, "recovery.phases_set", "", deaths=deaths, damage=self.cfg.damage, **drawn)
        self._schedule_reopening("all clear")

    def _sigma(self) -> float:
        return math.log(self.cfg.reopening.spread) / 2.3263478740408408  # p99 / median = spread

    def _phase_medians(self, deaths: int) -> dict[str, float]:
        """Median duration of each phase (seconds) for a scene with ``deaths`` and the scenario's damage."""
        cfg = self.cfg.reopening
        clean = cfg.clean_up_median.get(self.cfg.damage, Reopening().clean_up_median[self.cfg.damage])
        inv = cfg.investigation_fatal_median * deaths ** cfg.death_exponent if deaths > 0 else cfg.investigation_median
        prep = cfg.preparation_median if deaths > 0 else cfg.preparation_nonfatal_median
        return {"investigation": inv, "clean_up": clean, "reopen_preparation": prep}

    def _resize_for_deaths(self) -> bool:
        """Re-size the drawn phases not yet done for the deaths since the all clear; True when one changed.

        Only phases neither stated by the scenario nor set by a decision; the draw made at the all clear
        is kept, so the result is the duration the phases would have had with these deaths known then.
        """
        if not self._z or self.phases["investigation"].done is not None:
            return False  # before the all clear the draw sees every death; after the handover nothing changes
        deaths = self.deaths()
        if deaths <= self._sized_deaths:
            return False
        self._sized_deaths = deaths
        stated, sigma, changed = self.cfg.phases, self._sigma(), False
        for name, median in self._phase_medians(deaths).items():
            ph = self.phases[name]
            if ph.done is not None or getattr(stated, name) is not None or name in self._changed:
                continue
            duration = float(median) * math.exp(sigma * self._z[name])
            if duration == ph.duration:
                continue  # clean-up depends on the damage only
            ph.duration = duration
            changed = True
            self.recorder.emit(self.env.now, "recovery.phase_changed", name, duration_s=ph.duration,
                               reason="deaths since the all clear")
            if ph.started is not None and ph.proc is not None and ph.proc.is_alive:
                ph.proc.interrupt("deaths since the all clear")
        if changed:
            self._schedule_reopening("deaths since the all clear")
        return changed

    def projected_reopening(self) -> float | None:
        """When the venue reopens as the phases stand now (seconds), or ``None`` before the all clear."""
        if self._clear_at is None:
            return None
        t = self._clear_at
        for name in ("investigation", "clean_up", "reopen_preparation"):
            ph = self.phases[name]
            if ph.done is not None:
                t = ph.done
            elif ph.started is not None:
                t = max(float(self.env.now), ph.started + ph.duration)
            else:
                t = t + ph.duration
        return t

    def _schedule_reopening(self, reason: str) -> None:
        at = self.projected_reopening()
        if at is not None:
            self.recorder.emit(self.env.now, "recovery.reopening_scheduled", "", at_s=round(at, 3), reason=reason)

    def _fa(self):
        yield self.env.timeout(self.cfg.phases.family_assistance_opens_after)
        ph = self.phases["family_assistance"]
        ph.proc = self.env.process(self._run_phase(ph))

    def _run_phase(self, ph: _Phase):
        ph.started = float(self.env.now)
        self.recorder.emit(self.env.now, "recovery.phase_started", ph.name, duration_s=ph.duration)
        while True:
            remaining = ph.started + ph.duration - float(self.env.now)
            try:
                if remaining > 0:
                    yield self.env.timeout(remaining)
                break
            except simpy.Interrupt:
                continue
        ph.done = float(self.env.now)
        self.recorder.emit(self.env.now, "recovery.phase_done", ph.name)

    def set_phase(self, phase: str, duration: float, *, reason: str = "decision") -> None:
        """Change a phase's duration (counted from its start); a running phase is rescheduled at once."""
        ph = self.phases[phase]
        ph.duration = float(duration)
        self._changed.add(phase)
        self.recorder.emit(self.env.now, "recovery.phase_changed", phase, duration_s=ph.duration, reason=reason)
        if ph.started is not None and ph.done is None and ph.proc is not None and ph.proc.is_alive:
            ph.proc.interrupt("duration changed")
        if phase != "family_assistance":
            self._schedule_reopening(reason)
