"""Roads from a local GeoJSON road extract: the same travel times as the equivalent inline graph, and bad files
refused with the file, the feature index, the field and the rule."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft.cli import cli
from simsoft.errors import ScenarioError
from simsoft.region import load_region, run_region
from simsoft.region.geojson import CLASS_SPEED_KMH, haversine_m, parse_maxspeed, read_road_extract
from simsoft.region.network import RoadNetwork

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "scenarios" / "place-of-worship.yaml"
SHIPPED = ROOT / "scenarios" / "regions" / "riverside-city-roads.yaml"


def line(coords, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": coords}}


def point(coords, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": coords}}


def extract(tmp_path: Path, features: list, name: str = "roads.geojson", **extra) -> str:
    (tmp_path / name).write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}), encoding="utf-8")
    return name


def region(tmp_path: Path, roads: str, places: str = "", name: str = "region.yaml") -> Path:
    text = (f"name: r\nsites:\n  - {{id: a, scenario: {HUB}, location: {{node: a}}}}\nroads:\n"
            + textwrap.indent(textwrap.dedent(roads), "  ")
            + "\nhospitals:\n  - {id: h, location: {node: h}, trauma_level: trauma_unit}\n"
            + textwrap.dedent(places))
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name


# Metres: a (0,0) - 3 km east at 60 km/h (3 min) - k; k - 4 km north through a bend at residential speed - h;
# a one-way shortcut h -> a of 5 km at 100 km/h (3 min), and a footway that must not count.
METRE_FEATURES = [
    line([[0, 0], [3000, 0]], highway="primary", maxspeed="60"),
    line([[3000, 0], [3000, 2000], [3000, 4000]], highway="residential"),
    line([[3000, 4000], [0, 0]], speed_kmh=100, oneway="yes"),
    line([[0, 0], [3000, 4000]], highway="footway"),
    point([0, 0], id="a"), point([3000, 0], id="k"), point([3000, 4000], id="h"),
]
INLINE_EQUIVALENT = """\
nodes:
  - {id: a, x_km: 0, y_km: 0}
  - {id: k, x_km: 3, y_km: 0}
  - {id: h, x_km: 3, y_km: 4}
edges:
  - {from: a, to: k, minutes: 3}
  - {from: k, to: h, minutes: 9.6}
  - {from: h, to: a, minutes: 3, one_way: true}
"""


def travel_table(loaded) -> dict[tuple[str, str], float]:
    net = RoadNetwork(loaded.region)
    for h in loaded.region.hospitals:
        net.add_place(h.id, h.location)
    names = ["a", "h"]
    return {(x, y): net.free_flow_s(x, y) for x in names for y in names}


def test_a_geojson_region_in_metres_gives_the_travel_times_of_the_equivalent_inline_graph(tmp_path):
    geo = load_region(region(tmp_path, f"geojson: {extract(tmp_path, METRE_FEATURES)}\ncoordinates: metres\n"))
    inline = load_region(region(tmp_path, INLINE_EQUIVALENT, name="inline.yaml"))
    got, want = travel_table(geo), travel_table(inline)
    assert got == pytest.approx(want, rel=1e-12)
    assert want[("a", "h")] == pytest.approx((3 + 9.6) * 60) and want[("h", "a")] == pytest.approx(180.0)
    assert any("highway=footway" in w for w in geo.warnings)


def test_a_geojson_region_in_lonlat_uses_haversine_lengths_and_class_speeds(tmp_path):
    # Along the equator 0.01 deg of longitude is 1,111.95 m; one way at 'secondary' speed, the other tagged 30 mph.
    feats = [line([[0, 0], [0.005, 0.0], [0.01, 0]], highway="secondary"),
             line([[0.01, 0], [0.01, 0.02]], highway="unclassified", maxspeed="30 mph"),
             point([0, 0], id="a"), point([0.01, 0.02], id="h")]
    geo = load_region(region(tmp_path, f"geojson: {extract(tmp_path, feats)}\n"))
    east_m = haversine_m(0, 0, 0.01, 0)
    north_m = haversine_m(0.01, 0, 0.01, 0.02)
    assert east_m == pytest.approx(2 * math.pi * 6_371_008.8 * 0.01 / 360)
    minutes = east_m / 1000 / CLASS_SPEED_KMH["secondary"] * 60 + north_m / 1000 / (30 * 1.609344) * 60
    inline = load_region(region(tmp_path, f"""\
        nodes:
          - {{id: a, x_km: 0, y_km: 0}}
          - {{id: h, x_km: 1, y_km: 2}}
        edges:
          - {{from: a, to: h, minutes: {minutes!r}}}
        """, name="inline.yaml"))
    assert travel_table(geo) == pytest.approx(travel_table(inline), rel=1e-12)


def test_places_by_lonlat_join_the_nearest_junction_and_far_ones_are_warned(tmp_path):
    feats = [line([[0, 0], [0.01, 0]], speed_kmh=40), line([[0.01, 0], [0.02, 0]], speed_kmh=40),
             point([0, 0], id="a"), point([0.02, 0], id="h")]
    loaded = load_region(region(tmp_path, f"geojson: {extract(tmp_path, feats)}\n", """\
        ambulance_bases:
          - {id: near, location: {lon: 0.0101, lat: 0.0}, vehicles: 1}
          - {id: far, location: {lon: 0.01, lat: 0.01}, vehicles: 1}
        """))
    net = RoadNetwork(loaded.region)
    for b in loaded.region.ambulance_bases:
        net.add_place(b.id, b.location)
    assert net.node_of("near") == net.node_of("far") == "j1"  # the unnamed junction in the middle
    assert [w for w in loaded.warnings if "km from the nearest road junction" in w] == [
        "ambulance_bases[1] (far) is 1.11 km from the nearest road junction (j1) of roads.geojson: is its street "
        "missing from the extract?"]


def test_a_site_whose_nearest_junction_is_cut_off_is_an_error_naming_it(tmp_path):
    feats = [line([[0, 0], [0.01, 0]], speed_kmh=40), line([[0.05, 0.05], [0.051, 0.05]], speed_kmh=40),
             line([[0.06, 0.06], [0.061, 0.06]], speed_kmh=40, oneway="yes"),
             point([0, 0], id="a"), point([0.01, 0], id="h"), point([0.061, 0.06], id="islet")]
    roads = f"geojson: {extract(tmp_path, feats)}\n"
    with pytest.raises(ScenarioError) as info:
        load_region(region(tmp_path, roads, """\
            police:
              - {id: lost, location: {lon: 0.0505, lat: 0.0501}, units: 1}
              - {id: oneway, location: {node: islet}, units: 1}
            """))
    text = [str(p) for p in info.value.problems]
    assert any("police[0].location: police[0] (lost) cannot be reached: its nearest junction j2 (57 m away)" in t
               and "not connected both ways to the rest" in t for t in text), text
    assert any("police[1].location.node: 'islet' police[1] (oneway) cannot be reached" in t for t in text), text


@pytest.mark.parametrize("features, where, rule", [
    ([line([[0, 0], [1, 0]], highway="primary", maxspeed="fast")], "features[0].properties.maxspeed: 'fast'",
     "is not a speed (a number in km/h, '50 km/h' or '30 mph')"),
    ([line([[0, 0], [1, 0]], highway="moonway")], "features[0].properties.highway: 'moonway'",
     "is not a road class with a speed"),
    ([line([[0, 0], [1, 0]], name="no tags")], "features[0].properties",
     "a road gives speed_kmh, maxspeed or a highway class"),
    ([line([[0, 0]], speed_kmh=30)], "features[0].geometry.coordinates", "a line is two or more [x, y] positions"),
    ([line([[0, 0], [1, 0]], speed_kmh=30), line([[0, 0], [1, 0]], speed_kmh=-4)],
     "features[1].properties.speed_kmh: -4", "is a driving speed in km/h (0-200)"),
    ([line([[0, 0], [1, 0]], speed_kmh=30), point([0.5, 0.5], id="a")], "features[1].geometry.coordinates: [0.5, 0.5]",
     "node 'a' is on no road"),
    ([line([[500000, 0], [500100, 0]], speed_kmh=30)], "features[0].geometry.coordinates", "lon/lat out of range"),
])
def test_a_bad_road_extract_is_refused_with_file_feature_field_and_rule(tmp_path, features, where, rule):
    name = extract(tmp_path, features)
    with pytest.raises(ScenarioError) as info:
        load_region(region(tmp_path, f"geojson: {name}\n"))
    text = [str(p) for p in info.value.problems]
    assert any(f"{name} {where}" in t and rule in t for t in text), text


def test_a_road_extract_that_is_not_geojson_is_named_with_its_line(tmp_path):
    (tmp_path / "roads.geojson").write_text('{"type": "FeatureCollection",\n "features": [,]}', encoding="utf-8")
    ext = read_road_extract(tmp_path / "roads.geojson", shown="roads.geojson", metres=False)
    assert [str(p) for p in ext.problems] == ["roads.geojson:2: is not JSON: Expecting value"]
    (tmp_path / "roads.geojson").write_text('{"type": "Feature"}', encoding="utf-8")
    ext = read_road_extract(tmp_path / "roads.geojson", shown="roads.geojson", metres=False)
    assert [str(p) for p in ext.problems] == [
        "roads.geojson type: a road extract is a GeoJSON FeatureCollection with a 'features' list"]


def test_a_projected_crs_needs_coordinates_metres(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    name = extract(tmp_path, METRE_FEATURES, crs=crs)
    with pytest.raises(ScenarioError, match=r"roads.geojson crs: 'urn:ogc:def:crs:EPSG::27700' is not lon/lat "
                                            r"\(CRS84\): set roads.coordinates: metres"):
        load_region(region(tmp_path, f"geojson: {name}\n"))
    assert load_region(region(tmp_path, f"geojson: {name}\ncoordinates: metres\n")).region.roads.edges


def test_region_file_rules_for_roads_from_an_extract(tmp_path):
    name = extract(tmp_path, METRE_FEATURES)
    with pytest.raises(ScenarioError, match=r"region.yaml:\d+ roads.geojson: 'roads.geojson' give either the road graph"):
        load_region(region(tmp_path, f"geojson: {name}\ncoordinates: metres\n" + INLINE_EQUIVALENT))
    with pytest.raises(ScenarioError, match=r"roads.geojson: 'missing.geojson' file not found"):
        load_region(region(tmp_path, "geojson: missing.geojson\n"))
    with pytest.raises(ScenarioError, match=r"ambulance_bases\[0\].location.lon: 0.1 lon/lat locations need roads "
                                            r"from a GeoJSON extract"):
        load_region(region(tmp_path, INLINE_EQUIVALENT, "ambulance_bases: [{id: b, location: {lon: 0.1, lat: 0}, vehicles: 1}]"))
    with pytest.raises(ScenarioError, match=r"ambulance_bases\[0\].location.lon: 0.1 the road extract is in metres"):
        load_region(region(tmp_path, f"geojson: {name}\ncoordinates: metres\n",
                           "ambulance_bases: [{id: b, location: {lon: 0.1, lat: 0}, vehicles: 1}]"))
    with pytest.raises(ScenarioError, match=r"sites\[0\].location.node: 'a' is not a named point of the road extract"):
        load_region(region(tmp_path, f"geojson: {extract(tmp_path, METRE_FEATURES[:3] + METRE_FEATURES[5:], 'x.geojson')}"
                                     "\ncoordinates: metres\n"))


def test_maxspeed_forms():
    assert parse_maxspeed("50 km/h") == 50.0 and parse_maxspeed("DE:urban") is None and parse_maxspeed("none") is None
    with pytest.raises(ValueError):
        parse_maxspeed(True)


def test_the_shipped_extract_region_validates_runs_and_matches_the_inline_layout():
    out = CliRunner().invoke(cli, ["region", "validate", str(SHIPPED)])
    assert out.exit_code == 0, out.output
    assert "17 road nodes" in out.output and "warning:" in out.output and "highway=footway" in out.output
    loaded = load_region(SHIPPED)
    city = load_region(ROOT / "scenarios" / "regions" / "riverside-city.yaml")
    named = {n.id for n in city.region.roads.nodes}
    assert named <= {n.id for n in loaded.region.roads.nodes}
    # The extract is read again on each load and gives the same graph (deterministic ids and minutes).
    assert load_region(SHIPPED).region.roads == loaded.region.roads
    result = run_region(loaded, seed=3, lean=True)
    assert result.metrics["region.population"] == 94340 and result.metrics["region.casualties"] > 0


def test_multilinestrings_backward_one_way_roads_and_places_in_the_metre_grid(tmp_path):
    # Two parts of one feature: a -> k (2 km) and k -> h (1 km), drawn from h to a and marked oneway=-1: drivable
    # a -> k -> h only; the way back is a separate 6 km road at 60 km/h.
    feats = [{"type": "Feature", "properties": {"speed_kmh": 30, "oneway": "-1"},
              "geometry": {"type": "MultiLineString", "coordinates": [[[3000, 0], [2000, 0]], [[2000, 0], [0, 0]]]}},
             line([[3000, 0], [3000, 3000], [0, 3000], [0, 0]], speed_kmh=60),
             point([0, 0], id="a"), point([3000, 0], id="h")]
    loaded = load_region(region(tmp_path, f"geojson: {extract(tmp_path, feats)}\ncoordinates: metres\n",
                                "ambulance_bases: [{id: b, location: {x_km: 2.0, y_km: 0.1}, vehicles: 1}]"))
    table = travel_table(loaded)
    assert table[("a", "h")] == pytest.approx(3 / 30 * 3600) and table[("h", "a")] == pytest.approx(9 / 60 * 3600)
    net = RoadNetwork(loaded.region)
    net.add_place("b", loaded.region.ambulance_bases[0].location)
    net.add_place("h", loaded.region.hospitals[0].location)
    assert net.node_of("b") == "j1" and net.free_flow_s("b", "h") == pytest.approx(0.1 / 30 * 3600 + 1 / 30 * 3600)
