"""Where outcome and forecast runs go: several arms (scenarios, or regions) over common seeds, in one batch.

:func:`run_arms` runs every arm's replications as one job list, so both cores stay busy from the
first run of the first arm to the last run of the last (no pool start-up and no idle tail per arm).
Every run goes through :func:`simsoft.experiments.executors.run_chunk`, the function the ``sweep``
executors use (a region's arms pass their own ``runner``,
:func:`facilitator.evaluation.regional_outcomes.run_region_chunk`), so a run depends only on its world and
seed and all executors give identical numbers:

* ``serial``: in this process;
* ``processes``: a **warm pool** (:func:`warm_pool`) that lives as long as this process. The web
  console's evaluator page and every forecast of a session reuse it: its start-up is paid once. Arms
  travel as pickled bytes with their digest; a worker unpickles each arm once and keeps it. The pool
  is shut down at interpreter exit (:func:`shutdown`), or by the caller;
* ``dask``: :func:`simsoft.experiments.execute` per arm (a Dask cluster keeps no state between calls).
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import pickle
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from simsoft.errors import SimsoftError
from simsoft.experiments import BASE, Task, chunks, default_workers, execute, run_chunk

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.pool import Pool

    from simsoft.schema import Scenario

__all__ = ["EXECUTORS", "Runner", "run_arms", "unmade", "warm_pool", "shutdown", "pick_executor", "forget"]

EXECUTORS = ("serial", "processes", "dask")

Metrics = dict[str, Any]
Runner = Callable[[Any, Sequence[Task]], list[Any]]
"""Runs a chunk of tasks of one arm (a scenario, or a region) and returns ``(variant, replication, seed, metrics)``
rows: :func:`simsoft.experiments.run_chunk` for a venue. A module-level function, so that it travels to workers."""

_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()
_POOL: dict[str, Any] = {}
"""The warm pool of this process: ``{"pool": Pool, "workers": n}`` once started."""

_WORKER_ARMS: dict[str, "Scenario"] = {}
"""In a worker: arms already unpickled, by digest (a handful per session, bounded below)."""


def pick_executor(runs: int, workers: int | None) -> str:
    """The default executor: the process pool for 40 runs or more on more than one core, else serial
    (a pool costs more than it saves on a handful of runs)."""
    return "processes" if runs >= 40 and (workers or default_workers()) > 1 else "serial"


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group: the parent handles it, workers just get terminated.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(job: tuple[int, str, bytes, list[Task], Runner]) -> tuple[int, list[Any]]:
    arm, digest, blob, chunk, runner = job
    scenario = _WORKER_ARMS.get(digest)
    if scenario is None:
        if len(_WORKER_ARMS) >= 32:
            _WORKER_ARMS.clear()
        scenario = _WORKER_ARMS[digest] = pickle.loads(blob)
    return arm, runner(scenario, chunk)


def warm_pool(*, workers: int) -> "Pool":
    """This process's pool of ``workers`` processes, started on first use and reused afterwards.

    Asking for another size replaces the pool. It uses ``fork`` where the platform has it (as the
    ``processes`` executor does), so a worker starts with simsoft already imported.
    """
    with _LOCK:
        found = _POOL.get("pool")
        if found is not None and _POOL.get("workers") == workers:
            return found
        if found is not None:
            _stop(found)
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = ctx.Pool(processes=workers, initializer=_init_worker)
        _POOL.update(pool=pool, workers=workers)
        return pool


def _stop(pool: "Pool", *, terminate: bool = False) -> None:
    if terminate:
        pool.terminate()
    else:
        pool.close()
    pool.join()
    _POOL.clear()


def shutdown(*, terminate: bool = False) -> None:
    """Stop the warm pool (at exit, or after an interrupted batch); the next :func:`warm_pool` starts a new one."""
    with _LOCK:
        found = _POOL.get("pool")
        if found is not None:
            _stop(found, terminate=terminate)


atexit.register(shutdown)


def _digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


MEMO_RUNS = 20_000
"""Runs remembered by this process (about 2 kB of metrics each)."""

_MEMO: dict[tuple[str, int], Metrics] = {}
"""Metrics of runs already made in this process, by (arm digest, seed): a run depends only on its
scenario and seed, so a forecast's *no further action* and *doctrine* arms asked again at the same
moment, or an outcome arm a forecast already ran, cost nothing the second time."""


def forget() -> None:
    """Forget the remembered runs (benchmarks; memory)."""
    with _LOCK:
        _MEMO.clear()


def unmade(arms: Mapping[str, "Scenario"], seeds: Mapping[str, Sequence[int]]) -> int:
    """How many of the runs ``arms[a]`` over ``seeds[a]`` this process has not made yet (a progress bar's total)."""
    out = 0
    with _LOCK:
        for a, scenario in arms.items():
            digest = _digest(pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL))
            out += sum((digest, s) not in _MEMO for s in seeds[a])
    return out


def run_arms(arms: Mapping[str, "Scenario"], seeds: Sequence[int], *, executor: str = "processes",
             workers: int | None = None, on_start: Callable[[int], None] | None = None,
             on_runs: Callable[[int], None] | None = None, runner: Runner | None = None) -> dict[str, list[Metrics]]:
    """Run every arm over ``seeds`` (replication ``i`` of each arm gets ``seeds[i]``) and return
    ``{arm: [metrics of replication 0, 1, ...]}``.

    ``runner`` runs a chunk of one arm (default :func:`simsoft.experiments.run_chunk`, a venue scenario); the
    remembered runs are keyed by the arm's pickled bytes, so a region's rows never stand for a scenario's.

    Runs this process already made (same arm, same seed) are not made again. ``on_start(n)`` is called
    once with the number of runs to make, ``on_runs(n)`` as batches of ``n`` finish (a progress bar).
    An interrupted batch (Ctrl-C) stops the pool's workers and propagates; the next call starts a fresh pool.
    """
    if executor not in EXECUTORS:
        raise SimsoftError(f"unknown executor {executor!r} (executors: {', '.join(EXECUTORS)})")
    n = default_workers() if workers is None else int(workers)
    if n < 1:
        raise SimsoftError(f"workers must be at least 1, got {n}")
    names = list(arms)
    blobs = {a: pickle.dumps(arms[a], protocol=pickle.HIGHEST_PROTOCOL) for a in names}
    digests = {a: _digest(blobs[a]) for a in names}
    got: dict[str, dict[int, Metrics]] = {a: {} for a in names}
    todo: dict[str, list[Task]] = {}
    with _LOCK:
        for a in names:
            for i, seed in enumerate(seeds):
                found = _MEMO.get((digests[a], seed))
                if found is not None:
                    got[a][i] = found
                else:
                    todo.setdefault(a, []).append(Task(0, BASE, i, seed))
    if on_start is not None:
        on_start(sum(len(t) for t in todo.values()))
    tell = on_runs or (lambda _n: None)

    def keep(arm: str, rows: list[Any]) -> None:
        with _LOCK:
            for _, rep, seed, metrics in rows:
                got[arm][rep] = metrics
                _MEMO[(digests[arm], seed)] = metrics
            while len(_MEMO) > MEMO_RUNS:
                del _MEMO[next(iter(_MEMO))]
        tell(len(rows))

    run = run_chunk if runner is None else runner
    if executor == "processes" and n > 1:
        _pooled([(a, digests[a], blobs[a], todo[a]) for a in todo], workers=n, keep=keep, runner=run)
    elif executor == "dask":
        for arm, tasks in todo.items():
            execute(arms[arm], tasks, executor="dask", workers=n, on_rows=lambda rows, arm=arm: keep(arm, rows),
                    runner=run)
    else:
        for arm, tasks in todo.items():
            for task in tasks:
                keep(arm, run(arms[arm], [task]))
    return {a: [got[a][i] for i in range(len(seeds))] for a in names}


def _pooled(jobs_by_arm: list[tuple[str, str, bytes, list[Task]]], *, workers: int,
            keep: Callable[[str, list[Any]], None], runner: Runner) -> None:
    # Arm-major order, then guided self-scheduling over the whole list: big chunks early, single runs
    # at the very end, so the workers finish together however many arms there are.
    flat = [(k, t) for k, (_, _, _, tasks) in enumerate(jobs_by_arm) for t in tasks]
    jobs = []
    for chunk in chunks(flat, workers=workers):  # type: ignore[arg-type]
        # A chunk may straddle two arms: split it at the boundary (one scenario per job).
        by_arm: dict[int, list[Task]] = {}
        for k, t in chunk:
            by_arm.setdefault(k, []).append(t)
        jobs += [(k, jobs_by_arm[k][1], jobs_by_arm[k][2], ts, runner) for k, ts in by_arm.items()]
    if not jobs:
        return
    with _RUN_LOCK:  # one batch at a time (two browsers asking at once queue, they do not interleave)
        pool = warm_pool(workers=workers)
        try:
            for k, rows in pool.imap_unordered(_work, jobs):
                keep(jobs_by_arm[k][0], rows)
        except BaseException:
            shutdown(terminate=True)
            raise
