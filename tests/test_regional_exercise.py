"""Regional exercises: the shipped Riverside City exercise plays end to end over a regional run, replays
byte-identically, and bad input gets a clear message (file, line, field)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from facilitator.cli import exercise as exercise_cli
from facilitator.conduct.regional import RegionalSession
from facilitator.conduct.store import replay_session, start_session
from facilitator.exercise.decisions import DecisionError, ExerciseError, ScriptedDecision, load_decisions
from facilitator.exercise.loader import check_decision, check_decisions, load_exercise
from facilitator.exercise.regional import LoadedRegionalExercise
from simsoft.region import RegionalRun

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"
DECISIONS = ROOT / "scenarios" / "exercises" / "riverside-city-decisions.yaml"


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sessions")
    res = CliRunner().invoke(exercise_cli, ["start", str(EXERCISE), "--decisions", str(DECISIONS), "--out", str(out),
                                            "--no-figures"])
    assert res.exit_code == 0, res.output
    assert "refused" not in res.output and "not played" not in res.output, res.output
    (folder,) = list(out.glob("*/*/session.sqlite"))
    return folder.parent


def test_the_exercise_loads_as_a_regional_exercise():
    loaded = load_exercise(EXERCISE)
    assert isinstance(loaded, LoadedRegionalExercise) and loaded.region is not None
    assert [s.id for s in loaded.region.region.sites] == ["station", "st_marks", "stadium", "festival"]
    assert loaded.seed == 1 and not loaded.warnings


def test_scripted_play_releases_every_inject_and_takes_every_decision(played: Path):
    log = (played / "summary.md").read_text(encoding="utf-8")
    released = dict(re.findall(r"^- (\S+) \[released, (\w+)\]", log, re.M))
    # Region triggers (a hospital at capacity, police exhausted) and site triggers (St Mark's) fired.
    assert released["I5"] == released["I7"] == released["I3"] == released["I4"] == "trigger"
    assert "[pending]" not in log and "I1c [cancelled]" in log
    assert "not taken" not in log.split("## Expected actions")[1].split("## Regional findings")[0]
    assert "## Regional findings" in log and "| Central Station |" in log and "| St Mary's General (trauma unit) |" in log


def test_decisions_reach_the_regional_run_with_their_team(played: Path):
    rows = [json.loads(line) for line in (played / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    decided = [(r["subject"], r["values"]["source"]) for r in rows if r["kind"] == "region.decision"]
    assert decided == [("mutual_aid", "team:ambulance_control"), ("posture", "team:scg"), ("posture", "team:police_gold"),
                       ("reassign_units", "team:ambulance_control"), ("public_information", "team:comms"),
                       ("distribution", "team:health"), ("divert", "team:health")]
    assert {r["site"] for r in rows} == {"", "station", "st_marks", "stadium", "festival"}
    # The diversion comes when St Mary's is at capacity: the trigger read the shared hospital.
    divert = next(r for r in rows if r["kind"] == "region.decision" and r["subject"] == "divert")
    assert divert["t_s"] > 3000


def test_replay_gives_the_same_records(played: Path, tmp_path: Path):
    written, same, damage = replay_session(played, out=tmp_path)
    assert same is True and damage is None
    assert written.read_bytes() == (played / "events.jsonl").read_bytes()


def test_a_decision_from_code_equals_the_same_decision_scripted_in_the_region(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    session = start_session(loaded, out_dir=tmp_path)
    assert isinstance(session, RegionalSession)
    session.advance_phase("conduct")
    while (s := session.release_next()) is not None and s.inject.id != "I1":
        pass
    session.decide(ScriptedDecision(team="ambulance_control", action={"do": "mutual_aid", "kind": "ambulance", "count": 4}))
    report = session.sitrep("health")
    assert report[0].startswith("REGION at 4 min") and any(line.startswith("hospital Royal Infirmary (major trauma centre): 0 of 96 beds used") for line in report)
    assert any(line.startswith("site Central Station (station): incident since 2 min 0 s, over at 3 min 0 s; 9,900 inside") for line in report)
    session.advance_phase("hot_wash")
    scripted = RegionalRun(loaded.region, seed=loaded.seed)
    scripted.decisions.apply({"do": "mutual_aid", "kind": "ambulance", "count": 4, "at": "240.0 s", "note": "D1"},
                             source="team:ambulance_control")
    scripted.run_to_end()
    for sid, sim in scripted.sims.items():
        assert [e.to_dict() for e in sim.recorder.events] == [e.to_dict() for e in session.run.sims[sid].recorder.events]
    assert [e.to_dict() for e in scripted.recorder.events] == [e.to_dict() for e in session.run.recorder.events]


def _exercise_with(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(EXERCISE.read_text(encoding="utf-8"))
    data["exercise"]["region"] = str(ROOT / "scenarios" / "regions" / "riverside-city.yaml")
    change(data)
    path = tmp_path / "ex.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_trigger_naming_a_hospital_the_region_lacks_is_refused_with_file_line_and_field(tmp_path: Path):
    def change(data):
        data["msel"][7]["when"] = {"hospital_at_capacity": "st_mary"}
    path = _exercise_with(tmp_path, change)
    with pytest.raises(ExerciseError, match=r"ex\.yaml:\d+ msel\[7\].when\.hospital_at_capacity: 'st_mary' is not a shared "
                                            r"hospital of the region \(did you mean 'st_marys'\?\)"):
        load_exercise(path)


def test_a_venue_verb_and_a_site_the_region_lacks_are_refused_in_a_decision_file(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    path = tmp_path / "decisions.yaml"
    path.write_text("decisions:\n"
                    "  - {inject: I1, team: ambulance_control, do: mutual_aid, kind: ambulance, count: 4}\n"
                    "  - {inject: I3, team: ambulance_control, do: reassign_units, from: station, to: st_mark, count: 2}\n"
                    "  - {inject: I1, team: scg, do: evacuate, zones: all}\n", encoding="utf-8")
    with pytest.raises(ExerciseError) as err:
        check_decisions(loaded, load_decisions(path))
    text = str(err.value)
    assert re.search(r"decisions\.yaml:3 decisions\[1\]: reassign_units: to 'st_mark' is not a site of the region "
                     r"\(sites: festival, st_marks, stadium, station\)", text), text
    assert re.search(r"decisions\.yaml:4 decisions\[2\]: unknown regional decision 'evacuate' \(known: assign_units, ", text), text


def test_a_team_of_a_regional_exercise_sees_the_region_and_venue_exercises_refuse_region_fields(tmp_path: Path):
    def change(data):
        data["teams"][0]["knows_as"] = "police"
    with pytest.raises(ExerciseError, match=r"teams\[0\]\.knows_as: 'police' is 'police'; a team of a regional exercise"):
        load_exercise(_exercise_with(tmp_path, change))
    venue = yaml.safe_load((ROOT / "scenarios" / "exercises" / "community-hall.yaml").read_text(encoding="utf-8"))
    venue["exercise"]["scenario"] = str(ROOT / "scenarios" / "community-hall-incident.yaml")
    venue["msel"][0]["site"] = "station"
    path = tmp_path / "venue.yaml"
    path.write_text(yaml.safe_dump(venue, sort_keys=False), encoding="utf-8")
    with pytest.raises(ExerciseError, match=r"msel\[0\]\.site: 'station' names a site, which only a regional exercise"):
        load_exercise(path)


def test_an_exercise_names_a_scenario_or_a_region_not_both(tmp_path: Path):
    def change(data):
        data["exercise"]["scenario"] = "../transit-hub.yaml"
    with pytest.raises(ExerciseError, match=r"exercise: needs exactly one of scenario \(one venue\) and region"):
        load_exercise(_exercise_with(tmp_path, change))


def test_a_decision_the_region_refuses_is_journaled_as_refused(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    with pytest.raises(DecisionError, match=r"divert: hospital 'nowhere' is not a hospital of the region"):
        check_decision(loaded, ScriptedDecision(team="health", action={"do": "divert", "hospital": "nowhere"}))
    with pytest.raises(DecisionError, match=r"team 'comms' may not divert \(may: public_information\)"):
        check_decision(loaded, ScriptedDecision(team="comms", action={"do": "divert", "hospital": "royal"}))


def test_the_aar_scores_the_expected_actions_and_reports_regional_findings(played: Path, tmp_path: Path):
    res = CliRunner().invoke(exercise_cli, ["report", str(played), "--out", str(tmp_path), "-n", "0"])
    assert res.exit_code == 0, res.output
    aar = (tmp_path / "aar.md").read_text(encoding="utf-8")
    assert "Of 7 expected actions, 7 were taken within their time standard" in aar
    assert "| I5 | health | divert | CT2.3 | 10 min 0 s | D7 | 0 s | 2 (on time) |" in aar
    findings = aar.split("## Regional findings")[1].split("## Conclusion")[0]
    assert "| Central Station | 100 |" in findings and "| St Mary's General (trauma unit) | 60 | 60 | 100 % |" in findings
    assert "| ambulance | 14 |" in findings  # ten of the region's and four of mutual aid
    assert "Outcomes were not computed for this report (--replications 0): the regional findings below are the " \
           "played run, one seed." in aar.split("## Outcomes")[1].split("##")[0]
    assert "![" in aar and "(region-map.png)" in aar and (tmp_path / "region-map.png").is_file()
    assert not (tmp_path / "venue.png").exists()


def test_a_forecast_after_conduct_says_so_in_one_line(played: Path):
    res = CliRunner().invoke(exercise_cli, ["forecast", str(played), "--team", "health", "divert hospital=royal"])
    assert res.exit_code != 0 and "forecasts are asked during conduct (the session is in closed)" in res.output
    assert "Traceback" not in res.output


def test_evaluate_proposes_ratings_from_timeliness(played: Path):
    res = CliRunner().invoke(exercise_cli, ["evaluate", str(played), "-n", "0"])
    assert res.exit_code == 0, res.output
    assert "P  Public Information and Warning: timeliness 2/2: every expected action on time" in res.output
