"""Pydantic validation errors turned into problems a trainer can act on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from simsoft.errors import Problem
from simsoft.loader.yaml_io import Path, SourceMap, format_path
from simsoft.schema.messages import plain_rule as _rule

__all__ = ["problems_from_validation", "known_keys"]


def known_keys(*models: type[BaseModel]) -> set[str]:
    """Every field name (by alias) of ``models`` and the models they contain."""
    seen: set[type] = set()
    keys: set[str] = set()

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.add(tp)
            for name, info in tp.model_fields.items():
                keys.add(info.alias or name)
                visit_annotation(info.annotation)

    def visit_annotation(ann: Any) -> None:
        visit(ann)
        for arg in getattr(ann, "__args__", ()) or ():
            visit_annotation(arg)
        for meta in getattr(ann, "__metadata__", ()) or ():
            visit_annotation(meta)
        origin = getattr(ann, "__origin__", None)
        if origin is not None:
            visit_annotation(origin)

    for m in models:
        visit(m)
    return keys


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[Path, Any, bool]:
    """Follow ``loc`` through ``data``, skipping union tags pydantic inserts; return path, value, found."""
    path: list[str | int] = []
    value = data
    found = True
    for part in loc:
        if isinstance(value, dict) and isinstance(part, str) and part in value:
            path.append(part)
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            path.append(part)
            value = value[part]
        elif isinstance(value, dict) and isinstance(part, str) and not _looks_like_tag(part):
            path.append(part)  # a missing key
            found = False
            value = None
        # otherwise: a union tag such as 'lognormal' or 'list[...]'; skip it
    return tuple(path), value, found


def _looks_like_tag(part: str) -> bool:
    return "[" in part or "'" in part or part in _TAGS


_TAGS = {"lognormal", "uniform", "normal", "fixed", "alert", "evacuate", "shelter", "lockdown", "release", "close", "open",
         "str", "int", "float", "bool", "list", "dict"}


def problems_from_validation(
    exc: ValidationError,
    data: Any,
    sources: SourceMap,
    *,
    keys: set[str],
    prefix: Path = (),
    note: str = "",
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in the file, duplicates removed."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path, value, found = _walk(data, tuple(err["loc"]))
        if err["type"] == "union_tag_invalid":
            key = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            if key and isinstance(value, dict) and key in value:
                path, value = path + (key,), value[key]
        rule = _rule(err, keys, str(path[-1]) if path else None)
        shown = format_path(prefix + path) + note
        if (shown, rule) in seen:
            continue
        seen.add((shown, rule))
        file, line = sources.locate(prefix + path)
        has_value = found and err["type"] not in ("missing", "extra_forbidden") and not isinstance(value, (dict, list))
        problems.append(Problem(file=file, line=line, path=shown, rule=rule, value=value, has_value=has_value))
    return problems
