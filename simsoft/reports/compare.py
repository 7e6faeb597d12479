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
import math
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
from simsoft.i18n import translator
from simsoft.reports.document import Doc, bare_number, format_value, human_value, is_count_metric, save_figure, write_document
from simsoft.reports.names import metric_name, short_labels

__all__ = ["compare_entries", "compare", "comparison_conclusion"]


def _glance_column(metric: str, values: Sequence[Any], lang: str = "en") -> tuple[str, list[str]]:
    """One column of the at-a-glance table: its header with the unit once, and bare numbers (times in
    minutes, or hours when any is past 90 min; whole people when every value is whole).

    >>> _glance_column("egress.t95_s", [600.0, None, 1230.0])
    ('time until 95 % are out (min)', ['10.0', '-', '20.5'])
    >>> _glance_column("medical.deaths", [1.0, 2.5], "fr")
    ('décès (personnes)', ['1', '2,5'])
    """
    seen = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    name = metric_name(metric, lang)
    if lang != "en":
        return _glance_column_in(metric, values, name=name, seen=seen, lang=lang)
    if metric.endswith("_s"):
        hours = bool(seen) and max(seen) >= 5400
        div, unit = (3600.0, "h") if hours else (60.0, "min")
        return f"{name} ({unit})", ["-" if v is None or not math.isfinite(float(v)) else f"{max(0.0, float(v)) / div:.1f}"
                                    for v in values]
    cells = [human_value(metric, v) if v is not None and math.isfinite(float(v)) else "-" for v in values]
    units = {c.split(" ", 1)[1] for c in cells if " " in c}
    if units and units <= {"person", "people"}:
        return f"{name} (people)", [c.split(" ", 1)[0] for c in cells]
    if len(units) == 1:
        unit = units.pop()
        return f"{name} ({unit})", [c.split(" ", 1)[0] for c in cells]
    return name, cells


def _glance_column_in(metric: str, values: Sequence[Any], *, name: str, seen: list[float], lang: str) -> tuple[str, list[str]]:
    """:func:`_glance_column` in a language other than English: the unit in the heading, numbers in the locale."""
    tr = translator(lang)

    def finite(v: Any) -> bool:
        return v is not None and math.isfinite(float(v))

    if metric.endswith("_s"):
        hours = bool(seen) and max(seen) >= 5400
        div, unit = (3600.0, tr.units[2]) if hours else (60.0, tr.units[1])
        return f"{name} ({unit})", [tr.fixed(max(0.0, float(v)) / div, 1) if finite(v) else "-" for v in values]
    if is_count_metric(metric) or metric.endswith("_person_min"):
        unit = tr("people") if is_count_metric(metric) else tr("person-min")
        return f"{name} ({unit})", [bare_number(metric, v, lang=lang) if finite(v) else "-" for v in values]
    return name, [format_value(float(v), lang=lang) if finite(v) else "-" for v in values]


def comparison_conclusion(entries: Sequence[tuple[str, dict[str, tuple[Any, Any, Any]]]], metrics: Sequence[str], *,
                          labels: Sequence[str] | None = None, lang: str = "en") -> list[str]:
    """The comparison in plain words: for each metric, the lowest and highest entry when they are further
    apart than the metric's practical threshold (:func:`simsoft.experiments.practical_threshold`), then
    the metrics where every entry is within it, said once.

    >>> e = [("a", {"medical.deaths": (1.0, None, None), "egress.t95_s": (600.0, None, None)}),
    ...      ("b", {"medical.deaths": (3.0, None, None), "egress.t95_s": (610.0, None, None)})]
    >>> for line in comparison_conclusion(e, ["medical.deaths", "egress.t95_s"]): print(line)
    deaths: lowest a (1 person), highest b (3 people), 2 people apart.
    Within the practical threshold for every entry (no meaningful difference): time until 95 % are out.
    Runs are single seeds: a gap between two runs is not a measured effect of what differs between them (an experiment's paired differences are; see simsoft sweep).
    """
    from simsoft.experiments.stats import practical_threshold

    tr = translator(lang)
    labels = list(labels) if labels is not None else [lbl for lbl, _ in entries]
    lines, alike = [], []
    for m in metrics:
        seen = [(lbl, d[m][0]) for lbl, (_, d) in zip(labels, entries)
                if d.get(m) and d[m][0] is not None and math.isfinite(float(d[m][0]))]
        if len(seen) < 2:
            continue
        lo = min(seen, key=lambda x: x[1])
        hi = max(seen, key=lambda x: x[1])
        gap = hi[1] - lo[1]
        if gap < max(practical_threshold(m), 1e-9):
            alike.append(metric_name(m, lang))
            continue
        lines.append(tr("%(metric)s: lowest %(low)s (%(low_value)s), highest %(high)s (%(high_value)s), %(gap)s apart.",
                        metric=metric_name(m, lang), low=lo[0], low_value=human_value(m, lo[1], lang=lang), high=hi[0],
                        high_value=human_value(m, hi[1], lang=lang), gap=human_value(m, gap, lang=lang)))
    if alike:
        lines.append(tr("Within the practical threshold for every entry (no meaningful difference): %(metrics)s.",
                        metrics=tr("; ").join(alike)))
    if not lines:
        lines.append(tr("Nothing to compare: fewer than two entries have any of these metrics."))
    if any(all(x[1] is None for x in d.values()) for _, d in entries):
        lines.append(tr("Runs are single seeds: a gap between two runs is not a measured effect of what differs between "
                        "them (an experiment's paired differences are; see simsoft sweep)."))
    return lines


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
            out_dir: str | os.PathLike[str] | None = None, lang: str = "en") -> tuple[list[str], list[list[str]], Path | None]:
    """A side-by-side table (header, rows) of runs and experiments, and optionally a folder with
    ``comparison.md``, ``comparison.csv`` and ``comparison.png`` (written atomically). Unknown metrics
    raise a one-line :class:`SimsoftError`. Values, the page and the figure are in ``lang``; the header keeps
    the metric keys and ``comparison.csv`` is the same in every language."""
    tr = translator(lang)
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
    header = [tr("run / experiment"), *chosen]
    rows = []
    for label, d in entries:
        cells = [label]
        for m in chosen:
            if m not in d:
                cells.append("-")
                continue
            v, lo, hi = d[m]
            cells.append(human_value(m, v, low=lo, high=hi, lang=lang))
        rows.append(cells)
    folder = None
    if out_dir is not None:
        from simsoft import plots

        parent = Path(out_dir)
        parent.mkdir(parents=True, exist_ok=True)
        base = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-compare"
        tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", suffix=".partial", dir=parent))
        try:
            save_figure(plots.comparison(entries, metrics=chosen, lang=lang,
                                         title=tr("Runs and experiments side by side (lower is better)")),
                        tmp / "comparison.png")
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(["label", *[f"{m}{s}" for m in chosen for s in ("", ".ci_low", ".ci_high")]])
            for label, d in entries:
                w.writerow([label, *[("" if x is None else repr(float(x))) for m in chosen for x in (d.get(m) or (None,) * 3)]])
            (tmp / "comparison.csv").write_text(buf.getvalue(), encoding="utf-8")
            # The page names entries as the figure does; comparison.csv keeps the folder paths.
            short = short_labels([r[0] for r in rows], lang=lang)
            # Read at a glance: the conclusion, one compact table of means, the figure; every value with
            # its interval is folded below, one short table per metric.
            columns = [_glance_column(m, [(d.get(m) or (None,))[0] for _, d in entries], lang) for m in chosen]
            glance = ("table", [header[0], *(head for head, _ in columns)],
                      [[lbl, *(cells[i] for _, cells in columns)] for i, lbl in enumerate(short)])
            detail: list[tuple[Any, ...]] = []
            for k, m in enumerate(header[1:], start=1):
                detail += [("h", 2, metric_name(m, lang) + (f" ({m})" if metric_name(m) != m else "")),
                           ("table", [header[0], tr("value (mean [95 %% CI] for experiments)")],
                            [[lbl, r[k]] for lbl, r in zip(short, rows)])]
            doc = Doc(tr("Comparison"), [("h", 1, tr("Conclusion")),
                                         *(("p", line) for line in comparison_conclusion(entries, chosen, labels=short,
                                                                                        lang=lang)),
                                         ("h", 1, tr("At a glance")),
                                         ("p", tr("Runs show their value, experiment variants their mean over their runs "
                                                  "('-': the run does not have the metric), in the unit each column names. "
                                                  "Lower is better for every metric here.")),
                                         glance,
                                         ("fig", "comparison.png", tr("Runs (dots) and experiment variants (diamonds with "
                                                                      "their 95 %% interval) side by side.")),
                                         ("details", tr("Every value with its 95 %% interval, by metric (%(n)s tables; "
                                                        "comparison.csv has them by metric key)", n=len(chosen)), detail)],
                      lang=lang)
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
