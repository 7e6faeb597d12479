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
from simsoft.i18n import N_, Translator, translator
from simsoft.units import format_count

__all__ = ["LABEL_WIDTH", "RUN_FOLDER", "summary_lines", "summary_rows", "conclusion_sentences", "conclusion_lines"]


def _t(value: object, tr: Translator | None = None) -> str:
    """A time since the start of the run as people say it: ``6 min`` (not ``6 min 0 s``), days past 48 h.

    >>> _t(360.0), _t(95.0), _t(373_680.0), _t(None)
    ('6 min', '1 min 35 s', '4.3 days', 'not reached')
    >>> _t(360.0, translator("ar")), _t(373_680.0, translator("fr"))
    ('6 د', '4,3 jours')
    """
    tr = tr or translator("en")
    if value is None:
        return tr("not reached")
    s = float(value)  # type: ignore[arg-type]
    if s >= 48 * 3600:
        return f"{s / 86400:.1f} days" if tr.lang == "en" else tr("%(n)s days", n=tr.fixed(s / 86400, 1))
    text = tr.duration(s)
    sec, mins, _h = tr.units
    for zero in (f" 0 {sec}", f" 0 {mins}"):
        if text.endswith(zero) and " " in text[: -len(zero)]:
            text = text[: -len(zero)]
    return text


_WORDS = (N_("settled"), N_("duration"), N_("after contained"), N_("rescue task force"), N_("no access"))
"""Why a run ended and how medics entered (``run.end_reason``, ``medical.access_policy`` in words): said in
another language through the catalog."""


LABEL_WIDTH = 22
"""Width of the label column, shared with the CLI's last line (the run folder)."""

RUN_FOLDER = N_("run folder")
"""The label of the CLI's last line."""


def _num(m: Mapping[str, Any], key: str) -> float:
    v = m.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _zone_names(result: RunResult) -> dict[str, str]:
    return {z.id: z.label for z in result.scenario.venue.zones}


def _people(n: float, tr: Translator) -> str:
    return tr.count(n, "person", "%(num)s person", "%(num)s people")


def _casualties(n: float, tr: Translator) -> str:
    return tr.count(n, "casualty", "%(num)s casualty", "%(num)s casualties")


def _deaths(n: float, tr: Translator) -> str:
    return tr.count(n, "death", "%(num)s death", "%(num)s deaths")


def _join_and(parts: list[str], tr: Translator) -> str:
    """``a, b and c`` in this language."""
    return tr.join_and(parts)


def _list(items: list[str], tr: Translator) -> str:
    return ("، " if tr.lang == "ar" else ", ").join(items)


def _not_out(m: Mapping[str, Any], total: float, exited: float, tr: Translator) -> str:
    """Who did not leave, in words: casualties on scene and people still inside."""
    inside = _num(m, "egress.inside_end")
    rest = max(0.0, total - exited - inside)
    still = tr("%(people)s still inside", people=_people(inside, tr)) if inside else tr("nobody still inside")
    return tr("%(casualties)s on scene, %(still)s at the end", casualties=_casualties(rest, tr), still=still)


def _deaths_sentence(m: Mapping[str, Any], tr: Translator) -> str:
    deaths, preventable = _num(m, "medical.deaths"), _num(m, "medical.preventable_deaths")
    if deaths == 0:
        return tr("Nobody died.")
    died = tr.ngettext("%(num)s person died", "%(num)s people died", deaths) if tr.lang != "en" else \
        f"{format_count(deaths, 'person')} died"
    if preventable == 0:
        return tr("%(died)s; no death was preventable with ideal care timing.", died=died)
    if preventable == deaths:
        return (tr("%(died)s; that death was preventable with ideal care timing.", died=died) if deaths == 1 else
                tr("%(died)s; all of these deaths were preventable with ideal care timing.", died=died))
    return tr("%(died)s; %(deaths)s of them preventable with ideal care timing.", died=died, deaths=_deaths(preventable, tr))


def conclusion_sentences(result: RunResult, lang: str = "en") -> list[str]:
    """What happened in the run, in plain words and in order: evacuation, incident and response,
    casualties and deaths, hospital, recovery. Metrics are named in words, never by key (in ``lang``).

    >>> from simsoft import load_scenario, run
    >>> conclusion_sentences(run(load_scenario("scenarios/community-hall.yaml"), seed=1))[0]  # doctest: +ELLIPSIS
    'All ... people left the venue; 95 % were out by ... and the last person by ...'
    """
    tr = translator(lang)
    m, sc = result.metrics, result.scenario
    total, exited = _num(m, "run.population"), _num(m, "egress.exited")
    inside = _num(m, "egress.inside_end")
    out: list[str] = []
    t95, t100 = m.get("egress.t95_s"), m.get("egress.t100_s")
    if total and exited >= total:
        head = tr("All %(people)s left the venue", people=_people(total, tr))
    else:
        head = tr("%(exited)s of %(people)s (%(share)s %%) left the venue", exited=tr.fixed(exited, 0, grouped=True),
                  people=_people(total, tr), share=tr.fixed(100 * exited / total, 1)) if total \
            else tr("Nobody was in the venue")
    if t95 is None:
        when = tr("; 95 %% were never out")
    else:
        when = tr("; 95 %% were out by %(t)s", t=_t(t95, tr))
        when += tr(" and the last person by %(t)s", t=_t(t100, tr)) if t100 is not None else ""
    rest = []
    casualties_on_scene = max(0.0, total - exited - inside)
    if casualties_on_scene:
        rest.append(tr("the other one was a casualty") if round(casualties_on_scene) == 1
                    else tr("the other %(n)s were casualties", n=tr.fixed(casualties_on_scene, 0, grouped=True)))
    if inside:
        rest.append(tr("%(people)s was still inside when the run ended", people=_people(inside, tr))
                    if round(inside) == 1 else
                    tr("%(people)s were still inside when the run ended", people=_people(inside, tr)))
    out.append(head + when + (" (" + ("؛ " if tr.lang == "ar" else "; ").join(rest) + ")" if rest else "") + ".")
    crush = sorted(_zone_names(result).get(k.split(".")[2], k.split(".")[2])
                   for k, v in m.items() if k.startswith("egress.zone.") and k.endswith(".time_above_4_s") and v)
    if crush:
        out.append(tr("The crowd was denser than 4 people per m² in %(zones)s.", zones=_list(crush, tr)))
    if sc.incident is not None:
        parts = [tr("The incident (%(label)s) began at %(t)s", label=sc.incident.label, t=_t(m.get("incident.t_start_s"), tr))]
        if m.get("response.t_police_on_scene_s") is not None:
            parts.append(tr("police were on scene at %(t)s", t=_t(m["response.t_police_on_scene_s"], tr)))
        parts.append(tr("it was contained at %(t)s", t=_t(m["response.t_contained_s"], tr))
                     if m.get("response.t_contained_s") is not None else tr("it was never contained"))
        out.append(_join_and(parts, tr) + ".")
        cas = _num(m, "casualties.total")
        if cas:
            crushed = _num(m, "casualties.cause.crowd_crush")
            cause = tr(" (%(casualties)s from crowd crush)", casualties=_casualties(crushed, tr)) if crushed else ""
            out.append((tr("There was %(casualties)s%(cause)s.", casualties=_casualties(cas, tr), cause=cause) if cas == 1
                        else tr("There were %(casualties)s%(cause)s.", casualties=_casualties(cas, tr), cause=cause)))
        else:
            out.append(tr("Nobody was hurt."))
    if sc.medical is not None:
        out.append(_deaths_sentence(m, tr))
        last = m.get("medical.t_last_immediate_at_hospital_s")
        if last is not None:
            out.append(tr("The last immediate (life-threatening) casualty reached hospital at %(t)s.", t=_t(last, tr)))
        elif _num(m, "medical.class.immediate"):
            out.append(tr("Not every immediate (life-threatening) casualty reached hospital during the run."))
    if sc.recovery is not None:
        parts = []
        if m.get("recovery.t_everyone_accounted_s") is not None:
            parts.append(tr("everyone was accounted for after %(t)s", t=_t(m["recovery.t_everyone_accounted_s"], tr)))
        if m.get("recovery.reunification.t_complete_s") is not None:
            parts.append(tr("reunification was complete after %(t)s", t=_t(m["recovery.reunification.t_complete_s"], tr)))
        if m.get("recovery.t_reopened_s") is not None:
            parts.append(tr("the venue reopened after %(t)s", t=_t(m["recovery.t_reopened_s"], tr)))
        else:
            parts.append(tr("the venue had not reopened when the run ended"))
        out.append(tr("In recovery, %(what)s.", what=_join_and(parts, tr)))
    out.append(tr("Times count from the start of the run."))
    return out


def conclusion_lines(result: RunResult, width: int = 100, lang: str = "en") -> list[str]:
    """:func:`conclusion_sentences` as one paragraph wrapped at ``width`` columns (for the terminal)."""
    # A quantity and its unit stay on one line ("24 min", "7 casualties"): join them with a no-break space.
    text = re.sub(r"(\d) (?=[^\W\d_]|%)", "\\1\u00a0", " ".join(conclusion_sentences(result, lang))) if lang != "en" \
        else re.sub(r"(\d) (?=[a-z%])", "\\1\u00a0", " ".join(conclusion_sentences(result)))
    return [line.replace("\u00a0", " ") for line in textwrap.wrap(text, width, break_on_hyphens=False)]


def summary_rows(result: RunResult, lang: str = "en") -> list[tuple[str, str]]:
    """The detail table: (what, value) rows with display names and counts in words (in ``lang``)."""
    tr = translator(lang)
    m = result.metrics
    names = _zone_names(result)
    total, exited = _num(m, "run.population"), _num(m, "egress.exited")
    n0 = lambda key: tr.fixed(_num(m, key), 0, grouped=True)  # noqa: E731
    rows = [
        (tr("scenario"), result.scenario.name + (tr("  [variant %(variant)s]", variant=result.variant) if result.variant
                                                  else "")),
        (tr("seed"), str(result.seed)),
        (tr("in the venue"), _people(total, tr)),
        (tr("out of the venue"), tr("%(people)s (%(share)s %%)", people=_people(exited, tr),
                                    share=tr.fixed(100 * exited / total, 1)) if total else _people(0, tr)),
        (tr("not out"), _not_out(m, total, exited, tr)),
        (tr("50 %% out"), _t(m.get("egress.t50_s"), tr)),
        (tr("90 %% out"), _t(m.get("egress.t90_s"), tr)),
        (tr("95 %% out"), _t(m.get("egress.t95_s"), tr)),
        (tr("everyone out"), _t(m.get("egress.t100_s"), tr)),
    ]
    if result.scenario.recovery is None:  # with recovery the run ends at reopening, listed below
        reason = str(m.get("run.end_reason", "?")).replace("_", " ")
        rows.append((tr("run ended"), tr("%(t)s (%(reason)s)", t=_t(m.get("run.end_s"), tr), reason=tr(reason))))
    peaks = sorted(
        ((names.get(k.split(".")[2], k.split(".")[2]), v) for k, v in m.items()
         if k.startswith("egress.zone.") and k.endswith(".peak_density_p_m2") and v),
        key=lambda kv: (-kv[1], kv[0]),
    )[:3]
    if peaks:
        rows.append((tr("densest zones"), _list([tr("%(zone)s %(density)s p/m²", zone=z, density=tr.fixed(v, 1))
                                                 for z, v in peaks], tr)))
    crush = sorted(names.get(k.split(".")[2], k.split(".")[2]) for k, v in m.items()
                   if k.startswith("egress.zone.") and k.endswith(".time_above_4_s") and v)
    rows.append((tr("zones above 4 p/m²"), _list(crush, tr) if crush else tr("none")))
    if result.scenario.incident is not None:
        rows += [
            (tr("incident"), tr("%(label)s at %(t)s", label=result.scenario.incident.label,
                                t=_t(m.get("incident.t_start_s"), tr))),
            (tr("venue control knew"), _t(m.get("incident.t_known_venue_control_s"), tr)),
            (tr("first alert"), _t(m.get("incident.t_first_alert_s"), tr)),
            (tr("police on scene"), _t(m.get("response.t_police_on_scene_s"), tr)),
            (tr("contained"), _t(m.get("response.t_contained_s"), tr)),
            (tr("all clear"), _t(m.get("response.t_all_clear_s"), tr)),
            (tr("exposure"), tr("%(n)s person-min in affected zones",
                                n=tr.fixed(_num(m, "incident.exposed_person_min"), 1, grouped=True))),
            (tr("casualties"), tr("%(casualties)s (incident %(incident)s, crowd crush %(crush)s)",
                                  casualties=_casualties(_num(m, "casualties.total"), tr),
                                  incident=n0("casualties.cause.incident"), crush=n0("casualties.cause.crowd_crush"))),
        ]
    if result.scenario.medical is not None:
        policy = str(m.get("medical.access_policy") or "no access").replace("_", " ")
        rows += [
            (tr("medics entered"), tr("%(t)s (%(policy)s)", t=_t(m.get("medical.t_access_s"), tr), policy=tr(policy))),
            (tr("first/last transport"), f"{_t(m.get('medical.t_first_transport_s'), tr)} / "
                                         f"{_t(m.get('medical.t_last_transport_s'), tr)}"),
            (tr("immediate to hospital"), _t(m.get("medical.t_last_immediate_at_hospital_s"), tr)),
            (tr("deaths"), tr("%(deaths)s (scene %(scene)s, transport %(transport)s, hospital %(hospital)s); "
                              "preventable %(preventable)s", deaths=_deaths(_num(m, "medical.deaths"), tr),
                              scene=n0("medical.deaths.scene"), transport=n0("medical.deaths.transport"),
                              hospital=n0("medical.deaths.hospital"), preventable=n0("medical.preventable_deaths"))),
        ]
    if result.scenario.recovery is not None:
        rows += [
            (tr("everyone accounted for"), _t(m.get("recovery.t_everyone_accounted_s"), tr)),
            (tr("reunification done"), _t(m.get("recovery.reunification.t_complete_s"), tr)),
            (tr("venue reopened"), _t(m.get("recovery.t_reopened_s"), tr)),
        ]
    return rows


def summary_lines(result: RunResult, lang: str = "en") -> list[str]:
    """:func:`summary_rows` as lines of a two-column table for the terminal."""
    return [f"{k.ljust(LABEL_WIDTH)} {v}" for k, v in summary_rows(result, lang)]
