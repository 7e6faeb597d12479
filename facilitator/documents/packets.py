"""The exercise documents printed from an exercise file: Situation Manual, evaluator packet, controller packet.

* **Situation Manual** (SitMan, for everyone in the room): purpose, scope, objectives, schedule, the
  venue map, the modules with their discussion questions and the participant roles. It holds no
  controller-only content: no MSEL, no expected actions, no controller notes, no contingencies.
* **Evaluator packet** (HSEEP Exercise Evaluation Guide): core capabilities, capability targets,
  critical tasks with time standards, and an observation sheet per inject with its expected actions.
* **Controller packet**: the MSEL with release rules, expected actions, doctrine parameters and
  controller notes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from simsoft.region import region_names

from facilitator.documents.prose import when
from facilitator.documents.words import capability, noun, word
from facilitator.i18n import N_, Translator, translator

from facilitator.documents.render import DEFAULT_PAPER, PrintDoc, write_print_document

__all__ = ["situation_manual", "evaluator_packet", "controller_packet", "write_packet", "release_rule", "KINDS"]

_PHASES = {"pre_incident": N_("pre-incident"), "response": N_("response"), "recovery": N_("recovery")}


class _Texts:
    """One language's view of an exercise file: the catalogs and the file's own translations."""

    def __init__(self, loaded: Any, lang: str) -> None:
        self.tr, self.lang = translator(lang), lang
        self.ex = loaded.exercise
        self.texts = getattr(loaded, "texts", None)

    def text(self, key: tuple[str, ...], default: str) -> str:
        if self.lang == "en" or self.texts is None or not default:
            return default
        return self.texts.get(key, self.lang, default) or default

    def team(self, team: str) -> str:
        return self.text(("team", team, "name"), self.ex.team(team).name)

    def name(self, ident: str, default: str) -> str:
        return self.text(("name", ident), default)

    def duration(self, seconds: float) -> str:
        return when(seconds, self.tr)


def _overview_rows(ex: Any, x: "_Texts | None" = None) -> list[tuple[str, str]]:
    x = x or _Texts(_Plain(ex), "en")
    _ = x.tr
    ov = ex.exercise
    tbs = _("to be set")
    orgs = [x.text(("exercise", "organisations", str(k)), o) for k, o in enumerate(ov.organisations)]
    rows = [(_("Exercise"), x.text(("exercise", "name"), ov.name)), (_("Type"), word(ov.type, _)),
            (_("Date"), _.format_date(str(ov.date)) if ov.date else tbs),
            (_("Location"), x.text(("exercise", "location"), ov.location) if ov.location else tbs),
            (_("Duration"), x.duration(ov.duration) if ov.duration else tbs),
            (_("Sponsor"), x.text(("exercise", "sponsor"), ov.sponsor) if ov.sponsor else "-"),
            (_("Scope"), x.text(("exercise", "scope"), ov.scope) if ov.scope else "-"),
            (_("Mission areas"), _.join(word(m, _) for m in ov.mission_areas) or "-"),
            (_("Participating organisations"), _.join(orgs, semicolon=True) or "-"),
            (_("Threat or hazard"), x.text(("exercise", "threat"), ov.threat) if ov.threat else "-"),
            (_("Point of contact"), x.text(("exercise", "point_of_contact"), ov.point_of_contact) if ov.point_of_contact
             else "-")]
    return rows


class _Plain:
    """An exercise without a file's translations (English)."""

    def __init__(self, ex: Any) -> None:
        self.exercise, self.texts = ex, None


_PLACEHOLDER = re.compile(r"\{([A-Za-z_.]+)(?::[^{}]*)?\}")


def message(text: str) -> str:
    """An inject's text for paper: live ``{placeholders}`` become ``[inside]``, ``[occupancy.main_hall]``.

    >>> message("{inside:~nobody is|# people are} inside at {t}.")
    '[inside] inside at [t].'
    """
    return _PLACEHOLDER.sub(lambda m: f"[{m.group(1)}]", text)


def release_rule(inject: Any, tr: Translator | None = None, names: dict[str, str] | None = None) -> str:
    """When an inject is released, in words (``at 2 min 30 s``, ``when ...``, ``if ... is missing``), in ``tr``'s language.

    In a regional exercise a venue trigger names its site (``at St Mark's: when ...``; ``names`` gives the sites'
    and hospitals' names) and a region trigger says what it reads (a hospital at capacity, units exhausted)."""
    _ = tr or translator("en")
    names = names or {}
    rule = _release_rule(inject, _, names)
    if inject.when is not None and getattr(inject, "site", None) and not _regional_trigger(inject.when):
        return _("at %(site)s: %(rule)s", site=names.get(inject.site, inject.site), rule=rule)
    return rule


def _regional_trigger(w: Any) -> bool:
    return any(hasattr(w, k) for k in ("hospital_at_capacity", "units_exhausted", "queued_above"))


_KINDS = {"ambulance": N_("ambulance"), "police": N_("police")}


def _release_rule(inject: Any, _: Translator, names: dict[str, str]) -> str:
    if inject.at is not None:
        return _("at %(t)s", t=when(inject.at, _))
    if inject.when is not None:
        w = inject.when
        if hasattr(w, "hospital_at_capacity"):
            return _("when %(hospital)s has every bed taken or promised", hospital=names.get(w.hospital_at_capacity,
                                                                                              w.hospital_at_capacity))
        if hasattr(w, "units_exhausted"):
            return _("when no shared %(kind)s unit is free", kind=_(_KINDS[w.units_exhausted]))
        if hasattr(w, "queued_above"):
            return _("when requests waiting want more than %(n)s %(kind)s units", n=w.queued_above,
                     kind=_(_KINDS[w.kind]))
        if hasattr(w, "event"):
            if w.subject:
                return _("when the simulation first records %(event)s (%(subject)s)", event=w.event,
                         subject=names.get(w.subject, w.subject))
            return _("when the simulation first records %(event)s", event=w.event)
        if hasattr(w, "zone"):
            return _("when %(zone)s holds more than %(n)s people", zone=names.get(w.zone, w.zone), n=w.above)
        if hasattr(w, "inside_below"):
            return _("when fewer than %(n)s people remain inside", n=w.inside_below)
        return _("when more than %(n)s people have been hurt", n=w.casualties_above)
    m = inject.if_missing
    action = m.action if _.lang == "en" else noun(m.action, _)
    if m.team:
        return _("contingency: %(t)s after %(inject)s if %(team)s has not taken '%(action)s'", t=when(m.after, _),
                 inject=m.inject, team=m.team, action=action)
    return _("contingency: %(t)s after %(inject)s if nobody has taken '%(action)s'", t=when(m.after, _),
             inject=m.inject, action=action) if _.lang != "en" else (
        f"contingency: {when(m.after)} after {m.inject} if has not taken '{m.action}'")


def _objectives(ex: Any, x: _Texts) -> tuple[Any, ...]:
    _ = x.tr
    return ("table", [_("Objective"), _("Core capability")],
            [(f"{o.id}: {x.text(('objective', o.id, 'text'), o.text)}", capability(o.capability, _)) for o in ex.objectives],
            {"widths": [70, 30]})


def situation_manual(loaded: Any, *, map_file: str | None = None, lang: str = "en") -> PrintDoc:
    """The Situation Manual of an exercise (no controller-only content), in ``lang``."""
    x = _Texts(loaded, lang)
    _ = x.tr
    ex = loaded.exercise
    ov = ex.exercise
    name = x.text(("exercise", "name"), ov.name)
    b: list[tuple[Any, ...]] = []
    b += [("h", 1, _("Purpose")),
          ("p", _("This Situation Manual gives participants in the %(type)s '%(name)s' what they need to take part: "
                  "the scope, the objectives, the schedule, the venue, the modules with their discussion questions and "
                  "who plays which role. It is read before the exercise and used during it. Exercise play is "
                  "no-fault: the purpose is to find what works and what needs improving in plans, not to rate people.",
                  type=word(ov.type, _), name=name)),
          ("h", 1, _("Exercise overview")), ("table", [_("Item"), _("Detail")], _overview_rows(ex, x), {"widths": [28, 72]}),
          ("h", 1, _("Objectives and core capabilities")), _objectives(ex, x)]
    b.append(("h", 1, _("Schedule")))
    b.append(("table", [_("Module"), _("Title"), _("Part of the exercise"), _("Discussion questions")],
              [(m.id, x.text(("module", m.id, "name"), m.name), _(_PHASES[m.phase]), len(m.questions)) for m in ex.modules],
              {"widths": [12, 46, 22, 20]}))
    b.append(("p", _("Each module opens with a scenario update from the facilitator; teams then discuss and decide, "
                     "and the simulated venue shows the consequences of their decisions. A hot wash closes the exercise.")
              + (_(" Planned length: %(t)s.", t=x.duration(ov.duration)) if ov.duration else "")))
    region = getattr(loaded, "region", None)
    if region is not None:
        from facilitator.documents.region_plan import region_tables

        b.append(("h", 1, _("The region")))
        if map_file:
            b.append(("fig", map_file, _("%(region)s: the sites, the hospitals, ambulance bases and police stations the "
                                         "whole city shares, and the roads between them (free-flow driving minutes).",
                                         region=region_names(region.region, lang)["region"])))
        b += region_tables(region, _)
    else:
        _venue_section(b, loaded, map_file, x, lang)
    _modules_and_roles(b, ex, x, lang)
    return PrintDoc(title=_("Situation Manual: %(name)s", name=name), subtitle=_subtitle(ov, x), blocks=b,
                    handling=_handling(ov, x), lang=lang)


def _venue_section(b: list[tuple[Any, ...]], loaded: Any, map_file: str | None, x: _Texts, lang: str) -> None:
    _ = x.tr
    b.append(("h", 1, _("The venue")))
    venue = loaded.scenario.venue
    if map_file:
        b.append(("fig", map_file, _("%(venue)s: zones (blue boxes), the connections between them (lines) and the exits "
                                     "(green).", venue=x.text(("name", "venue"), venue.name))))
    def people(n: Any) -> str:
        return f"{n:,}" if lang == "en" else _.fixed(n, 0, grouped=True)

    zone_rows = [(x.name(z.id, z.name), word(getattr(z.kind, "value", z.kind), _),
                  people(z.capacity) if getattr(z, "capacity", None) else "-") for z in venue.zones]
    b.append(("table", [_("Zone"), _("Kind"), _("Capacity (people)")], zone_rows, {"widths": [50, 25, 25]}))


def _modules_and_roles(b: list[tuple[Any, ...]], ex: Any, x: _Texts, lang: str) -> None:
    _ = x.tr
    b.append(("h", 1, _("Modules")))
    for m in ex.modules:
        b.append(("h", 2, _("Module %(id)s: %(name)s", id=m.id, name=x.text(("module", m.id, "name"), m.name))))
        b.append(("p", _("Part of the exercise: %(phase)s.", phase=_(_PHASES[m.phase]))))
        if m.questions:
            b.append(("h", 3, _("Discussion questions")))
            b.append(("list", [x.text(("module", m.id, "question", str(j)), q) for j, q in enumerate(m.questions)]))
    b.append(("h", 1, _("Participant roles")))
    roles = []
    for t in ex.teams:
        if t.role == "player":
            if lang == "en":
                what = "decides: " + ", ".join(v.replace("_", " ") for v in t.may) if t.may else "discusses"
            else:
                from facilitator.web.names import verb_words

                what = _("decides: %(verbs)s", verbs=_.join(verb_words(v, _) for v in t.may)) if t.may else _("discusses")
        else:
            what = _({"controller": N_("runs the exercise and delivers the scenario updates"),
                      "evaluator": N_("observes and records what happens against the objectives"),
                      "observer": N_("watches; does not take part in the discussion")}[t.role])
        roles.append((x.team(t.id), word(t.role, _), what))
    b.append(("table", [_("Team"), _("Role"), _("What it does")], roles, {"widths": [30, 15, 55]}))
    b.append(("p", _("Ground rules: respond as you would in your real role; decisions are made with the information "
                     "given at the time; ask the facilitator when something is unclear.")))


def _handling(ov: Any, x: _Texts) -> str | None:
    return x.text(("exercise", "handling"), ov.handling) if ov.handling else ov.handling


def _subtitle(ov: Any, x: _Texts | None = None) -> str:
    if x is None or x.lang == "en":
        parts = [ov.sponsor, ov.location, str(ov.date) if ov.date else None]
        return " · ".join(p for p in parts if p) or ov.type
    parts = [x.text(("exercise", "sponsor"), ov.sponsor or ""), x.text(("exercise", "location"), ov.location or ""),
             x.tr.format_date(str(ov.date)) if ov.date else None]
    return " · ".join(p for p in parts if p) or word(ov.type, x.tr)


def _expect_rows(ex: Any, inject: Any, x: _Texts | None = None) -> list[tuple[str, ...]]:
    x = x or _Texts(_Plain(ex), "en")
    _ = x.tr
    rows = []
    for e in inject.expect:
        task = ex.task(e.task) if e.task else None
        within = e.within if e.within is not None else (task.standard if task else None)
        action = e.action.replace("_", " ") if x.lang == "en" else noun(e.action, _)
        rows.append((x.team(e.team), action, f"{e.task}: {x.text(('task', task.id, 'text'), task.text)}" if task else "-",
                     x.duration(within) if within is not None else _("none")))
    return rows


def evaluator_packet(loaded: Any, *, lang: str = "en") -> PrintDoc:
    """The evaluator packet (Exercise Evaluation Guide): capabilities, tasks, standards, observation sheets, in ``lang``."""
    x = _Texts(loaded, lang)
    _ = x.tr
    ex = loaded.exercise
    ov = ex.exercise
    names = _names(loaded, x)
    grace = x.duration(ov.grace) if ov.grace is not None else _("equal to the standard")
    b: list[tuple[Any, ...]] = [
        ("h", 1, _("How to use this packet")),
        ("p", _("For each core capability, record what you see against its critical tasks: who acted, when (exercise "
                "time) and how. An expected action scores 2 when it takes effect within its time standard after the "
                "inject, 1 when late within the grace (%(grace)s), 0 when later or missing (docs/evaluator-guide.md). "
                "Ratings: P performed without challenges, S with some challenges, M with major challenges, U unable "
                "to be performed.", grace=grace)),
        ("h", 1, _("Exercise overview")), ("table", [_("Item"), _("Detail")], _overview_rows(ex, x), {"widths": [28, 72]})]
    if ov.evaluators:
        b.append(("table", [_("Evaluator"), _("Organisation")],
                  [(x.text(("exercise", "evaluators", str(k), "name"), p.name),
                    x.text(("exercise", "evaluators", str(k), "organisation"), p.organisation))
                   for k, p in enumerate(ov.evaluators)], {"widths": [40, 60]}))
    b.append(("h", 1, _("Core capabilities and critical tasks")))
    for o in ex.objectives:
        b.append(("h", 2, f"{o.id}: {capability(o.capability, _)}"))
        b.append(("p", _("Objective: %(text)s", text=x.text(("objective", o.id, "text"), o.text))))
        if o.capability_target:
            b.append(("p", _("Capability target: %(target)s",
                             target=x.text(("objective", o.id, "capability_target"), o.capability_target))))
        b.append(("table", [_("Task"), _("Critical task"), _("Time standard"), _("Grace"), _("Reference")],
                  [(t.id, x.text(("task", t.id, "text"), t.text), x.duration(t.standard) if t.standard is not None else _("none"),
                    x.duration(t.grace) if t.grace is not None else grace,
                    x.text(("task", t.id, "reference"), t.reference) if t.reference else "-")
                   for t in o.critical_tasks], {"widths": [9, 37, 13, 13, 28]}))
        b.append(("lines", _("Rating (P / S / M / U) and reason"), 2))
    b.append(("h", 1, _("Observation sheets")))
    for i in ex.msel:
        b.append(("pagebreak",))
        b.append(("h", 2, _("Inject %(id)s (module %(module)s), released %(rule)s", id=i.id, module=i.module,
                            rule=release_rule(i, _, names))))
        to = _.join(x.team(t) for t in i.to)
        b.append(("p", _("From %(sender)s to %(to)s by %(method)s: \"%(text)s\"",
                         sender=x.text(("inject", i.id, "sender"), i.sender), to=to,
                         method=word(i.method.replace("_", " "), _), text=message(x.text(("inject", i.id, "text"), i.text)))))
        if i.expect:
            b.append(("table", [_("Team"), _("Expected action"), _("Critical task"), _("Standard"), _("Time observed"),
                                _("Score 2/1/0")],
                      [(*r, "", "") for r in _expect_rows(ex, i, x)], {"widths": [17, 14, 29, 11, 15, 14]}))
        elif i.discussion_only:
            b.append(("p", _("Discussion only: no action is expected; record what the teams say.")))
        if i.notes:
            b.append(("p", _("Controller note: %(notes)s", notes=x.text(("inject", i.id, "notes"), i.notes))))
        b.append(("lines", _("Observations (who, what, when, why)"), 6))
    return PrintDoc(title=_("Evaluator packet (EEG): %(name)s", name=x.text(("exercise", "name"), ov.name)),
                    subtitle=_subtitle(ov, x), blocks=b, handling=_handling(ov, x), lang=lang)


def _names(loaded: Any, x: _Texts) -> dict[str, str]:
    """Zone and other ids → names in the reader's language (English: the ids, as the packets always showed them);
    a regional exercise's sites and hospitals by their names in every language."""
    region = getattr(loaded, "region", None)
    places = {} if region is None else region_names(region.region, x.lang)  # the region file's names in x's language
    regional = {} if region is None else {
        **{s.id: places.get(s.id) or region.scenarios[s.id].name for s in region.region.sites},
        **{h.id: places.get(h.id) or h.id for h in region.region.hospitals}}
    if x.lang == "en":
        return regional
    from facilitator.documents.aar_sections import display_names

    return {**display_names(loaded.scenario, x.texts, x.lang), **regional}


def _parameter(key: str, value: Any, tr: Translator, names: dict[str, str]) -> str:
    """A doctrine parameter for a reader of another language: the form's words for the key, names for ids."""
    from facilitator.web.names import say

    from simsoft.units import parse_duration

    def one(v: Any) -> str:
        if v is True or v is False:
            return tr("yes") if v else tr("no")
        if v == "all":
            return tr("all zones")
        if isinstance(v, str) and re.match(r"^\d+(\.\d+)?\s*[a-z]+$", v.strip()):
            try:
                return when(parse_duration(v), tr)
            except Exception:  # noqa: BLE001 - not a duration: said as a word
                pass
        return names.get(str(v), word(str(v).replace("_", " "), tr))

    shown = [one(v) for v in (value if isinstance(value, list) else [value])]
    return f"{say(key, tr)}: {tr.join(shown)}"


def controller_packet(loaded: Any, *, lang: str = "en") -> PrintDoc:
    """The controller packet: the MSEL with release rules, expected actions, doctrine and controller notes, in ``lang``."""
    x = _Texts(loaded, lang)
    _ = x.tr
    ex = loaded.exercise
    ov = ex.exercise
    names = _names(loaded, x)
    ends = x.duration(ov.ends_at) if ov.ends_at is not None else _("the scenario's end")
    regional = getattr(loaded, "region", None) is not None
    scenario = (_("Region: %(file)s", file=Path(loaded.scenario_file).name) if regional else
                _("Scenario: %(file)s", file=Path(loaded.scenario_file).name)) + (
        _(", variant %(variant)s", variant=ov.variant) if ov.variant else "") + _(
        ", seed %(seed)s. Play ends at %(end)s.", seed=loaded.seed, end=ends)
    b: list[tuple[Any, ...]] = [
        ("h", 1, _("Exercise overview")), ("table", [_("Item"), _("Detail")], _overview_rows(ex, x), {"widths": [28, 72]}),
        ("p", scenario),
        ("h", 1, _("Master scenario events list (MSEL)")),
        ("table", [_("Inject"), _("Module"), _("Release"), _("From → to"), _("Method")],
         [(i.id, i.module, release_rule(i, _, names),
           f"{x.text(('inject', i.id, 'sender'), i.sender)} → {_.join(i.to if lang == 'en' else [x.team(t) for t in i.to])}",
           word(i.method.replace("_", " "), _)) for i in ex.msel], {"widths": [9, 9, 42, 30, 10]})]
    for i in ex.msel:
        b.append(("h", 2, f"{i.id} ({i.module}): {release_rule(i, _, names)}"))
        b.append(("p", _("Message (live values in brackets): \"%(text)s\"",
                         text=message(x.text(("inject", i.id, "text"), i.text)))))
        if i.expect:
            rows = []
            for e, r in zip(i.expect, _expect_rows(ex, i, x)):
                doctrine = _.join(f"{k}: {v}" if lang == "en" else _parameter(k, v, _, names)
                                  for k, v in e.doctrine.items()) or _("the team's own parameters")
                rows.append((*r, doctrine))
            b.append(("table", [_("Team"), _("Expected action"), _("Critical task"), _("Standard"), _("Doctrine run takes")],
                      rows, {"widths": [18, 14, 30, 11, 27]}))
        elif i.discussion_only:
            b.append(("p", _("Discussion only: no action answers it; ask the module's questions.")))
        if i.notes:
            b.append(("p", _("Controller notes: %(notes)s", notes=x.text(("inject", i.id, "notes"), i.notes))))
    b.append(("h", 1, _("Discussion questions by module")))
    for m in ex.modules:
        b.append(("h", 3, f"{m.id}: {x.text(('module', m.id, 'name'), m.name)}"))
        b.append(("list", [x.text(("module", m.id, "question", str(j)), q) for j, q in enumerate(m.questions)]
                  or [_("(none)")]))
    return PrintDoc(title=_("Controller packet: %(name)s", name=x.text(("exercise", "name"), ov.name)),
                    subtitle=_subtitle(ov, x), blocks=b, handling=_handling(ov, x), lang=lang)


KINDS = {"sitman": "situation-manual", "eeg": "evaluator-packet", "controller-packet": "controller-packet"}
"""Document kind → file stem."""


def venue_map_figure(scenario: Any, names: dict[str, str] | None = None, tr: Translator | None = None,
                     title: str | None = None) -> Any:
    """A plain venue map for print: zones as labelled boxes at their positions, connections, exits
    (``names``: display names in the reader's language; ``tr``: the words, English when ``None``; ``title``:
    the venue's name in that language, else the venue file's)."""
    _ = tr or translator("en")
    given = names or {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from facilitator.web.mapsvg import positions

    pos = positions(scenario)
    venue = scenario.venue
    fig, ax = plt.subplots(figsize=(7.0, 4.6), layout="constrained")
    names = {z.id: given.get(z.id, z.name) for z in venue.zones}
    for c in venue.connections:
        ends = [e for e in (c.from_, c.to) if e in pos]
        if len(ends) >= 2:
            (x0, y0), (x1, y1) = pos[ends[0]], pos[ends[1]]
            ax.plot([x0, x1], [y0, y1], color="#777777", linewidth=1.2, zorder=1)
    for zid, (x, y) in pos.items():
        if zid in names:
            ax.text(x, y, names[zid], ha="center", va="center", fontsize=9, zorder=2,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "#e8edf2", "edgecolor": "#234"})
    exits = {x.id: given.get(x.id, getattr(x, "name", None) or x.id) for x in venue.exits}
    inner = [p for k, p in pos.items() if k in names] or list(pos.values())
    cx, cy = sum(p[0] for p in inner) / len(inner), sum(p[1] for p in inner) / len(inner)
    span = max(1.0, max(abs(p[0] - cx) for p in pos.values()), max(abs(p[1] - cy) for p in pos.values()))
    for xid, (x0, y0) in pos.items():
        if xid in exits:
            # pushed out from the venue's centre, so that an exit's label never covers the zone beside it
            dx, dy = x0 - cx, y0 - cy
            norm = max(1e-9, (dx * dx + dy * dy) ** 0.5)
            x, y = x0 + 0.18 * span * dx / norm, y0 + 0.18 * span * dy / norm
            ax.plot([x0, x], [y0, y], color="#1b5e20", linewidth=0.8, linestyle=":", zorder=1)
            ha = "left" if dx > 0.3 * norm else ("right" if dx < -0.3 * norm else "center")
            ax.text(x, y, _("exit: %(name)s", name=exits[xid]), ha=ha, va="center", fontsize=8, color="#1b5e20", zorder=2,
                    bbox={"boxstyle": "square,pad=0.25", "facecolor": "white", "edgecolor": "#1b5e20"})
    ax.set_title(title or venue.name)
    ax.set_axis_off()
    # Exit labels in French and Arabic run longer than the English ones the 0.15 margin was set for.
    ax.margins(0.15 if _.lang == "en" else 0.3)
    return fig


def write_packet(loaded: Any, kind: str, *, out: str | os.PathLike[str], pdf: bool = True, lang: str = "en",
                 paper: str = DEFAULT_PAPER) -> list[Path]:
    """Write one document (``kind`` in :data:`KINDS`) into ``out`` in ``lang``: Markdown, HTML and (``pdf``) PDF, on
    ``paper`` (``a4`` or ``letter``)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sitman":
        from simsoft.reports import save_figure
        import matplotlib.pyplot as plt

        x = _Texts(loaded, lang)
        if getattr(loaded, "region", None) is not None:
            from facilitator.documents.region_plan import region_plan_figure

            save_figure(region_plan_figure(loaded.region, x.tr), folder / "region-map.png")
            doc = situation_manual(loaded, map_file="region-map.png", lang=lang)
        else:
            names = {k: v[0].upper() + v[1:] for k, v in _names(loaded, x).items()}
            title = x.text(("name", "venue"), loaded.scenario.venue.name)
            fig = venue_map_figure(loaded.scenario, names, x.tr, title=title) if lang != "en" \
                else venue_map_figure(loaded.scenario)
            save_figure(fig, folder / "venue-map.png")
            plt.close(fig)
            doc = situation_manual(loaded, map_file="venue-map.png", lang=lang)
    elif kind == "eeg":
        doc = evaluator_packet(loaded, lang=lang)
    elif kind == "controller-packet":
        doc = controller_packet(loaded, lang=lang)
    else:
        raise ValueError(f"unknown document {kind!r} ({', '.join(KINDS)})")
    paths = write_print_document(folder, doc, KINDS[kind], paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        paths.append(html_to_pdf(paths[1]))
    return paths
