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
from simsoft.units import format_duration

from facilitator.conduct.session import Session
from facilitator.conduct.sitrep import live_values
from facilitator.exercise.decisions import action_text
from facilitator.evaluation.evaluator import evaluation_state
from facilitator.evaluation.hotwash import hotwash_state
from facilitator.evaluation.ratings import propose_all
from facilitator.evaluation.scoring import score_session
from facilitator.web.mapsvg import left_off, legend, legend_keys, map_state, venue_svg
from facilitator.web.names import action_words, display_names, with_names

__all__ = ["facilitator_view", "projector_view", "team_view", "evaluator_view"]


def _t(seconds: float | None) -> str:
    return format_duration(seconds) if seconds is not None else "–"


def _module(ses: Session) -> dict[str, Any] | None:
    current = ses.current_inject()
    ex = ses.loaded.exercise
    if current is None:
        return None
    m = next((m for m in ex.modules if m.id == current.inject.module), None)
    return {"id": m.id, "name": m.name, "phase": m.phase, "questions": list(m.questions)} if m else None


def _names(ses: Session) -> dict[str, str]:
    return display_names(ses.loaded.scenario)


def _decision_rows(ses: Session, team: str | None) -> list[dict[str, Any]]:
    names = _names(ses)
    rows = [{"id": d.id, "team": d.team, "inject": d.inject or "–", "t": _t(d.t_s),
             "effect": _t(d.t_s + d.after_s), "action": action_words(d.action, names), "line": action_text(d.action),
             "rationale": d.rationale, "refused": False, "message": ""}
            for d in ses.decisions if team is None or d.team == team]
    rows += [{"id": "refused", "team": r["team"], "inject": r.get("inject") or "–", "t": _t(r["t_s"]), "effect": "–",
              "action": action_words(r["action"], names), "line": action_text(r["action"]),
              "rationale": r.get("rationale", ""), "refused": True, "message": r["message"]}
             for r in ses.rejected if team is None or r["team"] == team]
    return rows


def _sitrep(ses: Session, team_id: str | None) -> list[str]:
    """The situation report's lines with names for ids (``main_hall`` -> ``Main hall``); the journal is untouched."""
    names = _names(ses)
    lines = [with_names(line, names) for line in ses.sitrep(team_id)]
    if team_id is not None and lines:
        # "SITUATION REPORT for Police (police)": the role in brackets says nothing when it is the name.
        name = ses.loaded.exercise.team(team_id).name
        lines[0] = lines[0].replace(f"{name} ({name.lower()})", name)
    return lines


def _numbers(ses: Session, seen: Observation) -> list[tuple[str, str]]:
    """The key numbers tiles: the whole-person counts every view shows (inside + out + casualties = population)."""
    v = live_values(seen, ses.sim.recorder.events)
    return [("inside", f"{v['inside']:,}"), ("out", f"{v['exited']:,}"),
            ("casualties", f"{v['casualties']:,}"), ("population", f"{v['population']:,}"),
            ("units on scene", str(v["units_on_scene"])), ("decisions", str(len(ses.decisions)))]


def _common(ses: Session) -> dict[str, Any]:
    return {"phase": ses.phase, "phase_label": ses.phase.replace("_", " "), "paused": ses.paused,
            "clock": _t(ses.now_s), "module": _module(ses), "name": ses.loaded.name}


def _inject_row(s: Any, *, full: bool) -> dict[str, Any]:
    inj = s.inject
    rule = (f"at {_t(inj.at)}" if inj.at is not None else "on a trigger" if inj.when is not None
            else f"if {inj.if_missing.action} missing")  # type: ignore[union-attr]
    row = {"id": inj.id, "module": inj.module, "status": s.status, "released": _t(s.released_s), "rule": rule,
           "sender": inj.sender, "to": list(inj.to), "method": inj.method.replace("_", " "),
           "text": s.text or (inj.text if full else ""), "discussion_only": inj.discussion_only}
    if full:
        row["notes"] = inj.notes or ""
        row["expect"] = [f"{e.team}: {e.action}" + (f" (task {e.task})" if e.task else "") for e in inj.expect]
    return row


def _room_view(ses: Session, *, full: bool) -> dict[str, Any]:
    ex = ses.loaded.exercise
    current = ses.current_inject()
    seen = ses.sim.observe()  # one snapshot for the map and the numbers
    state = map_state(seen, ses.sim.recorder.events)
    players = [t for t in ex.teams if t.role == "player"]
    by_team = {t.id: [r for r in _decision_rows(ses, t.id)] for t in players}
    return {**_common(ses), "current": _inject_row(current, full=full) if current else None,
            "map": venue_svg(ses.loaded.scenario, state), "legend": legend(state, _names(ses)) + _left_off(ses),
            "map_keys": legend_keys(), "numbers": _numbers(ses, seen),
            "teams": [{"id": t.id, "name": t.name, "rows": by_team[t.id], "decides": bool(t.may)} for t in players]}


def _left_off(ses: Session) -> list[str]:
    n = left_off(ses.loaded.scenario)
    return [f"{n} label{'s' if n != 1 else ''} left off where {'they' if n != 1 else 'it'} would cover another mark "
            "(point at a circle or an exit to read it)"] if n else []


def facilitator_view(ses: Session) -> dict[str, Any]:
    """The controller view: the projector's content plus controller notes, expected actions and the MSEL."""
    return {**_room_view(ses, full=True), "msel": [_inject_row(s, full=True) for s in ses.injects],
            "pending": [s.inject.id for s in ses.injects if s.status == "pending"]}


def projector_view(ses: Session) -> dict[str, Any]:
    """What the room sees: clock, module and its questions, the released inject, map, numbers, decisions.

    Built without anything controller-only (notes, expected actions, the MSEL, injects not yet
    released), so a template cannot show it by mistake.
    """
    return _room_view(ses, full=False)


def team_view(ses: Session, team_id: str, answering: str | None) -> dict[str, Any]:
    """A team's page: its injects (latest first), its situation report, its decisions."""
    team = ses.loaded.exercise.team(team_id)
    mine = [s for s in ses.injects if s.released_s is not None and team_id in s.inject.to]
    mine.sort(key=lambda s: (s.released_s, ses.injects.index(s)), reverse=True)
    notes = [n for n in ses.notes if n.get("team") == team_id]
    return {**_common(ses), "team": {"id": team.id, "name": team.name, "may": list(team.may)},
            "injects": [_inject_row(s, full=False) for s in mine], "answering": answering,
            "sitrep": _sitrep(ses, team_id), "rows": _decision_rows(ses, team_id),
            "notes": [{"t": _t(n["t_s"]), "phase": n["phase"].replace("_", " "), "text": n["text"]} for n in notes],
            "hotwash": _hotwash(ses, team_id),
            "can_decide": ses.phase == "conduct" and not ses.paused and bool(team.may)}


def _standard_status(row: dict[str, Any]) -> str:
    if row["status"] in ("skipped", "cancelled"):
        return row["status"]
    if row["released_s"] is None:
        return "not released"
    if row["decision"] is None:
        return "not taken" + (f" ({row['reason']})" if row.get("reason") else "")
    partial = f", partial: {row['reason']}" if row.get("match") == "partial" else ""
    if row["standard_s"] is None:
        return "taken (no standard" + partial + ")"
    timing = "within standard" if row["after_s"] <= row["standard_s"] else "later than standard"
    return timing + (f" ({partial[2:]})" if partial else "")


def _hotwash(ses: Session, team: str | None) -> list[dict[str, Any]]:
    """Hot-wash self-assessments (``hotwash`` entries of :mod:`facilitator.evaluation.hotwash`), of ``team`` or all."""
    state = hotwash_state(ses)
    return [{"team": t, "strengths": list(h.strengths), "improvements": list(h.improvements)}
            for t, h in sorted(state.teams.items()) if team is None or t == team]


def _proposals(ses: Session) -> list[dict[str, Any]]:
    """Rating proposals (:mod:`facilitator.evaluation.ratings`) with the evaluator's decision so far."""
    decided = evaluation_state(ses).ratings
    out = []
    for p in propose_all(ses.loaded.exercise, score_session(ses)):
        d = decided.get(p.capability, {})
        out.append({"capability": p.capability, "proposed": p.rating or "–", "why": p.reason,
                    "decided": d.get("rating") or "–", "reason": d.get("reason") or ""})
    return out


def evaluator_view(ses: Session) -> dict[str, Any]:
    """Expected actions against time standards, observation notes, rating proposals when scoring exists."""
    rows = []
    for r in ses.expected_actions():
        rows.append({"inject": r["inject"], "team": r["team"], "action": r["action"], "task": r["task"] or "–",
                     "standard": _t(r["standard_s"]), "released": _t(r["released_s"]), "decision": r["decision"] or "–",
                     "after": _t(r["after_s"]), "status": _standard_status(r)})
    notes = [{"t": _t(n["t_s"]), "phase": n["phase"].replace("_", " "), "who": n.get("team") or "facilitator",
              "inject": n.get("inject") or "–", "text": n["text"]} for n in ses.notes]
    released = [s.inject.id for s in ses.injects if s.released_s is not None]
    # The ground-truth report and the tiles count the same snapshot (nothing runs between the two).
    return {**_common(ses), "expected": rows, "notes": notes, "released": released, "hotwash": _hotwash(ses, None),
            "proposals": _proposals(ses),
            "sitrep": _sitrep(ses, None), "numbers": _numbers(ses, ses.sim.observe())}
