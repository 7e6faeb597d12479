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


def _run_imported(tmp_path, plan: str):
    """The trainer's path: import the plan, start a scenario on it (``new --venue``), run it."""
    from simsoft import run
    from simsoft.plans import write_venue
    from simsoft.plans.starter import starter_on_venue

    venue, report = import_plan(PLANS / plan)
    path = write_venue(venue, tmp_path / "venue.yaml", source=plan, report=report)
    target = tmp_path / "exercise.yaml"
    target.write_text(starter_on_venue("Imported", venue_file=path, target=target), encoding="utf-8")
    return run(load_scenario(target), seed=1)


def test_the_run_report_map_of_an_imported_venue_draws_its_outlines_to_scale(tmp_path):
    from matplotlib.patches import Polygon as PolygonPatch

    from simsoft.plots import venue_map

    result = _run_imported(tmp_path, "place-of-worship.geojson")
    fig = venue_map(result)
    panels = [ax for ax in fig.axes if ax.get_title() in ("level 0", "level 1")]
    assert [ax.get_title() for ax in panels] == ["level 0", "level 1"]  # one panel per level
    assert "(to scale)" in fig._suptitle.get_text()
    hall = next(z for z in result.scenario.venue.zones if z.id == "prayer_hall")
    drawn = [p for p in panels[0].patches if isinstance(p, PolygonPatch)]
    assert any([tuple(map(float, xy)) for xy in p.get_xy()[:-1]] == [tuple(v) for v in hall.polygon] for p in drawn)
    texts = [t.get_text() for ax in panels for t in ax.texts]
    assert any(t.startswith("Prayer hall\n") and t.endswith("p/m²") for t in texts)
    outs = [int(t.split("\n")[-1].split()[0]) for t in texts if t.endswith(" out")]
    assert sum(outs) == round(result.metrics["egress.exited"])  # whole people, adding up
    # Doors are drawn where the plan puts them: the hall-lobby door's marker is at its ``at``.
    door = next(c for c in result.scenario.venue.connections if c.id == "prayer_hall_lobby")
    markers = [tuple(line.get_xydata()[0]) for line in panels[0].lines if len(line.get_xydata()) == 1]
    assert tuple(door.at) in markers
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "incident affected the zone" in legend and "door" in legend and "stair" in legend


def test_the_casualty_map_of_an_imported_venue_counts_whole_casualties(tmp_path):
    from simsoft.plots import venue_map

    result = _run_imported(tmp_path, "place-of-worship.dxf")
    fig = venue_map(result, color_by="casualties")
    bar = fig.axes[-1]
    assert bar.get_ylabel() == "casualties (people)"
    assert all(float(t).is_integer() for t in bar.get_yticks())


def test_upper_floor_outlines_are_dashed_over_the_ground_floor():
    venue, _ = import_plan(PLANS / "place-of-worship.geojson")
    scenario = scenario_from_dict({"name": "map", "venue": venue["venue"], "duration": "10 min",
                                   "population": {"groups": [{"zone": "prayer_hall", "count": 10}]}})
    svg = venue_svg(scenario, STATE)
    assert re.findall(r'<polygon class="outline upper" data-zone="([a-z_]+)"[^>]*fill="none"[^>]*stroke-dasharray', svg) \
        == ["gallery"]
    assert len(re.findall(r'<polygon class="outline" ', svg)) == 4
