"""Write the sample floor plans of a small place of worship: ``place-of-worship.dxf`` and ``.geojson``.

Run from anywhere: ``python scenarios/plans/make_plans.py [FOLDER]`` (default: this folder). Needs
ezdxf and shapely (``pip install "simsoft[plans]"``). The sizes are chosen so that the expected areas
and widths are round numbers; :data:`DXF_EXPECTED` and :data:`GEOJSON_EXPECTED` list them, and
``tests/test_plans_import.py`` checks that importing the plans gives exactly those values.

The DXF is drawn the way an architect draws: in millimetres, rooms as closed polylines inside 200 mm
walls on AIA layers (``A-AREA``, ``A-AREA-HALL``...), door lines across the openings on ``A-DOOR``, one
door block, labels on ``A-AREA-IDEN``; it is the same bytes every run (fixed dates, GUIDs and class
order). The GeoJSON follows OpenStreetMap's Simple Indoor Tagging: rooms share their walls, doors are
points on them with a ``width`` tag, a gallery on level 1 is reached by a stair polygon tagged
``stairs=yes`` and ``level=0;1``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORIGIN = (-1.5491, 53.8008)
"""Longitude and latitude the GeoJSON sample is placed at (an arbitrary point; only sizes matter)."""

DXF_EXPECTED = {
    "zones": {"prayer_hall": ("hall", 360.0), "lobby": ("concourse", 80.0), "side_room": ("room", 38.4),
              "rear_corridor": ("corridor", 48.0)},
    "doors": {("prayer_hall", "lobby"): 2.4, ("lobby", "side_room"): 1.0, ("prayer_hall", "rear_corridor"): 1.8},
    "exits": {"lobby": 3.2, "rear_corridor": 1.2, "side_room": 0.9, "prayer_hall": 2.0},
}
"""What importing ``place-of-worship.dxf`` must give: zone (kind, area m^2), door widths m, exit door widths by zone."""

GEOJSON_EXPECTED = {
    "zones": {"prayer_hall": ("room", 360.0), "lobby": ("concourse", 80.0), "side_room": ("room", 40.0),
              "rear_corridor": ("corridor", 40.0), "gallery": ("room", 144.0)},
    "doors": {("prayer_hall", "lobby"): 2.4, ("lobby", "side_room"): 1.0, ("prayer_hall", "rear_corridor"): 1.8},
    "exits": {"lobby": 3.2, "rear_corridor": 1.2, "side_room": 0.9, "prayer_hall": 2.0},
    "stairs": {("gallery", "rear_corridor"): (2.0, 4.74)},
}
"""What importing ``place-of-worship.geojson`` must give; the stair is (width m, length along the slope m):
a 4 m run at the SFPE default 178/279 mm step is 4 x sqrt(1 + (178/279)^2) = 4.7447 m -> 4.74."""


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


FIXED_JULIAN_DATE = 2451545.0
"""$TDCREATE and $TDUPDATE of the sample DXF: 2000-01-01 12:00 (J2000), so the file changes only with the plan."""
FIXED_GUID = "{00000000-0000-0000-0000-000000000000}"
"""$FINGERPRINTGUID and $VERSIONGUID of the sample DXF (a CAD program sets fresh ones when it saves)."""


def write_dxf(path: Path) -> None:
    """Write the DXF sample; the same bytes run after run (with the same ezdxf version, named in the file)."""
    import ezdxf

    previous = ezdxf.options.write_fixed_meta_data_for_testing
    # ezdxf's switch for reproducible output: fixed dates, GUIDs and "written by" stamp, from creation to save.
    ezdxf.options.write_fixed_meta_data_for_testing = True
    try:
        doc = _draw_dxf(ezdxf)
        _fix_meta(doc, ezdxf)
        doc.saveas(path)
    finally:
        ezdxf.options.write_fixed_meta_data_for_testing = previous


def _fix_meta(doc, ezdxf) -> None:  # type: ignore[no-untyped-def]
    """Everything ezdxf would otherwise take from the clock, a random GUID or the order of a set."""
    for var in ("$TDCREATE", "$TDUCREATE", "$TDUPDATE", "$TDUUPDATE"):
        doc.header[var] = FIXED_JULIAN_DATE
    doc.header["$TDINDWG"] = 0.0
    doc.header["$FINGERPRINTGUID"] = doc.header["$VERSIONGUID"] = FIXED_GUID
    # The ezdxf version goes into the file: another version may write other bytes for the same plan.
    doc.ezdxf_metadata()["CREATED_BY_EZDXF"] = f"ezdxf {ezdxf.__version__} (scenarios/plans/make_plans.py)"
    # ezdxf adds a CLASS record per entity type in use when it saves, iterating a set (the order then
    # depends on PYTHONHASHSEED); registered here first in a fixed order, they keep that order.
    from ezdxf.sections.classes import REQ_R2004, REQUIRED_CLASSES

    required = REQUIRED_CLASSES.get(doc.dxfversion, REQ_R2004)
    for name in [*required, *sorted(doc.entitydb.dxf_types_in_use())]:
        doc.classes.add_class(name)


def _draw_dxf(ezdxf):  # type: ignore[no-untyped-def]
    doc = ezdxf.new("R2010", units=4)  # $INSUNITS 4 = millimetres
    for name in ("A-AREA", "A-AREA-HALL", "A-AREA-LOBB", "A-AREA-CORR", "A-AREA-IDEN", "A-DOOR", "A-DOOR-EXIT"):
        doc.layers.add(name)
    msp = doc.modelspace()
    mm = 1000.0

    def room(layer: str, rect: tuple[float, float, float, float], label: str) -> None:
        pts = [(x * mm, y * mm) for x, y in _rect(*rect)]
        msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": layer})
        cx, cy = (rect[0] + rect[2]) / 2 * mm, (rect[1] + rect[3]) / 2 * mm
        msp.add_text(label, height=300, dxfattribs={"layer": "A-AREA-IDEN"}).set_placement((cx, cy))

    # Rooms inside 200 mm walls: hall 24 x 15 m, lobby 8 x 10, side room 8 x 4.8, corridor 24 x 2.
    room("A-AREA-HALL", (0, 0, 24, 15), "Prayer hall")
    room("A-AREA-LOBB", (24.2, 0, 32.2, 10), "Lobby")
    room("A-AREA", (24.2, 10.2, 32.2, 15), "Side room")
    room("A-AREA-CORR", (0, 15.2, 24, 17.2), "Rear corridor")

    def door(layer: str, a: tuple[float, float], b: tuple[float, float]) -> None:
        msp.add_line((a[0] * mm, a[1] * mm), (b[0] * mm, b[1] * mm), dxfattribs={"layer": layer})

    door("A-DOOR", (24.1, 3.8), (24.1, 6.2))        # hall - lobby, 2.4 m
    door("A-DOOR", (27.0, 10.1), (28.0, 10.1))      # lobby - side room, 1.0 m
    door("A-DOOR", (10.0, 15.1), (11.8, 15.1))      # hall - corridor, 1.8 m
    door("A-DOOR", (32.3, 3.0), (32.3, 6.2))        # main entrance on the outside wall, 3.2 m
    door("A-DOOR", (8.0, -0.1), (10.0, -0.1))       # garden door on the outside wall, 2.0 m
    door("A-DOOR-EXIT", (-0.1, 15.6), (-0.1, 16.8))  # corridor fire exit on the exit layer, 1.2 m
    # A 900 mm door block (leaf and swing) in the side room's outside wall.
    block = doc.blocks.new("DOOR-900")
    block.add_line((0, 0), (900, 0))
    block.add_line((0, 0), (0, -900))
    block.add_arc((0, 0), 900, 270, 360)
    msp.add_blockref("DOOR-900", (29.0 * mm, 15.1 * mm), dxfattribs={"layer": "A-DOOR"})
    return doc


def write_geojson(path: Path) -> None:
    sys.path.insert(0, str(HERE.parents[1]))
    from simsoft.plans.geojson import m_to_lonlat

    def ll(x: float, y: float) -> list[float]:
        lon, lat = m_to_lonlat(x, y, origin=ORIGIN)
        return [round(lon, 10), round(lat, 10)]

    def poly(rect: tuple[float, float, float, float]) -> dict:
        ring = [ll(x, y) for x, y in _rect(*rect)]
        return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}

    def point(x: float, y: float) -> dict:
        return {"type": "Point", "coordinates": ll(x, y)}

    features = [
        ("w1", poly((0, 0, 24, 15)), {"indoor": "room", "level": "0", "name": "Prayer hall"}),
        ("w2", poly((24, 0, 32, 10)), {"indoor": "area", "level": "0", "name": "Lobby"}),
        ("w3", poly((24, 10, 32, 15)), {"indoor": "room", "level": "0", "name": "Side room"}),
        ("w4", poly((0, 15, 20, 17)), {"indoor": "corridor", "level": "0", "name": "Rear corridor"}),
        ("w5", poly((0, 9, 24, 15)), {"indoor": "room", "level": "1", "name": "Gallery"}),
        ("w6", poly((20, 15, 24, 17)), {"indoor": "room", "stairs": "yes", "level": "0;1", "name": "Gallery stair"}),
        ("n1", point(24, 5), {"door": "hinged", "level": "0", "width": "2.4"}),
        ("n2", point(28, 10), {"door": "hinged", "level": "0", "width": "1.0"}),
        ("n3", point(10, 15), {"door": "hinged", "level": "0", "width": "1.8"}),
        ("n4", point(32, 4.6), {"door": "hinged", "entrance": "main", "level": "0", "width": "3.2", "name": "Main entrance"}),
        ("n5", point(9, 0), {"door": "hinged", "entrance": "yes", "level": "0", "width": "2.0", "name": "Garden door"}),
        ("n6", point(0, 16), {"door": "hinged", "entrance": "emergency", "level": "0", "width": "1.2"}),
        ("n7", point(29, 15), {"door": "hinged", "level": "0", "width": "0.9"}),
        ("n8", point(12, 7), {"amenity": "place_of_worship", "level": "0"}),
    ]
    data = {"type": "FeatureCollection", "name": "Place of worship (sample)",
            "features": [{"type": "Feature", "id": fid, "geometry": geo, "properties": props} for fid, geo, props in features]}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    write_dxf(out / "place-of-worship.dxf")
    write_geojson(out / "place-of-worship.geojson")
    print(f"wrote {out / 'place-of-worship.dxf'} and {out / 'place-of-worship.geojson'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
