"""The region's situation report as structured lines (:mod:`facilitator.conduct.lines`), said in any language.

Every team of a regional exercise sees the same picture: each site (its incident, inside, out, casualties), each
shared hospital (beds used, patients on their way, critical backlog, at capacity, diverted), the shared units (free,
total, wanted by requests waiting, exhausted) and the last regional decisions. Rendered in English, the lines are the
text regional sessions always wrote (the journal's readers and the tests know it).
"""

from __future__ import annotations

from typing import Any

from simsoft.observation import count_people
from simsoft.region import RegionalRun, RegionView, names_by_language

from facilitator.conduct.lines import Dur, Join, Line, Name, Num, Source, Term, Text, Word
from facilitator.i18n import N_

__all__ = ["region_report_lines", "DECISION_WORDS", "site_name"]

DECISION_WORDS = {"assign_units": N_("units assigned"), "release_units": N_("units released"),
                  "reassign_units": N_("units reassigned"), "mutual_aid": N_("mutual aid request"),
                  "distribution": N_("hospital distribution"), "divert": N_("hospital diversion"),
                  "posture": N_("protective posture"), "public_information": N_("public information message"),
                  "site": N_("action at a site")}
"""Each regional decision (:mod:`simsoft.region.decisions`) as a noun, for readers of another language."""

_KINDS = {"ambulance": N_("ambulance"), "police": N_("police")}

VERB_SAID = (N_("assign units"), N_("release units"), N_("reassign units"), N_("divert"), N_("posture"), N_("site"))
"""The regional verbs as :func:`facilitator.web.names.verb_words` says those it has no words of (the verb with spaces):
marked here so the catalogs keep them (decision logs and the AAR/IP say a regional decision's verb through it)."""


def site_name(run: RegionalRun, sid: str) -> str:
    """A site's name: the region file's, else its scenario's."""
    site = next(s for s in run.loaded.region.sites if s.id == sid)
    return site.name or run.sims[sid].scenario.name


def _place(run: RegionalRun, ident: str, text: str) -> Name:
    """A place of the region by its name in the file's language (``text``) and in each language its ``names:`` gives."""
    return Name(ident, text, names_by_language(run.loaded.region, ident))


def _state(sim: Any) -> Line:
    events = sim.recorder.events
    start = next((e for e in events if e.kind == "incident.start"), None)
    end = next((e for e in events if e.kind == "incident.end"), None)
    if sim.scenario.incident is None:
        return Line.gettext("no incident")
    if start is None:
        return Line.gettext("incident not started")
    if end is None:
        return Line.gettext("incident since %(t)s", t=Dur(start.t_s))
    return Line.gettext("incident since %(t)s, over at %(end)s", t=Dur(start.t_s), end=Dur(end.t_s))


def region_report_lines(run: RegionalRun, view: RegionView) -> list[Line]:
    """The region now, line by line: every site, every shared hospital, the shared units, recent decisions."""
    lines = [Line.gettext("REGION at %(t)s: %(region)s", t=Dur(view.t_s), region=_place(run, "region", run.loaded.region.name))]
    for sid, sim in run.sims.items():
        counts = count_people(view.sites[sid], sim.recorder.events)
        lines.append(Line.gettext("site %(site)s (%(id)s): %(state)s; %(inside)s inside, %(out)s out, %(casualties)s "
                                  "casualties", site=_place(run, sid, site_name(run, sid)), id=Text(sid), state=_state(sim),
                                  inside=Num(counts.inside), out=Num(counts.out), casualties=Num(counts.casualties)))
    names = {h.id: h.name or h.id for h in run.loaded.region.hospitals}
    for hid, h in view.hospitals.items():
        line = Line.gettext("hospital %(hospital)s: %(used)s of %(beds)s beds used, %(en_route)s on their way, "
                            "%(backlog)s waiting for critical care", hospital=_place(run, hid, names[hid]), used=Num(h.beds_used),
                            beds=Num(h.beds), en_route=Num(h.en_route), backlog=Num(round(h.backlog)))
        flags = [Word(w) for w, on in ((N_("AT CAPACITY"), h.at_capacity), (N_("diverted"), h.diverted)) if on]
        if flags:
            line = Line.gettext("%(line)s; %(flags)s", line=line, flags=Join(tuple(flags)))
        lines.append(line)
    for kind in ("ambulance", "police"):
        total = view.units_total.get(kind, 0)
        if not total:
            continue
        line = Line.gettext("%(kind)s units: %(free)s of %(total)s free", kind=Term(kind, _KINDS[kind]),
                            free=Num(view.units_free.get(kind, 0)), total=Num(total))
        queued = view.queued.get(kind, 0)
        if queued:
            line = Line.gettext("%(line)s, %(queued)s wanted by requests waiting", line=line, queued=Num(queued))
        if view.units_exhausted(kind):
            line = Line.gettext("%(line)s (EXHAUSTED)", line=line)
        lines.append(line)
    decided = [e for e in run.recorder.events if e.kind == "region.decision"][-5:]
    if decided:
        said = tuple(Line.gettext("%(t)s %(decision)s (%(source)s)", t=Dur(e.t_s),
                                  decision=Term(e.subject, DECISION_WORDS.get(e.subject, e.subject)),
                                  source=Source(str(e.values.get("source")))) for e in decided)
        lines.append(Line.gettext("recent regional decisions: %(decisions)s", decisions=Join(said, "; ")))
    return lines
