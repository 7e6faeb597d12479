"""Recovery metrics, computed from records only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.records import Event, Timeseries, by_kind
from simsoft.schema import Scenario

__all__ = ["recovery_metrics"]


def _r(t: float | None) -> float | None:
    return None if t is None else round(float(t), 3)


def recovery_metrics(scenario: Scenario, events: Sequence[Event], timeseries: Timeseries, *,
                     groups: Mapping[str, Sequence[Event]] | None = None) -> dict[str, Any]:
    """Flat ``recovery.*`` metrics; times in seconds from the scenario start (``None``: not reached in the run).

    The scene handover, the end of clean-up and the reopening are the recorded times when they happen in the
    run and the scheduled ones otherwise (the phases' durations are known at the all clear), so a reopening
    weeks after the incident is measured without simulating the idle days.

    ``groups`` is ``by_kind(events)`` when the caller has it already.
    """
    if scenario.recovery is None or scenario.incident is None:
        return {}
    out: dict[str, Any] = {}
    by = by_kind(events) if groups is None else groups

    def of(kind: str) -> Sequence[Event]:
        return by.get(kind, ())

    def first(kind: str, subject: str | None = None) -> float | None:
        return next((_r(e.t_s) for e in of(kind) if subject is None or e.subject == subject), None)

    clear = first("response.all_clear")
    releases = [e.t_s for e in of("action.release") if clear is not None and e.t_s >= clear - 1e-9]
    out["recovery.t_released_s"] = _r(max(releases)) if releases else clear
    out["recovery.t_everyone_accounted_s"] = first("recovery.everyone_accounted")
    ts, vs = timeseries.select("unaccounted")
    out["recovery.unaccounted_peak"] = round(float(vs.max()), 3) if vs.size else None
    if clear is not None and ts.size:
        before = vs[ts <= clear]
        out["recovery.unaccounted_at_all_clear"] = round(float(before[-1]), 3) if before.size else None
    else:
        out["recovery.unaccounted_at_all_clear"] = None
    done = of("recovery.reunified")
    out["recovery.reunification.cases_done"] = len(done)
    for kind in ("adult", "minor", "casualty_family"):
        out[f"recovery.reunification.{kind}"] = sum(1 for e in done if e.values["case"] == kind)
    minors = [e for e in done if e.values["case"] == "minor"]
    out["recovery.reunification.t_last_minor_s"] = _r(minors[-1].t_s) if minors else None
    waits = [float(e.values["waited_s"]) for e in done]
    out["recovery.reunification.mean_wait_s"] = round(sum(waits) / len(waits), 3) if waits else None
    out["recovery.reunification.max_wait_s"] = round(max(waits), 3) if waits else None
    _, q = timeseries.select("reunification_queue")
    out["recovery.reunification.peak_queue"] = int(q.max()) if q.size else 0
    out["recovery.reunification.t_first_site_open_s"] = first("recovery.site_opened")
    out["recovery.reunification.sites_opened"] = len(of("recovery.site_opened"))
    out["recovery.reunification.t_complete_s"] = first("recovery.reunification_complete")
    out["recovery.reunification.remote"] = len(of("recovery.resolved_remotely"))
    out["recovery.reunification.digital"] = sum(1 for e in of("recovery.resolved_remotely") if e.values["how"] == "digital")
    out["recovery.reunification.left_queue"] = len(of("recovery.left_queue"))
    out["recovery.reunification.cases"] = (len(done) + out["recovery.reunification.remote"]
                                           + out["recovery.reunification.left_queue"])
    out["recovery.t_family_assistance_open_s"] = first("recovery.phase_started", "family_assistance")
    durations: dict[str, float] = {}
    for e in of("recovery.phases_set"):
        durations.update({k: float(e.values[f"{k}_s"]) for k in ("investigation", "clean_up", "reopen_preparation")})
    for e in of("recovery.phase_changed"):
        durations[e.subject] = float(e.values["duration_s"])
    for k in ("investigation", "clean_up", "reopen_preparation"):
        out[f"recovery.{k}_s"] = _r(durations.get(k))
    handover = first("recovery.phase_done", "investigation")
    if handover is None and clear is not None and "investigation" in durations:
        handover = _r(clear + durations["investigation"])
    out["recovery.t_scene_handover_s"] = handover
    cleaned = first("recovery.phase_done", "clean_up")
    if cleaned is None and handover is not None and "clean_up" in durations:
        started = first("recovery.phase_started", "clean_up")
        cleaned = _r((started if started is not None else handover) + durations["clean_up"])
    out["recovery.t_clean_up_done_s"] = cleaned
    reopened = first("recovery.reopened")
    scheduled = of("recovery.reopening_scheduled")
    if reopened is None and scheduled:
        reopened = _r(scheduled[-1].values["at_s"])
    out["recovery.t_reopened_s"] = reopened
    out["recovery.reopened_in_run"] = first("recovery.reopened") is not None
    start = scenario.incident.starts_at
    out["recovery.reopen_days"] = None if reopened is None else round((reopened - start) / 86400.0, 3)
    return out
