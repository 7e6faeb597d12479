"""DXF levels from a layer-name convention and from floor blocks (INSERTs with a LEVEL attribute), not only labels."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

pytest.importorskip("ezdxf")
pytest.importorskip("shapely")

from plan_helpers import rect  # noqa: E402

from simsoft.cli import cli  # noqa: E402
from simsoft.plans import LevelRule, PlanError, import_plan  # noqa: E402

# Two levels stacked in plan: a hall and a lobby on the ground, a gallery over the hall, a stair in the lobby.
GROUND = [("A-AREA", rect(0, 0, 10, 8), "Hall"), ("A-AREA-LOBB", rect(10.2, 0, 16, 8), "Lobby")]
UPPER = [("A-AREA", rect(0, 0, 10, 8), "Gallery")]
STAIR = rect(10.25, 6, 15.9, 7.9)
EXPECTED = {"zones": {"hall": 0, "lobby": 0, "gallery": 1},
            "connections": {("hall", "lobby", "door"), ("lobby", "exit_lobby", "door"), ("gallery", "lobby", "stair")}}


def _draw(space, rooms, *, suffix: str = "", prefix: str = "") -> None:
    def lay(name: str) -> str:
        return f"{prefix}{name}{suffix}"

    for layer, pts, name in rooms:
        space.add_lwpolyline(pts, close=True, dxfattribs={"layer": lay(layer)})
        x = sum(p[0] for p in pts) / 4
        y = sum(p[1] for p in pts) / 4
        space.add_text(name, height=0.3, dxfattribs={"layer": lay("A-AREA-IDEN")}).set_placement((x, y))


def _ground_extras(space, *, suffix: str = "", prefix: str = "") -> None:
    space.add_line((10.1, 2), (10.1, 3.2), dxfattribs={"layer": f"{prefix}A-DOOR{suffix}"})
    space.add_line((16.1, 2), (16.1, 4), dxfattribs={"layer": f"{prefix}A-DOOR-EXIT{suffix}"})
    space.add_lwpolyline(STAIR, close=True, dxfattribs={"layer": f"{prefix}A-FLOR-STRS{suffix}"})


def _layered(path, *, token=("-L", "")):
    import ezdxf

    doc = ezdxf.new("R2010", units=6)
    msp = doc.modelspace()
    for level, rooms in ((0, GROUND), (1, UPPER)):
        before, after = token
        if before.endswith("-") and not after:  # a prefix token: L1-A-AREA
            kw = {"prefix": f"{before[:-1]}{level}-"}
        else:
            kw = {"suffix": f"{before}{level}{after}"}
        _draw(msp, rooms, **kw)
        if level == 0:
            _ground_extras(msp, **kw)
    doc.saveas(path)
    return path


def _blocks(path, *, tag: str = "LEVEL", value_1: str = "1"):
    import ezdxf

    doc = ezdxf.new("R2010", units=6)
    msp = doc.modelspace()
    for level, rooms in ((0, GROUND), (1, UPPER)):
        block = doc.blocks.new(f"FLOOR-{level}")
        _draw(block, rooms)
        if level == 0:
            _ground_extras(block)
        ref = msp.add_blockref(f"FLOOR-{level}", (0, 0), dxfattribs={"layer": "A-ANNO-FLOR"})
        ref.add_attrib(tag, value_1 if level else "0")
    doc.saveas(path)
    return path


def _summary(venue: dict) -> dict:
    v = venue["venue"]
    return {"zones": {z["id"]: z.get("level", 0) for z in v["zones"]},
            "connections": {(c["from"], c["to"], c["kind"]) for c in v["connections"]}}


def test_levels_from_the_layer_name_convention(tmp_path):
    venue, report = import_plan(_layered(tmp_path / "plan.dxf"), levels=LevelRule.parse("layer"))
    assert _summary(venue) == EXPECTED
    assert any("levels from room labels, layer names (-L{level})" in f.message for f in report.findings)
    assert not report.of("warning")
    stair = next(c for c in venue["venue"]["connections"] if c["kind"] == "stair")
    assert stair["width_m"] == 1.9


def test_a_layer_token_at_the_start_of_the_name(tmp_path):
    venue, _ = import_plan(_layered(tmp_path / "plan.dxf", token=("L-", "")), levels=LevelRule.parse("layer:L{level}-"))
    assert _summary(venue) == EXPECTED


def test_without_the_layer_rule_the_import_says_the_layers_look_like_levels(tmp_path):
    plan = _layered(tmp_path / "plan.dxf")
    with pytest.raises(PlanError, match="no exit: no door is on the outside wall"):
        import_plan(plan)  # A-DOOR-L0 is no door layer without the rule
    from simsoft.plans import read_plan

    warnings = [f.message for f in read_plan(plan).report.of("warning")]
    assert "layer names such as A-AREA-IDEN-L0 look like they name a level: give --level-from layer to read levels " \
           "from them" in warnings


def test_levels_from_floor_blocks_with_a_level_attribute(tmp_path):
    venue, report = import_plan(_blocks(tmp_path / "plan.dxf"))  # attribute LEVEL is read by default
    assert _summary(venue) == EXPECTED
    found = [f for f in report.findings if "floor block 'FLOOR-1': read on level 1 (attribute LEVEL)" in f.message]
    assert found and found[0].source.startswith("layer A-ANNO-FLOR handle ")
    zone_sources = [f.source for f in report.findings if f.message.startswith("zone gallery")]
    assert zone_sources == [zone_sources[0]] and "of floor block 'FLOOR-1' (insert handle" in zone_sources[0]


def test_a_floor_attribute_with_another_tag(tmp_path):
    plan = _blocks(tmp_path / "plan.dxf", tag="FLOOR")
    venue, _ = import_plan(plan, levels=LevelRule.parse("label,attribute:floor"))
    assert _summary(venue) == EXPECTED


def test_a_floor_attribute_that_is_not_a_number_names_the_insert(tmp_path):
    plan = _blocks(tmp_path / "plan.dxf", value_1="first")
    with pytest.raises(PlanError, match=r"layer A-ANNO-FLOR handle [0-9A-F]+: attribute LEVEL 'first' is not a whole "
                                        r"number \(a level: 0 ground, 1, -1\.\.\.\)"):
        import_plan(plan)


@pytest.mark.parametrize("text, message", [
    ("floor", "--level-from 'floor': write label, layer, layer:TOKEN"),
    ("layer:L1", "the layer TOKEN must hold {level} once"),
    ("layer:{level}", "the layer TOKEN must hold {level} once"),
])
def test_bad_level_from_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        LevelRule.parse(text)
    plan = _layered(tmp_path / "plan.dxf")
    result = CliRunner().invoke(cli, ["venue", "import", str(plan), "--to", str(tmp_path / "v.yaml"), "--level-from", text])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_level_from_layer(tmp_path):
    plan = _layered(tmp_path / "plan.dxf")
    result = CliRunner().invoke(cli, ["venue", "import", str(plan), "--to", str(tmp_path / "v.yaml"), "--level-from", "layer"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "3 zones, 3 connections, 1 exits" in result.output


def test_an_unbound_xref_is_reported_not_read(tmp_path):
    import ezdxf

    doc = ezdxf.new("R2010", units=6)
    msp = doc.modelspace()
    msp.add_lwpolyline(rect(0, 0, 10, 8), close=True, dxfattribs={"layer": "A-AREA"})
    msp.add_line((10.1, 3), (10.1, 4.2), dxfattribs={"layer": "A-DOOR"})
    doc.blocks.new("FLOOR-2", dxfattribs={"flags": 4, "xref_path": "floor2.dxf"})  # 4: an external reference
    msp.add_blockref("FLOOR-2", (0, 0), dxfattribs={"layer": "A-ANNO"})
    doc.saveas(tmp_path / "plan.dxf")
    venue, report = import_plan(tmp_path / "plan.dxf")
    assert [z["id"] for z in venue["venue"]["zones"]] == ["room_1"]
    assert any(f.source.startswith("layer A-ANNO handle ") and f.message == "xref 'FLOOR-2' is not read: bind it into "
               "the drawing (BIND in the CAD program) and give its insert a LEVEL attribute" for f in report.of("warning"))
