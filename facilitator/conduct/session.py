"""A facilitated session: the exercise loop as a journaled state machine.

Phases run ``briefing → conduct → hot_wash → evaluation → closed``. During conduct the facilitator
releases the next inject (the engine runs to its time, checking state triggers and contingency
deadlines on the way), releases one now, skips one, pauses and resumes; teams decide. Every step is
checked first, then written ahead as one journal entry in one durable transaction, and only then
applied to the session and the simulation and answered: if the journal cannot be written (a full
disk, a read-only folder) the step raises :class:`JournalError`, nothing is applied, and the team is
told it was not accepted. (Running the engine forward to find the next inject is not a step of its
own: it is re-derived by replay from the entries, so a refused release leaves nothing to undo that
the journal would disagree with.) Re-executing the entries on a fresh simulation with the same seed rebuilds
the session exactly: that is how ``resume`` (after a crash), ``replay`` and ``fork`` work, and the
results stored in each entry (which inject, when, its text) are compared on the way so a change of
engine or files cannot pass unnoticed.

The simulated clock and the wall clock are separate: the world is frozen while teams talk, and
pauses never shift exercise time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simsoft import Simulation
from simsoft.observation import count_people
from simsoft.errors import ActionError, SimsoftError
from simsoft.units import format_duration

from facilitator.conduct.injects import InjectState, fires
from facilitator.conduct.journal import Entry, Journal, JournalError
from facilitator.conduct.lines import Line
from facilitator.conduct.sitrep import override_lines, render_lines, situation_report_lines, values_of
from facilitator.exercise.decisions import DecisionError, ScriptedDecision, action_text
from facilitator.exercise.loader import LoadedExercise, check_decision, plan_checker
from facilitator.exercise.matching import answer, taken_of
from facilitator.exercise.templates import render

__all__ = ["PHASES", "AFTER_PLAY", "SessionError", "Decision", "Session", "events_jsonl"]

PHASES = ("briefing", "conduct", "hot_wash", "evaluation", "closed")
"""The session's phases, in order."""

AFTER_PLAY = ("hotwash", "feedback", "rating", "finding", "improvement")
"""Journal kinds written after play (hot wash, evaluation): they touch no engine state."""

FORMAT = "1"
"""Version of the journal's entry bodies."""


class SessionError(SimsoftError):
    """A step the session cannot take now (wrong phase, paused, unknown inject, diverging replay)."""


@dataclass(frozen=True)
class Decision:
    """A decision applied to the engine, stamped with exercise time, team and rationale."""

    id: str
    team: str
    inject: str | None
    t_s: float
    action: dict[str, Any]
    rationale: str
    after_s: float = 0.0

    def to_body(self) -> dict[str, Any]:
        """The journal body."""
        return {"id": self.id, "team": self.team, "inject": self.inject, "t_s": self.t_s, "action": self.action,
                "rationale": self.rationale, "after_s": self.after_s}


def events_jsonl(sim: Simulation) -> str:
    """The records of ``sim`` as JSON lines (the format of ``simsoft run``'s ``events.jsonl``)."""
    return "".join(json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"
                   for e in sim.recorder.events)


@dataclass
class Session:
    """One conduct of an exercise. Build it with :func:`facilitator.conduct.store.start_session` or ``open``."""

    loaded: LoadedExercise
    folder: Path | None = None
    journal: Journal | None = None
    phase: str = "briefing"
    paused: bool = False
    injects: list[InjectState] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    observers: list[Callable[["Session", Entry | dict[str, Any]], None]] = field(default_factory=list)
    """Called after every step (scoring and the AAR of a later issue attach here)."""
    script: list[ScriptedDecision] = field(default_factory=list)
    """The scripted decision set of a scripted session (its start entry holds it too)."""
    played: set[int] = field(default_factory=set)
    """Indices of :attr:`script` already taken or refused."""
    start_body: dict[str, Any] = field(default_factory=dict)
    """The journal's start entry."""
    after_play: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Hot wash and evaluation entries ``(kind, body)``, in journal order."""
    forecasts: list[dict[str, Any]] = field(default_factory=list)
    """What-if forecasts asked so far (``forecast`` entries, :mod:`facilitator.evaluation.forecast`); they
    change nothing else: no decision, inject, record or report reads them."""

    def __post_init__(self) -> None:
        self.sim = Simulation(self.loaded.scenario, seed=self.loaded.seed, variant=self.loaded.exercise.exercise.variant)
        self.injects = [InjectState(i) for i in self.loaded.exercise.msel]
        self._replaying: list[Entry] | None = None
        self._plan: Simulation | None = None
        self._ahead: str | None = None
        """Set when the engine ran forward for a step whose entry could not be written: only that step may follow."""

    # -- bookkeeping -------------------------------------------------------------------------
    @property
    def now_s(self) -> float:
        """Exercise (simulated) time in seconds."""
        return self.sim.now_s

    def state(self, inject_id: str) -> InjectState:
        """The state of inject ``inject_id``."""
        for s in self.injects:
            if s.inject.id == inject_id:
                return s
        known = ", ".join(s.inject.id for s in self.injects)
        raise SessionError(f"unknown inject {inject_id!r} (MSEL: {known})")

    def _write_ahead(self, kind: str, body: dict[str, Any]) -> Entry | dict[str, Any]:
        """Journal a step before it is applied (or, replaying, check it against the journal).

        Raises :class:`JournalError` when the entry cannot be written: the caller has changed nothing yet.
        """
        if self._replaying is not None:
            expected = self._replaying[0]
            if expected.kind != kind or _results(expected.body) != _results(body):
                raise JournalError(f"replay diverged at journal entry {expected.seq}: the journal has {expected.kind} "
                                   f"{_results(expected.body)}, the engine now gives {kind} {_results(body)} "
                                   "(were the exercise, scenario or engine changed?)")
            self._replaying.pop(0)
            return expected
        if self.journal is not None:
            try:
                return self.journal.append(kind, body)
            except JournalError as exc:
                raise JournalError(f"not accepted, nothing was changed ({_what(kind, body)}): {exc}") from None
        return {"kind": kind, **body}

    def _applied(self, entry: Entry | dict[str, Any]) -> None:
        """After a journaled step was applied: rewrite the records and tell the observers."""
        if self._replaying is None and self.journal is not None:
            self._flush()
        for obs in self.observers:
            obs(self, entry)

    def _record(self, kind: str, body: dict[str, Any]) -> None:
        self._applied(self._write_ahead(kind, body))

    def events_text(self) -> str:
        """The session's records as ``events.jsonl`` holds them (a regional session writes every site's)."""
        return events_jsonl(self.sim)

    def _flush(self) -> None:
        if self.folder is None:
            return
        tmp = self.folder / "events.jsonl.tmp"
        tmp.write_text(self.events_text(), encoding="utf-8")
        os.replace(tmp, self.folder / "events.jsonl")

    def _in_step(self, op: str) -> None:
        """Refuse every step but the retry of ``self._ahead`` (the engine ran ahead of the journal)."""
        if self._ahead is not None and self._ahead != op:
            raise SessionError(f"the last step ({self._ahead.replace('_', ' ')}) could not be journaled, and the simulation "
                               f"already ran ahead to {format_duration(self.now_s)}; retry it (or resume the session) first")

    def _engine_step(self, op: str, run: Callable[[], Any]) -> Any:
        """Run a step that moves the engine before its entry is written; a failed write leaves only its retry open."""
        self._in_step(op)
        before = self.now_s
        try:
            result = run()
        except JournalError:
            if self.now_s != before or self._ahead == op:
                self._ahead = op
            raise
        self._ahead = None
        return result

    def _need(self, *phases: str, moving: bool = True, op: str = "") -> None:
        self._in_step(op)
        if self.phase not in phases:
            raise SessionError(f"the session is in {self.phase}; this needs {' or '.join(phases)}")
        if moving and self.paused:
            raise SessionError("the session is paused; resume it first")

    # -- phases and clock control --------------------------------------------------------------
    def advance_phase(self, to: str | None = None) -> str:
        """Move to the next phase (or to ``to``, which must come later). Entering hot wash runs the engine to its end."""
        return self._engine_step("advance_phase", lambda: self._advance_phase(to))

    def _advance_phase(self, to: str | None) -> str:
        i = PHASES.index(self.phase)
        target = PHASES[i + 1] if to is None else to
        if target not in PHASES or PHASES.index(target) <= i:
            raise SessionError(f"cannot go from {self.phase} to {target} (phases: {' → '.join(PHASES)})")
        if self.paused:
            raise SessionError("the session is paused; resume it first")
        body: dict[str, Any] = {"from": self.phase, "to": target}
        if PHASES.index(target) >= PHASES.index("hot_wash") and i < PHASES.index("hot_wash"):
            self.sim.run_to_end()
            body["end_s"] = self.sim.now_s
        entry = self._write_ahead("phase", body)
        self.phase = target
        self._applied(entry)
        return target

    def pause(self) -> None:
        """Stop the clock controls: nothing is released or decided until :meth:`resume`."""
        self._need("conduct", moving=False)
        if self.paused:
            raise SessionError("the session is already paused")
        entry = self._write_ahead("pause", {"t_s": self.now_s})
        self.paused = True
        self._applied(entry)

    def resume(self) -> None:
        """Undo :meth:`pause`."""
        if not self.paused:
            raise SessionError("the session is not paused")
        self._in_step("")
        entry = self._write_ahead("resume", {"t_s": self.now_s})
        self.paused = False
        self._applied(entry)

    # -- injects ---------------------------------------------------------------------------------
    def _deadline(self, s: InjectState) -> float | None:
        cond = s.inject.if_missing
        if cond is None or s.status != "pending":
            return None
        parent = self.state(cond.inject)
        if parent.status in ("skipped", "cancelled"):
            return None
        if parent.released_s is None:
            return None
        return parent.released_s + cond.after

    def _satisfied(self, s: InjectState, deadline: float) -> bool:
        cond = s.inject.if_missing
        assert cond is not None
        return any(d.action.get("do") == cond.action and (cond.team is None or d.team == cond.team) and d.t_s <= deadline
                   for d in self.decisions)

    def _fires(self, s: InjectState, snapshot: list[Any]) -> bool:
        """Whether ``s``'s state trigger holds now; ``snapshot`` holds the observation taken at this stop
        (taken on first use). A regional session reads the region instead."""
        if not snapshot:
            snapshot.append(self.sim.observe())
        return fires(s.inject.when, snapshot[0], self.sim.recorder.events)

    def _due(self) -> tuple[InjectState, str] | None:
        """The first inject (MSEL order) due now, with why."""
        now = self.now_s
        snapshot: list[Any] = []  # one snapshot for every trigger checked at this stop
        for s in self.injects:
            if s.status != "pending":
                continue
            inj = s.inject
            if inj.at is not None and inj.at <= now:
                return s, "scheduled"
            if inj.when is not None and self._fires(s, snapshot):
                return s, "trigger"
            if inj.if_missing is not None:
                deadline = self._deadline(s)
                if deadline is not None and deadline <= now and not self._satisfied(s, deadline):
                    return s, "contingency"
        return None

    def _cancel_settled(self) -> list[str]:
        """Contingencies whose action was taken in time, or whose parent was skipped: cancelled."""
        out = []
        for s in self.injects:
            cond = s.inject.if_missing
            if cond is None or s.status != "pending":
                continue
            parent = self.state(cond.inject)
            deadline = self._deadline(s)
            if parent.status in ("skipped", "cancelled") or (deadline is not None and self._satisfied(s, deadline)):
                s.status = "cancelled"
                out.append(s.inject.id)
        return out

    def _tentatively(self, change: Callable[[], Any], then: Callable[[Any], dict[str, Any]],
                     kind: str) -> tuple[Any, Entry | dict[str, Any]]:
        """Make the in-memory ``change`` (inject states, decisions), build the entry, journal it; undo on failure.

        ``change`` touches only the session's own lists and inject states (never the simulation), so
        restoring them leaves the session exactly as before when the journal refuses the entry.
        """
        saved = [(s, s.status, s.released_s, s.reason, s.text, s.counts) for s in self.injects]
        n_decisions, n_rejected, played = len(self.decisions), len(self.rejected), set(self.played)
        try:
            result = change()
            return result, self._write_ahead(kind, then(result))
        except BaseException:
            for s, status, released_s, reason, text, counts in saved:
                s.status, s.released_s, s.reason, s.text, s.counts = status, released_s, reason, text, counts
            del self.decisions[n_decisions:], self.rejected[n_rejected:]
            self.played = played
            raise

    def release_next(self) -> InjectState | None:
        """Run the engine to the next inject and release it; ``None`` when no inject is left to come."""
        self._need("conduct", op="release_next")
        return self._engine_step("release_next", self._release_next)

    def _release_next(self) -> InjectState | None:
        step = self.loaded.exercise.exercise.check_every
        ends = self.loaded.exercise.exercise.ends_at
        horizon = self.loaded.scenario.duration if ends is None else min(ends, self.loaded.scenario.duration)
        while True:
            due = self._due()
            if due is not None:
                return self._release(*due, how="next")
            pending = [s for s in self.injects if s.status == "pending"]
            scheduled = [s.inject.at for s in pending if s.inject.at is not None]
            deadlines = [d for d in (self._deadline(s) for s in pending) if d is not None]
            triggers = [s for s in pending if s.inject.when is not None]
            if not scheduled and not deadlines and (not triggers or self.sim.settled or self.now_s >= horizon):
                return self._exhausted()
            target = min([self.now_s + step, *scheduled, *deadlines])
            if target > horizon:
                if self.now_s >= horizon:
                    return self._exhausted()
                target = horizon
            self.sim.run_until(target)

    def _exhausted(self) -> None:
        # Journaled because waiting for triggers that never fire moved the clock: replay must do the same.
        self._record("release", {"cmd": "next", "inject": None, "t_s": self.now_s, "cancelled": []})
        return None

    def release_now(self, inject_id: str) -> InjectState:
        """Release ``inject_id`` at the current exercise time, whatever its time or trigger."""
        self._need("conduct")
        s = self.state(inject_id)
        if s.status != "pending":
            raise SessionError(f"inject {inject_id} is already {s.status}")
        return self._release(s, "manual", how="now")

    def _world_of(self, s: InjectState) -> tuple[Any, Any]:
        """The observation and records an inject's text reads when it is released (the one hook a regional
        session overrides: there, the inject's site)."""
        return self.sim.observe(), self.sim.recorder.events

    def _release(self, s: InjectState, reason: str, *, how: str) -> InjectState:
        def change() -> list[str]:
            s.status, s.released_s, s.reason = "released", self.now_s, reason
            # The counts the text quotes are kept: the team knows them from now on (its situation report).
            seen, events = self._world_of(s)
            s.counts = count_people(seen, events)
            s.text = render(s.inject.text, values_of(s.counts, events))
            return self._cancel_settled()

        _, entry = self._tentatively(change, lambda cancelled: {
            "cmd": how, "inject": s.inject.id, "t_s": s.released_s, "reason": reason, "text": s.text,
            "cancelled": cancelled}, "release")
        self._applied(entry)
        return s

    def skip(self, inject_id: str | None = None) -> InjectState:
        """Skip ``inject_id`` (the next pending one in MSEL order when ``None``): it is never delivered."""
        self._need("conduct")
        if inject_id is None:
            pending = [s for s in self.injects if s.status == "pending"]
            if not pending:
                raise SessionError("no inject is pending")
            s = pending[0]
        else:
            s = self.state(inject_id)
            if s.status != "pending":
                raise SessionError(f"inject {inject_id} is already {s.status}")
        def change() -> list[str]:
            s.status = "skipped"
            return self._cancel_settled()

        _, entry = self._tentatively(change, lambda cancelled: {"inject": s.inject.id, "t_s": self.now_s,
                                                                 "cancelled": cancelled}, "skip")
        self._applied(entry)
        return s

    def current_inject(self) -> InjectState | None:
        """The last released inject."""
        released = [s for s in self.injects if s.released_s is not None]
        return max(released, key=lambda s: (s.released_s, self.injects.index(s))) if released else None

    # -- decisions and notes ------------------------------------------------------------------
    def decide(self, decision: ScriptedDecision, *, script_index: int | None = None) -> Decision:
        """Apply a team decision at the current exercise time (plus its ``after`` delay).

        Raises :class:`DecisionError` when the team may not take it or it names something unknown;
        nothing is applied then, and the journal records only that it was refused.
        """
        self._need("conduct")
        inject = decision.inject or (self.current_inject().inject.id if self.current_inject() else None)
        stamped = ScriptedDecision(team=decision.team, action=dict(decision.action), rationale=decision.rationale,
                                   inject=inject, after_s=decision.after_s, where=decision.where)
        try:
            check_decision(self.loaded, stamped, checker=self._checker())
            ident = f"D{len(self.decisions) + 1}"
            at = self.now_s + stamped.after_s
            action = {**stamped.action, "at": f"{at!r} s", "note": ident}
            self.sim.check(action)  # the same validation as apply, without scheduling anything yet
        except (DecisionError, ActionError) as exc:
            message = str(exc)
            body = {"team": stamped.team, "inject": inject, "action": stamped.action, "rationale": stamped.rationale,
                    "after_s": stamped.after_s, "t_s": self.now_s, "message": message}
            if script_index is not None:
                body["script"] = script_index

            def refuse() -> None:
                if script_index is not None:
                    self.played.add(script_index)
                self.rejected.append(body)

            _, entry = self._tentatively(refuse, lambda _: body, "rejected")
            self._applied(entry)
            again = DecisionError(message)
            again.said = getattr(exc, "said", None)  # type: ignore[attr-defined]  # said in any language (refusals)
            raise again from None
        made = Decision(ident, stamped.team, inject, self.now_s, dict(stamped.action), stamped.rationale, stamped.after_s)

        def take() -> list[str]:
            self.decisions.append(made)
            if script_index is not None:
                self.played.add(script_index)
            return self._cancel_settled()

        def body_of(cancelled: list[str]) -> dict[str, Any]:
            body = made.to_body()
            body["cancelled"] = cancelled
            if script_index is not None:
                body["script"] = script_index
            return body

        # Written ahead: the world changes only once the journal holds the decision.
        _, entry = self._tentatively(take, body_of, "decision")
        self.sim.apply(action, source=f"team:{stamped.team}")
        self._applied(entry)
        return made

    def _checker(self) -> Simulation:
        # Checked against the plan (t = 0, never run), not the live run, so that a decision naming a
        # unit the run added (mutual aid) is refused exactly as before; built once, on first use.
        if self._plan is None:
            self._plan = plan_checker(self.loaded)
        return self._plan

    def note(self, text: str, *, team: str | None = None, inject: str | None = None) -> None:
        """Record a note (facilitator, team, evaluator) at the current exercise time."""
        if self.phase == "closed":
            raise SessionError("the session is closed")
        self._in_step("")
        body = {"t_s": self.now_s, "team": team, "inject": inject, "phase": self.phase, "text": text}
        entry = self._write_ahead("note", body)
        self.notes.append(body)
        self._applied(entry)

    def record_after_play(self, kind: str, body: dict[str, Any]) -> None:
        """Journal a hot wash or evaluation entry (``kind`` in :data:`AFTER_PLAY`).

        Allowed once play has ended (hot wash, evaluation, or closed: HSEEP evaluation and the AAR
        come after the exercise is closed). Callers validate ``body`` first: the journal is append-only.
        """
        if kind not in AFTER_PLAY:
            raise SessionError(f"{kind!r} is not an after-play entry ({', '.join(AFTER_PLAY)})")
        if PHASES.index(self.phase) < PHASES.index("hot_wash"):
            raise SessionError(f"the session is in {self.phase}; hot wash and evaluation come after conduct")
        self._in_step("")
        entry = self._write_ahead(kind, body)
        self.after_play.append((kind, dict(body)))
        self._applied(entry)

    def record_forecast(self, body: dict[str, Any]) -> None:
        """Journal a what-if forecast (:mod:`facilitator.evaluation.forecast`) asked at the current time.

        It changes nothing in the session or the world: replay re-reads it and only appends it to
        :attr:`forecasts`. Allowed during conduct, paused or not (a pause is when a room asks what if).
        """
        self._need("conduct", moving=False)
        stamped = {**body, "t_s": self.now_s}
        entry = self._write_ahead("forecast", stamped)
        self.forecasts.append(stamped)
        # Observers hear of it (live pages refresh); the records did not change, so they are not rewritten.
        for obs in self.observers:
            obs(self, entry)

    # -- what teams see -------------------------------------------------------------------------
    def key_numbers(self) -> list[str]:
        """The numbers a facilitator watches, one line (a regional session: every site, hospitals and units)."""
        from facilitator.conduct.sitrep import key_numbers, live_values

        return [key_numbers(live_values(self.sim.observe(), self.sim.recorder.events))]

    def figure_worker(self, *, folder: Path, lang: str = "en") -> Any:
        """The console's background figure drawer (:class:`~facilitator.conduct.figures.FigureWorker`) for this
        session's world in ``lang`` (a regional session draws the region's map)."""
        from facilitator.conduct.figures import FigureWorker

        return FigureWorker(self.sim, folder=folder, lang=lang)

    def sitrep(self, team_id: str | None) -> list[str]:
        """The situation report of ``team_id`` now in English (ground truth for ``None`` and non-player teams)."""
        return render_lines(self.sitrep_lines(team_id))

    def sitrep_lines(self, team_id: str | None) -> list[Line]:
        """The situation report of ``team_id`` now, line by line, to be said in a reader's language
        (:mod:`facilitator.conduct.lines`), with the orders the world did not follow: every one for
        controllers; a team's own, once its report delay has passed."""
        from facilitator.evaluation.contrary import overrides

        team = self.loaded.exercise.team(team_id) if team_id else None
        lines = situation_report_lines(self.sim.recorder.events, self.sim.recorder.timeseries, t_s=self.now_s,
                                       scenario=self.loaded.scenario, team=team, seen=self.sim.observe(),
                                       received=self.injects, modules=self.loaded.exercise.modules)
        return lines + override_lines(overrides(self), team=team, now_s=self.now_s)

    def expected_actions(self) -> list[dict[str, Any]]:
        """Each expected action of each released inject, with the first matching decision (facts only, no rating)."""
        taken = taken_of(self.decisions)
        zones = [z.id for z in self.loaded.scenario.venue.zones]
        rows = []
        for s in self.injects:
            for exp in s.inject.expect:
                standard = exp.within
                if standard is None and exp.task is not None:
                    standard = self.loaded.exercise.task(exp.task).standard
                match, how, reason = None, "none", ""
                if s.released_s is not None:
                    match, how, reason = answer(exp, [t for t in taken if t.team == exp.team and t.action == exp.action
                                                      and t.t_s >= s.released_s], zones=zones)
                rows.append({"inject": s.inject.id, "status": s.status, "team": exp.team, "action": exp.action,
                             "task": exp.task, "standard_s": standard, "released_s": s.released_s,
                             "decision": match.id if match else None, "match": how, "reason": reason,
                             "after_s": (match.effect_s - s.released_s) if match and s.released_s is not None else None})
        return rows

    def summary_lines(self) -> list[str]:
        """A plain session log: injects, decisions, refusals, notes, expected actions."""
        ex = self.loaded.exercise
        out = [f"# Session log: {ex.exercise.name}", "",
               f"- scenario: {self.loaded.scenario_file} (seed {self.loaded.seed}"
               f"{', variant ' + ex.exercise.variant if ex.exercise.variant else ''})",
               f"- phase: {self.phase}; exercise time {format_duration(self.now_s)}", "", "## Injects", ""]
        for s in self.injects:
            when = format_duration(s.released_s) if s.released_s is not None else "-"
            out.append(f"- {s.inject.id} [{s.status}{', ' + s.reason if s.reason else ''}] {when}: {s.text or s.inject.text}")
        out += ["", "## Decisions", ""]
        out += [f"- {d.id} {format_duration(d.t_s)} {d.team} ({d.inject}): {action_text(d.action)}"
                f"{' after ' + format_duration(d.after_s) if d.after_s else ''} — {d.rationale}" for d in self.decisions] or ["- none"]
        if self.rejected:
            out += ["", "## Refused decisions", ""]
            out += [f"- {format_duration(r['t_s'])} {r['team']}: {action_text(r['action'])}: {r['message']}" for r in self.rejected]
        out += ["", "## Expected actions (time standards)", ""]
        for r in self.expected_actions():
            std = format_duration(r["standard_s"]) if r["standard_s"] is not None else "none"
            got = f"{r['decision']} after {format_duration(r['after_s'])}" if r["decision"] else "not taken"
            if r["reason"]:
                got += f" ({'partial: ' if r['match'] == 'partial' else ''}{r['reason']})"
            out.append(f"- {r['inject']} {r['team']} {r['action']} (task {r['task'] or '-'}, standard {std}): {got}")
        if self.notes:
            out += ["", "## Notes", ""]
            out += [f"- {format_duration(n['t_s'])} [{n['phase']}] {n['team'] or 'facilitator'}: {n['text']}" for n in self.notes]
        return out + [""]


def _what(kind: str, body: dict[str, Any]) -> str:
    """A short name of the step a journal entry records, for a refusal message."""
    if kind in ("decision", "rejected"):
        return f"{body.get('team')}'s decision {action_text(body.get('action') or {})}"
    if kind == "release":
        return f"release of {body.get('inject') or 'the next inject'}"
    return f"{kind} {body.get('inject') or body.get('to') or ''}".strip()


def _results(body: dict[str, Any]) -> dict[str, Any]:
    """The parts of an entry that re-execution must reproduce (wall-clock and free text aside)."""
    keep = ("inject", "t_s", "text", "cancelled", "end_s", "to", "id", "action", "team", "message")
    return {k: body[k] for k in keep if k in body}
