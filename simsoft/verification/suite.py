"""The verification suite: runs the cases, sharing identical runs between them, and returns pass/fail.

>>> results = run_verification(only=["H-2"])
>>> results[0].passed
True
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simsoft.engine import RunResult, Simulation
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import Scenario
from simsoft.verification.cases import CASES
from simsoft.verification.spec import RunSpec

__all__ = ["VERIFICATION_DIR", "CheckResult", "CaseResult", "run_verification"]

VERIFICATION_DIR = Path(__file__).resolve().parent / "scenarios"
"""Where the scenario files of the cases live: ``simsoft/verification/scenarios``, shipped in the wheel
(package data), so ``simsoft verify`` works from an installed package, not only from a clone."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    quantity: str
    expected: str
    observed: float
    unit: str
    passed: bool


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case (``wall_s`` is not part of the written report)."""

    id: str
    title: str
    source: str
    scenario: str | None
    checks: tuple[CheckResult, ...]
    wall_s: float

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(c.passed for c in self.checks)


def _load(path: Path) -> Scenario:
    from simsoft.loader import load_scenario

    return load_scenario(path)


def _simulate(scenario: Scenario, spec: RunSpec, *, seed: int) -> RunResult:
    if spec.patch is not None:
        data = copy.deepcopy(scenario.model_dump(by_alias=True, exclude_none=True))
        spec.patch(data)
        scenario = Scenario.model_validate(data)
    sim = Simulation(scenario, seed=seed)
    for action in spec.actions:
        sim.apply(action)
    sim.run_to_end()
    return sim.result()


def run_verification(*, only: Iterable[str] | None = None, directory: Path | str | None = None, seed: int = DEFAULT_SEED) -> list[CaseResult]:
    """Run the cases (all, or the ids in ``only``) and return their results in :data:`CASES` order."""
    wanted = set(only) if only is not None else None
    if wanted is not None:
        unknown = wanted - {c.id for c in CASES}
        if unknown:
            raise ValueError(f"unknown verification case {sorted(unknown)[0]!r} (known: {', '.join(c.id for c in CASES)})")
    folder = Path(directory) if directory is not None else VERIFICATION_DIR
    loaded: dict[str, Scenario] = {}
    cache: dict[tuple[str, str], RunResult] = {}
    results = []
    for case in CASES:
        if wanted is not None and case.id not in wanted:
            continue
        start = time.perf_counter()
        runs: dict[str, RunResult] = {}
        if case.scenario is not None:
            if case.scenario not in loaded:
                loaded[case.scenario] = _load(folder / case.scenario)
            for name, spec in case.runs.items():
                # Identical unpatched runs of one file are shared between cases.
                key = (case.scenario, name) if spec.patch is None and not spec.actions else (case.id, name)
                if key not in cache:
                    cache[key] = _simulate(loaded[case.scenario], spec, seed=seed)
                runs[name] = cache[key]
        checks = []
        for chk in case.checks:
            try:
                value = float(chk.observe(runs))
            except (KeyError, IndexError, ValueError, ZeroDivisionError):
                value = float("nan")
            ok = bool(np.isfinite(value) and chk.low <= value <= chk.high)
            checks.append(CheckResult(quantity=chk.quantity, expected=chk.expected, observed=value, unit=chk.unit, passed=ok))
        results.append(
            CaseResult(
                id=case.id, title=case.title, source=case.source, scenario=case.scenario, checks=tuple(checks), wall_s=time.perf_counter() - start
            )
        )
    return results
