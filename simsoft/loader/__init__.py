"""Reading scenario files: safe YAML with lines, imports, schema validation, cross-checks, variants.

Besides scenarios, the loader's building blocks are public so that plug-ins (the facilitator's
exercise files) read their own YAML with the same guarantees and message format:
:func:`read_yaml` (safe YAML with line numbers), :func:`format_path` (``a.b[2].c``),
:func:`problems_from_validation` and :func:`known_keys` (pydantic errors as located problems).
"""

from simsoft.loader.load import (apply_variant, load_document, load_scenario, scenario_from_dict, script_overrides,
                                 validate_file, with_overrides)
from simsoft.loader.messages import known_keys, problems_from_validation
from simsoft.loader.yaml_io import Document, SourceMap, format_path, read_file_bytes, read_yaml
from simsoft.loader.yaml_io import Path as FieldPath

__all__ = [
    "Document",
    "FieldPath",
    "SourceMap",
    "apply_variant",
    "format_path",
    "known_keys",
    "load_document",
    "load_scenario",
    "problems_from_validation",
    "read_file_bytes",
    "read_yaml",
    "scenario_from_dict",
    "script_overrides",
    "validate_file",
    "with_overrides",
]
