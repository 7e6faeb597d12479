"""The web console builds a page's data once per session state and the map's geometry once per venue (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator import load_exercise, start_session
from facilitator.web import Room
from facilitator.web.mapsvg import _layout, map_state, venue_svg
from facilitator.web.views import facilitator_view

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"


@pytest.fixture
def room(tmp_path):
    loaded = load_exercise(EXERCISE)
    r = Room(lambda: start_session(loaded, out_dir=tmp_path))
    yield r
    r.close()


def test_a_view_is_built_once_per_state_and_again_after_every_step(room):
    built: list[int] = []

    def build(ses):
        built.append(room.version)
        return facilitator_view(ses)

    first = room.view("facilitator", build)
    assert room.view("facilitator", build) is first and len(built) == 1  # every browser polling shares it
    version, same = room.versioned_view("facilitator", build)
    assert same is first and version == room.version and len(built) == 1
    room.control("start")
    room.control("next")
    after = room.view("facilitator", build)
    assert len(built) == 2 and after is not first and after["current"]["id"] == "I1"
    room.note("the room is quiet", team=None)  # a journaled note is a new state: nothing stale is served
    assert room.view("facilitator", build) is not after and len(built) == 3
    room.control("pause")
    assert room.view("facilitator", build)["paused"] is True


def test_the_map_geometry_is_kept_per_venue_and_the_svg_follows_the_state(room):
    ses = room.session
    scenario = ses.loaded.scenario
    assert _layout(scenario) is _layout(scenario)
    before = venue_svg(scenario, map_state(ses.sim.observe(), ses.sim.recorder.events))
    room.control("start")
    for _ in range(4):
        room.control("next")
    after = room.call(lambda s: venue_svg(scenario, map_state(s.sim.observe(), s.sim.recorder.events)))
    assert before != after  # occupancy moved; the positions did not
    assert before.count('class="zone"') == after.count('class="zone"') == len(scenario.venue.zones)
