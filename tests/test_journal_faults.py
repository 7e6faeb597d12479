"""Fault injection on the session journal: kill -9, hot journals, a full disk, a read-only journal, edits.

Every fault must end in full recovery or in a clear report of what was kept, never in silent
acceptance. ``SIMSOFT_KILL_ITERATIONS`` sets how many random kill -9 points are tried (3 by default).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import facilitator.conduct.journal as journal_mod
from facilitator.cli import exercise
from facilitator.conduct.journal import JournalError, _digest, check_journal, read_journal
from facilitator.conduct.session import SessionError, events_jsonl
from facilitator.conduct.store import open_session, play, replay_session, start_session
from facilitator.exercise.decisions import load_decisions
from facilitator.exercise.loader import load_exercise

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"
DECISIONS = ROOT / "scenarios" / "exercises" / "community-hall-decisions.yaml"
ITERATIONS = int(os.environ.get("SIMSOFT_KILL_ITERATIONS", "3"))


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


@pytest.fixture(scope="module")
def whole(loaded, tmp_path_factory):
    """The events of an undisturbed scripted run: what every recovered session must equal."""
    session = play(start_session(loaded, out_dir=tmp_path_factory.mktemp("whole"), script=load_decisions(DECISIONS)))
    session.journal.close()
    return (session.folder / "events.jsonl").read_bytes()


def _played(loaded, tmp_path, *, close=True):
    session = play(start_session(loaded, out_dir=tmp_path, script=load_decisions(DECISIONS)), close=close)
    session.journal.close()
    return session.folder


def _cli(*args):
    res = CliRunner().invoke(exercise, [str(a) for a in args])
    return res, res.output  # stdout and stderr, as the user sees them


def _rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT seq, kind, body, wall_utc, prev, hash, mac FROM journal ORDER BY seq").fetchall()


# -- kill -9 -----------------------------------------------------------------------------------------------
def test_kill_9_at_random_points_loses_no_accepted_decision(tmp_path, whole):
    """SIGKILL a paced scripted CLI run at random moments; every decision it announced survives, resume completes."""
    rng = random.Random(int(os.environ.get("SIMSOFT_KILL_SEED", "15")))
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for i in range(ITERATIONS):
        out = tmp_path / f"kill{i}"
        cmd = [sys.executable, "-c", "from simsoft.cli import main; main()", "exercise", "start", str(EXERCISE),
               "--decisions", str(DECISIONS), "--out", str(out), "--pace", "0.05"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        early = b""
        if i % 2:  # at a random moment of the wall clock (start-up, play or close)
            time.sleep(rng.uniform(0.8, 4.0))
        else:  # surely mid-play: just after the k-th announced decision, within the next step's write
            k, waited = rng.randint(1, 7), time.monotonic() + 60
            while early.count(b"\n  D") < k and time.monotonic() < waited:
                chunk = proc.stdout.read1(4096) if proc.stdout else b""
                if not chunk:
                    break
                early += chunk
            time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        seen = (early + proc.communicate(timeout=30)[0]).decode()
        if i % 2 == 0:
            assert "session closed" not in seen, seen
        told = re.findall(r"^  (D\d+) \w+:", seen, flags=re.M)
        found = sorted(p.parent for p in out.rglob("session.sqlite"))
        if not found or not read_journal(found[0] / "session.sqlite")[0]:
            assert not told, f"iteration {i}: decisions announced but no journal: {seen}"
            continue
        folder = found[0]
        kept = [e.body["id"] for e in read_journal(folder / "session.sqlite")[0] if e.kind == "decision"]
        assert set(told) <= set(kept), f"iteration {i}: told {told}, journal has {kept}"
        res, text = _cli("resume", folder)
        assert res.exit_code == 0, text
        assert (folder / "events.jsonl").read_bytes() == whole, f"iteration {i}: resumed run differs"
        res, text = _cli("replay", folder)
        assert res.exit_code == 0 and "identical" in text, text


# -- hot journal ---------------------------------------------------------------------------------------
def _leave_hot_journal(folder: Path) -> Path:
    """Copy the session folder while a write transaction is open: what kill -9 mid-commit leaves."""
    crashed = folder.parent / (folder.name + "-crashed")
    conn = sqlite3.connect(folder / "session.sqlite", isolation_level=None)
    conn.execute("PRAGMA cache_size=1")  # spill to the file mid-transaction, as a large commit does
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO journal (seq, kind, body, wall_utc, prev, hash) VALUES (9999, 'note', ?, '', '', '')",
                 ("x" * 400_000,))
    shutil.copytree(folder, crashed)
    conn.execute("ROLLBACK")
    conn.close()
    assert (crashed / "session.sqlite-journal").stat().st_size > 0
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        sqlite3.connect(f"file:{crashed / 'session.sqlite'}?mode=ro", uri=True).execute("SELECT 1 FROM journal").fetchone()
    return crashed


def test_a_hot_journal_is_rolled_back_and_the_files_kept(tmp_path, loaded, whole):
    folder = _played(loaded, tmp_path, close=False)
    n = len(read_journal(folder / "session.sqlite")[0])
    crashed = _leave_hot_journal(folder)
    res, text = _cli("replay", crashed)
    assert res.exit_code == 0, text
    assert "hot journal" in text and "rolled it back" in text and "identical" in text
    assert [p.name for p in crashed.iterdir() if p.name.startswith("session.sqlite.recovered-")]
    assert not (crashed / "session.sqlite-journal").exists()
    check = check_journal(crashed / "session.sqlite")
    assert check.damage is None and check.verified and len(check.entries) == n
    res, text = _cli("resume", crashed)
    assert res.exit_code == 0, text
    assert (crashed / "events.jsonl").read_bytes() == whole


def test_a_hot_journal_that_cannot_be_rolled_back_in_place_is_read_from_a_private_copy(tmp_path, loaded, monkeypatch):
    """A read-only folder, simulated so that it holds under root too: the in-place open can only read."""
    folder = _played(loaded, tmp_path, close=False)
    n = len(read_journal(folder / "session.sqlite")[0])
    crashed = _leave_hot_journal(folder)
    target = str(crashed / "session.sqlite")
    real = sqlite3.connect

    class _Shim:
        Error = sqlite3.Error

        @staticmethod
        def connect(path, *args, **kwargs):
            if path == target:
                return real(f"file:{target}?mode=ro", uri=True)
            return real(path, *args, **kwargs)

    monkeypatch.setattr(journal_mod, "sqlite3", _Shim)
    check = check_journal(target)
    assert check.damage is None and len(check.entries) == n
    assert any("cannot be rolled back here (read-only folder); read a rolled-back private copy" in x for x in check.notes)
    assert (crashed / "session.sqlite-journal").exists()  # the folder was left as it was


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores a read-only folder")
def test_a_hot_journal_in_a_read_only_folder_is_read_from_a_private_copy(tmp_path, loaded):
    folder = _played(loaded, tmp_path, close=False)
    crashed = _leave_hot_journal(folder)
    crashed.chmod(0o555)
    try:
        check = check_journal(crashed / "session.sqlite")
        assert check.damage is None and any("private copy" in n for n in check.notes)
    finally:
        crashed.chmod(0o755)


# -- write failures: write-ahead ---------------------------------------------------------------------------
class _FullDisk:
    """A connection whose INSERTs fail as on a full disk (everything else goes to the real one)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _world(session):
    return (events_jsonl(session.sim), len(session.sim._pending), [d.id for d in session.decisions],
            sorted(session.played), [(s.inject.id, s.status) for s in session.injects], session.journal.seq)


def test_disk_full_refuses_the_decision_and_leaves_the_world_unchanged(tmp_path, loaded, whole):
    script = load_decisions(DECISIONS)
    session = start_session(loaded, out_dir=tmp_path, script=script)
    session.advance_phase("conduct")
    session.release_next()
    before = _world(session)
    real = session.journal.conn
    session.journal.conn = _FullDisk(real)
    with pytest.raises(JournalError, match=r"not accepted, nothing was changed \(venue's decision .*database or disk is full"):
        session.decide(script[0], script_index=0)
    assert _world(session) == before
    for step in (lambda: session.note("hello"), session.pause):
        with pytest.raises(JournalError, match="not accepted, nothing was changed"):
            step()
    assert _world(session) == before and not session.paused and not session.notes
    # A refused release leaves every inject as it was; the engine may have run ahead to the inject's
    # time, which replay re-derives from the entries, so the retry releases the same inject at the same time.
    session.journal.conn = real  # the disk has room again: the same decision is taken as if nothing happened
    play(session)
    session.journal.close()
    assert (session.folder / "events.jsonl").read_bytes() == whole
    assert replay_session(session.folder)[1:] == (True, None)


def test_a_refused_release_allows_only_its_retry(tmp_path, loaded):
    script = load_decisions(DECISIONS)
    session = start_session(loaded, out_dir=tmp_path, script=script)
    session.advance_phase("conduct")
    session.release_next()
    session.decide(script[0], script_index=0)
    before = _world(session)
    real = session.journal.conn
    session.journal.conn = _FullDisk(real)
    with pytest.raises(JournalError, match=r"not accepted, nothing was changed \(release of I2\)"):
        session.release_next()
    # Every inject is as it was; the engine ran ahead to I2's time, so nothing but the retry may follow.
    assert _world(session)[2:] == before[2:] and session.now_s == 150.0
    session.journal.conn = real
    with pytest.raises(SessionError, match=r"the last step \(release next\) could not be journaled.*retry it"):
        session.decide(script[1], script_index=1)
    with pytest.raises(SessionError, match="retry it"):
        session.note("too early")
    assert session.release_next().inject.id == "I2"
    play(session)
    session.journal.close()
    assert replay_session(session.folder)[1:] == (True, None)


def test_disk_full_through_the_cli_tells_the_team_and_resume_stays_in_step(tmp_path, monkeypatch, whole):
    original = journal_mod.Journal._write

    def write(self, kind, body, wall):
        if kind == "decision" and self.seq >= 4:  # the first decision after a few steps: "cannot write entry 5"
            real, self.conn = self.conn, _FullDisk(self.conn)
            try:
                return original(self, kind, body, wall)
            finally:
                self.conn = real
        return original(self, kind, body, wall)

    monkeypatch.setattr(journal_mod.Journal, "_write", write)
    res, text = _cli("start", EXERCISE, "--decisions", DECISIONS, "--out", tmp_path)
    assert res.exit_code == 1
    assert "not accepted, nothing was changed" in text and "database or disk is full" in text
    monkeypatch.setattr(journal_mod.Journal, "_write", original)
    folder = next(p.parent for p in tmp_path.rglob("session.sqlite"))
    res, text = _cli("replay", folder)
    assert res.exit_code == 0 and "identical" in text, text  # journal and records agree: no desync
    res, text = _cli("resume", folder)
    assert res.exit_code == 0, text
    assert (folder / "events.jsonl").read_bytes() == whole


def test_a_read_only_journal_refuses_steps_and_changes_nothing(tmp_path, loaded):
    script = load_decisions(DECISIONS)
    session = start_session(loaded, out_dir=tmp_path, script=script)
    session.advance_phase("conduct")
    session.release_next()
    before = _world(session)
    session.journal.conn.close()
    session.journal.conn = sqlite3.connect(f"file:{session.folder / 'session.sqlite'}?mode=ro", uri=True,
                                           isolation_level=None)
    with pytest.raises(JournalError, match="not accepted, nothing was changed.*readonly database"):
        session.decide(script[0], script_index=0)
    assert _world(session) == before
    session.journal.close()


# -- edits ---------------------------------------------------------------------------------------------
def test_deleted_last_rows_are_reported_by_every_reader(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    path = folder / "session.sqlite"
    total = len(read_journal(path)[0])
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER journal_no_delete")
        conn.execute("DELETE FROM journal WHERE seq > ?", (total - 3,))
    expected = f"entries {total - 2} to {total} were deleted; kept the {total - 3} entries before them"
    assert expected in read_journal(path)[1]
    for args in (["replay", folder], ["report", folder, "--log"], ["report", folder, "-n", "0"]):
        res, text = _cli(*args)
        assert expected in text, (args, text)
    warnings: list[str] = []
    resumed = open_session(folder, warn=warnings.append)
    assert any(expected in w and "damaged-" in w for w in warnings)
    resumed.journal.close()
    assert read_journal(path) [1] is None and len(read_journal(path)[0]) == total - 3


def test_an_appended_row_with_a_recomputed_hash_is_refused(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    path = folder / "session.sqlite"
    rows = _rows(path)
    seq, prev, mac = rows[-1][0] + 1, rows[-1][5], rows[-1][6]
    body = json.dumps({"id": "D99", "team": "venue", "action": {"do": "alert"}, "rationale": "forged"})
    wall = "2026-01-01T00:00:00.000000Z"
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO journal VALUES (?, 'decision', ?, ?, ?, ?, ?)",
                     (seq, body, wall, prev, _digest(prev, seq, "decision", body, wall), mac))
    entries, damage = read_journal(path)
    assert damage == f"entry {seq} (decision) fails its key check (written or re-hashed outside simsoft); kept the {seq - 1} entries before it"
    assert len(entries) == seq - 1
    res, text = _cli("report", folder, "--log")
    assert "journal damaged" in text and "D99" not in text


def test_a_rewritten_and_rehashed_rationale_is_refused(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    path = folder / "session.sqlite"
    rows = _rows(path)
    target = next(r[0] for r in rows if r[1] == "decision")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER journal_no_update")
        prev = rows[target - 2][5]
        for seq, kind, body, wall, _, _, _ in rows[target - 1:]:
            if seq == target:
                data = json.loads(body)
                data["rationale"] = "we always planned this"
                body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = _digest(prev, seq, kind, body, wall)
            conn.execute("UPDATE journal SET body = ?, prev = ?, hash = ? WHERE seq = ?", (body, prev, digest, seq))
            prev = digest
    entries, damage = read_journal(path)
    assert damage.startswith(f"entry {target} (decision) fails its key check") and len(entries) == target - 1
    res, text = _cli("replay", folder)
    assert "journal damaged" in text and f"entry {target} (decision) fails its key check" in text


def test_a_flipped_byte_in_the_start_row_is_restored_from_the_copy(tmp_path, loaded, whole):
    folder = _played(loaded, tmp_path)
    path = folder / "session.sqlite"
    total = len(read_journal(path)[0])
    raw = bytearray(path.read_bytes())
    at = raw.find(b'"mode":"scripted"')
    assert at > 0
    raw[at + 9] ^= 0x01  # "scripted" -> "rcripted": a single bit
    path.write_bytes(bytes(raw))
    check = check_journal(path)
    assert "entry 1 (start) fails its hash check; restored from inputs/start-entry.json" in check.damage
    assert len(check.entries) == total and check.entries[0].body["mode"] == "scripted"
    res, text = _cli("replay", folder)
    assert res.exit_code == 0 and "identical" in text and "restored it from inputs/start-entry.json" in text, text
    warnings: list[str] = []
    open_session(folder, warn=warnings.append).journal.close()
    assert read_journal(path)[1] is None and len(read_journal(path)[0]) == total
    # without the copy the loss is reported, never silent
    raw = bytearray(path.read_bytes())
    raw[raw.find(b'"mode":"scripted"') + 9] ^= 0x01
    path.write_bytes(bytes(raw))
    (folder / "inputs" / "start-entry.json").unlink()
    res, text = _cli("replay", folder)
    assert res.exit_code == 1 and "no usable start entry: entry 1 (start) fails its hash check" in text


def test_a_missing_anchor_or_key_is_reported_not_ignored(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    (folder / "session.anchor.json").unlink()
    assert any("anchor file session.anchor.json is missing" in n for n in check_journal(folder / "session.sqlite").notes)
    (folder / "session.key").unlink()
    check = check_journal(folder / "session.sqlite")
    assert not check.verified and any("key file session.key is missing" in n for n in check.notes)


def test_the_key_file_is_private(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    assert (folder / "session.key").stat().st_mode & 0o777 == 0o600
    anchor = json.loads((folder / "session.anchor.json").read_text())
    assert anchor["entries"] == len(read_journal(folder / "session.sqlite")[0])


def test_a_session_of_the_previous_version_opens_with_a_warning(tmp_path, loaded):
    folder = _played(loaded, tmp_path)
    path = folder / "session.sqlite"
    rows = _rows(path)
    path.unlink()
    for name in ("session.key", "session.anchor.json"):
        (folder / name).unlink()
    shutil.rmtree(folder / "inputs")
    with sqlite3.connect(path) as conn:  # the old schema: no mac column
        conn.execute("CREATE TABLE journal (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, "
                     "wall_utc TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)")
        conn.executemany("INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?)", [r[:6] for r in rows])
    res, text = _cli("replay", folder)
    assert res.exit_code == 0 and "identical" in text, text
    assert "written without a key (an earlier simsoft): it cannot be verified" in text


def test_changed_or_moved_inputs_use_the_copies_kept_at_start(tmp_path, whole):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "scenarios", src)
    moved = load_exercise(src / "exercises" / "community-hall.yaml")
    session = play(start_session(moved, out_dir=tmp_path / "out", script=load_decisions(src / "exercises" / "community-hall-decisions.yaml"),
                                 extra={"decisions_file": str(src / "exercises" / "community-hall-decisions.yaml")}))
    session.journal.close()
    folder = session.folder
    index = json.loads((folder / "inputs" / "inputs.json").read_text())
    assert {Path(f["original"]).name for f in index["files"]} >= {"community-hall.yaml", "community-hall-incident.yaml",
                                                                  "community-hall-decisions.yaml"}
    with open(src / "exercises" / "community-hall.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# edited after the session\n")
    res, text = _cli("replay", folder)
    assert res.exit_code == 0 and "identical" in text, text
    assert "changed since the session started; using the copies kept in inputs/" in text
    shutil.rmtree(src)
    res, text = _cli("replay", folder)
    assert res.exit_code == 0 and "identical" in text and "is gone; using the copies" in text, text
    assert hashlib.sha256((folder / "events.jsonl").read_bytes()).digest() == hashlib.sha256(whole).digest()
