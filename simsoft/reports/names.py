"""Metrics in words: the names reports, summaries and figure labels show instead of dotted keys.

No matplotlib here, so documents and the terminal can name metrics without loading the plotting
stack; :mod:`simsoft.plots.common` reads the same table for axis labels.

>>> metric_name("egress.t95_s"), metric_name("medical.deaths")
('time until 95 % are out', 'deaths')
>>> metric_name("egress.zone.foyer.peak_density_p_m2")
'egress.zone.foyer.peak_density_p_m2'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from simsoft.i18n import N_, translator

__all__ = ["METRIC_NAMES", "metric_name", "short_labels", "label_words", "in_language"]

METRIC_NAMES = {
    "egress.t50_s": N_("time until 50 % are out"),
    "egress.t90_s": N_("time until 90 % are out"),
    "egress.t95_s": N_("time until 95 % are out"),
    "egress.t100_s": N_("time until everyone is out"),
    "egress.exited": N_("people out of the venue"),
    "incident.exposed_person_min": N_("exposure to the incident"),
    "incident.t_first_alert_s": N_("first alert"),
    "incident.t_known_venue_control_s": N_("venue control knew"),
    "casualties.total": N_("casualties"),
    "response.t_police_on_scene_s": N_("police on scene"),
    "response.t_contained_s": N_("incident contained"),
    "response.t_all_clear_s": N_("all clear"),
    "medical.deaths": N_("deaths"),
    "medical.preventable_deaths": N_("preventable deaths"),
    "medical.t_last_immediate_at_hospital_s": N_("last immediate casualty at hospital"),
    "medical.t_first_transport_s": N_("first transport to hospital"),
    "medical.t_last_transport_s": N_("last transport to hospital"),
    "medical.t_access_s": N_("medics reach the casualties"),
    "recovery.t_everyone_accounted_s": N_("everyone accounted for"),
    "recovery.reunification.t_complete_s": N_("reunification complete"),
    "recovery.t_reopened_s": N_("venue reopened"),
}
"""Key metrics in words, for conclusions, titles and axes (other keys are shown as they are)."""


def metric_name(metric: str, lang: str = "en") -> str:
    """``metric`` in words (in ``lang``) when it has a name in :data:`METRIC_NAMES`, else the key itself.

    >>> metric_name("medical.deaths", "fr"), metric_name("egress.t95_s", "ar")
    ('décès', 'الوقت حتى خروج 95 % من الأشخاص')
    """
    name = METRIC_NAMES.get(metric)
    return metric if name is None else translator(lang).gettext(name)


def short_labels(labels: Sequence[str], lang: str = "en") -> list[str]:
    """Comparison labels as a legend shows them: without the UTC time stamp and the folder name all share,
    keeping the time stamp only where two would otherwise read the same.

    >>> short_labels(["hall/20261206T000308Z-s5 [cctv]", "hall/20261205T235748Z-sweep-s1 [base, 20 runs]"])
    ['run s5 [cctv]', 'sweep s1 [base, 20 runs]']
    >>> short_labels(["hall/20261206T000308Z-s5 [cctv]", "hall/20261205T235748Z-sweep-s1 [base, 20 runs]"], "fr")
    ['simulation s5 [cctv]', 'balayage s1 [base, 20 simulations]']
    """
    parents = {lbl.split("/", 1)[0] for lbl in labels if "/" in lbl}
    out = []
    for lbl in labels:
        text = lbl.split("/", 1)[1] if len(parents) == 1 and "/" in lbl else lbl
        text = re.sub(r"\d{8}T\d{6}Z-", "", text)
        text = text.replace("-sweep-", " sweep ").replace("sweep-", "sweep ")
        if not text.startswith("sweep") and re.match(r"s\d+", text):
            text = "run " + text
        text = re.sub(r"(run s\d+)-[^ ]+ \[", r"\1 [", text)  # the variant is in the brackets
        out.append(text)
    if len(set(out)) < len(out):  # two runs of the same seed: keep the time stamp that tells them apart
        out = list(labels)
    return out if lang == "en" else [label_words(text, lang) for text in out]


def label_words(label: str, lang: str) -> str:
    """A comparison label with its words (``run``, ``sweep``, ``N runs``) in ``lang``; folder names stay as they are.

    >>> label_words("hall/20261205T235748Z-sweep-s1 [base, 20 runs]", "ar")
    'hall/20261205T235748Z-sweep-s1 [base, 20 تشغيلًا]'
    """
    if lang == "en":
        return label
    tr = translator(lang)
    label = re.sub(r"^run (?=s\d)", tr("run") + " ", label)
    label = re.sub(r"^sweep (?=s\d)", tr("sweep") + " ", label)
    return re.sub(r", (\d+) runs\]$", lambda m: ", " + tr.ngettext("%(num)s run", "%(num)s runs", int(m.group(1))) + "]",
                  label)


def in_language(scenario: Any, lang: str) -> Any:
    """``scenario`` with the display names of its ``names:`` block in ``lang`` (zones, exits, doors, hospitals,
    the venue, the scenario's name and description, the incident's label), for a report and its figures; ``scenario`` itself in English or when
    it gives no name in ``lang``. Only names change: the copy is never simulated.

    >>> from simsoft import load_scenario
    >>> sc = in_language(load_scenario("scenarios/place-of-worship.yaml"), "fr")
    >>> sc.name, sc.venue.zones[0].label
    ('Incident dans un lieu de culte', 'Salle de prière')
    """
    given = {k: v[lang] for k, v in (getattr(scenario, "names", None) or {}).items() if lang != "en" and v.get(lang)}
    if not given:
        return scenario

    def renamed(items: Sequence[Any]) -> list[Any]:
        return [x.model_copy(update={"name": given[x.id]}) if x.id in given else x for x in items]

    venue = scenario.venue.model_copy(update={"zones": renamed(scenario.venue.zones), "exits": renamed(scenario.venue.exits),
                                              "connections": renamed(scenario.venue.connections),
                                              "name": given.get("venue", scenario.venue.name)})
    update: dict[str, Any] = {"venue": venue, "name": given.get("scenario", scenario.name),
                              "description": given.get("description", scenario.description)}
    if scenario.incident is not None and "incident" in given:
        update["incident"] = scenario.incident.model_copy(update={"label": given["incident"]})
    if scenario.medical is not None:
        update["medical"] = scenario.medical.model_copy(update={"hospitals": renamed(scenario.medical.hospitals)})
    return scenario.model_copy(update=update)
