"""Reading the validation cases: case files, their scenarios, and the honesty checks.

Case files are package data (``simsoft/validation/cases/*.yaml``); each names its scenario file
(``cases/scenarios/<id>.yaml``). :func:`load_case` validates a case file (unknown keys refused, errors
with file and line), refuses a ``validation`` role on a figure that set a default
(:data:`~simsoft.validation.calibration.CALIBRATED`), loads the scenario and checks that every input the
case says comes from the incident record is a real path of that scenario.

>>> [c.spec.id for c in load_cases(only=["police-arrival"])]
['police-arrival']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simsoft.errors import Problem, ScenarioError
from simsoft.loader import known_keys, load_scenario, problems_from_validation, read_yaml
from simsoft.loader.variants import parse_override_path
from simsoft.schema import Scenario
from simsoft.validation.calibration import CALIBRATED
from simsoft.validation.spec import CaseSpec

__all__ = ["CASES_DIR", "Case", "load_case", "load_cases", "case_files"]

CASES_DIR = Path(__file__).resolve().parent / "cases"
"""Where the shipped case files live (package data, so ``simsoft validate-model`` works when installed)."""

_KEYS = known_keys(CaseSpec)


@dataclass(frozen=True)
class Case:
    """A loaded case: its spec, file and validated scenario."""

    spec: CaseSpec
    file: Path
    scenario: Scenario


def _resolve(data: Any, path: tuple[str | int, ...]) -> bool:
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return False
        elif not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def load_case(path: str | os.PathLike[str]) -> Case:
    """Load and check one case file and its scenario; every problem raises :class:`ScenarioError`."""
    doc = read_yaml(path)
    try:
        spec = CaseSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, doc.data, doc.sources, keys=_KEYS)) from None
    problems = []
    stem = Path(path).stem
    if spec.id != stem:
        file, line = doc.sources.locate(("id",))
        problems.append(Problem(file=file, line=line, path="id", rule=f"must be the file name {stem!r}", value=spec.id,
                                has_value=True))
    for i, c in enumerate(spec.comparisons):
        if c.role == "validation" and c.figure in CALIBRATED:
            file, line = doc.sources.locate(("comparisons", i, "role"))
            problems.append(Problem(file=file, line=line, path=f"comparisons[{i}].role", value=c.role, has_value=True,
                                    rule=f"figure {c.figure} set a default ({CALIBRATED[c.figure]}); it can only "
                                         "calibrate, never validate"))
    if problems:
        raise ScenarioError(problems)
    scenario = load_scenario(Path(path).parent / spec.scenario)
    data = scenario.model_dump(mode="json", by_alias=True)
    for group in ("from_record", "judgement"):
        for i, item in enumerate(getattr(spec.inputs, group)):
            try:
                ok = _resolve(data, parse_override_path(item.path))
            except ValueError:
                ok = False
            if not ok:
                file, line = doc.sources.locate(("inputs", group, i, "path"))
                problems.append(Problem(file=file, line=line, path=f"inputs.{group}[{i}].path", value=item.path,
                                        has_value=True, rule=f"is not a field of the scenario {spec.scenario}"))
    if problems:
        raise ScenarioError(problems)
    return Case(spec=spec, file=Path(path), scenario=scenario)


def case_files(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """The case files of ``directory`` (default :data:`CASES_DIR`), sorted by name."""
    folder = Path(directory) if directory is not None else CASES_DIR
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def load_cases(*, only: Iterable[str] | None = None, directory: str | os.PathLike[str] | None = None) -> list[Case]:
    """Load the cases (all, or the ids in ``only``), in file-name order."""
    files = case_files(directory)
    known = [p.stem for p in files]
    wanted = None if only is None else list(dict.fromkeys(only))
    if wanted is not None:
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise ScenarioError(f"unknown validation case {unknown[0]!r} (known: {', '.join(known)})")
        files = [p for p in files if p.stem in wanted]
    return [load_case(p) for p in files]
