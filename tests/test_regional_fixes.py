"""Defects noticed in regional play (issue 22), each pinned: the map's base counts with mutual aid, a hospital
label at the map's east edge, overrides credited only to the team decision that gave the order, and a released
police unit no longer counted on scene."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from facilitator.conduct.sitrep import on_scene_units, values_of
from facilitator.conduct.session import Decision
from facilitator.evaluation.contrary import World, _decision_for
from simsoft.observation import count_people
from simsoft.records import Event
from simsoft.region import apply_region_variant, load_region, run_region

from test_region_decisions import region_file
from test_region_release import TURN

RIVERSIDE = "scenarios/regions/riverside-city.yaml"


@pytest.fixture(scope="module")
def coordinated():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    return run_region(apply_region_variant(load_region(root / RIVERSIDE), "coordinated"), seed=1)


def test_the_map_says_mutual_aid_apart_and_counts_each_unit_once(coordinated):
    from simsoft.plots import region_map

    fig = region_map(coordinated)
    texts = {t.get_text().split(": ")[0]: t.get_text() for t in fig.axes[0].texts if " sent" in t.get_text()}
    assert texts["Central ambulance station"] == "Central ambulance station: 6 of 6 sent, mutual aid 4 of 4 sent"
    assert texts["East ambulance station"] == "East ambulance station: 4 of 4 sent"  # two of them went twice
    assert texts["Central police station"] == "Central police station: 3 of 3 sent"
    for text in texts.values():
        for sent, total in ((int(a), int(b)) for a, b in __import__("re").findall(r"(\d+) of (\d+) sent", text)):
            assert sent <= total, text


def test_every_label_of_the_map_stays_inside_it(coordinated):
    from simsoft.plots import region_map

    fig = region_map(coordinated)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for t in ax.texts:
        box = t.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 - 1, t.get_text().splitlines()[0]
    east = next(t for t in ax.texts if t.get_text().startswith("East City Hospital"))
    assert frame.x1 - east.get_window_extent(renderer).x1 >= 4  # clear of the edge, not touching it


def _override(note: str | None) -> Event:
    return Event(600.0, "override.order", "nave", MappingProxyType({"order": "lockdown", "ordered_by": "region",
                                                                    "decision": note, "by": "occupants",
                                                                    "now": "evacuate", "reason": "harm"}))


def test_an_override_is_credited_to_the_team_decision_that_gave_the_order_only():
    from types import SimpleNamespace

    scenario = SimpleNamespace(venue=SimpleNamespace(zones=[SimpleNamespace(id="nave")]))
    mine = Decision("D1", "scg", "I3", 300.0, {"do": "lockdown", "zones": "all"}, "hold them")
    world = World("st_marks", "St Mark's", scenario, None, [mine])
    assert _decision_for(world, _override("team:scg D1")) == "D1"
    # the same verb and zone, ordered by the region file (its own note), or by another team's decision: not D1
    assert _decision_for(world, _override("regional posture: lockdown")) is None
    assert _decision_for(world, _override("team:police_gold D1")) is None
    assert _decision_for(world, _override(None)) is None


def test_a_team_posture_order_carries_its_decision_and_a_scripted_one_does_not(tmp_path):
    path = region_file(tmp_path, [{"do": "posture", "sites": ["stadium"], "measure": "lockdown", "at": "2 min",
                                   "note": "D1"}])
    from simsoft.region import RegionalRun

    run = RegionalRun(load_region(path), seed=1)
    run.decisions.apply({"do": "posture", "sites": ["festival"], "measure": "close", "at": "3 min", "note": "D2"},
                        source="team:scg")
    run.run_until(400.0)
    notes = {sid: [e.values.get("note") for e in sim.recorder.events if e.kind.startswith("action.")]
             for sid, sim in run.sims.items() if sid in ("stadium", "festival")}
    assert "regional posture: lockdown" in notes["stadium"]  # scripted with a note that looks like a decision id
    assert "team:scg D2" in notes["festival"]


def test_a_released_police_unit_is_not_counted_on_scene():
    events = [Event(60.0, "response.on_scene", "pol-1"), Event(70.0, "response.on_scene", "pol-2"),
              Event(900.0, "response.released", "pol-1", MappingProxyType({"service": "police"})),
              Event(950.0, "response.released", "pol-3", MappingProxyType({"service": "police", "en_route": True}))]
    assert on_scene_units(events, 800.0) == {"pol-1", "pol-2"}
    assert on_scene_units(events, 1000.0) == {"pol-2"}


def test_the_site_numbers_drop_a_police_unit_the_region_released(tmp_path):
    from simsoft.region import RegionalRun

    run = RegionalRun(load_region(region_file(tmp_path, TURN)), seed=1)
    run.run_to_end()
    events = run.sims["station"].recorder.events
    released = [e for e in events if e.kind == "response.released" and not e.values.get("en_route")]
    assert released, "the 20 min release sends police units from the contained station"
    arrived = {e.subject for e in events if e.kind == "response.on_scene"}
    seen = run.sims["station"].observe()
    values = values_of(count_people(seen, events), events)
    assert values["units_on_scene"] == len(arrived - {e.subject for e in released})
    assert values["units_on_scene"] < len(arrived)


def test_a_regional_session_forks_with_another_regional_decision(tmp_path):
    """``exercise fork --choice`` read the other decision as a venue action, so a regional verb was unknown."""
    from pathlib import Path

    from click.testing import CliRunner

    from facilitator.cli import exercise as exercise_cli
    from facilitator.conduct.store import fork_session

    root = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
    res = CliRunner().invoke(exercise_cli, ["start", str(root / "riverside-city.yaml"), "--decisions",
                                            str(root / "riverside-city-decisions.yaml"), "--out", str(tmp_path / "a"),
                                            "--no-figures"])
    assert res.exit_code == 0, res.output
    (played,) = [p.parent for p in (tmp_path / "a").glob("*/*/session.sqlite")]
    fork = fork_session(played, at="D1", choice="mutual_aid kind=ambulance count=2 -- fewer", out_dir=tmp_path / "b")
    assert fork.decisions[0].action == {"do": "mutual_aid", "kind": "ambulance", "count": 2}
    assert fork.decisions[0].team == "ambulance_control"
