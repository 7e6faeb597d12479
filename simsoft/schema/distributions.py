"""Probability distributions of durations (pre-movement, delays), written with units.

``{distribution: lognormal, median: 60 s, p99: 4 min}`` and the other forms below. Sampling lives
in :mod:`simsoft.distributions`; this module only describes and checks them.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self, Union

from pydantic import Field, model_validator

from simsoft.schema.common import Duration, Strict

__all__ = ["Lognormal", "Uniform", "Normal", "Fixed", "Distribution"]


class Lognormal(Strict):
    """Right-skewed delays, the default shape for pre-movement.

    Forssberg et al., Fire Technology 55(6):2491-2513 (2019), doi:10.1007/s10694-019-00881-1:
    lognormal fits 2,486 pre-movement observations from 40 unannounced evacuations among the best.
    Give either ``median`` and ``p99`` or ``mean`` and ``sd``.
    """

    distribution: Literal["lognormal"]
    """The name of the shape: ``lognormal``."""
    median: Duration | None = None
    """Half of the people take less than this (with ``p99``)."""
    p99: Duration | None = None
    """99 % of the people take less than this (with ``median``)."""
    mean: Duration | None = None
    """Arithmetic mean (with ``sd``)."""
    sd: Duration | None = None
    """Arithmetic standard deviation (with ``mean``)."""
    shift: Duration = 0.0
    """A fixed delay added to every draw (for example the time to hear an announcement)."""

    @model_validator(mode="after")
    def _one_parametrisation(self) -> Self:
        by_quantiles = self.median is not None or self.p99 is not None
        by_moments = self.mean is not None or self.sd is not None
        if by_quantiles == by_moments:
            raise ValueError("give either median and p99, or mean and sd")
        if by_quantiles:
            if self.median is None or self.p99 is None:
                raise ValueError("needs both median and p99")
            if not 0 < self.median < self.p99:
                raise ValueError("needs 0 < median < p99")
        else:
            if self.mean is None or self.sd is None:
                raise ValueError("needs both mean and sd")
            if self.mean <= 0 or self.sd <= 0:
                raise ValueError("needs mean > 0 and sd > 0")
        if self.shift < 0:
            raise ValueError("shift must be >= 0 s")
        return self


class Uniform(Strict):
    """Every value between ``low`` and ``high`` equally likely (IMO MSC.1/Circ.1533 test 5 uses 10-100 s)."""

    distribution: Literal["uniform"]
    """The name of the shape: ``uniform``."""
    low: Duration
    """Smallest value."""
    high: Duration
    """Largest value."""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not 0 <= self.low <= self.high:
            raise ValueError("needs 0 s <= low <= high")
        return self


class Normal(Strict):
    """A symmetric spread; draws below zero are truncated to zero."""

    distribution: Literal["normal"]
    """The name of the shape: ``normal``."""
    mean: Duration
    """Mean value."""
    sd: Duration
    """Standard deviation."""

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if self.mean < 0 or self.sd < 0:
            raise ValueError("needs mean >= 0 s and sd >= 0 s")
        return self


class Fixed(Strict):
    """The same value for everyone (verification cases, scripted delays)."""

    distribution: Literal["fixed"]
    """The name of the shape: ``fixed``."""
    value: Duration
    """The delay."""

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if self.value < 0:
            raise ValueError("value must be >= 0 s")
        return self


Distribution = Annotated[Union[Lognormal, Uniform, Normal, Fixed], Field(discriminator="distribution")]
"""A distribution of durations, chosen by its ``distribution`` key."""
