"""The ``simsoft`` command line: parse, call the library, print. Nothing else lives here.

A user error prints one red line (plus the list of problems of a file) and exits 1; ``--debug``
shows the traceback instead. Other packages add command groups through the ``simsoft.commands``
entry-point group (the facilitator's ``exercise`` group joins this way).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import textwrap
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path

import click

from simsoft.errors import ScenarioError, SimsoftError
from simsoft.experiments.stats import DEFAULT_MAX_REPS, REL_TOL
from simsoft.rng import DEFAULT_SEED

__all__ = ["main", "cli", "fail", "FiniteFloat"]


class FiniteFloat(click.FloatRange):
    """A float option that must be a finite number (click's FloatRange lets ``nan`` through every bound,
    and ``inf`` through an open upper one)."""

    name = "finite float"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        number = click.types.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


class _Group(click.Group):
    """Turns user errors into one red line unless ``--debug`` is given."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SimsoftError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            fail(exc)
        except BrokenPipeError:
            # The reader went away (`simsoft params ... | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.secho(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), fg="red", err=True)
            sys.exit(1)


def fail(exc: SimsoftError) -> None:
    """Print a user error as red lines (one per problem of a file) and exit 1; plug-in groups use it too."""
    if isinstance(exc, ScenarioError) and len(exc.problems) > 1:
        click.secho(f"error: {len(exc.problems)} problems", fg="red", err=True)
        for p in exc.problems:
            click.secho(f"  {p}", fg="red", err=True)
    else:
        click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(package_name="simsoft")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """simsoft: simulate incidents at soft-target venues for tabletop exercises.

    Validate a scenario, run it with a seed, and read the run folder it writes.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
def validate(files: tuple[str, ...]) -> None:
    """Check scenario (or venue) FILES: schema, references, reachability, variants.

    Prints every problem with file, line, field, value and rule; exits 1 if any file has one.
    """
    from simsoft.loader import validate_file

    _validate_each(files, validate_file)


def _validate_each(files: tuple[str, ...], check: Callable[[str], str]) -> None:
    """Run ``check`` on every file: ``ok`` and what it is, or every problem in red; exit 1 if any file failed.

    ``check`` returns the text shown after ``ok`` and may print warnings itself; it raises ScenarioError.
    """
    bad = 0
    for f in files:
        try:
            what = check(f)
        except ScenarioError as exc:
            bad += 1
            for p in exc.problems:
                click.secho(str(p), fg="red", err=True)
        else:
            click.echo(f"ok  {f}  ({what})")
    if bad:
        click.secho(f"error: {bad} of {len(files)} file(s) invalid", fg="red", err=True)
        sys.exit(1)


@cli.command("run")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=str))
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True, help="Seed of the run.")
@click.option("--variant", default=None, help="Name of a variant of the scenario to apply.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the run folder is written.")
@click.option("--report/--no-report", default=True, show_default=True,
              help="Also write figures (PNG), report.md and a self-contained report.html.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of what is printed and of the report and its figures: en, ar or fr "
                   "(default: $SIMSOFT_LANG, else en). The run folder's data files do not change.")
def run_cmd(scenario: str, seed: int, variant: str | None, out_dir: str, report: bool, lang: str | None) -> None:
    """Simulate SCENARIO, write a run folder and print what happened, then the details.

    The folder OUT/<scenario>/<UTC time>-s<seed>[-<variant>]/ holds manifest.yaml, events.jsonl,
    metrics.json and timeseries.csv, plus figures, report.md and report.html. The same scenario,
    seed and variant give byte-identical events.jsonl and metrics.json.
    """
    from simsoft import load_scenario, run
    from simsoft.i18n import default_language, translator
    from simsoft.reports.names import in_language
    from simsoft.reports.summary import LABEL_WIDTH, RUN_FOLDER, conclusion_lines, summary_lines
    from simsoft.runfolder import write_run

    lang = default_language(lang)  # an unknown language is refused before anything runs
    loaded = load_scenario(scenario)
    result = run(loaded, seed=seed, variant=variant)
    extra = None
    if report:
        from simsoft.reports import write_run_report

        def extra(tmp: Path) -> list[str]:
            return write_run_report(tmp, result, lang=lang)

    folder = write_run(result, out_dir=out_dir, extra=extra)
    said = dataclasses.replace(result, scenario=in_language(result.scenario, lang))  # places named in the language
    for line in [*conclusion_lines(said, lang=lang), ""]:  # what happened first, then the details
        click.echo(line)
    for line in summary_lines(said, lang):
        click.echo(line)
    click.echo(f"{translator(lang)(RUN_FOLDER).ljust(LABEL_WIDTH)} {folder}")


def _names(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=str))
@click.option("--variants", default=None, help="Comma-separated variants to run ('base' is the scenario as written); "
              "default: base and every variant. The first is the reference of the differences.")
@click.option("--reps", type=click.IntRange(min=1), default=50, show_default=True, help="Replications per variant.")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
              help="Experiment seed; replication seeds derive from it.")
@click.option("--executor", type=click.Choice(["serial", "processes", "dask"]), default="processes",
              show_default=True, help="Where runs execute.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--scheduler", default=None, help="Address of a Dask scheduler (tcp://host:8786); without it the "
              "dask executor starts a local cluster.")
@click.option("--metrics", default=None, help="Comma-separated key metrics to headline, plot and check for convergence.")
@click.option("--tolerance", "rel_tol", type=FiniteFloat(min=0, min_open=True, max=1), default=REL_TOL,
              show_default=True, help="Convergence: the 95% intervals of the mean and the 95th percentile within "
              "this share of their value.")
@click.option("--abs-tolerance", "abs_tol", type=FiniteFloat(min=0), default=0.0, show_default=True,
              help="Convergence: ... or within this many units, whichever is larger (for metrics near zero, "
              "such as deaths).")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the experiment folder is written.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
@click.option("--until-converged", is_flag=True, default=False,
              help="Adaptive replication: --reps is the first batch; batches follow until every key metric of a "
              "variant passes the convergence check (--tolerance, --abs-tolerance) or the variant reached --max-reps "
              "runs. Deterministic for a seed on every executor.")
@click.option("--max-reps", type=click.IntRange(min=1), default=DEFAULT_MAX_REPS, show_default=True,
              help="With --until-converged: the most replications of a variant.")
@click.option("--uncertainty", "sets", type=click.IntRange(min=3), default=None,
              help="Parameter uncertainty instead of replications: sample N parameter sets of the ranged "
              "parameters (`simsoft params`), run each in every variant with one seed, and report sensitivity "
              "and paired differences (uncertainty.json, parameters.csv). --reps is then ignored.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of the summary, its figures and the lines printed: en, ar or fr (default: $SIMSOFT_LANG, "
              "else en).")
def sweep(scenario: str, variants: str | None, reps: int, seed: int, executor: str, workers: int | None,
          scheduler: str | None, metrics: str | None, rel_tol: float, abs_tol: float, out_dir: str,
          progress: bool, until_converged: bool, max_reps: int, sets: int | None, lang: str | None) -> None:
    """Run REPS replications of each variant of SCENARIO and write an experiment folder.

    Replication i of every variant uses the same seed (common random numbers). The folder
    OUT/<scenario>/<UTC time>-sweep-s<seed>/ holds manifest.yaml, replications.csv (byte-identical
    whichever executor ran it), summary.json, figures, summary.md and summary.html. Ctrl-C stops
    cleanly and keeps the runs already finished. With --until-converged, REPS is the first batch and
    each variant runs until its key metrics converge or it reaches --max-reps runs. --lang writes summary.md,
    summary.html and the figures in Arabic (right to left) or French; the data files are the same in every language.
    """
    from simsoft import load_scenario
    from simsoft.experiments import Experiment, run_experiment
    from simsoft.i18n import default_language, translator
    from simsoft.reports import write_experiment_report
    from simsoft.reports.document import human_value
    from simsoft.reports.experiment import conclusion_sentences
    from simsoft.reports.names import metric_name

    lang = default_language(lang)  # an unknown language is refused before anything runs
    tr = translator(lang)
    if sets is not None and until_converged:
        raise SimsoftError("--until-converged is for replications, not --uncertainty")
    if sets is not None:
        _uncertainty(scenario, variants=_names(variants), sets=sets, seed=seed, executor=executor, workers=workers,
                     scheduler=scheduler, metrics=_names(metrics), out_dir=out_dir, progress=progress, lang=lang)
        return
    exp = Experiment(load_scenario(scenario), variants=_names(variants), replications=reps, seed=seed)
    folder = run_experiment(exp, out_dir=out_dir, executor=executor, workers=workers, scheduler=scheduler,
                            progress=progress, metrics=_names(metrics), rel_tol=rel_tol, abs_tol=abs_tol,
                            until_converged=until_converged, max_reps=max_reps)
    write_experiment_report(folder, lang=lang)
    s = folder.summary
    # The conclusion first (as summary.md has it), then each key metric's mean [95 % CI] per variant.
    for sentence in conclusion_sentences(folder.manifest, s, descriptions=False, lang=lang):
        click.echo("\n".join(textwrap.wrap(sentence, 100, subsequent_indent="  ", break_on_hyphens=False)))
    click.echo("")
    present = [v for v in folder.manifest["variants"] if v in s["variants"]]
    width = max(len(v) for v in present) if present else 0
    for m in s["key_metrics"]:
        click.echo(tr("%(metric)s (mean [95 %% CI]):", metric=metric_name(m, lang)))
        for v in present:
            st = s["variants"][v]["metrics"][m]
            click.echo(f"  {v.ljust(width)}  "
                       f"{human_value(m, st['mean'], low=st['mean_ci_low'], high=st['mean_ci_high'], lang=lang)}")
    click.echo("\n".join(textwrap.wrap(tr("convergence: %(verdict)s", verdict=_verdict(s, lang)), 100,
                                       subsequent_indent="  ")))
    adaptive = folder.manifest.get("until_converged")
    if adaptive:
        for v, p in adaptive["variants"].items():
            if p["converged"]:
                click.echo(f"{v}: converged after {p['runs']} runs; last to converge: {p['last_to_converge']}")
            else:
                click.echo(f"{v}: not converged after {p['runs']} runs (cap {adaptive['max_reps']}): "
                           f"{', '.join(p['not_converged'])}")
    click.echo(tr("experiment folder: %(path)s", path=folder.path))
    if not folder.complete:
        click.secho(f"interrupted: kept {folder.runs_done} of {folder.manifest['runs_planned']} runs", fg="yellow", err=True)
        sys.exit(130)


def _uncertainty(scenario: str, *, variants: list[str] | None, sets: int, seed: int, executor: str,
                 workers: int | None, scheduler: str | None, metrics: list[str] | None, out_dir: str,
                 progress: bool, lang: str = "en") -> None:
    from simsoft import load_scenario
    from simsoft.i18n import translator
    from simsoft.experiments.uncertainty import UNCERTAINTY_JSON, UncertaintyExperiment, run_uncertainty
    from simsoft.reports import write_experiment_report
    from simsoft.reports.experiment import signed_value as _signed
    from simsoft.reports.names import metric_name

    exp = UncertaintyExperiment(load_scenario(scenario), variants=variants, sets=sets, seed=seed)
    folder = run_uncertainty(exp, out_dir=out_dir, executor=executor, workers=workers, scheduler=scheduler,
                             progress=progress, metrics=metrics)
    write_experiment_report(folder, lang=lang)
    tr = translator(lang)
    u = json.loads((folder.path / UNCERTAINTY_JSON).read_text(encoding="utf-8"))

    def pct(share: float) -> str:
        return f"{share:.0%}" if lang == "en" else tr("%(pct)s %%", pct=tr.fixed(100 * share, 0))

    click.echo(tr("%(n)s parameters x %(sets)s sets (Latin hypercube, seed %(seed)s); reference %(reference)s",
                  n=len(exp.parameters), sets=sets, seed=seed, reference=u["reference"]))
    click.echo(tr("what drives each outcome (rank coefficient; + means the outcome rises with the parameter):"))
    for m, sens in u["sensitivity"].items():
        top = ", ".join(f"{c['path']} {tr.number(format(c['coefficient'], '+.2f'))}" for c in sens["coefficients"][:3]
                        if c["coefficient"] is not None and abs(c["coefficient"]) > 1e-12)
        click.echo(f"  {metric_name(m, lang)}: " + (top or tr("did not vary over the sets")))
    for v, per in u["differences"].items():
        click.echo(tr("%(variant)s - %(reference)s over the parameter sets (mean, 5-95 %% of sets):", variant=v,
                      reference=u["reference"]))
        for m, d in per.items():
            if d["mean"] is None:
                continue
            click.echo(f"  {metric_name(m, lang)}: " + tr(
                "%(mean)s [%(low)s, %(high)s], better in %(better)s of sets, worse in %(worse)s",
                mean=_signed(m, d["mean"], lang), low=_signed(m, d["p05"], lang), high=_signed(m, d["p95"], lang),
                better=pct(d["share_better"]), worse=pct(d["share_worse"])))
    click.echo(tr("experiment folder: %(path)s", path=folder.path))


@cli.command("params")
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=str))
def params_cmd(scenario: str) -> None:
    """List the ranged (uncertain) parameters of SCENARIO: override path, value, low, high, source.

    Paths are those a variant's `set:` accepts; durations are in seconds. Nothing under `incident` is
    ever listed: the incident is a scripted input. `simsoft sweep --uncertainty N` samples these.
    """
    from simsoft import load_scenario
    from simsoft.experiments.parameters import list_parameters

    rows = [("path", "value", "low", "high", "source")]
    for p in list_parameters(load_scenario(scenario)):
        rows.append((p.path, f"{p.value:.4g}", f"{p.low:.4g}", f"{p.high:.4g}", p.source))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4])


def _verdict(summary: dict, lang: str = "en") -> str:
    """One line on convergence, naming the check that needs the most replications."""
    from simsoft.i18n import translator
    from simsoft.reports.experiment import convergence_reason

    tr = translator(lang)
    if summary["converged"]:
        return tr("converged")
    checks = [(c["needed"], v, m, c["reason"]) for v, per in summary["convergence"].items() for m, c in per.items()
              if not c["converged"]]
    if not checks:
        return tr("not converged: no key metric to check")
    _, v, m, why = max(checks, key=lambda c: c[0])
    return tr("not converged: about %(n)s replications needed (most for %(metric)s in %(variant)s: %(why)s; see summary.md)",
              n=summary["replications_needed"], metric=m, variant=v, why=convergence_reason(why, lang))


@cli.command("compare")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--metrics", default=None, help="Comma-separated metrics to compare (default: the key metrics).")
@click.option("--out", "out_dir", default="outputs/comparisons", show_default=True,
              type=click.Path(file_okay=False, path_type=str),
              help="Folder under which comparison.md/.html/.csv/.png are written.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of comparison.md/.html, the figure and the table printed: en, ar or fr (default: "
              "$SIMSOFT_LANG, else en). comparison.csv is the same in every language.")
def compare_cmd(paths: tuple[str, ...], metrics: str | None, out_dir: str, lang: str | None) -> None:
    """Put run folders and experiment folders (PATHS) side by side in a table and a figure."""
    from simsoft.i18n import default_language, translator
    from simsoft.reports import compare

    from simsoft.reports.names import label_words

    lang = default_language(lang)
    tr = translator(lang)
    header, rows, folder = compare(list(paths), metrics=_names(metrics), out_dir=out_dir, lang=lang)
    rows = [[label_words(str(r[0]), lang), *r[1:]] for r in rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    if sum(widths) + 2 * (len(widths) - 1) <= 100:
        for r in [header, *rows]:
            click.echo("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    else:  # too wide for a terminal: one block per run / experiment row, one metric (in words) a line
        from simsoft.reports.names import metric_name

        names = [metric_name(h, lang) for h in header[1:]]
        label_w = max(len(h) for h in names)
        for r in rows:
            for line in [str(r[0]), *(f"  {h.ljust(label_w)}  {c}" for h, c in zip(names, r[1:]))]:
                click.echo(line if len(line) <= 100 else line[:97] + "...")
    click.echo(tr("comparison folder: %(path)s", path=folder))


@cli.command("report")
@click.argument("run_folder", type=click.Path(path_type=str))
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of the report and its figures: en, ar or fr (default: $SIMSOFT_LANG, else en).")
def report_cmd(run_folder: str, lang: str | None) -> None:
    """(Re)build the figures, report.md and report.html of RUN_FOLDER from its files (no re-simulation)."""
    from simsoft.i18n import default_language
    from simsoft.reports import rebuild_run_report

    files = rebuild_run_report(run_folder, default_language(lang))
    click.echo(f"wrote {len(files)} files into {run_folder}: {', '.join(files)}")


@cli.command()
@click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Write the schema to this file instead of printing it.")
def schema(out_file: str | None) -> None:
    """Print the JSON Schema of scenario files (editors use it for autocompletion)."""
    from simsoft.docs import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2, sort_keys=False) + "\n"
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("folder", default="scenarios", type=click.Path(file_okay=False, path_type=str))
def scenarios(folder: str) -> None:
    """List the scenarios in FOLDER (default: ./scenarios) with their one-line description."""
    from simsoft.catalog import list_scenarios

    entries = list_scenarios(folder)
    if not entries:
        raise SimsoftError(f"no scenario files in {folder!r} (run this from a simsoft checkout, or name a folder)")
    width = max(len(e.path) for e in entries)
    for e in entries:
        note = e.description if e.ok else f"INVALID: {e.description}"
        click.echo(f"{e.path.ljust(width)}  {note}")


@cli.command()
@click.argument("name")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the new scenario file into.")
@click.option("--venue", "venue_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Start on this venue file (e.g. one written by `simsoft venue import`): the scenario imports it "
              "and puts people, a placeholder incident and responders on its zones.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, folder: str, venue_file: str | None, force: bool) -> None:
    """Write a commented starter scenario NAME.yaml that a trainer can edit."""
    from simsoft.schema.common import slug

    target = Path(folder) / f"{slug(name)}.yaml"
    if target.exists() and not force:
        raise SimsoftError(f"{target} exists; use --force to overwrite it")
    if venue_file is not None:
        from simsoft.plans.starter import starter_on_venue

        text = starter_on_venue(name, venue_file=venue_file, target=target)
    else:
        template = resources.files("simsoft").joinpath("templates/starter.yaml").read_text(encoding="utf-8")
        text = template.format(name=name, file=target.as_posix())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}; next: simsoft validate {target.as_posix()}")


@cli.group("region", cls=_Group)
def region_group() -> None:
    """City-wide exercises: several venues on a road network sharing police, ambulances and hospitals."""


@region_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
def region_validate(files: tuple[str, ...]) -> None:
    """Check region FILES: schema, road graph, sites' scenarios, shared resources, variants.

    Prints every problem with file, line, field, value and rule; exits 1 if any file has one. Roads from a
    GeoJSON extract are checked feature by feature; what the extract leaves out and places far from any road
    are printed as warnings.
    """
    from simsoft.region import load_region

    def check(f: str) -> str:
        loaded = load_region(f)
        for line in loaded.warnings:
            click.secho(f"warning: {line}", fg="yellow", err=True)
        r = loaded.region
        return (f"region: {len(r.sites)} sites, {len(r.roads.nodes)} road nodes, {len(r.hospitals)} hospitals, "
                f"{len(r.variants)} variants")

    _validate_each(files, check)


@region_group.command("run")
@click.argument("region", type=click.Path(dir_okay=False, path_type=str))
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True, help="Seed of the run.")
@click.option("--variant", default=None, help="Name of a variant of the region to apply.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the run folder is written.")
@click.option("--map/--no-map", "draw_map", default=True, show_default=True, help="Also draw the regional map (PNG).")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of summary.md, the map and the lines printed (the data files do not change): en, ar or fr "
              "(default: $SIMSOFT_LANG, else en).")
def region_run(region: str, seed: int, variant: str | None, out_dir: str, draw_map: bool, lang: str | None) -> None:
    """Simulate every site of REGION in one run, write a run folder and print the regional summary.

    The folder OUT/<region>/<UTC time>-s<seed>[-<variant>]/ holds manifest.yaml (the seed of every site),
    events.jsonl (every record with its site), metrics.json (regional metrics), summary.md,
    sites/<id>/metrics.json, sites/<id>/scenario.yaml (as the site ran it) and region-map.png. The same
    region, seed and variant give byte-identical events.jsonl and metrics.json. The region's scripted
    decisions (actions, or a variant's) are applied and listed in the summary. --lang writes summary.md, the map
    and the lines printed in Arabic or French; the data files are the same in every language.
    """
    from simsoft.i18n import default_language, translator
    from simsoft.region import load_region, run_region
    from simsoft.region.output import summary_lines, write_region_run
    from simsoft.reports.summary import RUN_FOLDER

    lang = default_language(lang)  # an unknown language is refused before anything runs
    loaded = load_region(region)
    for line in loaded.warnings:
        click.secho(f"warning: {line}", fg="yellow", err=True)
    result = run_region(loaded, seed=seed, variant=variant)
    extra = None
    if draw_map:
        def extra(tmp: Path) -> list[str]:
            from simsoft.plots.region import save_region_map

            save_region_map(result, tmp / "region-map.png", lang=lang)
            return ["region-map.png"]

    folder = write_region_run(result, out_dir=out_dir, extra=extra, lang=lang)
    for line in summary_lines(result, lang):
        click.echo(line)
    click.echo("")
    click.echo(f"{translator(lang)(RUN_FOLDER)} {folder}")


@region_group.command("sweep")
@click.argument("region", type=click.Path(dir_okay=False, path_type=str))
@click.option("--variants", default=None, help="Variants to compare, separated by commas (default: base and every "
              "variant of the region); the first is the reference of the paired differences.")
@click.option("--reps", type=click.IntRange(min=1), default=20, show_default=True, help="Replications per variant.")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
              help="Sweep seed (replication seeds derive from it; every variant of a replication uses the same).")
@click.option("--executor", type=click.Choice(["serial", "processes", "dask"]), default="processes", show_default=True,
              help="Where runs execute.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--scheduler", default=None, help="Address of a Dask scheduler (tcp://host:8786); without it the "
              "dask executor starts a local cluster.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the sweep folder is written.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of summary.md and the lines printed (the data files do not change): en, ar or fr "
              "(default: $SIMSOFT_LANG, else en).")
def region_sweep(region: str, variants: str | None, reps: int, seed: int, executor: str, workers: int | None,
                 scheduler: str | None, out_dir: str, lang: str | None) -> None:
    """Run REPS seeded replications of REGION's response variants and compare them.

    Every variant of a replication meets the same incidents (common random numbers; region variants change
    the response only). Writes OUT/<region>/sweep-<UTC time>-s<seed>/ with replications.csv (regional metrics,
    one row per run), summary.json and summary.md (key metrics per variant, paired differences to the first).
    --lang writes summary.md and the lines printed in Arabic or French; the data files are the same in every language.
    """
    from simsoft.i18n import default_language, translator
    from simsoft.region import load_region
    from simsoft.region.sweep import sweep_region

    lang = default_language(lang)  # an unknown language is refused before anything runs
    names = [v.strip() for v in variants.split(",") if v.strip()] if variants else None
    folder = sweep_region(load_region(region), variants=names, replications=reps, seed=seed, executor=executor,
                          workers=workers, scheduler=scheduler, out_dir=out_dir, lang=lang)
    click.echo((folder / "summary.md").read_text(encoding="utf-8").rstrip())
    click.echo("")
    tr = translator(lang)
    click.echo(tr("sweep folder %(path)s", path=folder))


@cli.group("venue", cls=_Group)
def venue_group() -> None:
    """Build a venue from a floor plan and check it (DXF drawings, indoor GeoJSON)."""


@venue_group.command("import")
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--to", "to_file", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="Venue file to write (YAML, loadable with `import:` from a scenario).")
@click.option("--layers", default=None, help="DXF layer names, ROLE=LAYER separated by commas; roles rooms, labels, "
              "doors, exits, stairs (default rooms=A-AREA,labels=A-AREA-IDEN,doors=A-DOOR,exits=A-DOOR-EXIT,stairs=A-FLOR-STRS).")
@click.option("--level-from", "level_from", default=None, metavar="SOURCES",
              help="Where a DXF gives each entity's floor besides `level: N` room labels, comma separated: "
              "`layer` (layer names ending -L1, -L-1), `layer:TOKEN` (TOKEN with {level}, e.g. L{level}- for L1-A-AREA), "
              "`attribute` or `attribute:TAG` (a floor block inserted with a LEVEL or TAG attribute). "
              "Default: label,attribute.")
@click.option("--units", type=click.Choice(["m", "cm", "mm", "ft", "in"]), default=None,
              help="Unit of the drawing when its header names none (DXF), or of planar GeoJSON coordinates "
              "(default: the DXF header; GeoJSON longitude/latitude).")
@click.option("--min-width", "min_width", type=FiniteFloat(min=0.0, max=10.0), default=0.8, show_default=True,
              help="Doors and stairs narrower than this (m) are reported (and kept as drawn).")
@click.option("--snap", type=FiniteFloat(min=0.0, max=2.0), default=0.3, show_default=True,
              help="How far (m) a door may lie from a room outline and still open into it: half the thickest wall.")
@click.option("--riser-mm", type=FiniteFloat(min=50.0, max=400.0), default=178.0, show_default=True,
              help="Riser height of every stair (SFPE default 178 mm).")
@click.option("--tread-mm", type=FiniteFloat(min=100.0, max=1000.0), default=279.0, show_default=True,
              help="Tread depth of every stair (SFPE default 279 mm).")
@click.option("--force", is_flag=True, help="Overwrite an existing venue file.")
def venue_import(plan: str, to_file: str, layers: str | None, level_from: str | None, units: str | None,
                 min_width: float, snap: float, riser_mm: float, tread_mm: float, force: bool) -> None:
    """Make a venue file from the floor plan PLAN (.dxf or .geojson).

    Closed room outlines become zones (area from the outline), doors become connections between the
    two rooms they touch (width from the door line, block or `width` tag), doors on the outside wall
    become exits, stairs join the rooms at their ends. Every inferred value and everything left out is
    printed with the entity it comes from (DXF layer and handle, GeoJSON feature id). Needs the `plans`
    extra: pip install "simsoft[plans]".
    """
    from simsoft.plans import Layers, LevelRule, import_plan, write_venue

    target = Path(to_file)
    if target.exists() and not force:
        raise SimsoftError(f"{target} exists; use --force to overwrite it")
    try:
        parsed = Layers.parse(layers)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--layers") from None
    try:
        rule = LevelRule.parse(level_from)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--level-from") from None
    venue, report = import_plan(plan, layers=parsed, levels=rule, units=units, min_width_m=min_width, snap_m=snap,
                                riser_mm=riser_mm, tread_mm=tread_mm)
    for f in report.findings:
        click.secho(f"{plan}: {f}", fg="yellow" if f.severity == "warning" else None, err=f.severity == "warning")
    write_venue(venue, target, source=plan, report=report)
    v = venue["venue"]
    click.echo(f"wrote {target}: {len(v['zones'])} zones, {len(v['connections'])} connections, {len(v['exits'])} exits; "
               f"next: simsoft venue check {target.as_posix()}")


@venue_group.command("check")
@click.argument("venue_file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--density", type=FiniteFloat(min=0.1, max=10.0), default=2.0, show_default=True,
              help="Occupant density (people per m^2 of zone) for the occupant load.")
@click.option("--out", "out_dir", default="outputs/venue-check", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Folder for the PNG and HTML.")
def venue_check(venue_file: str, density: float, out_dir: str) -> None:
    """Draw VENUE_FILE (a venue or a scenario) to PNG and HTML and print its capacity.

    The picture shows zones to scale (outlines when the venue has them) with names, areas and
    occupant loads, doors with widths, exits with their SFPE capacity, stairs and the route graph,
    one panel per level. The summary gives the occupant load per zone at DENSITY, each exit's
    capacity (effective width x SFPE maximum specific flow) and a hydraulic evacuation estimate.
    A door whose `at` lies more than 1 m from the outline of a zone it opens into is reported.
    """
    from simsoft.plans.capacity import format_summary
    from simsoft.plans.check import check_venue

    summary, files = check_venue(venue_file, out_dir=out_dir, density_p_m2=density)
    for line in format_summary(summary):
        click.echo(line)
    from simsoft.plans.check import load_venue
    from simsoft.plans.layout import misplaced_doors

    for line in misplaced_doors(load_venue(venue_file)):
        click.secho(f"warning: {line}", fg="yellow", err=True)
    for f in files:
        click.echo(f"wrote {f}")


@cli.command()
@click.option("--markdown", "markdown_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Also write the results as Markdown (docs/verification.md is made this way).")
def verify(markdown_file: str | None) -> None:
    """Run the egress verification suite (IMO MSC.1/Circ.1533, RiMEA, NIST TN 1822, SFPE hand calculations).

    Prints a pass/fail table with expected value, tolerance and source of every case; exits 1 if any fails.
    """
    from simsoft.verification import format_table, run_verification, write_markdown

    results = run_verification()
    click.echo(format_table(results))
    if markdown_file:
        write_markdown(results, markdown_file)
        click.echo(f"wrote {markdown_file}")
    failed = [r for r in results if not r.passed]
    if failed:
        click.secho(f"error: {len(failed)} verification case(s) failed", fg="red", err=True)
        sys.exit(1)


@cli.command("validate-model")
@click.option("--only", default=None, help="Comma-separated case ids to run (default: every shipped case).")
@click.option("--reps", type=click.IntRange(min=1), default=None,
              help="Replications per case (default: each case's own, at least 200); with --library, per scenario (default 200).")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
              help="Seed; replication seeds derive from it.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--library", "library", is_flag=True,
              help="Instead of the cases: run every shipped scenario's base variant and set its outcomes against "
              "the reference ranges of published incidents (flags, never a failure).")
@click.option("--scenarios", "folder", default="scenarios", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Scenario folder for --library.")
@click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Also write the results: .json (every number) or .md (the tables).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
def validate_model(only: str | None, reps: int | None, seed: int, workers: int | None, library: bool, folder: str,
                   out_file: str | None, progress: bool) -> None:
    """Compare the response-side models with published incidents (validation suite).

    Verification (`simsoft verify`) checks that the code computes the model correctly. Validation
    checks the model against what happened: each case re-creates a real incident's documented
    circumstances (London 7/7, Manchester Arena, Boston Marathon, ...), runs it >= 200 times and
    compares a simulated outcome with the published figure inside a stated band.

    A CALIBRATION case uses a figure that set a default (e.g. the FBI 3-minute police median): it
    is shown, as a check that the default still reproduces its source, but never counts as
    validation. Only VALIDATION cases (independent figures) decide the exit status: 1 when one fails.
    """
    from simsoft.experiments.progress import Progress
    from simsoft.validation import format_library, format_suite, run_library, run_suite
    from simsoft.validation.table import library_json, library_markdown, suite_json, suite_markdown

    bar: list[Progress] = []

    def start(total: int) -> None:
        bar.append(Progress(total, enabled=progress))

    def done(n: int) -> None:
        bar[0].update(n)

    if library:
        lib = run_library(folder, reps=reps or 200, seed=seed, workers=workers, on_start=start, on_done=done)
        if bar:
            bar[0].close()
        click.echo(format_library(lib))
        if out_file:
            text = library_json(lib) if out_file.endswith(".json") else library_markdown(lib)
            Path(out_file).write_text(text, encoding="utf-8")
            click.echo(f"wrote {out_file}")
        return
    result = run_suite(only=_names(only), reps=reps, seed=seed, workers=workers, on_start=start, on_done=done)
    if bar:
        bar[0].close()
    click.echo(format_suite(result))
    if out_file:
        text = suite_json(result) if out_file.endswith(".json") else suite_markdown(result)
        Path(out_file).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}")
    for r in result.calibration_drifted:
        click.secho(f"warning: calibration {r.id} no longer reproduces its source ({r.comparison.figure})",
                    fg="yellow", err=True)
    if result.validation_failed:
        click.secho(f"error: {len(result.validation_failed)} validation comparison(s) failed", fg="red", err=True)
        sys.exit(1)


def _load_plugins(group: click.Group) -> None:
    for ep in sorted(metadata.entry_points(group="simsoft.commands"), key=lambda e: e.name):
        try:
            command = ep.load()
        except Exception as exc:  # a broken plug-in must not take the whole CLI down
            click.secho(f"warning: plug-in {ep.name!r} failed to load: {exc}", fg="yellow", err=True)
            continue
        group.add_command(command, ep.name)


def main() -> None:
    """Entry point of the ``simsoft`` console script."""
    _load_plugins(cli)
    cli(prog_name="simsoft")


if __name__ == "__main__":  # pragma: no cover
    main()
