"""Parameter ranges, their listing, Latin hypercube sampling and the uncertainty sweep."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from simsoft import load_scenario
from simsoft.cli import cli
from simsoft.docs import scenario_json_schema
from simsoft.errors import ScenarioError
from simsoft.experiments.parameters import list_parameters, overrides_for, sample_parameters
from simsoft.experiments.uncertainty import UncertaintyExperiment, rank_sensitivity, run_uncertainty
from simsoft.loader import with_overrides
from simsoft.schema import Scenario
from simsoft.schema.ranges import RANGES_KEY

POW = "scenarios/place-of-worship.yaml"


def _schema_ranges():
    schema = scenario_json_schema()
    for model, node in schema["$defs"].items():
        for field, prop in node.get("properties", {}).items():
            for r in prop.get(RANGES_KEY, []):
                yield model, field, prop, r


def test_ranges_are_well_formed_and_contain_the_default():
    found = list(_schema_ranges())
    assert len(found) >= 20
    for model, field, prop, r in found:
        assert r["source"].strip(), (model, field)
        assert r["low"] <= r["high"], (model, field)
        assert not model.startswith("Incident"), "nothing under incident may carry a range"
        if r["relative"]:
            assert r["low"] <= 1.0 <= r["high"], (model, field)


def test_listed_defaults_lie_inside_their_ranges_and_never_under_incident():
    params = list_parameters(load_scenario(POW))
    assert len(params) >= 20
    assert not any(p.path.startswith("incident") for p in params)
    hall = load_scenario("scenarios/community-hall-incident.yaml")
    for p in params + list_parameters(hall):
        assert p.source
        assert p.low <= p.high
    defaults = {p.path: p for p in params}
    assert defaults["medical.survival.immediate.b0"].value == 0.90
    assert defaults["medical.survival.immediate.b0"].low <= 0.90 <= defaults["medical.survival.immediate.b0"].high
    assert defaults["response.search.min_time"].duration


def test_listing_paths_apply_as_variant_overrides():
    scenario = load_scenario(POW)
    params = list_parameters(scenario)
    for p in params:
        with_overrides(scenario, p.overrides(p.high))
        with_overrides(scenario, p.overrides(p.low))
    moved = with_overrides(scenario, {"response.all_clear_after": "45 min", "medical.survival.immediate.b0": 0.3})
    assert moved.response.all_clear_after == 2700.0 and moved.medical.survival.immediate.b0 == 0.3
    with pytest.raises(ScenarioError, match="never sampled"):
        with_overrides(scenario, {"incident.intensity": 2.0})


def test_latin_hypercube_is_deterministic_and_stratified():
    params = list_parameters(load_scenario(POW))
    a = sample_parameters(params, 10, seed=7)
    assert np.array_equal(a, sample_parameters(params, 10, seed=7))
    assert not np.array_equal(a, sample_parameters(params, 10, seed=8))
    for j, p in enumerate(params):
        assert (a[:, j] >= p.low - 1e-9).all() and (a[:, j] <= p.high + 1e-9).all()
    j = [p.path for p in params].index("medical.survival.immediate.b0")
    strata = np.floor((a[:, j] - params[j].low) / (params[j].high - params[j].low) * 10).astype(int)
    assert sorted(strata.tolist()) == list(range(10))


def test_variant_keeps_its_own_values():
    scenario = load_scenario(POW)
    exp = UncertaintyExperiment(scenario, variants=["base", "monitored_cctv"], sets=3, seed=1)
    by_variant = {}
    for t in exp.tasks():
        by_variant.setdefault(t.variant, []).append(dict(t.overrides))
    cctv_keys = list(scenario.variants["monitored_cctv"].set)
    for ov in by_variant["monitored_cctv"]:
        assert not any(k == c or k.startswith(c + ".") for k in ov for c in cctv_keys)
    assert [t.seed for t in exp.tasks() if t.variant == "base"] == [t.seed for t in exp.tasks() if t.variant == "monitored_cctv"]


def test_rank_sensitivity_separates_a_driver_from_noise():
    rng = np.random.default_rng(3)
    x = rng.random((40, 3))
    y = 10 * x[:, 1] + 0.1 * rng.random(40)
    method, coef = rank_sensitivity(x, y)
    assert method == "prcc"
    assert coef[1] > 0.9 and abs(coef[0]) < 0.4 and abs(coef[2]) < 0.4


def test_police_travel_drives_police_on_scene_and_not_reunification_staff(tmp_path):
    scenario = load_scenario(POW)
    params = [p for p in list_parameters(scenario)
              if p.path in ("response.units[0].travel.median", "recovery.families.minutes_per_case",
                            "medical.survival.delayed.b0")]
    exp = UncertaintyExperiment(scenario, variants=["base"], sets=12, seed=5, parameters=params)
    folder = run_uncertainty(exp, out_dir=tmp_path, executor="serial", progress=False,
                             metrics=["response.t_police_on_scene_s"])
    u = json.loads((folder.path / "uncertainty.json").read_text())
    coef = {c["path"]: c["coefficient"] for c in u["sensitivity"]["response.t_police_on_scene_s"]["coefficients"]}
    assert coef["response.units[0].travel.median"] > 0.7
    assert abs(coef["recovery.families.minutes_per_case"]) < 0.4
    assert abs(coef["medical.survival.delayed.b0"]) < 0.4
    assert (folder.path / "parameters.csv").read_text().startswith("set,seed,response.units[0].travel.median")


def test_uncertainty_serial_equals_processes(tmp_path):
    scenario = load_scenario(POW)
    exp = UncertaintyExperiment(scenario, variants=["base", "rescue_task_force"], sets=4, seed=2)
    a = run_uncertainty(exp, out_dir=tmp_path / "a", executor="serial", progress=False)
    b = run_uncertainty(exp, out_dir=tmp_path / "b", executor="processes", workers=2, progress=False)
    for name in ("replications.csv", "parameters.csv", "uncertainty.json"):
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes(), name


def test_cli_params_and_uncertainty_sweep(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["params", POW])
    assert res.exit_code == 0, res.output
    assert "medical.survival.immediate.b0" in res.output
    # The scope rule: nothing under the top-level ``incident`` is a parameter (``medical.major_incident`` is EMS's).
    assert not any(line.startswith("incident.") for line in res.output.splitlines())
    res = runner.invoke(cli, ["sweep", POW, "--uncertainty", "4", "--variants", "base,rescue_task_force",
                              "--executor", "serial", "--out", str(tmp_path), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "64 parameters x 4 sets" in res.output or "parameters x 4 sets" in res.output
    assert "better in" in res.output


def test_schema_defaults_unchanged_by_ranges():
    from simsoft.schema.medical import Survival

    assert Survival().immediate.b0 == 0.90
    assert Scenario.model_fields["response"].default.search.min_time == 600.0


def test_the_summary_reports_the_uncertainty_with_its_figures(tmp_path):
    from simsoft.plots.uncertainty import differences_over_parameters, parameter_sensitivity
    from simsoft.reports import write_experiment_report

    exp = UncertaintyExperiment(load_scenario(POW), variants=["base", "rescue_task_force"], sets=4, seed=3)
    folder = run_uncertainty(exp, out_dir=tmp_path, executor="serial", progress=False)
    files = write_experiment_report(folder)
    assert {"sensitivity.png", "uncertain-differences.png", "summary.md"} <= set(files)
    text = (folder.path / "summary.md").read_text(encoding="utf-8")
    assert "## Parameter uncertainty" in text and "Nothing under the incident was sampled" in text
    assert "### Differences to 'base' across the parameter sets" in text and "| rescue_task_force |" in text
    result = json.loads((folder.path / "uncertainty.json").read_text(encoding="utf-8"))
    fig = parameter_sensitivity(result)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(result["sensitivity"])
    assert all(ax.get_xlim() == (-1.0, 1.0) and "rank coefficient" in ax.get_xlabel() for ax in panels)
    fig = differences_over_parameters(result)
    assert all("(variant - base)" in ax.get_xlabel() for ax in fig.axes if ax.get_visible())
    assert not any(ax.get_title().endswith("_s") for ax in fig.axes)
