"""What a plan import inferred and what it could not, each finding with the entity it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from simsoft.errors import SimsoftError

__all__ = ["Finding", "Report", "PlanError", "INFERRED", "WARNING", "ERROR"]

INFERRED = "inferred"
"""A value the import derived (an area from a polygon, a width from a door line): check it."""
WARNING = "warning"
"""Something left out or suspicious (a door touching one room inside the building, overlapping rooms)."""
ERROR = "error"
"""Something that stops the import (an open room outline, a door between nothing, wrong units)."""


@dataclass(frozen=True)
class Finding:
    """One line of the import report: severity, source entity (``layer A-DOOR handle 2F``, ``feature n12``), message."""

    severity: str
    source: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{self.severity}: {where}{self.message}"


@dataclass
class Report:
    """The findings of one import, in the order they were made."""

    file: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: str, source: str, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(severity, source, message))

    def of(self, severity: str) -> list[Finding]:
        """The findings of one severity."""
        return [f for f in self.findings if f.severity == severity]

    def raise_errors(self) -> None:
        """Raise :class:`PlanError` listing every error so far (nothing when there is none)."""
        errors = self.of(ERROR)
        if errors:
            raise PlanError(self.file, errors)

    def lines(self) -> list[str]:
        """Every finding as ``file: severity: source: message``."""
        return [f"{self.file}: {f}" for f in self.findings]


class PlanError(SimsoftError):
    """A floor plan that cannot become a venue; the message lists every error with its source entity."""

    def __init__(self, file: str, errors: list[Finding] | str) -> None:
        if isinstance(errors, str):
            errors = [Finding(ERROR, "", errors)]
        self.file = file
        self.errors = list(errors)
        lines = [f"{file}: {f.source + ': ' if f.source else ''}{f.message}" for f in self.errors]
        text = lines[0] if len(lines) == 1 else f"{len(lines)} problems in the plan:\n" + "\n".join(f"  {x}" for x in lines)
        super().__init__(text)
