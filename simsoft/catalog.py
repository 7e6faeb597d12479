"""The shipped scenarios and their one-line descriptions (``simsoft scenarios``).

A small tool module at the top level: it only lists what :mod:`simsoft.loader` loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simsoft.errors import ScenarioError

__all__ = ["CatalogEntry", "list_scenarios"]


@dataclass(frozen=True)
class CatalogEntry:
    """A scenario file found in a folder."""

    path: str
    name: str
    description: str
    ok: bool


def list_scenarios(folder: str | Path) -> list[CatalogEntry]:
    """Every ``*.yaml`` scenario directly in ``folder`` (venue files in sub-folders are skipped)."""
    from simsoft.loader import load_scenario

    out = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            out.append(CatalogEntry(path.as_posix(), path.stem, str(exc.problems[0]), False))
            continue
        out.append(CatalogEntry(path.as_posix(), s.name, s.description or s.name, True))
    return out
