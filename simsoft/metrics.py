"""Per-run metrics computed from records (never from the live simulation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simsoft.models import egress_metrics
from simsoft.models.incident import incident_metrics
from simsoft.models.medical import medical_metrics
from simsoft.models.recovery import recovery_metrics
from simsoft.records import Event, Timeseries, by_kind
from simsoft.schema import Scenario

__all__ = ["METRIC_SERIES", "compute_metrics"]

METRIC_SERIES = frozenset({"unaccounted", "reunification_queue", "hospital_backlog"})
"""The time-series quantities :func:`compute_metrics` reads: all a lean run keeps
(``Simulation(..., lean=True)``); the test of the lean mode checks its metrics against full runs."""


def compute_metrics(scenario: Scenario, events: Sequence[Event], timeseries: Timeseries) -> dict[str, Any]:
    """A flat, sorted dict of JSON-ready metrics for one run.

    Keys are dotted: ``run.*`` for the run as a whole, ``egress.*`` from the crowd model, ``incident.*``,
    ``response.*`` and ``casualties.*`` from the incident, detection, alerting and response models,
    ``medical.*`` from casualty care and ``recovery.*`` from the recovery module.
    """
    out: dict[str, Any] = {"run.population": scenario.population.total}
    groups = by_kind(events)  # one pass; the model metrics below look kinds up instead of rescanning
    end = groups.get("run.end", [])
    if end:
        out["run.end_s"] = round(end[-1].t_s, 3)
        out["run.end_reason"] = end[-1].values.get("reason")
    out["run.actions"] = sum(len(group) for kind, group in groups.items() if kind.startswith("action."))
    out.update(egress_metrics(scenario, events, timeseries))
    out.update(incident_metrics(scenario, events, groups=groups))
    out.update(medical_metrics(scenario, events, timeseries, groups=groups))
    out.update(recovery_metrics(scenario, events, timeseries, groups=groups))
    return dict(sorted(out.items()))
