"""Invariants of the egress model on random venues (hypothesis).

* people are conserved at every step (inside + out + removed = N);
* no node exceeds its density cap, except nodes that start above it, which only empty;
* no link carries more than its capacity in a step (at least one whole person: see the model);
* closing an exit never shortens the evacuation; widening an exit door never lengthens it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simsoft.engine import Simulation
from simsoft.schema import Scenario

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def venues(draw) -> dict[str, Any]:
    """A main room with 1-4 ways out (doors or corridors to exits), fed by a chain of 0-2 rooms."""
    n_up = draw(st.integers(0, 2))
    n_exits = draw(st.integers(1, 4))
    zones = [{"id": "main", "area_m2": draw(st.floats(20, 400))}]
    conns = []
    groups = [{"zone": "main", "count": draw(st.integers(0, 300))}]
    prev = "main"
    for i in range(n_up):
        zid = f"up{i}"
        zones.append({"id": zid, "area_m2": draw(st.floats(10, 200))})
        conns.append({"id": f"d_{zid}", "from": zid, "to": prev, "width_m": draw(st.floats(0.8, 2.5))})
        groups.append({"zone": zid, "count": draw(st.integers(0, 200))})
        prev = zid
    exits = []
    for j in range(n_exits):
        exits.append({"id": f"x{j}"})
        if draw(st.booleans()):
            conns.append({"id": f"e{j}", "from": "main", "to": f"x{j}", "width_m": draw(st.floats(0.8, 3.0))})
        else:
            conns.append(
                {
                    "id": f"e{j}",
                    "from": "main",
                    "to": f"x{j}",
                    "kind": "corridor",
                    "width_m": draw(st.floats(1.0, 3.0)),
                    "length_m": draw(st.floats(5, 40)),
                }
            )
    pre = draw(st.sampled_from([{"distribution": "fixed", "value": 0.0}, {"distribution": "uniform", "low": 0.0, "high": 30.0}]))
    return {
        "name": "random",
        "venue": {"zones": zones, "connections": conns, "exits": exits},
        "population": {"groups": groups, "pre_movement": pre},
        "egress": {"max_density_p_m2": draw(st.floats(2.0, 4.0)), "time_step": 1.0, "replan_every": draw(st.sampled_from([1.0, 5.0]))},
        "actions": [{"do": "evacuate", "zones": "all", "at": 0}],
        "duration": 20000,
    }


def _run(data: dict[str, Any], *, actions=(), check=None) -> Simulation:
    sim = Simulation(Scenario.model_validate(data), seed=5)
    if check is not None:
        model = sim.egress
        original = model._step

        def checked(t0: float, t1: float) -> None:
            original(t0, t1)
            check(model)

        model._step = checked  # type: ignore[method-assign]
    for a in actions:
        sim.apply(a)
    sim.run_to_end()
    return sim


def _t100(sim: Simulation) -> float:
    for e in sim.recorder.events:
        if e.kind == "egress.milestone" and e.values["pct"] == 100:
            return e.values["at_s"]
    return float("inf")


@SETTINGS
@given(venues())
def test_conservation_density_cap_and_link_capacity_every_step(data):
    total = sum(g["count"] for g in data["population"]["groups"])
    state: dict[str, Any] = {}

    def check(model) -> None:
        occ = model.occupancy_nodes()
        assert abs(occ.sum() + model.state.exited.sum() + model.removed_total - total) < 1e-6
        assert (occ >= -1e-9).all()
        if "start" not in state:
            state["start"] = occ.copy()
            state["prev"] = occ.copy()
        over = model.net.cap_people
        start_above = state["start"] > over + 1e-9
        assert (occ[~start_above] <= over[~start_above] + 1e-6).all()
        # A node that started above its cap only empties until it is below the cap.
        still = start_above & (state["prev"] > over)
        assert (occ[still] <= state["prev"][still] + 1e-6).all()
        state["prev"] = occ.copy()
        flow = model.state.last_flow_dl[0::2] + model.state.last_flow_dl[1::2]
        assert (flow <= model.state.burst + 1e-9).all()

    sim = _run(data, check=check)
    assert sim.egress.exited_total == np.float64(sim.egress.exited_total)
    assert abs(sim.egress.exited_total - total) < 1e-6


@SETTINGS
@given(venues(), st.data())
def test_closing_an_exit_never_shortens_evacuation(data, pick):
    n_exits = len(data["venue"]["exits"])
    if n_exits < 2 or sum(g["count"] for g in data["population"]["groups"]) == 0:
        return
    j = pick.draw(st.integers(0, n_exits - 1))
    full = _t100(_run(data))
    fewer = _t100(_run(data, actions=[{"do": "close", "connection": f"e{j}", "at": "0 s"}]))
    assert fewer >= full - 1.0  # one step


@SETTINGS
@given(venues(), st.data())
def test_widening_an_exit_never_lengthens_evacuation(data, pick):
    if sum(g["count"] for g in data["population"]["groups"]) == 0:
        return
    exits = [i for i, c in enumerate(data["venue"]["connections"]) if c["id"].startswith("e")]
    i = pick.draw(st.sampled_from(exits))
    extra = pick.draw(st.floats(0.1, 2.0))
    base = _t100(_run(data))
    data["venue"]["connections"][i]["width_m"] += extra
    wider = _t100(_run(data))
    assert wider <= base + 1.0  # one step
