"""Regional metrics, from records only: by site, by hospital, by unit, and whole-region totals.

Names: ``site.<id>.<what>``, ``hospital.<id>.<what>``, ``units.<what>``, ``region.<what>``; times in
minutes (``_min``), counts plain. A value that does not exist (no casualty reached hospital) is ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from simsoft.region.run import RegionResult

__all__ = ["region_metrics", "time_to_hospital_min"]


def time_to_hospital_min(events) -> list[float]:
    """Minutes from injury to arrival at hospital of every casualty that reached one alive or dead, in order."""
    injured: dict[str, float] = {}
    out = []
    for e in events:
        if e.kind == "medical.casualty":
            injured[e.subject] = e.t_s
        elif e.kind == "medical.at_hospital" and e.subject in injured:
            out.append((e.t_s - injured[e.subject]) / 60.0)
    return out


def _q(values: list[float], q: float) -> float | None:
    return round(float(np.quantile(np.asarray(values), q)), 3) if values else None


def region_metrics(result: RegionResult) -> dict[str, Any]:
    """Every regional metric of ``result`` as one flat dict with sorted keys."""
    region = result.loaded.region
    m: dict[str, Any] = {}
    totals = {"population": 0, "casualties": 0, "deaths": 0, "preventable_deaths": 0, "at_hospital": 0}
    all_tth: list[float] = []
    assigned = [e for e in result.events if e.kind == "region.unit_assigned"]
    for s in region.sites:
        r = result.sites[s.id]
        sm = r.metrics
        tth = time_to_hospital_min(r.events)
        all_tth += tth
        row = {
            "population": int(sm.get("run.population", 0)),
            "casualties": int(sm.get("medical.casualties", sm.get("incident.casualties", 0)) or 0),
            "deaths": int(sm.get("medical.deaths", 0) or 0),
            "preventable_deaths": int(sm.get("medical.preventable_deaths", 0) or 0),
            "at_hospital": len(tth),
        }
        for k, v in row.items():
            m[f"site.{s.id}.{k}"] = v
            totals[k] += v
        m[f"site.{s.id}.time_to_hospital_median_min"] = _q(tth, 0.5)
        m[f"site.{s.id}.time_to_hospital_p90_min"] = _q(tth, 0.9)
        m[f"site.{s.id}.ambulances_committed"] = len({e.subject for e in assigned if e.values["site"] == s.id
                                                       and e.values["unit_kind"] == "ambulance"})
        m[f"site.{s.id}.police_committed"] = len({e.subject for e in assigned if e.values["site"] == s.id
                                                  and e.values["unit_kind"] == "police"})
        m[f"site.{s.id}.incident"] = r.scenario.incident is not None
    over_all = 0
    arrived = [e for e in result.events if e.kind == "region.transfer_arrived"]
    departed = [e for e in result.events if e.kind == "region.transfer_departed"]
    for h in region.hospitals:
        beds = h.bed_count
        peak_beds, patients, peak_backlog, over = 0, 0, 0.0, 0
        by_site: dict[str, int] = {}
        for sid, r in result.sites.items():
            here = [e for e in r.events if e.kind == "medical.at_hospital" and e.values.get("hospital") == h.id]
            patients += len(here)
            by_site[sid] = len(here)
            peak_beds = max([peak_beds] + [int(e.values.get("beds_used", 0)) for e in here])
            over += sum(1 for e in here if e.values.get("alive") and int(e.values.get("beds_used", 0)) > beds)
            _, values = r.timeseries.select("hospital_backlog", h.id)
            if len(values):
                peak_backlog = max(peak_backlog, float(values.max()))
        into = [e for e in arrived if e.values["hospital"] == h.id]
        peak_beds = max([peak_beds] + [int(e.values["beds_used"]) for e in into])
        if arrived:  # secondary transfers (a regional decision): only when there were any
            m[f"hospital.{h.id}.transfers_in"] = len(into)
            m[f"hospital.{h.id}.transfers_out"] = sum(1 for e in departed if e.values["hospital"] == h.id)
        m[f"hospital.{h.id}.beds"] = beds
        m[f"hospital.{h.id}.patients"] = patients
        m[f"hospital.{h.id}.peak_beds_used"] = peak_beds
        m[f"hospital.{h.id}.peak_load_vs_beds"] = round(peak_beds / beds, 3)
        m[f"hospital.{h.id}.peak_backlog"] = round(peak_backlog, 3)
        m[f"hospital.{h.id}.over_capacity"] = over
        m[f"hospital.{h.id}.peak_over_beds"] = max(0, peak_beds - beds)
        over_all += over
        for sid, n in by_site.items():
            m[f"hospital.{h.id}.from.{sid}"] = n
    kinds = {"ambulance": [b.vehicles for b in region.ambulance_bases], "police": [p.units for p in region.police]}
    for kind, counts in kinds.items():
        aid = sum(1 for e in result.events if e.kind == "region.mutual_aid_arrived" and e.values["unit_kind"] == kind)
        total = sum(counts) + aid
        committed = len({e.subject for e in assigned if e.values["unit_kind"] == kind})
        short = [e for e in result.events if e.kind == "region.shortfall" and e.values["unit_kind"] == kind]
        served = [e for e in result.events if e.kind == "region.request_served" and e.values["unit_kind"] == kind]
        m[f"units.{kind}.total"] = total
        m[f"units.{kind}.committed"] = committed
        m[f"units.{kind}.idle"] = total - committed
        m[f"units.{kind}.shortfall"] = sum(int(e.values["wanted"]) - int(e.values["sent"]) for e in short)
        if aid:
            m[f"units.{kind}.mutual_aid"] = aid
        if served:
            m[f"units.{kind}.served_from_queue"] = sum(int(e.values["sent"]) for e in served)
    for k, v in totals.items():
        m[f"region.{k}"] = v
    m["region.sites"] = len(region.sites)
    m["region.over_capacity"] = over_all
    if departed:
        m["region.transfers"] = len(departed)
    decisions = [e for e in result.events if e.kind == "region.decision"]
    if decisions:
        m["region.decisions"] = len(decisions)
    m["region.time_to_hospital_median_min"] = _q(all_tth, 0.5)
    m["region.time_to_hospital_p90_min"] = _q(all_tth, 0.9)
    end = [e for e in result.events if e.kind == "region.end"]
    m["region.end_s"] = end[-1].t_s if end else None
    m["region.end_reason"] = end[-1].values["reason"] if end else None
    return dict(sorted(m.items()))
