"""Tie a hot-wash or evaluation file to the session it was written for.

A file written for one session and recorded on another gives an AAR that contradicts itself (a
strength the team never showed, an override that describes other timings). A file may name what it
belongs to; every name it gives must match the session, or nothing is recorded:

- ``exercise``: the exercise file's name (``community-hall.yaml``) or the exercise's name;
- ``decisions``: the decision set a scripted session played (``community-hall-late-decisions.yaml``);
- ``session``: the session folder's name (its UTC time, ``20261204T101500Z``).

A file that names none of them is recorded with a warning.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["check_binding"]


def _base(path: str | None) -> str | None:
    return os.path.basename(path) if path else None


def check_binding(session: "Session", data: Any, *, bad: Callable[[tuple[Any, ...], str, Any], None],
                  warn: Callable[[str], None], what: str) -> None:
    """Report through ``bad`` each name in ``data`` (``exercise``, ``decisions``, ``session``) that the session contradicts."""
    exercise, decisions, session_name = (getattr(data, k, None) for k in ("exercise", "decisions", "session"))
    if exercise is None and decisions is None and session_name is None:
        warn(f"the {what} file does not say which exercise, decision set or session it was written for; "
             f"check it belongs to {session.folder.name if session.folder else 'this session'}")
        return
    loaded = session.loaded
    if exercise is not None and exercise not in (_base(loaded.file), loaded.name, loaded.exercise.exercise.name):
        bad(("exercise",), f"names another exercise; this session plays {_base(loaded.file)} ({loaded.exercise.exercise.name})",
            exercise)
    if decisions is not None:
        played = _base(session.start_body.get("decisions_file"))
        if played is None:
            bad(("decisions",), "names a decision set, but this session was played live (no decision set)", decisions)
        elif decisions != played:
            bad(("decisions",), f"names another decision set; this session played {played}", decisions)
    if session_name is not None and session.folder is not None and session_name != session.folder.name:
        bad(("session",), f"names another session; this one is {session.folder.name}", session_name)
