"""Checks across the scenario after the schema passed: references, uniqueness, reachability, time order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from simsoft.errors import Problem
from simsoft.loader.yaml_io import Path, SourceMap, format_path
from simsoft.schema import Scenario

__all__ = ["cross_check", "raw_references", "MAX_START_DENSITY_P_M2"]

MAX_START_DENSITY_P_M2 = 5.0
"""Highest starting crowd density accepted; G.K. Still (Crowd Dynamics, PhD thesis 2000): at or above
5 p/m^2 a crowd is uncomfortable and beyond that dangerous, so a scenario that starts denser is a typo."""


def _not_a_zone(value: str, zones: Iterable[str], exits: Iterable[str]) -> str:
    hint = " (it is an exit)" if value in set(exits) else f" (zones: {', '.join(sorted(zones)[:12])})"
    return "is not a zone of the venue" + hint


def _not_an_exit(exits: Iterable[str]) -> str:
    return f"is not an exit of the venue (exits: {', '.join(sorted(exits))})"


def cross_check(scenario: Scenario, sources: SourceMap, *, prefix: Path = (), note: str = "") -> list[Problem]:
    """Every problem of references and consistency in ``scenario`` (an empty list when it is sound)."""
    out: list[Problem] = []

    def add(path: Path, value: object, rule: str, *, has_value: bool = True) -> None:
        file, line = sources.locate(prefix + path)
        out.append(Problem(file=file, line=line, path=format_path(prefix + path) + note, rule=rule, value=value, has_value=has_value))

    venue = scenario.venue

    def unique(section: str, ids: list[str | None], *, also: dict[str, int] | None = None, also_name: str = "") -> dict[str, int]:
        """First index of each id in ``venue.<section>``; every repeat (or clash with ``also``) is a problem."""
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident is None:
                continue
            if ident in seen:
                add(("venue", section, i, "id"), ident, f"duplicate id (also venue.{section}[{seen[ident]}])")
            elif also is not None and ident in also:
                add(("venue", section, i, "id"), ident, f"duplicate id (also {also_name}: venue.zones[{also[ident]}])")
            else:
                seen[ident] = i
        return seen

    zone_ids = unique("zones", [z.id for z in venue.zones])
    exit_ids = unique("exits", [e.id for e in venue.exits], also=zone_ids, also_name="a zone")
    conn_ids = unique("connections", [c.id for c in venue.connections])
    unique("assets", [a.id for a in venue.assets])

    def zone_ref(path: Path, zid: str) -> None:
        if zid not in zone_ids:
            add(path, zid, _not_a_zone(zid, zone_ids, exit_ids))

    def exit_ref(path: Path, eid: str) -> None:
        if eid not in exit_ids:
            add(path, eid, _not_an_exit(exit_ids))

    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(zone_ids))
    graph.add_nodes_from(sorted(exit_ids))
    reached: set[str] = set()
    for i, c in enumerate(venue.connections):
        base: Path = ("venue", "connections", i)
        ok = True
        if c.from_ in exit_ids:
            add(base + ("from",), c.from_, "is an exit: write the exit as 'to' (exits are where people end up)")
            ok = False
        elif c.from_ not in zone_ids:
            add(base + ("from",), c.from_, "is not a zone of the venue")
            ok = False
        if c.to not in zone_ids and c.to not in exit_ids:
            add(base + ("to",), c.to, "is not a zone or exit of the venue")
            ok = False
        if ok:
            graph.add_edge(c.from_, c.to)
            if not c.one_way and c.to in zone_ids:
                graph.add_edge(c.to, c.from_)
            if c.to in exit_ids:
                reached.add(c.to)
    for i, e in enumerate(venue.exits):
        if e.id in exit_ids and exit_ids[e.id] == i and e.id not in reached:
            add(("venue", "exits", i, "id"), e.id, "no connection leads to this exit")
    for i, a in enumerate(venue.assets):
        if a.zone is not None:
            zone_ref(("venue", "assets", i, "zone"), a.zone)
        if a.connection is not None and a.connection not in conn_ids:
            add(("venue", "assets", i, "connection"), a.connection, "is not a connection of the venue")

    # Display names in other languages name places of this scenario (or the venue and the scenario themselves).
    places = scenario.named_places()
    for key in scenario.names:
        if key not in places:
            add(("names", key), key, "is not a zone, exit, door or hospital of the scenario, nor 'venue', 'scenario', 'incident' or "
                "'description'")

    # Population: zones, exits, capacity and density.
    per_zone: dict[str, int] = defaultdict(int)
    for i, g in enumerate(scenario.population.groups):
        base = ("population", "groups", i)
        zone_ref(base + ("zone",), g.zone)
        if g.exit is not None:
            exit_ref(base + ("exit",), g.exit)
        if g.entered_via is not None:
            exit_ref(base + ("entered_via",), g.entered_via)
        per_zone[g.zone] += g.count
    first_group = {g.zone: i for i, g in reversed(list(enumerate(scenario.population.groups)))}
    for zid, count in per_zone.items():
        if zid not in zone_ids:
            continue
        zone = venue.zones[zone_ids[zid]]
        path = ("population", "groups", first_group[zid], "count")
        if zone.capacity is not None and count > zone.capacity:
            add(path, count, f"puts {count} people in zone {zid!r} whose capacity is {zone.capacity}")
        density = count / zone.area_m2
        if density > MAX_START_DENSITY_P_M2:
            add(path, count, f"puts {count} people on {zone.area_m2:g} m^2 of zone {zid!r}: {density:.1f} p/m^2 is above "
                f"{MAX_START_DENSITY_P_M2:g} p/m^2, a dangerous crowd; check the count or the area")

    # Every occupied zone reaches an exit.
    exits = sorted(exit_ids)
    if exits and not out:
        can_leave = set(exits)
        for ex in exits:
            can_leave |= nx.ancestors(graph, ex)
        for zid in sorted(per_zone):
            if per_zone[zid] > 0 and zid in zone_ids and zid not in can_leave:
                add(("venue", "zones", zone_ids[zid], "id"), zid, f"holds {per_zone[zid]} people but no route leads from it to an exit")

    # Incident, alerting and response references.
    inc = scenario.incident
    if inc is not None:
        for i, step in enumerate(inc.affected):
            zone_ref(("incident", "affected", i, "zone"), step.zone)
        prev_end = None
        for i, (zid, start, end) in enumerate(inc.windows()):
            if prev_end is not None and start < prev_end - 1e-9:
                add(("incident", "affected", i, "start"), f"{start - inc.starts_at:g} s",
                    f"overlaps the previous step (which ends at {prev_end - inc.starts_at:g} s): the incident is in one zone at a time")
            prev_end = end
        for i, ac in enumerate(inc.access_control):
            for j, zid in enumerate(ac.zones):
                zone_ref(("incident", "access_control", i, "zones", j), zid)
        conns = {c.id: c for c in venue.connections}
        first = inc.affected[0].zone
        for i, cid in enumerate(inc.enters_via):
            c = conns.get(cid)
            if c is None:
                add(("incident", "enters_via", i), cid, f"is not a connection of the venue (connections: {', '.join(sorted(conns))})")
            elif first not in (c.from_, c.to):
                add(("incident", "enters_via", i), cid, f"does not lead into the first affected zone {first!r} "
                    f"(it joins {c.from_!r} and {c.to!r})")
        kinds = {k.value for k in type(venue.zones[0].kind)}
        for kind in inc.intensity.by_zone_kind:
            if kind not in kinds:
                add(("incident", "intensity", "by_zone_kind", kind), kind, f"is not a zone kind ({', '.join(sorted(kinds))})")
        if inc.starts_at >= scenario.duration:
            add(("incident", "starts_at"), f"{inc.starts_at:g} s", f"is after the scenario ends (duration {scenario.duration:g} s)")
    for i, ch in enumerate(scenario.alerting.channels):
        if isinstance(ch.zones, list):
            for j, zid in enumerate(ch.zones):
                zone_ref(("alerting", "channels", i, "zones", j), zid)
    for i, step in enumerate(scenario.alerting.plan):
        if isinstance(step.zones, list):
            for j, zid in enumerate(step.zones):
                zone_ref(("alerting", "plan", i, "zones", j), zid)
    unit_ids: dict[str, int] = {}
    for i, unit in enumerate(scenario.response.units):
        if unit.id in unit_ids:
            add(("response", "units", i, "id"), unit.id, f"duplicate id (also response.units[{unit_ids[unit.id]}])")
        unit_ids.setdefault(unit.id, i)

    # Medical and recovery: need an incident; ids unique; references exist.
    med, rec = scenario.medical, scenario.recovery
    if med is not None and inc is None:
        add(("medical",), "medical", "needs an incident: casualty care follows the incident's casualties", has_value=False)
    if rec is not None and inc is None:
        add(("recovery",), "recovery", "needs an incident: recovery starts from its all clear", has_value=False)
    hospital_ids: dict[str, int] = {}
    for i, h in enumerate(med.hospitals if med is not None else []):
        if h.id in hospital_ids:
            add(("medical", "hospitals", i, "id"), h.id, f"duplicate id (also medical.hospitals[{hospital_ids[h.id]}])")
        hospital_ids.setdefault(h.id, i)
    for cause in (med.mix_by_cause if med is not None else {}):
        if cause not in ("incident", "crowd_crush"):
            add(("medical", "mix_by_cause", cause), cause, "is not a cause of injury (incident, crowd_crush)")
    site_ids: dict[str, int] = {}
    for i, site in enumerate(rec.reunification if rec is not None else []):
        if site.id in site_ids:
            add(("recovery", "reunification", i, "id"), site.id, f"duplicate id (also recovery.reunification[{site_ids[site.id]}])")
        site_ids.setdefault(site.id, i)

    # Actions: references and time order.
    last = 0.0
    for i, act in enumerate(scenario.actions):
        base = ("actions", i)
        zones = getattr(act, "zones", "all")
        if zones != "all":
            for j, zid in enumerate(zones):
                zone_ref(base + ("zones", j), zid)
        for j, eid in enumerate(getattr(act, "via", None) or []):
            exit_ref(base + ("via", j), eid)
        conn = getattr(act, "connection", None)
        if conn is not None and conn not in conn_ids:
            add(base + ("connection",), conn, "is not a connection of the venue")
        unit = getattr(act, "unit", None)
        if unit is not None and unit not in unit_ids:
            add(base + ("unit",), unit, f"is not a unit of response.units ({', '.join(sorted(unit_ids)) or 'none'})")
        hosp = getattr(act, "hospital", None)
        if hosp is not None and hosp not in hospital_ids:
            add(base + ("hospital",), hosp, f"is not a hospital of medical.hospitals ({', '.join(sorted(hospital_ids)) or 'none'})")
        site = getattr(act, "site", None)
        if site is not None and site not in site_ids:
            add(base + ("site",), site, f"is not a site of recovery.reunification ({', '.join(sorted(site_ids)) or 'none'})")
        if act.do in ("request_ambulances", "warm_zone", "distribution", "hospital_plan", "scene_resources", "major_incident") and med is None:
            add(base + ("do",), act.do, "needs a medical block")
        if act.do in ("reunification", "recovery", "accountability") and rec is None:
            add(base + ("do",), act.do, "needs a recovery block")
        if act.do == "mutual_aid" and scenario.response.mutual_aid is None:
            add(base + ("do",), act.do, "needs a response.mutual_aid unit template")
        if act.at < 0:
            add(base + ("at",), f"{act.at:g} s", "is before the scenario starts (must be >= 0 s)")
        elif act.at > scenario.duration:
            add(base + ("at",), f"{act.at:g} s", f"is after the scenario ends (duration {scenario.duration:g} s)")
        elif act.at < last:
            add(base + ("at",), f"{act.at:g} s", f"is before the previous action ({last:g} s): list actions in time order")
        last = max(last, act.at)
    if scenario.duration <= 0:
        add(("duration",), f"{scenario.duration:g} s", "must be > 0 s")
    return out


def raw_references(data: object, sources: SourceMap, *, skip: set[str] = frozenset()) -> list[Problem]:
    """Reference problems found in the raw document when the schema refused it.

    The full cross-check needs a valid scenario, so without this a file with a schema error and a bad
    zone name showed only the schema error, and the name only after that was fixed. This reads the
    ids the file declares and checks the commonest references against them, with the cross-check's
    messages; ``skip`` holds paths (as shown) that already have a problem.
    """
    if not isinstance(data, dict) or not isinstance(data.get("venue"), dict):
        return []
    venue = data["venue"]

    def ids(section: str) -> set[str]:
        items = venue.get(section)
        return {x["id"] for x in items if isinstance(x, dict) and isinstance(x.get("id"), str)} if isinstance(items, list) else set()

    zones, exits, conns = ids("zones"), ids("exits"), ids("connections")
    out: list[Problem] = []
    if not zones:
        return out

    def add(path: Path, value: object, rule: str) -> None:
        if format_path(path) in skip:
            return
        file, line = sources.locate(path)
        out.append(Problem(file=file, line=line, path=format_path(path), rule=rule, value=value, has_value=True))

    def items(node: object, key: str) -> list[tuple[int, dict]]:
        seq = node.get(key) if isinstance(node, dict) else None
        return [(i, x) for i, x in enumerate(seq) if isinstance(x, dict)] if isinstance(seq, list) else []

    def zone(path: Path, value: object) -> None:
        if isinstance(value, str) and value not in zones:
            add(path, value, _not_a_zone(value, zones, exits))

    def exit_(path: Path, value: object) -> None:
        if isinstance(value, str) and value not in exits:
            add(path, value, _not_an_exit(exits))

    for i, c in items(venue, "connections"):
        if isinstance(c.get("from"), str) and c["from"] not in zones and c["from"] not in exits:
            add(("venue", "connections", i, "from"), c["from"], "is not a zone of the venue")
        if isinstance(c.get("to"), str) and c["to"] not in zones and c["to"] not in exits:
            add(("venue", "connections", i, "to"), c["to"], "is not a zone or exit of the venue")
    for i, g in items(data.get("population"), "groups"):
        zone(("population", "groups", i, "zone"), g.get("zone"))
        exit_(("population", "groups", i, "exit"), g.get("exit"))
    for i, step in items(data.get("incident"), "affected"):
        zone(("incident", "affected", i, "zone"), step.get("zone"))
    for i, act in items(data, "actions"):
        if isinstance(act.get("zones"), list):
            for j, z in enumerate(act["zones"]):
                zone(("actions", i, "zones", j), z)
        if isinstance(act.get("via"), list):
            for j, e in enumerate(act["via"]):
                exit_(("actions", i, "via", j), e)
        if isinstance(act.get("connection"), str) and act["connection"] not in conns:
            add(("actions", i, "connection"), act["connection"], "is not a connection of the venue")
    return out
