"""Parameter uncertainty: N sampled parameter sets x each variant, with common random numbers.

How much of a difference between variants is the decision, and how much the parameters nobody
knows precisely? An :class:`UncertaintyExperiment` samples the scenario's ranged parameters
(:mod:`simsoft.experiments.parameters`) by Latin hypercube; parameter set ``i`` runs with seed ``i``
in every variant (the same values and the same random numbers), so the paired difference of set
``i`` is the decision's effect under that set. It runs through the ordinary experiment machinery
(any executor, identical numbers); :func:`run_uncertainty` adds to the experiment folder:

* ``parameters.csv``: the sampled value of every parameter in every set;
* ``uncertainty.json``: per key metric the sensitivity of each parameter (partial rank correlation
  coefficients when there are more sets than parameters, else Spearman rank correlations) and for each
  variant the paired difference to the reference over the parameter sets (mean, 5-95 % range, share
  of sets where the variant is better).

Scope rule: nothing under ``incident`` is sampled. A parameter that a variant sets itself is not
sampled in that variant (the decision wins).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simsoft.errors import SimsoftError
from simsoft.experiments.design import BASE, Experiment, Task
from simsoft.experiments.parameters import Parameter, list_parameters, overrides_for, sample_parameters
from simsoft.experiments.runner import ExperimentFolder, _write_manifest, load_experiment, run_experiment
from simsoft.experiments.stats import paired_difference
from simsoft.experiments.table import MetricsTable, format_value
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import Scenario

__all__ = ["UNCERTAINTY_METRICS", "UncertaintyExperiment", "run_uncertainty", "analyse", "rank_sensitivity",
           "PARAMETERS_CSV", "UNCERTAINTY_JSON"]

UNCERTAINTY_METRICS = (
    "medical.deaths",
    "medical.preventable_deaths",
    "medical.t_last_transport_s",
    "egress.t95_s",
    "recovery.reunification.t_complete_s",
)
"""Key metrics of the uncertainty analysis (lower is better for each): deaths, preventable deaths, time
the last casualty left for hospital, 95 % evacuated, reunification complete."""

PARAMETERS_CSV = "parameters.csv"
UNCERTAINTY_JSON = "uncertainty.json"


def _touches(path: str, keys: Sequence[str]) -> bool:
    """Whether override ``path`` lies under (or over) one of ``keys``."""
    for k in keys:
        if path == k or path.startswith((k + ".", k + "[")) or k.startswith((path + ".", path + "[")):
            return True
    return False


class UncertaintyExperiment(Experiment):
    """``sets`` sampled parameter sets x ``variants`` of ``scenario``; set ``i`` uses replication seed ``i``.

    >>> from simsoft import load_scenario
    >>> exp = UncertaintyExperiment(load_scenario("scenarios/place-of-worship.yaml"), sets=20, seed=1)  # doctest: +SKIP
    >>> exp.samples.shape  # doctest: +SKIP
    (20, 64)
    """

    def __init__(self, scenario: Scenario, *, variants: Sequence[str] | None = None, sets: int = 20,
                 seed: int = DEFAULT_SEED, parameters: Sequence[Parameter] | None = None) -> None:
        super().__init__(scenario, variants=variants, replications=sets, seed=seed)
        self.parameters = list_parameters(scenario) if parameters is None else list(parameters)
        if not self.parameters:
            raise SimsoftError(f"scenario {scenario.name!r} has no ranged parameters to sample")
        if any(p.path.startswith("incident") for p in self.parameters):
            raise SimsoftError("the incident is a scripted input and is never sampled")
        self.samples = sample_parameters(self.parameters, self.replications, seed=self.seed)

    def tasks(self) -> list[Task]:
        variant_keys = {v: [] if v == BASE else list(self.scenario.variants[v].set) for v in self.variants}
        out = []
        for rep, seed in enumerate(self.seeds):
            overrides = overrides_for(self.parameters, self.samples[rep])
            for vi, v in enumerate(self.variants):
                kept = tuple((k, x) for k, x in overrides.items() if not _touches(k, variant_keys[v]))
                out.append(Task(vi, v, rep, seed, kept))
        return out

    def __repr__(self) -> str:
        return (f"UncertaintyExperiment({self.scenario.name!r}, variants={list(self.variants)!r}, "
                f"sets={self.replications}, parameters={len(self.parameters)}, seed={self.seed})")


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=float)
    ranks[order] = np.arange(len(x), dtype=float)
    for v in np.unique(x):
        tie = x == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    return ranks


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    sa, sb = a.std(), b.std()
    if sa < 1e-12 or sb < 1e-12:
        return 0.0
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))


def rank_sensitivity(x: np.ndarray, y: np.ndarray) -> tuple[str, list[float | None]]:
    """Sensitivity of ``y`` to each column of ``x``: PRCC if there are enough rows, else Spearman.

    Partial rank correlation (Marino et al., J Theor Biol 254:178, 2008) needs more rows than columns;
    with fewer, the rank correlation of each column alone is returned (LHS columns are nearly
    uncorrelated, so it estimates the same monotone effect, less sharply). Rows where ``y`` is not
    finite are dropped; a constant ``y`` gives zeros.
    """
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    n, d = x.shape
    if n < 3:
        return "none", [None] * d
    ry = _ranks(y)
    rx = np.column_stack([_ranks(x[:, j]) for j in range(d)]) if d else np.zeros((n, 0))
    if n <= d + 2 or ry.std() < 1e-12:
        return "spearman", [_corr(rx[:, j], ry) for j in range(d)]
    out: list[float | None] = []
    for j in range(d):
        others = np.column_stack([np.ones(n), np.delete(rx, j, axis=1)])
        res_x = rx[:, j] - others @ np.linalg.lstsq(others, rx[:, j], rcond=None)[0]
        res_y = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        out.append(_corr(res_x, res_y))
    return "prcc", out


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def analyse(table: MetricsTable, samples: np.ndarray, parameters: Sequence[Parameter], *, variants: Sequence[str],
            reference: str, metrics: Sequence[str] = UNCERTAINTY_METRICS) -> dict[str, Any]:
    """Sensitivity per metric (in the reference variant) and paired differences per variant."""
    present = [m for m in metrics if m in table.columns]
    out: dict[str, Any] = {"reference": reference, "sets": int(samples.shape[0]),
                           "parameters": [p.to_dict() for p in parameters], "metrics": present,
                           "sensitivity": {}, "differences": {},
                           "better": "lower (deaths, preventable deaths and every time)"}
    ref_rows = {int(r): i for i, (r, v) in enumerate(zip(table.replications, table.variants)) if v == reference}
    reps = sorted(ref_rows)
    for m in present:
        y = table.columns[m][[ref_rows[r] for r in reps]]
        method, coef = rank_sensitivity(samples[reps], y)
        ranked = sorted(((p.path, _r(c)) for p, c in zip(parameters, coef)), key=lambda t: -abs(t[1] or 0.0))
        out["sensitivity"][m] = {"method": method, "n": int(np.isfinite(y).sum()),
                                 "coefficients": [{"path": p, "coefficient": c} for p, c in ranked]}
    for v in variants:
        if v == reference or v not in set(table.variants):
            continue
        per = {}
        for m in present:
            a, b = table.paired(m, reference, v)
            diff = paired_difference(a, b)
            ok = np.isfinite(a) & np.isfinite(b)
            d = b[ok] - a[ok]
            per[m] = {"n": diff.n, "mean": _r(diff.mean), "mean_ci_low": _r(diff.ci_low),
                      "mean_ci_high": _r(diff.ci_high),
                      "p05": _r(float(np.percentile(d, 5))) if len(d) else None,
                      "p95": _r(float(np.percentile(d, 95))) if len(d) else None,
                      "share_better": _r(diff.share_lower), "share_worse": _r(diff.share_higher),
                      "differences": [_r(float(x)) for x in d]}
        out["differences"][v] = per
    return out


def _write_parameters(path: Path, parameters: Sequence[Parameter], samples: np.ndarray, seeds: Sequence[int]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["set", "seed", *(p.path for p in parameters)])
        for i, row in enumerate(samples):
            w.writerow([i, seeds[i], *(format_value(float(x)) for x in row)])


def run_uncertainty(experiment: UncertaintyExperiment, *, out_dir: str = "outputs", executor: str = "processes",
                    workers: int | None = None, scheduler: str | None = None, progress: bool = True,
                    metrics: Sequence[str] | None = None) -> ExperimentFolder:
    """Run ``experiment`` into an experiment folder and add ``parameters.csv`` and ``uncertainty.json``."""
    keys = list(metrics) if metrics else [m for m in UNCERTAINTY_METRICS]
    folder = run_experiment(experiment, out_dir=out_dir, executor=executor, workers=workers, scheduler=scheduler,
                            progress=progress)
    _write_parameters(folder.path / PARAMETERS_CSV, experiment.parameters, experiment.samples, experiment.seeds)
    result = analyse(folder.table, experiment.samples, experiment.parameters, variants=list(experiment.variants),
                     reference=experiment.reference, metrics=keys)
    (folder.path / UNCERTAINTY_JSON).write_text(json.dumps(result, indent=1, sort_keys=True, allow_nan=False) + "\n",
                                                encoding="utf-8")
    manifest = yaml.safe_load((folder.path / "manifest.yaml").read_text(encoding="utf-8")) or {}
    manifest["uncertainty"] = {"parameter_sets": experiment.replications, "parameters": len(experiment.parameters),
                               "sampling": "Latin hypercube (uniform, or log-uniform for multiplicative ranges)",
                               "scope": "nothing under incident is sampled"}
    manifest["files"] = sorted({*(manifest.get("files") or []), PARAMETERS_CSV, UNCERTAINTY_JSON})
    _write_manifest(folder.path, manifest)
    return load_experiment(folder.path)
