"""Ranged parameters of a scenario: list them, sample them (Latin hypercube), turn a sample into overrides.

The ranges live in the schema (:mod:`simsoft.schema.ranges`). :func:`list_parameters` walks a loaded
scenario and returns every ranged value it holds, with the dotted override path a variant's ``set:``
accepts. Nothing under ``incident`` is ever listed or sampled: the incident is a scripted input.

>>> from simsoft import load_scenario
>>> params = list_parameters(load_scenario("scenarios/place-of-worship.yaml"))  # doctest: +SKIP
>>> params[0].path  # doctest: +SKIP
'population.pre_movement.median'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from simsoft.errors import SimsoftError
from simsoft.schema import Scenario
from simsoft.schema.common import format_seconds
from simsoft.schema.distributions import Fixed, Lognormal, Normal, Uniform
from simsoft.schema.ranges import RANGES_KEY

__all__ = ["Parameter", "list_parameters", "latin_hypercube", "sample_parameters", "overrides_for", "EXCLUDED"]

EXCLUDED = ("incident", "variants", "actions", "venue", "egress")
"""Top-level sections never walked: the incident is a scripted input (scope rule), variants and actions
are decisions, venue and egress are geometry and the verified crowd model. ``egress.crush`` (crowd-crush
settings: judgements with ranges, outside the verified flow model) is walked all the same."""

_TIME_KEYS = {  # time parameters a distribution scale multiplies (shift is a fixed cue delay, left alone)
    Lognormal: ("median", "p99", "mean", "sd"),
    Uniform: ("low", "high"),
    Normal: ("mean", "sd"),
    Fixed: ("value",),
}
_MAIN_KEY = {Lognormal: ("median", "mean"), Uniform: ("low",), Normal: ("mean",), Fixed: ("value",)}


@dataclass(frozen=True)
class Parameter:
    """One ranged value of a scenario.

    ``path`` is the override path (``medical.survival.immediate.b0``); for a distribution it names its
    main time parameter (``...travel.median``) and :attr:`scales` lists every time parameter a sample
    multiplies. ``value``, ``low`` and ``high`` are in the file's units of the value (seconds for
    durations). ``log``: sampled log-uniformly.
    """

    path: str
    value: float
    low: float
    high: float
    source: str
    log: bool = False
    duration: bool = False
    scales: tuple[tuple[str, float], ...] = ()

    def overrides(self, x: float) -> dict[str, Any]:
        """The ``set:`` overrides putting this parameter at ``x``."""
        if self.scales:
            factor = x / self.value
            return {p: format_seconds(v * factor) for p, v in self.scales}
        return {self.path: format_seconds(x) if self.duration else float(x)}

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "low": self.low, "high": self.high, "log": self.log,
                "source": self.source}


def _ranges_of(model: type[BaseModel], name: str) -> list[dict[str, Any]]:
    extra = model.model_fields[name].json_schema_extra
    return list(extra.get(RANGES_KEY, [])) if isinstance(extra, dict) else []


def _is_duration(model: type[BaseModel], name: str) -> bool:
    from simsoft.schema.common import format_seconds as fmt

    for meta in model.model_fields[name].metadata:
        if getattr(meta, "func", None) is fmt:
            return True
    ann = str(model.model_fields[name].annotation)
    return "format_seconds" in ann


def _walk(node: BaseModel, prefix: str, out: list[Parameter]) -> None:
    cls = type(node)
    for name in cls.model_fields:
        value = getattr(node, name)
        path = f"{prefix}.{name}" if prefix else name
        for r in _ranges_of(cls, name):
            p = _parameter(cls, name, value, path, r)
            if p is not None:
                out.append(p)
        if isinstance(value, BaseModel) and type(value) not in _TIME_KEYS:
            _walk(value, path, out)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _walk(item, f"{path}[{i}]", out)


def _parameter(cls: type[BaseModel], name: str, value: Any, path: str, r: dict[str, Any]) -> Parameter | None:
    lo, hi, rel, log, src = r["low"], r["high"], r["relative"], r["log"], r["source"]
    if value is None:
        return None  # an optional value the scenario leaves out (e.g. no full-plan time): nothing to vary
    if type(value) in _TIME_KEYS:
        keys = [k for k in _TIME_KEYS[type(value)] if getattr(value, k, None) is not None]
        main = next(k for k in _MAIN_KEY[type(value)] if getattr(value, k, None) is not None)
        current = float(getattr(value, main))
        if current <= 0:
            return None  # a zero delay stays zero whatever the factor
        return Parameter(f"{path}.{main}", current, current * lo, current * hi, src, log=log, duration=True,
                         scales=tuple((f"{path}.{k}", float(getattr(value, k))) for k in keys))
    if r["key"] is not None:
        value = getattr(value, r["key"])
        path = f"{path}.{r['key']}"
        duration = False
    else:
        duration = _is_duration(cls, name)
    current = float(value)
    if rel:
        lo, hi = current * lo, current * hi
    return Parameter(path, current, float(lo), float(hi), src, log=log, duration=duration)


def list_parameters(scenario: Scenario) -> list[Parameter]:
    """Every ranged parameter of ``scenario`` in schema order (never one under ``incident``)."""
    out: list[Parameter] = []
    for name in type(scenario).model_fields:
        if name in EXCLUDED:
            continue
        value = getattr(scenario, name)
        if isinstance(value, BaseModel):
            for r in _ranges_of(type(scenario), name):  # pragma: no cover - no top-level ranges today
                p = _parameter(type(scenario), name, value, name, r)
                if p is not None:
                    out.append(p)
            _walk(value, name, out)
        else:
            for r in _ranges_of(type(scenario), name):
                p = _parameter(type(scenario), name, value, name, r)
                if p is not None:
                    out.append(p)
    _walk(scenario.egress.crush, "egress.crush", out)  # judgements on top of the verified crowd model
    assert not any(p.path.startswith("incident") for p in out)
    return out


def latin_hypercube(n: int, d: int, *, seed: int) -> np.ndarray:
    """``n`` points of a Latin hypercube in ``[0, 1)^d``: each column has one point in each of ``n`` strata.

    numpy only (McKay, Beckman & Conover, Technometrics 21(2):239, 1979): a random permutation of the
    strata per column plus a uniform jitter inside each stratum, drawn from one generator seeded by ``seed``.

    >>> x = latin_hypercube(4, 2, seed=1)
    >>> sorted((x[:, 0] * 4).astype(int).tolist())
    [0, 1, 2, 3]
    """
    if n < 1 or d < 0:
        raise SimsoftError(f"a Latin hypercube needs n >= 1 and d >= 0, got n={n}, d={d}")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x1A7E]))
    strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1) if d else np.zeros((n, 0))
    return (strata + rng.random((n, d))) / n


def sample_parameters(params: Sequence[Parameter], n: int, *, seed: int) -> np.ndarray:
    """An ``n x len(params)`` table of values: Latin hypercube, uniform or log-uniform between low and high."""
    u = latin_hypercube(n, len(params), seed=seed)
    out = np.empty_like(u)
    for j, p in enumerate(params):
        if p.log and p.low > 0:
            out[:, j] = np.exp(math.log(p.low) + u[:, j] * (math.log(p.high) - math.log(p.low)))
        else:
            out[:, j] = p.low + u[:, j] * (p.high - p.low)
    return out


def overrides_for(params: Sequence[Parameter], row: Sequence[float]) -> dict[str, Any]:
    """The ``set:`` overrides of one sampled row."""
    out: dict[str, Any] = {}
    for p, x in zip(params, row):
        out.update(p.overrides(float(x)))
    return out
