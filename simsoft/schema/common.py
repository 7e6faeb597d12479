"""Building blocks shared by every part of the scenario schema."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, WithJsonSchema

from simsoft.units import check_seconds, parse_duration

__all__ = ["Strict", "Duration", "Id", "ID_PATTERN", "Fraction", "Count", "PositiveCount", "People", "FROM_FILE", "format_seconds", "slug"]

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$"
"""Ids start with a letter and use letters, digits, ``_`` and ``-`` (at most 64 characters)."""


class Strict(BaseModel):
    """Base of every schema model: unknown keys are errors, instances are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
        str_strip_whitespace=True,
        # An infinite width or a NaN rate validates as a float but breaks the model: refuse them here.
        allow_inf_nan=False,
    )


FROM_FILE = {"from_file": True}
"""Validation context of values read from files: there a duration must carry its unit."""


def _duration(value: Any, info: ValidationInfo) -> float:
    # In Python code a bare number is seconds (the internal unit); in a file it needs a unit.
    from_file = bool(info.context and info.context.get("from_file"))
    if not from_file and isinstance(value, (int, float)) and not isinstance(value, bool):
        return check_seconds(float(value))
    return parse_duration(value)


def format_seconds(seconds: float) -> str:
    """Serialise seconds back to the file form: ``'90 s'``; integral values lose the ``.0``."""
    if float(seconds).is_integer():
        return f"{int(seconds)} s"
    return f"{seconds!r} s"


Duration = Annotated[
    float,
    BeforeValidator(_duration),
    PlainSerializer(format_seconds, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*(s|sec|seconds?|min|minutes?|h|hours?|d|days?)\s*$",
            "description": "A duration with its unit: '90 s', '4 min', '1.5 h', '2 d'.",
            "examples": ["90 s", "4 min", "1.5 h"],
        }
    ),
]
"""A duration written with a unit in files; seconds (float) inside the engine."""

Id = Annotated[str, Field(pattern=ID_PATTERN)]
"""An identifier referenced elsewhere in the scenario."""

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]

Count = Annotated[int, Field(ge=0, le=10_000)]
"""A number of resources (teams, bearers, stretchers, ambulances, beds, staff): 0 to 10,000. More is
a typing mistake, and would make the run create that many processes."""
PositiveCount = Annotated[int, Field(ge=1, le=10_000)]
"""A number of resources of which there is at least one (1 to 10,000)."""
People = Annotated[int, Field(ge=0, le=1_000_000)]
"""A number of people: 0 to 1,000,000 (ten of the largest stadiums)."""
"""A share between 0 and 1."""


def slug(text: str) -> str:
    """A file-system friendly form of a name: ``'Community hall'`` -> ``'community-hall'``."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return cleaned or "scenario"
