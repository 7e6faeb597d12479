"""Statistics of replicated runs: summaries with intervals, paired differences, convergence.

Intervals:

* mean: Student-t interval, ``mean ± t(1-α/2, n-1) · sd / √n``;
* percentiles (5th, 50th, 95th): the distribution-free order-statistic interval (ranks
  ``n·p ± z·√(n·p·(1-p))``, the normal approximation to the binomial; Conover, *Practical
  Nonparametric Statistics*, 3rd ed., §3.2);
* paired differences: the Student-t interval of the per-replication differences ``b_i - a_i``. With
  common random numbers (replication ``i`` of every variant uses the same seed) these differences have
  far less variance than two independent samples would (Law, *Simulation Modeling and Analysis*,
  5th ed., §11.2).

Convergence rule (see :func:`convergence`): at least 50 replications, as the IMO MSC.1/Circ.1533
advanced evacuation analysis requires, and both the mean and the 95th percentile known to within
``rel_tol`` (default 5 %) of their value at 95 % confidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = ["MetricStats", "Difference", "Convergence", "describe", "paired_difference", "convergence",
           "t_quantile", "practical_threshold", "PRACTICAL_THRESHOLDS", "meaningful", "MIN_RUNS", "REL_TOL", "DEFAULT_MAX_REPS"]

MIN_RUNS = 50
"""Fewest replications for a converged estimate: the IMO MSC.1/Circ.1533 (2016) advanced evacuation analysis
asks for at least 50 runs per scenario and reports their 95th percentile."""

REL_TOL = 0.05
"""Default convergence tolerance, relative: interval half-widths within 5 % of the estimate. A project
choice (the IMO protocol sets no figure); ``simsoft sweep --tolerance`` changes it."""

DEFAULT_MAX_REPS = 10_000
"""Default cap on the replications of a variant under ``simsoft sweep --until-converged`` (``--max-reps``):
rare outcomes such as preventable deaths have needed about 11,600 runs to converge (issue 18), so the cap
is a budget the user sets knowingly."""


def t_quantile(p: float, df: int) -> float:
    """Quantile ``p`` of Student's t with ``df`` degrees of freedom (exact for df 1 and 2, else the
    Cornish-Fisher expansion of Abramowitz & Stegun 26.7.5, error < 1e-4 for df >= 3).

    >>> round(t_quantile(0.975, 10), 3)
    2.228
    """
    if df < 1:
        return math.nan
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _clean(values: Sequence[float | None] | np.ndarray) -> tuple[np.ndarray, int]:
    arr = np.asarray([math.nan if v is None else float(v) for v in values], dtype=float)
    ok = np.isfinite(arr)
    return arr[ok], int((~ok).sum())


def _mean_ci(x: np.ndarray, confidence: float) -> tuple[float, float, float]:
    n = len(x)
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = t_quantile(0.5 + confidence / 2, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def percentile_ci(x: np.ndarray, p: float, confidence: float = 0.95) -> tuple[float, float]:
    """Distribution-free interval of the ``p``-quantile (0 < p < 1) from sorted order statistics."""
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    s = np.sort(x)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    spread = z * math.sqrt(n * p * (1 - p))
    lo = max(0, int(math.floor(n * p - spread)) - 1)
    hi = min(n - 1, int(math.ceil(n * p + spread)) - 1)
    return float(s[lo]), float(s[hi])


@dataclass(frozen=True)
class MetricStats:
    """Summary of one metric over the replications of one variant (``missing``: runs where it was
    never reached, e.g. a milestone that did not happen; the other fields use the runs that reached it)."""

    n: int
    missing: int
    mean: float
    sd: float
    mean_ci_low: float
    mean_ci_high: float
    median: float
    p5: float
    p50: float
    p95: float
    p95_ci_low: float
    p95_ci_high: float
    min: float
    max: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with NaN turned into ``None`` (JSON-ready)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


def describe(values: Sequence[float | None] | np.ndarray, *, confidence: float = 0.95) -> MetricStats:
    """Mean (with its interval), sd, median, 5/50/95th percentiles (95th with its interval), min, max.

    >>> s = describe([1.0, 2.0, 3.0, None])
    >>> (s.n, s.missing, s.mean, s.median)
    (3, 1, 2.0, 2.0)
    """
    x, missing = _clean(values)
    n = len(x)
    if n == 0:
        nan = math.nan
        return MetricStats(0, missing, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    mean, lo, hi = _mean_ci(x, confidence)
    p5, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
    q_lo, q_hi = percentile_ci(x, 0.95, confidence)
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    return MetricStats(n, missing, mean, sd, lo, hi, p50, p5, p50, p95, q_lo, q_hi, float(x.min()), float(x.max()))


@dataclass(frozen=True)
class Difference:
    """``variant - reference`` over replications where both reached the metric (paired by seed)."""

    n: int
    mean: float
    ci_low: float
    ci_high: float
    median: float
    share_higher: float
    share_lower: float

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero."""
        # A tolerance keeps float noise in otherwise identical runs (differences of 1e-12 s) from counting.
        tol = 1e-9 * max(1.0, abs(self.mean))
        return bool(self.n >= 2 and (self.ci_low > tol or self.ci_high < -tol))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with NaN turned into ``None``, plus ``significant``."""
        out = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}
        out["significant"] = self.significant
        return out


PRACTICAL_THRESHOLDS: dict[str, float] = {
    "egress.t95_s": 30.0,
    "medical.t_last_immediate_at_hospital_s": 60.0,
    "recovery.t_everyone_accounted_s": 60.0,
    "recovery.reunification.t_complete_s": 60.0,
    "recovery.reunification.mean_wait_s": 60.0,
    "incident.exposed_person_min": 10.0,
    "medical.deaths": 0.5,
    "medical.preventable_deaths": 0.5,
}
"""Smallest difference worth reporting, per metric (presentation only; issue 19). The one table that
experiment summaries and the facilitator's AAR/IP both read.

30 s for evacuation times (the resolution of an evacuation-time estimate, SFPE Handbook 5th ed.
ch. 64, and of incident logs and exercise timings); 1 min for times planned in minutes (transport,
accounting, reunification); half a person for counts of people (a count is whole people, so a mean
change below 0.5 is not one person more or less); 10 person-minutes of exposure. A metric not listed
falls back by its unit: 30 s for a duration (``_s``), 10 person-min for ``_person_min``, half a person
for a count of people, else 0 (every interval that excludes zero counts). Project choices."""


def practical_threshold(metric: str) -> float:
    """Smallest difference of ``metric`` worth reporting: :data:`PRACTICAL_THRESHOLDS`, else by unit.

    Smaller differences are "no meaningful difference".

    >>> practical_threshold("egress.t95_s"), practical_threshold("casualties.total")
    (30.0, 0.5)
    >>> practical_threshold("medical.t_last_immediate_at_hospital_s"), practical_threshold("response.t_contained_s")
    (60.0, 30.0)
    """
    if metric in PRACTICAL_THRESHOLDS:
        return PRACTICAL_THRESHOLDS[metric]
    if metric.endswith("_s"):
        return 30.0
    if metric.endswith("_person_min"):
        return 10.0
    if metric.startswith(("casualties.", "medical.deaths", "medical.preventable_deaths")) or metric.endswith(
            (".exited", ".total", "_end", ".removed")):
        return 0.5
    return 0.0


def meaningful(metric: str, diff: dict[str, Any]) -> bool:
    """Whether a difference (as in ``summary.json``) excludes zero AND its mean passes the threshold.

    >>> meaningful("egress.t95_s", {"significant": True, "mean": 0.012})
    False
    """
    mean = diff.get("mean")
    return bool(diff.get("significant")) and mean is not None and abs(mean) >= practical_threshold(metric)


def paired_difference(reference: Sequence[float | None], variant: Sequence[float | None], *,
                      confidence: float = 0.95) -> Difference:
    """Mean and interval of ``variant[i] - reference[i]`` (same replication, same seed).

    >>> d = paired_difference([10, 12, 11], [8, 10, 10])
    >>> (d.n, d.mean, d.share_lower)
    (3, -1.6666666666666667, 1.0)
    """
    if len(reference) != len(variant):
        raise ValueError(f"paired samples differ in length: {len(reference)} and {len(variant)}")
    a = np.asarray([math.nan if v is None else float(v) for v in reference], dtype=float)
    b = np.asarray([math.nan if v is None else float(v) for v in variant], dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    d = b[ok] - a[ok]
    n = len(d)
    if n == 0:
        return Difference(0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)
    mean, lo, hi = _mean_ci(d, confidence)
    return Difference(n, mean, lo, hi, float(np.median(d)), float((d > 0).mean()), float((d < 0).mean()))


@dataclass(frozen=True)
class Convergence:
    """Whether a metric's estimates are precise enough, and roughly how many replications would be."""

    n: int
    converged: bool
    needed: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return asdict(self)


def convergence(values: Sequence[float | None] | np.ndarray, *, rel_tol: float = REL_TOL, abs_tol: float = 0.0,
                min_runs: int = MIN_RUNS, confidence: float = 0.95) -> Convergence:
    """The convergence check of one metric of one variant.

    Converged when (1) at least ``min_runs`` replications reached the metric (IMO MSC.1/Circ.1533: 50),
    and (2) the half-widths of the ``confidence`` intervals of the mean and of the 95th percentile are
    each at most ``max(rel_tol · |estimate|, abs_tol)``. ``needed`` estimates the replications that
    would meet (2), from the fact that half-widths shrink like ``1/√n``.

    >>> convergence([5.0] * 60).converged
    True
    """
    x, _ = _clean(values)
    n = len(x)
    if n < 2:
        return Convergence(n, False, min_runs, f"only {n} run(s) reached it; at least {min_runs} are needed")
    mean, lo, hi = _mean_ci(x, confidence)
    p95 = float(np.percentile(x, 95))
    q_lo, q_hi = percentile_ci(x, 0.95, confidence)
    worst = 1.0
    reasons = []
    for label, est, half in (("mean", mean, (hi - lo) / 2), ("95th percentile", p95, (q_hi - q_lo) / 2)):
        tol = max(rel_tol * abs(est), abs_tol)
        if half > tol:
            ratio = half / tol if tol > 0 else math.inf
            worst = max(worst, ratio)
            reasons.append(f"{label} ±{half:.3g} exceeds ±{tol:.3g}")
    needed = max(min_runs, n if worst == 1.0 else (math.ceil(n * worst**2) if math.isfinite(worst) else 10 * n))
    if n < min_runs:
        reasons.insert(0, f"{n} of at least {min_runs} runs")
    if not reasons:
        within = f"{100 * rel_tol:.3g}%" + (f" or ±{abs_tol:.3g}" if abs_tol > 0 else "")
        return Convergence(n, True, n, f"mean and 95th percentile within {within} after {n} runs")
    return Convergence(n, False, int(needed), "; ".join(reasons))
