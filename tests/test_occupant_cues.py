"""Occupants react to what they perceive: within seconds in the affected zone, partly next door, not farther away."""

from __future__ import annotations

import numpy as np

from simsoft import run
from simsoft.loader import scenario_from_dict
from simsoft.loader.variants import apply_overrides
from yard_venue import yard_venue

BASE = {
    "name": "cues",
    "venue": yard_venue(lockable=False, assets=False),
    "population": {"groups": [{"zone": "yard", "count": 30}, {"zone": "a", "count": 60}, {"zone": "b", "count": 20}],
                   "pre_movement": {"distribution": "lognormal", "median": "60 s", "p99": "4 min"}},
    "incident": {
        "label": "abstract incident", "kind": "assailant", "starts_at": "30 s",
        "affected": [{"zone": "yard", "for": "5 min"}],
        "intensity": {"casualties_per_exposed_person_minute": 0.0},
        "ends": {"when": "scripted", "at_latest": "5 min"},
    },
    # No staff, cameras, channels or plan: nobody is told anything, so only occupants' own cues act.
    "detection": {"public_calls": {"first_call": {"distribution": "fixed", "value": "1 h"}}},
    "duration": "30 min",
}


def _scenario(**over):
    return scenario_from_dict(apply_overrides(BASE, over))


def _cues(events, zone, cue):
    return [e for e in events if e.kind.startswith("occupants.") and e.subject == zone and e.values["cue"] == cue]


def _occupancy(result, zone, t_s):
    t, v = result.timeseries.select("occupants", zone)
    return float(np.interp(t_s, t, v))


def test_the_affected_zone_reacts_within_seconds_and_leaves_fast():
    s = _scenario()
    delays = []
    for seed in range(30):
        ev = run(s, seed=seed).events
        (cue,) = _cues(ev, "yard", "direct")
        assert cue.kind == "occupants.self_evacuate" and cue.values["people"] == 30
        delays.append(cue.t_s - 30.0)
    assert 2.0 < float(np.median(delays)) < 10.0
    assert max(delays) < 60.0
    # Against the old behaviour (median 30 s to notice, then the full fire-drill pre-movement).
    old = _scenario(**{"alerting": {"occupant_cue_delay": {"distribution": "lognormal", "median": "30 s", "p99": "2 min"},
                                    "occupant_pre_movement_factor": 1.0}})
    new_left = np.mean([30 - _occupancy(run(s, seed=seed), "yard", 60.0) for seed in range(8)])
    old_left = np.mean([30 - _occupancy(run(old, seed=seed), "yard", 60.0) for seed in range(8)])
    assert new_left > 20 and new_left > 3 * max(old_left, 1.0)


def test_adjacent_zones_react_partly_and_far_zones_not():
    p, n = 0.5, 60
    s = _scenario(**{"alerting": {"adjacent_cue": {"probability": p}}})
    hits = 0
    for seed in range(n):
        ev = run(s, seed=seed).events
        near = _cues(ev, "a", "adjacent")
        assert all(e.values["near"] == "yard" for e in near)
        hits += bool(near)
        assert not _cues(ev, "b", "adjacent") and not _cues(ev, "b", "direct")
        if near:
            assert near[0].kind == "occupants.self_evacuate"
    sd = np.sqrt(p * (1 - p) / n)
    assert abs(hits / n - p) <= 4 * sd
    for prob, expected in ((1.0, n // 6), (0.0, 0)):
        s = _scenario(**{"alerting": {"adjacent_cue": {"probability": prob}}})
        assert sum(bool(_cues(run(s, seed=seed).events, "a", "adjacent")) for seed in range(n // 6)) == expected


def test_adjacent_occupants_leave_sooner_than_farther_ones():
    s = _scenario(**{"alerting": {"adjacent_cue": {"probability": 1.0}}})
    r = run(s, seed=4)
    assert _occupancy(r, "a", 240.0) < 0.5 * 60
    assert _occupancy(r, "b", 240.0) >= 20 - 1e-9  # nobody told them, and they neither see nor hear it


def test_adjacent_occupants_hide_per_the_plan_and_keep_an_order():
    hide = _scenario(**{"alerting": {"adjacent_cue": {"probability": 1.0},
                                     "plan": [{"when": "incident_known", "zones": ["a"], "action": "shelter"}]}})
    ev = run(hide, seed=2).events
    (cue,) = _cues(ev, "a", "adjacent")
    assert cue.kind == "occupants.hide"
    assert [e.values["source"] for e in ev if e.kind == "action.shelter"] == ["occupants"]
    ordered = _scenario(**{"alerting": {"adjacent_cue": {"probability": 1.0}},
                           "actions": [{"at": "10 s", "do": "shelter", "zones": ["a"]}]})
    ev = run(ordered, seed=2).events
    (cue,) = _cues(ev, "a", "adjacent")
    assert cue.kind == "occupants.noticed"
    assert not [e for e in ev if e.kind == "action.evacuate" and e.values.get("zones") == ["a"]]


def test_cues_are_deterministic():
    s = _scenario(**{"alerting": {"adjacent_cue": {"probability": 0.5}}})
    a = [e.to_dict() for e in run(s, seed=11).events]
    assert a == [e.to_dict() for e in run(s, seed=11).events]
    assert any(e["kind"].startswith("occupants.") for e in a)
