"""The session journal: an append-only SQLite file with a keyed, anchored hash chain.

Every step of a session is one row written in one transaction, so a crash loses at most the step in
flight. Each row stores the SHA-256 of the previous row's hash and its own content; reading the
journal re-computes the chain, so a damaged or edited journal is detected, the damage is reported,
and the valid prefix (every row before the first bad one) is kept. Triggers refuse UPDATE and
DELETE, so the file is append-only even to a careless tool.

A bare hash chain stops accidents, not edits: anyone can re-hash. So each journal has a secret key
(``<name>.key``, 32 random bytes, mode 0600, written when the journal is created) and every row also
stores ``mac``, an HMAC-SHA256 of its hash under that key; an edited, re-hashed or appended row
fails it. After every commit the entry count and head hash are written, with their own HMAC, to an
anchor file outside the database (``<name>.anchor.json``, replaced atomically), so deleted last rows
are detected too. The threat model is deliberately modest: this stops tools and casual edits and
detects truncation; someone who holds the key file can still forge a consistent journal and anchor.

Journals written before the key existed (no key file, no ``mac`` column) still open; readers say
that they cannot be verified.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from simsoft.errors import SimsoftError

__all__ = ["Entry", "Journal", "JournalError", "JournalCheck", "check_journal", "read_journal", "key_path", "anchor_path",
           "GENESIS"]

GENESIS = "0" * 64
"""The previous-hash of the first row."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    wall_utc TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT
);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the session journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the session journal is append-only'); END;
"""


class JournalError(SimsoftError):
    """A journal that cannot be read or written."""


@dataclass(frozen=True)
class Entry:
    """One journaled step: its number, kind (``start``, ``release``, ``decision``, ...) and body."""

    seq: int
    kind: str
    body: dict[str, Any]
    wall_utc: str
    prev: str
    hash: str
    mac: str | None = None


@dataclass
class JournalCheck:
    """What a reader found: the entries kept, the damage (``None`` if intact) and notes for the user."""

    entries: list[Entry]
    damage: str | None = None
    notes: list[str] = field(default_factory=list)
    """Things done or not provable that are not damage: a rolled-back crash, an unverifiable journal."""
    verified: bool = False
    """True when every kept entry passed its key check and the anchor."""


def key_path(path: str | os.PathLike[str]) -> str:
    """The key file of the journal at ``path`` (``session.sqlite`` → ``session.key``)."""
    return os.path.splitext(os.fspath(path))[0] + ".key"


def anchor_path(path: str | os.PathLike[str]) -> str:
    """The anchor file of the journal at ``path`` (``session.sqlite`` → ``session.anchor.json``)."""
    return os.path.splitext(os.fspath(path))[0] + ".anchor.json"


def start_copy_path(path: str | os.PathLike[str]) -> str:
    """Where a session keeps a copy of its start row (``inputs/start-entry.json`` beside the journal)."""
    return os.path.join(os.path.dirname(os.path.abspath(path)), "inputs", "start-entry.json")


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _digest(prev: str, seq: int, kind: str, body: str, wall: str) -> str:
    text = "\x1f".join((prev, str(seq), kind, body, wall))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mac(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def _read_key(path: str) -> bytes | None:
    kp = key_path(path)
    if not os.path.exists(kp):
        return None
    try:
        with open(kp, encoding="ascii") as fh:
            return bytes.fromhex(fh.read().strip())
    except (OSError, ValueError) as exc:
        raise JournalError(f"{kp}: the journal's key cannot be read ({exc})") from None


def _write_key(path: str) -> bytes:
    key = secrets.token_bytes(32)
    fd = os.open(key_path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key


def _write_anchor(path: str, key: bytes, count: int, head: str) -> None:
    data = {"entries": count, "head": head, "mac": _mac(key, "anchor", str(count), head)}
    target = anchor_path(path)
    tmp = f"{target}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _connect_for_reading(path: str, notes: list[str]) -> tuple[sqlite3.Connection, str | None]:
    """A connection that can read ``path``, rolling back a crash's hot journal if one is left.

    Read-only first (a reader never changes a healthy file). A hot ``-journal`` makes SQLite need a
    write to roll it back: the files are copied as found (``<name>.recovered-<UTC>``), then one
    read-write open rolls back in place; in a read-only folder the rollback happens in a private
    temporary copy. Returns the connection and a temporary folder to remove (or ``None``).
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    hot = f"{path}-journal"
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, None
    except sqlite3.Error as exc:
        conn.close()
        # Only a hot journal makes a read-only open fail as "readonly"; anything else (not a database,
        # busy) is reported as it is.
        if "readonly" not in str(exc) or not (os.path.exists(hot) and os.path.getsize(hot) > 0):
            raise
    stamp = _stamp()
    kept = f"{path}.recovered-{stamp}"
    try:
        shutil.copy2(path, kept)
        shutil.copy2(hot, f"{kept}-journal")
        where = f"the files as found are kept as {os.path.basename(kept)} and {os.path.basename(kept)}-journal"
    except OSError as exc:
        where = f"the files as found could not be copied ({exc.strerror})"
    try:
        conn = sqlite3.connect(path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        notes.append(f"a crash left an unfinished write (hot journal {os.path.basename(hot)}); SQLite rolled it back, "
                     f"so only that unfinished step is gone; {where}")
        return conn, None
    except sqlite3.Error:
        conn.close()
    tmpdir = tempfile.mkdtemp(prefix="simsoft-journal-")
    copy = os.path.join(tmpdir, os.path.basename(path))
    shutil.copy2(path, copy)
    shutil.copy2(hot, f"{copy}-journal")
    conn = sqlite3.connect(copy)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    notes.append(f"a crash left an unfinished write (hot journal {os.path.basename(hot)}) that cannot be rolled back "
                 f"here (read-only folder); read a rolled-back private copy instead; {where}")
    return conn, tmpdir


def _start_copy(path: str, key: bytes | None) -> Entry | None:
    """The start row kept in ``inputs/start-entry.json``, if it is there and passes its own checks."""
    try:
        with open(start_copy_path(path), encoding="utf-8") as fh:
            row = json.load(fh)
        body = _canonical(row["body"])
        entry = Entry(1, row["kind"], row["body"], row["wall_utc"], row["prev"], row["hash"], row.get("mac"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if entry.kind != "start" or entry.prev != GENESIS or _digest(GENESIS, 1, "start", body, entry.wall_utc) != entry.hash:
        return None
    if key is not None and entry.mac != _mac(key, entry.hash):
        return None
    return entry


def check_journal(path: str | os.PathLike[str]) -> JournalCheck:
    """Read and verify the journal at ``path``: chain, per-row key check, anchor, start copy.

    Raises :class:`JournalError` if the file does not exist.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise JournalError(f"{path}: no session journal here")
    notes: list[str] = []
    key = _read_key(path)
    try:
        conn, tmpdir = _connect_for_reading(path, notes)
    except sqlite3.Error as exc:
        return JournalCheck([], f"the journal is not readable SQLite ({exc}); nothing could be kept", notes)
    entries: list[Entry] = []
    prev = GENESIS
    damage: str | None = None
    try:
        try:
            count = conn.execute("SELECT max(seq) FROM journal").fetchone()[0] or 0
            columns = {r[1] for r in conn.execute("PRAGMA table_info(journal)")}
        except sqlite3.Error as exc:
            return JournalCheck([], f"the journal is not readable SQLite ({exc}); nothing could be kept", notes)
        keyed = "mac" in columns
        signed = keyed and bool(conn.execute("SELECT count(mac) FROM journal").fetchone()[0])
        query = f"SELECT seq, kind, body, wall_utc, prev, hash, {'mac' if keyed else 'NULL'} FROM journal WHERE seq = ?"
        for seq in range(1, count + 1):
            kept = f"kept the {len(entries)} entries before it"
            try:
                row = conn.execute(query, (seq,)).fetchone()
            except sqlite3.Error as exc:
                damage = f"entry {seq} cannot be read ({exc}); {kept}"
                break
            if row is None:
                damage = f"entry {seq} is missing; {kept}"
                break
            _, kind, body, wall, row_prev, row_hash, row_mac = row
            bad = None
            data: Any = None
            if row_prev != prev or _digest(prev, seq, kind, body, wall) != row_hash:
                bad = f"entry {seq} ({kind}) fails its hash check"
            elif key is not None and (row_mac is None or not hmac.compare_digest(str(row_mac), _mac(key, row_hash))):
                bad = f"entry {seq} ({kind}) fails its key check (written or re-hashed outside simsoft)"
            else:
                try:
                    data = json.loads(body)
                except ValueError:
                    bad = f"entry {seq} ({kind}) is not valid JSON"
            if bad and seq == 1:
                copy = _start_copy(path, key)
                if copy is not None:
                    notes.append(f"{bad}; restored it from inputs/start-entry.json")
                    damage = damage or f"{bad}; restored from inputs/start-entry.json"
                    entries.append(copy)
                    prev = copy.hash
                    continue
            if bad:
                damage = f"{bad}; {kept}"
                break
            entries.append(Entry(seq, kind, data, wall, row_prev, row_hash, row_mac))
            prev = row_hash
    finally:
        conn.close()
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    if damage and "restored from" in damage and len(entries) == count:
        damage = f"{damage}; kept all {count} entries"
    verified = False
    if key is None:
        if signed:
            notes.append(f"the key file {os.path.basename(key_path(path))} is missing: the journal cannot be verified against edits")
        else:
            notes.append("this journal was written without a key (an earlier simsoft): it cannot be verified against edits "
                         "or truncation")
    else:
        anchor, why = _read_anchor(path, key)
        if anchor is None:
            notes.append(f"{why}: deleted last entries could not be detected")
        else:
            n, head = anchor
            if len(entries) < n and damage is None:
                damage = (f"the journal ends at entry {len(entries)} but its anchor records {n} entries: "
                          f"entries {len(entries) + 1} to {n} were deleted; kept the {len(entries)} entries before them")
            elif len(entries) >= n and n and entries[n - 1].hash != head and damage is None:
                damage = f"entry {n} differs from the anchor; kept the {n - 1} entries before it"
                entries = entries[: n - 1]
            verified = damage is None
    return JournalCheck(entries, damage, notes, verified)


def _read_anchor(path: str, key: bytes) -> tuple[tuple[int, str] | None, str]:
    name = os.path.basename(anchor_path(path))
    try:
        with open(anchor_path(path), encoding="utf-8") as fh:
            data = json.load(fh)
        n, head, mac = int(data["entries"]), str(data["head"]), str(data["mac"])
    except FileNotFoundError:
        return None, f"the anchor file {name} is missing"
    except (OSError, ValueError, KeyError, TypeError):
        return None, f"the anchor file {name} is not readable"
    if not hmac.compare_digest(mac, _mac(key, "anchor", str(n), head)):
        return None, f"the anchor file {name} fails its key check"
    return (n, head), ""


def read_journal(path: str | os.PathLike[str]) -> tuple[list[Entry], str | None]:
    """The valid entries of the journal at ``path`` and a description of the damage (``None`` if intact).

    Raises :class:`JournalError` if the file does not exist. :func:`check_journal` also says what was
    done to read it and whether it could be verified.
    """
    check = check_journal(path)
    return check.entries, check.damage


class Journal:
    """An open journal to append to (the last hash is kept so each append is one short transaction)."""

    def __init__(self, path: str | os.PathLike[str], *, entries: list[Entry] | None = None,
                 key: bytes | None = None) -> None:
        self.path = os.fspath(path)
        self.key = key if key is not None else _read_key(self.path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            self.conn.execute("PRAGMA journal_mode=DELETE")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(_SCHEMA)
            self.keyed = "mac" in {r[1] for r in self.conn.execute("PRAGMA table_info(journal)")}
            last = self.conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            self.conn.close()
            raise JournalError(f"{self.path}: cannot open the journal for writing: {exc}") from None
        self.seq, self.last_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        for e in entries or []:
            self._write(e.kind, _canonical(e.body), e.wall_utc)
        if self.key is not None and not entries:
            self._anchor()

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> "Journal":
        """A new, empty journal at ``path`` with a new key (an existing file is an error)."""
        if os.path.exists(path):
            raise JournalError(f"{os.fspath(path)} already exists; a journal is never overwritten")
        try:
            key = _write_key(os.fspath(path))
        except FileExistsError:
            raise JournalError(f"{key_path(path)} already exists; a journal key is never overwritten") from None
        except OSError as exc:
            raise JournalError(f"{key_path(path)}: cannot write the journal's key: {exc.strerror}") from None
        return cls(path, key=key)

    def _anchor(self) -> None:
        assert self.key is not None
        try:
            _write_anchor(self.path, self.key, self.seq, self.last_hash)
        except OSError:
            # The entry is committed and keyed; a reader accepts keyed rows past a stale anchor, so a
            # failed anchor only weakens truncation detection until the next write succeeds.
            pass

    def _write(self, kind: str, body: str, wall: str) -> Entry:
        seq = self.seq + 1
        digest = _digest(self.last_hash, seq, kind, body, wall)
        mac = _mac(self.key, digest) if self.key is not None and self.keyed else None
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.keyed:
                self.conn.execute("INSERT INTO journal (seq, kind, body, wall_utc, prev, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  (seq, kind, body, wall, self.last_hash, digest, mac))
            else:
                self.conn.execute("INSERT INTO journal (seq, kind, body, wall_utc, prev, hash) VALUES (?, ?, ?, ?, ?, ?)",
                                  (seq, kind, body, wall, self.last_hash, digest))
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise JournalError(f"{self.path}: cannot write entry {seq}: {exc}") from None
        entry = Entry(seq, kind, json.loads(body), wall, self.last_hash, digest, mac)
        self.seq, self.last_hash = seq, digest
        if self.key is not None:
            self._anchor()
        return entry

    def append(self, kind: str, body: dict[str, Any]) -> Entry:
        """Write one step in its own transaction and return it."""
        wall = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return self._write(kind, _canonical(body), wall)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()
