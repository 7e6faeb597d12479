"""Inject text templates: the ``{placeholders}`` an inject may use, checked at load and filled at release.

An inject's text may quote live values of the world (``{inside}`` people still inside at ``{t}``);
:func:`placeholder_names` lists them for a scenario, :func:`template_problem` says why a text
cannot be rendered (the loader reports it at the door), and :func:`render` fills a text from the
values of :func:`facilitator.conduct.sitrep.live_values`.

Counts print with thousands separators. Two small additions to Python's format spec make texts read
right whatever the number:

- **plural forms** ``{casualties:person|people}``: the singular for 1, the plural otherwise, after
  the number ("1 person", "2 people"); three forms ``{inside:nobody|one person|# people}`` give the
  text for 0, 1 and more, with ``#`` standing for the number;
- **about** ``{occupancy.rear:~}``: a count as a person on the spot would report it, rounded to two
  significant figures from 100 on ("about 6,000"); it combines with forms: ``{inside:~person|people}``.

A translated text (:mod:`facilitator.exercise.languages`) is rendered with ``lang=``: numbers take the
locale's separators (Babel), "about" its word, and two forms follow the language's own singular rule
(French: 0 and 1 are singular). Arabic may give all six CLDR forms, ``zero|one|two|few|many|other``
(``#`` is the number), so a count agrees with its noun: ``{casualties:لا أحد|شخص واحد|شخصان|# أشخاص|# شخصًا|# شخص}``.

>>> render("{inside:~personne|personnes}", {"inside": 1234}, lang="fr")
'environ 1 200 personnes'
>>> [render("{n:لا أحد|شخص واحد|شخصان|# أشخاص|# شخصًا|# شخص}", {"n": n}, lang="ar") for n in (2, 3, 11)]
['شخصان', '3 أشخاص', '11 شخصًا']

>>> render("{inside} still inside at {t}", {"inside": 12, "t": "3 min"})
'12 still inside at 3 min'
>>> render("{casualties:nobody is|one person is|# people are} hurt", {"casualties": 1})
'one person is hurt'
>>> render("{occupancy.rear:~person|people} in the rear field", {"occupancy.rear": 5983})
'about 6,000 people in the rear field'
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.schema import Scenario

__all__ = ["placeholder_names", "template_problem", "render", "format_count"]

_COUNTS = ("inside", "exited", "casualties", "population", "units_on_scene")

MAX_FORMAT_NUMBER = 200
"""Largest width or precision a placeholder's format may ask for: a message line is far shorter, and
``{inside:>300000000}`` would write a 300 MB inject into the journal."""

_NUMBERS = re.compile(r"\d+")


def _spec_problem(name: str, spec: str) -> str | None:
    for digits in _NUMBERS.findall(spec):
        if len(digits.lstrip("0")) > 3 or int(digits) > MAX_FORMAT_NUMBER:
            shown = digits if len(digits) <= 12 else digits[:9] + "..."
            return (f"placeholder {{{name}:...}} asks for a width or precision of {shown}; "
                    f"at most {MAX_FORMAT_NUMBER} is allowed")
    return None


def placeholder_names(scenario: Scenario) -> list[str]:
    """Every ``{name}`` an inject text may use for ``scenario``."""
    names = ["t", *_COUNTS]
    names += [f"occupancy.{z.id}" for z in scenario.venue.zones]
    names += [f"exited.{e.id}" for e in scenario.venue.exits]
    return names


def _sample_value(name: str) -> Any:
    return "3 min 20 s" if name == "t" else 0


ABOUT_FROM = 100
"""Counts from this size on are rounded by ``~`` (two significant figures); smaller ones stay exact, as a
steward counting a room would give them."""


def _about(n: int) -> tuple[int, bool]:
    if abs(n) < ABOUT_FROM:
        return n, False
    digits = len(str(abs(n))) - 2
    rounded = int(round(n, -digits))
    return rounded, rounded != n


_ABOUT = {"en": "about ", "fr": "environ ", "ar": "نحو "}
"""The word of ``~`` (a rounded count) per language."""

_CLDR = ("zero", "one", "two", "few", "many", "other")


def _number_text(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n:,}"
    from babel.numbers import format_decimal

    return format_decimal(n, locale=lang)


def format_count(n: int, spec: str = "", *, lang: str = "en") -> str:
    """A count in words by a template spec: ``""``, ``"~"``, ``"one|other"``, ``"zero|one|other"`` (``#`` is the number).

    >>> [format_count(n, "person|people") for n in (0, 1, 2, 12345)]
    ['0 people', '1 person', '2 people', '12,345 people']
    >>> [format_count(n, "~nobody|one person|# people") for n in (0, 1, 87, 5983)]
    ['nobody', 'one person', '87 people', 'about 6,000 people']
    """
    about = spec.startswith("~")
    forms = spec[1:] if about else spec
    shown, rounded = _about(n) if about else (n, False)
    number = (_ABOUT.get(lang, "about ") if rounded else "") + _number_text(shown, lang)
    if not forms:
        return number
    parts = forms.split("|")
    if len(parts) == 2:
        singular = n == 1
        if lang != "en":
            from babel import Locale

            singular = Locale.parse(lang).plural_form(n) == "one"
        form = parts[0] if singular else parts[1]
        return form.replace("#", number) if "#" in form else f"{number} {form}"
    if len(parts) == 6:
        from babel import Locale

        category = "zero" if n == 0 else Locale.parse(lang if lang != "en" else "ar").plural_form(n)
        form = parts[_CLDR.index(category)]
        return form.replace("#", number)
    form = parts[0] if n == 0 else parts[1] if n == 1 else parts[2]
    return form.replace("#", number)


def _words_spec(spec: str | None) -> bool:
    """Whether ``spec`` is one of this module's count specs (not Python's format mini-language)."""
    return bool(spec) and (spec.startswith("~") or "|" in spec)


def _words_problem(name: str, spec: str, lang: str = "en") -> str | None:
    if name == "t":
        return f"placeholder {{t:{spec}}}: the exercise time takes no plural forms or ~"
    forms = spec[1:] if spec.startswith("~") else spec
    if forms and lang == "ar" and len(forms.split("|")) not in (2, 3, 6):
        return (f"placeholder {{{name}:{spec}}} needs two plural forms, three (zero|one|other) or the six "
                f"Arabic forms (zero|one|two|few|many|other)")
    if forms and lang != "ar" and len(forms.split("|")) not in (2, 3):
        return (f"placeholder {{{name}:{spec}}} needs two plural forms (one|other, e.g. person|people) "
                f"or three (zero|one|other, e.g. nobody|one person|# people)")
    if forms and any(not part.strip() for part in forms.split("|")):
        return f"placeholder {{{name}:{spec}}} has an empty plural form"
    return None


def template_problem(text: str, names: Sequence[str], *, lang: str = "en") -> str | None:
    """Why ``text`` cannot be rendered with ``names``, or ``None`` if it can.

    >>> template_problem("{inside} inside", ["t", "inside"]) is None
    True
    >>> template_problem("{nobody} inside", ["t", "inside", "occupancy.hall"])
    'has unknown placeholder {nobody} (known: t, inside, occupancy.ZONE, exited.EXIT)'
    >>> template_problem("a {brace", ["t"])
    "has a stray brace (expected '}' before end of string); write {{ and }} for a literal brace"
    """
    known = set(names)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        return f"has a stray brace ({exc}); write {{{{ and }}}} for a literal brace"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name == "" or name.isdigit():
            return "has an empty placeholder {}; name a live value such as {inside}"
        if name not in known:
            hint = ", ".join(n for n in names if "." not in n)
            return f"has unknown placeholder {{{name}}} (known: {hint}, occupancy.ZONE, exited.EXIT)"
        if spec and "{" in spec:
            return f"placeholder {{{name}}} has a nested field in its format"
        if _words_spec(spec):
            problem = _words_problem(name, spec, lang)
            if problem:
                return problem
            continue
        if spec and _spec_problem(name, spec):
            return _spec_problem(name, spec)
        try:
            value = _sample_value(name)
            format(_convert(value, conversion), spec or "")
        except (ValueError, TypeError) as exc:
            return f"placeholder {{{name}:{spec}}} has a bad format ({exc})"
    return None


def _convert(value: Any, conversion: str | None) -> Any:
    if conversion == "r":
        return repr(value)
    if conversion == "a":
        return ascii(value)
    if conversion == "s":
        return str(value)
    return value


def render(text: str, values: Mapping[str, Any], *, lang: str = "en") -> str:
    """Fill ``{placeholders}`` of ``text`` from ``values`` (flat names only, never attribute access).

    A dotted name is one key, not an attribute:

    >>> render("{occupancy.hall:>4} in the hall", {"occupancy.hall": 37})
    '  37 in the hall'
    """
    out: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            # The loader refuses huge widths; a text that bypassed it is shown without its format.
            value = values[name]
            if isinstance(value, int) and not isinstance(value, bool) and conversion is None and (
                    _words_spec(spec) or not spec):
                out.append(format_count(value, spec or "", lang=lang))
                continue
            spec = "" if spec and (_spec_problem(name, spec) or _words_spec(spec)) else spec
            out.append(format(_convert(value, conversion), spec or ""))
    return "".join(out)
