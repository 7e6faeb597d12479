"""Recovery: release, accountability, reunification, phases and their decisions."""

from __future__ import annotations

import pytest

from simsoft import ActionError, run
from simsoft.models.recovery import cdf
from simsoft.schema import Fixed, Lognormal

from test_medical import _tiny


def test_cdf_of_a_lognormal_is_half_at_the_median_and_099_at_p99():
    spec = Lognormal(distribution="lognormal", median=600.0, p99=3600.0)
    assert cdf(spec, 600.0) == pytest.approx(0.5)
    assert cdf(spec, 3600.0) == pytest.approx(0.99, abs=1e-6)
    assert cdf(Fixed(distribution="fixed", value=10.0), 9.9) == 0.0


FIXED_PHASES = {"investigation": "12 h", "clean_up": "1 d", "reopen_preparation": "1 d"}
"""Stated phase durations: a scenario that states them gets them (no draw)."""


def test_recovery_milestones_are_ordered_and_everyone_is_accounted_for():
    r = run(_tiny(**{"duration": "4 d", "recovery.phases": FIXED_PHASES}), seed=2)
    m = r.metrics
    clear = m["response.t_all_clear_s"]
    assert clear is not None
    assert m["recovery.t_everyone_accounted_s"] is not None and m["recovery.t_everyone_accounted_s"] >= m["incident.t_start_s"]
    assert m["recovery.t_scene_handover_s"] == pytest.approx(clear + 12 * 3600, abs=1e-3)
    assert m["recovery.t_scene_handover_s"] < m["recovery.t_clean_up_done_s"] < m["recovery.t_reopened_s"]
    assert m["recovery.reunification.t_complete_s"] is not None
    assert m["recovery.reunification.cases_done"] == (m["recovery.reunification.adult"] + m["recovery.reunification.minor"]
                                                      + m["recovery.reunification.casualty_family"])
    # Every casualty's family is a case: met at a desk, resolved by phone or app, or gone after waiting.
    remote = [e for e in r.events if e.kind in ("recovery.resolved_remotely", "recovery.left_queue")]
    assert (m["recovery.reunification.casualty_family"] + sum(1 for e in remote if e.values["case"] == "casualty_family")
            == m["casualties.total"])


def test_release_after_all_clear_frees_zones_still_locked():
    s = _tiny(**{"alerting": {"channels": [], "plan": [{"when": "incident_known", "zones": ["lobby"], "action": "lockdown"}]}})
    r = run(s, seed=1)
    releases = [e for e in r.events if e.kind == "action.release"]
    assert [(e.values["source"], e.values["zones"]) for e in releases] == [("recovery", ["lobby"])]
    assert releases[0].t_s == pytest.approx(r.metrics["response.t_all_clear_s"] + 600.0)


def test_more_reunification_staff_finish_sooner():
    # A demand the two desks cannot keep up with (half of all adults sought, nobody phones).
    s = _tiny(**{"duration": "2 d", "recovery.families": {"adult_share": 0.5, "remote_share": 0.0}})
    base = run(s, seed=5).metrics["recovery.reunification.t_complete_s"]
    more = run(s, seed=5, actions=[{"at": "10 min", "do": "reunification", "site": "centre", "add_staff": 6}]).metrics
    assert more["recovery.reunification.t_complete_s"] < base
    with pytest.raises(ActionError, match=r"reunification: unknown site 'gym' \(known: centre\)"):
        run(s, seed=5, actions=[{"do": "reunification", "site": "gym"}])


def test_shortening_a_running_phase_ends_it_at_once():
    s = _tiny(**{"duration": "4 d", "recovery.phases": FIXED_PHASES})
    base = run(s, seed=1).metrics
    t = base["response.t_all_clear_s"] + 3600.0
    r = run(s, seed=1, actions=[{"at": f"{t} s", "do": "recovery", "phase": "investigation", "duration": "30 min"}])
    assert r.metrics["recovery.t_scene_handover_s"] == pytest.approx(t, abs=1e-3)
    assert r.metrics["recovery.t_reopened_s"] == pytest.approx(base["recovery.t_reopened_s"] - (12 * 3600 - 3600), abs=1e-3)


def test_same_seed_same_recovery_records():
    s = _tiny()
    a, b = run(s, seed=8), run(s, seed=8)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
