"""Adaptive replication (``simsoft sweep --until-converged``): batches until the key metrics converge, or the cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft import load_scenario
from simsoft.cli import cli
from simsoft.errors import SimsoftError
from simsoft.experiments import Experiment, run_experiment
from simsoft.experiments.adaptive import Adaptive

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "community-hall.yaml"
METRIC = "egress.t95_s"


def _sweep(tmp_path: Path, executor: str, **kw):
    exp = Experiment(load_scenario(HALL), variants=["base", "wider_rear_exit"], replications=20, seed=3)
    return run_experiment(exp, out_dir=tmp_path / executor, executor=executor, workers=2, progress=False,
                          metrics=[METRIC], until_converged=True, **kw)


def test_batches_run_until_the_key_metric_converges_and_stop_there(tmp_path):
    folder = _sweep(tmp_path, "serial", rel_tol=0.05, max_reps=200)
    report = folder.manifest["until_converged"]
    for v in ("base", "wider_rear_exit"):
        p = report["variants"][v]
        assert p["converged"] and p["last_to_converge"] == METRIC and p["not_converged"] == []
        # The convergence rule needs at least 50 runs: 20, then 40, then 60 (batches of at least --reps).
        assert p["runs"] == 60 == folder.manifest["runs_done_by_variant"][v]
    assert report["batches"] == [40, 40, 40]
    assert folder.summary["converged"] and folder.complete
    assert folder.manifest["runs_planned"] == folder.manifest["runs_done"] == 120


def test_the_cap_stops_a_variant_that_does_not_converge(tmp_path):
    folder = _sweep(tmp_path, "serial", rel_tol=1e-4, max_reps=30)
    report = folder.manifest["until_converged"]
    for v in ("base", "wider_rear_exit"):
        p = report["variants"][v]
        assert p["runs"] == 30 and not p["converged"] and p["not_converged"] == [METRIC]
        assert p["last_to_converge"] is None
    assert report["batches"] == [40, 20]
    assert not folder.summary["converged"]


def test_same_seed_same_result_on_serial_processes_and_dask(tmp_path):
    pytest.importorskip("distributed")
    folders = [_sweep(tmp_path, ex, rel_tol=0.05, max_reps=200) for ex in ("serial", "processes", "dask")]
    tables = {(f.path / "replications.csv").read_bytes() for f in folders}
    assert len(tables) == 1
    reports = [f.manifest["until_converged"] for f in folders]
    assert reports[0] == reports[1] == reports[2]


def test_the_first_batch_is_the_start_of_a_fixed_replication_experiment(tmp_path):
    # Replication i has the same seed whether it ran in a fixed experiment or in a batch.
    adaptive = _sweep(tmp_path, "serial", rel_tol=0.05, max_reps=200)
    exp = Experiment(load_scenario(HALL), variants=["base", "wider_rear_exit"], replications=60, seed=3)
    fixed = run_experiment(exp, out_dir=tmp_path / "fixed", executor="serial", progress=False, metrics=[METRIC])
    assert (adaptive.path / "replications.csv").read_bytes() == (fixed.path / "replications.csv").read_bytes()


def test_a_cap_below_the_first_batch_is_a_clear_error():
    exp = Experiment(load_scenario(HALL), variants=["base"], replications=20, seed=3)
    with pytest.raises(SimsoftError, match="--max-reps 10 is below the first batch"):
        Adaptive(exp, max_reps=10, rel_tol=0.05, abs_tol=0.0)


def test_cli_reports_runs_per_variant_and_the_last_metric(tmp_path):
    result = CliRunner().invoke(cli, ["sweep", str(HALL), "--variants", "base", "--reps", "20", "--until-converged",
                                      "--max-reps", "100", "--metrics", METRIC, "--executor", "serial",
                                      "--no-progress", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"base: converged after 60 runs; last to converge: {METRIC}" in result.output


def test_cli_refuses_until_converged_with_uncertainty(tmp_path):
    result = CliRunner().invoke(cli, ["sweep", str(HALL), "--until-converged", "--uncertainty", "5",
                                      "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "--until-converged is for replications, not --uncertainty" in result.output
