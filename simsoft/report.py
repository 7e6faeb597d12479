"""Reports: a run's ``report.md`` + self-contained ``report.html``; an experiment's ``summary.md/.html``;
comparisons of runs and experiments.

Reports read records from disk (a run folder: ``manifest.yaml``, ``events.jsonl``, ``metrics.json``,
``timeseries.csv``), never re-simulate. Each document is built once as a list of blocks (headings,
paragraphs, tables, figures) and rendered to Markdown (figures linked as PNG files) and to HTML
(figures embedded as base64 PNG, so the file can be mailed on its own). matplotlib is reached only
through :mod:`simsoft.plots`, imported when a figure is drawn.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import os
import shutil
import tempfile
import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simsoft.engine import RunResult
from simsoft.errors import SimsoftError
from simsoft.records import Event, Timeseries

__all__ = [
    "Doc",
    "write_document",
    "save_figure",
    "load_run",
    "run_figures",
    "write_run_report",
    "rebuild_run_report",
    "experiment_figures",
    "write_experiment_report",
    "compare",
    "RUN_FILES",
    "REPORT_FILES",
]

RUN_FILES = ("manifest.yaml", "events.jsonl", "metrics.json", "timeseries.csv")
"""Files that make a folder a run folder."""

REPORT_FILES = ("report.md", "report.html")


# ------------------------------------------------------------------------------------------ documents
@dataclass
class Doc:
    """A document as blocks: ``("h", level, text)``, ``("p", text)``, ``("table", header, rows)``,
    ``("fig", file, caption)``, ``("details", summary, [blocks])``."""

    title: str
    blocks: list[tuple[Any, ...]]


def _md_cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _md(doc: Doc) -> str:
    out = [f"# {doc.title}", ""]

    def render(blocks: Sequence[tuple[Any, ...]]) -> None:
        for b in blocks:
            if b[0] == "h":
                out.extend(["#" * (b[1] + 1) + " " + b[2], ""])
            elif b[0] == "p":
                out.extend([b[1], ""])
            elif b[0] == "table":
                header, rows = b[1], b[2]
                out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out.extend("| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows)
                out.append("")
            elif b[0] == "fig":
                out.extend([f"![{b[2]}]({b[1]})", "", f"*{b[2]}*", ""])
            elif b[0] == "details":
                out.extend([f"**{b[1]}**", ""])
                render(b[2])

    render(doc.blocks)
    return "\n".join(out).rstrip() + "\n"


_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.2em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:left}th{background:#f2f2f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto}
figure{margin:1em 0 2em}figcaption{color:#555;font-size:0.9em}details{margin:1em 0}"""


def _is_num(x: Any) -> bool:
    try:
        float(str(x).replace(",", "").split(" ")[0])
        return True
    except ValueError:
        return False


def _html(doc: Doc, folder: Path) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(doc.title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{html.escape(doc.title)}</h1>"]

    def render(blocks: Sequence[tuple[Any, ...]]) -> None:
        for b in blocks:
            if b[0] == "h":
                out.append(f"<h{b[1] + 1}>{html.escape(b[2])}</h{b[1] + 1}>")
            elif b[0] == "p":
                out.append(f"<p>{html.escape(b[1])}</p>")
            elif b[0] == "table":
                out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in b[1])
                           + "</tr></thead><tbody>")
                for r in b[2]:
                    cells = "".join(f'<td class="num">{html.escape(str(c))}</td>' if _is_num(c)
                                    else f"<td>{html.escape(str(c))}</td>" for c in r)
                    out.append(f"<tr>{cells}</tr>")
                out.append("</tbody></table>")
            elif b[0] == "fig":
                data = base64.b64encode((folder / b[1]).read_bytes()).decode("ascii")
                out.append(f'<figure><img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">'
                           f"<figcaption>{html.escape(b[2])}</figcaption></figure>")
            elif b[0] == "details":
                out.append(f"<details><summary>{html.escape(b[1])}</summary>")
                render(b[2])
                out.append("</details>")

    render(doc.blocks)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _write_doc(folder: Path, doc: Doc, stem: str) -> list[str]:
    (folder / f"{stem}.md").write_text(_md(doc), encoding="utf-8")
    (folder / f"{stem}.html").write_text(_html(doc, folder), encoding="utf-8")
    return [f"{stem}.md", f"{stem}.html"]


def write_document(folder: str | os.PathLike[str], doc: Doc, stem: str) -> list[str]:
    """Write ``doc`` as ``stem.md`` (figures linked) and a self-contained ``stem.html`` (figures embedded).

    Figure blocks name PNG files inside ``folder``. Returns the file names written.
    """
    return _write_doc(Path(folder), doc, stem)


def save_figure(fig: Any, path: str | os.PathLike[str]) -> None:
    """Save a matplotlib figure as PNG the way reports do (fixed dpi, no timestamp metadata)."""
    _save(fig, Path(path))


def _fmt(x: Any, digits: int = 4) -> str:
    if x is None:
        return "not reached"
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "n/a"
        return f"{x:,.{digits}g}" if abs(x) < 10 ** digits else f"{x:,.0f}"
    return str(x)


def _save(fig: Any, path: Path) -> None:
    fig.savefig(path, dpi=110, metadata={"Software": None})


# ----------------------------------------------------------------------------------------------- runs
def load_run(folder: str | os.PathLike[str]) -> RunResult:
    """Read a run folder back into a :class:`RunResult` (events, metrics, time series, resolved scenario).

    A folder that is not a run raises a one-line :class:`SimsoftError` naming what is missing.
    """
    from simsoft.schema import Scenario

    path = Path(folder)
    if not path.is_dir():
        raise SimsoftError(f"{path}: not a folder")
    missing = [n for n in RUN_FILES if not (path / n).is_file()]
    if missing:
        raise SimsoftError(f"{path}: not a run folder (no {', '.join(missing)})")
    try:
        manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
        scenario = Scenario.model_validate(manifest["scenario"])
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        events = []
        with open(path / "events.jsonl", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                events.append(Event(float(d["t_s"]), d["kind"], d.get("subject", ""), d.get("values") or {}))
        ts = Timeseries()
        with open(path / "timeseries.csv", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for t, q, s, v in reader:
                ts.t_s.append(float(t))
                ts.quantity.append(q)
                ts.subject.append(s)
                ts.value.append(float(v))
    except (KeyError, ValueError, TypeError, yaml.YAMLError) as exc:
        raise SimsoftError(f"{path}: unreadable run folder ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    return RunResult(scenario=scenario, seed=int(manifest.get("seed", 0)), variant=manifest.get("variant"),
                     events=tuple(events), timeseries=ts, metrics=metrics)


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


def write_run_report(folder: str | os.PathLike[str], result: RunResult | None = None, *,
                     manifest: Mapping[str, Any] | None = None) -> list[str]:
    """Write figures (PNG), ``report.md`` and ``report.html`` into a run folder; return the file names.

    ``result`` defaults to the folder read back with :func:`load_run`.
    """
    from simsoft.summary import LABEL_WIDTH, summary_lines

    path = Path(folder)
    result = result if result is not None else load_run(path)
    if manifest is None and (path / "manifest.yaml").is_file():
        manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8"))
    manifest = manifest or {}
    files: list[str] = []
    figs: list[tuple[str, str]] = []
    for stem, fig in run_figures(result).items():
        name = f"{stem}.png"
        _save(fig, path / name)
        files.append(name)
        figs.append((name, _CAPTIONS.get(stem, stem)))
    rows = [(line[:LABEL_WIDTH].strip(), line[LABEL_WIDTH:].strip()) for line in summary_lines(result)]
    meta = (f"Seed {result.seed}" + (f", variant {result.variant}" if result.variant else "")
            + f"; simsoft {manifest.get('simsoft_version', '?')}, schema {manifest.get('schema_version', '?')}"
            + (f"; created {manifest['created_utc']}" if manifest.get("created_utc") else "")
            + (f"; scenario file {manifest['scenario_file']}" if manifest.get("scenario_file") else "") + ".")
    blocks: list[tuple[Any, ...]] = [("p", meta)]
    if result.scenario.description:
        blocks.append(("p", result.scenario.description))
    blocks += [("h", 1, "Summary"), ("table", ["what", "value"], rows), ("h", 1, "Figures")]
    blocks += [("fig", name, caption) for name, caption in figs]
    decisions = [e for e in result.events if e.kind.startswith("action.")]
    if decisions:
        drow = [(f"{e.t_s / 60:.1f}", e.kind.split(".", 1)[1], str(e.values.get("source", "")),
                 ", ".join(e.values.get("zones") or []) or e.values.get("connection", "") or e.values.get("unit", ""),
                 e.values.get("rejected", "")) for e in decisions]
        blocks += [("h", 1, "Decisions"), ("table", ["at (min)", "action", "by", "zones / target", "rejected"], drow)]
    mrows = [(k, _fmt(v)) for k, v in sorted(result.metrics.items())]
    blocks.append(("details", f"All metrics ({len(mrows)})", [("table", ["metric", "value"], mrows)]))
    title = f"Run report: {result.scenario.name}" + (f" [{result.variant}]" if result.variant else "")
    files += _write_doc(path, Doc(title, blocks), "report")
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


# ---------------------------------------------------------------------------------------- experiments
def experiment_figures(folder: Path, table: Any, summary: Mapping[str, Any], *, variants: Sequence[str]) -> dict[str, str]:
    """``distributions.png`` (key metrics per variant) and ``differences.png`` (paired, when > 1 variant)."""
    from simsoft import plots

    present = [v for v in variants if v in set(table.variants)]
    keys = list(summary["key_metrics"])
    out: dict[str, str] = {}
    if keys and present:
        samples = {v: {m: table.values(m, v) for m in keys} for v in present}
        fig = plots.metric_distributions(samples, metrics=keys, variants=present,
                                         title=f"{len(table.variants)} runs: distributions per variant")
        _save(fig, folder / "distributions.png")
        out["distributions"] = "distributions.png"
    if keys and summary.get("differences"):
        fig = plots.paired_differences(summary, metrics=keys)
        _save(fig, folder / "differences.png")
        out["differences"] = "differences.png"
    return out


def write_experiment_report(folder: Path, *, manifest: Mapping[str, Any], summary: Mapping[str, Any],
                            figures: Mapping[str, str]) -> list[str]:
    """``summary.md`` and a self-contained ``summary.html`` of an experiment folder."""
    keys = summary["key_metrics"]
    done, planned = manifest["runs_done"], manifest["runs_planned"]
    status = "complete" if manifest["complete"] else f"INTERRUPTED: {done} of {planned} runs finished"
    blocks: list[tuple[Any, ...]] = [("p", (
        f"Scenario {manifest['scenario_name']!r}; variants {', '.join(manifest['variants'])}; "
        f"{manifest['replications']} replications each, seed {manifest['seed']} (common random numbers: replication i "
        f"of every variant uses the same seed); {done} runs, {status}; executor {manifest['executor']}, "
        f"{manifest['elapsed_s']:.1f} s."))]
    blocks.append(("h", 1, "Key metrics per variant"))
    for m in keys:
        rows = []
        for v, per in summary["variants"].items():
            s = per["metrics"][m]
            rows.append((v, s["n"], s["missing"], _fmt(s["mean"]), f"{_fmt(s['mean_ci_low'])} - {_fmt(s['mean_ci_high'])}",
                         _fmt(s["p5"]), _fmt(s["median"]), _fmt(s["p95"]),
                         f"{_fmt(s['p95_ci_low'])} - {_fmt(s['p95_ci_high'])}"))
        blocks += [("h", 2, m), ("table", ["variant", "runs", "not reached", "mean", "95 % CI of mean", "p5",
                                           "median", "p95", "95 % CI of p95"], rows)]
    if summary.get("differences"):
        blocks.append(("h", 1, f"Paired differences to '{summary['reference']}'"))
        blocks.append(("p", "Per replication, variant minus reference with the same seed; an interval that excludes "
                            "zero marks a difference beyond replication noise at 95 % confidence."))
        rows = []
        for v, per in summary["differences"].items():
            for m in keys:
                d = per[m]
                rows.append((v, m, d["n"], _fmt(d["mean"]), f"{_fmt(d['ci_low'])} - {_fmt(d['ci_high'])}",
                             "yes" if d["significant"] else "no",
                             f"{100 * d['share_lower']:.0f} %" if d["share_lower"] is not None else "n/a"))
        blocks.append(("table", ["variant", "metric", "pairs", "mean difference", "95 % CI", "excludes 0",
                                 "runs lower"], rows))
    blocks.append(("h", 1, "Convergence"))
    verdict = ("All key metrics have converged." if summary["converged"] else
               f"More replications are needed: about {summary['replications_needed']} per variant.")
    blocks.append(("p", f"Rule: {summary['convergence_rule']}. {verdict}"))
    rows = [(v, m, c["n"], "yes" if c["converged"] else "no", c["needed"], c["reason"])
            for v, per in summary["convergence"].items() for m, c in per.items()]
    blocks.append(("table", ["variant", "metric", "runs", "converged", "runs needed", "why"], rows))
    if figures:
        blocks.append(("h", 1, "Figures"))
        caps = {"distributions": "Distributions of the key metrics per variant.",
                "differences": f"Paired differences to '{summary['reference']}' with 95 % intervals."}
        blocks += [("fig", f, caps.get(k, k)) for k, f in figures.items()]
    blocks.append(("p", "Every metric of every variant is in summary.json; every run is a row of replications.csv."))
    return _write_doc(folder, Doc(f"Experiment summary: {manifest['scenario_name']}", blocks), "summary")


# ---------------------------------------------------------------------------------------------- compare
def compare_entries(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[str, dict[str, tuple[Any, Any, Any]]]]:
    """Rows to compare: one per run folder, one per variant of an experiment folder."""
    from simsoft.experiments.runner import load_experiment

    entries: list[tuple[str, dict[str, tuple[Any, Any, Any]]]] = []
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            raise SimsoftError(f"{path}: not a folder")
        if (path / "replications.csv").is_file():
            exp = load_experiment(path)
            for v, per in exp.summary["variants"].items():
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
    from simsoft.experiments.summary import DEFAULT_KEY_METRICS

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
            cells.append(_fmt(v) + (f" [{_fmt(lo)}, {_fmt(hi)}]" if lo is not None and hi is not None else ""))
        rows.append(cells)
    folder = None
    if out_dir is not None:
        from simsoft import plots

        parent = Path(out_dir)
        parent.mkdir(parents=True, exist_ok=True)
        base = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-compare"
        tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", suffix=".partial", dir=parent))
        try:
            _save(plots.comparison(entries, metrics=chosen, title="comparison (runs: value; experiments: mean ± 95 % CI)"),
                  tmp / "comparison.png")
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(["label", *[f"{m}{s}" for m in chosen for s in ("", ".ci_low", ".ci_high")]])
            for label, d in entries:
                w.writerow([label, *[("" if x is None else repr(float(x))) for m in chosen for x in (d.get(m) or (None,) * 3)]])
            (tmp / "comparison.csv").write_text(buf.getvalue(), encoding="utf-8")
            doc = Doc("Comparison", [("p", "Runs show their value; experiments their mean with the 95 % interval "
                                           "in brackets; '-' marks a metric the run does not have."),
                                     ("table", header, rows), ("fig", "comparison.png", "Side by side.")])
            _write_doc(tmp, doc, "comparison")
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
