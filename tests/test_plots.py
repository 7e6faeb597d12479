"""Figures: each function takes results and returns a Figure, with labels; no simulation inside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402

from simsoft import load_scenario, run  # noqa: E402
from simsoft import plots  # noqa: E402
import simsoft.plots.runs  # noqa: E402,F401
from simsoft.records import Event  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def incident_run():
    return run(load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml"), seed=3)


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_run_figures_have_labels(incident_run, tmp_path):
    for fn, words in [
        (lambda r: plots.venue_map(r), ["peak density (people per m²)", "x (m)", "Main hall", "exit"]),
        (lambda r: plots.venue_map(r, color_by="casualties"), ["casualties (people)"]),
        (plots.incident_timeline, ["time since start (min)", "incident in Main hall", "decision: lockdown",
                                   "police on scene", "phase: recovery"]),
        (plots.evacuation_curves, ["occupants (people)", "inside the venue", "95 % out"]),
        (plots.casualty_flow, ["injured at scene", "casualties so far (people)"]),
    ]:
        fig = fn(incident_run)
        assert isinstance(fig, Figure)
        text = _texts(fig)
        for w in words:
            assert w in text, (w, text[:300])
        fig.savefig(tmp_path / "f.png")


def test_venue_map_layout_is_deterministic_without_positions(incident_run):
    venue = incident_run.scenario.venue
    zones = [z.model_copy(update={"position": None}) for z in venue.zones]
    exits = [e.model_copy(update={"position": None}) for e in venue.exits]
    scen = incident_run.scenario.model_copy(update={"venue": venue.model_copy(update={"zones": zones, "exits": exits})})
    a = plots.runs._venue_positions(scen)[1]
    b = plots.runs._venue_positions(scen)[1]
    assert a == b and set(a) == {z.id for z in zones} | {e.id for e in exits}


def test_casualty_flow_and_hospital_load_read_medical_events_and_degrade_without_them(incident_run):
    from dataclasses import replace

    assert plots.has_casualty_flow(incident_run) and plots.has_hospital_load(incident_run)
    text = _texts(plots.casualty_flow(incident_run))
    injured = sum(1 for e in incident_run.events if e.kind == "casualty.injured")
    assert f"injured at scene: {injured} casualties" in text and "at collection point" in text and "at hospital" in text
    assert "60 beds" in _texts(plots.hospital_load(incident_run))  # trauma unit: 25 ED beds / 2.5 h x 6 h
    bare = replace(incident_run, events=tuple(e for e in incident_run.events if not e.kind.startswith("medical.")))
    assert "injuries only" in _texts(plots.casualty_flow(bare))
    assert not plots.has_hospital_load(bare) and "no hospital data" in _texts(plots.hospital_load(bare))
    none = replace(bare, events=tuple(e for e in bare.events if not e.kind.startswith("casualty.")))
    assert not plots.has_casualty_flow(none) and "no casualties" in _texts(plots.casualty_flow(none))
    extra = (Event(400.0, "ems.casualty_collection", "x1"), Event(900.0, "ems.transported", "x1"))
    text = _texts(plots.casualty_flow(replace(none, events=none.events + extra)))
    assert "at collection point: 1 casualty" in text and "transported: 1 casualty" in text


def test_timeline_keeps_a_readable_window_when_recovery_lasts_days(incident_run):
    fig = plots.incident_timeline(incident_run)
    text = _texts(fig)
    assert "time since start (min)" in text and "venue reopened" in text and "(later, not drawn)" in text
    assert fig.axes[0].get_xlim()[1] < 180


def test_distributions_and_differences():
    rng = np.random.default_rng(0)
    samples = {v: {"egress.t95_s": rng.normal(600, 30, 50), "casualties.total": rng.poisson(5, 50).astype(float)}
               for v in ("base", "wider_rear_exit")}
    samples["wider_rear_exit"]["egress.t95_s"][:3] = np.nan
    fig = plots.metric_distributions(samples, metrics=["egress.t95_s", "casualties.total"], variants=["base", "wider_rear_exit"])
    text = _texts(fig)
    assert "time until 95 % are out (min)" in text and "(3 not reached)" in text and "mean ± 95 % CI" in text
    summary = {"reference": "base", "differences": {"wider_rear_exit": {"egress.t95_s": {
        "mean": -20.0, "ci_low": -30.0, "ci_high": -10.0, "significant": True}}}}
    text = _texts(plots.paired_differences(summary, metrics=["egress.t95_s"]))
    assert "difference (variant - base) in s" in text and "time until 95 % are out" in text
    assert "meaningfully lower (better)" in text


def test_metric_label_units():
    assert plots.metric_label("egress.t95_s", np.array([100.0])) == ("time until 95 % are out (s)", 1.0)
    assert plots.metric_label("egress.zone.hall.peak_density_p_m2")[0].endswith("(p/m²)")
    assert plots.metric_label("incident.exposed_person_min")[0] == "exposure to the incident (person-min)"
