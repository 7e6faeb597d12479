"""Regional decisions as actions: the coordination centre's verbs, checked against the region, scheduled on
the region's clock and recorded as ``region.decision`` events.

A region file scripts them (``actions``); an exercise applies its teams' decisions as the same objects
(:meth:`RegionalDecisions.apply`). Each verb acts through the shared pool (:mod:`simsoft.region.pool`) or
through the venues' own actions, so a lockdown of a quiet venue is that venue's ``lockdown`` of every zone:

- ``assign_units``: free units nearest to the site; what cannot be sent now is queued, not lost.
- ``release_units`` / ``reassign_units``: ambulances finish the transport they are on, then are free (they
  drive home, or straight on to the receiving site); one still on its way turns where it is, one waiting for
  the scene to open leaves at once; police guards leave their venue at once, police answering an incident
  once it is contained (those on their way turn where they are).
- ``mutual_aid``: units from outside join the pool at a base after a delay (default 30 min, judgement).
- ``distribution``: every site's hospital distribution policy from now on.
- ``divert``: no new ambulance patients to a hospital while another is not diverted.
- ``posture``: ``lockdown`` (venue ``lockdown``), ``close`` (venue ``evacuate``), ``postpone`` (``alert``
  then ``evacuate``), ``guard`` (shared police units standing at the venue).
- ``transfer``: stable patients a hospital admitted above its beds go to hospitals with a free bed, one per
  shared ambulance (the free one nearest to the sending hospital).
- ``public_information``: reach grows as ``reach * (1 - exp(-t / tau))``; reached walk-ins avoid the named
  hospitals; named sites with a reunification site get their own ``public_information`` action.
- ``site``: any venue action at one site.

A decision that cannot be carried out when its time comes (no unit to release) is recorded with
``rejected`` and its reason; one that names something the region lacks is refused before it is scheduled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from simsoft.errors import ActionError
from simsoft.schema.common import FROM_FILE
from simsoft.region.schema import Region, RegionAction

if TYPE_CHECKING:
    from simsoft.region.run import RegionalRun

__all__ = ["RegionalDecisions", "check_decision", "parse_decision"]

_ADAPTER: TypeAdapter = TypeAdapter(RegionAction)


def parse_decision(action: Any, *, units_required: bool = True) -> Any:
    """A regional action from a mapping (durations with their unit, as in files) or as given; raises
    :class:`ActionError` naming the first problem."""
    if not isinstance(action, Mapping):
        return action
    try:
        return _ADAPTER.validate_python(dict(action), context=FROM_FILE if units_required else None)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "do"
        if first["type"] == "union_tag_invalid":
            raise ActionError(f"regional action do: {first['input'].get('do')!r} is not a regional action "
                              f"(actions: {first['ctx']['expected_tags']})") from None
        raise ActionError(f"regional action {where}: {first['msg']}") from None


def check_decision(region: Region, action: Any, *, scenarios: Mapping[str, Any] | None = None) -> list[tuple[str, Any, str]]:
    """``(field, value, rule)`` for each name in ``action`` that the region lacks (empty when it is sound);
    with the sites' ``scenarios``, ambulances sent to a site without casualty care are refused too."""
    sites = {s.id for s in region.sites}
    hospitals = {h.id for h in region.hospitals}
    out: list[tuple[str, Any, str]] = []

    def site(field: str, value: str) -> None:
        if value not in sites:
            out.append((field, value, f"is not a site of the region (sites: {', '.join(sorted(sites))})"))

    do = action.do
    if do in ("assign_units", "release_units", "site"):
        site("site", action.site)
    if do in ("assign_units", "release_units", "mutual_aid"):
        have = region.ambulance_bases if action.kind == "ambulance" else region.police
        if not have:
            out.append(("kind", action.kind, f"the region has no shared {action.kind} units (add "
                                             f"{'ambulance_bases' if action.kind == 'ambulance' else 'police'})"))
    if scenarios is not None:
        target = action.site if do == "assign_units" and action.kind == "ambulance" else \
            action.to if do == "reassign_units" else None
        sc = scenarios.get(target) if target is not None else None
        if sc is not None and sc.medical is None:
            out.append(("to" if do == "reassign_units" else "site", target,
                        "has no casualty care to send ambulances to (a quiet venue, incident: false)"))
    if do == "reassign_units":
        site("from", action.from_)
        site("to", action.to)
        if not region.ambulance_bases:
            out.append(("from", action.from_, "the region has no shared ambulances (add ambulance_bases)"))
        if action.from_ == action.to:
            out.append(("to", action.to, "units are reassigned to another site"))
    if do == "mutual_aid" and action.base is not None:
        bases = {b.id for b in (region.ambulance_bases if action.kind == "ambulance" else region.police)}
        if action.base not in bases:
            out.append(("base", action.base, f"is not a {'base' if action.kind == 'ambulance' else 'station'} of the "
                                             f"region ({', '.join(sorted(bases))})"))
    if do == "transfer":
        for key, h in (("from", action.from_), ("to", action.to)):
            if h is not None and h not in hospitals:
                out.append((key, h, f"is not a hospital of the region ({', '.join(sorted(hospitals)) or 'none'})"))
        if action.to == action.from_:
            out.append(("to", action.to, "patients are transferred to another hospital"))
        if not region.ambulance_bases:
            out.append(("from", action.from_, "the region has no shared ambulances to transfer with (add ambulance_bases)"))
    if do == "divert" and action.hospital not in hospitals:
        out.append(("hospital", action.hospital, f"is not a hospital of the region ({', '.join(sorted(hospitals)) or 'none'})"))
    if do == "posture":
        for s in action.sites:
            site("sites", s)
        if action.measure == "guard" and not region.police:
            out.append(("measure", "guard", "the region has no shared police units to guard with (add police)"))
    if do == "public_information":
        for h in action.hospitals:
            if h not in hospitals:
                out.append(("hospitals", h, f"is not a hospital of the region ({', '.join(sorted(hospitals)) or 'none'})"))
        for s in action.sites:
            site("sites", s)
    return out


class RegionalDecisions:
    """Carries out regional decisions in one regional run."""

    def __init__(self, run: RegionalRun) -> None:
        self.run = run
        self.pool = run.pool
        self.env = run.env
        self.region = run.loaded.region
        self.reassign_to: dict[str, str] = {}
        """Ambulance id -> the site it drives on to once released."""
        self.moved: set[str] = set()
        """Patients transferred (or on their way) to another hospital."""
        for sid, sim in run.sims.items():
            if sim.medical is not None and self.pool.has("ambulance"):
                fleet = sim.medical.fleet
                self.pool.fleets[sid] = fleet
                fleet.on_released = (lambda aid, sid=sid: self._released(aid, sid))
            if sim.response is not None and self.pool.has("police"):
                self.pool.police_sink[sid] = sim.response.receive_police

    def check(self, action: Any, *, units_required: bool = True) -> Any:
        """The validated action; :class:`ActionError` naming the first problem when the region lacks a name."""
        action = parse_decision(action, units_required=units_required)
        problems = check_decision(self.region, action, scenarios={s: sim.scenario for s, sim in self.run.sims.items()})
        if problems:
            f, v, rule = problems[0]
            raise ActionError(f"{action.do}: {f} {v!r} {rule}")
        if action.do == "site":
            self.run.sims[action.site].check({**action.action, "at": "0 s" if units_required else 0.0},
                                             units_required=units_required)
        return action

    def apply(self, action: Any, *, source: str = "decision", units_required: bool = True) -> Any:
        """Check ``action`` and schedule it at its ``at`` (region time; now if that is past)."""
        action = self.check(action, units_required=units_required)
        self.env.process(self._later(action, max(0.0, action.at - float(self.env.now)), source))
        return action

    def _later(self, action: Any, delay: float, source: str):
        if delay > 0:
            yield self.env.timeout(delay)
        values: dict[str, Any] = {"source": source}
        if action.note:
            values["note"] = action.note
        getattr(self, "_" + action.do)(action, values)
        self.run.recorder.emit(float(self.env.now), "region.decision", action.do, **values)

    # -- units --------------------------------------------------------------------------------------------
    def _assign_units(self, a: Any, values: dict[str, Any]) -> None:
        got = self.pool.assign(a.site, a.kind, a.count, source="decision")
        self.pool.deliver(a.site, a.kind, got, source="decision")
        values.update(site=a.site, unit_kind=a.kind, wanted=a.count, sent=len(got), queued=a.count - len(got))

    def _working(self, site: str, kind: str, role: str | None = None) -> list[str]:
        """Units of ``kind`` working for ``site`` now, the last assigned first (pool order is assignment order)."""
        assigned = [e.subject for e in self.run.recorder.events if e.kind == "region.unit_assigned"
                    and e.values["site"] == site]
        units = self.pool.units
        out = [u for u in dict.fromkeys(reversed(assigned)) if units[u].site == site and units[u].kind == kind
               and (role is None or units[u].role == role) and u not in self.reassign_to]
        return out

    def _release_units(self, a: Any, values: dict[str, Any]) -> None:
        values.update(site=a.site, unit_kind=a.kind, wanted=a.count)
        if a.kind == "police":
            ids, why = self._release_police(a.site, a.count)
            values["released"] = ids
            if not ids:
                values["rejected"] = why
            return
        ids = self._release(a.site, a.count)
        values["released"] = ids
        if not ids:
            values["rejected"] = "no shared ambulance is sent to this site now"

    def _release_police(self, site: str, count: int) -> tuple[list[str], str]:
        """Release up to ``count`` shared police units from ``site``: guards at once; units answering an incident
        once it is contained (the site under control), those on their way turning where they are. Each is then
        free (:meth:`RegionalPool.freed`): it serves the queue or drives home. Returns the ids and, when none
        could go, why."""
        guards = self._working(site, "police", role="guard")
        response = self._working(site, "police", role="response")
        sim = self.run.sims[site]
        model = sim.response
        sit = getattr(model, "situation", None)
        under_control = model is None or sit is None or sit.contained is None or sit.contained.triggered
        ids = guards + (response if under_control else [])
        ids = ids[:count]
        for uid in ids:
            if model is not None and uid in response:
                model.release_police(uid)
            self.pool.freed(self.pool.units[uid], place=site)
        if ids:
            return ids, ""
        if response:
            return [], "the incident at this site is not contained yet: its police units stay until it is"
        return [], "no shared police unit is at this site"

    def _release(self, site: str, count: int) -> list[str]:
        fleet = self.pool.fleets.get(site)
        if fleet is None:
            return []
        out = []
        for uid in self._working(site, "ambulance"):
            if len(out) >= count:
                break
            if fleet.release(uid):
                out.append(uid)
        return out

    def _reassign_units(self, a: Any, values: dict[str, Any]) -> None:
        ids = self._release(a.from_, a.count)
        for uid in ids:
            self.reassign_to[uid] = a.to
        values.update(**{"from": a.from_}, to=a.to, wanted=a.count, reassigned=ids)
        if not ids:
            values["rejected"] = f"no shared ambulance is sent to {a.from_} now"

    def _released(self, aid: str, site: str) -> None:
        unit = self.pool.units[aid]
        target = self.reassign_to.pop(aid, None)
        if target is None:
            self.pool.freed(unit, place=site)
            return
        self.pool.stop(unit, place=site)
        got = self.pool.assign(target, "ambulance", 1, queue=False, source="reassigned")
        self.pool.deliver(target, "ambulance", got, source="reassigned")
        if all(u.id != aid for u, _ in got):  # a nearer free unit went instead: this one is simply free
            self.pool.freed(unit, place=unit.place)

    def _mutual_aid(self, a: Any, values: dict[str, Any]) -> None:
        kind = a.kind
        home = a.base or (self.region.ambulance_bases[0].id if kind == "ambulance" else self.region.police[0].id)
        values.update(unit_kind=kind, count=a.count, delay_s=float(a.delay), base=home)

        def arrive():
            yield self.env.timeout(float(a.delay))
            self.pool.add_units(kind, a.count, home=home, armed=a.armed)

        self.env.process(arrive())

    # -- hospitals and the public -------------------------------------------------------------------------
    def _distribution(self, a: Any, values: dict[str, Any]) -> None:
        for sim in self.run.sims.values():
            if sim.medical is not None:
                sim.medical.set_distribution(a.policy)
        values["policy"] = a.policy

    def _divert(self, a: Any, values: dict[str, Any]) -> None:
        self.pool.loads[a.hospital].diverted = bool(a.on)
        values.update(hospital=a.hospital, on=bool(a.on))

    def _public_information(self, a: Any, values: dict[str, Any]) -> None:
        now = float(self.env.now)
        if a.hospitals:
            self.pool.messages.append((now, float(a.reach), float(a.tau), frozenset(a.hospitals)))
        informed = []
        for sid in a.sites:
            sim = self.run.sims[sid]
            reunification = (sim.recovery is not None and sim.scenario.recovery is not None
                             and sim.scenario.recovery.reunification)
            if reunification:
                site_id = reunification[0].id if isinstance(reunification, list) else None
                if site_id:
                    sim.apply({"do": "public_information", "site": site_id, "at": 0.0}, source="region",
                              units_required=False)
                    informed.append(sid)
        values.update(hospitals=list(a.hospitals), sites=list(a.sites), reach=float(a.reach), tau_s=float(a.tau),
                      families_informed_at=informed)

    def _transfer(self, a: Any, values: dict[str, Any]) -> None:
        """Secondary transfer (see :class:`~simsoft.region.schema.Transfer`)."""
        pool, now = self.pool, float(self.env.now)
        src = pool.loads[a.from_]
        beds = {h.id: h.bed_count for h in self.region.hospitals}
        values.update(**{"from": a.from_}, to=a.to, wanted=a.count)
        # Stable patients at the sending hospital now, from the sites' records: latest admitted first.
        died = {e.subject for sim in self.run.sims.values() for e in sim.recorder.events if e.kind == "medical.died"}
        here = [(e.t_s, sid, e.subject) for sid, sim in self.run.sims.items() for e in sim.recorder.events
                if e.kind == "medical.at_hospital" and e.values.get("hospital") == a.from_ and e.values.get("alive")
                and not e.values.get("critical") and e.subject not in died and e.subject not in self.moved]
        here.sort(key=lambda r: (-r[0], r[1], r[2]))
        want = min(a.count, len(here))
        if src.beds_used + src.en_route < beds[a.from_]:
            values["rejected"] = (f"{a.from_} has free beds ({src.beds_used} used and {src.en_route} on their way, "
                                  f"of {beds[a.from_]}): transfers make room at a hospital at capacity")
            return
        if not here:
            values["rejected"] = f"no stable patient at {a.from_} to transfer (critical patients stay)"
            return
        others = [a.to] if a.to is not None else sorted(
            (h for h in beds if h != a.from_ and not pool.loads[h].diverted),
            key=lambda h: (pool.net.travel_s(a.from_, h, now_s=now), h))
        moved = []
        short = ""
        for t_adm, sid, pid in here[:want]:
            dest = next((h for h in others if pool.loads[h].beds_used + pool.loads[h].en_route < beds[h]), None)
            if dest is None:
                short = "no free bed at " + (a.to if a.to is not None else "another hospital")
                break
            got = pool.assign(a.from_, "ambulance", 1, queue=False, source="transfer", role="transfer")
            if not got:
                short = "no free ambulance"
                break
            unit, travel = got[0]
            pool.loads[dest].en_route += 1  # the bed is promised now: ambulances and walk-ins see it taken
            self.moved.add(pid)
            moved.append({"patient": pid, "site": sid, "to": dest, "unit": unit.id})
            self.env.process(self._carry(unit, travel, pid, sid, a.from_, dest))
        values["transfers"] = moved
        if short:
            values["short"] = short
        if not moved:
            values["rejected"] = short

    def _carry(self, unit: Any, travel: float, pid: str, sid: str, src: str, dest: str):
        from simsoft.region.schema import TRANSFER_HANDOVER_S, TRANSFER_LOAD_S

        pool, env, rec = self.pool, self.env, self.run.recorder
        yield env.timeout(pool.mobilise(unit) + travel + TRANSFER_LOAD_S)
        load = pool.loads[src]
        load.beds_used -= 1
        drive = pool.net.travel_s(src, dest, now_s=float(env.now))
        rec.emit(float(env.now), "region.transfer_departed", pid, site=sid, unit=unit.id, hospital=src, to=dest,
                 beds_used=load.beds_used)
        unit.place, unit.trip = dest, (src, dest, float(env.now), drive)
        yield env.timeout(drive)
        into = pool.loads[dest]
        into.en_route -= 1
        into.beds_used += 1
        into.peak_beds = max(into.peak_beds, into.beds_used)
        rec.emit(float(env.now), "region.transfer_arrived", pid, site=sid, unit=unit.id, hospital=dest, **{"from": src},
                 beds_used=into.beds_used)
        yield env.timeout(TRANSFER_HANDOVER_S)
        pool.freed(unit, place=dest)

    # -- venues ---------------------------------------------------------------------------------------------
    def _posture(self, a: Any, values: dict[str, Any]) -> None:
        values.update(sites=list(a.sites), measure=a.measure)
        if a.measure == "guard":
            sent = {}
            for sid in a.sites:
                got = self.pool.assign(sid, "police", a.units, source="guard", role="guard")
                sent[sid] = [u.id for u, _ in got]
            values["guards"] = sent
            return
        orders = {"lockdown": [{"do": "lockdown", "zones": "all"}],
                  "close": [{"do": "evacuate", "zones": "all"}],
                  "postpone": [{"do": "alert", "zones": "all"}, {"do": "evacuate", "zones": "all"}]}[a.measure]
        for sid in a.sites:
            for order in orders:
                self.run.sims[sid].apply({**order, "at": 0.0, "note": _venue_note(a, values, f"regional posture: {a.measure}")},
                                         source="region", units_required=False)

    def _site(self, a: Any, values: dict[str, Any]) -> None:
        note = _venue_note(a, values, a.action.get("note"))
        self.run.sims[a.site].apply({**a.action, "at": 0.0, **({"note": note} if note else {})}, source="region",
                                    units_required=False)
        values.update(site=a.site, action=a.action.get("do"))


def _venue_note(a: Any, values: dict[str, Any], default: str | None) -> str | None:
    """The note of the venue order a regional decision gives a site: a team's decision is named by its team and
    note (``team:scg D3``, the decision id in a session), so an override of that order at the site is credited to
    that decision and never to an order the region file scripts (source ``region``) with the same verb and zones;
    anything else keeps ``default``."""
    source = str(values.get("source", ""))
    return f"{source} {a.note}" if source.startswith("team:") and a.note else default
