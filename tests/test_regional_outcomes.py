"""Outcome comparisons of a regional session: the teams' decisions against doctrine and no action over seeded
replications of the region (facilitator.evaluation.regional_outcomes), in evaluate and the AAR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import exercise as exercise_cli
from facilitator.conduct.store import open_session
from facilitator.documents.prose import fmt_metric, meaningful, meaningful_text
from facilitator.evaluation.outcomes import team_actions
from facilitator.evaluation.regional_outcomes import (RegionalOutcomes, indicator_values, regional_doctrine_plan,
                                                      regional_metrics, regional_session_outcomes, run_arm_chunk,
                                                      _arms)
from simsoft.experiments import Task

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"
DECISIONS = ROOT / "scenarios" / "exercises" / "riverside-city-decisions.yaml"


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sessions")
    res = CliRunner().invoke(exercise_cli, ["start", str(EXERCISE), "--decisions", str(DECISIONS), "--out", str(out),
                                            "--no-figures"])
    assert res.exit_code == 0, res.output
    (folder,) = list(out.glob("*/*/session.sqlite"))
    return folder.parent


def test_the_team_arm_at_the_session_seed_is_the_played_run(played: Path):
    session = open_session(played)
    arms = _arms(session.loaded, ["team", "no_action"], team=team_actions(session), doctrine=None, seed=session.loaded.seed)
    ((_, _, _, team),) = run_arm_chunk(arms, [Task(0, "team", 0, session.loaded.seed)])
    assert team == indicator_values(session.run.result())
    ((_, _, _, none),) = run_arm_chunk(arms, [Task(1, "no_action", 0, session.loaded.seed)])
    assert none != team  # the decisions change the region (mutual aid: no ambulance short of a request)
    assert team["units.ambulance.shortfall"] == 0 and none["units.ambulance.shortfall"] > 0


def test_doctrine_is_the_msel_expected_actions_at_their_standards(played: Path):
    session = open_session(played)
    actions, gaps = regional_doctrine_plan(session.loaded, team=session)
    assert not gaps
    assert [a["do"] for a in actions] == ["mutual_aid", "posture", "posture", "reassign_units", "public_information",
                                          "distribution", "divert"]
    # I1 at 4 min, mutual aid's standard (CT2.1) is 10 min
    assert actions[0]["at"] == f"{(4 + 10) * 60.0!r} s" and actions[0]["count"] == 4


def test_outcomes_are_the_same_on_every_executor_and_cached(played: Path, tmp_path: Path):
    session = open_session(played)
    calls: list[int] = []
    serial = regional_session_outcomes(session, replications=3, executor="serial", cache=tmp_path / "o.json",
                                       on_start=calls.append)
    assert calls == [9]
    procs = regional_session_outcomes(session, replications=3, executor="processes", workers=2,
                                      cache=tmp_path / "other.json")
    assert serial.values == procs.values and serial.seeds == procs.seeds
    again = regional_session_outcomes(session, replications=3, cache=tmp_path / "o.json", on_start=calls.append)
    assert calls == [9] and again.values == serial.values  # from the cache: nothing ran
    assert isinstance(again, RegionalOutcomes) and again.metrics == serial.metrics
    keys = [m for m, _, _ in serial.metrics]
    assert keys[:5] == ["medical.deaths", "medical.preventable_deaths", "incident.exposed_person_min",
                        "site.station.deaths", "site.st_marks.deaths"]  # the quiet venues have no deaths row
    assert json.loads((tmp_path / "o.json").read_text())["entries"][0]["metrics"][0][0] == "medical.deaths"


def test_dask_gives_the_same_outcomes(played: Path, tmp_path: Path):
    pytest.importorskip("distributed")
    session = open_session(played)
    serial = regional_session_outcomes(session, replications=2, executor="serial", cache=tmp_path / "a.json")
    dask = regional_session_outcomes(session, replications=2, executor="dask", workers=2, cache=tmp_path / "b.json")
    assert serial.values == dask.values


def test_regional_indicators_have_units_and_practical_thresholds():
    d = {"mean": 0.4, "ci_low": 0.1, "ci_high": 0.7, "significant": True}
    assert not meaningful("site.station.deaths", d) and meaningful("site.station.deaths", {**d, "mean": 0.6})
    assert not meaningful("region.time_to_hospital_p90_s", {**d, "mean": 45.0})
    assert meaningful("region.time_to_hospital_p90_s", {**d, "mean": 75.0})
    assert fmt_metric("region.time_to_hospital_median_s", 1620.0) == "27.0 min"
    assert fmt_metric("region.peak_hospital_load_pct", 87.4) == "87 %"
    assert meaningful_text("region.peak_hospital_load_pct", {"mean": -7.0, "ci_low": -11.0, "ci_high": -3.0,
                                                            "significant": True}) == \
        "7 percentage points lower (3 to 11 percentage points lower)"
    assert not meaningful("region.peak_hospital_load_pct", {"mean": -4.0, "ci_low": -6.0, "ci_high": -2.0,
                                                            "significant": True})


def test_evaluate_and_report_compare_the_region_over_replications(played: Path, tmp_path: Path):
    res = CliRunner().invoke(exercise_cli, ["evaluate", str(played), "-n", "3", "--executor", "serial"])
    assert res.exit_code == 0, res.output
    assert "no outcome comparison" not in res.output
    assert "P  Public Information and Warning: timeliness 2/2: every expected action on time" in res.output
    res = CliRunner().invoke(exercise_cli, ["report", str(played), "--out", str(tmp_path), "-n", "3"])
    assert res.exit_code == 0, res.output
    aar = (tmp_path / "aar.md").read_text(encoding="utf-8")
    section = aar.split("## Outcomes")[1].split("\n## ")[0]
    assert "each over the same 3 seeded replications (seed 1" in section
    assert "| Deaths: Central Station |" in section and "| Ambulances short of a request | 0.00 | 2.00 | 2.00 |" in section
    assert "(outcomes.png)" in section and (tmp_path / "outcomes.png").is_file()
    assert "Replayed over 3 simulated worlds, the teams' decisions led to" in aar
    labels = [label for _, label, _ in regional_metrics(open_session(played).loaded.region)]
    assert all(f"| {label} |" in section for label in labels)


def _at_st_marks(tmp_path: Path):
    from facilitator.conduct.store import start_session
    from facilitator.exercise.decisions import ScriptedDecision
    from facilitator.exercise.loader import load_exercise

    session = start_session(load_exercise(EXERCISE), out_dir=tmp_path)
    session.advance_phase("conduct")
    while (s := session.release_next()) is not None and s.inject.id != "I3":
        pass
    session.decide(ScriptedDecision(team="scg", action={"do": "posture", "sites": ["st_marks"], "measure": "lockdown"}))
    return session


def test_contrary_actions_and_overrides_read_every_site(tmp_path: Path):
    from facilitator.evaluation.contrary import contrary_decisions, overrides

    session = _at_st_marks(tmp_path)  # St Mark's is not the first site: only a reading of every site sees this
    session.advance_phase("hot_wash")
    (c,) = contrary_decisions(session)
    assert (c.decision, c.team, c.rule) == ("D1", "scg", "lockdown where harm is happening (courtyard)")
    assert c.action == "posture sites=st_marks measure=lockdown"
    over = overrides(session)
    assert over and all(o.zone.startswith("St Mark's: ") and o.decision == "D1" for o in over)
    assert [o.t_s for o in over] == sorted(o.t_s for o in over)


def test_the_console_shows_every_site_and_draws_the_region_map(tmp_path: Path):
    from PIL import Image

    session = _at_st_marks(tmp_path)
    lines = session.key_numbers()
    assert [line.split(":")[0] for line in lines[:4]] == ["Central Station", "St Mark's", "Riverside Stadium", "Park Festival"]
    assert "inside=1500" in lines[1] and lines[4].startswith("beds used: Royal Infirmary (major trauma centre) ")
    assert "ambulance " in lines[4] and " free" in lines[4]
    worker = session.figure_worker(folder=session.folder)
    path = worker.request("I3")
    assert worker.request("I3") == path  # the same state: drawn once
    assert worker.close(wait=True) == []
    image = Image.open(path)
    assert image.size[0] > 600 and "simsoft session state t_s=2130.0" in image.info["Description"]
