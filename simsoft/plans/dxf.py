"""Read a DXF floor plan: closed polylines on room layers, door lines or blocks, stair outlines, labels.

Layer names follow the AIA CAD Layer Guidelines (US National CAD Standard) by default:

========  ===============  ==========================================================
role      default layer    what is read there
========  ===============  ==========================================================
rooms     ``A-AREA``       closed (LW)POLYLINEs, one per zone; ``A-AREA-HALL``, ``A-AREA-CORR``...
                           sub-layers set the zone kind (see :data:`KIND_SUFFIXES`)
labels    ``A-AREA-IDEN``  TEXT/MTEXT inside a room: first line the name, ``kind: hall``, ``level: 1``
doors     ``A-DOOR``       LINEs (or open polylines) across the clear opening, or door block INSERTs
exits     ``A-DOOR-EXIT``  the same, always made exits (doors on the outside wall become exits anyway)
stairs    ``A-FLOR-STRS``  closed polylines around a flight; it joins the two rooms at its ends
========  ===============  ==========================================================

Levels come from labels, and as :class:`~simsoft.plans.levels.LevelRule` says from a layer-name token
(``A-AREA-L1``) and from floor blocks inserted with a ``LEVEL`` attribute. Units come from the header
variable ``$INSUNITS`` or the caller; when both are given and differ the import stops (a plan drawn in
millimetres read as metres is 1,000 times too big).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from simsoft.plans._deps import require
from simsoft.plans.levels import LevelRule
from simsoft.plans.model import Door, Plan, Room, Stair
from simsoft.plans.report import ERROR, INFERRED, WARNING, Report

__all__ = ["Layers", "read_dxf", "dxf_problem", "INSUNITS", "KIND_SUFFIXES", "UNIT_M"]

UNIT_M = {"m": 1.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048, "in": 0.0254}
"""Metres per drawing unit."""
INSUNITS = {1: "in", 2: "ft", 4: "mm", 5: "cm", 6: "m"}
"""DXF ``$INSUNITS`` codes of the units a floor plan is drawn in (AutoCAD DXF reference, HEADER section)."""
KIND_SUFFIXES = {
    "HALL": "hall", "CORR": "corridor", "CIRC": "corridor", "LOBB": "concourse", "CONC": "concourse",
    "FOYR": "concourse", "OUTD": "outdoor", "EXTR": "outdoor", "STRS": "stair", "SHEL": "shelter", "ROOM": "room",
}
"""Sub-layer suffix (``A-AREA-HALL``) -> zone kind; other suffixes give ``room``."""
ZONE_KINDS = ("room", "hall", "corridor", "concourse", "stair", "outdoor", "shelter")


@dataclass(frozen=True)
class Layers:
    """Layer names of each role (compared without regard to case)."""

    rooms: str = "A-AREA"
    labels: str = "A-AREA-IDEN"
    doors: str = "A-DOOR"
    exits: str = "A-DOOR-EXIT"
    stairs: str = "A-FLOR-STRS"

    @classmethod
    def parse(cls, text: str | None) -> Layers:
        """``"rooms=ROOMS,doors=DOORS"`` -> :class:`Layers` (unnamed roles keep their default)."""
        if not text:
            return cls()
        values: dict[str, str] = {}
        for part in text.split(","):
            role, sep, name = part.partition("=")
            role = role.strip()
            if not sep or role not in cls.__dataclass_fields__ or not name.strip():
                roles = ", ".join(cls.__dataclass_fields__)
                raise ValueError(f"--layers {part.strip()!r}: write ROLE=LAYER with ROLE one of {roles}")
            values[role] = name.strip()
        return cls(**values)


def _where(e) -> str:  # type: ignore[no-untyped-def]
    return f"layer {e.dxf.layer} handle {e.dxf.handle}"


def _units(doc, given: str | None, report: Report) -> float:  # type: ignore[no-untyped-def]
    code = int(doc.header.get("$INSUNITS", 0) or 0)
    header = INSUNITS.get(code)
    if given is not None and header is not None and given != header:
        report.add(ERROR, "header $INSUNITS", f"the drawing says it is in {header} but --units {given} was given; "
                   f"leave --units out or correct the drawing's units")
        return UNIT_M[given]
    if given is not None:
        return UNIT_M[given]
    if header is not None:
        report.add(INFERRED, "header $INSUNITS", f"drawing units {header} (code {code})")
        return UNIT_M[header]
    if code:
        report.add(ERROR, "header $INSUNITS", f"unit code {code} is not a floor-plan unit (m, cm, mm, ft, in): give --units")
    else:
        report.add(INFERRED, "header $INSUNITS", "the drawing names no units: assumed metres (give --units if not)")
    return 1.0


def _outline(e, scale: float, report: Report, where: str) -> tuple[list[tuple[float, float]], bool] | None:  # type: ignore[no-untyped-def]
    kind = e.dxftype()
    if kind == "LWPOLYLINE":
        pts = [(float(x), float(y)) for x, y, *_ in e.get_points("xyb")]
        bulged = any(abs(b) > 1e-12 for *_, b in e.get_points("xyb"))
        closed = bool(e.closed)
    elif kind == "POLYLINE":
        pts = [(float(v.x), float(v.y)) for v in e.points()]
        bulged = any(abs(v.dxf.get("bulge", 0.0)) > 1e-12 for v in e.vertices)
        closed = bool(e.is_closed)
    else:
        return None
    if bulged:
        report.add(INFERRED, where, "arc segments read as straight lines (the area is that of the straight outline)")
    if len(pts) > 1 and math.dist(pts[0], pts[-1]) < 1e-9:
        pts, closed = pts[:-1], True
    return [(x * scale, y * scale) for x, y in pts], closed


def _labels(items, layers: Layers, scale: float) -> list[tuple[tuple[float, float], list[str], int | None]]:  # type: ignore[no-untyped-def]
    out = []
    for e, _, layer, level in items:
        if e.dxftype() not in ("TEXT", "MTEXT"):
            continue
        if not _is_room_layer(layer, layers) and layer.upper() != layers.labels.upper():
            continue
        text = e.plain_text() if e.dxftype() == "MTEXT" else e.dxf.text
        lines = [t.strip() for t in str(text).splitlines() if t.strip()]
        if lines:
            p = e.dxf.insert
            out.append(((float(p.x) * scale, float(p.y) * scale), lines, level))
    return out


_LEVEL_HINT = re.compile(r"-L-?\d+$", re.IGNORECASE)


def _level_value(text: str, where: str, tag: str, report: Report) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        report.add(ERROR, where, f"attribute {tag} {text!r} is not a whole number (a level: 0 ground, 1, -1...)")
        return None


def _entities(msp, layers: Layers, rule: LevelRule, report: Report):  # type: ignore[no-untyped-def]
    """``(entity, source, layer without its level token, level or None)`` of the model space, with the
    entities of floor blocks (INSERTs carrying the level attribute) read in their place, on their level."""
    doors = {layers.doors.upper(), layers.exits.upper()}
    for e in msp:
        layer, level = rule.split(e.dxf.layer)
        if e.dxftype() == "INSERT" and layer.upper() not in doors:
            attrs = {a.dxf.tag.upper(): a.dxf.text for a in e.attribs}
            if rule.attribute and rule.attribute in attrs:
                floor = _level_value(attrs[rule.attribute], _where(e), rule.attribute, report)
                report.add(INFERRED, _where(e), f"floor block {e.dxf.name!r}: read on level {floor} "
                           f"(attribute {rule.attribute})")
                for n, v in enumerate(e.virtual_entities(), start=1):
                    inner, inner_level = rule.split(v.dxf.layer)
                    where = f"layer {v.dxf.layer} entity {n} of floor block {e.dxf.name!r} (insert handle {e.dxf.handle})"
                    yield v, where, inner, floor if floor is not None else inner_level
                continue
            block = e.block()
            if block is not None and block.block is not None and block.block.is_xref:
                report.add(WARNING, _where(e), f"xref {e.dxf.name!r} is not read: bind it into the drawing "
                           "(BIND in the CAD program) and give its insert a LEVEL attribute")
                continue
        yield e, _where(e), layer, level


def _is_room_layer(layer: str, layers: Layers) -> bool:
    up, rooms = layer.upper(), layers.rooms.upper()
    return up != layers.labels.upper() and (up == rooms or up.startswith(rooms + "-"))


def _apply_label(room: Room, lines: list[str], report: Report) -> None:
    for line in lines:
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if sep and key == "kind":
            if value.lower() in ZONE_KINDS:
                room.kind = value.lower()
            else:
                report.add(WARNING, room.source, f"label kind {value!r} is not one of {', '.join(ZONE_KINDS)}: ignored")
        elif sep and key == "level":
            try:
                room.level = int(value)
            except ValueError:
                report.add(ERROR, room.source, f"label level {value!r} is not a whole number")
        elif room.name is None:
            room.name = line


_BINARY_SENTINEL = b"AutoCAD Binary DXF\r\n\x1a\x00"
"""First 22 bytes of a binary DXF (AutoCAD DXF reference, "Binary DXF Files")."""
_SECTION = re.compile(rb"(?:^|\n)[ \t]*0[ \t]*\r?\nSECTION[ \t]*\r?\n[ \t]*2[ \t]*\r?\n([^\r\n]*)")
_AGAIN = "save it again from the CAD program as DXF (ASCII or binary)"


def dxf_problem(data: bytes) -> str | None:
    r"""What makes ``data`` not a whole DXF file, in words, or None when it looks like one.

    A DXF is pairs of lines, a group code then its value, from ``0 SECTION`` to ``0 EOF`` (AutoCAD DXF
    reference, "General DXF File Structure"); a binary DXF starts with its sentinel and ends with ``EOF``.

    >>> dxf_problem(b"  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n") is None
    True
    >>> dxf_problem(b"hello\nworld\n")
    "is not a DXF file: a DXF starts with the group code 0 and SECTION, this one with 'hello'"
    """
    if data.startswith(b"AC10") and data[4:6].isdigit():
        return (f"is a DWG drawing ({data[:6].decode('ascii')}), not DXF: DWG is not read; "
                "save the drawing as DXF from the CAD program")
    if data.startswith(b"AutoCAD Binary DXF"):
        if not data.startswith(_BINARY_SENTINEL):
            return "is a damaged binary DXF (its first line is cut short): " + _AGAIN
        if not data.rstrip(b"\x00\r\n ").endswith(b"EOF"):
            return (f"is a truncated binary DXF: its {len(data):,} bytes stop before the end-of-file marker "
                    f"(EOF), so part of the drawing is missing; " + _AGAIN)
        return None
    text = data.decode("latin-1")
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "holds only blank lines, no DXF"
    head = lines[first].strip()
    value = lines[first + 1].strip() if first + 1 < len(lines) else ""
    if not ((head == "0" and value == "SECTION") or head == "999"):
        shown = head if len(head) <= 40 else head[:40] + "..."
        return f"is not a DXF file: a DXF starts with the group code 0 and SECTION, this one with {shown!r}"
    tail = [line.strip() for line in lines if line.strip()][-2:]
    if tail != ["0", "EOF"]:
        sections = _SECTION.findall(data)
        where = f", inside the {sections[-1].decode('latin-1').strip()} section" if sections else ""
        return (f"is truncated: it stops at line {len(lines):,}{where}, without the end-of-file marker (0 EOF), so "
                f"part of the drawing is missing (cut off while copying or saving?); " + _AGAIN)
    return None


def read_dxf(path: str | Path, *, layers: Layers | None = None, units: str | None = None,
             levels: LevelRule | None = None) -> Plan:
    """Read the DXF file at ``path`` into a :class:`Plan` (metres); problems go to ``plan.report``.

    ``levels`` says where floors are read from besides room labels (:mod:`simsoft.plans.levels`).
    """
    ezdxf = require("ezdxf")
    geometry = require("shapely.geometry")
    bbox = require("ezdxf.bbox")
    layers = layers or Layers()
    file = str(path)
    report = Report(file)
    plan = Plan(file=file, report=report, name=Path(path).stem.replace("-", " ").replace("_", " ").capitalize())
    problem = dxf_problem(Path(path).read_bytes())
    if problem:
        report.add(ERROR, "", problem)
        report.raise_errors()
    try:
        doc = ezdxf.readfile(file)
    except ezdxf.DXFStructureError as exc:
        # ezdxf's own words name the defect ("Invalid group code ... at line 5"); its class name is noise.
        reason = str(exc).removeprefix("DXFStructureError:").strip().replace("\n", "")
        report.add(ERROR, "", f"is a damaged DXF file ({reason}): " + _AGAIN)
        report.raise_errors()
    except UnicodeDecodeError as exc:
        report.add(ERROR, "", f"is a DXF file in an unknown text encoding ({exc.reason} at byte {exc.start}): " + _AGAIN)
        report.raise_errors()
    except Exception as exc:  # ezdxf raises OSError, StopIteration, IndexError... on a damaged file
        report.add(ERROR, "", f"is a damaged DXF file that cannot be read ({type(exc).__name__}"
                   f"{': ' + str(exc).replace(file, 'the file') if str(exc) else ''}): " + _AGAIN)
        report.raise_errors()
    scale = _units(doc, units, report)
    msp = doc.modelspace()
    rule = levels or LevelRule()
    items = list(_entities(msp, layers, rule, report))
    found = sorted({layer for _, _, layer, _ in items})
    stair_level: dict[int, int] = {}
    from_level: dict[int, int] = {}
    tagged = 0

    for e, where, layer, level in items:
        up = layer.upper()
        tagged += level is not None
        if _is_room_layer(layer, layers):
            got = _outline(e, scale, report, where)
            if got is None:
                if e.dxftype() not in ("TEXT", "MTEXT", "HATCH", "DIMENSION"):
                    report.add(WARNING, where, f"{e.dxftype()} on a room layer left out: rooms are closed polylines")
                continue
            pts, closed = got
            if not closed:
                gap = math.dist(pts[0], pts[-1]) if len(pts) > 1 else 0.0
                report.add(ERROR, where, f"room outline is not closed (its ends are {gap:.2f} m apart): "
                           "close the polyline in the CAD program")
                continue
            if len(pts) < 3:
                report.add(ERROR, where, f"room outline has {len(pts)} point(s); a room needs at least 3")
                continue
            suffix = up[len(layers.rooms) + 1:] if up != layers.rooms.upper() else ""
            kind = next((k for s, k in KIND_SUFFIXES.items() if suffix.startswith(s)), None) if suffix else None
            plan.rooms.append(Room(source=where, polygon=geometry.Polygon(pts), kind=kind, level=level or 0))
            if level is not None:
                from_level[id(plan.rooms[-1])] = level
        elif up in (layers.doors.upper(), layers.exits.upper()):
            is_exit = up == layers.exits.upper()
            kind = e.dxftype()
            if kind == "LINE":
                a, b = e.dxf.start, e.dxf.end
                line = [(a.x * scale, a.y * scale), (b.x * scale, b.y * scale)]
            elif kind in ("LWPOLYLINE", "POLYLINE"):
                got = _outline(e, scale, report, where)
                assert got is not None
                pts, closed = got
                if closed or len(pts) < 2:
                    report.add(WARNING, where, "closed polyline on a door layer left out: draw a door as a line "
                               "across its clear opening")
                    continue
                line = [pts[0], pts[-1]]
            elif kind == "INSERT":
                box = bbox.extents(e.virtual_entities())
                if not box.has_data:
                    report.add(WARNING, where, f"door block {e.dxf.name!r} draws nothing: left out")
                    continue
                (x0, y0), (x1, y1) = (box.extmin.x * scale, box.extmin.y * scale), (box.extmax.x * scale, box.extmax.y * scale)
                width = max(x1 - x0, y1 - y0)
                attrs = {a.dxf.tag.upper(): a.dxf.text for a in e.attribs}
                if "WIDTH" in attrs:
                    try:
                        width = float(attrs["WIDTH"]) * scale
                    except ValueError:
                        report.add(WARNING, where, f"block attribute WIDTH {attrs['WIDTH']!r} is not a number: "
                                   "width taken from the block's extent")
                door_level = level
                if rule.attribute and rule.attribute in attrs:
                    door_level = _level_value(attrs[rule.attribute], where, rule.attribute, report)
                report.add(INFERRED, where, f"door block {e.dxf.name!r}: clear width {width:.2f} m from "
                           f"{'its WIDTH attribute' if 'WIDTH' in attrs else 'the larger side of its extent'}")
                plan.doors.append(Door(source=where, geometry=geometry.box(x0, y0, x1, y1), width_m=width,
                                       exit=is_exit, name=attrs.get("NAME"), level=door_level))
                continue
            else:
                if kind not in ("TEXT", "MTEXT", "ARC", "HATCH", "DIMENSION"):
                    report.add(WARNING, where, f"{kind} on a door layer left out")
                continue
            width = math.dist(*line)
            if width <= 0:
                report.add(ERROR, where, "door line has zero length")
                continue
            plan.doors.append(Door(source=where, geometry=geometry.LineString(line), width_m=width, exit=is_exit,
                                   level=level))
        elif up == layers.stairs.upper():
            got = _outline(e, scale, report, where)
            if got is None:
                continue
            pts, closed = got
            if not closed or len(pts) < 3:
                report.add(ERROR, where, "stair outline is not a closed polyline: close it in the CAD program")
                continue
            plan.stairs.append(Stair(source=where, polygon=geometry.Polygon(pts)))
            if level is not None:
                stair_level[len(plan.stairs) - 1] = level

    for role in ("rooms", "doors"):
        name = getattr(layers, role)
        if role == "rooms" and not plan.rooms and not report.of(ERROR):
            report.add(ERROR, f"layer {name}", f"no closed polylines on the room layer (layers in the drawing: "
                       f"{', '.join(found) or 'none'}); name the room layer with --layers rooms=NAME")
        if role == "doors" and not plan.doors:
            report.add(WARNING, f"layer {name}", f"no doors on the door layer (layers in the drawing: {', '.join(found) or 'none'})")

    point = geometry.Point
    for xy, lines, level in _labels(items, layers, scale):
        inside = [r for r in plan.rooms if r.polygon.contains(point(xy)) and (level is None or r.level == level)]
        if inside:
            room = min(inside, key=lambda r: r.polygon.area)
            before = from_level.get(id(room))
            _apply_label(room, lines, report)
            if before is not None and room.level != before:
                report.add(WARNING, room.source, f"label says level {room.level}, its layer or floor block level "
                           f"{before}: the label's level is used")
        else:
            report.add(WARNING, f"label {lines[0]!r}", "is inside no room" + (f" on level {level}" if level is not None
                                                                               else "") + ": left out")
    # A stair drawn on a level's layer (or in its floor block) rises from that level to the next one up.
    present = {r.level for r in plan.rooms}
    for k, level in sorted(stair_level.items()):
        if level + 1 in present:
            plan.stairs[k].levels = (level, level + 1)
    if tagged:
        levels_found = sorted({r.level for r in plan.rooms})
        report.add(INFERRED, "", f"levels from {rule.describe()}: rooms on level(s) {', '.join(map(str, levels_found))}")
    elif rule.layer_token is None and any(_LEVEL_HINT.search(layer) for layer in found):
        report.add(WARNING, "", "layer names such as " + next(x for x in found if _LEVEL_HINT.search(x)) + " look like "
                   "they name a level: give --level-from layer to read levels from them")
    return plan
