"""The cached reachability of exits and the per-zone people of crowd actions give what the plain computations give."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from simsoft import exits_away_from, load_scenario
from simsoft.engine import Simulation

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _reference(scenario, zone: str, affected: list[str]) -> list[str] | None:
    """exits_away_from as it was written first: a networkx graph without the other affected zones."""
    if not affected:
        return None
    graph = nx.DiGraph()
    for c in scenario.venue.connections:
        graph.add_edge(c.from_, c.to)
        if not c.one_way:
            graph.add_edge(c.to, c.from_)
    graph.remove_nodes_from([a for a in affected if a != zone])
    if zone not in graph:
        return None
    reach = nx.descendants(graph, zone)
    return [e.id for e in scenario.venue.exits if e.id in reach] or None


@pytest.mark.parametrize("name", ["stadium", "place-of-worship", "transit-hub", "festival"])
def test_exits_away_from_matches_the_graph_search(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    zones = [z.id for z in scenario.venue.zones]
    rng = random.Random(18)
    for _ in range(150):
        affected = rng.sample(zones, rng.randint(0, min(6, len(zones))))
        zone = rng.choice(zones)
        expected = _reference(scenario, zone, affected)
        assert exits_away_from(scenario, zone, affected) == expected
        assert exits_away_from(scenario, zone, list(reversed(affected))) == expected  # answered from the cache


def test_exits_away_from_answers_are_fresh_lists() -> None:
    scenario = load_scenario(SCENARIOS / "place-of-worship.yaml")
    zone, other = scenario.venue.zones[0].id, scenario.venue.zones[-1].id
    first = exits_away_from(scenario, zone, [other])
    assert first
    first.clear()  # a caller changing its list never changes the next answer
    assert exits_away_from(scenario, zone, [other]) == _reference(scenario, zone, [other])


def test_people_of_is_the_mask_over_everyone() -> None:
    sim = Simulation(load_scenario(SCENARIOS / "stadium.yaml"), seed=3, lean=True)
    actions, s = sim.egress.actions, sim.egress.state
    Z = sim.egress.net.n_zones
    for zones in ([0], [Z - 1], [2, 5], list(range(Z)), []):
        mask = np.zeros(sim.egress.net.n_nodes, dtype=bool)
        mask[zones] = True
        expected = np.flatnonzero(mask[s.p_node])
        got = actions.people_of(zones)
        assert got.tolist() == expected.tolist()
    assert not actions.people_of([0]).flags.writeable
