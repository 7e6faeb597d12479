"""Recovery: release after the all clear, accountability, reunification, the phases to reopening.

Parts, one concept each:

- :mod:`~simsoft.models.recovery.model`: the recovery processes (``RecoveryModel``, which owns the
  recovery actions) and the distribution functions they use for fluid counts (``cdf``,
  ``cdf_function``, ``UNACCOUNTED_THRESHOLD``);
- :mod:`~simsoft.models.recovery.metrics`: ``recovery.*`` metrics from records (``recovery_metrics``).
"""

from simsoft.models.recovery.metrics import recovery_metrics
from simsoft.models.recovery.model import UNACCOUNTED_THRESHOLD, RecoveryModel, cdf, cdf_function

__all__ = ["RecoveryModel", "UNACCOUNTED_THRESHOLD", "cdf", "cdf_function", "recovery_metrics"]
