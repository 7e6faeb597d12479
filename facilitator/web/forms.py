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
from facilitator.i18n import N_, Translator, translator
from facilitator.web.names import display_names, say, verb_words

__all__ = ["Field", "FormError", "VerbForm", "verb_forms", "form_to_line", "plain_error", "DELAYS", "delays", "say"]

DELAYS = (("", N_("now")), ("30s", N_("in 30 s")), ("1min", N_("in 1 min")), ("2min", N_("in 2 min")),
          ("5min", N_("in 5 min")), ("10min", N_("in 10 min")))
"""Choices of ``after`` (when the decision takes effect), as the console writes them (labels in English)."""


def delays(tr: Translator) -> tuple[tuple[str, str], ...]:
    """:data:`DELAYS` with labels in ``tr``'s language."""
    return tuple((value, tr.gettext(label)) for value, label in DELAYS)


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
    label: str = ""
    """The verb as the page names it (the verb itself in English)."""


_HELP = (
    N_("Help account for everyone: announce the assembly points, post staff to count at every exit, start digital check-in."),
    N_("Occupants of the zones get a cue; their pre-movement clock starts, they stay put until told to move."),
    N_("Place the casualty collection point (CCP): outside the venue (the plan's place), far outside, or in a zone."),
    N_("Close a connection (blocked, locked, unsafe): nobody passes until it is opened."),
    N_("Set the cordon level of zones: hot (threat present), warm (secured but not cleared), cold (safe)."),
    N_("Declare the incident contained (needs a capable unit on scene) or the venue all clear (after containment)."),
    N_("Send a responding unit now (one that is not sent automatically, or sooner than automatic dispatch)."),
    N_("Change how ambulances choose a hospital."),
    N_("Occupants of the zones leave for the exits (after their pre-movement if not alerted before)."),
    N_("A hospital activates its full disaster plan now (its surge capacity rises to the full-plan value)."),
    N_("Occupants stay in the zones and every lockable connection of those zones is closed."),
    N_("EMS declares a major incident now: ambulances switch to the mass-casualty mode (``medical.ambulances.mci``:"),
    N_("Request more units from neighbouring services (built from ``response.mutual_aid``)."),
    N_("Open a closed connection again."),
    N_("A public information message naming the reunification site and/or a phone line for families."),
    N_("Change the duration of a recovery phase (investigation, clean-up, reopening preparation, family assistance)."),
    N_("End shelter or lockdown: lockable connections re-open and occupants may leave."),
    N_("Request more ambulances: from the local service (``medical.ambulances.arrival``) or as mutual aid."),
    N_("Open a reunification site (a standby one, or earlier than planned) and/or add staff to it."),
    N_("More bearers, stretchers or triage teams reach the scene (fire crews, extra staff, improvised stretchers)."),
    N_("Occupants stay (or gather) in the zones and do not leave until released."),
    N_("Set the ambulance staging and loading point: next to the CCP (short loading) or away from it (long loading)."),
    N_("Change when medics may enter: after containment, or earlier with a rescue task force."),
)
"""The first line of each action's docstring (a form's help), so that the catalogs carry them; a line
changed in the engine and not yet in the catalogs shows in English."""


_HELP = (
    N_("A zone of the venue, or ``outside`` (the plan's place, just outside the venue)."), N_("Additional bearers."),
    N_("Additional stretchers."), N_("Additional triage teams."),
    N_("Announce the assembly points: a share of the people still to leave by other exits go there and are counted."),
    N_("Connection to close."), N_("Connection to open."), N_("Cordon level."),
    N_("Exits to use (staff direct people to them); by default each group picks the quickest."),
    N_("Hospital id (``medical.hospitals``)."), N_("How many ambulances."), N_("How many units to request."),
    N_("Its new duration, counted from the phase's start (a phase whose new end is past ends now)."),
    N_("Only with ``outside``: the CCP is far from the venue (beyond the outer cordon): longer carries and walks."),
    N_("Open the site now if it is not open yet."), N_("Post staff to count at every exit, not only at assembly points."),
    N_("Reunification site the message names (``recovery.reunification``)."),
    N_("Share of the not-yet-alerted occupants the message reaches."), N_("Site id (``recovery.reunification``)."),
    N_("Staff added to the site."), N_("Start digital check-in and reunification by app or SMS (``recovery.digital``)."),
    N_("The entry policy from now on."), N_("The phase."), N_("Unit to send (``response.units``)."),
    N_("Whether ambulances are called forward from a staging point close to the CCP and load next to it."),
    N_("Whether the message gives a phone line for families."),
    N_("Whether they come from neighbouring services (``medical.ambulances.mutual_aid_arrival``)."),
    N_("Zone of the venue where the loading point is (absent: outside the venue)."), N_("Zones to evacuate."),
    N_("Zones to lock down."), N_("Zones to mark."), N_("Zones to release."), N_("Zones to shelter in."),
    N_("Zones whose occupants are alerted."), N_("``contained`` or ``all_clear``."), N_("``nearest`` or ``balanced``."),
)
"""The first line of each action field's description (the help under a decision field), so that the catalogs
carry them; a line changed in the engine and not yet in the catalogs shows in English."""


def _choices(loaded: LoadedExercise, names: dict[str, str], tr: Translator) -> dict[str, tuple[tuple[str, str], ...]]:
    """``(id, name shown)`` of the lists a form offers: places and units by name (:mod:`facilitator.web.names`)."""
    sc = loaded.scenario
    zones = tuple((z.id, names[z.id]) for z in sc.venue.zones)
    out: dict[str, tuple[tuple[str, str], ...]] = {
        "zones": (("all", tr.gettext("all zones")), *zones),
        "zone": (("outside", tr.gettext("outside the venue")), *zones),
        "via": tuple((e.id, names[e.id]) for e in sc.venue.exits),
        "connection": tuple((c.id, f"{names[c.id]} ({tr.gettext(_KINDS.get(c.kind.value, c.kind.value))})")
                            for c in sc.venue.connections),
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


_KINDS = {"door": N_("door"), "corridor": N_("corridor"), "stair": N_("stair"), "gate": N_("gate"),
          "opening": N_("opening")}
"""Kinds of connection as a form names them."""


def verb_forms(loaded: LoadedExercise, verbs: list[str], *, tr: Translator | None = None,
               names: dict[str, str] | None = None) -> list[VerbForm]:
    """The forms of ``verbs`` (a team's ``may``), in that order, in ``tr``'s language (English by default)."""
    tr = tr or translator("en")
    lists = _choices(loaded, names if names is not None else display_names(loaded.scenario), tr)
    forms = []
    for verb in verbs:
        model = action_model(verb)
        if model is None:
            continue
        fields = []
        for name in action_fields(verb):
            info = model.model_fields[name]
            label = tr.gettext((info.description or name).split("\n")[0])
            required = info.is_required()
            default = "" if required or info.default is None else str(info.default)
            annotation = info.annotation
            if name in ("zones", "via"):
                fields.append(Field(name, say(name, tr), "multi", lists.get(name, ()), required=required, help=label))
            elif name in lists:
                fields.append(Field(name, say(name, tr), "select", lists[name], required=required, default=default, help=label))
            elif _literals(annotation):
                values = _literals(annotation)
                fields.append(Field(name, say(name, tr), "select", tuple((v, v) for v in values), required=required,
                                    default=default, help=label))
            elif annotation is bool:
                fields.append(Field(name, say(name, tr), "select", (("true", tr.gettext("yes")), ("false", tr.gettext("no"))), required=required,
                                    default=default.lower(), help=label))
            elif _is_duration(verb, name):
                fields.append(Field(name, say(name, tr), "text", required=required, default=default or "12 h",
                                    help=label))
            elif annotation in (int, float) or "int" in str(annotation) or "float" in str(annotation):
                fields.append(Field(name, say(name, tr), "number", required=required, default=default, help=label))
            else:
                fields.append(Field(name, say(name, tr), "text", required=required, default=default, help=label))
        doc = (model.__doc__ or verb).strip().split("\n")[0]
        forms.append(VerbForm(verb, tr.gettext(doc), fields, label=verb if tr.lang == "en" else verb_words(verb, tr)))
    return forms


def _safe(value: str, what: str, tr: Translator | None = None) -> str:
    value = value.strip()
    if "--" in value or any(ch in value for ch in "\r\n\t\"'="):
        raise FormError((tr or translator("en")).gettext("%(field)s: %(value)s is not a valid value", field=what,
                                                          value=repr(value)))
    return value


def _required(verb: str, name: str) -> bool:
    model = action_model(verb)
    return model is not None and model.model_fields[name].is_required()


def _is_duration(verb: str, name: str) -> bool:
    """Whether parameter ``name`` of ``verb`` is a duration (typed with its unit: ``12 h``), not a bare number."""
    model = action_model(verb)
    if model is None:
        return False
    return any(getattr(getattr(m, "func", None), "__name__", "") == "_duration" for m in model.model_fields[name].metadata)


def _is_number(verb: str, name: str) -> bool:
    model = action_model(verb)
    if model is None or _is_duration(verb, name):
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


_SAYS = {"gt": N_("more than"), "ge": N_("at least"), "lt": N_("less than"), "le": N_("at most")}


def _number(value: str, what: str, bounds: list[tuple[str, float]], tr: Translator | None = None) -> str:
    """``value`` if it is a finite number within ``bounds``; :class:`FormError` in plain words if not."""
    t = (tr or translator("en")).gettext
    shown = value if len(value) <= 40 else value[:40] + "…"
    try:
        number = float(value)
    except ValueError:
        raise FormError(t("%(field)s: %(value)s is not a number; write e.g. 0.5", field=what, value=repr(shown))) from None
    if not math.isfinite(number):
        raise FormError(t("%(field)s: %(value)s is not a usable number; write an ordinary number such as 0.5",
                          field=what, value=repr(shown)))
    rule = t(" and ").join(f"{t(_SAYS[op])} {limit:g}" for op, limit in bounds)
    ok = all({"gt": number > limit, "ge": number >= limit, "lt": number < limit, "le": number <= limit}[op]
             for op, limit in bounds)
    if not ok:
        raise FormError(t("%(field)s: must be %(rule)s; you typed %(value)s", field=what, rule=rule, value=shown))
    return value


def _after(value: str, tr: Translator | None = None) -> str:
    """``value`` if it is a delay the session accepts (a finite duration, not negative, under 400 days)."""
    from simsoft.units import parse_duration

    try:
        parse_duration(value)
    except ValueError as exc:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise FormError((tr or translator("en")).gettext("takes effect (after): %(value)s %(reason)s",
                                                          value=repr(shown), reason=str(exc))) from None
    return value


def _chosen_verb(form: Any, allowed: list[str], tr: Translator) -> str:
    """The verb a submitted form chose, if the team may take it (:class:`FormError`, :class:`DecisionError`)."""
    t = tr.gettext
    verb = (form.get("verb") or "").strip()
    if not verb:
        raise FormError(t("choose an action first"))
    if verb not in allowed:
        raise DecisionError(t("your team may not %(verb)s (may: %(allowed)s)", verb=verb,
                              allowed=", ".join(allowed) or t("nothing")))
    return verb


def form_to_line(form: Any, *, allowed: list[str], tr: Translator | None = None) -> str:
    """The console line of a submitted decision form (``form`` is a multi-dict: ``get`` and ``getlist``).

    Only the chosen verb's fields (named ``VERB.FIELD``) are read. Numbers must be finite and within
    the action's limits, ``after`` a duration the session accepts (:class:`FormError` otherwise).
    Whether the team may take the verb and whether the zones, exits and units exist is left to the
    session, as at the console. Messages are in ``tr``'s language (English by default); the line is not.
    """
    tr = tr or translator("en")
    t = tr.gettext
    verb = _chosen_verb(form, allowed, tr)
    words = [verb]
    for name in action_fields(verb):
        key = f"{verb}.{name}"
        if name in ("zones", "via"):
            values = [_safe(v, name, tr) for v in form.getlist(key) if v.strip()]
            if name == "zones" and "all" in values:
                values = ["all"]
            if values:
                words.append(f"{name}={','.join(values)}")
            elif _required(verb, name):
                raise FormError(t("%(verb)s: tick at least one of the %(field)s (or all zones)", verb=verb_words(verb, tr),
                                  field=say(name, tr)) if name == "zones" else
                                t("%(verb)s: tick at least one of the %(field)s (the list)", verb=verb_words(verb, tr),
                                  field=say(name, tr)))
        else:
            value = _safe(form.get(key) or "", name, tr)
            if not value and _required(verb, name):
                raise FormError(t("%(verb)s: choose the %(field)s from the list", verb=verb_words(verb, tr),
                                  field=say(name, tr)))
            if value and _is_number(verb, name):
                value = _number(value, name if tr.lang == "en" else say(name, tr), _bounds(verb, name), tr)
            if value:
                words.append(f"{name}={value}")
    return _typed_line(words, form, tr)


def _typed_line(words: list[str], form: Any, tr: Translator) -> str:
    """``words`` (the verb and its ``key=value``) with the form's delay and rationale: the line a team would type."""
    after = _safe(form.get("after") or "", "after", tr)
    if after:
        words = [*words, f"after={_after(after, tr)}"]
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
