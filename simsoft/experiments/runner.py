"""Run an experiment into an experiment folder, streaming results to disk; read one back.

``<out>/<scenario slug>/<UTC time>-sweep-s<seed>/`` holds:

* ``manifest.yaml``: versions, seed, variants, replications (asked and done), executor, the scenario;
* ``replications.csv``: one row per run (variant, replication, seed, every metric), byte-identical
  whichever executor ran it;
* ``summary.json``: statistics, paired differences and the convergence check (from the CSV alone).

The folder is built in a hidden temporary folder and renamed into place at the end, so it is never
half-written. Figures, ``summary.md`` and ``summary.html`` are added afterwards by
:func:`simsoft.reports.write_experiment_report` (``simsoft sweep`` does), which lists them in the
manifest through :func:`record_files`; this module knows nothing of reports.
Ctrl-C stops the workers; the runs already finished are kept and summarised, and the manifest says
``complete: false``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simsoft.errors import SimsoftError
from simsoft.experiments.adaptive import Adaptive
from simsoft.experiments.design import Experiment
from simsoft.experiments.executors import default_workers, execute
from simsoft.experiments.progress import Progress
from simsoft.experiments.stats import DEFAULT_MAX_REPS, REL_TOL
from simsoft.experiments.summary import key_metrics, summarize
from simsoft.experiments.table import MetricsTable, RowSpool, read_table
from simsoft.schema.common import slug

__all__ = ["ExperimentFolder", "run_experiment", "load_experiment", "record_files", "EXPERIMENT_FORMAT", "REPLICATIONS_CSV"]

EXPERIMENT_FORMAT = "1"
"""Version of the experiment-folder layout."""

REPLICATIONS_CSV = "replications.csv"


@dataclass
class ExperimentFolder:
    """An experiment folder read back: its manifest, table and summary."""

    path: Path
    manifest: dict[str, Any]
    table: MetricsTable
    summary: dict[str, Any]

    @property
    def complete(self) -> bool:
        """Whether every planned run finished (false after Ctrl-C)."""
        return bool(self.manifest.get("complete"))

    @property
    def runs_done(self) -> int:
        return len(self.table.variants)


def load_experiment(path: str | os.PathLike[str]) -> ExperimentFolder:
    """Read an experiment folder; a folder that is not one raises a one-line :class:`SimsoftError`."""
    folder = Path(path)
    if not folder.is_dir():
        raise SimsoftError(f"{folder}: not a folder")
    needed = ["manifest.yaml", REPLICATIONS_CSV, "summary.json"]
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise SimsoftError(f"{folder}: not an experiment folder (no {', '.join(missing)})")
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8")) or {}
    if manifest.get("kind") != "experiment":
        raise SimsoftError(f"{folder}: not an experiment folder (manifest kind {manifest.get('kind')!r})")
    try:
        table = read_table(folder / REPLICATIONS_CSV)
    except (ValueError, StopIteration) as exc:
        raise SimsoftError(f"{folder / REPLICATIONS_CSV}: unreadable ({exc or 'empty'})") from None
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return ExperimentFolder(folder, manifest, table, summary)


def _new_folder(parent: Path, base: str) -> Path:
    final = parent / base
    n = 2
    while final.exists():
        final = parent / f"{base}-{n}"
        n += 1
    return final


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100),
                                          encoding="utf-8")


def record_files(folder: str | os.PathLike[str], names: Sequence[str]) -> list[str]:
    """Add ``names`` (files written into an experiment folder after it was made) to its manifest's
    ``files``, kept sorted; return the new list."""
    path = Path(folder)
    manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
    files = list(manifest.get("files") or [])
    manifest["files"] = sorted([*files, *(n for n in names if n not in files)])
    _write_manifest(path, manifest)
    return manifest["files"]


def write_experiment_outputs(folder: Path, *, experiment_manifest: dict[str, Any], table: MetricsTable,
                             metrics: Sequence[str] | None) -> dict[str, Any]:
    """summary.json and manifest.yaml into ``folder``."""
    tol = experiment_manifest["convergence_tolerance"]
    summary = summarize(table, variants=experiment_manifest["variants"], reference=experiment_manifest["reference"],
                        metrics=metrics, rel_tol=tol["relative"], abs_tol=tol["absolute"])
    (folder / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True, allow_nan=False) + "\n",
                                         encoding="utf-8")
    experiment_manifest["files"] = sorted(["manifest.yaml", REPLICATIONS_CSV, "summary.json"])
    _write_manifest(folder, experiment_manifest)
    return summary


def run_experiment(
    experiment: Experiment,
    *,
    out_dir: str | os.PathLike[str] = "outputs",
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    metrics: Sequence[str] | None = None,
    rel_tol: float = REL_TOL,
    abs_tol: float = 0.0,
    until_converged: bool = False,
    max_reps: int = DEFAULT_MAX_REPS,
) -> ExperimentFolder:
    """Run every replication of every variant and write an experiment folder; return it read back.

    The folder holds the data (manifest, ``replications.csv``, ``summary.json``); reports are written
    from it afterwards (:func:`simsoft.reports.write_experiment_report`).
    ``metrics`` are the key metrics (headlined, plotted and checked for convergence); the default is
    :data:`~simsoft.experiments.summary.DEFAULT_KEY_METRICS` where present. Unknown ones raise a
    :class:`SimsoftError` before the folder is renamed into place (nothing is left behind).
    The convergence check wants the 95 % intervals of the mean and the 95th percentile within
    ``max(rel_tol x |value|, abs_tol)`` (an absolute tolerance suits metrics near zero, such as deaths).
    On Ctrl-C the finished runs are written out and the returned folder has ``complete == False``.

    With ``until_converged`` the experiment's replications are the first batch, and batches follow
    until every variant's key metrics pass that check or the variant reached ``max_reps`` runs
    (:class:`~simsoft.experiments.adaptive.Adaptive`); the manifest's ``until_converged`` says how many
    runs each variant took and which metric converged last.
    """
    from simsoft import SCHEMA_VERSION, __version__

    if not 0 < rel_tol <= 1:  # NaN fails the comparison too
        raise SimsoftError(f"the relative convergence tolerance must be > 0 and <= 1, got {rel_tol!r}")
    if not 0 <= abs_tol < math.inf:
        raise SimsoftError(f"the absolute convergence tolerance must be >= 0 and finite, got {abs_tol!r}")
    created = _dt.datetime.now(_dt.timezone.utc)
    parent = Path(out_dir) / slug(experiment.scenario.name)
    parent.mkdir(parents=True, exist_ok=True)
    base = f"{created.strftime('%Y%m%dT%H%M%SZ')}-sweep-s{experiment.seed}"
    tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", suffix=".partial", dir=parent))
    adaptive = None
    if until_converged:
        adaptive = Adaptive(experiment, max_reps=max_reps, metrics=metrics, rel_tol=rel_tol, abs_tol=abs_tol)
    spool = RowSpool(tmp / "replications.spool.jsonl", experiment.variants)
    bar = Progress(0 if adaptive else len(experiment), enabled=progress)
    interrupted = False
    started = time.perf_counter()
    pending_check = list(metrics or [])

    def on_rows(rows: list[Any]) -> None:
        spool.add(rows)
        if adaptive is not None:
            adaptive.add(rows)
        bar.update(len(rows))
        # Name an unknown metric as soon as every variant has reported once, not after the whole experiment.
        if pending_check and all(spool.done_by_variant().values()):
            unknown = [m for m in pending_check if m not in spool.keys]
            pending_check.clear()
            if unknown:
                close = sorted(k for k in spool.keys if unknown[0].split(".")[-1] in k)[:5]
                hint = f" (did you mean: {', '.join(close)})" if close else ""
                raise SimsoftError(f"unknown metric {unknown[0]!r}: not a numeric metric of these runs{hint}")

    try:
        try:
            if adaptive is None:
                execute(experiment.scenario, experiment.tasks(), executor=executor, workers=workers,
                        scheduler=scheduler, on_rows=on_rows)
            else:
                for batch in adaptive.batches():
                    bar.extend(len(batch))  # the bar counts the runs asked for so far
                    execute(experiment.scenario, batch, executor=executor, workers=workers, scheduler=scheduler,
                            on_rows=on_rows)
        except KeyboardInterrupt:
            interrupted = True
            if not len(spool):
                raise
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        spool.write_csv(tmp / REPLICATIONS_CSV)
        spool.path.unlink()
        table = read_table(tmp / REPLICATIONS_CSV)
        if metrics:
            key_metrics(table, metrics)  # fail fast with a one-line error naming the metric
        manifest = {
            "output_format": EXPERIMENT_FORMAT,
            "kind": "experiment",
            "simsoft_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "created_utc": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "scenario_name": experiment.scenario.name,
            "scenario_file": experiment.scenario.source,
            "seed": experiment.seed,
            "variants": list(experiment.variants),
            "reference": experiment.reference,
            "replications": experiment.replications,
            "runs_planned": len(experiment) if adaptive is None else sum(adaptive.batch_sizes),
            "runs_done": len(spool),
            "runs_done_by_variant": spool.done_by_variant(),
            "complete": not interrupted,
            "executor": executor,
            "workers": workers if workers is not None else (default_workers() if executor != "serial" else 1),
            "scheduler": scheduler,
            "elapsed_s": round(elapsed, 3),
            "convergence_tolerance": {"relative": rel_tol, "absolute": abs_tol},
            "until_converged": None if adaptive is None else adaptive.report(),
            "python": platform.python_version(),
            "files": [],
            "scenario": experiment.scenario.model_dump(mode="json", by_alias=True),
        }
        write_experiment_outputs(tmp, experiment_manifest=manifest, table=table, metrics=metrics)
        final = _new_folder(parent, base)
        os.replace(tmp, final)
    except BaseException:
        spool.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return load_experiment(final)
