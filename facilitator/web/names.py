"""Display names for the pages: ``main_hall`` -> "Main hall", ``armed_response`` -> "Armed response".

The situation reports, decision lists and forms of the engine speak in ids (that is what the journal,
the console and decision files use, and replays must stay byte-identical). The pages show people the
names instead: a zone or exit's ``name`` when the scenario gives one, else its id in words. The mapping
is applied here, on the way to the page, never to what is journaled.
"""

from __future__ import annotations

import re
from typing import Any

from facilitator.i18n import N_, Translator

__all__ = ["humanise", "display_names", "with_names", "action_words", "VERB_WORDS", "verb_words", "say"]

VERB_WORDS = {
    "accountability": N_("accountability"), "alert": N_("alert"), "casualty_collection_point": N_("casualty collection point"),
    "close": N_("close"), "cordon": N_("cordon"), "declare": N_("declare"), "dispatch": N_("dispatch"),
    "distribution": N_("distribution"), "evacuate": N_("evacuate"), "hospital_plan": N_("hospital plan"),
    "lockdown": N_("lockdown"), "major_incident": N_("major incident"), "mutual_aid": N_("mutual aid"), "open": N_("open"),
    "public_information": N_("public information"), "recovery": N_("recovery"), "release": N_("release"),
    "request_ambulances": N_("request ambulances"), "reunification": N_("reunification"),
    "scene_resources": N_("scene resources"), "shelter": N_("shelter"), "staging": N_("staging"), "warm_zone": N_("warm zone"),
    # A regional exercise's decisions (simsoft.region.decisions).
    "assign_units": N_("assign units"), "release_units": N_("release units"), "reassign_units": N_("reassign units"),
    "divert": N_("divert a hospital"), "posture": N_("protective posture"), "site": N_("action at a site"),
}
"""Every action verb in words (the console, the journal and decision files keep the verb itself)."""


_SAY = {"connection": N_("door or passage"), "zones": N_("zones"), "zone": N_("zone"), "via": N_("exits"),
        "unit": N_("unit"), "units": N_("units"), "level": N_("cordon level"), "what": N_("what to declare"),
        "policy": N_("policy"), "hospital": N_("hospital"), "site": N_("reunification site"), "phone_line": N_("phone line"),
        "near_ccp": N_("near the casualty collection point"), "far": N_("far from the scene"), "mutual_aid": N_("mutual aid"),
        "share": N_("share of people"), "count": N_("ambulances"), "triage_teams": N_("triage teams"),
        "announce_assembly": N_("announce assembly"), "count_at_exits": N_("count at exits"),
        "digital_checkin": N_("digital check-in"), "phase": N_("phase"), "duration": N_("duration"),
        "add_staff": N_("add staff"), "open": N_("open"), "bearers": N_("bearers"), "stretchers": N_("stretchers")}
"""A parameter as the form names it to a player (the console and the journal keep the parameter's name)."""

def say(name: str, tr: Translator | None = None) -> str:
    """The words for parameter ``name`` on a form: ``connection`` -> ``door or passage`` (in ``tr``'s language)."""
    said = _SAY.get(name, name.replace("_", " "))
    return tr.gettext(said) if tr is not None else said


def verb_words(verb: str, tr: Translator | None = None) -> str:
    """``major_incident`` -> ``major incident`` (in ``tr``'s language when given)."""
    said = VERB_WORDS.get(verb, verb.replace("_", " "))
    return tr.gettext(said) if tr is not None else said

_WORD = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*\b")

_PROSE = frozenset({
    "all", "out", "outside", "inside", "incident", "location", "units", "unit", "people", "casualties", "police",
    "ems", "fire", "reports", "report", "via", "hot", "warm", "cold", "now", "none", "not", "on", "scene", "the",
    "and", "or", "a", "an", "in", "at", "to", "of", "for", "you", "your", "since", "dispatched", "known",
    "confirmed", "contained", "over", "started", "yes", "no", "true", "false",
})
"""Words the reports use as words: an id spelled like one (a zone called ``out``) is left as it is in prose."""

_ROLES = {"venue_control": "venue control", "police": "police", "ems": "ambulance service"}
"""The knowledge roles of :mod:`facilitator.conduct.knowledge`, as a report's reader says them."""


ACRONYMS = frozenset({"ems", "pa", "cctv", "ccp", "eoc", "rvp", "hq", "cbrn", "icp"})
"""Words of an id said in capitals (``ems_command`` -> ``EMS command``): emergency medical services,
public address, casualty collection point, emergency operations centre, rendezvous point, incident
command post... as the glossary (docs/glossary.md) writes them."""


def humanise(ident: str) -> str:
    """An id in words: ``main_hall`` -> ``Main hall``, ``patrol_2`` -> ``Patrol 2``, ``I2c`` stays ``I2c``.

    >>> humanise("main_hall"), humanise("patrol_2"), humanise("Foyer"), humanise("ems_command")
    ('Main hall', 'Patrol 2', 'Foyer', 'EMS command')
    """
    words = [w.upper() if w in ACRONYMS else w for w in ident.replace("_", " ").split()]
    if not words:
        return ident
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def display_names(scenario: Any, given: dict[str, str] | None = None) -> dict[str, str]:
    """``{id: name shown to people}`` for the zones, exits, doors, units, hospitals and sites of ``scenario``.

    Doors and passages read as the two places they join (``Main hall ↔ Foyer``); named places keep
    their name; everything else is its id in words. ``given`` (an exercise's ``names:`` in the page's
    language) names any of them first.
    """
    venue = scenario.venue
    given = given or {}
    out: dict[str, str] = {}
    for node in [*venue.zones, *venue.exits]:
        out[node.id] = given.get(node.id) or node.name or humanise(node.id)
    for c in venue.connections:
        out[c.id] = given.get(c.id) or f"{out.get(c.from_, humanise(c.from_))} ↔ {out.get(c.to, humanise(c.to))}"
    for ident, name in given.items():
        out.setdefault(ident, name)
    response = getattr(scenario, "response", None)
    for u in getattr(response, "units", None) or ():
        out.setdefault(u.id, humanise(u.id))
    medical = getattr(scenario, "medical", None)
    for h in getattr(medical, "hospitals", None) or ():
        out.setdefault(h.id, getattr(h, "name", None) or humanise(h.id))
    recovery = getattr(scenario, "recovery", None)
    for r in getattr(recovery, "reunification", None) or ():
        out.setdefault(r.id, getattr(r, "name", None) or humanise(r.id))
    for role, said in _ROLES.items():
        out.setdefault(role, said)
    return out


def with_names(text: str, names: dict[str, str]) -> str:
    """``text`` with every id of ``names`` replaced by its name (words of ordinary prose excepted).

    >>> names = {"main_hall": "Main hall", "courtyard": "Courtyard"}
    >>> with_names("inside: 20 (main_hall 20, courtyard 0) via Stewards in the courtyard", names)
    'inside: 20 (Main hall 20, Courtyard 0) via Stewards in the courtyard'
    """

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        name = names.get(word)
        if name is None or word in _PROSE:
            return word
        if name == humanise(word) and word.isalpha():
            # A one-word id ("courtyard") is also a word: name it only where a list or a field puts it
            # ("(gallery 60", ", kitchen 6", "location: foyer"), not in a sentence ("in the courtyard").
            before = text[:m.start()].rstrip()
            if before and before[-1] not in "(,:;":
                return word
        return name

    return _WORD.sub(swap, text)


_ALL = N_("all")
"""``zones=all``, ``via=all``: every zone, every exit, said in the reader's word (the console keeps ``all``)."""


def action_words(action: dict[str, Any], names: dict[str, str], tr: Translator | None = None) -> str:
    """A decision's action as a page shows it: ``close connection=hall_foyer`` -> ``close: connection Main hall ↔ Foyer``.

    >>> action_words({"do": "evacuate", "zones": ["main_hall", "gallery"]}, {"main_hall": "Main hall"})
    'evacuate: zones Main hall, gallery'
    """

    t = tr.gettext if tr is not None else (lambda text: text)

    def shown(v: Any) -> str:
        values = v if isinstance(v, list) else [v]
        return ", ".join(names.get(str(x), t("yes") if x is True else t("no") if x is False else t(_ALL) if x == "all"
                                   else str(x)) for x in values)

    params = [f"{say(k, tr) if tr is not None and tr.lang != 'en' else k.replace('_', ' ')} {shown(v)}"
              for k, v in action.items() if k != "do"]
    verb = verb_words(str(action.get("do", "")), tr)
    return f"{verb}: {'; '.join(params)}" if params else verb
