"""Incident, detection, alerting and response: timeline invariants, protective measures, actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simsoft import ActionError, Simulation, load_scenario, run
from simsoft.loader import scenario_from_dict
from simsoft.loader.variants import apply_overrides
from yard_venue import yard_venue

ROOT = Path(__file__).resolve().parents[1]
INCIDENT = ROOT / "scenarios" / "community-hall-incident.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(INCIDENT)


def _first(events, kind, subject=None):
    for e in events:
        if e.kind == kind and (subject is None or e.subject == subject):
            return e.t_s
    return None


def _tiny(**over):
    """Two rooms and a yard; the incident is in the yard, then room a."""
    data = {
        "name": "tiny",
        "venue": yard_venue(),
        "population": {"groups": [{"zone": "yard", "count": 60}, {"zone": "a", "count": 120}, {"zone": "b", "count": 40}],
                       "pre_movement": {"distribution": "lognormal", "median": "30 s", "p99": "2 min"}},
        "incident": {
            "label": "abstract incident", "kind": "assailant", "starts_at": "30 s",
            "affected": [{"zone": "yard", "for": "1 min"}, {"zone": "a", "for": "3 min"}, {"zone": "b", "for": "3 min"}],
            "intensity": {"casualties_per_exposed_person_minute": 0.02},
        },
        "alerting": {
            "channels": [{"kind": "public_address", "activation": "60 s", "reach": 1.0}],
            "plan": [{"when": "incident_known", "zones": "others", "action": "evacuate"}],
        },
        "response": {"units": [{"id": "p1", "service": "police"}], "all_clear_after": "10 min"},
        "duration": "2 h",
    }
    return scenario_from_dict(apply_overrides(data, over))


def test_timeline_invariants_hold_over_many_seeds(scenario):
    for seed in range(40):
        ev = run(scenario, seed=seed).events
        start = _first(ev, "incident.start")
        venue = _first(ev, "info.known", "venue_control")
        police_known = _first(ev, "info.known", "police")
        on_scene = _first(ev, "response.police_on_scene")
        contained = _first(ev, "response.contained")
        clear = _first(ev, "response.all_clear")
        assert start is not None and venue is not None and police_known is not None
        assert venue >= start and police_known >= start
        for e in ev:
            if e.kind == "alert.sent":
                assert e.t_s >= venue, f"seed {seed}: alert before venue control knew"
            if e.kind == "casualty.injured" and e.values["cause"] == "incident":
                assert e.t_s >= start
            if e.kind == "response.dispatched":
                assert e.t_s >= police_known
        if contained is not None and _first(ev, "response.contained") is not None:
            by = [e for e in ev if e.kind == "response.contained"][0].subject
            if by != "security":
                assert on_scene is not None and contained >= on_scene, f"seed {seed}: contained before police arrived"
        if clear is not None:
            assert contained is not None and clear >= contained
        assert all(b.t_s >= a.t_s for a, b in zip(ev, ev[1:])), "events out of time order"


def test_casualties_only_in_affected_zones_while_affected(scenario):
    ev = run(scenario, seed=3).events
    windows = {}
    for e in ev:
        if e.kind == "incident.zone_affected":
            windows.setdefault(e.subject, []).append([e.t_s, None])
        if e.kind == "incident.zone_clear":
            windows[e.subject][-1][1] = e.t_s
    hits = [e for e in ev if e.kind == "casualty.injured" and e.values["cause"] == "incident"]
    assert hits, "the flagship incident should cause casualties at this seed"
    for e in hits:
        assert any(a <= e.t_s <= b for a, b in windows[e.values["zone"]])


def test_people_are_conserved_with_casualties(scenario):
    r = run(scenario, seed=5)
    m = r.metrics
    assert m["egress.exited"] + m["egress.inside_end"] + m["casualties.total"] == pytest.approx(450, abs=1e-6)


def test_same_seed_same_events(scenario):
    a, b = run(scenario, seed=9), run(scenario, seed=9)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert a.metrics == b.metrics


def test_lockdown_before_the_incident_arrives_keeps_it_out():
    # Integrity 1: a lockdown that always holds (its probability is pinned in test_protective_measures.py).
    base = _tiny(**{"alerting.plan": [{"when": "incident_known", "zones": ["b"], "action": "lockdown"}],
                    "alerting.protection": {"lockdown_integrity": 1.0}})
    ev = run(base, seed=1).events
    kept = [e for e in ev if e.kind == "incident.kept_out"]
    assert [(e.subject, e.values["reason"]) for e in kept] == [("b", "lockdown")]
    assert not [e for e in ev if e.kind == "casualty.injured" and e.values["zone"] == "b"]


def test_vehicle_barrier_stops_a_vehicle_incident_at_the_zone():
    s = _tiny(**{"incident.kind": "vehicle"})
    data = s.model_dump(mode="json", by_alias=True)
    data["venue"]["assets"].append({"kind": "vehicle_barrier", "connection": "yard_a", "effectiveness": 1.0})
    with_barrier = scenario_from_dict(data)
    kept = [e for e in run(with_barrier, seed=2).events if e.kind == "incident.kept_out"]
    assert {e.subject for e in kept} >= {"a"} and {e.values["reason"] for e in kept} == {"vehicle_barrier"}
    assert not [e for e in run(s, seed=2).events if e.kind == "incident.kept_out"]


@pytest.mark.parametrize("p,kept", [(1.0, True), (0.0, False)])
def test_access_control_keeps_the_incident_out_with_its_probability(p, kept):
    s = _tiny(**{"incident.access_control": [{"zones": ["b"], "keep_out_probability": p}]})
    reasons = [e.values["reason"] for e in run(s, seed=4).events if e.kind == "incident.kept_out"]
    assert (reasons == ["access_control"]) is kept


def test_crowd_crush_from_a_jammed_exit_injures_people():
    data = {
        "name": "jam",
        "venue": {
            "zones": [{"id": "pen", "kind": "outdoor", "area_m2": 100}, {"id": "funnel", "kind": "corridor", "area_m2": 20, "travel_length_m": 10}],
            "exits": [{"id": "out"}],
            "connections": [{"id": "in", "from": "pen", "to": "funnel", "width_m": 6.0},
                            {"id": "gate", "from": "funnel", "to": "out", "width_m": 0.8}],
        },
        "population": {"groups": [{"zone": "pen", "count": 450}], "pre_movement": {"distribution": "fixed", "value": "0 s"}},
        "egress": {"max_density_p_m2": 6.0},
        "incident": {"label": "crowd surge drill", "kind": "other", "affected": [{"zone": "pen", "for": "1 min"}],
                     "crush_injuries_per_person_minute_above_5": 0.05},
        "actions": [{"at": "0 s", "do": "evacuate", "zones": "all"}],
    }
    r = run(scenario_from_dict(data), seed=1)
    assert r.metrics["casualties.cause.crowd_crush"] > 0
    assert r.metrics["casualties.cause.incident"] == 0


def test_declare_contained_needs_a_unit_on_scene_and_all_clear_needs_containment():
    s = _tiny()
    sim = Simulation(s, seed=1)
    sim.apply({"at": "40 s", "do": "declare", "what": "contained"})
    sim.apply({"at": "41 s", "do": "declare", "what": "all_clear"})
    sim.run_to_end()
    ev = sim.result().events
    declared = [e for e in ev if e.kind == "action.declare"]
    assert declared[0].values["rejected"] == "no unit able to contain is on scene"
    assert declared[1].values["rejected"] == "not contained yet"
    assert _first(ev, "response.contained") >= _first(ev, "response.police_on_scene")


def test_dispatch_and_mutual_aid_actions():
    s = _tiny(**{"response.units": [{"id": "p1", "service": "police", "auto_dispatch": False}],
                 "response.mutual_aid": {"id": "aid", "service": "police"}})
    r = run(s, seed=2, actions=[{"at": "90 s", "do": "dispatch", "unit": "p1"}, {"at": "2 min", "do": "mutual_aid", "units": 2}])
    sent = [(e.subject, e.values["reason"]) for e in r.events if e.kind == "response.dispatched"]
    assert sent == [("p1", "decision"), ("aid_1", "mutual_aid"), ("aid_2", "mutual_aid")]
    with pytest.raises(ActionError, match=r"dispatch: unknown unit 'p9' \(known: p1\)"):
        run(s, seed=2, actions=[{"at": "1 min", "do": "dispatch", "unit": "p9"}])


def test_action_without_an_incident_is_refused():
    s = load_scenario(ROOT / "scenarios" / "community-hall.yaml")
    with pytest.raises(ActionError, match="the scenario has no incident"):
        run(s, actions=[{"do": "declare", "what": "all_clear"}])


def test_unmonitored_cctv_only_helps_on_arrival_and_monitored_cctv_detects():
    s = _tiny(**{"incident.affected": [{"zone": "a", "for": "5 min"}], "venue.assets": [{"kind": "cctv", "zone": "a"}]})
    ev = run(s, seed=1).events
    assert [e.values["via"] for e in ev if e.kind == "info.known" and e.subject == "venue_control"] != ["cctv"]
    data = s.model_dump(mode="json", by_alias=True)
    data["detection"]["cctv"]["monitored"] = True
    data["detection"]["cctv"]["attention"] = 1.0  # an operator who always notices (attention: test_protective_measures.py)
    ev2 = run(scenario_from_dict(data), seed=1).events
    assert [e.values["via"] for e in ev2 if e.kind == "info.known" and e.subject == "venue_control"] == ["cctv"]


LONG = [{"zone": "yard", "for": "2 min"}, {"zone": "a", "for": "10 min"}, {"zone": "b", "for": "10 min"}]


def _mean(s, reps, metric):
    return float(np.mean([run(s, seed=seed).metrics[metric] or 0.0 for seed in range(reps)]))


def test_faster_notification_never_increases_mean_exposure():
    """Over 200 seeded replications (common random numbers), a 15 s message beats a 3 min one."""
    slow = _tiny(**{"incident.affected": LONG, "alerting.channels": [{"kind": "public_address", "activation": "3 min"}],
                    "alerting.plan": [{"when": "incident_known", "zones": "all", "action": "evacuate", "delay": "3 min"}]})
    fast = _tiny(**{"incident.affected": LONG, "alerting.channels": [{"kind": "public_address", "activation": "15 s"}],
                    "alerting.plan": [{"when": "incident_known", "zones": "all", "action": "evacuate", "delay": "15 s"}]})
    m_slow, m_fast = _mean(slow, 200, "incident.exposed_person_min"), _mean(fast, 200, "incident.exposed_person_min")
    # Tolerance: 1 % of the slow mean, for Monte Carlo noise that common random numbers do not remove.
    assert m_fast <= m_slow * 1.01, (m_fast, m_slow)
    assert m_fast < m_slow, "the lever must matter in this scenario, or the test proves nothing"


def test_earlier_containment_never_increases_mean_casualties():
    """Over 200 replications, a quicker containment after arrival does not raise mean casualties."""
    slow = _tiny(**{"incident.affected": LONG, "response.contain_after_arrival":
                    {"distribution": "lognormal", "median": "6 min", "p99": "20 min"}})
    fast = _tiny(**{"incident.affected": LONG, "response.contain_after_arrival":
                    {"distribution": "lognormal", "median": "1 min", "p99": "4 min"}})
    m_slow, m_fast = _mean(slow, 200, "casualties.total"), _mean(fast, 200, "casualties.total")
    # Tolerance: 1 % of the slower response's mean casualties.
    assert m_fast <= m_slow * 1.01, (m_fast, m_slow)
    assert m_fast < m_slow, "the lever must matter in this scenario, or the test proves nothing"
