"""Durations with units at the edges, seconds inside.

Scenario files write every duration with its unit (``90 s``, ``4 min``, ``1.5 h``, ``2 d``); the
engine works in seconds (float) everywhere, and converts only when reading files and printing.
"""

from __future__ import annotations

import math
import re

__all__ = ["parse_duration", "format_duration", "DURATION_UNITS"]

DURATION_UNITS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
"""Accepted unit words and their length in seconds."""

_DURATION = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]+)\s*$")


def parse_duration(text: object) -> float:
    """Return the duration ``text`` in seconds.

    >>> parse_duration("90 s"), parse_duration("4 min"), parse_duration("1.5 h")
    (90.0, 240.0, 5400.0)

    Raises ``ValueError`` with a message fit for a trainer when the unit is missing or unknown.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"must be a duration with a unit such as '90 s', '4 min' or '1.5 h', got {type(text).__name__}")
    if isinstance(text, (int, float)):
        raise ValueError("needs a unit: write e.g. '90 s', '4 min' or '1.5 h'")
    match = _DURATION.match(text)
    if not match:
        raise ValueError("is not a duration: write a number and a unit, e.g. '90 s', '4 min' or '1.5 h'")
    number, unit = match.groups()
    factor = DURATION_UNITS.get(unit.lower())
    if factor is None:
        raise ValueError(f"has unknown unit {unit!r}: use s, min, h or d")
    seconds = float(number) * factor
    if not math.isfinite(seconds):
        raise ValueError("must be a finite duration")
    return seconds


def format_duration(seconds: float) -> str:
    """Render seconds for people: ``95.0`` -> ``'1 min 35 s'``; ``7200`` -> ``'2 h 0 min'``."""
    if not math.isfinite(seconds):
        return "never"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if s < 60:
        return f"{sign}{s:.1f} s" if s != int(s) else f"{sign}{int(s)} s"
    if s < 3600:
        m, rest = divmod(round(s), 60)
        return f"{sign}{m} min {rest} s"
    h, rest = divmod(round(s), 3600)
    return f"{sign}{h} h {rest // 60} min"
