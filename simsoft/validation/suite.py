"""The validation suite: run each case's replications, summarise each compared metric, apply its bands.

:func:`evaluate` is the pure part (values in, verdict out), so the statistics are pinned by tests on
fixed numbers; :func:`run_suite` runs the cases. Only ``validation`` comparisons decide
:attr:`SuiteResult.passed`; a ``calibration`` comparison is reported (and flagged when it drifts) but
can never count as a validation pass.

>>> from simsoft.validation.spec import Band, Comparison
>>> c = Comparison(id="x", role="validation", figure="a.b", quantity="q", published=3.0, published_text="3 min",
...                unit="min", metric="m", bands=[Band(rule="inside_range")], justification="j")
>>> r = evaluate(c, [60.0 * m for m in range(1, 11)], case_id="demo", case_title="demo")
>>> r.summary.median, r.passed, r.counts_as_validation
(5.5, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from simsoft.experiments.stats import describe
from simsoft.rng import DEFAULT_SEED
from simsoft.validation.cases import Case, load_cases
from simsoft.validation.runner import run_replications
from simsoft.validation.spec import UNITS, Band, Comparison

__all__ = ["Summary", "BandResult", "ComparisonResult", "SuiteResult", "evaluate", "run_suite"]


@dataclass(frozen=True)
class Summary:
    """The simulated distribution of one metric, in display units (NaN when no run reached it)."""

    n: int
    missing: int
    median: float
    p5: float
    p95: float
    mean: float
    mean_ci_low: float
    mean_ci_high: float

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON-ready (NaN -> ``None``)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class BandResult:
    """One band: what it demands, what the simulation gave, whether it holds."""

    band: str
    observed: str
    passed: bool


@dataclass(frozen=True)
class ComparisonResult:
    """The outcome of one comparison of one case."""

    case_id: str
    case_title: str
    comparison: Comparison
    summary: Summary
    bands: tuple[BandResult, ...]
    note: str = ""

    @property
    def passed(self) -> bool:
        """Every band holds and enough runs reached the quantity."""
        return not self.note and all(b.passed for b in self.bands)

    @property
    def counts_as_validation(self) -> bool:
        """Only ``validation`` comparisons count; a calibration figure reproduces its default by construction."""
        return self.comparison.role == "validation"

    @property
    def id(self) -> str:
        """``case/comparison``."""
        return f"{self.case_id}/{self.comparison.id}"


@dataclass(frozen=True)
class SuiteResult:
    """All comparisons of a suite run."""

    results: tuple[ComparisonResult, ...]
    seed: int
    replications: dict[str, int] = field(default_factory=dict)

    def of_role(self, role: str) -> list[ComparisonResult]:
        """The comparisons with ``role``."""
        return [r for r in self.results if r.comparison.role == role]

    @property
    def validation_failed(self) -> list[ComparisonResult]:
        """Validation comparisons that failed (these make ``simsoft validate-model`` exit 1)."""
        return [r for r in self.of_role("validation") if not r.passed]

    @property
    def calibration_drifted(self) -> list[ComparisonResult]:
        """Calibration comparisons whose default no longer reproduces its source (a warning, not a verdict)."""
        return [r for r in self.of_role("calibration") if not r.passed]

    @property
    def passed(self) -> bool:
        """Every validation comparison passed (calibration comparisons never count, either way)."""
        return not self.validation_failed


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _check(band: Band, x: np.ndarray, published: float, median: float, mean: float) -> BandResult:
    if not len(x):
        return BandResult(band="", observed="no run reached it", passed=False)
    lo_q, hi_q = (float(v) for v in np.quantile(x, [band.low_q, band.high_q]))
    rng = f"{_fmt(lo_q)}-{_fmt(hi_q)}"
    if band.rule == "inside_range":
        return BandResult("", f"range {rng}", lo_q <= published <= hi_q)
    if band.rule == "median_factor":
        assert band.factor is not None
        ok = published / band.factor <= median <= published * band.factor if published > 0 else median == 0
        return BandResult("", f"median {_fmt(median)}", ok)
    assert band.low is not None and band.high is not None
    if band.rule == "median_between":
        return BandResult("", f"median {_fmt(median)}", band.low <= median <= band.high)
    if band.rule == "mean_between":
        return BandResult("", f"mean {_fmt(mean)}", band.low <= mean <= band.high)
    return BandResult("", f"range {rng}", band.low <= lo_q and hi_q <= band.high)


def evaluate(comparison: Comparison, values: Sequence[float | None], *, case_id: str, case_title: str) -> ComparisonResult:
    """Summarise the per-run ``values`` (metric units; ``None``: not reached) and apply the bands."""
    scale = UNITS[comparison.unit]
    scaled = [None if v is None else float(v) * scale for v in values]
    s = describe(scaled)
    summary = Summary(n=s.n, missing=s.missing, median=s.median, p5=s.p5, p95=s.p95, mean=s.mean,
                      mean_ci_low=s.mean_ci_low, mean_ci_high=s.mean_ci_high)
    x = np.asarray([v for v in scaled if v is not None and math.isfinite(v)], dtype=float)
    total = len(values)
    note = ""
    if total == 0:
        note = "no runs"
    elif s.missing / total > comparison.max_missing_share:
        note = (f"reached in only {s.n} of {total} runs (at most {comparison.max_missing_share:.0%} may miss it)")
    bands = []
    for band in comparison.bands:
        r = _check(band, x, comparison.published, s.median, s.mean)
        bands.append(BandResult(band=band.describe(comparison.published, comparison.unit), observed=r.observed,
                                passed=r.passed))
    return ComparisonResult(case_id=case_id, case_title=case_title, comparison=comparison, summary=summary,
                            bands=tuple(bands), note=note)


def run_suite(*, only: Iterable[str] | None = None, reps: int | None = None, seed: int = DEFAULT_SEED,
              workers: int | None = None, cases: Sequence[Case] | None = None,
              on_start: Callable[[int], None] | None = None,
              on_done: Callable[[int], None] | None = None) -> SuiteResult:
    """Run the cases (all shipped ones, the ids in ``only``, or ``cases``) and evaluate every comparison.

    ``reps`` overrides every case's own replications; ``on_start(total_runs)`` and ``on_done(n)`` report
    progress. Replication ``i`` of every case uses the same seed (derived from ``seed``).
    """
    loaded = list(cases) if cases is not None else load_cases(only=only)
    n = {c.spec.id: int(reps) if reps is not None else c.spec.replications for c in loaded}
    if on_start is not None:
        on_start(sum(n.values()))
    runs = run_replications({c.spec.id: c.scenario for c in loaded}, replications=n, seed=seed, workers=workers,
                            on_done=on_done)
    results = []
    for c in loaded:
        rows = runs[c.spec.id]
        for comp in c.spec.comparisons:
            results.append(evaluate(comp, [row.get(comp.metric) for row in rows], case_id=c.spec.id,
                                    case_title=c.spec.title))
    return SuiteResult(results=tuple(results), seed=seed, replications=n)
