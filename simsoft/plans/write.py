"""Write an imported venue as YAML that :func:`simsoft.loader.validate_file` accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from simsoft.errors import ScenarioError
from simsoft.loader import validate_file
from simsoft.plans.report import PlanError, Report

__all__ = ["write_venue"]


class _Dumper(yaml.SafeDumper):
    pass


def _flow_small(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    # Points ([x, y]) and short lists inline, so that a polygon stays one line per zone.
    flow = all(not isinstance(v, (dict, list)) for v in data) or all(isinstance(v, list) and len(v) == 2 for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _flow_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = "polygon" not in data and all(not isinstance(v, dict) for v in data.values()) and "zones" not in data
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _flow_small)
_Dumper.add_representer(dict, _flow_dict)


def write_venue(venue: dict[str, Any], path: str | Path, *, source: str, report: Report | None = None) -> Path:
    """Write ``venue`` (``{"venue": ...}``) to ``path`` with a header naming its source plan, then validate it.

    Raises :class:`PlanError` if the written file does not validate (a bug of the import: it says so).
    """
    target = Path(path)
    warnings = [f for f in (report.findings if report else []) if f.severity == "warning"]
    head = [f"# Venue imported by `simsoft venue import` from {source}.",
            "# Areas, widths and lengths were measured on the plan; check them against the building",
            f"# (`simsoft venue check {target.as_posix()}` draws it) before using it in an exercise."]
    if warnings:
        head.append(f"# The import reported {len(warnings)} warning(s):")
        head += [f"#   {w.source}: {w.message}" for w in warnings]
    text = "\n".join(head) + "\n" + yaml.dump(venue, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    try:
        validate_file(target)
    except ScenarioError as exc:  # the import must never write what the loader refuses
        raise PlanError(source, f"the written venue {target} does not validate (please report this bug): {exc}") from None
    return target
