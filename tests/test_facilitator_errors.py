"""Bad exercise files and bad decisions: every one gets the project's error, with its message pinned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import exercise
from facilitator.exercise.decisions import ExerciseError, load_decisions
from facilitator.exercise.loader import check_decisions, load_exercise

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_TEXT = (ROOT / "scenarios" / "exercises" / "community-hall.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _folder(tmp_path, monkeypatch):
    """A folder with the scenario, its venue and an exercises/ subfolder; messages show short names."""
    shutil.copy(ROOT / "scenarios" / "community-hall-incident.yaml", tmp_path)
    shutil.copytree(ROOT / "scenarios" / "venues", tmp_path / "venues")
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "community-hall.yaml").write_text(EXERCISE_TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


def _line(old: str) -> int:
    """Line (1-based) of ``old`` in the shipped exercise, so pins survive edits above it."""
    return EXERCISE_TEXT[: EXERCISE_TEXT.index(old)].count("\n") + 1 + old[: len(old) - len(old.lstrip("\n"))].count("\n")


CASES = [
    # (id, old text, new text, pinned message (without file:line), line of the problem relative to old)
    ("unknown key", "  check_every: 10 s\n", "  check_every: 10 s\n  colour: red\n", r"exercise\.colour: unknown key", 1),
    ("not a core capability", "capability: Public Information and Warning", "capability: Public Information & Warning",
     r"objectives\[0\]\.capability: 'Public Information & Warning' is not a core capability "
     r"\(did you mean 'Public Information and Warning'\?\)", 0),
    ("inject before the start", "    at: 0 min\n", "    at: -5 min\n", r"msel\[0\]\.at: '-5 min' cannot be negative \(time does not run backwards\)", 0),
    ("times out of order", "    at: 20 min\n", "    at: 1 min\n",
     r"msel\[6\]\.at: '1 min' is before msel\[3\]\.at \(3 min 0 s\): list scripted injects in time order", 0),
    ("unknown recipient team", "    to: [police]\n", "    to: [polis]\n", r"msel\[3\]\.to\[0\]: 'polis' is not a team \(did you mean 'police'\?\)", 0),
    ("unknown module", "    module: M3\n    at: 45 min", "    module: M9\n    at: 45 min",
     r"msel\[8\]\.module: 'M9' is not a module \(known: M1, M2, M3\)", 0),
    ("unknown placeholder", "{inside} people on site", "{insde} people on site",
     r"msel\[0\]\.text: has unknown placeholder \{insde\} \(known: t, inside, exited, casualties, population, "
     r"units_on_scene, occupancy\.ZONE, exited\.EXIT\)", 0),
    ("stray brace", "{inside} people on site", "{inside people on site",
     r"msel\[0\]\.text: has a stray brace \(expected '\}' before end of string\); write \{\{ and \}\} for a literal brace", 0),
    ("team may not take the expected action", "{team: police, action: cordon, task: CT3.2,", "{team: police, action: evacuate, task: CT3.2,",
     r"msel\[4\]\.expect\[0\]\.action: 'evacuate' is not an action team 'police' may take \(may: dispatch, mutual_aid, cordon, declare\)", 0),
    ("unknown verb", "may: [dispatch, mutual_aid, cordon, declare]", "may: [dispatch, mutual_aid, cordon, declare, arrest]",
     r"teams\[1\]\.may\[4\]: 'arrest' is not an action \(known: alert, ", 0),
    ("unknown critical task", "task: CT3.2,", "task: CT9.9,", r"msel\[4\]\.expect\[0\]\.task: 'CT9\.9' is not a critical task", 0),
    ("contingency on an action not expected", "action: alert, team: venue, after: 3 min", "action: shelter, team: venue, after: 3 min",
     r"msel\[2\]\.if_missing\.action: 'shelter' is not an action expected by I2 \(expected: alert, evacuate\)", 0),
    ("trigger on an unknown zone", "when: {casualties_above: 3}", "when: {zone: atrium, above: 3}",
     r"msel\[5\]\.when\.zone: 'atrium' is not a zone of the venue \(known: main_hall, ", 0),
    ("unreadable trigger", "when: {casualties_above: 3}", "when: {queue: 3}",
     r"msel\[5\]\.when: must be one of \{event: kind\}, \{zone: id, above: n\}, \{inside_below: n\}, \{casualties_above: n\}", 0),
    ("two release rules", "    at: 45 min\n", "    at: 45 min\n    when: {inside_below: 3}\n",
     r"msel\[8\]: needs exactly one of at, when, if_missing \(has at, when\)", -2),
    ("duplicate inject id", "  - id: I8\n", "  - id: I7\n", r"msel\[8\]\.id: 'I7' duplicate inject id \(first at line \d+\)", 0),
    ("scenario not found", "scenario: ../community-hall-incident.yaml", "scenario: ../nowhere.yaml",
     r"exercise\.scenario: '\.\./nowhere\.yaml' scenario file not found \(looked for nowhere\.yaml\)", 0),
    ("player team without knowledge role", "{id: ems, name: Ambulance service, knows_as: ems, report_delay: 2 min}",
     "{id: ems, name: Ambulance service}", r"teams\[2\]: a player team needs knows_as \(venue_control, police or ems\)", 0),
    ("unknown event kind", "when: {event: response.police_on_scene}", "when: {event: police_arrived}",
     r"msel\[4\]\.when\.event: 'police_arrived' is not an event kind the engine records", 0),
    ("unknown unit as trigger subject", "when: {event: response.police_on_scene}", "when: {event: response.on_scene, subject: swat}",
     r"msel\[4\]\.when\.subject: 'swat' is not a subject of response\.on_scene events \(known: patrol_1, patrol_2, armed_response\)", 0),
    ("unknown variant", "  type: tabletop\n", "  type: tabletop\n  variant: nope\n",
     r"exercise\.variant: 'nope' is not a variant of the scenario \(variants: ", 1),
    ("duration without unit", "    at: 20 min\n", "    at: 20\n",
     r"msel\[6\]\.at: 20 needs a unit: write e\.g\. '90 s', '4 min' or '1\.5 h'", 0),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_exercise_files(case):
    _, old, new, message, offset = case
    assert old in EXERCISE_TEXT
    Path("exercises/bad.yaml").write_text(EXERCISE_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        load_exercise("exercises/bad.yaml")
    text = str(info.value)
    line = _line(old) + offset
    assert re.search(rf"exercises/bad\.yaml:{line} {message}", text), text


def test_every_problem_is_reported_at_once():
    bad = EXERCISE_TEXT.replace("    to: [police]\n", "    to: [polis]\n").replace("task: CT3.2,", "task: CT9.9,")
    Path("exercises/bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        load_exercise("exercises/bad.yaml")
    assert len(info.value.problems) == 2 and str(info.value).startswith("2 problems:\n")


def test_an_invalid_scenario_is_reported_through_the_exercise():
    text = Path("community-hall-incident.yaml").read_text(encoding="utf-8")
    Path("community-hall-incident.yaml").write_text(text.replace("count: 300", "count: lots"), encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        load_exercise("exercises/community-hall.yaml")
    lines = str(info.value).splitlines()
    assert "exercise.scenario: '../community-hall-incident.yaml' is not a valid scenario (1 problem(s) listed next)" in lines[1]
    assert re.search(r"community-hall-incident\.yaml:\d+ population\.groups\[0\]\.count: 'lots' must be a whole number", lines[2])


DECISION_CASES = [
    ("unknown team", "{inject: I1, team: stewards, do: close, connection: courtyard_gate}",
     r"team 'stewards' is not a team of the exercise \(known: venue, police, ems, control, evaluators, observers\)"),
    ("team may not", "{inject: I3, team: police, do: evacuate, zones: all}",
     r"team 'police' may not evacuate \(may: dispatch, mutual_aid, cordon, declare\)"),
    ("unknown zone", "{inject: I2, team: venue, do: evacuate, zones: [main_hall, atrium]}",
     r"evacuate: unknown zone 'atrium' \(known: courtyard, foyer, gallery, kitchen, main_hall, rear_corridor, side_room\)"),
    ("unknown unit", "{inject: I3, team: police, do: dispatch, unit: swat}",
     r"dispatch: unknown unit 'swat' \(known: armed_response, patrol_1, patrol_2\)"),
    ("unknown inject", "{inject: I99, team: venue, do: alert, zones: all}", r"inject 'I99' is not in the MSEL \(known: I1, I2, I2c, "),
    ("missing verb", "{inject: I1, team: venue, connection: courtyard_gate}", r"decisions\[1\]\.do: is required"),
    ("delay without unit", "{inject: I1, team: venue, do: alert, zones: all, after: 5}",
     r"decisions\[1\]\.after: 5 needs a unit: write e\.g\. '90 s', '4 min' or '1\.5 h'"),
    ("absolute time", "{inject: I1, team: venue, do: alert, zones: all, at: 5 min}",
     r"alert: a decision takes effect when it is made; use after: DELAY instead of at"),
    ("unknown verb", "{inject: I1, team: venue, do: flee}", r"unknown action 'flee' \(known: alert, "),
    ("unknown parameter", "{inject: I1, team: venue, do: alert, zone: main_hall}",
     r"alert: unknown parameter 'zone' \(parameters: zones, share\)"),
    ("observer decides", "{inject: I1, team: observers, do: alert, zones: all}",
     r"team 'observers' is an observer team and takes no decisions"),
    ("unknown connection", "{inject: I1, team: venue, do: close, connection: front_door}", r"close: unknown connection 'front_door'"),
]


@pytest.mark.parametrize("case", DECISION_CASES, ids=[c[0] for c in DECISION_CASES])
def test_bad_decisions(case):
    _, item, message = case
    Path("exercises/d.yaml").write_text(f"decisions:\n  - {{inject: I1, team: venue, do: alert, zones: all}}\n  - {item}\n",
                                        encoding="utf-8")
    loaded = load_exercise("exercises/community-hall.yaml")
    with pytest.raises(ExerciseError) as info:
        check_decisions(loaded, load_decisions("exercises/d.yaml"))
    assert re.search(rf"exercises/d\.yaml:3 decisions\[1\](: |\.){message}" if "decisions\\[1\\]" not in message
                     else rf"exercises/d\.yaml:3 {message}", str(info.value)), str(info.value)


def test_bad_decisions_stop_the_cli_before_anything_runs(tmp_path):
    Path("exercises/d.yaml").write_text("decisions:\n  - {inject: I1, team: police, do: alert, zones: all}\n"
                                        "  - {inject: I3, team: police, do: dispatch, unit: swat}\n", encoding="utf-8")
    res = CliRunner().invoke(exercise, ["start", "exercises/community-hall.yaml", "--decisions", "exercises/d.yaml", "--out", "s"])
    assert res.exit_code == 1
    assert res.output.splitlines() == [
        "error: 2 problems",
        "  exercises/d.yaml:2 decisions[0]: team 'police' may not alert (may: dispatch, mutual_aid, cordon, declare)",
        "  exercises/d.yaml:3 decisions[1]: dispatch: unknown unit 'swat' (known: armed_response, patrol_1, patrol_2)",
    ]
    assert not Path("s").exists()
    res = CliRunner().invoke(exercise, ["start", "exercises/nowhere.yaml"])
    assert res.exit_code == 1 and res.output == "error: exercises/nowhere.yaml: file not found\n"
