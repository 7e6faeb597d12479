"""An exercise and its session in one language: the catalog's messages and the file's own translations.

:class:`Local` joins :mod:`facilitator.i18n` (the words of the interface) and
:mod:`facilitator.exercise.languages` (the words of the exercise file) for one reader: the web pages
and the terminal console build what they show through it. A text missing in the reader's language
shows in the file's fallback language (a session started in a language the file does not cover is
refused before that: :func:`facilitator.exercise.loader.check_language_coverage`).
"""

from __future__ import annotations

from typing import Any

from simsoft.region import region_names

from facilitator.conduct.lines import Line, Source, Term, Text
from facilitator.conduct.sitrep import values_of
from facilitator.exercise.languages import OWN_NAMES
from facilitator.exercise.templates import render
from facilitator.i18n import N_, translator
from facilitator.web.names import display_names, verb_words, with_names

__all__ = ["Local", "REASONS", "PHASES", "STATUSES", "METHODS"]

REASONS = {"scheduled": N_("scheduled"), "manual": N_("manual"), "trigger": N_("trigger"),
           "contingency": N_("contingency")}
"""Why an inject was released, as a page or the console says it (the journal keeps the word)."""

PHASES = {"briefing": N_("briefing"), "conduct": N_("conduct"), "hot_wash": N_("hot wash"),
          "evaluation": N_("evaluation"), "closed": N_("closed")}
STATUSES = {"pending": N_("pending"), "released": N_("released"), "skipped": N_("skipped"), "cancelled": N_("cancelled")}
METHODS = {"in_person": N_("in person"), "phone": N_("phone"), "radio": N_("radio"), "email": N_("email"),
           "text_message": N_("text message"), "public_address": N_("public address"), "social_media": N_("social media"),
           "news_media": N_("news media"), "document": N_("document")}
"""Phases, inject statuses and delivery methods in words (the journal keeps the ids)."""


class Local:
    """One language's view of a session: the messages (:mod:`facilitator.i18n`) and the exercise's own
    translated texts (:mod:`facilitator.exercise.languages`), falling back to the file's language."""

    def __init__(self, ses: Any, lang: str = "en") -> None:
        self.ses, self.lang, self.tr = ses, lang, translator(lang)
        self.texts = ses.loaded.texts
        given = {k[1]: self.text(k, "") for k in self.texts.by_key if k[0] == "name" and k[1] not in OWN_NAMES}
        self.names = display_names(ses.loaded.scenario, {k: v for k, v in given.items() if v})
        region = getattr(ses.loaded, "region", None)
        if region is not None:  # the first site's zones, exits and doors only: the region names its own places
            venue = ses.loaded.scenario.venue
            own = {x.id for x in [*venue.zones, *venue.exits, *venue.connections]}
            self.names = {k: v for k, v in self.names.items() if k in own}
        self.places: dict[str, str] = region_names(region.region, lang) if region is not None else {}
        """A regional session's sites, hospitals, bases, stations and ``region`` by their names in this language
        (the region file's ``names:``, :func:`simsoft.region.region_names`); empty for a venue session."""

    def venue(self) -> str:
        """What the session plays, in this language: the venue's name (the exercise's ``names: venue:``, else the
        scenario's venue name), or a regional session's region (the region file's ``names: region:``)."""
        region = getattr(self.ses.loaded, "region", None)
        if region is not None:
            return self.place("region", region.region.name)
        return self.text(("name", "venue"), self.ses.loaded.scenario.venue.name)

    def place(self, ident: str, default: str) -> str:
        """A region's place (or ``region``, ``coordination``) by its name in this language, else ``default``."""
        return self.places.get(ident, default)

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

    def reason(self, word: str | None) -> str:
        """Why an inject was released (``scheduled``, ``trigger``...) in this language."""
        return self.tr.gettext(REASONS.get(word or "", word or "")) if word else ""

    def phase(self, word: str) -> str:
        return self.tr.gettext(PHASES.get(word, word.replace("_", " ")))

    def status(self, word: str) -> str:
        return self.tr.gettext(STATUSES.get(word, word))

    def method(self, word: str) -> str:
        """A delivery method in words (``social_media`` -> ``social media``)."""
        return self.tr.gettext(METHODS.get(word, word.replace("_", " ")))

    def verb(self, verb: str) -> str:
        """An action verb in words in this language (``close`` -> ``fermer``)."""
        return verb_words(verb, self.tr)

    def key_numbers(self, values: dict[str, Any]) -> str:
        """The console's line of live numbers (:func:`facilitator.conduct.sitrep.key_numbers`) in this language;
        ``values["t_s"]`` is the time of the counts in seconds."""
        t, n = self.tr.gettext, self.tr.format_number
        return "  ".join(f"{label}={value}" for label, value in (
            ("t", self.t(values["t_s"])), (t("inside"), n(values["inside"])), (t("out"), n(values["exited"])),
            (t("casualties"), n(values["casualties"])), (t("units on scene"), n(values["units_on_scene"]))))

    def sitrep(self, team_id: str | None) -> list[str]:
        """The situation report of ``team_id`` (ground truth for ``None``) in this language with names for ids
        (``main_hall`` -> ``Main hall``) and the team by its display name; the journal is untouched."""
        ses = self.ses
        lines = ses.sitrep_lines(team_id)
        if team_id is not None and lines and "team" in lines[0].values:
            # The header names the team by its display name in the reader's language ("الفريق venue" was the id);
            # "SITUATION REPORT for Police (police)": the role in brackets says nothing when it is the name.
            team, head = ses.loaded.exercise.team(team_id), lines[0]
            role = head.values.get("role")
            if isinstance(role, Term) and role.ident == team.name.lower():
                head = Line.gettext("SITUATION REPORT for %(team)s at %(t)s", team=head.values["team"], t=head.values["t"])
            lines[0] = head.with_value("team", Text(self.team(team_id)))

        def team_names(part: Any) -> Any:  # who acted: a team by its name in this language
            if isinstance(part, Source) and part.source.startswith("team:"):
                return Source(part.source, self.team(part.source.removeprefix("team:")))
            return None

        return [with_names(line.map_parts(team_names).render(self.tr), self.names) for line in lines]

    def module_name(self, module_id: str, default: str) -> str:
        return self.text(("module", module_id, "name"), default)

    def question(self, module_id: str, j: int, default: str) -> str:
        return self.text(("module", module_id, "question", str(j)), default)
