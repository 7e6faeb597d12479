"""The inject clock's parts: where each inject of the MSEL stands, and when a state trigger fires.

A state-triggered inject (``when:``) fires on the world as a snapshot shows it, in whole people
(a zone over a count, fewer than N people inside) or on the records (the first event of a kind, casualties over
N); the session checks its pending triggers each time the engine stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simsoft import Observation
from simsoft.observation import Counts, count_people
from simsoft.records import Event

from facilitator.exercise.schema import CasualtiesAbove, FirstEvent, Inject, InsideBelow, ZoneAbove

__all__ = ["InjectState", "fires"]


@dataclass
class InjectState:
    """Where an inject stands: pending, released, skipped or cancelled (a contingency no longer needed)."""

    inject: Inject
    status: str = "pending"
    released_s: float | None = None
    reason: str | None = None
    text: str | None = None
    counts: Counts | None = None
    """The counts its text was rendered from (ground truth at its release): the team knows them from then on."""


def fires(trigger: Any, seen: Observation, events: Sequence[Event]) -> bool:
    """Whether ``trigger`` (a ``when:`` condition) holds in snapshot ``seen`` with records ``events``.

    Counts are whole people (:func:`simsoft.observation.count_people`), as the inject's text will
    quote them: an inject fired by "fewer than 10 inside" never says 10.
    """
    if isinstance(trigger, FirstEvent):
        return any((e.kind == trigger.event or e.kind.startswith(trigger.event + "."))
                   and (trigger.subject is None or e.subject == trigger.subject) for e in events)
    if isinstance(trigger, ZoneAbove):
        return count_people(seen).zones.get(trigger.zone, 0) > trigger.above
    if isinstance(trigger, InsideBelow):
        return count_people(seen).inside < trigger.inside_below
    if isinstance(trigger, CasualtiesAbove):
        return seen.casualties > trigger.casualties_above
    return False
