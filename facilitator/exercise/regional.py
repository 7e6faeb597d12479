"""Regional exercises: an exercise file that names a region (``exercise.region``) instead of one scenario.

The exercise keeps every part of a venue exercise (objectives, teams, modules, MSEL, expected actions) and
is checked by the same cross-checks (:func:`facilitator.exercise.loader._cross_check`); what differs:

- the world is a region file (:func:`simsoft.region.load_region`, ``variant`` a region variant);
- player teams decide the regional verbs (:data:`REGIONAL_VERBS`: ``assign_units``, ``mutual_aid``,
  ``divert``, ``posture``, ``public_information``, ``site`` ...) and see the region (``knows_as: region``);
- an inject may be about a site (``site: station``): its venue triggers and placeholders read that site;
  region triggers read the region (``hospital_at_capacity``, ``units_exhausted``, ``queued_above``);
- a decision is checked by the region's own check (:meth:`simsoft.region.decisions.RegionalDecisions.check`)
  on a regional run that is built and never run, as a venue decision is checked on a plan simulation.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, get_args

from simsoft import DEFAULT_SEED
from simsoft.errors import ActionError, ScenarioError
from simsoft.region import LoadedRegion, RegionAction, RegionalRun, apply_region_variant, load_region
from simsoft.schema import Scenario
from simsoft.units import check_seconds, format_duration

from facilitator.exercise.decisions import DecisionError, ExerciseError, ScriptedDecision, _non_finite, action_refusal
from facilitator.exercise.languages import Texts
from facilitator.exercise.refusals import NOT_FINITE, attach
from facilitator.exercise.loader import (REGIONAL, LoadedExercise, _check_trigger, _cross_check, _hint, _sha, _team_may,
                                         _unanswered, _Where)
from facilitator.exercise.templates import placeholder_names, template_problem
from facilitator.exercise.schema import REGION_TRIGGERS, Exercise, HospitalAtCapacity, QueuedAbove, UnitsExhausted

__all__ = ["REGIONAL_VERBS", "LoadedRegionalExercise", "load_regional", "regional_plan_checker",
           "check_regional_decision", "horizon_s", "default_site"]


def _verbs() -> tuple[str, ...]:
    union = get_args(RegionAction)[0]
    return tuple(sorted(get_args(m.model_fields["do"].annotation)[0] for m in get_args(union)))


REGIONAL_VERBS: tuple[str, ...] = _verbs()
"""The regional decisions a team of a regional exercise may take (:mod:`simsoft.region.decisions`)."""


@dataclass(frozen=True)
class LoadedRegionalExercise(LoadedExercise):
    """A validated regional exercise: ``region`` is the region it plays (variant applied).

    ``scenario`` is the first site's scenario with the region's horizon as its duration: what the venue
    session's clock and bounds read; everything regional reads ``region``.
    """

    region: LoadedRegion | None = None


def horizon_s(loaded: LoadedRegion) -> float:
    """The region's end of play: its ``duration``, else the longest site's scenario duration."""
    region = loaded.region
    if region.duration is not None:
        return float(region.duration)
    return float(max(sc.duration for sc in loaded.scenarios.values()))


def default_site(loaded: LoadedRegion) -> str:
    """The site an inject without ``site`` is about: the first site with an incident (else the first site)."""
    for s in loaded.region.sites:
        if loaded.scenarios[s.id].incident is not None:
            return s.id
    return loaded.region.sites[0].id


def load_regional(exercise: Exercise, *, doc: Any, where: _Where, path: str, seed: int | None,
                  texts: Texts) -> LoadedRegionalExercise:
    """Load the region the exercise names and cross-check the exercise against it (every problem at once)."""
    assert exercise.exercise.region is not None
    target = os.path.join(os.path.dirname(path), exercise.exercise.region)
    shown = os.path.normpath(target)
    region: LoadedRegion | None = None
    if not os.path.isfile(target):
        where.bad(("exercise", "region"), f"region file not found (looked for {shown})")
    else:
        try:
            region = load_region(target)
        except ScenarioError as exc:
            where.bad(("exercise", "region"), f"is not a valid region ({len(exc.problems)} problem(s) listed next)")
            where.problems.extend(exc.problems)
        variant = exercise.exercise.variant
        if region is not None and variant:
            try:
                region = apply_region_variant(region, variant)
            except ScenarioError:
                known = ", ".join(sorted(region.region.variants)) or "none"
                where.bad(("exercise", "variant"), f"is not a variant of the region (variants: {known})")
                region = None
    _cross_check(exercise, None, where, verbs=list(REGIONAL_VERBS))
    if region is not None:
        _check_against_region(exercise, region, where)
        _check_translations(exercise, region, texts, where)
    if where.problems:
        raise ExerciseError(where.problems)
    assert region is not None
    first = default_site(region)
    scenario: Scenario = region.scenarios[first].model_copy(update={"duration": horizon_s(region)})
    with open(path, "rb") as fh:
        ex_sha = _sha(fh.read())
    with open(target, "rb") as fh:
        region_sha = hashlib.sha256(fh.read() + json.dumps(
            {k: v.model_dump(mode="json", by_alias=True) for k, v in sorted(region.scenarios.items())},
            sort_keys=True).encode()).hexdigest()
    chosen = seed if seed is not None else exercise.exercise.seed
    return LoadedRegionalExercise(exercise=exercise, scenario=scenario, file=doc.file, scenario_file=shown,
                                  seed=DEFAULT_SEED if chosen is None else int(chosen), exercise_sha256=ex_sha,
                                  scenario_sha256=region_sha, warnings=tuple(str(w) for w in _unanswered(exercise, where)),
                                  texts=texts, region=region)


def _check_against_region(ex: Exercise, loaded: LoadedRegion, where: _Where) -> None:
    sites = [s.id for s in loaded.region.sites]
    hospitals = [h.id for h in loaded.region.hospitals]
    end = horizon_s(loaded)
    for i, team in enumerate(ex.teams):
        if team.role == "player" and team.knows_as != "region":
            where.bad(("teams", i, "knows_as"), f"is {team.knows_as!r}; a team of a regional exercise sees the region "
                                                "(knows_as: region)")
    for i, inj in enumerate(ex.msel):
        p = ("msel", i)
        if inj.site is not None and inj.site not in sites:
            where.bad(p + ("site",), f"is not a site of the region ({_hint(inj.site, sites)})")
            continue
        rule = template_problem(inj.text, placeholder_names(loaded.scenarios[inj.site or default_site(loaded)]))
        if rule:
            where.bad(p + ("text",), rule, show=False)
        if inj.at is not None and inj.at > end:
            where.bad(p + ("at",), f"is after the region's play ends ({format_duration(end)})")
        when = inj.when
        if isinstance(when, HospitalAtCapacity) and when.hospital_at_capacity not in hospitals:
            where.bad(p + ("when", "hospital_at_capacity"), f"is not a shared hospital of the region "
                                                            f"({_hint(when.hospital_at_capacity, hospitals)})")
        if isinstance(when, (UnitsExhausted, QueuedAbove)):
            kind = when.units_exhausted if isinstance(when, UnitsExhausted) else when.kind
            have = loaded.region.ambulance_bases if kind == "ambulance" else loaded.region.police
            if not have:
                where.bad(p + ("when",), f"reads shared {kind} units, which the region has none of", show=False)
        if when is not None and not isinstance(when, REGION_TRIGGERS):
            _check_trigger(when, p + ("when",), where, loaded.scenarios[inj.site or default_site(loaded)])
    checker: RegionalRun | None = None
    for i, inj in enumerate(ex.msel):
        for j, exp in enumerate(inj.expect):
            if not exp.doctrine or exp.action not in REGIONAL_VERBS:
                continue
            checker = checker or RegionalRun(loaded, seed=DEFAULT_SEED)  # built, never run
            problem = _region_check(loaded, {"do": exp.action, **exp.doctrine}, checker)
            if problem:
                where.bad(("msel", i, "expect", j, "doctrine"), f"is not a decision the region allows: {problem}",
                          show=False)


def _check_translations(ex: Exercise, loaded: LoadedRegion, texts: Texts, where: _Where) -> None:
    """Translated inject texts render on their site (placeholders, plural forms per language) and every language
    of ``languages.covers`` is complete, as :func:`facilitator.exercise.loader._check_texts` checks a venue's."""
    sites = {s.id for s in loaded.region.sites}
    for i, inj in enumerate(ex.msel):
        if inj.site is not None and inj.site not in sites:
            continue  # reported with the site
        names = placeholder_names(loaded.scenarios[inj.site or default_site(loaded)])
        for lang, text in sorted(texts.by_key.get(("inject", inj.id, "text"), {}).items()):
            rule = template_problem(text, names, lang=lang) if lang != texts.fallback else None
            if rule:
                where.bad(("msel", i, "text", lang), rule, show=False)
    for lang in texts.covers:
        for text_path, _ in texts.missing(lang):
            where.bad(text_path, f"has no {lang!r} text, but languages.covers lists {lang!r}", show=False)


def _region_check(loaded: LoadedRegion, action: dict[str, Any], checker: RegionalRun | None = None) -> str:
    run = checker if checker is not None else RegionalRun(loaded, seed=DEFAULT_SEED)
    try:
        run.decisions.check(action)
    except ActionError as exc:
        return str(exc)
    return ""


def regional_plan_checker(loaded: LoadedRegionalExercise) -> RegionalRun:
    """A regional run of the exercise's region at t = 0 that is never run: decisions are checked on it."""
    assert loaded.region is not None
    return RegionalRun(loaded.region, seed=loaded.seed)


def check_regional_decision(loaded: LoadedRegionalExercise, decision: ScriptedDecision, *,
                            checker: RegionalRun | None = None) -> None:
    """Raise :class:`DecisionError` if the regional ``decision`` cannot be taken (team, verb, names, region check)."""
    assert loaded.region is not None
    ex = loaded.exercise
    where, verb = _team_may(ex, decision, verbs=REGIONAL_VERBS, what="regional decision")
    if "at" in decision.action:
        raise DecisionError(f"{where}{verb}: a decision takes effect when it is made; use after: DELAY instead of at")
    odd = [k for k, v in decision.action.items() if _non_finite(v)]
    if odd:
        raise attach(DecisionError(f"{where}{verb}: {odd[0]} must be a finite number"), NOT_FINITE, where=where, verb=verb,
                     name=odd[0])
    try:
        after = check_seconds(float(decision.after_s))
    except (TypeError, ValueError) as exc:
        raise DecisionError(f"{where}{verb}: after {exc}") from None
    end = horizon_s(loaded.region)
    if after > end:
        raise DecisionError(f"{where}{verb}: after {format_duration(after)} is after the region's play ends "
                            f"({format_duration(end)})")
    problem = _region_check(loaded.region, dict(decision.action), checker)
    if problem:
        raise action_refusal(None, verb, problem, where=where)


REGIONAL.update(load=load_regional, plan_checker=regional_plan_checker, check_decision=check_regional_decision)
