"""The ``simsoft exercise`` command group: parse, call the facilitator library, print.

It joins the ``simsoft`` command through the ``simsoft.commands`` entry point. A user error prints
one red line (every problem of a file on its own line) and exits 1; ``simsoft --debug`` shows the
traceback instead.
"""

from __future__ import annotations

from pathlib import Path

import click

from simsoft.cli import FiniteFloat, fail
from simsoft.errors import SimsoftError

__all__ = ["exercise"]


class _Group(click.Group):
    """Turns user errors into red lines, also when the group is used on its own (tests, ``python -m``)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SimsoftError as exc:
            root = ctx.find_root()
            if root.obj and root.obj.get("debug"):
                raise
            fail(exc)


def _warn(text: str) -> None:
    click.secho(f"warning: {text}", fg="yellow", err=True)


def _conduct(session, *, scripted: bool, pace: float, figures: bool = True, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    from facilitator.conduct.store import play, remaining_script
    from facilitator.conduct.console import run_console

    from facilitator.i18n import translator

    _ = translator(lang)
    if session.phase == "closed":
        click.echo(_("session is closed: %(folder)s", folder=session.folder))
        return
    if scripted or remaining_script(session):
        play(session, pace_s=pace, echo=click.echo, lang=lang)
        click.echo(_("session closed; log: %(path)s", path=session.folder / "summary.md"))
    else:
        run_console(session, figures=figures, lang=lang)  # a regional session's figures are the region's map
    click.echo(f"session folder      {session.folder}")


LANG_OPTION = click.option(
    "--lang", "lang", default=None, metavar="LANG",
    help="Language of the console and of the exercise's texts: en, ar or fr (default: $SIMSOFT_LANG, else en). "
         "The exercise file must translate every text into it; the journal stays in the file's language.")


def _language(loaded, lang: str | None) -> str:  # type: ignore[no-untyped-def]
    """The session's language (``--lang``, else ``$SIMSOFT_LANG``, else English), checked against the file."""
    from facilitator.exercise.loader import check_language_coverage
    from facilitator.i18n import default_language

    chosen = default_language(lang)
    check_language_coverage(loaded, chosen)
    return chosen


_NO_FIGURES = click.option("--no-figures", "no_figures", is_flag=True,
                           help="Draw no figure at each inject in the console (scripted or unattended play); "
                                "by default a background worker draws one into SESSION/figures/.")


@click.group(cls=_Group)
def exercise() -> None:
    """Conduct a tabletop exercise: MSEL injects, team decisions, a journaled session.

    \b
    start EXERCISE.yaml [--decisions FILE]   conduct (console, or a scripted decision set; --no-figures)
    resume SESSION                           go on after a break or a crash
    replay SESSION                           rebuild the records from the journal
    fork SESSION --at D3 --choice "..."      the road not taken
    hotwash SESSION --from hotwash.yaml      teams' self-assessment, feedback forms
    evaluate SESSION [--from eval.yaml]      proposed P/S/M/U ratings; confirm or override
    report SESSION                           the After-Action Report / Improvement Plan
    compare SESSION SESSION ... --out DIR    sessions side by side (teams, years)
    forecast SESSION --team T "VERB ..."     what if T decides this now? (journaled, changes nothing)
    sitman EXERCISE.yaml                     Situation Manual for participants (HTML, PDF)
    eeg EXERCISE.yaml                        evaluator packet: tasks, standards, observation sheets
    controller-packet EXERCISE.yaml          MSEL with expected actions and controller notes
    """


@exercise.command()
@click.argument("exercise_file", metavar="EXERCISE.yaml", type=click.Path(dir_okay=False, path_type=str))
@click.option("--decisions", "decisions_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Play this scripted decision set instead of prompting the teams.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the world (default: the exercise's, else simsoft's).")
@click.option("--out", "out_dir", default="outputs/sessions", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the session folder is written.")
@click.option("--pace", type=FiniteFloat(min=0), default=0.0, help="Seconds to wait after each scripted step (for a room to follow).")
@LANG_OPTION
@_NO_FIGURES
def start(exercise_file: str, decisions_file: str | None, seed: int | None, out_dir: str, pace: float,
          lang: str | None, no_figures: bool) -> None:
    """Start a session of EXERCISE.yaml: validate it, then walk the MSEL (console or scripted)."""
    from facilitator.conduct.store import start_session
    from facilitator.exercise.decisions import load_decisions
    from facilitator.exercise.loader import check_decisions, load_exercise

    loaded = load_exercise(exercise_file, seed=seed)
    for text in loaded.warnings:
        _warn(text)
    language = _language(loaded, lang)
    script = None
    if decisions_file:
        script = load_decisions(decisions_file)
        check_decisions(loaded, script)
    extra = {"decisions_file": decisions_file} if decisions_file else {}
    session = start_session(loaded, out_dir=out_dir, script=script, extra=extra)
    click.echo(f"session {session.folder} (seed {loaded.seed})")  # English: scripts read these two lines
    _conduct(session, scripted=script is not None, pace=pace, figures=not no_figures, lang=language)


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--pace", type=FiniteFloat(min=0), default=0.0, help="Seconds to wait after each scripted step.")
@LANG_OPTION
@_NO_FIGURES
def resume(session_dir: str, pace: float, lang: str | None, no_figures: bool) -> None:
    """Continue SESSION exactly where its journal ends (after a break or a crash)."""
    from facilitator.conduct.store import open_session

    session = open_session(session_dir, warn=_warn)
    language = _language(session.loaded, lang)
    click.echo(f"resumed {session.folder} at {_t(session.now_s)} ({session.phase}, {len(session.decisions)} decisions)")
    _conduct(session, scripted=session.start_body.get("mode") == "scripted", pace=pace, figures=not no_figures,
             lang=language)


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Where to write the rebuilt events.jsonl (default SESSION/replay).")
def replay(session_dir: str, out_dir: str | None) -> None:
    """Rebuild SESSION's records from its journal on a fresh engine and compare them byte for byte."""
    from facilitator.conduct.store import replay_session

    written, same, damage = replay_session(session_dir, out=out_dir, warn=_warn)
    if damage:
        _warn(f"journal damaged: {damage}")
    click.echo(f"replayed records    {written}")
    if same is None:
        click.echo("no events.jsonl in the session to compare with")
    elif same:
        click.echo("identical to the session's events.jsonl")
    else:
        raise SimsoftError(f"replayed records differ from {Path(session_dir) / 'events.jsonl'}")


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--at", "at", required=True, help="Decision to fork at (D1, D2, ...).")
@click.option("--choice", default=None, help="The other decision, e.g. \"lockdown zones=main_hall -- why\" (omit to drop it).")
@click.option("--team", default=None, help="Team taking the other decision (default: the original's).")
@click.option("--decisions", "decisions_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Decisions for the injects still to come (default: the original's later decisions).")
@click.option("--interactive", is_flag=True, help="Continue in the console instead of playing decisions.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Folder under which the fork's folder is written (default: beside SESSION).")
@_NO_FIGURES
def fork(session_dir: str, at: str, choice: str | None, team: str | None, decisions_file: str | None,
         interactive: bool, out_dir: str | None, no_figures: bool) -> None:
    """Re-run SESSION up to decision AT and take another choice there."""
    from facilitator.conduct.store import fork_session
    from facilitator.exercise.decisions import load_decisions

    script = load_decisions(decisions_file) if decisions_file else None
    session = fork_session(session_dir, at=at, choice=choice, team=team, script=script, out_dir=out_dir, warn=_warn)
    click.echo(f"fork {session.folder} of {session_dir} at {at} ({_t(session.now_s)})")
    if interactive:
        session.script = []
        from facilitator.conduct.console import run_console

        run_console(session, figures=not no_figures)
        click.echo(f"session folder      {session.folder}")
    else:
        _conduct(session, scripted=True, pace=0.0)


_OUTCOME_OPTIONS = [
    click.option("--replications", "-n", type=click.IntRange(min=0), default=200, show_default=True,
                 help="Most seeded replications per arm of the outcome comparison (0: leave outcomes out). The runs "
                 "stop sooner, from 50 in batches of 25, once every outcome band (each arm's mean and each difference, "
                 "95 % CI) is narrower than its practical threshold."),
    click.option("--fixed-replications", "fixed", is_flag=True,
                 help="Run exactly --replications per arm (no stopping on precision)."),
    click.option("--seed", type=click.IntRange(min=0), default=None,
                 help="Seed of the replications (default: the session's)."),
    click.option("--executor", type=click.Choice(["serial", "processes", "dask"]), default=None,
                 help="Where the replications run (default: a process pool when it helps)."),
    click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."),
    click.option("--progress/--no-progress", default=None,
                 help="Progress bar with the time left on stderr while outcome runs go (default: when stderr is a "
                 "terminal; its total is the most runs the cap allows). Outcomes are cached in SESSION/outcomes.json: "
                 "evaluate, report and compare reuse them; the doctrine and no-action arms also in "
                 ".simsoft-baselines beside the session folder, shared by every session of the exercise."),
]


class _Bar:
    """A progress bar per batch of outcome runs (:class:`simsoft.experiments.progress.Progress`, as ``sweep`` has)."""

    DELAY_S = 1.0
    """Work that finishes sooner shows no bar."""

    def __init__(self, enabled: bool | None, *, label: str = "runs", at_most: bool = False) -> None:
        import sys

        self.at_most = at_most
        """The total is a cap the runs may stop short of: the bar says "up to N"."""
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.label = label
        self.bar = None

    def start(self, total: int) -> None:
        from simsoft.experiments import Progress

        self.close()
        self.bar = Progress(total, label=self.label, enabled=self.enabled, delay_s=self.DELAY_S, at_most=self.at_most)

    def runs(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _may_stop(replications: int, fixed: bool) -> bool:
    """Whether outcome runs may stop before ``replications`` (the progress bar then says "up to")."""
    from facilitator.evaluation.precision import MINIMUM

    return not fixed and replications > MINIMUM


def _say_precision(outcomes) -> None:  # type: ignore[no-untyped-def]
    """One line: how many replications each arm used and the precision reached there."""
    if outcomes is not None and outcomes.precision is not None:
        from facilitator.evaluation.outcomes import METRICS

        click.echo("outcomes: " + outcomes.precision.text({m: label for m, label, _ in METRICS}))


def _outcome_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(_OUTCOME_OPTIONS):
        f = option(f)
    return f


def _open(session_dir: str):  # type: ignore[no-untyped-def]
    from facilitator.conduct.store import open_session

    return open_session(session_dir, warn=_warn)


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--log", "log_only", is_flag=True, help="Print the plain session log (and write summary.md) instead.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Folder of the AAR/IP (default SESSION/aar).")
@click.option("--pdf", is_flag=True, help="Also print aar.pdf with the headless Chromium on PATH.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of the AAR/IP: en, ar (right to left) or fr (default: $SIMSOFT_LANG, else en). The same "
                   "session reports in any of them; the exercise file must translate its texts into it.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper of the printed AAR/IP (aar.html's print layout and aar.pdf); a4 is the ISO standard, "
                   "letter the US one.")
@_outcome_options
def report(session_dir: str, log_only: bool, out_dir: str | None, pdf: bool, lang: str | None, paper: str,
           replications: int, fixed: bool, seed: int | None, executor: str | None, workers: int | None,
           progress: bool | None) -> None:
    """Write SESSION's After-Action Report / Improvement Plan (aar.md, aar.html, improvement-plan.csv; --pdf: aar.pdf)."""
    from facilitator.conduct.store import _rebuild, write_summary

    session, _, damage = _rebuild(Path(session_dir), warn=_warn)
    if damage:
        _warn(f"journal damaged: {damage}")
    language = _language(session.loaded, lang)
    session.folder = Path(session_dir)
    write_summary(session)
    if log_only:
        click.echo("\n".join(session.summary_lines()), nl=False)
        return
    if getattr(session.loaded, "region", None) is not None:
        from facilitator.evaluation.regional_aar import write_regional_aar

        bar = _Bar(progress)
        try:
            folder = write_regional_aar(session, out=out_dir, pdf=pdf, paper=paper, replications=replications, seed=seed,
                                        executor=executor, workers=workers, on_start=bar.start, on_runs=bar.runs,
                                        lang=language)
        finally:
            bar.close()
        for name in ("aar.md", "aar.html", "improvement-plan.csv", *(("aar.pdf",) if pdf else ())):
            click.echo(f"wrote {folder / name}")
        return
    from facilitator.evaluation.aar import write_aar

    bar = _Bar(progress, at_most=_may_stop(replications, fixed))
    try:
        folder = write_aar(session, out=out_dir, replications=replications, seed=seed, executor=executor, workers=workers,
                           on_start=bar.start, on_runs=bar.runs, pdf=pdf, lang=language, paper=paper, fixed=fixed,
                           on_outcomes=lambda o: _say_precision(o), warn=_warn)
    finally:
        bar.close()
    for name in ("aar.md", "aar.html", "improvement-plan.csv", *(("aar.pdf",) if pdf else ())):
        click.echo(f"wrote {folder / name}")


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--from", "from_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Hot wash file (teams: self-assessments; feedback: forms). Default: prompt each player team.")
def hotwash(session_dir: str, from_file: str | None) -> None:
    """Capture SESSION's hot wash: each team's strengths and areas for improvement, and feedback forms."""
    from facilitator.evaluation.hotwash import check_hotwash, read_hotwash, record_hotwash
    from facilitator.exercise.schema import Hotwash, TeamHotwash

    session = _open(session_dir)
    if from_file:
        data, doc = read_hotwash(from_file)
    else:
        teams = []
        for t in session.loaded.exercise.teams:
            if t.role != "player":
                continue
            click.echo(f"{t.name} ({t.id}): one statement per line, an empty line ends")
            teams.append(TeamHotwash(team=t.id, strengths=_lines("  strength"), improvements=_lines("  to improve")))
        data, doc = Hotwash(teams=teams), None
    warnings: list[str] = []
    entries = check_hotwash(session, data, doc=doc, warnings=warnings if from_file else None)
    for text in warnings:
        _warn(text)
    n = record_hotwash(session, entries)
    click.echo(f"recorded {n} hot wash entries in {session.folder / 'session.sqlite'}")


def _lines(label: str) -> list[str]:
    out = []
    while True:
        text = click.prompt(label, default="", show_default=False).strip()
        if not text:
            return out
        out.append(text)


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.option("--from", "from_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Evaluation file: rating decisions, findings, improvement plan (checked whole; nothing is written on an error).")
@click.option("--interactive", is_flag=True, help="Confirm or override each proposed rating at the prompt.")
@_outcome_options
def evaluate(session_dir: str, from_file: str | None, interactive: bool, replications: int, fixed: bool,
             seed: int | None, executor: str | None, workers: int | None, progress: bool | None) -> None:
    """Propose a P/S/M/U rating per core capability; record the evaluator's decisions with reasons."""
    from facilitator.evaluation.evaluator import check_evaluation, read_evaluation, record_evaluation
    from facilitator.evaluation.outcomes import session_outcomes
    from facilitator.evaluation.ratings import propose_all
    from facilitator.exercise.schema import Evaluation, RatingInput
    from facilitator.evaluation.scoring import score_session

    data = doc = None
    if from_file:
        data, doc = read_evaluation(from_file)  # a bad file fails before any simulation runs
    session = _open(session_dir)
    scores = score_session(session)
    outcomes = None
    if replications and getattr(session.loaded, "region", None) is not None:
        from facilitator.evaluation.regional_outcomes import regional_session_outcomes

        # a regional session replicates the region (facilitator.evaluation.regional_outcomes): a fixed count
        bar = _Bar(progress)
        try:
            outcomes = regional_session_outcomes(session, replications=replications, seed=seed, executor=executor,
                                                 workers=workers, on_start=bar.start, on_runs=bar.runs)
        finally:
            bar.close()
    elif replications:
        bar = _Bar(progress, at_most=_may_stop(replications, fixed))
        try:
            outcomes = session_outcomes(session, replications=replications, seed=seed, executor=executor,
                                        workers=workers, on_start=bar.start, on_runs=bar.runs, fixed=fixed, warn=_warn)
        finally:
            bar.close()
        _say_precision(outcomes)
    proposals = propose_all(session.loaded.exercise, scores, outcomes)
    from facilitator.evaluation.aar import proposal_reason

    for p in proposals:  # the indicators in words, as the evaluator page and the AAR say them
        click.echo(f"{p.rating or '-'}  {p.capability}: {proposal_reason(p.to_dict())}")
    if interactive and data is None:
        ratings = []
        for p in proposals:
            rating = click.prompt(f"{p.capability} [P/S/M/U]", default=p.rating or "", show_default=bool(p.rating)).strip().upper()
            reason = None
            if rating != (p.rating or ""):
                reason = click.prompt("  reason", default="", show_default=False).strip() or None
            ratings.append(RatingInput(capability=p.capability, rating=rating or None, reason=reason))
        data = Evaluation(evaluator=click.prompt("evaluator", default="", show_default=False) or None, ratings=ratings)
    if data is None:
        click.echo("proposals only; record decisions with --from FILE or --interactive")
        return
    warnings: list[str] = []
    entries = check_evaluation(session, data, proposals, doc=doc, warnings=warnings)
    if not from_file:  # typed at the prompt for this very session
        warnings = [w for w in warnings if "does not say which exercise" not in w]
    for text in warnings:
        _warn(text)
    n = record_evaluation(session, entries)
    click.echo(f"recorded {n} evaluation entries in {session.folder / 'session.sqlite'}")


@exercise.command()
@click.argument("session_dirs", metavar="SESSION...", nargs=-1, required=True,
                type=click.Path(file_okay=False, path_type=str))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder for compare.md, compare.html and compare.png.")
@_outcome_options
def compare(session_dirs: tuple[str, ...], out_dir: str, replications: int, fixed: bool, seed: int | None,
            executor: str | None, workers: int | None, progress: bool | None) -> None:
    """Compare sessions of one exercise (teams, years): timeliness, ratings and outcomes.

    Sessions of a regional exercise are compared on the regional indicators (deaths and preventable deaths over
    the region, deaths at each incident site, time to hospital, hospital peak load, admissions over capacity,
    ambulance shortfall) over exactly --replications runs of the region each.
    """
    from facilitator.evaluation.aar import compare_sessions
    from facilitator.conduct.store import _rebuild

    sessions = []
    for d in session_dirs:
        s, _, damage = _rebuild(Path(d), warn=lambda text, d=d: _warn(f"{d}: {text}"))
        if damage:
            _warn(f"{d}: journal damaged: {damage}")
        s.folder = Path(d)
        sessions.append(s)
    names = [Path(d).name for d in session_dirs]
    bar = _Bar(progress, at_most=_may_stop(replications, fixed))
    try:
        folder = compare_sessions(sessions, names=names, out=out_dir, replications=replications, seed=seed,
                                  executor=executor, workers=workers, on_start=bar.start, on_runs=bar.runs, fixed=fixed,
                                  warn=_warn)
    finally:
        bar.close()
    click.echo(f"wrote {folder / 'compare.md'}")
    click.echo(f"wrote {folder / 'compare.html'}")


@exercise.command()
@click.argument("session_dir", metavar="SESSION", type=click.Path(file_okay=False, path_type=str))
@click.argument("decision", metavar="DECISION")
@click.option("--team", required=True, help="The team that would take the decision (it must be allowed the verb).")
@click.option("--replications", "-n", type=click.IntRange(min=2), default=100, show_default=True,
              help="Most seeded replications per arm: the runs stop sooner, from 50 in batches of 25, once every band "
                   "(95 % CI of each arm's mean and of each difference) is narrower than its practical threshold.")
@click.option("--fixed-replications", "fixed", is_flag=True, help="Run exactly --replications per arm.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the replications (default: the session's).")
@click.option("--executor", type=click.Choice(["serial", "processes", "dask"]), default=None,
              help="Where the replications run (default: a process pool when it helps).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--figure", "figure_file", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Also write the forecast's figure (PNG) here.")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="Language of the figure: en, ar (right to left) or fr (default: $SIMSOFT_LANG, else en); the team, "
                   "places and decision are named as the exercise file names them in it.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def forecast(session_dir: str, decision: str, team: str, replications: int, fixed: bool, seed: int | None,
             executor: str | None, workers: int | None, figure_file: str | None, lang: str | None,
             progress: bool | None) -> None:
    """What if TEAM takes DECISION ("VERB key=value ... [-- rationale]") now, in SESSION's conduct?

    Compares the decision taken at the session's current exercise time with no further action and
    with doctrine (the expected actions not yet taken), each replaying the session's decisions so far
    over the same seeded replications: mean and 95 % CI of deaths, preventable deaths, exposed
    person-minutes, everyone out and everyone accounted for, and the paired differences. A regional
    session replays the whole region and shows region-wide deaths and preventable deaths, time to
    hospital (90th percentile), the highest hospital peak load and admissions over capacity. The
    forecast is journaled as a forecast entry; it changes nothing in the session or its report.
    """
    from facilitator.evaluation.forecast import figure_png, forecast as run, format_forecast
    from facilitator.i18n.exercise import Local

    session = _open(session_dir)
    language = _language(session.loaded, lang)
    bar = _Bar(progress, at_most=_may_stop(replications, fixed))
    try:
        result = run(session, team=team, line=decision, replications=replications, seed=seed, executor=executor,
                     workers=workers, on_start=bar.start, on_runs=bar.runs, fixed=fixed)
    finally:
        bar.close()
    from facilitator.i18n import translator

    for text in format_forecast(result, translator(language)):
        click.echo(text)
    if figure_file:
        Path(figure_file).write_bytes(figure_png(result, local=Local(session, language)))
        click.echo(f"wrote {figure_file}")


@exercise.command("msel-export")
@click.argument("exercise_file", metavar="EXERCISE.yaml", type=click.Path(dir_okay=False, path_type=str))
@click.option("--out", "out_file", default=None, type=click.Path(dir_okay=False, path_type=str), help="CSV file to write (default: print).")
def msel_export(exercise_file: str, out_file: str | None) -> None:
    """Write the MSEL of EXERCISE.yaml as CSV (one row per inject) for a spreadsheet."""
    from facilitator.exercise.loader import load_exercise
    from facilitator.exercise.msel_csv import export_csv

    text = export_csv(load_exercise(exercise_file).exercise)
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}")
    else:
        click.echo(text, nl=False)


@exercise.command("msel-import")
@click.argument("csv_file", metavar="MSEL.csv", type=click.Path(dir_okay=False, path_type=str))
def msel_import(csv_file: str) -> None:
    """Print the MSEL of MSEL.csv as the YAML ``msel:`` list of an exercise file."""
    import yaml

    from facilitator.exercise.msel_csv import import_csv

    click.echo(yaml.safe_dump({"msel": import_csv(csv_file)}, sort_keys=False, allow_unicode=True, width=110), nl=False)


def _t(seconds: float) -> str:
    from simsoft.units import format_duration

    return format_duration(seconds)
from facilitator.web.cli import serve; exercise.add_command(serve)  # noqa: E402,E702 - the web console (Flask loads only when it runs)


def _packet(kind: str, exercise_file: str, out_dir: str | None, pdf: bool, lang: str | None = None,
            paper: str = "a4") -> None:
    from facilitator.documents.packets import write_packet
    from facilitator.exercise.loader import load_exercise

    loaded = load_exercise(exercise_file)
    language = _language(loaded, lang)
    out = out_dir if out_dir is not None else str(Path(exercise_file).with_suffix("")) + "-documents"
    for path in write_packet(loaded, kind, out=out, pdf=pdf, lang=language, paper=paper):
        click.echo(f"wrote {path}")


_PACKET_OPTIONS = (
    click.argument("exercise_file", metavar="EXERCISE.yaml", type=click.Path(dir_okay=False, path_type=str)),
    click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=str),
                 help="Folder to write into (default: EXERCISE-documents next to the file)."),
    click.option("--pdf/--no-pdf", default=True, show_default=True,
                 help="Also print a PDF with the headless Chromium on PATH (an error names what is missing)."),
    click.option("--lang", "lang", default=None, metavar="LANG",
                 help="Language of the document: en, ar (right to left) or fr (default: $SIMSOFT_LANG, else en); the "
                      "exercise file must translate its texts into it."),
    click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
                 help="Paper of the printed document (HTML print layout and PDF); a4 is the ISO standard, letter the US one."),
)


def _packet_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(_PACKET_OPTIONS):
        f = option(f)
    return f


@exercise.command()
@_packet_options
def sitman(exercise_file: str, out_dir: str | None, pdf: bool, lang: str | None, paper: str) -> None:
    """Situation Manual for participants: purpose, scope, objectives, schedule, venue map, modules with their
    questions, roles. No controller-only content (no MSEL, expected actions or controller notes)."""
    _packet("sitman", exercise_file, out_dir, pdf, lang, paper)


@exercise.command()
@_packet_options
def eeg(exercise_file: str, out_dir: str | None, pdf: bool, lang: str | None, paper: str) -> None:
    """Evaluator packet (Exercise Evaluation Guide): capabilities, critical tasks, time standards and an
    observation sheet per inject."""
    _packet("eeg", exercise_file, out_dir, pdf, lang, paper)


@exercise.command("controller-packet")
@_packet_options
def controller_packet(exercise_file: str, out_dir: str | None, pdf: bool, lang: str | None, paper: str) -> None:
    """Controller packet: the MSEL with release rules, expected actions, doctrine parameters and controller notes."""
    _packet("controller-packet", exercise_file, out_dir, pdf, lang, paper)
