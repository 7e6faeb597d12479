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


def test_action_errors_name_the_real_problem():
    import pytest

    from simsoft import ActionError

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall.yaml"), seed=1)
    pending = len(sim._pending)  # the scenario's own scripted alarm
    cases = [
        ({"do": "evacuate", "zonez": ["main_hall"]}, r"^action zonez: unknown key$"),
        ({"do": "fly"}, r"^action do: 'fly' is not an action \(actions: 'alert', 'evacuate'"),
        ({"zones": "all"}, r"^action do: is required \(the verb, e\.g\. 'evacuate'\)$"),
        ({"do": "evacuate", "zones": ["nowhere"]}, r"^evacuate: unknown zone 'nowhere' \(known: courtyard"),
        ({"do": "close", "connection": "nope"}, r"^close: unknown connection 'nope'$"),
        ({"do": "evacuate", "zones": "all", "at": "5"}, r"^action at: is not a duration"),
    ]
    for action, message in cases:
        with pytest.raises(ActionError, match=message):
            sim.check(action)
    assert sim.check({"do": "evacuate", "zones": ["main_hall"], "at": "2 min"}).at == 120.0
    assert len(sim._pending) == pending, "check must not schedule anything"
