"""Golden runs: every shipped scenario validates, runs with a fixed seed, and matches its recorded metrics.

When a model change is intended, regenerate with ``SIMSOFT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``
and explain the changed numbers in the commit message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simsoft import load_scenario, run
from simsoft.runfolder import events_jsonl, metrics_json

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED = 1


def test_there_are_shipped_scenarios():
    assert SHIPPED, "scenarios/ must ship at least one scenario"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_matches_its_golden_run(path):
    scenario = load_scenario(path)
    result = run(scenario, seed=SEED)
    text = metrics_json(result)
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("SIMSOFT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden metrics for {path.name}: run with SIMSOFT_UPDATE_GOLDEN=1"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    actual = json.loads(text)
    changed = {k: (expected.get(k), actual.get(k)) for k in sorted(set(expected) | set(actual)) if expected.get(k) != actual.get(k)}
    assert not changed, f"{path.name} seed {SEED}: metrics changed (golden, now): {changed}"
    # The event log is part of the contract too: same seed, byte-identical log.
    assert events_jsonl(result) == events_jsonl(run(scenario, seed=SEED))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_variant_of_a_shipped_scenario_runs(path):
    scenario = load_scenario(path)
    for name in sorted(scenario.variants):
        result = run(scenario, seed=SEED, variant=name)
        assert result.metrics["run.population"] == scenario.population.total
