"""Browser sessions kept on the server: the cookie holds only an opaque random id.

Flask's default session is a signed cookie: readable by anyone who holds it (the role and the CSRF
token travel in clear base64), valid as long as the signing key lives, and not revocable. Here the
cookie ``simsoft_console`` carries 256 random bits and nothing else; what the id stands for (the
role joined, the CSRF token, a pending message) lives in a table in this process's memory. So:

* the cookie name and value disclose nothing about the key, the role or the session;
* ``/leave`` deletes the entry (the old cookie is worthless at once, even if copied);
* a restarted server starts with an empty table: every browser joins again with its code;
* an entry expires :data:`SESSION_TTL_S` after it was created (the cookie's ``Max-Age`` says the
  same), and the facilitator can revoke every browser of a role (when its code is replaced).

The table is bounded (:data:`MAX_SESSIONS`): when full, the oldest entries that never joined (a
visitor who only fetched the join page) go first, so a flood of page loads cannot evict players.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

__all__ = ["COOKIE_NAME", "MAX_SESSIONS", "SESSION_TTL_S", "ServerSession", "SessionTable"]

COOKIE_NAME = "simsoft_console"
"""The cookie's name: fixed and neutral (the old name carried 32 bits of the signing key)."""
SESSION_TTL_S = 12 * 3600.0
"""How long a browser stays signed in after joining, in seconds (a long exercise day)."""
MAX_SESSIONS = 5000
"""Entries kept at most; a room has tens of browsers."""


class ServerSession(CallbackDict, SessionMixin):  # type: ignore[misc,type-arg]
    """The data of one browser, keyed by ``sid`` in the :class:`SessionTable`."""

    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None, *, created: float = 0.0) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.sid = sid
        self.created = created
        self.modified = False
        self.renew = False
        """Set by :meth:`new_id`: the next response issues a fresh id and drops the old one."""

    def new_id(self) -> None:
        """Issue a fresh id at the end of this request (on join: no session fixation)."""
        self.renew = True
        self.modified = True


class SessionTable(SessionInterface):
    """A Flask session interface over an in-memory table ``sid -> (created, data)``."""

    def __init__(self, *, ttl_s: float = SESSION_TTL_S, clock: Callable[[], float] = time.monotonic,
                 limit: int = MAX_SESSIONS) -> None:
        self.ttl_s = float(ttl_s)
        self.clock = clock
        self.limit = limit
        self._rows: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    # -- table --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    def revoke(self, sid: str) -> None:
        """Forget one browser."""
        with self._lock:
            self._rows.pop(sid, None)

    def revoke_role(self, role_key: str) -> int:
        """Forget every browser joined as ``role_key`` (``team:venue``); returns how many."""
        with self._lock:
            gone = [sid for sid, (_, data) in self._rows.items() if data.get("role") == role_key]
            for sid in gone:
                del self._rows[sid]
        return len(gone)

    def _get(self, sid: str) -> tuple[float, dict[str, Any]] | None:
        with self._lock:
            row = self._rows.get(sid)
            if row is not None and self.clock() - row[0] > self.ttl_s:
                del self._rows[sid]
                return None
            return row

    def _put(self, sid: str, created: float, data: dict[str, Any]) -> None:
        with self._lock:
            if sid not in self._rows and len(self._rows) >= self.limit:
                self._make_room()
            self._rows[sid] = (created, data)

    def _make_room(self) -> None:
        now = self.clock()
        for sid in [s for s, (c, _) in self._rows.items() if now - c > self.ttl_s]:
            del self._rows[sid]
        if len(self._rows) < self.limit:
            return
        # Oldest visitors who never joined first, then the oldest of all: a quarter of the table.
        order = sorted(self._rows, key=lambda s: ("role" in self._rows[s][1], self._rows[s][0]))
        for sid in order[: max(1, self.limit // 4)]:
            del self._rows[sid]

    # -- Flask ----------------------------------------------------------------------------------
    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(COOKIE_NAME, "")
        row = self._get(sid) if sid else None
        if row is None:
            return ServerSession(sid=None, created=self.clock())
        return ServerSession(dict(row[1]), sid=sid, created=row[0])

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        opts = {"path": "/", "httponly": True, "samesite": "Strict", "secure": False}
        if session.renew and session.sid is not None:
            self.revoke(session.sid)
            session.sid = None
        if not session:
            if session.sid is not None:  # cleared (``/leave``): revoked on the server, cookie removed
                self.revoke(session.sid)
                response.delete_cookie(COOKIE_NAME, **opts)  # type: ignore[arg-type]
            return
        if not session.modified:
            return
        if session.sid is None:
            session.sid = secrets.token_urlsafe(32)
            session.created = self.clock()
        self._put(session.sid, session.created, dict(session))
        left = max(1, round(self.ttl_s - (self.clock() - session.created)))
        response.set_cookie(COOKIE_NAME, session.sid, max_age=left, **opts)  # type: ignore[arg-type]
