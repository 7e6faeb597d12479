"""Run reports: a run folder's figures (PNG), ``report.md`` and self-contained ``report.html``.

A report reads records (a :class:`~simsoft.engine.RunResult`, possibly read back from the folder with
:func:`~simsoft.runfolder.load_run`), never re-simulates. ``simsoft run`` writes one into the run
folder as it is made; ``simsoft report`` rebuilds one from the folder's files.

>>> from simsoft import load_scenario, run
>>> from simsoft.runfolder import write_run
>>> result = run(load_scenario("scenarios/community-hall.yaml"), seed=1)  # doctest: +SKIP
>>> folder = write_run(result, out_dir="outputs", extra=lambda tmp: write_run_report(tmp, result))  # doctest: +SKIP
>>> rebuild_run_report(folder)  # doctest: +SKIP
['venue-density.png', 'timeline.png', 'evacuation.png', 'report.md', 'report.html']
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from simsoft.engine import RunResult
from simsoft.i18n import N_, translator
from simsoft.reports.document import Doc, format_value, save_figure, write_document
from simsoft.reports.metric_words import metric_words, value_words
from simsoft.reports.names import in_language
from simsoft.reports.summary import conclusion_sentences, summary_rows
from simsoft.runfolder import load_run

__all__ = ["REPORT_FILES", "run_figures", "write_run_report", "rebuild_run_report"]

REPORT_FILES = ("report.md", "report.html")
"""The documents of a run report (figures come with them)."""


def run_figures(result: RunResult, lang: str = "en") -> dict[str, Any]:
    """The figures of a run by file stem; optional ones (casualty flow, hospital load) only with data; their
    words in ``lang``."""
    from simsoft import plots

    figs = {"venue-density": plots.venue_map(result, color_by="peak_density", lang=lang)}
    if result.scenario.incident is not None:
        figs["venue-casualties"] = plots.venue_map(result, color_by="casualties", lang=lang)
    figs["timeline"] = plots.incident_timeline(result, lang=lang)
    figs["evacuation"] = plots.evacuation_curves(result, lang=lang)
    if plots.has_casualty_flow(result):
        figs["casualty-flow"] = plots.casualty_flow(result, lang=lang)
    if plots.has_hospital_load(result):
        figs["hospital-load"] = plots.hospital_load(result, lang=lang)
    return figs


_CAPTIONS = {
    "venue-density": N_("Venue map, zones coloured by peak crowd density (p/m²)."),
    "venue-casualties": N_("Venue map, zones coloured by casualties."),
    "timeline": N_("Incident timeline: phases, incident by zone, units, decisions and milestones."),
    "evacuation": N_("Occupancy by zone and evacuation by exit over time."),
    "casualty-flow": N_("Casualty flow: cumulative casualties reaching each stage of care."),
    "hospital-load": N_("Hospital load against capacity."),
}


_ACTIONS = (N_("alert"), N_("evacuate"), N_("shelter"), N_("lockdown"), N_("release"), N_("close"), N_("open"),
            N_("dispatch"), N_("mutual aid"), N_("cordon"), N_("declare"), N_("request ambulances"), N_("warm zone"),
            N_("distribution"), N_("hospital plan"), N_("scene resources"), N_("major incident"), N_("reunification"),
            N_("recovery"), N_("accountability"), N_("casualty collection point"), N_("staging"),
            N_("public information"), N_("door"), N_("corridor"), N_("stair"), N_("gate"), N_("opening"))
"""Action verbs (``action.*`` events) and kinds of connection in words, for the decisions table in another language."""

_SOURCES = {"plan": N_("venue plan"), "occupants": N_("occupants"), "decision": N_("team decision"),
            "scenario": N_("scenario script")}
"""Who took an action (the ``source`` of an ``action.*`` event), in words."""


def _clock(t_s: float) -> str:
    """A time since the start as ``m:ss`` (``h:mm:ss`` past an hour), for the decisions table."""
    s = int(round(t_s))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def write_run_report(folder: str | os.PathLike[str], result: RunResult | None = None, *,
                     manifest: Mapping[str, Any] | None = None, lang: str = "en") -> list[str]:
    """Write figures (PNG), ``report.md`` and ``report.html`` into a run folder; return the file names.

    ``result`` defaults to the folder read back with :func:`load_run`. ``lang`` is the report's language
    (:mod:`simsoft.i18n`; English is the report as it always was).
    """
    _ = translator(lang)
    path = Path(folder)
    result = result if result is not None else load_run(path)
    # Places and the scenario named as its ``names:`` block says them in this language (the data files keep ids).
    result = dataclasses.replace(result, scenario=in_language(result.scenario, lang))
    if manifest is None and (path / "manifest.yaml").is_file():
        manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8"))
    manifest = manifest or {}
    files: list[str] = []
    figs: list[tuple[str, str]] = []
    for stem, fig in run_figures(result, lang).items():
        name = f"{stem}.png"
        save_figure(fig, path / name)
        files.append(name)
        figs.append((name, _(_CAPTIONS[stem]) if stem in _CAPTIONS else stem))
    meta = (_("Seed %(seed)s", seed=result.seed) + (_(", variant %(variant)s", variant=result.variant) if result.variant
                                                   else "")
            + _("; simsoft %(version)s, schema %(schema)s", version=manifest.get("simsoft_version", "?"),
                schema=manifest.get("schema_version", "?"))
            + (_("; created %(utc)s", utc=manifest["created_utc"]) if manifest.get("created_utc") else "")
            + (_("; scenario file %(file)s", file=manifest["scenario_file"]) if manifest.get("scenario_file") else "")
            + ".")
    # Conclusion first: what happened in words, then the key figure, then the details.
    blocks: list[tuple[Any, ...]] = [("h", 1, _("What happened")), ("p", " ".join(conclusion_sentences(result, lang)))]
    key = "evacuation.png" if "evacuation.png" in files else (figs[0][0] if figs else None)
    if key:
        blocks.append(("fig", key, dict(figs)[key]))
    blocks += [("h", 1, _("About this run")), ("p", meta)]
    if result.scenario.description:
        blocks.append(("p", result.scenario.description))
    blocks += [("h", 1, _("Summary")), ("table", [_("what"), _("value")], summary_rows(result, lang)),
               ("h", 1, _("Figures"))]
    blocks += [("fig", name, caption) for name, caption in figs if name != key]
    decisions = [e for e in result.events if e.kind.startswith("action.")]
    if decisions:
        names = {z.id: z.label for z in result.scenario.venue.zones}
        names.update({x.id: x.label for x in result.scenario.venue.exits})
        names.update({c.id: _("%(kind)s %(a)s to %(b)s", kind=_(c.kind.value), a=names.get(c.from_, c.from_),
                                b=names.get(c.to, c.to)) for c in result.scenario.venue.connections})

        def target(values: Mapping[str, Any]) -> str:
            zones = values.get("zones") or []
            if zones:
                return ("، " if lang == "ar" else ", ").join(names.get(str(z), str(z)) for z in zones)
            for k in ("connection", "unit"):
                if values.get(k):
                    return names.get(str(values[k]), str(values[k]).replace("_", " "))
            return ""

        def source(e: Any) -> str:
            said = str(e.values.get("source", ""))
            return _(_SOURCES[said]) if said in _SOURCES else said

        drow = [(_clock(e.t_s), _(e.kind.split(".", 1)[1].replace("_", " ")), source(e), target(e.values),
                 e.values.get("rejected", "")) for e in decisions]
        blocks += [("h", 1, _("Decisions")),
                   ("table", [_("at (m:ss)"), _("action"), _("taken by"), _("zones / target"), _("refused because")], drow)]
    if lang == "en":  # the English report as it always was: keys and values
        mrows: list[tuple[Any, ...]] = [(k, format_value(v)) for k, v in sorted(result.metrics.items())]
        mhead = [_("metric"), _("value")]
    else:  # in words in the report's language, the key beside them to match metrics.json
        places = _place_names(result)
        mrows = [(metric_words(k, lang, places), k, format_value(value_words(v, lang), lang=lang))
                 for k, v in sorted(result.metrics.items())]
        mhead = [_("metric"), _("key"), _("value")]
    blocks.append(("details", _("All metrics (%(n)s, by key as in metrics.json)", n=len(mrows)),
                   [("table", mhead, mrows)]))
    title = _("Run report: %(name)s", name=result.scenario.name) + (f" [{result.variant}]" if result.variant else "")
    files += write_document(path, Doc(title, blocks, lang=lang), "report")
    return files


def _place_names(result: RunResult) -> dict[str, str]:
    """Zones, exits and hospitals by id, as the report names them (the names metric keys refer to)."""
    names = {z.id: z.label for z in result.scenario.venue.zones}
    names.update({x.id: x.label for x in result.scenario.venue.exits})
    if result.scenario.medical is not None:
        names.update({h.id: h.name or h.id for h in result.scenario.medical.hospitals})
    return names


def rebuild_run_report(folder: str | os.PathLike[str], lang: str = "en") -> list[str]:
    """Rebuild a run folder's figures and reports (in ``lang``) from its files; all-or-nothing.

    Everything is drawn into a temporary folder first and moved in only when all of it succeeded.
    """
    path = Path(folder)
    result = load_run(path)
    manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
    tmp = Path(tempfile.mkdtemp(prefix=".report.", suffix=".partial", dir=path.parent))
    try:
        files = write_run_report(tmp, result, manifest=manifest, lang=lang)
        for name in files:
            os.replace(tmp / name, path / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return files
