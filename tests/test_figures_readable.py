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
    drawn = max(max(line.get_ydata()) for line in ax.get_lines() if "beds in use" in line.get_label())
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
    assert ax.get_title() == "deaths" and ax.get_ylabel() == "deaths (people)"


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


# ---------------------------------------------------------------------------------- issue 19, second part
def _overlaps(boxes):
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1]


@pytest.mark.parametrize("name", ["shopping-mall", "community-hall-incident"])
def test_venue_map_labels_never_overlap(name):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simsoft.plots import venue_map

    fig = venue_map(run(load_scenario(f"scenarios/{name}.yaml"), seed=1))
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() and not t.get_text().isdigit()]
    assert len(boxes) >= 8 and not _overlaps(boxes)
    # a label that found no room is a number on its marker, named in the key
    numbers = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    key = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all(any(k.startswith(f"{n}: ") for k in key) for n in numbers)


def test_crowded_venue_numbers_its_highest_zones_instead_of_covering_the_map():
    from simsoft.plots import venue_map

    result = run(load_scenario("scenarios/stadium.yaml"), seed=1)
    fig = venue_map(result)
    ax = fig.axes[0]
    numbers = [t.get_text() for t in ax.texts]
    assert numbers and all(n.isdigit() for n in numbers) and len(numbers) <= 10
    assert "named below" in ax.get_title()


def test_evacuation_legend_stays_short_for_a_big_venue():
    result = run(load_scenario("scenarios/stadium.yaml"), seed=1)
    fig = evacuation_curves(result)
    top = fig.axes[0]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert len(labels) <= 9 and labels[-1].startswith("the other ") and labels[-1].endswith(" zones together")
    assert "," in top.get_yticklabels()[-1].get_text() or max(top.get_ylim()) < 1000


def test_timeline_lanes_use_display_names_and_milestones_share_no_colour(flagship):
    from matplotlib.colors import to_hex

    from simsoft.plots import incident_timeline
    from simsoft.plots.runs import _SOURCE_COLOURS

    fig = incident_timeline(flagship)
    ax = fig.axes[0]
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert "incident in Main hall" in lanes and not any("_" in lane for lane in lanes)
    milestone = {to_hex(line.get_color()) for line in ax.get_lines() if line.get_linestyle() not in ("None", "")}
    assert milestone and not milestone & {to_hex(c) for c in _SOURCE_COLOURS.values()}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    times = [float(t.split(": ")[1].split()[0]) for t in legend if t[:2].strip().isdigit() and "not drawn" not in t]
    assert times == sorted(times)  # milestones numbered in time order


def test_hospital_load_scale_fits_the_load_when_beds_are_far_above(flagship):
    ax = hospital_load(flagship).axes[0]
    peak = max(max(line.get_ydata()) for line in ax.get_lines() if "beds in use" in line.get_label())
    assert ax.get_ylim()[1] <= max(4.0, 1.6 * peak) + 1e-9
    assert any("not drawn" in t.get_text() for t in ax.get_legend().get_texts())


def test_difference_figures_give_flat_panels_a_readable_range_and_a_threshold_band():
    from simsoft.plots import paired_differences

    summary = {"reference": "base", "differences": {"v": {
        "medical.deaths": {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0, "significant": False},
        "egress.t95_s": {"mean": -90.0, "ci_low": -120.0, "ci_high": -60.0, "significant": True}}}}
    fig = paired_differences(summary, metrics=["medical.deaths", "egress.t95_s"])
    deaths, t95 = fig.axes[:2]
    assert deaths.get_xlim() == (-1.0, 1.0)
    assert any("no difference" in t.get_text() for t in deaths.texts)
    band = [p for p in t95.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert band  # the practical-threshold band
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "meaningfully lower (better)" in legend and "within the practical threshold" in legend


def test_sensitivity_says_when_an_outcome_did_not_vary():
    from simsoft.plots import parameter_sensitivity

    result = {"sets": 5, "reference": "base", "sensitivity": {"medical.preventable_deaths": {
        "method": "spearman", "n": 5, "coefficients": [{"path": "a.b", "coefficient": 0.0}]}}}
    ax = parameter_sensitivity(result).axes[0]
    assert any("did not vary" in t.get_text() for t in ax.texts)
    assert ax.get_title() == "preventable deaths"


def test_comparison_labels_drop_the_time_stamp_but_stay_distinct():
    from simsoft.plots.experiments import short_labels

    assert short_labels(["hall/20261206T000308Z-s5", "hall/20261206T000309Z-s6 [cctv]"]) == ["run s5", "run s6 [cctv]"]
    same = ["hall/20261206T000308Z-s5", "hall/20261206T000309Z-s5"]
    assert short_labels(same) == same


def test_the_aar_and_experiment_summaries_share_one_threshold_table():
    from facilitator.documents import prose
    from simsoft.experiments import PRACTICAL_THRESHOLDS, meaningful, practical_threshold

    assert prose.THRESHOLDS is PRACTICAL_THRESHOLDS
    for metric in ("medical.deaths", "egress.t95_s", "incident.exposed_person_min",
                   "medical.t_last_immediate_at_hospital_s", "recovery.reunification.t_complete_s"):
        t = practical_threshold(metric)
        for mean in (0.9 * t, 1.1 * t, -1.1 * t):
            d = {"mean": mean, "ci_low": min(mean * 0.5, mean * 1.5), "ci_high": max(mean * 0.5, mean * 1.5),
                 "significant": True}
            assert prose.meaningful(metric, d) == meaningful(metric, d), (metric, mean)


def test_hospitals_with_the_same_beds_stay_distinguishable():
    """Stadium: North and South General both have 60 beds; one line would hide the other."""
    stadium = run(load_scenario("scenarios/stadium.yaml"), seed=20240611)
    ax = hospital_load(stadium).axes[0]
    caps = [ln for ln in ax.get_lines() if ln.get_label().endswith("(shared line, alternate dashes)")]
    assert len(caps) == 2
    assert {ln.get_ydata()[0] for ln in caps} == {60.0}
    assert len({ln.get_color() for ln in caps}) == 2
    assert len({ln.get_linestyle() and str(ln._dash_pattern) for ln in caps}) == 2  # dashes offset, both visible
    notes = [t.get_text() for t in ax.texts]
    assert "60 beds each: North General Hospital and South General Hospital" in notes
    # Idle hospitals are not drawn as flat lines on the axis (they are in the legend only).
    assert all(max(ln.get_ydata(), default=0) > 0 for ln in ax.get_lines() if "beds in use" in ln.get_label())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "South General Hospital: no patients" in legend
