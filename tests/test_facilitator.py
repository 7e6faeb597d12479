"""Exercise conduct end to end: scripted sessions through the CLI, journal, resume, replay, fork, MSEL CSV."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import exercise
from facilitator.conduct.journal import Journal, read_journal
from facilitator.conduct.session import SessionError
from facilitator.conduct.store import fork_session, open_session, play, replay_session, start_session
from facilitator.exercise.decisions import DecisionError, ScriptedDecision, load_decisions, parse_line
from facilitator.exercise.loader import load_exercise
from facilitator.exercise.msel_csv import export_csv, import_csv
from facilitator.exercise.schema import Inject
from simsoft.schema.common import FROM_FILE

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"
DECISIONS = ROOT / "scenarios" / "exercises" / "community-hall-decisions.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


def _session_dir(out: Path) -> Path:
    found = sorted(p.parent for p in out.rglob("session.sqlite"))
    assert found, f"no session under {out}"
    return found[-1]


def test_scripted_exercise_end_to_end_through_the_cli(tmp_path):
    runner = CliRunner()
    res = runner.invoke(exercise, ["start", str(EXERCISE), "--decisions", str(DECISIONS), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = res.output
    for inject in ("I1 at 0 s (scheduled)", "I2 at 2 min 30 s (scheduled)", "I5 at 3 min 30 s (trigger)",
                   "I4 at 9 min 30 s (trigger)", "I7 at 22 min 0 s (trigger)", "I8 at 45 min 0 s (scheduled)"):
        assert inject in out
    assert "I2c" not in out  # the venue alerted in time: the contingency is cancelled
    assert "D10 venue: release zones=side_room,kitchen after=60s" in out
    folder = _session_dir(tmp_path)
    assert {"session.sqlite", "session.yaml", "events.jsonl", "summary.md"} <= {p.name for p in folder.iterdir()}
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert "- I2c [cancelled]" in summary
    assert "- I2 venue alert (task CT1.1, standard 2 min 0 s): D2 after 0 s" in summary
    events = (folder / "events.jsonl").read_text(encoding="utf-8")
    assert '"source":"team:venue"' in events and '"note":"D10"' in events
    entries, damage = read_journal(folder / "session.sqlite")
    assert damage is None
    assert [e.kind for e in entries].count("decision") == len(load_decisions(DECISIONS))
    assert entries[-1].kind == "phase" and entries[-1].body["to"] == "closed"
    # report rebuilds the log from the journal
    rep = runner.invoke(exercise, ["report", str(folder), "--log"])
    assert rep.exit_code == 0 and "## Decisions" in rep.output and "D5 3 min 0 s police (I3): dispatch unit=armed_response" in rep.output


def test_the_group_joins_simsoft_through_the_entry_point(tmp_path, monkeypatch):
    from simsoft import cli as simsoft_cli

    monkeypatch.chdir(tmp_path)
    group = simsoft_cli.cli
    simsoft_cli._load_plugins(group)
    assert "exercise" in group.commands
    res = CliRunner().invoke(group, ["exercise", "start", str(EXERCISE), "--decisions", str(DECISIONS)])
    assert res.exit_code == 0, res.output
    assert list((tmp_path / "outputs" / "sessions" / "community-hall-evening-gathering-tabletop").iterdir())
    bad = CliRunner().invoke(group, ["exercise", "resume", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1 and "no session journal here" in bad.output


def test_replay_rebuilds_byte_identical_records(tmp_path, loaded):
    session = play(start_session(loaded, out_dir=tmp_path, script=load_decisions(DECISIONS)))
    written, same, damage = replay_session(session.folder)
    assert same is True and damage is None
    assert written.read_bytes() == (session.folder / "events.jsonl").read_bytes()
    res = CliRunner().invoke(exercise, ["replay", str(session.folder), "--out", str(tmp_path / "again")])
    assert res.exit_code == 0 and "identical" in res.output


def test_fork_takes_another_choice_and_the_contingency_fires(tmp_path, loaded):
    session = play(start_session(loaded, out_dir=tmp_path, script=load_decisions(DECISIONS)))
    dropped = play(fork_session(session.folder, at="D2"))
    assert dropped.state("I2c").status == "released" and dropped.state("I2c").reason == "contingency"
    assert dropped.state("I2c").released_s == pytest.approx(150 + 180)
    other = play(fork_session(session.folder, at="D2", choice="alert zones=main_hall share=0.5 -- only the hall"))
    assert other.state("I2c").status == "cancelled"
    d2 = other.decisions[1]
    assert (d2.id, d2.action, d2.rationale) == ("D2", {"do": "alert", "zones": ["main_hall"], "share": 0.5}, "only the hall")
    # the first decision and everything before the fork point are the same; later decisions are replayed
    assert other.decisions[0].action == session.decisions[0].action
    assert [d.action["do"] for d in other.decisions] == [d.action["do"] for d in session.decisions]
    # a fork is itself a session: it replays identically
    assert replay_session(other.folder)[1] is True
    res = CliRunner().invoke(exercise, ["fork", str(session.folder), "--at", "D99"])
    assert res.exit_code == 1 and "no decision 'D99'" in res.output


def test_pause_skip_release_now_and_refused_decisions(tmp_path, loaded):
    s = start_session(loaded, out_dir=tmp_path)
    with pytest.raises(SessionError, match="the session is in briefing; this needs conduct"):
        s.release_next()
    s.advance_phase()
    s.pause()
    with pytest.raises(SessionError, match="the session is paused; resume it first"):
        s.release_next()
    s.resume()
    assert s.release_next().inject.id == "I1"
    assert s.skip().inject.id == "I2"
    assert s.state("I2c").status == "cancelled"  # its parent was skipped
    assert s.release_now("I6").released_s == 0.0
    with pytest.raises(DecisionError, match=r"team 'police' may not evacuate \(may: dispatch, mutual_aid, cordon, declare\)"):
        s.decide(parse_line("evacuate zones=all", team="police"))
    with pytest.raises(DecisionError, match=r"dispatch: unknown unit 'swat' \(known: armed_response, patrol_1, patrol_2\)"):
        s.decide(parse_line("dispatch unit=swat", team="police"))
    with pytest.raises(DecisionError, match="team 'evaluators' is an evaluator team and takes no decisions"):
        s.decide(parse_line("alert zones=all", team="evaluators"))
    assert not s.decisions and len(s.rejected) == 3
    assert not [e for e in s.sim.recorder.events if e.kind.startswith("action.") and "team:" in str(e.values.get("source"))]
    made = s.decide(parse_line("alert zones=all after=1min -- now", team="venue"))
    assert (made.id, made.t_s, made.after_s, made.inject) == ("D1", 0.0, 60.0, "I6")
    kinds = [e.kind for e in read_journal(s.folder / "session.sqlite")[0]]
    assert kinds == ["start", "phase", "pause", "resume", "release", "skip", "release", "rejected", "rejected", "rejected", "decision"]


def test_resume_continues_exactly_where_the_journal_ends(tmp_path, loaded):
    script = load_decisions(DECISIONS)
    whole = play(start_session(loaded, out_dir=tmp_path / "a", script=script))
    part = start_session(loaded, out_dir=tmp_path / "b", script=script)
    part.advance_phase()
    part.release_next()
    part.decide(script[0], script_index=0)
    part.release_next()
    part.journal.close()
    resumed = open_session(part.folder)
    assert resumed.now_s == 150.0 and [d.id for d in resumed.decisions] == ["D1"]
    play(resumed)
    assert (resumed.folder / "events.jsonl").read_bytes() == (whole.folder / "events.jsonl").read_bytes()


def test_kill_9_mid_session_then_resume(tmp_path, loaded):
    """A real crash: SIGKILL the CLI between steps of a paced scripted run, then resume it."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-c", "from simsoft.cli import main; main()", "exercise", "start", str(EXERCISE),
           "--decisions", str(DECISIONS), "--out", str(tmp_path / "crash"), "--pace", "0.3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    seen = b""
    deadline = time.monotonic() + 60
    while b"D3 venue" not in seen and time.monotonic() < deadline:
        chunk = proc.stdout.read1(4096) if proc.stdout else b""
        if not chunk:
            break
        seen += chunk
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert b"D3 venue" in seen, seen.decode()
    assert b"session closed" not in seen
    folder = _session_dir(tmp_path / "crash")
    before = [e.kind for e in read_journal(folder / "session.sqlite")[0]]
    assert "decision" in before and before[-1] != "phase"
    res = CliRunner().invoke(exercise, ["resume", str(folder)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output and "session closed" in res.output
    whole = play(start_session(loaded, out_dir=tmp_path / "whole", script=load_decisions(DECISIONS)))
    assert (folder / "events.jsonl").read_bytes() == (whole.folder / "events.jsonl").read_bytes()
    assert [e.body.get("id") for e in read_journal(folder / "session.sqlite")[0] if e.kind == "decision"] == \
        [f"D{i}" for i in range(1, len(load_decisions(DECISIONS)) + 1)]


def test_a_damaged_journal_is_detected_and_its_valid_prefix_kept(tmp_path, loaded):
    session = play(start_session(loaded, out_dir=tmp_path, script=load_decisions(DECISIONS)), close=False)
    session.journal.close()
    path = session.folder / "session.sqlite"
    total = len(read_journal(path)[0])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE journal SET body = '{}' WHERE seq = 5")
    # a careless tool drops the triggers and edits a row
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER journal_no_update")
        conn.execute("""UPDATE journal SET body = replace(body, 'armed_response', 'patrol_2') WHERE kind = 'decision'
                        AND body LIKE '%armed_response%'""")
    entries, damage = read_journal(path)
    assert damage is not None and "fails its hash check" in damage
    bad_seq = len(entries) + 1
    assert f"entry {bad_seq} (decision) fails its hash check; kept the {bad_seq - 1} entries before it" == damage
    res = CliRunner().invoke(exercise, ["replay", str(session.folder)])
    assert "journal damaged" in res.output
    warnings: list[str] = []
    resumed = open_session(session.folder, warn=warnings.append)
    assert warnings and "damaged file is kept as session.sqlite.damaged-" in warnings[0]
    assert len(read_journal(path)[0]) == bad_seq - 1 < total
    assert [p.name for p in session.folder.iterdir() if p.name.startswith("session.sqlite.damaged-")]
    play(resumed)
    assert read_journal(path)[1] is None
    # garbage instead of a database: reported, nothing kept
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    assert read_journal(junk) == ([], "the journal is not readable SQLite (file is not a database); nothing could be kept")


def test_journal_chain_and_append_only(tmp_path):
    j = Journal.create(tmp_path / "j.sqlite")
    a = j.append("start", {"x": 1})
    b = j.append("note", {"text": "ü"})
    assert b.prev == a.hash and a.prev == "0" * 64
    j.close()
    entries, damage = read_journal(tmp_path / "j.sqlite")
    assert damage is None and [e.body for e in entries] == [{"x": 1}, {"text": "ü"}]
    with pytest.raises(Exception, match="already exists"):
        Journal.create(tmp_path / "j.sqlite")


def test_situation_reports_separate_ground_truth_from_what_a_team_knows(tmp_path, loaded):
    s = start_session(loaded, out_dir=tmp_path)
    s.advance_phase()
    for _ in range(3):
        s.release_next()
    assert s.now_s == 180.0
    truth = "\n".join(s.sitrep("control"))
    assert truth.startswith("GROUND TRUTH at 3 min 0 s") and "incident: started 2 min 0 s, in courtyard" in truth
    assert "police knows since 2 min 37 s (via call)" in truth
    venue = "\n".join(s.sitrep("venue"))
    # Venue control hears at 4 min 53 s in the model, but inject I2 (people running in, screaming) told
    # the venue team at 2 min 30 s: its report cannot deny it, and its counts are I2's (issue 17).
    assert "no report of an incident" not in venue
    assert "incident reported to you at 2 min 30 s (via inject I2 (Stewards in the courtyard))" in venue
    assert re.search(r"people inside: (about )?\d+ \(main_hall (about )?\d+, .*\) \(as of 2 min 30 s, inject I2\)", venue)
    police = "\n".join(s.sitrep("police"))
    assert "incident reported to you at 2 min 37 s (via call)" in police and "location: not confirmed" in police
    assert "casualties reported" not in police  # police heard less than report_delay ago


def test_parse_line():
    d = parse_line("evacuate zones=main_hall,gallery via=street after=30s -- smoke", team="venue", inject="I2")
    assert d.action == {"do": "evacuate", "zones": ["main_hall", "gallery"], "via": ["street"]}
    assert (d.after_s, d.rationale, d.inject) == (30.0, "smoke", "I2")
    assert parse_line("alert zones=all share=0.5", team="venue").action == {"do": "alert", "zones": "all", "share": 0.5}
    with pytest.raises(DecisionError, match=r"unknown action 'flee' \(known: accountability, alert, "):
        parse_line("flee", team="venue")
    with pytest.raises(DecisionError, match=r"evacuate: unknown parameter 'zone' \(parameters: zones, via\)"):
        parse_line("evacuate zone=main_hall", team="venue")
    with pytest.raises(DecisionError, match="must be written key=value"):
        parse_line("evacuate main_hall", team="venue")


def test_msel_csv_round_trip(tmp_path, loaded):
    text = export_csv(loaded.exercise)
    assert text.splitlines()[0] == "id,module,at,when,if_missing,sender,to,method,text,expect,discussion_only,notes"
    path = tmp_path / "msel.csv"
    path.write_text(text, encoding="utf-8")
    items = import_csv(path)
    back = [Inject.model_validate(i, context=FROM_FILE) for i in items]
    assert back == list(loaded.exercise.msel)
    res = CliRunner().invoke(exercise, ["msel-import", str(path)])
    assert res.exit_code == 0 and res.output.startswith("msel:\n- id: I1\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,module,to,text,colour\nI1,M1,venue,hi,red\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"unknown column\(s\) colour"):
        import_csv(bad)


def test_scripted_decision_line_round_trips():
    d = ScriptedDecision(team="venue", action={"do": "evacuate", "zones": ["main_hall"], "via": ["street"]}, rationale="go")
    again = parse_line(d.line(), team="venue")
    assert again.action == d.action and again.rationale == "go"
