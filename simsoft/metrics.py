"""Per-run metrics computed from records (never from the live simulation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simsoft.records import Event, Timeseries
from simsoft.schema import Scenario

__all__ = ["compute_metrics"]


def compute_metrics(scenario: Scenario, events: Sequence[Event], timeseries: Timeseries) -> dict[str, Any]:
    """A flat, sorted dict of JSON-ready metrics for one run.

    Keys are dotted: ``run.*`` for the run as a whole, ``egress.*`` from the crowd model, ``incident.*``,
    ``response.*`` and ``casualties.*`` from the incident, detection, alerting and response models,
    ``medical.*`` from casualty care and ``recovery.*`` from the recovery module.
    """
    from simsoft.models.egress_metrics import egress_metrics
    from simsoft.models.incident_metrics import incident_metrics
    from simsoft.models.medical_metrics import medical_metrics
    from simsoft.models.recovery_metrics import recovery_metrics

    out: dict[str, Any] = {"run.population": scenario.population.total}
    end = [e for e in events if e.kind == "run.end"]
    if end:
        out["run.end_s"] = round(end[-1].t_s, 3)
        out["run.end_reason"] = end[-1].values.get("reason")
    out["run.actions"] = sum(1 for e in events if e.kind.startswith("action."))
    out.update(egress_metrics(scenario, events, timeseries))
    out.update(incident_metrics(scenario, events))
    out.update(medical_metrics(scenario, events, timeseries))
    out.update(recovery_metrics(scenario, events, timeseries))
    return dict(sorted(out.items()))
