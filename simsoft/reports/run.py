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

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from simsoft.engine import RunResult
from simsoft.reports.document import Doc, format_value, save_figure, write_document
from simsoft.reports.summary import conclusion_sentences, summary_rows
from simsoft.runfolder import load_run

__all__ = ["REPORT_FILES", "run_figures", "write_run_report", "rebuild_run_report"]

REPORT_FILES = ("report.md", "report.html")
"""The documents of a run report (figures come with them)."""


def run_figures(result: RunResult) -> dict[str, Any]:
    """The figures of a run by file stem; optional ones (casualty flow, hospital load) only with data."""
    from simsoft import plots

    figs = {"venue-density": plots.venue_map(result, color_by="peak_density")}
    if result.scenario.incident is not None:
        figs["venue-casualties"] = plots.venue_map(result, color_by="casualties")
    figs["timeline"] = plots.incident_timeline(result)
    figs["evacuation"] = plots.evacuation_curves(result)
    if plots.has_casualty_flow(result):
        figs["casualty-flow"] = plots.casualty_flow(result)
    if plots.has_hospital_load(result):
        figs["hospital-load"] = plots.hospital_load(result)
    return figs


_CAPTIONS = {
    "venue-density": "Venue map, zones coloured by peak crowd density (p/m²).",
    "venue-casualties": "Venue map, zones coloured by casualties.",
    "timeline": "Incident timeline: phases, incident by zone, units, decisions and milestones.",
    "evacuation": "Occupancy by zone and evacuation by exit over time.",
    "casualty-flow": "Casualty flow: cumulative casualties reaching each stage of care.",
    "hospital-load": "Hospital load against capacity.",
}


_SOURCES = {"plan": "venue plan", "occupants": "occupants", "decision": "team decision", "scenario": "scenario script"}
"""Who took an action (the ``source`` of an ``action.*`` event), in words."""


def _clock(t_s: float) -> str:
    """A time since the start as ``m:ss`` (``h:mm:ss`` past an hour), for the decisions table."""
    s = int(round(t_s))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def write_run_report(folder: str | os.PathLike[str], result: RunResult | None = None, *,
                     manifest: Mapping[str, Any] | None = None) -> list[str]:
    """Write figures (PNG), ``report.md`` and ``report.html`` into a run folder; return the file names.

    ``result`` defaults to the folder read back with :func:`load_run`.
    """
    path = Path(folder)
    result = result if result is not None else load_run(path)
    if manifest is None and (path / "manifest.yaml").is_file():
        manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8"))
    manifest = manifest or {}
    files: list[str] = []
    figs: list[tuple[str, str]] = []
    for stem, fig in run_figures(result).items():
        name = f"{stem}.png"
        save_figure(fig, path / name)
        files.append(name)
        figs.append((name, _CAPTIONS.get(stem, stem)))
    meta = (f"Seed {result.seed}" + (f", variant {result.variant}" if result.variant else "")
            + f"; simsoft {manifest.get('simsoft_version', '?')}, schema {manifest.get('schema_version', '?')}"
            + (f"; created {manifest['created_utc']}" if manifest.get("created_utc") else "")
            + (f"; scenario file {manifest['scenario_file']}" if manifest.get("scenario_file") else "") + ".")
    # Conclusion first: what happened in words, then the key figure, then the details.
    blocks: list[tuple[Any, ...]] = [("h", 1, "What happened"), ("p", " ".join(conclusion_sentences(result)))]
    key = "evacuation.png" if "evacuation.png" in files else (figs[0][0] if figs else None)
    if key:
        blocks.append(("fig", key, dict(figs)[key]))
    blocks += [("h", 1, "About this run"), ("p", meta)]
    if result.scenario.description:
        blocks.append(("p", result.scenario.description))
    blocks += [("h", 1, "Summary"), ("table", ["what", "value"], summary_rows(result)), ("h", 1, "Figures")]
    blocks += [("fig", name, caption) for name, caption in figs if name != key]
    decisions = [e for e in result.events if e.kind.startswith("action.")]
    if decisions:
        names = {z.id: z.label for z in result.scenario.venue.zones}
        names.update({x.id: x.label for x in result.scenario.venue.exits})
        names.update({c.id: f"{c.kind.value} {names.get(c.from_, c.from_)} to {names.get(c.to, c.to)}"
                      for c in result.scenario.venue.connections})

        def target(values: Mapping[str, Any]) -> str:
            zones = values.get("zones") or []
            if zones:
                return ", ".join(names.get(str(z), str(z)) for z in zones)
            for k in ("connection", "unit"):
                if values.get(k):
                    return names.get(str(values[k]), str(values[k]).replace("_", " "))
            return ""

        drow = [(_clock(e.t_s), e.kind.split(".", 1)[1].replace("_", " "), _SOURCES.get(str(e.values.get("source", "")),
                 str(e.values.get("source", ""))), target(e.values), e.values.get("rejected", "")) for e in decisions]
        blocks += [("h", 1, "Decisions"),
                   ("table", ["at (m:ss)", "action", "taken by", "zones / target", "refused because"], drow)]
    mrows = [(k, format_value(v)) for k, v in sorted(result.metrics.items())]
    blocks.append(("details", f"All metrics ({len(mrows)}, by key as in metrics.json)",
                   [("table", ["metric", "value"], mrows)]))
    title = f"Run report: {result.scenario.name}" + (f" [{result.variant}]" if result.variant else "")
    files += write_document(path, Doc(title, blocks), "report")
    return files


def rebuild_run_report(folder: str | os.PathLike[str]) -> list[str]:
    """Rebuild a run folder's figures and reports from its files; all-or-nothing.

    Everything is drawn into a temporary folder first and moved in only when all of it succeeded.
    """
    path = Path(folder)
    result = load_run(path)
    manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
    tmp = Path(tempfile.mkdtemp(prefix=".report.", suffix=".partial", dir=path.parent))
    try:
        files = write_run_report(tmp, result, manifest=manifest)
        for name in files:
            os.replace(tmp / name, path / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return files
