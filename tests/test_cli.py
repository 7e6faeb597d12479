"""The command line through click's CliRunner: exit codes, messages, run folders, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from simsoft.cli import cli

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "community-hall.yaml"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _run_folder(out: Path) -> Path:
    (folder,) = [p for p in (out / "community-hall-evacuation-drill").iterdir()]
    return folder


def test_run_writes_a_complete_run_folder(tmp_path):
    result = invoke("run", str(HALL), "--seed", "7", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "95 % out" in result.output and "run folder" in result.output
    folder = _run_folder(tmp_path)
    assert folder.name.endswith("-s7")
    assert sorted(p.name for p in folder.iterdir()) == [
        "evacuation.png", "events.jsonl", "manifest.yaml", "metrics.json", "report.html", "report.md",
        "timeline.png", "timeseries.csv", "venue-density.png",
    ]
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text())
    assert manifest["seed"] == 7 and manifest["variant"] is None
    assert manifest["schema_version"] == "1" and manifest["simsoft_version"]
    assert manifest["scenario"]["venue"]["zones"][0]["id"] == "main_hall"
    assert manifest["scenario"]["population"]["pre_movement"]["median"] == "45 s"
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["run.population"] == 450
    first = json.loads((folder / "events.jsonl").read_text().splitlines()[0])
    assert first["kind"] == "run.start" and first["values"]["seed"] == 7
    assert (folder / "timeseries.csv").read_text().startswith("t_s,quantity,subject,value\n")


def test_same_seed_gives_byte_identical_outputs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke("run", str(HALL), "--seed", "11", "--out", str(a)).exit_code == 0
    assert invoke("run", str(HALL), "--seed", "11", "--out", str(b)).exit_code == 0
    fa, fb = _run_folder(a), _run_folder(b)
    for name in ("events.jsonl", "metrics.json", "timeseries.csv"):
        assert (fa / name).read_bytes() == (fb / name).read_bytes(), name


def test_other_seed_changes_the_events(tmp_path):
    assert invoke("run", str(HALL), "--seed", "1", "--out", str(tmp_path / "a")).exit_code == 0
    assert invoke("run", str(HALL), "--seed", "2", "--out", str(tmp_path / "b")).exit_code == 0
    ea = (_run_folder(tmp_path / "a") / "events.jsonl").read_bytes()
    eb = (_run_folder(tmp_path / "b") / "events.jsonl").read_bytes()
    assert ea != eb


def test_variant_run_is_named_and_recorded(tmp_path):
    result = invoke("run", str(HALL), "--variant", "wider_rear_exit", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    folder = _run_folder(tmp_path)
    assert folder.name.endswith("-wider_rear_exit")
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text())
    assert manifest["variant"] == "wider_rear_exit"
    assert manifest["scenario"]["venue"]["connections"][7]["width_m"] == 2.0


def test_unknown_variant_is_one_red_line(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(HALL), "--variant", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: unknown variant 'nope' of scenario 'Community hall evacuation drill' "
        "(variants: front_door_blocked, staff_direct_to_all_exits, wider_rear_exit)"
    ]
    assert not (tmp_path / "community-hall-evacuation-drill").exists() or not any((tmp_path / "community-hall-evacuation-drill").iterdir())


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["--debug", "run", str(HALL), "--variant", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is not None and type(result.exception).__name__ == "ScenarioError"


def test_validate_ok_and_bad(tmp_path):
    ok = invoke("validate", str(HALL), str(ROOT / "scenarios" / "venues" / "community-hall.yaml"))
    assert ok.exit_code == 0 and "(scenario)" in ok.output and "(venue)" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(HALL.read_text().replace("import:\n  - venues/community-hall.yaml\n", ""))
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "venue: is required" in result.output
    assert "error: 1 of 1 file(s) invalid" in result.output


def test_run_on_a_missing_file_is_a_user_error(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "nope.yaml: file not found" in result.output
    assert "Traceback" not in result.output


def test_schema_is_json_schema_with_docs():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["additionalProperties"] is False
    zone = schema["$defs"]["Zone"]["properties"]
    assert "square metres" in zone["area_m2"]["description"]
    assert schema["$defs"]["EgressSettings"]["properties"]["time_step"]["default"] == "1 s"


def test_scenarios_lists_shipped_ones():
    result = invoke("scenarios", str(ROOT / "scenarios"))
    assert result.exit_code == 0
    assert "community-hall.yaml" in result.output and "evening gathering" in result.output


def test_new_writes_a_valid_starter(tmp_path):
    result = invoke("new", "Riverside Mosque", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "riverside-mosque.yaml"
    text = path.read_text()
    assert text.startswith("# Riverside Mosque: a starter scenario") and "name: Riverside Mosque" in text
    assert invoke("validate", str(path)).exit_code == 0
    assert invoke("run", str(path), "--out", str(tmp_path / "out")).exit_code == 0
    again = CliRunner().invoke(cli, ["new", "Riverside Mosque", "--dir", str(tmp_path)])
    assert again.exit_code == 1 and "exists; use --force to overwrite it" in again.output


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["validate", "--help"], ["new", "--help"]])
def test_help_texts(args):
    result = invoke(*args)
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("args", [
    ["sweep", "scenarios/community-hall.yaml", "--tolerance", "nan"],
    ["sweep", "scenarios/community-hall.yaml", "--abs-tolerance", "inf"],
    ["exercise", "start", "scenarios/exercises/community-hall.yaml", "--pace", "nan"],
])
def test_float_options_refuse_numbers_that_are_not_finite(args):
    from click.testing import CliRunner

    from simsoft.cli import cli, _load_plugins

    _load_plugins(cli)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "is not a finite number" in result.output, result.output
