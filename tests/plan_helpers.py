"""Small floor plans written on the fly for the plan-import tests (ezdxf and plain GeoJSON)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "scenarios" / "plans"


def make_plans_module():
    """``scenarios/plans/make_plans.py`` as a module (its EXPECTED tables and writers)."""
    spec = importlib.util.spec_from_file_location("make_plans", PLANS / "make_plans.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def write_dxf(path: Path, *, rooms=(), doors=(), exits=(), stairs=(), labels=(), open_rooms=(), units: int = 6,
              scale: float = 1.0) -> Path:
    """A DXF with closed room outlines (layer, points), door lines, exit lines, stair outlines and labels."""
    import ezdxf

    doc = ezdxf.new("R2010", units=units)
    msp = doc.modelspace()

    def s(pts):
        return [(x * scale, y * scale) for x, y in pts]

    for layer, pts in rooms:
        msp.add_lwpolyline(s(pts), close=True, dxfattribs={"layer": layer})
    for layer, pts in open_rooms:
        msp.add_lwpolyline(s(pts), close=False, dxfattribs={"layer": layer})
    for a, b in doors:
        msp.add_line(*s([a, b]), dxfattribs={"layer": "A-DOOR"})
    for a, b in exits:
        msp.add_line(*s([a, b]), dxfattribs={"layer": "A-DOOR-EXIT"})
    for pts in stairs:
        msp.add_lwpolyline(s(pts), close=True, dxfattribs={"layer": "A-FLOR-STRS"})
    for (x, y), text in labels:
        msp.add_mtext(text, dxfattribs={"layer": "A-AREA-IDEN", "insert": (x * scale, y * scale)})
    doc.saveas(path)
    return path


def write_geojson(path: Path, features: list[tuple[str, dict, dict]]) -> Path:
    """A FeatureCollection of (id, geometry, properties); geometry coordinates as given."""
    data = {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": fid, "geometry": g, "properties": p} for fid, g, p in features]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
