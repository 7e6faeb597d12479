"""The participants' languages: message catalogs, locale choice, numbers, durations and plurals per locale.

Every word a person reads on the web console or at the terminal console goes through a
:class:`Translator` for one language. The catalogs are gettext ``.po`` files under
``facilitator/locale/LANG/LC_MESSAGES/simsoft.po`` (kept in git, shipped as package data); they are
compiled in memory with Babel the first time a language is used, so a fresh ``pip install`` (or an
editable checkout) needs no build step. English is the source language: its ``msgid`` is the text.

Numbers, durations and plurals follow the locale through Babel (CLDR): French writes ``12 345,5``,
Arabic has six plural forms (zero, one, two, few, many, other) and ``ngettext`` picks the right one.
Digits stay Latin (Babel's default numbering system) so numbers read the same on every team's page.

>>> tr = translator("fr")
>>> tr.format_number(12345.5)
'12\u202f345,5'
>>> [translator("ar").ngettext("%(num)s wrong join code", "%(num)s wrong join codes", n) for n in (2, 3, 11)]
['رمزا انضمام خاطئان', '3 رموز انضمام خاطئة', '11 رمزَ انضمام خاطئًا']
>>> translator("ar").dir, translator("en").dir
('rtl', 'ltr')

The journal of a session never holds translated text (replays stay byte-identical): translation
happens on the way to a page or a prompt, never on the way into the journal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from simsoft.i18n import ENV_VAR, LANGUAGES, LanguageError, N_, check_language, compile_po, default_language
from simsoft.units import format_duration as _format_duration_en

# The language choice (codes, error, ``$SIMSOFT_LANG``) is the engine's (simsoft.i18n), so ``--lang`` reads the same
# for ``simsoft run`` and ``simsoft exercise``; simsoft never imports facilitator, so the shared part lives there.

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "ENV_VAR", "DOMAIN", "LOCALE_DIR", "LanguageError", "N_", "Translator",
           "translator", "default_language", "check_language", "catalog_path"]

LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "fr": "Français"}
"""Each language in its own words, as the language selector shows it."""

DOMAIN = "simsoft"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_RTL = frozenset({"ar"})

_UNITS = {"en": ("s", "min", "h", "never"), "fr": ("s", "min", "h", "jamais"), "ar": ("ث", "د", "س", "أبدًا")}
"""Abbreviations of second, minute and hour per language (SI symbols in French; the usual Arabic
abbreviations ث (ثانية), د (دقيقة), س (ساعة))."""


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def _compiled(lang: str) -> Any:
    """Babel translations of ``lang``, compiled in memory from its ``.po`` file (English: the msgids)."""
    from babel.support import NullTranslations

    if lang == "en":
        return NullTranslations()
    return compile_po(catalog_path(lang), lang=lang, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """The messages, numbers and durations of one language."""

    lang: str

    @property
    def dir(self) -> str:
        """``rtl`` for right-to-left languages, else ``ltr`` (the ``dir`` of a page's ``<html>``)."""
        return "rtl" if self.lang in _RTL else "ltr"

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` in this language, with ``%(name)s`` placeholders filled from ``values``."""
        text = _compiled(self.lang).gettext(message) if self.lang != "en" else message
        return text % values if values else text

    def __call__(self, message: str, **values: Any) -> str:
        """``message`` in this language, always %-formatted (so ``%%`` is a percent sign): the documents' sentences.

        >>> translator("en")("%(n)s of %(m)s (95 %% CI)", n=1, m=2)
        '1 of 2 (95 % CI)'
        """
        text = _compiled(self.lang).gettext(message) if self.lang != "en" else message
        return text % values

    def ngettext(self, singular: str, plural: str, num: int, **values: Any) -> str:
        """The plural form of the message for ``num`` (six forms in Arabic); ``%(num)s`` is the number."""
        text = _compiled(self.lang).ngettext(singular, plural, num) if self.lang != "en" else (
            singular if num == 1 else plural)
        return text % {"num": self.format_number(num), **values}

    def select(self, singular: str, plural: str, num: int) -> str:
        """The translated plural form for ``num``, placeholders left unfilled (Jinja's ``ngettext`` fills them)."""
        if self.lang == "en":
            return singular if num == 1 else plural
        return str(_compiled(self.lang).ngettext(singular, plural, num))

    def format_number(self, number: float | int) -> str:
        """``number`` with the locale's grouping and decimal signs (Latin digits)."""
        from babel.numbers import format_decimal

        return format_decimal(number, locale=self.lang)

    def join(self, items: Any, *, semicolon: bool = False) -> str:
        """``items`` as a list in running text: ``, `` (``; ``) in English and French, ``، `` (``؛ ``) in Arabic.

        >>> translator("ar").join(["أ", "ب"]), translator("en").join(["a", "b"], semicolon=True)
        ('أ، ب', 'a; b')
        """
        if self.lang == "ar":
            return ("؛ " if semicolon else "، ").join(items)
        return ("; " if semicolon else ", ").join(items)

    def fixed(self, value: float, digits: int = 0, *, grouped: bool = False) -> str:
        """``value`` with ``digits`` decimals (and thousands grouped), as Python's ``f"{value:,.2f}"`` in English.

        >>> [translator(x).fixed(-1234.567, 2, grouped=True) for x in ("en", "fr")]
        ['-1,234.57', '-1\u202f234,57']
        """
        if self.lang == "en":
            return format(value, f"{',' if grouped else ''}.{digits}f")
        from babel.numbers import format_decimal

        pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def format_date(self, iso: str) -> str:
        """A date (``2026-12-06``) as the locale writes it in full; English and a text that is not a date stay as given.

        >>> translator("fr").format_date("2026-12-06"), translator("ar").format_date("2026-12-06")
        ('6 décembre 2026', '6 ديسمبر 2026')
        """
        import datetime as _dt

        if self.lang == "en":
            return iso
        try:
            day = _dt.date.fromisoformat(str(iso))
        except ValueError:
            return iso
        from babel.dates import format_date

        return format_date(day, format="long", locale=self.lang)

    @property
    def units(self) -> tuple[str, str, str, str]:
        """This language's words for second, minute, hour and never (``s``, ``min``, ``h``, ``never`` in English)."""
        return _UNITS[self.lang]  # type: ignore[return-value]

    def format_duration(self, seconds: float | None) -> str:
        """A duration as :func:`simsoft.units.format_duration` writes it, in this language ("–" for ``None``).

        >>> translator("fr").format_duration(95.0), translator("ar").format_duration(7200)
        ('1 min 35 s', '2 س 0 د')
        """
        if seconds is None:
            return "–"
        if self.lang == "en":
            return _format_duration_en(seconds)
        sec, mins, hours, never = _UNITS[self.lang]
        if not math.isfinite(seconds):
            return never
        sign = "-" if seconds < 0 else ""
        s = abs(seconds)
        if s < 60:
            return f"{sign}{self.format_number(round(s, 1) if s != int(s) else int(s))} {sec}"
        if s < 3600:
            m, rest = divmod(round(s), 60)
            return f"{sign}{m} {mins} {rest} {sec}"
        h, rest = divmod(round(s), 3600)
        return f"{sign}{h} {hours} {rest // 60} {mins}"


@lru_cache(maxsize=None)
def translator(lang: str = "en") -> Translator:
    """The :class:`Translator` of ``lang`` (checked against :data:`LANGUAGES`)."""
    return Translator(check_language(lang))
