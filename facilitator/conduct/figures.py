"""Session figures drawn off the critical path: in a worker process, cached by session state.

Drawing the evacuation figure with matplotlib takes 0.2-1.7 s, ten times an inject step, so the
console only hands the records over and moves on. :class:`FigureWorker` keeps one worker process
(a plain ``python`` subprocess at lower priority, so the caller's main script is never
imported again and no thread is forked), sends it the records added since its last request (they are
append-only, so a delta is exact and cheap) through a writer thread, and the worker draws
:func:`simsoft.plots.evacuation_curves` into a temporary file that it renames into place: a figure
file is complete or absent, never half written. matplotlib is imported in the worker only.

A figure is keyed by the session state it shows (simulated time, number of records and samples): a
request for a state already drawn returns the same file, so nothing is drawn twice and no file shows a
state other than the one it is named for (the PNG carries that key in its ``Description`` text).
Nothing here touches the session or its journal; a failure to draw, or a worker that dies, is reported
as a line of text and the exercise goes on.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

from simsoft import RunResult, Simulation
from simsoft.records import Event, Timeseries

__all__ = ["FigureWorker", "FigureError", "state_key", "describe", "FIGURE_FOLDER"]

FIGURE_FOLDER = "figures"
"""Folder of the session folder the figures are written to."""

StateKey = tuple[float, int, int]


class FigureError(Exception):
    """A figure the worker could not draw (the message says why); ``restart`` when its records are unusable."""

    def __init__(self, message: str, *, restart: bool = False) -> None:
        super().__init__(message)
        self.restart = restart


def state_key(sim: Simulation) -> StateKey:
    """What a figure of ``sim`` shows: simulated time (s), number of event records and of samples."""
    return (float(sim.now_s), len(sim.recorder.events), len(sim.recorder.timeseries))


def describe(key: StateKey) -> str:
    """The key as written into the PNG's ``Description`` text.

    >>> describe((60.0, 12, 340))
    'simsoft session state t_s=60.0 events=12 samples=340'
    """
    return f"simsoft session state t_s={key[0]!r} events={key[1]} samples={key[2]}"


@dataclass
class _Job:
    label: str
    path: Path
    future: Future[str]
    reported: bool = False


def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    """The next message, or ``None`` at the end of the stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


class _Process:
    """One worker subprocess with a writer thread (sends never block the caller) and a reader thread."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # so a source checkout imports too
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])]))
        # Lower priority first, before any import: on a busy machine the room's steps come first, figures after.
        boot = "import os\nif hasattr(os, 'nice'): os.nice(10)\nfrom facilitator.conduct.figures import main\nmain()"
        self.proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.futures: dict[int, Future[str]] = {}
        self.lock = threading.Lock()
        self.alive = True
        self._writer = threading.Thread(target=self._write, name="simsoft-figures-writer", daemon=True)
        self._reader = threading.Thread(target=self._read, name="simsoft-figures-reader", daemon=True)
        self._writer.start()
        self._reader.start()

    def submit(self, ident: int, job: dict[str, Any]) -> Future[str]:
        future: Future[str] = Future()
        with self.lock:
            if not self.alive:
                raise FigureError("the figure worker has stopped", restart=True)
            self.futures[ident] = future
        self.outbox.put((ident, job))
        return future

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (item := self.outbox.get()) is not None:
                _send(stdin, item)
        except (OSError, ValueError, pickle.PicklingError):
            self.proc.kill()  # the reader sees the end of the stream and fails what is outstanding
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while (message := _receive(stdout)) is not None:
            ident, ok, value, restart = message
            with self.lock:
                future = self.futures.pop(ident, None)
            if future is not None:
                future.set_result(value) if ok else future.set_exception(FigureError(value, restart=restart))
        code = self.proc.wait()
        with self.lock:
            self.alive = False
            left, self.futures = list(self.futures.values()), {}
        for future in left:
            future.set_exception(FigureError(f"the figure worker stopped (exit code {code})", restart=True))

    def close(self, *, wait: bool) -> None:
        self.outbox.put(None)
        if not wait:
            self.proc.kill()
        self._reader.join()


class FigureWorker:
    """Draws the figures of one simulation into ``folder / 'figures'`` in a background process.

    ``request`` returns at once (it copies the new records: a few milliseconds); ``poll`` gives the
    lines to show about figures that failed since the last call; ``close`` waits for the drawings
    still running (after the exercise, off the critical path) and stops the worker.
    """

    def __init__(self, sim: Simulation, *, folder: Path, lang: str = "en") -> None:
        self.sim = sim
        self.lang = lang
        """The language of the figures' words (:mod:`simsoft.i18n`): the console's."""
        self.folder = Path(folder) / FIGURE_FOLDER
        self._worker: _Process | None = None
        self._sent = (0, 0)
        self._fresh = True
        """The worker has not had the run's constants yet."""
        self._by_key: dict[StateKey, _Job] = {}
        self._jobs: list[_Job] = []

    def start(self) -> None:
        """Start the worker now (it takes a second to import matplotlib), so the first figure is quicker."""
        if self._worker is None:
            try:
                self._worker = _Process()
            except OSError:
                return  # the first request says why
            self._sent = (0, 0)
            self._fresh = True

    def request(self, label: str) -> str:
        """Queue the figure of the simulation's current state as ``label.png``; returns its path (or why none)."""
        key = self._state_key()
        known = self._by_key.get(key)
        if known is not None and not _failed(known.future):
            return str(known.path)  # the same state: the same figure, drawn once
        path = self.folder / f"{label}.png"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            future = self._submit(key, path)
        except Exception as exc:  # a worker that cannot start or has died must not stop the exercise
            self._stop(wait=False)
            return f"no figure ({type(exc).__name__}: {exc})"
        job = _Job(label, path, future)
        self._by_key[key] = job
        self._jobs.append(job)
        return str(path)

    def _state_key(self) -> StateKey:
        """The state a figure of now would show (:func:`state_key`)."""
        return state_key(self.sim)

    def _submit(self, key: StateKey, path: Path) -> Future[str]:
        job: dict[str, Any] = {"key": key, "path": str(path), "lang": self.lang}
        if self._worker is None:
            self._worker = _Process()
            self._sent, self._fresh = (0, 0), True
        if self._fresh:
            job["world"] = (self.sim.scenario, self.sim.seed, self.sim.variant)
        result = self.sim.result()  # metrics from the records so far: about a millisecond
        job["metrics"] = dict(result.metrics)
        rec = self.sim.recorder
        (e0, s0), (e1, s1) = self._sent, key[1:]
        job["events"] = [(e.t_s, e.kind, e.subject, dict(e.values)) for e in rec.events[e0:e1]]
        ts = rec.timeseries
        job["samples"] = (ts.t_s[s0:s1], ts.quantity[s0:s1], ts.subject[s0:s1], ts.value[s0:s1])
        future = self._worker.submit(len(self._jobs), job)
        self._sent, self._fresh = (e1, s1), False
        return future

    def _stop(self, *, wait: bool) -> None:
        if self._worker is not None:
            self._worker.close(wait=wait)
            self._worker = None

    def poll(self) -> list[str]:
        """Lines about figures that could not be drawn, each reported once; a broken worker restarts next time."""
        lines = []
        for job in self._jobs:
            if job.reported or not job.future.done():
                continue
            job.reported = True
            exc = job.future.exception()
            if exc is not None:
                lines.append(f"figure {job.label} not drawn ({exc})")
                if getattr(exc, "restart", False):
                    self._stop(wait=False)  # the next request starts a fresh worker and sends every record
        return lines

    def pending(self) -> int:
        """Figures queued or being drawn."""
        return sum(not j.future.done() for j in self._jobs)

    def close(self, *, wait: bool = True) -> list[str]:
        """Wait for the figures still being drawn (``wait``; else stop at once); returns :meth:`poll`'s lines."""
        self._stop(wait=wait)
        return self.poll()


def _failed(future: Future[str]) -> bool:
    return future.done() and future.exception() is not None


# -- the worker process ---------------------------------------------------------------------------
def _draw(world: dict[str, Any], job: dict[str, Any]) -> str:
    """Append the job's records to ``world``, draw the figure of its key and rename it into its path.

    A regional session's job carries its whole (slim) regional result instead (``region``): its map is drawn."""
    if "region" in job:
        import dataclasses

        from simsoft.plots import region_map

        slim, events = job["region"]
        result = dataclasses.replace(slim, events=tuple(Event(t, kind, subject, MappingProxyType(values))
                                                        for t, kind, subject, values in events))
        return _save(region_map(result, job.get("lang", "en")), job["key"], job["path"])
    if "world" in job:
        scenario, seed, variant = job["world"]
        world.update(scenario=scenario, seed=seed, variant=variant, events=[], timeseries=Timeseries())
    recorded: list[Event] = world["events"]
    recorded.extend(Event(t, kind, subject, MappingProxyType(values)) for t, kind, subject, values in job["events"])
    ts: Timeseries = world["timeseries"]
    for column, new in zip((ts.t_s, ts.quantity, ts.subject, ts.value), job["samples"]):
        column.extend(new)
    key, path = job["key"], job["path"]
    if (len(recorded), len(ts)) != tuple(key[1:]):
        raise FigureError(f"the figure worker holds {len(recorded)} records and {len(ts)} samples, "
                          f"the session {key[1]} and {key[2]}", restart=True)
    from simsoft.plots import evacuation_curves

    result = RunResult(scenario=world["scenario"], seed=world["seed"], variant=world["variant"], events=tuple(recorded),
                       timeseries=ts, metrics=job["metrics"])
    return _save(evacuation_curves(result, lang=job.get("lang", "en")), key, path)


def _save(figure: Any, key: StateKey, path: str) -> str:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        figure.savefig(tmp, format="png", metadata={"Description": describe(key)})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return str(path)


def main() -> None:
    """The worker: read jobs from stdin, draw each, answer ``(id, ok, path or error, restart)`` on stdout."""
    import warnings

    warnings.simplefilter("ignore")  # matplotlib's layout warnings would land in the facilitator's terminal
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    world: dict[str, Any] = {}
    while (message := _receive(sys.stdin.buffer)) is not None:
        ident, job = message
        try:
            answer = (ident, True, _draw(world, job), False)
        except Exception as exc:  # reported to the console as a line; the worker goes on
            answer = (ident, False, f"{type(exc).__name__}: {exc}", bool(getattr(exc, "restart", False)))
        _send(out, answer)


if __name__ == "__main__":
    main()
