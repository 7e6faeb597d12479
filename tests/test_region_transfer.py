"""Secondary transfer between hospitals (issue 22, a limit lifted): stable patients leave a hospital at capacity
for one with a free bed, one per shared ambulance; beds hold (never above beds at the receiving hospital), the
sending hospital makes room, and the ambulance is in one place at a time."""

from __future__ import annotations

import pytest

from simsoft.errors import ScenarioError
from simsoft.region import load_region, run_region

from test_region_decisions import region_file
from test_region_release import check_one_place

AID = {"do": "mutual_aid", "kind": "ambulance", "count": 4, "at": "3 min"}
MOVE = [AID,
        {"do": "transfer", "from": "st_marys", "count": 2, "at": "75 min"},
        {"do": "transfer", "from": "st_marys", "to": "royal", "count": 1, "at": "75 min"},
        {"do": "transfer", "from": "royal", "count": 3, "at": "90 min"}]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("transfer")
    moved = run_region(load_region(region_file(tmp, MOVE)), seed=1)
    (tmp / "base").mkdir()
    base = run_region(load_region(region_file(tmp / "base", [AID])), seed=1)
    return base, moved


def decisions(r):
    return [e for e in r.events if e.kind == "region.decision" and e.subject == "transfer"]


def test_a_transfer_makes_room_at_the_hospital_at_capacity(runs):
    base, moved = runs
    first, second, third = decisions(moved)
    assert [t["to"] for t in first.values["transfers"]] == ["east_city", "east_city"]  # nearest with a free bed
    assert second.values["rejected"] == "no free ambulance" and second.values["transfers"] == []
    assert third.values["rejected"].startswith("royal has free beds (")
    m, b = moved.metrics, base.metrics
    assert m["region.transfers"] == 2 and "region.transfers" not in b
    assert (m["hospital.st_marys.transfers_out"], m["hospital.east_city.transfers_in"]) == (2, 2)
    # Without the transfer a walk-in takes a corridor bed at St Mary's; with it there is a bed.
    assert b["hospital.st_marys.over_capacity"] == 1 and m["hospital.st_marys.over_capacity"] == 0
    assert m["hospital.east_city.peak_beds_used"] == b["hospital.east_city.peak_beds_used"] + 2


def test_a_transfer_takes_load_time_drive_and_handover_and_frees_the_ambulance_at_the_receiving_hospital(runs):
    _, moved = runs
    for t in decisions(moved)[0].values["transfers"]:
        (assigned,) = [e for e in moved.events if e.kind == "region.unit_assigned" and e.subject == t["unit"]
                       and e.values["site"] == "st_marys"]
        (left,) = [e for e in moved.events if e.kind == "region.transfer_departed" and e.subject == t["patient"]]
        (came,) = [e for e in moved.events if e.kind == "region.transfer_arrived" and e.subject == t["patient"]]
        assert left.t_s == pytest.approx(assigned.t_s + assigned.values["mobilise_s"] + assigned.values["travel_s"] + 600.0)
        assert came.t_s > left.t_s and came.values["hospital"] == "east_city"
        free = [e for e in moved.events if e.kind == "region.unit_free" and e.subject == t["unit"] and e.t_s > came.t_s]
        assert free[0].t_s == pytest.approx(came.t_s + 600.0) and free[0].values["at"] == "east_city"
    check_one_place(moved)


def test_beds_hold_across_sites_and_transfers(runs):
    """Replaying every bed change (admissions from any site, transfers out and in) gives the beds each record
    states, and a transfer never takes a hospital above its beds."""
    _, moved = runs
    beds = {h.id: h.bed_count for h in moved.loaded.region.hospitals}
    changes = []
    for sid, r in moved.sites.items():
        for e in r.events:
            if e.kind == "medical.at_hospital" and e.values["alive"] and e.values["hospital"] in beds:
                changes.append((e.t_s, e.values["hospital"], +1, e.values["beds_used"]))
    for e in moved.events:
        if e.kind == "region.transfer_departed":
            changes.append((e.t_s, e.values["hospital"], -1, e.values["beds_used"]))
        elif e.kind == "region.transfer_arrived":
            changes.append((e.t_s, e.values["hospital"], +1, e.values["beds_used"]))
            assert e.values["beds_used"] <= beds[e.values["hospital"]]
    used = dict.fromkeys(beds, 0)
    for _, h, step, stated in sorted(changes, key=lambda c: (c[0], c[2], c[2] * c[3])):  # same-time steps in order
        used[h] += step
        assert used[h] == stated, (h, used[h], stated)
    assert sorted(used.values()) == sorted(
        [moved.metrics[f"hospital.{h}.patients"] - _dead(moved, h) - moved.metrics.get(f"hospital.{h}.transfers_out", 0)
         + moved.metrics.get(f"hospital.{h}.transfers_in", 0) for h in beds])


def _dead(r, h):
    return sum(1 for s in r.sites.values() for e in s.events
               if e.kind == "medical.at_hospital" and e.values["hospital"] == h and not e.values["alive"])


def test_transfer_decisions_naming_what_the_region_lacks_are_refused_at_load(tmp_path):
    path = region_file(tmp_path, [{"do": "transfer", "from": "nowhere", "count": 1},
                                  {"do": "transfer", "from": "royal", "to": "royal", "count": 1}])
    with pytest.raises(ScenarioError) as info:
        load_region(path)
    found = [str(p) for p in info.value.problems]
    assert any("actions[0].from: 'nowhere' is not a hospital of the region (east_city, royal, st_marys)" in f
               for f in found), found
    assert any("actions[1].to: 'royal' patients are transferred to another hospital" in f for f in found), found


def test_transfer_is_a_verb_of_regional_exercises():
    from facilitator.exercise.regional import REGIONAL_VERBS

    assert "transfer" in REGIONAL_VERBS
