"""Comparisons: run folders and experiment folders side by side, as a table and a figure.

A run contributes its value of each metric; an experiment one row per variant with the mean and its
95 % interval. :func:`compare` returns the table and can write ``comparison.md``, a self-contained
``comparison.html``, ``comparison.csv`` and ``comparison.png`` into a new folder (atomically).

>>> header, rows, folder = compare(["outputs/community-hall-evacuation-drill/20261129T140501Z-s42"])  # doctest: +SKIP
>>> header[:2]  # doctest: +SKIP
['run / experiment', 'egress.t95_s']
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from simsoft.errors import SimsoftError
from simsoft.experiments.runner import load_experiment
from simsoft.experiments.summary import DEFAULT_KEY_METRICS
from simsoft.reports.document import Doc, human_value, save_figure, write_document
from simsoft.reports.names import metric_name, short_labels

__all__ = ["compare_entries", "compare"]


def compare_entries(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[str, dict[str, tuple[Any, Any, Any]]]]:
    """Rows to compare: one per run folder, one per variant of an experiment folder."""
    entries: list[tuple[str, dict[str, tuple[Any, Any, Any]]]] = []
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            raise SimsoftError(f"{path}: not a folder")
        if (path / "replications.csv").is_file():
            exp = load_experiment(path)
            order = [v for v in exp.manifest.get("variants", []) if v in exp.summary["variants"]]
            order += [v for v in exp.summary["variants"] if v not in order]
            for v, per in ((v, exp.summary["variants"][v]) for v in order):
                vals = {m: (s["mean"], s["mean_ci_low"], s["mean_ci_high"]) for m, s in per["metrics"].items()}
                entries.append((f"{path.parent.name}/{path.name} [{v}, {per['runs']} runs]", vals))
        elif (path / "metrics.json").is_file():
            missing = [n for n in ("manifest.yaml", "metrics.json") if not (path / n).is_file()]
            if missing:
                raise SimsoftError(f"{path}: not a run folder (no {', '.join(missing)})")
            metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
            manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
            label = f"{path.parent.name}/{path.name}" + (f" [{manifest.get('variant')}]" if manifest.get("variant") else "")
            vals = {k: (float(v), None, None) if isinstance(v, (int, float)) and not isinstance(v, bool) else (None, None, None)
                    for k, v in metrics.items() if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))}
            entries.append((label, vals))
        else:
            raise SimsoftError(f"{path}: neither a run folder (metrics.json) nor an experiment folder (replications.csv)")
    return entries


def compare(paths: Sequence[str | os.PathLike[str]], *, metrics: Sequence[str] | None = None,
            out_dir: str | os.PathLike[str] | None = None) -> tuple[list[str], list[list[str]], Path | None]:
    """A side-by-side table (header, rows) of runs and experiments, and optionally a folder with
    ``comparison.md``, ``comparison.csv`` and ``comparison.png`` (written atomically). Unknown metrics
    raise a one-line :class:`SimsoftError`."""
    entries = compare_entries(paths)
    known = sorted({m for _, d in entries for m in d})
    if metrics:
        for m in metrics:
            if m not in known:
                close = [k for k in known if m.split(".")[-1] in k][:5]
                hint = f" (did you mean: {', '.join(close)})" if close else ""
                raise SimsoftError(f"unknown metric {m!r}: not a numeric metric of these runs{hint}")
        chosen = list(metrics)
    else:
        chosen = [m for m in DEFAULT_KEY_METRICS if any((d.get(m) or (None,))[0] is not None for _, d in entries)]
        chosen = chosen or known[:6]
    header = ["run / experiment", *chosen]
    rows = []
    for label, d in entries:
        cells = [label]
        for m in chosen:
            if m not in d:
                cells.append("-")
                continue
            v, lo, hi = d[m]
            cells.append(human_value(m, v, low=lo, high=hi))
        rows.append(cells)
    folder = None
    if out_dir is not None:
        from simsoft import plots

        parent = Path(out_dir)
        parent.mkdir(parents=True, exist_ok=True)
        base = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-compare"
        tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", suffix=".partial", dir=parent))
        try:
            save_figure(plots.comparison(entries, metrics=chosen, title="Runs and experiments side by side (lower is better)"),
                  tmp / "comparison.png")
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(["label", *[f"{m}{s}" for m in chosen for s in ("", ".ci_low", ".ci_high")]])
            for label, d in entries:
                w.writerow([label, *[("" if x is None else repr(float(x))) for m in chosen for x in (d.get(m) or (None,) * 3)]])
            (tmp / "comparison.csv").write_text(buf.getvalue(), encoding="utf-8")
            # The page names entries as the figure does; comparison.csv keeps the folder paths.
            short = short_labels([r[0] for r in rows])
            if len(header) <= 5:  # fits a page as one table
                tables: list[tuple[Any, ...]] = [("table", [header[0], *(metric_name(m) for m in header[1:])],
                                                  [[lbl, *r[1:]] for lbl, r in zip(short, rows)])]
            else:  # one short table per metric, instead of a table too wide for a page
                tables = []
                for k, m in enumerate(header[1:], start=1):
                    tables += [("h", 2, metric_name(m) + (f" ({m})" if metric_name(m) != m else "")),
                               ("table", [header[0], "value (mean [95 % CI] for experiments)"], [[lbl, r[k]] for lbl, r in zip(short, rows)])]
            doc = Doc("Comparison", [("p", "Runs show their value; experiments their mean with the 95 % interval "
                                           "in brackets; '-' marks a metric the run does not have. Lower is better "
                                           "for every metric here. comparison.csv has every value by metric key."),
                                     ("fig", "comparison.png", "Runs (dots) and experiment variants (diamonds with "
                                                               "their 95 % interval) side by side."),
                                     *tables])
            write_document(tmp, doc, "comparison")
            folder = parent / base
            n = 2
            while folder.exists():
                folder = parent / f"{base}-{n}"
                n += 1
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return header, rows, folder
