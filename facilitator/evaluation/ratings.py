"""HSEEP ratings: a proposed P / S / M / U per core capability, then the evaluator's decision.

The proposal is mechanical, so evaluators can see exactly why it says what it says; the HSEEP
rating stays a judgement (HSEEP 2020, ch. 5; the EEG rating definitions): the evaluator confirms
the proposal or overrides it with a reason, and both are journaled (entry kind ``rating``).

**Proposal rules** (T = timeliness share of the capability, points / possible, from
:mod:`facilitator.evaluation.scoring`; *worse than doctrine* = one of the capability's outcome indicators is
higher for your decisions than for the doctrine run, the paired 95 % interval excludes zero and the
mean difference exceeds 10 % of the doctrine mean):

1. no scored expected action for the capability → **no proposal**: the evaluator rates from
   observation and must give a reason;
2. T < 0.5 (including every expected action missing) → **U** (the critical tasks were not achieved);
3. T = 1 → **P**; T ≥ 0.75 with no expected action missing or too late → **S**; otherwise → **M**;
4. worse than doctrine on any outcome indicator → one level down, never below **M** (outcomes alone
   do not show that a task was not performed).

Outcome indicators per capability are in :data:`OUTCOME_INDICATORS` (all are lower-is-better).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from facilitator.evaluation.scoring import RollUp
from facilitator.exercise.schema import RATINGS

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.evaluation.outcomes import Outcomes

__all__ = ["OUTCOME_INDICATORS", "DEFAULT_INDICATORS", "WORSE_SHARE", "Proposal", "propose", "propose_all",
           "worse_than_doctrine"]

OUTCOME_INDICATORS: dict[str, tuple[str, ...]] = {
    "Public Information and Warning": ("incident.exposed_person_min", "egress.t95_s"),
    "Access Control and Identity Verification": ("incident.exposed_person_min",),
    "Physical Protective Measures": ("incident.exposed_person_min",),
    "Interdiction and Disruption": ("incident.exposed_person_min",),
    "On-scene Security, Protection, and Law Enforcement": ("incident.exposed_person_min", "medical.deaths"),
    "Operational Coordination": ("medical.deaths", "recovery.t_everyone_accounted_s"),
    "Operational Communications": ("incident.exposed_person_min",),
    "Situational Assessment": ("medical.deaths",),
    "Critical Transportation": ("egress.t95_s",),
    "Public Health, Healthcare, and Emergency Medical Services": ("medical.preventable_deaths",
                                                                   "medical.t_last_immediate_at_hospital_s"),
    "Mass Search and Rescue Operations": ("medical.preventable_deaths",),
    "Fatality Management Services": ("recovery.t_everyone_accounted_s",),
    "Mass Care Services": ("recovery.t_everyone_accounted_s", "recovery.reunification.mean_wait_s"),
}
"""Which outcome metrics speak for which core capability.

Mass Care is judged on the families' mean reunification wait, not on reunification *complete*: the time
of completion waits on the last families to arrive and on remote cases, which the teams' decisions do
not move (see :data:`facilitator.evaluation.outcomes.METRICS`), so a team would be called worse for
noise it cannot change."""

DEFAULT_INDICATORS = ("medical.deaths", "medical.preventable_deaths")
"""Indicators of a capability not in :data:`OUTCOME_INDICATORS`."""

WORSE_SHARE = 0.10
"""A difference smaller than this share of the doctrine mean is not called worse."""

_DOWN = {"P": "S", "S": "M", "M": "M", "U": "U"}


@dataclass(frozen=True)
class Proposal:
    """A proposed rating (``None``: rate from observation), the rule that gave it and the indicators."""

    capability: str
    rating: str | None
    reason: str
    timeliness: dict[str, Any] | None = None
    worse: list[str] = field(default_factory=list)
    """Outcome indicators worse than doctrine."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the journal body's ``proposed`` part)."""
        return asdict(self)


def worse_than_doctrine(difference: Mapping[str, Any], doctrine_mean: float | None) -> bool:
    """Whether a paired difference (your decisions − doctrine, :meth:`Difference.to_dict`) counts as worse."""
    lo, mean = difference.get("ci_low"), difference.get("mean")
    if lo is None or mean is None or not difference.get("n") or difference["n"] < 2:
        return False
    if not (lo > 0):
        return False
    base = abs(doctrine_mean) if doctrine_mean is not None and math.isfinite(doctrine_mean) else 0.0
    return bool(mean > WORSE_SHARE * base)


def propose(capability: str, roll: RollUp | None, *, worse: Sequence[str] = ()) -> Proposal:
    """Apply the proposal rules to one capability's timeliness roll-up and its worse-than-doctrine indicators.

    >>> from facilitator.evaluation.scoring import RollUp
    >>> propose("Mass Care Services", RollUp("Mass Care Services", "", 3, 4, 1, 1, 0)).rating
    'S'
    >>> propose("Mass Care Services", RollUp("Mass Care Services", "", 3, 4, 1, 1, 0), worse=["egress.t95_s"]).rating
    'M'
    """
    timeliness = roll.to_dict() if roll is not None else None
    if roll is None or not roll.possible:
        return Proposal(capability, None, "no expected action with this capability was scored: rate from observation",
                        timeliness, list(worse))
    share = roll.points / roll.possible
    pts = f"timeliness {roll.points}/{roll.possible}"
    if share < 0.5:
        return Proposal(capability, "U", f"{pts} (< 50 %): the critical tasks were not achieved in time",
                        timeliness, list(worse))
    if share == 1:
        rating, why = "P", f"{pts}: every expected action on time"
    elif share >= 0.75 and roll.missing == 0:
        rating, why = "S", f"{pts} (≥ 75 %, none missing): some actions late"
    else:
        rating, why = "M", f"{pts}: {roll.missing} missing or too late, {roll.late} late"
    if worse:
        down = _DOWN[rating]
        if down != rating:
            why += f"; worse than doctrine on {', '.join(worse)}: {rating} → {down}"
        else:
            why += f"; also worse than doctrine on {', '.join(worse)}"
        rating = down
    return Proposal(capability, rating, why, timeliness, list(worse))


def indicators_worse(capability: str, outcomes: "Outcomes | None") -> list[str]:
    """The capability's outcome indicators on which your decisions did worse than doctrine."""
    if outcomes is None:
        return []
    out = []
    # regional outcomes name their own indicators (facilitator.evaluation.regional_outcomes)
    own = getattr(outcomes, "indicators", None)
    for metric in own(capability) if own is not None else OUTCOME_INDICATORS.get(capability, DEFAULT_INDICATORS):
        diff = outcomes.difference("team", "doctrine", metric)
        if worse_than_doctrine(diff, outcomes.stats("doctrine", metric).get("mean")):
            out.append(metric)
    return out


def capabilities(exercise: Any) -> list[str]:
    """The exercise's core capabilities, in objective order, once each."""
    out: list[str] = []
    for o in exercise.objectives:
        if o.capability not in out:
            out.append(o.capability)
    return out


def propose_all(exercise: Any, scorecard: Any, outcomes: "Outcomes | None" = None) -> list[Proposal]:
    """A proposal for every core capability of ``exercise``."""
    return [propose(c, scorecard.capability(c), worse=indicators_worse(c, outcomes)) for c in capabilities(exercise)]


def check_rating(value: Any) -> str:
    """``value`` as a rating letter, or ``ValueError`` naming the scale."""
    text = str(value).strip().upper() if value is not None else ""
    if text not in RATINGS:
        raise ValueError(f"{value!r} is not a rating ({', '.join(RATINGS)})")
    return text
