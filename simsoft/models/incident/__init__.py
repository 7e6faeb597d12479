"""The incident and its response: the scripted incident, who learns of it, the alert, the responders.

Parts, one concept each:

- :mod:`~simsoft.models.incident.situation`: what is known, by whom and since when (``Situation``,
  ``ROLES``), the timeline every other part of the response reads and writes;
- :mod:`~simsoft.models.incident.incident`: the scripted incident, exposure and casualties
  (``IncidentModel``);
- :mod:`~simsoft.models.incident.detection`: staff, CCTV and calls, and the relays between dispatch
  centres (``DetectionModel``);
- :mod:`~simsoft.models.incident.alerting`: notification channels and the venue's protective-action
  plan (``AlertingModel``);
- :mod:`~simsoft.models.incident.response`: security, police and other units, containment, cordons,
  all clear (``ResponseModel``, which owns the response actions);
- :mod:`~simsoft.models.incident.metrics`: ``incident.*``, ``response.*`` and ``casualties.*`` metrics
  from records (``incident_metrics``).

>>> ROLES
('venue_control', 'police', 'ems')
"""

from simsoft.models.incident.alerting import AlertingModel, exits_away_from, resolve_zones
from simsoft.models.incident.detection import DetectionModel
from simsoft.models.incident.incident import CRUSH_DENSITY_P_M2, DANGER_DENSITY_P_M2, IncidentModel
from simsoft.models.incident.metrics import incident_metrics
from simsoft.models.incident.response import ResponseModel
from simsoft.models.incident.situation import ROLES, Knowledge, Situation

__all__ = [
    "AlertingModel",
    "CRUSH_DENSITY_P_M2",
    "DANGER_DENSITY_P_M2",
    "DetectionModel",
    "IncidentModel",
    "Knowledge",
    "ROLES",
    "ResponseModel",
    "Situation",
    "exits_away_from",
    "incident_metrics",
    "resolve_zones",
]
