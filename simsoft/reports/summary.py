"""What a trainer reads first about a run: a plain-language conclusion, then a two-column table.

:func:`conclusion_sentences` says what happened in words (people out by when, casualties, deaths,
time to hospital, reopening), naming every metric in words and every count in the right number
(``1 person``, ``2 people``, through :func:`simsoft.units.format_count`). :func:`summary_lines` is the
detail the CLI prints after it and the run report tabulates.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

from simsoft.engine import RunResult
from simsoft.units import format_count, format_duration

__all__ = ["LABEL_WIDTH", "summary_lines", "summary_rows", "conclusion_sentences", "conclusion_lines"]


def _t(value: object) -> str:
    """A time since the start of the run as people say it: ``6 min`` (not ``6 min 0 s``), days past 48 h.

    >>> _t(360.0), _t(95.0), _t(373_680.0), _t(None)
    ('6 min', '1 min 35 s', '4.3 days', 'not reached')
    """
    if value is None:
        return "not reached"
    s = float(value)  # type: ignore[arg-type]
    if s >= 48 * 3600:
        return f"{s / 86400:.1f} days"
    text = format_duration(s)
    for zero in (" 0 s", " 0 min"):
        if text.endswith(zero) and " " in text[: -len(zero)]:
            text = text[: -len(zero)]
    return text


LABEL_WIDTH = 22
"""Width of the label column, shared with the CLI's last line (the run folder)."""


def _num(m: Mapping[str, Any], key: str) -> float:
    v = m.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _zone_names(result: RunResult) -> dict[str, str]:
    return {z.id: z.label for z in result.scenario.venue.zones}


def _not_out(m: Mapping[str, Any], total: float, exited: float) -> str:
    """Who did not leave, in words: casualties on scene and people still inside."""
    inside = _num(m, "egress.inside_end")
    rest = max(0.0, total - exited - inside)
    still = f"{format_count(inside, 'person')} still inside" if inside else "nobody still inside"
    return f"{format_count(rest, 'casualty')} on scene, {still} at the end"


def _deaths_sentence(m: Mapping[str, Any]) -> str:
    deaths, preventable = _num(m, "medical.deaths"), _num(m, "medical.preventable_deaths")
    if deaths == 0:
        return "Nobody died."
    died = f"{format_count(deaths, 'person')} died"
    if preventable == 0:
        return f"{died}; no death was preventable with ideal care timing."
    if preventable == deaths:
        which = "that death was" if deaths == 1 else "all of these deaths were"
        return f"{died}; {which} preventable with ideal care timing."
    return f"{died}; {format_count(preventable, 'death')} of them preventable with ideal care timing."


def conclusion_sentences(result: RunResult) -> list[str]:
    """What happened in the run, in plain words and in order: evacuation, incident and response,
    casualties and deaths, hospital, recovery. Metrics are named in words, never by key.

    >>> from simsoft import load_scenario, run
    >>> conclusion_sentences(run(load_scenario("scenarios/community-hall.yaml"), seed=1))[0]  # doctest: +ELLIPSIS
    'All ... people left the venue; 95 % were out by ... and the last person by ...'
    """
    m, sc = result.metrics, result.scenario
    total, exited = _num(m, "run.population"), _num(m, "egress.exited")
    inside = _num(m, "egress.inside_end")
    out: list[str] = []
    t95, t100 = m.get("egress.t95_s"), m.get("egress.t100_s")
    if total and exited >= total:
        head = f"All {format_count(total, 'person')} left the venue"
    else:
        head = f"{exited:,.0f} of {format_count(total, 'person')} ({100 * exited / total:.1f} %) left the venue" if total \
            else "Nobody was in the venue"
    if t95 is None:
        when = "; 95 % were never out"
    else:
        when = f"; 95 % were out by {_t(t95)}"
        when += f" and the last person by {_t(t100)}" if t100 is not None else ""
    rest = []
    casualties_on_scene = max(0.0, total - exited - inside)
    if casualties_on_scene:
        rest.append("the other one was a casualty" if round(casualties_on_scene) == 1
                    else f"the other {casualties_on_scene:,.0f} were casualties")
    if inside:
        rest.append(f"{format_count(inside, 'person')} {'was' if round(inside) == 1 else 'were'} still inside "
                    "when the run ended")
    out.append(head + when + (" (" + "; ".join(rest) + ")" if rest else "") + ".")
    crush = sorted(_zone_names(result).get(k.split(".")[2], k.split(".")[2])
                   for k, v in m.items() if k.startswith("egress.zone.") and k.endswith(".time_above_4_s") and v)
    if crush:
        out.append(f"The crowd was denser than 4 people per m² in {', '.join(crush)}.")
    if sc.incident is not None:
        parts = [f"The incident ({sc.incident.label}) began at {_t(m.get('incident.t_start_s'))}"]
        if m.get("response.t_police_on_scene_s") is not None:
            parts.append(f"police were on scene at {_t(m['response.t_police_on_scene_s'])}")
        parts.append(f"it was contained at {_t(m['response.t_contained_s'])}" if m.get("response.t_contained_s")
                     is not None else "it was never contained")
        out.append(", ".join(parts[:-1]) + " and " + parts[-1] + "." if len(parts) > 1 else parts[0] + ".")
        cas = _num(m, "casualties.total")
        if cas:
            crushed = _num(m, "casualties.cause.crowd_crush")
            cause = (f" ({format_count(crushed, 'casualty')} from crowd crush)" if crushed else "")
            out.append(f"There {'was' if cas == 1 else 'were'} {format_count(cas, 'casualty')}{cause}.")
        else:
            out.append("Nobody was hurt.")
    if sc.medical is not None:
        out.append(_deaths_sentence(m))
        last = m.get("medical.t_last_immediate_at_hospital_s")
        if last is not None:
            out.append(f"The last immediate (life-threatening) casualty reached hospital at {_t(last)}.")
        elif _num(m, "medical.class.immediate"):
            out.append("Not every immediate (life-threatening) casualty reached hospital during the run.")
    if sc.recovery is not None:
        parts = []
        if m.get("recovery.t_everyone_accounted_s") is not None:
            parts.append(f"everyone was accounted for after {_t(m['recovery.t_everyone_accounted_s'])}")
        if m.get("recovery.reunification.t_complete_s") is not None:
            parts.append(f"reunification was complete after {_t(m['recovery.reunification.t_complete_s'])}")
        if m.get("recovery.t_reopened_s") is not None:
            parts.append(f"the venue reopened after {_t(m['recovery.t_reopened_s'])}")
        else:
            parts.append("the venue had not reopened when the run ended")
        text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        out.append("In recovery, " + text + ".")
    out.append("Times count from the start of the run.")
    return out


def conclusion_lines(result: RunResult, width: int = 100) -> list[str]:
    """:func:`conclusion_sentences` as one paragraph wrapped at ``width`` columns (for the terminal)."""
    # A quantity and its unit stay on one line ("24 min", "7 casualties"): join them with a no-break space.
    text = re.sub(r"(\d) (?=[a-z%])", "\\1\u00a0", " ".join(conclusion_sentences(result)))
    return [line.replace("\u00a0", " ") for line in textwrap.wrap(text, width, break_on_hyphens=False)]


def summary_rows(result: RunResult) -> list[tuple[str, str]]:
    """The detail table: (what, value) rows with display names and counts in words."""
    m = result.metrics
    names = _zone_names(result)
    total, exited = _num(m, "run.population"), _num(m, "egress.exited")
    rows = [
        ("scenario", result.scenario.name + (f"  [variant {result.variant}]" if result.variant else "")),
        ("seed", str(result.seed)),
        ("in the venue", format_count(total, "person")),
        ("out of the venue", f"{format_count(exited, 'person')} ({100 * exited / total:.1f} %)" if total
         else format_count(0, "person")),
        ("not out", _not_out(m, total, exited)),
        ("50 % out", _t(m.get("egress.t50_s"))),
        ("90 % out", _t(m.get("egress.t90_s"))),
        ("95 % out", _t(m.get("egress.t95_s"))),
        ("everyone out", _t(m.get("egress.t100_s"))),
    ]
    if result.scenario.recovery is None:  # with recovery the run ends at reopening, listed below
        rows.append(("run ended", f"{_t(m.get('run.end_s'))} ({str(m.get('run.end_reason', '?')).replace('_', ' ')})"))
    peaks = sorted(
        ((names.get(k.split(".")[2], k.split(".")[2]), v) for k, v in m.items()
         if k.startswith("egress.zone.") and k.endswith(".peak_density_p_m2") and v),
        key=lambda kv: (-kv[1], kv[0]),
    )[:3]
    if peaks:
        rows.append(("densest zones", ", ".join(f"{z} {v:.1f} p/m²" for z, v in peaks)))
    crush = sorted(names.get(k.split(".")[2], k.split(".")[2]) for k, v in m.items()
                   if k.startswith("egress.zone.") and k.endswith(".time_above_4_s") and v)
    rows.append(("zones above 4 p/m²", ", ".join(crush) if crush else "none"))
    if result.scenario.incident is not None:
        rows += [
            ("incident", f"{result.scenario.incident.label} at {_t(m.get('incident.t_start_s'))}"),
            ("venue control knew", _t(m.get("incident.t_known_venue_control_s"))),
            ("first alert", _t(m.get("incident.t_first_alert_s"))),
            ("police on scene", _t(m.get("response.t_police_on_scene_s"))),
            ("contained", _t(m.get("response.t_contained_s"))),
            ("all clear", _t(m.get("response.t_all_clear_s"))),
            ("exposure", f"{_num(m, 'incident.exposed_person_min'):,.1f} person-min in affected zones"),
            ("casualties", f"{format_count(_num(m, 'casualties.total'), 'casualty')} (incident "
                           f"{_num(m, 'casualties.cause.incident'):,.0f}, crowd crush "
                           f"{_num(m, 'casualties.cause.crowd_crush'):,.0f})"),
        ]
    if result.scenario.medical is not None:
        policy = str(m.get("medical.access_policy") or "no access").replace("_", " ")
        rows += [
            ("medics entered", f"{_t(m.get('medical.t_access_s'))} ({policy})"),
            ("first/last transport", f"{_t(m.get('medical.t_first_transport_s'))} / {_t(m.get('medical.t_last_transport_s'))}"),
            ("immediate to hospital", _t(m.get("medical.t_last_immediate_at_hospital_s"))),
            ("deaths", f"{format_count(_num(m, 'medical.deaths'), 'death')} (scene {_num(m, 'medical.deaths.scene'):,.0f}, "
                       f"transport {_num(m, 'medical.deaths.transport'):,.0f}, hospital "
                       f"{_num(m, 'medical.deaths.hospital'):,.0f}); preventable {_num(m, 'medical.preventable_deaths'):,.0f}"),
        ]
    if result.scenario.recovery is not None:
        rows += [
            ("everyone accounted for", _t(m.get("recovery.t_everyone_accounted_s"))),
            ("reunification done", _t(m.get("recovery.reunification.t_complete_s"))),
            ("venue reopened", _t(m.get("recovery.t_reopened_s"))),
        ]
    return rows


def summary_lines(result: RunResult) -> list[str]:
    """:func:`summary_rows` as lines of a two-column table for the terminal."""
    return [f"{k.ljust(LABEL_WIDTH)} {v}" for k, v in summary_rows(result)]
