"""Plan import round trips: a generated plan with known areas and widths imports to exactly those values,
and the written venue loads with the existing loader."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

pytest.importorskip("ezdxf")
pytest.importorskip("shapely")

from plan_helpers import PLANS, make_plans_module, rect, write_dxf  # noqa: E402

from simsoft.cli import cli  # noqa: E402
from simsoft.loader import validate_file  # noqa: E402
from simsoft.plans import import_plan, write_venue  # noqa: E402
from simsoft.plans.check import load_venue  # noqa: E402

MAKE = make_plans_module()


def _tables(venue: dict) -> dict:
    v = venue["venue"]
    exits = {e["id"] for e in v["exits"]}
    zones = {z["id"]: (z["kind"], z["area_m2"]) for z in v["zones"]}
    doors = {tuple(sorted((c["from"], c["to"]))): c["width_m"] for c in v["connections"]
             if c["kind"] == "door" and c["to"] not in exits}
    out = {c["from"]: c["width_m"] for c in v["connections"] if c["to"] in exits}
    stairs = {(c["from"], c["to"]): (c["width_m"], c["length_m"]) for c in v["connections"] if c["kind"] == "stair"}
    return {"zones": zones, "doors": doors, "exits": out, "stairs": stairs}


def _expected(table: dict) -> dict:
    return {"zones": table["zones"], "doors": {tuple(sorted(k)): w for k, w in table["doors"].items()},
            "exits": table["exits"], "stairs": table.get("stairs", {})}


@pytest.mark.parametrize("fresh", [False, True], ids=["shipped", "regenerated"])
def test_sample_dxf_imports_to_exactly_the_drawn_areas_and_widths(tmp_path, fresh):
    folder = tmp_path if fresh else PLANS
    if fresh:
        MAKE.write_dxf(tmp_path / "place-of-worship.dxf")
    venue, report = import_plan(folder / "place-of-worship.dxf")
    assert _tables(venue) == _expected(MAKE.DXF_EXPECTED)
    assert any("drawing units mm" in str(f) for f in report.findings)
    assert any("layer A-DOOR handle" in f.source and "door block 'DOOR-900'" in f.message for f in report.findings)
    assert not report.of("warning")


@pytest.mark.parametrize("fresh", [False, True], ids=["shipped", "regenerated"])
def test_sample_geojson_imports_two_levels_joined_by_a_stair(tmp_path, fresh):
    folder = tmp_path if fresh else PLANS
    if fresh:
        MAKE.write_geojson(tmp_path / "place-of-worship.geojson")
    venue, report = import_plan(folder / "place-of-worship.geojson")
    assert _tables(venue) == _expected(MAKE.GEOJSON_EXPECTED)
    levels = {z["id"]: z.get("level", 0) for z in venue["venue"]["zones"]}
    assert levels["gallery"] == 1 and levels["prayer_hall"] == 0
    assert {e["id"] for e in venue["venue"]["exits"]} == {"main_entrance", "garden_door", "exit_rear_corridor",
                                                          "exit_side_room"}
    # The side-room door has no entrance tag: it is an exit because it is on the outside wall, and says so.
    assert any(f.source == "feature n7" and "on the outside wall" in f.message for f in report.findings)


@pytest.mark.parametrize(("w", "h", "door"), [(8.0, 5.0, 1.0), (12.5, 7.2, 0.85), (30.0, 21.0, 2.4), (3.3, 3.3, 0.9)])
def test_rectangle_round_trip_in_millimetres(tmp_path, w, h, door):
    plan = write_dxf(tmp_path / "room.dxf", units=4, scale=1000.0, rooms=[("A-AREA", rect(0, 0, w, h))],
                     doors=[((w + 0.1, h / 2 - door / 2), (w + 0.1, h / 2 + door / 2))], labels=[((w / 2, h / 2), "Room")])
    venue, _ = import_plan(plan)
    (zone,) = venue["venue"]["zones"]
    (conn,) = venue["venue"]["connections"]
    assert zone["area_m2"] == round(w * h, 2) and zone["id"] == "room"
    assert conn["width_m"] == door and conn["to"] == "exit_room"
    assert zone["polygon"] == [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]


def test_written_venue_loads_and_keeps_polygons(tmp_path):
    venue, report = import_plan(PLANS / "place-of-worship.geojson")
    target = write_venue(venue, tmp_path / "pow.yaml", source="place-of-worship.geojson", report=report)
    assert validate_file(target) == "venue"
    loaded = load_venue(target)
    hall = loaded.zone("prayer_hall")
    assert hall.polygon is not None and len(hall.polygon) == 4 and hall.area_m2 == 360.0
    assert "Venue imported by `simsoft venue import`" in target.read_text()


def test_dxf_stair_joins_the_rooms_at_its_ends_and_labels_set_kind_and_level(tmp_path):
    plan = write_dxf(
        tmp_path / "two.dxf",
        rooms=[("A-AREA", rect(0, 0, 10, 10)), ("A-AREA", rect(14, 0, 24, 10))],
        stairs=[rect(10, 4, 14, 5.5)],
        exits=[((-0.1, 4), (-0.1, 5.5))],
        labels=[((5, 5), "Basement\nkind: hall\nlevel: -1"), ((19, 5), "Foyer")],
    )
    venue, report = import_plan(plan, riser_mm=165, tread_mm=305)
    zones = {z["id"]: z for z in venue["venue"]["zones"]}
    assert zones["basement"]["kind"] == "hall" and zones["basement"]["level"] == -1
    (stair,) = [c for c in venue["venue"]["connections"] if c["kind"] == "stair"]
    assert (stair["from"], stair["to"]) == ("foyer", "basement")
    assert stair["width_m"] == 1.5 and stair["riser_mm"] == 165 and stair["tread_mm"] == 305
    assert stair["length_m"] == round(4 * (1 + (165 / 305) ** 2) ** 0.5, 2)
    # The foyer has no exit of its own: its way out is the stair down, and nothing is reported missing.
    assert not [f for f in report.of("warning") if "no way out" in f.message]


def test_cli_import_then_check_then_new(tmp_path):
    runner = CliRunner()
    venue = tmp_path / "venues" / "pow.yaml"
    r = runner.invoke(cli, ["venue", "import", str(PLANS / "place-of-worship.dxf"), "--to", str(venue)],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "wrote" in r.output and "4 zones, 7 connections, 4 exits" in r.output
    again = runner.invoke(cli, ["venue", "import", str(PLANS / "place-of-worship.dxf"), "--to", str(venue)])
    assert again.exit_code == 1 and "exists; use --force" in again.output
    r = runner.invoke(cli, ["venue", "check", str(venue), "--density", "1.5", "--out", str(tmp_path / "chk")],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "occupant load at 1.5 p/m^2" in r.output and "Prayer hall" in r.output and "540 people" in r.output
    assert "hydraulic estimate" in r.output
    png, html = tmp_path / "chk" / "pow.png", tmp_path / "chk" / "pow.html"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "data:image/png;base64," in html.read_text()
    r = runner.invoke(cli, ["new", "Riverside Mosque", "--venue", str(venue), "--dir", str(tmp_path)],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    scenario = tmp_path / "riverside-mosque.yaml"
    text = scenario.read_text()
    assert "import:\n  - venues/pow.yaml" in text and "placeholder incident" in text
    assert validate_file(scenario) == "scenario"
    data = yaml.safe_load(text)
    assert data["incident"]["affected"][0]["zone"] == "prayer_hall"  # the largest zone
    assert {g["zone"]: g["count"] for g in data["population"]["groups"]}["prayer_hall"] == 180


def test_venue_check_reads_a_hand_written_scenario_too(tmp_path):
    r = CliRunner().invoke(cli, ["venue", "check", str(PLANS.parent / "place-of-worship.yaml"), "--out", str(tmp_path)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "Prayer hall" in r.output and (tmp_path / "place-of-worship.png").exists()


def test_worked_example_in_the_docs_is_what_the_commands_print(tmp_path):
    runner = CliRunner()
    venue = tmp_path / "venues" / "place-of-worship.yaml"
    imp = runner.invoke(cli, ["venue", "import", str(PLANS / "place-of-worship.geojson"), "--to", str(venue)],
                        catch_exceptions=False)
    chk = runner.invoke(cli, ["venue", "check", str(venue), "--out", str(tmp_path)], catch_exceptions=False)
    doc = (PLANS.parents[1] / "docs" / "venue-import.md").read_text(encoding="utf-8")
    for line in chk.output.splitlines():
        if not line.startswith("wrote"):
            assert line in doc, line
    for line in imp.output.splitlines():
        if ": inferred: feature " in line and line.split(": inferred: ", 1)[1] in doc:
            break
    else:
        raise AssertionError("no import line of the docs matches the import output")
    for quoted in [x.split(": inferred: ", 1)[1] for x in doc.splitlines() if x.startswith("...: inferred: ")]:
        assert quoted in imp.output, quoted


def test_old_style_polylines_open_polyline_doors_and_custom_layers(tmp_path):
    import ezdxf

    doc = ezdxf.new("R2010", units=6)
    msp = doc.modelspace()
    msp.add_polyline2d(rect(0, 0, 6, 4), close=True, dxfattribs={"layer": "ROOMS"})
    msp.add_polyline2d(rect(6.2, 0, 10.2, 4), close=True, dxfattribs={"layer": "ROOMS-CORR"})
    msp.add_lwpolyline([(6.1, 1), (6.1, 1.5), (6.1, 2.1)], dxfattribs={"layer": "DOORS"})
    msp.add_line((10.3, 1), (10.3, 2.5), dxfattribs={"layer": "DOORS"})
    doc.saveas(tmp_path / "custom.dxf")
    from simsoft.plans import Layers

    venue, _ = import_plan(tmp_path / "custom.dxf", layers=Layers.parse("rooms=ROOMS,doors=DOORS"))
    zones = {z["id"]: (z["kind"], z["area_m2"]) for z in venue["venue"]["zones"]}
    assert zones == {"room_1": ("room", 24.0), "corridor_2": ("corridor", 16.0)}
    widths = sorted(c["width_m"] for c in venue["venue"]["connections"])
    assert widths == [1.1, 1.5]


def test_cli_rejects_a_bad_layers_option_and_an_invalid_venue(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["venue", "import", str(PLANS / "place-of-worship.dxf"), "--to", str(tmp_path / "v.yaml"),
                            "--layers", "walls=X"])
    assert r.exit_code == 2 and "--layers 'walls=X': write ROLE=LAYER with ROLE one of rooms, labels, doors, exits, stairs" \
        in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("venue:\n  zones:\n    - {id: a, area_m2: -1}\n  exits: [{id: out}]\n"
                   "  connections: [{id: d, from: a, to: out, width_m: 1}]\n")
    r = runner.invoke(cli, ["venue", "check", str(bad), "--out", str(tmp_path)])
    assert r.exit_code == 1 and "bad.yaml:3 venue.zones[0].area_m2: -1" in r.output and "Traceback" not in r.output


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    given = None

if given is not None:
    @settings(max_examples=25, deadline=None)
    @given(w=st.integers(20, 400), h=st.integers(20, 400), door=st.integers(60, 300), cm=st.booleans())
    def test_any_room_round_trips_exactly(tmp_path_factory, w, h, door, cm):
        """Widths and lengths in decimetres (w, h) and centimetres (door), drawn in cm or mm: exact areas and widths."""
        w_m, h_m, d_m = w / 10, h / 10, door / 100
        d_m = min(d_m, h_m - 0.2)
        folder = tmp_path_factory.mktemp("prop")
        plan = write_dxf(folder / "room.dxf", units=5 if cm else 4, scale=100.0 if cm else 1000.0,
                         rooms=[("A-AREA", rect(0, 0, w_m, h_m))],
                         doors=[((w_m + 0.1, 0.1), (w_m + 0.1, 0.1 + d_m))], labels=[((w_m / 2, h_m / 2), "Room")])
        venue, _ = import_plan(plan)
        assert venue["venue"]["zones"][0]["area_m2"] == round(w_m * h_m, 2)
        assert venue["venue"]["connections"][0]["width_m"] == round(d_m, 2)


def test_sample_dxf_is_byte_reproducible(tmp_path):
    """make_plans.py writes the shipped DXF byte for byte, whatever the process's hash seed."""
    import os
    import re
    import subprocess
    import sys

    import ezdxf

    shipped = (PLANS / "place-of-worship.dxf").read_bytes()
    made = re.search(rb"ezdxf (\S+) \(scenarios/plans/make_plans.py\)", shipped)
    assert made, "the shipped DXF does not name the ezdxf that wrote it: regenerate it with make_plans.py"
    if made.group(1).decode() != ezdxf.__version__:
        pytest.skip(f"the sample was written by ezdxf {made.group(1).decode()}, this is {ezdxf.__version__}")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(PLANS / "make_plans.py"), str(out)], check=True, env=env,
                       capture_output=True)
        outs.append((out / "place-of-worship.dxf").read_bytes())
    assert outs[0] == outs[1], "two runs of make_plans.py wrote different DXF bytes"
    assert outs[0] == shipped, "scenarios/plans/place-of-worship.dxf is not what make_plans.py writes: regenerate it"
    geo = (tmp_path / "1" / "place-of-worship.geojson").read_bytes()
    assert geo == (PLANS / "place-of-worship.geojson").read_bytes()


def test_connections_carry_the_door_position_measured_on_the_plan(tmp_path):
    from simsoft.plans.layout import layout

    venue, _ = import_plan(PLANS / "place-of-worship.dxf")
    at = {frozenset((c["from"], c["to"])): c["at"] for c in venue["venue"]["connections"]}
    assert at[frozenset(("prayer_hall", "lobby"))] == [24.1, 5.0]  # the middle of the door line (24.1, 3.8)-(24.1, 6.2)
    assert at[frozenset(("prayer_hall", "rear_corridor"))] == [10.9, 15.1]
    assert at[frozenset(("lobby", "exit_lobby"))] == [32.3, 4.6]
    assert at[frozenset(("side_room", "exit_side_room"))] == [29.45, 15.1]  # the 900 mm door block: its side on the wall
    geo, _ = import_plan(PLANS / "place-of-worship.geojson")
    stair = next(c for c in geo["venue"]["connections"] if c["kind"] == "stair")
    assert [round(v, 2) for v in stair["at"]] == [22.0, 16.0]  # the centre of the flight (20, 15)-(24, 17)
    path = write_venue(venue, tmp_path / "v.yaml", source="plan.dxf")
    loaded = load_venue(path)
    drawn = layout(loaded)
    assert drawn.door["lobby_prayer_hall"] == (24.1, 5.0) and "lobby_prayer_hall" in drawn.door_given


def test_a_bad_door_position_is_refused_with_its_field(tmp_path):
    from simsoft.errors import ScenarioError

    venue, _ = import_plan(PLANS / "place-of-worship.dxf")
    path = write_venue(venue, tmp_path / "v.yaml", source="plan.dxf")
    text = path.read_text(encoding="utf-8").replace("at: [24.1, 5.0]", "at: [24.1]", 1)
    assert "at: [24.1]" in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"v.yaml:\d+ venue.connections\[0\].at"):
        validate_file(path)


def test_venue_check_reports_a_door_placed_away_from_its_zones(tmp_path):
    venue, _ = import_plan(PLANS / "place-of-worship.dxf")
    path = write_venue(venue, tmp_path / "v.yaml", source="plan.dxf")
    good = CliRunner().invoke(cli, ["venue", "check", str(path), "--out", str(tmp_path / "out")])
    assert good.exit_code == 0 and "warning" not in good.stderr  # every imported door sits on its walls
    text = path.read_text(encoding="utf-8").replace("at: [24.1, 5.0]", "at: [5.0, 5.0]", 1)
    path.write_text(text, encoding="utf-8")
    bad = CliRunner().invoke(cli, ["venue", "check", str(path), "--out", str(tmp_path / "out")])
    assert bad.exit_code == 0
    assert "warning: connection lobby_prayer_hall: its at (5, 5) is 19.2 m from the outline of zone lobby (more than " \
           "1 m): check the position" in bad.stderr
