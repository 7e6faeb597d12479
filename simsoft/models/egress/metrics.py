"""Egress metrics of one run, computed from its records (never from the live model).

Keys are flat, dotted and JSON-ready, returned in sorted order:

* ``egress.t50_s``, ``egress.t90_s``, ``egress.t95_s``, ``egress.t100_s``: time the share of the
  population was out (``None`` if never reached);
* ``egress.exited``, ``egress.inside_end``: people out and still inside at the end;
* ``egress.removed``: people taken out of the crowd as casualties by other models;
* ``egress.exit.<id>.exited``: people out by each exit;
* ``egress.zone.<id>.peak_density_p_m2``, ``.time_above_4_s``, ``.time_above_5_s``, ``.worst_los``:
  crowd safety per zone (thresholds after G. K. Still, 2000; LOS after Fruin, 1971);
* ``egress.peak_front_density_p_m2``, ``egress.peak_front_connection``, ``egress.peak_front_zone``,
  ``egress.peak_front_at_s``, ``egress.front_time_above_4_s``, ``egress.front_time_above_5_s``: the
  densest queue front at a door over the run, where and when, and the time some front was above 4
  and 5 p/m^2 (see :mod:`.density`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from simsoft.records import Event, Timeseries
from simsoft.schema import Scenario

__all__ = ["egress_metrics"]

_ZONE_FIELDS = ("peak_density_p_m2", "time_above_4_s", "time_above_5_s", "worst_los")


def egress_metrics(scenario: Scenario, events: Iterable[Event], timeseries: Timeseries | None = None) -> dict[str, Any]:
    """Flat, sorted egress metrics of a run from its ``events`` (``timeseries`` is accepted for symmetry).

    >>> from simsoft.records import Event
    >>> egress_metrics(None, [Event(13.0, "egress.milestone", "", {"pct": 50, "count": 5, "at_s": 12.5})])["egress.t50_s"]
    12.5
    """
    out: dict[str, Any] = {f"egress.t{p}_s": None for p in (50, 90, 95, 100)}
    out["egress.exited"] = 0.0
    out["egress.inside_end"] = float(scenario.population.total) if scenario is not None else None
    for e in events:
        if e.kind == "egress.milestone":
            key = f"egress.t{int(e.values['pct'])}_s"
            if out.get(key) is None:
                out[key] = float(e.values.get("at_s", e.t_s))
        elif e.kind == "egress.summary":
            out["egress.exited"] = float(e.values["exited"])
            out["egress.inside_end"] = float(e.values["inside"])
            out["egress.removed"] = float(e.values.get("removed", 0.0))
            for exit_id, n in dict(e.values.get("by_exit", {})).items():
                out[f"egress.exit.{exit_id}.exited"] = float(n)
        elif e.kind == "egress.front_summary":
            out["egress.peak_front_density_p_m2"] = float(e.values["peak_density_p_m2"])
            out["egress.peak_front_connection"] = e.values.get("connection")
            out["egress.peak_front_zone"] = e.values.get("node")
            out["egress.peak_front_at_s"] = e.values.get("at_s")
            out["egress.front_time_above_4_s"] = float(e.values["time_above_4_s"])
            out["egress.front_time_above_5_s"] = float(e.values["time_above_5_s"])
        elif e.kind == "egress.zone_summary":
            for f in _ZONE_FIELDS:
                out[f"egress.zone.{e.subject}.{f}"] = e.values[f]
    return dict(sorted(out.items()))
