"""The evaluator's record: rating decisions, findings per objective and the Improvement Plan, journaled.

An evaluation file (YAML, :class:`facilitator.exercise.schema.Evaluation`) is read, validated against the
exercise and the proposals *as a whole* before anything is written: one bad entry (an unknown
capability, a rating outside P/S/M/U, an override without a reason) and nothing is journaled. Then
each item becomes one journal entry: ``rating`` (the proposal and the evaluator's decision, both
kept), ``finding`` and ``improvement``. Later entries for the same capability supersede earlier ones;
the journal keeps them all.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from simsoft.errors import Problem
from simsoft.loader import format_path, known_keys, problems_from_validation, read_yaml

from facilitator.evaluation.binding import check_binding
from facilitator.evaluation.ratings import Proposal, capabilities, check_rating
from facilitator.evaluation.scoring import score_session
from facilitator.exercise.decisions import ExerciseError
from facilitator.exercise.schema import (CORE_CAPABILITIES, RATINGS, Evaluation, Finding, ImprovementItem, RatingInput,
                                         relative_days)

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["EvaluationState", "read_model", "read_evaluation", "check_evaluation", "record_evaluation",
           "evaluation_state", "exercise_date"]

_ON_TIME = re.compile(r"\b(on time|in time|promptly|without delay)\b", re.IGNORECASE)


def exercise_date(session: "Session") -> _dt.date | None:
    """The date the session was started (UTC), from its start record or its ``session.yaml``."""
    created = str(session.start_body.get("created_utc") or "")
    if not created and session.folder is not None and (session.folder / "session.yaml").is_file():
        import yaml

        data = yaml.safe_load((session.folder / "session.yaml").read_text(encoding="utf-8")) or {}
        created = str(data.get("created_utc") or "") if isinstance(data, dict) else ""
    try:
        return _dt.date.fromisoformat(created[:10]) if created else None
    except ValueError:
        return None


def _resolve(value: Any, base: _dt.date | None) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    if base is None:
        return None
    return base + _dt.timedelta(days=relative_days(str(value)))


def read_model(path: str | os.PathLike[str], model: type[BaseModel]) -> tuple[Any, Any]:
    """Read the YAML file at ``path`` as ``model``; raise :class:`ExerciseError` naming file, line and field."""
    doc = read_yaml(path)
    try:
        return model.model_validate(doc.data if doc.data is not None else {}), doc
    except ValidationError as exc:
        raise ExerciseError(problems_from_validation(exc, doc.data, doc.sources, keys=known_keys(model))) from None


def read_evaluation(path: str | os.PathLike[str]) -> tuple[Evaluation, Any]:
    """Read an evaluation file (ratings, findings, improvement plan)."""
    return read_model(path, Evaluation)


def check_evaluation(session: "Session", evaluation: Evaluation, proposals: list[Proposal], *,
                     doc: Any = None, warnings: list[str] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Every journal entry ``evaluation`` would write, as ``(kind, body)``; raise if anything is wrong.

    Raises :class:`ExerciseError` listing every problem, each on one line with file, line and field.
    Problems: names that tie the file to another session (:mod:`facilitator.evaluation.binding`),
    unknown capabilities and objectives, overrides without reasons, Improvement Plan dates before the
    exercise. ``warnings`` (when given) collects what is recorded but deserves a look: a file tied to
    no session, an override reason that says "on time" where the record shows late or missing actions.
    """
    problems: list[Problem] = []
    notes = warnings if warnings is not None else []

    def bad(path: tuple[Any, ...], rule: str, value: Any = None, has_value: bool = False) -> None:
        file, line = doc.sources.locate(path) if doc is not None else (None, None)
        problems.append(Problem(file=file, line=line, path=format_path(path), rule=rule, value=value, has_value=has_value))

    check_binding(session, evaluation, bad=lambda path, rule, value: bad(path, rule, value, True),
                  warn=notes.append, what="evaluation")
    rolls = {c.key: c for c in score_session(session).capabilities}

    ex = session.loaded.exercise
    caps = capabilities(ex)
    by_cap = {p.capability: p for p in proposals}
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for i, r in enumerate(evaluation.ratings):
        p = ("ratings", i)
        if r.capability not in caps:
            bad(p + ("capability",), f"is not a capability of this exercise ({'; '.join(caps)})", r.capability, True)
            continue
        if r.capability in seen:
            bad(p + ("capability",), "is rated twice in this file", r.capability, True)
            continue
        seen.add(r.capability)
        proposal = by_cap[r.capability]
        rating = proposal.rating
        if r.rating is not None:
            try:
                rating = check_rating(r.rating)
            except ValueError:
                bad(p + ("rating",), f"is not a rating ({', '.join(RATINGS)})", r.rating, True)
                continue
        if rating is None:
            bad(p, f"{r.capability!r} has no proposed rating ({proposal.reason}); give a rating and a reason")
            continue
        reason = (r.reason or "").strip()
        if rating != proposal.rating and not reason:
            what = f"overrides the proposed {proposal.rating}" if proposal.rating else "has no proposal to confirm"
            bad(p + ("reason",), f"rating {rating} for {r.capability!r} {what}: give a reason")
            continue
        roll = rolls.get(r.capability)
        said = _ON_TIME.search(reason) if reason and roll is not None and (roll.late or roll.missing) else None
        if said is not None and roll is not None:
            notes.append(f"ratings[{i}] ({r.capability}): the reason says '{said.group(0)}', "
                         f"but the timeliness record shows {roll.late} late and {roll.missing} missing or too late "
                         f"of {roll.possible // 2} expected actions")
        out.append(("rating", {"capability": r.capability, "proposed": proposal.to_dict(), "rating": rating,
                               "confirmed": rating == proposal.rating, "reason": reason or None,
                               "evaluator": evaluation.evaluator}))
    objectives = [o.id for o in ex.objectives]
    for i, f in enumerate(evaluation.findings):
        if f.objective not in objectives:
            bad(("findings", i, "objective"), f"is not an objective of this exercise ({', '.join(objectives)})",
                f.objective, True)
            continue
        out.append(("finding", {**f.model_dump(mode="json"), "evaluator": evaluation.evaluator}))
    for i, item in enumerate(evaluation.improvement_plan):
        if item.capability not in CORE_CAPABILITIES:
            bad(("improvement_plan", i, "capability"), "is not a core capability of the National Preparedness Goal",
                item.capability, True)
            continue
        if item.variant is not None and item.variant not in _variants(session):
            known = ", ".join(sorted(_variants(session))) or "none"
            bad(("improvement_plan", i, "variant"), f"is not a variant of the scenario (variants: {known})", item.variant, True)
            continue
        base = exercise_date(session)
        start, completion = _resolve(item.start, base), _resolve(item.completion, base)
        if start is None or completion is None:
            bad(("improvement_plan", i, "start"), "days after the exercise need the session's start date, which is missing")
            continue
        if base is not None and start < base:
            bad(("improvement_plan", i, "start"), f"is before the exercise ({base}); corrective actions start after it",
                str(item.start), True)
            continue
        if completion < start:
            bad(("improvement_plan", i, "completion"), f"is before start ({start})", str(item.completion), True)
            continue
        body = item.model_dump(mode="json")
        body.update(start=start.isoformat(), completion=completion.isoformat())
        out.append(("improvement", body))
    if problems:
        raise ExerciseError(problems)
    return out


def _variants(session: "Session") -> set[str]:
    from simsoft import load_scenario

    return set(load_scenario(session.loaded.scenario_file).variants)


def record_evaluation(session: "Session", entries: list[tuple[str, dict[str, Any]]]) -> int:
    """Journal checked entries (from :func:`check_evaluation`); moves a session in hot wash to evaluation."""
    if session.phase == "hot_wash":
        session.advance_phase("evaluation")
    for kind, body in entries:
        session.record_after_play(kind, body)
    return len(entries)


@dataclass
class EvaluationState:
    """The evaluation as the journal holds it now (latest rating per capability)."""

    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    improvements: list[ImprovementItem] = field(default_factory=list)
    evaluators: list[str] = field(default_factory=list)


def evaluation_state(session: "Session") -> EvaluationState:
    """Collect the session's rating, finding and improvement entries."""
    st = EvaluationState()
    for kind, body in session.after_play:
        if kind == "rating":
            st.ratings[body["capability"]] = body
        elif kind == "finding":
            st.findings.append(Finding(**{k: v for k, v in body.items() if k != "evaluator"}))
        elif kind == "improvement":
            st.improvements.append(ImprovementItem(**body))
        else:
            continue
        who = body.get("evaluator")
        if who and who not in st.evaluators:
            st.evaluators.append(who)
    return st


def rating_input(capability: str, rating: str | None = None, reason: str | None = None) -> RatingInput:
    """A single rating decision (for the console prompts)."""
    return RatingInput(capability=capability, rating=rating, reason=reason)
