"""Who is in the venue when the scenario starts."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from simsoft.schema.common import Fraction, Id, People, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = ["Group", "Population", "DEFAULT_PRE_MOVEMENT"]

DEFAULT_PRE_MOVEMENT = Lognormal(distribution="lognormal", median=60.0, p99=300.0)
"""Default pre-movement: lognormal, median 1 min, 99th percentile 5 min.

Shape from Forssberg et al. 2019 (doi:10.1007/s10694-019-00881-1). The values are a configurable
default in the range PD 7974-6:2019 Table E.2 gives for awake, unfamiliar occupants (category B)
between good (M1/A1, about 0.5 / 2 min) and poor management; the table cells are not quoted
here [verify], so set ``population.pre_movement`` for each venue.
"""


class Group(Strict):
    """People who start in one zone and share behaviour."""

    zone: Id
    """Zone they start in."""
    count: People
    """Number of people."""
    children_share: Fraction = 0.0
    """Share of children (0-1)."""
    reduced_mobility_share: Fraction = 0.0
    """Share of people with reduced mobility (0-1); they move at ``reduced_mobility_speed_factor`` of the crowd speed."""
    pre_movement: Distribution | None = Field(None, json_schema_extra=ranges(scaled(
        0.5, 2.0, "PD 7974-6:2019 Table E.2 (reference notes s.1): good to poor management; applies when a group sets its own")))
    """Pre-movement of this group (overrides the population's)."""
    exit: Id | None = None
    """Exit this group is assigned to (staff direct them); overrides route choice."""
    entered_via: Id | None = None
    """Exit they came in by; with ``egress.familiar_exit_share`` some of them leave that way."""
    free_speed_m_s: Annotated[float, Field(gt=0.0, le=5.0)] | None = None
    """Unimpeded walking speed in m/s, overriding the SFPE free speed (verification cases)."""
    label: str | None = None
    """Optional name of the group (shown in records)."""

    @model_validator(mode="after")
    def _shares(self) -> Self:
        if self.children_share + self.reduced_mobility_share > 1.0 + 1e-9:
            raise ValueError("children_share + reduced_mobility_share must be <= 1")
        return self


class Population(Strict):
    """The people in the venue at the start, and how quickly they react once alerted."""

    groups: list[Group] = Field(min_length=1)
    """Groups of people by starting zone."""
    pre_movement: Distribution = Field(DEFAULT_PRE_MOVEMENT, json_schema_extra=ranges(scaled(
        0.5, 2.0, "PD 7974-6:2019 Table E.2 (reference notes s.1): good to poor management for awake, unfamiliar occupants; shape Forssberg et al. 2019")))
    """Time from being alerted to starting to move (default lognormal, median 1 min, p99 5 min)."""
    reduced_mobility_speed_factor: Fraction = Field(0.5, json_schema_extra=ranges(
        rng_range(0.4, 0.8, "RiMEA and NIST TN 1822 test 2.10: measured values span roughly 0.4-0.8 [verify]")))
    """Walking speed of people with reduced mobility relative to others (a configurable default; RiMEA
    and NIST TN 1822 test 2.10 exercise it; measured values span roughly 0.4-0.8 [verify])."""

    @property
    def total(self) -> int:
        """Number of people in all groups."""
        return sum(g.count for g in self.groups)
