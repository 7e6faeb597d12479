"""Every metric key of ``metrics.json`` in words, in a report's language: the "All metrics" table of a run report.

:data:`simsoft.reports.names.METRIC_NAMES` names the key metrics that conclusions, tables and axes headline;
this module names the rest (per zone, exit, hospital, triage class, the reunification counts...) so that a
reader in Arabic or French can read the table, while the key stays beside it for an evaluator to match
``metrics.json``. Places are named as the report names them (``names``: id -> display name).

>>> metric_words("egress.zone.prayer_hall.peak_density_p_m2", "fr", {"prayer_hall": "Salle de prière"})
'densité maximale dans Salle de prière (p/m²)'
>>> metric_words("medical.hospital.district.peak_beds_used", "ar", {"district": "District General"})
'أقصى عدد من الأسرّة المشغولة في District General'
>>> metric_words("recovery.reunification.t_last_minor_s", "fr")
'dernier mineur réuni avec sa famille (s)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from simsoft.i18n import N_, translator
from simsoft.reports.names import METRIC_NAMES

__all__ = ["metric_words", "value_words"]

FIXED = {
    "casualties.cause.crowd_crush": N_("casualties caused by crowd crush"),
    "casualties.cause.incident": N_("casualties caused by the incident"),
    "egress.front_time_above_4_s": N_("time a queue front stayed above 4 p/m²"),
    "egress.front_time_above_5_s": N_("time a queue front stayed above 5 p/m²"),
    "egress.inside_end": N_("people still inside at the end"),
    "egress.peak_front_at_s": N_("time of the densest queue front"),
    "egress.peak_front_connection": N_("door or passage of the densest queue front"),
    "egress.peak_front_density_p_m2": N_("density of the densest queue front"),
    "egress.peak_front_zone": N_("zone of the densest queue front"),
    "egress.removed": N_("people taken out of the crowd as casualties"),
    "incident.end_reason": N_("how the incident ended"),
    "incident.t_detect_s": N_("incident detected"),
    "incident.t_end_s": N_("incident ended"),
    "incident.t_first_call_s": N_("first call from the public"),
    "incident.t_known_ems_s": N_("EMS dispatch knew"),
    "incident.t_known_police_s": N_("police knew"),
    "incident.t_start_s": N_("incident started"),
    "medical.access_policy": N_("how medics entered"),
    "medical.ambulances_arrived": N_("ambulances arrived"),
    "medical.awaiting_care_at_end": N_("casualties awaiting care at the end"),
    "medical.casualties": N_("casualties in medical care"),
    "medical.deaths.hospital": N_("deaths at hospital"),
    "medical.deaths.scene": N_("deaths on scene"),
    "medical.deaths.transport": N_("deaths during transport"),
    "medical.deaths_expected_ideal": N_("deaths expected with ideal care timing"),
    "medical.preventable_deaths.immediate": N_("preventable deaths among immediate casualties"),
    "medical.self_presented": N_("casualties who reached hospital on their own"),
    "medical.t_first_ambulance_s": N_("first ambulance on scene"),
    "medical.t_first_at_hospital_s": N_("first casualty at hospital"),
    "medical.t_last_at_ccp_s": N_("last casualty at the casualty collection point"),
    "medical.t_last_stretcher_at_ccp_s": N_("last stretcher at the casualty collection point"),
    "medical.t_major_incident_s": N_("major incident declared"),
    "medical.transported": N_("casualties transported to hospital"),
    "recovery.clean_up_s": N_("duration of the clean-up"),
    "recovery.investigation_s": N_("duration of the investigation"),
    "recovery.reopen_days": N_("days until reopening"),
    "recovery.reopen_preparation_s": N_("duration of the preparation to reopen"),
    "recovery.reopened_in_run": N_("reopened within the run"),
    "recovery.reunification.adult": N_("adults reunited with their families"),
    "recovery.reunification.cases": N_("reunification cases"),
    "recovery.reunification.cases_done": N_("reunification cases closed at a site"),
    "recovery.reunification.casualty_family": N_("families of casualties helped"),
    "recovery.reunification.digital": N_("cases resolved remotely by a digital service"),
    "recovery.reunification.left_queue": N_("people who left the reunification queue"),
    "recovery.reunification.max_wait_s": N_("longest wait for reunification"),
    "recovery.reunification.mean_wait_s": N_("mean wait for reunification"),
    "recovery.reunification.minor": N_("minors reunited with their families"),
    "recovery.reunification.peak_queue": N_("longest reunification queue"),
    "recovery.reunification.remote": N_("cases resolved remotely"),
    "recovery.reunification.sites_opened": N_("reunification sites opened"),
    "recovery.reunification.t_first_site_open_s": N_("first reunification site open"),
    "recovery.reunification.t_last_minor_s": N_("last minor reunited with their family"),
    "recovery.t_clean_up_done_s": N_("clean-up done"),
    "recovery.t_family_assistance_open_s": N_("family assistance centre open"),
    "recovery.t_released_s": N_("sheltered people released"),
    "recovery.t_scene_handover_s": N_("scene handed over"),
    "recovery.unaccounted_at_all_clear": N_("people unaccounted for at the all clear"),
    "recovery.unaccounted_peak": N_("most people unaccounted for at once"),
    "region.casualties": N_("casualties in the region"),
    "region.deaths": N_("deaths in the region"),
    "region.over_capacity": N_("patients admitted over a hospital's capacity"),
    "region.population": N_("people at the region's sites"),
    "region.preventable_deaths": N_("preventable deaths in the region"),
    "region.time_to_hospital_median_min": N_("time to hospital, median"),
    "region.time_to_hospital_p90_min": N_("time to hospital, 90th percentile"),
    "region.transfers": N_("patients moved between hospitals"),
    "response.police_after_report_s": N_("police on scene after the first report"),
    "response.units_on_scene": N_("responder units on scene"),
    "run.actions": N_("actions taken"),
    "run.end_reason": N_("why the run ended"),
    "run.end_s": N_("end of the run"),
    "run.population": N_("people in the venue at the start"),
    "units.ambulance.shortfall": N_("ambulances not available when asked"),
    "units.police.shortfall": N_("police units not available when asked"),
}
"""Metric keys that name no place, in words (the key metrics are in :data:`METRIC_NAMES`; ``region.*`` and
``units.*``: the headline metrics of a regional run and sweep)."""

PER_PLACE = (
    (re.compile(r"casualties\.zone\.(?P<zone>[^.]+)$"), N_("casualties in %(zone)s")),
    (re.compile(r"egress\.exit\.(?P<exit>[^.]+)\.exited$"), N_("people out through %(exit)s")),
    (re.compile(r"egress\.zone\.(?P<zone>[^.]+)\.peak_density_p_m2$"), N_("peak density in %(zone)s")),
    (re.compile(r"egress\.zone\.(?P<zone>[^.]+)\.time_above_(?P<density>\d+)_s$"),
     N_("time above %(density)s p/m² in %(zone)s")),
    (re.compile(r"egress\.zone\.(?P<zone>[^.]+)\.worst_los$"), N_("worst level of service in %(zone)s")),
    (re.compile(r"incident\.zone\.(?P<zone>[^.]+)\.action$"), N_("protective action in %(zone)s")),
    (re.compile(r"incident\.zone\.(?P<zone>[^.]+)\.t_action_s$"), N_("protective action began in %(zone)s")),
    (re.compile(r"incident\.zone\.(?P<zone>[^.]+)\.t_alert_s$"), N_("alert reached %(zone)s")),
    (re.compile(r"medical\.class\.(?P<cls>[^.]+)$"), N_("casualties triaged %(cls)s")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.beds$"), N_("%(hospital)s: beds")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.patients$"), N_("%(hospital)s: patients received")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.critical$"), N_("%(hospital)s: critical patients received")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.peak_beds_used$"), N_("%(hospital)s: most beds in use")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.peak_critical_per_hour$"),
     N_("%(hospital)s: most critical patients in an hour")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.capacity_critical_per_hour$"),
     N_("%(hospital)s: critical patients per hour it can take")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.capacity_critical_per_hour_full_plan$"),
     N_("%(hospital)s: critical patients per hour under its full major-incident plan")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.peak_load_vs_capacity$"),
     N_("%(hospital)s: peak critical load against capacity")),
    (re.compile(r"medical\.hospital\.(?P<hospital>[^.]+)\.peak_backlog$"), N_("%(hospital)s: most patients waiting")),
)
"""Metric keys per zone, exit, hospital or triage class, in words with the place's name."""

CLASSES = {"immediate": N_("immediate"), "delayed": N_("delayed"), "minor": N_("minor"), "expectant": N_("expectant"),
           "dead": N_("dead")}
"""Triage classes (``medical.class.*``) in words."""


def _unit(key: str, lang: str) -> str:
    """The unit of the raw value the table shows (seconds, density, person-minutes), after the words."""
    tr = translator(lang)
    if key.endswith("_p_m2"):
        return " (p/m²)"
    if key.endswith("_person_min"):
        return f" ({tr('person-min')})"
    if key.endswith("_min"):  # regional times are kept in minutes
        return f" ({tr.units[1]})"
    if key.endswith("_s"):
        return f" ({tr.units[0]})"
    return ""


def metric_words(key: str, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    """``key`` in words in ``lang`` with the unit of its raw value; the key itself when it has no words yet."""
    tr = translator(lang)
    names = names or {}
    if key in METRIC_NAMES:
        return tr.gettext(METRIC_NAMES[key]) + _unit(key, lang)
    if key in FIXED:
        return tr.gettext(FIXED[key]) + _unit(key, lang)
    for pattern, message in PER_PLACE:
        m = pattern.match(key)
        if m:
            values = {k: names.get(v, v) for k, v in m.groupdict().items()}
            if "cls" in values:
                values["cls"] = tr.gettext(CLASSES.get(values["cls"], values["cls"]))
            unit = "" if "density" in values else _unit(key, lang)
            return tr(message, **values) + (f" ({tr.units[0]})" if "density" in values else unit)
    return key


def value_words(value: object, lang: str) -> object:
    """A metric's text value (``settled``, ``evacuate``, ``rescue_task_force``) in ``lang`` when the catalog has it."""
    if not isinstance(value, str) or lang == "en":
        return value
    return translator(lang).gettext(value.replace("_", " "))
