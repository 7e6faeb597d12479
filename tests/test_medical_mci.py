"""The major-incident (mass-casualty) ambulance mode: loads, declaration by scenario or decision, no change without it."""

from __future__ import annotations

import simpy
import pytest

from simsoft import ActionError, ScenarioError, run
from simsoft.loader import scenario_from_dict
from simsoft.loader.variants import apply_overrides
from simsoft.models.medical import AmbulanceFleet, Casualty, CollectionPoint, HospitalModel
from simsoft.records import Recorder
from simsoft.runfolder import events_jsonl
from simsoft.schema.medical import Ambulances, Hospital, MassCasualtyMode, OtherVehicles

RANK = {"immediate": 0, "delayed": 1, "expectant": 2, "minor": 3}


def _fleet(mci: MassCasualtyMode | None, casualties: list[str], *, ambulances: int = 1):
    env = simpy.Environment()
    rec = Recorder()
    hosp = HospitalModel(Hospital(id="h", travel=600.0, critical_per_hour=1000.0, full_plan_after=None, beds=1000),
                         env=env, recorder=rec)
    ccp = CollectionPoint(env, RANK)
    fleet = AmbulanceFleet(Ambulances(load_time=300.0, handover_time=900.0), env=env, recorder=rec, ccp=ccp,
                           hospitals=[hosp], policy=lambda: "nearest")
    fleet.mci = mci
    for i, cls in enumerate(casualties):
        ccp.ready(Casualty(id=f"c{i}", index=i, zone="z", cause="incident", cls=cls, t_injured=0.0))
    for _ in range(ambulances):
        fleet.send(0.0, source="test")
    env.run(until=24 * 3600.0)
    return [e for e in rec.events if e.kind == "medical.transport"]


NO_OTHERS = OtherVehicles(count=0)


def test_two_patients_per_vehicle_halve_the_trips():
    normal = _fleet(None, ["delayed"] * 20)
    mci = _fleet(MassCasualtyMode(patients_per_vehicle=2, other_vehicles=NO_OTHERS), ["delayed"] * 20)
    assert len(normal) == 20 and all(len(e.values["patients"]) == 1 for e in normal)
    assert len(mci) == 10 and all(len(e.values["patients"]) == 2 for e in mci)
    # Short handover as well: a cycle is 5 load + 10 out + 5 handover + 10 back = 30 min instead of 40.
    assert [e.t_s for e in mci][:3] == [300.0, 300.0 + 1800.0, 300.0 + 3600.0]
    assert [e.t_s for e in normal][:3] == [300.0, 300.0 + 2400.0, 300.0 + 4800.0]


def test_a_single_stretcher_patient_takes_a_walking_casualty_along_and_priority_is_kept():
    loads = _fleet(MassCasualtyMode(patients_per_vehicle=2, walking_with_stretcher=1, other_vehicles=NO_OTHERS),
                   ["minor", "minor", "immediate", "delayed", "immediate"])
    assert [e.values["triage"] for e in loads] == [["immediate", "immediate"], ["delayed", "minor"], ["minor"]]


# -- scenarios ------------------------------------------------------------------------------------
def _scene(**over):
    """A hall whose incident leaves many stretcher casualties for two ambulances and one far hospital."""
    data = {
        "name": "mci-scene",
        "venue": {
            "zones": [{"id": "hall", "kind": "hall", "area_m2": 400}, {"id": "lobby", "kind": "concourse", "area_m2": 100}],
            "exits": [{"id": "street", "assembly_point": True}],
            "connections": [{"id": "hall_lobby", "from": "hall", "to": "lobby", "width_m": 2.0},
                            {"id": "lobby_street", "from": "lobby", "to": "street", "width_m": 2.0}],
        },
        "population": {"groups": [{"zone": "hall", "count": 400}],
                       "pre_movement": {"distribution": "lognormal", "median": "1 min", "p99": "4 min"}},
        "incident": {"label": "abstract incident", "kind": "explosion", "affected": [{"zone": "hall", "for": "1 min"}],
                     "intensity": {"casualties_per_exposed_person_minute": 1.0, "max_casualties": 40},
                     "ends": {"when": "scripted", "at_latest": "1 min"}},
        "response": {"units": [{"id": "p1", "service": "police"}], "all_clear_after": "20 min"},
        "medical": {
            "triage_mix": {"immediate": 0.3, "delayed": 0.4, "minor": 0.3, "expectant": 0.0, "dead": 0.0},
            "self_presentation": {"minor": 0.0, "delayed": 0.0, "immediate": 0.0},
            "scene": {"bearers": 20, "stretchers": 10, "triage_teams": 4},
            "ambulances": {"initial": 2},
            "major_incident": {"declared": "never"},
            "hospitals": [{"id": "far", "travel": "20 min", "full_plan_after": None, "beds": 200}],
        },
        "duration": "12 h",
    }
    return scenario_from_dict(apply_overrides(data, over))


def _of(events, kind):
    return [e for e in events if e.kind == kind]


def test_without_a_declaration_the_run_is_unchanged_whatever_the_mci_settings():
    base = _scene()
    wild = _scene(**{"medical.ambulances.mci": {"patients_per_vehicle": 4, "handover": "1 min", "additional_ambulances": 9,
                                                 "other_vehicles": {"count": 5, "capacity": 40}}})
    late = _scene(**{"medical.major_incident": {"declared": "auto", "after": "30 d"}})
    for seed in (1, 2, 3):
        ref = events_jsonl(run(base, seed=seed))
        assert "medical.major_incident" not in ref
        assert events_jsonl(run(wild, seed=seed)) == ref
        assert events_jsonl(run(late, seed=seed)) == ref


def test_auto_declaration_comes_after_ems_knows_and_switches_the_mode_on():
    s = _scene(**{"medical.major_incident": {"declared": "auto", "after": "4 min"}})
    r = run(s, seed=1)
    ems = next(e.t_s for e in r.events if e.kind == "info.known" and e.subject == "ems")
    (declared,) = _of(r.events, "medical.major_incident")
    assert declared.t_s == pytest.approx(ems + 240.0) and declared.values["source"] == "auto"
    plans = [e for e in _of(r.events, "medical.hospital_plan") if e.values["reason"] == "major_incident"]
    assert [e.subject for e in plans] == ["far"] and plans[0].t_s == declared.t_s
    stretcher = [e for e in _of(r.events, "medical.transport") if e.subject.startswith("amb")]
    assert any(len(e.values["patients"]) == 2 for e in stretcher)
    # Other vehicles only ever take walking casualties.
    others = [e for e in _of(r.events, "medical.transport") if e.subject.startswith("veh")]
    assert others and all(set(e.values["triage"]) == {"minor"} for e in others)
    assert len(_of(r.events, "medical.vehicle_arrived")) == 2


def test_the_declaration_verb_switches_the_mode_on_mid_run_and_twice_is_harmless():
    s = _scene()
    r = run(s, seed=2, actions=[{"at": "40 min", "do": "major_incident"}, {"at": "50 min", "do": "major_incident"}])
    (declared,) = _of(r.events, "medical.major_incident")
    assert declared.t_s == 2400.0 and declared.values["source"] == "decision"
    acts = _of(r.events, "action.major_incident")
    assert [a.values.get("rejected") for a in acts] == [None, "major incident already declared"]
    loads = [(e.t_s, sum(t != "minor" for t in e.values["triage"])) for e in _of(r.events, "medical.transport")
             if e.subject.startswith("amb") and set(e.values["triage"]) != {"minor"}]
    assert loads and all(n == 1 for t, n in loads if t < 2400.0)
    assert any(n == 2 for t, n in loads if t >= 2400.0)
    # Two trips' worth of patients per cycle: the last stretcher patient leaves earlier than without the declaration.
    last = max(t for t, _ in loads)
    last_never = max(e.t_s for e in _of(run(s, seed=2).events, "medical.transport"))
    assert last < last_never


def test_the_declaration_verb_rejects_unknown_fields_and_needs_a_medical_block():
    s = _scene()
    with pytest.raises(ActionError, match=r"^action when: unknown key$"):
        run(s, seed=1, actions=[{"do": "major_incident", "when": "now"}])
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("medical")
    data["actions"] = [{"do": "major_incident"}]
    with pytest.raises(ScenarioError, match=r"actions\[0\]\.do.*major_incident.*needs a medical block"):
        scenario_from_dict(data)


def test_additional_ambulances_come_from_their_own_stream():
    s = _scene(**{"medical.major_incident": {"declared": "auto", "after": "2 min"},
                  "medical.ambulances.mci": {"additional_ambulances": 3}})
    r = run(s, seed=4)
    assert r.metrics["medical.ambulances_arrived"] == 5
    requested = _of(r.events, "medical.ambulances_requested")
    assert [e.values["source"] for e in requested] == ["major_incident"]
    # A decision's request draws its arrival times from the decisions' stream, untouched by the declaration.
    ask = [{"at": "1 h", "do": "request_ambulances", "count": 1}]
    with_decl = [e.t_s for e in run(s, seed=4, actions=ask).events if e.kind == "medical.ambulance_arrived"]
    without = [e.t_s for e in run(_scene(), seed=4, actions=ask).events if e.kind == "medical.ambulance_arrived"]
    assert max(with_decl) == max(without)
