"""``load_scenario``: parse, fill defaults, cross-check, and validate every variant, all at the door."""

from __future__ import annotations

import os
from typing import Any

from pydantic import ValidationError

from simsoft.errors import Problem, ScenarioError
from simsoft.loader.compose import compose
from simsoft.loader.crossref import cross_check, raw_references
from simsoft.loader.messages import known_keys, problems_from_validation
from simsoft.loader.variants import apply_overrides, parse_override_path
from simsoft.loader.yaml_io import Document, SourceMap
from simsoft.schema import Scenario, Venue
from simsoft.schema.common import FROM_FILE

__all__ = ["load_scenario", "load_document", "apply_variant", "validate_file", "scenario_from_dict", "with_overrides",
           "script_overrides"]

_KEYS = known_keys(Scenario)


def load_document(path: str | os.PathLike[str]) -> Document:
    """The merged raw document of ``path`` (imports resolved), with source lines."""
    return compose(path)


def _validate(data: Any, sources: SourceMap, *, note: str = "") -> tuple[Scenario | None, list[Problem]]:
    try:
        scenario = Scenario.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data, sources, keys=_KEYS, note=note)
        if not note:  # a variant's references are checked once the base scenario is sound
            problems += raw_references(data, sources, skip={p.path for p in problems})
        return None, problems
    return scenario, cross_check(scenario, sources, note=note)


def _check_variants(doc: Document, scenario: Scenario) -> list[Problem]:
    problems: list[Problem] = []
    base = {k: v for k, v in doc.data.items() if k != "variants"}
    for name in sorted(scenario.variants):
        variant = scenario.variants[name]
        scope = _out_of_scope(doc, name, variant)
        if scope:
            problems.extend(scope)
            continue
        sources = SourceMap(dict(doc.sources.places))
        try:
            data = apply_overrides(base, variant.set)
        except (KeyError, IndexError, ValueError) as exc:
            for key in variant.set:
                try:
                    apply_overrides(base, {key: variant.set[key]})
                except (KeyError, IndexError, ValueError) as one:
                    file, line = doc.sources.locate(("variants", name, "set", key))
                    msg = one.args[0] if one.args else str(exc)
                    problems.append(Problem(file=file, line=line, path=f"variants.{name}.set.{key}", rule=str(msg)))
            continue
        for key in variant.set:
            file, line = doc.sources.locate(("variants", name, "set", key))
            sources.replace_under(parse_override_path(key), file or doc.file, line or 1)
        _, found = _validate(data, sources, note=f" (variant {name})")
        problems.extend(found)
    return problems


_SCRIPT_RULE = ("a variant may not change the incident script (its kind, start, zones, timing or end): "
                "variants compare protective measures and response decisions, never threats")


def _out_of_scope(doc: Document, name: str, variant: Any) -> list[Problem]:
    """Overrides that would turn a variant into a different incident (the scope guard)."""
    problems = []
    for key, rule in script_overrides(variant.set, load_sensitivity=variant.load_sensitivity):
        file, line = doc.sources.locate(("variants", name, "set", key))
        problems.append(Problem(file=file, line=line, path=f"variants.{name}.set.{key}", rule=rule))
    return problems


def script_overrides(keys: Any, *, load_sensitivity: bool = False) -> list[tuple[str, str]]:
    """``(key, rule)`` for each override path in ``keys`` that the scope guard of variants refuses.

    A variant may change protective measures and the response, never the incident's script; changing its
    casualty intensity is allowed only as a marked load sensitivity. Regions apply the same guard to the
    overrides of each site (:mod:`simsoft.region.loader`).

    >>> script_overrides(["incident.starts_at", "response.security.stewards"])[0][0]
    'incident.starts_at'
    """
    out = []
    for key in keys:
        try:
            path = parse_override_path(key)
        except ValueError:
            continue  # reported with the other override problems
        if path[0] != "incident":
            continue
        if len(path) >= 2 and path[1] == "access_control":
            continue  # keeping the incident out of zones is a protective measure
        if len(path) >= 2 and path[1] == "intensity":
            if not load_sensitivity:
                out.append((key, "changing the casualty intensity is a load sensitivity, not a protective measure: "
                                 "mark the variant with 'load_sensitivity: true' if that is what it tests"))
            continue
        out.append((key, _SCRIPT_RULE))
    return out


_OTHER_FILES = (
    (("msel",), "is an exercise file, not a scenario: start a session with `simsoft exercise start {file}`"),
    (("ratings", "improvement_plan", "findings"), "is an evaluation file, not a scenario: use "
                                                  "`simsoft exercise evaluate SESSION --from {file}`"),
    (("feedback", "teams"), "is a hot-wash file, not a scenario: use `simsoft exercise hotwash SESSION --from {file}`"),
    (("sites", "roads"), "is a region file, not a scenario: use `simsoft region validate {file}` or `simsoft region run {file}`"),
    (("decisions",), "is a scripted decision set, not a scenario: play it with "
                     "`simsoft exercise start EXERCISE.yaml --decisions {file}`"),
)
"""Top-level keys of the facilitator's files, and what to do with such a file instead (first match wins:
evaluation and hot-wash files may name the ``decisions`` set they were written for)."""


def _not_a_scenario(doc: Document) -> Problem | None:
    """A clear pointer when the file is one of the exercise files rather than a scenario."""
    data = doc.data
    if not isinstance(data, dict) or "venue" in data:
        return None
    for keys, rule in _OTHER_FILES:
        if any(k in data for k in keys):
            return Problem(file=doc.file, line=1, path="", rule=rule.format(file=doc.file))
    return None


def scenario_from_document(doc: Document) -> Scenario:
    """Validate a merged document into a :class:`Scenario`, raising every problem at once."""
    other = _not_a_scenario(doc)
    if other is not None:
        raise ScenarioError([other])
    scenario, problems = _validate(doc.data, doc.sources)
    if scenario is not None and not problems:
        problems = _check_variants(doc, scenario)
    if problems:
        raise ScenarioError(problems)
    assert scenario is not None
    scenario._source = doc.file
    return scenario


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, validate and cross-check the scenario file at ``path`` (imports and variants included).

    Raises :class:`~simsoft.errors.ScenarioError` listing every problem with file, line, field path,
    bad value and rule. Nothing is run on an invalid file.
    """
    return scenario_from_document(load_document(path))


def scenario_from_dict(data: dict[str, Any], *, name: str = "<dict>") -> Scenario:
    """Validate a scenario given as a Python dict in file form (durations with units)."""
    return scenario_from_document(Document(file=name, data=data, sources=SourceMap({(): (name, 1)})))


_FRAGMENT_KEYS = {"venue", "name", "description", "import"}


def validate_file(path: str | os.PathLike[str]) -> str:
    """Validate a scenario file, or a venue file meant to be imported; return what it is.

    Returns ``"scenario"`` or ``"venue"``; raises :class:`ScenarioError` on problems.
    """
    doc = load_document(path)
    if isinstance(doc.data, dict) and "venue" in doc.data and set(doc.data) <= _FRAGMENT_KEYS and "population" not in doc.data:
        data = doc.data.get("venue")
        try:
            Venue.model_validate(data, context=FROM_FILE)
        except ValidationError as exc:
            raise ScenarioError(
                problems_from_validation(exc, data, doc.sources, keys=known_keys(Venue) | _FRAGMENT_KEYS, prefix=("venue",))
            ) from None
        return "venue"
    scenario_from_document(doc)
    return "scenario"


def apply_variant(scenario: Scenario, name: str) -> Scenario:
    """``scenario`` with the overrides of its variant ``name`` applied and validated."""
    if name not in scenario.variants:
        known = ", ".join(sorted(scenario.variants)) or "none"
        raise ScenarioError(f"unknown variant {name!r} of scenario {scenario.name!r} (variants: {known})")
    data = scenario.model_dump(mode="json", by_alias=True)
    data.pop("variants", None)
    data = apply_overrides(data, scenario.variants[name].set)
    data["variants"] = {}
    try:
        resolved = Scenario.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, SourceMap(), keys=_KEYS, note=f" (variant {name})")) from None
    resolved._source = scenario._source
    return resolved


def with_overrides(scenario: Scenario, overrides: dict[str, Any], *, note: str = "") -> Scenario:
    """``scenario`` with ``overrides`` (``set:`` paths, file-form values) applied and validated.

    Used for sampled parameter values (:mod:`simsoft.experiments.uncertainty`); a path under
    ``incident`` is refused (the incident is a scripted input, never sampled).
    """
    for key in overrides:
        if parse_override_path(key)[0] == "incident":
            raise ScenarioError(f"{key}: the incident is a scripted input and is never sampled{note}")
    data = scenario.model_dump(mode="json", by_alias=True)
    variants = data.pop("variants", {})
    try:
        data = apply_overrides(data, overrides)
    except (KeyError, IndexError, ValueError) as exc:
        raise ScenarioError(f"cannot apply parameter overrides{note}: {exc}") from None
    data["variants"] = variants
    try:
        resolved = Scenario.model_validate(data, context=FROM_FILE)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, SourceMap(), keys=_KEYS, note=note)) from None
    resolved._source = scenario._source
    return resolved
