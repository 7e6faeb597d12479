"""Exercise texts in several languages: a plain string, or a mapping ``{en: ..., ar: ..., fr: ...}``.

The texts people read may be given per language: the exercise name and its overview texts (sponsor,
scope, threat, location, point of contact, handling marking, participating organisations, evaluators), objectives
and their capability targets, critical tasks and their references, team names, module names and questions, inject senders, texts and controller
notes, and the display names of the scenario's places and units (``names:``, where ``venue`` and ``scenario``
name the venue itself and the scenario's title). A file that gives
several languages says which one stands in for a missing translation::

    languages:
      fallback: en          # the language of every plain string; each mapping must have it
      covers: [en, ar, fr]  # optional: what the file claims to cover (checked at load)

At load the mappings are taken apart (:func:`split_texts`): the exercise keeps its fallback text (so
an English file, and the English output of a multi-language one, is unchanged and the journal stays
in one language) and :class:`Texts` holds the translations, looked up by a stable key such as
``("inject", "I4", "text")``. :func:`missing` names every text without a translation in a language,
with its file, line and field path; starting a session in that language is refused with that list.

>>> data = {"languages": {"fallback": "en"}, "teams": [{"id": "police", "name": {"en": "Police", "fr": "Police"}}]}
>>> plain, texts, problems = split_texts(data)
>>> plain["teams"][0]["name"], texts.get(("team", "police", "name"), "fr"), problems
('Police', 'Police', [])
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from simsoft.loader import FieldPath

__all__ = ["Texts", "TextKey", "split_texts", "optional", "LANGUAGE_CODE", "OWN_NAMES"]

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
"""A language as a mapping's key: an ISO 639 code (``en``, ``ar``, ``fr``)."""

TextKey = tuple[str, ...]

OWN_NAMES = ("venue", "scenario")
"""Keys of ``names:`` that name no place of the venue: ``venue`` is the venue's own name (``venue.name``)
and ``scenario`` the scenario's title (its ``name``), so that a figure's title or a document's caption can
say them in the reader's language."""


@dataclass(frozen=True)
class Texts:
    """The translations of an exercise's texts: ``key -> {language: text}``, with the raw field path of each."""

    fallback: str = "en"
    by_key: dict[TextKey, dict[str, str]] = field(default_factory=dict)
    paths: dict[TextKey, FieldPath] = field(default_factory=dict)
    covers: tuple[str, ...] = ()

    def get(self, key: TextKey, lang: str, default: str | None = None) -> str | None:
        """The text of ``key`` in ``lang``, else in the fallback language, else ``default``."""
        given = self.by_key.get(key)
        if not given:
            return default
        return given.get(lang) or given.get(self.fallback) or default

    def languages(self) -> set[str]:
        """Every language some text is given in (the fallback included)."""
        return {self.fallback, *(lang for texts in self.by_key.values() for lang in texts)}

    def missing(self, lang: str) -> list[tuple[FieldPath, TextKey]]:
        """``(field path, key)`` of every text with no translation in ``lang`` (none when ``lang`` is the fallback).

        The document-only texts (:func:`optional`) are not counted: they became translatable after files
        claiming ``covers`` were written (and recorded in sessions), and without a translation the
        documents show them in the fallback language.
        """
        if lang == self.fallback:
            return []
        return [(self.paths[k], k) for k, texts in self.by_key.items() if not texts.get(lang) and not optional(k)]


def optional(key: TextKey) -> bool:
    """Whether text ``key`` is shown only in the printed documents and the AAR/IP (overview texts such as the
    sponsor or the handling marking, a critical task's reference): a missing translation of one is not a
    missing text of the exercise."""
    return (key[0] == "exercise" and key[1] != "name") or (key[0] == "task" and key[-1] == "reference")


def _is_mapping_of_languages(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and LANGUAGE_CODE.match(k) for k in value)


_OVERVIEW = ("sponsor", "scope", "threat", "location", "point_of_contact", "handling")
"""The overview texts an AAR/IP and the printed documents show (``exercise.<field>``), translatable too."""


def _places(data: dict[str, Any]) -> list[tuple[FieldPath, TextKey]]:
    """Every translatable field of the raw exercise ``data``: its path and its stable key."""
    out: list[tuple[FieldPath, TextKey]] = [(("exercise", "name"), ("exercise", "name"))]
    out += [(("exercise", f), ("exercise", f)) for f in _OVERVIEW]
    ex = data.get("exercise")
    orgs = ex.get("organisations") if isinstance(ex, dict) else None
    for k, _ in enumerate(orgs if isinstance(orgs, list) else []):
        out.append((("exercise", "organisations", k), ("exercise", "organisations", str(k))))
    people = ex.get("evaluators") if isinstance(ex, dict) else None
    for k, person in enumerate(people if isinstance(people, list) else []):
        if isinstance(person, dict):
            out += [(("exercise", "evaluators", k, f), ("exercise", "evaluators", str(k), f)) for f in ("name", "organisation")]

    def items(name: str) -> list[tuple[int, dict[str, Any]]]:
        seq = data.get(name)
        return [(i, x) for i, x in enumerate(seq) if isinstance(x, dict)] if isinstance(seq, list) else []

    for i, o in items("objectives"):
        oid = str(o.get("id", i))
        out += [(("objectives", i, "text"), ("objective", oid, "text")),
                (("objectives", i, "capability_target"), ("objective", oid, "capability_target"))]
        tasks = o.get("critical_tasks")
        for j, t in enumerate(tasks if isinstance(tasks, list) else []):
            if isinstance(t, dict):
                tid = str(t.get("id", j))
                out += [(("objectives", i, "critical_tasks", j, "text"), ("task", tid, "text")),
                        (("objectives", i, "critical_tasks", j, "reference"), ("task", tid, "reference"))]
    for i, t in items("teams"):
        out.append((("teams", i, "name"), ("team", str(t.get("id", i)), "name")))
    for i, m in items("modules"):
        mid = str(m.get("id", i))
        out.append((("modules", i, "name"), ("module", mid, "name")))
        questions = m.get("questions")
        for j, _ in enumerate(questions if isinstance(questions, list) else []):
            out.append((("modules", i, "questions", j), ("module", mid, "question", str(j))))
    for i, inj in items("msel"):
        iid = str(inj.get("id", i))
        out += [(("msel", i, f), ("inject", iid, f)) for f in ("sender", "text", "notes")]
    names = data.get("names")
    if isinstance(names, dict):
        out += [(("names", k), ("name", str(k))) for k in names]
    return out


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _set(data: Any, path: FieldPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def split_texts(data: Any) -> tuple[Any, Texts, list[tuple[FieldPath, str]]]:
    """``(data with each multi-language text replaced by its fallback text, the translations, problems)``.

    A problem is ``(field path, rule)``: a mapping without the fallback language, a key that is not a
    language code, a translation that is not text. Plain strings are left as they are (the fallback
    language's text); they count as missing in any other language.
    """
    if not isinstance(data, dict):
        return data, Texts(), []
    problems: list[tuple[FieldPath, str]] = []
    langs = data.get("languages")
    fallback, covers = "en", ()
    if isinstance(langs, dict):
        fb = langs.get("fallback", "en")
        if isinstance(fb, str) and LANGUAGE_CODE.match(fb):
            fallback = fb
        cov = langs.get("covers")
        if isinstance(cov, list):
            covers = tuple(str(c) for c in cov)
    plain = copy.deepcopy(data)
    by_key: dict[TextKey, dict[str, str]] = {}
    paths: dict[TextKey, FieldPath] = {}
    for path, key in _places(data):
        value = _get(data, path)
        if value is None:
            continue
        if isinstance(value, str):
            by_key[key], paths[key] = {fallback: value}, path
            continue
        if not isinstance(value, dict):
            continue  # the schema reports the wrong type
        bad = [k for k in value if not (isinstance(k, str) and LANGUAGE_CODE.match(k))]
        # A problem is reported here, once; the schema then sees a text and says nothing more about it.
        stand_in = next((v for v in [value.get(fallback), *value.values()] if isinstance(v, str) and v.strip()), "-")
        if bad:
            problems.append((path, f"{bad[0]!r} is not a language code (write en, ar, fr ...: a text or a mapping "
                                   "of language to text)"))
            _set(plain, path, stand_in)
            continue
        wrong = [k for k, v in value.items() if not isinstance(v, str) or not v.strip()]
        if wrong:
            problems.append((path + (wrong[0],), "a translation must be a non-empty text"))
            _set(plain, path, stand_in)
            continue
        if fallback not in value:
            problems.append((path, f"has no text in the fallback language {fallback!r} (languages.fallback); "
                                   f"given: {', '.join(sorted(value))}"))
            _set(plain, path, stand_in)
            continue
        by_key[key], paths[key] = dict(value), path
        _set(plain, path, value[fallback])
    return plain, Texts(fallback=fallback, by_key=by_key, paths=paths, covers=covers), problems
