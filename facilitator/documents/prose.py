"""Plain-language sentences for the AAR/IP: decisions, findings and metric differences in human units.

>>> meaningful_text("medical.deaths", {"mean": 0.1, "ci_low": -0.2, "ci_high": 0.4, "significant": False})
'no meaningful difference'
>>> meaningful_text("egress.t95_s", {"mean": -90.0, "ci_low": -120.0, "ci_high": -60.0, "significant": True})
'1.5 min lower (1 to 2 min lower)'
"""

from __future__ import annotations

import math
from typing import Any

from simsoft.experiments import PRACTICAL_THRESHOLDS
from simsoft.experiments import meaningful as _meaningful
from simsoft.units import format_duration

__all__ = ["fmt_metric", "THRESHOLDS", "meaningful", "meaningful_text", "action_phrase", "verdict", "when"]

THRESHOLDS = PRACTICAL_THRESHOLDS
"""Practical-significance threshold per metric: simsoft's one table
(:data:`simsoft.experiments.PRACTICAL_THRESHOLDS`, with its reasons), so the AAR/IP and the
experiment summaries call the same differences meaningful."""

def fmt_metric(metric: str, value: float | None, *, signed: bool = False, unit: str | None = None) -> str:
    """A metric value for people: minutes for times, two decimals for counts (``unit`` for a metric
    outside :data:`~facilitator.evaluation.outcomes.METRICS`).

    >>> fmt_metric("egress.t95_s", 330.0)
    '5.5 min'
    >>> fmt_metric("medical.deaths", -0.25, signed=True), fmt_metric("medical.deaths", 1.5, signed=True)
    ('-0.25', '+1.50')
    >>> fmt_metric("egress.t95_s", None)
    'not reached'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "not reached"
    unit = _metric_unit(metric) if unit is None else unit
    v = value / 60.0 if unit == "min" else value
    sign = "+" if signed and v > 0 else ""
    if unit == "min":
        if v != 0 and abs(v) < 0.1:
            return f"{sign}{value:.1f} s"
        return f"{sign}{v:.1f} min"
    if unit == "person-min":
        return f"{sign}{v:,.0f}"
    return f"{sign}{v:.2f}"



def _metric_unit(metric: str) -> str:
    from facilitator.evaluation.outcomes import METRICS  # here: facilitator.evaluation imports this module

    return {m: u for m, _, u in METRICS}.get(metric, "")


_UNITS = {"medical.deaths": "people", "medical.preventable_deaths": "people",
          "incident.exposed_person_min": "person-min"}


def meaningful(metric: str, d: dict[str, Any]) -> bool:
    """Whether a paired difference is both statistically and practically significant.

    The one rule of :func:`simsoft.experiments.meaningful`: the ``significant`` flag the experiments
    compute (:attr:`simsoft.experiments.stats.Difference.significant`: at least two paired runs and an
    interval that excludes zero beyond float noise) and a mean at least the metric's practical threshold.
    The interval is not re-read here, so the AAR/IP, the forecasts and the experiment summaries never
    disagree about the same difference. A difference without the flag is not meaningful.

    >>> meaningful("medical.deaths", {"mean": 1.0, "ci_low": 0.5, "ci_high": 1.5, "significant": True})
    True
    >>> meaningful("medical.deaths", {"mean": 1.0, "ci_low": 0.5, "ci_high": 1.5, "significant": False})
    False
    >>> meaningful("egress.t95_s", {"mean": 12.0, "ci_low": 6.0, "ci_high": 18.0, "significant": True})
    False
    """
    if not d or d.get("mean") is None:
        return False
    return _meaningful(metric, d)


def _amount(metric: str, v: float) -> str:
    unit = _UNITS.get(metric)
    if unit == "people":
        return f"{abs(v):.1f} {'person' if abs(v) == 1 else 'people'}"
    if unit == "person-min":
        return f"{abs(v):,.0f} person-min"
    m = abs(v) / 60.0
    return f"{m:.1f} min" if m < 10 else f"{m:.0f} min"


def meaningful_text(metric: str, d: dict[str, Any]) -> str:
    """``d`` (a paired difference, positive: higher) as words with its interval, or 'no meaningful difference'."""
    if not d or d.get("mean") is None:
        return "not computed"
    if not meaningful(metric, d):
        return "no meaningful difference"
    mean, lo, hi = d["mean"], d["ci_low"], d["ci_high"]
    way = "higher" if mean > 0 else "lower"
    a, b = sorted((abs(lo), abs(hi)))
    if _UNITS.get(metric) is None:
        a_txt, b_txt = f"{a / 60:.0f}", f"{b / 60:.0f} min"
    else:
        a_txt, b_txt = _amount(metric, a).split(" ")[0], _amount(metric, b)
    return f"{_amount(metric, mean)} {way} ({a_txt} to {b_txt} {way})"


def verdict(metric: str, d: dict[str, Any]) -> str:
    """``better``, ``worse`` or ``same`` for ``arm - reference`` of a lower-is-better metric."""
    if not meaningful(metric, d):
        return "same"
    return "better" if d["mean"] < 0 else "worse"


_VERBS = {"alert": "alerted", "evacuate": "ordered the evacuation of", "shelter": "ordered shelter in",
          "lockdown": "locked down", "release": "released", "close": "closed", "open": "opened",
          "dispatch": "dispatched", "mutual_aid": "requested mutual aid", "cordon": "set a cordon around",
          "declare": "declared", "public_information": "gave public information",
          "major_incident": "declared a major incident", "request_ambulances": "requested ambulances",
          "warm_zone": "sent crews into the warm zone", "distribution": "set the hospital distribution",
          "hospital_plan": "activated the hospital plan", "scene_resources": "sent scene resources",
          "casualty_collection_point": "set the casualty collection point", "staging": "set the ambulance staging point"}


def action_phrase(action: dict[str, Any], names: dict[str, str]) -> str:
    """A decision as a verb phrase with display names (``closed the Courtyard gate``)."""
    verb = str(action.get("do"))
    head = _VERBS.get(verb, f"took the action '{verb.replace('_', ' ')}'")
    target = None
    for key in ("zones", "zone", "connection", "unit", "what", "site"):
        if key in action:
            v = action[key]
            if isinstance(v, list):
                target = ", ".join(names.get(str(x), str(x).replace("_", " ")) for x in v)
            else:
                target = "all zones" if v == "all" else names.get(str(v), str(v).replace("_", " "))
            break
    if verb == "cordon" and action.get("level"):
        head = f"set a {action['level']} cordon around"
    if verb in ("close", "open") and target:
        return f"{head} the {target}"
    if verb == "casualty_collection_point" and target:
        return f"{head} in the {target}"
    if target and verb in ("mutual_aid", "public_information", "major_incident", "request_ambulances",
                           "warm_zone", "distribution", "hospital_plan", "scene_resources", "staging"):
        return f"{head} ({target})"
    return f"{head} {target}" if target else head


def when(t_s: float) -> str:
    """Exercise time as people say it (``6 min 30 s``, ``2 min``, ``2 h``).

    >>> when(390.0), when(120.0), when(0.0), when(7200.0)
    ('6 min 30 s', '2 min', '0 s', '2 h')
    """
    text = format_duration(t_s)
    for zero in (" 0 s", " 0 min"):
        if text.endswith(zero):
            text = text[: -len(zero)]
    return text
