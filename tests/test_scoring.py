"""Timeliness scoring and rating proposals on hand-made decision records with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.evaluation.ratings import propose, worse_than_doctrine
from facilitator.evaluation.scoring import RollUp, Taken, points_for, score
from facilitator.exercise.loader import load_exercise

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"


@pytest.fixture(scope="module")
def exercise():
    return load_exercise(EXERCISE).exercise


@pytest.mark.parametrize(("after", "standard", "grace", "expected"), [
    (0.0, 120.0, 60.0, (2, "on time")),
    (120.0, 120.0, 60.0, (2, "on time")),          # exactly at the standard is on time
    (120.5, 120.0, 60.0, (1, "late")),
    (180.0, 120.0, 60.0, (1, "late")),             # end of the grace still scores 1
    (181.0, 120.0, 60.0, (0, "too late")),
    (None, 120.0, 60.0, (0, "missing")),
    (500.0, None, None, (2, "taken")),             # no standard: taken at all scores 2
    (None, None, None, (0, "missing")),
    (230.0, 120.0, None, (1, "late")),             # no stated grace: the grace is the standard
    (241.0, 120.0, None, (0, "too late")),
])
def test_points_for(after, standard, grace, expected):
    assert points_for(taken_after_s=after, standard_s=standard, grace_s=grace) == expected


RELEASED = {"I1": 0.0, "I2": 150.0, "I2c": None, "I3": 180.0, "I4": 340.0, "I5": 220.0, "I6": 1200.0, "I7": 1260.0,
            "I8": 2700.0}


def test_hand_made_record_scores_and_rolls_up(exercise):
    taken = [
        Taken("D1", "venue", "close", 0.0, 150.0),       # I1 close, standard 1 min, grace 2 min: 150 s late -> 1
        Taken("D2", "venue", "alert", 150.0, 240.0),     # I2 alert, standard 2 min: 90 s -> 2
        # no evacuate -> 0 missing
        Taken("D3", "police", "dispatch", 180.0, 600.0),  # I3 dispatch, 2 min + 2 min grace: 420 s -> 0 too late
        Taken("D4", "police", "cordon", 340.0, 340.0),    # I4 cordon: on time -> 2
        Taken("D5", "police", "declare", 1200.0, 1200.0),  # I6 declare -> 2
        Taken("D6", "venue", "release", 100.0, 160.0),    # before I6 was released: does not answer it -> missing
    ]
    card = score(exercise, released=RELEASED, taken=taken)
    got = {(a.inject, a.action): (a.points, a.status, a.decision) for a in card.actions}
    assert got == {
        ("I1", "close"): (1, "late", "D1"),
        ("I2", "alert"): (2, "on time", "D2"),
        ("I2", "evacuate"): (0, "missing", None),
        ("I3", "dispatch"): (0, "too late", "D3"),
        ("I4", "cordon"): (2, "on time", "D4"),
        ("I6", "declare"): (2, "on time", "D5"),
        ("I6", "release"): (0, "missing", None),
        ("I5", "staging"): (0, "missing", None),                  # the EMS team did nothing
        ("I5", "casualty_collection_point"): (0, "missing", None),
        ("I6", "public_information"): (0, "missing", None),
    }
    tasks = {t.key: (t.points, t.possible) for t in card.tasks}
    assert tasks == {"CT1.1": (2, 2), "CT1.2": (0, 2), "CT2.1": (1, 2), "CT3.1": (0, 2), "CT3.2": (2, 2),
                     "CT4.1": (0, 0), "CT4.2": (0, 2), "CT4.3": (0, 2), "CT5.1": (2, 4), "CT5.2": (0, 2)}
    caps = {c.key: (c.points, c.possible, c.on_time, c.late, c.missing) for c in card.capabilities}
    assert caps["Public Information and Warning"] == (2, 4, 1, 0, 1)
    assert caps["On-scene Security, Protection, and Law Enforcement"] == (2, 4, 1, 0, 1)
    assert caps["Public Health, Healthcare, and Emergency Medical Services"] == (0, 4, 0, 0, 2)
    assert card.capability("Mass Care Services").share == pytest.approx(2 / 6)


def test_unreleased_injects_are_not_scored(exercise):
    released = dict(RELEASED, I4=None, I6=None)  # trigger never fired, inject skipped
    card = score(exercise, released=released, taken=[])
    by = {(a.inject, a.action): a for a in card.actions}
    assert by[("I4", "cordon")].points is None and by[("I4", "cordon")].status == "not released"
    assert card.capability("Mass Care Services").possible == 0
    assert card.capability("Access Control and Identity Verification").missing == 1


def test_grace_comes_from_expectation_then_task_then_exercise(exercise):
    ex = exercise.model_copy(deep=True)
    i1 = ex.inject("I1")
    object.__setattr__(i1.expect[0], "grace", 10.0)  # frozen model: the test edits a private copy
    card = score(ex, released=RELEASED, taken=[Taken("D1", "venue", "close", 0.0, 195.0)])
    assert card.actions[0].grace_s == 10.0 and card.actions[0].status == "too late"
    alert = next(a for a in card.actions if a.action == "alert")
    assert alert.grace_s == 120.0  # the exercise's grace: 2 min


@pytest.mark.parametrize(("points", "possible", "late", "missing", "worse", "rating"), [
    (4, 4, 0, 0, [], "P"),
    (4, 4, 0, 0, ["medical.deaths"], "S"),          # outcomes worse than doctrine: one level down
    (7, 8, 1, 0, [], "S"),
    (7, 8, 1, 0, ["medical.deaths"], "M"),
    (6, 8, 0, 1, [], "M"),                          # 75 % but one missing: M
    (3, 4, 1, 0, [], "S"),
    (2, 4, 0, 1, [], "M"),                          # exactly 50 %
    (2, 4, 0, 1, ["egress.t95_s"], "M"),            # never below M on outcomes alone
    (1, 4, 1, 1, [], "U"),
    (0, 4, 0, 2, [], "U"),
])
def test_rating_proposals(points, possible, late, missing, worse, rating):
    roll = RollUp("Mass Care Services", "Mass Care Services", points, possible, 0, late, missing)
    p = propose("Mass Care Services", roll, worse=worse)
    assert p.rating == rating, p.reason
    assert f"{points}/{possible}" in p.reason


def test_no_scored_action_gives_no_proposal():
    p = propose("Mass Care Services", RollUp("Mass Care Services", "", 0, 0, 0, 0, 0))
    assert p.rating is None and "rate from observation" in p.reason
    assert propose("Mass Care Services", None).rating is None


def test_worse_than_doctrine_needs_an_interval_above_zero_and_a_material_difference():
    assert worse_than_doctrine({"n": 20, "mean": 3.0, "ci_low": 1.0, "ci_high": 5.0}, 10.0)
    assert not worse_than_doctrine({"n": 20, "mean": 3.0, "ci_low": -1.0, "ci_high": 7.0}, 10.0)  # not significant
    assert not worse_than_doctrine({"n": 20, "mean": 0.5, "ci_low": 0.2, "ci_high": 0.8}, 10.0)   # under 10 %
    assert not worse_than_doctrine({"n": 20, "mean": -3.0, "ci_low": -5.0, "ci_high": -1.0}, 10.0)  # better
    assert not worse_than_doctrine({"n": 0, "mean": None, "ci_low": None, "ci_high": None}, None)


# -- matching by parameters (issue 17: closing the front exit was credited as "courtyard gate closed") -------------

ZONES = ["main_hall", "gallery", "side_room", "kitchen", "foyer", "rear_corridor", "courtyard"]


def _scores(exercise, taken):
    card = score(exercise, released=RELEASED, taken=taken, zones=ZONES)
    return {(a.inject, a.action): a for a in card.actions}


def test_a_decision_on_another_target_does_not_answer_and_says_why(exercise):
    got = _scores(exercise, [Taken("D1", "venue", "close", 0.0, 60.0, {"do": "close", "connection": "foyer_street"})])
    row = got[("I1", "close")]
    assert (row.points, row.status, row.decision) == (0, "missing", None)
    assert row.reason == "D1 acted on another target: connection foyer_street, expected courtyard_gate"


def test_the_first_matching_decision_counts_even_after_a_wrong_one(exercise):
    got = _scores(exercise, [Taken("D1", "venue", "close", 0.0, 20.0, {"do": "close", "connection": "foyer_street"}),
                             Taken("D2", "venue", "close", 30.0, 40.0, {"do": "close", "connection": "hall_courtyard"}),
                             Taken("D3", "venue", "close", 45.0, 55.0, {"do": "close", "connection": "courtyard_gate"})])
    row = got[("I1", "close")]
    assert (row.points, row.status, row.decision, row.reason) == (2, "on time", "D3", "")


def test_partly_covered_zones_score_one_with_the_reason(exercise):
    got = _scores(exercise, [Taken("D1", "venue", "evacuate", 150.0, 160.0, {"do": "evacuate", "zones": ["main_hall"]})])
    row = got[("I2", "evacuate")]
    assert (row.points, row.status, row.decision) == (1, "partial", "D1")
    assert row.reason == "D1 covers 1 of 2 zones (not gallery)"


def test_amounts_and_routes_are_not_matched_and_all_covers_every_zone(exercise):
    got = _scores(exercise, [Taken("D1", "venue", "evacuate", 150.0, 160.0,
                                   {"do": "evacuate", "zones": "all", "via": ["car_park"]}),
                             Taken("D2", "venue", "alert", 150.0, 160.0, {"do": "alert", "zones": ZONES})])
    assert got[("I2", "evacuate")].status == "on time"
    assert got[("I2", "alert")].status == "on time"


def test_a_partial_late_answer_keeps_its_lateness(exercise):
    got = _scores(exercise, [Taken("D1", "venue", "evacuate", 150.0, 150.0 + 200.0, {"do": "evacuate", "zones": ["gallery"]})])
    row = got[("I2", "evacuate")]
    assert row.points == 1 and row.status == "late" and "covers 1 of 2 zones" in row.reason


def test_match_keys_must_be_doctrine_keys(tmp_path):
    text = EXERCISE.read_text(encoding="utf-8").replace(
        "doctrine: {connection: courtyard_gate}}", "doctrine: {connection: courtyard_gate}, match: [zones]}", 1)
    import shutil

    from simsoft.errors import SimsoftError
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "scenarios" / "exercises" / "ex.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SimsoftError) as info:
        load_exercise(tmp_path / "scenarios" / "exercises" / "ex.yaml")
    assert "names 'zones', which the doctrine does not give (doctrine: connection)" in str(info.value)
