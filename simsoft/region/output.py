"""The regional run folder, written atomically like :mod:`simsoft.runfolder`, and its readable summary.

``<out>/<region slug>/<UTC time>-s<seed>[-<variant>]/`` holds ``manifest.yaml`` (versions, seeds of the
region and of every site, the resolved region), ``events.jsonl`` (every record with its ``site``; ``""``
for the region's own), ``metrics.json`` (regional metrics), ``summary.md`` and, per site,
``sites/<id>/metrics.json`` and ``sites/<id>/scenario.yaml`` (the scenario as the site ran it: start offset
applied, the region's hospitals named). Files are written in a hidden temporary folder renamed into place at the end.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from simsoft.region.run import RegionResult
from simsoft.region.schema import REGION_SCHEMA_VERSION
from simsoft.runfolder import OUTPUT_FORMAT, metrics_json, write_folder
from simsoft.schema.common import slug

__all__ = ["region_events_jsonl", "region_metrics_json", "summary_lines", "write_region_run", "REGION_FILES"]

REGION_FILES = ("manifest.yaml", "events.jsonl", "metrics.json", "summary.md")
"""Files every regional run folder holds (besides ``sites/<id>/metrics.json``)."""


def region_events_jsonl(result: RegionResult) -> str:
    """Every record as JSON lines with its site, keys sorted: byte-identical for the same run."""
    out = []
    for site, e in result.all_events():
        d = e.to_dict()
        d["site"] = site
        out.append(json.dumps(d, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n")
    return "".join(out)


def region_metrics_json(result: RegionResult) -> str:
    """The regional metrics as indented JSON with sorted keys."""
    return json.dumps(result.metrics, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}{unit}"
    return f"{v}{unit}"


def summary_lines(result: RegionResult) -> list[str]:
    """What happened in the region, as Markdown lines: totals, then by site, hospital and unit."""
    m, region = result.metrics, result.loaded.region
    title = region.name + (f" (variant {result.variant})" if result.variant else "")
    lines = [f"# {title}: regional run, seed {result.seed}", "",
             f"{m['region.sites']} sites, {m['region.population']:,} people; {m['region.casualties']} casualties, "
             f"{m['region.deaths']} deaths ({m['region.preventable_deaths']} preventable); time to hospital median "
             f"{_fmt(m['region.time_to_hospital_median_min'], ' min')}, p90 {_fmt(m['region.time_to_hospital_p90_min'], ' min')}.",
             "", "## Sites", "",
             "| site | incident | people | casualties | deaths | to hospital median / p90 (min) | ambulances | police |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for s in region.sites:
        k = f"site.{s.id}."
        lines.append(f"| {s.name or s.id} | {'yes' if m[k + 'incident'] else 'no'} | {m[k + 'population']:,} | "
                     f"{m[k + 'casualties']} | {m[k + 'deaths']} | {_fmt(m[k + 'time_to_hospital_median_min'])} / "
                     f"{_fmt(m[k + 'time_to_hospital_p90_min'])} | {m[k + 'ambulances_committed']} | {m[k + 'police_committed']} |")
    if region.hospitals:
        lines += ["", "## Hospitals", "", "| hospital | trauma level | patients | peak beds used / beds | "
                  "admitted over capacity | critical patients waiting (peak) |", "|---|---|---:|---:|---:|---:|"]
        for h in region.hospitals:
            k = f"hospital.{h.id}."
            over = " **over**" if m[k + "peak_beds_used"] > m[k + "beds"] else ""
            lines.append(f"| {h.name or h.id} | {h.trauma_level or '-'} | {m[k + 'patients']} | "
                         f"{m[k + 'peak_beds_used']} / {m[k + 'beds']}{over} | {m.get(k + 'over_capacity', 0)} | "
                         f"{m[k + 'peak_backlog']:.0f} |")  # the surge model's fluid queue, in whole patients
        if m.get("region.transfers"):
            moves: dict[tuple[str, str], int] = {}
            for e in result.events:
                if e.kind == "region.transfer_departed":
                    key = (e.values["hospital"], e.values["to"])
                    moves[key] = moves.get(key, 0) + 1
            names = {h.id: h.name or h.id for h in region.hospitals}
            lines += ["", f"Secondary transfers: {m['region.transfers']} patient(s) moved to make room ("
                      + "; ".join(f"{names[a]} to {names[b]}: {n}" for (a, b), n in sorted(moves.items())) + ")."]
    lines += ["", "## Shared units", "", "| units | total | committed | idle | not available when asked |", "|---|---:|---:|---:|---:|"]
    for kind in ("ambulance", "police"):
        k = f"units.{kind}."
        aid = m.get(k + "mutual_aid")
        lines.append(f"| {kind} | {m[k + 'total']}{f' (mutual aid {aid})' if aid else ''} | {m[k + 'committed']} | "
                     f"{m[k + 'idle']} | {m[k + 'shortfall']} |")
    decisions = [e for e in result.events if e.kind == "region.decision"]
    if decisions:
        lines += ["", "## Regional decisions", ""]
        for e in decisions:
            what = ", ".join(f"{k}={v}" for k, v in e.values.items() if k not in ("source", "note"))
            lines.append(f"- {e.t_s / 60.0:.0f} min `{e.subject}` ({e.values.get('source')}): {what}"
                         + (f" ({e.values['note']})" if e.values.get("note") else ""))
    lines += ["", f"Run ended at {m['region.end_s'] / 3600.0:.1f} h ({m['region.end_reason']}). "
              "A site without shared units of a kind uses its scenario's own."]
    return lines


def _manifest(result: RegionResult, created: _dt.datetime) -> dict[str, Any]:
    from simsoft import __version__

    return {
        "output_format": OUTPUT_FORMAT,
        "simsoft_version": __version__,
        "region_schema_version": REGION_SCHEMA_VERSION,
        "created_utc": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": result.seed,
        "variant": result.variant,
        "region_file": result.loaded.file,
        "site_seeds": dict(result.seeds),
        "site_scenarios": {sid: r.scenario.source for sid, r in result.sites.items()},
        "files": [*REGION_FILES, *(f"sites/{sid}/{name}" for sid in result.sites for name in ("metrics.json", "scenario.yaml"))],
        "region": result.loaded.region.model_dump(mode="json", by_alias=True),
    }


def write_region_run(result: RegionResult, *, out_dir: str | os.PathLike[str] = "outputs",
                     created: _dt.datetime | None = None,
                     extra: Callable[[Path], Iterable[str] | None] | None = None) -> Path:
    """Write ``result`` to a new regional run folder under ``out_dir/<region slug>/`` and return its path.

    ``extra`` adds files (figures) to the temporary folder; if anything fails no folder is left behind.
    """
    created = created or _dt.datetime.now(_dt.timezone.utc)
    base = f"{created.strftime('%Y%m%dT%H%M%SZ')}-s{result.seed}" + (f"-{result.variant}" if result.variant else "")

    def fill(tmp: Path) -> None:
        data = _manifest(result, created)
        files = {"events.jsonl": region_events_jsonl(result), "metrics.json": region_metrics_json(result),
                 "summary.md": "\n".join(summary_lines(result)) + "\n"}
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        for sid, r in result.sites.items():
            (tmp / "sites" / sid).mkdir(parents=True)
            (tmp / "sites" / sid / "metrics.json").write_text(metrics_json(r), encoding="utf-8")
            resolved = yaml.safe_dump(r.scenario.model_dump(mode="json", by_alias=True), sort_keys=False,
                                      allow_unicode=True, width=100)
            (tmp / "sites" / sid / "scenario.yaml").write_text(resolved, encoding="utf-8")
        if extra is not None:
            data["files"] += [n for n in (extra(tmp) or []) if n not in data["files"]]
        (tmp / "manifest.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                                           encoding="utf-8")

    return write_folder(Path(out_dir) / slug(result.loaded.region.name), base, fill)
