"""The languages of simsoft's own reports and figures: message catalogs, locale choice, numbers and plurals.

The same approach as :mod:`facilitator.i18n`, for the engine's side (simsoft never imports facilitator):
gettext ``.po`` catalogs under ``simsoft/locale/LANG/LC_MESSAGES/simsoft.po`` (kept in git, shipped as
package data) compiled in memory with Babel the first time a language is used. English is the source
language: its ``msgid`` is the text, so an English report is exactly what it was before languages came.
Numbers and plurals follow the locale through Babel (CLDR; Arabic has six plural forms), digits stay Latin.
The language comes from ``--lang``, else ``$SIMSOFT_LANG`` (the variable the facilitator reads too), else English.

>>> tr = translator("fr")
>>> tr.ngettext("%(num)s person", "%(num)s people", 1234)
'1\\u202f234 personnes'
>>> [translator("ar").ngettext("%(num)s person", "%(num)s people", n) for n in (1, 2, 3, 11)]
['شخص واحد', 'شخصان', '3 أشخاص', '11 شخصًا']
>>> translator("en")("95 %% out"), translator("ar").dir
('95 % out', 'rtl')
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from simsoft.errors import SimsoftError
from simsoft.units import format_count, format_duration

__all__ = ["LANGUAGES", "ENV_VAR", "LOCALE_DIR", "LanguageError", "Translator", "translator", "default_language",
           "check_language", "catalog_path", "compile_po", "N_"]

LANGUAGES = ("en", "ar", "fr")
"""The languages with a complete catalog (English is the source language of every message)."""

ENV_VAR = "SIMSOFT_LANG"
"""Environment variable giving the default language when no ``--lang`` is given (shared with the facilitator)."""

DOMAIN = "simsoft"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_RTL = frozenset({"ar"})

_UNITS = {"en": ("s", "min", "h"), "fr": ("s", "min", "h"), "ar": ("ث", "د", "س")}
"""Second, minute and hour per language (SI symbols in French; the usual Arabic ث، د، س)."""


class LanguageError(SimsoftError):
    """An unknown language was asked for (``--lang`` or ``SIMSOFT_LANG``)."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here (translated where it is shown)."""
    return message


def check_language(lang: str, *, where: str = "--lang") -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else :class:`LanguageError` saying which are known.

    >>> check_language("fr_FR")
    'fr'
    >>> check_language("de")
    Traceback (most recent call last):
    ...
    simsoft.i18n.LanguageError: --lang: 'de' is not a language of simsoft (known: en, ar, fr)
    """
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise LanguageError(f"{where}: {lang!r} is not a language of simsoft (known: {', '.join(LANGUAGES)})")
    return code


def default_language(given: str | None = None) -> str:
    """The language chosen by ``given`` (``--lang``), else ``$SIMSOFT_LANG``, else English."""
    if given:
        return check_language(given)
    env = os.environ.get(ENV_VAR, "").strip()
    return check_language(env, where=ENV_VAR) if env else "en"


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(path: Path, *, lang: str, domain: str = DOMAIN) -> Any:
    """Babel translations read from the ``.po`` file ``path`` and compiled in memory (no ``.mo`` build step, so a
    fresh install or an editable checkout needs none); the facilitator's catalogs are compiled the same way."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=domain)


@lru_cache(maxsize=None)
def _compiled(lang: str) -> Any:
    return compile_po(catalog_path(lang), lang=lang)


@dataclass(frozen=True)
class Translator:
    """The messages, numbers and durations of one language (English: the messages as written)."""

    lang: str

    @property
    def dir(self) -> str:
        """``rtl`` for right-to-left languages, else ``ltr`` (the ``dir`` of a page's ``<html>``)."""
        return "rtl" if self.lang in _RTL else "ltr"

    def __call__(self, message: str, **values: Any) -> str:
        """``message`` in this language, always %-formatted (``%%`` is a percent sign)."""
        text = message if self.lang == "en" else _compiled(self.lang).gettext(message)
        return text % values

    def gettext(self, message: str) -> str:
        """``message`` in this language as written, without %-formatting (a name that may hold a lone ``%``)."""
        return message if self.lang == "en" else _compiled(self.lang).gettext(message)

    def number(self, text: str) -> str:
        """A number written the English way (``1,234.5``, ``+0.25``) with this locale's group and decimal signs.

        >>> translator("fr").number("-1,234.5"), translator("ar").number("1,234.5")
        ('-1\u202f234,5', '1,234.5')
        """
        if self.lang == "en":
            return text
        from babel.numbers import get_decimal_symbol, get_group_symbol

        group, decimal = get_group_symbol(self.lang), get_decimal_symbol(self.lang)
        return "".join(group if c == "," else decimal if c == "." else c for c in text)

    def ngettext(self, singular: str, plural: str, num: float, **values: Any) -> str:
        """The plural form for ``num`` (six forms in Arabic); ``%(num)s`` is the number in the locale's writing."""
        whole = abs(num - round(num)) < 0.05
        if self.lang == "en":
            text = singular if whole and round(num) == 1 else plural
        else:
            text = _compiled(self.lang).ngettext(singular, plural, int(round(num)) if whole else 99)
        return text % {"num": self.fixed(num, 0 if whole else 1, grouped=True), **values}

    def count(self, num: float, noun: str, singular: str, plural: str) -> str:
        """A count with its noun: English exactly as :func:`simsoft.units.format_count` (``noun``), another
        language through the catalog's plural forms of ``singular``/``plural``."""
        return format_count(num, noun) if self.lang == "en" else self.ngettext(singular, plural, num)

    def join_and(self, items: list[str]) -> str:
        """``a, b and c`` in this language (``a، b و c`` in Arabic).

        >>> translator("fr").join_and(["a", "b", "c"])
        'a, b et c'
        """
        if len(items) < 2:
            return items[0] if items else ""
        sep = "، " if self.lang == "ar" else ", "
        return self(N_("%(first)s and %(last)s"), first=sep.join(items[:-1]), last=items[-1])

    def fixed(self, value: float, digits: int = 0, *, grouped: bool = False) -> str:
        """``value`` with ``digits`` decimals (thousands grouped), as ``f"{value:,.1f}"`` writes it in English.

        >>> [translator(x).fixed(1234.56, 1, grouped=True) for x in ("en", "fr", "ar")]
        ['1,234.6', '1\\u202f234,6', '1,234.6']
        """
        if self.lang == "en":
            return format(value, f"{',' if grouped else ''}.{digits}f")
        from babel.numbers import format_decimal

        pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def duration(self, seconds: float) -> str:
        """A duration as :func:`simsoft.units.format_duration` writes it, in this language.

        >>> translator("ar").duration(95.0), translator("fr").duration(7200.0)
        ('1 د 35 ث', '2 h 0 min')
        """
        if self.lang == "en":
            return format_duration(seconds)
        sec, mins, hours = _UNITS[self.lang]
        if not math.isfinite(seconds):
            return self(N_("never"))
        sign = "-" if seconds < 0 else ""
        s = abs(seconds)
        if s < 60:
            return f"{sign}{self.fixed(s, 0 if s == int(s) else 1)} {sec}"
        if s < 3600:
            m, rest = divmod(round(s), 60)
            return f"{sign}{m} {mins} {rest} {sec}"
        h, rest = divmod(round(s), 3600)
        return f"{sign}{h} {hours} {rest // 60} {mins}"

    @property
    def units(self) -> tuple[str, str, str]:
        """This language's symbols of second, minute and hour."""
        return _UNITS[self.lang]  # type: ignore[return-value]


@lru_cache(maxsize=None)
def translator(lang: str = "en") -> Translator:
    """The :class:`Translator` of ``lang`` (checked against :data:`LANGUAGES`)."""
    return Translator(check_language(lang))
