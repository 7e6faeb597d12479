"""Magnitudes of the shipped scenario library against reference ranges from published incidents.

Each shipped scenario's base variant is run N times and the outcomes teams are scored on are set
against the ranges real incidents span. The ranges live here, in :data:`REFERENCES`, and only here
(``docs/validation.md`` prints them from this list). A scenario is a designed exercise, not a
re-creation of an incident, so a value outside a range is a flag to examine, not a failed test:
``simsoft validate-model --library`` never exits 1 because of it.

>>> sorted({r.unit for r in REFERENCES}) == sorted({"%", "count", "min", "h", "d"})
True
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simsoft.experiments.stats import describe
from simsoft.loader import load_scenario
from simsoft.rng import DEFAULT_SEED
from simsoft.validation.runner import run_replications
from simsoft.validation.spec import UNITS
from simsoft.validation.suite import Summary

__all__ = ["Reference", "REFERENCES", "Row", "LibraryResult", "run_library", "DEFAULT_LIBRARY_REPS"]

DEFAULT_LIBRARY_REPS = 200
"""Replications per scenario for the library table."""


@dataclass(frozen=True)
class Reference:
    """A reference range for one outcome, in display units (``None``: no published bound that side)."""

    label: str
    metric: str
    unit: str
    low: float | None
    high: float | None
    source: str

    def range_text(self) -> str:
        """``1-15 %``, ``<= 24 h``, or ``-`` when there is no range."""
        u = f" {self.unit}" if self.unit != "count" else ""
        if self.low is None and self.high is None:
            return "-"
        if self.low is None:
            return f"<= {self.high:g}{u}"
        if self.high is None:
            return f">= {self.low:g}{u}"
        return f"{self.low:g}-{self.high:g}{u}"

    def contains(self, value: float) -> bool | None:
        """Whether ``value`` lies in the range (``None`` when there is no range)."""
        if self.low is None and self.high is None:
            return None
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


REFERENCES: tuple[Reference, ...] = (
    Reference("case fatality (deaths / casualties)", "validation.case_fatality", "%", 1.0, 15.0,
              "Boston 2013: 3 of 284 (1 %; Gates et al., Ann Surg 260(6):960, 2014); London 7/7: 56 of 775 (7.2 %; "
              "Aylwin et al., Lancet 368:2219, 2006); Manchester Arena: 22 of 259 (8.5 %; Inquiry vol. 2); "
              "upper bound judgement for confined spaces with a larger killed-outright share"),
    Reference("in-hospital deaths (share of casualties)", "validation.hospital_death_share", "%", 0.0, 2.0,
              "Boston 2013: none (Gates et al. 2014); London 7/7: 3 of 775 = 0.4 % (Aylwin et al. 2006); upper "
              "bound judgement ('a few % at most', issue 16)"),
    Reference("preventable deaths", "medical.preventable_deaths", "count", None, None,
              "no published count; should be > 0 where the response is slow, so that response levers carry signal"),
    Reference("critical mortality (immediate reaching hospital)", "validation.immediate_mortality_hospital", "%", 0.0, 20.0,
              "Frykberg & Tepas, Ann Surg 208(5):569, 1988: 12.4 %; London 7/7: 15 % (Aylwin et al. 2006); Boston: "
              "0 (Gates et al. 2014); upper bound judgement"),
    Reference("last immediate casualty at hospital (from incident start)", "validation.t_last_immediate_at_hospital_s",
              "min", 20.0, 120.0,
              "Boston: last wounded evacuated within 22 min (Leonard et al., HKS 2014) plus transport; Manchester Arena: "
              "last casualty at the clearing station +71 min (Inquiry vol. 2) plus loading and transport; bounds judgement"),
    Reference("reunification mean wait", "recovery.reunification.mean_wait_s", "h", 0.25, 4.0,
              "judgement: tens of minutes to a few hours (issue 16 target; no published distribution) [verify]"),
    Reference("reunification complete (from incident start)", "validation.t_reunification_complete_s", "h", None, 24.0,
              "judgement: within the first day for most venues (issue 16 target) [verify]"),
    Reference("reopening (from incident start)", "validation.t_reopened_s", "d", 4.0, 110.0,
              "Emanuel AME Church 2015 4 d, Al Noor mosque 2019 8 d, Boylston St 2013 9 d, Borough Market 2017 11 d, "
              "Manchester Arena ~3.5 months (issue 16; dates from press reports) [verify]"),
    Reference("police arrival after report", "response.police_after_report_s", "min", 1.0, 12.0,
              "Blair, Martaindale & Nichols, FBI LEB Jan 2014: median 3 min, spread ~1-12 min (secondary summaries)"),
    Reference("crowd-crush casualties", "casualties.cause.crowd_crush", "count", 0.0, 0.0,
              "issue 16: normal egress never causes crush injuries; a base variant without a jammed exit in a packed "
              "space should show none"),
)
"""The reference ranges, one per outcome (the single place they are written)."""


@dataclass(frozen=True)
class Row:
    """One outcome of one scenario: its simulated distribution and whether the median lies in the range."""

    reference: Reference
    summary: Summary

    @property
    def status(self) -> str:
        """``in``, ``OUT``, ``-`` (no range) or ``not reached``."""
        if self.summary.n == 0:
            return "not reached"
        inside = self.reference.contains(self.summary.median)
        return "-" if inside is None else ("in" if inside else "OUT")


@dataclass(frozen=True)
class LibraryResult:
    """The library table: rows by scenario name (file stem), the replications and seed."""

    rows: dict[str, tuple[Row, ...]]
    replications: int
    seed: int


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
    if on_start is not None:
        on_start(reps * len(scenarios))
    runs = run_replications(scenarios, replications={k: reps for k in scenarios}, seed=seed, workers=workers,
                            on_done=on_done)
    rows = {}
    for name in sorted(runs):
        out = []
        for ref in REFERENCES:
            scale = UNITS[ref.unit]
            values = [None if m.get(ref.metric) is None else float(m[ref.metric]) * scale for m in runs[name]]
            s = describe(values)
            out.append(Row(reference=ref, summary=Summary(n=s.n, missing=s.missing, median=s.median, p5=s.p5,
                                                          p95=s.p95, mean=s.mean, mean_ci_low=s.mean_ci_low,
                                                          mean_ci_high=s.mean_ci_high)))
        rows[name] = tuple(out)
    return LibraryResult(rows=rows, replications=reps, seed=seed)
