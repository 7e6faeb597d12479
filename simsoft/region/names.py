"""Display names of a region's places in several languages: the region file's ``names:`` block.

The region file names its sites, hospitals, ambulance bases and police stations once (``name:``, the language
of the file); a file read by people of several languages gives each of them a name per language, the shape an
exercise's ``names:`` block has::

    languages:
      fallback: en          # the language of the file's own names; every mapping must have it
      covers: [en, ar, fr]  # optional: what the file claims to cover (checked at load)
    names:
      region: {en: Riverside City, fr: Riverside, ar: مدينة ريفرسايد}
      station: {en: Central Station, fr: Gare centrale, ar: المحطة المركزية}

A key is a site, hospital, ambulance base, police station or coordination team id, or one of
:data:`OWN_NAMES` (``region``: the region's name, ``coordination``: the coordination centre's). The run never
reads these names (records and metrics keep ids); the facilitator's pages, console, figures and documents show
them in the reader's language (:func:`region_names`), and a session started in a language the block does
not cover is refused with :func:`missing_names` (file, line and field of each name without a translation).

>>> from simsoft.region.schema import Region
>>> r = Region.model_validate({"name": "City", "sites": [{"id": "a", "scenario": "x", "location": {"node": "n"}}],
...     "roads": {"nodes": [{"id": "n", "x_km": 0, "y_km": 0}]}, "names": {"a": {"en": "Station", "fr": "Gare"}}})
>>> region_names(r, "fr")["a"], region_names(r, "ar")["a"], missing_names(r, "ar")
('Gare', 'Station', [('names', 'region'), ('names', 'a')])
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simsoft.region.schema import Region

__all__ = ["OWN_NAMES", "LANGUAGE_CODE", "region_names", "names_by_language", "missing_names", "check_names", "name_keys"]

OWN_NAMES = ("region", "coordination")
"""Keys of ``names:`` that name no place: the region itself (``name``) and its coordination centre
(``coordination.name``)."""

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
"""A language as a mapping's key: an ISO 639 code (``en``, ``ar``, ``fr``)."""


def _fallback(region: "Region") -> str:
    return region.languages.fallback if region.languages is not None else "en"


def name_keys(region: "Region") -> dict[str, str | None]:
    """``{key: the file's own name}`` of everything ``names:`` may name (the file's name may be ``None``)."""
    out: dict[str, str | None] = {"region": region.name}
    for s in region.sites:
        out[s.id] = s.name
    for h in region.hospitals:
        out[h.id] = h.name
    for b in [*region.ambulance_bases, *region.police]:
        out[b.id] = b.name
    if region.coordination is not None:
        out["coordination"] = region.coordination.name
        for t in region.coordination.teams:
            out.setdefault(t.id, t.name)
    return out


def region_names(region: "Region", lang: str) -> dict[str, str]:
    """``{key: name in lang}`` for every key of :func:`name_keys` that has a name: the ``names:`` text in ``lang``,
    else in the fallback language, else the file's own name."""
    out: dict[str, str] = {}
    fallback = _fallback(region)
    for key, own in name_keys(region).items():
        given = region.names.get(key)
        if isinstance(given, dict):
            said = given.get(lang) or given.get(fallback) or own
        else:
            said = given if isinstance(given, str) and lang == fallback else own
        if said:
            out[key] = said
    return out


def names_by_language(region: "Region", ident: str) -> tuple[tuple[str, str], ...]:
    """``((lang, name), ...)`` of ``ident`` in every language ``names:`` gives (sorted; empty without a ``names:``
    mapping): what a language-neutral line carries to be said in any of them."""
    langs = sorted({lang for given in region.names.values() if isinstance(given, dict) for lang in given})
    return tuple((lang, said) for lang in langs if (said := region_names(region, lang).get(ident)))


def missing_names(region: "Region", lang: str) -> list[tuple[str, str]]:
    """``("names", key)`` of every place without a name in ``lang``: none for the fallback language, nor for a file
    in one language (no ``names:`` and no ``languages:``); else every key of ``names:`` without a ``lang`` text
    and every named place the block leaves out (it would show in the fallback language)."""
    if lang == _fallback(region) or (not region.names and region.languages is None):
        return []
    out = []
    for key, own in name_keys(region).items():
        given = region.names.get(key)
        if isinstance(given, dict) and isinstance(given.get(lang), str) and given[lang].strip():
            continue
        if given is None and own is None and key not in {s.id for s in region.sites}:
            continue  # nothing shown by a name (a base without one shows its id)
        out.append(("names", key))
    return out


def check_names(region: "Region") -> list[tuple[tuple[Any, ...], object, str]]:
    """``(field path, value, rule)`` of every problem of ``names:`` and ``languages:`` (every one at once)."""
    out: list[tuple[tuple[Any, ...], object, str]] = []
    fallback = _fallback(region)
    known = name_keys(region)
    langs = region.languages
    for i, code in enumerate([fallback, *(langs.covers if langs is not None else [])]):
        if not LANGUAGE_CODE.match(code):
            path = ("languages", "fallback") if i == 0 else ("languages", "covers", i - 1)
            out.append((path, code, "is not a language code (en, ar, fr ...)"))
    for key, given in region.names.items():
        path: tuple[Any, ...] = ("names", key)
        if key not in known:
            ids = ", ".join(sorted(k for k in known if k not in OWN_NAMES)[:12])
            out.append((path, key, f"is not a site, hospital, ambulance base, police station or coordination team of "
                                   f"the region, nor region or coordination (ids: {ids})"))
            continue
        if isinstance(given, str):
            if not given.strip():
                out.append((path, given, "a name must be a non-empty text"))
            continue
        bad = [k for k in given if not LANGUAGE_CODE.match(k)]
        if bad:
            out.append((path + (bad[0],), bad[0], "is not a language code (write en, ar, fr ...: a text or a mapping "
                                                  "of language to text)"))
            continue
        empty = [k for k, v in given.items() if not v.strip()]
        if empty:
            out.append((path + (empty[0],), given[empty[0]], "a translation must be a non-empty text"))
            continue
        if fallback not in given:
            out.append((path, ", ".join(sorted(given)), f"has no text in the fallback language {fallback!r} "
                                                        "(languages.fallback)"))
    if langs is not None:
        for lang in langs.covers:
            for path in missing_names(region, lang):
                out.append((path, path[1], f"has no {lang!r} name, but languages.covers lists {lang!r}"))
    return out
