"""Unit positions of a regional run read from its dispatch records (simsoft.region.positions)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from simsoft.region import RegionalRun, load_region
from simsoft.region.positions import positions_at, region_network, route_points, unit_legs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def played():
    loaded = load_region(ROOT / "scenarios" / "regions" / "riverside-city.yaml")
    run = RegionalRun(loaded, seed=1)
    run.run_to_end()
    rows = run.result().all_events()
    handover = {sid: sim.scenario.medical.ambulances.handover_time for sid, sim in run.sims.items()
                if sim.scenario.medical is not None}
    homes = {u.id: (u.kind, u.home) for u in run.pool.units.values()}
    return loaded, run, rows, region_network(loaded.region), handover, homes


def test_legs_known_live_end_when_the_records_later_say(played):
    """Seen at the moment patients reach a hospital, the way back is timed as the run then records it."""
    loaded, run, rows, net, handover, _ = played
    final = unit_legs(rows, net, now_s=math.inf, handover_s=handover)
    checked = 0
    for _, e in rows:
        if e.kind == "medical.at_hospital" and e.values.get("via") in final:
            uid = e.values["via"]
            live = unit_legs(rows, net, now_s=e.t_s, handover_s=handover)[uid][1]
            later = [g for g in final[uid][1] if g.t0_s >= e.t_s and g.state == "en_route"][0]
            soon = [g for g in live if g.t0_s >= e.t_s and g.state == "en_route"][0]
            assert (soon.a, soon.b) == (later.a, later.b)
            assert soon.t1_s == pytest.approx(later.t1_s, abs=1e-6), uid
            checked += 1
    assert checked >= 20


def test_a_unit_drives_along_its_road_route(played):
    loaded, run, rows, net, handover, homes = played
    assigned = next(e for _, e in rows if e.kind == "region.unit_assigned" and e.values["unit_kind"] == "ambulance")
    uid, v = assigned.subject, assigned.values
    depart = assigned.t_s + v["mobilise_s"]
    arrive = depart + v["travel_s"]
    locs = {x.id: x.location for g in (loaded.region.sites, loaded.region.hospitals, loaded.region.ambulance_bases)
            for x in g}

    def at(t):
        return next(p for p in positions_at(rows, loaded.region, t, net=net, handover_s=handover, homes=homes)
                    if p.unit == uid)

    base = net.xy(v["home"], locs[v["home"]])
    site = net.xy(v["site"], locs[v["site"]])
    before = at(assigned.t_s - 1)
    assert (before.state, before.site, (before.x_km, before.y_km)) == ("idle", None, base)
    mobilising = at(assigned.t_s + v["mobilise_s"] / 2)
    assert (mobilising.state, mobilising.moving, (mobilising.x_km, mobilising.y_km)) == ("en_route", False, base)
    half = at((depart + arrive) / 2)
    assert half.state == "en_route" and half.moving and half.place == v["site"]
    route = route_points(net, v["home"], v["site"], locs)

    def off_route(x, y):
        best = math.inf
        for (x0, y0, _), (x1, y1, _) in zip(route, route[1:]):
            dx, dy = x1 - x0, y1 - y0
            f = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(x - x0 - f * dx, y - y0 - f * dy))
        return best

    assert off_route(half.x_km, half.y_km) < 1e-9
    assert (half.x_km, half.y_km) not in (base, site)
    there = at(arrive + 1)
    assert (there.state, there.site, (there.x_km, there.y_km)) == ("at_scene", v["site"], site)


def test_every_unit_is_once_in_the_list_and_idle_units_at_their_base(played):
    loaded, run, rows, net, handover, homes = played
    for t in (0.0, 600.0, 2400.0, 5400.0):
        ps = positions_at(rows, loaded.region, t, net=net, handover_s=handover, homes=homes)
        assert sorted(p.unit for p in ps) == sorted(homes)
        for p in ps:
            if p.state == "at_scene":
                assert p.site is not None and not p.moving
            if p.state == "idle" and not p.moving:
                assert p.site is None
    start = positions_at(rows[:1], loaded.region, 0.0, net=net, homes=homes)
    assert {p.state for p in start} == {"idle"}
