"""``simsoft new NAME --venue VENUE``: a starter scenario on an existing (imported) venue file."""

from __future__ import annotations

import math
import os
from importlib import resources
from pathlib import Path

from simsoft.plans.capacity import summarise
from simsoft.plans.check import load_venue

__all__ = ["starter_on_venue", "STARTER_DENSITY_P_M2"]

STARTER_DENSITY_P_M2 = 0.5
"""People per m^2 the starter puts in each zone: a seated congregation or an audience with aisles is
about 0.5-1 p/m^2 (occupant load factors 0.65-1.4 m^2 per person, IBC 2021 table 1004.5); the low end,
so the start is never a dense crowd. The trainer sets real counts."""


def starter_on_venue(name: str, *, venue_file: str | os.PathLike[str], target: str | os.PathLike[str]) -> str:
    """The text of a starter scenario that imports ``venue_file`` (path written relative to ``target``)."""
    venue = load_venue(venue_file)
    summary = summarise(venue)
    way_out = {z.zone for z in summary.zones if z.way_out}
    lines = []
    for z in venue.zones:
        if z.id not in way_out:
            lines.append(f"    # {z.id}: no route to an exit, so nobody is put there")
            continue
        count = max(1, math.floor(z.area_m2 * STARTER_DENSITY_P_M2))
        if z.capacity is not None:
            count = min(count, z.capacity)
        lines.append(f"    - {{zone: {z.id}, count: {count}}}")
    largest = max((z for z in venue.zones if z.id in way_out), key=lambda z: z.area_m2, default=venue.zones[0])
    rel = os.path.relpath(Path(venue_file).resolve(), Path(target).resolve().parent)
    template = resources.files("simsoft").joinpath("templates/starter-venue.yaml").read_text(encoding="utf-8")
    return template.format(name=name, file=Path(target).as_posix(), venue=Path(rel).as_posix(), groups="\n".join(lines),
                           affected=largest.id, density=STARTER_DENSITY_P_M2)
