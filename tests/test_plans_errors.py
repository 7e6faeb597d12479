"""Bad floor plans give clear messages naming the entity (layer + handle, feature id), never a traceback."""

from __future__ import annotations

import re
import sys

import pytest
from click.testing import CliRunner

pytest.importorskip("ezdxf")
pytest.importorskip("shapely")

from plan_helpers import PLANS, rect, write_dxf, write_geojson  # noqa: E402

from simsoft.cli import cli  # noqa: E402
from simsoft.errors import SimsoftError  # noqa: E402
from simsoft.plans import PlanError, import_plan, read_plan  # noqa: E402
from simsoft.plans._deps import require  # noqa: E402

HANDLE = r"layer A-AREA handle [0-9A-F]+"


def _room(tmp_path, **kw):
    base = {"rooms": [("A-AREA", rect(0, 0, 10, 8))], "doors": [((10.1, 3), (10.1, 4.2))]}
    base.update(kw)
    return write_dxf(tmp_path / "plan.dxf", **base)


def test_open_polyline_names_layer_and_handle(tmp_path):
    plan = _room(tmp_path, open_rooms=[("A-AREA", [(20, 0), (26, 0), (26, 5), (20, 3)])])
    with pytest.raises(PlanError, match=rf"plan.dxf: {HANDLE}: room outline is not closed \(its ends are 3.00 m apart\): "
                                        r"close the polyline in the CAD program"):
        import_plan(plan)


def test_door_touching_no_room(tmp_path):
    plan = _room(tmp_path, doors=[((10.1, 3), (10.1, 4.2)), ((15, 3), (15, 4))])
    with pytest.raises(PlanError, match=r"layer A-DOOR handle [0-9A-F]+: door touches no room within 0.3 m "
                                        r"\(nearest: zone room_1, 5.00 m away\): move it onto a wall or raise --snap"):
        import_plan(plan)


def test_door_touching_one_room_inside_the_building_is_left_out_and_reported(tmp_path):
    plan = _room(tmp_path, doors=[((10.1, 3), (10.1, 4.2)), ((4, 4), (5, 4))])
    venue, report = import_plan(plan)
    assert len(venue["venue"]["connections"]) == 1
    (warning,) = report.of("warning")
    assert re.fullmatch(r"warning: layer A-DOOR handle [0-9A-F]+: door touches only zone room_1 and is not on the "
                        r"outside wall: left out \(draw the room on its other side, or put the door on the exit layer\)",
                        str(warning))


def test_unit_mismatch_between_header_and_option(tmp_path):
    plan = _room(tmp_path, units=4, scale=1000.0)
    with pytest.raises(PlanError, match=r"header \$INSUNITS: the drawing says it is in mm but --units m was given"):
        import_plan(plan, units="m")
    venue, _ = import_plan(plan)  # the header alone is right
    assert venue["venue"]["zones"][0]["area_m2"] == 80.0


def test_unitless_drawing_in_millimetres_is_caught_by_its_door_widths(tmp_path):
    plan = _room(tmp_path, units=0, scale=1000.0)
    with pytest.raises(PlanError, match=r"layer A-DOOR handle [0-9A-F]+: clear width 1200 m is not a door: the drawing "
                                        r"is probably in mm or cm, not m \(give --units\)"):
        import_plan(plan)
    venue, report = import_plan(plan, units="mm")
    assert venue["venue"]["connections"][0]["width_m"] == 1.2


def test_empty_room_layer_lists_the_layers_found(tmp_path):
    plan = write_dxf(tmp_path / "plan.dxf", rooms=[("WALLS", rect(0, 0, 10, 8))], doors=[((10.1, 3), (10.1, 4.2))])
    with pytest.raises(PlanError, match=r"layer A-AREA: no closed polylines on the room layer \(layers in the drawing: "
                                        r"A-DOOR, WALLS\); name the room layer with --layers rooms=NAME"):
        import_plan(plan)
    from simsoft.plans import Layers

    venue, _ = import_plan(plan, layers=Layers.parse("rooms=WALLS"))
    assert venue["venue"]["zones"][0]["area_m2"] == 80.0


def test_binary_file(tmp_path):
    plan = tmp_path / "plan.dxf"
    plan.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(PlanError, match=r"plan.dxf: is a binary file \(a NUL byte at offset 4\), not a DXF or GeoJSON "
                                        r"text file: export the plan as DXF or GeoJSON"):
        read_plan(plan)


def test_huge_file_is_refused_before_reading(tmp_path):
    plan = tmp_path / "plan.geojson"
    with plan.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: nothing is written to disk
    with pytest.raises(PlanError, match=r"plan.geojson: is 63 MB; plans over 50 MB are refused \(export only the floor's "
                                        r"room, door and stair layers\)"):
        read_plan(plan)


def _sample() -> bytes:
    return (PLANS / "place-of-worship.dxf").read_bytes()


def _binary_dxf(path):
    import ezdxf

    doc = ezdxf.new("R2010", units=6)
    doc.modelspace().add_lwpolyline([(0, 0), (4, 0), (4, 3)], close=True, dxfattribs={"layer": "A-AREA"})
    doc.saveas(path, fmt="bin")
    return path.read_bytes()


AGAIN = r"save it again from the CAD program as DXF \(ASCII or binary\)"


@pytest.mark.parametrize("case, message", [
    ("text", r"plan.dxf: is not a DXF file: a DXF starts with the group code 0 and SECTION, this one with 'hello'$"),
    ("blank", r"plan.dxf: holds only blank lines, no DXF$"),
    ("half", r"plan.dxf: is truncated: it stops at line 1,771, inside the TABLES section, without the end-of-file "
             r"marker \(0 EOF\), so part of the drawing is missing \(cut off while copying or saving\?\); " + AGAIN),
    ("no_eof", r"plan.dxf: is truncated: it stops at line [\d,]+, inside the OBJECTS section, without the end-of-file"),
    ("bad_code", r"plan.dxf: is a damaged DXF file \(Invalid group code \"abc\" at line 5.\): " + AGAIN),
    ("dwg", r"plan.dxf: is a DWG drawing \(AC1032\), not DXF: DWG is not read; save the drawing as DXF from the CAD "
            r"program$"),
    ("binary_cut", r"plan.dxf: is a truncated binary DXF: its [\d,]+ bytes stop before the end-of-file marker \(EOF\), "
                   r"so part of the drawing is missing; " + AGAIN),
    ("binary_head", r"plan.dxf: is a damaged binary DXF \(its first line is cut short\): " + AGAIN),
])
def test_garbage_and_truncated_dxf_get_our_own_message_naming_the_file(tmp_path, case, message):
    plan = tmp_path / "plan.dxf"
    data = {
        "text": lambda: b"hello\nworld\n",
        "blank": lambda: b"\n  \n\n",
        "half": lambda: _sample()[:len(_sample()) // 2],
        "no_eof": lambda: _sample()[:_sample().rindex(b"EOF") - 4],
        "bad_code": lambda: b"  0\nSECTION\n  2\nENTITIES\nabc\nLINE\n  0\nENDSEC\n  0\nEOF\n",
        "dwg": lambda: b"AC1032\x00\x00\x00\x00\x00\x00",
        "binary_cut": lambda: _binary_dxf(tmp_path / "whole.dxf")[:3000],
        "binary_head": lambda: b"AutoCAD Binary DXF\r\n",
    }[case]()
    plan.write_bytes(data)
    with pytest.raises(PlanError, match=message) as info:
        import_plan(plan)
    assert "is not a DXF file." not in str(info.value)  # never ezdxf's own wording
    result = CliRunner().invoke(cli, ["venue", "import", str(plan), "--to", str(tmp_path / "v.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "v.yaml").exists()


def test_a_whole_binary_dxf_is_read(tmp_path):
    _binary_dxf(tmp_path / "plan.dxf")
    plan = read_plan(tmp_path / "plan.dxf")
    assert len(plan.rooms) == 1 and round(plan.rooms[0].polygon.area, 6) == 6.0


def test_geojson_bad_json_names_line_and_column(tmp_path):
    plan = tmp_path / "plan.geojson"
    plan.write_text('{"type": "FeatureCollection",\n "features": [,]}\n')
    with pytest.raises(PlanError, match=r"plan.geojson: line 2 column 15: not valid JSON: Expecting value"):
        import_plan(plan)


def test_geojson_planar_coordinates_need_units(tmp_path):
    def poly(r):
        ring = [list(p) for p in rect(*r)]
        return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}

    feats = [("w1", poly((500000, 200000, 500010, 200008)), {"indoor": "room", "name": "Hall"}),
             ("n1", {"type": "Point", "coordinates": [500010, 200004]}, {"entrance": "yes", "width": "1.2"})]
    plan = write_geojson(tmp_path / "plan.geojson", feats)
    with pytest.raises(PlanError, match=r"coordinates such as \(500010.0, 200008.0\) are not longitude/latitude: give "
                                        r"--units m"):
        import_plan(plan)
    venue, _ = import_plan(plan, units="m")
    assert venue["venue"]["zones"][0]["area_m2"] == 80.0 and venue["venue"]["connections"][0]["width_m"] == 1.2


def test_geojson_bad_level_names_the_feature(tmp_path):
    def poly(r):
        ring = [list(p) for p in rect(*r)]
        return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}

    feats = [("w1", poly((0, 0, 10, 8)), {"indoor": "room", "name": "Hall", "level": "0"}),
             ("w2", poly((10, 0, 14, 2)), {"stairs": "yes", "level": "0;1"}),
             ("n1", {"type": "Point", "coordinates": [0, 4]}, {"entrance": "yes", "width": "1.2"}),
             ("n2", {"type": "Point", "coordinates": [5, 4]}, {"door": "yes", "level": "x"})]
    plan = write_geojson(tmp_path / "plan.geojson", feats)
    with pytest.raises(PlanError) as err:
        import_plan(plan, units="m")
    assert str(err.value).endswith("plan.geojson: feature n2: level 'x' is not a number or a list like '0;1'")


def test_stair_error_names_the_feature(tmp_path):
    def poly(r):
        ring = [list(p) for p in rect(*r)]
        return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}

    feats = [("w1", poly((0, 0, 10, 8)), {"indoor": "room", "name": "Hall", "level": "0"}),
             ("w2", poly((10, 0, 14, 2)), {"stairs": "yes", "level": "0;1"}),
             ("n1", {"type": "Point", "coordinates": [0, 4]}, {"entrance": "yes", "width": "1.2"})]
    plan = write_geojson(tmp_path / "plan.geojson", feats)
    with pytest.raises(PlanError, match=r"feature w2: stair must lead into one room on level 0 \(finds hall\) and one "
                                        r"on level 1 \(finds none\) at its ends"):
        import_plan(plan, units="m")


def test_missing_extra_gives_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ezdxf", None)  # import ezdxf now raises ImportError
    with pytest.raises(SimsoftError, match=r'reading floor plans needs ezdxf, which is not installed: '
                                           r'pip install "simsoft\[plans\]" \(or pip install ezdxf\)'):
        require("ezdxf")


@pytest.mark.parametrize("case", ["open", "nowhere", "binary", "units", "missing_extra"])
def test_cli_prints_one_clear_error_never_a_traceback(tmp_path, monkeypatch, case):
    extra: list[str] = []
    if case == "open":
        plan = _room(tmp_path, open_rooms=[("A-AREA", [(20, 0), (26, 0), (26, 5)])])
        expected = "room outline is not closed"
    elif case == "nowhere":
        plan = _room(tmp_path, doors=[((15, 3), (15, 4)), ((10.1, 3), (10.1, 4.2))])
        expected = "door touches no room"
    elif case == "binary":
        plan = tmp_path / "plan.geojson"
        plan.write_bytes(b"\x00\x01\x02")
        expected = "is a binary file"
    elif case == "units":
        plan = _room(tmp_path, units=4, scale=1000.0)
        extra = ["--units", "cm"]
        expected = "the drawing says it is in mm but --units cm was given"
    else:
        plan = _room(tmp_path)
        monkeypatch.setitem(sys.modules, "ezdxf", None)
        expected = 'pip install "simsoft[plans]"'
    result = CliRunner().invoke(cli, ["venue", "import", str(plan), "--to", str(tmp_path / "v.yaml"), *extra])
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) or \
        isinstance(result.exception, SystemExit)
    assert not (tmp_path / "v.yaml").exists()


def test_overlaps_narrow_doors_and_rooms_without_a_way_out_are_reported_with_their_entity(tmp_path):
    plan = write_dxf(
        tmp_path / "plan.dxf",
        rooms=[("A-AREA", rect(0, 0, 10, 8)), ("A-AREA", rect(9, 0, 15, 8)), ("A-AREA", rect(30, 0, 34, 4))],
        doors=[((-0.1, 3), (-0.1, 3.7))],
        labels=[((4, 4), "Hall"), ((13, 4), "Annex"), ((32, 2), "Store")],
    )
    venue, report = import_plan(plan)
    warnings = [str(w) for w in report.of("warning")]
    assert any(re.fullmatch(rf"warning: {HANDLE}: zone annex overlaps zone hall \({HANDLE}\) by 8.0 m\^2: the area is "
                            r"counted twice", w) for w in warnings), warnings
    assert any(re.fullmatch(r"warning: layer A-DOOR handle [0-9A-F]+: clear width 0.7 m is below the minimum 0.8 m "
                            r"\(kept as drawn: check it\)", w) for w in warnings), warnings
    assert any(re.fullmatch(rf"warning: {HANDLE}: zone store has no way out: no door or stair leads from it to an exit "
                            r"\(the loader refuses people there\)", w) for w in warnings), warnings
    assert [e["id"] for e in venue["venue"]["exits"]] == ["exit_hall"]


def test_a_plan_without_any_exit_stops(tmp_path):
    plan = write_dxf(tmp_path / "plan.dxf", rooms=[("A-AREA", rect(0, 0, 10, 8)), ("A-AREA", rect(10.2, 0, 20, 8))],
                     doors=[((10.1, 3), (10.1, 4))])
    with pytest.raises(PlanError, match=r"plan.dxf: no exit: no door is on the outside wall or on the exit layer "
                                        r"\(or tagged entrance\)"):
        import_plan(plan)
