"""Frozen event records and the recorder the models write to.

Metrics, plots, reports, scoring and replay read records, never the live simulation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["Event", "Recorder", "Timeseries"]


def _plain(value: Any) -> Any:
    """Convert numpy scalars and containers to plain JSON-friendly Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


@dataclass(frozen=True, slots=True)
class Event:
    """Something worth knowing that happened at simulated time ``t_s`` (seconds).

    ``kind`` is a dotted name (``egress.zone_clear``), ``subject`` what it is about (a zone, an exit,
    a connection; empty for the whole run) and ``values`` a read-only mapping of plain values.
    """

    t_s: float
    kind: str
    subject: str = ""
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON lines: ``{"t_s", "kind", "subject", "values"}``."""
        return {"t_s": _plain(float(self.t_s)), "kind": self.kind, "subject": self.subject, "values": _plain(dict(self.values))}


@dataclass
class Timeseries:
    """Samples in long form: one row per (time, quantity, subject) with a value."""

    t_s: list[float] = field(default_factory=list)
    quantity: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    COLUMNS = ("t_s", "quantity", "subject", "value")

    def __len__(self) -> int:
        return len(self.t_s)

    def rows(self) -> Iterable[tuple[float, str, str, float]]:
        """Rows in recording order."""
        return zip(self.t_s, self.quantity, self.subject, self.value)

    def select(self, quantity: str, subject: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Times and values of one quantity (and subject), as arrays."""
        ts, vs = [], []
        for t, q, s, v in self.rows():
            if q == quantity and (subject is None or s == subject):
                ts.append(t)
                vs.append(v)
        return np.asarray(ts, dtype=float), np.asarray(vs, dtype=float)


class Recorder:
    """Collects events and time-series samples from the models of one run."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.timeseries = Timeseries()

    def emit(self, t_s: float, kind: str, subject: str = "", **values: Any) -> Event:
        """Record an event and return it."""
        event = Event(float(t_s), kind, subject, MappingProxyType({k: _plain(v) for k, v in values.items()}))
        self.events.append(event)
        return event

    def sample(self, t_s: float, quantity: str, subjects: Sequence[str], values: Sequence[float] | np.ndarray) -> None:
        """Record one value per subject of ``quantity`` at time ``t_s``."""
        if len(subjects) != len(values):
            raise ValueError(f"{len(subjects)} subjects but {len(values)} values for {quantity!r}")
        ts = self.timeseries
        for subject, value in zip(subjects, values):
            ts.t_s.append(float(t_s))
            ts.quantity.append(quantity)
            ts.subject.append(subject)
            ts.value.append(float(value))

    def of_kind(self, kind: str) -> list[Event]:
        """Events whose kind equals ``kind`` or starts with ``kind + '.'``."""
        return [e for e in self.events if e.kind == kind or e.kind.startswith(kind + ".")]
