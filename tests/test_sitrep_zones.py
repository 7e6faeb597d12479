"""A situation report stays readable on a large venue: the fullest zones by name, one total for the rest."""

from __future__ import annotations

import pytest

from facilitator.conduct.sitrep import ZONES_LISTED, ZONES_SHOWN, render_lines, situation_report_lines
from simsoft import Simulation, load_scenario
from simsoft.observation import count_people


def _report(path: str, t_s: float, lang: str = "en") -> tuple[str, dict[str, int]]:
    """The 'people inside' line of the ground-truth report at ``t_s`` and the zone counts it was said from."""
    scenario = load_scenario(path)
    sim = Simulation(scenario, seed=1)
    sim.run_until(t_s)
    lines = situation_report_lines(sim.recorder.events, None, t_s=t_s, scenario=scenario, team=None,
                                   seen=sim.observe())
    counts = count_people(sim.observe(), sim.recorder.events)
    return render_lines(lines, lang)[2], {z: c for z, c in counts.zones.items() if c > 0}


def test_stadium_report_names_the_fullest_zones_and_totals_the_others() -> None:
    line, zones = _report("scenarios/stadium.yaml", 200.0)
    assert line.startswith("people inside: "), line
    assert len(zones) > ZONES_LISTED
    fullest = sorted(zones, key=lambda z: -zones[z])[:ZONES_SHOWN]
    rest = [z for z in zones if z not in fullest]
    named = [z for z in zones if f"({z} " in line or f", {z} " in line]
    assert sorted(named) == sorted(fullest), line
    assert f"{len(rest)} other zones {sum(zones[z] for z in rest):,}" in line, line


def test_small_venue_report_lists_every_zone() -> None:
    line, zones = _report("scenarios/community-hall-incident.yaml", 60.0)
    assert 0 < len(zones) <= ZONES_LISTED
    assert "other zone" not in line
    assert all(f"{z} {n:,}" in line for z, n in zones.items()), line


@pytest.mark.parametrize(("lang", "words"), [("fr", "autres zones"), ("ar", "منطقةً أخرى")])
def test_other_zones_said_in_the_readers_language(lang: str, words: str) -> None:
    line, _ = _report("scenarios/stadium.yaml", 200.0, lang)
    assert words in line, line
