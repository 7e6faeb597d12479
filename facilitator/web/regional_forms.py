"""Decision forms of a regional exercise: the region's verbs (:mod:`simsoft.region.decisions`) with sites,
hospitals and bases offered from the region's lists.

A submitted form becomes the console line (``reassign_units from=station to=st_marks count=2 -- why``) and goes
through :func:`facilitator.exercise.decisions.parse_line` (``regional=True``) and :meth:`Session.decide`, which
checks it with the region's own check: the same path as a typed or scripted regional decision.
"""

from __future__ import annotations

from typing import Any

from simsoft.errors import SimsoftError
from simsoft.region import region_names

from facilitator.exercise.decisions import action_fields, field_info, parse_line
from facilitator.i18n import N_, Translator, translator
from facilitator.web.forms import Field, FormError, VerbForm, _chosen_verb, _literals, _number, _safe, _typed_line
from facilitator.web.names import verb_words

__all__ = ["regional_forms", "regional_form_to_line"]


_VERB_HELP = {
    "assign_units": N_("Send free shared units to a site (the nearest first); what cannot be sent now waits in the queue."),
    "release_units": N_("Release a site's shared units: ambulances finish their transport, then are free."),
    "reassign_units": N_("Move ambulances from one site to another (each finishes its transport first)."),
    "mutual_aid": N_("Ask for units from outside the region: they join at a base after the delay."),
    "distribution": N_("How ambulances of every site choose a hospital from now on."),
    "divert": N_("No new ambulance patients to this hospital while another is open."),
    "posture": N_("Raise the protective posture of venues: lock down, close, postpone, or a police guard."),
    "public_information": N_("A public message: hospitals and sites to avoid; its reach grows over time."),
    "site": N_("Any action of one venue's own plan at that site (e.g. alert zones=all)."),
}

_FIELD_WORDS = {
    "site": N_("the site"), "sites": N_("sites"), "kind": N_("which units"), "count": N_("how many"),
    "from": N_("from site"), "to": N_("to site"), "delay": N_("delay"), "base": N_("base or station"),
    "armed": N_("armed (police)"), "policy": N_("policy"), "hospital": N_("hospital"), "on": N_("diverted"),
    "measure": N_("measure"), "units": N_("police units per venue"), "hospitals": N_("hospitals to avoid"),
    "reach": N_("share reached in the end"), "tau": N_("reach time constant"), "action": N_("venue action"),
}

_CHOICE_WORDS = {
    "ambulance": N_("ambulances"), "police": N_("police units"), "nearest": N_("nearest"), "balanced": N_("balanced"),
    "by_trauma_level": N_("by trauma level"), "lockdown": N_("lock down"), "close": N_("close"),
    "postpone": N_("postpone the event"), "guard": N_("police guard"),
}

_MULTI = ("sites", "hospitals")
_LISTS = ("site", "sites", "from", "to", "hospital", "hospitals", "base")
"""Fields chosen from the region's lists (sites, hospitals, bases and stations)."""
_DURATIONS = ("delay", "tau")


def _lists(loaded: Any, lang: str) -> dict[str, tuple[tuple[str, str], ...]]:
    region = loaded.region.region
    names = region_names(region, lang)  # the region file's names in the page's language
    sites = tuple((s.id, names.get(s.id) or s.id) for s in region.sites)
    hospitals = tuple((h.id, names.get(h.id) or h.id) for h in region.hospitals)
    bases = tuple((b.id, names.get(b.id) or b.id) for b in (*region.ambulance_bases, *region.police))
    return {"site": sites, "sites": sites, "from": sites, "to": sites, "hospital": hospitals, "hospitals": hospitals,
            "base": bases}


def regional_forms(loaded: Any, verbs: list[str], *, tr: Translator | None = None) -> list[VerbForm]:
    """The forms of the regional ``verbs`` a team may take, in that order, in ``tr``'s language."""
    tr = tr or translator("en")
    t = tr.gettext
    lists = _lists(loaded, tr.lang)
    out = []
    for verb in verbs:
        fields = []
        for name in action_fields(verb, regional=True):
            info = field_info(verb, name, regional=True)
            required = info.is_required()
            default = "" if required or info.default is None or callable(info.default_factory) else str(info.default)
            label = t(_FIELD_WORDS.get(name, name.replace("_", " ")))
            if name in _MULTI:
                fields.append(Field(name, label, "multi", lists[name], required=required))
            elif name in lists:
                fields.append(Field(name, label, "select", lists[name], required=required, default=default))
            elif _literals(info.annotation):
                values = _literals(info.annotation)
                fields.append(Field(name, label, "select", tuple((v, t(_CHOICE_WORDS.get(v, v))) for v in values),
                                    required=required, default=default))
            elif info.annotation is bool:
                fields.append(Field(name, label, "select", (("true", t("yes")), ("false", t("no"))), required=required,
                                    default=default.lower()))
            elif name in _DURATIONS:
                fields.append(Field(name, label, "text", required=required,
                                    default=tr.format_duration(float(info.default)) if default else ""))
            elif name == "action":
                fields.append(Field(name, label, "text", required=required, default="alert zones=all",
                                    help=t("one action of the venue's own plan, as the console writes it")))
            else:
                fields.append(Field(name, label, "number", required=required, default=default))
        out.append(VerbForm(verb, t(_VERB_HELP.get(verb, verb)), fields,
                            label=verb if tr.lang == "en" else verb_words(verb, tr)))
    return out


def regional_form_to_line(form: Any, *, allowed: list[str], tr: Translator | None = None) -> str:
    """The console line of a submitted regional decision form (the rules of :func:`form_to_line`)."""
    tr = tr or translator("en")
    t = tr.gettext
    verb = _chosen_verb(form, allowed, tr)
    said = verb if tr.lang == "en" else verb_words(verb, tr)
    words = [verb]
    for name in action_fields(verb, regional=True):
        info = field_info(verb, name, regional=True)
        key = f"{verb}.{name}"
        label = t(_FIELD_WORDS.get(name, name))
        if name in _MULTI:
            values = [_safe(v, label, tr) for v in form.getlist(key) if v.strip()]
            if values:
                words.append(f"{name}={','.join(values)}")
            elif info.is_required():
                raise FormError(t("%(verb)s: tick at least one of the %(field)s (the list)", verb=said, field=label))
            continue
        raw = (form.get(key) or "").strip()
        if name == "action":
            if not raw:
                raise FormError(t("%(verb)s: write the venue action, e.g. alert zones=all", verb=said))
            if "--" in raw or any(ch in raw for ch in "\r\n\t\"'"):
                raise FormError(t("%(field)s: %(value)s is not a valid value", field=label, value=repr(raw)))
            try:
                parse_line(raw, team="-")
            except SimsoftError as exc:
                raise FormError(f"{label}: {exc}") from None
            words.append(f"action={raw}")
            continue
        value = _safe(raw, label, tr)
        if not value:
            if info.is_required():
                raise FormError(t("%(verb)s: choose the %(field)s from the list", verb=said, field=label))
            continue
        if name in _DURATIONS:
            from simsoft.units import parse_duration

            try:
                parse_duration(value)
            except ValueError as exc:
                raise FormError(f"{label}: {value!r} {exc}") from None
            value = value.replace(" ", "")
        elif name not in _LISTS and not _literals(info.annotation) and info.annotation is not bool:
            bounds = [(op, float(getattr(m, op))) for m in info.metadata for op in ("gt", "ge", "lt", "le")
                      if isinstance(getattr(m, op, None), (int, float))]
            value = _number(value, label, bounds, tr)
        words.append(f"{name}={value}")
    return _typed_line(words, form, tr)

