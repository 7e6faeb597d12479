"""The session journal: an append-only SQLite file with a hash chain.

Every step of a session is one row written in one transaction, so a crash loses at most the step in
flight. Each row stores the SHA-256 of the previous row's hash and its own content; reading the
journal re-computes the chain, so a damaged or edited journal is detected, the damage is reported,
and the valid prefix (every row before the first bad one) is kept. Triggers refuse UPDATE and
DELETE, so the file is append-only even to a careless tool.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from simsoft.errors import SimsoftError

__all__ = ["Entry", "Journal", "JournalError", "read_journal", "GENESIS"]

GENESIS = "0" * 64
"""The previous-hash of the first row."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    wall_utc TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
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


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _digest(prev: str, seq: int, kind: str, body: str, wall: str) -> str:
    text = "\x1f".join((prev, str(seq), kind, body, wall))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_journal(path: str | os.PathLike[str]) -> tuple[list[Entry], str | None]:
    """The valid entries of the journal at ``path`` and a description of the damage (``None`` if intact).

    Raises :class:`JournalError` if the file does not exist.
    """
    if not os.path.isfile(path):
        raise JournalError(f"{os.fspath(path)}: no session journal here")
    try:
        conn = sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)
    except sqlite3.Error as exc:  # pragma: no cover - connect is lazy in sqlite3
        return [], f"the journal cannot be opened ({exc}); nothing could be kept"
    entries: list[Entry] = []
    prev = GENESIS
    try:
        try:
            count = conn.execute("SELECT max(seq) FROM journal").fetchone()[0] or 0
        except sqlite3.Error as exc:
            return [], f"the journal is not readable SQLite ({exc}); nothing could be kept"
        for seq in range(1, count + 1):
            try:
                row = conn.execute("SELECT seq, kind, body, wall_utc, prev, hash FROM journal WHERE seq = ?", (seq,)).fetchone()
            except sqlite3.Error as exc:
                return entries, f"entry {seq} cannot be read ({exc}); kept the {len(entries)} entries before it"
            if row is None:
                return entries, f"entry {seq} is missing; kept the {len(entries)} entries before it"
            _, kind, body, wall, row_prev, row_hash = row
            if row_prev != prev or _digest(prev, seq, kind, body, wall) != row_hash:
                return entries, f"entry {seq} ({kind}) fails its hash check; kept the {len(entries)} entries before it"
            try:
                data = json.loads(body)
            except ValueError:
                return entries, f"entry {seq} ({kind}) is not valid JSON; kept the {len(entries)} entries before it"
            entries.append(Entry(seq, kind, data, wall, row_prev, row_hash))
            prev = row_hash
    finally:
        conn.close()
    return entries, None


class Journal:
    """An open journal to append to (the last hash is kept so each append is one short transaction)."""

    def __init__(self, path: str | os.PathLike[str], *, entries: list[Entry] | None = None) -> None:
        self.path = os.fspath(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.executescript(_SCHEMA)
        last = self.conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        self.seq, self.last_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        for e in entries or []:
            self._write(e.kind, _canonical(e.body), e.wall_utc)

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> "Journal":
        """A new, empty journal at ``path`` (an existing file is an error)."""
        if os.path.exists(path):
            raise JournalError(f"{os.fspath(path)} already exists; a journal is never overwritten")
        return cls(path)

    def _write(self, kind: str, body: str, wall: str) -> Entry:
        seq = self.seq + 1
        digest = _digest(self.last_hash, seq, kind, body, wall)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO journal (seq, kind, body, wall_utc, prev, hash) VALUES (?, ?, ?, ?, ?, ?)",
                              (seq, kind, body, wall, self.last_hash, digest))
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise JournalError(f"{self.path}: cannot write entry {seq}: {exc}") from None
        entry = Entry(seq, kind, json.loads(body), wall, self.last_hash, digest)
        self.seq, self.last_hash = seq, digest
        return entry

    def append(self, kind: str, body: dict[str, Any]) -> Entry:
        """Write one step in its own transaction and return it."""
        wall = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return self._write(kind, _canonical(body), wall)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()
