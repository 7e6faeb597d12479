"""Plain-language sentences for the AAR/IP: decisions, findings and metric differences in human units.

>>> meaningful_text("medical.deaths", {"mean": 0.1, "ci_low": -0.2, "ci_high": 0.4, "significant": False})
'no meaningful difference'
>>> meaningful_text("egress.t95_s", {"mean": -90.0, "ci_low": -120.0, "ci_high": -60.0, "significant": True})
'1.5 min lower (1 to 2 min lower)'
"""

from __future__ import annotations

import math
import re
from typing import Any

from simsoft.experiments import PRACTICAL_THRESHOLDS
from simsoft.experiments import meaningful as _meaningful

from facilitator.i18n import Translator, translator

__all__ = ["fmt_metric", "THRESHOLDS", "meaningful", "meaningful_text", "action_phrase", "verdict", "when"]

THRESHOLDS = PRACTICAL_THRESHOLDS
"""Practical-significance threshold per metric: simsoft's one table
(:data:`simsoft.experiments.PRACTICAL_THRESHOLDS`, with its reasons), so the AAR/IP and the
experiment summaries call the same differences meaningful."""

def fmt_metric(metric: str, value: float | None, *, signed: bool = False, unit: str | None = None,
               tr: Translator | None = None) -> str:
    """A metric value for people: minutes for times, two decimals for counts (``unit`` for a metric
    outside :data:`~facilitator.evaluation.outcomes.METRICS`), in ``tr``'s language (default English).

    >>> fmt_metric("egress.t95_s", 330.0)
    '5.5 min'
    >>> fmt_metric("medical.deaths", -0.25, signed=True), fmt_metric("medical.deaths", 1.5, signed=True)
    ('-0.25', '+1.50')
    >>> fmt_metric("egress.t95_s", None), fmt_metric("egress.t95_s", 330.0, tr=translator("ar"))
    ('not reached', '5.5 د')
    """
    tr = _ = tr or translator("en")
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return _("not reached")
    unit = _metric_unit(metric) if unit is None else unit
    v = value / 60.0 if unit == "min" else value
    sign = "+" if signed and v > 0 else ""
    sec, mins = tr.units[:2]
    if unit == "min":
        if v != 0 and abs(v) < 0.1:
            return f"{sign}{tr.fixed(value, 1)} {sec}"
        return f"{sign}{tr.fixed(v, 1)} {mins}"
    if unit == "person-min":
        return f"{sign}{tr.fixed(v, 0, grouped=True)}"
    if unit == "%":
        return f"{sign}{tr.fixed(v, 0)} %"
    return f"{sign}{tr.fixed(v, 2)}"


def _metric_unit(metric: str) -> str:
    from facilitator.evaluation.outcomes import METRICS  # here: facilitator.evaluation imports this module

    found = {m: u for m, _, u in METRICS}.get(metric)
    return found if found is not None else _regional_unit(metric) or ""


def _regional_unit(metric: str) -> str | None:
    from facilitator.evaluation.regional_outcomes import regional_unit

    return regional_unit(metric)


_UNITS = {"medical.deaths": "people", "medical.preventable_deaths": "people",
          "incident.exposed_person_min": "person-min"}


def _unit_of(metric: str) -> str | None:
    """``people``, ``person-min``, ``%`` or ``vehicles`` for the amounts said in words; ``None`` for a time."""
    unit = _UNITS.get(metric) or _regional_unit(metric)
    return None if unit == "min" else unit


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
    from facilitator.evaluation.regional_outcomes import regional_threshold

    threshold = regional_threshold(metric)  # a regional indicator: the same rule with its own threshold
    if threshold is not None:
        return bool(d.get("significant")) and abs(d["mean"]) >= threshold
    return _meaningful(metric, d)


def _amount(metric: str, v: float, tr: Translator) -> str:
    _ = tr
    unit = _unit_of(metric)
    if unit == "%":
        return _("%(value)s percentage points", value=tr.fixed(abs(v), 0))
    if unit == "vehicles":
        return tr.fixed(abs(v), 1)
    if unit == "people":
        n = tr.fixed(abs(v), 1)
        return _("%(value)s person", value=n) if abs(v) == 1 else _("%(value)s people", value=n)
    if unit == "person-min":
        return _("%(value)s person-min", value=tr.fixed(abs(v), 0, grouped=True))
    m = abs(v) / 60.0
    return f"{tr.fixed(m, 1)} {tr.units[1]}" if m < 10 else f"{tr.fixed(m, 0)} {tr.units[1]}"


def meaningful_text(metric: str, d: dict[str, Any], tr: Translator | None = None) -> str:
    """``d`` (a paired difference, positive: higher) as words with its interval, or 'no meaningful difference'."""
    tr = _ = tr or translator("en")
    if not d or d.get("mean") is None:
        return _("not computed")
    if not meaningful(metric, d):
        return _("no meaningful difference")
    mean, lo, hi = d["mean"], d["ci_low"], d["ci_high"]
    a, b = sorted((abs(lo), abs(hi)))
    if _unit_of(metric) is None:
        a_txt, b_txt = tr.fixed(a / 60, 0), f"{tr.fixed(b / 60, 0)} {tr.units[1]}"
    else:
        a_txt, b_txt = _first_number(_amount(metric, a, tr)), _amount(metric, b, tr)
    if mean > 0:
        return _("%(amount)s higher (%(low)s to %(high)s higher)", amount=_amount(metric, mean, tr), low=a_txt, high=b_txt)
    return _("%(amount)s lower (%(low)s to %(high)s lower)", amount=_amount(metric, mean, tr), low=a_txt, high=b_txt)


def _first_number(text: str) -> str:
    """The number an amount starts with (``1.5 people`` -> ``1.5``), wherever the language puts it."""
    found = re.search(r"[-+]?[\d][\d.,\u202f\u00a0]*", text)
    return found.group(0) if found else text.split(" ")[0]


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


def _target(action: dict[str, Any], names: dict[str, str], tr: Translator) -> str | None:
    _ = tr
    for key in ("zones", "zone", "connection", "unit", "what", "site"):
        if key in action:
            v = action[key]
            if isinstance(v, list):
                return tr.join(names.get(str(x), str(x).replace("_", " ")) for x in v)
            if key == "what" and tr.lang != "en":
                from facilitator.documents.words import word

                return word(str(v).replace("_", " "), tr)
            return _("all zones") if v == "all" else names.get(str(v), str(v).replace("_", " "))
    return None


def action_phrase(action: dict[str, Any], names: dict[str, str], tr: Translator | None = None) -> str:
    """A decision as a verb phrase with display names (``closed the Courtyard gate``).

    Other languages say it as a noun and its target (``fermeture (portail de la cour)``), which reads
    the same whoever the team is (no verb to agree with it).

    >>> action_phrase({"do": "close", "connection": "gate"}, {"gate": "courtyard gate"})
    'closed the courtyard gate'
    >>> action_phrase({"do": "close", "connection": "gate"}, {"gate": "portail de la cour"}, translator("fr"))
    'fermeture (portail de la cour)'
    """
    verb = str(action.get("do"))
    if tr is not None and tr.lang != "en":
        from facilitator.documents.words import noun, word

        _ = tr
        what = noun(verb, tr)
        if verb == "cordon" and action.get("level"):
            what = _("%(level)s cordon", level=word(str(action["level"]), tr))
        target = _target(action, names, tr)
        return _("%(what)s (%(target)s)", what=what, target=target) if target else what
    head = _VERBS.get(verb, f"took the action '{verb.replace('_', ' ')}'")
    target = _target(action, names, translator("en"))
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


def when(t_s: float, tr: Translator | None = None) -> str:
    """Exercise time as people say it (``6 min 30 s``, ``2 min``, ``2 h``), in ``tr``'s language.

    >>> when(390.0), when(120.0), when(0.0), when(7200.0), when(7200.0, translator("ar"))
    ('6 min 30 s', '2 min', '0 s', '2 h', '2 س')
    """
    tr = tr or translator("en")
    text = tr.format_duration(t_s)
    sec, mins = tr.units[:2]
    for zero in (f" 0 {sec}", f" 0 {mins}"):
        if text.endswith(zero):
            text = text[: -len(zero)]
    return text
