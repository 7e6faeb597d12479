"""Outcomes: the team's decisions against doctrine and no action, over seeded replications.

Three *arms* are run on the exercise's scenario (its variant applied), each over the same
``replications`` seeds, so replication ``i`` of every arm meets the same arrivals, detections and
injuries (common random numbers) and the paired differences are sharp:

* **your decisions**: every decision of the session's record, each at the exercise time it took
  effect (decision time plus its ``after`` delay);
* **doctrine**: every expected action of the MSEL taken exactly at its time standard after its
  inject (no standard: at the inject), with the parameters of the expectation's ``doctrine`` (else
  the team's own parameters for that action). It is played as a scripted session on the exercise
  seed, so state-triggered injects fire when the doctrine world reaches them; the resulting timed
  actions are then replicated;
* **no action**: the scenario as written, no team decision.

An Improvement Plan row that names a scenario variant adds an arm: your decisions on that variant,
compared with your decisions on the exercise scenario (its *predicted effect*). Each contrary decision
(:mod:`facilitator.evaluation.contrary`) adds an arm ``without:<decision id>``: your decisions without it,
so that its *simulated effect* is your decisions minus that arm, paired by replication.

Replication seeds are children of ``SeedSequence(seed)`` (:func:`simsoft.experiments.replication_seeds`),
the seed defaulting to the session's, so a given seed and N give identical numbers on any executor.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import simsoft
from simsoft.errors import ActionError, SimsoftError
from simsoft.experiments import describe, paired_difference, replication_seeds

from facilitator.exercise.decisions import ScriptedDecision
from facilitator.evaluation.baselines import BaselineStore, baseline_folder
from facilitator.evaluation.precision import Precision, ReplicationRule, replicate, wide_bands
from facilitator.evaluation.runs import pick_executor, run_arms, unmade
from facilitator.exercise.loader import LoadedExercise, for_play

if TYPE_CHECKING:  # pragma: no cover
    from simsoft.schema import Scenario

    from facilitator.conduct.session import Session

__all__ = ["METRICS", "ARMS", "ARM_LABELS", "DEFAULT_REPLICATIONS", "Outcomes", "team_actions", "doctrine_plan", "doctrine_script",
           "compare_pairs", "BASELINE_ARMS",
           "doctrine_session", "arm_scenario", "compute_outcomes", "session_outcomes", "variant_side_effects",
           "SIDE_EFFECT_RUNS", "write_cache"]

DEFAULT_REPLICATIONS = 200

METRICS: tuple[tuple[str, str, str], ...] = (
    ("medical.deaths", "Deaths", "people"),
    ("medical.preventable_deaths", "Preventable deaths", "people"),
    ("incident.exposed_person_min", "Exposed person-minutes", "person-min"),
    ("egress.t95_s", "95 % evacuation time", "min"),
    ("medical.t_last_immediate_at_hospital_s", "Last immediate patient at hospital", "min"),
    ("recovery.t_everyone_accounted_s", "Everyone accounted for", "min"),
    ("recovery.reunification.t_complete_s", "Reunification complete", "min"),
    ("recovery.reunification.mean_wait_s", "Mean reunification wait", "min"),
)
"""Outcome indicators: metric key, label, display unit (``min`` metrics are held in seconds).

The mean reunification wait is here because reunification *complete* waits on the last families to
arrive (and on remote cases), not on the sites' staff: a second reunification site shortens the
families' waits by minutes while the time of completion barely moves."""

SIDE_EFFECT_RUNS = 3
"""Replications re-run (with every run metric kept) to say what a variant changed when it changed no
outcome in any replication: a few are enough to name what it touched (common random numbers)."""

ARMS = ("team", "doctrine", "no_action")
ARM_LABELS = {"team": "your decisions", "doctrine": "doctrine", "no_action": "no action"}

CACHE = "outcomes.json"


def _timed(action: dict[str, Any], at_s: float) -> dict[str, Any]:
    return {**{k: v for k, v in action.items() if k not in ("at", "note")}, "at": f"{at_s!r} s"}


def team_actions(session: "Session") -> list[dict[str, Any]]:
    """The session's decisions as timed actions (file form), each at its effect time."""
    return [{**_timed(d.action, d.t_s + d.after_s), "note": d.id} for d in session.decisions]


def doctrine_script(loaded: LoadedExercise, *, team: "Session | None" = None) -> list[ScriptedDecision]:
    """The doctrine run's script: every expected action at its time standard after its inject, with the
    expectation's ``doctrine`` parameters, else those of ``team``'s first decision with that team and verb. Only
    ``loaded.exercise`` is read, so a regional exercise's doctrine is scripted here too."""
    script: list[ScriptedDecision] = []
    ex = loaded.exercise
    for inj in ex.msel:
        for exp in inj.expect:
            standard = exp.within
            if standard is None and exp.task is not None:
                standard = ex.task(exp.task).standard
            params = dict(exp.doctrine)
            if not params and team is not None:
                own = next((d for d in team.decisions if d.team == exp.team and d.action.get("do") == exp.action), None)
                if own is not None:
                    params = {k: v for k, v in own.action.items() if k != "do"}
            script.append(ScriptedDecision(team=exp.team, action={"do": exp.action, **params}, inject=inj.id,
                                           after_s=float(standard or 0.0), rationale="doctrine"))
    return script


def doctrine_session(loaded: LoadedExercise, *, team: "Session | None" = None) -> "Session":
    """The doctrine run played as a scripted session (no folder, no journal): every expected action at its
    time standard after its inject, on the exercise seed (:func:`doctrine_script`).

    Where an expectation gives no ``doctrine`` parameters, the parameters of ``team``'s first decision
    with that team and verb are used. Its :attr:`~Session.decisions` are the doctrine's timed actions;
    its :attr:`~Session.rejected` and unplayed script are the gaps.
    """
    from facilitator.conduct.store import play
    from facilitator.conduct.session import Session

    script = doctrine_script(loaded, team=team)
    session = Session(loaded, script=script)
    play(session, close=False)
    return session


def doctrine_plan(loaded: LoadedExercise, *, team: "Session | None" = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The doctrine run's timed actions and its gaps (expected actions doctrine could not take, and why).

    See :func:`doctrine_session` for how the doctrine run is played.
    """
    session = doctrine_session(loaded, team=team)
    gaps: list[str] = []
    for r in session.rejected:
        gaps.append(f"{r['inject']} {r['team']} {r['action'].get('do')}: {r['message']}")
    for i, d in enumerate(session.script):
        if i not in session.played:
            gaps.append(f"{d.inject} {d.team} {d.action.get('do')}: the inject was never released in the doctrine run")
    actions = [{**_timed(d.action, d.t_s + d.after_s), "note": f"doctrine-{d.id}"} for d in session.decisions]
    return actions, gaps


@dataclass
class Outcomes:
    """Metric values per arm and replication (``None`` where a run never reached the metric)."""

    replications: int
    seed: int
    seeds: list[int]
    values: dict[str, dict[str, list[float | None]]]
    """``values[arm][metric][i]``; arms are :data:`ARMS` plus ``variant:NAME``."""
    doctrine_gaps: list[str] = field(default_factory=list)
    key: str = ""
    side_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    """For a variant that left every outcome exactly as your decisions had it in every replication: the
    other run metrics it did change (metric key: mean change over the first :data:`SIDE_EFFECT_RUNS`
    replications; empty: it changed nothing measured). Lets the AAR say why its bar is zero."""
    precision: Precision | None = None
    """How many replications each arm used (:attr:`replications`) under which rule, and the precision reached
    (``None`` for outcomes cached before the rule existed: a fixed count)."""

    def unchanged(self, variant: str) -> bool:
        """Whether ``variant`` left every outcome of every replication exactly as your decisions had it."""
        arm = self.values.get(f"variant:{variant}")
        return arm is not None and all(arm[m] == self.values["team"][m] for m, _, _ in METRICS)

    @property
    def without(self) -> list[str]:
        """Decisions (contrary ones) with an arm replaying your decisions without them."""
        return [a.split(":", 1)[1] for a in self.values if a.startswith("without:")]

    def effect_of(self, decision: str, metric: str) -> dict[str, Any]:
        """Simulated effect of ``decision``: your decisions minus your decisions without it, paired."""
        return self.difference("team", f"without:{decision}", metric)

    @property
    def variants(self) -> list[str]:
        """Improvement-plan variants with an arm."""
        return [a.split(":", 1)[1] for a in self.values if a.startswith("variant:")]

    def stats(self, arm: str, metric: str) -> dict[str, Any]:
        """Mean, its interval and how many runs reached the metric."""
        return describe(self.values[arm][metric]).to_dict()

    def difference(self, arm: str, reference: str, metric: str) -> dict[str, Any]:
        """``arm - reference``, paired by replication."""
        return paired_difference(self.values[reference][metric], self.values[arm][metric]).to_dict()

    def summary(self) -> dict[str, Any]:
        """Per metric: stats per arm; your decisions minus doctrine and minus no action; variant effects."""
        out: dict[str, Any] = {}
        for metric, _, _ in METRICS:
            row: dict[str, Any] = {"arms": {a: self.stats(a, metric) for a in self.values}}
            row["team_minus_doctrine"] = self.difference("team", "doctrine", metric)
            row["team_minus_no_action"] = self.difference("team", "no_action", metric)
            row["variant_minus_team"] = {v: self.difference(f"variant:{v}", "team", metric) for v in self.variants}
            out[metric] = row
        return out

    def to_json(self) -> str:
        """JSON text (the session folder's cache)."""
        data = {"key": self.key, "replications": self.replications, "seed": self.seed, "seeds": self.seeds,
                "doctrine_gaps": self.doctrine_gaps, "values": self.values, "side_effects": self.side_effects}
        if self.precision is not None:
            data["precision"] = self.precision.to_dict()
        return json.dumps(data, sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Outcomes":
        """Read :meth:`to_json` back."""
        d = json.loads(text)
        precision = Precision.from_dict(d["precision"]) if d.get("precision") else None
        return cls(d["replications"], d["seed"], d["seeds"], d["values"], d.get("doctrine_gaps", []), d.get("key", ""),
                   d.get("side_effects", {}), precision)


def arm_scenario(base: "Scenario", actions: Sequence[dict[str, Any]], *, seed: int) -> "Scenario":
    """``base`` with ``actions`` (timed, file form) added, each checked as the engine would apply it."""
    checker = simsoft.Simulation(base, seed=seed)
    checked = []
    for a in actions:
        try:
            checked.append(checker.check(a))
        except ActionError as exc:
            raise SimsoftError(f"outcomes: cannot replay {a.get('note', a.get('do'))} ({a.get('do')}): {exc}") from None
    return base.model_copy(update={"actions": [*base.actions, *checked]})


_arm_scenario = arm_scenario
"""The name callers used before :func:`arm_scenario` was public."""


def _run_arm(scenario: "Scenario", seeds: list[int], *, executor: str, workers: int | None) -> dict[str, list[float | None]]:
    """One arm's outcome metrics over ``seeds`` (:func:`facilitator.evaluation.runs.run_arms` with a single arm)."""
    return _metric_lists(run_arms({"arm": scenario}, seeds, executor=executor, workers=workers)["arm"])


def _clean(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _number(x: Any) -> float | None:
    """A numeric run metric as a float (``None`` for anything else: a text metric, a missing one)."""
    return _clean(x) if isinstance(x, (int, float)) else None


def _metric_lists(runs: list[dict[str, Any]]) -> dict[str, list[float | None]]:
    return {m: [_clean(r.get(m)) for r in runs] for m, _, _ in METRICS}


def compare_pairs(wanted: Sequence[str]) -> list[tuple[str, str, str]]:
    """The paired differences the reports show among ``wanted`` arms: ``(arm, reference, words)``."""
    pairs = [("team", "doctrine", "your decisions minus doctrine"), ("team", "no_action", "your decisions minus no action")]
    out = [p for p in pairs if p[0] in wanted and p[1] in wanted]
    for a in wanted:
        if a.startswith("variant:"):
            out.append((a, "team", f"{a.split(':', 1)[1]} minus your decisions"))
        elif a.startswith("without:") and "team" in wanted:
            out.append(("team", a, f"the effect of {a.split(':', 1)[1]}"))
    return out


def _arm_names(wanted: Sequence[str]) -> dict[str, str]:
    """Arms in words, for the precision line (``your decisions``, ``variant voice_pa_fast``, ``without d3``)."""
    return {a: ARM_LABELS.get(a, a.replace(":", " ")) for a in wanted}


def _length(values: dict[str, dict[str, list[float | None]]], arm: str) -> int:
    """Replications held for ``arm`` (0 when an outcome metric is missing: cached before it was added)."""
    got = values.get(arm)
    if got is None or any(m not in got for m, _, _ in METRICS):
        return 0
    return min(len(got[m]) for m, _, _ in METRICS)


def _replicate(values: dict[str, dict[str, list[float | None]]], wanted: Sequence[str], *, rule: ReplicationRule,
               seed: int, scenario: Callable[[str], "Scenario"], executor: str, workers: int | None,
               on_start: Callable[[int], None] | None, on_runs: Callable[[int], None] | None,
               fill: Callable[[str, int], None] | None = None, made: Callable[[str], None] | None = None) -> Precision:
    """Extend ``values[arm]`` for every ``wanted`` arm, batch by batch under ``rule``, and say where it stopped.

    ``fill(arm, n)`` may add replications to ``values`` from elsewhere (the shared baselines) before
    runs are made; ``made(arm)`` is told of an arm extended by runs. ``on_start`` is called once, with the
    most runs the rule may make (the progress bar says "up to").
    """
    seeds = replication_seeds(seed, rule.cap)
    started = [False]

    def run_to(n: int) -> None:
        for a in wanted:
            if fill is not None and _length(values, a) < n:
                fill(a, n)
        short = [a for a in wanted if _length(values, a) < n]
        if short and not started[0]:
            started[0] = True
            if on_start is not None:
                on_start(unmade({a: scenario(a) for a in short}, {a: seeds[_length(values, a):] for a in short}))
        by_start: dict[int, list[str]] = {}
        for a in short:
            by_start.setdefault(_length(values, a), []).append(a)
        for k, arms in sorted(by_start.items()):
            for a in arms:  # drop the tail of an arm held for fewer metrics, so every list has k values
                values[a] = {m: list(values.get(a, {}).get(m, []))[:k] for m, _, _ in METRICS}
            runs = run_arms({a: scenario(a) for a in arms}, seeds[k:n], executor=executor, workers=workers,
                            on_runs=on_runs)
            for a in arms:
                for m, got in _metric_lists(runs[a]).items():
                    values[a][m].extend(got)
                if made is not None:
                    made(a)

    metrics = [m for m, _, _ in METRICS]
    return replicate(rule, have=lambda: min(_length(values, a) for a in wanted), run_to=run_to,
                     check=lambda n: wide_bands({a: values[a] for a in wanted}, n, metrics=metrics,
                                                pairs=compare_pairs(wanted), names=_arm_names(wanted)))


def compute_outcomes(loaded: LoadedExercise, *, team: Sequence[dict[str, Any]],
                     doctrine: Sequence[dict[str, Any]] | None, replications: int = DEFAULT_REPLICATIONS,
                     seed: int | None = None, executor: str | None = None, workers: int | None = None,
                     variants: Sequence[str] = (), doctrine_gaps: Sequence[str] = (), without: Sequence[str] = (),
                     arms: Sequence[str] | None = None, on_start: Callable[[int], None] | None = None,
                     on_runs: Callable[[int], None] | None = None, rule: ReplicationRule | None = None) -> Outcomes:
    """Run the arms over common seeds and return every value.

    ``rule`` says how many replications (:class:`~facilitator.evaluation.precision.ReplicationRule`);
    by default exactly ``replications`` (this function is the library's plain primitive; the session
    commands default to the adaptive rule, :func:`session_outcomes`). ``arms`` limits the runs to those
    arms (default: :data:`ARMS`, then ``variant:V`` for each of ``variants`` and ``without:D`` for each of
    ``without``); ``doctrine`` may be ``None`` when the doctrine arm is not among them. ``on_start(runs)``
    is called once with the most runs to make and ``on_runs(n)`` as batches of ``n`` finish (a progress
    bar). ``executor`` defaults to the process pool when there are 40 runs or more and more than one core,
    else serial (:func:`facilitator.evaluation.runs.run_arms`: runs this process already made are reused).
    """
    rule = rule or ReplicationRule.fixed(replications)
    seed = loaded.seed if seed is None else int(seed)
    wanted = list(arms) if arms is not None else [*ARMS, *(f"variant:{v}" for v in variants),
                                                   *(f"without:{d}" for d in without)]
    if executor is None:
        executor = pick_executor(rule.cap * len(wanted), workers)
    scenarios = _arm_scenarios(loaded, wanted, team=team, doctrine=doctrine, seed=seed)
    values: dict[str, dict[str, list[float | None]]] = {}
    precision = _replicate(values, wanted, rule=rule, seed=seed, scenario=scenarios.__getitem__, executor=executor,
                           workers=workers, on_start=on_start, on_runs=on_runs)
    n = precision.used
    return Outcomes(n, seed, replication_seeds(seed, n), {a: {m: values[a][m][:n] for m, _, _ in METRICS} for a in wanted},
                    list(doctrine_gaps), precision=precision)


def arm_worlds(wanted: Sequence[str], *, base: Any, team: Sequence[dict[str, Any]],
               doctrine: Sequence[dict[str, Any]] | None, with_actions: Callable[[Any, Sequence[dict[str, Any]]], Any],
               variant: Callable[[str], Any]) -> dict[str, Any]:
    """The world of each arm named in ``wanted`` (a venue's scenario or a region): ``base`` with that arm's timed
    actions put in by ``with_actions``; ``variant(name)`` gives the base of a ``variant:`` arm (or raises)."""
    out: dict[str, Any] = {}
    for name in wanted:
        kind, _, arg = name.partition(":")
        if name == "team":
            out[name] = with_actions(base, team)
        elif name == "doctrine":
            if doctrine is None:
                raise SimsoftError("outcomes: the doctrine arm needs the doctrine plan")
            out[name] = with_actions(base, doctrine)
        elif name == "no_action":
            out[name] = base
        elif kind == "without":
            # ``without`` names decisions by id; team actions carry it as their note.
            out[name] = with_actions(base, [a for a in team if a.get("note") != arg])
        elif kind == "variant":
            out[name] = with_actions(variant(arg), team)
        else:
            raise SimsoftError(f"outcomes: unknown arm {name!r}")
    return out


def _arm_scenarios(loaded: LoadedExercise, wanted: Sequence[str], *, team: Sequence[dict[str, Any]],
                   doctrine: Sequence[dict[str, Any]] | None, seed: int) -> dict[str, "Scenario"]:
    """The scenario of each arm named in ``wanted``: the exercise's with that arm's timed actions."""
    raw: list["Scenario"] = []

    def variant(arg: str) -> "Scenario":
        from simsoft import load_scenario
        from simsoft.loader import apply_variant

        if loaded.exercise.exercise.variant:
            raise SimsoftError("improvement-plan variants need an exercise that plays the scenario's base "
                               f"(this one plays variant {loaded.exercise.exercise.variant!r})")
        raw[:] = raw or [load_scenario(loaded.scenario_file)]
        if arg not in raw[0].variants:
            known = ", ".join(sorted(raw[0].variants)) or "none"
            raise SimsoftError(f"improvement plan: {arg!r} is not a variant of {loaded.scenario_file} (variants: {known})")
        return for_play(loaded.exercise, apply_variant(raw[0], arg))

    return arm_worlds(wanted, base=loaded.scenario, team=team, doctrine=doctrine, variant=variant,
                      with_actions=lambda world, actions: arm_scenario(world, actions, seed=seed))


def variant_side_effects(loaded: LoadedExercise, *, team: Sequence[dict[str, Any]], variant: str,
                         seeds: Sequence[int]) -> dict[str, float]:
    """What ``variant`` changes beyond the outcomes: every numeric run metric whose mean over ``seeds``
    differs between your decisions with and without it (metric key: mean change, variant minus without).

    Runs both arms serially over ``seeds`` (a few; runs this process already made are reused).
    """
    arms = _arm_scenarios(loaded, ["team", f"variant:{variant}"], team=team, doctrine=None, seed=loaded.seed)
    runs = run_arms(arms, list(seeds), executor="serial")
    out: dict[str, float] = {}
    for key in sorted(set().union(*(r.keys() for r in runs["team"]))):
        before = [_number(r.get(key)) for r in runs["team"]]
        after = [_number(r.get(key)) for r in runs[f"variant:{variant}"]]
        if before == after:
            continue
        pairs = [(a, b) for a, b in zip(after, before) if a is not None and b is not None]
        out[key] = sum(a - b for a, b in pairs) / len(pairs) if pairs else math.nan
    return out


def _key(loaded: LoadedExercise, team: Any, replications: int, seed: int, rule: str | None = None) -> str:
    # The doctrine plan is not part of the key: it follows from the exercise, the scenario, the
    # session's seed and the team's decisions (their parameters), which are. So a cache hit needs no
    # doctrine play at all. The fixed rule keeps the key outcomes had before the rule existed (old
    # caches still read); the adaptive rule adds itself, so fixed and adaptive results never mix.
    fields: dict[str, Any] = {"team": team, "n": replications, "seed": seed, "session_seed": loaded.seed,
                              "scenario": loaded.scenario_sha256, "exercise": loaded.exercise_sha256,
                              "simsoft": simsoft.__version__}
    if rule is not None:
        fields["rule"] = rule
    text = json.dumps(fields, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CACHE_ENTRIES = 8
"""Outcome sets kept per session folder (one per seed and replication rule asked for, newest kept)."""


def _read_cache(path: Path) -> list[Outcomes]:
    """The outcome sets cached at ``path`` (none if it is missing or unreadable: the cache is derived data)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["entries"] if isinstance(data, dict) and "entries" in data else [data]
        return [Outcomes.from_json(json.dumps(d)) for d in items]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_cache(path: Path, entries: Sequence[Any]) -> None:
    """Keep the latest :data:`CACHE_ENTRIES` outcomes (anything with ``to_json``: venue or regional) in ``path``,
    written under another name and renamed, so a crash never leaves half a cache."""
    text = json.dumps({"format": 2, "entries": [json.loads(o.to_json()) for o in entries[-CACHE_ENTRIES:]]},
                      sort_keys=True, indent=1)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only session folder: the outcomes are still returned, only not kept


BASELINE_ARMS = ("doctrine", "no_action")
"""Arms that do not depend on the team's decisions (:mod:`facilitator.evaluation.baselines`)."""


def session_outcomes(session: "Session", *, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None,
                     executor: str | None = None, workers: int | None = None, variants: Sequence[str] = (),
                     cache: str | os.PathLike[str] | None = None, on_start: Callable[[int], None] | None = None,
                     on_runs: Callable[[int], None] | None = None, fixed: bool = False,
                     rule: ReplicationRule | None = None, baselines: str | os.PathLike[str] | bool | None = None,
                     warn: Callable[[str], None] | None = None) -> Outcomes:
    """Outcomes of a session's decision record, from ``cache`` where it holds them.

    **Replications.** By default *adaptive* (:mod:`facilitator.evaluation.precision`): at least 50 per
    arm, then batches of 25, stopping as soon as every outcome indicator's 95 % half-width (each arm's
    mean and each paired difference shown) is within its practical threshold; ``replications`` is the
    cap. ``fixed=True`` runs exactly ``replications``; ``rule`` gives any other rule. The result's
    :attr:`Outcomes.precision` says how many each arm used and the precision reached.

    **Caches.** ``cache`` (default ``SESSION/outcomes.json``) keeps one outcome set per seed and rule,
    each with every arm computed so far; only what it lacks is run (a report's variant arms after an
    evaluation, say) over the same seeds, and added. The doctrine and no-action arms are also read from
    and written to the shared baseline store (:mod:`facilitator.evaluation.baselines`; ``baselines``: a
    folder, ``False`` for none, default next to the session folder), so another team's session of the
    same exercise runs only its own arm. Both are derived data: deleting them only costs the runs.
    ``on_start``/``on_runs`` are called only when something runs; ``warn`` gets the store's warnings.
    """
    loaded = session.loaded
    seed = loaded.seed if seed is None else int(seed)
    rule = rule or (ReplicationRule.fixed(replications) if fixed else ReplicationRule(int(replications)))
    team = team_actions(session)
    from facilitator.evaluation.contrary import contrary_decisions

    without = sorted({c.decision for c in contrary_decisions(session)})
    wanted = [*ARMS, *(f"variant:{v}" for v in variants), *(f"without:{d}" for d in without)]
    key = _key(loaded, team, rule.cap, seed, rule.key())
    path = Path(cache) if cache is not None else (session.folder / CACHE if session.folder is not None else None)
    entries = _read_cache(path) if path is not None else []
    found = next((o for o in entries if o.key == key and (rule.adaptive or o.replications == rule.cap)), None)
    if found is None:
        found = Outcomes(0, seed, [], {}, [], key)
    values = found.values
    if baselines is False:
        store = None
    else:
        where = Path(baselines) if isinstance(baselines, (str, os.PathLike)) else baseline_folder(session.folder)
        store = BaselineStore(where, warn=warn) if where is not None else None
    seeds = replication_seeds(seed, rule.cap)
    plan: dict[str, Any] = {}

    def doctrine() -> tuple[list[dict[str, Any]], list[str]]:
        if "doctrine" not in plan:
            plan["doctrine"] = doctrine_plan(loaded, team=session)
        return plan["doctrine"]

    def store_key(arm: str) -> str:
        script = None
        if arm == "doctrine":
            script = [[d.team, d.inject, d.after_s, sorted(d.action.items())] for d in doctrine_script(loaded, team=session)]
        return BaselineStore.key(arm=arm, exercise_sha256=loaded.exercise_sha256, scenario_sha256=loaded.scenario_sha256,
                                 variant=loaded.exercise.exercise.variant, session_seed=loaded.seed, seed=seed,
                                 doctrine_script=script)

    def fill(arm: str, n: int) -> None:
        if store is None or arm not in BASELINE_ARMS:
            return
        got = store.read(store_key(arm), seeds[:n])
        if got is None or any(m not in got[0] for m, _, _ in METRICS):
            return
        stored, gaps = got
        if len(stored[METRICS[0][0]]) > _length(values, arm):
            values[arm] = {m: list(stored[m]) for m, _, _ in METRICS}
            if arm == "doctrine":
                found.doctrine_gaps = list(gaps)

    def made(arm: str) -> None:
        if arm == "doctrine":
            found.doctrine_gaps = list(doctrine()[1])
        if store is not None and arm in BASELINE_ARMS:
            n = _length(values, arm)
            store.write(store_key(arm), arm=arm, seeds=seeds[:n], values={m: values[arm][m][:n] for m, _, _ in METRICS},
                        gaps=found.doctrine_gaps if arm == "doctrine" else ())

    scenarios: dict[str, "Scenario"] = {}

    def scenario(arm: str) -> "Scenario":
        if arm not in scenarios:
            scenarios.update(_arm_scenarios(loaded, [arm], team=team, doctrine=doctrine()[0] if arm == "doctrine" else None,
                                            seed=seed))
        return scenarios[arm]

    before = {a: _length(values, a) for a in wanted}
    chosen = executor or pick_executor(rule.cap * len(wanted), workers)
    precision = _replicate(values, wanted, rule=rule, seed=seed, scenario=scenario, executor=chosen, workers=workers,
                           on_start=on_start, on_runs=on_runs, fill=fill, made=made)
    grown = any(_length(values, a) != before[a] for a in wanted)
    n = precision.used
    found.replications = max([found.replications, *(_length(values, a) for a in values)])
    found.seeds = replication_seeds(seed, found.replications)
    # A variant that changed no outcome of any replication: what did it change? (for the AAR's words)
    result = Outcomes(n, seed, seeds[:n], {a: {m: values[a][m][:n] for m, _, _ in METRICS} for a in wanted},
                      list(found.doctrine_gaps), key, precision=precision)
    explain = [v for v in variants if result.unchanged(v) and (v not in found.side_effects or grown)]
    for v in explain:
        found.side_effects[v] = variant_side_effects(loaded, team=team, variant=v, seeds=seeds[:SIDE_EFFECT_RUNS])
    if (grown or explain) and path is not None:
        write_cache(path, [o for o in entries if o is not found] + [found])
    result.side_effects = {v: dict(found.side_effects[v]) for v in variants if v in found.side_effects and result.unchanged(v)}
    return result
