"""Precision-driven replications: run outcome arms in batches and stop when the bands are tight enough.

Outcome comparisons (``exercise evaluate``, ``report``, ``compare``) and what-if forecasts show, per key
indicator, each arm's mean with its 95 % confidence interval and the paired differences between arms.
Running a fixed 200 replications spends most of its runs on indicators that were settled long before.
This module implements the sequential procedure for a confidence interval of *absolute precision*
(Law & Kelton, *Simulation Modeling and Analysis*, 3rd ed., section 9.4.1): after ``n`` replications the
half-width of the ``1 - alpha`` interval of a mean is

    delta(n, alpha) = t_{n-1, 1-alpha/2} * sqrt(S^2(n) / n)

and replications stop at the first ``n`` (at least a minimum ``n0``) with ``delta <= beta`` for the
wanted precision ``beta``. Here ``beta`` is each indicator's *practical threshold*
(:func:`simsoft.experiments.practical_threshold`: half a person, 30 s of evacuation, 1 min for other
times, 10 person-minutes of exposure), the smallest difference the reports call meaningful, and the
condition must hold at once for every indicator, every arm's mean and every paired difference the
report shows (common random numbers: the differences are the variances that matter).

A stopping point chosen from the data makes the final interval's coverage slightly lower than its
nominal 95 %; Law & Kelton note this, and that a larger first sample keeps it small (the procedure is
justified asymptotically by Chow & Robbins, *Ann. Math. Stat.* 36, 1965, as the precision tightens):
hence the minimum of 50 and checks after whole batches rather than after every run.

Determinism: the check is made only at fixed replication counts (:meth:`ReplicationRule.boundaries`:
the minimum, then every ``batch`` more, the cap last) on the values of replications ``0 .. n-1``, whose
seeds do not depend on how many there are (:func:`simsoft.experiments.replication_seeds`). So where the
runs stop depends only on the scenario, the decisions and the seed, never on the executor, the number
of workers or how long a batch took; and asking for a subset of arms gives the prefix a fresh run of
those arms alone would give.

Constants: :data:`MINIMUM` 50 replications (IMO MSC.1/Circ.1533 asks at least 50 runs of an evacuation
analysis, the floor ``sweep --until-converged`` uses too, :data:`simsoft.experiments.MIN_RUNS`) and
:data:`BATCH` 25 (a project choice: a batch of 25 x 3 arms keeps two workers busy for a few seconds, so
the check costs nothing against the runs while overshooting the stopping point by at most 24).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simsoft.errors import SimsoftError
from simsoft.experiments import MIN_RUNS, describe, paired_difference, practical_threshold

__all__ = ["MINIMUM", "BATCH", "ReplicationRule", "Precision", "Band", "wide_bands", "replicate"]

MINIMUM = MIN_RUNS
"""Replications before the first check (50: IMO MSC.1/Circ.1533, as ``sweep --until-converged``)."""

BATCH = 25
"""Replications added per arm between two checks (a project choice; see the module docstring)."""


@dataclass(frozen=True)
class ReplicationRule:
    """How many replications an outcome comparison runs.

    ``adaptive``: from ``minimum`` in batches of ``batch``, stopping as soon as every band is within its
    threshold, never beyond ``cap``; not adaptive: exactly ``cap`` (``--fixed-replications``).
    """

    cap: int
    adaptive: bool = True
    minimum: int = MINIMUM
    batch: int = BATCH

    def __post_init__(self) -> None:
        if self.cap < 2:
            raise SimsoftError(f"outcomes need at least 2 replications for an interval, got {self.cap}")
        if self.minimum < 2 or self.batch < 1:
            raise SimsoftError(f"a replication rule needs a minimum of at least 2 and batches of at least 1, got "
                               f"minimum {self.minimum}, batch {self.batch}")

    @classmethod
    def fixed(cls, n: int) -> "ReplicationRule":
        """Exactly ``n`` replications."""
        return cls(int(n), adaptive=False)

    @property
    def effectively_fixed(self) -> bool:
        """Whether every comparison runs ``cap`` replications (fixed, or a cap not above the minimum)."""
        return not self.adaptive or self.cap <= self.minimum

    def boundaries(self) -> list[int]:
        """The replication counts after which the bands are checked (the last is the cap).

        >>> ReplicationRule(200).boundaries()
        [50, 75, 100, 125, 150, 175, 200]
        >>> ReplicationRule(60).boundaries(), ReplicationRule(20).boundaries(), ReplicationRule.fixed(200).boundaries()
        ([50, 60], [20], [200])
        """
        if self.effectively_fixed:
            return [self.cap]
        out = list(range(self.minimum, self.cap, self.batch))
        return out + [self.cap]

    def key(self) -> str | None:
        """The rule as a cache key (``None`` for the fixed rule: outcome caches written before the rule existed
        were fixed, and they keep their key)."""
        if self.effectively_fixed:
            return None
        return f"adaptive:min={self.minimum},batch={self.batch},cap={self.cap}"

    def to_dict(self) -> dict[str, Any]:
        return {"cap": self.cap, "adaptive": self.adaptive, "minimum": self.minimum, "batch": self.batch}


@dataclass(frozen=True)
class Band:
    """A band wider than its threshold: the indicator, what it is (an arm's mean or a difference), its half-width."""

    metric: str
    what: str
    half_width: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "what": self.what,
                "half_width": self.half_width if math.isfinite(self.half_width) else None, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Band":
        hw = d.get("half_width")
        return cls(str(d["metric"]), str(d["what"]), math.inf if hw is None else float(hw), float(d["threshold"]))


@dataclass(frozen=True)
class Precision:
    """How many replications each arm used, and the precision reached there."""

    rule: ReplicationRule
    used: int
    wide: tuple[Band, ...] = field(default_factory=tuple)
    """Bands still wider than their threshold at ``used`` (empty: every band within its threshold)."""

    @property
    def within(self) -> bool:
        return not self.wide

    def text(self, labels: Mapping[str, str] | None = None) -> str:
        """In words (English; the AAR says it through the catalogs):

        ``stopped at 75 of 200 replications per arm: every band within its threshold``."""
        labels = labels or {}
        if not self.rule.adaptive:
            head = f"a fixed {self.used} replications per arm"
        elif self.rule.effectively_fixed:
            head = f"all {self.used} replications per arm asked for (the precision rule starts at {self.rule.minimum})"
        elif self.used < self.rule.cap:
            head = f"stopped at {self.used} of {self.rule.cap} replications per arm"
        else:
            head = f"all {self.used} of {self.rule.cap} replications per arm (the cap)"
        if self.within:
            return f"{head}: every band within its threshold"
        return f"{head}: {len(self.wide)} band(s) still wider than their threshold: " + "; ".join(
            f"{labels.get(b.metric, b.metric)} {b.what} ±{b.half_width:.3g} (threshold {b.threshold:g})" for b in self.wide[:3]
        ) + ("; ..." if len(self.wide) > 3 else "")

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.to_dict(), "used": self.used, "wide": [b.to_dict() for b in self.wide]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Precision":
        return cls(ReplicationRule(**d["rule"]), int(d["used"]), tuple(Band.from_dict(b) for b in d.get("wide", [])))


def _half(lo: Any, hi: Any, n: int) -> float:
    if n < 2 or lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return math.inf
    return (hi - lo) / 2.0


def wide_bands(values: Mapping[str, Mapping[str, Sequence[float | None]]], n: int, *, metrics: Sequence[str],
               pairs: Sequence[tuple[str, str, str]], names: Mapping[str, str] | None = None,
               threshold: Callable[[str], float] | None = None) -> list[Band]:
    """The bands over replications ``0 .. n-1`` whose 95 % half-width exceeds the metric's threshold
    (``threshold(metric)``, by default :func:`simsoft.experiments.practical_threshold`).

    ``values[arm][metric]``; every arm's mean is checked, and each paired difference ``(arm, reference,
    what)`` of ``pairs``; ``names`` says arms in words. A band no replication reached has no width (a metric never reached is not
    estimated); one reached by a single replication has an infinite one.
    """
    out: list[Band] = []
    for m in metrics:
        th = (threshold or practical_threshold)(m)  # looked up at the call: a test or caller may replace the default
        for arm, by_metric in values.items():
            st = describe(list(by_metric[m][:n])).to_dict()
            if st["n"] and (hw := _half(st["mean_ci_low"], st["mean_ci_high"], st["n"])) > th:
                out.append(Band(m, f"mean of {(names or {}).get(arm, arm)}", hw, th))
        for arm, ref, what in pairs:
            d = paired_difference(list(values[ref][m][:n]), list(values[arm][m][:n])).to_dict()
            if d["n"] and (hw := _half(d["ci_low"], d["ci_high"], d["n"])) > th:
                out.append(Band(m, what, hw, th))
    return out


def replicate(rule: ReplicationRule, *, have: Callable[[], int], run_to: Callable[[int], None],
              check: Callable[[int], list[Band]]) -> Precision:
    """Run to each of ``rule``'s boundaries in turn (``run_to(n)`` when ``have() < n``) until ``check(n)``
    finds no wide band (adaptive) or the cap is reached; the precision reached there."""
    bounds = rule.boundaries()
    for n in bounds:
        if have() < n:
            run_to(n)
        if not rule.effectively_fixed or n == bounds[-1]:
            wide = check(n)
            if not wide or n == bounds[-1]:
                return Precision(rule, n, tuple(wide))
    raise AssertionError("unreachable: the last boundary returns")  # pragma: no cover
