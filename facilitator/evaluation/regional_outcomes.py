"""Outcomes of a regional session: the teams' decisions against doctrine and no action, over seeded
replications of the region.

The design is the venue outcomes' (:mod:`facilitator.evaluation.outcomes`), over a region instead of a scenario:

* **your decisions**: every regional decision of the session, each at the region time it took effect, added
  to the region's scripted ``actions``;
* **doctrine**: every expected action of the MSEL at its time standard after its inject, with the
  expectation's ``doctrine`` parameters, played as a scripted regional session on the exercise seed (so
  region and site triggers fire when the doctrine world reaches them), then replicated;
* **no action**: the region as written (its own scripted actions, if any);
* ``variant:V``: your decisions on region variant ``V`` (an Improvement Plan row naming it);
* ``without:D``: your decisions without decision ``D`` (a contrary decision).

Replication ``i`` of every arm runs the region with seed ``seeds[i]`` (children of ``SeedSequence(seed)``,
:func:`simsoft.experiments.replication_seeds`); each site draws from its own seed
(:func:`simsoft.region.site_seed`), so every arm meets the same incidents and injuries (common random
numbers). The runs are lean regional runs; every arm's replications go to the executor as one task list
(:func:`simsoft.experiments.execute` with :func:`run_arm_chunk`), so serial, processes and Dask give the same
numbers.

Indicators (:func:`regional_metrics`), all lower-is-better: deaths, preventable deaths and exposed
person-minutes summed over the sites (under the venue indicators' keys, so the AAR's summary, conclusion and
the rating rules read them as for one venue), deaths at each site with an incident, time from injury to
hospital (median and 90th percentile over every casualty of the region who reached one), the highest peak
hospital load (beds used as a share of beds, the worst hospital), admissions over capacity, and
ambulances a request could not get at once (shortfall).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import simsoft
from simsoft.errors import ActionError, ScenarioError, SimsoftError
from simsoft.experiments import Task, execute, replication_seeds
from simsoft.region import LoadedRegion, RegionalRun, apply_region_variant, load_region, region_names

from facilitator.evaluation.outcomes import (ARMS, Outcomes, arm_worlds, doctrine_script, team_actions,
                                             write_cache)
from facilitator.evaluation.runs import pick_executor
from facilitator.i18n import N_, Translator, translator

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.conduct.regional import RegionalSession
    from facilitator.exercise.regional import LoadedRegionalExercise

__all__ = ["RegionalOutcomes", "regional_metrics", "regional_threshold", "regional_unit", "indicator_values",
           "run_arm_chunk", "run_region_chunk", "regional_label", "regional_doctrine_session", "regional_doctrine_plan", "compute_regional_outcomes",
           "regional_session_outcomes", "with_actions", "REGIONAL_THRESHOLDS", "CACHE"]

CACHE = "outcomes.json"
"""The session folder's outcome cache (a regional session has no venue outcomes: the same name)."""


REGIONAL_THRESHOLDS: dict[str, float] = {
    "region.time_to_hospital_median_s": 60.0,
    "region.time_to_hospital_p90_s": 60.0,
    "region.peak_hospital_load_pct": 5.0,
    "region.over_capacity": 0.5,
    "units.ambulance.shortfall": 0.5,
}
"""Smallest difference worth reporting for the regional indicators (presentation only), the venue table's
approach (:data:`simsoft.experiments.PRACTICAL_THRESHOLDS`): 1 min for times planned in minutes (transport);
half a person or half a vehicle for counts (a mean change below 0.5 is not one more or less); 5 percentage
points of a hospital's beds for its load (judgement: about one bed in twenty, the resolution of a bed state
reported during a major incident). Deaths at a site (``site.<id>.deaths``) take half a person. Project choices."""


def regional_threshold(metric: str) -> float | None:
    """The practical threshold of a regional indicator (``None``: not a regional indicator; the venue table applies).

    >>> regional_threshold("site.station.deaths"), regional_threshold("region.time_to_hospital_p90_s")
    (0.5, 60.0)
    >>> regional_threshold("medical.deaths") is None
    True
    """
    if metric in REGIONAL_THRESHOLDS:
        return REGIONAL_THRESHOLDS[metric]
    if metric.startswith("site.") and metric.endswith(".deaths"):
        return 0.5
    return None


def regional_unit(metric: str) -> str | None:
    """The display unit of a regional indicator (``people``, ``min`` (held in seconds), ``%``, ``vehicles``), else ``None``.

    >>> regional_unit("site.st_marks.deaths"), regional_unit("region.peak_hospital_load_pct"), regional_unit("x")
    ('people', '%', None)
    """
    if metric.startswith("site.") and metric.endswith(".deaths") or metric == "region.over_capacity":
        return "people"
    if metric.startswith("region.time_to_hospital_"):
        return "min"
    if metric == "region.peak_hospital_load_pct":
        return "%"
    if metric == "units.ambulance.shortfall":
        return "vehicles"
    return None


def _site_name(loaded: LoadedRegion, sid: str, lang: str = "en") -> str:
    """A site by the region file's name in ``lang``, else its scenario's name."""
    return region_names(loaded.region, lang).get(sid) or loaded.scenarios[sid].name


def regional_metrics(loaded: LoadedRegion, tr: Translator | None = None) -> tuple[tuple[str, str, str], ...]:
    """The outcome indicators of ``loaded``: (key, label in ``tr``'s language (English when ``None``), display unit),
    as :data:`~outcomes.METRICS`.

    Per-site deaths are listed for every site with an incident; the shortfall only when the region shares
    ambulances.
    """
    _ = tr or translator("en")
    out = [("medical.deaths", _("Deaths (region)"), "people"),
           ("medical.preventable_deaths", _("Preventable deaths (region)"), "people"),
           ("incident.exposed_person_min", _("Exposed person-minutes (region)"), "person-min")]
    out += [(f"site.{s.id}.deaths", _("Deaths: %(site)s", site=_site_name(loaded, s.id, _.lang)), "people")
            for s in loaded.region.sites if loaded.scenarios[s.id].incident is not None]
    out += [("region.time_to_hospital_median_s", _("Time to hospital (median)"), "min"),
            ("region.time_to_hospital_p90_s", _("Time to hospital (90th percentile)"), "min"),
            ("region.peak_hospital_load_pct", _("Highest hospital peak load (%% of beds)"), "%"),
            ("region.over_capacity", _("Admissions over capacity"), "people")]
    if loaded.region.ambulance_bases:
        out.append(("units.ambulance.shortfall", _("Ambulances short of a request"), "vehicles"))
    return tuple(out)


def regional_label(metric: str, tr: Translator | None = None) -> str | None:
    """The label of a regional indicator named by key alone (a site by its id), in ``tr``'s language; ``None`` for
    another metric (a rating's worse-than-doctrine indicators are journaled by key)."""
    _ = tr or translator("en")
    fixed = {"region.time_to_hospital_median_s": N_("Time to hospital (median)"),
             "region.time_to_hospital_p90_s": N_("Time to hospital (90th percentile)"),
             "region.peak_hospital_load_pct": N_("Highest hospital peak load (%% of beds)"),
             "region.over_capacity": N_("Admissions over capacity"),
             "units.ambulance.shortfall": N_("Ambulances short of a request")}
    if metric in fixed:
        return _(fixed[metric])
    if metric.startswith("site.") and metric.endswith(".deaths"):
        return _("Deaths: %(site)s", site=metric[len("site."):-len(".deaths")])
    return None


REGIONAL_INDICATORS: dict[str, tuple[str, ...]] = {
    "Operational Coordination": ("medical.deaths", "units.ambulance.shortfall"),
    "Public Health, Healthcare, and Emergency Medical Services": ("medical.preventable_deaths",
                                                                   "region.time_to_hospital_p90_s",
                                                                   "region.over_capacity"),
    "Public Information and Warning": ("incident.exposed_person_min", "region.over_capacity"),
    "Critical Transportation": ("region.time_to_hospital_median_s",),
    "On-scene Security, Protection, and Law Enforcement": ("incident.exposed_person_min", "medical.deaths"),
    "Physical Protective Measures": ("incident.exposed_person_min",),
    "Situational Assessment": ("medical.deaths",),
}
"""Which regional indicators speak for which core capability (the rating rules' worse-than-doctrine check);
a capability not listed reads deaths and preventable deaths, as for one venue."""


def _number(x: Any) -> float | None:
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def indicator_values(result: Any) -> dict[str, float | None]:
    """The indicators of one regional run (:class:`simsoft.region.RegionResult`), times in seconds."""
    m = result.metrics
    region = result.loaded.region
    exposed = [_number(r.metrics.get("incident.exposed_person_min")) for r in result.sites.values()]
    got = [x for x in exposed if x is not None]
    out: dict[str, float | None] = {
        "medical.deaths": _number(m.get("region.deaths")),
        "medical.preventable_deaths": _number(m.get("region.preventable_deaths")),
        "incident.exposed_person_min": sum(got) if got else None,
    }
    for s in region.sites:
        out[f"site.{s.id}.deaths"] = _number(m.get(f"site.{s.id}.deaths"))
    for q in ("median", "p90"):
        v = _number(m.get(f"region.time_to_hospital_{q}_min"))
        out[f"region.time_to_hospital_{q}_s"] = None if v is None else v * 60.0
    loads = [_number(m.get(f"hospital.{h.id}.peak_load_vs_beds")) for h in region.hospitals]
    loads = [x for x in loads if x is not None]
    out["region.peak_hospital_load_pct"] = round(100.0 * max(loads), 3) if loads else None
    out["region.over_capacity"] = _number(m.get("region.over_capacity"))
    out["units.ambulance.shortfall"] = _number(m.get("units.ambulance.shortfall"))
    return out


def run_arm_chunk(arms: dict[str, LoadedRegion], chunk: Sequence[Task]) -> list[tuple[int, int, int, dict[str, Any]]]:
    """Run ``chunk`` (each task's ``variant`` names its arm) as lean regional runs; one indicator row per task.

    The runner :func:`simsoft.experiments.execute` hands every executor, so each run depends only on its arm
    and seed."""
    return [row for task in chunk for row in run_region_chunk(arms[task.variant], [task])]


def run_region_chunk(region: LoadedRegion, chunk: Sequence[Task]) -> list[tuple[int, int, int, dict[str, Any]]]:
    """Run every task of ``chunk`` on ``region`` (one arm) as lean regional runs; one indicator row per task.

    The runner of a region's arms in :func:`facilitator.evaluation.runs.run_arms` (what-if forecasts)."""
    rows = []
    for task in chunk:
        run = RegionalRun(region, seed=task.seed, lean=True)
        run.run_to_end()
        rows.append((task.variant_index, task.replication, task.seed, indicator_values(run.result())))
    return rows


class RegionalOutcomes(Outcomes):
    """:class:`~facilitator.evaluation.outcomes.Outcomes` over a region: the same arms, statistics and cache
    form, with the region's indicators (:attr:`metrics`) instead of the venue's."""

    metrics: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, *args: Any, metrics: Sequence[tuple[str, str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = tuple(tuple(m) for m in metrics)  # type: ignore[misc]

    def unchanged(self, variant: str) -> bool:
        arm = self.values.get(f"variant:{variant}")
        return arm is not None and all(arm[m] == self.values["team"][m] for m, _, _ in self.metrics)

    def indicators(self, capability: str) -> tuple[str, ...]:
        """The indicators of ``capability`` for the rating rules (:data:`REGIONAL_INDICATORS`)."""
        have = {m for m, _, _ in self.metrics}
        found = tuple(m for m in REGIONAL_INDICATORS.get(capability, ("medical.deaths", "medical.preventable_deaths"))
                      if m in have)
        return found or ("medical.deaths", "medical.preventable_deaths")

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for metric, _, _ in self.metrics:
            row: dict[str, Any] = {"arms": {a: self.stats(a, metric) for a in self.values}}
            row["team_minus_doctrine"] = self.difference("team", "doctrine", metric)
            row["team_minus_no_action"] = self.difference("team", "no_action", metric)
            row["variant_minus_team"] = {v: self.difference(f"variant:{v}", "team", metric) for v in self.variants}
            out[metric] = row
        return out

    def to_json(self) -> str:
        d = json.loads(super().to_json())
        d["metrics"] = [list(m) for m in self.metrics]
        return json.dumps(d, sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "RegionalOutcomes":
        d = json.loads(text)
        return cls(d["replications"], d["seed"], d["seeds"], d["values"], d.get("doctrine_gaps", []), d.get("key", ""),
                   d.get("side_effects", {}), metrics=[tuple(m) for m in d.get("metrics", [])])


def with_actions(loaded: LoadedRegion, actions: Sequence[dict[str, Any]], *, seed: int) -> LoadedRegion:
    """``loaded`` with ``actions`` (timed, file form) added to its scripted actions, each checked by the region."""
    checker = RegionalRun(loaded, seed=seed)  # built, never run
    parsed = []
    for a in actions:
        try:
            parsed.append(checker.decisions.check(a))
        except ActionError as exc:
            raise SimsoftError(f"outcomes: cannot replay {a.get('note', a.get('do'))} ({a.get('do')}): {exc}") from None
    return dataclasses.replace(loaded, region=loaded.region.model_copy(
        update={"actions": [*loaded.region.actions, *parsed]}))


def regional_doctrine_session(loaded: "LoadedRegionalExercise", *, team: Any = None) -> "RegionalSession":
    """The doctrine run of a regional exercise, played as a scripted regional session (no folder, no journal):
    every expected action at its time standard after its inject, on the exercise seed. Where an expectation
    gives no ``doctrine`` parameters, those of ``team``'s first decision with that team and verb are used."""
    from facilitator.conduct.regional import RegionalSession
    from facilitator.conduct.store import play

    script = doctrine_script(loaded, team=team)  # the MSEL's expectations: the same script as a venue's doctrine
    session = RegionalSession(loaded, script=script)
    play(session, close=False)
    return session


def regional_doctrine_plan(loaded: "LoadedRegionalExercise", *, team: Any = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The doctrine run's timed regional actions and its gaps (expected actions doctrine could not take, and why)."""
    session = regional_doctrine_session(loaded, team=team)
    gaps = [f"{r['inject']} {r['team']} {r['action'].get('do')}: {r['message']}" for r in session.rejected]
    gaps += [f"{d.inject} {d.team} {d.action.get('do')}: the inject was never released in the doctrine run"
             for i, d in enumerate(session.script) if i not in session.played]
    actions = [{**{k: v for k, v in d.action.items() if k not in ("at", "note")}, "at": f"{d.t_s + d.after_s!r} s",
                "note": f"doctrine-{d.id}"} for d in session.decisions]
    return actions, gaps


def _arms(loaded: "LoadedRegionalExercise", wanted: Sequence[str], *, team: Sequence[dict[str, Any]],
          doctrine: Sequence[dict[str, Any]] | None, seed: int) -> dict[str, LoadedRegion]:
    base = loaded.region
    assert base is not None
    raw: list[LoadedRegion] = []

    def variant(arg: str) -> LoadedRegion:
        if loaded.exercise.exercise.variant:
            raise SimsoftError(f"improvement plan: variant {arg!r} cannot be modelled on an exercise that already "
                               f"plays variant {loaded.exercise.exercise.variant!r}")
        try:
            raw[:] = raw or [load_region(loaded.scenario_file)]
            return apply_region_variant(raw[0], arg)
        except ScenarioError:
            known = ", ".join(sorted(base.region.variants)) or "none"
            raise SimsoftError(f"improvement plan: {arg!r} is not a variant of {loaded.scenario_file} "
                               f"(variants: {known})") from None

    return arm_worlds(wanted, base=base, team=team, doctrine=doctrine, variant=variant,
                      with_actions=lambda world, actions: with_actions(world, actions, seed=seed))


def compute_regional_outcomes(loaded: "LoadedRegionalExercise", *, team: Sequence[dict[str, Any]],
                              doctrine: Sequence[dict[str, Any]] | None, replications: int, seed: int | None = None,
                              executor: str | None = None, workers: int | None = None, arms: Sequence[str] = ARMS,
                              doctrine_gaps: Sequence[str] = (), on_start: Callable[[int], None] | None = None,
                              on_runs: Callable[[int], None] | None = None) -> RegionalOutcomes:
    """Run ``arms`` over ``replications`` common region seeds and return every indicator value.

    ``executor`` defaults as for venue outcomes (:func:`facilitator.evaluation.runs.pick_executor`: the process
    pool for 40 runs or more on more than one core); ``on_start(runs)`` once, ``on_runs(n)`` as runs finish."""
    if replications < 2:
        raise SimsoftError(f"outcomes need at least 2 replications for an interval, got {replications}")
    assert loaded.region is not None
    seed = loaded.seed if seed is None else int(seed)
    seeds = replication_seeds(seed, replications)
    names = list(arms)
    models = _arms(loaded, names, team=team, doctrine=doctrine, seed=seed)
    tasks = [Task(k, a, i, s) for k, a in enumerate(names) for i, s in enumerate(seeds)]
    if executor is None:
        executor = pick_executor(len(tasks), workers)
    got: dict[str, dict[int, dict[str, Any]]] = {a: {} for a in names}
    if on_start is not None:
        on_start(len(tasks))

    def keep(rows: list[Any]) -> None:
        for k, rep, _seed, values in rows:
            got[names[k]][rep] = values
        if on_runs is not None:
            on_runs(len(rows))

    execute(models, tasks, executor=executor, workers=workers, on_rows=keep, runner=run_arm_chunk)  # type: ignore[arg-type]
    metrics = regional_metrics(loaded.region)
    values = {a: {m: [got[a][i].get(m) for i in range(replications)] for m, _, _ in metrics} for a in names}
    return RegionalOutcomes(replications, seed, seeds, values, list(doctrine_gaps), metrics=metrics)


def _key(loaded: "LoadedRegionalExercise", team: Any, replications: int, seed: int) -> str:
    text = json.dumps({"region": True, "team": team, "n": replications, "seed": seed, "session_seed": loaded.seed,
                       "scenario": loaded.scenario_sha256, "exercise": loaded.exercise_sha256,
                       "simsoft": simsoft.__version__}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache(path: Path) -> list[RegionalOutcomes]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [RegionalOutcomes.from_json(json.dumps(d)) for d in data["entries"] if "metrics" in d]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # derived data: a missing or unreadable cache only costs the runs


def regional_session_outcomes(session: "RegionalSession", *, replications: int, seed: int | None = None,
                              executor: str | None = None, workers: int | None = None, variants: Sequence[str] = (),
                              cache: str | os.PathLike[str] | None = None,
                              on_start: Callable[[int], None] | None = None,
                              on_runs: Callable[[int], None] | None = None) -> RegionalOutcomes:
    """Outcomes of a regional session's decision record, from ``cache`` (default ``SESSION/outcomes.json``)
    where it holds them; only the arms it lacks are run and added (as :func:`~outcomes.session_outcomes`)."""
    from facilitator.evaluation.contrary import contrary_decisions

    loaded = session.loaded
    seed = loaded.seed if seed is None else int(seed)
    team = team_actions(session)
    without = sorted({c.decision for c in contrary_decisions(session)})
    wanted = [*ARMS, *(f"variant:{v}" for v in variants), *(f"without:{d}" for d in without)]
    key = _key(loaded, team, replications, seed)
    path = Path(cache) if cache is not None else (session.folder / CACHE if session.folder is not None else None)
    entries = _read_cache(path) if path is not None else []
    found = next((o for o in entries if o.key == key and o.replications == replications), None)
    missing = [a for a in wanted if found is None or a not in found.values]
    if missing:
        doctrine, gaps = regional_doctrine_plan(loaded, team=session) if "doctrine" in missing else (None, [])
        new = compute_regional_outcomes(loaded, team=team, doctrine=doctrine, replications=replications, seed=seed,
                                        executor=executor, workers=workers, arms=missing, doctrine_gaps=gaps,
                                        on_start=on_start, on_runs=on_runs)
        if found is None:
            found = new
            found.key = key
        else:
            found.values.update(new.values)
            if "doctrine" in missing:
                found.doctrine_gaps = new.doctrine_gaps
        if path is not None:
            write_cache(path, [o for o in entries if o is not found] + [found])
    return RegionalOutcomes(found.replications, found.seed, found.seeds, {a: found.values[a] for a in wanted},
                            list(found.doctrine_gaps), found.key, metrics=found.metrics)
