"""Decision forms: the actions a team may take, with zones, exits and units offered from lists.

A form is built from the engine's action models (as the console's completion is), so a new verb
or parameter reaches the page without a change here. A submitted form becomes the console line
``VERB key=value ... -- rationale`` and goes through :func:`facilitator.exercise.decisions.parse_line` and
:meth:`facilitator.Session.decide`: the same rules as the terminal console, nothing looser.
"""

from __future__ import annotations

import math
import re
import shlex
import typing
from dataclasses import dataclass, field
from typing import Any

from simsoft.errors import Problem, ScenarioError, SimsoftError

from facilitator.exercise.decisions import DecisionError, action_fields, action_model
from facilitator.exercise.loader import LoadedExercise
from facilitator.web.names import display_names

__all__ = ["Field", "FormError", "VerbForm", "verb_forms", "form_to_line", "plain_error", "DELAYS"]

DELAYS = (("", "now"), ("30s", "in 30 s"), ("1min", "in 1 min"), ("2min", "in 2 min"), ("5min", "in 5 min"),
          ("10min", "in 10 min"))
"""Choices of ``after`` (when the decision takes effect), as the console writes them."""


class FormError(DecisionError):
    """A value typed into the form is not acceptable (not a number, not finite, out of range, smuggled text).

    The page shows the form again as it was sent, with this message (HTTP 400); nothing reached the session.
    """


@dataclass(frozen=True)
class Field:
    """One input of a verb's form."""

    name: str
    label: str
    kind: str
    """``multi`` (checkboxes), ``select``, ``number`` or ``text``."""
    choices: tuple[tuple[str, str], ...] = ()
    """``(value, label)`` pairs of ``multi`` and ``select``."""
    required: bool = True
    default: str = ""
    help: str = ""


@dataclass(frozen=True)
class VerbForm:
    """The form of one verb: its fields and the first line of the action's docstring."""

    verb: str
    help: str
    fields: list[Field] = field(default_factory=list)


_SAY = {"connection": "door or passage", "zones": "zones", "zone": "zone", "via": "exits", "unit": "unit",
        "units": "units", "level": "cordon level", "what": "what to declare", "policy": "policy", "hospital": "hospital",
        "site": "reunification site", "phone_line": "phone line", "near_ccp": "near the casualty collection point",
        "far": "far from the scene", "mutual_aid": "mutual aid", "share": "share of people", "count": "ambulances",
        "triage_teams": "triage teams"}
"""A parameter as the form names it to a player (the console and the journal keep the parameter's name)."""


def say(name: str) -> str:
    """The words for parameter ``name`` on a form: ``connection`` -> ``door or passage``."""
    return _SAY.get(name, name.replace("_", " "))


def _choices(loaded: LoadedExercise) -> dict[str, tuple[tuple[str, str], ...]]:
    """``(id, name shown)`` of the lists a form offers: places and units by name (:mod:`facilitator.web.names`)."""
    sc = loaded.scenario
    names = display_names(sc)
    zones = tuple((z.id, names[z.id]) for z in sc.venue.zones)
    out: dict[str, tuple[tuple[str, str], ...]] = {
        "zones": (("all", "all zones"), *zones),
        "zone": (("outside", "outside the venue"), *zones),
        "via": tuple((e.id, names[e.id]) for e in sc.venue.exits),
        "connection": tuple((c.id, f"{names[c.id]} ({c.kind.value})") for c in sc.venue.connections),
    }
    if sc.response is not None:
        out["unit"] = tuple((u.id, f"{names[u.id]} ({u.service})") for u in sc.response.units)
    medical = getattr(sc, "medical", None)
    if medical is not None:
        out["hospital"] = tuple((h.id, names[h.id]) for h in medical.hospitals)
    recovery = getattr(sc, "recovery", None)
    if recovery is not None:
        out["site"] = tuple((r.id, names[r.id]) for r in recovery.reunification)
    return out


def _literals(annotation: Any) -> tuple[str, ...]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in args)
    for arg in args:
        found = _literals(arg)
        if found:
            return found
    return ()


def verb_forms(loaded: LoadedExercise, verbs: list[str]) -> list[VerbForm]:
    """The forms of ``verbs`` (a team's ``may``), in that order."""
    lists = _choices(loaded)
    forms = []
    for verb in verbs:
        model = action_model(verb)
        if model is None:
            continue
        fields = []
        for name in action_fields(verb):
            info = model.model_fields[name]
            label = (info.description or name).split("\n")[0]
            required = info.is_required()
            default = "" if required or info.default is None else str(info.default)
            annotation = info.annotation
            if name in ("zones", "via"):
                fields.append(Field(name, say(name), "multi", lists.get(name, ()), required=required, help=label))
            elif name in lists:
                fields.append(Field(name, say(name), "select", lists[name], required=required, default=default, help=label))
            elif _literals(annotation):
                values = _literals(annotation)
                fields.append(Field(name, say(name), "select", tuple((v, v) for v in values), required=required,
                                    default=default, help=label))
            elif annotation is bool:
                fields.append(Field(name, say(name), "select", (("true", "yes"), ("false", "no")), required=required,
                                    default=default.lower(), help=label))
            elif annotation in (int, float) or "int" in str(annotation) or "float" in str(annotation):
                fields.append(Field(name, say(name), "number", required=required, default=default, help=label))
            else:
                fields.append(Field(name, say(name), "text", required=required, default=default, help=label))
        doc = (model.__doc__ or verb).strip().split("\n")[0]
        forms.append(VerbForm(verb, doc, fields))
    return forms


def _safe(value: str, what: str) -> str:
    value = value.strip()
    if "--" in value or any(ch in value for ch in "\r\n\t\"'="):
        raise FormError(f"{what}: {value!r} is not a valid value")
    return value


def _required(verb: str, name: str) -> bool:
    model = action_model(verb)
    return model is not None and model.model_fields[name].is_required()


def _is_number(verb: str, name: str) -> bool:
    model = action_model(verb)
    if model is None:
        return False
    annotation = model.model_fields[name].annotation
    return annotation in (int, float) or "int" in str(annotation) or "float" in str(annotation)


def _bounds(verb: str, name: str) -> list[tuple[str, float]]:
    """``(op, limit)`` pairs from the action model's constraints on ``name`` (``gt``, ``ge``, ``lt``, ``le``)."""
    model = action_model(verb)
    out = []
    for meta in model.model_fields[name].metadata if model is not None else ():
        for op in ("gt", "ge", "lt", "le"):
            limit = getattr(meta, op, None)
            if isinstance(limit, (int, float)):
                out.append((op, float(limit)))
    return out


_SAYS = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}


def _number(value: str, what: str, bounds: list[tuple[str, float]]) -> str:
    """``value`` if it is a finite number within ``bounds``; :class:`FormError` in plain words if not."""
    shown = value if len(value) <= 40 else value[:40] + "…"
    try:
        number = float(value)
    except ValueError:
        raise FormError(f"{what}: {shown!r} is not a number; write e.g. 0.5") from None
    if not math.isfinite(number):
        raise FormError(f"{what}: {shown!r} is not a usable number; write an ordinary number such as 0.5")
    rule = " and ".join(f"{_SAYS[op]} {limit:g}" for op, limit in bounds)
    ok = all({"gt": number > limit, "ge": number >= limit, "lt": number < limit, "le": number <= limit}[op]
             for op, limit in bounds)
    if not ok:
        raise FormError(f"{what}: must be {rule}; you typed {shown}")
    return value


def _after(value: str) -> str:
    """``value`` if it is a delay the session accepts (a finite duration, not negative, under 400 days)."""
    from simsoft.units import parse_duration

    try:
        parse_duration(value)
    except ValueError as exc:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise FormError(f"takes effect (after): {shown!r} {exc}") from None
    return value


def form_to_line(form: Any, *, allowed: list[str]) -> str:
    """The console line of a submitted decision form (``form`` is a multi-dict: ``get`` and ``getlist``).

    Only the chosen verb's fields (named ``VERB.FIELD``) are read. Numbers must be finite and within
    the action's limits, ``after`` a duration the session accepts (:class:`FormError` otherwise).
    Whether the team may take the verb and whether the zones, exits and units exist is left to the
    session, as at the console.
    """
    verb = (form.get("verb") or "").strip()
    if not verb:
        raise FormError("choose an action first")
    if verb not in allowed:
        raise DecisionError(f"your team may not {verb} (may: {', '.join(allowed) or 'nothing'})")
    words = [verb]
    for name in action_fields(verb):
        key = f"{verb}.{name}"
        if name in ("zones", "via"):
            values = [_safe(v, name) for v in form.getlist(key) if v.strip()]
            if name == "zones" and "all" in values:
                values = ["all"]
            if values:
                words.append(f"{name}={','.join(values)}")
            elif _required(verb, name):
                raise FormError(f"{verb.replace('_', ' ')}: tick at least one of the {say(name)} "
                                f"({'or all zones' if name == 'zones' else 'the list'})")
        else:
            value = _safe(form.get(key) or "", name)
            if not value and _required(verb, name):
                raise FormError(f"{verb.replace('_', ' ')}: choose the {say(name)} from the list")
            if value and _is_number(verb, name):
                value = _number(value, name, _bounds(verb, name))
            if value:
                words.append(f"{name}={value}")
    after = _safe(form.get("after") or "", "after")
    if after:
        words.append(f"after={_after(after)}")
    rationale = " ".join((form.get("rationale") or "").split())
    line = shlex.join(words)
    return f"{line} -- {rationale}" if rationale else line


_INDEX = re.compile(r"\[(\d+)\]")


def _field_words(path: str) -> str:
    """``ratings[0].reason`` -> ``reason``; ``improvement_plan[1].start`` -> ``start``: the field a person typed in."""
    parts = [p for p in _INDEX.sub("", path).split(".") if p]
    return parts[-1].replace("_", " ") if parts else ""


def _plain_problem(p: Problem) -> str:
    field = _field_words(p.path)
    value = f"{p.value!r} " if p.has_value and not isinstance(p.value, (dict, list)) else ""
    rule = re.sub(r"^Value error, ", "", p.rule)
    return f"{field}: {value}{rule}" if field else f"{value}{rule}"


def plain_error(exc: SimsoftError) -> str:
    """A refusal as a page shows it: each problem with the field named in words, without the file's
    schema path (``ratings[0].reason``) or pydantic's ``Value error,`` prefix; files and lines are for
    files, not forms.

    >>> plain_error(ScenarioError(Problem(file=None, line=None, path="ratings[0].reason",
    ...                                   rule="rating S for 'Mass Care Services' overrides the proposed U: give a reason")))
    "reason: rating S for 'Mass Care Services' overrides the proposed U: give a reason"
    >>> plain_error(ScenarioError(Problem(file=None, line=None, path="", rule="action zones: Field required")))
    'zones: missing: choose it from the list'
    """
    if isinstance(exc, ScenarioError) and exc.problems and all(p.file is None for p in exc.problems):
        text = "; ".join(_plain_problem(p) for p in exc.problems)
    else:
        text = re.sub(r"\bValue error, ", "", str(exc))
    # "action zones.literal['all']: ..." (a validator's path inside the action): the field, in words.
    text = _PATH.sub(lambda m: say(m.group(1)) + ":", text)
    return text.replace("Field required", "missing: choose it from the list")


_PATH = re.compile(r"\baction ([a-z_]+)(?:\.[^\s:]+)?:")
