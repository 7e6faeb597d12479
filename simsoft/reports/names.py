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

__all__ = ["METRIC_NAMES", "metric_name", "short_labels"]

METRIC_NAMES = {
    "egress.t50_s": "time until 50 % are out",
    "egress.t90_s": "time until 90 % are out",
    "egress.t95_s": "time until 95 % are out",
    "egress.t100_s": "time until everyone is out",
    "egress.exited": "people out of the venue",
    "incident.exposed_person_min": "exposure to the incident",
    "incident.t_first_alert_s": "first alert",
    "incident.t_known_venue_control_s": "venue control knew",
    "casualties.total": "casualties",
    "response.t_police_on_scene_s": "police on scene",
    "response.t_contained_s": "incident contained",
    "response.t_all_clear_s": "all clear",
    "medical.deaths": "deaths",
    "medical.preventable_deaths": "preventable deaths",
    "medical.t_last_immediate_at_hospital_s": "last immediate casualty at hospital",
    "medical.t_first_transport_s": "first transport to hospital",
    "medical.t_last_transport_s": "last transport to hospital",
    "medical.t_access_s": "medics reach the casualties",
    "recovery.t_everyone_accounted_s": "everyone accounted for",
    "recovery.reunification.t_complete_s": "reunification complete",
    "recovery.t_reopened_s": "venue reopened",
}
"""Key metrics in words, for conclusions, titles and axes (other keys are shown as they are)."""


def metric_name(metric: str) -> str:
    """``metric`` in words when it has a name in :data:`METRIC_NAMES`, else the key itself."""
    return METRIC_NAMES.get(metric, metric)


def short_labels(labels: Sequence[str]) -> list[str]:
    """Comparison labels as a legend shows them: without the UTC time stamp and the folder name all share,
    keeping the time stamp only where two would otherwise read the same.

    >>> short_labels(["hall/20261206T000308Z-s5 [cctv]", "hall/20261205T235748Z-sweep-s1 [base, 20 runs]"])
    ['run s5 [cctv]', 'sweep s1 [base, 20 runs]']
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
        return list(labels)
    return out
