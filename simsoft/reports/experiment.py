"""Experiment reports: an experiment folder's figures, ``summary.md`` and self-contained ``summary.html``.

The report is written after the experiment, from what the folder holds (manifest, ``replications.csv``
and ``summary.json``): ``simsoft sweep`` calls :func:`write_experiment_report` on the folder that
:func:`~simsoft.experiments.run_experiment` returns, which lists the new files in the manifest.

>>> from simsoft import load_scenario
>>> from simsoft.experiments import Experiment, run_experiment
>>> exp = Experiment(load_scenario("scenarios/community-hall.yaml"), replications=50, seed=1)  # doctest: +SKIP
>>> write_experiment_report(run_experiment(exp, out_dir="outputs"))  # doctest: +SKIP
['distributions.png', 'differences.png', 'summary.md', 'summary.html']
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from simsoft.experiments.runner import ExperimentFolder, record_files
from simsoft.experiments.stats import meaningful, practical_threshold
from simsoft.reports.document import Doc, format_value, human_value, save_figure, write_document
from simsoft.reports.names import metric_name


def _bare(metric: str, x: Any) -> str:
    """:func:`human_value` without the word for people (table cells under a heading that names the unit)."""
    text = human_value(metric, x)
    for word in (" people", " person", " person-min"):
        text = text.removesuffix(word)
    return text


def _unit(metric: str) -> str:
    """The unit a table heading names when the cells leave it out (see :func:`_bare`)."""
    full = human_value(metric, 2.0)
    return full[len(_bare(metric, 2.0)):].strip()


def thresholds_text(metrics: Sequence[str]) -> str:
    """The practical thresholds of ``metrics`` in words, grouped by value.

    >>> thresholds_text(["egress.t95_s", "medical.deaths", "casualties.total"])
    '30 s for time until 95 % are out; half a person for deaths and casualties'
    """
    groups: dict[str, list[str]] = {}
    for m in metrics:
        t = practical_threshold(m)
        if m.endswith("_s"):
            what = f"{t:g} s" if t < 60 else f"{t / 60:g} min"
        elif m.endswith("_person_min"):
            what = f"{t:g} person-min"
        elif t == 0.5:
            what = "half a person"
        else:
            what = f"{t:g}"
        groups.setdefault(what, []).append(metric_name(m))
    return "; ".join(f"{what} for " + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0])
                     for what, names in groups.items())


def signed_value(metric: str, x: Any) -> str:
    """A difference in human units with its sign (counts are not clipped: a difference may be negative);
    a difference that rounds to nothing is written without a sign, never ``-0.0 s``.

    >>> signed_value("egress.t95_s", -90.0), signed_value("egress.t95_s", -0.01), signed_value("medical.deaths", 0.0)
    ('-1 min 30 s', '0 s', '0')
    >>> signed_value("incident.exposed_person_min", 46.2), signed_value("casualties.total", 1.1)
    ('+46', '+1.1')
    """
    if x is None:
        return format_value(x)
    x = float(x)
    if metric.endswith("_s"):
        if abs(x) < 0.05:
            return "0 s"
        return ("-" if x < 0 else "+") + human_value(metric, abs(x))
    if metric.endswith("_person_min") and abs(x) >= 10:
        return f"{x:+,.0f}"
    if abs(x) < 0.005:
        return "0"
    text = f"{x:+,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


__all__ = ["experiment_figures", "experiment_document", "write_experiment_report", "uncertainty_figures", "uncertainty_blocks",
           "conclusion_sentences", "thresholds_text", "signed_value"]


def write_experiment_report(experiment: ExperimentFolder, *, figures: bool = True) -> list[str]:
    """Draw the figures (unless ``figures`` is false) and write ``summary.md`` and ``summary.html`` into
    an experiment folder; list them in its manifest and return their names.

    Everything is drawn into a temporary folder first and moved in only when all of it succeeded.
    """
    path = experiment.path
    variants = experiment.manifest["variants"]
    summary = _in_experiment_order(experiment.summary, variants=variants)
    tmp = Path(tempfile.mkdtemp(prefix=".report.", suffix=".partial", dir=path.parent))
    try:
        drawn = experiment_figures(tmp, experiment.table, summary, variants=variants) if figures else {}
        uncertainty = _uncertainty_result(path)
        if uncertainty is not None and figures:
            drawn.update(uncertainty_figures(tmp, uncertainty))
        doc = experiment_document(manifest=experiment.manifest, summary=summary, figures=drawn, uncertainty=uncertainty)
        files = [*drawn.values(), *write_document(tmp, doc, "summary")]
        for name in files:
            os.replace(tmp / name, path / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    experiment.manifest["files"] = record_files(path, files)
    return files


def _in_experiment_order(summary: Mapping[str, Any], *, variants: Sequence[str]) -> dict[str, Any]:
    """``summary`` with variants in the experiment's order and convergence in key-metric order.

    ``summary.json`` is written with sorted keys; tables and figures list variants as the experiment
    names them (the reference first, by default) and key metrics as headlined.
    """
    keys = summary["key_metrics"]

    def ordered(per_variant: Mapping[str, Any]) -> dict[str, Any]:
        return {v: per_variant[v] for v in variants if v in per_variant}

    out = dict(summary)
    out["variants"] = ordered(summary["variants"])
    out["differences"] = ordered(summary.get("differences") or {})
    out["convergence"] = {v: {m: per[m] for m in keys if m in per} for v, per in ordered(summary["convergence"]).items()}
    return out


def experiment_figures(folder: str | os.PathLike[str], table: Any, summary: Mapping[str, Any], *, variants: Sequence[str]) -> dict[str, str]:
    """``distributions.png`` (key metrics per variant) and ``differences.png`` (paired, when > 1 variant)."""
    from simsoft import plots

    folder = Path(folder)
    present = [v for v in variants if v in set(table.variants)]
    keys = list(summary["key_metrics"])
    out: dict[str, str] = {}
    if keys and present:
        samples = {v: {m: table.values(m, v) for m in keys} for v in present}
        fig = plots.metric_distributions(samples, metrics=keys, variants=present,
                                         title=f"Key metrics per variant over {len(table.variants)} runs "
                                               "(lower is better)")
        save_figure(fig, folder / "distributions.png")
        out["distributions"] = "distributions.png"
    if keys and summary.get("differences"):
        fig = plots.paired_differences(summary, metrics=keys)
        save_figure(fig, folder / "differences.png")
        out["differences"] = "differences.png"
    return out


SCOPE = ("Scope: every variant keeps the scenario's incident script (its kind, start, zones, timing and "
         "end); the comparison is about protective measures and response decisions, never about threats.")
"""Repeated in every experiment summary: the loader refuses a variant that rewrites the incident."""


def scope_statement(manifest: Mapping[str, Any]) -> str:
    """The scope sentence, naming any variant flagged as a load sensitivity (scaled casualty intensity).

    >>> scope_statement({"variants": ["base"], "scenario": {"variants": {}}}).startswith("Scope: every variant")
    True
    """
    declared = (manifest.get("scenario") or {}).get("variants") or {}
    flagged = [v for v in manifest.get("variants", []) if (declared.get(v) or {}).get("load_sensitivity")]
    if not flagged:
        return SCOPE
    return (SCOPE + f" Load sensitivity: {', '.join(flagged)} scale(s) the casualty intensity to test how the "
            "response copes with more or fewer casualties; read those as a stress test, not as a comparison.")


UNCERTAINTY_FILE = "uncertainty.json"
"""Written by ``simsoft sweep --uncertainty`` (:mod:`simsoft.experiments.uncertainty`)."""


def _uncertainty_result(folder: Path) -> dict[str, Any] | None:
    path = folder / UNCERTAINTY_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def uncertainty_figures(folder: str | os.PathLike[str], result: Mapping[str, Any]) -> dict[str, str]:
    """``sensitivity.png`` (what drives each outcome) and ``uncertain-differences.png`` (per variant)."""
    from simsoft.plots.uncertainty import differences_over_parameters, parameter_sensitivity

    folder = Path(folder)
    out: dict[str, str] = {}
    if result.get("sensitivity"):
        save_figure(parameter_sensitivity(result), folder / "sensitivity.png")
        out["sensitivity"] = "sensitivity.png"
    fig = differences_over_parameters(result)
    if fig is not None:
        save_figure(fig, folder / "uncertain-differences.png")
        out["uncertain-differences"] = "uncertain-differences.png"
    return out


def uncertainty_blocks(result: Mapping[str, Any], *, top: int = 5) -> list[tuple[Any, ...]]:
    """The document section of a parameter-uncertainty sweep: what was sampled, the parameters that
    drive each outcome, and each variant's difference to the reference across the parameter sets."""
    sets, ref = result["sets"], result["reference"]
    blocks: list[tuple[Any, ...]] = [("h", 1, "Parameter uncertainty"), ("p", (
        f"{len(result['parameters'])} uncertain parameters were sampled over their documented ranges "
        f"(`simsoft params`) in {sets} Latin-hypercube sets; each set ran once in every variant with the same "
        f"seed. Nothing under the incident was sampled. Lower is better for every metric here. With {sets} sets, "
        "rank coefficients nearer zero than about 2/sqrt(sets) may be chance; one run per set also mixes run-to-run "
        "noise into the coefficients."))]
    rows = []
    for metric, sens in result["sensitivity"].items():
        ranked = [c for c in sens["coefficients"] if c["coefficient"] is not None and abs(c["coefficient"]) > 1e-12]
        if not ranked:
            rows.append((metric_name(metric), "(did not vary over the sets: nothing to rank)", ""))
        for c in ranked[:top]:
            rows.append((metric_name(metric), c["path"], f"{c['coefficient']:+.2f}"))
    blocks += [("h", 2, "What drives each outcome (top parameters, reference variant)"),
               ("table", ["metric", "parameter", "rank coefficient"], rows)]
    rows = []
    for v, per in result["differences"].items():
        for metric, d in per.items():
            if d["mean"] is None:
                rows.append((v, metric_name(metric), "not reached", "", "", ""))
                continue
            rows.append((v, metric_name(metric), signed_value(metric, d["mean"]),
                         f"{signed_value(metric, d['p05'])} to {signed_value(metric, d['p95'])}",
                         f"{100 * d['share_better']:.0f} %" if d["share_better"] is not None else "n/a",
                         f"{100 * d['share_worse']:.0f} %" if d["share_worse"] is not None else "n/a"))
    if rows:
        blocks += [("h", 2, f"Differences to '{ref}' across the parameter sets"),
                   ("p", "An advantage that holds in most sets survives the parameter uncertainty; one that flips "
                         "sign across the sets depends on values nobody knows well."),
                   ("table", ["variant", "metric", "mean difference", "5-95 % of sets", "better in", "worse in"], rows)]
    return blocks


def conclusion_sentences(manifest: Mapping[str, Any], summary: Mapping[str, Any], *,
                         descriptions: bool = True) -> list[str]:
    """The plain-language conclusion of an experiment: one sentence per variant that differs meaningfully
    from the reference (which key metrics, better or worse, by how much in human units), then one naming
    the variants with no meaningful difference. Metrics are named in words.

    >>> summary = {"reference": "base", "key_metrics": ["medical.deaths"], "differences": {
    ...     "a": {"medical.deaths": {"mean": -1.0, "significant": True}},
    ...     "b": {"medical.deaths": {"mean": 0.1, "significant": False}}}}
    >>> conclusion_sentences({}, summary)
    ["'a' against 'base': deaths lower (better) by 1 person.", "No meaningful difference from 'base' in any key metric: 'b'."]
    """
    ref = summary["reference"]
    declared = (manifest.get("scenario") or {}).get("variants") or {}

    def head(v: str) -> str:
        what = (declared.get(v) or {}).get("description") if descriptions else None
        return f"'{v}'" + (f" ({what.strip().rstrip('.')})" if what else "")

    lines, same = [], []
    diffs = summary.get("differences") or {}
    order = [v for v in manifest.get("variants", []) if v in diffs] + [v for v in diffs if v not in manifest.get("variants", [])]
    for v, per in ((v, diffs[v]) for v in order):
        found = []
        for m in summary["key_metrics"]:
            d = per.get(m) or {}
            if meaningful(m, d):
                word = "lower (better)" if d["mean"] < 0 else "higher (worse)"
                found.append(f"{metric_name(m)} {word} by {human_value(m, abs(d['mean']))}")
        if found:
            lines.append(f"{head(v)} against '{ref}': " + "; ".join(found) + ".")
        else:
            same.append(head(v))
    if same:
        lines.append(f"No meaningful difference from '{ref}' in any key metric: " + "; ".join(same) + ".")
    return lines or [f"One variant ('{ref}'): nothing to compare; see the tables."]


def _conclusion(manifest: Mapping[str, Any], summary: Mapping[str, Any],
                figures: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """The plain-language conclusion first, then the key figure."""
    blocks: list[tuple[Any, ...]] = [("h", 1, "Conclusion")]
    blocks += [("p", ln) for ln in conclusion_sentences(manifest, summary)]
    key = figures.get("differences") or figures.get("distributions")
    if key:
        blocks.append(("fig", key, "Key figure: each variant against the reference (lower is better)."))
    return blocks


def experiment_document(*, manifest: Mapping[str, Any], summary: Mapping[str, Any], figures: Mapping[str, str],
                        uncertainty: Mapping[str, Any] | None = None) -> Doc:
    """The summary document of an experiment; ``summary`` as computed (variants in the experiment's order)."""
    keys = summary["key_metrics"]
    done, planned = manifest["runs_done"], manifest["runs_planned"]
    status = "complete" if manifest["complete"] else f"INTERRUPTED: {done} of {planned} runs finished"
    blocks: list[tuple[Any, ...]] = [("p", (
        f"Scenario {manifest['scenario_name']!r}; variants {', '.join(manifest['variants'])}; "
        f"{manifest['replications']} replications each, seed {manifest['seed']} (common random numbers: replication i "
        f"of every variant uses the same seed); {done} runs, {status}; executor {manifest['executor']}, "
        f"{manifest['elapsed_s']:.1f} s."))]
    blocks.append(("p", scope_statement(manifest)))
    blocks = [*_conclusion(manifest, summary, figures), *blocks]
    blocks.append(("h", 1, "Key metrics per variant"))
    blocks.append(("p", "Lower is better for every key metric here (times, exposure, casualties, deaths). "
                        "Each table gives the mean with its 95 % interval and the 5th, 50th and 95th percentiles."))
    for m in keys:
        rows = []
        for v, per in summary["variants"].items():
            s = per["metrics"][m]
            def h(x: Any, m: str = m) -> str:
                return _bare(m, x)

            rows.append((v, s["n"], s["missing"], h(s["mean"]), f"{h(s['mean_ci_low'])} - {h(s['mean_ci_high'])}",
                         h(s["p5"]), h(s["median"]), h(s["p95"]), f"{h(s['p95_ci_low'])} - {h(s['p95_ci_high'])}"))
        note = "; ".join(x for x in (_unit(m), m if metric_name(m) != m else "") if x)
        # Collapsed: the conclusion and the figures carry the message; the tables are there to check it.
        blocks.append(("details", metric_name(m) + (f" ({note})" if note else ""),
                       [("table", ["variant", "runs", "not reached", "mean", "95 % CI of mean", "p5",
                                   "median", "p95", "95 % CI of p95"], rows)]))
    if summary.get("differences"):
        blocks.append(("h", 1, f"Paired differences to '{summary['reference']}'"))
        blocks.append(("p", "Per replication, variant minus reference with the same seed; an interval that excludes "
                            "zero marks a difference beyond replication noise at 95 % confidence."))
        rows, shown = [], []
        for v, per in summary["differences"].items():
            for m in keys:
                d = per[m]
                row = (v, metric_name(m), d["n"], signed_value(m, d["mean"]),
                       f"{signed_value(m, d['ci_low'])} to {signed_value(m, d['ci_high'])}",
                       "yes" if d["significant"] else "no",
                       f"{100 * d['share_lower']:.0f} %" if d["share_lower"] is not None else "n/a",
                       "yes" if meaningful(m, d) else "no")
                rows.append(row)
                if meaningful(m, d):
                    shown.append(row)
        blocks.append(("p", "'meaningful' needs both: the interval excludes zero and the mean difference is at "
                            "least the practical threshold (" + thresholds_text(keys) + ")."))
        header = ["variant", "metric", "pairs", "mean difference", "95 % CI", "excludes 0", "runs lower", "meaningful"]
        if shown:
            blocks.append(("table", header, shown))
        else:
            blocks.append(("p", "No variant differs meaningfully from the reference in any key metric."))
        blocks.append(("details", f"All paired differences ({len(rows)} rows)", [("table", header, rows)]))
    blocks.append(("h", 1, "Convergence"))
    verdict = ("All key metrics have converged." if summary["converged"] else
               f"More replications are needed: about {summary['replications_needed']} per variant.")
    blocks.append(("p", f"Rule: {summary['convergence_rule']}. {verdict}"))
    rows = [(v, metric_name(m), c["n"], "yes" if c["converged"] else "no", c["needed"], c["reason"])
            for v, per in summary["convergence"].items() for m, c in per.items()]
    blocks.append(("details", f"Convergence per variant and metric ({len(rows)} rows)",
                   [("table", ["variant", "metric", "runs", "converged", "runs needed", "why"], rows)]))
    if uncertainty is not None:
        blocks += uncertainty_blocks(uncertainty)
    if figures:
        blocks.append(("h", 1, "Figures"))
        caps = {"distributions": "Distributions of the key metrics per variant.",
                "differences": f"Paired differences to '{summary['reference']}' with 95 % intervals.",
                "sensitivity": "What drives each outcome: rank coefficients of the uncertain parameters.",
                "uncertain-differences": "Each variant's difference to the reference across the parameter sets."}
        key = figures.get("differences") or figures.get("distributions")  # already under the conclusion
        blocks += [("fig", f, caps.get(k, k)) for k, f in figures.items() if f != key]
    blocks.append(("p", "Every metric of every variant is in summary.json; every run is a row of replications.csv."))
    return Doc(f"Experiment summary: {manifest['scenario_name']}", blocks)
