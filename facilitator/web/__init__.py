"""The web console of a session: a facilitator view for the projector, a page per team, an evaluator page.

``simsoft exercise serve EXERCISE.yaml`` runs it (:mod:`facilitator.web.cli`). It is a second face
of the same :class:`facilitator.Session` and journal, not a second engine: every control, decision
and note is a session step, journaled before the browser hears back.

Flask is imported only when the app is built (attribute access below), so registering the ``serve``
command and ``import facilitator`` stay light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["AccessError", "Role", "Room", "create_app"]

_WHERE = {"create_app": "facilitator.web.app", "AccessError": "facilitator.web.room", "Role": "facilitator.web.room",
          "Room": "facilitator.web.room"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'facilitator.web' has no attribute {name!r}")
