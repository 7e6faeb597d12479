"""The interactive terminal console: the facilitator walks the room through the MSEL.

At each inject it shows the message, the live key numbers (ground truth, for the facilitator) and
the path of the figure of that moment, which a worker process draws in the background
(:mod:`facilitator.conduct.figures`; ``figures=False``, the CLI's ``--no-figures``, draws none), then prompts each player
team the inject was sent to for decisions (``VERB key=value ... -- rationale``) with tab completion
of commands, action verbs, parameter names and ids through :mod:`readline`. Every step goes to the
journal, so closing the terminal (or a crash) loses nothing: ``simsoft exercise resume`` goes on.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from simsoft.errors import SimsoftError
from simsoft.units import format_duration

from facilitator.conduct.figures import FigureWorker
from facilitator.conduct.injects import InjectState
from facilitator.conduct.session import Session
from facilitator.conduct.sitrep import live_values, render_lines
from facilitator.conduct.store import write_summary
from facilitator.exercise.decisions import action_fields, action_verbs, parse_line
from facilitator.exercise.refusals import say as say_refusal
from facilitator.i18n import N_, translator

__all__ = ["Console", "run_console", "COMMANDS"]

COMMANDS = {
    "next": N_("release the next inject (the engine runs to its time)"),
    "now": N_("now ID - release inject ID at the current time"),
    "skip": N_("skip [ID] - skip the next pending inject (or ID)"),
    "pause": N_("pause the session"),
    "resume": N_("resume a paused session"),
    "decide": N_("decide TEAM VERB key=value ... [-- rationale] - a decision outside the team prompts"),
    "forecast": N_("forecast TEAM VERB key=value ... - what if TEAM decides this now? (vs no further action and doctrine)"),
    "sitrep": N_("sitrep [TEAM] - situation report (ground truth without TEAM)"),
    "status": N_("the MSEL with each inject's status"),
    "questions": N_("discussion questions of the current module"),
    "note": N_("note TEXT - a facilitator note"),
    "end": N_("end conduct and go to the hot wash (the engine runs to the end)"),
    "close": N_("close the session (from the hot wash or the evaluation)"),
    "quit": N_("leave the console; the session stays open (simsoft exercise resume)"),
    "help": N_("this list"),
}
FACILITATOR_ONLY = ("quit", "next", "end", "close", "pause", "resume", "skip", "status", "questions")
"""Facilitator commands a person may type at a team prompt by habit (none is an action verb)."""
TEAM_COMMANDS = {"sitrep": N_("your situation report"), "note": N_("note TEXT"), "help": N_("this help"),
                 "done": N_("end your turn (or an empty line)")}


class Console:
    """The console loop over ``session``; ``read`` and ``write`` make it testable.

    With ``figures`` each released inject queues a figure of that moment in a background worker
    (drawn once per session state, off the inject step); :meth:`run` waits for the last ones when it ends.

    ``lang`` is the language of what the console says (:mod:`facilitator.i18n`) and of the exercise's
    texts where the file translates them; commands, verbs and ``key=value`` stay as typed, and the
    journal stays in the file's language.
    """

    def __init__(self, session: Session, *, read: Callable[[str], str] = input, write: Callable[[str], None] = print,
                 figures: bool = True, lang: str = "en") -> None:
        from facilitator.i18n.exercise import Local

        self.session = session
        self.lang = lang
        self.tr = translator(lang)
        self.local = Local(session, lang)
        self.read = read
        self.write = write
        self.figures = figures
        self._figures: FigureWorker | None = None
        self._team: str | None = None
        self._install_completion()

    # -- completion ------------------------------------------------------------------------------
    def _ids(self) -> list[str]:
        sc = self.session.loaded.scenario
        ids = [z.id for z in sc.venue.zones] + [e.id for e in sc.venue.exits] + [c.id for c in sc.venue.connections]
        if sc.response is not None:
            ids += [u.id for u in sc.response.units]
        ids += [s.inject.id for s in self.session.injects] + [t.id for t in self.session.loaded.exercise.teams]
        if sc.medical is not None:
            ids += [h.id for h in sc.medical.hospitals]
        if sc.recovery is not None:
            ids += [r.id for r in sc.recovery.reunification]
        return ids + ["all", "hot", "warm", "cold", "contained", "all_clear", "outside", "true", "false"]

    @property
    def _regional(self) -> bool:
        """A regional session: decisions are the region's verbs."""
        return getattr(self.session.loaded, "region", None) is not None

    def candidates(self, line: str, text: str) -> list[str]:
        """Completions of ``text``, the word being typed at the end of ``line``."""
        words = line.split()
        first = not words or (len(words) == 1 and not line.endswith(" "))
        if self._team is not None:
            may = self.session.loaded.exercise.team(self._team).may
            if first:
                return sorted(w for w in [*may, *TEAM_COMMANDS] if w.startswith(text))
            verb = words[0]
        else:
            if first:
                return sorted(w for w in COMMANDS if w.startswith(text))
            if words[0] == "decide" and (len(words) == 2 and not line.endswith(" ") or len(words) == 1):
                return sorted(t.id for t in self.session.loaded.exercise.teams if t.id.startswith(text))
            if words[0] == "decide" and (len(words) == 3 and not line.endswith(" ") or len(words) == 2):
                return sorted(v for v in action_verbs(regional=self._regional) if v.startswith(text))
            verb = words[2] if words[0] == "decide" and len(words) > 2 else words[0]
        if "=" in text:
            key, _, value = text.partition("=")
            head, _, last = value.rpartition(",")
            prefix = f"{key}={head + ',' if head else ''}"
            return sorted(prefix + i for i in self._ids() if i.startswith(last))
        regional = self._regional
        keys = ([f"{k}=" for k in (*action_fields(verb, regional=regional), "after")]
                if verb in action_verbs(regional=regional) else [])
        return sorted(w for w in keys + self._ids() if w.startswith(text))

    def _install_completion(self) -> None:
        try:
            import readline
        except ImportError:  # pragma: no cover - Windows without pyreadline
            return
        state: dict[str, list[str]] = {"matches": []}

        def complete(text: str, n: int) -> str | None:
            if n == 0:
                state["matches"] = self.candidates(readline.get_line_buffer(), text)
            return state["matches"][n] if n < len(state["matches"]) else None

        readline.set_completer_delims(" \t")
        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")

    # -- output ----------------------------------------------------------------------------------
    def show_inject(self, s: InjectState) -> None:
        """Print a released inject with live numbers and a figure path."""
        ex = self.session.loaded.exercise
        inj = s.inject
        module = next((m for m in ex.modules if m.id == inj.module), None)
        w, t, loc = self.write, self.tr.gettext, self.local
        w("")
        # English keeps the words of the journal (the reason, the method and the team ids) as it always showed them.
        other = self.lang != "en"
        w("== " + t("%(id)s (%(module)s) at %(t)s [%(reason)s] %(method)s from %(sender)s to %(to)s", id=inj.id,
                    module=loc.module_name(module.id, module.name) if module else inj.module,
                    t=loc.t(s.released_s or 0.0), reason=loc.reason(s.reason) if other else s.reason,
                    method=loc.method(inj.method) if other else inj.method,
                    sender=loc.text(("inject", inj.id, "sender"), inj.sender),
                    to=self.tr.join(loc.team(x) for x in inj.to) if other else ", ".join(inj.to)))
        w(loc.inject_text(s) if s.text else loc.text(("inject", inj.id, "text"), inj.text))
        if other and getattr(self.session.loaded, "region", None) is None:
            sim = self.session.sim
            seen = sim.observe()
            values = live_values(seen, sim.recorder.events)
            w(f"-- {loc.key_numbers({**values, 't_s': seen.t_s})}")
        elif other:  # a regional session: every site, hospitals, units
            for line in self.session.key_numbers(loc):
                w(f"-- {line}")
        else:
            for line in self.session.key_numbers():
                w(f"-- {line}")
        if self.figures:
            w("-- " + t("figure: %(path)s", path=self._figure(inj.id)))
        if inj.notes:
            w("-- " + t("controller notes: %(notes)s", notes=loc.text(("inject", inj.id, "notes"), inj.notes)))
        for e in inj.expect:
            w("-- " + t("expected: %(team)s %(action)s", team=loc.team(e.team) if other else e.team,
                        action=loc.verb(e.action) if other else e.action)
              + (" " + t("(task %(task)s)", task=e.task) if e.task else ""))
        if inj.discussion_only:
            w("-- " + t("discussion only: no action answers this inject; ask the module's questions ('questions') and "
                        "note the answers"))

    def _figure(self, label: str) -> str:
        """Queue the figure of now as ``label``; its path (drawn in the background), or why there is none."""
        if self.session.folder is None:
            return self.tr.gettext("no figure (no session folder)")
        if self._figures is None:
            self._figures = self.session.figure_worker(folder=self.session.folder, lang=self.lang)
        for line in self._figures.poll():
            self.write(f"-- {line}")
        return self._figures.request(label)

    def close_figures(self) -> None:
        """Wait for the figures still being drawn and stop their worker (Ctrl+C leaves them undrawn)."""
        if self._figures is None:
            return
        worker, self._figures = self._figures, None
        left = worker.pending()
        if left:
            self.write("-- " + self.tr.ngettext("drawing the last %(num)s figure (Ctrl+C leaves them undrawn)",
                                                "drawing the last %(num)s figures (Ctrl+C leaves them undrawn)", left))
        try:
            lines = worker.close(wait=True)
        except KeyboardInterrupt:
            lines = worker.close(wait=False)
        for line in lines:
            self.write(f"-- {line}")

    def status(self) -> None:
        """Print the MSEL with statuses."""
        if self.lang == "en":
            for s in self.session.injects:
                when = format_duration(s.released_s) if s.released_s is not None else ""
                rule = (f"at {format_duration(s.inject.at)}" if s.inject.at is not None else
                        "trigger" if s.inject.when is not None else f"if {s.inject.if_missing.action} missing")  # type: ignore[union-attr]
                self.write(f"  {s.inject.id:<6} {s.status:<10} {when:<12} {rule}" + ("  (discussion)" if s.inject.discussion_only else ""))
            return
        t, loc = self.tr.gettext, self.local
        for s in self.session.injects:  # the web console's words for the same MSEL
            when = loc.t(s.released_s) if s.released_s is not None else ""
            rule = (t("at %(t)s", t=loc.t(s.inject.at)) if s.inject.at is not None else
                    t("on a trigger") if s.inject.when is not None else
                    t("if %(action)s missing", action=loc.verb(s.inject.if_missing.action)))  # type: ignore[union-attr]
            self.write(f"  {s.inject.id:<6} {loc.status(s.status):<10} {when:<12} {rule}"
                       + (f"  ({t('discussion')})" if s.inject.discussion_only else ""))

    # -- loops -----------------------------------------------------------------------------------
    def team_turn(self, team_id: str, inject_id: str) -> None:
        """Prompt ``team_id`` for decisions on ``inject_id`` until an empty line or ``done``."""
        team = self.session.loaded.exercise.team(team_id)
        self._team = team_id
        try:
            self.write("-- " + self.tr.gettext("%(team)s: decide (VERB key=value ... -- rationale), 'sitrep', 'note TEXT', "
                                               "empty line when done", team=self.local.team(team_id)))
            while True:
                line = self.read(f"{team_id}> ").strip()
                if line in ("", "done"):
                    return
                word = line.split()[0]
                if word == "help":
                    self.write("  " + self.tr.gettext("actions: %(verbs)s", verbs=", ".join(team.may)) + "; "
                               + "; ".join(f"{k}: {self.tr.gettext(v)}" for k, v in TEAM_COMMANDS.items()))
                elif word == "sitrep":
                    for text in self._report(team_id):
                        self.write(f"  {text}")
                elif word == "note":
                    self.session.note(line[4:].strip(), team=team_id, inject=inject_id)
                    self.write("  " + self.tr.gettext("noted"))
                elif word in FACILITATOR_ONLY and len(line.split()) == 1:
                    # A facilitator command typed at a team's prompt: say so rather than refuse it as a verb.
                    self.write("  " + self.tr.gettext("'%(word)s' is a facilitator command: first end this team's turn with "
                                                      "an empty line", word=word))
                else:
                    self._decide(team_id, line, inject_id)
        finally:
            self._team = None

    def _decide(self, team_id: str, line: str, inject_id: str | None) -> None:
        try:
            made = self.session.decide(parse_line(line, team=team_id, inject=inject_id, regional=self._regional))
        except SimsoftError as exc:
            self.write("  " + self.tr.gettext("refused: %(reason)s", reason=say_refusal(exc, self.tr)))
            return
        when = self.local.t(made.t_s + made.after_s)
        self.write("  " + self.tr.gettext("%(id)s applied at %(t)s: %(line)s", id=made.id, t=when,
                                          line=" ".join(line.split(" -- ")[0].split())))

    def release(self, how: str, arg: str | None = None) -> None:
        """Release (next / now ID) and give each recipient player team its turn."""
        s = self.session.release_next() if how == "next" else self.session.release_now(arg or "")
        if s is None:
            self.write(self.tr.gettext("no inject left to come: 'end' goes to the hot wash"))
            return
        self.show_inject(s)
        for team_id in s.inject.to:
            if self.session.loaded.exercise.team(team_id).role == "player":
                self.team_turn(team_id, s.inject.id)

    def run(self) -> str:
        """The facilitator's loop; returns ``'closed'`` or ``'quit'`` (once the figures queued are drawn)."""
        if self.figures and self.session.folder is not None and self.session.phase in ("briefing", "conduct"):
            self._figures = self.session.figure_worker(folder=self.session.folder, lang=self.lang)
            self._figures.start()  # while the room reads the briefing
        try:
            return self._loop()
        finally:
            self.close_figures()

    def _loop(self) -> str:
        ses = self.session
        w, t = self.write, self.tr.gettext
        w(t("Exercise: %(name)s  (phase %(phase)s, exercise time %(t)s)",
            name=self.local.text(("exercise", "name"), ses.loaded.name),
            phase=ses.phase if self.lang == "en" else self.local.phase(ses.phase), t=self.local.t(ses.now_s)))
        regional = getattr(ses.loaded, "region", None) is not None
        w(t("Region: %(region)s", region=self.local.venue()) if regional else t("Venue: %(venue)s", venue=self.local.venue()))
        w(t("type 'help' for commands; Enter releases the next inject"))
        if ses.phase == "briefing":
            ses.advance_phase("conduct")
        while True:
            prompt = {"conduct": t("facilitator") + "> ", "hot_wash": t("hot wash") + "> ",
                      "evaluation": t("evaluation") + "> "}.get(ses.phase, "> ")
            if ses.paused:
                prompt = t("paused") + "> "
            try:
                line = self.read(prompt).strip()
            except EOFError:
                w("")
                return "quit"
            try:
                outcome = self._command(line)
            except SimsoftError as exc:
                w(t("error: %(reason)s", reason=str(exc)))
                continue
            if outcome:
                return outcome

    def _command(self, line: str) -> str | None:
        ses = self.session
        w, t = self.write, self.tr.gettext
        try:
            words = shlex.split(line) if line else []
        except ValueError as exc:  # an unclosed quote: say so at the prompt, never a traceback
            w("  " + t("cannot read %(line)s (%(reason)s): close the quote or leave it out", line=repr(line), reason=str(exc)))
            return None
        cmd = words[0] if words else ("next" if ses.phase == "conduct" else "")
        rest = line[len(cmd):].strip() if words else ""
        if cmd == "help":
            for k, v in COMMANDS.items():
                w(f"  {k:<10} {t(v)}")
        elif cmd == "quit":
            write_summary(ses)
            w(t("session kept open: simsoft exercise resume %(folder)s", folder=ses.folder))
            return "quit"
        elif ses.phase in ("hot_wash", "evaluation") and cmd not in ("close", "next", "sitrep", "status", "note", ""):
            ses.note(line, team=None)
            w("  " + t("noted"))
        elif cmd == "next" and ses.phase in ("hot_wash", "evaluation"):
            ses.advance_phase()
            w(f"-- {ses.phase if self.lang == 'en' else self.local.phase(ses.phase)}")
        elif cmd == "next":
            self.release("next")
        elif cmd == "now":
            self.release("now", words[1] if len(words) > 1 else None)
        elif cmd == "skip":
            s = ses.skip(words[1] if len(words) > 1 else None)
            w("  " + t("%(id)s skipped", id=s.inject.id))
        elif cmd == "pause":
            ses.pause()
            w("  " + t("paused (exercise time is frozen; 'resume' to go on)"))
        elif cmd == "resume":
            ses.resume()
            w("  " + t("resumed"))
        elif cmd == "decide":
            if len(words) < 3:
                w("  " + t("usage: decide TEAM VERB key=value ... [-- rationale]"))
            else:
                current = ses.current_inject()
                self._decide(words[1], rest.split(None, 1)[1], current.inject.id if current else None)
        elif cmd == "forecast":
            self._forecast(words, rest)
        elif cmd == "sitrep":
            team = words[1] if len(words) > 1 else None
            teams = [t.id for t in ses.loaded.exercise.teams]
            if team is not None and team not in teams:
                w("  " + t("unknown team %(team)s (teams: %(teams)s)", team=repr(team), teams=", ".join(teams)))
                return None
            for text in self._report(team):
                w(f"  {text}")
        elif cmd == "status":
            self.status()
        elif cmd == "questions":
            self._questions()
        elif cmd == "note":
            ses.note(rest, team=None)
            w("  " + t("noted"))
        elif cmd == "end":
            ses.advance_phase("hot_wash")
            w("-- " + t("hot wash: the engine ran to %(t)s. Type observations (one per line), 'next' for the evaluation",
                        t=self.local.t(ses.now_s)))
            for text in self._report(None):
                w(f"  {text}")
        elif cmd == "close":
            while ses.phase != "closed":
                ses.advance_phase()
            path = write_summary(ses)
            w(t("session closed; log: %(path)s", path=path))
            return "closed"
        elif cmd:
            w("  " + t("unknown command %(cmd)s: type 'help'", cmd=repr(cmd)))
        return None

    def _forecast(self, words: list[str], rest: str) -> None:
        """``forecast TEAM VERB key=value ...``: the table now, the figure drawn in the background."""
        from facilitator.evaluation.forecast import draw_in_background, forecast, format_forecast

        if len(words) < 3:
            self.write("  " + self.tr.gettext("usage: forecast TEAM VERB key=value ... [-- rationale]  (compares it, taken "
                                              "now, with no further action and with doctrine; the session does not change)"))
            return
        ses = self.session
        result = forecast(ses, team=words[1], line=rest.split(None, 1)[1])
        for text in format_forecast(result, self.tr):
            self.write(f"  {text}")
        if self.figures and ses.folder is not None:
            path = ses.folder / "figures" / f"forecast-{len(ses.forecasts)}.png"
            draw_in_background(result, path, local=self.local)  # in the console's language
            self.write("  " + self.tr.gettext("figure (drawing in the background): %(path)s", path=path))

    def _report(self, team_id: str | None) -> list[str]:
        """The situation report of ``team_id`` (ground truth for ``None``) in the console's language."""
        if self.lang == "en":  # ids, as the journal's readers and decision files know them
            return render_lines(self.session.sitrep_lines(team_id), self.lang)
        return self.local.sitrep(team_id)  # the web pages' report: team and places by their names

    def _questions(self) -> None:
        current = self.session.current_inject()
        ex = self.session.loaded.exercise
        module = next((m for m in ex.modules if current and m.id == current.inject.module), ex.modules[0])
        self.write(f"-- {self.local.module_name(module.id, module.name)}")
        for j, q in enumerate(module.questions):
            self.write(f"  - {self.local.question(module.id, j, q)}")


def run_console(session: Session, **kwargs: Any) -> str:
    """Run the console on ``session``; returns ``'closed'`` or ``'quit'``."""
    return Console(session, **kwargs).run()
