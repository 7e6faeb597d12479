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


def predicted_effect(outcomes: Outcomes | None, variant: str | None) -> str:
    """The meaningful paired effects of ``variant`` on the team's outcomes, in words and human units."""
    from facilitator.documents.prose import meaningful, meaningful_text

    if outcomes is None or variant is None:
        return ""
    if variant not in outcomes.variants:
        return "not computed"
    parts = []
    for metric, label, _ in METRICS:
        d = outcomes.difference(f"variant:{variant}", "team", metric)
        if meaningful(metric, d):
            parts.append(f"{label}: {meaningful_text(metric, d)}")
    if not parts and variant in outcomes.side_effects:
        return unchanged_text(outcomes, variant)
    return "; ".join(parts) or f"no meaningful difference over {outcomes.replications} replications"


_ALERT = re.compile(r"^incident\.zone\.(?P<zone>.+)\.t_alert_s$")


def unchanged_text(outcomes: Outcomes, variant: str, *, names: dict[str, str] | None = None) -> str:
    """Why ``variant``'s predicted effect is exactly zero, in words: it left every outcome of every
    replication unchanged, and what it changed instead (:attr:`Outcomes.side_effects`)."""
    changes = outcomes.side_effects.get(variant, {})
    names = names or {}
    head = f"no outcome changed in any of the {outcomes.replications} replications"
    if not changes:
        return head + ": the variant changed nothing these runs measure"
    alerts = {m.group("zone"): v for k, v in changes.items() if (m := _ALERT.match(k))}
    said = []
    for zone, v in alerts.items():
        way = "sooner" if v < 0 else "later"
        said.append(f"the alert reached {names.get(zone, zone.replace('_', ' '))} {format_duration(abs(v))} {way}"
                    if math.isfinite(v) else f"the alert in {names.get(zone, zone.replace('_', ' '))} changed")
    others = [k for k in changes if not _ALERT.match(k)]
    if others:
        said.append("also " + ", ".join(others[:6]) + (f" and {len(others) - 6} more" if len(others) > 6 else ""))
    text = f"{head}; it changed only this: {'; '.join(said)}"
    if alerts and not others:
        text += (". An alert starts the occupants' pre-movement but moves nobody by itself: people leave when "
                 "ordered to evacuate or when they perceive the incident, and in these runs neither came any sooner "
                 "with the variant")
    return text


def build_aar(session: "Session", *, scores: Scorecard, outcomes: Outcomes | None, folder: Path,
              figures: bool = True) -> PrintDoc:
    """The AAR/IP document (figures are written into ``folder``)."""
    loaded = session.loaded
    ex = loaded.exercise
    ov = ex.exercise
    ev = evaluation_state(session)
    hw = hotwash_state(session)
    proposals = {p.capability: p for p in propose_all(ex, scores, outcomes)}
    blocks: list[tuple[Any, ...]] = []
    h = lambda level, text: blocks.append(("h", level, text))  # noqa: E731
    p = lambda text: blocks.append(("p", text))  # noqa: E731

    from facilitator.documents import aar_sections as sec

    names = sec.display_names(loaded.scenario)

    # --- executive summary
    h(1, "Executive summary")
    for text in sec.executive_summary(session, scores, ev.ratings, outcomes, METRICS):
        p(text)

    # --- overview
    h(1, "Exercise overview")
    caps = list(dict.fromkeys(o.capability for o in ex.objectives))
    created = session.start_body.get("created_utc") or _created(session)
    date = str(ov.date) if ov.date else (str(created)[:10] if created else "-")
    evaluators = [f"{e.name} ({e.organisation})" for e in ov.evaluators]
    evaluators += [e for e in ev.evaluators if not any(e.startswith(x.name) for x in ov.evaluators)]
    rows = [("Exercise name", ov.name), ("Exercise date", date), ("Location", ov.location or "-"),
            ("Duration", sec.when(ov.duration) if ov.duration else "-"),
            ("Type", ov.type), ("Scope", ov.scope or "-"),
            ("Mission areas", ", ".join(ov.mission_areas) or "-"), ("Core capabilities", "; ".join(caps)),
            ("Objectives", " ".join(f"{o.id}: {o.text}" for o in ex.objectives)), ("Threat or hazard", ov.threat or "-"),
            ("Scenario", f"{Path(loaded.scenario_file).name}" + (f", variant {ov.variant}" if ov.variant else "") + f", seed {loaded.seed}"),
            ("Sponsor", ov.sponsor or "-"), ("Participating organisations", "; ".join(ov.organisations) or "-"),
            ("Point of contact", ov.point_of_contact or "-"), ("Evaluators", "; ".join(evaluators) or "none recorded"),
            ("Handling", ov.handling or "no handling marking set (exercise.handling)")]
    blocks.append(("table", ["Item", "Detail"], rows, {"widths": [26, 74]}))
    if figures:
        from facilitator.evaluation.venue_figure import venue_figure

        fig, caption = venue_figure(session)
        _fig(fig, folder / "venue.png")
        blocks.append(("fig", "venue.png", caption))

    # --- capabilities
    h(1, "Analysis of core capabilities")
    p("Ratings: P performed without challenges; S performed with some challenges; M performed with major challenges; "
      "U unable to be performed. The proposal follows the documented rules (docs/evaluator-guide.md) from timeliness "
      "and outcome indicators; the rating is the evaluator's, with the reason for any override.")
    table = []
    for o in ex.objectives:
        prop = proposals[o.capability]
        final = ev.ratings.get(o.capability)
        roll = scores.capability(o.capability)
        tl = f"{roll.points}/{roll.possible}" if roll and roll.possible else "-"
        rating = final["rating"] if final else "not yet rated"
        how = ("confirmed" if final and final["confirmed"] else
               f"override: {final['reason']}" if final else "")
        # The proposal the evaluator saw (journaled with the rating) is the one shown once rated.
        shown = final["proposed"] if final else prop.to_dict()
        table.append((o.id, o.capability, tl, shown["rating"] or "-", rating, how or shown["reason"]))
    blocks.append(("table", ["Objective", "Core capability", "Timeliness", "Proposed", "Rating", "Basis"], table,
                   {"widths": [12, 21, 11, 11, 9, 36]}))

    # --- per objective
    auto = sec.finding_sentences(session, scores, names)
    for o in ex.objectives:
        h(2, f"{o.id}: {o.capability}")
        p(o.text + (f" Capability target: {o.capability_target}" if o.capability_target else ""))
        final = ev.ratings.get(o.capability)
        if final:
            p(f"Rating: {final['rating']} ({RATING_NAMES[final['rating']]}).")
        own = [f for f in ev.findings if f.objective == o.id]
        strengths = [(f.text, f.reference or "", f.analysis or "") for f in own if f.kind == "strength"]
        strengths += [(t, r, a) for k, t, r, a in auto[o.id] if k == "strength"]
        areas = [(f.text, f.reference or "", f.analysis or "") for f in own if f.kind == "improvement"]
        areas += [(t, r, a) for k, t, r, a in auto[o.id] if k == "improvement"]
        h(3, "Strengths")
        blocks.append(("table", ["Strength", "Reference", "Analysis"], strengths, {"widths": [45, 27, 28]})
                      if strengths else ("p", "None recorded."))
        h(3, "Areas for improvement")
        blocks.append(("table", ["Area for improvement", "Reference", "Analysis"], areas, {"widths": [45, 27, 28]})
                      if areas else ("p", "None recorded."))

    # --- timeline and timeliness
    h(1, "Timeline and time standards")
    if figures:
        from facilitator.evaluation.plots import timeline_figure

        fig = timeline_figure(
            injects=[(s.inject.id, s.released_s, s.reason or "") for s in session.injects if s.released_s is not None],
            decisions=[(d.id, d.team, d.t_s, d.t_s + d.after_s, str(d.action.get("do"))) for d in session.decisions],
            expected=scores.actions, teams=[t.id for t in ex.teams if t.role == "player"], title=ov.name,
            team_names={t.id: t.name for t in ex.teams})
        _fig(fig, folder / "timeline.png")
        blocks.append(("fig", "timeline.png", "Injects, decisions (when they took effect) and each expected action's "
                       "time standard, coloured by its score; hatched: the grace."))
    blocks.append(("table", ["Inject", "Team", "Expected action", "Task", "Standard", "Taken", "After", "Score"],
                   [_score_row(a) for a in scores.actions], {"widths": [8, 10, 16, 8, 11, 8, 11, 28]}))
    talked = [s.inject.id for s in session.injects if s.inject.discussion_only and s.released_s is not None]
    if talked:
        p(f"Discussion-only injects (no action answers them; not scored): {', '.join(talked)}.")

    # --- decision log
    h(1, "Decision log")
    log = sec.decision_log(session, names)
    if log:
        p("Every decision the teams took, with their rationale, and every decision the exercise refused, in time order "
          "(exercise time, with the room's clock in UTC when the session journal recorded it). Orders the simulated "
          "world overrode follow under Contrary actions and overridden orders.")
        blocks.append(("table", ["Time", "Team", "Inject", "Decision", "Rationale", "Outcome"], log,
                       {"widths": [11, 17, 8, 24, 22, 18]}))
    else:
        p("The teams took no decision.")

    # --- observations
    h(1, "Evaluator observations and notes by inject")
    obs = sec.observations(session)
    if obs:
        blocks.append(("table", ["Inject", "Time", "By", "Observation"], obs, {"widths": [24, 9, 20, 47]}))
    else:
        p("No observation or note was recorded during the session (the evaluator and facilitator pages of the web "
          "console, or the console's note command, record them against an inject).")

    # --- outcomes
    h(1, "Outcomes: your decisions / doctrine / no action")
    if outcomes is None:
        p("Outcomes were not computed for this report (--replications 0).")
    else:
        n = outcomes.replications
        summ = outcomes.summary()
        p(f"The team's decision record, the doctrine run (every expected action exactly at its time standard) and "
          f"no team action, each over the same {n} seeded replications (seed {outcomes.seed}; common random "
          "numbers). Differences are paired by replication with 95 % confidence intervals. Lower is better for "
          "every indicator.")
        rows, classes = sec.outcome_rows(outcomes, METRICS)
        blocks.append(("table", ["Indicator", ARM_LABELS["team"], ARM_LABELS["doctrine"], ARM_LABELS["no_action"],
                                 "yours vs doctrine (95 % CI)", "yours vs no action (95 % CI)"], rows,
                       {"widths": [20, 12, 12, 12, 22, 22], "cell_class": lambda i, j, _v: classes[i][j]}))
        p("Shading of the two arms' means against no action: green, meaningfully better; red, meaningfully worse; grey, "
          "no meaningful difference (interval excluding zero and at least half a person, 30 s of evacuation, 1 min "
          "for other times, 10 person-minutes of exposure).")
        if outcomes.doctrine_gaps:
            p("The doctrine run could not take: " + "; ".join(outcomes.doctrine_gaps) + ".")
        if figures:
            from facilitator.evaluation.plots import outcomes_figure

            _fig(outcomes_figure(summ, metrics=METRICS, replications=n), folder / "outcomes.png")
            blocks.append(("fig", "outcomes.png", f"Outcome indicators, mean and 95 % CI over {n} replications."))

    # --- contrary actions and overrides
    from facilitator.evaluation.contrary import contrary_decisions, overrides

    h(1, "Contrary actions and overridden orders")
    contrary = contrary_decisions(session)
    if not contrary:
        p("No decision worked against protection by the rules of docs/evaluator-guide.md (sheltering where harm is "
          "happening, closing a way out people are using, sending people through the harm, releasing before "
          "containment, marking a zone with harm in it safe).")
    else:
        p("Each contrary decision's simulated effect is your decisions minus your decisions without it, paired over the "
          "same replications (positive: the decision made the indicator worse).")
        rows = []
        for c in contrary:
            effects = []
            for metric in ("medical.deaths", "incident.exposed_person_min"):
                if outcomes is not None and c.decision in outcomes.without:
                    from facilitator.documents.prose import meaningful_text

                    effects.append(meaningful_text(metric, outcomes.effect_of(c.decision, metric)))
                else:
                    effects.append("not computed")
            rows.append((c.decision, c.team, c.inject or "-", format_duration(c.t_s), c.action, c.rule, *effects))
        blocks.append(("table", ["Decision", "Team", "Inject", "In effect", "Action", "Why contrary",
                                 "Effect on deaths (95 % CI)", "Effect on exposed person-min (95 % CI)"], rows,
                       {"widths": [9, 10, 8, 9, 14, 20, 15, 15]}))
    over = overrides(session)
    if over:
        p("Orders the simulated world did not follow, and why (also shown to controllers during play):")
        blocks.append(("table", ["Time", "Zone", "Order", "Given by", "Overridden by", "Instead", "Reason"],
                       [(format_duration(o.t_s), o.zone, o.order, o.decision or o.ordered_by, o.by, o.now, o.reason)
                        for o in over]))
    else:
        p("Every order stood: the simulated world overrode none.")

    # --- hot wash
    h(1, "Hot wash")
    if not hw.teams and not hw.feedback:
        p("No hot wash recorded.")
    for team, t in hw.teams.items():
        h(3, f"{team}: {ex.team(team).name}")
        rows = [("strength", s) for s in t.strengths] + [("area for improvement", s) for s in t.improvements]
        blocks.append(("table", ["Self-assessment", "Statement"], rows))
    if hw.feedback:
        h(3, f"Participant feedback ({len(hw.feedback)} forms)")
        means = hw.ratings_mean()
        if means:
            blocks.append(("table", ["Item", "Mean (1-5)", "Forms"],
                           [(FEEDBACK_ITEMS.get(k, k), f"{m:.1f}", c) for k, (m, c) in means.items()]))
        comments = [("strength", s) for f in hw.feedback for s in f.strengths]
        comments += [("gap", s) for f in hw.feedback for s in f.gaps]
        comments += [("recommendation", s) for f in hw.feedback for s in f.recommendations]
        comments += [("exercise design", f.design_comments) for f in hw.feedback if f.design_comments]
        if comments:
            blocks.append(("table", ["Kind", "Comment"], comments))

    # --- improvement plan
    h(1, "Appendix A: Improvement Plan")
    ip_rows = improvement_rows(ev, outcomes)
    if ip_rows:
        blocks.append(("table", ["Core capability / issue", "Corrective action", "Element", "Responsible (POC)",
                                 "Start – completion", "Modelled effect"],
                       [(f"{r[0]}: {r[1]}", r[2], r[3], f"{r[4]} ({r[5]})", f"{r[6]} – {r[7]}",
                         (f"variant {r[8]}: {r[9]}" if r[8] else "not modelled")) for r in ip_rows],
                       {"widths": [24, 20, 12, 16, 12, 16]}))
        p("Also exported as improvement-plan.csv.")
    else:
        p("No corrective actions recorded yet (exercise evaluate SESSION --from evaluation.yaml).")
    if outcomes is not None and outcomes.variants and figures:
        from facilitator.evaluation.plots import variant_effects_figure

        _fig(variant_effects_figure(outcomes.summary(), metrics=METRICS, variants=outcomes.variants,
                                    unchanged=[v for v in outcomes.variants if outcomes.unchanged(v)]),
             folder / "variant-effects.png")
        blocks.append(("fig", "variant-effects.png", "Predicted effect of each corrective action modelled as a scenario "
                       "variant: your decisions replayed with and without it (paired mean, 95 % CI)."))
    if outcomes is not None:  # a zero bar is said in words: what the variant changed instead
        zone_names = {z.id: z.name or z.id for z in session.loaded.scenario.venue.zones}
        for v in outcomes.variants:
            if v in outcomes.side_effects:
                p(f"Variant {v}: {unchanged_text(outcomes, v, names=zone_names)}.")

    # --- conclusion (before the appendices, as HSEEP places it)
    at = next(k for k, b in enumerate(blocks) if b[:3] == ("h", 1, "Appendix A: Improvement Plan"))
    blocks[at:at] = [("h", 1, "Conclusion"), ("p", sec.conclusion(scores, outcomes, len(ip_rows)))]

    # --- participants
    h(1, "Appendix B: Exercise participants")
    blocks.append(("table", ["Team", "Name", "Role"], [(t.id, t.name, t.role) for t in ex.teams], {"widths": [20, 55, 25]}))
    return PrintDoc(title=f"After-Action Report / Improvement Plan: {ov.name}", blocks=blocks,
                    subtitle=" · ".join(x for x in (ov.sponsor, ov.location, date) if x), handling=ov.handling)


def _created(session: "Session") -> str | None:
    if session.folder is None:
        return None
    import yaml

    path = session.folder / "session.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return str(data.get("created_utc", "")) or None


def _score_row(a: ActionScore) -> tuple[Any, ...]:
    std = format_duration(a.standard_s) if a.standard_s is not None else "-"
    after = format_duration(a.taken_after_s) if a.taken_after_s is not None else "-"
    pts = "-" if a.points is None else f"{a.points} ({a.status}{': ' + a.reason if a.reason else ''})"
    return (a.inject, a.team, a.action, a.task or "-", std, a.decision or "-", after, pts)


def _fig(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    save_figure(fig, path)
    plt.close(fig)


def improvement_rows(ev: EvaluationState, outcomes: Outcomes | None) -> list[tuple[str, ...]]:
    """Improvement Plan rows in :data:`IP_COLUMNS` order."""
    return [(i.capability, i.issue, i.corrective_action, i.element, i.organisation, i.poc, str(i.start), str(i.completion),
             i.variant or "", predicted_effect(outcomes, i.variant)) for i in ev.improvements]


def improvement_plan_csv(rows: Sequence[Sequence[str]]) -> str:
    """CSV text of the Improvement Plan (header row first)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(IP_COLUMNS)
    w.writerows(rows)
    return buf.getvalue()


def write_aar(session: "Session", *, out: str | os.PathLike[str] | None = None, replications: int = DEFAULT_REPLICATIONS,
              seed: int | None = None, executor: str | None = None, workers: int | None = None,
              figures: bool = True, on_start: Callable[[int], None] | None = None,
              on_runs: Callable[[int], None] | None = None, pdf: bool = False, paper: str = DEFAULT_PAPER) -> Path:
    """Write the AAR/IP of ``session`` into ``out`` (default ``SESSION/aar``) and return the folder.

    ``paper`` (``a4`` or ``letter``) sizes the printed pages (CSS ``@page`` of ``aar.html`` and ``aar.pdf``).

    ``pdf`` also prints ``aar.pdf`` with the headless Chromium on PATH
    (:func:`facilitator.documents.pdf.html_to_pdf`; an error says when none is installed).

    ``replications=0`` leaves out the outcome comparison (no simulation is run). ``on_start`` and
    ``on_runs`` follow the outcome runs (a progress bar; see :func:`~facilitator.evaluation.outcomes.session_outcomes`).
    """
    folder = Path(out) if out is not None else (session.folder / "aar" if session.folder else Path("aar"))
    folder.mkdir(parents=True, exist_ok=True)
    scores = score_session(session)
    ev = evaluation_state(session)
    variants = sorted({i.variant for i in ev.improvements if i.variant})
    outcomes = None
    if replications:
        outcomes = session_outcomes(session, replications=replications, seed=seed, executor=executor, workers=workers,
                                    variants=variants, on_start=on_start, on_runs=on_runs)
    doc = build_aar(session, scores=scores, outcomes=outcomes, folder=folder, figures=figures)
    write_print_document(folder, doc, "aar", paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        html_to_pdf(folder / "aar.html")
    (folder / "improvement-plan.csv").write_text(improvement_plan_csv(improvement_rows(ev, outcomes)), encoding="utf-8")
    return folder


def compare_sessions(sessions: Sequence["Session"], *, names: Sequence[str], out: str | os.PathLike[str],
                     replications: int = DEFAULT_REPLICATIONS, seed: int | None = None, executor: str | None = None,
                     workers: int | None = None, on_start: Callable[[int], None] | None = None,
                     on_runs: Callable[[int], None] | None = None) -> Path:
    """Compare sessions of one exercise (teams, years): timeliness, ratings and outcomes side by side.

    Every session's decisions are replayed over the same seeds (``seed`` defaults to the first
    session's), so the outcome columns differ only by the decisions. Each session's outcomes come from
    its cache when it holds them for that seed, so an unchanged session is not run again.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    seed = sessions[0].loaded.seed if seed is None else seed
    cards = [score_session(s) for s in sessions]
    outs = [session_outcomes(s, replications=replications, seed=seed, executor=executor, workers=workers,
                             on_start=on_start, on_runs=on_runs)
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
        blocks += [("h", 1, f"Outcomes of each session's decisions ({replications} replications, seed {seed})"),
                   ("table", ["Indicator", *[f"{k + 1}" for k in range(len(sessions))], "doctrine", "no action"],
                    [(label, *(_mean(m, o.stats("team", m), replications) for o in outs if o is not None),
                      _mean(m, outs[0].stats("doctrine", m), replications),  # type: ignore[union-attr]
                      _mean(m, outs[0].stats("no_action", m), replications))  # type: ignore[union-attr]
                     for m, label, _ in METRICS])]
    from facilitator.evaluation.plots import compare_figure

    shown = [m for m in METRICS if m[0] in ("medical.deaths", "incident.exposed_person_min", "egress.t95_s")]
    outcome_vals = {label: [(o.stats("team", m)["mean"], o.stats("team", m)["mean_ci_low"], o.stats("team", m)["mean_ci_high"])
                            if o is not None else (None, None, None) for o in outs] for m, label, _ in shown}
    fig = compare_figure(sessions=[f"{k + 1}: {n}" for k, n in enumerate(names)],
                         timeliness={c: [card.capability(c).share if card.capability(c) else None for card in cards] for c in caps},
                         outcomes=outcome_vals, outcome_units={label: u for _, label, u in shown})
    _fig(fig, folder / "compare.png")
    blocks.append(("fig", "compare.png", "Timeliness per capability and outcome indicators of each session's decisions."))
    write_document(folder, Doc(title="Exercise comparison", blocks=blocks), "compare")
    return folder
