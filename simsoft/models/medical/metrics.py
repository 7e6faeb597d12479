"""Medical metrics, computed from records only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.records import Event, Timeseries, by_kind
from simsoft.schema import Scenario
from simsoft.schema.medical import TRIAGE_CLASSES

__all__ = ["medical_metrics", "peak_per_window"]


def peak_per_window(times_s: Sequence[float], window_s: float = 3600.0) -> int:
    """Largest number of times falling in any window of ``window_s`` seconds (closed at both ends).

    >>> peak_per_window([0, 600, 3600, 3700, 9000])
    3
    """
    ts = sorted(times_s)
    best, lo = 0, 0
    for hi, t in enumerate(ts):
        while ts[lo] < t - window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _r(t: float | None) -> float | None:
    return None if t is None else round(float(t), 3)


def medical_metrics(scenario: Scenario, events: Sequence[Event], timeseries: Timeseries, *,
                    groups: Mapping[str, Sequence[Event]] | None = None) -> dict[str, Any]:
    """Flat ``medical.*`` metrics; times in seconds from the scenario start (``None``: never happened).

    Deaths are by place (``scene``, ``transport``, ``hospital``). A death is *preventable* when the same
    casualty would have survived had definitive care begun at the moment of injury (see
    :mod:`simsoft.models.medical.survival`); ``deaths_expected_ideal`` is the expected number of deaths with such
    ideal care, ``sum(1 - b0)`` over the casualties' classes. ``groups`` is ``by_kind(events)`` when the
    caller has it already.
    """
    med = scenario.medical
    if med is None or scenario.incident is None:
        return {}
    out: dict[str, Any] = {}
    by = by_kind(events) if groups is None else groups

    def of(kind: str) -> Sequence[Event]:
        return by.get(kind, ())

    cas = of("medical.casualty")
    classes = Counter(str(e.values["triage"]) for e in cas)
    out["medical.casualties"] = len(cas)
    for cls in TRIAGE_CLASSES:
        out[f"medical.class.{cls}"] = classes.get(cls, 0)
    b0 = {"dead": 0.0, "minor": 1.0, **{k: getattr(med.survival, k).b0 for k in ("immediate", "delayed", "expectant")}}
    out["medical.deaths_expected_ideal"] = round(sum(1.0 - b0[str(e.values["triage"])] for e in cas), 6)
    died = of("medical.died")
    out["medical.deaths"] = len(died)
    places = Counter(str(e.values["place"]) for e in died)
    for place in ("scene", "transport", "hospital"):
        out[f"medical.deaths.{place}"] = places.get(place, 0)
    out["medical.preventable_deaths"] = sum(1 for e in died if e.values.get("preventable"))
    out["medical.preventable_deaths.immediate"] = sum(1 for e in died if e.values.get("preventable") and e.values["triage"] == "immediate")

    def first(kind: str) -> float | None:
        return next((_r(e.t_s) for e in of(kind)), None)

    out["medical.t_access_s"] = first("medical.access")
    access = of("medical.access")
    out["medical.access_policy"] = access[0].values.get("policy") if access else None
    out["medical.t_first_ambulance_s"] = first("medical.ambulance_arrived")
    out["medical.ambulances_arrived"] = len(of("medical.ambulance_arrived"))
    out["medical.t_major_incident_s"] = first("medical.major_incident")
    trans = of("medical.transport")
    out["medical.t_first_transport_s"] = _r(trans[0].t_s) if trans else None
    out["medical.t_last_transport_s"] = _r(trans[-1].t_s) if trans else None
    out["medical.transported"] = sum(len(e.values["patients"]) for e in trans)
    out["medical.self_presented"] = len(of("medical.self_presented"))
    ccp = of("medical.at_ccp")
    out["medical.t_last_at_ccp_s"] = _r(ccp[-1].t_s) if ccp else None
    stretcher_ccp = [e for e in ccp if e.values["triage"] != "minor"]
    out["medical.t_last_stretcher_at_ccp_s"] = _r(stretcher_ccp[-1].t_s) if stretcher_ccp else None
    arrivals = of("medical.at_hospital")
    imm = [e for e in arrivals if e.values["triage"] == "immediate" and e.values.get("alive")]
    out["medical.t_last_immediate_at_hospital_s"] = _r(imm[-1].t_s) if imm else None
    out["medical.t_first_at_hospital_s"] = _r(arrivals[0].t_s) if arrivals else None
    cared = {e.subject for e in of("medical.care")}
    dead_ids = {e.subject for e in died}
    out["medical.awaiting_care_at_end"] = sum(
        1 for e in cas if e.values["triage"] in ("immediate", "delayed", "expectant") and e.subject not in cared and e.subject not in dead_ids)
    for h in med.hospitals:
        here = [e for e in arrivals if e.values["hospital"] == h.id]
        crit = [e.t_s for e in here if e.values.get("critical") and e.values.get("alive")]
        key = f"medical.hospital.{h.id}"
        out[f"{key}.patients"] = len(here)
        out[f"{key}.critical"] = len(crit)
        out[f"{key}.beds"] = h.bed_count
        out[f"{key}.peak_beds_used"] = max((int(e.values.get("beds_used", 0)) for e in here), default=0)
        peak = peak_per_window(crit)
        out[f"{key}.peak_critical_per_hour"] = peak
        out[f"{key}.capacity_critical_per_hour"] = round(h.surge_per_hour, 3)
        out[f"{key}.capacity_critical_per_hour_full_plan"] = round(h.surge_per_hour_full_plan, 3)
        out[f"{key}.peak_load_vs_capacity"] = round(peak / h.surge_per_hour, 3)
        _, backlog = timeseries.select("hospital_backlog", h.id)
        out[f"{key}.peak_backlog"] = round(float(backlog.max()), 3) if backlog.size else 0.0
    return out
