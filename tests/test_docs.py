"""Generated documentation stays true to the code."""

from __future__ import annotations

from pathlib import Path

from simsoft.docs import scenario_reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_reference_is_current():
    committed = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        "docs/scenario-reference.md is stale: run `python -m simsoft.docs > docs/scenario-reference.md`"
    )


def test_every_schema_field_has_a_docstring():
    from simsoft.docs import scenario_json_schema

    schema = scenario_json_schema()
    missing = []
    for name, model in [("Scenario", schema), *schema["$defs"].items()]:
        for key, prop in model.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{name}.{key}")
    assert not missing, missing


def test_readme_commands_name_real_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && simsoft run scenarios/community-hall-incident.yaml" in readme
    assert 'pip install ".[test,dask]" && python -m pytest' in readme
    assert 'pip install ".[test,dask]" && python -m pytest' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (ROOT / "scenarios" / "community-hall-incident.yaml").exists()
