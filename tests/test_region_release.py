"""Regional units released before they are at work or while they answer an incident (issue 22, limits lifted):
an ambulance on its way turns where it is; police at an incident site leave once it is contained; a unit is never
in two places and never works for a site after it left it."""

from __future__ import annotations


import pytest

from simsoft.region import load_region, run_region
from simsoft.region.network import RoadNetwork

from test_region_decisions import region_file

TURN = [
    {"do": "assign_units", "site": "st_marks", "kind": "ambulance", "count": 2, "at": "1 min"},
    {"do": "release_units", "site": "st_marks", "count": 1, "at": "6 min"},
    {"do": "reassign_units", "from": "st_marks", "to": "station", "count": 1, "at": "7 min"},
    {"do": "release_units", "site": "station", "kind": "police", "count": 1, "at": "4 min"},
    {"do": "release_units", "site": "station", "kind": "police", "count": 2, "at": "20 min"},
]


@pytest.fixture(scope="module")
def turned(tmp_path_factory):
    path = region_file(tmp_path_factory.mktemp("turn"), TURN)
    loaded = load_region(path)
    return loaded, run_region(loaded, seed=1)


def of(result, kind, subject=None):
    return [e for e in result.events if e.kind == kind and (subject is None or e.subject == subject)]


def site_events(result, site, subject):
    return [e for e in result.sites[site].events if e.subject == subject]


def test_an_ambulance_released_on_its_way_turns_there_and_never_reaches_the_site(turned):
    _, r = turned
    (free,) = of(r, "region.unit_free", "amb_east-2")
    assert free.t_s == 360.0 and free.values["on_road"] is True
    assert (free.values["from"], free.values["toward"]) == ("amb_east", "st_marks")
    (assigned,) = of(r, "region.unit_assigned", "amb_east-2")[:1]
    f = (360.0 - assigned.t_s - assigned.values["mobilise_s"]) / assigned.values["travel_s"]
    assert free.values["fraction"] == pytest.approx(f, abs=1e-4)
    mine = site_events(r, "st_marks", "amb_east-2")
    released = [e for e in mine if e.kind == "medical.ambulance_released"]
    assert released[0].t_s == 360.0 and released[0].values == {"en_route": True}
    assert not [e for e in mine if e.t_s <= 2195.0 and e.kind != "medical.ambulance_released"], "it never arrived"
    # Home by turning back: the part of the way already driven (home is where it came from).
    (home,) = [e for e in of(r, "region.unit_home", "amb_east-2") if e.t_s < 2000]
    assert home.t_s == pytest.approx(360.0 + f * assigned.values["travel_s"], abs=1e-3)


def test_an_ambulance_reassigned_on_its_way_drives_on_by_the_quicker_way(turned):
    loaded, r = turned
    first, second = of(r, "region.unit_assigned", "amb_east-1")[:2]
    assert second.t_s == 420.0 and second.values["site"] == "station" and second.values["mobilise_s"] == 0.0
    f = (420.0 - first.t_s - first.values["mobilise_s"]) / first.values["travel_s"]
    assert second.values["fraction"] == pytest.approx(f, abs=1e-4)
    net = RoadNetwork(loaded.region)
    for b in loaded.region.ambulance_bases:
        net.add_place(b.id, b.location)
    drive = first.values["travel_s"]
    back = f * drive + net.travel_s("amb_east", "station", now_s=420.0)
    on = (1 - f) * drive + net.travel_s("st_marks", "station", now_s=420.0)
    assert second.values["travel_s"] == pytest.approx(min(back, on), abs=1e-3)
    assert second.values["via"] == ("st_marks" if on < back else "amb_east")
    arrived = [e for e in site_events(r, "station", "amb_east-1") if e.kind == "medical.ambulance_arrived"]
    assert arrived[0].t_s == pytest.approx(420.0 + second.values["travel_s"], abs=1e-3)
    assert not [e for e in site_events(r, "st_marks", "amb_east-1") if e.kind == "medical.ambulance_arrived"]


def test_police_at_an_incident_leave_only_once_it_is_contained(turned):
    _, r = turned
    early, late = [e for e in of(r, "region.decision", "release_units") if e.values["unit_kind"] == "police"]
    assert early.values["released"] == [] and "not contained yet" in early.values["rejected"]
    station = r.sites["station"]
    contained = [e.t_s for e in station.events if e.kind == "response.contained"][0]
    assert early.t_s < contained < late.t_s
    assert late.values["released"] == ["pol_central-3", "pol_central-2"]
    for uid in late.values["released"]:
        gone = [e for e in site_events(r, "station", uid) if e.kind == "response.released"]
        assert [e.t_s for e in gone] == [1200.0]
        assert [e.t_s for e in of(r, "region.unit_free", uid)] == [1200.0]
        assert of(r, "region.unit_home", uid)[0].t_s > 1200.0


def test_the_search_goes_on_with_the_units_left(turned, tmp_path):
    _, r = turned
    base = run_region(load_region(region_file(tmp_path, [])), seed=1, lean=True)
    clear = lambda res: res.sites["station"].metrics["response.t_all_clear_s"]  # noqa: E731
    assert clear(r) > clear(base), "two of three search teams left: the all clear comes later"


def test_a_unit_is_never_in_two_places(turned):
    _, r = turned
    check_one_place(r)


RELEASED = ("medical.ambulance_released", "response.released")


def check_one_place(r):
    """A unit works for one site at a time: each assignment ends (the site's release record, or the unit free)
    no later than the next one starts, and nothing happens to the unit at a site outside its time there."""
    for uid in {e.subject for e in of(r, "region.unit_assigned")}:
        starts = of(r, "region.unit_assigned", uid)
        spans = []
        for i, a in enumerate(starts):
            site = a.values["site"]
            ends = [e.t_s for e in of(r, "region.unit_free", uid) if e.t_s >= a.t_s]
            if site in r.sites:  # else a hospital (a secondary transfer): the unit is free at the receiving one
                ends += [e.t_s for e in r.sites[site].events if e.subject == uid and e.kind in RELEASED and e.t_s >= a.t_s]
            end = min(ends, default=float("inf"))
            if i + 1 < len(starts):
                assert end <= starts[i + 1].t_s, (uid, a, starts[i + 1])
            spans.append((site, a.t_s, end))
        for sid, res in r.sites.items():
            for e in (e for e in res.events if e.subject == uid):
                assert any(s == sid and t0 <= e.t_s <= t1 for s, t0, t1 in spans), (uid, sid, e)


@pytest.mark.parametrize("seed", [2, 5])
def test_units_stay_in_one_place_for_other_seeds_with_early_and_late_releases(tmp_path, seed):
    actions = TURN + [
        {"do": "release_units", "site": "station", "count": 3, "at": "3 min"},
        {"do": "reassign_units", "from": "station", "to": "st_marks", "count": 2, "at": "33 min"},
        {"do": "release_units", "site": "st_marks", "kind": "police", "count": 3, "at": "50 min"},
    ]
    r = run_region(load_region(region_file(tmp_path, actions)), seed=seed, lean=True)
    check_one_place(r)


def test_police_on_their_way_to_a_contained_incident_turn_and_police_at_a_quiet_venue_leave_at_once(tmp_path):
    # St Mark's (seed 1): the armed units contain it at 2,697 s; pol_east-1, assigned with them, is still driving.
    path = region_file(tmp_path, [
        {"do": "release_units", "site": "st_marks", "kind": "police", "count": 1, "at": "46 min"},
        {"do": "assign_units", "site": "festival", "kind": "police", "count": 1, "at": "5 min"},
        {"do": "release_units", "site": "festival", "kind": "police", "count": 1, "at": "8 min"},
    ])
    r = run_region(load_region(path), seed=1, lean=True)
    late, quiet = sorted((e for e in of(r, "region.decision", "release_units")), key=lambda e: -e.t_s)
    assert late.values["released"] == ["pol_east-1"]
    mine = site_events(r, "st_marks", "pol_east-1")
    assert [(e.kind, e.values.get("en_route")) for e in mine if e.t_s >= 2760.0] == [("response.released", True)]
    assert not [e for e in mine if e.kind == "response.on_scene"], "it turned before it arrived"
    (free,) = [e for e in of(r, "region.unit_free", "pol_east-1")]
    assert free.values["on_road"] is True and free.values["toward"] == "st_marks"
    assert quiet.t_s == 480.0 and len(quiet.values["released"]) == 1 and "rejected" not in quiet.values
    check_one_place(r)
