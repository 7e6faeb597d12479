"""Sweeps over a region's variants: N seeded replications of each, on one core, processes or Dask.

The design and the executors are those of single-venue experiments (:mod:`simsoft.experiments`): replication
``i`` runs every variant with the same region seed (common random numbers: each site's draws come from its own
seed, :func:`simsoft.region.run.site_seed`), the runs are lean and return regional metrics only, and the table
and summary are written the same way (``replications.csv``, ``summary.json``). Region variants change the
response only (the loader's scope guard), so the summary compares responses to the same incidents.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from simsoft.errors import SimsoftError
from simsoft.experiments.design import BASE, Task, replication_seeds
from simsoft.experiments.executors import Row, execute
from simsoft.experiments.summary import summarize
from simsoft.experiments.table import RowSpool, read_table
from simsoft.i18n import N_, translator
from simsoft.region.loader import LoadedRegion, apply_region_variant
from simsoft.region.names import region_names
from simsoft.rng import DEFAULT_SEED

__all__ = ["REGION_KEY_METRICS", "region_tasks", "run_region_chunk", "sweep_region"]

REGION_KEY_METRICS = ("region.deaths", "region.preventable_deaths", "region.time_to_hospital_median_min",
                      "region.time_to_hospital_p90_min", "region.over_capacity", "units.ambulance.shortfall")
"""The regional metrics a sweep's summary headlines (those present)."""

_RESOLVED: dict[tuple[int, str], LoadedRegion] = {}


def _resolved(loaded: LoadedRegion, variant: str) -> LoadedRegion:
    if variant == BASE:
        return loaded
    key = (id(loaded), variant)
    if key not in _RESOLVED:
        if len(_RESOLVED) > 32:
            _RESOLVED.clear()
        _RESOLVED[key] = apply_region_variant(loaded, variant)
    return _RESOLVED[key]


def run_region_chunk(loaded: LoadedRegion, chunk: Sequence[Task]) -> list[Row]:
    """Run ``chunk`` (lean) and return one row of numeric regional metrics per task (an executor's runner)."""
    from simsoft.region.run import RegionalRun

    rows: list[Row] = []
    for task in chunk:
        run = RegionalRun(_resolved(loaded, task.variant), seed=task.seed, lean=True)
        run.run_to_end()
        metrics = {k: v for k, v in run.result().metrics.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        rows.append((task.variant_index, task.replication, task.seed, metrics))
    return rows


def region_tasks(loaded: LoadedRegion, *, variants: Sequence[str], replications: int, seed: int) -> list[Task]:
    """Every (variant, replication) of the sweep, with the replication's seed shared by all variants."""
    known = set(loaded.region.variants)
    unknown = [v for v in variants if v != BASE and v not in known]
    if unknown:
        raise SimsoftError(f"unknown variant {unknown[0]!r} of region {loaded.region.name!r} "
                           f"(variants: {', '.join(sorted(known)) or 'none'})")
    if replications < 1:
        raise SimsoftError(f"replications must be at least 1, got {replications}")
    seeds = replication_seeds(seed, replications)
    return [Task(vi, v, rep, s) for vi, v in enumerate(variants) for rep, s in enumerate(seeds)]


def sweep_region(loaded: LoadedRegion, *, variants: Sequence[str] | None = None, replications: int = 20,
                 seed: int = DEFAULT_SEED, executor: str = "processes", workers: int | None = None,
                 scheduler: str | None = None, out_dir: str | os.PathLike[str] = "outputs", lang: str = "en") -> Path:
    """Run the sweep and write ``OUT/<region>/sweep-<UTC time>-s<seed>/`` (``replications.csv``,
    ``summary.json``, ``summary.md``); returns the folder. Variants default to ``base`` and every variant.
    ``lang`` is the language of ``summary.md`` (:func:`summary_markdown`); the data files are the same in every one."""
    tr = translator(lang)  # an unknown language is refused before anything runs
    names = list(variants) if variants else [BASE, *loaded.region.variants]
    tasks = region_tasks(loaded, variants=names, replications=replications, seed=seed)
    stem = Path(loaded.file).stem
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parent = Path(out_dir) / stem
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sweep-", dir=parent))
    spool = RowSpool(tmp / "rows.jsonl", names)
    try:
        execute(loaded, tasks, executor=executor, workers=workers, scheduler=scheduler, on_rows=spool.add,
                runner=run_region_chunk)
        spool.write_csv(tmp / "replications.csv")
    finally:
        spool.close()
    (tmp / "rows.jsonl").unlink()
    table = read_table(tmp / "replications.csv")
    keys = [m for m in REGION_KEY_METRICS if m in table.columns]
    summary = summarize(table, variants=names, reference=names[0], metrics=keys or None)
    summary |= {"region": loaded.region.name, "file": loaded.file, "seed": int(seed), "replications": replications,
                "variants_compared": names, "executor": executor}
    (tmp / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True, default=float) + "\n",
                                      encoding="utf-8")
    name = None if tr.lang == "en" else region_names(loaded.region, tr.lang).get("region")
    (tmp / "summary.md").write_text(summary_markdown(summary, lang=tr.lang, name=name), encoding="utf-8")
    final = parent / f"sweep-{stamp}-s{seed}"
    n = 1
    while final.exists():
        n += 1
        final = parent / f"sweep-{stamp}-s{seed}-{n}"
    tmp.rename(final)
    return final


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.3g}" if isinstance(x, float) else str(x)


def summary_markdown(summary: dict[str, Any], *, lang: str = "en", name: str | None = None) -> str:
    """The sweep's summary: each key metric's mean per variant and the paired difference to the reference.

    It compares response variants (the region's incidents are the same in every one); it never ranks incidents.
    ``lang`` writes it in Arabic or French (metrics in words beside their keys, numbers with the locale's signs);
    ``name`` is the region's name in that language (default: ``summary["region"]``).
    """
    from simsoft.reports.metric_words import metric_words  # simsoft.reports loads only when a summary is written
    tr = translator(lang)
    en = tr.lang == "en"
    ref = summary["reference"]
    keys = summary["key_metrics"]
    variants = list(summary["variants"])
    n = summary["replications"]
    runs = f"{n} replications" if en else tr.ngettext("%(num)s replication", "%(num)s replications", n)

    def num(x: Any) -> str:
        return tr.number(_fmt(x))

    head = [tr("metric")] if en else [tr("metric"), tr("key")]
    lines = ["# " + tr(N_("%(region)s: sweep over response variants"), region=name or summary["region"]), "",
             tr(N_("%(runs)s per variant, seed %(seed)s; every variant meets the same incidents (common random numbers), "
                   "differences are paired against `%(reference)s`."), runs=runs, seed=summary["seed"], reference=ref), "",
             "| " + " | ".join(head + variants) + " |", "|---|" + "---|" * (len(variants) + len(head) - 1)]
    for m in keys:
        row = [num(v["metrics"][m]["mean"]) if m in v["metrics"] else "-" for v in summary["variants"].values()]
        label = [f"{m} (mean)"] if en else [tr(N_("%(metric)s (mean)"), metric=metric_words(m, tr.lang)), f"`{m}`"]
        lines.append("| " + " | ".join(label + row) + " |")
    if summary["differences"]:
        pct = tr.fixed(summary["confidence"] * 100, 0)
        lines += ["", tr(N_("Paired differences to `%(reference)s` (mean, %(pct)s %% interval):"), reference=ref, pct=pct),
                  "", "| " + " | ".join(tr.gettext(w) for w in (N_("variant"), N_("metric"), N_("difference"),
                                                                   N_("interval"))) + " |", "|---|---|---|---|"]
        for v, diffs in summary["differences"].items():
            for m in keys:
                d = diffs.get(m)
                if d:
                    words = m if en else metric_words(m, tr.lang)
                    lines.append(f"| {v} | {words} | {num(d.get('mean'))} | {num(d.get('ci_low'))} .. "
                                 f"{num(d.get('ci_high'))} |")
    return "\n".join(lines) + "\n"
