"""Incident, detection, alerting and response metrics, computed from records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.records import Event, by_kind
from simsoft.schema import Scenario

__all__ = ["incident_metrics"]


def _first(by: Mapping[str, Sequence[Event]], kind: str, subject: str | None = None) -> float | None:
    for e in by.get(kind, ()):
        if subject is None or e.subject == subject:
            return round(e.t_s, 3)
    return None


def incident_metrics(scenario: Scenario, events: Sequence[Event], *,
                     groups: Mapping[str, Sequence[Event]] | None = None) -> dict[str, Any]:
    """Flat metrics: times in seconds from the scenario start (``None`` when it never happened).

    ``groups`` is ``by_kind(events)`` when the caller has it already.
    """
    if scenario.incident is None:
        return {}
    out: dict[str, Any] = {}
    by = by_kind(events) if groups is None else groups
    start = _first(by, "incident.start")
    out["incident.t_start_s"] = start
    known = by.get("info.known", ())
    out["incident.t_detect_s"] = round(min(e.t_s for e in known), 3) if known else None
    out["incident.t_first_call_s"] = _first(by, "info.first_call")
    for role in ("venue_control", "police", "ems"):
        out[f"incident.t_known_{role}_s"] = _first(by, "info.known", role)
    police = _first(by, "response.police_on_scene")
    out["response.t_police_on_scene_s"] = police
    call = out["incident.t_first_call_s"]
    first_report = min((t for t in (call, out["incident.t_known_police_s"]) if t is not None), default=None)
    out["response.police_after_report_s"] = round(police - first_report, 3) if police is not None and first_report is not None else None
    out["response.t_contained_s"] = _first(by, "response.contained")
    out["response.t_all_clear_s"] = _first(by, "response.all_clear")
    out["response.units_on_scene"] = len(by.get("response.on_scene", ()))
    end = by.get("incident.end", ())
    out["incident.t_end_s"] = round(end[-1].t_s, 3) if end else None
    out["incident.end_reason"] = end[-1].values.get("reason") if end else None
    out["incident.exposed_person_min"] = end[-1].values.get("exposed_person_min") if end else None
    zones = [z.id for z in scenario.venue.zones]
    alert_at: dict[str, float] = {}
    for e in by.get("alert.sent", ()):
        for z in e.values.get("zones", []):
            alert_at.setdefault(z, round(e.t_s, 3))
    action_at: dict[str, tuple[float, str]] = {}
    for e in events:  # the three kinds interleaved in recording order: the first action on a zone counts
        if e.kind in ("action.evacuate", "action.shelter", "action.lockdown") and start is not None and e.t_s >= start:
            for z in e.values.get("zones", []):
                action_at.setdefault(z, (round(e.t_s, 3), e.kind.split(".", 1)[1]))
    out["incident.t_first_alert_s"] = min(alert_at.values()) if alert_at else None
    for z in zones:
        out[f"incident.zone.{z}.t_alert_s"] = alert_at.get(z)
        t, what = action_at.get(z, (None, None))
        out[f"incident.zone.{z}.t_action_s"] = t
        out[f"incident.zone.{z}.action"] = what
    injured = by.get("casualty.injured", ())
    out["casualties.total"] = len(injured)
    causes = Counter(str(e.values.get("cause")) for e in injured)
    for cause in ("incident", "crowd_crush"):
        out[f"casualties.cause.{cause}"] = causes.get(cause, 0)
    by_zone = Counter(str(e.values.get("zone")) for e in injured)
    for z in zones:
        out[f"casualties.zone.{z}"] = by_zone.get(z, 0)
    return out
