"""Where replications run: ``serial``, ``processes`` (a local process pool) or ``dask`` (a cluster).

Every executor runs the same :class:`~simsoft.experiments.design.Task` list through the same
:func:`run_chunk`, and a run depends only on its scenario, variant and seed, so all three give
identical numbers; only the order in which results arrive differs (the writer sorts them).
Workers return metrics only, never event logs, so memory stays flat however many runs there are.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from simsoft.errors import SimsoftError
from simsoft.experiments.design import BASE, Task
from simsoft.schema import Scenario

__all__ = ["EXECUTORS", "Row", "Runner", "execute", "run_chunk", "default_workers"]

EXECUTORS = ("serial", "processes", "dask")
"""Names accepted by :func:`execute`."""

Row = tuple[int, int, int, dict[str, Any]]
"""One finished run: (variant index, replication, seed, metrics)."""


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


_RESOLVED: dict[tuple[int, str], Scenario] = {}
"""Per-process cache of resolved variants (keyed by the base scenario's id), so a worker applies a variant once."""


def _resolved(scenario: Scenario, variant: str) -> Scenario:
    if variant == BASE:
        return scenario
    key = (id(scenario), variant)
    found = _RESOLVED.get(key)
    if found is None:
        from simsoft.loader import apply_variant

        if len(_RESOLVED) > 64:
            _RESOLVED.clear()
        found = _RESOLVED[key] = apply_variant(scenario, variant)
    return found


def run_chunk(scenario: Scenario, chunk: Sequence[Task]) -> list[Row]:
    """Run ``chunk`` and return one metrics row per task (the event logs are dropped here).

    The runs are lean (``Simulation(..., lean=True)``): they keep only what their metrics read.
    """
    from simsoft.engine import Simulation

    rows: list[Row] = []
    # A finished run is garbage held together by reference cycles (SimPy processes and the models they
    # drive). The collector is paused for the chunk and a young-generation pass after each run frees
    # it: that pass visits about one run's objects, where the automatic collections would visit them
    # more than once (and the long-lived ones too) at moments set by allocation counts.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for task in chunk:
            resolved = _resolved(scenario, task.variant)
            if task.overrides:
                from simsoft.loader import with_overrides

                resolved = with_overrides(resolved, dict(task.overrides), note=f" (parameter set {task.replication})")
            sim = Simulation(resolved, seed=task.seed, variant=None if task.variant == BASE else task.variant, lean=True)
            sim.run_to_end()
            rows.append((task.variant_index, task.replication, task.seed, sim.result().metrics))
            del sim
            gc.collect(1)
    finally:
        if was_enabled:
            gc.enable()
    return rows


def chunks(tasks: Sequence[Task], *, workers: int, largest: int = 16, tail: int = 4) -> list[list[Task]]:
    """Split tasks into chunks of at most ``largest`` runs that shrink toward the end.

    Each chunk takes about ``remaining / (tail x workers)`` runs (guided self-scheduling): big chunks
    while much work remains (little messaging per run), single runs at the end, so the workers finish
    within about one run of each other instead of one waiting for the other's last big chunk.
    """
    per = max(1, tail * max(1, workers))
    out: list[list[Task]] = []
    i, n = 0, len(tasks)
    while i < n:
        size = max(1, min(largest, (n - i) // per))
        out.append(list(tasks[i : i + size]))
        i += size
    return out


Runner = Callable[[Any, Sequence[Task]], list[Row]]
"""Runs a chunk of tasks of one model (``run_chunk`` for a scenario; regions bring their own): a module-level
function, so that processes and Dask workers can be handed it."""


def _serial(scenario: Scenario, tasks: Sequence[Task], *, runner: Runner = run_chunk, **_: Any) -> Iterator[list[Row]]:
    for task in tasks:
        yield runner(scenario, [task])


_WORKER_SCENARIO: list[Any] = []


def _init_worker(scenario: Scenario, runner: Runner = run_chunk) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it, workers just get terminated.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_SCENARIO[:] = [scenario, runner]


def _pool_chunk(chunk: list[Task]) -> list[Row]:
    return _WORKER_SCENARIO[1](_WORKER_SCENARIO[0], chunk)


def _processes(scenario: Scenario, tasks: Sequence[Task], *, workers: int, runner: Runner = run_chunk,
               **_: Any) -> Iterator[list[Row]]:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ctx.Pool(processes=workers, initializer=_init_worker, initargs=(scenario, runner))
    try:
        for rows in pool.imap_unordered(_pool_chunk, chunks(tasks, workers=workers)):
            yield rows
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


_LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings while simsoft runs its own local cluster. The statistical profiler (a stack sample every
10 ms in each worker), the 20 ms event-loop tick and the 0.5 s system monitor feed the dashboard, which
this cluster does not have; on a 2-core machine they took about 5 % of the experiment's time. A cluster
reached by ``--scheduler`` keeps its own settings."""


def _dask(scenario: Scenario, tasks: Sequence[Task], *, workers: int, scheduler: str | None = None,
          runner: Runner = run_chunk, **_: Any) -> Iterator[list[Row]]:
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SimsoftError("the dask executor needs dask.distributed: pip install 'simsoft[dask]'") from None
    cluster = None
    environ = dict(os.environ)  # a LocalCluster's nannies set variables here for their workers
    settings = contextlib.nullcontext() if scheduler else dask.config.set(_LOCAL_CLUSTER_CONFIG)
    with settings:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise SimsoftError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
            n = max(1, len(client.scheduler_info().get("workers", {})))
        else:
            # Worker logs below CRITICAL stay quiet: a run's error reaches us through future.result(),
            # and closing the cluster can log a spurious heartbeat error (dask/distributed#7105).
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
            n = workers
        futures = []
        try:
            shared = client.scatter(scenario, broadcast=True)
            futures = [client.submit(runner, shared, chunk, pure=False) for chunk in chunks(tasks, workers=n)]
            for future in as_completed(futures):
                yield future.result()
        finally:
            if futures:
                client.cancel(futures)
            client.close()
            if cluster is not None:
                cluster.close()
                _restore_environ(environ)


def _restore_environ(saved: dict[str, str]) -> None:
    """Put ``os.environ`` back as ``saved`` (the cluster is gone; later subprocesses should not inherit
    its settings, e.g. ``MALLOC_TRIM_THRESHOLD_`` or a fixed ``PYTHONHASHSEED``)."""
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def execute(
    scenario: Scenario,
    tasks: Sequence[Task],
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    on_rows: Callable[[list[Row]], None],
    runner: Runner | None = None,
) -> None:
    """Run ``tasks`` on ``executor`` and hand each batch of finished rows to ``on_rows`` as it arrives.

    ``workers`` defaults to all cores (``processes``, local ``dask``); ``scheduler`` is a Dask scheduler
    address (``tcp://host:8786``); without it ``dask`` starts a local cluster and closes it at the end.
    A ``KeyboardInterrupt`` stops the workers and propagates; rows already handed over are kept.
    ``runner`` runs a chunk of ``scenario`` (any picklable model, e.g. a region) and returns its rows
    (default :func:`run_chunk`, looked up when called).
    """
    if executor not in EXECUTORS:
        raise SimsoftError(f"unknown executor {executor!r} (executors: {', '.join(EXECUTORS)})")
    if scheduler and executor != "dask":
        raise SimsoftError(f"--scheduler is for the dask executor, not {executor!r}")
    n = default_workers() if workers is None else int(workers)
    if n < 1:
        raise SimsoftError(f"workers must be at least 1, got {n}")
    if executor == "processes" and n == 1:
        executor = "serial"
    run = {"serial": _serial, "processes": _processes, "dask": _dask}[executor]
    batches = run(scenario, tasks, workers=n, scheduler=scheduler, runner=run_chunk if runner is None else runner)
    try:
        for rows in batches:
            on_rows(rows)
    finally:
        # Stop the pool or cluster now, even when on_rows raised (a traceback would keep the generator alive).
        batches.close()
