"""Golden runs of the shipped regions: each validates, runs with a fixed seed and matches its recorded metrics.

When a model change is intended, regenerate with ``SIMSOFT_UPDATE_GOLDEN=1 python -m pytest tests/test_region_golden.py``
and explain the changed numbers in the commit message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simsoft.region import load_region, run_region
from simsoft.region.output import region_events_jsonl, region_metrics_json

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios" / "regions").glob("*.yaml"))
GOLDEN = Path(__file__).resolve().parent / "golden" / "regions"
SEED = 1


def test_there_is_a_shipped_region():
    assert SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_region_matches_its_golden_run(path):
    loaded = load_region(path)
    result = run_region(loaded, seed=SEED)
    text = region_metrics_json(result)
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("SIMSOFT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden metrics for {path.name}: run with SIMSOFT_UPDATE_GOLDEN=1"
    expected, actual = json.loads(golden.read_text(encoding="utf-8")), json.loads(text)
    changed = {k: (expected.get(k), actual.get(k)) for k in sorted(set(expected) | set(actual)) if expected.get(k) != actual.get(k)}
    assert not changed, f"{path.name} seed {SEED}: regional metrics changed (golden, now): {changed}"
    assert region_events_jsonl(result) == region_events_jsonl(run_region(loaded, seed=SEED))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_variant_of_a_shipped_region_runs(path):
    loaded = load_region(path)
    for name in sorted(loaded.region.variants):
        result = run_region(loaded, seed=SEED, variant=name, lean=True)
        assert result.metrics["region.population"] == sum(s.population.total for s in loaded.scenarios.values())
