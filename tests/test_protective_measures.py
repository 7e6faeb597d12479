"""Protective measures and detection as probabilities: barriers, lockdown integrity, access control, CCTV, staff."""

from __future__ import annotations

import numpy as np
import pytest

from simsoft import ScenarioError, Simulation, run
from simsoft.experiments.parameters import list_parameters
from simsoft.loader import scenario_from_dict
from simsoft.loader.variants import apply_overrides
from yard_venue import yard_venue

BASE = {
    "name": "measures",
    "venue": yard_venue(lockable=True),
    "population": {"groups": [{"zone": "yard", "count": 30}, {"zone": "a", "count": 60}, {"zone": "b", "count": 20}],
                   "pre_movement": {"distribution": "lognormal", "median": "30 s", "p99": "2 min"}},
    "incident": {
        "label": "abstract incident", "kind": "vehicle", "starts_at": "30 s",
        "affected": [{"zone": "yard", "for": "1 min"}, {"zone": "a", "for": "2 min"}],
        "intensity": {"casualties_per_exposed_person_minute": 0.02},
    },
    "alerting": {"plan": [{"when": "incident_known", "zones": ["a"], "action": "lockdown"}]},
    "response": {"units": [{"id": "p1", "service": "police"}], "all_clear_after": "5 min"},
    "duration": "40 min",
}


def _scenario(**over):
    return scenario_from_dict(apply_overrides(BASE, over))


def _within_binomial(hits: int, n: int, p: float) -> bool:
    """``hits`` of ``n`` is within 4 standard deviations of ``p`` (a false alarm about 1 in 16,000)."""
    sd = np.sqrt(p * (1 - p) / n)
    return abs(hits / n - p) <= 4 * sd + 1e-12


def _barrier(**extra):
    return {"kind": "vehicle_barrier", "connection": "yard_a", **extra}


N = 400


@pytest.mark.parametrize(("extra", "over", "p"), [
    ({"effectiveness": 0.7}, {}, 0.7),
    ({}, {"alerting.protection": {"vehicle_barrier": 0.85}}, 0.85),
    ({"rated": False}, {"alerting.protection": {"vehicle_barrier_unrated": 0.3}}, 0.3),
])
def test_barrier_stop_share_matches_its_effectiveness(extra, over, p):
    s = _scenario(**{"venue.assets": [_barrier(**extra)], **over})
    stops = sum("a" in Simulation(s, seed=seed).incident.barred for seed in range(N))
    assert _within_binomial(stops, N, p), stops / N


def test_a_certain_barrier_reproduces_the_old_behaviour_and_a_failed_one_is_recorded():
    sure = _scenario(**{"venue.assets": [_barrier(effectiveness=1.0)], "alerting.plan": []})
    for seed in range(5):
        kept = [e for e in run(sure, seed=seed).events if e.kind == "incident.kept_out"]
        assert {e.values["reason"] for e in kept} == {"vehicle_barrier"}
    never = _scenario(**{"venue.assets": [_barrier(effectiveness=0.0)], "alerting.plan": []})
    ev = run(never, seed=1).events
    assert not [e for e in ev if e.kind == "incident.kept_out"]
    failed = [e for e in ev if e.kind == "incident.protection_failed"]
    assert failed and failed[0].values["measures"] == ["vehicle_barrier"]


def test_lockdown_integrity_share_and_certainty():
    p = 0.6
    s = _scenario(**{"alerting.protection": {"lockdown_integrity": p}})
    holds = sum(Simulation(s, seed=seed).incident.lock_holds["a"] for seed in range(N))
    assert _within_binomial(holds, N, p), holds / N
    sure = _scenario(**{"alerting.protection": {"lockdown_integrity": 1.0}, "incident.kind": "assailant"})
    kept = [e for e in run(sure, seed=3).events if e.kind == "incident.kept_out"]
    assert [(e.subject, e.values["reason"]) for e in kept] == [("a", "lockdown")]
    leaky = _scenario(**{"alerting.protection": {"lockdown_integrity": 0.0}, "incident.kind": "assailant"})
    ev = run(leaky, seed=3).events
    assert not [e for e in ev if e.kind == "incident.kept_out"]
    assert [e.values["measures"] for e in ev if e.kind == "incident.protection_failed"] == [["lockdown"]]


def test_access_control_defaults_to_the_protection_block():
    s = _scenario(**{"incident.access_control": [{"zones": ["a"]}], "alerting.protection": {"access_control": 0.25}})
    kept = sum("a" in Simulation(s, seed=seed).incident.kept_out for seed in range(N))
    assert _within_binomial(kept, N, 0.25), kept / N
    fixed = _scenario(**{"incident.access_control": [{"zones": ["a"], "keep_out_probability": 1.0}],
                         "alerting.protection": {"access_control": 0.0}})
    assert all("a" in Simulation(fixed, seed=seed).incident.kept_out for seed in range(20))


def _cctv_reports(attention: float, seeds: range) -> tuple[int, int]:
    s = _scenario(**{"incident.kind": "assailant", "alerting.plan": [], "detection": {"cctv": {"monitored": True, "attention": attention}},
                     "venue.assets": [{"kind": "cctv", "zone": "a"}]})
    seen = missed = 0
    for seed in seeds:
        sim = Simulation(s, seed=seed)
        sim.detection.zone_affected("a", True)
        sim.run_until(1.0)
        ev = sim.recorder.events
        missed += sum(1 for e in ev if e.kind == "info.missed" and e.values["via"] == "cctv")
        seen += 1
    return seen - missed, seen


def test_cctv_attention_share():
    noticed, n = _cctv_reports(0.7, range(N))
    assert _within_binomial(noticed, n, 0.7), noticed / n
    assert _cctv_reports(1.0, range(20)) == (20, 20)
    assert _cctv_reports(0.0, range(20)) == (0, 20)


def test_certain_cctv_and_staff_detect_as_before_and_missing_staff_never_report():
    s = _scenario(**{"incident.kind": "assailant", "alerting.plan": [], "venue.assets": [{"kind": "cctv", "zone": "a"}],
                     "incident.affected": [{"zone": "a", "for": "5 min"}],
                     "detection": {"cctv": {"monitored": True, "attention": 1.0}}})
    ev = run(s, seed=2).events
    assert [e.values["via"] for e in ev if e.kind == "info.known" and e.subject == "venue_control"] == ["cctv"]
    blind = _scenario(**{"incident.kind": "assailant", "alerting.plan": [],
                         "detection": {"staff": {"probability": 0.0, "adjacent_probability": 0.0}}})
    ev = run(blind, seed=2).events
    assert "staff" not in [e.values["via"] for e in ev if e.kind == "info.known"]
    assert [e.values["via"] for e in ev if e.kind == "info.missed"] == ["staff", "staff"]


def test_effectiveness_is_for_vehicle_barriers_only():
    with pytest.raises(ScenarioError, match="vehicle barriers only"):
        _scenario(**{"venue.assets": [{"kind": "cctv", "zone": "a", "effectiveness": 0.5}]})
    with pytest.raises(ScenarioError, match="effectiveness"):
        _scenario(**{"venue.assets": [_barrier(effectiveness=1.5)]})


def test_protection_is_ranged_and_same_seed_is_identical():
    paths = {p.path for p in list_parameters(_scenario())}
    assert {"alerting.protection.vehicle_barrier", "alerting.protection.lockdown_integrity",
            "alerting.protection.access_control", "detection.cctv.attention", "detection.staff.probability"} <= paths
    assert not any(p.startswith("incident") for p in paths)
    s = _scenario(**{"venue.assets": [_barrier(effectiveness=0.5)]})
    a = [e.to_dict() for e in run(s, seed=9).events]
    assert a == [e.to_dict() for e in run(s, seed=9).events]
