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
    ("unknown placeholder", "{inside:~person|people} on site", "{insde} people on site",
     r"msel\[0\]\.text: has unknown placeholder \{insde\} \(known: t, inside, exited, casualties, population, "
     r"units_on_scene, occupancy\.ZONE, exited\.EXIT\)", 0),
    ("stray brace", "{inside:~person|people} on site", "{inside people on site",
     r"msel\[0\]\.text: has a stray brace \(expected '\}' before end of string\); write \{\{ and \}\} for a literal brace", 0),
    ("team may not take the expected action", "{team: police, action: cordon, task: CT3.2,", "{team: police, action: evacuate, task: CT3.2,",
     r"msel\[4\]\.expect\[0\]\.action: 'evacuate' is not an action team 'police' may take \(may: dispatch, mutual_aid, cordon, declare\)", 0),
    ("unknown verb", "may: [dispatch, mutual_aid, cordon, declare]", "may: [dispatch, mutual_aid, cordon, declare, arrest]",
     r"teams\[1\]\.may\[4\]: 'arrest' is not an action \(known: accountability, alert, ", 0),
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
    ("player team without knowledge role", "{id: ems, name: Ambulance service, knows_as: ems, may: [major_incident, ",
     "{id: ems, name: Ambulance service, may: [major_incident, ", r"teams\[2\]: a player team needs knows_as \(venue_control, police or ems\)", 0),
    ("unknown event kind", "when: {event: response.police_on_scene}", "when: {event: police_arrived}",
     r"msel\[4\]\.when\.event: 'police_arrived' is not an event kind the engine records", 0),
    ("unknown unit as trigger subject", "when: {event: response.police_on_scene}", "when: {event: response.on_scene, subject: swat}",
     r"msel\[4\]\.when\.subject: 'swat' is not a subject of response\.on_scene events \(known: patrol_1, patrol_2, armed_response\)", 0),
    ("unknown variant", "  type: tabletop\n", "  type: tabletop\n  variant: nope\n",
     r"exercise\.variant: 'nope' is not a variant of the scenario \(variants: ", 1),
    ("duration without unit", "    at: 20 min\n", "    at: 20\n",
     r"msel\[6\]\.at: 20 needs a unit: write e\.g\. '90 s', '4 min' or '1\.5 h'", 0),
    ("huge template width", "{inside:~person|people} on site", "{inside:>300000000} people on site",
     r"msel\[0\]\.text: placeholder \{inside:\.\.\.\} asks for a width or precision of 300000000; at most 200 is allowed", 0),
    ("huge template precision", "{inside:~person|people} on site", "{inside:.9999f} people on site",
     r"msel\[0\]\.text: placeholder \{inside:\.\.\.\} asks for a width or precision of 9999; at most 200 is allowed", 0),
    ("tiny check step", "  check_every: 10 s\n", "  check_every: 1e-9 s\n",
     r"exercise\.check_every: '1e-9 s' must be at least 1 s \(triggers and deadlines are checked this often; "
     r"a smaller step makes a session crawl\)", 0),
    ("doctrine names an unknown zone", "doctrine: {zones: [main_hall, courtyard], level: hot}",
     "doctrine: {zones: [main_hall, ghost], level: hot}",
     r"msel\[4\]\.expect\[0\]\.doctrine: is not an action the scenario allows: cordon: unknown zone 'ghost'", 0),
    ("doctrine names an unknown parameter", "doctrine: {unit: armed_response}", "doctrine: {unit: armed_response, speed: 3}",
     r"msel\[3\]\.expect\[0\]\.doctrine\.speed: is not a parameter of dispatch \(parameters: unit\)", 0),
    ("doctrine names an unknown connection", "doctrine: {connection: courtyard_gate}", "doctrine: {connection: back_door}",
     r"msel\[0\]\.expect\[0\]\.doctrine: is not an action the scenario allows: close: unknown connection 'back_door'", 0),
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
    ("unknown verb", "{inject: I1, team: venue, do: flee}", r"unknown action 'flee' \(known: accountability, alert, "),
    ("unknown parameter", "{inject: I1, team: venue, do: alert, zone: main_hall}",
     r"alert: unknown parameter 'zone' \(parameters: zones, share\)"),
    ("observer decides", "{inject: I1, team: observers, do: alert, zones: all}",
     r"team 'observers' is an observer team and takes no decisions"),
    ("unknown connection", "{inject: I1, team: venue, do: close, connection: front_door}",
     r"close: unknown connection 'front_door' \(connections: hall_foyer, foyer_street, "),
    ("negative delay", "{inject: I1, team: venue, do: alert, zones: all, after: -1 h}",
     r"decisions\[1\]\.after: '-1 h' cannot be negative \(time does not run backwards\): got -3600 s"),
    ("absurd delay", "{inject: I1, team: venue, do: alert, zones: all, after: 1e300 s}",
     r"decisions\[1\]\.after: '1e300 s' is longer than 400 days"),
    ("delay beyond the scenario", "{inject: I1, team: venue, do: alert, zones: all, after: 300 d}",
     r"alert: after 7200 h 0 min is after the scenario ends \(96 h 0 min\)"),
    ("share not a number", "{inject: I1, team: venue, do: alert, zones: all, share: .nan}",
     r"decisions\[1\]\.share: nan must be a finite number"),
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


def test_all_doctrine_problems_are_reported_at_once():
    bad = EXERCISE_TEXT.replace("doctrine: {connection: courtyard_gate}", "doctrine: {connection: back_door}").replace(
        "doctrine: {unit: armed_response}", "doctrine: {unit: swat}")
    Path("exercises/bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        load_exercise("exercises/bad.yaml")
    assert [p.path for p in info.value.problems] == ["msel[0].expect[0].doctrine", "msel[3].expect[0].doctrine"]
    assert "dispatch: unknown unit 'swat'" in str(info.value)


@pytest.mark.parametrize(("typed", "said"), [
    ("alert zones=all share=nan", "alert: share=nan: must be a finite number"),
    ("alert zones=all share=inf", "alert: share=inf: must be a finite number"),
    ("alert zones=all share=1e400", "alert: share=1e400: must be a finite number"),
    ("alert zones=all share=5", "alert: share 5 must be at most 1"),
    ("alert zones=all after=-1h", "alert: after=-1h: cannot be negative (time does not run backwards): got -3600 s"),
    ("alert zones=all after=1e300s", "alert: after=1e300s: is longer than 400 days (1e+300 s): check the number and unit"),
    ("alert zones=all after=300d", "alert: after 7200 h 0 min is after the scenario ends (96 h 0 min)"),
    ('alert zones="all', "cannot read the decision 'alert zones=\"all': No closing quotation"),
])
def test_console_refuses_bad_numbers_in_plain_words(tmp_path, typed, said):
    from facilitator.conduct.console import Console
    from facilitator.conduct.store import start_session

    session = start_session(load_exercise("exercises/community-hall.yaml"), out_dir=tmp_path)
    lines = iter(["", typed, "", 'now "I2', "sitrep ghost", "quit"])
    out: list[str] = []
    Console(session, read=lambda prompt: next(lines), write=out.append, figures=False).run()
    assert f"  refused: {said}" in out
    assert "  cannot read 'now \"I2' (No closing quotation): close the quote or leave it out" in out
    assert any(line.startswith("  unknown team 'ghost' (teams: venue, police") for line in out)


def test_a_schema_error_does_not_hide_bad_references_or_a_bad_scenario():
    scenario = Path("community-hall-incident.yaml").read_text(encoding="utf-8")
    Path("community-hall-incident.yaml").write_text(scenario.replace("count: 300", "count: lots"), encoding="utf-8")
    bad = EXERCISE_TEXT.replace("    at: 0 min\n", "    at: soon\n", 1).replace("    to: [police]\n", "    to: [polis]\n", 1)
    Path("exercises/bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        load_exercise("exercises/bad.yaml")
    text = str(info.value)
    assert re.search(r"msel\[0\]\.at: 'soon'", text), text  # the schema error
    assert re.search(r"msel\[\d+\]\.to\[0\]: 'polis' is not a team \(did you mean 'police'\?\)", text), text
    assert "is not a valid scenario (1 problem(s) listed next)" in text and "'lots' must be a whole number" in text


def test_a_facilitator_command_at_a_team_prompt_is_explained_not_refused_as_an_action(tmp_path):
    from facilitator.conduct.console import Console
    from facilitator.conduct.store import start_session

    session = start_session(load_exercise("exercises/community-hall.yaml"), out_dir=tmp_path)
    lines = iter(["", "quit", "", "quit"])  # release I1; 'quit' at the venue prompt; end the turn; leave
    out: list[str] = []
    Console(session, read=lambda prompt: next(lines), write=out.append, figures=False).run()
    assert "  'quit' is a facilitator command: first end this team's turn with an empty line" in out
    assert not any("unknown action 'quit'" in line for line in out)


CONNECTIONS = ("hall_foyer, foyer_street, gallery_stair, hall_side, side_corridor, kitchen_corridor, hall_corridor, "
               "corridor_exit, hall_courtyard, courtyard_gate")


@pytest.mark.parametrize(("team", "typed", "said"), [
    ("venue", "close", f"close needs a connection: add connection=... (connections: {CONNECTIONS})"),
    ("venue", "open -- reopen it", f"open needs a connection: add connection=... (connections: {CONNECTIONS})"),
    ("venue", "close connection=front_door", f"close: unknown connection 'front_door' (connections: {CONNECTIONS})"),
    ("police", "dispatch", "dispatch needs a unit: add unit=... (units: patrol_1, patrol_2, armed_response)"),
    ("venue", "evacuate", "evacuate needs zones: add zones=... (zones: all, main_hall, gallery, side_room, kitchen, foyer, "
                          "rear_corridor, courtyard)"),
    ("police", "cordon zones=all level=lukewarm", "cordon: level 'lukewarm' must be one of 'hot', 'warm' or 'cold'"),
    ("police", "declare what=done", "declare: what 'done' must be one of 'contained' or 'all_clear'"),
    ("venue", "alert zones=all share=0", "alert: share 0 must be more than 0"),
])
def test_decisions_are_refused_in_words_with_the_choices(tmp_path, team, typed, said):
    """No schema path ('action connection:', 'Value error, ') reaches a team; the valid choices are listed."""
    from facilitator.conduct.store import start_session
    from facilitator.exercise.decisions import DecisionError, parse_line

    session = start_session(load_exercise("exercises/community-hall.yaml"), out_dir=tmp_path)
    session.advance_phase("conduct")
    with pytest.raises(DecisionError) as info:
        session.decide(parse_line(typed, team=team))
    assert str(info.value) == said
    assert "action " not in str(info.value) and "Value error" not in str(info.value)


def test_an_inject_to_a_team_that_can_act_but_expects_nothing_is_warned_not_refused():
    old = "{exited:nobody has|one person has|# people have} left the venue.\"\n    discussion_only: true\n"
    assert old in EXERCISE_TEXT
    Path("exercises/warn.yaml").write_text(EXERCISE_TEXT.replace(old, old.replace("    discussion_only: true\n", "")),
                                           encoding="utf-8")
    loaded = load_exercise("exercises/warn.yaml")  # a warning, not an error
    line = _line("  - id: I7\n")
    assert loaded.warnings == (f"exercises/warn.yaml:{line} msel[7]: inject I7 goes to venue, police, ems, who can act, "
                               "but expects no action: add expect: or mark it discussion_only: true",)
    res = CliRunner().invoke(exercise, ["start", "exercises/warn.yaml", "--decisions", str(ROOT / "scenarios" / "exercises" /
                                        "community-hall-decisions.yaml"), "--out", "s"])
    assert res.exit_code == 0, res.output
    assert f"warning: exercises/warn.yaml:{line} msel[7]: inject I7 goes to" in res.output
    assert load_exercise("exercises/community-hall.yaml").warnings == ()


def test_a_discussion_only_inject_cannot_expect_an_action():
    old = "    text: \"The trustees ask when the hall can reopen and what the community should be told.\"\n"
    new = old + "    expect:\n      - {team: venue, action: release, doctrine: {zones: [side_room]}}\n"
    Path("exercises/bad.yaml").write_text(EXERCISE_TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(ExerciseError, match=r"msel\[8\]: a discussion-only inject expects no action: remove expect or "
                                            r"discussion_only"):
        load_exercise("exercises/bad.yaml")


def test_the_console_marks_discussion_only_injects(tmp_path):
    from facilitator.conduct.console import Console
    from facilitator.conduct.store import start_session

    session = start_session(load_exercise("exercises/community-hall.yaml"), out_dir=tmp_path)
    lines = iter(["now I8", "", "status", "quit"])
    out: list[str] = []
    Console(session, read=lambda prompt: next(lines), write=out.append, figures=False).run()
    assert "-- discussion only: no action answers this inject; ask the module's questions ('questions') and note the answers" in out
    assert any(line.startswith("  I8 ") and line.endswith("(discussion)") for line in out)
    assert not any(line.startswith("  I1 ") and line.endswith("(discussion)") for line in out)
