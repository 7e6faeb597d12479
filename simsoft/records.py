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

__all__ = ["Event", "Recorder", "Timeseries", "by_kind"]


_AS_IS = frozenset({str, int, bool, type(None)})
"""Types :func:`_plain` returns unchanged: checked first, as most values of most events are of them."""


def _plain(value: Any) -> Any:
    """Convert numpy scalars and containers to plain JSON-friendly Python values."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is float:
        return round(value, 6) if math.isfinite(value) else None
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


def by_kind(events: Iterable[Event]) -> dict[str, list[Event]]:
    """The events of each kind, in recording order: one pass, for readers that look up many kinds.

    >>> [e.t_s for e in by_kind([Event(0.0, "a"), Event(1.0, "b"), Event(2.0, "a")])["a"]]
    [0.0, 2.0]
    """
    groups: dict[str, list[Event]] = {}
    for e in events:
        group = groups.get(e.kind)
        if group is None:
            groups[e.kind] = [e]
        else:
            group.append(e)
    return groups


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
        # Rows found by list.index, which scans in C: metrics pick a few short series out of thousands of rows.
        rows: list[int] = []
        find, i = self.quantity.index, -1
        try:
            while True:
                i = find(quantity, i + 1)
                rows.append(i)
        except ValueError:
            pass
        if subject is not None:
            subjects = self.subject
            rows = [i for i in rows if subjects[i] == subject]
        t_s, value = self.t_s, self.value
        return np.asarray([t_s[i] for i in rows], dtype=float), np.asarray([value[i] for i in rows], dtype=float)


class Recorder:
    """Collects events and time-series samples from the models of one run.

    ``series`` names the time-series quantities kept (``None``: all of them). A lean run keeps only
    the ones its metrics read (:data:`simsoft.metrics.METRIC_SERIES`); a model asks :meth:`keeps`
    before computing a sample nobody will keep. Events are always kept: the models read some.

    >>> r = Recorder(series=frozenset({"inside"}))
    >>> r.sample(0.0, "inside", [""], [3.0]); r.sample(0.0, "exited", ["e"], [1.0])
    >>> len(r.timeseries), r.keeps("exited")
    (1, False)
    """

    def __init__(self, *, series: frozenset[str] | None = None) -> None:
        self.events: list[Event] = []
        self.timeseries = Timeseries()
        self.series = series

    def keeps(self, quantity: str) -> bool:
        """Whether samples of ``quantity`` are kept."""
        return self.series is None or quantity in self.series

    def emit(self, t_s: float, kind: str, subject: str = "", **values: Any) -> Event:
        """Record an event and return it."""
        as_is = _AS_IS
        plain = {k: v if type(v) in as_is else _plain(v) for k, v in values.items()}
        event = Event(float(t_s), kind, subject, MappingProxyType(plain))
        self.events.append(event)
        return event

    def sample(self, t_s: float, quantity: str, subjects: Sequence[str], values: Sequence[float] | np.ndarray) -> None:
        """Record one value per subject of ``quantity`` at time ``t_s``."""
        if len(subjects) != len(values):
            raise ValueError(f"{len(subjects)} subjects but {len(values)} values for {quantity!r}")
        if self.series is not None and quantity not in self.series:
            return
        ts = self.timeseries
        n = len(subjects)
        if n == 1:
            # One subject (most calls): four appends, the same float as the list paths below give.
            ts.t_s.append(float(t_s))
            ts.quantity.append(quantity)
            ts.subject.append(subjects[0])
            ts.value.append(float(values[0]))
            return
        # Whole-list extends rather than four appends per subject: the egress model samples every
        # zone every few steps. ``tolist`` of a float64 array gives the same floats as ``float(v)``.
        if isinstance(values, np.ndarray):
            floats = values.astype(np.float64, copy=False).tolist()
        else:
            floats = [float(v) for v in values]
        ts.t_s.extend([float(t_s)] * n)
        ts.quantity.extend([quantity] * n)
        ts.subject.extend(subjects)
        ts.value.extend(floats)

    def of_kind(self, kind: str) -> list[Event]:
        """Events whose kind equals ``kind`` or starts with ``kind + '.'``."""
        return [e for e in self.events if e.kind == kind or e.kind.startswith(kind + ".")]
