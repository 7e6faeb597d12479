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

from simsoft.i18n import N_, translator
from simsoft.region.names import region_names
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


TRAUMA_LEVELS = {"major_trauma_centre": N_("major trauma centre"), "trauma_unit": N_("trauma unit"),
                 "local_emergency_hospital": N_("local emergency hospital")}
"""A hospital's ``trauma_level`` in words, for a summary in Arabic or French (English shows the value as written)."""


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}{unit}"
    return f"{v}{unit}"


def summary_lines(result: RegionResult, lang: str = "en") -> list[str]:
    """What happened in the region, as Markdown lines: totals, then by site, hospital and unit.

    ``lang`` (:mod:`simsoft.i18n`) writes the words, numbers and the places' names (the region file's ``names:``)
    in Arabic or French; English is the text as written here. Ids, keys and the decisions' values stay as recorded.
    """
    from simsoft.reports.metric_words import value_words  # simsoft.reports loads only when a summary is written
    tr = translator(lang)
    en = tr.lang == "en"
    m, region = result.metrics, result.loaded.region
    names = region_names(region, tr.lang) if not en else {}

    def num(v: Any, unit: str = "") -> str:  # the English text with the locale's group and decimal signs
        return tr.number(_fmt(v, unit))

    def whole(v: int) -> str:
        return f"{v:,}" if en else tr.fixed(v, 0, grouped=True)

    mins = " min" if en else f" {tr.units[1]}"
    title = names.get("region", region.name)
    if result.variant:
        title += tr(N_(" (variant %(variant)s)"), variant=result.variant)
    lines = ["# " + tr(N_("%(region)s: regional run, seed %(seed)s"), region=title, seed=result.seed), "",
             tr(N_("%(sites)s sites, %(people)s people; %(casualties)s casualties, %(deaths)s deaths (%(preventable)s "
                   "preventable); time to hospital median %(median)s, p90 %(p90)s."),
                sites=m["region.sites"], people=whole(m["region.population"]), casualties=m["region.casualties"],
                deaths=m["region.deaths"], preventable=m["region.preventable_deaths"],
                median=num(m["region.time_to_hospital_median_min"], mins), p90=num(m["region.time_to_hospital_p90_min"], mins)),
             "", "## " + tr(N_("Sites")), "",
             "| " + " | ".join(tr.gettext(w) for w in (N_("site"), N_("incident"), N_("people"), N_("casualties"),
                                                          N_("deaths"), N_("to hospital median / p90 (min)"),
                                                          N_("ambulances"), N_("police"))) + " |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for s in region.sites:
        k = f"site.{s.id}."
        lines.append(f"| {names.get(s.id) or s.name or s.id} | {tr('yes') if m[k + 'incident'] else tr('no')} | "
                     f"{whole(m[k + 'population'])} | {m[k + 'casualties']} | {m[k + 'deaths']} | "
                     f"{num(m[k + 'time_to_hospital_median_min'])} / {num(m[k + 'time_to_hospital_p90_min'])} | "
                     f"{m[k + 'ambulances_committed']} | {m[k + 'police_committed']} |")
    if region.hospitals:
        lines += ["", "## " + tr(N_("Hospitals")), "",
                  "| " + " | ".join(tr.gettext(w) for w in (N_("hospital"), N_("trauma level"), N_("patients"),
                                                              N_("peak beds used / beds"), N_("admitted over capacity"),
                                                              N_("critical patients waiting (peak)"))) + " |",
                  "|---|---|---:|---:|---:|---:|"]
        for h in region.hospitals:
            k = f"hospital.{h.id}."
            over = " **" + tr(N_("over")) + "**" if m[k + "peak_beds_used"] > m[k + "beds"] else ""
            level = (h.trauma_level if en else tr.gettext(TRAUMA_LEVELS.get(h.trauma_level or "", h.trauma_level or ""))) or "-"
            lines.append(f"| {names.get(h.id) or h.name or h.id} | {level} | {m[k + 'patients']} | "
                         f"{m[k + 'peak_beds_used']} / {m[k + 'beds']}{over} | {m.get(k + 'over_capacity', 0)} | "
                         f"{m[k + 'peak_backlog']:.0f} |")  # the surge model's fluid queue, in whole patients
        if m.get("region.transfers"):
            moves: dict[tuple[str, str], int] = {}
            for e in result.events:
                if e.kind == "region.transfer_departed":
                    key = (e.values["hospital"], e.values["to"])
                    moves[key] = moves.get(key, 0) + 1
            said = {h.id: names.get(h.id) or h.name or h.id for h in region.hospitals}
            lines += ["", tr(N_("Secondary transfers: %(n)s patient(s) moved to make room (%(moves)s)."),
                             n=m["region.transfers"],
                             moves=tr("; ").join(tr(N_("%(from)s to %(to)s: %(n)s"), n=n, to=said[b], **{"from": said[a]})
                                                 for (a, b), n in sorted(moves.items())))]
    lines += ["", "## " + tr(N_("Shared units")), "",
              "| " + " | ".join(tr.gettext(w) for w in (N_("units"), N_("total"), N_("committed"), N_("idle"),
                                                          N_("not available when asked"))) + " |",
              "|---|---:|---:|---:|---:|"]
    for kind, word in (("ambulance", N_("ambulance")), ("police", N_("police"))):
        k = f"units.{kind}."
        aid = m.get(k + "mutual_aid")
        total = f"{m[k + 'total']}" + (tr(N_(" (mutual aid %(n)s)"), n=aid) if aid else "")
        lines.append(f"| {tr.gettext(word)} | {total} | {m[k + 'committed']} | {m[k + 'idle']} | {m[k + 'shortfall']} |")
    decisions = [e for e in result.events if e.kind == "region.decision"]
    if decisions:
        lines += ["", "## " + tr(N_("Regional decisions")), ""]
        for e in decisions:  # the decision's values as recorded (ids and keys), in every language
            what = ", ".join(f"{k}={v}" for k, v in e.values.items() if k not in ("source", "note"))
            lines.append(f"- {e.t_s / 60.0:.0f}{mins} `{e.subject}` ({e.values.get('source')}): {what}"
                         + (f" ({e.values['note']})" if e.values.get("note") else ""))
    hours = f"{num(m['region.end_s'] / 3600.0)} {tr.units[2]}"
    lines += ["", tr(N_("Run ended at %(time)s (%(reason)s). A site without shared units of a kind uses its scenario's own."),
                     time=hours, reason=value_words(m["region.end_reason"], tr.lang))]
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
                     extra: Callable[[Path], Iterable[str] | None] | None = None, lang: str = "en") -> Path:
    """Write ``result`` to a new regional run folder under ``out_dir/<region slug>/`` and return its path.

    ``lang`` is the language of ``summary.md`` (:func:`summary_lines`); the data files are the same in every one.
    ``extra`` adds files (figures) to the temporary folder; if anything fails no folder is left behind.
    """
    created = created or _dt.datetime.now(_dt.timezone.utc)
    base = f"{created.strftime('%Y%m%dT%H%M%SZ')}-s{result.seed}" + (f"-{result.variant}" if result.variant else "")

    def fill(tmp: Path) -> None:
        data = _manifest(result, created)
        files = {"events.jsonl": region_events_jsonl(result), "metrics.json": region_metrics_json(result),
                 "summary.md": "\n".join(summary_lines(result, lang)) + "\n"}
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
