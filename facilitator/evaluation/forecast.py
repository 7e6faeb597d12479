"""What-if forecasts during a session: a proposed decision now, against no further action and doctrine.

A forecast replays the session's world: the venue of a venue session, the region of a regional session
(:mod:`facilitator.evaluation.forecast_world` says how each is built, run and measured). At any moment of
conduct the facilitator or an evaluator asks "what if team T decides D now?". Three *arms* are replayed
from t = 0 over the same ``replications`` seeds (common random numbers, as the outcome comparison of
:mod:`facilitator.evaluation.outcomes` does), each with the session's history so far, i.e. every decision
taken up to now, at the time it took (or will take) effect:

* **proposed**: the history plus the proposed decision, taking effect now (plus its ``after`` delay);
* **no further action**: the history and nothing more;
* **doctrine**: the history plus doctrine's remaining expected actions, those the session has not
  taken yet: each at its doctrine time (its time standard after its inject, in the doctrine run of
  :func:`~facilitator.evaluation.outcomes.doctrine_session`), or now if that time has passed.

The replications re-run the whole exercise (every site of a region, in one environment) with the
history's actions; they do not start from the live run's state, which is one draw among many. The bands
follow the AAR's outcome table: the mean with its 95 % confidence interval per arm, and the paired
difference (proposed minus the other arm, replication by replication) with its 95 % interval; ``*`` marks
an interval that excludes zero.

The proposed decision is checked exactly like a real one (the team may take the verb, every id
exists, the engine accepts the action); teams have response verbs only, so a forecast compares
response decisions and never a threat choice. A forecast is journaled as a ``forecast`` entry and
changes nothing else: replaying a journal gives the same session and the same AAR with or without
its forecasts.

The three steps can run on different threads (the web console prepares and records on the
session's thread and runs the replications off it): :func:`prepare`, :func:`run_forecast`,
:func:`record`; :func:`forecast` does all three.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from simsoft.errors import ActionError, SimsoftError
from simsoft.experiments import describe, paired_difference, replication_seeds
from simsoft.units import format_duration

from facilitator.evaluation.forecast_world import VENUE_METRICS, ForecastWorld, world_of
from facilitator.evaluation.outcomes import team_actions
from facilitator.evaluation.precision import Precision, ReplicationRule, replicate, wide_bands
from facilitator.evaluation.runs import pick_executor, run_arms, unmade
from facilitator.exercise.decisions import DecisionError, ScriptedDecision, action_text, parse_line
from facilitator.exercise.loader import check_decision
from facilitator.i18n import N_, Translator, translator

if TYPE_CHECKING:  # pragma: no cover
    from simsoft.schema import Scenario

    from facilitator.conduct.session import Session
    from facilitator.i18n.exercise import Local

__all__ = ["FORECAST_ARMS", "FORECAST_LABELS", "FORECAST_METRICS", "FORECAST_REPLICATIONS", "Forecast", "ForecastPlan",
           "ForecastWorld",
           "TABLE_HEADER", "table_header", "forecast", "prepare", "run_forecast", "record", "remaining_doctrine", "table_rows", "figure",
           "figure_title",
           "figure_png", "draw_in_background", "format_forecast"]

FORECAST_REPLICATIONS = 100
"""Replications per arm by default (the issue's floor)."""

FORECAST_ARMS = ("proposed", "no_further_action", "doctrine")
FORECAST_LABELS = {"proposed": N_("proposed now"), "no_further_action": N_("no further action"),
                   "doctrine": N_("doctrine")}

FORECAST_METRICS = VENUE_METRICS
"""The key indicators of a venue forecast: metric key, label, display unit (``min`` metrics are held in seconds);
a regional forecast's are :func:`~facilitator.evaluation.forecast_world.regional_forecast_metrics`."""


@dataclass(frozen=True)
class _Asked:
    """What was asked: the proposed decision of ``team`` at exercise time ``t_s``, over ``replications`` seeds."""

    t_s: float
    team: str
    action: dict[str, Any]
    after_s: float
    rationale: str
    replications: int
    seed: int
    doctrine: list[str]
    """The doctrine arm's remaining actions, as text (``inject team verb at 12:00``)."""
    adaptive: bool = True
    """Stop before ``replications`` once every band is within its threshold (:mod:`facilitator.evaluation.precision`)."""
    world: str = "venue"
    """The world replayed: ``venue`` or ``region``."""
    metrics: tuple[tuple[str, str, str], ...] = FORECAST_METRICS
    """The indicators: key, label, display unit (the world's)."""


@dataclass(frozen=True)
class ForecastPlan(_Asked):
    """Everything a forecast runs, checked and fixed on the session's thread (no reference to the session)."""

    arms: dict[str, "Scenario"] = field(default_factory=dict)
    """Each arm's world: a venue scenario, or a region (:class:`simsoft.region.LoadedRegion`)."""
    runner: Any = None
    """Runs a chunk of an arm (:attr:`ForecastWorld.runner`; ``None``: a venue scenario's)."""
    threshold: Any = None
    """The practical threshold of an indicator (:attr:`ForecastWorld.threshold`; ``None``: the venue's)."""


@dataclass(frozen=True)
class Forecast(_Asked):
    """A forecast's numbers: ``values[arm][metric][i]`` over common seeds (``None``: never reached)."""

    values: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    precision: Precision | None = None
    """Replications used per arm (:attr:`replications`), under which rule, and the precision reached."""

    @property
    def decision(self) -> str:
        """The proposed decision as the console writes it."""
        return action_text(self.action) + (f" after={self.after_s:g}s" if self.after_s else "")

    def stats(self, arm: str, metric: str) -> dict[str, Any]:
        """Mean with its 95 % interval, percentiles, and how many runs reached the metric."""
        return describe(self.values[arm][metric]).to_dict()

    def difference(self, arm: str, reference: str, metric: str) -> dict[str, Any]:
        """``arm - reference``, paired by replication, with its 95 % interval."""
        return paired_difference(self.values[reference][metric], self.values[arm][metric]).to_dict()

    def summary(self) -> dict[str, Any]:
        """Per metric: stats per arm, proposed minus no further action, proposed minus doctrine."""
        return {m: {"arms": {a: self.stats(a, m) for a in FORECAST_ARMS},
                    "proposed_minus_no_further_action": self.difference("proposed", "no_further_action", m),
                    "proposed_minus_doctrine": self.difference("proposed", "doctrine", m)}
                for m, _, _ in self.metrics}

    def to_body(self, *, by: str = "facilitator") -> dict[str, Any]:
        """The journal body: what was asked, by whom, and the bands shown (not every run's value)."""
        keep = ("n", "mean", "mean_ci_low", "mean_ci_high", "p5", "p95")
        summ = self.summary()
        bands = {m: {"arms": {a: {k: summ[m]["arms"][a].get(k) for k in keep} for a in FORECAST_ARMS},
                     **{d: {k: summ[m][d].get(k) for k in ("n", "mean", "ci_low", "ci_high", "significant")}
                        for d in ("proposed_minus_no_further_action", "proposed_minus_doctrine")}}
                 for m, _, _ in self.metrics}
        body = {"by": by, "team": self.team, "action": self.action, "after_s": self.after_s,
                "rationale": self.rationale, "replications": self.replications, "seed": self.seed,
                "doctrine": self.doctrine, "bands": _finite(bands)}
        if self.world != "venue":  # a venue forecast's body stays as it was journaled before regions had forecasts
            body["world"] = self.world
        if self.precision is not None:
            body["precision"] = _finite(self.precision.to_dict())
        return body


def _finite(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _check(session: "Session", *, team: str, line: str) -> ScriptedDecision:
    """The proposed decision, refused (:class:`DecisionError`) exactly as :meth:`Session.decide` would refuse it."""
    if session.phase != "conduct":
        raise DecisionError(f"forecasts are asked during conduct (the session is in {session.phase.replace('_', ' ')}): "
                            "a proposed decision is taken now")
    teams = [t.id for t in session.loaded.exercise.teams]
    if team not in teams:
        raise DecisionError(f"team {team!r} is not a team of the exercise (teams: {', '.join(teams)})")
    current = session.current_inject()
    proposed = parse_line(line, team=team, inject=current.inject.id if current else None,
                          regional=getattr(session.loaded, "region", None) is not None)
    check_decision(session.loaded, proposed, checker=session._checker())
    at = session.now_s + proposed.after_s
    try:
        session.sim.check({**proposed.action, "at": f"{at!r} s", "note": "forecast"})
    except ActionError as exc:
        raise DecisionError(str(exc)) from None
    return proposed


_DOCTRINE: dict[tuple[Any, ...], "Session"] = {}
"""Doctrine runs played in this process, by exercise and the team parameters they borrow (a few per session)."""


def _doctrine_run(session: "Session", world: ForecastWorld) -> "Session":
    loaded = session.loaded
    key = (world.kind, loaded.exercise_sha256, loaded.scenario_sha256, loaded.seed,
           tuple((d.team, repr(sorted(d.action.items()))) for d in session.decisions))
    found = _DOCTRINE.get(key)
    if found is None:
        if len(_DOCTRINE) >= 16:
            _DOCTRINE.clear()
        found = _DOCTRINE[key] = world.doctrine(session)
    return found


def remaining_doctrine(session: "Session", *, world: ForecastWorld | None = None) -> list[tuple[dict[str, Any], str]]:
    """Doctrine's expected actions the session has not taken yet: ``(timed action, description)``.

    An expected action counts as taken when the session's expected-action record matches a decision
    to it; one of an inject the session skipped or cancelled is left out (doctrine answers injects
    that are played). Each is timed as in the doctrine run, or now when that time has passed.
    """
    rows = session.expected_actions()
    done = {(r["inject"], r["team"], r["action"]) for r in rows if r["decision"] is not None}
    dropped = {r["inject"] for r in rows if r["status"] in ("skipped", "cancelled")}
    now = session.now_s
    out = []
    for d in _doctrine_run(session, world or world_of(session, seed=session.loaded.seed)).decisions:
        verb = str(d.action.get("do"))
        if (d.inject, d.team, verb) in done or d.inject in dropped:
            continue
        at = max(d.t_s + d.after_s, now)
        out.append(({**d.action, "at": f"{at!r} s", "note": f"doctrine-{d.id}"},
                    f"{d.inject} {d.team} {action_text(d.action)} at {format_duration(at)}"))
    return out


def prepare(session: "Session", *, team: str, line: str, replications: int = FORECAST_REPLICATIONS,
            seed: int | None = None, fixed: bool = False) -> ForecastPlan:
    """Check the proposed decision (``VERB key=value ... [-- rationale]`` for ``team``) and build the arms.

    ``replications`` is the most per arm: the runs stop sooner once every band is within its threshold
    (:mod:`facilitator.evaluation.precision`: from 50 in batches of 25), unless ``fixed``.

    Raises :class:`~facilitator.exercise.decisions.DecisionError` for a decision the team could not
    take now, with the same message a real decision gets; nothing is journaled then.
    """
    if replications < 2:
        raise SimsoftError(f"a forecast needs at least 2 replications for an interval, got {replications}")
    proposed = _check(session, team=team, line=line)
    seed = session.loaded.seed if seed is None else int(seed)
    history = team_actions(session)
    at = session.now_s + proposed.after_s
    mine = {**proposed.action, "at": f"{at!r} s", "note": "proposed"}
    world = world_of(session, seed=seed)
    doctrine = remaining_doctrine(session, world=world)
    arms = {"proposed": world.build([*history, mine]),
            "no_further_action": world.build(history),
            "doctrine": world.build([*history, *(a for a, _ in doctrine)])}
    return ForecastPlan(t_s=session.now_s, team=team, action=dict(proposed.action), after_s=proposed.after_s,
                        rationale=proposed.rationale, replications=int(replications), seed=seed, arms=arms,
                        doctrine=[text for _, text in doctrine], adaptive=not fixed, world=world.kind,
                        metrics=world.metrics, runner=world.runner, threshold=world.threshold)


FORECAST_PAIRS = (("proposed", "no_further_action", "proposed minus no further action"),
                  ("proposed", "doctrine", "proposed minus doctrine"))


def run_forecast(plan: ForecastPlan, *, executor: str | None = None, workers: int | None = None,
                 on_start: Callable[[int], None] | None = None, on_runs: Callable[[int], None] | None = None) -> Forecast:
    """Run the plan's arms over common seeds (the warm pool by default for 40 runs or more on two cores).

    Batch by batch under the plan's rule (:mod:`facilitator.evaluation.precision`): the same seed gives
    the same replications on every executor. Runs this process already made are reused
    (:func:`facilitator.evaluation.runs.run_arms`): a second proposal at the same moment runs only its
    own arm, *no further action* and *doctrine* being the same. ``on_start`` gets the most runs to make.
    """
    rule = ReplicationRule(plan.replications) if plan.adaptive else ReplicationRule.fixed(plan.replications)
    seeds = replication_seeds(plan.seed, rule.cap)
    executor = executor or pick_executor(rule.cap * len(plan.arms), workers)
    metrics = [m for m, _, _ in plan.metrics]
    values: dict[str, dict[str, list[float | None]]] = {a: {m: [] for m in metrics} for a in plan.arms}
    have = [0]
    if on_start is not None:
        on_start(unmade(plan.arms, {a: seeds for a in plan.arms}))

    def run_to(n: int) -> None:
        runs = run_arms(plan.arms, seeds[have[0]:n], executor=executor, workers=workers, on_runs=on_runs,
                        runner=plan.runner)
        for arm, rows in runs.items():
            for m in metrics:
                values[arm][m].extend(_clean(r.get(m)) for r in rows)
        have[0] = n

    precision = replicate(rule, have=lambda: have[0], run_to=run_to,
                          check=lambda n: wide_bands(values, n, metrics=metrics, pairs=FORECAST_PAIRS,
                                                     names=FORECAST_LABELS,
                                                     **({"threshold": plan.threshold} if plan.threshold else {})))
    n = precision.used
    asked = {f.name: getattr(plan, f.name) for f in fields(_Asked)}
    asked["replications"] = n
    return Forecast(**asked, values={a: {m: v[:n] for m, v in by.items()} for a, by in values.items()},
                    precision=precision)


def _clean(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def record(session: "Session", result: Forecast, *, by: str = "facilitator") -> None:
    """Journal ``result`` as a ``forecast`` entry (the session's state does not change)."""
    if session.now_s != result.t_s:
        raise SimsoftError("the exercise clock moved while the forecast ran; ask again")
    session.record_forecast(result.to_body(by=by))


def forecast(session: "Session", *, team: str, line: str, replications: int = FORECAST_REPLICATIONS,
             seed: int | None = None, executor: str | None = None, workers: int | None = None, by: str = "facilitator",
             journal: bool = True, on_start: Callable[[int], None] | None = None,
             on_runs: Callable[[int], None] | None = None, fixed: bool = False) -> Forecast:
    """Forecast ``line`` proposed for ``team`` now, against no further action and doctrine; journal it.

    >>> f = forecast(session, team="police", line="cordon zones=main_hall state=hot")  # doctest: +SKIP
    >>> f.summary()["medical.deaths"]["proposed_minus_no_further_action"]["mean"]  # doctest: +SKIP
    """
    result = run_forecast(prepare(session, team=team, line=line, replications=replications, seed=seed, fixed=fixed),
                          executor=executor, workers=workers, on_start=on_start, on_runs=on_runs)
    if journal:
        record(session, result, by=by)
    return result


def table_rows(result: Forecast, tr: Translator | None = None) -> list[tuple[str, ...]]:
    """The forecast table: indicator, mean (95 % CI) per arm, proposed − no further action, proposed − doctrine, in
    ``tr``'s language (English when ``None``)."""
    from facilitator.evaluation.aar import fmt_metric as fmt

    _ = tr or translator("en")
    units = {m: u for m, _l, u in result.metrics}

    def fmt_metric(metric: str, value: float | None, *, signed: bool = False) -> str:
        return fmt(metric, value, signed=signed, unit=units[metric], tr=tr)

    def band(metric: str, st: dict[str, Any]) -> str:
        if st.get("mean") is None:
            return _("not reached")
        text = fmt_metric(metric, st["mean"])
        if st.get("mean_ci_low") is not None and st.get("mean_ci_high") is not None:
            text = _("%(mean)s (%(low)s to %(high)s)", mean=text, low=fmt_metric(metric, st["mean_ci_low"]),
                     high=fmt_metric(metric, st["mean_ci_high"]))
        reached = st.get("n", 0)
        return text if reached == result.replications else _("%(text)s [%(n)s/%(of)s runs]", text=text, n=reached,
                                                             of=result.replications)

    def diff(metric: str, d: dict[str, Any]) -> str:
        if not d or d.get("mean") is None:
            return _("n/a")
        text = fmt_metric(metric, d["mean"], signed=True)
        if d.get("ci_low") is not None and d.get("ci_high") is not None:
            text = _("%(mean)s (%(low)s to %(high)s)", mean=text, low=fmt_metric(metric, d["ci_low"], signed=True),
                     high=fmt_metric(metric, d["ci_high"], signed=True))
        return text + (" *" if d.get("significant") else "")

    summ = result.summary()
    return [(_label(m, text, _), *(band(m, summ[m]["arms"][a]) for a in FORECAST_ARMS),
             diff(m, summ[m]["proposed_minus_no_further_action"]), diff(m, summ[m]["proposed_minus_doctrine"]))
            for m, text, _u in result.metrics]


def _label(metric: str, text: str, tr: Translator) -> str:
    """An indicator's label (English in :attr:`Forecast.metrics`) in ``tr``'s language."""
    from facilitator.evaluation.regional_outcomes import regional_label

    if tr.lang == "en":
        return text
    return regional_label(metric, tr) or tr(text.replace("%", "%%"))


def figure_title(result: Forecast, tr: Translator | None = None, *, local: "Local | None" = None) -> str:
    """The figure's title: the decision in words, in ``tr``'s language (``local``'s, else English), then the command
    as typed, small print for whoever replays it: ``What if Venue control: alert: zones all at 2 min 30 s`` /
    ``(typed: venue alert zones=all; n = 4, mean, 95 % CI)``.

    ``local`` (:class:`facilitator.i18n.exercise.Local`, the session in the reader's language) names the team,
    the zones, exits, units and places as the pages do; without it they stay ids.
    """
    from facilitator.web.names import action_words

    _ = tr or (local.tr if local is not None else translator("en"))
    names = {**local.places, **local.names} if local is not None else {}
    decision = action_words(result.action, names, _)
    if result.after_s:
        decision = _("%(decision)s (in effect %(delay)s later)", decision=decision,
                     delay=_.format_duration(result.after_s))
    team = local.team(result.team) if local is not None else result.team
    return "\n".join((_("What if %(team)s: %(decision)s at %(t)s", team=team, decision=decision,
                         t=_.format_duration(result.t_s)),
                       _("(typed: %(line)s; n = %(n)s, mean, 95 %% CI)", line=f"{result.team} {result.decision}",
                         n=result.replications)))


def figure(result: Forecast, tr: Translator | None = None, *, local: "Local | None" = None) -> Any:
    """The forecast's small figure (:func:`facilitator.evaluation.plots.forecast_figure`) in ``tr``'s language
    (``local``'s, else English); ``local`` names the team and places in the title (:func:`figure_title`)."""
    from facilitator.evaluation.plots import forecast_figure

    _ = tr or (local.tr if local is not None else translator("en"))
    return forecast_figure(result.summary(), metrics=[(m, _label(m, text, _), u) for m, text, u in result.metrics],
                           arms=[(a, _(FORECAST_LABELS[a])) for a in FORECAST_ARMS], replications=result.replications,
                           title=figure_title(result, _, local=local), tr=_)


def figure_png(result: Forecast, tr: Translator | None = None, *, local: "Local | None" = None) -> bytes:
    """The figure as PNG bytes (the web console serves them), in ``tr``'s language (``local``'s, else English)."""
    import io

    buf = io.BytesIO()
    figure(result, tr, local=local).savefig(buf, format="png", dpi=110)
    return buf.getvalue()


_DRAWER: list[Any] = []


def draw_in_background(result: Forecast, path: str | os.PathLike[str], *, tr: Translator | None = None,
                       local: "Local | None" = None) -> "Future[Path]":
    """Write the figure (in ``tr``'s language, ``local``'s, else English) to ``path`` on a background thread, off
    the room's critical path; the future gives the path (or the drawing error: a figure never stops the exercise)."""
    from concurrent.futures import ThreadPoolExecutor

    if not _DRAWER:
        _DRAWER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="simsoft-forecast-figure"))

    def draw() -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(figure_png(result, tr, local=local))
        return target

    return _DRAWER[0].submit(draw)


def table_header(tr: Translator | None = None) -> tuple[str, ...]:
    """Column names of :func:`table_rows` in ``tr``'s language (English when ``None``)."""
    _ = tr or translator("en")
    return (_("Indicator"), *(_(FORECAST_LABELS[a]) for a in FORECAST_ARMS), _("proposed − no further action (95 %% CI)"),
            _("proposed − doctrine (95 %% CI)"))


TABLE_HEADER = table_header()
"""Column names of :func:`table_rows` in English."""


def format_forecast(result: Forecast, tr: Translator | None = None) -> list[str]:
    """The forecast as plain text lines (console, CLI), in ``tr``'s language (English when ``None``)."""
    if tr is not None and tr.lang != "en":
        return _format_forecast_in(result, tr)
    lines = [f"what if {result.team}: {result.decision} at {format_duration(result.t_s)}"
             f" ({result.replications} replications per arm, seed {result.seed}; mean, 95 % CI; * excludes 0)"]
    rows = [TABLE_HEADER, *table_rows(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(TABLE_HEADER))]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    if result.precision is not None:
        labels = {m: label for m, label, _ in result.metrics}
        lines.append("  replications: " + result.precision.text(labels))
    lines.append("  doctrine adds: " + ("; ".join(result.doctrine) if result.doctrine else "nothing (every expected action is taken)"))
    return lines


def _format_forecast_in(result: Forecast, tr: Translator) -> list[str]:
    """:func:`format_forecast` in another language: the same lines through the catalogs; the decision and the
    doctrine's actions as typed (the console's reader types them so)."""
    lines = [tr("what if %(team)s: %(decision)s at %(t)s (%(n)s replications per arm, seed %(seed)s; mean, 95 %% CI; "
                "* excludes 0)", team=result.team, decision=result.decision, t=tr.format_duration(result.t_s),
                n=result.replications, seed=result.seed)]
    header = table_header(tr)
    rows = [header, *table_rows(result, tr)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    pr = result.precision
    if pr is not None:
        lines.append("  " + (tr("replications: %(n)s per arm; every band within its threshold", n=pr.used) if pr.within
                             else tr("replications: %(n)s per arm; %(k)s bands still wider than their threshold",
                                     n=pr.used, k=len(pr.wide))))
    lines.append("  " + tr("Doctrine adds: %(what)s", what="; ".join(result.doctrine) if result.doctrine
                           else tr("nothing (every expected action is taken)")))
    return lines
