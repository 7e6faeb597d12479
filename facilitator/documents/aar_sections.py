"""Sections of the AAR/IP written for people: executive summary, findings as sentences, the decision log,
observations tied to injects, honest outcome verdicts and the conclusion (used by
:mod:`facilitator.evaluation.aar`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simsoft.units import format_duration

from facilitator.documents.prose import action_phrase, meaningful_text, verdict, when

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["when", "display_names", "finding_sentences", "decision_log", "observations", "executive_summary",
           "outcome_rows", "conclusion"]

_NOUNS = {"alert": "alert", "evacuate": "evacuation order", "shelter": "shelter order", "lockdown": "lockdown",
          "release": "release of the sheltered zones", "close": "closure", "open": "opening", "dispatch": "dispatch",
          "cordon": "cordon", "declare": "declaration", "public_information": "public information message",
          "staging": "ambulance staging point", "casualty_collection_point": "casualty collection point"}


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


def _inject_ref(session: "Session", inject_id: str) -> str:
    for s in session.injects:
        if s.inject.id == inject_id:
            at = f", released at {when(s.released_s)}" if s.released_s is not None else ""
            return f"inject {inject_id} ({s.inject.sender}{at})"
    return f"inject {inject_id}"


def finding_sentences(session: "Session", scores: Any, names: dict[str, str]) -> dict[str, list[tuple[str, str, str, str]]]:
    """Timeliness findings per objective as ``(kind, sentence, reference, analysis)``."""
    ex = session.loaded.exercise
    decisions = {d.id: d for d in session.decisions}
    out: dict[str, list[tuple[str, str, str, str]]] = {o.id: [] for o in ex.objectives}
    for a in scores.actions:
        if a.objective is None or a.points is None:
            continue
        task = ex.task(a.task) if a.task else None
        std = (f"the standard is {when(a.standard_s)}" if a.standard_s is not None else "there is no time standard")
        ref = (f"{a.task}: {task.text}" if task else a.action) + (f" ({task.reference})" if task and task.reference else "")
        who = _team(ex, a.team)
        inj = _inject_ref(session, a.inject)
        d = decisions.get(a.decision or "")
        if d is not None and a.taken_after_s is not None:
            gap = "immediately" if a.taken_after_s < 1 else when(a.taken_after_s)
            did = f"{who} {action_phrase(d.action, names)} at {when(d.t_s + d.after_s)}, {gap} after {inj}; {std}."
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
    """Every decision and refusal in time order: time, team, inject, decision, rationale, outcome."""
    ex = session.loaded.exercise
    rows: list[tuple[float, tuple[str, ...]]] = []
    for d in session.decisions:
        effect = f"in effect at {when(d.t_s + d.after_s)}" if d.after_s else "in effect at once"
        rows.append((d.t_s, (when(d.t_s), f"{d.id}: {_team(ex, d.team)}", d.inject or "-",
                             action_phrase(d.action, names), d.rationale or "-", effect)))
    for r in session.rejected:
        rows.append((r["t_s"], (when(r["t_s"]), f"refused: {_team(ex, r['team'])}", r.get("inject") or "-",
                                action_phrase(r.get("action") or {}, names), r.get("rationale") or "-",
                                f"refused: {r['message']}")))
    return [r for _, r in sorted(rows, key=lambda x: x[0])]


def observations(session: "Session") -> list[tuple[str, ...]]:
    """Notes (evaluator, facilitator, team) grouped by the inject they are tied to, in inject order."""
    ex = session.loaded.exercise
    order = {i.id: k for k, i in enumerate(ex.msel)}
    rows = []
    for n in sorted(session.notes, key=lambda n: (order.get(n.get("inject") or "", len(order)), n["t_s"])):
        who = _team(ex, n["team"]) if n.get("team") else "facilitator"
        phase = "hot wash" if n.get("phase") == "hot_wash" else n.get("phase", "")
        inj = _inject_ref(session, n["inject"]) if n.get("inject") else "no inject"
        rows.append((inj, "after play" if phase == "hot wash" else when(n["t_s"]), f"{who} ({phase})", n["text"]))
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
