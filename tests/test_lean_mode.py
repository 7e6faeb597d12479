"""The lean run mode: the same events and metrics as a full run, bit for bit, without the samples no metric reads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from simsoft import load_scenario, run
from simsoft.experiments import Task, run_chunk
from simsoft.metrics import METRIC_SERIES
from simsoft.records import Recorder
from simsoft.runfolder import events_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SEEDS = (1, 7, 2024)


def _bits(metrics: dict) -> str:
    """Metrics as text with floats written exactly (hex), so equality is bit for bit (NaN included)."""
    def exact(v):
        return v.hex() if isinstance(v, float) else v
    return json.dumps({k: exact(v) for k, v in metrics.items()}, sort_keys=True)


def _cases():
    for path in SHIPPED:
        for variant in [None, *sorted(load_scenario(path).variants)]:
            yield pytest.param(path, variant, id=f"{path.stem}-{variant or 'base'}")


@pytest.mark.parametrize("path,variant", list(_cases()))
def test_lean_run_gives_the_full_runs_metrics_and_events_bit_for_bit(path, variant):
    scenario = load_scenario(path)
    for seed in SEEDS:
        full = run(scenario, seed=seed, variant=variant)
        lean = run(scenario, seed=seed, variant=variant, lean=True)
        where = f"{path.name} variant {variant or 'base'} seed {seed}"
        assert _bits(lean.metrics) == _bits(full.metrics), where
        assert events_jsonl(lean) == events_jsonl(full), where
        # Only the series the metrics read are kept, and each of them exactly as in the full run.
        assert set(lean.timeseries.quantity) <= METRIC_SERIES, where
        assert list(lean.timeseries.rows()) == [r for r in full.timeseries.rows() if r[1] in METRIC_SERIES], where


def test_a_full_run_keeps_the_crowd_series_and_a_lean_one_does_not():
    scenario = load_scenario(ROOT / "scenarios" / "place-of-worship.yaml")
    full, lean = run(scenario, seed=1), run(scenario, seed=1, lean=True)
    assert {"occupants", "inside", "exited"} <= set(full.timeseries.quantity)
    assert not {"occupants", "inside", "exited"} & set(lean.timeseries.quantity)
    assert len(lean.timeseries) < len(full.timeseries)


def test_experiment_workers_return_the_full_runs_metrics():
    scenario = load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml")
    variant = sorted(scenario.variants)[0]
    tasks = [Task(variant_index=i, variant=v, replication=0, seed=seed)
             for i, (v, seed) in enumerate([("base", 3), (variant, 3)])]
    rows = run_chunk(scenario, tasks)
    for (vi, _, seed, metrics), task in zip(rows, tasks):
        full = run(scenario, seed=seed, variant=None if task.variant == "base" else task.variant)
        assert _bits(metrics) == _bits(full.metrics)


def test_recorder_series_filter():
    r = Recorder(series=frozenset({"unaccounted"}))
    r.sample(1.0, "unaccounted", [""], [2.0])
    r.sample(1.0, "occupants", ["a", "b"], [1.0, math.pi])
    assert list(r.timeseries.rows()) == [(1.0, "unaccounted", "", 2.0)]
    assert r.keeps("unaccounted") and not r.keeps("occupants") and Recorder().keeps("occupants")
