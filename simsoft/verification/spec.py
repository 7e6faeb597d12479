"""How a verification case is written: the case, its runs and its checks (data only, nothing runs here).

A :class:`Case` names its source and scenario file, the runs it needs (a :class:`RunSpec` each: a
patch of the scenario and extra actions) and its :class:`Check` s: a quantity observed from the runs
and the window it must fall in. :mod:`simsoft.verification.cases` lists the cases and
:mod:`simsoft.verification.suite` runs them.

>>> check = Check(quantity="time to walk 40 m", expected="40.0 s ± 0.5", low=39.5, high=40.5,
...               observe=lambda runs: 40.1, unit="s")
>>> case = Case(id="H-1", title="walk", source="hand calculation", scenario=None, checks=(check,))
>>> list(case.runs), case.checks[0].observe({})
(['base'], 40.1)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simsoft.engine import RunResult

__all__ = ["Runs", "Patch", "RunSpec", "Check", "Case"]

Runs = Mapping[str, RunResult]
"""The runs of a case by name (``"base"`` unless the case names others)."""
Patch = Callable[[dict[str, Any]], None]
"""Edits a scenario given as a dict (durations in seconds) in place."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a case: a patch of the scenario (as a dict in seconds) and extra actions."""

    patch: Patch | None = None
    actions: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Check:
    """A quantity observed from a case's runs that must lie in ``[low, high]``."""

    quantity: str
    expected: str
    low: float
    high: float
    observe: Callable[[Runs], float]
    unit: str = ""


@dataclass(frozen=True)
class Case:
    """A verification case: id, title, source, scenario file, runs and checks."""

    id: str
    title: str
    source: str
    scenario: str | None
    checks: tuple[Check, ...]
    runs: Mapping[str, RunSpec] = field(default_factory=lambda: {"base": RunSpec()})
