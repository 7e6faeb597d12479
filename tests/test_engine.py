"""The engine's run loop: horizons, settling, stepping."""

from __future__ import annotations

from pathlib import Path

from simsoft import Simulation, load_scenario, run
from simsoft.loader import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]


def test_a_duration_shorter_than_recovery_ends_cleanly_at_the_horizon():
    s = load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml")
    data = s.model_dump(mode="json", by_alias=True)
    data["duration"] = "2 h"
    r = run(scenario_from_dict(data), seed=1)
    end = [e for e in r.events if e.kind == "run.end"][0]
    assert end.t_s == 7200.0 and end.values["reason"] == "duration"
    assert r.metrics["run.end_reason"] == "duration"


def test_stepping_to_a_time_then_continuing_equals_one_run():
    s = load_scenario(ROOT / "scenarios" / "community-hall.yaml")
    sim = Simulation(s, seed=4)
    sim.run_until(60.0)
    assert sim.now_s == 60.0
    sim.run_to_end()
    stepped = [e.to_dict() for e in sim.result().events]
    assert stepped == [e.to_dict() for e in run(s, seed=4).events]
