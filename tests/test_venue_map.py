"""The web console's venue map draws the outlines of an imported venue (and nothing new for the others)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ezdxf")
pytest.importorskip("shapely")

from plan_helpers import PLANS  # noqa: E402

from facilitator.web.mapsvg import venue_svg  # noqa: E402
from simsoft import load_scenario  # noqa: E402
from simsoft.loader import scenario_from_dict  # noqa: E402
from simsoft.plans import import_plan  # noqa: E402

STATE = {"t": "0:00", "closed": set(), "occupancy": {}, "cordons": {}, "affected": set(), "hurt": {}, "exited": {},
         "units": {}}


def _imported():
    venue, _ = import_plan(PLANS / "place-of-worship.dxf")
    return scenario_from_dict({"name": "map", "venue": venue["venue"],
                               "population": {"groups": [{"zone": "prayer_hall", "count": 10}]}, "duration": "10 min"})


def test_imported_outlines_are_drawn_under_the_zones():
    svg = venue_svg(_imported(), STATE)
    outlines = re.findall(r'<polygon class="outline" data-zone="([a-z_]+)" points="([^"]+)"', svg)
    assert [z for z, _ in outlines] == ["prayer_hall", "lobby", "side_room", "rear_corridor"]
    assert svg.index('class="outline"') < svg.index('class="zone"')  # drawn first: live marks stay on top
    for _, points in outlines:
        for pair in points.split():
            x, y = map(float, pair.split(","))
            assert 0 <= x <= 960 and 0 <= y <= 560  # inside the viewBox


def test_venues_without_outlines_draw_none():
    svg = venue_svg(load_scenario(PLANS.parent / "place-of-worship.yaml"), STATE)
    assert 'class="outline"' not in svg


def test_doors_the_venue_places_route_the_map_through_them():
    scenario = _imported()
    svg = venue_svg(scenario, STATE)
    lines = dict(re.findall(r'<polyline class="conn" data-id="([a-z_]+)" fill="none" points="([^"]+)"', svg))
    assert set(lines) == {c.id for c in scenario.venue.connections}  # every imported door has its point
    for points in lines.values():
        assert len(points.split()) == 3  # centre -> door -> centre
    # The hall-lobby door sits on the wall between them, at x = 24.1 m: right of the hall's centre, left of the lobby's.
    (lx, _), (dx, _), (hx, _) = (tuple(map(float, p.split(","))) for p in lines["lobby_prayer_hall"].split())
    assert hx < dx < lx
    assert "<polyline" not in venue_svg(load_scenario(PLANS.parent / "place-of-worship.yaml"), STATE)
