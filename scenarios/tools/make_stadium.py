"""Write ``scenarios/venues/stadium.yaml``: a 60,000-seat, two-tier stadium with its external plaza.

Run from the repository root: ``python scenarios/tools/make_stadium.py`` (``--check`` exits 1 if
the file on disk differs from what would be written, for CI). Deterministic: no random numbers, no
dates; the same code always writes the same bytes.

The ring layout (sections, vomitories, concourse segments joined by openings, stairs from the upper
to the lower concourse) follows ``benchmarks/venues.py:stadium_bowl``; this venue adds the exit-gate
banks, an external plaza in four parts, street exits, a logistics yard and protective assets, and
sizes every element from the Green Guide (SGSA, Guide to Safety at Sports Grounds, 6th ed. 2018):

- seating section = one bay of 28 seats (0.5 m each) between two radial gangways, so no seat is more
  than 14 seats (7 m) from a gangway: inside the 12 m rule (para 13.4a); rows 0.8 m deep;
- egress capacity sized for the Green Guide's 8 min normal egress (Section 10.7) at 82 p/m/min
  level and 66 p/m/min on stairways, which match the SFPE maximum specific flows used by simsoft's
  hydraulic model (1.3 p/s/m level, about 1.0-1.1 p/s/m on 178/279 mm stairs; Gwynne & Rosenbaum,
  SFPE Handbook 5th ed. ch. 59).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

__all__ = ["build", "render", "main"]

OUT = Path(__file__).resolve().parents[1] / "venues" / "stadium.yaml"

STANDS = ("north", "east", "south", "west")
SECTIONS_PER_TIER = 32  # 8 per stand and tier
LOWER_SEG = 16  # lower concourse segments (4 per stand), each with an exit-gate bank to the plaza
UPPER_SEG = 8  # upper concourse segments (2 per stand), each with two stairs to the lower concourse

# Seating section (one bay between two gangways): 28 seats x 0.5 m + a 1.2 m gangway = 15.2 m wide.
BAY_WIDTH_M = 15.2
LOWER_ROWS, UPPER_ROWS = 36, 31  # 0.8 m per row: 28.8 m and 24.8 m deep
ROW_DEPTH_M = 0.8
SEATS_PER_ROW = 28

VOMITORY_WIDTH_M = 2.4  # 2.0 m effective (SFPE corridor boundary 0.2 m a side): 1,008 seats in ~6.5 min
STAIR_WIDTH_M = 4.0  # two per upper segment with a centre handrail; 3.7 m effective each
GATE_BANK_WIDTH_M = 7.2  # a bank of folding exit gates per lower segment (16 banks, 115 m in all)
LOWER_CONC_WIDTH_M, UPPER_CONC_WIDTH_M = 10.0, 7.0
LOWER_RING_M, UPPER_RING_M = 560.0, 640.0  # concourse ring lengths

# External plaza: a ring about 720 m round and 28 m wide outside the gate line, in four parts.
PLAZA_AREA_M2 = 5_000.0
PLAZA_LINK_WIDTH_M = 20.0  # corner openings between plaza parts
STREET_WIDTH_M = 15.0  # each plaza part opens onto two streets or approaches

_R = {"lower": 70.0, "upper": 105.0, "concL": 88.0, "concU": 120.0, "plaza": 150.0, "exit": 185.0}


def _polar(radius: float, index: float, count: int) -> list[float]:
    # Stands clockwise from north; index 0 sits at the north-west corner so each stand is centred.
    angle = 2.0 * math.pi * (index + 0.5) / count - math.pi / 4
    return [round(radius * math.sin(angle), 1), round(radius * math.cos(angle), 1)]


def _stand(index: int, count: int) -> str:
    return STANDS[index * len(STANDS) // count]


def build() -> dict[str, Any]:
    """The venue block as a dict (zones, connections, exits, assets)."""
    zones: list[dict[str, Any]] = []
    conns: list[dict[str, Any]] = []
    exits: list[dict[str, Any]] = []
    assets: list[dict[str, Any]] = []

    for tier, rows in (("lower", LOWER_ROWS), ("upper", UPPER_ROWS)):
        depth = rows * ROW_DEPTH_M
        area = round(BAY_WIDTH_M * depth, 1)
        seats = rows * SEATS_PER_ROW
        segs = LOWER_SEG if tier == "lower" else UPPER_SEG
        for i in range(SECTIONS_PER_TIER):
            stand = _stand(i, SECTIONS_PER_TIER)
            zid = f"{tier[0]}{i:02d}"
            zones.append({
                "id": zid, "name": f"{stand.capitalize()} stand {tier} block {i}", "kind": "hall",
                "area_m2": area, "capacity": seats, "level": 0 if tier == "lower" else 2,
                "position": _polar(_R[tier], i, SECTIONS_PER_TIER),
                # Down the gangway to a mid-tier vomitory plus along the row: about 0.6 x depth.
                "travel_length_m": round(0.6 * depth, 1),
            })
            conns.append({
                "id": f"vom_{zid}", "from": zid, "to": f"c{tier[0]}{i * segs // SECTIONS_PER_TIER:02d}",
                "kind": "corridor", "width_m": VOMITORY_WIDTH_M, "length_m": 8.0 if tier == "lower" else 10.0,
            })

    for tier, segs, ring, width in (("lower", LOWER_SEG, LOWER_RING_M, LOWER_CONC_WIDTH_M),
                                    ("upper", UPPER_SEG, UPPER_RING_M, UPPER_CONC_WIDTH_M)):
        seg_len = ring / segs
        for j in range(segs):
            zid = f"c{tier[0]}{j:02d}"
            zones.append({
                "id": zid, "name": f"{_stand(j, segs).capitalize()} {tier} concourse {j}", "kind": "concourse",
                "area_m2": round(seg_len * width, 1), "level": 0 if tier == "lower" else 2,
                "position": _polar(_R["concL" if tier == "lower" else "concU"], j, segs),
                "travel_length_m": round(seg_len / 2, 1),
            })
            conns.append({"id": f"ring_{zid}", "from": zid, "to": f"c{tier[0]}{(j + 1) % segs:02d}",
                          "kind": "opening", "width_m": width})

    for j in range(UPPER_SEG):
        for s in range(2):
            conns.append({
                "id": f"stair_cu{j:02d}{'ab'[s]}", "from": f"cu{j:02d}", "to": f"cl{2 * j + s:02d}", "kind": "stair",
                # Along the slope, landings included: a 10.5 m rise in four flights.
                "width_m": STAIR_WIDTH_M, "length_m": 28.0, "riser_mm": 178, "tread_mm": 279,
            })

    for p, stand in enumerate(STANDS):
        zones.append({
            "id": f"plaza_{stand}", "name": f"{stand.capitalize()} plaza", "kind": "outdoor",
            "area_m2": PLAZA_AREA_M2, "position": _polar(_R["plaza"], p * 4 + 1.5, LOWER_SEG),
            "travel_length_m": 60.0,
        })
    for j in range(LOWER_SEG):
        stand = _stand(j, LOWER_SEG)
        conns.append({"id": f"gates_cl{j:02d}", "from": f"cl{j:02d}", "to": f"plaza_{stand}", "kind": "gate",
                      "width_m": GATE_BANK_WIDTH_M, "lockable": True})
    for p, stand in enumerate(STANDS):
        nxt = STANDS[(p + 1) % len(STANDS)]
        conns.append({"id": f"corner_{stand}_{nxt}", "from": f"plaza_{stand}", "to": f"plaza_{nxt}",
                      "kind": "opening", "width_m": PLAZA_LINK_WIDTH_M})
        for s in range(2):
            eid = f"{stand}_street_{'ab'[s]}"
            exits.append({"id": eid, "name": f"{stand.capitalize()} street {'AB'[s]}",
                          "position": _polar(_R["exit"], p * 4 + 0.5 + 2 * s, LOWER_SEG)})
            conns.append({"id": f"to_{eid}", "from": f"plaza_{stand}", "to": eid, "kind": "opening",
                          "width_m": STREET_WIDTH_M})
    # Logistics yard (broadcast compound, deliveries): staff only, a dead end off the north plaza.
    zones.append({"id": "logistics_yard", "name": "Logistics yard (staff only)", "kind": "outdoor",
                  "area_m2": 2_400.0, "position": [0.0, 215.0]})
    conns.append({"id": "yard_gate", "from": "logistics_yard", "to": "plaza_north", "kind": "gate",
                  "width_m": 6.0, "lockable": True})

    # Assets. Public address in every block and concourse (not on the plaza); CCTV on concourses and
    # plaza; stewards' posts at each gate bank; permanent vehicle barriers on the north, south and
    # west approaches; mobile barriers stored in the logistics yard (the hvm variant deploys them).
    for z in zones:
        if z["kind"] in ("hall", "concourse"):
            assets.append({"kind": "public_address", "zone": z["id"]})
    for j in range(LOWER_SEG):
        assets.append({"kind": "cctv", "zone": f"cl{j:02d}", "count": 2})
        assets.append({"kind": "staff_post", "zone": f"cl{j:02d}", "count": 4})
    for j in range(UPPER_SEG):
        assets.append({"kind": "cctv", "zone": f"cu{j:02d}", "count": 2})
    for stand in STANDS:
        assets.append({"kind": "cctv", "zone": f"plaza_{stand}", "count": 4})
        assets.append({"kind": "bleeding_control_kit", "zone": f"cl{STANDS.index(stand) * 4:02d}", "count": 2,
                       "notes": "first-aid room"})
    for stand in ("north", "south", "west"):
        assets.append({"kind": "vehicle_barrier", "connection": f"to_{stand}_street_a", "count": 2,
                       "notes": "permanent bollard line on the approach"})
    assets.append({"id": "mobile_hvm", "kind": "vehicle_barrier", "zone": "logistics_yard", "count": 12,
                   "notes": "mobile barriers in store; variant hvm_east_plaza deploys them on the east approach"})
    return {"name": "Stadium (60,000 seats)", "zones": zones, "exits": exits, "connections": conns, "assets": assets}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    s = str(v)
    return f"'{s}'" if any(ch in s for ch in ":,#{}[]") else s


def _flow(d: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in d.items()) + "}"


HEADER = """\
# Stadium, 60,000 seats: a two-tier bowl in four stands, with concourses, vomitories, stairs, exit-gate
# banks and an external plaza. GENERATED by scenarios/tools/make_stadium.py: edit the script, not this
# file (the script's docstring gives the sources of every dimension).
#
# Dimensions (Green Guide = SGSA Guide to Safety at Sports Grounds, 6th ed. 2018):
# - 64 seating blocks (zones l00-l31 lower, u00-u31 upper, kind hall). A block is one bay of 28 seats
#   (0.5 m) between radial gangways, 15.2 m wide: no seat is more than 7 m from a gangway (Green Guide
#   12 m rule, para 13.4a). Lower blocks 36 rows x 0.8 m = 28.8 m deep (438 m2, 1,008 seats); upper
#   blocks 31 rows = 24.8 m deep (377 m2, 868 seats). 60,032 seats in all.
# - One vomitory per block, 2.4 m wide (2.0 m effective): 1,008 people in about 6.5 min at the SFPE
#   1.3 p/s/m, inside the Green Guide's 8 min normal egress (82 p/m/min level).
# - Lower concourse ring 560 m x 10 m in 16 segments (cl00-cl15); upper ring 640 m x 7 m in 8 (cu00-cu07),
#   each upper segment with two 4.0 m stairs (178/279 mm, 28 m along the slope) to the lower ring
#   (66 p/m/min on stairways in the Green Guide; SFPE 1.01 p/s/m).
# - One 7.2 m bank of exit gates per lower segment onto the plaza (115 m of gates in all).
# - External plaza in four parts of 5,000 m2 (about 180 m x 28 m), joined at the corners by 20 m
#   openings, each opening onto two 15 m streets. A staff-only logistics yard off the north plaza.
# Positions are drawn on rings (radii 70-185 m); walking lengths are given explicitly.
"""


def render(venue: dict[str, Any]) -> str:
    """The venue file's text (flow mappings, one element per line, like the hand-written venues)."""
    lines = [HEADER.rstrip("\n"), "venue:", f"  name: {_scalar(venue['name'])}"]
    for key in ("zones", "exits", "connections", "assets"):
        lines.append(f"  {key}:")
        lines.extend(f"    - {_flow(item)}" for item in venue[key])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the venue file is out of date")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python scenarios/tools/make_stadium.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
