"""The live map of a crowded venue (the stadium's 93 zones): the zones that matter keep their names,
every name left off can still be read on the map, and the zones to watch list them beside it (issue 19)."""

from __future__ import annotations

import re

import pytest

from simsoft import load_scenario
from facilitator.web.mapsvg import left_off, priority_zones, venue_svg, watch_list


@pytest.fixture(scope="module")
def stadium():
    return load_scenario("scenarios/stadium.yaml")


def _state(scenario, **over):
    state = {"t": "5 min", "occupancy": {z.id: 100.0 for z in scenario.venue.zones}, "exited": {}, "hurt": {},
             "affected": [], "closed": set(), "cordons": {}, "units": {}}
    state.update(over)
    return state


def _named(svg: str) -> set[str]:
    """Zone names drawn for everyone (not the hover-only ones)."""
    return set(re.findall(r'class="lbl zone-name" text-anchor="\w+">([^<]+)<', svg))


def test_incident_cordon_and_casualty_zones_keep_their_names_on_a_crowded_map(stadium):
    names = {z.id: z.label for z in stadium.venue.zones}
    quiet = venue_svg(stadium, _state(stadium))
    dropped = [z for z in ("l05", "u12", "l20") if names[z] not in _named(quiet)]
    assert len(dropped) == 3  # a seating block has no room for its name on a quiet map...
    busy = _state(stadium, affected=["l05"], cordons={"u12": "hot"}, hurt={"l20": 3})
    assert priority_zones(busy) == ("l05", "l20", "u12")
    svg = venue_svg(stadium, busy)
    assert {names["l05"], names["u12"], names["l20"]} <= _named(svg)  # ...but it does when it matters
    assert left_off(stadium, busy) > 0 and left_off(stadium) > 0


def test_every_name_left_off_is_on_the_map_to_point_at(stadium):
    svg = venue_svg(stadium, _state(stadium))
    hidden = re.findall(r'class="lbl zone-name hover-name"[^>]*data-for="([^"]+)" visibility="hidden">', svg)
    focusable = re.findall(r'<circle class="zone" data-id="([^"]+)" data-occupancy="\d+" tabindex="0"', svg)
    drawn = _named(svg)
    assert hidden and sorted(hidden) == sorted(focusable)
    assert {z.label for z in stadium.venue.zones} == drawn | {z.label for z in stadium.venue.zones if z.id in hidden}
    assert svg.rindex("hover-name") > svg.rindex('class="zone"')  # drawn last: on top when shown


def test_zones_to_watch_put_the_incident_first_then_casualties_then_the_fullest(stadium):
    occupancy = {z.id: 0.0 for z in stadium.venue.zones}
    occupancy.update({"l01": 900.0, "l02": 800.0, "cl03": 50.0, "u07": 700.0})
    state = _state(stadium, occupancy=occupancy, affected=["cl03"], hurt={"u07": 2}, cordons={"u07": "warm"})
    rows = watch_list(stadium, state, limit=4)
    assert [r["id"] for r in rows] == ["cl03", "u07", "l01", "l02"]
    assert rows[0]["marks"] == ["incident"] and rows[1]["marks"] == ["warm cordon"] and rows[1]["hurt"] == 2
    assert rows[2]["inside"] == 900 and rows[2]["name"] == "North stand lower block 1"
    assert watch_list(stadium, _state(stadium, occupancy={z.id: 0.0 for z in stadium.venue.zones})) == []
