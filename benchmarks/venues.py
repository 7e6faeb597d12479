"""Deterministic stadium-bowl scenarios for the egress benchmarks.

:func:`stadium_bowl` returns a plain dict in the scenario-file form (durations as strings with
units), valid for ``Scenario.model_validate(d, context={"from_file": True})``. The same dict feeds
the agent-per-person reference model (:mod:`benchmarks.agent_model`) and the translation to
``jupedsim-network`` (:mod:`benchmarks.run`), so every model sees one venue.

Layout (two tiers round a bowl, everything symmetric so that the comparison does not hinge on
route-choice details):

- ``sections`` lower-tier and ``sections`` upper-tier seating sections (zones of kind ``hall``),
  seated at ``seat_density_p_m2`` (default 1.75 p/m², inside the 1.5-2 p/m² of a seating deck);
- each section leaves by one vomitory (a ``corridor`` connection, 2.4 m wide) onto its concourse;
- a lower concourse ring of ``exits`` segments and an upper ring of ``exits // 2`` segments
  (zones of kind ``concourse``), adjacent segments joined by wide ``opening`` connections;
- two ``stair`` connections (178/279 mm steps) from each upper segment down to the lower ring;
- one ``gate`` from each lower segment to its exit (a street or forecourt).

No random numbers are used: the same arguments always give the same dict.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["stadium_bowl", "STANDS"]

STANDS = ("north", "east", "south", "west")
"""Stand names used in zone labels, clockwise from north."""

#: Radii in metres of the drawn rings (positions only; walking lengths are given explicitly).
_R_LOWER_SEATS, _R_UPPER_SEATS, _R_LOWER_CONC, _R_UPPER_CONC, _R_EXITS = 80.0, 115.0, 100.0, 130.0, 150.0


def _polar(radius: float, index: float, count: int) -> tuple[float, float]:
    angle = 2.0 * math.pi * (index + 0.5) / count
    return (round(radius * math.sin(angle), 1), round(radius * math.cos(angle), 1))


def _split(total: int, parts: int) -> list[int]:
    """``total`` people shared over ``parts`` sections as evenly as integers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def stadium_bowl(
    population: int = 60_000,
    *,
    sections: int = 40,
    exits: int = 40,
    stands: int = 4,
    lower_share: float = 0.55,
    seat_density_p_m2: float = 1.75,
    vomitory_width_m: float = 2.4,
    stair_width_m: float = 2.4,
    gate_width_m: float = 4.8,
    pre_movement_median_s: float = 60.0,
    pre_movement_p99_s: float = 300.0,
) -> dict[str, Any]:
    """A two-tier stadium bowl holding ``population`` people, evacuated at t = 0.

    Args:
        population: people in the seats at the start (split ``lower_share`` / rest by tier).
        sections: seating sections per tier (zones: ``2 * sections`` sections, ``exits`` lower
            and ``exits // 2`` upper concourse segments).
        exits: gates, each to its own exit; must be even and at most ``sections``.
        stands: stands the bowl is divided into (names only, for reading records).
        lower_share: share of the people seated in the lower tier.
        seat_density_p_m2: people per square metre of section area.
        vomitory_width_m, stair_width_m, gate_width_m: clear widths in metres.
        pre_movement_median_s, pre_movement_p99_s: lognormal pre-movement of everyone.

    Returns:
        A scenario dict in file form.

    >>> d = stadium_bowl(6_000, sections=8, exits=8)
    >>> len(d["venue"]["zones"]), len(d["venue"]["exits"])
    (28, 8)
    """
    if population < 0:
        raise ValueError(f"population must be >= 0, got {population}")
    if exits < 2 or exits % 2:
        raise ValueError(f"exits must be even and >= 2, got {exits}")
    if not exits <= sections:
        raise ValueError(f"needs exits <= sections, got exits={exits}, sections={sections}")
    if stands < 1:
        raise ValueError(f"stands must be >= 1, got {stands}")
    upper_segments = exits // 2
    lower_people = _split(round(population * lower_share), sections)
    upper_people = _split(population - sum(lower_people), sections)
    # Sections are sized for an even crowd so that the venue does not change shape with the
    # population of one run; the largest section sets the area.
    per_section = max(1, math.ceil(population / (2 * sections)))

    def stand(i: int, count: int) -> str:
        return STANDS[(i * stands // count) % len(STANDS)] if stands <= len(STANDS) else f"stand{i * stands // count}"

    zones: list[dict[str, Any]] = []
    connections: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    lower_circ = 2.0 * math.pi * _R_LOWER_CONC
    upper_circ = 2.0 * math.pi * _R_UPPER_CONC
    lower_seg_len = lower_circ / exits
    upper_seg_len = upper_circ / upper_segments

    for tier, people, radius in (("L", lower_people, _R_LOWER_SEATS), ("U", upper_people, _R_UPPER_SEATS)):
        share = lower_share if tier == "L" else 1.0 - lower_share
        area = round(max(per_section * 2 * share, 1) / seat_density_p_m2, 1)
        for i in range(sections):
            zid = f"sec{tier}{i:02d}"
            zones.append(
                {
                    "id": zid,
                    "name": f"{stand(i, sections)} stand, {'lower' if tier == 'L' else 'upper'} section {i}",
                    "kind": "hall",
                    "area_m2": area,
                    "level": 0 if tier == "L" else 1,
                    "position": list(_polar(radius, i, sections)),
                    # Along the gangway to the vomitory: about the depth of a square section.
                    "travel_length_m": round(0.8 * math.sqrt(area), 1),
                }
            )
            if people[i]:
                groups.append({"zone": zid, "count": people[i]})
            segments = exits if tier == "L" else upper_segments
            seg = i * segments // sections
            connections.append(
                {
                    "id": f"vom{tier}{i:02d}",
                    "from": zid,
                    "to": f"conc{tier}{seg:02d}",
                    "kind": "corridor",
                    "width_m": vomitory_width_m,
                    "length_m": 6.0 if tier == "L" else 8.0,
                }
            )

    for tier, count, seg_len, radius, width in (
        ("L", exits, lower_seg_len, _R_LOWER_CONC, 8.0),
        ("U", upper_segments, upper_seg_len, _R_UPPER_CONC, 6.0),
    ):
        for j in range(count):
            zones.append(
                {
                    "id": f"conc{tier}{j:02d}",
                    "name": f"{stand(j, count)} {'lower' if tier == 'L' else 'upper'} concourse, segment {j}",
                    "kind": "concourse",
                    "area_m2": round(seg_len * width, 1),
                    "level": 0 if tier == "L" else 1,
                    "position": list(_polar(radius, j, count)),
                    "travel_length_m": round(seg_len / 2.0, 1),
                }
            )
            # Ring: each segment opens onto the next one (people may walk either way).
            connections.append(
                {
                    "id": f"ring{tier}{j:02d}",
                    "from": f"conc{tier}{j:02d}",
                    "to": f"conc{tier}{(j + 1) % count:02d}",
                    "kind": "opening",
                    "width_m": width,
                }
            )

    for j in range(upper_segments):
        for s in range(2):
            connections.append(
                {
                    "id": f"stair{j:02d}{'ab'[s]}",
                    "from": f"concU{j:02d}",
                    "to": f"concL{2 * j + s:02d}",
                    "kind": "stair",
                    "width_m": stair_width_m,
                    # Along the slope, landings included: a 5.3 m rise in two flights.
                    "length_m": 14.0,
                    "riser_mm": 178.0,
                    "tread_mm": 279.0,
                }
            )

    exit_list: list[dict[str, Any]] = []
    for e in range(exits):
        exit_list.append({"id": f"exit{e:02d}", "name": f"{stand(e, exits)} gate {e}", "position": list(_polar(_R_EXITS, e, exits))})
        connections.append(
            {
                "id": f"gate{e:02d}",
                "from": f"concL{e:02d}",
                "to": f"exit{e:02d}",
                "kind": "gate",
                "width_m": gate_width_m,
                "one_way": True,
            }
        )

    return {
        "name": f"stadium bowl {population} people",
        "description": (
            f"Benchmark venue: a two-tier bowl of {2 * sections} sections, {exits} gates, "
            f"{population} spectators, evacuated at once."
        ),
        "venue": {
            "name": "benchmark stadium bowl",
            "zones": zones,
            "connections": connections,
            "exits": exit_list,
        },
        "population": {
            "groups": groups,
            "pre_movement": {
                "distribution": "lognormal",
                "median": f"{pre_movement_median_s:g} s",
                "p99": f"{pre_movement_p99_s:g} s",
            },
        },
        "actions": [{"do": "evacuate", "zones": "all", "at": "0 s"}],
        "duration": "2 h",
    }
