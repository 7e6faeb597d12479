"""A declared major incident: the ambulance service's mass-casualty mode and every hospital's full plan.

Under a declared major incident, real services stop working patient by patient: ambulances load two
stretcher patients (or one and a walking casualty), crews hand over at the hospital door and leave,
buses and other vehicles take the walking wounded, and hospitals activate their major-incident plans
(JESIP Joint Doctrine; NHS England EPRR framework; parameters and sources in
:class:`simsoft.schema.medical.MassCasualtyMode`).

The declaration comes from the scenario (``medical.major_incident.declared: auto``, ``after`` EMS
dispatch knows) or from a decision (action ``major_incident``); the first one counts, later ones change
nothing. Its random numbers (arrival of additional ambulances and other vehicles) come from streams of
their own (``medical.major_incident.*``), so declaring never shifts another draw (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from simsoft.distributions import sample
from simsoft.models.medical.hospitals import HospitalModel
from simsoft.models.medical.transport import AmbulanceFleet, OtherVehicle
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema.medical import Medical

__all__ = ["MajorIncident"]


class MajorIncident:
    """The major-incident declaration of one run and what it switches on."""

    def __init__(self, cfg: Medical, *, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 fleet: AmbulanceFleet, hospitals: list[HospitalModel], ems_knows: simpy.Event,
                 request_ambulances: Callable[[int, str], None]) -> None:
        self.cfg = cfg
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.fleet = fleet
        self.hospitals = hospitals
        self.ems_knows = ems_knows
        self.request_ambulances = request_ambulances
        self.declared_at: float | None = None
        self._vehicles = 0

    @property
    def declared(self) -> bool:
        """Whether a major incident has been declared."""
        return self.declared_at is not None

    def start(self) -> None:
        """Schedule the automatic declaration (``declared: auto``); ``never`` schedules nothing."""
        if self.cfg.major_incident.declared == "auto":
            self.env.process(self._auto())

    def _auto(self):
        yield self.ems_knows
        yield self.env.timeout(self.cfg.major_incident.after)
        self.declare(source="auto")

    def declare(self, *, source: str) -> bool:
        """Declare now; ``False`` (and nothing changes) when already declared."""
        if self.declared:
            return False
        now = float(self.env.now)
        self.declared_at = now
        mci = self.cfg.ambulances.mci
        self.fleet.mci = mci
        self.recorder.emit(now, "medical.major_incident", "", source=source, patients_per_vehicle=mci.patients_per_vehicle,
                           handover_s=float(mci.handover), other_vehicles=mci.other_vehicles.count,
                           additional_ambulances=mci.additional_ambulances)
        for h in self.hospitals:
            h.activate_full_plan(reason="major_incident", ramp_s=h.spec.full_plan_after or 3600.0)
        if mci.additional_ambulances:
            self.request_ambulances(mci.additional_ambulances, "major_incident")
        other = mci.other_vehicles
        if other.count:
            delays = sample(other.arrival, rng=self.streams.stream("medical.major_incident.other_vehicles"), n=other.count)
            for d in delays:
                self._vehicles += 1
                vehicle = OtherVehicle(other, self.fleet, vid=f"veh{self._vehicles}")
                self.env.process(vehicle.run(float(d)))
        return True
