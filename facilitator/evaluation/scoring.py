"""Timeliness: each expected action scored 2 / 1 / 0 against its time standard, rolled up.

The rule follows the performance indicators of the Swedish ETS/Emergo Train System, where each
indicator has a time standard and scores 2 / 1 / 0 (Rådestad et al. 2012, *Prehosp Disaster Med*
27(6); Gryth et al. 2010), with the HSEEP roll-up objective → core capability → critical task:

* **2, on time**: the expected team took the expected action (its effect time: decision time plus
  any ``after`` delay) no later than the standard after the inject's release;
* **1, late**: later than the standard but within the stated grace after it;
* **0, too late**: after standard + grace; **0, missing**: never taken.

An expected action without a time standard scores 2 if taken at all. The grace is the expectation's
``grace``, else its critical task's, else the exercise's; if none is stated it equals the standard
itself (late up to twice the standard scores 1). Expected actions of injects never released
(skipped by the facilitator, cancelled contingencies, triggers that never fired) are listed as
*not released* and not scored: the team was never asked.

A decision answers an expectation when the same team took the same verb at or after the inject's
release and acts on the same target (:mod:`facilitator.exercise.matching`: the zones, connection,
unit... its doctrine names): the first such decision counts. A decision that covers only some of the
expected zones is a **partial** match: it scores at most 1, with the reason. A decision on another
target does not answer it (closing the front exit is not closing the courtyard gate): the expectation
stays missing and its reason names the decision. The live view of
:meth:`facilitator.conduct.session.Session.expected_actions` uses the same rule.

>>> from facilitator.evaluation.scoring import points_for
>>> points_for(taken_after_s=90.0, standard_s=120.0, grace_s=60.0)
(2, 'on time')
>>> points_for(taken_after_s=150.0, standard_s=120.0, grace_s=60.0)
(1, 'late')
>>> points_for(taken_after_s=None, standard_s=120.0, grace_s=60.0)
(0, 'missing')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from facilitator.exercise.matching import Taken, answer, taken_of
from facilitator.exercise.schema import Exercise

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["Taken", "ActionScore", "RollUp", "Scorecard", "points_for", "score", "score_session"]


@dataclass(frozen=True)
class ActionScore:
    """One expected action, scored."""

    inject: str
    team: str
    action: str
    task: str | None
    objective: str | None
    capability: str | None
    released_s: float | None
    standard_s: float | None
    grace_s: float | None
    decision: str | None
    taken_after_s: float | None
    """Effect time of the answering decision minus the inject's release (s)."""
    points: int | None
    """2, 1, 0, or ``None`` when not scored (inject never released)."""
    status: str
    """``on time``, ``late``, ``too late``, ``missing``, ``taken`` (no standard), ``partial`` or ``not released``."""
    reason: str = ""
    """Why a match is partial, or which decision took the verb on another target (empty otherwise)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class RollUp:
    """Points of a critical task or a core capability over its scored expected actions."""

    key: str
    label: str
    points: int
    possible: int
    on_time: int
    late: int
    missing: int
    """Missing or too late (0 points)."""

    @property
    def share(self) -> float | None:
        """``points / possible`` (``None`` when nothing was scored)."""
        return self.points / self.possible if self.possible else None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with ``share``."""
        return {**asdict(self), "share": self.share}


@dataclass(frozen=True)
class Scorecard:
    """Every expected action scored, and the roll-ups per critical task and per core capability."""

    actions: list[ActionScore]
    tasks: list[RollUp]
    capabilities: list[RollUp]

    def capability(self, name: str) -> RollUp | None:
        """The roll-up of capability ``name`` (``None`` if it has no scored expected action)."""
        return next((c for c in self.capabilities if c.key == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"actions": [a.to_dict() for a in self.actions], "tasks": [t.to_dict() for t in self.tasks],
                "capabilities": [c.to_dict() for c in self.capabilities]}


def points_for(*, taken_after_s: float | None, standard_s: float | None, grace_s: float | None) -> tuple[int, str]:
    """Points and status of one expected action (see the module docstring for the rule).

    >>> points_for(taken_after_s=90.0, standard_s=120.0, grace_s=None)
    (2, 'on time')
    >>> points_for(taken_after_s=200.0, standard_s=120.0, grace_s=None)  # grace defaults to the standard
    (1, 'late')
    >>> points_for(taken_after_s=200.0, standard_s=120.0, grace_s=60.0)
    (0, 'too late')
    >>> points_for(taken_after_s=None, standard_s=120.0, grace_s=None)
    (0, 'missing')
    """
    if taken_after_s is None:
        return 0, "missing"
    if standard_s is None:
        return 2, "taken"
    # A microsecond of slack keeps float noise in ``t + after - released`` from turning on time into late.
    if taken_after_s <= standard_s + 1e-6:
        return 2, "on time"
    if taken_after_s <= standard_s + (standard_s if grace_s is None else grace_s) + 1e-6:
        return 1, "late"
    return 0, "too late"


def _task_index(exercise: Exercise) -> dict[str, tuple[Any, Any]]:
    return {t.id: (o, t) for o in exercise.objectives for t in o.critical_tasks}


def score(exercise: Exercise, *, released: Mapping[str, float | None], taken: Sequence[Taken],
          zones: Sequence[str] = ()) -> Scorecard:
    """Score every expected action of ``exercise``.

    Args:
        exercise: the exercise (its MSEL's ``expect`` lists, tasks and standards).
        released: release time (s) of each inject id; ``None`` or absent when never released.
        taken: the decisions, in the order they were taken.
        zones: every zone id of the venue (what ``zones: all`` covers when matching zones).
    """
    tasks = _task_index(exercise)
    default_grace = exercise.exercise.grace
    rows: list[ActionScore] = []
    for inj in exercise.msel:
        t0 = released.get(inj.id)
        for exp in inj.expect:
            objective, task = tasks.get(exp.task, (None, None)) if exp.task else (None, None)
            standard = exp.within if exp.within is not None else (task.standard if task is not None else None)
            grace = next((g for g in (exp.grace, task.grace if task is not None else None, default_grace) if g is not None),
                         None)
            if standard is not None and grace is None:
                grace = standard
            match, how, reason = None, "none", ""
            if t0 is not None:
                match, how, reason = answer(exp, [d for d in taken if d.team == exp.team and d.action == exp.action
                                                  and d.t_s >= t0], zones=zones)
            after = None if match is None or t0 is None else match.effect_s - t0
            if t0 is None:
                points, status, reason = None, "not released", ""
            else:
                points, status = points_for(taken_after_s=after, standard_s=standard, grace_s=grace)
                if how == "partial" and points:
                    points, status = min(points, 1), ("partial" if status in ("on time", "taken") else status)
            rows.append(ActionScore(inject=inj.id, team=exp.team, action=exp.action, task=exp.task,
                                    objective=objective.id if objective is not None else None,
                                    capability=objective.capability if objective is not None else None,
                                    released_s=t0, standard_s=standard, grace_s=grace,
                                    decision=match.id if match else None, taken_after_s=after, points=points,
                                    status=status, reason=reason))
    task_rolls = [_roll(t.id, t.text, [r for r in rows if r.task == t.id])
                  for o in exercise.objectives for t in o.critical_tasks]
    caps: list[str] = []
    for o in exercise.objectives:
        if o.capability not in caps:
            caps.append(o.capability)
    cap_rolls = [_roll(c, c, [r for r in rows if r.capability == c]) for c in caps]
    return Scorecard(rows, task_rolls, cap_rolls)


def _roll(key: str, label: str, rows: list[ActionScore]) -> RollUp:
    scored = [r for r in rows if r.points is not None]
    return RollUp(key=key, label=label, points=sum(r.points or 0 for r in scored), possible=2 * len(scored),
                  on_time=sum(1 for r in scored if r.points == 2), late=sum(1 for r in scored if r.points == 1),
                  missing=sum(1 for r in scored if r.points == 0))


def taken_from(session: "Session") -> list[Taken]:
    """The session's decisions as :class:`Taken` records."""
    return taken_of(session.decisions)


def score_session(session: "Session") -> Scorecard:
    """Score a (rebuilt or live) session."""
    released = {s.inject.id: s.released_s for s in session.injects}
    return score(session.loaded.exercise, released=released, taken=taken_from(session),
                 zones=[z.id for z in session.loaded.scenario.venue.zones])
