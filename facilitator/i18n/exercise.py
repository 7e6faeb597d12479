"""An exercise and its session in one language: the catalog's messages and the file's own translations.

:class:`Local` joins :mod:`facilitator.i18n` (the words of the interface) and
:mod:`facilitator.exercise.languages` (the words of the exercise file) for one reader: the web pages
and the terminal console build what they show through it. A text missing in the reader's language
shows in the file's fallback language (a session started in a language the file does not cover is
refused before that: :func:`facilitator.exercise.loader.check_language_coverage`).
"""

from __future__ import annotations

from typing import Any

from facilitator.conduct.sitrep import values_of
from facilitator.exercise.templates import render
from facilitator.i18n import translator
from facilitator.web.names import display_names

__all__ = ["Local"]


class Local:
    """One language's view of a session: the messages (:mod:`facilitator.i18n`) and the exercise's own
    translated texts (:mod:`facilitator.exercise.languages`), falling back to the file's language."""

    def __init__(self, ses: Any, lang: str = "en") -> None:
        self.ses, self.lang, self.tr = ses, lang, translator(lang)
        self.texts = ses.loaded.texts
        given = {k[1]: self.text(k, "") for k in self.texts.by_key if k[0] == "name"}
        self.names = display_names(ses.loaded.scenario, {k: v for k, v in given.items() if v})

    def text(self, key: tuple[str, ...], default: str) -> str:
        return self.texts.get(key, self.lang, default) or default

    def t(self, seconds: float | None) -> str:
        return self.tr.format_duration(seconds)

    def team(self, team_id: str) -> str:
        try:
            default = self.ses.loaded.exercise.team(team_id).name
        except KeyError:
            return team_id
        return self.text(("team", team_id, "name"), default)

    def inject_text(self, s: Any) -> str:
        """The released text of ``s`` in this language, rendered from the counts it quoted at release."""
        key = ("inject", s.inject.id, "text")
        template = (self.texts.by_key.get(key) or {}).get(self.lang)
        if not s.text or template is None or self.lang == self.texts.fallback or s.counts is None:
            return s.text or ""
        values = values_of(s.counts, self.ses.sim.recorder.events)
        values["t"] = self.t(s.counts.t_s)
        return render(template, values, lang=self.lang)

    def module_name(self, module_id: str, default: str) -> str:
        return self.text(("module", module_id, "name"), default)

    def question(self, module_id: str, j: int, default: str) -> str:
        return self.text(("module", module_id, "question", str(j)), default)
