"""How a validation case is written: the case file's schema (data only, nothing runs here).

A case file (``simsoft/validation/cases/<id>.yaml``) names one published incident, the scenario file
that re-creates its documented circumstances (``cases/scenarios/<id>.yaml``, an ordinary scenario:
``simsoft run`` and ``simsoft validate`` accept it), which inputs come from the incident record, and
one or more :class:`Comparison` s: a published figure, the metric it is compared with, an acceptance
band with its justification and a **role**:

* ``calibration``: the figure set a model default, so agreement is expected by construction; it is
  shown (a drifting calibration is worth seeing) but never counts as validation;
* ``validation``: the figure is independent of every default; only these decide the verdict.

>>> band = Band(rule="inside_range")
>>> c = Comparison(id="x", role="validation", figure="aylwin2006.critical_mortality", quantity="q",
...                published=15.0, published_text="15 %", unit="%", metric="validation.critical_mortality_hospital",
...                bands=[band], justification="one incident is one draw")
>>> c.bands[0].describe(15.0, "%")
'15 % inside the simulated 5-95 % range'
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Role", "UNITS", "Band", "Comparison", "RecordInput", "CaseInputs", "CaseSpec", "MIN_REPLICATIONS"]

Role = Literal["calibration", "validation"]
"""``calibration``: the figure set a default (shown, never counted); ``validation``: an independent figure."""

MIN_REPLICATIONS = 200
"""Fewest replications a case may ask for: one incident is a single draw, so the simulated distribution
must be known well at its 5th and 95th percentiles (with 200 runs each tail holds about 10 runs)."""

UNITS: dict[str, float] = {"min": 1 / 60, "h": 1 / 3600, "d": 1 / 86400, "%": 100.0, "per h": 1.0, "": 1.0, "count": 1.0}
"""Display units and the factor from the metric's own unit (seconds, shares, counts) to them."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    """An acceptance band: the rule the simulated distribution must meet. Values are in display units.

    * ``inside_range``: the published figure lies inside the simulated ``low_q``-``high_q`` range (a single
      incident is one draw: it should not look like a tail event of the model);
    * ``median_between``: the simulated median lies in ``[low, high]``;
    * ``median_factor``: the simulated median lies within ``factor`` of the published figure (either way);
    * ``range_within``: the simulated ``low_q``-``high_q`` range lies inside ``[low, high]``;
    * ``mean_between``: the simulated mean lies in ``[low, high]``.
    """

    rule: Literal["inside_range", "median_between", "median_factor", "range_within", "mean_between"]
    """Which test (see the class docstring)."""
    low: float | None = None
    """Lower bound (``median_between``, ``range_within``, ``mean_between``)."""
    high: float | None = None
    """Upper bound (``median_between``, ``range_within``, ``mean_between``)."""
    factor: float | None = Field(None, gt=1.0)
    """Factor for ``median_factor`` (> 1)."""
    low_q: float = Field(0.05, ge=0.0, lt=0.5)
    """Lower quantile of the simulated range (default the 5th percentile)."""
    high_q: float = Field(0.95, gt=0.5, le=1.0)
    """Upper quantile of the simulated range (default the 95th percentile)."""

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.rule in ("median_between", "range_within", "mean_between"):
            if self.low is None or self.high is None:
                raise ValueError(f"band rule {self.rule!r} needs low and high")
            if self.low > self.high:
                raise ValueError(f"band low {self.low!r} is above high {self.high!r}")
        if self.rule == "median_factor" and self.factor is None:
            raise ValueError("band rule 'median_factor' needs factor")
        return self

    def describe(self, published: float, unit: str) -> str:
        """The band in words, e.g. ``15 % inside the simulated 5-95 % range``."""
        u = f" {unit}" if unit and unit != "count" else ""
        q = f"{self.low_q * 100:g}-{self.high_q * 100:g} %"
        if self.rule == "inside_range":
            return f"{published:g}{u} inside the simulated {q} range"
        if self.rule == "median_factor":
            assert self.factor is not None
            return f"median within x{self.factor:g} of {published:g}{u} ({published / self.factor:.3g}-{published * self.factor:.3g}{u})"
        what = {"median_between": "median", "mean_between": "mean", "range_within": f"{q} range"}[self.rule]
        return f"{what} in {self.low:g}-{self.high:g}{u}"


class Comparison(_Strict):
    """One published figure compared with one simulated metric."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Short id, unique within the case (``critical-mortality``)."""
    role: Role
    """``calibration`` or ``validation`` (see the module docstring)."""
    figure: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9_]+$")
    """Identifier of the published figure (``<source key>.<what>``); :data:`~simsoft.validation.calibration.CALIBRATED`
    lists the figures that set defaults, which can only be ``calibration``."""
    quantity: str
    """What is compared, in words."""
    published: float
    """The published figure in display units."""
    published_text: str
    """The figure as the source states it (``15 % (3 of 20 critically injured)``)."""
    unit: str = ""
    """Display unit: ``min`` (metric in seconds), ``%`` (metric a share), ``per h``, ``count`` or empty."""
    metric: str
    """The run metric (``response.police_after_report_s``) or derived metric (``validation.*``,
    :mod:`simsoft.validation.measures`) compared; one value per run, runs without it are counted as missing."""
    bands: list[Band] = Field(min_length=1)
    """Acceptance bands; all must hold."""
    justification: str
    """Why the band is as wide as it is."""
    max_missing_share: float = Field(0.1, ge=0.0, le=1.0)
    """Largest share of runs without a value before the comparison fails (a quantity that is rarely reached
    cannot be compared)."""

    @model_validator(mode="after")
    def _unit(self) -> Self:
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {', '.join(repr(u) for u in UNITS)}")
        return self


class RecordInput(_Strict):
    """A scenario input taken from the incident record."""

    path: str
    """Override path in the scenario (the form a variant's ``set:`` uses), e.g. ``incident.intensity.max_casualties``."""
    note: str
    """The record it comes from (``775 casualties (Aylwin 2006)``)."""


class CaseInputs(_Strict):
    """Which inputs come from the incident record and which are model defaults."""

    from_record: list[RecordInput] = Field(min_length=1)
    """Inputs set from the documented circumstances of the incident."""
    judgement: list[RecordInput] = Field(default_factory=list)
    """Inputs the record does not give, set by judgement before any run (never tuned to the figure)."""
    defaults: str
    """What is left at the model's defaults (the parts being validated)."""


class CaseSpec(_Strict):
    """A validation case: one incident, one scenario, several comparisons."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Case id (the file name without ``.yaml``)."""
    title: str
    """One line for tables."""
    incident: str
    """The real incident (place, date)."""
    scenario: str
    """Scenario file, relative to the case file."""
    replications: int = Field(MIN_REPLICATIONS, ge=MIN_REPLICATIONS)
    """Replications (at least :data:`MIN_REPLICATIONS`); ``simsoft validate-model --reps`` overrides it."""
    sources: dict[str, str] = Field(min_length=1)
    """Full citations by key; every comparison's figure names one of these keys."""
    inputs: CaseInputs
    """Inputs from the record, judgement, defaults."""
    limits: str = ""
    """What the scenario cannot represent (and how that biases the comparison)."""
    comparisons: list[Comparison] = Field(min_length=1)
    """The figures compared."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [c.id for c in self.comparisons]
        if len(set(ids)) != len(ids):
            raise ValueError(f"comparison ids repeat: {ids}")
        for c in self.comparisons:
            key = c.figure.split(".", 1)[0]
            if key not in self.sources:
                raise ValueError(f"comparison {c.id!r}: figure {c.figure!r} names source {key!r}, not in sources "
                                 f"({', '.join(sorted(self.sources))})")
        return self

