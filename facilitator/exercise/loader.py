"""``load_exercise``: parse an exercise file, load its scenario, and cross-check everything at the door.

Every problem is reported at once, each naming file, line, field path, the bad value and the rule,
as scenario errors do: ``exercise.yaml:42 msel[3].at: '-5 min' cannot be negative (time does not run backwards)``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from simsoft import DEFAULT_SEED, Simulation, load_scenario
from simsoft.errors import ActionError, Problem, ScenarioError
from simsoft.loader import Document, FieldPath, apply_variant, format_path, known_keys, problems_from_validation, read_yaml
from simsoft.region import missing_names
from simsoft.schema import FROM_FILE, Scenario
from simsoft.units import check_seconds, format_duration

from facilitator.exercise.decisions import (DecisionError, ExerciseError, ScriptedDecision, _non_finite, action_fields,
                                            action_refusal, action_verbs, missing_fields, unknown_parameter)
from facilitator.exercise.refusals import NOT_FINITE, UNKNOWN_ACTION, UNKNOWN_REGIONAL_ACTION, attach
from facilitator.exercise.schema import CORE_CAPABILITIES, REGION_TRIGGERS, Exercise, FirstEvent, ZoneAbove
from facilitator.exercise.languages import OWN_NAMES, Texts, split_texts
from facilitator.exercise.templates import placeholder_names, template_problem

__all__ = ["LoadedExercise", "load_exercise", "check_language_coverage", "for_play", "check_decisions", "check_decision", "plan_checker", "EVENT_FAMILIES"]

_KEYS = known_keys(Exercise)

MIN_CHECK_EVERY_S = 1.0
"""Shortest ``check_every``: people read injects in minutes, and ``1e-9 s`` makes a session step for ever."""

EVENT_FAMILIES = ("run", "incident", "casualty", "info", "alert", "action", "response", "egress", "medical",
                  "hospital", "recovery", "plan")
"""First parts of the event kinds the engine records (a state trigger must name one)."""


REGIONAL: dict[str, Callable[..., Any]] = {}
"""What a regional exercise (``exercise.region``) is loaded and checked with: ``load``, ``plan_checker`` and
``check_decision``, registered by :mod:`facilitator.exercise.regional` when the package is imported, so that
this module hands a regional exercise on without importing that one (which builds on this)."""


def _regional(name: str) -> Callable[..., Any]:
    if name not in REGIONAL:  # the package's __init__ imports facilitator.exercise.regional, which registers
        raise RuntimeError("facilitator.exercise.regional is not loaded")
    return REGIONAL[name]


@dataclass(frozen=True)
class LoadedExercise:
    """A validated exercise with its scenario (variant applied) and the fingerprints of both files."""

    exercise: Exercise
    scenario: Scenario
    file: str
    scenario_file: str
    seed: int
    exercise_sha256: str
    scenario_sha256: str
    warnings: tuple[str, ...] = ()
    """What is allowed but deserves the author's look (an inject to a team with actions that expects none and is
    not marked ``discussion_only``), each as ``file:line path: message``."""
    texts: Texts = Texts()
    """The translations of the file's texts (:mod:`facilitator.exercise.languages`); the exercise holds the fallback's."""

    @property
    def name(self) -> str:
        """The exercise name."""
        return self.exercise.exercise.name


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_exercise(path: str | os.PathLike[str], *, seed: int | None = None) -> LoadedExercise:
    """Load and cross-check the exercise file at ``path`` and the scenario it names.

    Raises :class:`ExerciseError` listing every problem (scenario problems included).
    """
    doc = read_yaml(path)
    # Multi-language texts are taken apart first: the model holds the fallback language's text.
    data, texts, text_problems = split_texts(doc.data)
    try:
        exercise = Exercise.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        found = problems_from_validation(exc, data, doc.sources, keys=_KEYS)
        where = _Where(doc, found)
        for text_path, rule in text_problems:
            where.bad(text_path, rule, show=False)
        _raw_references(doc, os.fspath(path), where, {p.path for p in found})
        raise ExerciseError(found) from None
    problems: list[Problem] = []
    where = _Where(doc, problems)
    for text_path, rule in text_problems:
        where.bad(text_path, rule, show=False)
    if exercise.exercise.region is not None:
        return _regional("load")(exercise, doc=doc, where=where, path=os.fspath(path), seed=seed, texts=texts)
    scenario, scenario_file = _scenario(exercise, os.fspath(path), where)
    _cross_check(exercise, scenario, where)
    _check_texts(exercise, scenario, texts, where)
    if problems:
        raise ExerciseError(problems)
    assert scenario is not None
    try:
        with open(path, "rb") as fh:
            ex_sha = _sha(fh.read())
    except OSError as exc:  # removed or made unreadable since it was parsed
        raise ExerciseError(Problem(file=doc.file, line=None, path="", rule=f"cannot be read: {exc.strerror or exc}")) from None
    sc_sha = _sha(json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True).encode())
    chosen = seed if seed is not None else exercise.exercise.seed
    return LoadedExercise(exercise=exercise, scenario=scenario, file=doc.file, scenario_file=scenario_file,
                          seed=DEFAULT_SEED if chosen is None else int(chosen), exercise_sha256=ex_sha, scenario_sha256=sc_sha,
                          warnings=tuple(str(w) for w in _unanswered(exercise, where)), texts=texts)


def _check_texts(ex: Exercise, scenario: Scenario | None, texts: Texts, where: "_Where") -> None:
    """Translated inject texts render (placeholders and plural forms per language); ``names`` name real
    places and units; every language of ``languages.covers`` is complete."""
    if scenario is not None:
        names = placeholder_names(scenario)
        for i, inj in enumerate(ex.msel):
            for lang, text in sorted(texts.by_key.get(("inject", inj.id, "text"), {}).items()):
                if lang == texts.fallback:
                    continue
                rule = template_problem(text, names, lang=lang)
                if rule:
                    where.bad(("msel", i, "text", lang), rule, show=False)
        known = sorted(_named_ids(scenario))
        for ident in ex.names:
            if ident not in known:
                where.bad(("names", ident), f"{ident!r} is not a zone, exit, door, unit, hospital or site of the "
                                            f"scenario, nor 'venue' or 'scenario' ({_hint(ident, known)})", show=False)
    for lang in texts.covers:
        for text_path, _ in texts.missing(lang):
            where.bad(text_path, f"has no {lang!r} text, but languages.covers lists {lang!r}", show=False)


def _named_ids(scenario: Scenario) -> set[str]:
    """The ids an exercise's ``names:`` may name: zones, exits, doors, units, hospitals, reunification sites,
    and the venue itself and the scenario's title (:data:`OWN_NAMES`)."""
    venue = scenario.venue
    ids = {*OWN_NAMES, *(x.id for x in [*venue.zones, *venue.exits, *venue.connections])}
    for part, items in (("response", "units"), ("medical", "hospitals"), ("recovery", "reunification")):
        ids |= {x.id for x in getattr(getattr(scenario, part, None), items, None) or ()}
    return ids


def check_language_coverage(loaded: LoadedExercise, lang: str) -> None:
    """Refuse to play ``loaded`` in ``lang`` unless every text of the file has a ``lang`` translation (and, for a
    regional exercise, every place of its region file a ``lang`` name: :func:`simsoft.region.missing_names`).

    The :class:`ExerciseError` names every missing translation (file, line, field path). The fallback
    language is always complete.
    """
    texts = loaded.texts
    missing = texts.missing(lang)
    region = getattr(loaded, "region", None)
    places = missing_names(region.region, lang) if region is not None else []
    if not missing and not places:
        return
    where = _Where(read_yaml(loaded.file), [])
    for text_path, _ in missing:
        where.bad(text_path, f"has no {lang!r} translation (the session's language; the file's fallback is "
                             f"{texts.fallback!r})", show=False)
    if places:
        assert region is not None
        fallback = region.region.languages.fallback if region.region.languages is not None else "en"
        in_region = _Where(read_yaml(region.file), where.problems)
        for path in places:
            in_region.bad(path, f"has no {lang!r} name (the session's language; the region file's fallback is "
                                f"{fallback!r}): add it to the region file's names", show=False)
    raise ExerciseError(where.problems)


def _unanswered(ex: Exercise, where: "_Where") -> list[Problem]:
    """Injects to a player team with actions that expect nothing and are not marked ``discussion_only``.

    A contingency is exempt: it repeats its parent inject's expected action."""
    out: list[Problem] = []
    for i, inj in enumerate(ex.msel):
        if inj.expect or inj.discussion_only or inj.if_missing is not None:
            continue
        deciders = [t for t in inj.to if any(team.id == t and team.role == "player" and team.may for team in ex.teams)]
        if deciders:
            file, line = where.doc.sources.locate(("msel", i))
            out.append(Problem(file=file, line=line, path=format_path(("msel", i)),
                               rule=f"inject {inj.id} goes to {', '.join(deciders)}, who can act, but expects no action: "
                                    "add expect: or mark it discussion_only: true"))
    return out


class _Where:
    """Collects problems located in the exercise document."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems

    def raw(self, path: FieldPath) -> Any:
        value: Any = self.doc.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def bad(self, path: FieldPath, rule: str, *, show: bool = True) -> None:
        file, line = self.doc.sources.locate(path)
        value = self.raw(path)
        has = show and value is not None and not isinstance(value, (dict, list))
        self.problems.append(Problem(file=file, line=line, path=format_path(path), rule=rule, value=value, has_value=has))

    def line(self, path: FieldPath) -> int | None:
        return self.doc.sources.locate(path)[1]


def _scenario(exercise: Exercise, path: str, where: _Where) -> tuple[Scenario | None, str]:
    assert exercise.exercise.scenario is not None
    target = os.path.join(os.path.dirname(path), exercise.exercise.scenario)
    shown = os.path.normpath(target)
    if not os.path.isfile(target):
        where.bad(("exercise", "scenario"), f"scenario file not found (looked for {shown})")
        return None, shown
    try:
        scenario = load_scenario(target)
    except ScenarioError as exc:
        where.bad(("exercise", "scenario"), f"is not a valid scenario ({len(exc.problems)} problem(s) listed next)")
        where.problems.extend(exc.problems)
        return None, shown
    variant = exercise.exercise.variant
    if variant:
        try:
            scenario = apply_variant(scenario, variant)
        except ScenarioError:
            known = ", ".join(sorted(scenario.variants)) or "none"
            where.bad(("exercise", "variant"), f"is not a variant of the scenario (variants: {known})")
            return None, shown
    return for_play(exercise, scenario), shown


def for_play(exercise: Exercise, scenario: Scenario) -> Scenario:
    """``scenario`` with the exercise's ``automatic`` switches (what the engine still does on its own) applied."""
    chosen = {k: v for k, v in exercise.exercise.automatic.model_dump().items() if v is not None}
    if not chosen:
        return scenario
    return scenario.model_copy(update={"automatic": scenario.automatic.model_copy(update=chosen)})


def _raw_references(doc: Document, path: str, where: _Where, skip: set[str]) -> None:
    """When the schema refused the file, still report its scenario's problems and the commonest bad
    references (modules, teams), so that every mistake shows in one pass, not one stage at a time."""
    data = doc.data if isinstance(doc.data, dict) else {}
    scenario_path = where.raw(("exercise", "scenario"))
    if isinstance(scenario_path, str) and "exercise.scenario" not in skip:
        target = os.path.join(os.path.dirname(path), scenario_path)
        if not os.path.isfile(target):
            where.bad(("exercise", "scenario"), f"scenario file not found (looked for {os.path.normpath(target)})")
        else:
            try:
                load_scenario(target)
            except ScenarioError as exc:
                where.bad(("exercise", "scenario"), f"is not a valid scenario ({len(exc.problems)} problem(s) listed next)")
                where.problems.extend(exc.problems)

    def ids(key: str) -> list[str]:
        items = data.get(key)
        return [x["id"] for x in items if isinstance(x, dict) and isinstance(x.get("id"), str)] if isinstance(items, list) else []

    teams, modules = ids("teams"), ids("modules")
    msel = data.get("msel") if isinstance(data.get("msel"), list) else []
    for i, inj in enumerate(msel):
        if not isinstance(inj, dict):
            continue
        p: FieldPath = ("msel", i)
        if modules and isinstance(inj.get("module"), str) and inj["module"] not in modules \
                and format_path(p + ("module",)) not in skip:
            where.bad(p + ("module",), f"is not a module ({_hint(inj['module'], modules)})")
        for j, team_id in enumerate(inj.get("to") if isinstance(inj.get("to"), list) else []):
            if teams and isinstance(team_id, str) and team_id not in teams and format_path(p + ("to", j)) not in skip:
                where.bad(p + ("to", j), f"is not a team ({_hint(team_id, teams)})")


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _hint(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known) or 'none'}"


def _unique(items: list[Any], path: FieldPath, where: _Where, what: str, seen: dict[str, FieldPath]) -> None:
    for i, item in enumerate(items):
        p = path + (i, "id")
        if item.id in seen:
            where.bad(p, f"duplicate {what} id (first at line {where.line(seen[item.id])})")
        else:
            seen[item.id] = p


def _cross_check(ex: Exercise, scenario: Scenario | None, where: _Where, *, verbs: list[str] | None = None) -> None:
    """Cross-references of the exercise; ``verbs``: the actions teams may take (a venue's unless given)."""
    regional = verbs is not None
    verbs = list(action_verbs()) if verbs is None else verbs
    if not regional:
        for i, team in enumerate(ex.teams):
            if team.knows_as == "region":
                where.bad(("teams", i, "knows_as"), "is 'region', which only a regional exercise (exercise.region) knows")
        for i, inj in enumerate(ex.msel):
            if inj.site is not None:
                where.bad(("msel", i, "site"), "names a site, which only a regional exercise (exercise.region) has")
            if inj.when is not None and isinstance(inj.when, REGION_TRIGGERS):
                where.bad(("msel", i, "when"), "reads the region, which only a regional exercise (exercise.region) has",
                          show=False)
    if ex.exercise.check_every < MIN_CHECK_EVERY_S:
        where.bad(("exercise", "check_every"), f"must be at least {MIN_CHECK_EVERY_S:g} s (triggers and deadlines are "
                                               "checked this often; a smaller step makes a session crawl)")
    if ex.exercise.ends_at is not None and ex.exercise.ends_at <= 0:
        where.bad(("exercise", "ends_at"), "must be a positive duration")
    can = {v for t in ex.teams if t.role == "player" for v in t.may}
    auto = ex.exercise.automatic
    if scenario is not None and scenario.alerting.plan and auto.venue_plan is False and not can & {"evacuate", "shelter", "lockdown"}:
        where.bad(("exercise", "automatic", "venue_plan"), "is false (teams decide) but no player team may evacuate, shelter or "
                  "lock down: nobody could give the venue plan's orders; set venue_plan: true or give a team those verbs",
                  show=False)
    if scenario is not None and scenario.incident is not None and auto.police_cordon is False and "cordon" not in can:
        where.bad(("exercise", "automatic", "police_cordon"), "is false (teams decide) but no player team may cordon; set "
                  "police_cordon: true or give the police team the verb", show=False)
    objectives: dict[str, FieldPath] = {}
    tasks: dict[str, FieldPath] = {}
    _unique(ex.objectives, ("objectives",), where, "objective", objectives)
    for i, o in enumerate(ex.objectives):
        if o.capability not in CORE_CAPABILITIES:
            where.bad(("objectives", i, "capability"), f"is not a core capability ({_hint(o.capability, list(CORE_CAPABILITIES))})")
        _unique(o.critical_tasks, ("objectives", i, "critical_tasks"), where, "critical task", tasks)
        for j, t in enumerate(o.critical_tasks):
            if t.standard is not None and t.standard <= 0:
                where.bad(("objectives", i, "critical_tasks", j, "standard"), "must be a positive duration")
    teams: dict[str, FieldPath] = {}
    _unique(ex.teams, ("teams",), where, "team", teams)
    for i, team in enumerate(ex.teams):
        for j, verb in enumerate(team.may):
            if verb not in verbs:
                where.bad(("teams", i, "may", j), f"is not an action ({_hint(verb, verbs)})")
    modules: dict[str, FieldPath] = {}
    _unique(ex.modules, ("modules",), where, "module", modules)
    injects: dict[str, FieldPath] = {}
    _unique(ex.msel, ("msel",), where, "inject", injects)
    names = placeholder_names(scenario) if scenario is not None else None
    module_order = [m.id for m in ex.modules]
    last_at: tuple[float, int] | None = None
    last_module: tuple[int, int] | None = None
    for i, inj in enumerate(ex.msel):
        p: FieldPath = ("msel", i)
        if inj.module not in modules:
            where.bad(p + ("module",), f"is not a module ({_hint(inj.module, module_order)})")
        for j, team_id in enumerate(inj.to):
            if team_id not in teams:
                where.bad(p + ("to", j), f"is not a team ({_hint(team_id, list(teams))})")
        if names is not None:
            rule = template_problem(inj.text, names)
            if rule:
                where.bad(p + ("text",), rule, show=False)
        for j, exp in enumerate(inj.expect):
            _check_expect(ex, exp, p + ("expect", j), where, teams, tasks, verbs)
        if inj.at is not None:
            if inj.at < 0:
                where.bad(p + ("at",), "is before the exercise starts")
            elif scenario is not None and inj.at > scenario.duration:
                where.bad(p + ("at",), f"is after the scenario ends ({format_duration(scenario.duration)})")
            elif last_at is not None and inj.at < last_at[0]:
                where.bad(p + ("at",), f"is before msel[{last_at[1]}].at ({format_duration(last_at[0])}): "
                                       "list scripted injects in time order")
            last_at = (inj.at, i) if last_at is None or inj.at >= last_at[0] else last_at
            if inj.module in module_order:
                k = module_order.index(inj.module)
                if last_module is not None and k < last_module[0]:
                    where.bad(p + ("module",), f"comes after msel[{last_module[1]}] of module "
                                               f"{module_order[last_module[0]]!r}: modules play in the order listed")
                else:
                    last_module = (k, i)
        if inj.if_missing is not None:
            _check_contingency(ex, inj, p + ("if_missing",), where, verbs, teams)
        if inj.when is not None and scenario is not None:
            _check_trigger(inj.when, p + ("when",), where, scenario)
    if scenario is not None:
        _check_doctrine(ex, scenario, where, verbs)


def _check_doctrine(ex: Exercise, scenario: Scenario, where: _Where, verbs: list[str]) -> None:
    """Doctrine parameters name zones, connections, units, hospitals and sites of the scenario, as a decision would."""
    checker: Simulation | None = None
    for i, inj in enumerate(ex.msel):
        for j, exp in enumerate(inj.expect):
            for key in exp.match or []:
                if key not in exp.doctrine:
                    where.bad(("msel", i, "expect", j, "match"), f"names {key!r}, which the doctrine does not give "
                              f"(doctrine: {', '.join(exp.doctrine) or 'none'})", show=False)
            if not exp.doctrine or exp.action not in verbs:
                continue
            p: FieldPath = ("msel", i, "expect", j, "doctrine")
            fields = action_fields(exp.action)
            unknown = [k for k in exp.doctrine if k not in fields]
            for key in unknown:
                where.bad(p + (key,), f"is not a parameter of {exp.action} (parameters: {', '.join(fields) or 'none'})", show=False)
            odd = [k for k, v in exp.doctrine.items() if _non_finite(v)]
            for key in odd:
                where.bad(p + (key,), "must be a finite number")
            if unknown or odd:
                continue
            if checker is None:
                checker = Simulation(scenario, seed=DEFAULT_SEED)
            try:
                checker.check({"do": exp.action, **exp.doctrine})
            except ActionError as exc:
                where.bad(p, f"is not an action the scenario allows: {exc}", show=False)


def _check_expect(ex: Exercise, exp: Any, p: FieldPath, where: _Where, teams: dict[str, FieldPath], tasks: dict[str, FieldPath],
                  verbs: list[str]) -> None:
    if exp.team not in teams:
        where.bad(p + ("team",), f"is not a team ({_hint(exp.team, list(teams))})")
    else:
        team = ex.team(exp.team)
        if team.role != "player":
            where.bad(p + ("team",), f"is {_a(team.role)} team; only player teams take actions")
        elif exp.action in verbs and exp.action not in team.may:
            where.bad(p + ("action",), f"is not an action team {team.id!r} may take (may: {', '.join(team.may) or 'none'})")
    if exp.action not in verbs:
        where.bad(p + ("action",), f"is not an action ({_hint(exp.action, verbs)})")
    if exp.task is not None and exp.task not in tasks:
        where.bad(p + ("task",), f"is not a critical task ({_hint(exp.task, list(tasks))})")
    if exp.within is not None and exp.within <= 0:
        where.bad(p + ("within",), "must be a positive duration")


def _check_contingency(ex: Exercise, inj: Any, p: FieldPath, where: _Where, verbs: list[str], teams: dict[str, FieldPath]) -> None:
    cond = inj.if_missing
    ids = [i.id for i in ex.msel]
    if cond.inject == inj.id:
        where.bad(p + ("inject",), "is the contingency itself; name the inject whose action is awaited")
        return
    if cond.inject not in ids:
        where.bad(p + ("inject",), f"is not an inject ({_hint(cond.inject, ids)})")
        return
    parent = ex.inject(cond.inject)
    expected = [e.action for e in parent.expect if cond.team is None or e.team == cond.team]
    if cond.action not in expected:
        where.bad(p + ("action",), f"is not an action expected by {cond.inject} (expected: {', '.join(expected) or 'none'})")
    if cond.team is not None and cond.team not in teams:
        where.bad(p + ("team",), f"is not a team ({_hint(cond.team, list(teams))})")
    if cond.after <= 0:
        where.bad(p + ("after",), "must be a positive duration")


def _check_trigger(trigger: Any, p: FieldPath, where: _Where, scenario: Scenario) -> None:
    zones = [z.id for z in scenario.venue.zones]
    if isinstance(trigger, ZoneAbove) and trigger.zone not in zones:
        where.bad(p + ("zone",), f"is not a zone of the venue ({_hint(trigger.zone, zones)})")
    if isinstance(trigger, FirstEvent):
        family = trigger.event.split(".")[0]
        if family not in EVENT_FAMILIES or "." not in trigger.event:
            where.bad(p + ("event",), f"is not an event kind the engine records (kinds start with "
                                      f"{', '.join(f'{f}.' for f in EVENT_FAMILIES)})")
            return
        subject = trigger.subject
        if subject is None:
            return
        known = _subjects(trigger.event, scenario)
        aid = scenario.response.mutual_aid if scenario.response is not None else None
        if aid is not None and subject.startswith(f"{aid.id}_"):
            return  # mutual-aid units are named <id>_<n> when requested
        if known is not None and subject not in known:
            where.bad(p + ("subject",), f"is not a subject of {trigger.event} events ({_hint(subject, known)})")


def _subjects(kind: str, scenario: Scenario) -> list[str] | None:
    venue = scenario.venue
    if kind.startswith("info."):
        return ["venue_control", "police", "ems"]
    if kind in ("egress.zone_clear", "incident.zone_affected", "incident.zone_clear", "response.cordon"):
        return [z.id for z in venue.zones]
    if kind in ("egress.queue", "egress.connection_closed", "egress.connection_opened"):
        return [c.id for c in venue.connections]
    if kind in ("egress.exit_first", "egress.exit_closed", "egress.exit_opened"):
        return [e.id for e in venue.exits]
    if kind in ("response.dispatched", "response.on_scene", "response.police_on_scene") and scenario.response is not None:
        return [u.id for u in scenario.response.units]
    return None


def plan_checker(loaded: LoadedExercise) -> Simulation:
    """A simulation of the exercise's scenario at t = 0 that is never run: decisions are checked on it.

    Decisions are checked against the world as planned, not as played: only the scenario's own
    units, hospitals and sites can be named (a mutual-aid unit added during play cannot), so a
    decision is accepted or refused, with the same words, whenever it is made.
    """
    if getattr(loaded, "region", None) is not None:
        return _regional("plan_checker")(loaded)  # type: ignore[no-any-return]
    return Simulation(loaded.scenario, seed=loaded.seed)


def _team_may(ex: Exercise, decision: ScriptedDecision, *, verbs: Sequence[str], what: str) -> tuple[str, str]:
    """The checks every decision passes first, venue or regional: a player team of the exercise that may take
    this verb (one of ``verbs``, called ``what`` in the message), and an inject of the MSEL if one is named.
    Returns the message prefix (the decision's place in its file) and the verb."""
    where = f"{decision.where} " if decision.where else ""
    teams = [t.id for t in ex.teams]
    if decision.team not in teams:
        raise DecisionError(f"{where}team {decision.team!r} is not a team of the exercise ({_hint(decision.team, teams)})")
    team = ex.team(decision.team)
    verb = str(decision.action.get("do"))
    if team.role != "player":
        raise DecisionError(f"{where}team {team.id!r} is {_a(team.role)} team and takes no decisions")
    if verb not in verbs:
        raise attach(DecisionError(f"{where}unknown {what} {verb!r} (known: {', '.join(verbs)})"),
                     UNKNOWN_REGIONAL_ACTION if what == "regional decision" else UNKNOWN_ACTION, where=where,
                     verb=repr(verb), known=", ".join(verbs))
    if verb not in team.may:
        raise DecisionError(f"{where}team {team.id!r} may not {verb} (may: {', '.join(team.may) or 'nothing'})")
    injects = [i.id for i in ex.msel]
    if decision.inject is not None and decision.inject not in injects:
        raise DecisionError(f"{where}inject {decision.inject!r} is not in the MSEL ({_hint(decision.inject, injects)})")
    return where, verb


def check_decision(loaded: LoadedExercise, decision: ScriptedDecision, *, checker: Simulation | None = None) -> None:
    """Raise :class:`DecisionError` if ``decision`` cannot be taken; nothing is applied to any run.

    ``checker`` is a :func:`plan_checker` to reuse (one is built when it is ``None``); the action is
    validated by :meth:`simsoft.Simulation.check`, never applied.
    """
    if getattr(loaded, "region", None) is not None:
        _regional("check_decision")(loaded, decision, checker=checker)
        return
    where, verb = _team_may(loaded.exercise, decision, verbs=action_verbs(), what="action")
    unknown = [k for k in decision.action if k not in (*action_fields(verb), "do", "at", "note")]
    if unknown:
        raise unknown_parameter(verb, unknown[0], action_fields(verb), where=where)
    if "at" in decision.action:
        raise DecisionError(f"{where}{verb}: a decision takes effect when it is made; use after: DELAY instead of at")
    odd = [k for k, v in decision.action.items() if _non_finite(v)]
    if odd:
        raise attach(DecisionError(f"{where}{verb}: {odd[0]} must be a finite number"), NOT_FINITE, where=where, verb=verb,
                     name=odd[0])
    try:  # every path (file, console, web, journal) comes through here, not only the parser
        after = check_seconds(float(decision.after_s))
    except (TypeError, ValueError) as exc:
        raise DecisionError(f"{where}{verb}: after {exc}") from None
    if after > loaded.scenario.duration:
        raise DecisionError(f"{where}{verb}: after {format_duration(after)} is after the scenario ends "
                            f"({format_duration(loaded.scenario.duration)})")
    missing = missing_fields(verb, decision.action)
    if missing:
        raise action_refusal(loaded.scenario, verb, f"action {missing[0]}: is required", where=where)
    try:
        (checker if checker is not None else plan_checker(loaded)).check(decision.action)
    except ActionError as exc:
        raise action_refusal(loaded.scenario, verb, str(exc), where=where) from None


def check_decisions(loaded: LoadedExercise, decisions: list[ScriptedDecision]) -> None:
    """Check a whole decision set; raise :class:`ExerciseError` listing every bad decision."""
    checker = plan_checker(loaded)
    problems: list[Problem] = []
    for d in decisions:
        try:
            check_decision(loaded, d, checker=checker)
        except DecisionError as exc:
            file, _, line = d.where.rpartition(":")
            rule = str(exc).removeprefix(f"{d.where} ")
            path = format_path(d.extra.get("path", ()))
            problems.append(Problem(file=file or None, line=int(line) if line.isdigit() else None, path=path, rule=rule))
    if problems:
        raise ExerciseError(problems)
