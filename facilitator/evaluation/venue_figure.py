"""The AAR/IP's venue figure: the venue with the zones the incident affected, the cordons set, the
casualties by zone and the exits people used, as the session left them.

Read from the session's records and its last snapshot (whole-person counts, as every view counts
people); drawn by :func:`simsoft.plots.venue_situation` (zones to scale where the venue has outlines,
an imported floor plan; a schematic otherwise). Nothing is simulated here. In another language the
caption, the title, the figure's own words and the zone and exit names (the exercise file's ``names:``)
are the reader's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simsoft.observation import count_people
from simsoft.units import format_duration

from facilitator.i18n import N_, Translator

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["venue_figure", "FIGURE_WORDS"]

FIGURE_WORDS = (N_("%(name)s\n%(n)s out"), N_("level %(n)s"), N_("x (m)"), N_("y (m)"), N_("ground level"),
                N_("incident affected the zone"), N_("hot cordon"), N_("warm cordon"), N_("cold cordon"),
                N_("exit used"), N_("exit"), N_("exit not used"), N_("door"), N_("stair"),
                N_("door / opening (schematic: not to scale)"), N_("venue"))
"""The words :func:`simsoft.plots.venue_situation` draws (its ``say``), marked here for the catalogs:
simsoft's plotting knows no language, the AAR passes them through its translator."""


def venue_figure(session: "Session", tr: Translator | None = None) -> tuple[Any, str]:
    """The figure and its caption, in ``tr``'s language (English when ``None``: as it always was)."""
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
    scaled = any(z.polygon for z in venue.zones)
    used = sum(1 for n in counts.exits.values() if n)
    if tr is None or tr.lang == "en":
        when = format_duration(sim.now_s)
        fig = venue_situation(venue, value_text={z: f"{n} hurt" for z, n in hurt.items()}, affected=affected,
                              cordons=cordons, exits_out=dict(counts.exits),
                              title=f"{venue.name or 'Venue'}: incident, cordons and exits used (simulated time {when})")
        scale = "drawn to scale from the venue's floor plan" if scaled else \
            "a schematic (the venue file has no zone outlines), zone size growing with floor area"
        caption = (f"The venue at simulated time {when} (the simulation runs on after conduct, through recovery), "
                   f"{scale}: zones the incident affected (dashed purple), cordons set (hot, warm, cold edges), people "
                   f"hurt by zone and people out by exit ({used} of {len(venue.exits)} exits used).")
        return fig, caption
    from facilitator.evaluation.plots import shape

    _ = tr
    texts = getattr(session.loaded, "texts", None)

    def name(x: Any) -> str:
        own = texts.get(("name", x.id), tr.lang, None) if texts is not None else None
        return own or x.label

    when = tr.format_duration(sim.now_s)
    fig = venue_situation(venue, value_text={z: tr.ngettext("%(num)s hurt", "%(num)s hurt", n) for z, n in hurt.items()},
                          affected=affected, cordons=cordons, exits_out=dict(counts.exits),
                          title=_("%(venue)s: incident, cordons and exits used (simulated time %(t)s)",
                                  venue=(texts.get(("name", "venue"), tr.lang, None) if texts is not None else None)
                                  or venue.name or _("Venue"), t=when),
                          names={x.id: name(x) for x in (*venue.zones, *venue.exits)},
                          say=tr.gettext, shape=lambda text: shape(text, tr.lang))
    # Exit names in French and Arabic run longer than the English ones the 0.2 margin was set for (as on the
    # Situation Manual's map): more room around the venue, so that fewer names are cut at the edge.
    for ax in fig.axes:
        ax.margins(0.3)
        ax.autoscale_view()
    scale = _("drawn to scale from the venue's floor plan") if scaled else \
        _("a schematic (the venue file has no zone outlines), zone size growing with floor area")
    caption = _("The venue at simulated time %(t)s (the simulation runs on after conduct, through recovery), %(scale)s: "
                "zones the incident affected (dashed purple), cordons set (hot, warm, cold edges), people hurt by zone and "
                "people out by exit (%(used)s of %(exits)s exits used).", t=when, scale=scale, used=used,
                exits=len(venue.exits))
    return fig, caption
