"""The AAR/IP's venue figure: the venue with the zones the incident affected, the cordons set, the
casualties by zone and the exits people used, as the session left them.

Read from the session's records and its last snapshot (whole-person counts, as every view counts
people); drawn by :func:`simsoft.plots.venue_situation` (zones to scale where the venue has outlines,
an imported floor plan; a schematic otherwise). Nothing is simulated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simsoft.observation import count_people
from simsoft.units import format_duration

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["venue_figure"]


def venue_figure(session: "Session") -> tuple[Any, str]:
    """The figure and its caption."""
    from simsoft.plots import situation_from_records, venue_situation

    sim = session.sim
    events = sim.recorder.events
    counts = count_people(sim.observe(), events)
    affected, cordons = situation_from_records(events)
    hurt: dict[str, int] = {}
    for e in events:
        if e.kind == "casualty.injured":
            zone = str(e.values.get("zone"))
            hurt[zone] = hurt.get(zone, 0) + 1
    venue = sim.scenario.venue
    when = format_duration(sim.now_s)
    fig = venue_situation(venue, value_text={z: f"{n} hurt" for z, n in hurt.items()}, affected=affected,
                          cordons=cordons, exits_out=dict(counts.exits),
                          title=f"{venue.name or 'Venue'}: incident, cordons and exits used (exercise time {when})")
    scale = "drawn to scale from the venue's floor plan" if any(z.polygon for z in venue.zones) else \
        "a schematic (the venue file has no zone outlines), zone size growing with floor area"
    used = sum(1 for n in counts.exits.values() if n)
    caption = (f"The venue at exercise time {when}, {scale}: zones the incident affected (dashed purple), cordons "
               f"set (hot, warm, cold edges), people hurt by zone and people out by exit ({used} of "
               f"{len(venue.exits)} exits used).")
    return fig, caption
