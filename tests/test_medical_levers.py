"""Casualty-care levers and hospital surge on the recalibrated defaults (issue 16).

- The rescue-task-force variant of the place of worship: protected medics go in with the first police,
  without waiting for an ambulance, so medics reach casualties earlier and the last casualty reaches the
  casualty collection point earlier (paired over 60 seeds, common random numbers); deaths never rise.
- Hospital surge from the trauma level (Hirshberg et al., J Trauma 58(4):686, 2005; Bayram et al. 2011),
  explicit values winning, and the full-plan ramp.
- The Royal London's 7/7 arrival peak (18 seriously injured/h, Aylwin et al., Lancet 368:2219, 2006) is
  an arrival rate, not a capacity: arrivals above the surge capacity queue.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import simpy

from simsoft import load_scenario, run
from simsoft.models.medical import Casualty, HospitalModel
from simsoft.records import Recorder
from simsoft.schema.medical import SURGE_BY_LEVEL, Hospital

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(60)


@pytest.fixture(scope="module")
def paired():
    s = load_scenario(ROOT / "scenarios" / "place-of-worship.yaml")
    base = [run(s, seed=seed).metrics for seed in SEEDS]
    rtf = [run(s, seed=seed, variant="rescue_task_force").metrics for seed in SEEDS]
    return base, rtf


def test_rescue_task_force_enters_without_waiting_for_an_ambulance(paired):
    base, rtf = paired
    for b, r in zip(base, rtf):
        assert r["medical.access_policy"] == "rescue_task_force"
        assert r["medical.t_access_s"] <= b["medical.t_access_s"]
    # Medics in before the first ambulance in most runs: the task force no longer waits for one.
    before_ambulance = [r["medical.t_access_s"] < r["medical.t_first_ambulance_s"] for r in rtf]
    assert np.mean(before_ambulance) > 0.5


def test_rescue_task_force_brings_the_last_casualty_to_the_ccp_earlier(paired):
    base, rtf = paired
    pairs = [(b["medical.t_last_stretcher_at_ccp_s"], r["medical.t_last_stretcher_at_ccp_s"]) for b, r in zip(base, rtf)
             if b["medical.t_last_stretcher_at_ccp_s"] is not None and r["medical.t_last_stretcher_at_ccp_s"] is not None]
    assert len(pairs) >= 40
    diff = np.array([r - b for b, r in pairs])
    assert diff.mean() < -60.0, diff.mean()          # at least a minute earlier on average
    assert np.mean(diff <= 0.0) >= 0.9               # and the sign holds in (almost) every paired run


def test_rescue_task_force_never_raises_deaths(paired):
    base, rtf = paired
    for key in ("medical.deaths", "medical.preventable_deaths"):
        assert sum(r[key] for r in rtf) <= sum(b[key] for b in base), key


def test_surge_capacity_from_the_trauma_level():
    mtc = Hospital(id="a", travel=600.0, trauma_level="major_trauma_centre")
    assert (mtc.surge_per_hour, mtc.surge_per_hour_full_plan) == (4.6, 7.1)  # Hirshberg et al. 2005
    tu = Hospital(id="b", travel=600.0, trauma_level=2)
    leh = Hospital(id="c", travel=600.0, trauma_level="local_emergency_hospital")
    assert leh.surge_per_hour < tu.surge_per_hour < mtc.surge_per_hour
    assert Hospital(id="d", travel=0.0, trauma_level=2, surge_factor=0.5).surge_per_hour == pytest.approx(SURGE_BY_LEVEL["trauma_unit"][0] * 0.5)
    # Bayram et al. 2011: ED beds / 2.5 h over the 6-h arrival window.
    assert Hospital(id="e", travel=0.0, ed_beds=25).bed_count == 60
    # Explicit values win; no level and no values keep the old defaults.
    explicit = Hospital(id="f", travel=0.0, trauma_level="local_emergency_hospital", critical_per_hour=6.0, beds=12)
    assert (explicit.surge_per_hour, explicit.bed_count) == (6.0, 12)
    assert explicit.surge_per_hour_full_plan >= 6.0
    plain = Hospital(id="g", travel=0.0)
    assert (plain.surge_per_hour, plain.surge_per_hour_full_plan, plain.bed_count) == (4.6, 7.1, 30)


def test_bad_trauma_level_is_refused():
    with pytest.raises(ValueError, match="trauma_level"):
        Hospital(id="h", travel=0.0, trauma_level="field_hospital")


def test_full_plan_ramps_linearly():
    env = simpy.Environment()
    h = HospitalModel(Hospital(id="h", travel=0.0, trauma_level="major_trauma_centre"), env=env, recorder=Recorder())
    assert h.rate_per_h() == 4.6
    assert h.activate_full_plan(reason="test", ramp_s=3600.0)
    assert not h.activate_full_plan(reason="again")
    assert h.rate_per_h(900.0) == pytest.approx(4.6 + 2.5 / 4)
    assert h.rate_per_h(3600.0) == pytest.approx(7.1)
    assert h.rate_per_h(10_000.0) == pytest.approx(7.1)


def test_royal_london_arrival_peak_queues_above_capacity():
    """18 seriously injured per hour arriving for an hour (Royal London, 7/7) at a major trauma centre
    (4.6/h rising to 7.1/h over an hour) leaves about 18 - mean capacity still waiting."""
    env = simpy.Environment()
    h = HospitalModel(Hospital(id="h", travel=0.0, trauma_level="major_trauma_centre", beds=100), env=env, recorder=Recorder())
    h.activate_full_plan(reason="test", ramp_s=3600.0)

    def arrivals():
        for i in range(18):
            h.admit(Casualty(id=f"c{i}", index=i, zone="z", cause="incident", cls="immediate", t_injured=0.0), via="test")
            yield env.timeout(200.0)

    env.process(arrivals())
    env.run(until=3600.0)
    assert 18 - 7.1 - 1 <= h.backlog() <= 18 - 4.6, h.backlog()
    assert h.peak_waiting >= 8
