"""Where a DXF drawing says which floor an entity is on: labels, a layer-name convention, a block attribute.

Three sources, combined with ``--level-from`` (comma separated; default ``label,attribute``):

- ``label``: a ``level: 1`` line in a room's label (always read);
- ``layer`` or ``layer:TOKEN``: the layer name carries the level, ``TOKEN`` being its text with
  ``{level}`` where the number goes, at the end or the start of the name. ``layer`` alone is
  ``layer:-L{level}`` (``A-AREA-L1``, ``A-AREA-HALL-L2``, ``A-DOOR-L-1``: the US National CAD Standard
  puts a floor in a layer's last, user-defined field); ``layer:L{level}-`` reads ``L1-A-AREA``. The
  rest of the name (``A-AREA-HALL``) then says the role as usual;
- ``attribute`` or ``attribute:TAG``: a floor drawn as a block and inserted into the plan (one INSERT
  per floor, as a bound xref is) whose attribute ``TAG`` (default ``LEVEL``) holds the level; what the
  block draws is read on that level.

>>> rule = LevelRule.parse("layer")
>>> rule.split("A-AREA-HALL-L2"), rule.split("A-DOOR-L-1"), rule.split("A-AREA")
(('A-AREA-HALL', 2), ('A-DOOR', -1), ('A-AREA', None))
>>> LevelRule.parse("layer:L{level}-").split("L1-A-AREA")
('A-AREA', 1)
>>> LevelRule.parse("label").split("A-AREA-L1")
('A-AREA-L1', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LevelRule", "DEFAULT_LAYER_TOKEN", "DEFAULT_ATTRIBUTE"]

DEFAULT_LAYER_TOKEN = "-L{level}"
"""The floor as the layer name's last field (``A-AREA-L1``): the NCS/AIA layer format's optional user-defined
field after the modifiers (US National CAD Standard v6, Uniform Drawing System module 2, layer guidelines)."""
DEFAULT_ATTRIBUTE = "LEVEL"
"""Attribute tag of a floor block insert that holds its level."""
_SOURCES = ("label", "layer", "attribute")


@dataclass(frozen=True)
class LevelRule:
    """How levels are read: a layer token (or None) and a block attribute tag (or None); labels always."""

    layer_token: str | None = None
    attribute: str | None = DEFAULT_ATTRIBUTE

    @classmethod
    def parse(cls, text: str | None) -> LevelRule:
        """``"label,layer:-L{level},attribute:FLOOR"`` -> :class:`LevelRule` (``None``: labels and ``LEVEL`` attributes)."""
        if not text:
            return cls()
        token: str | None = None
        attribute: str | None = None
        for part in (p.strip() for p in text.split(",")):
            source, sep, arg = part.partition(":")
            source = source.strip().lower()
            if source not in _SOURCES or (sep and not arg.strip()) or (source == "label" and sep):
                raise ValueError(f"--level-from {part!r}: write label, layer, layer:TOKEN (TOKEN holding {{level}}, "
                                 "e.g. layer:-L{level}), attribute or attribute:TAG, separated by commas")
            if source == "layer":
                token = arg.strip() if sep else DEFAULT_LAYER_TOKEN
                if token.count("{level}") != 1 or token == "{level}":
                    raise ValueError(f"--level-from {part!r}: the layer TOKEN must hold {{level}} once, with text "
                                     "around it (e.g. -L{level} or L{level}-)")
            elif source == "attribute":
                attribute = (arg.strip() if sep else DEFAULT_ATTRIBUTE).upper()
        return cls(layer_token=token, attribute=attribute)

    def _patterns(self) -> list[re.Pattern[str]]:
        assert self.layer_token is not None
        before, _, after = self.layer_token.upper().partition("{LEVEL}")
        level = r"(?P<level>-?\d+)"
        return [re.compile(rf"^(?P<rest>.+?){re.escape(before)}{level}{re.escape(after)}$"),
                re.compile(rf"^{re.escape(before)}{level}{re.escape(after)}(?P<rest>.+)$")]

    def split(self, layer: str) -> tuple[str, int | None]:
        """The layer name without its level token, and the level it names (None when it names none)."""
        if self.layer_token is None:
            return layer, None
        for pattern in self._patterns():
            m = pattern.match(layer.upper())
            if m:
                return layer[m.start("rest"):m.end("rest")], int(m.group("level"))
        return layer, None

    def describe(self) -> str:
        """The rule in words, for the import report."""
        parts = ["room labels"]
        if self.layer_token:
            parts.append(f"layer names ({self.layer_token})")
        if self.attribute:
            parts.append(f"floor block attribute {self.attribute}")
        return ", ".join(parts)
