"""The EMS and recovery teams' layout and message verbs (issue 17): casualty collection point, staging, public information.

Each verb changes only what it should (paired runs over seeds, common random numbers), waits for its
zone to be safe where the rule says so, refuses bad input with a message naming the choices, and a
run that does not use it is the run it was before (no new random stream is touched).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simsoft import Simulation, load_scenario
from simsoft.errors import ActionError
from simsoft.runfolder import events_jsonl

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "community-hall-incident.yaml"
SEEDS = range(20)
NEW_STREAMS = ("recovery.public_information.phone", "recovery.public_information.route")


@pytest.fixture(scope="module")
def hall():
    return load_scenario(HALL)


def _run(scenario, seed: int, actions=()):
    sim = Simulation(scenario, seed=seed)
    for a in actions:
        sim.apply(a)
    sim.run_to_end()
    return sim, sim.result()


def _first(result, kind: str):
    return next((e for e in result.events if e.kind == kind), None)


def test_a_run_without_the_verbs_draws_no_new_stream_and_repeats_exactly(hall):
    sim, result = _run(hall, 3)
    assert not [n for n in sim.streams.names if n in NEW_STREAMS]
    assert _first(result, "medical.ccp_opened") is None and _first(result, "medical.staging") is None
    assert events_jsonl(result) == events_jsonl(_run(hall, 3)[1])


def test_a_ccp_in_the_affected_hall_opens_only_once_it_is_safe(hall):
    _, result = _run(hall, 1, [{"do": "casualty_collection_point", "zone": "main_hall", "at": "1 min"}])
    placed = _first(result, "action.casualty_collection_point")
    assert placed.values["status"] == "waiting for the zone to be safe"
    opened = _first(result, "medical.ccp_opened")
    assert opened is not None and opened.subject == "main_hall"
    left = [e.t_s for e in result.events if e.kind == "incident.zone_clear" and e.subject == "main_hall"]
    contained = _first(result, "response.contained")
    assert left and opened.t_s >= left[0]
    cordons = [e for e in result.events if e.kind == "response.cordon" and e.subject == "main_hall" and e.t_s <= opened.t_s]
    assert (contained is not None and opened.t_s >= contained.t_s) or any(e.values["level"] != "hot" for e in cordons)


def _paired(scenario, actions, key):
    base, with_ = [], []
    for seed in SEEDS:
        b = _run(scenario, seed)[1].metrics.get(key)
        w = _run(scenario, seed, actions)[1].metrics.get(key)
        if b is not None and w is not None:
            base.append(b)
            with_.append(w)
    assert len(base) >= 10, "too few runs with casualties to compare"
    return np.array(base), np.array(with_)


def test_a_ccp_next_to_the_casualties_brings_them_in_sooner_and_a_far_one_later(hall):
    key = "medical.t_last_at_ccp_s"
    base, near = _paired(hall, [{"do": "casualty_collection_point", "zone": "foyer", "at": "1 min"}], key)
    assert np.all(near <= base + 1e-6) and near.mean() < base.mean()
    base, far = _paired(hall, [{"do": "casualty_collection_point", "zone": "outside", "far": True, "at": "1 min"}], key)
    assert np.all(far >= base - 1e-6) and far.mean() > base.mean()


def test_staging_by_the_ccp_shortens_loading_and_away_from_it_lengthens_it(hall):
    key = "medical.t_last_transport_s"
    base, near = _paired(hall, [{"do": "staging", "near_ccp": True, "at": "1 min"}], key)
    assert near.mean() < base.mean()
    base, far = _paired(hall, [{"do": "staging", "near_ccp": False, "at": "1 min"}], key)
    assert far.mean() > base.mean()
    _, result = _run(hall, 1, [{"do": "staging", "near_ccp": True, "at": "1 min"}])
    staged = _first(result, "medical.staging")
    assert staged.values["load_time_s"] == pytest.approx(hall.medical.ambulances.load_time * hall.medical.scene.staging_near_factor)


def test_a_loading_point_in_a_hot_zone_waits_until_it_is_safe(hall):
    _, result = _run(hall, 1, [{"do": "staging", "zone": "courtyard", "at": "150 s"}])
    assert _first(result, "action.staging").values["status"] == "waiting for the zone to be safe"
    staged = _first(result, "medical.staging")
    contained = _first(result, "response.contained")
    assert staged is not None and contained is not None and staged.t_s >= contained.t_s


@pytest.mark.parametrize("action, message", [
    ({"do": "casualty_collection_point", "zone": "car_park"}, r"'car_park' is not a zone of the venue nor outside \(places: outside, main_hall"),
    ({"do": "staging", "zone": "nowhere"}, r"staging: 'nowhere' is not a zone of the venue nor outside"),
    ({"do": "casualty_collection_point", "zone": "foyer", "far": True}, r"far applies only to a casualty collection point outside"),
    ({"do": "public_information"}, r"names a reunification site \(site: ID\) or a phone line"),
    ({"do": "public_information", "site": "town_hall"}, r"unknown site 'town_hall' \(reunification sites: library, school\)"),
])
def test_bad_layout_and_message_actions_are_refused_in_words(hall, action, message):
    with pytest.raises(ActionError, match=message):
        Simulation(hall, seed=1).check(action)


def test_a_phone_line_answers_families_who_would_have_come(hall):
    remote, came = [], []
    for seed in SEEDS:
        b = _run(hall, seed)[1].metrics
        w = _run(hall, seed, [{"do": "public_information", "phone_line": True, "at": "10 min"}])[1].metrics
        remote.append(w["recovery.reunification.remote"] - b["recovery.reunification.remote"])
        came.append(w["recovery.reunification.cases_done"] - b["recovery.reunification.cases_done"])
    assert min(remote) >= 0 and sum(remote) > 0
    assert max(came) <= 0 and sum(came) < 0


def test_naming_the_site_brings_families_there_sooner(hall):
    action = {"do": "public_information", "site": "school", "at": "10 min"}
    base, named = _paired(hall, [action], "recovery.reunification.t_complete_s")
    assert np.all(named <= base + 1e-6) and named.mean() < base.mean()
    _, result = _run(hall, 1, [action, {**action, "at": "20 min"}])
    records = [e for e in result.events if e.kind == "action.public_information"]
    assert records[0].values["redirected"] > 0
    assert "redirected" not in records[1].values  # families already know where to go


EXERCISES = ROOT / "scenarios" / "exercises"
LIBRARY = sorted(p.stem for p in EXERCISES.glob("*.yaml") if not p.stem.endswith(("-decisions", "-evaluation", "-hotwash"))
                 and not p.stem.startswith("riverside-city"))  # regional: tests/test_regional_exercise.py
NEW_VERBS = {"casualty_collection_point", "staging", "public_information", "accountability"}


@pytest.mark.parametrize("name", LIBRARY)
def test_every_shipped_exercise_gives_its_teams_decisions_and_the_sensible_play_takes_them(name, tmp_path):
    from facilitator.conduct.store import play, start_session
    from facilitator.exercise.decisions import load_decisions
    from facilitator.exercise.loader import load_exercise

    loaded = load_exercise(EXERCISES / f"{name}.yaml")
    assert loaded.warnings == ()  # every inject to a team that can act expects an action or is discussion-only
    ex = loaded.exercise
    ems = [t for t in ex.teams if t.role == "player" and t.knows_as == "ems" and "request_ambulances" in t.may]
    assert ems and all({"casualty_collection_point", "staging"} <= set(t.may) for t in ems)
    assert any(e.action == "public_information" for i in ex.msel for e in i.expect)
    session = play(start_session(loaded, out_dir=tmp_path, script=load_decisions(EXERCISES / f"{name}-decisions.yaml")))
    rows = [r for r in session.expected_actions() if r["action"] in NEW_VERBS]
    assert rows and all(r["decision"] is not None and r.get("match") == "full" for r in rows), rows
