"""Measures: what verification cases read from their runs (milestones, first exits, series, rates),
and the shorthands they build their checks and scenario patches with.

>>> window(40.0, 0.5), rel(100.0, 0.02)
((39.5, 40.5), (98.0, 102.0))
>>> check("time to walk 40 m", "40.0 s ± 0.5", window(40.0, 0.5), lambda runs: 40.1, "s").high
40.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simsoft.engine import RunResult
from simsoft.records import Event
from simsoft.verification.spec import Check, Patch, Runs

__all__ = ["events", "t100", "first_out", "discharge", "series", "time_reaching", "rate", "set_group", "window", "rel", "check"]


def events(run: RunResult, kind: str, subject: str | None = None) -> list[Event]:
    return [e for e in run.events if e.kind == kind and (subject is None or e.subject == subject)]


def t100(run: RunResult) -> float:
    for e in events(run, "egress.milestone"):
        if e.values["pct"] == 100:
            return float(e.values.get("at_s", e.t_s))
    return float("nan")


def first_out(run: RunResult) -> float:
    times = [e.t_s for e in events(run, "egress.exit_first")]
    return min(times) if times else float("nan")


def discharge(run: RunResult) -> float:
    """From the first person out to the last: (N - 1) / Fc of the hand calculation, +- one step."""
    return t100(run) - first_out(run)


def series(run: RunResult, quantity: str, subject: str) -> tuple[np.ndarray, np.ndarray]:
    return run.timeseries.select(quantity, subject)


def time_reaching(run: RunResult, quantity: str, subject: str, level: float) -> float:
    t, v = series(run, quantity, subject)
    hit = np.flatnonzero(v >= level - 1e-6)
    return float(t[hit[0]]) if len(hit) else float("nan")


def rate(run: RunResult, quantity: str, subject: str, t0: float, t1: float) -> float:
    t, v = series(run, quantity, subject)
    return float((np.interp(t1, t, v) - np.interp(t0, t, v)) / (t1 - t0))


def set_group(key: str, value: Any, index: int | None = None) -> Patch:
    def patch(d: dict[str, Any]) -> None:
        groups = d["population"]["groups"]
        for i, g in enumerate(groups):
            if index is None or i == index:
                g[key] = value

    return patch


def window(value: float, tol: float) -> tuple[float, float]:
    return value - tol, value + tol


def rel(value: float, rel: float) -> tuple[float, float]:
    return value * (1 - rel), value * (1 + rel)


def check(quantity: str, expected: str, window: tuple[float, float], observe: Callable[[Runs], float], unit: str = "") -> Check:
    return Check(quantity=quantity, expected=expected, low=window[0], high=window[1], observe=observe, unit=unit)
