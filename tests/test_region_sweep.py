"""Sweeps over regional variants (issue 22): the experiments' design and executors, same numbers on every executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft.cli import cli
from simsoft.errors import SimsoftError
from simsoft.experiments import replication_seeds
from simsoft.region import load_region, run_region
from simsoft.region.sweep import region_tasks, sweep_region

CITY = Path(__file__).resolve().parents[1] / "scenarios" / "regions" / "riverside-city.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_region(CITY)


def test_processes_give_the_same_table_as_one_core_and_each_row_is_the_region_run(loaded, tmp_path):
    kw = dict(variants=["base", "more_ambulances"], replications=2, seed=5)
    serial = sweep_region(loaded, executor="serial", out_dir=tmp_path / "a", **kw)
    procs = sweep_region(loaded, executor="processes", workers=2, out_dir=tmp_path / "b", **kw)
    assert (serial / "replications.csv").read_bytes() == (procs / "replications.csv").read_bytes()
    summary = json.loads((serial / "summary.json").read_text())
    assert summary["reference"] == "base" and set(summary["differences"]) == {"more_ambulances"}
    assert "units.ambulance.shortfall" in summary["key_metrics"]
    # A row is the regional run with the replication's seed (lean runs give the full run's metrics).
    seed0 = replication_seeds(5, 2)[0]
    direct = run_region(loaded, seed=seed0, variant="more_ambulances", lean=True).metrics
    lines = (serial / "replications.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = next(r.split(",") for r in lines[1:] if r.startswith(f"more_ambulances,0,{seed0},"))
    assert float(row[header.index("region.deaths")]) == direct["region.deaths"]
    assert float(row[header.index("units.ambulance.total")]) == direct["units.ambulance.total"] == 14


def test_every_variant_of_a_replication_has_the_same_seed(loaded):
    tasks = region_tasks(loaded, variants=["base", "balanced"], replications=3, seed=1)
    by_rep = {}
    for t in tasks:
        by_rep.setdefault(t.replication, set()).add(t.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    with pytest.raises(SimsoftError, match="unknown variant 'faster'"):
        region_tasks(loaded, variants=["base", "faster"], replications=3, seed=1)


def test_region_sweep_cli(tmp_path):
    res = CliRunner().invoke(cli, ["region", "sweep", str(CITY), "--variants", "base,balanced", "--reps", "1",
                                   "--executor", "serial", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "sweep over response variants" in res.output and "| balanced |" in res.output
    (folder,) = (tmp_path / "riverside-city").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["replications.csv", "summary.json", "summary.md"]


def test_dask_gives_the_same_table(loaded, tmp_path):
    pytest.importorskip("distributed")
    kw = dict(variants=["base"], replications=2, seed=5)
    serial = sweep_region(loaded, executor="serial", out_dir=tmp_path / "a", **kw)
    dask = sweep_region(loaded, executor="dask", workers=2, out_dir=tmp_path / "b", **kw)
    assert (serial / "replications.csv").read_bytes() == (dask / "replications.csv").read_bytes()
