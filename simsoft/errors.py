"""Errors a user can cause, with the place they come from.

Every problem in a scenario file is a :class:`Problem` (file, line, field path, bad value, rule).
A :class:`ScenarioError` carries all the problems of one load, so a trainer fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SimsoftError", "ScenarioError", "Problem", "ActionError"]


class SimsoftError(Exception):
    """Base class of every error a user can cause (the CLI prints it as one red line)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file.

    Rendered as ``file:line path: value rule``, e.g.
    ``scenarios/hall.yaml:12 venue.connections[2].width_m: -1.0 must be > 0``.
    """

    file: str | None
    line: int | None
    path: str
    rule: str
    value: Any = None
    has_value: bool = False

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        head = " ".join(p for p in (where, self.path) if p)
        value = f"{_short(self.value)} " if self.has_value else ""
        return f"{head}: {value}{self.rule}" if head else f"{value}{self.rule}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ScenarioError(SimsoftError):
    """A scenario (or venue) file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file=None, line=None, path="", rule=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems:\n" + "\n".join(f"  {line}" for line in lines)


class ActionError(SimsoftError):
    """An action the engine cannot apply (unknown zone, exit or connection, bad time)."""
