"""Structured lines of a situation report: a message id and typed values, said in any language.

:func:`facilitator.conduct.sitrep.situation_report_lines` writes each line as a :class:`Line`: the
English message (the catalog's ``msgid``, with ``%(name)s`` placeholders) and its values as parts -
a duration in seconds (:class:`Dur`), a count (:class:`Num`, exact or rounded as a report rounds it),
a word of the catalogs (:class:`Word`), an id or a name shown as it is (:class:`Text`), a region's place (:class:`Name`), an engine id
with words (:class:`Term`), an action verb (:class:`Verb`), a word of the documents (:class:`Said`), a list of parts (:class:`Join`) or another line. :meth:`Line.render` says it
through a :class:`facilitator.i18n.Translator`: numbers, durations and plural forms (six in Arabic)
by Babel in the reader's locale. Rendered in English, a line is the text the reports always wrote
(the journal, the console and the tests read that text); no line is ever parsed back.

>>> from facilitator.i18n import translator
>>> line = Line("people out: %(n)s", {"n": Num(1234, about=True)})
>>> line.render(translator("en")), line.render(translator("fr"))
('people out: about 1,200', 'personnes sorties : environ 1\\u202f200')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Union

from facilitator.i18n import Translator

__all__ = ["Line", "Dur", "Num", "Word", "Text", "Name", "Term", "Verb", "Said", "English", "Source", "Join", "Part"]


@dataclass(frozen=True)
class Dur:
    """A duration in seconds (``3 min 20 s``; ``never`` for infinity)."""

    seconds: float

    def render(self, tr: Translator) -> str:
        return tr.format_duration(self.seconds)


@dataclass(frozen=True)
class Num:
    """A count: exact (``grouped``: ``1,234`` in English, else ``1234``) or rounded as a report rounds it (``about``)."""

    n: int
    about: bool = False
    grouped: bool = True

    def render(self, tr: Translator) -> str:
        from facilitator.exercise.templates import format_count

        if self.about:
            return format_count(self.n, "~", lang=tr.lang)
        if tr.lang == "en":
            return f"{self.n:,}" if self.grouped else str(self.n)
        return tr.format_number(self.n)


@dataclass(frozen=True)
class Word:
    """A word of the catalogs (marked with :func:`facilitator.i18n.N_` where it is defined)."""

    msgid: str

    def render(self, tr: Translator) -> str:
        return tr.gettext(self.msgid)


@dataclass(frozen=True)
class Text:
    """An id or a name, shown as it is (the pages put display names for ids afterwards)."""

    text: str

    def render(self, tr: Translator) -> str:
        return self.text


@dataclass(frozen=True)
class Name:
    """A place of a region (site, hospital, base; ``region`` for the region itself) by its id: the region file's
    name (``text``), or its name in the reader's language from ``said`` (the file's ``names:``, ``(lang, name)``)."""

    ident: str
    text: str
    said: tuple[tuple[str, str], ...] = ()

    def render(self, tr: Translator) -> str:
        return dict(self.said).get(tr.lang) or self.text


@dataclass(frozen=True)
class Term:
    """An engine id with words: the id itself in English (``venue_control``, as reports always wrote it), the
    catalog's words for ``msgid`` in another language (``contrôle du site``)."""

    ident: str
    msgid: str

    def render(self, tr: Translator) -> str:
        return self.ident if tr.lang == "en" else tr.gettext(self.msgid)


@dataclass(frozen=True)
class Verb:
    """An action verb (``major_incident``): the verb itself in English, its words in another language."""

    verb: str

    def render(self, tr: Translator) -> str:
        if tr.lang == "en":
            return self.verb
        from facilitator.web.names import verb_words

        return verb_words(self.verb, tr)


@dataclass(frozen=True)
class Said:
    """A fixed word the AAR/IP and the documents use too (:func:`facilitator.documents.words.word`: who
    overrode an order, what instead, why): as it is in English, the catalog's words in another language."""

    text: str

    def render(self, tr: Translator) -> str:
        from facilitator.documents.words import word

        return word(self.text, tr)


@dataclass(frozen=True)
class English:
    """``text`` as it is in English (an id the reports always wrote), ``other`` said in another language."""

    text: str
    other: "Part"

    def render(self, tr: Translator) -> str:
        return self.text if tr.lang == "en" else self.other.render(tr)


@dataclass(frozen=True)
class Source:
    """Who took an action (``team:venue``, ``scenario``, ``occupants``...): as recorded in English; in another
    language a team by the name a page gives it (``team_name``, put in by :meth:`Line.map_parts`, else its id),
    the models and the scenario in the AAR's words (:func:`facilitator.documents.words.word`)."""

    source: str
    team_name: str | None = None

    def render(self, tr: Translator) -> str:
        if tr.lang == "en":
            return self.source
        if self.source.startswith("team:"):
            return tr.gettext("team %(team)s", team=self.team_name or self.source.removeprefix("team:"))
        from facilitator.documents.words import word

        return word(self.source, tr)


@dataclass(frozen=True)
class Join:
    """Parts said one after the other with ``sep`` between them (``, `` or ``; ``; in Arabic ``، `` or ``؛ ``;
    French puts a narrow no-break space before ``;``)."""

    items: tuple["Part", ...]
    sep: str = ", "

    def render(self, tr: Translator) -> str:
        said = [item.render(tr) for item in self.items]
        if tr.lang == "fr" and self.sep == "; ":  # French typography: a narrow no-break space before a semicolon
            return "\u202f; ".join(said)
        # Translator.join: "، " and "؛ " in Arabic (a thousands comma inside an item stays Latin).
        return tr.join(said, semicolon=self.sep == "; ")


@dataclass(frozen=True)
class Line:
    """One message with its values; ``plural`` and ``count`` choose a plural form by the value named ``count``.

    English reports write the same words for every number (``1 casualties``: the text the journal
    and its tests know), so a plural message's ``plural`` is often its ``msgid``; the catalogs give
    French and Arabic their forms.
    """

    msgid: str
    values: Mapping[str, "Part"] = field(default_factory=dict)
    plural: str | None = None
    count: str | None = None

    def render(self, tr: Translator) -> str:
        said = {name: part.render(tr) for name, part in self.values.items()}
        if self.plural is not None and self.count is not None:
            n = self.values[self.count]
            assert isinstance(n, Num), f"{self.msgid!r}: the plural form follows a Num, not {n!r}"
            num = n.n
            template = tr.select(self.msgid, self.plural, num)
        else:
            template = tr.gettext(self.msgid)
        return template % said if said else template

    @classmethod
    def gettext(cls, msgid: str, **values: "Part") -> "Line":
        """A line saying ``msgid`` (extracted for the catalogs like a call of ``gettext``)."""
        return cls(msgid, values)

    @classmethod
    def ngettext(cls, singular: str, plural: str, count: str, **values: "Part") -> "Line":
        """A line whose plural form follows the :class:`Num` named ``count`` (extracted like ``ngettext``)."""
        return cls(singular, values, plural=plural, count=count)

    def map_parts(self, fn: "Callable[[Part], Part | None]") -> "Line":
        """This line with every part ``fn`` returns a replacement for replaced, at any depth."""
        def one(part: "Part") -> "Part":
            new = fn(part)
            if new is not None:
                return new
            if isinstance(part, Line):
                return part.map_parts(fn)
            if isinstance(part, Join):
                return Join(tuple(one(p) for p in part.items), part.sep)
            if isinstance(part, English):
                return English(part.text, one(part.other))
            return part

        return replace(self, values={k: one(v) for k, v in self.values.items()})

    def with_value(self, name: str, part: "Part") -> "Line":
        """This line with value ``name`` replaced (a page puts a team's display name in the header)."""
        return replace(self, values={**self.values, name: part})

    def __str__(self) -> str:
        from facilitator.i18n import translator

        return self.render(translator("en"))


Part = Union[Dur, Num, Word, Text, Name, Term, Verb, Said, English, Source, Join, Line]
"""A value of a line."""
