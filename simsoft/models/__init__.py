"""Sub-models of the simulation: crowd movement (egress) and its SFPE hydraulic relations."""

from simsoft.models.egress import EgressModel, egress_metrics, protective_actions

__all__ = ["EgressModel", "egress_metrics", "protective_actions"]
