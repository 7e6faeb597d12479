"""Small scenario builders shared by the egress tests (plain dicts, seconds as bare numbers)."""

from __future__ import annotations

from typing import Any

from simsoft.engine import Simulation
from simsoft.models.egress import egress_metrics
from simsoft.schema import Scenario


def room(count: int = 100, *, door_m: float = 1.0, area: float = 40.0, pre: float = 0.0, **egress: Any) -> dict[str, Any]:
    """One room, one door to one exit."""
    return {
        "name": "room",
        "venue": {
            "zones": [{"id": "room", "area_m2": area}],
            "connections": [{"id": "door", "from": "room", "to": "out", "width_m": door_m}],
            "exits": [{"id": "out"}],
        },
        "population": {"groups": [{"zone": "room", "count": count}], "pre_movement": {"distribution": "fixed", "value": pre}},
        "egress": egress,
        "actions": [{"do": "evacuate", "zones": "all", "at": 0}],
    }


def two_rooms() -> dict[str, Any]:
    """A hall with a lockable door to a side room; the hall has two exits."""
    return {
        "name": "two rooms",
        "venue": {
            "zones": [{"id": "hall", "area_m2": 200}, {"id": "side", "area_m2": 50}],
            "connections": [
                {"id": "side_door", "from": "side", "to": "hall", "width_m": 1.0, "lockable": True},
                {"id": "front", "from": "hall", "to": "street", "width_m": 2.0},
                {"id": "back", "from": "hall", "to": "yard", "kind": "corridor", "width_m": 1.5, "length_m": 15},
            ],
            "exits": [{"id": "street"}, {"id": "yard"}],
        },
        "population": {
            "groups": [{"zone": "hall", "count": 150}, {"zone": "side", "count": 40}],
            "pre_movement": {"distribution": "lognormal", "median": 20, "p99": 60},
        },
        "actions": [],
    }


def simulate(data: dict[str, Any], *, seed: int = 1, actions=(), until: float | None = None) -> Simulation:
    """Run a scenario dict to its end (or to ``until``) and return the simulation."""
    sim = Simulation(Scenario.model_validate(data), seed=seed)
    for a in actions:
        sim.apply(a)
    if until is None:
        sim.run_to_end()
    else:
        sim.run_until(until)
    return sim


def metrics(sim: Simulation) -> dict[str, Any]:
    return egress_metrics(sim.scenario, sim.recorder.events, sim.recorder.timeseries)


def kinds(sim: Simulation, kind: str) -> list:
    return [e for e in sim.recorder.events if e.kind == kind]
