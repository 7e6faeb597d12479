"""The common refusals of a decision, said in the reader's language.

A refused decision is a :class:`facilitator.exercise.decisions.DecisionError` whose English text is what files,
the journal and the English console always showed. The common ones (an unknown verb or parameter, a missing
parameter, an unknown zone, door, unit, hospital or site, a number that is not finite, a word that is not
``key=value``) also carry what they say as a catalog message and its values (:func:`attach`), so that the French
and Arabic consoles and pages say them in their language (:func:`say`) instead of
``refusé : close: unknown parameter ...``. Ids, verbs and parameter names stay as typed: they are what the
reader types back.

>>> from facilitator.i18n import translator
>>> exc = attach(ValueError("close: unknown parameter 'door' (parameters: connection)"), UNKNOWN_PARAMETER,
...              verb="close", name="'door'", names="connection")
>>> say(exc, translator("en")) == str(exc), say(exc, translator("fr"))
(True, "close : paramètre inconnu 'door' (paramètres : connection)")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from facilitator.i18n import N_, Translator

__all__ = ["Said", "attach", "say", "UNKNOWN_ACTION", "UNKNOWN_REGIONAL_ACTION", "UNKNOWN_PARAMETER",
           "MISSING_PARAMETER", "UNKNOWN_PLACE", "NOT_FINITE", "KEY_VALUE", "PLACE_WORDS"]

UNKNOWN_ACTION = N_("unknown action %(verb)s (known: %(known)s)")
UNKNOWN_REGIONAL_ACTION = N_("unknown regional action %(verb)s (known: %(known)s)")
UNKNOWN_PARAMETER = N_("%(verb)s: unknown parameter %(name)s (parameters: %(names)s)")
MISSING_PARAMETER = N_("%(verb)s: %(name)s is missing: add %(name)s=...%(choices)s")
UNKNOWN_PLACE = N_("%(verb)s: unknown %(what)s %(value)s%(choices)s")
NOT_FINITE = N_("%(verb)s: %(name)s must be a finite number")
KEY_VALUE = N_("%(verb)s: %(word)s must be written key=value (parameters: %(names)s)")
CHOICES = N_(" (choices: %(values)s)")

PLACE_WORDS = {"connection": N_("door or passage"), "exit": N_("exit"), "zone": N_("zone"), "unit": N_("unit"),
               "hospital": N_("hospital"), "site": N_("site")}
"""What an unknown name was meant to be (``what`` of :data:`UNKNOWN_PLACE`), said through the catalog."""

E = TypeVar("E", bound=BaseException)


@dataclass(frozen=True)
class Said:
    """A refusal as a catalog message: ``msgid``, its ``values``, the ``words`` among them said through the catalog
    too, and ``where`` (the decision's place in its file) before it as it is."""

    msgid: str
    values: dict[str, Any] = field(default_factory=dict)
    words: tuple[str, ...] = ()
    where: str = ""


def attach(exc: E, msgid: str, *, where: str = "", words: tuple[str, ...] = (), **values: Any) -> E:
    """``exc`` (its English text unchanged) with ``msgid`` and ``values`` to say it in another language; a tuple
    ``choices`` is the list of valid ids, said after the message (nothing when empty)."""
    exc.said = Said(msgid, dict(values), words, where)  # type: ignore[attr-defined]
    return exc


def say(exc: BaseException, tr: Translator) -> str:
    """``exc``'s text in ``tr``'s language: its :class:`Said` through the catalog, else (and in English) as it is."""
    said: Said | None = getattr(exc, "said", None)
    if said is None or tr.lang == "en":
        return str(exc)
    values = {k: tr.gettext(v) if k in said.words else v for k, v in said.values.items()}
    if isinstance(values.get("choices"), tuple):
        values["choices"] = tr.gettext(CHOICES, values=", ".join(values["choices"])) if values["choices"] else ""
    return said.where + tr.gettext(said.msgid, **values)
