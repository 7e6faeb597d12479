"""Sections of the AAR/IP written for people: executive summary, findings as sentences, the decision log,
observations tied to injects, honest outcome verdicts and the conclusion (used by
:mod:`facilitator.evaluation.aar`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simsoft.units import format_duration

from facilitator.documents.prose import action_phrase, meaningful_text, verdict, when

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["when", "WallTimes", "wall_times", "clock", "display_names", "finding_sentences", "decision_log", "observations", "executive_summary",
           "outcome_rows", "conclusion"]

_NOUNS = {"alert": "alert", "evacuate": "evacuation order", "shelter": "shelter order", "lockdown": "lockdown",
          "release": "release of the sheltered zones", "close": "closure", "open": "opening", "dispatch": "dispatch",
          "cordon": "cordon", "declare": "declaration", "public_information": "public information message",
          "staging": "ambulance staging point", "casualty_collection_point": "casualty collection point"}


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


def clock(t_s: float, wall: str | None) -> str:
    """Exercise time with the room's clock beside it when known: ``6 min 30 s (10:42 UTC)``.

    >>> clock(390.0, "10:42"), clock(390.0, None)
    ('6 min 30 s (10:42 UTC)', '6 min 30 s')
    """
    return f"{when(t_s)} ({wall} UTC)" if wall else when(t_s)


def display_names(scenario: Any) -> dict[str, str]:
    """Ids of zones, connections and exits → their display names (lower-case for use inside sentences)."""
    v = scenario.venue
    out: dict[str, str] = {}
    for group in (v.zones, v.connections, v.exits):
        for x in group:
            name = getattr(x, "name", None)
            out[x.id] = name[0].lower() + name[1:] if name and not name[:2].isupper() else (name or x.id.replace("_", " "))
    return out


def _team(ex: Any, team: str) -> str:
    try:
        return ex.team(team).name
    except KeyError:
        return team


def _inject_ref(session: "Session", inject_id: str, wall: WallTimes | None = None) -> str:
    for s in session.injects:
        if s.inject.id == inject_id:
            rel = wall.releases.get(inject_id) if wall else None
            # Inside the inject's own parentheses the room's clock follows a comma, not a second bracket.
            at = (f", released at {when(s.released_s)}" + (f", {rel} UTC" if rel else "")) if s.released_s is not None else ""
            return f"inject {inject_id} ({s.inject.sender}{at})"
    return f"inject {inject_id}"


def finding_sentences(session: "Session", scores: Any, names: dict[str, str]) -> dict[str, list[tuple[str, str, str, str]]]:
    """Timeliness findings per objective as ``(kind, sentence, reference, analysis)``; times read in exercise
    time with the room's clock beside them when the session has a journal."""
    ex = session.loaded.exercise
    wall = wall_times(session)
    decisions = {d.id: d for d in session.decisions}
    out: dict[str, list[tuple[str, str, str, str]]] = {o.id: [] for o in ex.objectives}
    for a in scores.actions:
        if a.objective is None or a.points is None:
            continue
        task = ex.task(a.task) if a.task else None
        std = (f"the standard is {when(a.standard_s)}" if a.standard_s is not None else "there is no time standard")
        ref = (f"{a.task}: {task.text}" if task else a.action) + (f" ({task.reference})" if task and task.reference else "")
        who = _team(ex, a.team)
        inj = _inject_ref(session, a.inject, wall)
        d = decisions.get(a.decision or "")
        if d is not None and a.taken_after_s is not None:
            gap = "immediately" if a.taken_after_s < 1 else when(a.taken_after_s)
            decided = wall.decisions.get(d.id) if wall else None
            at = (clock(d.t_s, decided) if not d.after_s else
                  f"{when(d.t_s + d.after_s)} (decided at {clock(d.t_s, decided)})" if decided else when(d.t_s + d.after_s))
            did = f"{who} {action_phrase(d.action, names)} at {at}, {gap} after {inj}; {std}."
        else:
            did = f"{who} never gave the {_NOUNS.get(a.action, a.action.replace('_', ' '))} expected after {inj}; {std}."
        over = (a.taken_after_s or 0) - (a.standard_s or 0)
        if a.points == 2:
            out[a.objective].append(("strength", did, ref, "Within the time standard (2 of 2 points)."))
        elif a.status == "partial":
            out[a.objective].append(("improvement", did, ref, f"Only partly what was expected: {a.reason} (1 of 2 points)."))
        elif a.points == 1:
            out[a.objective].append(("improvement", did, ref,
                                     f"{when(over)} beyond the standard, within the grace of {when(a.grace_s or 0)} "
                                     "(1 of 2 points)."))
        elif a.status == "missing":
            why = f": {a.reason}" if a.reason else ""
            out[a.objective].append(("improvement", did, ref, f"No decision answered the inject{why} (0 of 2 points)."))
        else:
            out[a.objective].append(("improvement", did, ref,
                                     f"{when(over)} beyond the standard and past the grace of {when(a.grace_s or 0)} "
                                     "(0 of 2 points)."))
    return out


def decision_log(session: "Session", names: dict[str, str]) -> list[tuple[str, ...]]:
    """Every decision and refusal in time order: time (with the room's clock when the session has a journal),
    team, inject, decision, rationale, outcome."""
    ex = session.loaded.exercise
    wall = wall_times(session)
    rows: list[tuple[float, tuple[str, ...]]] = []
    for d in session.decisions:
        effect = f"in effect at {when(d.t_s + d.after_s)}" if d.after_s else "in effect at once"
        rows.append((d.t_s, (clock(d.t_s, wall.decisions.get(d.id) if wall else None), f"{d.id}: {_team(ex, d.team)}",
                             d.inject or "-", action_phrase(d.action, names), d.rationale or "-", effect)))
    for k, r in enumerate(session.rejected):
        refused_at = wall.rejected[k] if wall and k < len(wall.rejected) else None
        rows.append((r["t_s"], (clock(r["t_s"], refused_at), f"refused: {_team(ex, r['team'])}", r.get("inject") or "-",
                                action_phrase(r.get("action") or {}, names), r.get("rationale") or "-",
                                f"refused: {r['message']}")))
    return [r for _, r in sorted(rows, key=lambda x: x[0])]


def observations(session: "Session") -> list[tuple[str, ...]]:
    """Notes (evaluator, facilitator, team) grouped by the inject they are tied to, in inject order."""
    ex = session.loaded.exercise
    order = {i.id: k for k, i in enumerate(ex.msel)}
    wall = wall_times(session)
    written = {id(n): (wall.notes[k] if wall and k < len(wall.notes) else None) for k, n in enumerate(session.notes)}
    rows = []
    for n in sorted(session.notes, key=lambda n: (order.get(n.get("inject") or "", len(order)), n["t_s"])):
        who = _team(ex, n["team"]) if n.get("team") else "facilitator"
        phase = "hot wash" if n.get("phase") == "hot_wash" else n.get("phase", "")
        inj = _inject_ref(session, n["inject"], wall) if n.get("inject") else "no inject"
        at = f"after play ({written[id(n)]} UTC)" if phase == "hot wash" and written[id(n)] else (
            "after play" if phase == "hot wash" else clock(n["t_s"], written[id(n)]))
        rows.append((inj, at, f"{who} ({phase})", n["text"]))
    return rows


def outcome_rows(outcomes: Any, metrics: Any) -> tuple[list[tuple[str, ...]], list[list[str]]]:
    """Outcome table rows (means per arm and verdicts against no action) and a CSS class per cell."""
    from facilitator.documents.prose import fmt_metric

    summ = outcomes.summary()
    rows, classes = [], []
    for metric, label, _ in metrics:
        r = summ[metric]
        means = [fmt_metric(metric, r["arms"][a].get("mean")) for a in ("team", "doctrine", "no_action")]
        team_na = r["team_minus_no_action"]
        doc_na = outcomes.difference("doctrine", "no_action", metric)
        team_doc = r["team_minus_doctrine"]
        rows.append((label, *means, meaningful_text(metric, team_doc), meaningful_text(metric, team_na)))
        cls = {"better": "good", "worse": "bad", "same": "same"}
        classes.append(["", cls[verdict(metric, team_na)], cls[verdict(metric, doc_na)], "", "", ""])
    return rows, classes


def executive_summary(session: "Session", scores: Any, ratings: dict[str, Any], outcomes: Any, metrics: Any) -> list[str]:
    """Paragraphs of the executive summary."""
    ex = session.loaded.exercise
    ov = ex.exercise
    scored = [a for a in scores.actions if a.points is not None]
    on_time = sum(1 for a in scored if a.points == 2)
    late = sum(1 for a in scored if a.points == 1)
    missed = len(scored) - on_time - late
    teams = ", ".join(t.name for t in ex.teams if t.role == "player")
    out = [f"The {ov.type} '{ov.name}' exercised {len(ex.objectives)} objectives with {teams}"
           + (f", sponsored by {ov.sponsor}" if ov.sponsor else "") + ". "
           f"Of {len(scored)} expected actions, {on_time} were taken within their time standard, {late} late within the "
           f"grace and {missed} too late or not at all; the teams took {len(session.decisions)} decisions"
           + (f" and {len(session.rejected)} were refused" if session.rejected else "") + "."]
    if ratings:
        by = {}
        for cap, r in ratings.items():
            by.setdefault(r["rating"], []).append(cap)
        out.append("Evaluator ratings: " + "; ".join(f"{k} for {', '.join(v)}" for k, v in sorted(by.items())) + ".")
    if outcomes is not None:
        m = "medical.deaths"
        st = {a: outcomes.stats(a, m).get("mean") for a in ("team", "doctrine", "no_action")}
        vs_doc = meaningful_text(m, outcomes.difference("team", "doctrine", m))
        vs_none = meaningful_text(m, outcomes.difference("team", "no_action", m))
        out.append(f"Replayed over {outcomes.replications} simulated worlds, the teams' decisions led to "
                   f"{st['team']:.1f} deaths on average, against {st['doctrine']:.1f} with doctrine timing and "
                   f"{st['no_action']:.1f} with no decision at all (teams against doctrine: {vs_doc}; against no "
                   f"action: {vs_none}).")
    return out


def conclusion(scores: Any, outcomes: Any, improvements: int) -> str:
    """The closing paragraph."""
    from facilitator.documents.prose import meaningful

    weak = sorted({a.capability for a in scores.actions if a.points is not None and a.points < 2 and a.capability})
    text = "This exercise showed where plans and decisions held and where they did not. " if scores.actions else ""
    text += ("Timeliness fell short in " + "; ".join(weak) + ". ") if weak else "Every scored action was on time. "
    if outcomes is not None:
        metric = "incident.exposed_person_min"
        d = outcomes.difference("team", "doctrine", metric)
        if meaningful(metric, d):
            way = "more" if d["mean"] > 0 else "less"
            text += (f"In the simulation the teams' decisions left {abs(d['mean']):,.0f} person-minutes {way} exposure "
                     "to harm than the expected actions taken at their time standards. ")
        else:
            text += ("In the simulation the teams' decisions made no meaningful difference to exposure to harm compared "
                     "with the expected actions taken at their time standards. ")
    text += (f"The Improvement Plan lists {improvements} corrective action{'s' if improvements != 1 else ''}; check "
             "progress on them in the next exercise of these capabilities." if improvements else
             "No corrective action has been recorded yet.")
    return text
