"""Named variants: overrides of a base scenario by field path.

``venue.connections[2].width_m: 2.0`` sets one value; the path must exist in the base scenario
except for its last key, which may add an optional field the base leaves out.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from simsoft.errors import ScenarioError

__all__ = ["parse_override_path", "apply_overrides"]

_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
_FULL = re.compile(rf"^{_NAME}(\[\d+\])*(\.{_NAME}(\[\d+\])*)*$")
_TOKEN = re.compile(rf"({_NAME})|\[(\d+)\]")


def parse_override_path(text: str) -> tuple[str | int, ...]:
    """``'a.b[2].c'`` -> ``('a', 'b', 2, 'c')``; raises ``ValueError`` on a malformed path."""
    text = text.strip()
    if not _FULL.match(text):
        raise ValueError("is not a field path like 'venue.connections[2].width_m'")
    return tuple(m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _TOKEN.finditer(text))


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with each ``path: value`` of ``overrides`` set.

    Raises ``KeyError``/``IndexError``/``ValueError`` with a message naming the override path.
    """
    out = copy.deepcopy(data)
    for text, value in overrides.items():
        path = parse_override_path(text)
        node: Any = out
        for depth, part in enumerate(path[:-1]):
            nxt = path[depth + 1]
            if isinstance(part, int):
                if not isinstance(node, list) or not 0 <= part < len(node):
                    size = len(node) if isinstance(node, list) else 0
                    raise IndexError(f"index [{part}] is out of range ({size} items)")
                node = node[part]
            else:
                if not isinstance(node, dict):
                    raise KeyError(f"{part!r} is not a mapping here")
                if part not in node:
                    if isinstance(nxt, int):
                        raise KeyError(f"{part!r} is not in the base scenario")
                    node[part] = {}
                node = node[part]
        last = path[-1]
        if isinstance(last, int):
            if not isinstance(node, list) or not 0 <= last < len(node):
                size = len(node) if isinstance(node, list) else 0
                raise IndexError(f"index [{last}] is out of range ({size} items)")
        elif not isinstance(node, dict):
            raise KeyError(f"{last!r} cannot be set here (not a mapping)")
        node[last] = copy.deepcopy(value)
    return out


def variant_error(file: str | None, line: int | None, name: str, key: str, message: str) -> ScenarioError:
    """The error for an override that cannot be applied."""
    from simsoft.errors import Problem

    return ScenarioError(Problem(file=file, line=line, path=f"variants.{name}.set.{key}", rule=message))
