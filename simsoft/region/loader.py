"""``load_region``: read a region file safely, validate it, cross-check it and load every site's scenario.

Every problem of the file is reported at once, in the loader's format (file, line, field path, value,
rule): unknown keys, duplicate ids, road nodes referenced but missing, a road graph in which some place
cannot reach another, a site scenario that cannot be found or does not load, and variants that would
change a site's incident script (the scope guard of scenario variants, :func:`simsoft.loader.script_overrides`).
"""

from __future__ import annotations

import copy
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import ValidationError

from simsoft.errors import Problem, ScenarioError
from simsoft.loader import (SourceMap, format_path, known_keys, load_scenario, problems_from_validation,
                            read_yaml, script_overrides)
from simsoft.loader.variants import apply_overrides, parse_override_path
from simsoft.loader.yaml_io import _display
from simsoft.region.geojson import FAR_FROM_ROAD_KM, RoadExtract, read_road_extract
from simsoft.region.names import check_names
from simsoft.region.network import build_graph
from simsoft.region.schema import Location, Region, RoadNode, Road
from simsoft.schema import Scenario
from simsoft.schema.common import FROM_FILE

__all__ = ["LoadedRegion", "load_region", "apply_region_variant", "find_scenario", "resolve_roads", "site_scenario"]

_KEYS = known_keys(Region)

_VARIANT_ROOTS = frozenset({"hospitals", "ambulance_bases", "police", "distribution", "coordination", "roads",
                            "actions"})
"""Top-level keys of the region a variant may change (``roads`` only under ``roads.congestion``)."""
_SCOPE_RULE = ("a region variant compares the response: it may change hospitals, ambulance_bases, police, "
               "distribution, coordination, actions and roads.congestion, never which venues there are, where, when, "
               "or their incidents")


@dataclass(frozen=True)
class LoadedRegion:
    """A validated region with each site's scenario loaded (start offset applied, incident dropped where asked)."""

    region: Region
    file: str
    scenarios: dict[str, Scenario]
    """Site id -> the scenario that site runs."""
    variant: str | None = None
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    """The raw document (for variants)."""
    warnings: tuple[str, ...] = ()
    """What the loader noticed without refusing the file (e.g. a site far from any road of a GeoJSON extract)."""


def find_scenario(ref: str, *, base: Path) -> Path | None:
    """The scenario file ``ref`` names: a path relative to the region file's folder, or a shipped scenario's name
    (looked up in the region folder, its parent and ``./scenarios``)."""
    cands = [base / ref, base / f"{ref}.yaml"]
    if "/" not in ref and "\\" not in ref:
        cands += [base.parent / f"{ref}.yaml", Path("scenarios") / f"{ref}.yaml"]
    for c in cands:
        if c.is_file():
            return c
    return None


def site_scenario(scenario: Scenario, *, offset_s: float, incident: bool) -> Scenario:
    """``scenario`` as a site runs it: shifted by ``offset_s`` on the region's clock, or without its incident.

    Unchanged (the same object) when there is nothing to do, so a one-site region runs the very scenario.
    """
    if offset_s == 0 and (incident or scenario.incident is None):
        return scenario
    data = scenario.model_dump(mode="json", by_alias=True)
    data["variants"] = {}
    sec = lambda v: f"{float(v) + offset_s!r} s"  # noqa: E731  (values are already in seconds)
    if not incident:
        for key in ("incident", "medical", "recovery"):
            data.pop(key, None)
        data["actions"] = []  # a venue's scripted actions answer its incident
    else:
        inc = scenario.incident
        if inc is not None:
            data["incident"]["starts_at"] = sec(inc.starts_at)
            for i, step in enumerate(inc.affected):
                if step.start is not None:
                    data["incident"]["affected"][i]["start"] = sec(step.start)
        for i, act in enumerate(scenario.actions):
            data["actions"][i]["at"] = sec(act.at)
    data["duration"] = sec(scenario.duration)
    if not incident and scenario.medical is not None:  # its hospitals went with its incident: so do their names
        gone = {h.id for h in scenario.medical.hospitals}
        data["names"] = {k: v for k, v in (data.get("names") or {}).items() if k not in gone}
    out = Scenario.model_validate(data, context=FROM_FILE)
    out._source = scenario._source
    return out


def _problems(data: Any, sources: SourceMap, file: str, *, note: str = "",
              warnings: list[str] | None = None) -> tuple[Region | None, list[Problem]]:
    try:
        region = Region.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        return None, problems_from_validation(exc, data, sources, keys=_KEYS, note=note)
    region, found, noticed = resolve_roads(region, file, sources=sources, note=note, raw=data)
    if warnings is not None:
        warnings += noticed
    if found:
        return region, found
    return region, _cross_check(region, sources, note=note)


@functools.lru_cache(maxsize=8)
def _extract(path: str, stamp: tuple[int, int], shown: str, metres: bool,
             speeds: tuple[tuple[str, float], ...]) -> RoadExtract:
    return read_road_extract(path, shown=shown, metres=metres, speeds=dict(speeds))


def resolve_roads(region: Region, file: str, *, sources: SourceMap | None = None, note: str = "",
                  raw: Any = None) -> tuple[Region, list[Problem], list[str]]:
    """``region`` with its GeoJSON road extract turned into the inline graph and every lon/lat location into
    the extract's km plane; unchanged when its roads are inline.

    Returns the region, the problems (the extract's, with its file and feature index; a place whose nearest
    junction is cut off from the rest of the roads) and warnings (what the extract left out; a place more
    than :data:`~simsoft.region.geojson.FAR_FROM_ROAD_KM` from any junction).
    """
    sources = sources or SourceMap()
    problems: list[Problem] = []
    warnings: list[str] = []

    def add(path: tuple, value: object, rule: str, has_value: bool = True) -> None:
        f, line = sources.locate(path)
        problems.append(Problem(file=f, line=line, path=format_path(path) + note, rule=rule, value=value,
                                has_value=has_value))

    roads = region.roads
    groups = (("sites", region.sites), ("hospitals", region.hospitals), ("ambulance_bases", region.ambulance_bases),
              ("police", region.police))
    if roads.geojson is None:
        for section, items in groups:
            for i, item in enumerate(items):
                if item.location.lon is not None:
                    add((section, i, "location", "lon"), item.location.lon,
                        "lon/lat locations need roads from a GeoJSON extract in lon/lat (roads.geojson)")
        return region, problems, warnings
    raw_roads = raw.get("roads") if isinstance(raw, dict) else None
    if isinstance(raw_roads, dict) and ("nodes" in raw_roads or "edges" in raw_roads):
        add(("roads", "geojson"), roads.geojson, "give either the road graph (nodes, edges) or a GeoJSON road "
                                                 "extract (geojson), not both")
        return region, problems, warnings
    path = Path(file).parent / roads.geojson
    metres = roads.coordinates == "metres"
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        add(("roads", "geojson"), roads.geojson, f"file not found (looked for {_display(os.fspath(path))})")
        return region, problems, warnings
    ext = _extract(os.fspath(path), stamp, _display(os.fspath(path)), metres, tuple(sorted(roads.speeds.items())))
    warnings += [f"{_display(os.fspath(path))}: {w}" for w in ext.warnings]
    if ext.problems:
        return region, list(ext.problems), warnings
    ids = {n["id"] for n in ext.nodes}
    named = sorted(n for n in ids if not (n.startswith("j") and n[1:].isdigit()))
    update: dict[str, list] = {}
    for section, items in groups:
        new_items = []
        for i, item in enumerate(items):
            loc = item.location
            label = f"{section}[{i}] ({item.id})"
            if loc.node is not None:
                if loc.node not in ids:
                    add((section, i, "location", "node"), loc.node,
                        f"is not a named point of the road extract (named: {', '.join(named[:12]) or 'none'})")
                elif loc.node in ext.cut_off:
                    add((section, i, "location", "node"), loc.node,
                        f"{label} cannot be reached: its junction is on a piece of road not connected both ways to "
                        "the rest of the extract")
                new_items.append(item)
                continue
            if loc.lon is not None:
                if metres:
                    add((section, i, "location", "lon"), loc.lon, "the road extract is in metres "
                        "(roads.coordinates: metres): give x_km and y_km in its grid")
                    new_items.append(item)
                    continue
                x, y = ext.to_km(float(loc.lon), float(loc.lat))  # type: ignore[arg-type]
                item = item.model_copy(update={"location": Location(x_km=x, y_km=y)})
            x, y = float(item.location.x_km), float(item.location.y_km)  # type: ignore[arg-type]
            near = min(ext.nodes, key=lambda n: (math.hypot(n["x_km"] - x, n["y_km"] - y), n["id"]))
            km = math.hypot(near["x_km"] - x, near["y_km"] - y)
            if near["id"] in ext.cut_off:
                add((section, i, "location"), None, f"{label} cannot be reached: its nearest junction "
                    f"{near['id']} ({km * 1000:.0f} m away) is on a piece of road not connected both ways to the rest "
                    "of the extract", has_value=False)
            elif km > FAR_FROM_ROAD_KM:
                warnings.append(f"{label} is {km:.2f} km from the nearest road junction ({near['id']}) of "
                                f"{roads.geojson}: is its street missing from the extract?")
            new_items.append(item)
        update[section] = new_items
    if problems:
        return region, problems, warnings
    new_roads = roads.model_copy(update={
        "nodes": [RoadNode(id=n["id"], x_km=n["x_km"], y_km=n["y_km"]) for n in ext.nodes if n["kept"]],
        "edges": [Road.model_validate(e) for e in ext.edges]})
    return region.model_copy(update={**update, "roads": new_roads}), problems, warnings


def _cross_check(region: Region, sources: SourceMap, *, note: str = "") -> list[Problem]:
    out: list[Problem] = []

    def add(path: tuple, value: object, rule: str, has_value: bool = True) -> None:
        f, line = sources.locate(path)
        out.append(Problem(file=f, line=line, path=format_path(path) + note, rule=rule, value=value, has_value=has_value))

    nodes: dict[str, int] = {}
    for i, n in enumerate(region.roads.nodes):
        if n.id in nodes:
            add(("roads", "nodes", i, "id"), n.id, f"duplicate road node (also roads.nodes[{nodes[n.id]}])")
        else:
            nodes[n.id] = i
    known = f"(nodes: {', '.join(sorted(nodes)[:12])})"
    for i, e in enumerate(region.roads.edges):
        for end, key in ((e.from_, "from"), (e.to, "to")):
            if end not in nodes:
                add(("roads", "edges", i, key), end, f"is not a road node {known}")
        if e.from_ == e.to:
            add(("roads", "edges", i, "to"), e.to, "a road joins two different nodes")
    places: dict[str, str] = {}
    groups = (("sites", region.sites), ("hospitals", region.hospitals), ("ambulance_bases", region.ambulance_bases),
              ("police", region.police))
    for section, items in groups:
        for i, item in enumerate(items):
            where = f"{section}[{i}]"
            if item.id in places:
                add((section, i, "id"), item.id, f"duplicate id (also {places[item.id]}): sites, hospitals, bases "
                                                 "and stations share one name space")
            else:
                places[item.id] = where
            node = item.location.node
            if node is not None and node not in nodes:
                add((section, i, "location", "node"), node, f"is not a road node {known}")
    if region.coordination is not None:
        seen: set[str] = set()
        for i, t in enumerate(region.coordination.teams):
            if t.id in seen:
                add(("coordination", "teams", i, "id"), t.id, "duplicate team id")
            seen.add(t.id)
    for path, value, rule in check_names(region):
        add(path, value, rule)
    from simsoft.region.decisions import check_decision

    for i, action in enumerate(region.actions):
        for key, value, rule in check_decision(region, action):
            add(("actions", i, key), value, rule)
    if not out:
        g = build_graph(region)
        comps = list(nx.strongly_connected_components(g))
        if len(comps) > 1:
            used = {it.location.node for _, items in groups for it in items if it.location.node is not None}
            biggest = max(comps, key=lambda c: (len(c), sorted(c)))
            cut = sorted(n for c in comps if c is not biggest for n in c)
            shown = ", ".join(cut[:8]) + (" ..." if len(cut) > 8 else "")
            what = "places used" if used & set(cut) else "nodes"
            add(("roads", "edges"), shown, f"the road graph is not connected: {what} {shown} cannot be reached from "
                                         f"(or cannot reach) the rest; add roads (one-way roads need a way back)",
                has_value=False)
    return out


def _load_sites(region: Region, data: dict, sources: SourceMap, base: Path, *,
                overrides: dict[str, dict[str, Any]] | None = None, note: str = "") -> tuple[dict[str, Scenario], list[Problem]]:
    out: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for i, site in enumerate(region.sites):
        f, line = sources.locate(("sites", i, "scenario"))
        path = find_scenario(site.scenario, base=base)
        if path is None:
            problems.append(Problem(file=f, line=line, path=f"sites[{i}].scenario{note}", value=site.scenario, has_value=True,
                                    rule="is neither a scenario file next to the region file nor a shipped scenario "
                                         "(see `simsoft scenarios`)"))
            continue
        try:
            scenario = load_scenario(path)
            extra = (overrides or {}).get(site.id)
            if extra:
                scenario = _with_site_overrides(scenario, extra, name=f"region variant{note}")
            out[site.id] = site_scenario(scenario, offset_s=site.start_offset, incident=site.incident)
        except ScenarioError as exc:
            first = exc.problems[0]
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            problems.append(Problem(file=f, line=line, path=f"sites[{i}].scenario{note}", value=site.scenario, has_value=True,
                                    rule=f"does not load: {first}{more}"))
    return out, problems


def _with_site_overrides(scenario: Scenario, overrides: dict[str, Any], *, name: str) -> Scenario:
    data = scenario.model_dump(mode="json", by_alias=True)
    data["variants"] = {}
    try:
        data = apply_overrides(data, overrides)
    except (KeyError, IndexError, ValueError) as exc:
        raise ScenarioError(f"{name}: {exc.args[0] if exc.args else exc}") from None
    try:
        out = Scenario.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        probs = problems_from_validation(exc, data, SourceMap(), keys=known_keys(Scenario), note=f" ({name})")
        raise ScenarioError(probs) from None
    out._source = scenario._source
    return out


def _check_variants(region: Region, data: dict, sources: SourceMap, file: str, base: Path) -> list[Problem]:
    problems: list[Problem] = []
    site_ids = {s.id for s in region.sites}
    for name in sorted(region.variants):
        v = region.variants[name]
        bad = False
        for key in v.set:
            f, line = sources.locate(("variants", name, "set", key))
            where = f"variants.{name}.set.{key}"
            try:
                path = parse_override_path(key)
            except ValueError as exc:
                problems.append(Problem(file=f, line=line, path=where, rule=str(exc)))
                bad = True
                continue
            if path[0] not in _VARIANT_ROOTS or (path[0] == "roads" and (len(path) < 2 or path[1] != "congestion")):
                problems.append(Problem(file=f, line=line, path=where, rule=_SCOPE_RULE))
                bad = True
        for sid, overrides in v.sites.items():
            if sid not in site_ids:
                f, line = sources.locate(("variants", name, "sites", sid))
                problems.append(Problem(file=f, line=line, path=f"variants.{name}.sites.{sid}", value=sid, has_value=True,
                                        rule=f"is not a site (sites: {', '.join(sorted(site_ids))})"))
                bad = True
                continue
            for key, rule in script_overrides(overrides):
                f, line = sources.locate(("variants", name, "sites", sid, key))
                problems.append(Problem(file=f, line=line, path=f"variants.{name}.sites.{sid}.{key}", rule=rule))
                bad = True
        if bad:
            continue
        base_data = {k: val for k, val in data.items() if k != "variants"}
        try:
            new = apply_overrides(base_data, v.set)
        except (KeyError, IndexError, ValueError):
            for key in v.set:
                try:
                    apply_overrides(base_data, {key: v.set[key]})
                except (KeyError, IndexError, ValueError) as one:
                    f, line = sources.locate(("variants", name, "set", key))
                    msg = str(one.args[0] if one.args else one).replace("the base scenario", "the region file")
                    problems.append(Problem(file=f, line=line, path=f"variants.{name}.set.{key}", rule=msg))
            continue
        reg, found = _problems(new, sources, file, note=f" (variant {name})")
        problems += found
        if reg is not None and not found and v.sites:
            changed = reg.model_copy(update={"sites": [s for s in reg.sites if s.id in v.sites]})
            _, found = _load_sites(changed, new, sources, base, overrides=v.sites, note=f" (variant {name})")
            problems += found
    return problems


def _check_actions_on_sites(region: Region, scenarios: dict[str, Scenario], sources: SourceMap) -> list[Problem]:
    """Scripted decisions against the sites' scenarios (ambulances only where there is casualty care)."""
    from simsoft.region.decisions import check_decision

    from simsoft.engine import Simulation
    from simsoft.errors import ActionError

    out = []
    checkers: dict[str, Simulation] = {}
    for i, action in enumerate(region.actions):
        for key, value, rule in check_decision(region, action, scenarios=scenarios):
            f, line = sources.locate(("actions", i, key))
            out.append(Problem(file=f, line=line, path=f"actions[{i}].{key}", rule=rule, value=value, has_value=True))
        if action.do == "site" and action.site in scenarios:
            # A venue action is checked against its site's venue and models, as a scenario's actions are.
            sim = checkers.get(action.site) or checkers.setdefault(action.site, Simulation(scenarios[action.site], lean=True))
            try:
                sim.check({**action.action, "at": "0 s"})
            except ActionError as exc:
                f, line = sources.locate(("actions", i, "action"))
                out.append(Problem(file=f, line=line, path=f"actions[{i}].action", rule=str(exc)))
    return out


def load_region(path: str | os.PathLike[str]) -> LoadedRegion:
    """Load, validate and cross-check the region file at ``path``, with every site's scenario and every variant.

    Raises :class:`~simsoft.errors.ScenarioError` listing every problem (file, line, field path, value, rule).
    """
    doc = read_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise ScenarioError(Problem(file=doc.file, line=1, path="", rule="a region file is a mapping (name, sites, roads...)"))
    if "sites" not in data and any(k in data for k in ("venue", "import", "population")):
        raise ScenarioError(Problem(file=doc.file, line=1, path="", rule="is a scenario, not a region: use `simsoft validate`"))
    warnings: list[str] = []
    region, problems = _problems(data, doc.sources, doc.file, warnings=warnings)
    base = Path(doc.file).parent
    scenarios: dict[str, Scenario] = {}
    if region is not None and not problems:
        scenarios, problems = _load_sites(region, data, doc.sources, base)
        if not problems:
            problems = _check_actions_on_sites(region, scenarios, doc.sources)
        if not problems:
            problems = _check_variants(region, data, doc.sources, doc.file, base)
    if problems:
        raise ScenarioError(problems)
    assert region is not None
    return LoadedRegion(region=region, file=doc.file, scenarios=scenarios, data=data, warnings=tuple(warnings))


def apply_region_variant(loaded: LoadedRegion, name: str) -> LoadedRegion:
    """``loaded`` with its variant ``name`` applied (region overrides and each site's), validated."""
    region = loaded.region
    if name not in region.variants:
        known = ", ".join(sorted(region.variants)) or "none"
        raise ScenarioError(f"unknown variant {name!r} of region {region.name!r} (variants: {known})")
    v = region.variants[name]
    data = {k: val for k, val in copy.deepcopy(loaded.data).items() if k != "variants"}
    data = apply_overrides(data, v.set)
    new, found, _ = resolve_roads(Region.model_validate(data, context=FROM_FILE), loaded.file, raw=data)
    if found:
        raise ScenarioError(found)
    scenarios = dict(loaded.scenarios)
    for i, site in enumerate(new.sites):
        if site.id in v.sites:
            path = find_scenario(site.scenario, base=Path(loaded.file).parent)
            assert path is not None
            sc = _with_site_overrides(load_scenario(path), v.sites[site.id], name=f"variant {name}")
            scenarios[site.id] = site_scenario(sc, offset_s=site.start_offset, incident=site.incident)
    return LoadedRegion(region=new, file=loaded.file, scenarios=scenarios, variant=name, data=loaded.data,
                        warnings=loaded.warnings)


