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
    out["recovery.t_family_assistance_open_s"] = first("recovery.phase_started", "family_assistance")
    out["recovery.t_scene_handover_s"] = first("recovery.phase_done", "investigation")
    out["recovery.t_clean_up_done_s"] = first("recovery.phase_done", "clean_up")
    out["recovery.t_reopened_s"] = first("recovery.reopened")
    return out
