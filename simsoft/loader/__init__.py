"""Reading scenario files: safe YAML with lines, imports, schema validation, cross-checks, variants."""

from simsoft.loader.load import apply_variant, load_document, load_scenario, scenario_from_dict, validate_file

__all__ = ["apply_variant", "load_document", "load_scenario", "scenario_from_dict", "validate_file"]
