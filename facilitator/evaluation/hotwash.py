"""The hot wash: each team's self-assessment and the participant feedback forms, journaled.

Right after play, the facilitator asks each team what went well and what must improve (HSEEP
hot wash), and participants fill in a feedback form (CISA CTEP Participant Feedback Form: self-
ratings 1-5, top strengths and gaps, recommendations, design comments). Both are captured from a
file (:class:`facilitator.exercise.schema.Hotwash`) or the console and written as ``hotwash`` and
``feedback`` journal entries; a session still in conduct moves to hot wash first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simsoft.errors import Problem
from simsoft.loader import format_path

from facilitator.evaluation.binding import check_binding
from facilitator.exercise.decisions import ExerciseError
from facilitator.exercise.schema import Feedback, Hotwash, TeamHotwash

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["HotwashState", "read_hotwash", "check_hotwash", "record_hotwash", "hotwash_state", "FEEDBACK_ITEMS"]

FEEDBACK_ITEMS = {
    "objectives_met": "The exercise met its objectives",
    "realism": "The scenario was realistic",
    "roles_clear": "My role and responsibilities were clear",
    "better_prepared": "I am better prepared to respond to a real incident",
}
"""Suggested feedback-form self-rating items (1 = strongly disagree .. 5 = strongly agree); others are allowed."""


def read_hotwash(path: str | os.PathLike[str]) -> tuple[Hotwash, Any]:
    """Read a hot wash file."""
    from facilitator.evaluation.evaluator import read_model

    return read_model(path, Hotwash)


def check_hotwash(session: "Session", hotwash: Hotwash, *, doc: Any = None,
                  warnings: list[str] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The journal entries ``hotwash`` would write; raise :class:`ExerciseError` if a team is unknown or the
    file names another exercise, decision set or session (:mod:`facilitator.evaluation.binding`)."""
    problems: list[Problem] = []
    teams = [t.id for t in session.loaded.exercise.teams]

    def problem(path: tuple[Any, ...], rule: str, value: Any) -> None:
        file, line = doc.sources.locate(path) if doc is not None else (None, None)
        problems.append(Problem(file=file, line=line, path=format_path(path), rule=rule, value=value, has_value=True))

    def bad(path: tuple[Any, ...], value: Any) -> None:
        problem(path, f"is not a team of this exercise ({', '.join(teams)})", value)

    check_binding(session, hotwash, bad=problem, warn=(warnings if warnings is not None else []).append, what="hot wash")

    out: list[tuple[str, dict[str, Any]]] = []
    for i, t in enumerate(hotwash.teams):
        if t.team not in teams:
            bad(("teams", i, "team"), t.team)
            continue
        out.append(("hotwash", t.model_dump(mode="json")))
    for i, f in enumerate(hotwash.feedback):
        if f.team is not None and f.team not in teams:
            bad(("feedback", i, "team"), f.team)
            continue
        out.append(("feedback", f.model_dump(mode="json")))
    if problems:
        raise ExerciseError(problems)
    return out


def record_hotwash(session: "Session", entries: list[tuple[str, dict[str, Any]]]) -> int:
    """Journal checked hot wash entries; a session in conduct moves to hot wash first."""
    if session.phase in ("briefing", "conduct"):
        session.advance_phase("hot_wash")
    for kind, body in entries:
        session.record_after_play(kind, body)
    return len(entries)


@dataclass
class HotwashState:
    """Self-assessments per team (several entries of a team are merged) and the feedback forms."""

    teams: dict[str, TeamHotwash] = field(default_factory=dict)
    feedback: list[Feedback] = field(default_factory=list)

    def ratings_mean(self) -> dict[str, tuple[float, int]]:
        """Mean self-rating and count per feedback item."""
        acc: dict[str, list[int]] = {}
        for f in self.feedback:
            for k, v in f.ratings.items():
                acc.setdefault(k, []).append(v)
        return {k: (sum(v) / len(v), len(v)) for k, v in sorted(acc.items())}


def hotwash_state(session: "Session") -> HotwashState:
    """Collect the session's hot wash and feedback entries."""
    st = HotwashState()
    for kind, body in session.after_play:
        if kind == "hotwash":
            old = st.teams.get(body["team"])
            if old is not None:
                body = {"team": body["team"], "strengths": old.strengths + body["strengths"],
                        "improvements": old.improvements + body["improvements"]}
            st.teams[body["team"]] = TeamHotwash(**body)
        elif kind == "feedback":
            st.feedback.append(Feedback(**body))
    return st
