"""Magnitudes of the shipped scenario library against reference ranges from published incidents.

Each shipped scenario's base variant is run N times and the outcomes teams are scored on are set
against the ranges real incidents span. The ranges live here, in :data:`REFERENCES`, and only here
(``docs/validation.md`` prints them from this list). A scenario is a designed exercise, not a
re-creation of an incident, so a value outside a range is a flag to examine, not a failed test:
``simsoft validate-model --library`` never exits 1 because of it.

Ranges from large incidents do not fit every scene as they stand, so some depend on the scene, each with
its basis in the reference's source: case fatality is set against runs with enough casualties, and pooled
over runs for small scenes; reopening has one range for runs with deaths and one for runs without; the
in-hospital death share scales with the scene's critical share; the last immediate casualty at hospital
allows for the scene's hospital travel. None is widened to let a scene pass.

>>> sorted({r.unit for r in REFERENCES}) == sorted({"%", "count", "min", "h", "d"})
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simsoft.errors import Problem, ScenarioError
from simsoft.experiments.stats import describe
from simsoft.loader import load_scenario
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import Scenario
from simsoft.validation.runner import run_replications
from simsoft.validation.spec import UNITS
from simsoft.validation.suite import Summary

__all__ = ["Reference", "REFERENCES", "Row", "LibraryResult", "RunFilter", "SceneBounds", "run_library",
           "summarise", "range_text", "DEFAULT_LIBRARY_REPS", "MIN_CASUALTIES_PER_RUN"]

DEFAULT_LIBRARY_REPS = 200
"""Replications per scenario for the library table."""

MIN_CASUALTIES_PER_RUN = 20
"""Fewest casualties for a run's own case fatality to be set against the published range. The reference
incidents had 259-775 casualties; below 20 one death moves a run's case fatality by more than 5 points, so a
small scene's runs are compared pooled instead (judgement: the threshold, range 10-50)."""

CCP_TO_DEPARTURE_MIN = 10.0
"""CCP treatment plus loading at their default medians (5 + 5 min, ``medical.scene.treatment_time`` and
``medical.ambulances.load_time``): added to the latest published time to the CCP (Manchester, +71 min)."""

Metrics = Mapping[str, Any]


def range_text(low: float | None, high: float | None, unit: str) -> str:
    """``1-15 %``, ``<= 24 h``, or ``-`` when there is no range."""
    u = f" {unit}" if unit != "count" else ""
    if low is None and high is None:
        return "-"
    if low is None:
        return f"<= {high:g}{u}"
    if high is None:
        return f">= {low:g}{u}"
    return f"{low:g}-{high:g}{u}"


@dataclass(frozen=True)
class RunFilter:
    """Which runs a reference range applies to (the others are left out of that row, and counted)."""

    text: str
    keep: Callable[[Metrics], bool]


@dataclass(frozen=True)
class SceneBounds:
    """A reference range that depends on the scene (its casualty mix, its hospitals), in display units."""

    text: str
    bounds: Callable[[Scenario], tuple[float | None, float | None]]


@dataclass(frozen=True)
class Reference:
    """A reference range for one outcome, in display units (``None``: no published bound that side).

    ``runs``: only runs it keeps are compared; ``scene``: the bounds come from the scenario instead of
    ``low``/``high``; ``pooled``: the row compares one ratio of sums over the runs (numerator, denominator
    metrics) instead of each run's value."""

    label: str
    metric: str
    unit: str
    low: float | None
    high: float | None
    source: str
    runs: RunFilter | None = None
    scene: SceneBounds | None = None
    pooled: tuple[str, str] | None = None

    def range_text(self) -> str:
        """The rule as text: the fixed range, or how the scene sets it; and which runs count."""
        text = self.scene.text if self.scene is not None else range_text(self.low, self.high, self.unit)
        return f"{text} ({self.runs.text})" if self.runs is not None else text

    def bounds_for(self, scenario: Scenario | None) -> tuple[float | None, float | None]:
        """The bounds for ``scenario`` (the fixed ones unless the range depends on the scene)."""
        if self.scene is not None and scenario is not None:
            return self.scene.bounds(scenario)
        return self.low, self.high

    def contains(self, value: float, scenario: Scenario | None = None) -> bool | None:
        """Whether ``value`` lies in the range for ``scenario`` (``None`` when there is no range)."""
        low, high = self.bounds_for(scenario)
        if low is None and high is None:
            return None
        return (low is None or value >= low) and (high is None or value <= high)


def _deaths(m: Metrics) -> int:
    return int(m.get("medical.deaths") or 0)


def _critical_share(scenario: Scenario) -> float:
    mix = scenario.medical.triage_mix if scenario.medical is not None else None
    return 0.0 if mix is None else float(mix.immediate + mix.expectant)


def _hospital_deaths_bounds(scenario: Scenario) -> tuple[float | None, float | None]:
    # In-hospital deaths per casualty ~ critical share of casualties x critical mortality (<= 20 %).
    return 0.0, round(100.0 * _critical_share(scenario) * 0.20, 2)


def _last_immediate_bounds(scenario: Scenario) -> tuple[float | None, float | None]:
    travel = max((h.travel for h in scenario.medical.hospitals), default=0.0) if scenario.medical is not None else 0.0
    return 20.0, round(71.0 + CCP_TO_DEPARTURE_MIN + travel / 60.0, 1)


REFERENCES: tuple[Reference, ...] = (
    Reference("case fatality (deaths / casualties)", "validation.case_fatality", "%", 1.0, 15.0,
              "Boston 2013: 3 of 284 (1 %; Gates et al., Ann Surg 260(6):960, 2014); London 7/7: 56 of 775 (7.2 %; "
              "Aylwin et al., Lancet 368:2219, 2006); Manchester Arena: 22 of 259 (8.5 %; Inquiry vol. 2); "
              "upper bound judgement for confined spaces with a larger killed-outright share. Those incidents had "
              "259-775 casualties, so only runs with enough casualties are set against it",
              runs=RunFilter(f"runs with >= {MIN_CASUALTIES_PER_RUN} casualties",
                             lambda m: (m.get("medical.casualties") or 0) >= MIN_CASUALTIES_PER_RUN)),
    Reference("case fatality, pooled over runs", "validation.case_fatality", "%", 1.0, 15.0,
              "the same incidents and range; deaths summed over all runs / casualties summed over all runs (a small "
              "scene's runs pooled into one large sample), 5-95 % by bootstrap over runs",
              pooled=("medical.deaths", "medical.casualties")),
    Reference("in-hospital deaths (share of casualties)", "validation.hospital_death_share", "%", 0.0, 2.0,
              "critical share of casualties x critical mortality: London 7/7 20 critical of 775 x 15 % = 0.4 %, as "
              "observed (3 of 775; Aylwin et al. 2006); Boston 2013: none (Gates et al. 2014); the bound uses the "
              "scene's immediate + expectant share and the 20 % upper bound of critical mortality (row below)",
              scene=SceneBounds("0 to 20 % x the scene's critical (immediate + expectant) share, %", _hospital_deaths_bounds)),
    Reference("preventable deaths", "medical.preventable_deaths", "count", None, None,
              "no published count; should be > 0 where the response is slow, so that response levers carry signal"),
    Reference("critical mortality (immediate reaching hospital)", "validation.immediate_mortality_hospital", "%", 0.0, 20.0,
              "Frykberg & Tepas, Ann Surg 208(5):569, 1988: 12.4 %; London 7/7: 15 % (Aylwin et al. 2006); Boston: "
              "0 (Gates et al. 2014); upper bound judgement"),
    Reference("last immediate casualty at hospital (from incident start)", "validation.t_last_immediate_at_hospital_s",
              "min", 20.0, 120.0,
              "Boston: last wounded evacuated within 22 min (Leonard et al., HKS 2014); Manchester Arena: last casualty "
              f"at the clearing station +71 min (Inquiry vol. 2), plus CCP treatment and loading ({CCP_TO_DEPARTURE_MIN:g} "
              "min at the default medians) and the scene's longest one-way hospital travel",
              scene=SceneBounds(f"20 min to 71 + {CCP_TO_DEPARTURE_MIN:g} min + the longest hospital travel, min",
                                _last_immediate_bounds)),
    Reference("reunification mean wait", "recovery.reunification.mean_wait_s", "h", 0.25, 4.0,
              "judgement: tens of minutes to a few hours (issue 16 target; no published distribution) [verify]"),
    Reference("reunification complete (from incident start)", "validation.t_reunification_complete_s", "h", None, 24.0,
              "judgement: within the first day for most venues (issue 16 target) [verify]"),
    Reference("reopening, runs with deaths (from incident start)", "validation.t_reopened_s", "d", 4.0, 110.0,
              "Emanuel AME Church 2015 4 d, Al Noor mosque 2019 8 d, Boylston St 2013 9 d, Borough Market 2017 11 d, "
              "Manchester Arena ~3.5 months (issue 16; dates from press reports). The same anchors set "
              "recovery.reopening: a check that the model reproduces them, not validation",
              runs=RunFilter("runs with deaths", lambda m: _deaths(m) > 0)),
    Reference("reopening, runs without deaths (from incident start)", "validation.t_reopened_s", "d", 0.25, 2.0,
              "Parsons Green 2017 (29 injured, none killed): station reopened 1.30 am next day, ~17 h after "
              "(Transport for London); bounds judgement: ~0.7 d divided and multiplied by 3, the spread of the "
              "fatal anchors (4-11 d). Glasgow Airport 2007 (~16.5 h, BAA) set recovery.reopening's no-death "
              "medians, so it is not used here",
              runs=RunFilter("runs without deaths", lambda m: _deaths(m) == 0)),
    Reference("police arrival after report", "response.police_after_report_s", "min", 1.0, 12.0,
              "Blair, Martaindale & Nichols, FBI LEB Jan 2014: median 3 min, spread ~1-12 min (secondary summaries)"),
    Reference("crowd-crush casualties", "casualties.cause.crowd_crush", "count", 0.0, 0.0,
              "issue 16: normal egress never causes crush injuries; a base variant without a jammed exit in a packed "
              "space should show none"),
)
"""The reference ranges, one per outcome (the single place they are written)."""


@dataclass(frozen=True)
class Row:
    """One outcome of one scenario: its simulated distribution, the range for this scene and whether the median
    (or the pooled value) lies in it. ``excluded``: runs the reference's run filter left out."""

    reference: Reference
    summary: Summary
    low: float | None = None
    high: float | None = None
    excluded: int = 0

    def range_text(self) -> str:
        """The range that applies to this scene."""
        return range_text(self.low, self.high, self.reference.unit)

    @property
    def status(self) -> str:
        """``in``, ``OUT``, ``-`` (no range), ``n/a`` (no run the range applies to) or ``not reached``."""
        if self.summary.n == 0:
            return "n/a" if self.excluded and not self.summary.missing else "not reached"
        if self.low is None and self.high is None:
            return "-"
        inside = (self.low is None or self.summary.median >= self.low) and (self.high is None or self.summary.median <= self.high)
        return "in" if inside else "OUT"


@dataclass(frozen=True)
class LibraryResult:
    """The library table: rows by scenario name (file stem), the replications and seed."""

    rows: dict[str, tuple[Row, ...]]
    replications: int
    seed: int


def _pooled(ref: Reference, runs: Sequence[Metrics], scale: float) -> Summary:
    num_key, den_key = ref.pooled  # type: ignore[misc]
    pairs = [(float(m.get(num_key) or 0.0), float(m.get(den_key) or 0.0)) for m in runs if m.get(den_key) is not None]
    nan = float("nan")
    if not pairs or sum(d for _, d in pairs) == 0:
        return Summary(n=0, missing=len(runs), median=nan, p5=nan, p95=nan, mean=nan, mean_ci_low=nan, mean_ci_high=nan)
    num = np.array([p[0] for p in pairs])
    den = np.array([p[1] for p in pairs])
    value = float(num.sum() / den.sum()) * scale
    # Bootstrap over runs (fixed seed: the table is deterministic).
    idx = np.random.default_rng(20240611).integers(0, len(pairs), size=(2000, len(pairs)))
    sums = den[idx].sum(axis=1)
    boot = np.where(sums > 0, num[idx].sum(axis=1) / np.where(sums > 0, sums, 1.0), 0.0) * scale
    p5, p95, lo, hi = (float(x) for x in np.percentile(boot, [5, 95, 2.5, 97.5]))
    return Summary(n=len(pairs), missing=len(runs) - len(pairs), median=value, p5=p5, p95=p95, mean=value,
                   mean_ci_low=lo, mean_ci_high=hi)


def summarise(ref: Reference, runs: Sequence[Metrics], scenario: Scenario | None = None) -> Row:
    """One row: ``ref`` against the runs of one scenario (filtered, pooled and bounded as ``ref`` says)."""
    scale = UNITS[ref.unit]
    kept = [m for m in runs if ref.runs is None or ref.runs.keep(m)]
    low, high = ref.bounds_for(scenario)
    if ref.pooled is not None:
        summary = _pooled(ref, kept, scale)
    else:
        values = [None if m.get(ref.metric) is None else float(m[ref.metric]) * scale for m in kept]
        s = describe(values)
        summary = Summary(n=s.n, missing=s.missing, median=s.median, p5=s.p5, p95=s.p95, mean=s.mean,
                          mean_ci_low=s.mean_ci_low, mean_ci_high=s.mean_ci_high)
    return Row(reference=ref, summary=summary, low=low, high=high, excluded=len(runs) - len(kept))


def library_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Scenario files of ``folder`` (not its subfolders), sorted."""
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file())


def run_library(folder: str | os.PathLike[str] = "scenarios", *, reps: int = DEFAULT_LIBRARY_REPS,
                seed: int = DEFAULT_SEED, workers: int | None = None,
                on_start: Callable[[int], None] | None = None,
                on_done: Callable[[int], None] | None = None) -> LibraryResult:
    """Run every scenario of ``folder`` that has an incident (base variant) ``reps`` times and summarise."""
    scenarios = {}
    for path in library_files(folder):
        scenario = load_scenario(path)
        if scenario.incident is not None:
            scenarios[path.stem] = scenario
    if not scenarios:  # an empty table would read as "0 outcomes outside their range": a pass nobody earned
        what = "is not a folder" if not Path(folder).is_dir() else "holds no scenario (*.yaml) with an incident"
        raise ScenarioError(Problem(file=str(folder), line=None, path="",
                                    rule=f"{what}: give the scenario folder (--scenarios) or run from the project folder"))
    if on_start is not None:
        on_start(reps * len(scenarios))
    runs = run_replications(scenarios, replications={k: reps for k in scenarios}, seed=seed, workers=workers,
                            on_done=on_done)
    rows = {name: tuple(summarise(ref, runs[name], scenarios[name]) for ref in REFERENCES) for name in sorted(runs)}
    return LibraryResult(rows=rows, replications=reps, seed=seed)
