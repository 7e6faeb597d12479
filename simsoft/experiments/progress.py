"""A one-line progress indicator with an estimate of the time left, written to stderr.

Kept dependency-free (no tqdm): on a terminal it redraws one line; elsewhere (CI logs) it prints a
line at every tenth of the work. Nothing is printed for work that finishes within ``delay_s``.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "format_clock"]


def format_clock(seconds: float) -> str:
    """``75`` -> ``1:15``; ``3725`` -> ``1:02:05``."""
    s = int(round(max(0.0, seconds)))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished runs out of ``total`` and shows rate and time left."""

    def __init__(self, total: int, *, label: str = "runs", stream: TextIO | None = None, enabled: bool = True,
                 delay_s: float = 1.0, every_s: float = 0.5, at_most: bool = False) -> None:
        self.total = total
        self.at_most = at_most
        """``total`` is a cap the work may stop short of (precision-driven replications): shown as ``up to N``."""
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.delay_s = delay_s
        self.every_s = every_s
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self._tenth = 0
        self._shown = False
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def line(self) -> str:
        """The text shown: ``  412/1000 runs  41 %  12.3 runs/s  elapsed 0:33  left 0:48``."""
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        pct = 100 * self.done / self.total if self.total else 100.0
        eta = format_clock(left) if left == left else "?"
        upto = "up to " if self.at_most else ""
        return (f"{self.done:>{len(str(self.total))}}/{upto}{self.total} {self.label}  {pct:3.0f} %  "
                f"{rate:.1f} {self.label}/s  elapsed {format_clock(elapsed)}  left {upto}{eta}")

    def extend(self, n: int) -> None:
        """Add ``n`` runs to the total (a batch of an adaptive experiment); the tenths restart from the new total.

        >>> import io
        >>> bar = Progress(10, stream=io.StringIO(), delay_s=0.0)
        >>> bar.update(10); bar.extend(10); bar.update(5)
        >>> bar.stream.getvalue().splitlines()[-1].split()[0]
        '15/20'
        """
        self.total += n
        self._tenth = (10 * self.done) // max(1, self.total)

    def update(self, n: int = 1) -> None:
        """Record ``n`` more finished runs and redraw when due."""
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.start < self.delay_s:
            return
        if self._tty:
            if now - self._last >= self.every_s or self.done >= self.total:
                self.stream.write("\r" + self.line() + "\x1b[K")
                self.stream.flush()
                self._last = now
                self._shown = True
        else:
            tenth = (10 * self.done) // max(1, self.total)
            if tenth > self._tenth:
                self._tenth = tenth
                self.stream.write(self.line() + "\n")
                self.stream.flush()
                self._shown = True

    def close(self) -> None:
        """End the line (terminal) so later output starts on a fresh line."""
        if self.enabled and self._shown and self._tty:
            self.stream.write("\n")
            self.stream.flush()
