"""Inject text templates: the ``{placeholders}`` an inject may use, checked at load and filled at release.

An inject's text may quote live values of the world (``{inside}`` people still inside at ``{t}``);
:func:`placeholder_names` lists them for a scenario, :func:`template_problem` says why a text
cannot be rendered (the loader reports it at the door), and :func:`render` fills a text from the
values of :func:`facilitator.conduct.sitrep.live_values`.

>>> render("{inside} still inside at {t}", {"inside": 12, "t": "3 min"})
'12 still inside at 3 min'
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from simsoft.schema import Scenario

__all__ = ["placeholder_names", "template_problem", "render"]

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


def template_problem(text: str, names: Sequence[str]) -> str | None:
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


def render(text: str, values: Mapping[str, Any]) -> str:
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
            spec = "" if spec and _spec_problem(name, spec) else spec
            out.append(format(_convert(values[name], conversion), spec or ""))
    return "".join(out)
