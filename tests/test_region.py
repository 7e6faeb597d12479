"""Regions (issue 22): loading and its messages, the one-site equality, shared units and hospitals, records."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft import load_scenario, run
from simsoft.cli import cli
from simsoft.errors import ScenarioError
from simsoft.region import load_region, run_region, site_seed
from simsoft.region.network import RoadNetwork
from simsoft.region.output import region_events_jsonl, region_metrics_json
from simsoft.runfolder import events_jsonl, metrics_json

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "scenarios" / "regions" / "riverside-city.yaml"
HUB = ROOT / "scenarios" / "transit-hub.yaml"


def write(tmp_path: Path, text: str, name: str = "region.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


ONE_SITE_OWN_HOSPITALS = f"""
name: One hub
sites:
  - {{id: hub, scenario: {HUB}, location: {{node: hub}}}}
roads:
  nodes:
    - {{id: hub, x_km: 0, y_km: 0}}
    - {{id: n_royal, x_km: 0, y_km: 5}}
    - {{id: n_general, x_km: 5, y_km: 0}}
    - {{id: n_east, x_km: 9, y_km: 0}}
  edges:
    - {{from: hub, to: n_royal, minutes: 8}}
    - {{from: hub, to: n_general, minutes: 12}}
    - {{from: n_general, to: n_east, minutes: 6}}
hospitals:
  - {{id: royal, name: "Royal Hospital (major trauma centre)", location: {{node: n_royal}}, trauma_level: major_trauma_centre}}
  - {{id: general, name: "St Mary's General", location: {{node: n_general}}, trauma_level: trauma_unit}}
  - {{id: east, name: "East City Hospital", location: {{node: n_east}}, trauma_level: trauma_unit}}
"""


def test_a_one_site_region_with_the_sites_own_hospitals_gives_exactly_the_single_venue_run(tmp_path):
    # The region's hospitals are the scenario's (same levels, road times = the scenario's travel times):
    # the site's metrics and events must be those of the venue run alone with the site's seed.
    loaded = load_region(write(tmp_path, ONE_SITE_OWN_HOSPITALS))
    scenario = load_scenario(HUB)
    assert [h.travel for h in scenario.medical.hospitals] == [480.0, 720.0, 1080.0]
    regional = run_region(loaded, seed=7)
    alone = run(scenario, seed=site_seed(7, "hub"))
    site = regional.sites["hub"]
    assert metrics_json(site) == metrics_json(alone)
    assert events_jsonl(site) == events_jsonl(alone)
    assert regional.metrics["region.deaths"] == alone.metrics["medical.deaths"] > 0
    assert regional.metrics["hospital.royal.patients"] == alone.metrics["medical.hospital.royal.patients"]


def test_a_one_site_region_without_shared_resources_is_the_venue_run(tmp_path):
    text = ONE_SITE_OWN_HOSPITALS.split("hospitals:")[0]
    regional = run_region(load_region(write(tmp_path, text)), seed=3)
    assert events_jsonl(regional.sites["hub"]) == events_jsonl(run(load_scenario(HUB), seed=site_seed(3, "hub")))


def test_site_seeds_are_derived_from_the_region_seed_and_the_site_id():
    assert site_seed(1, "a") == site_seed(1, "a")
    assert len({site_seed(1, "a"), site_seed(1, "b"), site_seed(2, "a")}) == 3


@pytest.fixture(scope="module")
def city():
    return run_region(load_region(CITY), seed=1, lean=True)


def test_the_shipped_region_is_about_100000_people_at_four_venues_with_two_incidents_30_min_apart(city):
    region = city.loaded.region
    assert len(region.sites) == 4
    assert 90_000 <= city.metrics["region.population"] <= 110_000
    starts = sorted(r.scenario.incident.starts_at for r in city.sites.values() if r.scenario.incident is not None)
    assert len(starts) == 2 and 20 * 60 <= starts[1] - starts[0] <= 40 * 60
    assert sorted({h.trauma_level for h in region.hospitals}) == ["local_emergency_hospital", "major_trauma_centre", "trauma_unit"]


def test_a_shared_unit_is_in_one_place_at_a_time(city):
    check_units(city)


def check_units(city):
    assigned = [e for e in city.events if e.kind == "region.unit_assigned"]
    ids = [e.subject for e in assigned]
    assert ids and len(ids) == len(set(ids)), "a unit was assigned twice"
    for e in assigned:
        site_events = [x for x in city.sites[e.values["site"]].events if x.subject == e.subject]
        for other, r in city.sites.items():
            if other != e.values["site"]:
                assert not [x for x in r.events if x.subject == e.subject], f"{e.subject} also at {other}"
        if e.values["unit_kind"] == "ambulance":
            arrived = [x for x in site_events if x.kind == "medical.ambulance_arrived"]
            assert len(arrived) == 1
            assert arrived[0].t_s == pytest.approx(e.t_s + e.values["mobilise_s"] + e.values["travel_s"], abs=1e-3)
            # The vehicle alternates: out with patients, back, out, back... never two trips at once.
            legs = [x.kind for x in site_events if x.kind in ("medical.transport", "medical.ambulance_back")]
            assert all(a != b for a, b in zip(legs, legs[1:])), legs
            times = [x.t_s for x in site_events]
            assert times == sorted(times)
        else:
            on = [x for x in site_events if x.kind == "response.on_scene"]
            assert len(on) == 1 and on[0].t_s == pytest.approx(
                e.t_s + e.values["mobilise_s"] + e.values["travel_s"], abs=1e-3)
    assert city.metrics["units.ambulance.committed"] + city.metrics["units.ambulance.idle"] == city.metrics["units.ambulance.total"]


def test_hospital_beds_are_counted_across_sites(city):
    # Every site's admission record carries the hospital's bed count at that moment: region-wide, it rises
    # by one for each living patient whichever site they come from.
    check_beds(city)
    sites = {sid for sid, r in city.sites.items() for e in r.events if e.kind == "medical.at_hospital" and e.values["hospital"] == "royal"}
    assert sites == {"station", "st_marks"}


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_units_and_beds_hold_for_other_seeds_and_variants(seed):
    for variant in (None, "balanced"):
        result = run_region(load_region(CITY), seed=seed, variant=variant, lean=True)
        check_units(result)
        check_beds(result)
        for sid, r in result.sites.items():
            assert r.metrics["run.population"] == r.scenario.population.total


def check_beds(city):
    for h in city.loaded.region.hospitals:
        rows = sorted(((e.t_s, sid, e) for sid, r in city.sites.items() for e in r.events
                       if e.kind == "medical.at_hospital" and e.values["hospital"] == h.id), key=lambda r: r[0])
        alive = [e for _, _, e in rows if e.values["alive"]]
        assert [e.values["beds_used"] for e in alive] == list(range(1, len(alive) + 1))


def test_the_region_run_is_reproducible(city):
    again = run_region(load_region(CITY), seed=1, lean=True)
    assert region_events_jsonl(again) == region_events_jsonl(city)
    assert region_metrics_json(again) == region_metrics_json(city)


def test_variants_change_the_response_only(city):
    more = run_region(load_region(CITY), seed=1, variant="more_ambulances", lean=True)
    assert more.metrics["units.ambulance.total"] == city.metrics["units.ambulance.total"] + 4
    assert more.metrics["units.ambulance.shortfall"] == 0 < city.metrics["units.ambulance.shortfall"]
    # Same incidents: the casualties are drawn from the same streams.
    for sid in ("station", "st_marks"):
        assert more.metrics[f"site.{sid}.casualties"] == city.metrics[f"site.{sid}.casualties"]


def test_congestion_multiplies_travel_by_the_time_of_day():
    net = RoadNetwork(load_region(CITY).region)
    free = net.free_flow_s("station", "st_marks")
    assert free == pytest.approx(9 * 60)
    assert net.travel_s("station", "st_marks", now_s=0.0) == pytest.approx(free * 1.4)  # 17:58, evening peak
    assert net.travel_s("station", "st_marks", now_s=3 * 3600.0) == pytest.approx(free)  # 20:58


def test_by_trauma_level_sends_critical_patients_to_the_major_trauma_centre(city):
    for r in city.sites.values():
        for e in r.events:
            if e.kind == "medical.transport":
                classes = set(e.values["triage"])
                if classes & {"immediate", "expectant"} and e.values["hospital"] != "royal":
                    # only when the centre had no free bed
                    assert False, e


# -- the loader's messages ------------------------------------------------------------------------------

def _problems(tmp_path, text) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_region(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


BASE = """
name: r
sites:
  - {id: a, scenario: %s, location: {node: n1}}
roads:
  nodes:
    - {id: n1, x_km: 0, y_km: 0}
    - {id: n2, x_km: 1, y_km: 0}
  edges:
    - {from: n1, to: n2, minutes: 3}
""" % HUB


def test_every_problem_of_a_region_file_is_reported_at_once_with_file_line_and_field(tmp_path):
    text = BASE.replace("{from: n1, to: n2, minutes: 3}", "{from: n1, to: n9, minutes: 3}") + textwrap.dedent("""
    hospitals:
      - {id: a, location: {node: n1}, trauma_level: 1}
      - {id: h2, location: {node: nowhere}}
    """)
    found = _problems(tmp_path, text)
    assert any(":10 roads.edges[0].to: 'n9' is not a road node" in p for p in found), found
    assert any("hospitals[0].id: 'a' duplicate id (also sites[0])" in p for p in found), found
    assert any("hospitals[1].location.node: 'nowhere' is not a road node" in p for p in found), found


def test_an_unknown_site_scenario_is_named(tmp_path):
    found = _problems(tmp_path, BASE.replace(str(HUB), "no-such-venue"))
    assert found == [f"{tmp_path / 'region.yaml'}:4 sites[0].scenario: 'no-such-venue' is neither a scenario file next "
                     "to the region file nor a shipped scenario (see `simsoft scenarios`)"]


def test_a_disconnected_road_graph_is_refused(tmp_path):
    text = BASE.replace("    - {id: n2, x_km: 1, y_km: 0}", "    - {id: n2, x_km: 1, y_km: 0}\n    - {id: n3, x_km: 5, y_km: 5}")
    (found,) = _problems(tmp_path, text)
    assert "roads.edges: the road graph is not connected: nodes n3 cannot be reached" in found


def test_a_one_way_road_without_a_way_back_is_refused(tmp_path):
    (found,) = _problems(tmp_path, BASE.replace("minutes: 3}", "minutes: 3, one_way: true}"))
    assert "the road graph is not connected" in found and "one-way roads need a way back" in found


def test_unknown_keys_and_hospital_travel_are_refused(tmp_path):
    text = BASE + "hospitals:\n  - {id: h, travel: 5 min, location: {node: n2}}\nsirens: loud\n"
    found = _problems(tmp_path, text)
    assert any("sirens" in p and "unknown key" in p for p in found), found
    assert any("hospitals[0]" in p and "travel comes from the road network" in p for p in found), found


def test_a_region_variant_may_not_change_a_sites_incident_script(tmp_path):
    text = BASE + textwrap.dedent("""
    variants:
      later:
        sites:
          a: {incident.starts_at: 20 min, response.security.stewards: 20}
      moved:
        set: {"sites[0].start_offset": 10 min}
      heavier:
        sites:
          a: {incident.intensity.casualties_per_exposed_person_minute: 0.5}
    """)
    found = _problems(tmp_path, text)
    assert any("variants.later.sites.a.incident.starts_at: a variant may not change the incident script" in p for p in found)
    assert any("variants.moved.set.sites[0].start_offset: a region variant compares the response" in p for p in found)
    assert any("variants.heavier.sites.a.incident.intensity" in p and "load sensitivity" in p for p in found)
    assert not any("stewards" in p for p in found)


def test_a_site_variant_that_changes_the_response_loads_and_runs(tmp_path):
    text = BASE + "variants:\n  stewards:\n    sites:\n      a: {response.security.stewards: 30}\n"
    loaded = load_region(write(tmp_path, text))
    from simsoft.region import apply_region_variant
    changed = apply_region_variant(loaded, "stewards")
    assert changed.scenarios["a"].response.security.stewards == 30
    assert loaded.scenarios["a"].response.security.stewards != 30


# -- the command line -------------------------------------------------------------------------------------

def test_region_validate_and_run_from_the_command_line(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["region", "validate", str(CITY)])
    assert ok.exit_code == 0 and "ok" in ok.output and "4 sites" in ok.output
    bad = runner.invoke(cli, ["region", "validate", str(write(tmp_path, BASE.replace(str(HUB), "nope")))])
    assert bad.exit_code == 1 and "sites[0].scenario: 'nope'" in bad.output
    out = tmp_path / "out"
    first = runner.invoke(cli, ["region", "run", str(CITY), "--seed", "2", "--out", str(out), "--no-map"])
    assert first.exit_code == 0, first.output
    assert "Central Station" in first.output and "## Hospitals" in first.output
    second = runner.invoke(cli, ["region", "run", str(CITY), "--seed", "2", "--out", str(out), "--no-map"])
    folders = sorted((out / "riverside-city").iterdir())
    assert len(folders) == 2 and not any(p.name.startswith(".") for p in folders)
    for name in ("events.jsonl", "metrics.json"):
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes()
    assert second.exit_code == 0
    lines = (folders[0] / "events.jsonl").read_text().splitlines()
    sites = {json.loads(line)["site"] for line in lines}
    assert sites == {"", "station", "st_marks", "stadium", "festival"}
    assert (folders[0] / "sites" / "station" / "metrics.json").is_file()
    from simsoft.loader import load_scenario as load_file
    ran = load_file(folders[0] / "sites" / "st_marks" / "scenario.yaml")
    assert ran.incident.starts_at == load_scenario(ROOT / "scenarios" / "place-of-worship.yaml").incident.starts_at + 1800
    assert [h.id for h in ran.medical.hospitals] == ["royal", "st_marys", "east_city"]
    assert "site_seeds" in (folders[0] / "manifest.yaml").read_text()
    unknown = runner.invoke(cli, ["region", "run", str(CITY), "--variant", "nope", "--out", str(out)])
    assert unknown.exit_code == 1 and "unknown variant 'nope'" in unknown.output


def test_a_region_file_given_to_the_scenario_commands_points_to_the_region_commands():
    runner = CliRunner()
    res = runner.invoke(cli, ["validate", str(CITY)])
    assert res.exit_code == 1 and "is a region file, not a scenario: use `simsoft region validate" in res.output


def test_a_variant_naming_what_the_region_does_not_have_is_located(tmp_path):
    text = BASE + 'variants:\n  v:\n    set: {"police[0].units": 0, distribution: balanced}\n'
    (found,) = _problems(tmp_path, text)
    assert found.endswith("variants.v.set.police[0].units: 'police' is not in the region file")


def test_a_scenario_given_as_a_region_is_pointed_to_simsoft_validate(tmp_path):
    (found,) = _problems(tmp_path, (ROOT / "scenarios" / "stadium.yaml").read_text())
    assert found.endswith(":1: is a scenario, not a region: use `simsoft validate`")


def test_a_teams_ambulance_request_goes_to_the_regions_bases_and_mutual_aid_stays_outside():
    from simsoft.region import RegionalRun, apply_region_variant

    loaded = apply_region_variant(load_region(CITY), "more_ambulances")
    rr = RegionalRun(loaded, seed=1, lean=True)
    rr.sims["st_marks"].apply({"do": "request_ambulances", "count": 3, "at": "50 min"})
    rr.sims["st_marks"].apply({"do": "request_ambulances", "count": 1, "mutual_aid": True, "at": "50 min"})
    rr.run_to_end()
    result = rr.result()
    assigned = [e for e in result.events if e.kind == "region.unit_assigned" and e.values["site"] == "st_marks"
                and e.values["unit_kind"] == "ambulance"]
    # 4 at the alert (14 vehicles, the station took 8), then the 3 requested: 2 left, 1 short.
    assert len(assigned) == 6
    short = [e for e in result.events if e.kind == "region.shortfall" and e.subject == "st_marks"]
    assert [(e.values["wanted"], e.values["sent"]) for e in short] == [(3, 2)]
    arrived = [e for e in result.sites["st_marks"].events if e.kind == "medical.ambulance_arrived"]
    assert sorted(e.values["source"] for e in arrived).count("mutual_aid") == 1


def test_congestion_windows_may_run_over_midnight_and_coordinates_join_the_nearest_node():
    from simsoft.region.schema import ACCESS_SPEED_KM_H, Location, Region

    region = Region.model_validate({
        "name": "r", "sites": [{"id": "a", "scenario": "x", "location": {"x_km": 3.0, "y_km": 4.0}}],
        "roads": {"nodes": [{"id": "o", "x_km": 0, "y_km": 0}, {"id": "p", "x_km": 10, "y_km": 0}],
                  "edges": [{"from": "o", "to": "p", "minutes": 10}], "clock_start": "23:00",
                  "congestion": [{"start": "22:30", "end": "00:30", "factor": 2.0}]}})
    net = RoadNetwork(region)
    assert net.node_of("a") == "o"
    net.add_place("h", Location(node="p"))
    access = 5.0 / ACCESS_SPEED_KM_H * 3600.0  # 5 km off the road at 30 km/h
    assert net.free_flow_s("a", "h") == pytest.approx(access + 600.0)
    assert net.congestion(0.0) == 2.0 and net.congestion(3600.0) == 2.0  # 23:00 and 00:00
    assert net.congestion(2 * 3600.0) == 1.0  # 01:00


def test_a_quiet_site_keeps_its_crowd_and_has_no_incident(city):
    for sid in ("stadium", "festival"):
        r = city.sites[sid]
        assert r.scenario.incident is None and r.scenario.medical is None
        assert not [e for e in r.events if e.kind.startswith(("incident.", "casualty.", "medical."))]
        assert r.metrics["run.population"] == r.scenario.population.total


def test_the_regional_map_shows_every_site_hospital_and_base(city, tmp_path):
    from simsoft.plots import region_map

    fig = region_map(city)
    ax = fig.axes[0]
    texts = " ".join(t.get_text() for t in ax.texts)
    for s in city.loaded.region.sites:
        assert (s.name or s.id) in texts
    assert "peak 61/60 beds (102%)" in texts  # the trauma unit above its beds, seed 1
    for b in (*city.loaded.region.ambulance_bases, *city.loaded.region.police):
        assert f"{b.name or b.id}: " in texts
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if "sent" in t.get_text()]
    others = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
    for text, box in boxes:  # a base's label covers no other label
        assert not [o for o, ob in others if o != text and box.overlaps(ob)], text
    fig.savefig(tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 20_000
