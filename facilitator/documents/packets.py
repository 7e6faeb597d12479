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

from facilitator.documents.prose import when as format_duration

from facilitator.documents.render import DEFAULT_PAPER, PrintDoc, write_print_document

__all__ = ["situation_manual", "evaluator_packet", "controller_packet", "write_packet", "release_rule", "KINDS"]

_PHASES = {"pre_incident": "pre-incident", "response": "response", "recovery": "recovery"}


def _overview_rows(ex: Any) -> list[tuple[str, str]]:
    ov = ex.exercise
    rows = [("Exercise", ov.name), ("Type", ov.type), ("Date", str(ov.date) if ov.date else "to be set"),
            ("Location", ov.location or "to be set"),
            ("Duration", format_duration(ov.duration) if ov.duration else "to be set"),
            ("Sponsor", ov.sponsor or "-"), ("Scope", ov.scope or "-"),
            ("Mission areas", ", ".join(ov.mission_areas) or "-"),
            ("Participating organisations", "; ".join(ov.organisations) or "-"),
            ("Threat or hazard", ov.threat or "-"), ("Point of contact", ov.point_of_contact or "-")]
    return rows


_PLACEHOLDER = re.compile(r"\{([A-Za-z_.]+)(?::[^{}]*)?\}")


def message(text: str) -> str:
    """An inject's text for paper: live ``{placeholders}`` become ``[inside]``, ``[occupancy.main_hall]``.

    >>> message("{inside:~nobody is|# people are} inside at {t}.")
    '[inside] inside at [t].'
    """
    return _PLACEHOLDER.sub(lambda m: f"[{m.group(1)}]", text)


def release_rule(inject: Any) -> str:
    """When an inject is released, in words (``at 2 min 30 s``, ``when ...``, ``if ... is missing``)."""
    if inject.at is not None:
        return f"at {format_duration(inject.at)}"
    if inject.when is not None:
        w = inject.when
        if hasattr(w, "event"):
            return f"when the simulation first records {w.event}" + (f" ({w.subject})" if w.subject else "")
        if hasattr(w, "zone"):
            return f"when {w.zone} holds more than {w.above} people"
        if hasattr(w, "inside_below"):
            return f"when fewer than {w.inside_below} people remain inside"
        return f"when more than {w.casualties_above} people have been hurt"
    m = inject.if_missing
    who = f"{m.team} " if m.team else ""
    return f"contingency: {format_duration(m.after)} after {m.inject} if {who}has not taken '{m.action}'"


def _objectives(ex: Any) -> tuple[Any, ...]:
    return ("table", ["Objective", "Core capability"], [(f"{o.id}: {o.text}", o.capability) for o in ex.objectives],
            {"widths": [70, 30]})


def situation_manual(loaded: Any, *, map_file: str | None = None) -> PrintDoc:
    """The Situation Manual of an exercise (no controller-only content)."""
    ex = loaded.exercise
    ov = ex.exercise
    b: list[tuple[Any, ...]] = []
    b += [("h", 1, "Purpose"),
          ("p", f"This Situation Manual gives participants in the {ov.type} '{ov.name}' what they need to take part: "
                "the scope, the objectives, the schedule, the venue, the modules with their discussion questions and "
                "who plays which role. It is read before the exercise and used during it. Exercise play is "
                "no-fault: the purpose is to find what works and what needs improving in plans, not to rate people."),
          ("h", 1, "Exercise overview"), ("table", ["Item", "Detail"], _overview_rows(ex), {"widths": [28, 72]}),
          ("h", 1, "Objectives and core capabilities"), _objectives(ex)]
    b.append(("h", 1, "Schedule"))
    b.append(("table", ["Module", "Title", "Part of the exercise", "Discussion questions"],
              [(m.id, m.name, _PHASES[m.phase], len(m.questions)) for m in ex.modules], {"widths": [12, 46, 22, 20]}))
    b.append(("p", "Each module opens with a scenario update from the facilitator; teams then discuss and decide, "
                   "and the simulated venue shows the consequences of their decisions. A hot wash closes the exercise."
                   + (f" Planned length: {format_duration(ov.duration)}." if ov.duration else "")))
    b.append(("h", 1, "The venue"))
    venue = loaded.scenario.venue
    if map_file:
        b.append(("fig", map_file, f"{venue.name}: zones (blue boxes), the connections between them (lines) and the exits (green)."))
    zone_rows = [(z.name, getattr(z.kind, "value", z.kind), f"{z.capacity:,}" if getattr(z, "capacity", None) else "-") for z in venue.zones]
    b.append(("table", ["Zone", "Kind", "Capacity (people)"], zone_rows, {"widths": [50, 25, 25]}))
    b.append(("h", 1, "Modules"))
    for m in ex.modules:
        b.append(("h", 2, f"Module {m.id}: {m.name}"))
        b.append(("p", f"Part of the exercise: {_PHASES[m.phase]}."))
        if m.questions:
            b.append(("h", 3, "Discussion questions"))
            b.append(("list", m.questions))
    b.append(("h", 1, "Participant roles"))
    roles = []
    for t in ex.teams:
        if t.role == "player":
            what = "decides: " + ", ".join(v.replace("_", " ") for v in t.may) if t.may else "discusses"
        else:
            what = {"controller": "runs the exercise and delivers the scenario updates",
                    "evaluator": "observes and records what happens against the objectives",
                    "observer": "watches; does not take part in the discussion"}[t.role]
        roles.append((t.name, t.role, what))
    b.append(("table", ["Team", "Role", "What it does"], roles, {"widths": [30, 15, 55]}))
    b.append(("p", "Ground rules: respond as you would in your real role; decisions are made with the information "
                   "given at the time; ask the facilitator when something is unclear."))
    return PrintDoc(title=f"Situation Manual: {ov.name}", subtitle=_subtitle(ov), blocks=b, handling=ov.handling)


def _subtitle(ov: Any) -> str:
    parts = [ov.sponsor, ov.location, str(ov.date) if ov.date else None]
    return " · ".join(p for p in parts if p) or ov.type


def _expect_rows(ex: Any, inject: Any) -> list[tuple[str, ...]]:
    rows = []
    for e in inject.expect:
        task = ex.task(e.task) if e.task else None
        within = e.within if e.within is not None else (task.standard if task else None)
        rows.append((ex.team(e.team).name, e.action.replace("_", " "), f"{e.task}: {task.text}" if task else "-",
                     format_duration(within) if within is not None else "none"))
    return rows


def evaluator_packet(loaded: Any) -> PrintDoc:
    """The evaluator packet (Exercise Evaluation Guide): capabilities, tasks, standards, observation sheets."""
    ex = loaded.exercise
    ov = ex.exercise
    grace = format_duration(ov.grace) if ov.grace is not None else "equal to the standard"
    b: list[tuple[Any, ...]] = [
        ("h", 1, "How to use this packet"),
        ("p", "For each core capability, record what you see against its critical tasks: who acted, when (exercise "
              "time) and how. An expected action scores 2 when it takes effect within its time standard after the "
              f"inject, 1 when late within the grace ({grace}), 0 when later or missing (docs/evaluator-guide.md). "
              "Ratings: P performed without challenges, S with some challenges, M with major challenges, U unable "
              "to be performed."),
        ("h", 1, "Exercise overview"), ("table", ["Item", "Detail"], _overview_rows(ex), {"widths": [28, 72]})]
    if ov.evaluators:
        b.append(("table", ["Evaluator", "Organisation"], [(p.name, p.organisation) for p in ov.evaluators],
                  {"widths": [40, 60]}))
    b.append(("h", 1, "Core capabilities and critical tasks"))
    for o in ex.objectives:
        b.append(("h", 2, f"{o.id}: {o.capability}"))
        b.append(("p", f"Objective: {o.text}"))
        if o.capability_target:
            b.append(("p", f"Capability target: {o.capability_target}"))
        b.append(("table", ["Task", "Critical task", "Time standard", "Grace", "Reference"],
                  [(t.id, t.text, format_duration(t.standard) if t.standard is not None else "none",
                    format_duration(t.grace) if t.grace is not None else grace, t.reference or "-")
                   for t in o.critical_tasks], {"widths": [9, 37, 13, 13, 28]}))
        b.append(("lines", "Rating (P / S / M / U) and reason", 2))
    b.append(("h", 1, "Observation sheets"))
    for i in ex.msel:
        b.append(("pagebreak",))
        b.append(("h", 2, f"Inject {i.id} (module {i.module}), released {release_rule(i)}"))
        to = ", ".join(ex.team(t).name for t in i.to)
        b.append(("p", f"From {i.sender} to {to} by {i.method.replace('_', ' ')}: \"{message(i.text)}\""))
        if i.expect:
            b.append(("table", ["Team", "Expected action", "Critical task", "Standard", "Time observed", "Score 2/1/0"],
                      [(*r, "", "") for r in _expect_rows(ex, i)], {"widths": [17, 14, 29, 11, 15, 14]}))
        elif i.discussion_only:
            b.append(("p", "Discussion only: no action is expected; record what the teams say."))
        if i.notes:
            b.append(("p", f"Controller note: {i.notes}"))
        b.append(("lines", "Observations (who, what, when, why)", 6))
    return PrintDoc(title=f"Evaluator packet (EEG): {ov.name}", subtitle=_subtitle(ov), blocks=b, handling=ov.handling)


def controller_packet(loaded: Any) -> PrintDoc:
    """The controller packet: the MSEL with release rules, expected actions, doctrine and controller notes."""
    ex = loaded.exercise
    ov = ex.exercise
    b: list[tuple[Any, ...]] = [
        ("h", 1, "Exercise overview"), ("table", ["Item", "Detail"], _overview_rows(ex), {"widths": [28, 72]}),
        ("p", f"Scenario: {Path(loaded.scenario_file).name}" + (f", variant {ov.variant}" if ov.variant else "")
              + f", seed {loaded.seed}. Play ends at "
              + (format_duration(ov.ends_at) if ov.ends_at is not None else "the scenario's end") + "."),
        ("h", 1, "Master scenario events list (MSEL)"),
        ("table", ["Inject", "Module", "Release", "From → to", "Method"],
         [(i.id, i.module, release_rule(i), f"{i.sender} → {', '.join(i.to)}", i.method.replace("_", " "))
          for i in ex.msel], {"widths": [9, 9, 42, 30, 10]})]
    for i in ex.msel:
        b.append(("h", 2, f"{i.id} ({i.module}): {release_rule(i)}"))
        b.append(("p", f"Message (live values in brackets): \"{message(i.text)}\""))
        if i.expect:
            rows = []
            for e, r in zip(i.expect, _expect_rows(ex, i)):
                doctrine = ", ".join(f"{k}: {v}" for k, v in e.doctrine.items()) or "the team's own parameters"
                rows.append((*r, doctrine))
            b.append(("table", ["Team", "Expected action", "Critical task", "Standard", "Doctrine run takes"], rows,
                      {"widths": [18, 14, 30, 11, 27]}))
        elif i.discussion_only:
            b.append(("p", "Discussion only: no action answers it; ask the module's questions."))
        if i.notes:
            b.append(("p", f"Controller notes: {i.notes}"))
    b.append(("h", 1, "Discussion questions by module"))
    for m in ex.modules:
        b.append(("h", 3, f"{m.id}: {m.name}"))
        b.append(("list", m.questions or ["(none)"]))
    return PrintDoc(title=f"Controller packet: {ov.name}", subtitle=_subtitle(ov), blocks=b, handling=ov.handling)


KINDS = {"sitman": "situation-manual", "eeg": "evaluator-packet", "controller-packet": "controller-packet"}
"""Document kind → file stem."""


def venue_map_figure(scenario: Any) -> Any:
    """A plain venue map for print: zones as labelled boxes at their positions, connections, exits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from facilitator.web.mapsvg import positions

    pos = positions(scenario)
    venue = scenario.venue
    fig, ax = plt.subplots(figsize=(7.0, 4.6), layout="constrained")
    names = {z.id: z.name for z in venue.zones}
    for c in venue.connections:
        ends = [e for e in (c.from_, c.to) if e in pos]
        if len(ends) >= 2:
            (x0, y0), (x1, y1) = pos[ends[0]], pos[ends[1]]
            ax.plot([x0, x1], [y0, y1], color="#777777", linewidth=1.2, zorder=1)
    for zid, (x, y) in pos.items():
        if zid in names:
            ax.text(x, y, names[zid], ha="center", va="center", fontsize=9, zorder=2,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "#e8edf2", "edgecolor": "#234"})
    exits = {x.id: (getattr(x, "name", None) or x.id) for x in venue.exits}
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
            ax.text(x, y, f"exit: {exits[xid]}", ha=ha, va="center", fontsize=8, color="#1b5e20", zorder=2,
                    bbox={"boxstyle": "square,pad=0.25", "facecolor": "white", "edgecolor": "#1b5e20"})
    ax.set_title(venue.name)
    ax.set_axis_off()
    ax.margins(0.15)
    return fig


def write_packet(loaded: Any, kind: str, *, out: str | os.PathLike[str], pdf: bool = True,
                 paper: str = DEFAULT_PAPER) -> list[Path]:
    """Write one document (``kind`` in :data:`KINDS`) into ``out``: Markdown, HTML and (``pdf``) PDF, on ``paper``
    (``a4`` or ``letter``)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sitman":
        from simsoft.reports import save_figure
        import matplotlib.pyplot as plt

        fig = venue_map_figure(loaded.scenario)
        save_figure(fig, folder / "venue-map.png")
        plt.close(fig)
        doc = situation_manual(loaded, map_file="venue-map.png")
    elif kind == "eeg":
        doc = evaluator_packet(loaded)
    elif kind == "controller-packet":
        doc = controller_packet(loaded)
    else:
        raise ValueError(f"unknown document {kind!r} ({', '.join(KINDS)})")
    paths = write_print_document(folder, doc, KINDS[kind], paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        paths.append(html_to_pdf(paths[1]))
    return paths
