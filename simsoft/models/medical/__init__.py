"""Casualty care: from the moment of injury to definitive care in hospital, and its metrics.

Parts, one concept each:

- :mod:`~simsoft.models.medical.survival`: survival as a function of time to definitive care and each
  casualty's clock of deterioration (``Casualty``, ``survival_probability``, ``deadline_min``);
- :mod:`~simsoft.models.medical.care`: the casualty's path from the scene to hospital, as SimPy
  processes (``MedicalModel``, which owns the medical actions);
- :mod:`~simsoft.models.medical.transport`: the casualty collection point and the ambulances
  (``CollectionPoint``, ``AmbulanceFleet``);
- :mod:`~simsoft.models.medical.hospitals`: receiving hospitals and the distribution policy
  (``HospitalModel``, ``choose_hospital``);
- :mod:`~simsoft.models.medical.metrics`: ``medical.*`` metrics from records (``medical_metrics``).
"""

from simsoft.models.medical.care import ZONE_POLL_S, MedicalModel
from simsoft.models.medical.hospitals import HospitalModel, choose_hospital
from simsoft.models.medical.metrics import medical_metrics, peak_per_window
from simsoft.models.medical.survival import NEVER, Casualty, care_survival, deadline_min, survival_probability
from simsoft.models.medical.transport import AmbulanceFleet, CollectionPoint

__all__ = [
    "AmbulanceFleet",
    "Casualty",
    "CollectionPoint",
    "HospitalModel",
    "MedicalModel",
    "NEVER",
    "ZONE_POLL_S",
    "care_survival",
    "choose_hospital",
    "deadline_min",
    "medical_metrics",
    "peak_per_window",
    "survival_probability",
]
