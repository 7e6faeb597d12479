"""What the engine does on its own, and what it leaves to the people deciding (an exercise's teams).

A scenario run on its own models a venue and services that follow their plans: the venue's
protective-action plan (``alerting.plan``) fires on its milestones and police containment sets the
hot, warm and cold cordons. In an exercise those are the teams' decisions: the exercise sets these
switches to ``false`` ("teams decide"), so that the teams' orders are the only plan and the
no-action comparison really is no action. What occupants do on their own (fleeing or hiding when
they perceive the incident) is human behaviour, not a plan, and is never switched off; when it
overrides an order the run records an ``override.order`` event with the reason.
"""

from __future__ import annotations

from simsoft.schema.common import Strict

__all__ = ["Automatic"]


class Automatic(Strict):
    """Switches for the engine's own plans: ``true`` the engine applies them, ``false`` teams decide."""

    venue_plan: bool = True
    """The venue's protective-action plan (``alerting.plan``) applies itself on its milestones. ``false``: only
    actions (scripted or a team's) move, shelter or lock down people; occupants who perceive the incident still
    flee, and people next door no longer hide by a plan they were never given."""
    police_cordon: bool = True
    """Containment sets the cordon itself (hot: the affected zones, warm: next to them, cold: the rest). ``false``:
    only ``cordon`` actions set it. A zone a team or the script has already cordoned is never re-levelled by
    containment in either case (``override.cordon`` records it when containment must: harm in a zone marked
    warm or cold)."""
