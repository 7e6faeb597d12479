"""Sessions on disk: start, play a scripted decision set, resume, replay and fork.

A session folder (``outputs/sessions/<exercise>/<UTC time>/`` by default) holds ``session.sqlite``
(the journal), ``session.yaml`` (what was played: files, fingerprints, seed, versions),
``events.jsonl`` (the engine's records, rewritten after every step) and ``summary.md``; the
journal's key and anchor (``session.key``, ``session.anchor.json``, see
:mod:`facilitator.conduct.journal`); and ``inputs/``: copies of the exercise file, its scenario and
the scenario's imports and the decision file as they were at the start, plus a copy of the journal's
start row, so a session still resumes and replays after its files changed or moved, and a damaged
start row can be restored.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

import simsoft
from simsoft.schema import slug

from facilitator.conduct.journal import Entry, Journal, JournalError, check_journal, start_copy_path
from facilitator.conduct.session import AFTER_PLAY, FORMAT, Session, SessionError, events_jsonl
from facilitator.exercise.decisions import DecisionError, ExerciseError, ScriptedDecision, parse_line
from facilitator.exercise.loader import LoadedExercise, load_exercise

__all__ = ["start_session", "open_session", "play", "replay_session", "fork_session", "remaining_script", "write_summary"]

JOURNAL = "session.sqlite"
INPUTS = "inputs"
"""Folder of a session's input copies (``inputs/files/...``, ``inputs/inputs.json``, ``inputs/start-entry.json``)."""

Warn = Callable[[str], None]


def _utc() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _new_folder(out_dir: str | os.PathLike[str], name: str) -> Path:
    base = Path(out_dir) / slug(name)
    stamp = _utc().strftime("%Y%m%dT%H%M%SZ")
    folder = base / stamp
    n = 2
    while folder.exists():
        folder = base / f"{stamp}-{n}"
        n += 1
    folder.mkdir(parents=True)
    return folder


def _script_body(script: list[ScriptedDecision]) -> list[dict[str, Any]]:
    return [{"team": d.team, "inject": d.inject, "action": d.action, "rationale": d.rationale, "after_s": d.after_s,
             "where": d.where} for d in script]


def _script_from(items: list[dict[str, Any]]) -> list[ScriptedDecision]:
    return [ScriptedDecision(team=i["team"], action=dict(i["action"]), rationale=i.get("rationale", ""),
                             inject=i.get("inject"), after_s=float(i.get("after_s", 0.0)), where=i.get("where", ""))
            for i in items]


def _manifest(folder: Path, loaded: LoadedExercise, extra: dict[str, Any]) -> None:
    data = {
        "format": FORMAT,
        "simsoft_version": simsoft.__version__,
        "created_utc": _utc().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "exercise": loaded.name,
        "exercise_file": loaded.file,
        "scenario_file": loaded.scenario_file,
        "seed": loaded.seed,
        "variant": loaded.exercise.exercise.variant,
        "exercise_sha256": loaded.exercise_sha256,
        "scenario_sha256": loaded.scenario_sha256,
        **extra,
    }
    (folder / "session.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _scenario_files(path: str, depth: int = 0) -> list[str]:
    """``path`` and every file it imports, recursively (what :func:`simsoft.loader` reads)."""
    out = [os.path.abspath(path)]
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError):
        return out
    imports = data.get("import") if isinstance(data, dict) else None
    if isinstance(imports, str):
        imports = [imports]
    if isinstance(imports, list) and depth < 16:
        here = os.path.dirname(os.path.realpath(path))
        for rel in imports:
            if isinstance(rel, str) and os.path.isfile(os.path.join(here, rel)):
                out += [f for f in _scenario_files(os.path.join(here, rel), depth + 1) if f not in out]
    return out


def _sha_file(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _keep_inputs(folder: Path, loaded: LoadedExercise, decisions_file: str | None) -> None:
    """Copy the files the session was started from into ``inputs/files/``, keeping their relative layout.

    The layout is kept so the copied exercise file still finds its scenario (and the scenario its
    imports) by the same relative paths.
    """
    files = [os.path.abspath(loaded.file), *_scenario_files(loaded.scenario_file)]
    if decisions_file:
        files.append(os.path.abspath(decisions_file))
    files = list(dict.fromkeys(files))
    root = os.path.commonpath([os.path.dirname(f) for f in files])
    listing = []
    for f in files:
        rel = os.path.relpath(f, root)
        target = folder / INPUTS / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
        listing.append({"original": f, "copy": f"files/{rel}", "sha256": _sha_file(f)})
    index = {"exercise": f"files/{os.path.relpath(files[0], root)}",
             "decisions": f"files/{os.path.relpath(os.path.abspath(decisions_file), root)}" if decisions_file else None,
             "files": listing}
    (folder / INPUTS / "inputs.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def session_class(loaded: LoadedExercise) -> type[Session]:
    """The session kind an exercise is played in: a regional session when it names a region."""
    if getattr(loaded, "region", None) is not None:
        from facilitator.conduct.regional import RegionalSession

        return RegionalSession
    return Session


def _keep_start(folder: Path, entry: Entry) -> None:
    row = {"kind": entry.kind, "body": entry.body, "wall_utc": entry.wall_utc, "prev": entry.prev, "hash": entry.hash,
           "mac": entry.mac}
    path = Path(start_copy_path(folder / JOURNAL))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def start_session(loaded: LoadedExercise, *, out_dir: str | os.PathLike[str] = "outputs/sessions",
                  script: list[ScriptedDecision] | None = None, folder: Path | None = None,
                  extra: dict[str, Any] | None = None) -> Session:
    """A new journaled session of ``loaded`` in a new folder under ``out_dir``."""
    folder = folder or _new_folder(out_dir, loaded.name)
    try:
        _keep_inputs(folder, loaded, (extra or {}).get("decisions_file"))
    except OSError as exc:
        raise JournalError(f"{folder}: cannot keep copies of the session's input files ({exc}); nothing was started") from None
    journal = Journal.create(folder / JOURNAL)
    body = {"format": FORMAT, "exercise_file": os.path.abspath(loaded.file), "exercise_sha256": loaded.exercise_sha256,
            "scenario_sha256": loaded.scenario_sha256, "seed": loaded.seed, "variant": loaded.exercise.exercise.variant,
            "simsoft_version": simsoft.__version__, "mode": "scripted" if script is not None else "interactive",
            "script": _script_body(script or []), **(extra or {})}
    _keep_start(folder, journal.append("start", body))
    _manifest(folder, loaded, {k: v for k, v in (extra or {}).items() if k != "script"})
    session = session_class(loaded)(loaded, folder=folder, journal=journal, script=list(script or []), start_body=body)
    session._flush()
    return session


def _load_checked(path: str, body: dict[str, Any]) -> tuple[LoadedExercise | None, str]:
    """The exercise at ``path`` if it loads and matches the start entry's fingerprints, else why not."""
    if not os.path.isfile(path):
        return None, f"{path} is gone"
    try:
        loaded = load_exercise(path, seed=int(body["seed"]))
    except ExerciseError as exc:
        return None, f"{path} no longer loads: {exc}"
    if loaded.exercise_sha256 != body["exercise_sha256"]:
        return None, f"{path} changed since the session started"
    if loaded.scenario_sha256 != body["scenario_sha256"]:
        return None, f"the scenario of {path} changed since the session started"
    return loaded, ""


def _reload(start: Entry, folder: Path | None = None, warn: Warn | None = None) -> LoadedExercise:
    """The session's exercise: the original files when they are unchanged, else the copies kept in ``inputs/``."""
    body = start.body
    path = body["exercise_file"]
    loaded, why = _load_checked(path, body)
    if loaded is not None:
        return loaded
    index = folder / INPUTS / "inputs.json" if folder is not None else None
    if index is not None and index.is_file():
        try:
            copy = str(folder / INPUTS / json.loads(index.read_text(encoding="utf-8"))["exercise"])
        except (OSError, ValueError, KeyError, TypeError):
            copy = ""
        kept, why_copy = _load_checked(copy, body) if copy else (None, "inputs/inputs.json is not readable")
        if kept is not None:
            if warn:
                warn(f"{why}; using the copies kept in {INPUTS}/ when the session started")
            return kept
        raise SessionError(f"{why}, and the copy kept in the session cannot be used either ({why_copy}); "
                           "resume and replay need the same exercise and scenario")
    raise SessionError(f"{why}; resume and replay need the same exercise file and scenario "
                       "(this session keeps no copies: it was started by an earlier simsoft)")


def _execute(session: Session, entries: list[Entry]) -> None:
    """Re-execute journal entries on ``session``, checking each gives what the journal says."""
    session._replaying = list(entries)
    try:
        for e in entries:
            b = e.body
            kind = e.kind
            if kind == "phase":
                session.advance_phase(b["to"])
            elif kind == "pause":
                session.pause()
            elif kind == "resume":
                session.resume()
            elif kind == "release":
                if b["cmd"] == "now":
                    session.release_now(b["inject"])
                else:
                    session.release_next()  # _record compares the inject released (or none) with the journal
            elif kind == "skip":
                session.skip(b["inject"])
            elif kind in ("decision", "rejected"):
                d = ScriptedDecision(team=b["team"], action=dict(b["action"]), rationale=b.get("rationale", ""),
                                     inject=b.get("inject"), after_s=float(b.get("after_s", 0.0)))
                try:
                    session.decide(d, script_index=b.get("script"))
                except DecisionError:
                    if kind == "decision":
                        raise
            elif kind == "note":
                session.note(b["text"], team=b.get("team"), inject=b.get("inject"))
            elif kind in AFTER_PLAY:
                session.record_after_play(kind, dict(b))
            elif kind == "forecast":
                session.record_forecast(dict(b))  # changes nothing but the list of forecasts asked
            else:
                raise JournalError(f"journal entry {e.seq} has unknown kind {kind!r}")
    finally:
        session._replaying = None


def _read(folder: Path, warn: Warn | None) -> tuple[list[Entry], str | None]:
    """The journal's valid entries and damage; what the reader did or could not verify goes to ``warn``."""
    check = check_journal(folder / JOURNAL)
    if warn:
        for note in check.notes:
            warn(note)
    return check.entries, check.damage


def _rebuild(folder: Path, *, warn: Warn | None = None) -> tuple[Session, list[Entry], str | None]:
    entries, damage = _read(folder, warn)
    if not entries or entries[0].kind != "start":
        why = f": {damage}" if damage else ""
        raise JournalError(f"{folder / JOURNAL}: no usable start entry{why}")
    loaded = _reload(entries[0], folder, warn)
    session = session_class(loaded)(loaded, folder=None, journal=None, script=_script_from(entries[0].body.get("script", [])),
                      start_body=entries[0].body)
    _execute(session, entries[1:])
    return session, entries, damage


def open_session(folder: str | os.PathLike[str], *, warn: Warn | None = None) -> Session:
    """Resume the session in ``folder`` exactly where its journal ends (after a crash, too).

    A damaged journal is reported through ``warn``; its damaged file is kept beside the new one
    (``session.sqlite.damaged-<UTC>``) and the valid prefix becomes the journal.
    """
    folder = Path(folder)
    session, entries, damage = _rebuild(folder, warn=warn)
    if damage:
        kept = folder / f"{JOURNAL}.damaged-{_utc().strftime('%Y%m%dT%H%M%SZ')}"
        os.replace(folder / JOURNAL, kept)
        if os.path.exists(f"{folder / JOURNAL}-journal"):
            # A hot journal beside the moved file would be applied to the new one: keep it with its file.
            os.replace(f"{folder / JOURNAL}-journal", f"{kept}-journal")
        if warn:
            warn(f"journal damaged: {damage}; the damaged file is kept as {kept.name}")
        journal = Journal(folder / JOURNAL, entries=entries)
    else:
        journal = Journal(folder / JOURNAL)
    session.folder, session.journal = folder, journal
    session._flush()
    return session


def remaining_script(session: Session) -> list[tuple[int, ScriptedDecision]]:
    """The scripted decisions not yet taken or refused, with their index in the script."""
    return [(i, d) for i, d in enumerate(session.script) if i not in session.played]


def play(session: Session, *, pace_s: float = 0.0, echo: Callable[[str], None] | None = None,
         close: bool = True, lang: str = "en") -> Session:
    """Conduct ``session`` with its scripted decision set: each decision is taken when its inject is released.

    Decisions for injects already released are taken first (a resumed or forked session). ``pace_s``
    waits that many wall-clock seconds after each step, so a room can follow a scripted run.
    Refused decisions are journaled as refused and reported through ``echo``; play goes on. ``echo``
    speaks ``lang`` (the injects in the exercise file's translation); the journal is the same in any.
    """
    from facilitator.i18n import translator

    say = echo or (lambda _text: None)
    _ = translator(lang)
    local = None
    if lang != "en":
        from facilitator.i18n.exercise import Local

        local = Local(session, lang)

    def step() -> None:
        if pace_s:
            time.sleep(pace_s)

    def answer(inject_id: str) -> None:
        for i, d in remaining_script(session):
            if d.inject != inject_id:
                continue
            try:
                made = session.decide(d, script_index=i)
            except DecisionError as exc:
                say(_("  refused (%(team)s): %(error)s", team=d.team, error=exc))
            else:
                say(_("  %(id)s %(team)s: %(line)s", id=made.id, team=made.team, line=d.line()))
            step()

    if session.phase == "briefing":
        session.advance_phase("conduct")
        step()
    if session.phase == "conduct":
        for s in session.injects:
            if s.status == "released":
                answer(s.inject.id)
        while True:
            released = session.release_next()
            if released is None:
                break
            if local is None:
                say(f"{released.inject.id} at {_fmt(released.released_s)} ({released.reason}): {released.text}")
            else:
                say(_("%(id)s at %(t)s (%(reason)s): %(text)s", id=released.inject.id, t=local.t(released.released_s),
                      reason=_.gettext(released.reason or ""), text=local.inject_text(released)))
            step()
            answer(released.inject.id)
        for _i, d in remaining_script(session):
            say(_("  not played (%(team)s, %(inject)s): its inject was never released", team=d.team, inject=d.inject))
    if close:
        while session.phase != "closed":
            session.advance_phase()
        write_summary(session)
    return session


def _fmt(t: float | None) -> str:
    from simsoft.units import format_duration

    return format_duration(t) if t is not None else "-"


def write_summary(session: Session) -> Path | None:
    """Write ``summary.md`` (the plain session log) into the session folder."""
    if session.folder is None:
        return None
    path = session.folder / "summary.md"
    path.write_text("\n".join(session.summary_lines()), encoding="utf-8")
    return path


def replay_session(folder: str | os.PathLike[str], *, out: str | os.PathLike[str] | None = None,
                   warn: Warn | None = None) -> tuple[Path, bool | None, str | None]:
    """Rebuild the session in ``folder`` from its journal on a fresh engine and write its records.

    Returns the records file written, whether it is byte-identical to the session's ``events.jsonl``
    (``None`` if the session has none) and the journal damage (``None`` if intact).
    """
    folder = Path(folder)
    session, _, damage = _rebuild(folder, warn=warn)
    target = Path(out) if out else folder / "replay"
    target.mkdir(parents=True, exist_ok=True)
    text = session.events_text()
    written = target / "events.jsonl"
    written.write_text(text, encoding="utf-8")
    original = folder / "events.jsonl"
    same = original.read_text(encoding="utf-8") == text if original.exists() else None
    return written, same, damage


def fork_session(folder: str | os.PathLike[str], *, at: str, choice: str | None = None, team: str | None = None,
                 script: list[ScriptedDecision] | None = None, out_dir: str | os.PathLike[str] | None = None,
                 warn: Warn | None = None) -> Session:
    """A new session that re-runs ``folder`` up to decision ``at`` and takes ``choice`` instead.

    Without ``choice`` the decision is simply not taken. The fork then continues with ``script``
    (decisions for injects still to come) or, by default, with the original's later decisions.
    """
    folder = Path(folder)
    entries, damage = _read(folder, warn)
    if damage:
        raise JournalError(f"{folder / JOURNAL}: {damage}; resume it first to keep the valid part")
    cut = next((i for i, e in enumerate(entries) if e.kind == "decision" and e.body.get("id") == at), None)
    if cut is None:
        known = ", ".join(e.body["id"] for e in entries if e.kind == "decision") or "none"
        raise SessionError(f"no decision {at!r} in {folder} (decisions: {known})")
    original = entries[cut].body
    later = [ScriptedDecision(team=e.body["team"], action=dict(e.body["action"]), rationale=e.body.get("rationale", ""),
                              inject=e.body.get("inject"), after_s=float(e.body.get("after_s", 0.0)))
             for e in entries[cut + 1:] if e.kind in ("decision", "rejected")]
    loaded = _reload(entries[0], folder, warn)
    new_folder = _new_folder(out_dir if out_dir is not None else folder.parent, f"fork-{at}")
    extra = {"forked_from": str(folder), "forked_at": at}
    session = session_class(loaded)(loaded, folder=None, journal=None)
    _execute(session, entries[1:cut])
    if script is None:
        continuation = later
    else:
        released = {s.inject.id for s in session.injects if s.status != "pending"}
        continuation = [d for d in script if d.inject not in released]
    try:
        _keep_inputs(new_folder, loaded, None)
    except OSError as exc:
        raise JournalError(f"{new_folder}: cannot keep copies of the session's input files ({exc}); nothing was started") from None
    journal = Journal.create(new_folder / JOURNAL)
    start = dict(entries[0].body, **extra, mode="scripted", script=_script_body(continuation))
    _keep_start(new_folder, journal.append("start", start))
    for e in entries[1:cut]:
        # Script indices point into the original's script, not the fork's.
        journal.append(e.kind, {k: v for k, v in e.body.items() if k != "script"})
    _manifest(new_folder, loaded, extra)
    session.folder, session.journal, session.start_body = new_folder, journal, start
    session.script, session.played = list(continuation), set()
    session.note(f"fork of {folder.name} at {at}: " + (f"instead: {choice}" if choice else "decision not taken"),
                 inject=original.get("inject"))
    if choice is not None:
        session.decide(parse_line(choice, team=team or original["team"], inject=original.get("inject"),
                                  regional=getattr(loaded, "region", None) is not None))
    session._flush()
    return session
