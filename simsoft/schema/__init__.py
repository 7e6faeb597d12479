"""The scenario language as pydantic models (unknown keys rejected, every field documented)."""

from simsoft.schema.actions import (
    Action,
    Alert,
    CloseConnection,
    Cordon,
    Declare,
    Dispatch,
    Evacuate,
    MutualAid,
    Lockdown,
    OpenConnection,
    Release,
    Shelter,
)
from simsoft.schema.actions import (
    HospitalPlan,
    RecoveryPhase,
    AccountabilityAction,
    RequestAmbulances,
    ReunificationAction,
    SceneResources,
    WarmZoneEntry,
)
from simsoft.schema.automatic import Automatic
from simsoft.schema.common import FROM_FILE, Duration, Strict, format_seconds, slug
from simsoft.schema.distributions import Distribution, Fixed, Lognormal, Normal, Uniform
from simsoft.schema.egress import EgressSettings
from simsoft.schema.incident import Incident, IncidentKind
from simsoft.schema.medical import Hospital, Medical, TriageMix
from simsoft.schema.recovery import Recovery, ReunificationSite
from simsoft.schema.response import Alerting, Channel, Detection, PlanStep, Response, Unit
from simsoft.schema.population import Group, Population
from simsoft.schema.scenario import SCHEMA_VERSION, Scenario, Variant
from simsoft.schema.venue import Asset, AssetKind, Connection, ConnectionKind, Exit, Venue, Zone, ZoneKind

__all__ = [
    "Automatic",
    "FROM_FILE",
    "Duration",
    "Strict",
    "format_seconds",
    "slug",
    "Hospital",
    "HospitalPlan",
    "Medical",
    "Recovery",
    "RecoveryPhase",
    "AccountabilityAction",
    "RequestAmbulances",
    "ReunificationAction",
    "ReunificationSite",
    "SceneResources",
    "TriageMix",
    "WarmZoneEntry",
    "Alerting",
    "Channel",
    "Cordon",
    "Declare",
    "Detection",
    "Dispatch",
    "Incident",
    "IncidentKind",
    "MutualAid",
    "PlanStep",
    "Response",
    "Unit",
    "Action",
    "Alert",
    "Asset",
    "AssetKind",
    "CloseConnection",
    "Connection",
    "ConnectionKind",
    "Distribution",
    "EgressSettings",
    "Evacuate",
    "Exit",
    "Fixed",
    "Group",
    "Lockdown",
    "Lognormal",
    "Normal",
    "OpenConnection",
    "Population",
    "Release",
    "SCHEMA_VERSION",
    "Scenario",
    "Shelter",
    "Uniform",
    "Variant",
    "Venue",
    "Zone",
    "ZoneKind",
]
