"""The After-Action Report / Improvement Plan (HSEEP AAR/IP) of a session, and comparisons of sessions.

``write_aar`` writes into ``SESSION/aar/``: ``aar.md`` (figures linked), ``aar.html`` (self-contained,
figures embedded), ``improvement-plan.csv`` (Appendix A for a spreadsheet or tracker) and the
figures as PNG. The report follows the HSEEP AAR/IP template: exercise overview; analysis of core
capabilities (objective × capability × rating); per objective, strengths and areas for improvement
with reference and analysis; then what only a model can add: the timeline of injects and decisions
against their time standards, and the outcomes of the team's decisions against doctrine and no action
over seeded replications (:mod:`facilitator.evaluation.outcomes`); the hot wash; the Improvement Plan, with the
predicted effect of corrective actions modelled as scenario variants.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simsoft.reports import Doc, save_figure, write_document

from facilitator.documents.prose import fmt_metric
from facilitator.documents.render import DEFAULT_PAPER, PrintDoc, write_print_document
from simsoft.units import format_duration

from facilitator.documents.words import noun, word
from facilitator.i18n import Translator, translator

from facilitator.evaluation.evaluator import EvaluationState, evaluation_state
from facilitator.evaluation.hotwash import FEEDBACK_ITEMS, hotwash_state
from facilitator.evaluation.outcomes import ARM_LABELS, DEFAULT_REPLICATIONS, METRICS, Outcomes, session_outcomes
from facilitator.evaluation.ratings import propose_all
from facilitator.evaluation.scoring import ActionScore, Scorecard, score_session
from facilitator.exercise.schema import RATING_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.session import Session

__all__ = ["IP_COLUMNS", "write_aar", "build_aar", "improvement_plan_csv", "compare_sessions", "fmt_metric"]

IP_COLUMNS = ("Core Capability", "Issue/Area for Improvement", "Corrective Action", "Capability Element",
              "Primary Responsible Organization", "Organization POC", "Start Date", "Completion Date",
              "Scenario Variant", "Predicted Effect")
"""Improvement Plan columns (HSEEP AAR/IP Appendix A, plus the modelled variant and its predicted effect)."""

_UNITS = {m: u for m, _, u in METRICS}
_LABELS = {m: lbl for m, lbl, _ in METRICS}


def metrics_of(outcomes: Outcomes | None) -> tuple[tuple[str, str, str], ...]:
    """The indicators ``outcomes`` hold: a regional outcome set names its own
    (:class:`~facilitator.evaluation.regional_outcomes.RegionalOutcomes`), else the venue's :data:`METRICS`."""
    return tuple(getattr(outcomes, "metrics", None) or METRICS)


def _ci(metric: str, d: dict[str, Any]) -> str:
    if not d or d.get("mean") is None:
        return "n/a"
    lo, hi = d.get("ci_low"), d.get("ci_high")
    text = fmt_metric(metric, d["mean"], signed=True)
    if lo is not None and hi is not None:
        text += f" ({fmt_metric(metric, lo, signed=True)} to {fmt_metric(metric, hi, signed=True)})"
    return text + (" *" if d.get("significant") else "")


def _mean(metric: str, st: dict[str, Any], n: int) -> str:
    text = fmt_metric(metric, st.get("mean"))
    reached = st.get("n", 0)
    return text if reached in (0, n) else f"{text} ({reached}/{n} runs)"


def predicted_effect(outcomes: Outcomes | None, variant: str | None, tr: Translator | None = None) -> str:
    """The meaningful paired effects of ``variant`` on the team's outcomes, in words and human units."""
    from facilitator.documents.prose import meaningful, meaningful_text

    _ = tr or translator("en")
    if outcomes is None or variant is None:
        return ""
    if variant not in outcomes.variants:
        return _("not computed")
    parts = []
    for metric, label, _u in metrics_of(outcomes):
        d = outcomes.difference(f"variant:{variant}", "team", metric)
        if meaningful(metric, d):
            parts.append(f"{word(label, _)}: {meaningful_text(metric, d, _)}")
    if not parts and variant in outcomes.side_effects:
        return unchanged_text(outcomes, variant, tr=_)
    return _.join(parts, semicolon=True) or _("no meaningful difference over %(n)s replications", n=outcomes.replications)


_DOWN = {"P": "S", "S": "M", "M": "M", "U": "U"}


def proposal_reason(proposed: dict[str, Any], tr: Translator | None = None) -> str:
    """The reason of a proposed rating (:class:`~facilitator.evaluation.ratings.Proposal`) in ``tr``'s language.

    English gives the reason as it was proposed (and journaled), the outcome indicators named in words
    (``95 % evacuation time``, not ``egress.t95_s``); another language says it again from the proposal's
    timeliness roll-up and worse-than-doctrine indicators, by the same rules.

    >>> p = {"rating": "S", "reason": "timeliness 2/2: every expected action on time; worse than doctrine on "
    ...      "egress.t95_s, medical.deaths: P → S", "timeliness": {"points": 2, "possible": 2, "missing": 0, "late": 0},
    ...      "worse": ["egress.t95_s", "medical.deaths"]}
    >>> proposal_reason(p)
    'timeliness 2/2: every expected action on time; worse than doctrine on 95 % evacuation time, deaths: P → S'
    >>> proposal_reason(p, translator("fr"))
    "délais 2/2 : toutes les actions attendues à temps ; moins bien que la doctrine pour : durée d'évacuation à 95 %, décès : P → S"
    """
    roll, worse = proposed.get("timeliness") or {}, list(proposed.get("worse") or [])
    if tr is None or tr.lang == "en":
        reason = str(proposed.get("reason") or "")
        return reason.replace(", ".join(worse), ", ".join(_indicator(m, None) for m in worse)) if worse else reason
    _ = tr
    if proposed.get("rating") is None or not roll.get("possible"):
        return _("no expected action with this capability was scored: rate from observation")
    pts = _("timeliness %(points)s/%(possible)s", points=roll["points"], possible=roll["possible"])
    share = roll["points"] / roll["possible"]
    if share < 0.5:
        return _("%(timeliness)s (< 50 %%): the critical tasks were not achieved in time", timeliness=pts)
    if share == 1:
        rating, why = "P", _("%(timeliness)s: every expected action on time", timeliness=pts)
    elif share >= 0.75 and roll.get("missing") == 0:
        rating, why = "S", _("%(timeliness)s (≥ 75 %%, none missing): some actions late", timeliness=pts)
    else:
        rating, why = "M", _("%(timeliness)s: %(missing)s missing or too late, %(late)s late", timeliness=pts,
                             missing=roll.get("missing"), late=roll.get("late"))
    if worse:
        from facilitator.evaluation.regional_outcomes import regional_label

        shown = tr.join(_indicator(m, tr) if m in _LABELS else regional_label(m, tr) or m for m in worse)
        down = _DOWN[rating]
        why += (_("; worse than doctrine on %(indicators)s: %(rating)s → %(down)s", indicators=shown, rating=rating,
                  down=down) if down != rating else _("; also worse than doctrine on %(indicators)s", indicators=shown))
    return why


def _indicator(metric: str, tr: Translator | None) -> str:
    """An outcome indicator as a reason names it in running text: its label in ``tr``'s language (English
    when ``None``), lower-case unless it opens with a number or an acronym (``deaths``, ``95 % evacuation time``)."""
    label = _LABELS.get(metric, metric)
    said = word(label, tr) if tr is not None else label
    return said[0].lower() + said[1:] if said[:1].isupper() and not said[1:2].isupper() else said


_ALERT = re.compile(r"^incident\.zone\.(?P<zone>.+)\.t_alert_s$")


def unchanged_text(outcomes: Outcomes, variant: str, *, names: dict[str, str] | None = None,
                   tr: Translator | None = None) -> str:
    """Why ``variant``'s predicted effect is exactly zero, in words (``tr``'s language): it left every outcome of
    every replication unchanged, and what it changed instead (:attr:`Outcomes.side_effects`)."""
    _ = tr or translator("en")
    changes = outcomes.side_effects.get(variant, {})
    names = names or {}
    head = _("no outcome changed in any of the %(n)s replications", n=outcomes.replications)
    if not changes:
        return _("%(head)s: the variant changed nothing these runs measure", head=head)
    alerts = {m.group("zone"): v for k, v in changes.items() if (m := _ALERT.match(k))}
    said = []
    for zone, v in alerts.items():
        place = names.get(zone, zone.replace("_", " "))
        if not math.isfinite(v):
            said.append(_("the alert in %(zone)s changed", zone=place))
        elif v < 0:
            said.append(_("the alert reached %(zone)s %(duration)s sooner", zone=place, duration=_.format_duration(abs(v))))
        else:
            said.append(_("the alert reached %(zone)s %(duration)s later", zone=place, duration=_.format_duration(abs(v))))
    others = [k for k in changes if not _ALERT.match(k)]
    if others:  # metric keys: ids, the same in every language
        shown = ", ".join(others[:6])
        said.append(_("also %(metrics)s", metrics=shown) if len(others) <= 6
                    else _("also %(metrics)s and %(n)s more", metrics=shown, n=len(others) - 6))
    text = _("%(head)s; it changed only this: %(changes)s", head=head, changes=_.join(said, semicolon=True))
    if alerts and not others:
        text += _(". An alert starts the occupants' pre-movement but moves nobody by itself: people leave when "
                  "ordered to evacuate or when they perceive the incident, and in these runs neither came any sooner "
                  "with the variant")
    return text


def build_aar(session: "Session", *, scores: Scorecard, outcomes: Outcomes | None, folder: Path,
              figures: bool = True, lang: str = "en",
              overview_figure: Callable[[Any], tuple[Any, str]] | None = None) -> PrintDoc:
    """The AAR/IP document in ``lang`` (figures are written into ``folder``).

    ``overview_figure(tr)`` returns the overview's figure and caption (default: the venue's,
    :func:`~facilitator.evaluation.venue_figure.venue_figure`; a regional AAR gives the region's map).

    Every word comes from the message catalogs (:mod:`facilitator.i18n`) or the exercise file's own
    translations; what people wrote (findings, reasons, rationales, hot-wash statements) stays as written.
    """
    from facilitator.documents import aar_sections as sec

    _ = translator(lang)
    loaded = session.loaded
    ex = loaded.exercise
    ov = ex.exercise
    ev = evaluation_state(session)
    hw = hotwash_state(session)
    r = sec.Reader(session, _)
    proposals = {p.capability: p for p in propose_all(ex, scores, outcomes)}
    blocks: list[tuple[Any, ...]] = []
    h = lambda level, text: blocks.append(("h", level, text))  # noqa: E731
    p = lambda text: blocks.append(("p", text))  # noqa: E731
    t = lambda seconds: format_duration(seconds) if lang == "en" else _.format_duration(seconds)  # noqa: E731
    name = r.text(("exercise", "name"), ov.name)

    def field(key: str, value: str | None, default: str) -> str:
        return r.text(("exercise", key), value) if value else default

    names = sec.display_names(loaded.scenario)

    # --- executive summary
    h(1, _("Executive summary"))
    for text in sec.executive_summary(session, scores, ev.ratings, outcomes, metrics_of(outcomes), _):
        p(text)

    # --- overview
    h(1, _("Exercise overview"))
    caps = list(dict.fromkeys(o.capability for o in ex.objectives))
    created = session.start_body.get("created_utc") or _created(session)
    date = str(ov.date) if ov.date else (str(created)[:10] if created else "-")
    date = _.format_date(date)
    evaluators = [f"{r.text(('exercise', 'evaluators', str(k), 'name'), e.name)} "
                  f"({r.text(('exercise', 'evaluators', str(k), 'organisation'), e.organisation)})"
                  for k, e in enumerate(ov.evaluators)]
    evaluators += [e for e in ev.evaluators if not any(e.startswith(x.name) for x in ov.evaluators)]
    organisations = [r.text(("exercise", "organisations", str(k)), o) for k, o in enumerate(ov.organisations)]
    rows = [(_("Exercise name"), name), (_("Exercise date"), date), (_("Location"), field("location", ov.location, "-")),
            (_("Duration"), sec.when(ov.duration, _) if ov.duration else "-"),
            (_("Type"), r.word(ov.type)), (_("Scope"), field("scope", ov.scope, "-")),
            (_("Mission areas"), _.join(r.word(m) for m in ov.mission_areas) or "-"),
            (_("Core capabilities"), _.join((r.cap(c) for c in caps), semicolon=True)),
            (_("Objectives"), " ".join(f"{o.id}: {r.text(('objective', o.id, 'text'), o.text)}" for o in ex.objectives)),
            (_("Threat or hazard"), field("threat", ov.threat, "-")),
            (_("Scenario"), (f"{Path(loaded.scenario_file).name}" if lang == "en" or r.text(("name", "scenario"), "") == ""
                             else _("%(title)s (%(file)s)", title=r.text(("name", "scenario"), ""),
                                    file=Path(loaded.scenario_file).name))
             + (_(", variant %(variant)s", variant=ov.variant) if ov.variant else "") + _(", seed %(seed)s", seed=loaded.seed)),
            (_("Sponsor"), field("sponsor", ov.sponsor, "-")), (_("Participating organisations"), _.join(organisations, semicolon=True) or "-"),
            (_("Point of contact"), field("point_of_contact", ov.point_of_contact, "-")),
            (_("Evaluators"), _.join(evaluators, semicolon=True) or _("none recorded")),
            (_("Handling"), field("handling", ov.handling, _("no handling marking set (exercise.handling)")))]
    blocks.append(("table", [_("Item"), _("Detail")], rows, {"widths": [26, 74]}))
    if figures and overview_figure is not None:
        fig, caption = overview_figure(_)
        _fig(fig, folder / "region-map.png")
        blocks.append(("fig", "region-map.png", caption))
    elif figures:
        from facilitator.evaluation.venue_figure import venue_figure

        fig, caption = venue_figure(session, tr=_)
        _fig(fig, folder / "venue.png")
        blocks.append(("fig", "venue.png", caption))

    # --- capabilities
    h(1, _("Analysis of core capabilities"))
    p(_("Ratings: P performed without challenges; S performed with some challenges; M performed with major challenges; "
        "U unable to be performed. The proposal follows the documented rules (docs/evaluator-guide.md) from timeliness "
        "and outcome indicators; the rating is the evaluator's, with the reason for any override."))
    table = []
    for o in ex.objectives:
        prop = proposals[o.capability]
        final = ev.ratings.get(o.capability)
        roll = scores.capability(o.capability)
        tl = f"{roll.points}/{roll.possible}" if roll and roll.possible else "-"
        rating = final["rating"] if final else _("not yet rated")
        how = (_("confirmed") if final and final["confirmed"] else
               _("override: %(reason)s", reason=final["reason"]) if final else "")
        # The proposal the evaluator saw (journaled with the rating) is the one shown once rated.
        shown = final["proposed"] if final else prop.to_dict()
        table.append((o.id, r.cap(o.capability), tl, shown["rating"] or "-", rating, how or proposal_reason(shown, _)))
    blocks.append(("table", [_("Objective"), _("Core capability"), _("Timeliness"), _("Proposed"), _("Rating"), _("Basis")],
                   table, {"widths": [12, 21, 11, 11, 9, 36]}))

    # --- per objective
    auto = sec.finding_sentences(session, scores, names, _)
    for o in ex.objectives:
        h(2, f"{o.id}: {r.cap(o.capability)}")
        target = r.text(("objective", o.id, "capability_target"), o.capability_target or "")
        p(r.text(("objective", o.id, "text"), o.text)
          + (_(" Capability target: %(target)s", target=target) if o.capability_target else ""))
        final = ev.ratings.get(o.capability)
        if final:
            p(_("Rating: %(rating)s (%(name)s).", rating=final["rating"], name=r.word(RATING_NAMES[final["rating"]])))
        own = [f for f in ev.findings if f.objective == o.id]
        strengths = [(f.text, f.reference or "", f.analysis or "") for f in own if f.kind == "strength"]
        strengths += [(t_, ref, an) for k, t_, ref, an in auto[o.id] if k == "strength"]
        areas = [(f.text, f.reference or "", f.analysis or "") for f in own if f.kind == "improvement"]
        areas += [(t_, ref, an) for k, t_, ref, an in auto[o.id] if k == "improvement"]
        h(3, _("Strengths"))
        blocks.append(("table", [_("Strength"), _("Reference"), _("Analysis")], strengths, {"widths": [45, 27, 28]})
                      if strengths else ("p", _("None recorded.")))
        h(3, _("Areas for improvement"))
        blocks.append(("table", [_("Area for improvement"), _("Reference"), _("Analysis")], areas, {"widths": [45, 27, 28]})
                      if areas else ("p", _("None recorded.")))

    # --- timeline and timeliness
    h(1, _("Timeline and time standards"))
    if figures:
        from facilitator.evaluation.plots import timeline_figure

        fig = timeline_figure(
            injects=[(s.inject.id, s.released_s, s.reason or "") for s in session.injects if s.released_s is not None],
            decisions=[(d.id, d.team, d.t_s, d.t_s + d.after_s, str(d.action.get("do"))) for d in session.decisions],
            expected=scores.actions, teams=[t.id for t in ex.teams if t.role == "player"], title=name,
            team_names={t.id: r.team(t.id) for t in ex.teams}, tr=_)
        _fig(fig, folder / "timeline.png")
        blocks.append(("fig", "timeline.png", _("Injects, decisions (when they took effect) and each expected action's "
                                                "time standard, coloured by its score; hatched: the grace.")))
    blocks.append(("table", [_("Inject"), _("Team"), _("Expected action"), _("Task"), _("Standard"), _("Taken"), _("After"),
                             _("Score")],
                   [_score_row(a, _, r.names) for a in scores.actions], {"widths": [8, 10, 16, 8, 11, 8, 11, 28]}))
    talked = [s.inject.id for s in session.injects if s.inject.discussion_only and s.released_s is not None]
    if talked:
        p(_("Discussion-only injects (no action answers them; not scored): %(injects)s.", injects=_.join(talked)))

    # --- decision log
    h(1, _("Decision log"))
    log = sec.decision_log(session, names, _)
    if log:
        p(_("Every decision the teams took, with their rationale, and every decision the exercise refused, in time order "
            "(exercise time, with the room's clock in UTC when the session journal recorded it). Orders the simulated "
            "world overrode follow under Contrary actions and overridden orders."))
        blocks.append(("table", [_("Time"), _("Team"), _("Inject"), _("Decision"), _("Rationale"), _("Outcome")], log,
                       {"widths": [11, 17, 8, 24, 22, 18]}))
    else:
        p(_("The teams took no decision."))

    # --- observations
    h(1, _("Evaluator observations and notes by inject"))
    obs = sec.observations(session, _)
    if obs:
        blocks.append(("table", [_("Inject"), _("Time"), _("By"), _("Observation")], obs, {"widths": [24, 9, 20, 47]}))
    else:
        p(_("No observation or note was recorded during the session (the evaluator and facilitator pages of the web "
            "console, or the console's note command, record them against an inject)."))

    # --- outcomes
    h(1, _("Outcomes: your decisions / doctrine / no action"))
    if outcomes is None:
        p(_("Outcomes were not computed for this report (--replications 0)."))
    else:
        n = outcomes.replications
        summ = outcomes.summary()
        p(_("The team's decision record, the doctrine run (every expected action exactly at its time standard) and "
            "no team action, each over the same %(n)s seeded replications (seed %(seed)s; common random "
            "numbers). Differences are paired by replication with 95 %% confidence intervals. Lower is better for "
            "every indicator.", n=n, seed=outcomes.seed))
        p(precision_text(outcomes, _))
        rows, classes = sec.outcome_rows(outcomes, metrics_of(outcomes), _)
        blocks.append(("table", [_("Indicator"), r.word(ARM_LABELS["team"]), r.word(ARM_LABELS["doctrine"]),
                                 r.word(ARM_LABELS["no_action"]), _("yours vs doctrine (95 %% CI)"),
                                 _("yours vs no action (95 %% CI)")], rows,
                       {"widths": [20, 12, 12, 12, 22, 22], "cell_class": lambda i, j, _v: classes[i][j]}))
        p(_("Shading of the two arms' means against no action: green, meaningfully better; red, meaningfully worse; grey, "
            "no meaningful difference (interval excluding zero and at least half a person, 30 s of evacuation, 1 min "
            "for other times, 10 person-minutes of exposure)."))
        if outcomes.doctrine_gaps:
            p(_("The doctrine run could not take: %(gaps)s.", gaps=_.join(outcomes.doctrine_gaps, semicolon=True)))
        if figures:
            from facilitator.evaluation.plots import outcomes_figure

            _fig(outcomes_figure(summ, metrics=metrics_of(outcomes), replications=n, tr=_), folder / "outcomes.png")
            blocks.append(("fig", "outcomes.png", _("Outcome indicators, mean and 95 %% CI over %(n)s replications.", n=n)))

    # --- contrary actions and overrides
    from facilitator.evaluation.contrary import contrary_decisions, overrides, rule_words

    h(1, _("Contrary actions and overridden orders"))
    contrary = contrary_decisions(session)
    decided = {d.id: d for d in session.decisions}
    if not contrary:
        p(_("No decision worked against protection by the rules of docs/evaluator-guide.md (sheltering where harm is "
            "happening, closing a way out people are using, sending people through the harm, releasing before "
            "containment, marking a zone with harm in it safe)."))
    else:
        p(_("Each contrary decision's simulated effect is your decisions minus your decisions without it, paired over the "
            "same replications (positive: the decision made the indicator worse)."))
        rows = []
        for c in contrary:
            effects = []
            for metric in ("medical.deaths", "incident.exposed_person_min"):
                if outcomes is not None and c.decision in outcomes.without:
                    from facilitator.documents.prose import meaningful_text

                    effects.append(meaningful_text(metric, outcomes.effect_of(c.decision, metric), _))
                else:
                    effects.append(_("not computed"))
            action = c.action if lang == "en" or c.decision not in decided else sec.action_phrase(
                decided[c.decision].action, r.names, _)
            rows.append((c.decision, c.team, c.inject or "-", t(c.t_s), action, rule_words(c, _, r.names), *effects))
        blocks.append(("table", [_("Decision"), _("Team"), _("Inject"), _("In effect"), _("Action"), _("Why contrary"),
                                 _("Effect on deaths (95 %% CI)"), _("Effect on exposed person-min (95 %% CI)")], rows,
                       {"widths": [9, 10, 8, 9, 14, 20, 15, 15]}))
    over = overrides(session)
    if over:
        p(_("Orders the simulated world did not follow, and why (also shown to controllers during play):"))
        zone = (lambda o: o.zone) if lang == "en" else (lambda o: r.names.get(o.zone) or o.place(lang))  # noqa: E731
        blocks.append(("table", [_("Time"), _("Zone"), _("Order"), _("Given by"), _("Overridden by"), _("Instead"),
                                 _("Reason")],
                       [(t(o.t_s), zone(o), r.word(o.order), o.decision or o.ordered_by, r.word(o.by), r.word(o.now),
                         _override_reason(o.reason, r)) for o in over]))
    else:
        p(_("Every order stood: the simulated world overrode none."))

    # --- hot wash
    h(1, _("Hot wash"))
    if not hw.teams and not hw.feedback:
        p(_("No hot wash recorded."))
    for team, tw in hw.teams.items():
        h(3, f"{team}: {r.team(team)}")
        rows = [(_("strength"), s) for s in tw.strengths] + [(_("area for improvement"), s) for s in tw.improvements]
        blocks.append(("table", [_("Self-assessment"), _("Statement")], rows))
    if hw.feedback:
        h(3, _.ngettext("Participant feedback (%(num)s form)", "Participant feedback (%(num)s forms)", len(hw.feedback))
          if lang != "en" else f"Participant feedback ({len(hw.feedback)} forms)")
        means = hw.ratings_mean()
        if means:
            blocks.append(("table", [_("Item"), _("Mean (1-5)"), _("Forms")],
                           [(r.word(FEEDBACK_ITEMS.get(k, k)), _.fixed(m, 1), c) for k, (m, c) in means.items()]))
        comments = [(_("strength"), s) for f in hw.feedback for s in f.strengths]
        comments += [(_("gap"), s) for f in hw.feedback for s in f.gaps]
        comments += [(_("recommendation"), s) for f in hw.feedback for s in f.recommendations]
        comments += [(_("exercise design"), f.design_comments) for f in hw.feedback if f.design_comments]
        if comments:
            blocks.append(("table", [_("Kind"), _("Comment")], comments))

    # --- improvement plan
    appendix_a = _("Appendix A: Improvement Plan")
    h(1, appendix_a)
    ip_rows = improvement_rows(ev, outcomes, _)
    if ip_rows:
        blocks.append(("table", [_("Core capability / issue"), _("Corrective action"), _("Element"), _("Responsible (POC)"),
                                 _("Start – completion"), _("Modelled effect")],
                       [(f"{r.cap(x[0])}: {x[1]}", x[2], r.word(x[3]), f"{x[4]} ({x[5]})",
                         f"{_.format_date(x[6])} – {_.format_date(x[7])}",
                         (_("variant %(variant)s: %(effect)s", variant=x[8], effect=x[9]) if x[8] else _("not modelled")))
                        for x in ip_rows],
                       {"widths": [24, 20, 12, 16, 12, 16]}))
        p(_("Also exported as improvement-plan.csv."))
    else:
        p(_("No corrective actions recorded yet (exercise evaluate SESSION --from evaluation.yaml)."))
    if outcomes is not None and outcomes.variants and figures:
        from facilitator.evaluation.plots import variant_effects_figure

        _fig(variant_effects_figure(outcomes.summary(), metrics=metrics_of(outcomes), variants=outcomes.variants, tr=_,
                                    unchanged=[v for v in outcomes.variants if outcomes.unchanged(v)]),
             folder / "variant-effects.png")
        blocks.append(("fig", "variant-effects.png", _("Predicted effect of each corrective action modelled as a scenario "
                                                       "variant: your decisions replayed with and without it (paired mean, "
                                                       "95 %% CI).")))
    if outcomes is not None:  # a zero bar is said in words: what the variant changed instead
        zone_names = {z.id: z.name or z.id for z in session.loaded.scenario.venue.zones}
        for v in outcomes.variants:
            if v in outcomes.side_effects:
                p(_("Variant %(variant)s: %(why)s.", variant=v, why=unchanged_text(outcomes, v, names=zone_names, tr=_)))

    # --- conclusion (before the appendices, as HSEEP places it)
    at = next(k for k, b in enumerate(blocks) if b[:3] == ("h", 1, appendix_a))
    blocks[at:at] = [("h", 1, _("Conclusion")), ("p", sec.conclusion(scores, outcomes, len(ip_rows), _))]

    # --- participants
    h(1, _("Appendix B: Exercise participants"))
    blocks.append(("table", [_("Team"), _("Name"), _("Role")], [(x.id, r.team(x.id), r.word(x.role)) for x in ex.teams],
                   {"widths": [20, 55, 25]}))
    subtitle = " · ".join(x for x in (field("sponsor", ov.sponsor, ""), field("location", ov.location, ""), date) if x)
    return PrintDoc(title=_("After-Action Report / Improvement Plan: %(name)s", name=name), blocks=blocks,
                    subtitle=subtitle, handling=field("handling", ov.handling, "") or None, lang=lang)


def _override_reason(reason: str, r: Any) -> str:
    """Why the engine overrode an order, in the reader's language (``plan: <rule>`` keeps the plan's rule)."""
    if r.lang == "en":
        return reason
    _ = r.tr
    if reason.startswith("plan: "):
        return _("plan: %(rule)s", rule=reason[6:])
    return r.word(reason)


def _created(session: "Session") -> str | None:
    if session.folder is None:
        return None
    import yaml

    path = session.folder / "session.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return str(data.get("created_utc", "")) or None


def _score_row(a: ActionScore, tr: Translator | None = None, names: dict[str, str] | None = None) -> tuple[Any, ...]:
    _ = tr or translator("en")
    t = format_duration if _.lang == "en" else _.format_duration
    std = t(a.standard_s) if a.standard_s is not None else "-"
    after = t(a.taken_after_s) if a.taken_after_s is not None else "-"
    action = a.action if _.lang == "en" else noun(a.action, _)
    status = word(a.status, _)
    if _.lang != "en" and a.reason:
        from facilitator.documents.aar_sections import reason_words

        reason = reason_words(a.reason, _Names(_, names or {}))
    else:
        reason = a.reason
    pts = "-" if a.points is None else f"{a.points} ({status}{': ' + reason if reason else ''})"
    return (a.inject, a.team, action, a.task or "-", std, a.decision or "-", after, pts)


class _Names:
    """A stand-in reader for :func:`~facilitator.documents.aar_sections.reason_words` without a session's names."""

    def __init__(self, tr: Translator, names: dict[str, str]) -> None:
        self.tr, self.lang, self.names = tr, tr.lang, names


def _fig(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    save_figure(fig, path)
    plt.close(fig)


def improvement_rows(ev: EvaluationState, outcomes: Outcomes | None,
                     tr: Translator | None = None) -> list[tuple[str, ...]]:
    """Improvement Plan rows in :data:`IP_COLUMNS` order (the predicted effect in ``tr``'s language)."""
    return [(i.capability, i.issue, i.corrective_action, i.element, i.organisation, i.poc, str(i.start), str(i.completion),
             i.variant or "", predicted_effect(outcomes, i.variant, tr)) for i in ev.improvements]


def improvement_plan_csv(rows: Sequence[Sequence[str]]) -> str:
    """CSV text of the Improvement Plan (header row first)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(IP_COLUMNS)
    w.writerows(rows)
    return buf.getvalue()


def precision_text(outcomes: Outcomes, _: Any) -> str:
    """How many replications each arm used and the precision reached, in the reader's language."""
    pr = outcomes.precision
    n = outcomes.replications
    if pr is None:
        return _("Each arm ran the %(n)s replications asked for, without stopping on precision.", n=n)
    if pr.rule.effectively_fixed:
        head = _("Each arm ran the %(n)s replications asked for, without stopping on precision.", n=n)
    elif pr.within:
        return _("Each arm used %(n)s of at most %(cap)s replications: the runs stopped, from %(min)s in batches of "
                 "%(batch)s, once every indicator's 95 %% interval (each arm's mean and each paired difference) was "
                 "narrower than its threshold.", n=n, cap=pr.rule.cap, min=pr.rule.minimum, batch=pr.rule.batch)
    else:
        head = _("Each arm used all %(n)s replications allowed.", n=n)
    if pr.within:
        return head
    labels = {m: label for m, label, _u in METRICS}
    which = list(dict.fromkeys(word(labels.get(b.metric, b.metric), _) for b in pr.wide))
    return head + " " + _("%(k)s intervals are still wider than their threshold (%(which)s): more replications would "
                          "narrow them.", k=len(pr.wide), which=_.join(which, semicolon=True))


def write_aar(session: "Session", *, out: str | os.PathLike[str] | None = None, replications: int = DEFAULT_REPLICATIONS,
              seed: int | None = None, executor: str | None = None, workers: int | None = None,
              figures: bool = True, on_start: Callable[[int], None] | None = None,
              on_runs: Callable[[int], None] | None = None, pdf: bool = False, lang: str = "en",
              paper: str = DEFAULT_PAPER, fixed: bool = False, on_outcomes: Callable[[Outcomes], None] | None = None,
              warn: Callable[[str], None] | None = None) -> Path:
    """Write the AAR/IP of ``session`` into ``out`` (default ``SESSION/aar``) and return the folder.

    ``lang`` (``en``, ``ar``, ``fr``) is the language of the document: the journal is language-neutral,
    so the same session gives its AAR/IP in any of them (Arabic right to left, ``dir="rtl"``).

    ``paper`` (``a4`` or ``letter``) sizes the printed pages (CSS ``@page`` of ``aar.html`` and ``aar.pdf``).

    ``pdf`` also prints ``aar.pdf`` with the headless Chromium on PATH
    (:func:`facilitator.documents.pdf.html_to_pdf`; an error says when none is installed).

    ``replications=0`` leaves out the outcome comparison (no simulation is run); else it is the most
    replications per arm, fewer when the bands are precise enough, exactly that many with ``fixed``
    (:func:`~facilitator.evaluation.outcomes.session_outcomes`). ``on_start`` and ``on_runs`` follow the
    outcome runs (a progress bar); ``on_outcomes`` gets the outcomes once computed, ``warn`` the caches' warnings.
    """
    folder = Path(out) if out is not None else (session.folder / "aar" if session.folder else Path("aar"))
    folder.mkdir(parents=True, exist_ok=True)
    scores = score_session(session)
    ev = evaluation_state(session)
    variants = sorted({i.variant for i in ev.improvements if i.variant})
    outcomes = None
    if replications:
        outcomes = session_outcomes(session, replications=replications, seed=seed, executor=executor, workers=workers,
                                    variants=variants, on_start=on_start, on_runs=on_runs, fixed=fixed, warn=warn)
        if on_outcomes is not None:
            on_outcomes(outcomes)
    doc = build_aar(session, scores=scores, outcomes=outcomes, folder=folder, figures=figures, lang=lang)
    write_print_document(folder, doc, "aar", paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        html_to_pdf(folder / "aar.html")
    (folder / "improvement-plan.csv").write_text(improvement_plan_csv(improvement_rows(ev, outcomes)), encoding="utf-8")
    return folder


def compare_sessions(sessions: Sequence["Session"], *, names: Sequence[str], out: str | os.PathLike[str],
                     replications: int = DEFAULT_REPLICATIONS, seed: int | None = None, executor: str | None = None,
                     workers: int | None = None, on_start: Callable[[int], None] | None = None,
                     on_runs: Callable[[int], None] | None = None, fixed: bool = False,
                     warn: Callable[[str], None] | None = None) -> Path:
    """Compare sessions of one exercise (teams, years): timeliness, ratings and outcomes side by side.

    Every session's decisions are replayed over the same seeds (``seed`` defaults to the first
    session's), so the outcome columns differ only by the decisions. Each session's outcomes come from
    its cache when it holds them for that seed, so an unchanged session is not run again. Sessions of a
    region (teams of one regional exercise) are compared on the regional indicators
    (:func:`~facilitator.evaluation.regional_outcomes.regional_metrics`, exactly ``replications`` each).
    """
    seed = sessions[0].loaded.seed if seed is None else seed
    metrics, shown_keys, outcomes_of = _compare_world(sessions)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    cards = [score_session(s) for s in sessions]
    outs = [outcomes_of(s, replications=replications, seed=seed, executor=executor, workers=workers,
                        on_start=on_start, on_runs=on_runs, fixed=fixed, warn=warn)
            if replications else None for s in sessions]
    caps = list(dict.fromkeys(c for s in sessions for c in (o.capability for o in s.loaded.exercise.objectives)))
    blocks: list[tuple[Any, ...]] = [("h", 1, "Sessions"),
                                     ("table", ["#", "Session", "Exercise", "Decisions"],
                                      [(k + 1, n, s.loaded.name, len(s.decisions)) for k, (n, s) in enumerate(zip(names, sessions))])]
    rows = []
    for c in caps:
        row: list[Any] = [c]
        for s, card in zip(sessions, cards):
            roll = card.capability(c)
            rating = evaluation_state(s).ratings.get(c)
            tl = f"{roll.points}/{roll.possible}" if roll and roll.possible else "-"
            row.append(f"{tl}, {rating['rating'] if rating else 'unrated'}")
        rows.append(tuple(row))
    blocks += [("h", 1, "Timeliness and ratings per core capability"),
               ("table", ["Core capability", *[f"{k + 1}" for k in range(len(sessions))]], rows)]
    if all(o is not None for o in outs):
        used = sorted({o.replications for o in outs if o is not None})
        count = f"{used[0]} replications" if len(used) == 1 else \
            "replications per session " + ", ".join(str(o.replications) for o in outs if o is not None)
        blocks += [("h", 1, f"Outcomes of each session's decisions ({count}, seed {seed})"),
                   ("table", ["Indicator", *[f"{k + 1}" for k in range(len(sessions))], "doctrine", "no action"],
                    [(label, *(_mean(m, o.stats("team", m), o.replications) for o in outs if o is not None),
                      _mean(m, outs[0].stats("doctrine", m), outs[0].replications),  # type: ignore[union-attr]
                      _mean(m, outs[0].stats("no_action", m), outs[0].replications))  # type: ignore[union-attr]
                     for m, label, _ in metrics])]
        blocks += [("p", f"Session {k + 1}: {o.precision.text(dict((m, lb) for m, lb, _ in metrics))}.")
                   for k, o in enumerate(outs) if o is not None and o.precision is not None]
    from facilitator.evaluation.plots import compare_figure

    shown = [m for m in metrics if m[0] in shown_keys]
    outcome_vals = {label: [(o.stats("team", m)["mean"], o.stats("team", m)["mean_ci_low"], o.stats("team", m)["mean_ci_high"])
                            if o is not None else (None, None, None) for o in outs] for m, label, _ in shown}
    fig = compare_figure(sessions=[f"{k + 1}: {n}" for k, n in enumerate(names)],
                         timeliness={c: [card.capability(c).share if card.capability(c) else None for card in cards] for c in caps},
                         outcomes=outcome_vals, outcome_units={label: u for _, label, u in shown})
    _fig(fig, folder / "compare.png")
    blocks.append(("fig", "compare.png", "Timeliness per capability and outcome indicators of each session's decisions."))
    write_document(folder, Doc(title="Exercise comparison", blocks=blocks), "compare")
    return folder


def _compare_world(sessions: Sequence["Session"]) -> tuple[Sequence[tuple[str, str, str]], tuple[str, ...], Callable[..., Any]]:
    """What :func:`compare_sessions` compares: the indicators, those drawn, and how a session's outcomes are had
    (a venue's, or a region's for sessions of a regional exercise). Sessions of a region and of a venue, or of
    regions with other incident sites, cannot share one table: refused with their names."""
    from simsoft.errors import SimsoftError

    regional = [getattr(s.loaded, "region", None) is not None for s in sessions]
    if not any(regional):
        return METRICS, ("medical.deaths", "incident.exposed_person_min", "egress.t95_s"), session_outcomes
    if not all(regional):
        kinds = ", ".join(f"{s.loaded.name} ({'region' if r else 'venue'})" for s, r in zip(sessions, regional))
        raise SimsoftError(f"compare: sessions of a regional exercise and of a venue exercise cannot be compared ({kinds})")
    from facilitator.evaluation.regional_outcomes import regional_metrics, regional_session_outcomes

    metrics = regional_metrics(sessions[0].loaded.region)  # type: ignore[attr-defined]
    for s in sessions[1:]:
        other = regional_metrics(s.loaded.region)  # type: ignore[attr-defined]
        if [m for m, _, _ in other] != [m for m, _, _ in metrics]:
            raise SimsoftError(f"compare: {s.loaded.name} plays a region with other sites or units than "
                               f"{sessions[0].loaded.name}: compare sessions of one regional exercise")

    def outcomes_of(s: "Session", *, fixed: bool = False, warn: Any = None, **kw: Any) -> Any:
        return regional_session_outcomes(s, **kw)  # type: ignore[arg-type]  # a fixed count: no precision rule

    return metrics, ("medical.deaths", "region.time_to_hospital_p90_s", "region.peak_hospital_load_pct"), outcomes_of
