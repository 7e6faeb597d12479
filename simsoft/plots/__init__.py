"""Figures of runs and experiments. The only simsoft package that imports matplotlib.

Every function takes results (a :class:`~simsoft.engine.RunResult`, possibly read back from a run
folder, or an experiment's table and summary) and returns a :class:`matplotlib.figure.Figure`. Figures
are built without ``pyplot`` (no global state, no GUI backend): save them with ``fig.savefig(path)``.
Nothing here runs a simulation. ``simsoft`` itself never imports this package; the CLI and
:mod:`simsoft.reports` import it when they draw.
"""

from simsoft.plots.common import metric_label, native_layout, shape
from simsoft.plots.experiments import comparison, metric_distributions, paired_differences
from simsoft.plots.runs import (
    CASUALTY_STAGES,
    casualty_flow,
    evacuation_curves,
    has_casualty_flow,
    has_hospital_load,
    hospital_load,
    incident_timeline,
    venue_map,
)
from simsoft.plots.region import region_map
from simsoft.plots.uncertainty import differences_over_parameters, parameter_sensitivity
from simsoft.plots.venue import situation_from_records
from simsoft.plots.situation import venue_situation

__all__ = [
    "native_layout",
    "shape",
    "CASUALTY_STAGES",
    "casualty_flow",
    "comparison",
    "differences_over_parameters",
    "evacuation_curves",
    "has_casualty_flow",
    "has_hospital_load",
    "hospital_load",
    "incident_timeline",
    "metric_distributions",
    "metric_label",
    "paired_differences",
    "parameter_sensitivity",
    "region_map",
    "situation_from_records",
    "venue_map",
    "venue_situation",
]
