"""What each page shows, as plain dicts for the templates (built on the session's thread).

The projector (what the whole room sees) shows the released injects, the map, the numbers, the
decisions and the module's questions, and nothing only the controller may know: no controller notes,
no expected actions, no MSEL of what is still to come. The facilitator's controller view adds those
and the controls; a team sees only the injects sent to it, its own situation report
(:meth:`Session.sitrep`, what its role would know) and its own decisions; evaluators see expected
actions against time standards and the notes. Places, doors and units are shown by their names
(:mod:`facilitator.web.names`); the journal keeps the ids.
"""

from __future__ import annotations

from typing import Any

from simsoft import Observation

from facilitator.conduct.session import Session
from facilitator.conduct.sitrep import live_values
from facilitator.exercise.decisions import action_text
from facilitator.i18n import Translator, translator
from facilitator.i18n.exercise import METHODS, PHASES, STATUSES, Local
from facilitator.evaluation.evaluator import evaluation_state
from facilitator.evaluation.hotwash import hotwash_state
from facilitator.evaluation.ratings import propose_all
from facilitator.evaluation.scoring import score_session
from facilitator.web.mapsvg import left_off, legend, legend_keys, map_state, venue_svg, watch_list
from facilitator.web.names import action_words, display_names, verb_words
from facilitator.web.regionmap import regional_parts

__all__ = ["facilitator_view", "projector_view", "team_view", "evaluator_view", "Local"]




def _t(seconds: float | None) -> str:
    return translator("en").format_duration(seconds)


def _module(ses: Session, loc: Local) -> dict[str, Any] | None:
    current = ses.current_inject()
    ex = ses.loaded.exercise
    if current is None:
        return None
    m = next((m for m in ex.modules if m.id == current.inject.module), None)
    if m is None:
        return None
    return {"id": m.id, "name": loc.text(("module", m.id, "name"), m.name), "phase": m.phase,
            "questions": [loc.text(("module", m.id, "question", str(j)), q) for j, q in enumerate(m.questions)]}


def _names(ses: Session) -> dict[str, str]:
    return display_names(ses.loaded.scenario)


def _decision_rows(ses: Session, team: str | None, loc: Local) -> list[dict[str, Any]]:
    names, tr = loc.names, loc.tr
    rows = [{"id": d.id, "team": d.team, "inject": d.inject or "–", "t": loc.t(d.t_s),
             "effect": loc.t(d.t_s + d.after_s), "action": action_words(d.action, names, tr), "line": action_text(d.action),
             "rationale": d.rationale, "refused": False, "message": ""}
            for d in ses.decisions if team is None or d.team == team]
    rows += [{"id": tr.gettext("refused"), "team": r["team"], "inject": r.get("inject") or "–", "t": loc.t(r["t_s"]),
              "effect": "–", "action": action_words(r["action"], names, tr), "line": action_text(r["action"]),
              "rationale": r.get("rationale", ""), "refused": True, "message": r["message"]}
             for r in ses.rejected if team is None or r["team"] == team]
    return rows


def _sitrep(ses: Session, team_id: str | None, loc: Local) -> list[str]:
    """The situation report's lines in the reader's language (:meth:`Local.sitrep`; a regional session's are the
    region's structured lines, :mod:`facilitator.conduct.regional_lines`)."""
    return loc.sitrep(team_id)


def _numbers(ses: Session, seen: Observation, loc: Local) -> list[tuple[str, str, str]]:
    """The key numbers tiles ``(key, label, value)``: the whole-person counts every view shows (inside + out +
    casualties = population)."""
    v = live_values(seen, ses.sim.recorder.events)
    n, t = loc.tr.format_number, loc.tr.gettext
    return [("inside", t("inside"), n(v["inside"])), ("out", t("out"), n(v["exited"])),
            ("casualties", t("casualties"), n(v["casualties"])), ("population", t("population"), n(v["population"])),
            ("units on scene", t("units on scene"), n(v["units_on_scene"])),
            ("decisions", t("decisions"), n(len(ses.decisions)))]


def _common(ses: Session, loc: Local) -> dict[str, Any]:
    return {"phase": ses.phase, "phase_label": loc.tr.gettext(PHASES.get(ses.phase, ses.phase.replace("_", " "))),
            "paused": ses.paused, "clock": loc.t(ses.now_s), "module": _module(ses, loc),
            "name": loc.text(("exercise", "name"), ses.loaded.name), "venue": loc.venue(),
            "venue_label": loc.tr.gettext("Region") if getattr(ses.loaded, "region", None) is not None else
            loc.tr.gettext("Venue")}


def _inject_row(s: Any, *, full: bool, loc: Local) -> dict[str, Any]:
    inj, tr = s.inject, loc.tr
    rule = (tr.gettext("at %(t)s", t=loc.t(inj.at)) if inj.at is not None else tr.gettext("on a trigger")
            if inj.when is not None else tr.gettext("if %(action)s missing", action=inj.if_missing.action))  # type: ignore[union-attr]
    text = loc.inject_text(s) if s.text else (loc.text(("inject", inj.id, "text"), inj.text) if full else "")
    row = {"id": inj.id, "module": inj.module, "status": s.status,
           "status_label": tr.gettext(STATUSES.get(s.status, s.status)), "released": loc.t(s.released_s), "rule": rule,
           "sender": loc.text(("inject", inj.id, "sender"), inj.sender), "to": [loc.team(t) if loc.lang != "en" else t
                                                                                for t in inj.to],
           "method": tr.gettext(METHODS.get(inj.method, inj.method.replace("_", " "))),
           "text": text, "discussion_only": inj.discussion_only}
    if full:
        row["notes"] = loc.text(("inject", inj.id, "notes"), inj.notes or "")
        row["expect"] = [f"{e.team}: {e.action}" + (" " + tr.gettext("(task %(task)s)", task=e.task) if e.task else "")
                         for e in inj.expect]
    return row


def _room_view(ses: Session, *, full: bool, loc: Local) -> dict[str, Any]:
    ex = ses.loaded.exercise
    current = ses.current_inject()
    players = [t for t in ex.teams if t.role == "player"]
    by_team = {t.id: [r for r in _decision_rows(ses, t.id, loc)] for t in players}
    # The projector must fit one screen without scrolling: each team's latest decisions, and how many
    # earlier ones the controller view and the AAR hold.
    keep = None if full else PROJECTOR_DECISIONS
    if _regional(ses):
        return {**_common(ses, loc), "current": _inject_row(current, full=full, loc=loc) if current else None,
                **regional_parts(ses, loc.tr, full=full),
                "teams": [{"id": t.id, "name": loc.team(t.id), "decides": bool(t.may),
                           "rows": by_team[t.id][-keep:] if keep else by_team[t.id],
                           "earlier": max(0, len(by_team[t.id]) - keep) if keep else 0} for t in players]}
    seen = ses.sim.observe()  # one snapshot for the map and the numbers
    state = map_state(seen, ses.sim.recorder.events)
    return {**_common(ses, loc), "current": _inject_row(current, full=full, loc=loc) if current else None,
            "map": venue_svg(ses.loaded.scenario, state, loc.tr),
            # The projector's number tiles already add people up; its map keeps the height that line took.
            "legend": legend(state, loc.names, loc.tr)[0 if full else 1:] + _left_off(ses, state, loc),
            "map_keys": [(swatch, loc.tr.gettext(text)) for swatch, text in legend_keys()],
            "watch": _watch(ses, state, loc),
            "numbers": _numbers(ses, seen, loc),
            "teams": [{"id": t.id, "name": loc.team(t.id), "decides": bool(t.may),
                       "rows": by_team[t.id][-keep:] if keep else by_team[t.id],
                       "earlier": max(0, len(by_team[t.id]) - keep) if keep else 0} for t in players]}


PROJECTOR_DECISIONS = 3
"""Decisions per team the projector lists (the latest); the room reads the rest on the controller view."""


def _regional(ses: Session) -> bool:
    return getattr(ses.loaded, "region", None) is not None


def _watch(ses: Session, state: dict[str, Any], loc: Local) -> list[dict[str, Any]]:
    """Zones to watch beside the map (:func:`facilitator.web.mapsvg.watch_list`), in the reader's language."""
    t, n = loc.tr.gettext, loc.tr.format_number
    return [{"id": r["id"], "name": loc.names.get(r["id"], r["name"]), "inside": n(r["inside"]),
             "hurt": n(r["hurt"]) if r["hurt"] else "", "marks": ", ".join(t(m) for m in r["marks"])}
            for r in watch_list(ses.loaded.scenario, state)]


def _left_off(ses: Session, state: dict[str, Any], loc: Local) -> list[str]:
    n = left_off(ses.loaded.scenario, state)
    return [loc.tr.ngettext("%(num)s label left off where it would cover another mark (point at a circle or an exit "
                            "to read it)", "%(num)s labels left off where they would cover another mark (point at a "
                            "circle or an exit to read it)", n)] if n else []


def facilitator_view(ses: Session, lang: str = "en") -> dict[str, Any]:
    """The controller view: the projector's content plus controller notes, expected actions and the MSEL."""
    loc = Local(ses, lang)
    return {**_room_view(ses, full=True, loc=loc), "msel": [_inject_row(s, full=True, loc=loc) for s in ses.injects],
            "pending": [s.inject.id for s in ses.injects if s.status == "pending"]}


def projector_view(ses: Session, lang: str = "en") -> dict[str, Any]:
    """What the room sees: clock, module and its questions, the released inject, map, numbers, decisions.

    Built without anything controller-only (notes, expected actions, the MSEL, injects not yet
    released), so a template cannot show it by mistake.
    """
    return _room_view(ses, full=False, loc=Local(ses, lang))


def team_view(ses: Session, team_id: str, answering: str | None, lang: str = "en") -> dict[str, Any]:
    """A team's page: its injects (latest first), its situation report, its decisions (in ``lang``)."""
    loc = Local(ses, lang)
    team = ses.loaded.exercise.team(team_id)
    mine = [s for s in ses.injects if s.released_s is not None and team_id in s.inject.to]
    mine.sort(key=lambda s: (s.released_s, ses.injects.index(s)), reverse=True)
    notes = [n for n in ses.notes if n.get("team") == team_id]
    return {**_common(ses, loc), "team": {"id": team.id, "name": loc.team(team.id), "may": list(team.may)},
            "injects": [_inject_row(s, full=False, loc=loc) for s in mine], "answering": answering,
            "sitrep": _sitrep(ses, team_id, loc), "rows": _decision_rows(ses, team_id, loc),
            "notes": [{"t": loc.t(n["t_s"]), "phase": loc.tr.gettext(PHASES.get(n["phase"], n["phase"].replace("_", " "))),
                       "text": n["text"]} for n in notes],
            "hotwash": _hotwash(ses, team_id),
            "can_decide": ses.phase == "conduct" and not ses.paused and bool(team.may),
            # A team of a regional exercise sees the region as it is (knows_as: region): its map and panels.
            **(regional_parts(ses, loc.tr, full=True) if _regional(ses) else {})}


def _standard_status(row: dict[str, Any], tr: Translator | None = None) -> tuple[str, str]:
    """``(key, words)`` of an expected action's standing: the key (English, for the row's colour) and its words."""
    t = (tr or translator("en")).gettext
    if row["status"] in ("skipped", "cancelled"):
        return row["status"], t(STATUSES[row["status"]])
    if row["released_s"] is None:
        return "not-released", t("not released")
    if row["decision"] is None:
        return "not-taken", (t("not taken (%(reason)s)", reason=row["reason"]) if row.get("reason") else t("not taken"))
    partial = row["reason"] if row.get("match") == "partial" else ""
    if row["standard_s"] is None:
        return "taken", (t("taken (no standard, partial: %(reason)s)", reason=partial) if partial
                         else t("taken (no standard)"))
    within = row["after_s"] <= row["standard_s"]
    key = "within-standard" if within else "later-than-standard"
    if partial:
        return key, (t("within standard (partial: %(reason)s)", reason=partial) if within
                     else t("later than standard (partial: %(reason)s)", reason=partial))
    return key, t("within standard") if within else t("later than standard")


def _hotwash(ses: Session, team: str | None) -> list[dict[str, Any]]:
    """Hot-wash self-assessments (``hotwash`` entries of :mod:`facilitator.evaluation.hotwash`), of ``team`` or all."""
    state = hotwash_state(ses)
    return [{"team": t, "strengths": list(h.strengths), "improvements": list(h.improvements)}
            for t, h in sorted(state.teams.items()) if team is None or t == team]


def _proposals(ses: Session, tr: Translator | None = None) -> list[dict[str, Any]]:
    """Rating proposals (:mod:`facilitator.evaluation.ratings`) with the evaluator's decision so far; the
    capability and the proposal's reason in ``tr``'s language (the form still posts the capability's own name)."""
    from facilitator.documents.words import capability
    from facilitator.evaluation.aar import proposal_reason

    decided = evaluation_state(ses).ratings
    out = []
    for p in propose_all(ses.loaded.exercise, score_session(ses)):
        d = decided.get(p.capability, {})
        out.append({"capability": p.capability, "shown": capability(p.capability, tr), "proposed": p.rating or "–",
                    "why": proposal_reason(p.to_dict(), tr),
                    "decided": d.get("rating") or "–", "reason": d.get("reason") or ""})
    return out


def evaluator_view(ses: Session, lang: str = "en") -> dict[str, Any]:
    """Expected actions against time standards, observation notes, rating proposals when scoring exists."""
    loc = Local(ses, lang)
    rows = []
    for r in ses.expected_actions():
        key, status = _standard_status(r, loc.tr)
        other = loc.lang != "en"  # ids in English (as the journal has them), names and words in another language
        rows.append({"inject": r["inject"], "team": loc.team(r["team"]) if other else r["team"],
                     "action": verb_words(r["action"], loc.tr) if other else r["action"], "task": r["task"] or "–",
                     "standard": loc.t(r["standard_s"]), "released": loc.t(r["released_s"]),
                     "decision": r["decision"] or "–", "after": loc.t(r["after_s"]), "status": status, "status_key": key})
    notes = [{"t": loc.t(n["t_s"]), "phase": loc.tr.gettext(PHASES.get(n["phase"], n["phase"].replace("_", " "))),
              "who": n.get("team") or loc.tr.gettext("facilitator"),
              "inject": n.get("inject") or "–", "text": n["text"]} for n in ses.notes]
    released = [s.inject.id for s in ses.injects if s.released_s is not None]
    # The ground-truth report and the tiles count the same snapshot (nothing runs between the two).
    return {**_common(ses, loc), "expected": rows, "notes": notes, "released": released, "hotwash": _hotwash(ses, None),
            "proposals": _proposals(ses, loc.tr),
            "sitrep": _sitrep(ses, None, loc),
            **({k: v for k, v in regional_parts(ses, loc.tr, full=True).items() if k in ("numbers", "region", "map",
                                                                                      "map_keys")}
               if _regional(ses) else {"numbers": _numbers(ses, ses.sim.observe(), loc)})}
