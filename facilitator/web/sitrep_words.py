"""Situation reports in the reader's language, on the way to the page.

The engine side (:func:`facilitator.conduct.sitrep.situation_report`) writes its lines in English with
ids, as the terminal console, the journal's summaries and the tests read them. A page in another
language reads each line through the patterns below, which know every line that function writes,
and says it again through the catalogs with durations and counts in the reader's locale. A line no
pattern knows (a future line of the report) is shown as written: a report is never lost, only left in
English until a pattern is added here (:func:`translate_line` says whether it matched, and
``tests/test_i18n.py`` plays the place-of-worship exercise to see that every line matched).

>>> tr = translator("fr")
>>> translate_line("people out: about 1,200 (main_street 700, car_park 500)", tr)
('personnes sorties : environ 1\\u202f200 (main_street 700, car_park 500)', True)
>>> translate_line("police on scene since 3 min 20 s", translator("ar"))
('الشرطة في الموقع منذ 3 د 20 ث', True)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitator.i18n import N_, Translator, translator
from facilitator.web.names import verb_words

__all__ = ["translate_line", "translate_report"]

_DUR = r"(?:-?\d+(?:\.\d+)? s|-?\d+ min \d+ s|-?\d+ h \d+ min|never)"
_NUM = r"(?:about )?\d{1,3}(?:,\d{3})*(?!\d|,\d)|(?:about )?\d+"

ROLES = {"venue_control": N_("venue control"), "police": N_("police"), "ems": N_("ambulance service")}
"""The knowledge roles of :mod:`facilitator.conduct.knowledge` in words."""

VIA = {"staff": N_("staff"), "cctv": N_("CCTV"), "cctv_review": N_("CCTV review"), "call": N_("emergency call"),
       "on_scene": N_("on scene"), **ROLES}
"""How the news reached a role (``simsoft.models.incident.detection``): who or what told it."""


def _via(text: str, tr: Translator) -> str:
    if text.startswith("inject "):
        return tr.gettext("inject %(id)s", id=text.removeprefix("inject "))
    return tr.gettext(VIA[text]) if text in VIA else text


_OVERRIDE = re.compile(r"^(\S+): (.+?) \((\S+)\) overridden by (\S+): (\S+), (.+)$")
_NOT_FOLLOWED = re.compile(r"^(\S+) (.+?)(?: \((\S+)\))?; (\S+) instead, (.+)$")
"""The details :meth:`facilitator.evaluation.contrary.Override.text` and the session's own-order line write."""


def _word(text: str, tr: Translator) -> str:
    """An override's fixed word (an order, who overrode it, what instead, why) in ``tr``'s language."""
    from facilitator.documents.words import word

    if text.startswith("plan: "):
        return tr.gettext("plan: %(rule)s", rule=text[6:])
    return word(text, tr)


def _override(text: str, tr: Translator) -> str:
    """``prayer_hall: shelter (D3) overridden by occupants: evacuate, occupants see the incident`` in ``tr``'s words
    (ids stay: the page puts names on them)."""
    m = _OVERRIDE.match(text)
    if not m:
        return text
    zone, order, who, by, now, why = m.groups()
    who = tr.gettext("team %(team)s", team=who[5:]) if who.startswith("team:") else _word(who, tr)
    return tr.gettext("%(zone)s: %(order)s (%(who)s) overridden by %(by)s: %(now)s, %(reason)s", zone=zone,
                      order=_word(order, tr), who=who, by=_word(by, tr), now=_word(now, tr), reason=_word(why, tr))


def _not_followed(text: str, tr: Translator) -> str:
    """``prayer_hall shelter (D3); evacuate instead, occupants see the incident`` in ``tr``'s words."""
    m = _NOT_FOLLOWED.match(text)
    if not m:
        return text
    zone, order, decision, now, why = m.groups()
    order = _word(order, tr) + (f" ({decision})" if decision else "")
    return tr.gettext("%(zone)s %(order)s; %(now)s instead, %(reason)s", zone=zone, order=order, now=_word(now, tr),
                      reason=_word(why, tr))


def _seconds(text: str) -> float | None:
    """``3 min 20 s`` -> 200.0 (the forms :func:`simsoft.units.format_duration` writes)."""
    if text == "never":
        return float("inf")
    m = re.fullmatch(r"(-?)(\d+(?:\.\d+)?) s", text)
    if m:
        return float(m.group(1) + m.group(2))
    m = re.fullmatch(r"(-?)(\d+) min (\d+) s", text)
    if m:
        return (-1 if m.group(1) else 1) * (int(m.group(2)) * 60 + int(m.group(3)))
    m = re.fullmatch(r"(-?)(\d+) h (\d+) min", text)
    if m:
        return (-1 if m.group(1) else 1) * (int(m.group(2)) * 3600 + int(m.group(3)) * 60)
    return None


def _dur(text: str, tr: Translator) -> str:
    s = _seconds(text)
    return tr.format_duration(s) if s is not None else text


def _num(text: str, tr: Translator) -> str:
    """``about 1,200`` -> ``environ 1 200`` (a count as the report wrote it, in the reader's locale)."""
    from facilitator.exercise.templates import _ABOUT

    about = text.startswith("about ")
    digits = text.removeprefix("about ").replace(",", "")
    if not digits.isdigit():
        return text
    return (_ABOUT.get(tr.lang, "about ") if about else "") + tr.format_number(int(digits))


def _counts(text: str, tr: Translator) -> str:
    """Every count and duration inside a list (``prayer_hall about 1,000, gallery 300``), in the locale."""
    text = re.sub(_DUR, lambda m: _dur(m.group(0), tr), text)
    text = re.sub(r"between zones", lambda m: tr.gettext("between zones"), text)
    text = re.sub(_NUM, lambda m: _num(m.group(0), tr), text)
    # Items are separated by ", " (a thousands comma has no space after it): Arabic writes "، ".
    return text.replace(", ", "، ") if tr.lang == "ar" else text


def _note(text: str, tr: Translator) -> str:
    """``as of 3 min 0 s, inject I1`` (when the counts were taken, and from what)."""
    m = re.fullmatch(rf"as of ({_DUR})(?:, inject (\S+))?(?:, (.+))?", text)
    if not m:
        return text
    out = tr.gettext("as of %(t)s", t=_dur(m.group(1), tr))
    if m.group(2):
        out += ", " + tr.gettext("inject %(id)s", id=m.group(2))
    if m.group(3):
        out += ", " + m.group(3)
    return out


def _unit_states(text: str, tr: Translator) -> str:
    def one(item: str) -> str:
        m = re.fullmatch(rf"(\S+) (dispatched|on scene) ({_DUR})", item)
        if not m:
            return item
        said = N_("%(unit)s dispatched %(t)s") if m.group(2) == "dispatched" else N_("%(unit)s on scene %(t)s")
        return tr.gettext(said, unit=m.group(1), t=_dur(m.group(3), tr))

    return tr.join((one(x) for x in text.split("; ")), semicolon=True)


def _actions(text: str, tr: Translator, *, source: bool) -> str:
    def one(item: str) -> str:
        m = re.fullmatch(rf"({_DUR}) ([a-z_]+)(?: \((.+)\))?", item)
        if not m:
            return item
        said = f"{_dur(m.group(1), tr)} {verb_words(m.group(2), tr)}"
        return said + (f" ({m.group(3)})" if source and m.group(3) else "")

    return tr.join((one(x) for x in text.split("; ")), semicolon=True)


Rule = tuple["re.Pattern[str]", Callable[["re.Match[str]", Translator], str]]

_RULES: list[Rule] = [
    (re.compile(rf"^SITUATION REPORT for (.+) \(([a-z_]+)\) at ({_DUR})$"),
     lambda m, tr: tr.gettext("SITUATION REPORT for %(team)s (%(role)s) at %(t)s", team=m.group(1),
                              role=tr.gettext(ROLES.get(m.group(2), m.group(2))), t=_dur(m.group(3), tr))),
    (re.compile(rf"^SITUATION REPORT for (.+) at ({_DUR})$"),
     lambda m, tr: tr.gettext("SITUATION REPORT for %(team)s at %(t)s", team=m.group(1), t=_dur(m.group(2), tr))),
    (re.compile(r"^no report of an incident has reached you$"),
     lambda m, tr: tr.gettext("no report of an incident has reached you")),
    (re.compile(rf"^incident reported to you at ({_DUR}) \(via (.+)\)$"),
     lambda m, tr: tr.gettext("incident reported to you at %(t)s (via %(via)s)", t=_dur(m.group(1), tr),
                              via=_via(m.group(2), tr))),
    (re.compile(r"^location: not confirmed$"), lambda m, tr: tr.gettext("location: not confirmed")),
    (re.compile(r"^location: (.+)$"), lambda m, tr: tr.gettext("location: %(where)s", where=m.group(1))),
    (re.compile(rf"^people inside: ({_NUM}) \((.*?)\)(?: \((as of .+)\))?$"),
     lambda m, tr: tr.gettext("people inside: %(n)s (%(where)s)", n=_num(m.group(1), tr),
                              where=tr.gettext("none") if m.group(2) == "none" else _counts(m.group(2), tr))
     + (f" ({_note(m.group(3), tr)})" if m.group(3) else "")),
    (re.compile(rf"^people out: ({_NUM})(?: \((.*)\))?$"),
     lambda m, tr: tr.gettext("people out: %(n)s", n=_num(m.group(1), tr))
     + (f" ({_counts(m.group(2), tr)})" if m.group(2) else "")),
    (re.compile(r"^casualties reported: none yet \((.+)\)$"),
     lambda m, tr: tr.gettext("casualties reported: none yet (%(note)s)", note=_note(m.group(1), tr))),
    (re.compile(r"^casualties reported: at least (\d+) \((.+)\)$"),
     lambda m, tr: tr.gettext("casualties reported: at least %(n)s (%(note)s)", n=_num(m.group(1), tr),
                              note=_note(m.group(2), tr))),
    (re.compile(rf"^last figures you were given \((\S+) at ({_DUR})\): ({_NUM}) inside, ({_NUM}) out, (\d+) casualties$"),
     lambda m, tr: tr.gettext("last figures you were given (%(inject)s at %(t)s): %(inside)s inside, %(out)s out, "
                              "%(casualties)s casualties", inject=m.group(1), t=_dur(m.group(2), tr),
                              inside=_num(m.group(3), tr), out=_num(m.group(4), tr), casualties=_num(m.group(5), tr))),
    (re.compile(r"^units: (.+)$"), lambda m, tr: tr.gettext("units: %(units)s", units=_unit_states(m.group(1), tr))),
    (re.compile(rf"^police on scene since ({_DUR})$"),
     lambda m, tr: tr.gettext("police on scene since %(t)s", t=_dur(m.group(1), tr))),
    (re.compile(r"^your actions: (.+)$"),
     lambda m, tr: tr.gettext("your actions: %(actions)s", actions=_actions(m.group(1), tr, source=False))),
    (re.compile(rf"^\(reports reach you about ({_DUR}) late; counts are rounded; injects you received count from "
                r"their release\)$"),
     lambda m, tr: tr.gettext("(reports reach you about %(t)s late; counts are rounded; injects you received count "
                              "from their release)", t=_dur(m.group(1), tr))),
    # The ground truth (evaluators, the facilitator).
    (re.compile(rf"^GROUND TRUTH at ({_DUR})$"), lambda m, tr: tr.gettext("GROUND TRUTH at %(t)s", t=_dur(m.group(1), tr))),
    (re.compile(rf"^incident: not started \(starts at ({_DUR})\)$"),
     lambda m, tr: tr.gettext("incident: not started (starts at %(t)s)", t=_dur(m.group(1), tr))),
    (re.compile(rf"^incident: started ({_DUR}), over$"),
     lambda m, tr: tr.gettext("incident: started %(t)s, over", t=_dur(m.group(1), tr))),
    (re.compile(rf"^incident: started ({_DUR}), in no zone$"),
     lambda m, tr: tr.gettext("incident: started %(t)s, in no zone", t=_dur(m.group(1), tr))),
    (re.compile(rf"^incident: started ({_DUR}), in (.+)$"),
     lambda m, tr: tr.gettext("incident: started %(t)s, in %(zones)s", t=_dur(m.group(1), tr), zones=m.group(2))),
    (re.compile(r"^casualties: (\d+)(?: \((.+)\))?$"),
     lambda m, tr: tr.gettext("casualties: %(n)s", n=_num(m.group(1), tr))
     + (f" ({_counts(m.group(2), tr)})" if m.group(2) else "")),
    (re.compile(rf"^population ({_NUM}) = ({_NUM}) inside \+ ({_NUM}) out \+ ({_NUM}) casualties$"),
     lambda m, tr: tr.gettext("population %(population)s = %(inside)s inside + %(out)s out + %(casualties)s casualties",
                              population=_num(m.group(1), tr), inside=_num(m.group(2), tr), out=_num(m.group(3), tr),
                              casualties=_num(m.group(4), tr))),
    (re.compile(rf"^(venue_control|police|ems) knows since ({_DUR}) \(via (.+)\)$"),
     lambda m, tr: tr.gettext("%(role)s knows since %(t)s (via %(via)s)", role=tr.gettext(ROLES[m.group(1)]),
                              t=_dur(m.group(2), tr), via=_via(m.group(3), tr))),
    # Orders the world did not follow (facilitator.evaluation.contrary): the frame is said, the details stay as written.
    (re.compile(rf"^override at ({_DUR}): (.+)$"),
     lambda m, tr: tr.gettext("override at %(t)s: %(what)s", t=_dur(m.group(1), tr), what=_override(m.group(2), tr))),
    (re.compile(rf"^your order was not followed at ({_DUR}): (.+)$"),
     lambda m, tr: tr.gettext("your order was not followed at %(t)s: %(what)s", t=_dur(m.group(1), tr),
                              what=_not_followed(m.group(2), tr))),
    (re.compile(r"^recent actions: (.+)$"),
     lambda m, tr: tr.gettext("recent actions: %(actions)s", actions=_actions(m.group(1), tr, source=True))),
]


def translate_line(line: str, tr: Translator) -> tuple[str, bool]:
    """``(line in tr's language, whether a pattern knew it)``; an unknown line comes back as it is."""
    if tr.lang == "en":
        return line, True
    for pattern, say in _RULES:
        m = pattern.match(line)
        if m:
            return say(m, tr), True
    return line, False


def translate_report(lines: list[str], lang: str) -> list[str]:
    """Every line of a situation report in ``lang`` (English lines pass unchanged)."""
    tr = translator(lang)
    return [translate_line(line, tr)[0] for line in lines]
