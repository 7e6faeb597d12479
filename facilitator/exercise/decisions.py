"""Team decisions: the engine's actions offered to teams, parsed from a console line or a file.

The verbs come from the engine's ``Action`` union at run time, so a verb added to
``simsoft.schema.actions`` is offered to teams without a change here. A decision names the team,
the verb and its parameters, and carries a free-text rationale; the session stamps it with the
exercise time and applies it to the engine (see :mod:`facilitator.conduct.session`).
"""

from __future__ import annotations

import math
import os
import re
import shlex
import typing
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from simsoft.errors import Problem, ScenarioError
from simsoft.region import RegionAction
from simsoft.schema import Action
from simsoft.units import parse_duration

from facilitator.exercise.refusals import (KEY_VALUE, MISSING_PARAMETER, NOT_FINITE, UNKNOWN_ACTION, UNKNOWN_PARAMETER, UNKNOWN_PLACE,
                                           UNKNOWN_REGIONAL_ACTION, PLACE_WORDS, attach)

__all__ = [
    "action_text",
    "DecisionError",
    "ExerciseError",
    "ScriptedDecision",
    "action_verbs",
    "action_model",
    "action_fields",
    "field_info",
    "parse_line",
    "load_decisions",
    "field_choices",
    "missing_fields",
    "plain_action_error",
]

_CONTROL = ("team", "inject", "rationale", "after", "id")
"""Keys of a scripted decision that are not action parameters."""


class ExerciseError(ScenarioError):
    """An exercise or decision file that cannot be used; ``problems`` lists every reason."""


class DecisionError(ExerciseError):
    """A decision that cannot be taken (the team may not, or it names something unknown); nothing is applied.

    The common refusals carry a catalog message too (:mod:`facilitator.exercise.refusals`): :func:`refusals.say`
    says them in the reader's language."""


def unknown_parameter(verb: str, key: str, names: Sequence[str], *, where: str = "") -> DecisionError:
    """``verb: unknown parameter 'key' (parameters: ...)``, said in any language."""
    listed = ", ".join(names)
    return attach(DecisionError(f"{where}{verb}: unknown parameter {key!r} (parameters: {listed})"), UNKNOWN_PARAMETER,
                  where=where, verb=verb, name=repr(key), names=listed)


def _members(regional: bool = False) -> dict[str, type[BaseModel]]:
    union = typing.get_args(RegionAction if regional else Action)[0]
    out: dict[str, type[BaseModel]] = {}
    for model in typing.get_args(union):
        if isinstance(model, type) and issubclass(model, BaseModel) and "do" in model.model_fields:
            for verb in typing.get_args(model.model_fields["do"].annotation):
                out[str(verb)] = model
    return out


def action_verbs(*, regional: bool = False) -> tuple[str, ...]:
    """Every action verb the engine accepts (``regional``: the region's decisions), sorted."""
    return tuple(sorted(_members(regional)))


def action_model(verb: str, *, regional: bool = False) -> type[BaseModel] | None:
    """The schema model of ``verb`` (``regional``: of the regional decision ``verb``), or ``None``."""
    return _members(regional).get(verb)


def action_fields(verb: str, *, regional: bool = False) -> tuple[str, ...]:
    """Parameter names of ``verb`` (without ``do``, ``at`` and ``note``), as a file writes them (``from``)."""
    model = action_model(verb, regional=regional)
    if model is None:
        return ()
    return tuple(info.alias or n for n, info in model.model_fields.items() if n not in ("do", "at", "note"))


def field_info(verb: str, name: str, *, regional: bool = False) -> Any:
    """The pydantic field of parameter ``name`` (its file name, ``from`` for ``from_``) of ``verb``, or None."""
    model = action_model(verb, regional=regional)
    if model is None:
        return None
    for n, info in model.model_fields.items():
        if (info.alias or n) == name:
            return info
    return None


def _is_list_field(verb: str, name: str, regional: bool = False) -> bool:
    """Whether parameter ``name`` of ``verb`` is a list: of the venue action, or of the regional decision of that
    name (``posture sites=stadium,festival``; a verb both have, such as ``public_information``, is a list in either)."""
    for flag in (regional, not regional):
        info = field_info(verb, name, regional=flag)
        if info is not None and "list" in str(info.annotation):
            return True
    return False


@dataclass(frozen=True)
class ScriptedDecision:
    """A decision as written: which team, in answer to which inject, the action and why."""

    team: str
    action: dict[str, Any]
    """The action in file form (``do`` and its parameters, durations with units)."""
    rationale: str = ""
    inject: str | None = None
    """The inject it answers (scripted sets play it when that inject is released)."""
    after_s: float = 0.0
    """Delay after the decision before the action takes effect (seconds)."""
    where: str = ""
    """``file:line`` of the decision, for messages."""
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """The console form: ``evacuate zones=main_hall,gallery -- rationale``."""
        parts = [str(self.action.get("do", ""))]
        for key, value in self.action.items():
            if key == "do":
                continue
            shown = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
            parts.append(f"{key}={shlex.quote(shown) if ' ' in shown else shown}")
        if self.after_s:
            parts.append(f"after={self.after_s:g}s")
        text = " ".join(parts)
        return f"{text} -- {self.rationale}" if self.rationale else text


def parse_line(text: str, *, team: str, inject: str | None = None, regional: bool = False) -> ScriptedDecision:
    """Read a console decision: ``VERB key=value ... [-- rationale]``.

    Lists are written with commas (``zones=main_hall,gallery``); ``after=2min`` delays the action.
    With ``regional`` the verbs are the region's decisions (:mod:`simsoft.region.decisions`); the venue action
    of ``site`` is one quoted venue line: ``site site=stadium action='alert zones=all'``.

    >>> parse_line("evacuate zones=main_hall,gallery -- smoke reported", team="venue").action
    {'do': 'evacuate', 'zones': ['main_hall', 'gallery']}
    >>> parse_line("reassign_units from=station to=st_marks count=2", team="amb", regional=True).action
    {'do': 'reassign_units', 'from': 'station', 'to': 'st_marks', 'count': 2}
    """
    head, sep, rationale = text.partition(" -- ")
    if not sep and text.rstrip().endswith("--"):
        head = text.rstrip()[:-2]
    try:
        words = shlex.split(head)
    except ValueError as exc:
        raise DecisionError(f"cannot read the decision {text!r}: {exc}") from None
    if not words:
        raise DecisionError("empty decision: write a verb, e.g. 'evacuate zones=all -- why'")
    verb = words[0]
    if action_model(verb, regional=regional) is None:
        what = "regional action" if regional else "action"
        known = ", ".join(action_verbs(regional=regional))
        raise attach(DecisionError(f"unknown {what} {verb!r} (known: {known})"),
                     UNKNOWN_REGIONAL_ACTION if regional else UNKNOWN_ACTION, verb=repr(verb), known=known)
    action: dict[str, Any] = {"do": verb}
    after_s = 0.0
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if not eq or not key:
            names = ", ".join(action_fields(verb, regional=regional))
            raise attach(DecisionError(f"{verb}: {word!r} must be written key=value (parameters: {names})"), KEY_VALUE,
                         verb=verb, word=repr(word), names=names)
        if key == "after":
            try:
                after_s = parse_duration(value)
            except ValueError as exc:
                raise DecisionError(f"{verb}: after={value}: {exc}") from None
            continue
        if key not in action_fields(verb, regional=regional):
            raise unknown_parameter(verb, key, action_fields(verb, regional=regional))
        try:
            if regional and verb == "site" and key == "action":
                action[key] = parse_line(value, team=team).action  # one venue action, checked by the region
            elif _is_list_field(verb, key, regional) and value != "all":
                action[key] = [v for v in value.split(",") if v]
            elif _is_bool_field(verb, key, regional):
                action[key] = _yes_no(value)
            else:
                action[key] = _scalar(value)
        except ValueError as exc:
            refused = DecisionError(f"{verb}: {key}={value}: {exc}")
            if str(exc) == "must be a finite number":
                raise attach(refused, NOT_FINITE, verb=verb, name=f"{key}={value}") from None
            raise refused from None
    return ScriptedDecision(team=team, action=action, rationale=rationale.strip(), inject=inject, after_s=after_s)


def _is_bool_field(verb: str, name: str, regional: bool = False) -> bool:
    info = field_info(verb, name, regional=regional)
    return info is not None and info.annotation is bool


def _yes_no(value: str) -> bool:
    """``true``/``yes`` or ``false``/``no`` (any case) as a bool, so that a typed decision matches a file's ``true``."""
    word = value.strip().lower()
    if word in ("true", "yes"):
        return True
    if word in ("false", "no"):
        return False
    raise ValueError("must be true or false")


def _scalar(value: str) -> Any:
    """A typed parameter value: a whole number, a finite number, or text (``nan``, ``inf`` are refused)."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


def _non_finite(value: Any) -> bool:
    """Whether ``value`` holds a NaN or an infinity anywhere (the journal stores JSON, which has neither)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_non_finite(v) for v in value)
    return False


def load_decisions(path: str | os.PathLike[str]) -> list[ScriptedDecision]:
    """Read a decisions file (``decisions:`` list); raise :class:`ExerciseError` listing every problem.

    Each item holds ``team``, ``inject``, ``do`` with the action's parameters, an optional
    ``rationale`` and ``after`` (delay). Whether the team may take the action and whether the names
    exist is checked against an exercise by :func:`facilitator.exercise.loader.check_decisions`.
    """
    from simsoft.loader import format_path, read_yaml

    doc = read_yaml(path)
    problems: list[Problem] = []

    def bad(p: tuple[str | int, ...], rule: str, value: Any = None, has_value: bool = False) -> None:
        file, line = doc.sources.locate(p)
        problems.append(Problem(file=file, line=line, path=format_path(p), rule=rule, value=value, has_value=has_value))

    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list):
        bad((), "a decisions file needs a 'decisions:' list")
        raise ExerciseError(problems)
    for key in data:
        if key not in ("decisions", "exercise", "description"):
            bad((key,), "unknown key (a decisions file holds exercise, description and decisions)")
    out: list[ScriptedDecision] = []
    for i, item in enumerate(data["decisions"]):
        p: tuple[str | int, ...] = ("decisions", i)
        if not isinstance(item, dict):
            bad(p, "must be a mapping (team, inject, do, ...)")
            continue
        for key in ("team", "inject", "do"):
            if key not in item:
                bad(p + (key,), "is required")
        if any(k not in item for k in ("team", "inject", "do")):
            continue
        after_s = 0.0
        if "after" in item:
            try:
                after_s = parse_duration(item["after"])
            except ValueError as exc:
                bad(p + ("after",), str(exc), item["after"], True)
                continue
        action = {k: v for k, v in item.items() if k not in _CONTROL}
        odd = [k for k, v in action.items() if _non_finite(v)]
        if odd:
            bad(p + (odd[0],), "must be a finite number", action[odd[0]], True)
            continue
        file, line = doc.sources.locate(p)
        out.append(ScriptedDecision(team=str(item["team"]), action=action, rationale=str(item.get("rationale", "") or ""),
                                    inject=str(item["inject"]), after_s=after_s, where=f"{file}:{line}",
                                    extra={"path": p, "sources": doc.sources}))
    if problems:
        raise ExerciseError(problems)
    return out


# ------------------------------------------------------------------------------ plain-language refusals
_WORDS = {"zones": "zones", "via": "exits", "connection": "connections", "unit": "units", "hospital": "hospitals",
          "site": "sites", "zone": "places"}
"""What a parameter names, in words (the list of choices is called this)."""


def field_choices(scenario: Any, verb: str, name: str) -> list[str]:
    """The values ``name`` of ``verb`` may take in ``scenario`` (ids or fixed words); ``[]`` when it is free.

    >>> from simsoft import load_scenario
    >>> field_choices(load_scenario("scenarios/community-hall-incident.yaml"), "cordon", "level")
    ['hot', 'warm', 'cold']
    """
    venue = scenario.venue
    if name == "zones":
        return ["all", *(z.id for z in venue.zones)]
    if name == "zone":
        return ["outside", *(z.id for z in venue.zones)]
    if name == "via":
        return [e.id for e in venue.exits]
    if name == "connection":
        return [c.id for c in venue.connections]
    if name == "unit":
        return [u.id for u in scenario.response.units] if scenario.response is not None else []
    if name == "hospital":
        return [h.id for h in scenario.medical.hospitals] if scenario.medical is not None else []
    if name == "site":
        return [r.id for r in scenario.recovery.reunification] if scenario.recovery is not None else []
    model = action_model(verb)
    if model is None or name not in model.model_fields:
        return []
    annotation = model.model_fields[name].annotation
    if annotation is bool:
        return ["true", "false"]
    return list(_literal_values(annotation))


def _literal_values(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found = _literal_values(arg)
        if found:
            return found
    return ()


def _choices_text(scenario: Any, verb: str, name: str) -> str:
    values = field_choices(scenario, verb, name)
    if not values:
        return ""
    return f" ({_WORDS.get(name, 'choices')}: {', '.join(values)})"


def missing_fields(verb: str, action: dict[str, Any]) -> list[str]:
    """Required parameters of ``verb`` that ``action`` does not give."""
    model = action_model(verb)
    if model is None:
        return []
    return [n for n in action_fields(verb) if model.model_fields[n].is_required() and n not in action]


def _needs(scenario: Any, verb: str, name: str) -> str:
    what = {"zones": "zones", "via": "exits"}.get(name, f"a {name.replace('_', ' ')}")
    return f"{verb} needs {what}: add {name}=...{_choices_text(scenario, verb, name)}"


_ENGINE_FIELD = re.compile(r"^action (?P<path>[A-Za-z_][A-Za-z0-9_.]*)?\s?: (?P<rule>.*)$", re.S)
_UNKNOWN = re.compile(r"^(?P<verb>[a-z_]+): unknown (?P<what>connection|exit|zone|unit|hospital|site) '(?P<value>[^']*)'(?P<rest>.*)$", re.S)


def _path_words(path: str) -> str:
    parts = path.split(".")
    name = parts[0]
    items = [p for p in parts[1:] if p.isdigit()]
    return name.replace("_", " ") + (f" (item {int(items[0]) + 1})" if items else "")


def _comparisons(rule: str) -> str:
    rule = re.sub(r"^Value error, ", "", rule)
    for op, words in (("<=", "at most"), (">=", "at least"), ("<", "less than"), (">", "more than")):
        rule = rule.replace(f"must be {op} ", f"must be {words} ")
    return rule


def plain_action_error(scenario: Any, verb: str, message: str) -> str:
    """The engine's refusal of an action of ``verb``, in words a team reads: the parameter named, no
    schema path, and the valid choices listed where there is a list.

    >>> from simsoft import load_scenario
    >>> sc = load_scenario("scenarios/community-hall-incident.yaml")
    >>> plain_action_error(sc, "cordon", "action level: 'lukewarm' must be one of 'hot', 'warm' or 'cold'")
    "cordon: level 'lukewarm' must be one of 'hot', 'warm' or 'cold'"
    """
    found = _ENGINE_FIELD.match(message)
    if found:
        path, rule = found.group("path") or "", _comparisons(found.group("rule"))
        if not path:
            return f"{verb}: {rule}"
        name = path.split(".")[0]
        if rule == "is required":
            return _needs(scenario, verb, name)
        if rule == "unknown key":
            return str(unknown_parameter(verb, name, action_fields(verb)))
        return f"{verb}: {_path_words(path)} {rule}{_choices_text(scenario, verb, name) if name in _WORDS else ''}"
    unknown = _UNKNOWN.match(message)
    if unknown and "(" not in unknown.group("rest"):
        name = {"exit": "via", "zone": "zones"}.get(unknown.group("what"), unknown.group("what"))
        return f"{message}{_choices_text(scenario, unknown.group('verb'), name)}"
    return message


def action_refusal(scenario: Any, verb: str, message: str, *, where: str = "") -> DecisionError:
    """:func:`plain_action_error` as a :class:`DecisionError` (``where`` before it), which says the common refusals
    (a missing or unknown parameter, an unknown zone, door, unit, hospital or site) in any language. Without a
    ``scenario`` (a region's own check) the message is kept as it is."""
    exc = DecisionError(f"{where}{plain_action_error(scenario, verb, message) if scenario is not None else message}")
    found = _ENGINE_FIELD.match(message)
    if found and found.group("path"):
        name, rule = found.group("path").split(".")[0], found.group("rule")
        if rule == "is required":
            return attach(exc, MISSING_PARAMETER, where=where, verb=verb, name=name,
                          choices=tuple(field_choices(scenario, verb, name)) if scenario is not None else ())
        if rule == "unknown key":
            return unknown_parameter(verb, name, action_fields(verb), where=where)
    unknown = _UNKNOWN.match(message)
    if unknown:
        what, rest = unknown.group("what"), unknown.group("rest")
        listed = re.fullmatch(r"\s*\([a-z ]+: (?P<ids>[^()]*)\)\s*", rest)
        if listed:
            ids = tuple(listed.group("ids").split(", "))
        elif not rest.strip() and scenario is not None:
            ids = tuple(field_choices(scenario, unknown.group("verb"),
                                      {"exit": "via", "zone": "zones"}.get(what, what)))
        else:
            return exc
        return attach(exc, UNKNOWN_PLACE, where=where, words=("what",), verb=unknown.group("verb"),
                      what=PLACE_WORDS[what], value=repr(unknown.group("value")), choices=ids)
    return exc


def action_text(action: dict[str, Any]) -> str:
    """A decision's action on one line: ``close connection=courtyard_gate``, ``evacuate zones=a,b``."""

    def shown(v: Any) -> str:
        return ",".join(str(x) for x in v) if isinstance(v, list) else str(v)

    return " ".join([str(action.get("do"))] + [f"{k}={shown(v)}" for k, v in action.items() if k != "do"])
