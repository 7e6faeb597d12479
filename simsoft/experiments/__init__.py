"""Experiments: replications x variants of a scenario, on one core, a process pool or a Dask cluster.

>>> from simsoft import load_scenario
>>> from simsoft.experiments import Experiment, run_experiment
>>> exp = Experiment(load_scenario("scenarios/community-hall.yaml"), variants=["base", "wider_rear_exit"],
...                  replications=50, seed=1)  # doctest: +SKIP
>>> folder = run_experiment(exp, out_dir="outputs", executor="processes")  # doctest: +SKIP
>>> from simsoft.reports import write_experiment_report  # figures, summary.md and summary.html
>>> files = write_experiment_report(folder)  # doctest: +SKIP
>>> folder.summary["differences"]["wider_rear_exit"]["egress.t95_s"]["mean"]  # doctest: +SKIP
"""

from simsoft.experiments.design import BASE, Experiment, Task, replication_seeds
from simsoft.experiments.executors import EXECUTORS, chunks, default_workers, execute, run_chunk
from simsoft.experiments.progress import Progress
from simsoft.experiments.runner import ExperimentFolder, load_experiment, record_files, run_experiment
from simsoft.experiments.stats import (
    MIN_RUNS,
    PRACTICAL_THRESHOLDS,
    Convergence,
    Difference,
    MetricStats,
    convergence,
    describe,
    meaningful,
    paired_difference,
    practical_threshold,
)
from simsoft.experiments.summary import DEFAULT_KEY_METRICS, summarize
from simsoft.experiments.table import MetricsTable, read_table

__all__ = [
    "BASE",
    "Convergence",
    "DEFAULT_KEY_METRICS",
    "Difference",
    "EXECUTORS",
    "Experiment",
    "ExperimentFolder",
    "MIN_RUNS",
    "PRACTICAL_THRESHOLDS",
    "MetricStats",
    "MetricsTable",
    "Progress",
    "Task",
    "chunks",
    "convergence",
    "default_workers",
    "describe",
    "execute",
    "load_experiment",
    "meaningful",
    "paired_difference",
    "practical_threshold",
    "read_table",
    "record_files",
    "replication_seeds",
    "run_chunk",
    "run_experiment",
    "summarize",
]
