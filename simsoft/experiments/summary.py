"""The summary of an experiment: statistics per variant, paired differences, convergence.

Everything is computed from ``replications.csv`` alone, so ``summary.json`` is as reproducible as
the table (byte-identical whichever executor ran the experiment).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from simsoft.errors import SimsoftError
from simsoft.experiments.stats import MIN_RUNS, REL_TOL, convergence, describe, paired_difference
from simsoft.experiments.table import MetricsTable

__all__ = ["DEFAULT_KEY_METRICS", "key_metrics", "summarize", "check_metrics"]

DEFAULT_KEY_METRICS = (
    "egress.t95_s",
    "egress.t100_s",
    "incident.exposed_person_min",
    "casualties.total",
    "response.t_police_on_scene_s",
    "response.t_contained_s",
    "medical.deaths",
    "medical.preventable_deaths",
    "recovery.t_everyone_accounted_s",
)
"""Metrics shown first and checked for convergence when the user names none (those a run has)."""


def check_metrics(table: MetricsTable, metrics: Sequence[str]) -> list[str]:
    """``metrics`` if every one is a numeric column of ``table``; else a one-line error naming the bad one."""
    for m in metrics:
        if m not in table.columns:
            close = sorted(k for k in table.columns if m.split(".")[-1] in k)[:5]
            hint = f" (did you mean: {', '.join(close)})" if close else ""
            kind = "a text metric; give a numeric one" if m in table.text_columns else "not a numeric metric of these runs"
            raise SimsoftError(f"unknown metric {m!r}: {kind}{hint}")
    return list(metrics)


def key_metrics(table: MetricsTable, wanted: Sequence[str] | None = None) -> list[str]:
    """The metrics to headline: ``wanted`` (checked), else the defaults present, else the first varying ones."""
    if wanted:
        return check_metrics(table, wanted)
    present = [m for m in DEFAULT_KEY_METRICS if m in table.columns and np.isfinite(table.columns[m]).any()]
    if present:
        return present
    varying = [k for k, col in sorted(table.columns.items()) if np.isfinite(col).any() and np.nanstd(col) > 0]
    return varying[:6]


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def convergence_rule(*, rel_tol: float = REL_TOL, abs_tol: float = 0.0, confidence: float = 0.95) -> str:
    """The convergence rule in words.

    >>> convergence_rule(rel_tol=0.05, abs_tol=0.1)
    'at least 50 runs, and the 95% intervals of the mean and of the 95th percentile within ±5% of their value or ±0.1, whichever is larger'
    """
    rule = (f"at least {MIN_RUNS} runs, and the {confidence:.0%} intervals of the mean and of the 95th percentile "
            f"within ±{100 * rel_tol:.3g}% of their value")
    return rule + (f" or ±{abs_tol:.3g}, whichever is larger" if abs_tol > 0 else "")


def summarize(table: MetricsTable, *, variants: Sequence[str], reference: str, metrics: Sequence[str] | None = None,
              rel_tol: float = REL_TOL, abs_tol: float = 0.0, confidence: float = 0.95) -> dict[str, Any]:
    """Statistics of every numeric metric per variant, differences to ``reference``, convergence of key metrics
    (intervals within ``max(rel_tol x |value|, abs_tol)``)."""
    keys = key_metrics(table, metrics)
    out: dict[str, Any] = {
        "confidence": confidence,
        "reference": reference,
        "key_metrics": keys,
        "convergence_rule": convergence_rule(rel_tol=rel_tol, abs_tol=abs_tol, confidence=confidence),
        "convergence_tolerance": {"relative": rel_tol, "absolute": abs_tol},
        "variants": {},
        "differences": {},
        "convergence": {},
    }
    present = [v for v in variants if v in set(table.variants)]
    for v in present:
        stats = {m: describe(table.values(m, v), confidence=confidence).to_dict() for m in sorted(table.columns)}
        out["variants"][v] = {"runs": int(sum(1 for x in table.variants if x == v)), "metrics": stats}
        out["convergence"][v] = {m: convergence(table.values(m, v), rel_tol=rel_tol, abs_tol=abs_tol,
                                                confidence=confidence).to_dict()
                                 for m in keys}
    if reference in out["variants"]:
        for v in present:
            if v == reference:
                continue
            diffs = {}
            for m in sorted(table.columns):
                a, b = table.paired(m, reference, v)
                diffs[m] = paired_difference(a, b, confidence=confidence).to_dict()
            out["differences"][v] = diffs
    checks = [c for per in out["convergence"].values() for c in per.values()]
    out["converged"] = bool(checks) and all(c["converged"] for c in checks)
    out["replications_needed"] = max([c["needed"] for c in checks], default=MIN_RUNS)
    return out
