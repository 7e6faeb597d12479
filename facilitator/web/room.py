"""The room: one session shared by every browser, its access codes, and the steps people may take.

Every step goes through :class:`facilitator.Session`, so it is journaled before the browser hears
back: killing the server loses nothing and ``serve --session`` continues from the journal. The
session lives on one worker thread of its own: every read and step is handed to it, so requests
are serialised (the session is not thread-safe, the engine moves during a release) and the
journal's SQLite connection is only ever used by the thread that opened it.

Access codes live in ``web-access.json`` in the session folder (mode 0600), so a restarted server
keeps the codes the room already has; browsers join again (their sessions lived in the old server's
memory, :mod:`facilitator.web.sessions`).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from facilitator.i18n import N_, Translator, translator
from facilitator.i18n.exercise import REASONS
from facilitator.conduct.session import Session, SessionError
from facilitator.conduct.store import write_summary
from facilitator.documents.words import capability as capability_words
from facilitator.evaluation.evaluator import check_evaluation, record_evaluation
from facilitator.evaluation.hotwash import check_hotwash, record_hotwash
from facilitator.evaluation.ratings import propose_all
from facilitator.evaluation.scoring import score_session
from facilitator.exercise.decisions import DecisionError, parse_line
from facilitator.exercise.schema import Evaluation, Hotwash, RatingInput, TeamHotwash

__all__ = ["ACCESS_FILE", "AccessError", "Role", "Room", "new_code"]

ACCESS_FILE = "web-access.json"
"""Access codes of the web console, kept beside the journal."""

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: codes are read off a projector and typed on phones."""

T = TypeVar("T")


_REASONS = REASONS
"""Why an inject was released, as a page says it (the journal keeps the word)."""


class AccessError(Exception):
    """A request the sender may not make (wrong code, another team, missing CSRF token): nothing changes.

    ``message`` is a catalog message (:mod:`facilitator.i18n`) and ``values`` fill its placeholders, so a
    page says it in the reader's language; ``str()`` is the English text.
    """

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message, self.values = message, values

    def said(self, tr: Any) -> str:
        """The refusal in ``tr``'s language (a :class:`facilitator.i18n.Translator`)."""
        return str(tr.gettext(self.message, **self.values))


def new_code() -> str:
    """A fresh join code such as ``K7QM-2PXA`` (40 bits from :mod:`secrets`)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class Role:
    """Who a browser joined as: ``facilitator``, ``evaluator`` or ``team`` (with the team id)."""

    kind: str
    team: str | None = None

    @property
    def key(self) -> str:
        """The access-file key of the role (``facilitator``, ``evaluator``, ``team:venue``)."""
        return f"team:{self.team}" if self.kind == "team" else self.kind

    @classmethod
    def from_key(cls, key: str) -> "Role":
        """The role of an access-file key."""
        kind, _, team = key.partition(":")
        return cls(kind, team or None)


JOIN_ATTEMPTS = 5
"""Wrong join codes accepted from one address within :data:`JOIN_WINDOW_S` before it must wait."""
JOIN_WINDOW_S = 60.0
"""The window of the per-address throttle, in seconds."""
ROOM_ATTEMPTS = 30
"""Wrong join codes accepted from all addresses together within :data:`ROOM_WINDOW_S` before joining pauses."""
ROOM_WINDOW_S = 600.0
"""The window of the room-wide throttle, in seconds: at most 30 guesses per 10 minutes (and per
facilitator *Reopen*) against ~2^40 codes, however many addresses the guesser has."""


class Room:
    """A session on its own thread, with its access codes; the web app calls only this.

    ``open`` builds the session (``start_session`` or ``open_session``); it runs on the session's
    thread, which then does every read and step of it.
    """

    def __init__(self, open: Callable[[], Session]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simsoft-session")
        self.session = self._pool.submit(open).result()
        if self.session.folder is None:
            self.close()
            raise SessionError("the web console needs a session with a folder (start_session or open_session)")
        self.codes = self._access(self.session.folder)
        self._failures: dict[str, deque[float]] = {}
        self._room_failures: deque[tuple[float, str]] = deque()
        self._joined_from: set[str] = set()
        self._failures_lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic
        self._views: dict[str, Any] = {}
        self._views_state: tuple[Any, ...] | None = None
        self._forecasts: list[tuple[int, Any, dict[str, bytes]]] = []
        """What-if forecasts asked in this server's life, ``(number, result, [figure])``, newest last (the
        journal holds every one)."""
        self._forecast_seq = 0
        self._forecast_lock = threading.Lock()

    def call(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` on the session's thread and return its result (or raise its error)."""
        return self._pool.submit(fn, self.session).result()

    def view(self, name: str, build: Callable[[Session], T]) -> T:
        """``build(session)`` on the session's thread, built once per session state and shared.

        Every browser of a role polls once a second and refreshes when the journal grows: the page
        data of one state is the same for all of them, so it is built once. The state is what any view
        reads: the journal's length (every step is an entry), the simulated time and the number of
        records (the engine may run ahead of an entry that could not be written). Callers must not
        change what they get back.
        """
        return self.call(lambda ses: self._cached(ses, name, build))

    def versioned_view(self, name: str, build: Callable[[Session], T]) -> tuple[int, T]:
        """:meth:`view` with the journal version it shows, read together on the session's thread."""
        return self.call(lambda ses: (self.version, self._cached(ses, name, build)))

    def _cached(self, ses: Session, name: str, build: Callable[[Session], T]) -> T:
        state = (self.version, ses.now_s, len(ses.sim.recorder.events), ses.phase, ses.paused)
        if state != self._views_state:
            self._views, self._views_state = {}, state
        if name not in self._views:
            self._views[name] = build(ses)
        return self._views[name]  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the session's thread (the journal is already on disk) and the warm pool of outcome runs."""
        self._pool.shutdown(wait=True)
        from facilitator.evaluation.runs import shutdown

        shutdown()

    # -- access ------------------------------------------------------------------------------
    def _roles(self) -> list[Role]:
        ex = self.session.loaded.exercise
        roles = [Role("facilitator")] + [Role("team", t.id) for t in ex.teams if t.role == "player"]
        return roles + [Role("evaluator")]

    def _access(self, folder: Path) -> dict[str, str]:
        path = folder / ACCESS_FILE
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        codes: dict[str, str] = dict(data.get("codes", {}))
        # An older file also held a cookie-signing key; cookies are now opaque ids kept in memory.
        changed = not path.exists() or "secret_key" in data
        used = set(codes.values())
        for role in self._roles():
            if role.key not in codes:
                code = new_code()
                while code in used:
                    code = new_code()
                codes[role.key], changed = code, True
                used.add(code)
        if changed:
            self._write_access(codes)
        return codes

    def _write_access(self, codes: dict[str, str]) -> None:
        assert self.session.folder is not None
        path = self.session.folder / ACCESS_FILE
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"codes": codes}, fh, indent=2)
        os.replace(tmp, path)

    def join(self, code: str, *, client: str = "") -> Role:
        """The role whose code is ``code``; :class:`AccessError` for a wrong code or while throttled.

        Two limits, both refusing every attempt while they hold (a right code answered differently
        from a wrong one would let guessing go on at full speed):

        * per address: after :data:`JOIN_ATTEMPTS` wrong codes from ``client`` within
          :data:`JOIN_WINDOW_S`, that address waits until the window has passed;
        * room-wide: after :data:`ROOM_ATTEMPTS` wrong codes from all addresses together within
          :data:`ROOM_WINDOW_S`, joining pauses for every address that has not joined before
          (in this server's life) until the window has passed or the facilitator reopens it
          (:meth:`reopen_joining`). Players already in keep playing; a player whose address
          already joined (a phone that lost its cookie) may still rejoin.
        """
        now = self.clock()
        with self._failures_lock:
            self._forget_old(now)
            recent = self._failures.get(client, deque())
            if len(recent) >= JOIN_ATTEMPTS:
                wait = int(JOIN_WINDOW_S - (now - recent[0])) + 1
                raise AccessError(N_("too many wrong codes from this address; wait %(wait)s s and try again"), wait=wait)
            if len(self._room_failures) >= ROOM_ATTEMPTS and client not in self._joined_from:
                wait = int(ROOM_WINDOW_S - (now - self._room_failures[-ROOM_ATTEMPTS][0])) + 1
                raise AccessError(N_("joining is paused: %(n)s wrong codes were tried in the last %(minutes)s min; "
                                     "ask the facilitator to reopen joining, or wait %(wait)s s"),
                                  n=len(self._room_failures), minutes=int(ROOM_WINDOW_S // 60), wait=wait)
        try:
            role = self._match(code)
        except AccessError:
            with self._failures_lock:
                self._failures.setdefault(client, deque()).append(now)
                self._room_failures.append((now, client))
            raise
        with self._failures_lock:
            self._joined_from.add(client)
        return role

    def _forget_old(self, now: float) -> None:
        while self._room_failures and now - self._room_failures[0][0] > ROOM_WINDOW_S:
            self._room_failures.popleft()
        for client in list(self._failures):
            recent = self._failures[client]
            while recent and now - recent[0] > JOIN_WINDOW_S:
                recent.popleft()
            if not recent:
                del self._failures[client]

    def join_alarm(self) -> dict[str, Any] | None:
        """Wrong codes tried in the room-wide window (for the facilitator page), or None if there are none."""
        now = self.clock()
        with self._failures_lock:
            self._forget_old(now)
            if not self._room_failures:
                return None
            return {"wrong": len(self._room_failures), "addresses": len({c for _, c in self._room_failures}),
                    "minutes": int(ROOM_WINDOW_S // 60), "paused": len(self._room_failures) >= ROOM_ATTEMPTS,
                    "limit": ROOM_ATTEMPTS}

    def reopen_joining(self, *, tr: Translator | None = None) -> str:
        """Forget the room-wide count of wrong codes (the per-address limits stay); says so in ``tr``'s language."""
        with self._failures_lock:
            self._room_failures.clear()
        return (tr or translator("en")).gettext("joining reopened: %(n)s more wrong codes from anywhere within %(minutes)s "
                                                "min pause it again", n=ROOM_ATTEMPTS, minutes=int(ROOM_WINDOW_S // 60))

    def new_code_for(self, key: str) -> str:
        """Replace the join code of role ``key`` (``team:venue``, ``evaluator``) and keep it beside the journal.

        The caller revokes the browsers already joined as that role (they join again with the new code).
        """
        if key not in self.codes or key == "facilitator":
            raise SessionError(f"no join code {key!r} to replace (the facilitator's code is replaced by restarting)")
        with self._failures_lock:
            used = set(self.codes.values())
            code = new_code()
            while code in used:
                code = new_code()
            codes = {**self.codes, key: code}
            self._write_access(codes)
            self.codes = codes
        return code

    def _match(self, code: str) -> Role:
        given = _normal(code)
        found = None
        for key, value in dict(self.codes).items():
            # compare_digest on every code: the time taken does not tell which code was close.
            if secrets.compare_digest(_normal(value).encode(), given.encode()):
                found = key
        if found is None or not given:
            raise AccessError(N_("that code is not valid for this session; check it on the facilitator screen"))
        return Role.from_key(found)

    def code_of(self, role: Role) -> str:
        """The join code of ``role``."""
        return self.codes[role.key]

    def code_of_key(self, key: str) -> str:
        """The join code of the role with access-file key ``key`` (``facilitator``, ``team:venue``)."""
        return self.codes[key]

    def team_codes(self) -> list[tuple[str, str, str]]:
        """``(id, name, code)`` of every player team, then the evaluators (shown on the facilitator view)."""
        ex = self.session.loaded.exercise
        out = [(t.id, t.name, self.codes[f"team:{t.id}"]) for t in ex.teams if t.role == "player"]
        return out + [("evaluator", "Evaluators", self.codes["evaluator"])]

    # -- state -------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """Grows with every journaled step: live pages refresh when it changes."""
        journal = self.session.journal
        return journal.seq if journal is not None else 0

    # -- facilitator controls ---------------------------------------------------------------------
    def control(self, command: str, arg: str | None = None, *, tr: Translator | None = None) -> str:
        """Run one facilitator control; returns what happened (in ``tr``'s language), raises
        :class:`SessionError` if it cannot."""
        tr = tr or translator("en")
        t, fmt = tr.gettext, tr.format_duration

        def go(ses: Session) -> str:
            if command == "start":
                ses.advance_phase("conduct")
                return t("conduct started")
            if command == "next":
                s = ses.release_next()
                if s is None:
                    return t("no inject left to come: move to the hot wash when the room is ready")
                return t("%(id)s released at %(t)s (%(reason)s)", id=s.inject.id, t=fmt(s.released_s or 0.0),
                         reason=t(_REASONS.get(s.reason or "", s.reason or "")))
            if command == "now":
                s = ses.release_now(arg or "")
                return t("%(id)s released now at %(t)s", id=s.inject.id, t=fmt(s.released_s or 0.0))
            if command == "skip":
                s = ses.skip(arg or None)
                return t("%(id)s skipped", id=s.inject.id)
            if command == "pause":
                ses.pause()
                return t("paused: nothing is released or decided until you resume")
            if command == "resume":
                ses.resume()
                return t("resumed")
            if command == "end_module":
                return self._end_module(ses, tr)
            if command == "hot_wash":
                ses.advance_phase(command)
                return t("now in hot wash; the engine ran to %(t)s", t=fmt(ses.now_s))
            if command == "evaluation":
                ses.advance_phase(command)
                return t("now in evaluation")
            if command == "close":
                while ses.phase != "closed":
                    ses.advance_phase()
                path = write_summary(ses)
                return t("session closed; log: %(path)s", path=path)
            raise SessionError(f"unknown control {command!r}")

        return self.call(go)

    def _end_module(self, ses: Session, tr: Translator) -> str:
        current = ses.current_inject()
        if current is None:
            raise SessionError("no inject has been released yet, so no module is running")
        module = current.inject.module
        pending = [s.inject.id for s in ses.injects if s.status == "pending" and s.inject.module == module]
        for inject_id in pending:
            if ses.state(inject_id).status == "pending":  # a skip may cancel a contingency on the way
                ses.skip(inject_id)
        shown = ", ".join(pending) if pending else tr.gettext("none was pending")
        return tr.gettext("module %(module)s ended: skipped %(shown)s", module=module, shown=shown)

    # -- teams, evaluators ------------------------------------------------------------------------
    def answering(self, team_id: str) -> str | None:
        """The inject a team's decision answers: the last released one sent to it (else the current one)."""
        ses = self.session
        mine = [s for s in ses.injects if s.released_s is not None and team_id in s.inject.to]
        if mine:
            return max(mine, key=lambda s: (s.released_s, ses.injects.index(s))).inject.id
        current = ses.current_inject()
        return current.inject.id if current else None

    def decide(self, team_id: str, line: str, *, tr: Translator | None = None) -> str:
        """Parse a console line for ``team_id`` and apply it; :class:`DecisionError` if refused."""
        tr = tr or translator("en")

        def go(ses: Session) -> str:
            decision = parse_line(line, team=team_id, inject=self.answering(team_id),
                                  regional=getattr(ses.loaded, "region", None) is not None)
            made = ses.decide(decision)
            return tr.gettext("%(id)s applied at %(t)s: %(line)s", id=made.id,
                              t=tr.format_duration(made.t_s + made.after_s), line=decision.line())

        return self.call(go)

    def note(self, text: str, *, team: str | None, inject: str | None = None, tr: Translator | None = None) -> str:
        """Journal a note; empty text is refused; ``noted`` in ``tr``'s language."""
        text = text.strip()
        if not text:
            raise DecisionError("the note is empty")

        def go(ses: Session) -> str:
            if inject is not None:
                ses.state(inject)  # an unknown inject is refused before anything is written
            ses.note(text, team=team, inject=inject)
            return (tr or translator("en")).gettext("noted")

        return self.call(go)

    def hotwash(self, team_id: str, *, strengths: list[str], improvements: list[str],
                tr: Translator | None = None) -> str:
        """Journal a team's hot-wash self-assessment (a ``hotwash`` entry, :mod:`facilitator.evaluation.hotwash`)."""
        strengths = [t for t in (" ".join(x.split()) for x in strengths) if t]
        improvements = [t for t in (" ".join(x.split()) for x in improvements) if t]
        if not strengths and not improvements:
            raise DecisionError("the self-assessment is empty")

        def go(ses: Session) -> str:
            if ses.phase != "hot_wash":
                raise SessionError(f"the self-assessment opens at the hot wash (the session is in {ses.phase})")
            body = Hotwash(teams=[TeamHotwash(team=team_id, strengths=strengths, improvements=improvements)])
            record_hotwash(ses, check_hotwash(ses, body))
            return (tr or translator("en")).gettext("self-assessment recorded")

        return self.call(go)

    def rate(self, capability: str, rating: str | None, reason: str | None, *, evaluator: str | None,
             tr: Translator | None = None) -> str:
        """Confirm (``rating`` None) or override a rating proposal, checked and journaled by :mod:`facilitator.evaluation.evaluator`;
        what was done in ``tr``'s language."""

        def go(ses: Session) -> str:
            if ses.phase not in ("hot_wash", "evaluation"):
                raise SessionError(f"ratings come after conduct (the session is in {ses.phase})")
            proposals = propose_all(ses.loaded.exercise, score_session(ses))
            body = Evaluation(evaluator=evaluator, ratings=[RatingInput(capability=capability, rating=rating or None,
                                                                        reason=reason or None)])
            record_evaluation(ses, check_evaluation(ses, body, proposals))
            if tr is None or tr.lang == "en":
                return f"{capability}: {'confirmed' if not rating else 'rated ' + rating}"
            said = capability_words(capability, tr)
            return (tr.gettext("%(capability)s: confirmed", capability=said) if not rating else
                    tr.gettext("%(capability)s: rated %(rating)s", capability=said, rating=rating))

        return self.call(go)

    def evaluator_team(self) -> str | None:
        """The exercise's evaluator team id (evaluator notes are journaled under it)."""
        return next((t.id for t in self.session.loaded.exercise.teams if t.role == "evaluator"), None)

    # -- what-if forecasts --------------------------------------------------------------------------
    FORECAST_KEEP = 10
    """Forecasts kept in memory for the pages (figures are drawn on demand from them)."""
    forecast_replications = 100
    """Most replications per arm of a forecast asked from the pages (fewer once the bands are precise enough,
    :mod:`facilitator.evaluation.precision`; tests use fewer)."""

    def forecast(self, team_id: str, line: str, *, by: str, tr: Translator | None = None) -> str:
        """Forecast ``line`` for ``team_id`` now (:mod:`facilitator.evaluation.forecast`) and journal it.

        The decision is checked and the arms built on the session's thread, the replications run off it
        on the warm process pool (other requests go on meanwhile), and the result is journaled back on
        the session's thread; the session itself does not change.
        """
        from facilitator.evaluation import forecast as fc

        line = " ".join(line.split())
        if not line:
            raise DecisionError("write the proposed decision, e.g. 'evacuate zones=all'")
        plan = self.call(lambda ses: fc.prepare(ses, team=team_id, line=line, replications=self.forecast_replications))
        result = fc.run_forecast(plan)
        self.call(lambda ses: fc.record(ses, result, by=by))
        with self._forecast_lock:
            self._forecast_seq += 1
            self._forecasts.append((self._forecast_seq, result, {}))
            del self._forecasts[:-self.FORECAST_KEEP]
        return (tr or translator("en")).gettext(
            "forecast ready: what if %(team)s %(decision)s (%(n)s replications per arm)", team=team_id,
            decision=result.decision, n=result.replications)

    def forecast_view(self, tr: Translator | None = None) -> dict[str, Any] | None:
        """The latest forecast for the facilitator and evaluator pages in ``tr``'s language, or ``None``."""
        from simsoft.units import format_duration

        from facilitator.evaluation import forecast as fc

        with self._forecast_lock:
            if not self._forecasts:
                return None
            n, result, _ = self._forecasts[-1]
        return {"n": n, "team": result.team, "decision": result.decision, "t": format_duration(result.t_s),
                "replications": result.replications, "header": list(fc.table_header(tr)),
                "rows": fc.table_rows(result, tr), "doctrine": result.doctrine}

    def forecast_png(self, n: int, lang: str = "en") -> bytes:
        """Forecast ``n``'s figure as PNG in ``lang`` (the page's), drawn on first request and kept with it per language."""
        from facilitator.evaluation.forecast import figure_png
        from facilitator.i18n.exercise import Local

        with self._forecast_lock:
            found = next((f for f in self._forecasts if f[0] == n), None)
        if found is None:
            raise SessionError(f"no forecast {n} in this server's memory (the journal keeps its numbers)")
        _, result, png = found
        if lang not in png:
            png[lang] = figure_png(result, local=Local(self.session, lang))
        return png[lang]

    def forecast_teams(self) -> list[tuple[str, str]]:
        """``(id, name)`` of the teams a forecast may propose for (player teams with verbs)."""
        return [(t.id, t.name) for t in self.session.loaded.exercise.teams if t.role == "player" and t.may]
