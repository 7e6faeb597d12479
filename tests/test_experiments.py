"""Experiments: seeds, common random numbers, executors giving identical tables, statistics, folders."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
import yaml

from simsoft import SimsoftError, load_scenario, run
from simsoft.experiments import (
    Experiment,
    convergence,
    describe,
    execute,
    load_experiment,
    paired_difference,
    replication_seeds,
    run_experiment,
)
from simsoft.experiments.stats import percentile_ci, t_quantile
from simsoft.reports import write_experiment_report

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "community-hall.yaml"
INCIDENT = ROOT / "scenarios" / "community-hall-incident.yaml"


@pytest.fixture(scope="module")
def hall():
    return load_scenario(HALL)


@pytest.fixture(scope="module")
def incident():
    return load_scenario(INCIDENT)


def test_replication_seeds_are_stable_prefixes_and_distinct():
    a, b = replication_seeds(7, 5), replication_seeds(7, 50)
    assert a == b[:5] and len(set(b)) == 50
    assert replication_seeds(8, 5) != a
    with pytest.raises(SimsoftError, match="non-negative integer, got -1"):
        replication_seeds(-1, 3)


def test_experiment_defaults_and_errors(hall):
    exp = Experiment(hall, replications=3, seed=1)
    assert exp.variants == ("base", "front_door_blocked", "staff_direct_to_all_exits", "wider_rear_exit")
    assert exp.reference == "base" and len(exp) == 12
    tasks = exp.tasks()
    assert {t.seed for t in tasks if t.replication == 1} == {exp.seeds[1]}  # same seed in every variant
    with pytest.raises(SimsoftError, match=r"unknown variant 'nope' of scenario 'Community hall evacuation drill' "
                                           r"\(variants: base, front_door_blocked"):
        Experiment(hall, variants=["base", "nope"], replications=2)
    with pytest.raises(SimsoftError, match="replications must be a positive integer, got 0"):
        Experiment(hall, replications=0)
    with pytest.raises(SimsoftError, match="'base' is listed twice"):
        Experiment(hall, variants=["base", "base"], replications=2)


def test_common_random_numbers_same_seed_same_draws(incident):
    """A variant that changes nothing a stream depends on keeps that stream's draws: police arrival is
    the same in base and voice_pa_fast for every replication (only the alert changes)."""
    seeds = replication_seeds(3, 5)
    for s in seeds:
        a = run(incident, seed=s).metrics
        b = run(incident, seed=s, variant="voice_pa_fast").metrics
        assert a["response.t_police_on_scene_s"] == b["response.t_police_on_scene_s"]


def _table_bytes(scenario, executor, tmp_path, **kw):
    exp = Experiment(scenario, variants=["base", "monitored_cctv"], replications=4, seed=5)
    folder = run_experiment(exp, out_dir=tmp_path / executor, executor=executor, progress=False, **kw)
    return folder, (folder.path / "replications.csv").read_bytes(), (folder.path / "summary.json").read_bytes()


def test_serial_and_processes_give_byte_identical_tables(incident, tmp_path):
    f1, csv1, sum1 = _table_bytes(incident, "serial", tmp_path)
    f2, csv2, sum2 = _table_bytes(incident, "processes", tmp_path, workers=2)
    assert csv1 == csv2 and sum1 == sum2
    assert f1.complete and f1.runs_done == 8
    lines = csv1.decode().splitlines()
    assert lines[0].startswith("variant,replication,seed,") and len(lines) == 9
    assert [ln.split(",")[:2] for ln in lines[1:3]] == [["base", "0"], ["base", "1"]]


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_table(incident, tmp_path):
    pytest.importorskip("distributed")
    _, csv1, sum1 = _table_bytes(incident, "serial", tmp_path)
    environ = dict(os.environ)
    _, csv3, sum3 = _table_bytes(incident, "dask", tmp_path, workers=2)
    assert csv1 == csv3 and sum1 == sum3
    # The cluster's nannies set variables for their workers; they do not outlive the experiment.
    assert dict(os.environ) == environ


@pytest.mark.slow
def test_dask_connects_to_a_scheduler_address(incident, tmp_path):
    distributed = pytest.importorskip("distributed")
    import logging

    _, csv1, _ = _table_bytes(incident, "serial", tmp_path)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        folder, csv4, _ = _table_bytes(incident, "dask", tmp_path, scheduler=cluster.scheduler_address)
    assert csv4 == csv1 and folder.manifest["scheduler"].startswith("tcp://")


def test_executor_errors(hall):
    exp = Experiment(hall, replications=1)
    with pytest.raises(SimsoftError, match="unknown executor 'gpu'"):
        execute(hall, exp.tasks(), executor="gpu", on_rows=lambda rows: None)
    with pytest.raises(SimsoftError, match="--scheduler is for the dask executor"):
        execute(hall, exp.tasks(), executor="serial", scheduler="tcp://x:1", on_rows=lambda rows: None)


def test_interrupt_keeps_finished_runs(hall, tmp_path, monkeypatch):
    import simsoft.experiments.runner as runner

    real = runner.execute

    def interrupted(scenario, tasks, **kw):
        real(scenario, tasks[:3], **{**kw, "executor": "serial"})
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "execute", interrupted)
    exp = Experiment(hall, variants=["base", "wider_rear_exit"], replications=5, seed=2)
    folder = run_experiment(exp, out_dir=tmp_path, progress=False)
    assert not folder.complete and folder.runs_done == 3
    manifest = yaml.safe_load((folder.path / "manifest.yaml").read_text())
    assert manifest["complete"] is False and manifest["runs_done_by_variant"] == {"base": 2, "wider_rear_exit": 1}
    assert not [p for p in folder.path.parent.iterdir() if p.name.startswith(".")]


def test_failure_leaves_no_folder(hall, tmp_path):
    exp = Experiment(hall, variants=["base"], replications=2, seed=2)
    with pytest.raises(SimsoftError, match="unknown metric 'egress.t96_s'"):
        run_experiment(exp, out_dir=tmp_path, executor="serial", progress=False, metrics=["egress.t96_s"])
    parent = tmp_path / "community-hall-evacuation-drill"
    assert not list(parent.iterdir())


def test_experiment_folder_contents(hall, tmp_path):
    exp = Experiment(hall, variants=["base", "wider_rear_exit"], replications=6, seed=3)
    folder = run_experiment(exp, out_dir=tmp_path, executor="serial", progress=False)
    # The runner writes the data; the report (figures, summary.md/.html) is written from it afterwards.
    assert sorted(p.name for p in folder.path.iterdir()) == ["manifest.yaml", "replications.csv", "summary.json"]
    assert write_experiment_report(folder) == ["distributions.png", "differences.png", "summary.md", "summary.html"]
    names = sorted(p.name for p in folder.path.iterdir())
    assert yaml.safe_load((folder.path / "manifest.yaml").read_text())["files"] == names
    assert names == ["differences.png", "distributions.png", "manifest.yaml", "replications.csv", "summary.html",
                     "summary.json", "summary.md"]
    summary = json.loads((folder.path / "summary.json").read_text())
    assert summary["key_metrics"][0] == "egress.t95_s"
    d = summary["differences"]["wider_rear_exit"]["egress.t95_s"]
    assert d["n"] == 6 and d["ci_low"] <= d["mean"] <= d["ci_high"]
    assert summary["converged"] is False  # 6 runs < 50
    html = (folder.path / "summary.html").read_text()
    assert "data:image/png;base64," in html and "<img" in html and 'src="distributions.png"' not in html
    again = load_experiment(folder.path)
    assert again.table.values("egress.t95_s", "base").shape == (6,)
    with pytest.raises(SimsoftError, match="not an experiment folder"):
        load_experiment(tmp_path)


def test_describe_and_intervals():
    rng = np.random.default_rng(0)
    x = rng.normal(100.0, 10.0, size=400)
    s = describe(x)
    assert s.n == 400 and s.mean_ci_low < 100.0 < s.mean_ci_high
    assert s.p5 < s.median < s.p95 and s.p95_ci_low <= s.p95 <= s.p95_ci_high
    empty = describe([None, None])
    assert empty.n == 0 and empty.missing == 2 and math.isnan(empty.mean)
    assert abs(t_quantile(0.975, 10) - 2.228) < 1e-3 and abs(t_quantile(0.975, 1) - 12.706) < 1e-3
    assert abs(t_quantile(0.975, 4) - 2.776) < 2e-3
    lo, hi = percentile_ci(np.arange(100.0), 0.5)
    assert lo < 50 < hi


def test_paired_difference_uses_pairs():
    rng = np.random.default_rng(1)
    base = rng.normal(600, 60, size=60)
    variant = base - 10 + rng.normal(0, 1, size=60)  # a 10 s improvement hidden in 60 s of noise
    d = paired_difference(base, variant)
    assert d.significant and d.ci_high < 0 and abs(d.mean + 10) < 1
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference([1.0], [1.0, 2.0])


def test_convergence_rule():
    rng = np.random.default_rng(2)
    tight = rng.normal(600, 6, size=60)
    c = convergence(tight)
    assert c.converged and c.n == 60
    few = convergence(tight[:20])
    assert not few.converged and "20 of at least 50 runs" in few.reason
    wide = convergence(rng.lognormal(3, 1.0, size=60))
    assert not wide.converged and wide.needed > 60
    # A metric near zero (deaths): 5 % of 0.17 is hopeless; an absolute tolerance makes the check usable.
    rare = [0.0] * 50 + [1.0] * 10
    strict = convergence(rare)
    assert not strict.converged and strict.needed > 5000 and strict.reason.startswith("mean ±0.0971 exceeds ±0.00833")
    loose = convergence(rare, abs_tol=0.2)
    assert loose.converged and loose.reason == "mean and 95th percentile within 5% or ±0.2 after 60 runs"


def test_convergence_tolerances_reach_the_folder_and_bad_ones_write_nothing(hall, tmp_path):
    exp = Experiment(hall, variants=["base"], replications=3, seed=3)
    folder = run_experiment(exp, out_dir=tmp_path, executor="serial", progress=False,
                            rel_tol=0.1, abs_tol=2.5)
    write_experiment_report(folder, figures=False)
    assert folder.manifest["convergence_tolerance"] == {"relative": 0.1, "absolute": 2.5}
    summary = json.loads((folder.path / "summary.json").read_text())
    assert summary["convergence_tolerance"] == {"relative": 0.1, "absolute": 2.5}
    assert summary["convergence_rule"].endswith("within ±10% of their value or ±2.5, whichever is larger")
    assert "within ±10% of their value or ±2.5" in (folder.path / "summary.md").read_text()
    for bad, match in (({"rel_tol": 0.0}, "relative convergence tolerance must be > 0 and <= 1, got 0.0"),
                       ({"abs_tol": -1.0}, "absolute convergence tolerance must be >= 0 and finite, got -1.0"),
                       ({"rel_tol": math.nan}, "relative convergence tolerance")):
        with pytest.raises(SimsoftError, match=match):
            run_experiment(exp, out_dir=tmp_path / "bad", executor="serial", progress=False, **bad)
        assert not (tmp_path / "bad").exists()


def test_unknown_metric_stops_the_experiment_early(hall, tmp_path, monkeypatch):
    import simsoft.experiments.executors as executors

    calls = []
    real = executors.run_chunk

    def counting(scenario, chunk):
        calls.append(len(chunk))
        return real(scenario, chunk)

    monkeypatch.setattr(executors, "run_chunk", counting)
    exp = Experiment(hall, variants=["base", "wider_rear_exit"], replications=20, seed=2)
    with pytest.raises(SimsoftError, match="unknown metric 'egress.t96_s'"):
        run_experiment(exp, out_dir=tmp_path, executor="serial", progress=False, metrics=["egress.t96_s"])
    assert sum(calls) == 2  # stopped once both variants had reported, not after 40 runs


def test_progress_line_and_log_mode():
    import io

    from simsoft.experiments.progress import Progress, format_clock

    assert format_clock(75) == "1:15" and format_clock(3725) == "1:02:05"
    out = io.StringIO()
    bar = Progress(20, stream=out, delay_s=0.0)
    for _ in range(20):
        bar.update()
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("20/20 runs  100 %") and "left 0:00" in lines[-1]
    quiet = io.StringIO()
    Progress(5, stream=quiet, enabled=False).update(5)
    assert quiet.getvalue() == ""


def test_every_sweep_summary_states_the_scope_and_names_a_load_sensitivity(tmp_path):
    from simsoft.loader import load_document, scenario_from_dict

    data = load_document(INCIDENT).data
    data["variants"]["more_casualties"] = {
        "description": "Twice the casualty intensity: can the medical response cope?", "load_sensitivity": True,
        "set": {"incident.intensity.casualties_per_exposed_person_minute": 0.02}}
    scenario = scenario_from_dict(data)
    exp = Experiment(scenario, variants=["base", "more_casualties"], replications=2, seed=1)
    folder = run_experiment(exp, out_dir=tmp_path, executor="serial", progress=False)
    write_experiment_report(folder, figures=False)
    text = (folder.path / "summary.md").read_text(encoding="utf-8")
    assert "Scope: every variant keeps the scenario's incident script" in text
    assert "Load sensitivity: more_casualties scale(s) the casualty intensity" in text
    # Without a flagged variant the scope is still stated, and no load sensitivity is named.
    plain = run_experiment(Experiment(scenario, variants=["base"], replications=2, seed=1), out_dir=tmp_path / "p",
                           executor="serial", progress=False)
    write_experiment_report(plain, figures=False)
    text = (plain.path / "summary.md").read_text(encoding="utf-8")
    assert "Scope: every variant keeps" in text and "Load sensitivity" not in text
