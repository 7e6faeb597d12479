"""Verification suite of the egress model: runs the published test cases and reports pass/fail.

The cases themselves (source, scenario file, expected values and tolerances) are in
:mod:`simsoft.verification_cases`; this module runs them, shares identical runs between cases, and
formats the results as a plain-text table or the Markdown report ``docs/verification.md``.

>>> results = run_verification(only=["H-2"])
>>> results[0].passed
True
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simsoft.engine import RunResult, Simulation
from simsoft.records import Event
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import Scenario

__all__ = ["Check", "Case", "RunSpec", "CheckResult", "CaseResult", "CASES", "VERIFICATION_DIR", "run_verification", "format_table", "write_markdown"]

VERIFICATION_DIR = Path(__file__).resolve().parents[1] / "tests" / "verification"
"""Where the scenario files of the cases live (the repository's ``tests/verification``)."""

Runs = Mapping[str, RunResult]
Patch = Callable[[dict[str, Any]], None]


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


# ---------------------------------------------------------------------------------------------- helpers


def _events(run: RunResult, kind: str, subject: str | None = None) -> list[Event]:
    return [e for e in run.events if e.kind == kind and (subject is None or e.subject == subject)]


def _t100(run: RunResult) -> float:
    for e in _events(run, "egress.milestone"):
        if e.values["pct"] == 100:
            return float(e.values.get("at_s", e.t_s))
    return float("nan")


def _first_out(run: RunResult) -> float:
    times = [e.t_s for e in _events(run, "egress.exit_first")]
    return min(times) if times else float("nan")


def _discharge(run: RunResult) -> float:
    """From the first person out to the last: (N - 1) / Fc of the hand calculation, +- one step."""
    return _t100(run) - _first_out(run)


def _series(run: RunResult, quantity: str, subject: str) -> tuple[np.ndarray, np.ndarray]:
    return run.timeseries.select(quantity, subject)


def _time_reaching(run: RunResult, quantity: str, subject: str, level: float) -> float:
    t, v = _series(run, quantity, subject)
    hit = np.flatnonzero(v >= level - 1e-6)
    return float(t[hit[0]]) if len(hit) else float("nan")


def _rate(run: RunResult, quantity: str, subject: str, t0: float, t1: float) -> float:
    t, v = _series(run, quantity, subject)
    return float((np.interp(t1, t, v) - np.interp(t0, t, v)) / (t1 - t0))


def _set_group(key: str, value: Any, index: int | None = None) -> Patch:
    def patch(d: dict[str, Any]) -> None:
        groups = d["population"]["groups"]
        for i, g in enumerate(groups):
            if index is None or i == index:
                g[key] = value

    return patch


def _window(value: float, tol: float) -> tuple[float, float]:
    return value - tol, value + tol


def _rel(value: float, rel: float) -> tuple[float, float]:
    return value * (1 - rel), value * (1 + rel)


def _check(quantity: str, expected: str, window: tuple[float, float], observe: Callable[[Runs], float], unit: str = "") -> Check:
    return Check(quantity=quantity, expected=expected, low=window[0], high=window[1], observe=observe, unit=unit)


def __getattr__(name: str) -> Any:
    # CASES is defined in simsoft.verification_cases, which builds on the helpers above.
    if name == "CASES":
        from simsoft.verification_cases import CASES

        return CASES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


# --------------------------------------------------------------------------------------------- running


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
    from simsoft.verification_cases import CASES

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


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if abs(value) < 1e-6:  # round-off residues differ between machines; the report must not
        return "0"
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.3g}"
    return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.2f}"


def _rows(results: Sequence[CaseResult]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for r in results:
        for c in r.checks:
            observed = f"{_fmt(c.observed)} {c.unit}".strip()
            rows.append((r.id, c.quantity, c.expected, observed, "pass" if c.passed else "FAIL"))
    return rows


def format_table(results: Sequence[CaseResult]) -> str:
    """A plain-text table: one line per check (case, quantity, expected, observed, pass/FAIL) and a total."""
    header = ("case", "quantity", "expected", "observed", "result")
    rows = [header, *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} of {len(results)} cases passed")
    return "\n".join(lines)


def write_markdown(results: Sequence[CaseResult], path: Path | str) -> None:
    """Write the verification report (deterministic: no wall-clock times) to ``path``."""
    out = [
        "# Verification of the egress model",
        "",
        "Generated by `simsoft.verification.write_markdown` from the cases in `simsoft/verification_cases.py`",
        "(scenario files under `tests/verification/`); `tests/test_verification.py` checks that this file",
        "is current. Regenerate with:",
        "",
        "```",
        'python -c "from simsoft.verification import run_verification, write_markdown; '
        "write_markdown(run_verification(), 'docs/verification.md')\"",
        "```",
        "",
        f"**{sum(r.passed for r in results)} of {len(results)} cases pass** (seed {DEFAULT_SEED}).",
        "",
        "| case | quantity | expected | observed | result |",
        "|---|---|---|---|---|",
    ]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in _rows(results)]
    out += ["", "## Cases", ""]
    for r in results:
        scenario = f"`tests/verification/{r.scenario}`" if r.scenario else "no simulation (model functions)"
        out.append(f"- **{r.id}** {r.title}. Source: {r.source}. Scenario: {scenario}.")
    out.append("")
    Path(path).write_text("\n".join(out), encoding="utf-8")
