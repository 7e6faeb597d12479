"""Floor plans to venues: read a DXF drawing or an indoor GeoJSON plan and write a venue file.

>>> from simsoft.plans import Layers
>>> Layers.parse("rooms=ROOMS").rooms, Layers.parse("rooms=ROOMS").doors
('ROOMS', 'A-DOOR')

The three verbs: :func:`read_plan` (file -> :class:`Plan` with a :class:`Report`), :func:`build_venue`
(plan -> venue dict, file form) and :func:`write_venue` (venue dict -> YAML that the loader reads);
:func:`import_plan` does the first two. :mod:`simsoft.plans.capacity` sums up a venue for a trainer.
ezdxf and shapely are optional (``pip install "simsoft[plans]"``) and imported only when a plan is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simsoft.plans.build import DEFAULT_MIN_WIDTH_M, DEFAULT_SNAP_M, build_venue
from simsoft.plans.dxf import UNIT_M, Layers, dxf_problem, read_dxf
from simsoft.plans.geojson import read_geojson
from simsoft.plans.layout import positions as venue_positions
from simsoft.plans.levels import LevelRule
from simsoft.plans.model import Plan
from simsoft.plans.report import Finding, PlanError, Report
from simsoft.plans.write import write_venue

__all__ = ["import_plan", "read_plan", "build_venue", "write_venue", "Layers", "LevelRule", "Plan", "Report", "Finding",
           "PlanError", "venue_positions", "MAX_PLAN_BYTES", "UNIT_M", "DEFAULT_MIN_WIDTH_M", "DEFAULT_SNAP_M"]

MAX_PLAN_BYTES = 50_000_000
"""Largest plan file read, 50 MB: a building's floor plan with only its area, door and stair layers is well
under this; a bigger file is usually a whole project drawing (export only the floor's layers)."""
_SNIFF = 4096


def _format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".dxf" or head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    if suffix in (".geojson", ".json"):
        return "geojson"
    text = head.lstrip()
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"0") or b"SECTION" in head[:200]:
        return "dxf"
    raise PlanError(str(path), "is neither a DXF drawing (.dxf) nor an indoor GeoJSON plan (.geojson)")


def read_plan(path: str | Path, *, layers: Layers | None = None, units: str | None = None,
              levels: LevelRule | None = None, max_bytes: int = MAX_PLAN_BYTES) -> Plan:
    """Read the plan at ``path`` (DXF or GeoJSON, by suffix or content) into a :class:`Plan`.

    Refuses files over ``max_bytes`` and binary files that are not binary DXF, naming the reason.
    ``units`` (``m``, ``cm``, ``mm``, ``ft``, ``in``) gives the drawing unit when the file does not;
    ``levels`` where a DXF's floors are read from besides room labels (:class:`LevelRule`).
    """
    p = Path(path)
    if units is not None and units not in UNIT_M:
        raise PlanError(str(p), f"units {units!r} is not one of {', '.join(UNIT_M)}")
    size = p.stat().st_size
    if size > max_bytes:
        raise PlanError(str(p), f"is {size / 1e6:.0f} MB; plans over {max_bytes / 1e6:.0f} MB are refused "
                        "(export only the floor's room, door and stair layers)")
    if size == 0:
        raise PlanError(str(p), "is empty")
    with p.open("rb") as fh:
        head = fh.read(_SNIFF)
    dwg = dxf_problem(head) if head.startswith(b"AC10") else None
    if dwg:  # a DWG saved as .dxf (or a DWG given by mistake): say so rather than "a binary file"
        raise PlanError(str(p), dwg)
    if not head.startswith(b"AutoCAD Binary DXF"):
        if b"\x00" in head:
            nul = head.index(b"\x00")
            raise PlanError(str(p), f"is a binary file (a NUL byte at offset {nul}), not a DXF or "
                            "GeoJSON text file: export the plan as DXF or GeoJSON")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4 and not p.suffix.lower() == ".dxf":  # a cut multi-byte char at the end is fine
                raise PlanError(str(p), f"is not UTF-8 text (byte {exc.start}): export the plan as GeoJSON in UTF-8") from None
    kind = _format(p, head)
    if kind == "dxf":
        return read_dxf(p, layers=layers, units=units, levels=levels)
    return read_geojson(p, units=units)


def import_plan(path: str | Path, *, layers: Layers | None = None, units: str | None = None,
                levels: LevelRule | None = None, min_width_m: float = DEFAULT_MIN_WIDTH_M, snap_m: float = DEFAULT_SNAP_M,
                riser_mm: float | None = None, tread_mm: float | None = None) -> tuple[dict[str, Any], Report]:
    """Read and build: the venue dict (file form, ``{"venue": ...}``) of the plan at ``path``, and its report.

    Raises :class:`PlanError` listing every error with its source entity (layer and handle, or feature id).
    """
    plan = read_plan(path, layers=layers, units=units, levels=levels)
    extra: dict[str, float] = {}
    if riser_mm is not None:
        extra["riser_mm"] = riser_mm
    if tread_mm is not None:
        extra["tread_mm"] = tread_mm
    venue = build_venue(plan, min_width_m=min_width_m, snap_m=snap_m, **extra)
    return venue, plan.report
