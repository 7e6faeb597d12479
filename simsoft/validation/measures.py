"""Derived per-run quantities the validation cases compare, computed from a run's events and metrics.

The models' own metrics (``simsoft/models/*/metrics.py``) cover most of what a case needs; the few
quantities a published figure is stated in, but no model reports, are computed here from the event
records (never by changing a model). All times are seconds **from the incident start**, so a case
compares with the timelines of after-action reports; ``None`` means "not reached in this run".

``validation.*`` names:

* ``t_police_after_report_s``: ``response.police_after_report_s`` (same quantity, kept for symmetry);
* ``t_last_stretcher_at_ccp_s``: last casualty who cannot walk (immediate, delayed, expectant) reaching the
  casualty collection (clearing) point;
* ``t_last_wounded_left_scene_s``: last casualty who cannot walk leaving the scene alive, by ambulance or
  on their own (Boston: "the last wounded person was evacuated within 22 minutes");
* ``t_last_immediate_at_hospital_s``: last immediate casualty reaching hospital alive;
* ``critical_at_hospital``, ``critical_died_in_hospital``, ``critical_mortality_hospital``: critical casualties
  (immediate, expectant) reaching hospital alive, those of them who died there, and the share (the definition of
  "critical mortality" in Frykberg & Tepas 1988 and Aylwin et al. 2006: deaths among critically injured survivors
  who reach hospital; deaths on scene are excluded);
* ``immediate_at_hospital``, ``immediate_died_in_hospital``, ``immediate_mortality_hospital``: the same for
  immediate casualties only;
* ``deaths_after_leaving_scene``: deaths in transport or in hospital (Boston: none);
* ``case_fatality``, ``hospital_death_share``: deaths and in-hospital deaths per casualty;
* ``peak_serious_per_hour_busiest``: the largest number of casualties who cannot walk arriving alive at one
  hospital within any 60 minutes (Royal London on 7/7: 18 seriously injured per hour);
* ``critical_care_rate_per_h``: critical-care starts per hour at the busiest hospital, from its first to its last
  start (with a saturated queue this is the hospital's surge capacity, Hirshberg et al. 2005);
* ``t_reunification_complete_s``, ``t_reopened_s``: the recovery milestones from the incident start.

>>> from simsoft.records import Event
>>> ev = [Event(t_s=0.0, kind="incident.start", subject=""),
...       Event(t_s=600.0, kind="medical.at_hospital", subject="c1",
...             values={"hospital": "h", "triage": "immediate", "critical": True, "alive": True}),
...       Event(t_s=900.0, kind="medical.died", subject="c1", values={"place": "hospital", "triage": "immediate"})]
>>> m = validation_metrics(ev, {"incident.t_start_s": 0.0, "medical.casualties": 1, "medical.deaths": 1,
...                             "medical.deaths.hospital": 1})
>>> m["validation.critical_mortality_hospital"], m["validation.deaths_after_leaving_scene"]
(1.0, 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.models.medical.metrics import peak_per_window
from simsoft.records import Event

__all__ = ["validation_metrics", "STRETCHER", "CRITICAL"]

STRETCHER = frozenset({"immediate", "delayed", "expectant"})
"""Triage classes that cannot walk (carried, one per ambulance)."""
CRITICAL = frozenset({"immediate", "expectant"})
"""Triage classes that need a hospital's critical-care line."""


def _rel(t: float | None, start: float | None) -> float | None:
    if t is None or start is None:
        return None
    return round(float(t) - float(start), 3)


def _share(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return round(float(num) / float(den), 6)


def validation_metrics(events: Sequence[Event], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The ``validation.*`` quantities of one run (see the module docstring)."""
    start = metrics.get("incident.t_start_s")
    out: dict[str, Any] = {"validation.t_police_after_report_s": metrics.get("response.police_after_report_s")}
    last_ccp = None
    left: float | None = None
    last_imm = None
    arrivals: dict[str, list[float]] = {}
    crit_ids: set[str] = set()
    imm_ids: set[str] = set()
    died_hosp: set[str] = set()
    after_scene = 0
    care: dict[str, list[float]] = {}
    for e in events:
        v = e.values
        if e.kind == "medical.at_ccp" and v.get("triage") in STRETCHER:
            last_ccp = e.t_s
        elif e.kind == "medical.transport":
            if any(t in STRETCHER for t in v.get("triage", ())):
                left = e.t_s
        elif e.kind == "medical.self_presented" and v.get("triage") in STRETCHER:
            left = e.t_s if left is None else max(left, e.t_s)
        elif e.kind == "medical.at_hospital" and v.get("alive"):
            triage = v.get("triage")
            if triage in STRETCHER:
                arrivals.setdefault(str(v.get("hospital")), []).append(e.t_s)
            if triage in CRITICAL:
                crit_ids.add(e.subject)
            if triage == "immediate":
                imm_ids.add(e.subject)
                last_imm = e.t_s
        elif e.kind == "medical.died":
            if v.get("place") in ("transport", "hospital"):
                after_scene += 1
            if v.get("place") == "hospital":
                died_hosp.add(e.subject)
        elif e.kind == "medical.care" and v.get("triage") in CRITICAL:
            care.setdefault(str(v.get("hospital")), []).append(e.t_s)
    out["validation.t_last_stretcher_at_ccp_s"] = _rel(last_ccp, start)
    out["validation.t_last_wounded_left_scene_s"] = _rel(left, start)
    out["validation.t_last_immediate_at_hospital_s"] = _rel(last_imm, start)
    medical = "medical.casualties" in metrics
    crit_died = len(crit_ids & died_hosp)
    imm_died = len(imm_ids & died_hosp)
    out["validation.critical_at_hospital"] = len(crit_ids) if medical else None
    out["validation.critical_died_in_hospital"] = crit_died if medical else None
    out["validation.critical_mortality_hospital"] = _share(crit_died, len(crit_ids))
    out["validation.immediate_at_hospital"] = len(imm_ids) if medical else None
    out["validation.immediate_died_in_hospital"] = imm_died if medical else None
    out["validation.immediate_mortality_hospital"] = _share(imm_died, len(imm_ids))
    out["validation.deaths_after_leaving_scene"] = after_scene if medical else None
    casualties = metrics.get("medical.casualties")
    out["validation.case_fatality"] = _share(metrics.get("medical.deaths"), casualties)
    out["validation.hospital_death_share"] = _share(metrics.get("medical.deaths.hospital"), casualties)
    out["validation.peak_serious_per_hour_busiest"] = (
        max((peak_per_window(ts) for ts in arrivals.values()), default=0) if medical else None)
    rate = None
    if care:
        busiest = max(sorted(care), key=lambda h: len(care[h]))
        ts = care[busiest]
        if len(ts) >= 3 and ts[-1] > ts[0]:
            rate = round((len(ts) - 1) / (ts[-1] - ts[0]) * 3600.0, 4)
    out["validation.critical_care_rate_per_h"] = rate
    out["validation.t_reunification_complete_s"] = _rel(metrics.get("recovery.reunification.t_complete_s"), start)
    out["validation.t_reopened_s"] = _rel(metrics.get("recovery.t_reopened_s"), start)
    return out
