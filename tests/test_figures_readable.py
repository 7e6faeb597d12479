"""Issue 19: figures and text outputs read at a glance (checked on the matplotlib objects and strings)."""

from __future__ import annotations

import numpy as np
import pytest

from simsoft import load_scenario, run
from simsoft.plots import evacuation_curves, hospital_load, metric_label
from simsoft.reports.document import format_value, human_value
from simsoft.reports.summary import summary_lines

FLAGSHIP = "scenarios/community-hall-incident.yaml"


@pytest.fixture(scope="module")
def flagship():
    return run(load_scenario(FLAGSHIP), seed=20240611)


def test_evacuation_window_fits_the_evacuation_not_the_recovery(flagship):
    m = flagship.metrics
    assert m["recovery.t_reopened_s"] > 3600  # the run goes on for hours after everyone is out
    fig = evacuation_curves(flagship)
    top, bottom = fig.axes[:2]
    _, right = bottom.get_xlim()
    assert bottom.get_xlabel() == "time since start (min)"
    # the window ends shortly after everyone is out
    assert m["egress.t100_s"] / 60 <= right <= 1.2 * m["egress.t100_s"] / 60 + 1
    assert fig._suptitle.get_text().endswith("evacuation")
    assert top.get_ylabel() == "occupants (people)"


def test_hospital_load_plots_beds_in_use_as_metrics_count_them(flagship):
    fig = hospital_load(flagship)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "beds in use (patients)"
    peaks = {k.split(".")[2]: v for k, v in flagship.metrics.items() if k.endswith("peak_beds_used")}
    drawn = max(max(line.get_ydata()) for line in ax.get_lines() if line.get_label().endswith("beds in use"))
    assert drawn == max(peaks.values())


def test_metric_labels_are_words_with_units():
    assert metric_label("egress.t95_s", np.array([600.0]))[0] == "time until 95 % are out (min)"
    assert metric_label("casualties.total")[0] == "casualties (people)"
    assert "_s" not in metric_label("recovery.t_everyone_accounted_s", np.array([20000.0]))[0]


def test_no_scientific_notation_and_count_intervals_clipped():
    assert "e" not in format_value(1.2e-5)
    assert "e+" not in format_value(12770.0)
    text = human_value("egress.t95_s", 12770.0, low=12740.0, high=12800.0)
    assert "e+" not in text and "h" in text
    assert human_value("casualties.total", 0.4, low=-0.2, high=1.0) == "0.4 people [0, 1]"


def test_run_summary_names_casualties_and_no_confusing_run_end(flagship):
    lines = summary_lines(flagship)
    text = "\n".join(lines)
    assert "run ended" not in text  # the run ends at reopening, which is listed
    not_out = next(ln for ln in lines if ln.startswith("not out"))
    m = flagship.metrics
    expected = m["run.population"] - m["egress.exited"] - m.get("egress.inside_end", 0)
    assert f"{expected:,.0f} casualties on scene" in not_out


def test_practical_significance_threshold():
    from simsoft.experiments.stats import meaningful, practical_threshold

    assert practical_threshold("egress.t95_s") == 30.0 and practical_threshold("medical.deaths") == 0.5
    assert not meaningful("egress.t95_s", {"significant": True, "mean": 0.012})
    assert meaningful("egress.t95_s", {"significant": True, "mean": -45.0})
    assert not meaningful("casualties.total", {"significant": False, "mean": 3.0})


def test_count_error_bars_do_not_go_below_zero():
    from simsoft.plots import metric_distributions

    samples = {"base": {"medical.deaths": np.array([0.0] * 9 + [2.0])}}
    fig = metric_distributions(samples, metrics=["medical.deaths"], variants=["base"])
    ax = fig.axes[0]
    lows = [seg[:, 1].min() for coll in ax.collections for seg in getattr(coll, "get_segments", lambda: [])()]
    assert lows and min(lows) >= 0.0
    assert ax.get_title() == "deaths (people)"


def test_compare_fits_a_100_column_terminal(flagship, tmp_path):
    from click.testing import CliRunner

    from simsoft.cli import cli
    from simsoft.reports.run import write_run_report  # noqa: F401  (report files not needed)
    from simsoft.runfolder import write_run

    a = write_run(flagship, out_dir=tmp_path / "runs")
    b = write_run(flagship, out_dir=tmp_path / "runs2")
    res = CliRunner().invoke(cli, ["compare", str(a), str(b), "--out", str(tmp_path / "cmp")])
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in res.output.splitlines() if not line.startswith("comparison folder")) <= 100
    assert "e+0" not in res.output
