"""What a what-if forecast replays: the world of a venue session or of a regional session.

:mod:`facilitator.evaluation.forecast` asks the same three questions of either world (the proposed decision
now, no further action, doctrine's remaining expected actions); a :class:`ForecastWorld` says how, for one
kind of world:

* **venue** (:class:`facilitator.conduct.session.Session`): an arm is the exercise's scenario with the arm's
  timed actions (:func:`~facilitator.evaluation.outcomes.arm_scenario`), run by
  :func:`simsoft.experiments.run_chunk`; the indicators are :data:`VENUE_METRICS`, their practical
  thresholds :func:`simsoft.experiments.practical_threshold`;
* **region** (:class:`facilitator.conduct.regional.RegionalSession`): an arm is the region with the arm's
  timed regional actions added to its scripted ones (:func:`~facilitator.evaluation.regional_outcomes.with_actions`),
  run by :func:`~facilitator.evaluation.regional_outcomes.run_region_chunk`; the indicators are the regional
  key indicators (:func:`regional_forecast_metrics`), their thresholds
  :data:`~facilitator.evaluation.regional_outcomes.REGIONAL_THRESHOLDS`.

Doctrine is played the way the outcome comparison plays it (:func:`~facilitator.evaluation.outcomes.doctrine_session`
or :func:`~facilitator.evaluation.regional_outcomes.regional_doctrine_session`), so a forecast's doctrine arm and
the AAR's doctrine arm take the same actions at the same times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simsoft.experiments import practical_threshold

from facilitator.evaluation.outcomes import arm_scenario, doctrine_session
from facilitator.evaluation.regional_outcomes import (regional_doctrine_session, regional_metrics, regional_threshold,
                                                      run_region_chunk, with_actions)
from facilitator.evaluation.runs import Runner
from facilitator.i18n import N_

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["ForecastWorld", "VENUE_METRICS", "REGIONAL_FORECAST_KEYS", "regional_forecast_metrics", "world_of"]

VENUE_METRICS: tuple[tuple[str, str, str], ...] = (
    ("medical.deaths", "Deaths", "people"),
    ("medical.preventable_deaths", "Preventable deaths", "people"),
    ("incident.exposed_person_min", "Exposed person-minutes", "person-min"),
    ("egress.t100_s", N_("Everyone out"), "min"),  # the other labels are the AAR's (outcomes.METRICS)
    ("recovery.t_everyone_accounted_s", "Everyone accounted for", "min"),
)
"""The key indicators of a venue forecast: metric key, label, display unit (``min`` metrics are held in seconds)."""

REGIONAL_FORECAST_KEYS = ("medical.deaths", "medical.preventable_deaths", "region.time_to_hospital_p90_s",
                          "region.peak_hospital_load_pct", "region.over_capacity")
"""The key indicators of a regional forecast (keys of :func:`~facilitator.evaluation.regional_outcomes.indicator_values`):
region-wide deaths and preventable deaths, the 90th percentile of injury-to-hospital time, the highest hospital
peak load (% of beds) and admissions over capacity: what decides a regional response (issue 22)."""


def regional_forecast_metrics(region: Any) -> tuple[tuple[str, str, str], ...]:
    """The regional forecast's indicators for ``region`` (a :class:`simsoft.region.LoadedRegion`), labelled as
    in the regional AAR (:func:`~facilitator.evaluation.regional_outcomes.regional_metrics`), in English like the
    venue forecast's."""
    by_key = {m[0]: m for m in regional_metrics(region)}
    return tuple(by_key[k] for k in REGIONAL_FORECAST_KEYS)


def _regional_threshold(metric: str) -> float:
    found = regional_threshold(metric)
    return practical_threshold(metric) if found is None else found


@dataclass(frozen=True)
class ForecastWorld:
    """How a forecast replays one session's world."""

    kind: str
    """``venue`` or ``region`` (journaled with a regional forecast)."""
    metrics: tuple[tuple[str, str, str], ...]
    """The indicators shown: key, label, display unit."""
    build: Callable[[Sequence[dict[str, Any]]], Any]
    """The world of an arm from its timed actions (file form), each checked as the engine applies it."""
    doctrine: Callable[["Session"], "Session"]
    """The doctrine run of the session's exercise, borrowing the session's parameters where doctrine gives none."""
    runner: Runner | None
    """Runs a chunk of an arm (:func:`facilitator.evaluation.runs.run_arms`); ``None``: a venue scenario's."""
    threshold: Callable[[str], float]
    """The practical threshold of an indicator (when a band is precise enough)."""


def world_of(session: "Session", *, seed: int) -> ForecastWorld:
    """The world ``session`` plays (a regional session's region, else the exercise's scenario), arms on ``seed``."""
    loaded = session.loaded
    region = getattr(loaded, "region", None)
    if region is not None:
        return ForecastWorld(kind="region", metrics=regional_forecast_metrics(region),
                             build=lambda actions: with_actions(region, actions, seed=seed),
                             doctrine=lambda ses: regional_doctrine_session(ses.loaded, team=ses),  # type: ignore[arg-type]
                             runner=run_region_chunk, threshold=_regional_threshold)
    return ForecastWorld(kind="venue", metrics=VENUE_METRICS,
                         build=lambda actions: arm_scenario(loaded.scenario, actions, seed=seed),
                         doctrine=lambda ses: doctrine_session(ses.loaded, team=ses), runner=None,
                         threshold=practical_threshold)
