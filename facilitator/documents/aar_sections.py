"""Sections of the AAR/IP written for people: executive summary, findings as sentences, the decision log,
observations tied to injects, honest outcome verdicts and the conclusion (used by
:mod:`facilitator.evaluation.aar`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from facilitator.documents.prose import action_phrase, meaningful_text, verdict, when
from facilitator.documents.words import capability, noun, word
from facilitator.exercise.languages import OWN_NAMES
from facilitator.i18n import N_, Translator, translator

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["when", "WallTimes", "wall_times", "clock", "display_names", "Reader", "finding_sentences", "decision_log",
           "observations", "executive_summary", "outcome_rows", "conclusion", "reason_words"]


@dataclass(frozen=True)
class WallTimes:
    """The room's clock (UTC ``HH:MM``) of each journaled step the AAR cites: what the session's journal
    stamped when the step was written. Simulated time stands still while teams talk, so the two clocks
    differ; an evaluator matching notes and recordings to the log needs both."""

    decisions: dict[str, str] = field(default_factory=dict)
    """Decision id → when it was journaled."""
    rejected: list[str] = field(default_factory=list)
    """Refused decisions, in journal order (the order of ``Session.rejected``)."""
    notes: list[str] = field(default_factory=list)
    """Notes, in journal order (the order of ``Session.notes``)."""
    releases: dict[str, str] = field(default_factory=dict)
    """Inject id → when it was released."""


def _hhmm(wall_utc: str) -> str:
    """``2026-12-06T10:42:13.5Z`` → ``10:42``."""
    return wall_utc[11:16]


def wall_times(session: "Session") -> WallTimes | None:
    """The room's clock of the session's steps from its journal, or None (no folder, no readable journal)."""
    if session.folder is None:
        return None
    from facilitator.conduct.journal import JournalError, read_journal
    from facilitator.conduct.store import JOURNAL

    path = session.folder / JOURNAL
    if not path.is_file():
        return None
    try:
        entries, _ = read_journal(path)
    except (JournalError, OSError):
        return None
    out = WallTimes()
    for e in entries:
        if not e.wall_utc:
            continue
        if e.kind == "decision":
            out.decisions[str(e.body.get("id"))] = _hhmm(e.wall_utc)
        elif e.kind == "rejected":
            out.rejected.append(_hhmm(e.wall_utc))
        elif e.kind == "note":
            out.notes.append(_hhmm(e.wall_utc))
        elif e.kind == "release" and e.body.get("inject"):
            out.releases[str(e.body["inject"])] = _hhmm(e.wall_utc)
    return out


def clock(t_s: float, wall: str | None, tr: Translator | None = None) -> str:
    """Exercise time with the room's clock beside it when known: ``6 min 30 s (10:42 UTC)``, in ``tr``'s language.

    >>> clock(390.0, "10:42"), clock(390.0, None), clock(390.0, "10:42", translator("fr"))
    ('6 min 30 s (10:42 UTC)', '6 min 30 s', '6 min 30 s (10:42 UTC)')
    """
    if tr is None or tr.lang == "en":
        return f"{when(t_s)} ({wall} UTC)" if wall else when(t_s)
    _ = tr
    return _("%(t)s (%(clock)s UTC)", t=when(t_s, tr), clock=wall) if wall else when(t_s, tr)


def display_names(scenario: Any, texts: Any = None, lang: str = "en") -> dict[str, str]:
    """Ids of zones, connections and exits → their display names (lower-case for use inside sentences),
    in ``lang`` where the exercise file's ``names:`` translate them."""
    v = scenario.venue
    out: dict[str, str] = {}
    for group in (v.zones, v.connections, v.exits):
        for x in group:
            name = getattr(x, "name", None)
            if texts is not None and lang != "en":
                name = texts.get(("name", x.id), lang, None) or name
            out[x.id] = name[0].lower() + name[1:] if name and not name[:2].isupper() else (name or x.id.replace("_", " "))
    if texts is not None and lang != "en":  # units, hospitals and sites named in the file's names:
        for key in texts.by_key:
            name = texts.get(key, lang, None) if key[0] == "name" and key[1] not in out and key[1] not in OWN_NAMES \
                else None
            if name:
                out[key[1]] = name[0].lower() + name[1:] if not name[:2].isupper() else name
    return out


class Reader:
    """The words of one reader's language: the catalogs (``tr``) and the exercise file's own translations."""

    def __init__(self, session: "Session", tr: Translator | None = None) -> None:
        self.tr = tr or translator("en")
        self.lang = self.tr.lang
        self.ex = session.loaded.exercise
        self.texts = getattr(session.loaded, "texts", None)
        self.names = display_names(session.loaded.scenario, self.texts, self.lang)

    def text(self, key: tuple[str, ...], default: str) -> str:
        """The exercise file's text ``key`` in this language (its fallback language when not translated)."""
        if self.lang == "en" or self.texts is None:
            return default
        return self.texts.get(key, self.lang, default) or default

    def team(self, team: str) -> str:
        try:
            default = self.ex.team(team).name
        except KeyError:
            return team
        return self.text(("team", team, "name"), default)

    def cap(self, name: str) -> str:
        return capability(name, self.tr)

    def word(self, text: str) -> str:
        return word(text, self.tr)


def _team(ex: Any, team: str) -> str:
    try:
        return ex.team(team).name
    except KeyError:
        return team


def _inject_ref(session: "Session", inject_id: str, r: Reader, wall: WallTimes | None = None) -> str:
    _ = r.tr
    for s in session.injects:
        if s.inject.id == inject_id:
            sender = r.text(("inject", inject_id, "sender"), s.inject.sender)
            rel = wall.releases.get(inject_id) if wall else None
            # Inside the inject's own parentheses the room's clock follows a comma, not a second bracket.
            if s.released_s is not None and rel:
                return _("inject %(id)s (%(sender)s, released at %(t)s, %(clock)s UTC)", id=inject_id, sender=sender,
                         t=when(s.released_s, r.tr), clock=rel)
            if s.released_s is not None:
                return _("inject %(id)s (%(sender)s, released at %(t)s)", id=inject_id, sender=sender,
                         t=when(s.released_s, r.tr))
            return _("inject %(id)s (%(sender)s)", id=inject_id, sender=sender)
    return _("inject %(id)s", id=inject_id)


_MATCH = [
    (re.compile(r"^(?P<d>\S+) covers (?P<n>\d+) of (?P<m>\d+) zones(?: \(not (?P<not>.+)\))?$"), "covers"),
    (re.compile(r"^(?P<d>\S+) acted on another target: zones (?P<got>.+), expected (?P<want>.+)$"), "zones"),
    (re.compile(r"^(?P<d>\S+) acted on another target: no (?P<key>\w+) given, expected (?P<want>.+)$"), "none"),
    (re.compile(r"^(?P<d>\S+) acted on another target: (?P<key>\w+) (?P<got>.+), expected (?P<want>.+)$"), "other"),
]
"""The reasons :func:`facilitator.exercise.matching.answer` gives, taken apart to be said in another language."""


def reason_words(reason: str, r: Reader) -> str:
    """A scoring reason (English, from :mod:`facilitator.exercise.matching`) in the reader's language.

    The zone ids it quotes become the venue's names; a reason of another form stays as it is.
    """
    if r.lang == "en" or not reason:
        return reason
    _ = r.tr

    def names(text: str) -> str:
        return r.tr.join(r.names.get(z.strip(), z.strip()) for z in text.replace("...", "").split(","))

    for pattern, kind in _MATCH:
        m = pattern.match(reason)
        if not m:
            continue
        g = m.groupdict()
        if kind == "covers":
            out = _("%(decision)s covers %(n)s of %(m)s zones", decision=g["d"], n=g["n"], m=g["m"])
            return out + (_(" (not %(zones)s)", zones=names(g["not"])) if g.get("not") else "")
        if kind == "zones":
            return _("%(decision)s acted on other zones: %(got)s, expected %(want)s", decision=g["d"],
                     got=names(g["got"]), want=names(g["want"]))
        from facilitator.web.names import say

        if kind == "none":
            return _("%(decision)s acted on another target: %(key)s not given, expected %(want)s", decision=g["d"],
                     key=say(g["key"], r.tr), want=names(g["want"]))
        return _("%(decision)s acted on another target: %(key)s %(got)s, expected %(want)s", decision=g["d"],
                 key=say(g["key"], r.tr), got=names(g["got"]), want=names(g["want"]))
    return reason


def finding_sentences(session: "Session", scores: Any, names: dict[str, str],
                      tr: Translator | None = None) -> dict[str, list[tuple[str, str, str, str]]]:
    """Timeliness findings per objective as ``(kind, sentence, reference, analysis)``; times read in exercise
    time with the room's clock beside them when the session has a journal."""
    r = Reader(session, tr)
    _ = r.tr
    names = names if r.lang == "en" else r.names
    ex = session.loaded.exercise
    wall = wall_times(session)
    decisions = {d.id: d for d in session.decisions}
    out: dict[str, list[tuple[str, str, str, str]]] = {o.id: [] for o in ex.objectives}
    for a in scores.actions:
        if a.objective is None or a.points is None:
            continue
        task = ex.task(a.task) if a.task else None
        std = (_("the standard is %(t)s", t=when(a.standard_s, r.tr)) if a.standard_s is not None
               else _("there is no time standard"))
        if task:
            ref = f"{a.task}: {r.text(('task', task.id, 'text'), task.text)}"
            if task.reference:
                ref += f" ({r.text(('task', task.id, 'reference'), task.reference)})"
        else:
            ref = a.action if r.lang == "en" else noun(a.action, r.tr)
        who = r.team(a.team)
        inj = _inject_ref(session, a.inject, r, wall)
        d = decisions.get(a.decision or "")
        if d is not None and a.taken_after_s is not None:
            gap = _("immediately") if a.taken_after_s < 1 else when(a.taken_after_s, r.tr)
            decided = wall.decisions.get(d.id) if wall else None
            at = (clock(d.t_s, decided, r.tr) if not d.after_s else
                  _("%(t)s (decided at %(clock)s)", t=when(d.t_s + d.after_s, r.tr), clock=clock(d.t_s, decided, r.tr))
                  if decided else when(d.t_s + d.after_s, r.tr))
            did = _("%(who)s %(action)s at %(at)s, %(gap)s after %(inject)s; %(standard)s.", who=who,
                    action=action_phrase(d.action, names, r.tr), at=at, gap=gap, inject=inj, standard=std)
        else:
            what = _NOUNS_EN.get(a.action, a.action.replace("_", " ")) if r.lang == "en" else noun(a.action, r.tr)
            did = _("%(who)s never gave the %(what)s expected after %(inject)s; %(standard)s.", who=who, what=what,
                    inject=inj, standard=std)
        over = (a.taken_after_s or 0) - (a.standard_s or 0)
        grace = when(a.grace_s or 0, r.tr)
        if a.points == 2:
            out[a.objective].append(("strength", did, ref, _("Within the time standard (2 of 2 points).")))
        elif a.status == "partial":
            out[a.objective].append(("improvement", did, ref, _("Only partly what was expected: %(reason)s (1 of 2 points).",
                                                               reason=reason_words(a.reason, r))))
        elif a.points == 1:
            out[a.objective].append(("improvement", did, ref,
                                     _("%(over)s beyond the standard, within the grace of %(grace)s (1 of 2 points).",
                                       over=when(over, r.tr), grace=grace)))
        elif a.status == "missing":
            out[a.objective].append(("improvement", did, ref,
                                     _("No decision answered the inject: %(reason)s (0 of 2 points).",
                                       reason=reason_words(a.reason, r)) if a.reason else
                                     _("No decision answered the inject (0 of 2 points).")))
        else:
            out[a.objective].append(("improvement", did, ref,
                                     _("%(over)s beyond the standard and past the grace of %(grace)s (0 of 2 points).",
                                       over=when(over, r.tr), grace=grace)))
    return out


_NOUNS_EN = {"alert": "alert", "evacuate": "evacuation order", "shelter": "shelter order", "lockdown": "lockdown",
             "release": "release of the sheltered zones", "close": "closure", "open": "opening", "dispatch": "dispatch",
             "cordon": "cordon", "declare": "declaration", "public_information": "public information message",
             "staging": "ambulance staging point", "casualty_collection_point": "casualty collection point"}
"""The English nouns of the findings as they always were (other verbs: the verb in words)."""

_PHASES = {"hot_wash": N_("hot wash"), "conduct": N_("conduct"), "setup": N_("setup"), "briefing": N_("briefing"),
           "closed": N_("closed")}


def decision_log(session: "Session", names: dict[str, str], tr: Translator | None = None) -> list[tuple[str, ...]]:
    """Every decision and refusal in time order: time (with the room's clock when the session has a journal),
    team, inject, decision, rationale, outcome."""
    r = Reader(session, tr)
    _ = r.tr
    names = names if r.lang == "en" else r.names
    wall = wall_times(session)
    rows: list[tuple[float, tuple[str, ...]]] = []
    for d in session.decisions:
        effect = _("in effect at %(t)s", t=when(d.t_s + d.after_s, r.tr)) if d.after_s else _("in effect at once")
        rows.append((d.t_s, (clock(d.t_s, wall.decisions.get(d.id) if wall else None, r.tr), f"{d.id}: {r.team(d.team)}",
                             d.inject or "-", action_phrase(d.action, names, r.tr), d.rationale or "-", effect)))
    for k, x in enumerate(session.rejected):
        refused_at = wall.rejected[k] if wall and k < len(wall.rejected) else None
        rows.append((x["t_s"], (clock(x["t_s"], refused_at, r.tr), _("refused: %(team)s", team=r.team(x["team"])),
                                x.get("inject") or "-", action_phrase(x.get("action") or {}, names, r.tr),
                                x.get("rationale") or "-", _("refused: %(team)s", team=x["message"]))))
    return [row for _t, row in sorted(rows, key=lambda x: x[0])]


def observations(session: "Session", tr: Translator | None = None) -> list[tuple[str, ...]]:
    """Notes (evaluator, facilitator, team) grouped by the inject they are tied to, in inject order."""
    r = Reader(session, tr)
    _ = r.tr
    ex = session.loaded.exercise
    order = {i.id: k for k, i in enumerate(ex.msel)}
    wall = wall_times(session)
    written = {id(n): (wall.notes[k] if wall and k < len(wall.notes) else None) for k, n in enumerate(session.notes)}
    rows = []
    for n in sorted(session.notes, key=lambda n: (order.get(n.get("inject") or "", len(order)), n["t_s"])):
        who = r.team(n["team"]) if n.get("team") else _("facilitator")
        phase = n.get("phase", "")
        shown = _(_PHASES[phase]) if phase in _PHASES else phase
        inj = _inject_ref(session, n["inject"], r, wall) if n.get("inject") else _("no inject")
        if phase == "hot_wash":
            at = _("after play (%(clock)s UTC)", clock=written[id(n)]) if written[id(n)] else _("after play")
        else:
            at = clock(n["t_s"], written[id(n)], r.tr)
        rows.append((inj, at, f"{who} ({shown})", n["text"]))
    return rows


def outcome_rows(outcomes: Any, metrics: Any, tr: Translator | None = None) -> tuple[list[tuple[str, ...]], list[list[str]]]:
    """Outcome table rows (means per arm and verdicts against no action) and a CSS class per cell."""
    from facilitator.documents.prose import fmt_metric

    summ = outcomes.summary()
    rows, classes = [], []
    for metric, label, _u in metrics:
        r = summ[metric]
        means = [fmt_metric(metric, r["arms"][a].get("mean"), tr=tr) for a in ("team", "doctrine", "no_action")]
        team_na = r["team_minus_no_action"]
        doc_na = outcomes.difference("doctrine", "no_action", metric)
        team_doc = r["team_minus_doctrine"]
        rows.append((word(label, tr), *means, meaningful_text(metric, team_doc, tr), meaningful_text(metric, team_na, tr)))
        cls = {"better": "good", "worse": "bad", "same": "same"}
        classes.append(["", cls[verdict(metric, team_na)], cls[verdict(metric, doc_na)], "", "", ""])
    return rows, classes


def executive_summary(session: "Session", scores: Any, ratings: dict[str, Any], outcomes: Any, metrics: Any,
                      tr: Translator | None = None) -> list[str]:
    """Paragraphs of the executive summary."""
    r = Reader(session, tr)
    _ = r.tr
    ex = session.loaded.exercise
    ov = ex.exercise
    scored = [a for a in scores.actions if a.points is not None]
    on_time = sum(1 for a in scored if a.points == 2)
    late = sum(1 for a in scored if a.points == 1)
    missed = len(scored) - on_time - late
    teams = r.tr.join(r.team(t.id) for t in ex.teams if t.role == "player")
    name = r.text(("exercise", "name"), ov.name)
    sponsor = r.text(("exercise", "sponsor"), ov.sponsor or "")
    first = _("The %(type)s '%(name)s' exercised %(n)s objectives with %(teams)s", type=r.word(ov.type), name=name,
              n=len(ex.objectives), teams=teams)
    first += (_(", sponsored by %(sponsor)s", sponsor=sponsor) if ov.sponsor else "") + ". "
    took = _("Of %(scored)s expected actions, %(on_time)s were taken within their time standard, %(late)s late within the "
             "grace and %(missed)s too late or not at all; the teams took %(decisions)s decisions", scored=len(scored),
             on_time=on_time, late=late, missed=missed, decisions=len(session.decisions))
    took += _(" and %(refused)s were refused", refused=len(session.rejected)) if session.rejected else ""
    out = [first + took + "."]
    if ratings:
        by: dict[str, list[str]] = {}
        for cap, x in ratings.items():
            by.setdefault(x["rating"], []).append(r.cap(cap))
        out.append(_("Evaluator ratings: %(ratings)s.", ratings=r.tr.join((
            _("%(rating)s for %(capabilities)s", rating=k, capabilities=r.tr.join(v)) for k, v in sorted(by.items())),
            semicolon=True)))
    if outcomes is not None:
        m = "medical.deaths"
        st = {a: outcomes.stats(a, m).get("mean") for a in ("team", "doctrine", "no_action")}
        vs_doc = meaningful_text(m, outcomes.difference("team", "doctrine", m), r.tr)
        vs_none = meaningful_text(m, outcomes.difference("team", "no_action", m), r.tr)
        out.append(_("Replayed over %(n)s simulated worlds, the teams' decisions led to %(team)s deaths on average, against "
                     "%(doctrine)s with doctrine timing and %(none)s with no decision at all (teams against doctrine: "
                     "%(vs_doctrine)s; against no action: %(vs_none)s).", n=outcomes.replications,
                     team=r.tr.fixed(st["team"], 1), doctrine=r.tr.fixed(st["doctrine"], 1),
                     none=r.tr.fixed(st["no_action"], 1), vs_doctrine=vs_doc, vs_none=vs_none))
    return out


def conclusion(scores: Any, outcomes: Any, improvements: int, tr: Translator | None = None) -> str:
    """The closing paragraph."""
    from facilitator.documents.prose import meaningful

    _ = tr or translator("en")
    weak = sorted({a.capability for a in scores.actions if a.points is not None and a.points < 2 and a.capability})
    text = _("This exercise showed where plans and decisions held and where they did not. ") if scores.actions else ""
    text += (_("Timeliness fell short in %(capabilities)s. ", capabilities=_.join((capability(c, _) for c in weak),
                                                                                  semicolon=True))
             if weak else _("Every scored action was on time. "))
    if outcomes is not None:
        metric = "incident.exposed_person_min"
        d = outcomes.difference("team", "doctrine", metric)
        if meaningful(metric, d):
            amount = _.fixed(abs(d["mean"]), 0, grouped=True)
            text += (_("In the simulation the teams' decisions left %(amount)s person-minutes more exposure to harm than "
                       "the expected actions taken at their time standards. ", amount=amount) if d["mean"] > 0 else
                     _("In the simulation the teams' decisions left %(amount)s person-minutes less exposure to harm than "
                       "the expected actions taken at their time standards. ", amount=amount))
        else:
            text += _("In the simulation the teams' decisions made no meaningful difference to exposure to harm compared "
                      "with the expected actions taken at their time standards. ")
    if improvements:
        text += _.ngettext("The Improvement Plan lists %(num)s corrective action; check progress on them in the next "
                           "exercise of these capabilities.",
                           "The Improvement Plan lists %(num)s corrective actions; check progress on them in the next "
                           "exercise of these capabilities.", improvements)
    else:
        text += _("No corrective action has been recorded yet.")
    return text
