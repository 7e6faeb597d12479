"""Durations with units at the edges, seconds inside.

Scenario files write every duration with its unit (``90 s``, ``4 min``, ``1.5 h``, ``2 d``); the
engine works in seconds (float) everywhere, and converts only when reading files and printing.
"""

from __future__ import annotations

import math
import re

__all__ = ["parse_duration", "format_duration", "format_count", "check_seconds", "DURATION_UNITS", "MAX_DURATION_S"]

_UNIT_WORDS: dict[float, tuple[str, ...]] = {
    1.0: ("s", "sec", "secs", "second", "seconds"),
    60.0: ("min", "mins", "minute", "minutes"),
    3600.0: ("h", "hr", "hrs", "hour", "hours"),
    86400.0: ("d", "day", "days"),
}
DURATION_UNITS: dict[str, float] = {word: seconds for seconds, words in _UNIT_WORDS.items() for word in words}
"""Accepted unit words (any case) and their length in seconds: every common spelling of each unit."""

MAX_DURATION_S = 400 * 86400.0
"""Longest duration accepted (400 days): longer than any exercise, recovery or reopening simsoft
models (Manchester Arena reopened after about 3.5 months); a larger value is a typing mistake."""

_DURATION = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]+)\s*$")


_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$")


def check_seconds(seconds: float) -> float:
    """``seconds`` if it is a finite, non-negative duration no longer than :data:`MAX_DURATION_S`.

    >>> check_seconds(90.0)
    90.0
    >>> check_seconds(-5.0)
    Traceback (most recent call last):
    ...
    ValueError: cannot be negative (time does not run backwards): got -5 s
    """
    if not math.isfinite(seconds):
        raise ValueError("must be a finite duration")
    if seconds < 0:
        raise ValueError(f"cannot be negative (time does not run backwards): got {seconds:g} s")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"is longer than {MAX_DURATION_S / 86400:.0f} days ({seconds:.3g} s): check the number and unit")
    return seconds


def parse_duration(text: object) -> float:
    """Return the duration ``text`` in seconds.

    >>> parse_duration("90 s"), parse_duration("4 min"), parse_duration("1.5 h"), parse_duration("2 mins")
    (90.0, 240.0, 5400.0, 120.0)

    Raises ``ValueError`` with a message fit for a trainer when the unit is missing or unknown, or
    the duration is negative, not finite or longer than :data:`MAX_DURATION_S`.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"must be a duration with a unit such as '90 s', '4 min' or '1.5 h', got {type(text).__name__}")
    if isinstance(text, (int, float)):
        raise ValueError("needs a unit: write e.g. '90 s', '4 min' or '1.5 h'")
    if len(text) > 64:
        raise ValueError("is not a duration: write a number and a unit, e.g. '90 s', '4 min' or '1.5 h'")
    match = _DURATION.match(text)
    if not match and _NUMBER.match(text):
        raise ValueError("needs a unit: write e.g. '90 s', '4 min' or '1.5 h'")
    if not match:
        raise ValueError("is not a duration: write a number and a unit, e.g. '90 s', '4 min' or '1.5 h'")
    number, unit = match.groups()
    factor = DURATION_UNITS.get(unit.lower())
    if factor is None:
        raise ValueError(f"has unknown unit {unit!r}: use s, min, h or d")
    return check_seconds(float(number) * factor)


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


_IRREGULAR = {"person": "people", "child": "children", "person-minute": "person-minutes"}


def format_count(n: float, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: the one helper every report and figure label uses.

    Whole numbers print with thousands separators, others with one decimal (a mean over runs); the
    noun is singular only for exactly one. ``plural`` overrides the rule (``person`` -> ``people``,
    consonant + ``y`` -> ``ies``, else ``s``).

    >>> format_count(1, "person"), format_count(2, "person"), format_count(1, "casualty"), format_count(0, "death")
    ('1 person', '2 people', '1 casualty', '0 deaths')
    >>> format_count(1200, "person"), format_count(0.4, "person"), format_count(3, "bed")
    ('1,200 people', '0.4 people', '3 beds')
    """
    value = float(n)
    text = f"{value:,.0f}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"
    if text in ("1", "-1"):
        return f"{text} {noun}"
    if plural is None:
        if noun in _IRREGULAR:
            plural = _IRREGULAR[noun]
        elif noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
            plural = noun[:-1] + "ies"
        else:
            plural = noun + "s"
    return f"{text} {plural}"
