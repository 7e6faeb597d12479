"""Sub-models of the simulation: crowd movement (egress) and its SFPE hydraulic relations."""

from simsoft.models.egress import EgressModel
from simsoft.models.egress_metrics import egress_metrics

__all__ = ["EgressModel", "egress_metrics"]
