"""What-if forecasts: numbers per executor, the journal and the AAR untouched, clear refusals, the web button."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_exercise, start_session
from facilitator.cli import exercise
from facilitator.conduct.console import Console
from facilitator.conduct.journal import Journal, read_journal
from facilitator.conduct.session import events_jsonl
from facilitator.conduct.store import _rebuild, open_session, replay_session
from facilitator.evaluation import runs
from facilitator.evaluation.aar import write_aar
from facilitator.evaluation.forecast import (FORECAST_ARMS, FORECAST_METRICS, draw_in_background, figure_png, forecast,
                                             format_forecast, prepare, remaining_doctrine, run_forecast)
from facilitator.exercise.decisions import DecisionError, parse_line

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"
N = 4


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


def _mid_session(loaded, out: Path, *, first: str = "close connection=courtyard_gate -- keep him out"):
    """A journaled session in conduct at I2 (2:30), with the venue's first decision taken at I1."""
    ses = start_session(loaded, out_dir=out)
    ses.advance_phase("conduct")
    ses.release_next()
    ses.decide(parse_line(first, team="venue"))
    ses.release_next()
    return ses


def test_forecast_numbers_are_identical_on_serial_processes_and_dask(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path, first="alert zones=all")
    plan = prepare(ses, team="venue", line="evacuate zones=main_hall,gallery via=street", replications=N)
    serial = run_forecast(plan, executor="serial")
    runs.forget()  # else the runs this process made are reused, whatever the executor
    pooled = run_forecast(plan, executor="processes", workers=2)
    runs.forget()
    dask = run_forecast(plan, executor="dask", workers=2)
    assert serial.values == pooled.values == dask.values
    assert set(serial.values) == set(FORECAST_ARMS)
    assert all(len(serial.values[a][m]) == N for a in FORECAST_ARMS for m, _, _ in FORECAST_METRICS)
    # common random numbers: the arms differ only by the decisions, so evacuating now changes exposure
    exposed = "incident.exposed_person_min"
    assert serial.values["proposed"][exposed] != serial.values["no_further_action"][exposed]
    # the venue's close at I1 was not taken: doctrine takes it now (its time has passed)
    assert any(d.startswith("I1 venue close connection=courtyard_gate at 2 min 30 s") for d in serial.doctrine)


def test_a_second_proposal_at_the_same_moment_runs_only_its_own_arm(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    runs.forget()
    counted: list[int] = []
    first = forecast(ses, team="venue", line="alert zones=all", replications=N, executor="serial", journal=False,
                     on_start=counted.append)
    second = forecast(ses, team="venue", line="evacuate zones=all", replications=N, executor="serial", journal=False,
                      on_start=counted.append)
    assert counted == [3 * N, N]
    assert second.values["no_further_action"] == first.values["no_further_action"]
    assert second.values["doctrine"] == first.values["doctrine"]


def test_no_further_action_is_the_history_and_doctrine_never_acts_in_the_past(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    now = ses.now_s
    for action, _ in remaining_doctrine(ses):
        assert float(action["at"].removesuffix(" s")) >= now
    plan = prepare(ses, team="venue", line="alert zones=all", replications=N)
    assert [a.note for a in plan.arms["no_further_action"].actions if a.note == "D1"] == ["D1"]
    assert [a.note for a in plan.arms["proposed"].actions][-1] == "proposed"
    # the close taken at I1 answers I1's expected action: doctrine does not take it again
    assert not any(text.startswith("I1 venue close") for _, text in remaining_doctrine(ses))
    assert any(text.startswith("I2 venue alert zones=all") for _, text in remaining_doctrine(ses))


def test_a_forecast_never_changes_the_session_replay_or_the_aar(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path / "a")
    folder = ses.folder
    forecast(ses, team="venue", line="evacuate zones=all -- what if", replications=N, executor="serial")
    ses.decide(parse_line("alert zones=all", team="venue"))
    ses.pause()
    forecast(ses, team="police", line="dispatch unit=armed_response", replications=N, executor="serial", by="evaluator")
    ses.resume()
    while ses.release_next() is not None:
        pass
    ses.advance_phase("hot_wash")
    ses.journal.close()
    entries = read_journal(folder / "session.sqlite")[0]
    assert [e.kind for e in entries].count("forecast") == 2
    assert len(ses.forecasts) == 2 and ses.forecasts[1]["by"] == "evaluator"
    # the same journal without its forecast entries, in a copy of the folder
    twin = tmp_path / "b"
    shutil.copytree(folder, twin)
    for name in ("session.sqlite", "session.key", "session.anchor.json", "events.jsonl", "outcomes.json"):
        (twin / name).unlink(missing_ok=True)
    journal = Journal.create(twin / "session.sqlite")
    for e in entries:
        if e.kind != "forecast":
            journal.append(e.kind, e.body)
    journal.close()
    a, _, _ = _rebuild(folder)
    b, _, _ = _rebuild(twin)
    assert events_jsonl(a.sim) == events_jsonl(b.sim)
    assert a.summary_lines() == b.summary_lines() and a.decisions == b.decisions and a.phase == b.phase
    assert len(a.forecasts) == 2 and b.forecasts == []
    written, same, damage = replay_session(folder, out=tmp_path / "replay")
    assert same is True and damage is None
    a.folder, b.folder = folder, twin
    md = []
    for s, name in ((a, "aar-a"), (b, "aar-b")):
        out = write_aar(s, out=tmp_path / name, replications=3, executor="serial", figures=False)
        text = (out / "aar.md").read_text(encoding="utf-8").replace(str(s.folder), "SESSION")
        # the twin's journal was written anew just now, so its steps carry today's clock: compare without it
        md.append(re.sub(r" \(\d\d:\d\d UTC\)", " (CLOCK)", text))
    assert md[0] == md[1]


def test_a_bad_proposed_decision_is_refused_clearly_and_journals_nothing(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    before = ses.journal.seq
    with pytest.raises(DecisionError, match=r"team 'venue' may not dispatch \(may: alert, evacuate"):
        prepare(ses, team="venue", line="dispatch unit=armed_response")
    with pytest.raises(DecisionError, match=r"team 'fire' is not a team of the exercise"):
        prepare(ses, team="fire", line="evacuate zones=all")
    with pytest.raises(DecisionError, match=r"unknown action 'attack'"):
        prepare(ses, team="venue", line="attack zones=all")
    with pytest.raises(DecisionError, match=r"team 'control' is a controller team and takes no decisions"):
        prepare(ses, team="control", line="evacuate zones=all")
    with pytest.raises(DecisionError, match="ballroom"):
        prepare(ses, team="venue", line="evacuate zones=ballroom")
    assert ses.journal.seq == before and ses.forecasts == []
    ses.advance_phase("hot_wash")
    with pytest.raises(DecisionError, match="forecasts are asked during conduct"):
        prepare(ses, team="venue", line="evacuate zones=all")


def test_console_forecast_prints_a_table_and_refuses_without_a_traceback(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    said: list[str] = []
    console = Console(ses, read=lambda _p: "", write=said.append, figures=False)
    import facilitator.evaluation.forecast as fc

    real = fc.forecast
    fc_calls = []

    def small(session, **kw):  # the console's default replications, cut down for the test
        fc_calls.append(kw)
        return real(session, **{**kw, "replications": N, "executor": "serial"})

    fc.forecast = small
    try:
        console._command("forecast venue evacuate zones=all -- move them now")
        with pytest.raises(DecisionError, match="may not dispatch"):
            console._command("forecast venue dispatch unit=armed_response")
        console._command("forecast venue")
    finally:
        fc.forecast = real
    text = "\n".join(said)
    assert "what if venue: evacuate zones=all at 2 min 30 s" in text
    assert re.search(r"Deaths\s+\d", text) and "proposed − no further action" in text
    assert "usage: forecast TEAM VERB" in text
    assert fc_calls[0]["team"] == "venue" and fc_calls[0]["line"] == "evacuate zones=all -- move them now"
    assert len(ses.forecasts) == 1 and ses.forecasts[0]["rationale"] == "move them now"


def test_cli_forecast_journals_and_writes_the_figure(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    ses.journal.close()
    png = tmp_path / "f.png"
    res = CliRunner().invoke(exercise, ["forecast", str(ses.folder), "evacuate zones=all", "--team", "venue",
                                        "-n", str(N), "--executor", "serial", "--figure", str(png)])
    assert res.exit_code == 0, res.output
    assert "Preventable deaths" in res.output and png.read_bytes()[:4] == b"\x89PNG"
    assert [e.kind for e in read_journal(ses.folder / "session.sqlite")[0]][-1] == "forecast"
    res = CliRunner().invoke(exercise, ["forecast", str(ses.folder), "cordon zones=all level=hot", "--team", "venue",
                                        "-n", str(N)])
    assert res.exit_code == 1 and "team 'venue' may not cordon" in res.output and "Traceback" not in res.output
    assert open_session(ses.folder).forecasts[0]["team"] == "venue"


def test_format_and_figure_of_a_forecast(loaded, tmp_path):
    ses = _mid_session(loaded, tmp_path)
    result = forecast(ses, team="venue", line="alert zones=all", replications=N, executor="serial", journal=False)
    lines = format_forecast(result)
    assert lines[0].startswith("what if venue: alert zones=all at 2 min 30 s (4 replications per arm")
    assert any(line.strip().startswith("Everyone accounted for") and " min" in line for line in lines)
    assert figure_png(result)[:4] == b"\x89PNG"
    drawn = draw_in_background(result, tmp_path / "figures" / "forecast-1.png").result(timeout=120)
    assert drawn.read_bytes()[:4] == b"\x89PNG"
    assert ses.forecasts == []  # journal=False


def test_forecast_table_in_french_and_arabic(loaded, tmp_path):
    """The table's header, indicators, intervals and 'n/a' in the page's language; English stays as it was."""
    from facilitator.evaluation.forecast import TABLE_HEADER, table_header, table_rows
    from facilitator.i18n import translator

    ses = _mid_session(loaded, tmp_path)
    result = forecast(ses, team="venue", line="alert zones=all", replications=N, executor="serial", journal=False)
    assert table_header() == TABLE_HEADER == ("Indicator", "proposed now", "no further action", "doctrine",
                                              "proposed − no further action (95 % CI)", "proposed − doctrine (95 % CI)")
    english = table_rows(result)
    assert english == table_rows(result, translator("en"))
    assert english[0][0] == "Deaths" and " to " in english[0][1]
    fr = table_rows(result, translator("fr"))
    assert table_header(translator("fr"))[1:3] == ("décision proposée maintenant", "aucune autre action")
    assert fr[0][0] == "Décès" and " à " in fr[0][1] and " to " not in " ".join(c for r in fr for c in r)
    ar = table_rows(result, translator("ar"))
    assert table_header(translator("ar"))[0] == "المؤشر"
    assert all(not re.search(r"[A-Za-z]", c) for r in ar for c in r), ar
    assert format_forecast(result, translator("en")) == format_forecast(result)
    said = format_forecast(result, translator("fr"))
    assert said[0].startswith("et si venue : alert zones=all à ") and "réplications par option" in said[0]
    assert said[-1].startswith("  La doctrine ajoute : "), said[-1]
    for english in ("what if", "replications per arm", "proposed now", "no further action", "doctrine adds"):
        assert english not in "\n".join(said), english


def _client(room, role_key: str):
    from facilitator.web import create_app

    client = create_app(room).test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post("/join", data={"csrf": token, "code": room.code_of_key(role_key)}).status_code == 303
    page = client.get("/", follow_redirects=True).get_data(as_text=True)  # joining gives a fresh token
    return client, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_the_web_forecast_button_for_the_facilitator_and_evaluators(loaded, tmp_path):
    from facilitator.web import Room

    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    room.forecast_replications = N
    try:
        fac, token = _client(room, "facilitator")
        page = fac.get("/facilitator").get_data(as_text=True)
        assert "Forecasts are asked during conduct" in page
        for command in ("start", "next"):
            fac.post("/facilitator/control", data={"csrf": token, "command": command})
        page = fac.get("/facilitator").get_data(as_text=True)
        assert 'id="forecast-button"' in page and '<option value="venue">' in page
        resp = fac.post("/facilitator/forecast", data={"csrf": token, "team": "venue", "decision": "evacuate zones=all"},
                        follow_redirects=True)
        page = resp.get_data(as_text=True)
        assert "forecast ready: what if venue evacuate zones=all" in page
        assert "<th>no further action</th>" in page and "Exposed person-minutes" in page
        img = re.search(r'src="(/forecast/\d+\.png)\?lang=en"', page).group(1)
        got = fac.get(img)
        assert got.status_code == 200 and got.mimetype == "image/png" and got.data[:4] == b"\x89PNG"
        # refused: the team may not take the verb; nothing is journaled
        seq = room.version
        page = fac.post("/facilitator/forecast", data={"csrf": token, "team": "venue", "decision": "dispatch unit=x"},
                        follow_redirects=True).get_data(as_text=True)
        assert "refused: team &#39;venue&#39; may not dispatch" in page and room.version == seq
        ev, etoken = _client(room, "evaluator")
        fac.get("/lang?lang=fr")
        page = fac.get("/facilitator").get_data(as_text=True)
        assert "<th>aucune autre action</th>" in page and "<th>no further action</th>" not in page
        fac.get("/lang?lang=en")
        page = ev.post("/evaluator/forecast", data={"csrf": etoken, "team": "police", "decision": "dispatch unit=armed_response"},
                       follow_redirects=True).get_data(as_text=True)
        assert "forecast ready: what if police dispatch unit=armed_response" in page
        assert [f["by"] for f in room.session.forecasts] == ["facilitator", "evaluator"]
        assert ev.get("/forecast/999.png").status_code == 404
        team, ttoken = _client(room, "team:venue")
        assert team.post("/evaluator/forecast", data={"csrf": ttoken, "team": "venue", "decision": "alert zones=all"}).status_code == 403
        assert team.get(img).status_code == 403
        assert room.session.decisions == []  # forecasts decide nothing
    finally:
        room.close()
