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
        ({"do": "evacuate", "zones": "all", "at": "5"}, r"^action at: needs a unit"),
            ({"do": "evacuate", "zones": "all", "at": "-5 s"}, r"^action at: cannot be negative"),
    ]
    for action, message in cases:
        with pytest.raises(ActionError, match=message):
            sim.check(action)
    assert sim.check({"do": "evacuate", "zones": ["main_hall"], "at": "2 min"}).at == 120.0
    assert len(sim._pending) == pending, "check must not schedule anything"


# ---------------------------------------------------------------------------- observation
def test_observe_is_a_frozen_snapshot_that_conserves_people_and_agrees_with_the_records():
    import dataclasses

    import pytest

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml"), seed=3)
    seen = []
    for t in (0.0, 90.0, 240.0, 600.0, 1800.0):
        sim.run_until(t)
        obs = sim.observe()
        seen.append(obs)
        assert obs.t_s == t
        assert obs.inside + obs.exited + obs.removed == pytest.approx(obs.population, abs=1e-6)
        assert sum(obs.occupancy.values()) == pytest.approx(obs.inside, abs=1e-6)
        events = sim.recorder.events
        assert obs.casualties == sum(1 for e in events if e.kind == "casualty.injured")
        on_scene = {e.subject for e in events if e.kind == "response.on_scene"}
        assert {u for u, s in obs.units.items() if s == "on scene"} == on_scene
        assert set(obs.hospitals) == {h.id for h in sim.scenario.medical.hospitals}
    # Snapshots do not move with the simulation, and cannot be changed.
    assert [o.t_s for o in seen] == [0.0, 90.0, 240.0, 600.0, 1800.0]
    assert seen[0].exited == 0.0 and seen[-1].exited > 0.0
    assert seen[-1].incident is not None and seen[-1].incident.started and seen[0].incident.started is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        seen[0].inside = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        seen[0].occupancy["hall"] = 1.0  # type: ignore[index]


def test_observing_changes_nothing():
    s = load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml")
    sim = Simulation(s, seed=5)
    for t in range(0, 3600, 45):
        sim.run_until(float(t))
        sim.observe()
    sim.run_to_end()
    assert [e.to_dict() for e in sim.result().events] == [e.to_dict() for e in run(s, seed=5).events]


def test_a_closed_connection_and_a_lockdown_show_in_the_snapshot():
    s = load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml")
    sim = Simulation(s, seed=1)
    conn = s.venue.connections[0].id
    sim.apply({"do": "close", "connection": conn, "at": "0 s"})
    sim.run_until(1.0)
    obs = sim.observe()
    assert obs.closed[conn] == ("closed",)
    sim.apply({"do": "open", "connection": conn, "at": "2 s"})
    sim.run_until(3.0)
    assert conn not in sim.observe().closed


# ---------------------------------------------------------------------------- action tables
def _verbs() -> set[str]:
    import typing

    from simsoft.schema import Action

    union = typing.get_args(typing.get_args(Action)[0])
    return {typing.get_args(cls.model_fields["do"].annotation)[0] for cls in union}


def test_every_action_has_exactly_one_owning_model():
    from simsoft.models.medical import MedicalModel
    from simsoft.models.recovery import RecoveryModel
    from simsoft.models.incident import ResponseModel

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml"), seed=1)
    assert set(sim._actions) == _verbs()
    owned = [*ResponseModel.ACTIONS, *MedicalModel.ACTIONS, *RecoveryModel.ACTIONS,
             "alert", "evacuate", "shelter", "lockdown", "release", "close", "open"]
    assert sorted(owned) == sorted(_verbs())


def test_an_action_for_a_model_the_scenario_lacks_is_refused_with_the_reason():
    import pytest

    from simsoft import ActionError

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall.yaml"), seed=1)  # no incident
    for action, message in [
        ({"do": "dispatch", "unit": "x"}, "dispatch: the scenario has no incident, so there is no response"),
        ({"do": "warm_zone", "policy": "rescue_task_force"}, "warm_zone: the scenario has no medical block"),
        ({"do": "recovery", "phase": "clean_up", "duration": "1 h"}, "recovery: the scenario has no recovery block"),
    ]:
        with pytest.raises(ActionError, match=message):
            sim.check({**action, "at": "0 s"})


def test_models_own_actions_take_bare_seconds_but_decisions_need_units():
    import pytest

    from simsoft import ActionError

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall.yaml"), seed=1)
    assert sim.check({"do": "evacuate", "zones": "all", "at": 30}, units_required=False).at == 30.0
    with pytest.raises(ActionError, match=r"^action at: needs a unit"):
        sim.check({"do": "evacuate", "zones": "all", "at": 30})
