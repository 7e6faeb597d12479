"""Adaptive replication: run an experiment in batches until every key metric has converged, or a cap.

``simsoft sweep --until-converged [--max-reps N]``. The first batch is ``--reps`` replications of
every variant; after each batch every variant still running is checked with the experiment's
convergence rule (:func:`~simsoft.experiments.stats.convergence`: at least 50 runs and the 95 %
intervals of the mean and the 95th percentile within ``max(rel_tol x |value|, abs_tol)``) on its key
metrics. A variant whose key metrics have all converged stops; the others get another batch, sized
from the runs the check estimates they need (at least ``--reps`` more, at most doubling, never past
the cap).

Determinism: replication ``i`` always runs with child ``i`` of the experiment's seed sequence, batches
cover replications in order, and every decision reads the finished runs sorted by replication. Runs
are deterministic, so the batches, the runs per variant and the result are the same on every executor.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simsoft.errors import SimsoftError
from simsoft.experiments.design import Experiment, Task, replication_seeds
from simsoft.experiments.executors import Row
from simsoft.experiments.stats import DEFAULT_MAX_REPS, convergence
from simsoft.experiments.summary import key_metrics
from simsoft.experiments.table import MetricsTable

__all__ = ["Adaptive", "VariantProgress"]


@dataclass
class VariantProgress:
    """Where one variant stands: runs finished, runs asked for, and whether it has converged."""

    target: int
    """Replications asked for so far."""
    started: int = 0
    """Replications handed to the executor so far."""
    done: int = 0
    converged: bool = False
    last_metric: str | None = None
    """The key metric that converged last (``None`` while some have not)."""
    unconverged: list[str] = field(default_factory=list)
    """Key metrics not converged at the last check."""
    needed: dict[str, int] = field(default_factory=dict)
    """Runs each key metric was estimated to need at the last check."""


class Adaptive:
    """Batches of an experiment run until its key metrics converge (see the module docstring).

    ``experiment.replications`` is the first batch; ``max_reps`` caps the replications of a variant.
    Feed every finished row to :meth:`add`; :meth:`batches` yields the next batch of tasks after
    checking the rows of the one before.
    """

    def __init__(self, experiment: Experiment, *, max_reps: int = DEFAULT_MAX_REPS, metrics: Sequence[str] | None = None,
                 rel_tol: float, abs_tol: float) -> None:
        if isinstance(max_reps, bool) or not isinstance(max_reps, (int, np.integer)) or max_reps < 1:
            raise SimsoftError(f"--max-reps must be a positive integer, got {max_reps!r}")
        if max_reps < experiment.replications:
            raise SimsoftError(f"--max-reps {max_reps} is below the first batch (--reps {experiment.replications})")
        self.experiment = experiment
        self.max_reps = int(max_reps)
        self.batch = experiment.replications
        self.wanted = list(metrics or [])
        self.rel_tol, self.abs_tol = rel_tol, abs_tol
        self.keys: list[str] = []
        self.variants = {v: VariantProgress(target=self.batch) for v in experiment.variants}
        self.rows: dict[tuple[int, int], dict[str, Any]] = {}
        self.batch_sizes: list[int] = []

    def add(self, rows: Sequence[Row]) -> None:
        """Keep the metrics of finished runs (for the checks between batches)."""
        for vi, rep, _seed, metrics in rows:
            self.rows[(vi, rep)] = metrics
            self.variants[self.experiment.variants[vi]].done += 1

    def batches(self) -> Iterator[list[Task]]:
        """The tasks of each batch in replication-major order; checks the finished runs before the next."""
        while True:
            running = [(vi, v) for vi, v in enumerate(self.experiment.variants)
                       if not self.variants[v].converged and self.variants[v].target > self.variants[v].started]
            if not running:
                return
            lo = min(self.variants[v].started for _, v in running)
            hi = max(self.variants[v].target for _, v in running)
            seeds = replication_seeds(self.experiment.seed, hi)
            tasks = [Task(vi, v, rep, seeds[rep]) for rep in range(lo, hi) for vi, v in running
                     if self.variants[v].started <= rep < self.variants[v].target]
            for _, v in running:
                self.variants[v].started = self.variants[v].target
            self.batch_sizes.append(len(tasks))
            yield tasks
            self._check([v for _, v in running])

    def _table(self) -> MetricsTable:
        """The finished runs as a table sorted by (variant, replication), as ``replications.csv`` holds them."""
        keys = sorted(self.rows)
        names = sorted({k for m in self.rows.values() for k in m})
        variants = [self.experiment.variants[vi] for vi, _ in keys]
        table = MetricsTable(variants, np.asarray([r for _, r in keys], dtype=int), np.zeros(len(keys), dtype=int))
        for name in names:
            column = [self.rows[k].get(name) for k in keys]
            if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in column):
                table.columns[name] = np.asarray([math.nan if v is None else float(v) for v in column], dtype=float)
            else:
                table.text_columns.append(name)
        return table

    def _check(self, checked: Sequence[str]) -> None:
        table = self._table()
        if not self.keys:
            self.keys = key_metrics(table, self.wanted or None)
        for v in checked:
            p = self.variants[v]
            before = p.needed
            verdicts = {m: convergence(table.values(m, v), rel_tol=self.rel_tol, abs_tol=self.abs_tol)
                        for m in self.keys}
            p.needed = {m: c.needed for m, c in verdicts.items()}
            p.unconverged = [m for m, c in verdicts.items() if not c.converged]
            if not p.unconverged:
                p.converged = True
                # The last to converge: the one estimated to need the most runs at the check before.
                p.last_metric = max(self.keys, key=lambda m: (before.get(m, 0), -self.keys.index(m)))
                continue
            need = max(c.needed for c in verdicts.values() if not c.converged)
            grow = max(self.batch, min(need - p.done, p.done))
            p.target = min(self.max_reps, p.done + grow)

    def report(self) -> dict[str, Any]:
        """Runs per variant, whether each converged and which key metric was last (or which are still not)."""
        return {
            "max_reps": self.max_reps,
            "first_batch": self.batch,
            "batches": list(self.batch_sizes),
            "key_metrics": list(self.keys),
            "variants": {v: {"runs": p.done, "converged": p.converged, "last_to_converge": p.last_metric,
                             "not_converged": list(p.unconverged)}
                         for v, p in self.variants.items()},
        }
