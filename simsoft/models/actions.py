"""How a model owns the actions teams and plans can take: a table from verb to handler.

Each model that acts on decisions publishes an :data:`ActionTable` (``action_table()``); the engine
merges the tables of the models a scenario has, checks an action against the venue, then hands it
to its owner. Adding an action therefore touches the schema (its fields) and the one model that
carries it out. A model class also names the verbs it owns (``ACTIONS``) and what to say when a
scenario lacks the model (``ABSENT``), so that an action for a missing model is refused clearly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ActionHandler", "ActionTable"]


@dataclass(frozen=True)
class ActionHandler:
    """What a model does with one verb."""

    apply: Callable[[Any, list[str], dict[str, Any]], None]
    """Carry out ``(action, zones, values)`` now: ``zones`` is the action's zone selection resolved to
    ids (empty when it has none); ``values`` are the fields of the ``action.<verb>`` record, to which
    the handler adds what it did (``rejected`` with the reason when it could not)."""
    check: Callable[[Any], None] | None = None
    """Raise :class:`simsoft.errors.ActionError` when the action names something this model lacks
    (an unknown unit, hospital or site); called before the action is scheduled."""


ActionTable = Mapping[str, ActionHandler]
"""Verb (the action's ``do``) -> its handler."""
