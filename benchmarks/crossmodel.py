"""Cross-model comparison of simsoft's egress model with JuPedSim and jupedsim-network.

Optional and outside CI: it needs ``pip install jupedsim==1.4.2 shapely jupedsim-network``.
``python benchmarks/crossmodel.py`` runs three geometries through every model that is installed
and prints a table of evacuation times (100 % out, seconds):

- ``room-1m``: IMO MSC.1/Circ.1533 test 4, 100 people in an 8 x 5 m room, 1 m door centred in a
  5 m wall;
- ``room-2m``: the same room with a 2 m door;
- ``rimea12``: RiMEA test 12, 150 people in a 10 x 10 m room, a 1 m wide, 5 m long corridor, a
  second 10 x 10 m room and a 1 m exit.

Each model runs with ``--seeds`` seeds (default 5) and the median is printed. A stall detector
stops JuPedSim when the number of agents left has not changed for 60 s simulated and reports
``stalled`` instead of a time.

The module also holds :func:`to_jupedsim_network`, the translation of any simsoft scenario dict
into a ``jupedsim_network.NetworkSimulation`` (used by ``benchmarks/run.py`` for the stadium).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__all__ = ["to_jupedsim_network", "run_jupedsim_network", "run_jupedsim", "GEOMETRIES", "main"]

STALL_S = 60.0
"""Simulated seconds without any agent leaving after which a JuPedSim run counts as stalled."""

Z99 = 2.3263478740408408
"""Standard normal 99th percentile."""

_BOUNDARY_M = {"door": 0.15, "gate": 0.15, "opening": 0.15, "corridor": 0.20, "stair": 0.15}
"""SFPE boundary layers per side, passed to jupedsim-network explicitly so both models agree."""


def _duration_s(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    number, unit = str(value).split()
    return float(number) * {"s": 1.0, "min": 60.0, "h": 3600.0}[unit]


def _lognormal(dist: Mapping[str, Any]) -> Any:
    """A simsoft pre-movement dict as a jupedsim-network distribution."""
    import jupedsim_network as jn

    kind = dist["distribution"]
    if kind == "fixed":
        return jn.Fixed(value=_duration_s(dist["value"]))
    if kind == "uniform":
        return jn.Uniform(low=_duration_s(dist["low"]), high=_duration_s(dist["high"]))
    if kind != "lognormal":
        raise ValueError(f"no translation of {kind!r} pre-movement")
    if "median" in dist:
        median, p99 = _duration_s(dist["median"]), _duration_s(dist["p99"])
        sigma = math.log(p99 / median) / Z99
        mean = median * math.exp(sigma**2 / 2.0)
        sd = mean * math.sqrt(math.exp(sigma**2) - 1.0)
    else:
        mean, sd = _duration_s(dist["mean"]), _duration_s(dist["sd"])
    return jn.LogNormal(mean=mean, std=sd)


def to_jupedsim_network(scenario: Mapping[str, Any], *, dt_s: float = 0.5, max_density_p_m2: float = 3.7) -> Any:
    """Translate a simsoft scenario dict (file form) into a ``jupedsim_network.NetworkSimulation``.

    Zones become rooms, exits safe nodes, stairs a stair node (area = slope length x width) between
    two stair links; a link's length is the source zone's ``travel_length_m`` plus the
    connection's own length, and boundary layers are the SFPE values simsoft uses. Routing is
    jupedsim-network's static shortest free-flow time (it has no queue-aware re-routing).
    ``max_density_p_m2`` must stay below its jam density 3.76 (simsoft's default cap is 3.8).
    """
    import jupedsim_network as jn

    venue = scenario["venue"]
    net = jn.Network()
    travel: dict[str, float] = {}
    for z in venue["zones"]:
        net.add_room(z["id"], area=z["area_m2"])
        travel[z["id"]] = z.get("travel_length_m") or math.sqrt(z["area_m2"])
    for e in venue["exits"]:
        net.add_safe(e["id"])
    for c in venue["connections"]:
        kind = c.get("kind", "door")
        layer = c.get("boundary_layer_m", _BOUNDARY_M[kind])
        two_way = not c.get("one_way", False)
        length = c.get("length_m") or 0.0
        if kind == "stair":
            sid = f"{c['id']}__flight"
            net.add_stair(
                sid,
                area=length * c["width_m"],
                riser=c.get("riser_mm", 178.0) / 1000.0,
                tread=c.get("tread_mm", 279.0) / 1000.0,
            )
            net.connect(c["from"], sid, width=c["width_m"], kind="stair", length=travel[c["from"]],
                        boundary_layer=layer, bidirectional=two_way)
            net.connect(sid, c["to"], width=c["width_m"], kind="stair", length=length,
                        boundary_layer=layer, bidirectional=two_way)
            continue
        net.connect(
            c["from"],
            c["to"],
            width=c["width_m"],
            kind="opening" if kind == "opening" else "door",
            length=travel[c["from"]] + length,
            boundary_layer=layer,
            bidirectional=two_way,
            name=c["id"],
        )
    default_pm = scenario["population"].get("pre_movement")
    pops = []
    for g in scenario["population"]["groups"]:
        pm = g.get("pre_movement") or default_pm
        pops.append(
            jn.Population(
                node=g["zone"],
                count=g["count"],
                speed=g.get("free_speed_m_s", 0.856 * 1.40),
                pre_movement=_lognormal(pm) if pm else 0.0,
            )
        )
    return jn.NetworkSimulation(
        net,
        pops,
        dt=dt_s,
        t_max=_duration_s(scenario.get("duration", "2 h")),
        max_density=max_density_p_m2,
        routing_policy="shortest_free_flow_time",
    )


def _quantile_s(times: Any, share: float) -> float:
    import numpy as np

    t = np.sort(np.asarray(times, dtype=float))
    if t.size == 0:
        return 0.0
    return float(t[max(1, math.ceil(share * t.size - 1e-9)) - 1])


def run_jupedsim_network(scenario: Mapping[str, Any], *, seed: int = 1, **options: Any) -> dict[str, float]:
    """Build and run jupedsim-network once; ``{"wall_s", "build_s", "t95_s", "t100_s"}``."""
    t0 = time.perf_counter()
    sim = to_jupedsim_network(scenario, **options)
    t1 = time.perf_counter()
    res = sim.run(seed, record=False)
    t2 = time.perf_counter()
    return {"build_s": t1 - t0, "wall_s": t2 - t0, "t95_s": _quantile_s(res.exit_times, 0.95),
            "t100_s": _quantile_s(res.exit_times, 1.0)}


# --- geometries -------------------------------------------------------------------------------

def _simsoft_case(zones: list[dict[str, Any]], connections: list[dict[str, Any]], start: str, people: int,
                  name: str) -> dict[str, Any]:
    return {
        "name": name,
        "venue": {"zones": zones, "connections": connections, "exits": [{"id": "out"}]},
        "population": {"groups": [{"zone": start, "count": people}],
                       "pre_movement": {"distribution": "fixed", "value": "0 s"}},
        "actions": [{"do": "evacuate", "zones": "all", "at": "0 s"}],
        "duration": "30 min",
    }


def _room(door_m: float) -> dict[str, Any]:
    return _simsoft_case(
        [{"id": "room", "kind": "room", "area_m2": 40.0, "travel_length_m": 4.0}],
        [{"id": "door", "from": "room", "to": "out", "kind": "door", "width_m": door_m}],
        "room", 100, f"8 x 5 m room, {door_m:g} m door, 100 people",
    )


def _rimea12() -> dict[str, Any]:
    return _simsoft_case(
        [{"id": "room1", "kind": "room", "area_m2": 100.0, "travel_length_m": 5.0},
         {"id": "room2", "kind": "room", "area_m2": 100.0, "travel_length_m": 10.0}],
        [{"id": "corridor", "from": "room1", "to": "room2", "kind": "corridor", "width_m": 1.0, "length_m": 5.0},
         {"id": "exit_door", "from": "room2", "to": "out", "kind": "door", "width_m": 1.0}],
        "room1", 150, "RiMEA 12: two 10 x 10 m rooms, 1 m x 5 m corridor, 1 m exit, 150 people",
    )


def _jps_room(door_m: float):
    import shapely

    y0, y1 = 2.5 - door_m / 2.0, 2.5 + door_m / 2.0
    room = shapely.Polygon([(0, 0), (8, 0), (8, 5), (0, 5)])
    area = room.union(shapely.Polygon([(8, y0), (10, y0), (10, y1), (8, y1)]))
    return area, room, shapely.Polygon([(9.5, y0), (10, y0), (10, y1), (9.5, y1)]), 100


def _jps_rimea12():
    import shapely

    room1 = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    corridor = shapely.Polygon([(10, 4.5), (15, 4.5), (15, 5.5), (10, 5.5)])
    room2 = shapely.Polygon([(15, 0), (25, 0), (25, 10), (15, 10)])
    passage = shapely.Polygon([(25, 4.5), (27, 4.5), (27, 5.5), (25, 5.5)])
    area = shapely.union_all([room1, corridor, room2, passage])
    return area, room1, shapely.Polygon([(26.5, 4.5), (27, 4.5), (27, 5.5), (26.5, 5.5)]), 150


GEOMETRIES: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[], Any]]] = {
    "room-1m": (lambda: _room(1.0), lambda: _jps_room(1.0)),
    "room-2m": (lambda: _room(2.0), lambda: _jps_room(2.0)),
    "rimea12": (_rimea12, _jps_rimea12),
}
"""Cross-model cases: simsoft scenario dict and JuPedSim geometry (walkable area, start polygon,
exit polygon, people)."""


# --- models -----------------------------------------------------------------------------------

def run_jupedsim(case: str, *, seed: int = 1, dt_s: float = 0.01, t_max_s: float = 1800.0) -> float | str:
    """Evacuation time of JuPedSim's collision-free speed model, or ``"stalled"``."""
    import jupedsim as jps

    area, start, exit_poly, people = GEOMETRIES[case][1]()
    sim = jps.Simulation(model=jps.CollisionFreeSpeedModel(), geometry=area, dt=dt_s)
    exit_id = sim.add_exit_stage(exit_poly)
    journey = sim.add_journey(jps.JourneyDescription([exit_id]))
    positions = jps.distribute_by_number(polygon=start, number_of_agents=people, distance_to_agents=0.4,
                                         distance_to_polygon=0.2, seed=seed)
    for p in positions:
        sim.add_agent(jps.CollisionFreeSpeedModelAgentParameters(
            journey_id=journey, stage_id=exit_id, position=p, radius=0.2, desired_speed=1.34))
    count, since = sim.agent_count(), 0.0
    while sim.agent_count() > 0:
        sim.iterate()
        now = sim.elapsed_time()
        if sim.agent_count() != count:
            count, since = sim.agent_count(), now
        elif now - since >= STALL_S:
            return "stalled"
        if now > t_max_s:
            return "stalled"
    return sim.elapsed_time()


def run_network(case: str, *, seed: int = 1) -> float:
    """Evacuation time (100 %) of jupedsim-network on the case, library defaults."""
    return run_jupedsim_network(GEOMETRIES[case][0](), seed=seed)["t100_s"]


def run_simsoft(case: str, *, seed: int = 1) -> float:
    """Evacuation time (100 %) of simsoft's egress model on the case."""
    from simsoft.engine import run
    from simsoft.schema import Scenario

    sc = Scenario.model_validate(GEOMETRIES[case][0](), context={"from_file": True})
    return float(run(sc, seed=seed).metrics["egress.t100_s"])


def run_agent(case: str, *, seed: int = 1) -> float:
    """Evacuation time (100 %) of the agent-per-person SimPy reference model."""
    from agent_model import simulate

    return simulate(GEOMETRIES[case][0](), seed=seed).t100_s


MODELS: dict[str, tuple[str, Callable[..., Any]]] = {
    "simsoft": ("simsoft", run_simsoft),
    "agent": ("numpy", run_agent),
    "jupedsim-network": ("jupedsim_network", run_network),
    "jupedsim": ("jupedsim", run_jupedsim),
}
"""Model name -> (module that must import, runner)."""


def _available(module: str) -> bool:
    try:
        __import__(module)
    except Exception:  # an optional model may fail to import for any reason; it is then skipped
        return False
    return True


def _median(values: list[Any]) -> tuple[float | None, str]:
    """Median of the finished runs and its cell text; stalled runs are counted, not averaged in."""
    done = [v for v in values if not isinstance(v, str)]
    stalled = len(values) - len(done)
    if not done:
        return None, f"stalled ({stalled}/{len(values)})"
    med = statistics.median(done)
    return med, f"{med:.1f}" + (f" ({stalled}/{len(values)} stalled)" if stalled else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cross-model evacuation times (median over seeds).")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per model and case (default 5)")
    parser.add_argument("--cases", nargs="*", default=list(GEOMETRIES), choices=list(GEOMETRIES))
    args = parser.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [here, os.path.dirname(here)]
    models = {m: r for m, (mod, r) in MODELS.items() if _available(mod)}
    missing = sorted(set(MODELS) - set(models))
    header = ["case"] + [f"{m} (s)" for m in models] + [f"{m}/simsoft" for m in models if m != "simsoft"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case in args.cases:
        row: dict[str, float | None] = {}
        cells = [case]
        walls: dict[str, float] = {}
        for m, runner in models.items():
            t0 = time.perf_counter()
            row[m], text = _median([runner(case, seed=s) for s in range(1, args.seeds + 1)])
            walls[m] = (time.perf_counter() - t0) / args.seeds
            cells.append(text)
        base = row.get("simsoft")
        for m in models:
            if m == "simsoft":
                continue
            value = row[m]
            cells.append(f"{value / base:.2f}" if base and value is not None else "-")
        print("| " + " | ".join(cells) + " |", flush=True)
        print("  wall per run: " + ", ".join(f"{m} {w:.3f} s" for m, w in walls.items()), file=sys.stderr)
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
