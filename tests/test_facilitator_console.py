"""The interactive console driven for real in a pseudo-terminal (stdlib ``pty``), killed and resumed."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facilitator.conduct.journal import read_journal

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """A child process on a pty: type into it, wait for text to appear."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = dict(os.environ, TERM="xterm", COLUMNS="200", LINES="50", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-c", "from simsoft.cli import main; main()", *args], stdin=slave,
                                     stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} did not appear; the terminal shows:\n{self.seen[-3000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} did not appear before the end; the terminal shows:\n{self.seen[-3000:]}")
                self.seen += chunk.decode("utf-8", "replace")
        at = self.seen.index(text) + len(text)
        before, self.seen = self.seen[:at], self.seen[at:]
        return before

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def line(self, text: str) -> None:
        self.send(text + "\r")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def test_console_in_a_terminal_with_completion_then_kill_9_and_resume(tmp_path):
    term = Terminal(["exercise", "start", str(EXERCISE), "--out", "sessions"], tmp_path)
    try:
        term.expect("facilitator> ")
        term.line("")  # Enter releases the next inject
        shown = term.expect("venue> ")
        assert "== I1 (Pre-incident and information sharing) at 0 s [scheduled] radio" in shown
        assert "450 people on site" in shown and "t=0 s  inside=450" in shown and "-- figure: " in shown
        term.send("clo\t")  # tab completion of the verb, the parameter and the id
        term.expect("close")
        term.send(" conn\t")
        term.expect("connection=")
        term.send("courtyard_g\t")
        term.expect("courtyard_gate")
        term.line(" -- keep the incident out of the courtyard")
        term.expect("D1 applied at 0 s: close connection=courtyard_gate")
        term.expect("venue> ")
        term.line("evacuate zones=atrium")
        term.expect("refused: evacuate: unknown zone 'atrium'")
        term.expect("venue> ")
        term.line("sitrep")
        assert "no report of an incident has reached you" in term.expect("venue> ")
        term.line("")
        term.expect("facilitator> ")
        term.line("pause")
        term.expect("paused> ")
        term.line("next")
        term.expect("error: the session is paused; resume it first")
        term.expect("paused> ")
        term.line("resume")
        term.expect("facilitator> ")
        term.line("next")
        assert "== I2 (Incident and response) at 2 min 30 s" in term.expect("venue> ")
        term.line("alert zones=all -- tell everyone")
        term.expect("D2 applied at 2 min 30 s")
        term.expect("venue> ")
        # a crash in the middle of the venue's turn
        term.proc.send_signal(signal.SIGKILL)
        term.proc.wait(timeout=10)
    finally:
        term.close()
    folder = next(p.parent for p in (tmp_path / "sessions").rglob("session.sqlite"))
    kinds = [e.kind for e in read_journal(folder / "session.sqlite")[0]]
    assert kinds == ["start", "phase", "release", "decision", "rejected", "pause", "resume", "release", "decision"]

    term = Terminal(["exercise", "resume", str(folder)], tmp_path)
    try:
        assert "resumed" in term.expect("facilitator> ")
        term.line("sitrep venue")
        assert "your actions: 0 s close\r" in term.expect("facilitator> ")  # the alert takes effect when the clock moves
        term.line("status")
        assert "I2c    cancelled" in term.expect("facilitator> ")
        term.line("end")
        term.expect("hot wash> ")
        term.line("venue: the PA message came late")
        term.expect("noted")
        term.expect("hot wash> ")
        term.line("close")
        term.expect("session closed; log: ")
        term.proc.wait(timeout=30)
    finally:
        term.close()
    entries = read_journal(folder / "session.sqlite")[0]
    assert [e.kind for e in entries][-4:] == ["phase", "note", "phase", "phase"]
    assert entries[-1].body["to"] == "closed"
    assert "venue: the PA message came late" in (folder / "summary.md").read_text(encoding="utf-8")
