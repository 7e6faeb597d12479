"""Documented uncertainty ranges of model parameters (machine-readable, shown in ``simsoft schema``).

A ranged field carries ``json_schema_extra={"ranges": [...]}``; each entry is a :class:`Range` as a
dict. Ranges describe how far a credible value may lie from the default; they are used only when an
experiment samples parameters (``simsoft sweep --uncertainty N``) and never change a default run.

A range targets the field itself (``key`` is ``None``) or a sub-field of a nested model (``key="b0"``
of a survival curve). Its bounds are absolute (a number, or a duration in seconds) unless
``relative`` is true: then they are factors of the scenario's current value, which suits values a
scenario sets itself (a channel's pre-movement factor, a unit's travel time). A range on a
distribution of durations is always relative: the factor scales the whole distribution (median and
p99, or its other time parameters), so its shape is kept.

Scope rule: nothing under ``incident`` carries a range; the incident is a scripted input, never sampled.
"""

from __future__ import annotations

from typing import Any

__all__ = ["rng_range", "scaled", "ranges", "RANGES_KEY"]

RANGES_KEY = "ranges"
"""Key of the list of ranges in a field's JSON schema."""

def rng_range(low: float, high: float, source: str, *, key: str | None = None, relative: bool = False,
              log: bool = False) -> dict[str, Any]:
    """One range as a plain dict (JSON-schema friendly).

    Args:
        low, high: bounds (absolute, or factors of the current value when ``relative``).
        source: a citation, or ``"judgement: <reason>"``.
        key: ``None`` (the field) or the name of a sub-field of a nested model.
        relative: the bounds are factors of the scenario's current value.
        log: sample log-uniformly (multiplicative quantities, factors).

    >>> rng_range(0.5, 2.0, "judgement: planning value", relative=True, log=True)["high"]
    2.0
    """
    if not low <= high:
        raise ValueError(f"range needs low <= high, got {low!r} > {high!r}")
    if log and low <= 0:
        raise ValueError(f"a log-uniform range needs low > 0, got {low!r}")
    if not source.strip():
        raise ValueError("a range needs a source (a citation or 'judgement: <reason>')")
    if relative and not low <= 1.0 <= high:
        raise ValueError(f"a relative range must contain the factor 1, got {low!r}-{high!r}")
    return {"key": key, "low": float(low), "high": float(high), "relative": bool(relative), "log": bool(log),
            "source": source}


def scaled(low: float, high: float, source: str) -> dict[str, Any]:
    """A range scaling a whole distribution of durations by a factor between ``low`` and ``high`` (log-uniform)."""
    return rng_range(low, high, source, relative=True, log=True)


def ranges(*entries: dict[str, Any]) -> dict[str, Any]:
    """``json_schema_extra`` of a field with these ranges."""
    return {RANGES_KEY: list(entries)}
