"""Orders are respected (issue 17): the engine's own plans can be switched to "teams decide", every override of an
order is an event with its reason, closed entries keep an incident out as reliably as a lockdown, and the AAR's
contrary-action rules find decisions that work against protection."""

from __future__ import annotations

from pathlib import Path

import pytest

from simsoft import Simulation, run
from simsoft.errors import ScenarioError
from simsoft.loader import scenario_from_dict
from simsoft.loader.variants import apply_overrides
from yard_venue import yard_venue

EXERCISES = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"

BASE = {
    "name": "orders",
    "venue": {**yard_venue(lockable=True, assets=True),
              "exits": [{"id": "street"}, {"id": "back"}, {"id": "lane"}]},
    "population": {"groups": [{"zone": "yard", "count": 30}, {"zone": "a", "count": 60}, {"zone": "b", "count": 20}],
                   "pre_movement": {"distribution": "lognormal", "median": "60 s", "p99": "4 min"}},
    "incident": {
        "label": "abstract incident", "kind": "assailant", "starts_at": "60 s",
        "affected": [{"zone": "yard", "for": "2 min"}, {"zone": "a", "for": "3 min"}],
        "intensity": {"casualties_per_exposed_person_minute": 0.0},
        "ends": {"when": "scripted", "at_latest": "5 min"},
    },
    "alerting": {"plan": [{"when": "incident_known", "zones": ["b"], "action": "lockdown"},
                          {"when": "incident_known", "zones": "others", "action": "evacuate", "away_from_affected": True}]},
    "response": {"units": [{"id": "patrol", "service": "police"}]},
    "duration": "40 min",
}
BASE["venue"]["connections"] = [*({**c, "lockable": True} for c in BASE["venue"]["connections"]),
                                {"id": "yard_lane", "from": "yard", "to": "lane", "width_m": 2.0, "lockable": True}]


def _scenario(**over):
    return scenario_from_dict(apply_overrides(BASE, over))


def _kinds(events, prefix):
    return [e for e in events if e.kind.startswith(prefix)]


def test_the_venue_plan_applies_itself_unless_teams_decide():
    auto = run(_scenario(), seed=3).events
    assert [e for e in auto if e.kind.startswith("action.") and e.values.get("source") == "plan"]
    teams = run(_scenario(automatic={"venue_plan": False}), seed=3).events
    assert not [e for e in teams if e.values.get("source") == "plan"]
    assert not _kinds(teams, "plan.")
    # occupants still flee what they perceive
    assert [e for e in teams if e.kind == "occupants.self_evacuate" and e.subject == "yard"]


def test_containment_leaves_team_cordons_alone_and_sets_none_when_teams_decide():
    s = _scenario(**{"incident.ends": {"when": "contained", "at_latest": "20 min"}})
    sim = Simulation(s, seed=1)
    sim.apply({"at": "30 s", "do": "cordon", "zones": ["b"], "level": "warm"})
    sim.run_to_end()
    levels = {e.subject: e.values["level"] for e in sim.recorder.events if e.kind == "response.cordon"}
    assert levels["b"] == "warm"  # containment did not re-level the team's zone
    assert {z for z in levels if z != "b"} == {"yard", "a"}  # the other zones got the engine's cordon
    off = s.model_copy(update={"automatic": s.automatic.model_copy(update={"police_cordon": False})})
    ev = run(off, seed=1).events
    assert [e for e in ev if e.kind == "response.contained"]
    assert not [e for e in ev if e.kind == "response.cordon"]


def test_an_order_undone_by_occupants_is_an_override_event_with_its_reason():
    s = _scenario(automatic={"venue_plan": False})
    sim = Simulation(s, seed=2)
    sim.apply({"at": "30 s", "do": "shelter", "zones": ["yard"], "note": "D1"}, source="team:venue")
    sim.run_to_end()
    (o,) = [e for e in sim.recorder.events if e.kind == "override.order" and e.subject == "yard"]
    assert o.values["order"] == "shelter" and o.values["ordered_by"] == "team:venue" and o.values["decision"] == "D1"
    assert o.values["by"] == "occupants" and o.values["now"] == "evacuate" and "see the incident" in o.values["reason"]
    assert o.t_s > 60.0  # when the incident reached the yard, not before


def test_orders_from_the_models_themselves_are_not_overrides():
    ev = run(_scenario(), seed=2).events
    assert not [e for e in ev if e.kind == "override.order" and e.values["ordered_by"] in ("plan", "occupants")]


def _entry(**over):
    return _scenario(**{"incident.enters_via": ["yard_street", "yard_lane"], "automatic": {"venue_plan": False}, **over})


def test_closed_entries_keep_the_incident_out_with_the_lockdown_integrity():
    kept = 0
    for seed in range(40):
        sim = Simulation(_entry(), seed=seed)
        sim.apply({"at": "10 s", "do": "close", "connection": "yard_street"})
        sim.apply({"at": "10 s", "do": "close", "connection": "yard_lane"})
        sim.run_to_end()
        out = [e for e in sim.recorder.events if e.kind == "incident.kept_out"]
        harmed = [e for e in sim.recorder.events if e.kind == "incident.zone_affected"]
        assert bool(out) == sim.incident.lock_holds["yard"]
        if out:
            kept += 1
            assert out[0].values["reason"] == "entry_closed" and not harmed
    assert 20 <= kept <= 39  # integrity 0.8: most worlds, never all of them
    # one way left open: no protection
    sim = Simulation(_entry(), seed=0)
    sim.apply({"at": "10 s", "do": "close", "connection": "yard_street"})
    sim.run_to_end()
    assert not [e for e in sim.recorder.events if e.kind == "incident.kept_out"]


def test_closed_doors_between_zones_keep_the_next_zone_out():
    seeds = [s for s in range(30) if Simulation(_scenario(), seed=s).incident.lock_holds["a"]][:3]
    for seed in seeds:
        sim = Simulation(_scenario(automatic={"venue_plan": False}), seed=seed)
        sim.apply({"at": "10 s", "do": "close", "connection": "yard_a"})
        sim.run_to_end()
        (e,) = [e for e in sim.recorder.events if e.kind == "incident.kept_out"]
        assert e.subject == "a" and e.values["reason"] == "doors_closed"


def test_enters_via_must_lead_into_the_first_zone():
    with pytest.raises(ScenarioError) as err:
        _scenario(**{"incident.enters_via": ["a_b", "nowhere"]})
    text = str(err.value)
    assert "incident.enters_via[0]" in text and "does not lead into the first affected zone 'yard'" in text
    assert "incident.enters_via[1]" in text and "is not a connection of the venue" in text


# ---------------------------------------------------------------------------------------------- exercises
def _played(name: str, decisions: str):
    from facilitator.conduct.session import Session
    from facilitator.conduct.store import play
    from facilitator.exercise.decisions import load_decisions
    from facilitator.exercise.loader import load_exercise

    session = Session(load_exercise(EXERCISES / f"{name}.yaml"), script=load_decisions(EXERCISES / decisions))
    play(session, close=False)
    return session


def test_exercises_leave_the_plan_and_cordons_to_their_teams():
    from facilitator.exercise.loader import load_exercise

    loaded = load_exercise(EXERCISES / "community-hall.yaml")
    assert loaded.scenario.automatic.venue_plan is False and loaded.scenario.automatic.police_cordon is False
    assert loaded.scenario.alerting.plan  # the scenario keeps its plan; the exercise does not apply it


def test_an_exercise_that_leaves_the_plan_to_nobody_is_refused(tmp_path):
    import yaml

    from facilitator.exercise.decisions import ExerciseError
    from facilitator.exercise.loader import load_exercise

    data = yaml.safe_load((EXERCISES / "community-hall.yaml").read_text(encoding="utf-8"))
    data["exercise"]["scenario"] = str(EXERCISES.parent / "community-hall-incident.yaml")
    t = next(t for t in data["teams"] if t["id"] == "venue")
    t["may"] = ["alert", "close", "open"]
    for inj in data["msel"]:
        inj["expect"] = [e for e in inj.get("expect", []) if e["team"] != "venue" or e["action"] in t["may"]]
        if inj.get("if_missing", {}).get("action") not in (None, "alert", "close", "open"):
            del inj["if_missing"]
    path = tmp_path / "ex.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ExerciseError, match="no player team may evacuate, shelter or lock down"):
        load_exercise(path)
    data["exercise"]["automatic"] = {"venue_plan": True}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_exercise(path).scenario.automatic.venue_plan is True


def test_contrary_plays_are_found_and_sensible_plays_are_not():
    from facilitator.evaluation.contrary import contrary_decisions, overrides

    sensible = _played("community-hall", "community-hall-decisions.yaml")
    assert contrary_decisions(sensible) == []
    contrary = _played("community-hall", "community-hall-contrary-decisions.yaml")
    found = {c.decision: c.rule for c in contrary_decisions(contrary)}
    assert set(found) == {"D2", "D3"}
    assert "had to flee the incident against the order" in found["D2"] or "where harm is happening" in found["D2"]
    assert found["D3"].startswith("closes foyer_street, a way out")
    over = [o for o in overrides(contrary) if o.by == "occupants"]
    assert over and over[0].decision == "D2" and over[0].zone == "main_hall"
    # controllers see it; the venue team sees its own order was not followed once its report delay has passed
    assert any("overridden by occupants" in line for line in contrary.sitrep("control"))
    assert any(line.startswith("your order was not followed") for line in contrary.sitrep("venue"))
    assert not any("not followed" in line for line in contrary.sitrep("police"))


def test_stadium_contrary_route_through_the_harm_is_found():
    from facilitator.evaluation.contrary import contrary_decisions

    found = contrary_decisions(_played("stadium", "stadium-contrary-decisions.yaml"))
    assert any("only to exits reached through the harm (plaza_east)" in c.rule for c in found)
    assert contrary_decisions(_played("stadium", "stadium-decisions.yaml")) == []


def test_people_on_their_way_out_go_round_the_harm():
    def exits(detour: str) -> dict[str, float]:
        s = _scenario(automatic={"venue_plan": False}, **{"alerting.harm_detour": detour,
                                                           "population.groups[1].count": 200,
                                                           "incident.affected": [{"zone": "yard", "for": "10 min"}],
                                                           "incident.ends": {"when": "scripted", "at_latest": "10 min"}})
        sim = Simulation(s, seed=4)
        sim.apply({"at": "65 s", "do": "evacuate", "zones": ["a"]}, source="team:venue")
        sim.run_until(400.0)
        return sim.observe().exited_by_exit

    through, round_ = exits("1 s"), exits("5 min")
    # Hall a's people queue for the back (through room b) rather than cross the yard where harm is happening.
    assert round_.get("back", 0.0) > through.get("back", 0.0) + 10
    assert round_.get("street", 0.0) + round_.get("lane", 0.0) < through.get("street", 0.0) + through.get("lane", 0.0)
