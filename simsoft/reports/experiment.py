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
import math
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from simsoft.experiments.runner import ExperimentFolder, record_files
from simsoft.experiments.stats import meaningful, practical_threshold
from simsoft.i18n import N_, Translator, translator
from simsoft.reports.document import (Doc, bare_number, format_value, human_value, is_count_metric, save_figure,
                                      write_document)
from simsoft.reports.names import metric_name


def _bare(metric: str, x: Any, lang: str = "en") -> str:
    """:func:`human_value` without the word for people (table cells under a heading that names the unit)."""
    if lang != "en":
        return format_value(x, lang=lang) if x is None or not math.isfinite(float(x)) else bare_number(metric, x, lang=lang)
    text = human_value(metric, x)
    for word in (" people", " person", " person-min"):
        text = text.removesuffix(word)
    return text


def _unit(metric: str, lang: str = "en") -> str:
    """The unit a table heading names when the cells leave it out (see :func:`_bare`)."""
    if lang != "en":
        tr = translator(lang)
        return tr("people") if is_count_metric(metric) else tr("person-min") if metric.endswith("_person_min") else ""
    full = human_value(metric, 2.0)
    return full[len(_bare(metric, 2.0)):].strip()


def _pct(tr: Translator, share: float | None) -> str:
    """A share as a whole percentage (``37 %``), ``n/a`` when there is none."""
    return tr("%(pct)s %%", pct=tr.fixed(100 * share, 0)) if share is not None else tr("n/a")


def thresholds_text(metrics: Sequence[str], lang: str = "en") -> str:
    """The practical thresholds of ``metrics`` in words, grouped by value.

    >>> thresholds_text(["egress.t95_s", "medical.deaths", "casualties.total"])
    '30 s for time until 95 % are out; half a person for deaths and casualties'
    >>> thresholds_text(["egress.t95_s", "medical.deaths"], "fr")
    "30 s pour temps jusqu'à la sortie de 95 % des personnes ; une demi-personne pour décès"
    """
    tr = translator(lang)
    sec, mins, _h = tr.units
    groups: dict[str, list[str]] = {}
    for m in metrics:
        t = practical_threshold(m)
        if m.endswith("_s"):
            what = f"{tr.number(f'{t:g}')} {sec}" if t < 60 else f"{tr.number(f'{t / 60:g}')} {mins}"
        elif m.endswith("_person_min"):
            what = tr("%(value)s person-min", value=tr.number(f"{t:g}"))
        elif t == 0.5:
            what = tr("half a person")
        else:
            what = tr.number(f"{t:g}")
        groups.setdefault(what, []).append(metric_name(m, lang))
    return tr("; ").join(tr("%(threshold)s for %(metrics)s", threshold=what, metrics=tr.join_and(names))
                         for what, names in groups.items())


def signed_value(metric: str, x: Any, lang: str = "en") -> str:
    """A difference in human units with its sign (counts are not clipped: a difference may be negative);
    a difference that rounds to nothing is written without a sign, never ``-0.0 s``.

    >>> signed_value("egress.t95_s", -90.0), signed_value("egress.t95_s", -0.01), signed_value("medical.deaths", 0.0)
    ('-1 min 30 s', '0 s', '0')
    >>> signed_value("incident.exposed_person_min", 46.2), signed_value("casualties.total", 1.1)
    ('+46', '+1.1')
    >>> signed_value("egress.t95_s", -90.0, "ar"), signed_value("casualties.total", -1234.5, "fr")
    ('-1 د 30 ث', '-1\u202f234,5')
    """
    tr = translator(lang)
    if x is None:
        return format_value(x, lang=lang)
    x = float(x)
    if metric.endswith("_s"):
        if abs(x) < 0.05:
            return f"0 {tr.units[0]}"
        return ("-" if x < 0 else "+") + (human_value(metric, abs(x)) if lang == "en" else tr.duration(abs(x)))
    if metric.endswith("_person_min") and abs(x) >= 10:
        return tr.number(f"{x:+,.0f}")
    if abs(x) < 0.005:
        return "0"
    text = f"{x:+,.2f}"
    return tr.number(text.rstrip("0").rstrip(".") if "." in text else text)


__all__ = ["experiment_figures", "experiment_document", "write_experiment_report", "uncertainty_figures", "uncertainty_blocks",
           "conclusion_sentences", "thresholds_text", "signed_value"]


def write_experiment_report(experiment: ExperimentFolder, *, figures: bool = True, lang: str = "en") -> list[str]:
    """Draw the figures (unless ``figures`` is false) and write ``summary.md`` and ``summary.html`` into
    an experiment folder, in ``lang`` (:mod:`simsoft.i18n`); list them in its manifest and return their names.

    Everything is drawn into a temporary folder first and moved in only when all of it succeeded.
    """
    path = experiment.path
    variants = experiment.manifest["variants"]
    summary = _in_experiment_order(experiment.summary, variants=variants)
    tmp = Path(tempfile.mkdtemp(prefix=".report.", suffix=".partial", dir=path.parent))
    try:
        drawn = experiment_figures(tmp, experiment.table, summary, variants=variants, lang=lang) if figures else {}
        uncertainty = _uncertainty_result(path)
        if uncertainty is not None and figures:
            drawn.update(uncertainty_figures(tmp, uncertainty, lang=lang))
        doc = experiment_document(manifest=experiment.manifest, summary=summary, figures=drawn, uncertainty=uncertainty,
                                  lang=lang)
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


def experiment_figures(folder: str | os.PathLike[str], table: Any, summary: Mapping[str, Any], *, variants: Sequence[str],
                       lang: str = "en") -> dict[str, str]:
    """``distributions.png`` (key metrics per variant) and ``differences.png`` (paired, when > 1 variant)."""
    from simsoft import plots

    tr = translator(lang)
    folder = Path(folder)
    present = [v for v in variants if v in set(table.variants)]
    keys = list(summary["key_metrics"])
    out: dict[str, str] = {}
    if keys and present:
        samples = {v: {m: table.values(m, v) for m in keys} for v in present}
        fig = plots.metric_distributions(samples, metrics=keys, variants=present, lang=lang,
                                         title=tr("Key metrics per variant over %(runs)s runs (lower is better)",
                                                  runs=len(table.variants)))
        save_figure(fig, folder / "distributions.png")
        out["distributions"] = "distributions.png"
    if keys and summary.get("differences"):
        fig = plots.paired_differences(summary, metrics=keys, lang=lang)
        save_figure(fig, folder / "differences.png")
        out["differences"] = "differences.png"
    return out


SCOPE = N_("Scope: every variant keeps the scenario's incident script (its kind, start, zones, timing and "
           "end); the comparison is about protective measures and response decisions, never about threats.")
"""Repeated in every experiment summary: the loader refuses a variant that rewrites the incident."""


def scope_statement(manifest: Mapping[str, Any], lang: str = "en") -> str:
    """The scope sentence, naming any variant flagged as a load sensitivity (scaled casualty intensity).

    >>> scope_statement({"variants": ["base"], "scenario": {"variants": {}}}).startswith("Scope: every variant")
    True
    """
    tr = translator(lang)
    declared = (manifest.get("scenario") or {}).get("variants") or {}
    flagged = [v for v in manifest.get("variants", []) if (declared.get(v) or {}).get("load_sensitivity")]
    if not flagged:
        return tr(SCOPE)
    return tr(SCOPE) + " " + tr("Load sensitivity: %(variants)s scale(s) the casualty intensity to test how the response "
                                "copes with more or fewer casualties; read those as a stress test, not as a comparison.",
                                variants=", ".join(flagged))


UNCERTAINTY_FILE = "uncertainty.json"
"""Written by ``simsoft sweep --uncertainty`` (:mod:`simsoft.experiments.uncertainty`)."""


def _uncertainty_result(folder: Path) -> dict[str, Any] | None:
    path = folder / UNCERTAINTY_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def uncertainty_figures(folder: str | os.PathLike[str], result: Mapping[str, Any], *, lang: str = "en") -> dict[str, str]:
    """``sensitivity.png`` (what drives each outcome) and ``uncertain-differences.png`` (per variant)."""
    from simsoft.plots.uncertainty import differences_over_parameters, parameter_sensitivity

    folder = Path(folder)
    out: dict[str, str] = {}
    if result.get("sensitivity"):
        save_figure(parameter_sensitivity(result, lang=lang), folder / "sensitivity.png")
        out["sensitivity"] = "sensitivity.png"
    fig = differences_over_parameters(result, lang=lang)
    if fig is not None:
        save_figure(fig, folder / "uncertain-differences.png")
        out["uncertain-differences"] = "uncertain-differences.png"
    return out


def uncertainty_blocks(result: Mapping[str, Any], *, top: int = 5, lang: str = "en") -> list[tuple[Any, ...]]:
    """The document section of a parameter-uncertainty sweep: what was sampled, the parameters that
    drive each outcome, and each variant's difference to the reference across the parameter sets."""
    tr = translator(lang)
    sets, ref = result["sets"], result["reference"]
    blocks: list[tuple[Any, ...]] = [("h", 1, tr("Parameter uncertainty")), ("p", tr(
        "%(n)s uncertain parameters were sampled over their documented ranges (`simsoft params`) in %(sets)s "
        "Latin-hypercube sets; each set ran once in every variant with the same seed. Nothing under the incident was "
        "sampled. Lower is better for every metric here. With %(sets)s sets, rank coefficients nearer zero than about "
        "2/sqrt(sets) may be chance; one run per set also mixes run-to-run noise into the coefficients.",
        n=len(result["parameters"]), sets=sets))]
    rows = []
    for metric, sens in result["sensitivity"].items():
        ranked = [c for c in sens["coefficients"] if c["coefficient"] is not None and abs(c["coefficient"]) > 1e-12]
        if not ranked:
            rows.append((metric_name(metric, lang), tr("(did not vary over the sets: nothing to rank)"), ""))
        for c in ranked[:top]:
            rows.append((metric_name(metric, lang), c["path"], tr.number(f"{c['coefficient']:+.2f}")))
    blocks += [("h", 2, tr("What drives each outcome (top parameters, reference variant)")),
               ("table", [tr("metric"), tr("parameter"), tr("rank coefficient")], rows)]
    rows = []
    for v, per in result["differences"].items():
        for metric, d in per.items():
            if d["mean"] is None:
                rows.append((v, metric_name(metric, lang), tr("not reached"), "", "", ""))
                continue
            rows.append((v, metric_name(metric, lang), signed_value(metric, d["mean"], lang),
                         tr("%(low)s to %(high)s", low=signed_value(metric, d["p05"], lang),
                            high=signed_value(metric, d["p95"], lang)),
                         _pct(tr, d["share_better"]), _pct(tr, d["share_worse"])))
    if rows:
        blocks += [("h", 2, tr("Differences to '%(reference)s' across the parameter sets", reference=ref)),
                   ("p", tr("An advantage that holds in most sets survives the parameter uncertainty; one that flips "
                            "sign across the sets depends on values nobody knows well.")),
                   ("table", [tr("variant"), tr("metric"), tr("mean difference"), tr("5-95 %% of sets"), tr("better in"),
                              tr("worse in")], rows)]
    return blocks


def conclusion_sentences(manifest: Mapping[str, Any], summary: Mapping[str, Any], *,
                         descriptions: bool = True, lang: str = "en") -> list[str]:
    """The plain-language conclusion of an experiment: one sentence per variant that differs meaningfully
    from the reference (which key metrics, better or worse, by how much in human units), then one naming
    the variants with no meaningful difference. Metrics are named in words (in ``lang``).

    >>> summary = {"reference": "base", "key_metrics": ["medical.deaths"], "differences": {
    ...     "a": {"medical.deaths": {"mean": -1.0, "significant": True}},
    ...     "b": {"medical.deaths": {"mean": 0.1, "significant": False}}}}
    >>> conclusion_sentences({}, summary)
    ["'a' against 'base': deaths lower (better) by 1 person.", "No meaningful difference from 'base' in any key metric: 'b'."]
    >>> conclusion_sentences({}, summary, lang="fr")[0]
    '« a » par rapport à « base » : décès plus bas (mieux) de 1 personne.'
    """
    tr = translator(lang)
    ref = summary["reference"]
    declared = (manifest.get("scenario") or {}).get("variants") or {}

    def head(v: str) -> str:
        what = (declared.get(v) or {}).get("description") if descriptions else None
        return tr("'%(variant)s'", variant=v) + (f" ({what.strip().rstrip('.')})" if what else "")

    lines, same = [], []
    diffs = summary.get("differences") or {}
    order = [v for v in manifest.get("variants", []) if v in diffs] + [v for v in diffs if v not in manifest.get("variants", [])]
    for v, per in ((v, diffs[v]) for v in order):
        found = []
        for m in summary["key_metrics"]:
            d = per.get(m) or {}
            if meaningful(m, d):
                word = tr("lower (better)") if d["mean"] < 0 else tr("higher (worse)")
                found.append(tr("%(metric)s %(direction)s by %(amount)s", metric=metric_name(m, lang), direction=word,
                                amount=human_value(m, abs(d["mean"]), lang=lang)))
        if found:
            lines.append(tr("%(variant)s against '%(reference)s': %(differences)s.", variant=head(v), reference=ref,
                            differences=tr("; ").join(found)))
        else:
            same.append(head(v))
    if same:
        lines.append(tr("No meaningful difference from '%(reference)s' in any key metric: %(variants)s.", reference=ref,
                        variants=tr("; ").join(same)))
    return lines or [tr("One variant ('%(reference)s'): nothing to compare; see the tables.", reference=ref)]


def _conclusion(manifest: Mapping[str, Any], summary: Mapping[str, Any],
                figures: Mapping[str, str], tr: Translator) -> list[tuple[Any, ...]]:
    """The plain-language conclusion first, then the key figure."""
    blocks: list[tuple[Any, ...]] = [("h", 1, tr("Conclusion"))]
    blocks += [("p", ln) for ln in conclusion_sentences(manifest, summary, lang=tr.lang)]
    key = figures.get("differences") or figures.get("distributions")
    if key:
        blocks.append(("fig", key, tr("Key figure: each variant against the reference (lower is better).")))
    return blocks


def experiment_document(*, manifest: Mapping[str, Any], summary: Mapping[str, Any], figures: Mapping[str, str],
                        uncertainty: Mapping[str, Any] | None = None, lang: str = "en") -> Doc:
    """The summary document of an experiment; ``summary`` as computed (variants in the experiment's order)."""
    tr = translator(lang)
    keys = summary["key_metrics"]
    done, planned = manifest["runs_done"], manifest["runs_planned"]
    status = tr("complete") if manifest["complete"] else tr("INTERRUPTED: %(done)s of %(planned)s runs finished",
                                                            done=done, planned=planned)
    blocks: list[tuple[Any, ...]] = [("p", tr(
        "Scenario %(scenario)s; variants %(variants)s; %(reps)s replications each, seed %(seed)s (common random numbers: "
        "replication i of every variant uses the same seed); %(done)s runs, %(status)s; executor %(executor)s, %(elapsed)s s.",
        scenario=repr(manifest["scenario_name"]), variants=", ".join(manifest["variants"]), reps=manifest["replications"],
        seed=manifest["seed"], done=done, status=status, executor=manifest["executor"],
        elapsed=tr.fixed(manifest["elapsed_s"], 1)))]
    blocks.append(("p", scope_statement(manifest, lang)))
    blocks = [*_conclusion(manifest, summary, figures, tr), *blocks]
    blocks.append(("h", 1, tr("Key metrics per variant")))
    blocks.append(("p", tr("Lower is better for every key metric here (times, exposure, casualties, deaths). "
                           "Each table gives the mean with its 95 %% interval and the 5th, 50th and 95th percentiles.")))
    for m in keys:
        rows = []
        for v, per in summary["variants"].items():
            s = per["metrics"][m]
            def h(x: Any, m: str = m) -> str:
                return _bare(m, x, lang)

            rows.append((v, s["n"], s["missing"], h(s["mean"]), f"{h(s['mean_ci_low'])} - {h(s['mean_ci_high'])}",
                         h(s["p5"]), h(s["median"]), h(s["p95"]), f"{h(s['p95_ci_low'])} - {h(s['p95_ci_high'])}"))
        note = tr("; ").join(x for x in (_unit(m, lang), m if metric_name(m) != m else "") if x)
        # Collapsed: the conclusion and the figures carry the message; the tables are there to check it.
        blocks.append(("details", metric_name(m, lang) + (f" ({note})" if note else ""),
                       [("table", [tr("variant"), tr("runs"), tr("not reached"), tr("mean"), tr("95 %% CI of mean"),
                                   tr("p5"), tr("median"), tr("p95"), tr("95 %% CI of p95")], rows)]))
    if summary.get("differences"):
        blocks.append(("h", 1, tr("Paired differences to '%(reference)s'", reference=summary["reference"])))
        blocks.append(("p", tr("Per replication, variant minus reference with the same seed; an interval that excludes "
                               "zero marks a difference beyond replication noise at 95 %% confidence.")))
        rows, shown = [], []
        yes, no = tr("yes"), tr("no")
        for v, per in summary["differences"].items():
            for m in keys:
                d = per[m]
                row = (v, metric_name(m, lang), d["n"], signed_value(m, d["mean"], lang),
                       tr("%(low)s to %(high)s", low=signed_value(m, d["ci_low"], lang), high=signed_value(m, d["ci_high"], lang)),
                       yes if d["significant"] else no, _pct(tr, d["share_lower"]), yes if meaningful(m, d) else no)
                rows.append(row)
                if meaningful(m, d):
                    shown.append(row)
        blocks.append(("p", tr("'meaningful' needs both: the interval excludes zero and the mean difference is at "
                               "least the practical threshold (%(thresholds)s).", thresholds=thresholds_text(keys, lang))))
        header = [tr("variant"), tr("metric"), tr("pairs"), tr("mean difference"), tr("95 %% CI"), tr("excludes 0"),
                  tr("runs lower"), tr("meaningful")]
        if shown:
            blocks.append(("table", header, shown))
        else:
            blocks.append(("p", tr("No variant differs meaningfully from the reference in any key metric.")))
        blocks.append(("details", tr("All paired differences (%(n)s rows)", n=len(rows)), [("table", header, rows)]))
    blocks.append(("h", 1, tr("Convergence")))
    verdict = (tr("All key metrics have converged.") if summary["converged"] else
               tr("More replications are needed: about %(n)s per variant.", n=summary["replications_needed"]))
    blocks.append(("p", tr("Rule: %(rule)s. %(verdict)s", rule=convergence_rule_text(summary, lang), verdict=verdict)))
    rows = [(v, metric_name(m, lang), c["n"], tr("yes") if c["converged"] else tr("no"), c["needed"],
             convergence_reason(c["reason"], lang)) for v, per in summary["convergence"].items() for m, c in per.items()]
    blocks.append(("details", tr("Convergence per variant and metric (%(n)s rows)", n=len(rows)),
                   [("table", [tr("variant"), tr("metric"), tr("runs"), tr("converged"), tr("runs needed"), tr("why")], rows)]))
    if uncertainty is not None:
        blocks += uncertainty_blocks(uncertainty, lang=lang)
    if figures:
        blocks.append(("h", 1, tr("Figures")))
        caps = {"distributions": tr("Distributions of the key metrics per variant."),
                "differences": tr("Paired differences to '%(reference)s' with 95 %% intervals.",
                                  reference=summary["reference"]),
                "sensitivity": tr("What drives each outcome: rank coefficients of the uncertain parameters."),
                "uncertain-differences": tr("Each variant's difference to the reference across the parameter sets.")}
        key = figures.get("differences") or figures.get("distributions")  # already under the conclusion
        blocks += [("fig", f, caps.get(k, k)) for k, f in figures.items() if f != key]
    blocks.append(("p", tr("Every metric of every variant is in summary.json; every run is a row of replications.csv.")))
    return Doc(tr("Experiment summary: %(scenario)s", scenario=manifest["scenario_name"]), blocks, lang=lang)


def convergence_rule_text(summary: Mapping[str, Any], lang: str = "en") -> str:
    """The convergence rule of ``summary`` in words: as ``summary.json`` has it in English, else said again
    in ``lang`` from the tolerances it records."""
    from simsoft.experiments.stats import MIN_RUNS

    tol = summary.get("convergence_tolerance")
    if lang == "en" or not tol:
        return summary["convergence_rule"]
    tr = translator(lang)
    rule = tr("at least %(runs)s runs, and the %(confidence)s intervals of the mean and of the 95th percentile within "
              "±%(relative)s of their value", runs=MIN_RUNS,
              confidence=tr("%(pct)s %%", pct=tr.fixed(100 * summary.get("confidence", 0.95), 0)),
              relative=tr("%(pct)s %%", pct=tr.number(f"{100 * tol['relative']:.3g}")))
    return rule + (tr(" or ±%(absolute)s, whichever is larger", absolute=tr.number(f"{tol['absolute']:.3g}"))
                   if tol.get("absolute") else "")


_REASONS = (
    (re.compile(r"only (\d+) run\(s\) reached it; at least (\d+) are needed$"),
     N_("only %(n)s run(s) reached it; at least %(min)s are needed"), ("n", "min")),
    (re.compile(r"mean and 95th percentile within ([\d.e+-]+)%(?: or ±([\d.e+-]+))? after (\d+) runs$"),
     N_("mean and 95th percentile within %(within)s after %(n)s runs"), ("pct", "abs", "n")),
    (re.compile(r"(\d+) of at least (\d+) runs$"), N_("%(n)s of at least %(min)s runs"), ("n", "min")),
    (re.compile(r"mean ±(\S+) exceeds ±(\S+)$"), N_("mean ±%(half)s exceeds ±%(tol)s"), ("half", "tol")),
    (re.compile(r"95th percentile ±(\S+) exceeds ±(\S+)$"), N_("95th percentile ±%(half)s exceeds ±%(tol)s"),
     ("half", "tol")),
)
"""The reasons :func:`simsoft.experiments.stats.convergence` writes into ``summary.json`` (in English), as patterns."""


def convergence_reason(reason: str, lang: str = "en") -> str:
    """A convergence reason of ``summary.json`` in ``lang`` (a reason of another form stays as written).

    >>> convergence_reason("6 of at least 50 runs; mean ±0.81 exceeds ±0.1", "fr")
    '6 sur au moins 50 simulations ; moyenne ±0,81 au-delà de ±0,1'
    """
    if lang == "en":
        return reason
    tr = translator(lang)
    out = []
    for part in reason.split("; ") if not reason.startswith("only ") else [reason]:
        for pattern, message, names in _REASONS:
            m = pattern.match(part)
            if m:
                values = {k: tr.number(v) if v is not None else None for k, v in zip(names, m.groups())}
                if "pct" in values:
                    within = tr("%(pct)s %%", pct=values.pop("pct"))
                    extra = values.pop("abs")
                    values["within"] = within + (tr(" or ±%(absolute)s", absolute=extra) if extra else "")
                out.append(tr(message, **values))
                break
        else:
            out.append(part)
    return tr("; ").join(out)
