"""Replications of several scenarios on a process pool, each run reduced to its metrics plus the
derived ``validation.*`` quantities (:mod:`simsoft.validation.measures`).

Why not :func:`simsoft.experiments.execute`: its workers return the models' metrics only, and some
published figures need quantities computed from the event records; here each worker computes them
next to the run and drops the events, so memory stays flat. The process pool, chunking, seeds and
worker count are those of :mod:`simsoft.experiments` (same seeds for the same experiment seed: a run
depends only on its scenario and seed, so results are identical whatever the number of workers).
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simsoft.experiments.design import Task, replication_seeds
from simsoft.experiments.executors import chunks, default_workers
from simsoft.schema import Scenario
from simsoft.validation.measures import validation_metrics

__all__ = ["run_replications", "one_run"]

Metrics = dict[str, Any]


def one_run(scenario: Scenario, seed: int) -> Metrics:
    """One run of ``scenario`` with ``seed``: its metrics and the derived ``validation.*`` quantities."""
    from simsoft.engine import Simulation

    sim = Simulation(scenario, seed=seed)
    sim.run_to_end()
    result = sim.result()
    out = dict(result.metrics)
    out.update(validation_metrics(result.events, result.metrics))
    return out


_SCENARIOS: dict[str, Scenario] = {}


def _init(scenarios: Mapping[str, Scenario]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates the pool
    _SCENARIOS.clear()
    _SCENARIOS.update(scenarios)


def _chunk(chunk: Sequence[Task]) -> list[tuple[str, int, Metrics]]:
    rows = []
    was = gc.isenabled()
    gc.disable()  # as simsoft.experiments.executors.run_chunk: one young-generation pass per run
    try:
        for task in chunk:
            rows.append((task.variant, task.replication, one_run(_SCENARIOS[task.variant], task.seed)))
            gc.collect(1)
    finally:
        if was:
            gc.enable()
    return rows


def run_replications(scenarios: Mapping[str, Scenario], *, replications: Mapping[str, int], seed: int,
                     workers: int | None = None, on_done: Callable[[int], None] | None = None) -> dict[str, list[Metrics]]:
    """Run ``replications[key]`` replications of each ``scenarios[key]`` and return their metrics by key,
    in replication order. Replication ``i`` of every scenario uses seed ``replication_seeds(seed, n)[i]``.

    ``workers`` defaults to all cores (1 runs in this process); ``on_done(n)`` is called as runs finish.
    """
    tasks: list[Task] = []
    for i, key in enumerate(sorted(scenarios)):
        seeds = replication_seeds(seed, replications[key])
        tasks += [Task(variant_index=i, variant=key, replication=r, seed=s) for r, s in enumerate(seeds)]
    n = default_workers() if workers is None else max(1, int(workers))
    out: dict[str, dict[int, Metrics]] = {key: {} for key in scenarios}

    def take(rows: list[tuple[str, int, Metrics]]) -> None:
        for key, rep, metrics in rows:
            out[key][rep] = metrics
        if on_done is not None:
            on_done(len(rows))

    if n == 1 or len(tasks) <= 1:
        _init(scenarios)
        for task in tasks:
            take(_chunk([task]))
    else:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        # Interleave the scenarios so that slow and fast ones share the workers evenly to the end.
        tasks.sort(key=lambda t: (t.replication, t.variant_index))
        pool = ctx.Pool(processes=n, initializer=_init, initargs=(dict(scenarios),))
        try:
            for rows in pool.imap_unordered(_chunk, chunks(tasks, workers=n)):
                take(rows)
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
    return {key: [runs[r] for r in sorted(runs)] for key, runs in out.items()}
