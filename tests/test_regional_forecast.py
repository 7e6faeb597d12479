"""What-if forecasts of a regional session (issue 22): the region replayed from the session's history, three arms,
bands on the regional key indicators; journaled, never changing the session; the same numbers on every executor;
refusals as a real regional decision gets them; console, CLI and web."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_exercise, start_session
from facilitator.cli import exercise as exercise_cli
from facilitator.conduct.console import Console
from facilitator.conduct.journal import read_journal
from facilitator.conduct.store import _rebuild
from facilitator.evaluation import runs
from facilitator.evaluation.forecast import (FORECAST_ARMS, figure_png, forecast, format_forecast, prepare,
                                             remaining_doctrine, run_forecast)
from facilitator.evaluation.forecast_world import REGIONAL_FORECAST_KEYS
from facilitator.exercise.decisions import DecisionError, parse_line

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"
N = 4


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


def _mid_session(loaded, out: Path):
    """A journaled regional session in conduct at I1 (4 min, the station's incident), the stadium locked down."""
    ses = start_session(loaded, out_dir=out)
    ses.advance_phase("conduct")
    while (s := ses.release_next()) is not None and s.inject.id != "I1":
        pass
    ses.decide(parse_line("posture sites=stadium measure=lockdown", team="scg", regional=True))
    return ses


def test_regional_forecast_numbers_are_the_same_on_serial_and_processes(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    plan = prepare(ses, team="health", line="divert hospital=royal", replications=N, fixed=True)
    assert plan.world == "region" and [m for m, _, _ in plan.metrics] == list(REGIONAL_FORECAST_KEYS)
    serial = run_forecast(plan, executor="serial")
    runs.forget()  # else the runs this process made are reused, whatever the executor
    pooled = run_forecast(plan, executor="processes", workers=2)
    assert serial.values == pooled.values
    assert set(serial.values) == set(FORECAST_ARMS)
    assert all(len(serial.values[a][m]) == N for a in FORECAST_ARMS for m in REGIONAL_FORECAST_KEYS)
    # common random numbers: diverting the major trauma centre from 4 min moves casualties to the other hospitals
    p90 = "region.time_to_hospital_p90_s"
    assert serial.values["proposed"][p90] != serial.values["no_further_action"][p90]
    # doctrine's expected actions not taken yet, each at its doctrine time (I1's mutual aid: 4 + 10 min)
    assert serial.doctrine[0] == "I1 ambulance_control mutual_aid kind=ambulance count=4 at 14 min 0 s"
    assert not any(" scg posture sites=stadium" in d for d in serial.doctrine)  # taken by the session already


def test_the_no_further_action_arm_at_the_session_seed_is_the_session_played_on(loaded, tmp_path):
    """Replication seeds aside, the arms are the region with the session's decisions: the played run's history."""
    from facilitator.evaluation.regional_outcomes import indicator_values, run_region_chunk
    from simsoft.experiments import Task

    ses = _mid_session(loaded, tmp_path)
    plan = prepare(ses, team="health", line="divert hospital=royal", replications=N)
    ((_, _, _, got),) = run_region_chunk(plan.arms["no_further_action"], [Task(0, "x", 0, loaded.seed)])
    ses.sim.run_to_end()
    assert got == indicator_values(ses.run.result())
    now = ses.now_s
    for action, _ in remaining_doctrine(ses):
        assert float(action["at"].removesuffix(" s")) >= now


def test_a_regional_forecast_is_journaled_and_changes_nothing(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path / "a")
    before = (ses.events_text(), list(ses.decisions), ses.now_s)
    result = forecast(ses, team="ambulance_control", line="mutual_aid kind=ambulance count=4 -- before St Mark's",
                      replications=N, executor="serial", fixed=True)
    assert (ses.events_text(), list(ses.decisions), ses.now_s) == before
    (entry,) = [e for e in read_journal(ses.folder / "session.sqlite")[0] if e.kind == "forecast"]
    body = entry.body
    assert body["world"] == "region" and body["team"] == "ambulance_control" and body["rationale"] == "before St Mark's"
    assert set(body["bands"]) == set(REGIONAL_FORECAST_KEYS) and body["replications"] == N
    assert body["bands"]["medical.deaths"]["arms"]["proposed"]["n"] == N
    assert ses.forecasts[-1]["t_s"] == result.t_s == 240.0
    # the same session without the forecast plays the same records, and replaying the journal gives them again
    other = _mid_session(loaded, tmp_path / "b")
    for s in (ses, other):
        while s.release_next() is not None:
            pass
    assert ses.events_text() == other.events_text()
    rebuilt, _, damage = _rebuild(ses.folder)
    assert not damage and rebuilt.forecasts == ses.forecasts and rebuilt.events_text() == ses.events_text()


@pytest.mark.parametrize("team, line, message", [
    ("health", "mutual_aid kind=ambulance count=2", r"team 'health' may not mutual_aid \(may: divert, distribution\)"),
    ("health", "divert hospital=nowhere", r"divert: hospital 'nowhere' is not a hospital of the region \(east_city, royal, st_marys\)"),
    ("scg", "evacuate zones=all", r"unknown regional action 'evacuate' \(known: assign_units, "),
    ("nobody", "divert hospital=royal", r"team 'nobody' is not a team of the exercise"),
])
def test_a_refused_regional_proposal_is_said_as_a_decision_would_be_and_journals_nothing(loaded, tmp_path, team, line,
                                                                                           message):
    ses = _mid_session(loaded, tmp_path)
    entries = len(read_journal(ses.folder / "session.sqlite")[0])
    with pytest.raises(DecisionError, match=message):
        prepare(ses, team=team, line=line, replications=N)
    assert len(read_journal(ses.folder / "session.sqlite")[0]) == entries and ses.forecasts == []


def test_regional_forecast_outside_conduct_is_refused(loaded, tmp_path):
    ses = start_session(loaded, out_dir=tmp_path)
    with pytest.raises(DecisionError, match="forecasts are asked during conduct"):
        prepare(ses, team="health", line="divert hospital=royal", replications=N)


def test_console_cli_and_figure_of_a_regional_forecast(loaded, tmp_path, monkeypatch):
    import facilitator.evaluation.forecast as fc

    ses = _mid_session(loaded, tmp_path)
    real = fc.forecast
    monkeypatch.setattr(fc, "forecast", lambda session, **kw: real(session, **{**kw, "replications": 2, "fixed": True,
                                                                              "executor": "serial"}))
    said: list[str] = []
    console = Console(ses, read=lambda _p: "", write=said.append, figures=False)
    console._command("forecast health divert hospital=royal")
    text = "\n".join(said)
    assert "what if health: divert hospital=royal at 4 min 0 s" in text
    assert "Time to hospital (90th percentile)" in text and "Admissions over capacity" in text
    assert "Exposed person-minutes" not in text  # a venue indicator
    with pytest.raises(DecisionError, match="may not divert"):
        console._command("forecast comms divert hospital=royal")
    assert len(ses.forecasts) == 1
    monkeypatch.undo()
    ses.journal.close()
    png = tmp_path / "f.png"
    res = CliRunner().invoke(exercise_cli, ["forecast", str(ses.folder), "public_information hospitals=st_marys",
                                            "--team", "comms", "-n", "2", "--fixed-replications", "--executor", "serial",
                                            "--figure", str(png)])
    assert res.exit_code == 0, res.output
    assert "Highest hospital peak load (% of beds)" in res.output and png.read_bytes()[:4] == b"\x89PNG"
    assert [e.kind for e in read_journal(ses.folder / "session.sqlite")[0]][-1] == "forecast"
    res = CliRunner().invoke(exercise_cli, ["forecast", str(ses.folder), "divert hospital=royal", "--team", "comms"])
    assert res.exit_code == 1 and "Traceback" not in res.output and "team 'comms' may not divert" in res.output


def test_format_and_figure_of_a_regional_forecast(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    f = forecast(ses, team="health", line="distribution policy=balanced", replications=2, executor="serial",
                 journal=False, fixed=True)
    assert figure_png(f)[:4] == b"\x89PNG"
    lines = format_forecast(f)
    assert lines[1].split()[0] == "Indicator" and lines[2].lstrip().startswith("Deaths (region)")
    assert any(line.strip().startswith("Time to hospital (90th percentile)") and " min" in line for line in lines)
    assert ses.forecasts == []


def test_the_web_forecast_button_of_a_regional_session(loaded, tmp_path):
    from facilitator.web import Room
    from tests.test_forecast import _client

    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    room.forecast_replications = 2
    try:
        fac, _ = _client(room, "facilitator")

        def tok() -> str:
            return re.search(r'name="csrf" value="([^"]+)"', fac.get("/facilitator").get_data(as_text=True)).group(1)

        for command in ("start", "next", "next", "next"):
            fac.post("/facilitator/control", data={"csrf": tok(), "command": command})
        page = fac.get("/facilitator").get_data(as_text=True)
        assert 'id="forecast-button"' in page and "e.g. mutual_aid kind=ambulance count=2" in page
        assert "A regional forecast replays every site of the region together" in page
        page = fac.post("/facilitator/forecast", data={"csrf": tok(), "team": "health", "decision": "divert hospital=royal"},
                        follow_redirects=True).get_data(as_text=True)
        assert "forecast ready: what if health divert hospital=royal" in page and "Deaths (region)" in page
        img = re.search(r'src="(/forecast/\d+\.png)\?lang=en"', page).group(1)
        assert fac.get(img).data[:4] == b"\x89PNG"
        page = fac.post("/facilitator/forecast", data={"csrf": tok(), "team": "health", "decision": "evacuate zones=all"},
                        follow_redirects=True).get_data(as_text=True)
        assert "refused: unknown regional action &#39;evacuate&#39;" in page
        assert [f["world"] for f in room.session.forecasts] == ["region"] and room.session.decisions == []
    finally:
        room.close()
