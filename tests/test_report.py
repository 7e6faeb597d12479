"""Reports: built from a run folder's files (never re-simulated), self-contained HTML, clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft import SimsoftError, load_scenario, run
from simsoft.cli import cli
from simsoft.reports import compare, rebuild_run_report
from simsoft.runfolder import load_run, write_run

ROOT = Path(__file__).resolve().parents[1]
INCIDENT = ROOT / "scenarios" / "community-hall-incident.yaml"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    result = run(load_scenario(INCIDENT), seed=4)
    return write_run(result, out_dir=tmp_path_factory.mktemp("runs")), result


def test_load_run_round_trips(run_folder):
    folder, result = run_folder
    back = load_run(folder)
    assert back.metrics == json.loads(json.dumps(result.metrics))
    assert len(back.events) == len(result.events) and back.events[0].kind == "run.start"
    assert back.scenario.name == result.scenario.name and len(back.timeseries) == len(result.timeseries)


def test_report_rebuilds_from_files_without_simulating(run_folder, monkeypatch):
    folder, _ = run_folder
    import simsoft.engine

    def boom(*a, **k):
        raise AssertionError("report must not simulate")

    monkeypatch.setattr(simsoft.engine.Simulation, "run_to_end", boom)
    out = CliRunner().invoke(cli, ["report", str(folder)])
    assert out.exit_code == 0, out.output
    names = {p.name for p in folder.iterdir()}
    assert {"report.md", "report.html", "timeline.png", "venue-casualties.png", "casualty-flow.png",
            "hospital-load.png"} <= names
    md = (folder / "report.md").read_text()
    assert md.startswith("# Run report: Community hall incident") and "![" in md and "| police on scene |" in md
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 4 and "src=\"timeline.png\"" not in html
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_report_on_a_folder_that_is_not_a_run(tmp_path):
    out = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [f"error: {tmp_path}: not a run folder (no manifest.yaml, events.jsonl, "
                                               "metrics.json, timeseries.csv)"]
    with pytest.raises(SimsoftError, match="not a folder"):
        rebuild_run_report(tmp_path / "missing")


def test_compare_runs_and_experiment(run_folder, tmp_path):
    folder, _ = run_folder
    other = write_run(run(load_scenario(INCIDENT), seed=5, variant="monitored_cctv"), out_dir=tmp_path / "b")
    sweep = CliRunner().invoke(cli, ["sweep", str(INCIDENT), "--variants", "base,voice_pa_fast", "--reps", "3",
                                     "--executor", "serial", "--out", str(tmp_path / "exp"), "--no-progress"])
    assert sweep.exit_code == 0, sweep.output
    # The verdict names the check that needs the most replications.
    assert re.search(r"convergence: not converged: about \d+ replications needed \(most for \S+ in "
                     r"(base|voice_pa_fast): 3 of at least 50 runs", re.sub(r"\n +", " ", sweep.output)), sweep.output
    exp = next((tmp_path / "exp" / "community-hall-incident").iterdir())
    res = CliRunner().invoke(cli, ["compare", str(folder), str(other), str(exp), "--out", str(tmp_path / "cmp")])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    # Too wide for 100 columns as a table: one block per row, one metric a line.
    assert any(ln.strip().startswith("time until 95 % are out") for ln in lines) and max(map(len, lines[:-1])) <= 100
    assert any("[voice_pa_fast, 3 runs]" in ln for ln in lines)
    (cmp_folder,) = (tmp_path / "cmp").iterdir()
    assert sorted(p.name for p in cmp_folder.iterdir()) == ["comparison.csv", "comparison.html", "comparison.md",
                                                           "comparison.png"]
    bad = CliRunner().invoke(cli, ["compare", str(folder), "--metrics", "egress.t96_s", "--out", str(tmp_path / "c2")])
    assert bad.exit_code == 1 and bad.output.startswith("error: unknown metric 'egress.t96_s'")
    assert len(bad.output.strip().splitlines()) == 1
    assert not (tmp_path / "c2").exists() or not list((tmp_path / "c2").iterdir())
    with pytest.raises(SimsoftError, match="neither a run folder"):
        compare([tmp_path])


def test_sweep_errors_are_one_line(tmp_path):
    bad = CliRunner().invoke(cli, ["sweep", str(INCIDENT), "--variants", "base,nope", "--reps", "2",
                                   "--out", str(tmp_path)])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [
        "error: unknown variant 'nope' of scenario 'Community hall incident' "
        "(variants: base, monitored_cctv, more_ambulances, rescue_task_force, second_reunification_site, "
        "trained_stewards, voice_pa_fast)"]
    assert not (tmp_path / "community-hall-incident").exists() or not list((tmp_path / "community-hall-incident").iterdir())
    bad = CliRunner().invoke(cli, ["sweep", str(INCIDENT), "--variants", "base", "--reps", "2", "--executor", "serial",
                                   "--metrics", "casualties.totl", "--out", str(tmp_path), "--no-progress"])
    assert bad.exit_code == 1 and "unknown metric 'casualties.totl'" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    assert not list((tmp_path / "community-hall-incident").iterdir())
