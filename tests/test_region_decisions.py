"""Regional decisions as actions (issue 22): units allocated, released, reassigned and queued without ever
being in two places; mutual aid after its delay; diversion; posture through the venues' own actions;
public information; over-capacity admissions counted apart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simsoft.errors import ActionError, ScenarioError
from simsoft.region import load_region, run_region
from simsoft.region.run import RegionalRun

CITY = Path(__file__).resolve().parents[1] / "scenarios" / "regions" / "riverside-city.yaml"

ACTIONS = [
    {"do": "mutual_aid", "kind": "ambulance", "count": 3, "at": "2 min", "delay": "20 min"},
    {"do": "posture", "sites": ["stadium"], "measure": "lockdown", "at": "10 min"},
    {"do": "posture", "sites": ["festival"], "measure": "guard", "units": 1, "at": "10 min"},
    {"do": "divert", "hospital": "st_marys", "at": "30 min"},
    {"do": "public_information", "hospitals": ["st_marys"], "at": "30 min"},
    {"do": "reassign_units", "from": "station", "to": "st_marks", "count": 2, "at": "40 min"},
    {"do": "distribution", "policy": "balanced", "at": "45 min"},
    {"do": "release_units", "site": "station", "count": 1, "at": "60 min"},
]


def region_file(tmp_path: Path, actions: list, **extra) -> Path:
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    for site in data["sites"]:  # the shipped scenarios by path, from a region file in tmp_path
        site["scenario"] = str(CITY.parents[1] / f"{site['scenario']}.yaml")
    data["actions"] = actions
    data.update(extra)
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    path = region_file(tmp_path_factory.mktemp("dec"), ACTIONS)
    return run_region(load_region(path), seed=1)


def kinds(result, kind):
    return [e for e in result.events if e.kind == kind]


def test_every_scripted_decision_is_recorded_at_its_time(decided):
    rows = [(e.t_s, e.subject) for e in kinds(decided, "region.decision")]
    assert rows == [(120.0, "mutual_aid"), (600.0, "posture"), (600.0, "posture"), (1800.0, "divert"),
                    (1800.0, "public_information"), (2400.0, "reassign_units"), (2700.0, "distribution"),
                    (3600.0, "release_units")]
    assert decided.metrics["region.decisions"] == 8


def test_a_unit_works_for_one_site_at_a_time_through_reassignment_and_release(decided):
    # Between two assignments of a unit there is a release (it is free at the site it left).
    for uid in {e.subject for e in kinds(decided, "region.unit_assigned")}:
        mine = [e for e in decided.events if e.subject == uid and e.kind in ("region.unit_assigned", "region.unit_free")]
        sites = [e.values["site"] for e in mine if e.kind == "region.unit_assigned"]
        if len(sites) > 1:
            # reassigned: released from the first site, then drives on from there without mobilising
            second = [e for e in mine if e.kind == "region.unit_assigned"][1]
            assert second.values["from"] == sites[0] and second.values["mobilise_s"] == 0.0
            gone = [e for e in decided.sites[sites[0]].events if e.subject == uid and e.kind == "medical.ambulance_released"]
            assert len(gone) == 1 and gone[0].t_s == second.t_s
            later = [e for e in decided.sites[sites[0]].events if e.subject == uid and e.t_s > gone[0].t_s]
            assert not later, "a reassigned vehicle kept working at the site it left"
            arrived = [e for e in decided.sites[sites[1]].events if e.subject == uid and e.kind == "medical.ambulance_arrived"]
            assert arrived[0].t_s == pytest.approx(second.t_s + second.values["travel_s"], abs=1e-3)
    reassigned = {e.subject for e in kinds(decided, "region.unit_assigned") if "from" in e.values}
    assert reassigned == {"amb_east-1", "amb_east-2"}


def test_a_released_ambulance_finishes_its_trip_then_drives_home(decided):
    (free,) = kinds(decided, "region.unit_free")
    released = [e for e in decided.sites["station"].events if e.subject == free.subject and e.kind == "medical.ambulance_released"]
    assert released[0].t_s == free.t_s >= 3600.0
    trips = [e for e in decided.sites["station"].events if e.subject == free.subject and e.kind == "medical.ambulance_back"]
    assert trips[-1].t_s <= free.t_s
    (home,) = [e for e in kinds(decided, "region.unit_home") if e.subject == free.subject]
    assert home.t_s > free.t_s


def test_mutual_aid_arrives_after_its_delay_and_counts_in_the_pool(decided):
    aid = kinds(decided, "region.mutual_aid_arrived")
    assert [e.t_s for e in aid] == [120.0 + 1200.0] * 3
    assert decided.metrics["units.ambulance.mutual_aid"] == 3
    assert decided.metrics["units.ambulance.total"] == 13
    m = decided.metrics
    assert m["units.ambulance.committed"] + m["units.ambulance.idle"] == m["units.ambulance.total"]


def test_a_diverted_hospital_gets_no_new_ambulance_patients_while_another_is_open(decided):
    for sid, r in decided.sites.items():
        late = [e for e in r.events if e.kind == "medical.transport" and e.t_s >= 1800.0]
        assert all(e.values["hospital"] != "st_marys" for e in late), sid


def test_posture_acts_through_the_venues_own_actions(decided):
    stadium = [e for e in decided.sites["stadium"].events if e.kind == "action.lockdown"]
    assert stadium and stadium[0].t_s == 600.0 and stadium[0].values["source"] == "region"
    guard = [e for e in kinds(decided, "region.unit_assigned") if e.values["site"] == "festival"]
    assert [e.values["unit_kind"] for e in guard] == ["police"]


def test_a_request_that_cannot_be_met_is_queued_and_served_when_a_unit_frees(tmp_path):
    path = region_file(tmp_path, [
        {"do": "posture", "sites": ["festival"], "measure": "guard", "units": 7, "at": "1 min"},
        {"do": "release_units", "site": "festival", "kind": "police", "count": 3, "at": "20 min"},
    ])
    result = run_region(load_region(path), seed=1, lean=True)
    short = [e for e in result.events if e.kind == "region.shortfall"]
    assert short[0].subject == "station" and short[0].values["sent"] == 0, "every police unit guards the festival"
    served = [e for e in result.events if e.kind == "region.request_served"]
    at_release = [(e.subject, e.values["sent"]) for e in served if e.t_s == 1200.0]
    assert at_release == [("station", 1)] * 3  # each freed unit serves the oldest request
    assert result.metrics["units.police.served_from_queue"] >= 3
    on_scene = [e for e in result.sites["station"].events if e.kind == "response.on_scene" and e.t_s > 1200.0]
    assert len(on_scene) >= 3, "the served police units reach the station"


def test_decisions_naming_what_the_region_lacks_are_refused_with_file_line_and_field(tmp_path):
    path = region_file(tmp_path, [{"do": "divert", "hospital": "nowhere"},
                                  {"do": "assign_units", "site": "mall", "kind": "ambulance", "count": 1}])
    with pytest.raises(ScenarioError) as info:
        load_region(path)
    found = [str(p) for p in info.value.problems]
    assert any("actions[0].hospital: 'nowhere' is not a hospital of the region" in f for f in found), found
    assert any("actions[1].site: 'mall' is not a site of the region" in f for f in found), found


def test_decisions_from_code_are_checked_before_they_are_scheduled():
    run = RegionalRun(load_region(CITY), seed=1, lean=True)
    with pytest.raises(ActionError, match="is not a regional action"):
        run.decisions.apply({"do": "launch"})
    with pytest.raises(ActionError, match="'nowhere' is not a site"):
        run.decisions.apply({"do": "posture", "sites": ["nowhere"], "measure": "lockdown"})
    with pytest.raises(ActionError, match="unknown zone"):
        run.decisions.apply({"do": "site", "site": "stadium", "action": {"do": "evacuate", "zones": ["moon"]}})


def test_over_capacity_admissions_are_counted_apart(decided):
    for h in decided.loaded.region.hospitals:
        m = decided.metrics
        assert m[f"hospital.{h.id}.peak_over_beds"] == max(0, m[f"hospital.{h.id}.peak_beds_used"] - h.bed_count)
        assert (m[f"hospital.{h.id}.over_capacity"] > 0) == (m[f"hospital.{h.id}.peak_over_beds"] > 0)


def test_the_shipped_region_reports_its_walk_in_over_capacity_and_ambulances_add_none_while_a_bed_is_free():
    result = run_region(load_region(CITY), seed=1, lean=True)
    beds = {h.id: h.bed_count for h in result.loaded.region.hospitals}
    rows = sorted(((e.t_s, e) for r in result.sites.values() for e in r.events if e.kind == "medical.at_hospital"),
                  key=lambda r: r[0])
    used = dict.fromkeys(beds, 0)
    over = dict.fromkeys(beds, 0)
    for _, e in rows:
        h = e.values["hospital"]
        if not e.values["alive"]:
            continue
        if e.values["beds_used"] > beds[h]:
            over[h] += 1
            if e.values["via"] != "self":
                assert all(used[o] >= beds[o] for o in beds if o != h), "an ambulance overfilled a hospital"
        used[h] = e.values["beds_used"]
    for h in beds:
        assert result.metrics[f"hospital.{h}.over_capacity"] == over[h]
    assert result.metrics["hospital.st_marys.over_capacity"] == 1 == result.metrics["region.over_capacity"]


def test_the_shipped_coordinated_plan_is_carried_out_without_a_rejected_decision():
    result = run_region(load_region(CITY), seed=1, variant="coordinated", lean=True)
    decisions = [e for e in result.events if e.kind == "region.decision"]
    assert [e.subject for e in decisions] == ["mutual_aid", "posture", "posture", "release_units", "public_information",
                                              "reassign_units", "transfer"]
    assert not [e for e in decisions if "rejected" in e.values]
    assert result.metrics["units.ambulance.mutual_aid"] == 4
    release, transfer = decisions[3], decisions[-1]
    assert release.values["released"] == ["pol_central-3", "pol_central-2"]  # the station was contained at 6 min
    assert [t["to"] for t in transfer.values["transfers"]] == ["east_city", "east_city"]  # free beds, the nearest
    # St Mark's families are told where to go: the venue's own public information action, from the region.
    pi = [e for e in result.sites["st_marks"].events if e.kind == "action.public_information"]
    assert pi and pi[0].values["source"] == "region"


def test_ambulances_are_not_sent_to_a_quiet_venue(tmp_path):
    path = region_file(tmp_path, [{"do": "assign_units", "site": "stadium", "kind": "ambulance", "count": 2}])
    with pytest.raises(ScenarioError) as info:
        load_region(path)
    (found,) = [str(p) for p in info.value.problems]
    assert "actions[0].site: 'stadium' has no casualty care to send ambulances to" in found


def test_a_venue_action_at_a_site_is_checked_against_that_venue_at_load(tmp_path):
    path = region_file(tmp_path, [{"do": "site", "site": "stadium", "action": {"do": "evacuate", "zones": ["moon"]}}])
    with pytest.raises(ScenarioError) as info:
        load_region(path)
    (found,) = [str(p) for p in info.value.problems]
    assert "actions[0].action: evacuate: unknown zone 'moon'" in found


def test_a_region_run_in_steps_with_a_decision_from_code_equals_the_scripted_run(tmp_path):
    # What a regional exercise does: advance, look at the region, decide, go on. The same decision scripted in
    # the file gives the same records.
    decision = {"do": "divert", "hospital": "royal", "at": "40 min"}
    scripted = run_region(load_region(region_file(tmp_path, [decision])), seed=2, lean=True)
    run = RegionalRun(load_region(CITY), seed=2, lean=True)
    seen = []
    for t in (600.0, 1800.0, 2400.0):
        run.run_until(t)
        view = run.observe()
        seen.append(view)
    run.decisions.apply({**decision, "at": "0 s"}, source="region")
    run.run_to_end()
    stepped = run.result()
    assert stepped.metrics == scripted.metrics
    assert [(e.t_s, e.kind, e.subject) for e in stepped.events] == [(e.t_s, e.kind, e.subject) for e in scripted.events]
    last = seen[-1]
    assert last.t_s == 2400.0 and set(last.hospitals) == {"royal", "st_marys", "east_city"}
    assert last.units_total == {"ambulance": 10, "police": 7}
    # By 40 min both incidents have drawn every ambulance: the region's units are exhausted, one request waits.
    assert last.units_exhausted("ambulance") and last.queued["ambulance"] == 2
    assert not last.hospitals["royal"].diverted and run.observe().hospitals["royal"].diverted
    assert last.sites["station"].t_s == 2400.0
