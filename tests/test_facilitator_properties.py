"""Property: whatever a room does, in whatever order, the journal stays sound and replays identically."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.conduct.journal import read_journal
from facilitator.conduct.session import SessionError
from facilitator.conduct.store import open_session, replay_session, start_session
from facilitator.exercise.decisions import DecisionError, parse_line
from facilitator.exercise.loader import load_exercise
from simsoft import SimsoftError

ROOT = Path(__file__).resolve().parents[1]
LOADED = load_exercise(ROOT / "scenarios" / "exercises" / "community-hall.yaml")

LINES = [
    ("venue", "alert zones=all -- everyone"),
    ("venue", "evacuate zones=main_hall,gallery via=street -- away from the courtyard"),
    ("venue", "lockdown zones=side_room,kitchen -- keep them in"),
    ("venue", "close connection=courtyard_gate -- keep it out"),
    ("venue", "evacuate zones=nowhere -- unknown zone, refused"),
    ("police", "dispatch unit=armed_response -- calls with casualties"),
    ("police", "dispatch unit=nobody -- unknown unit, refused"),
    ("police", "lockdown zones=foyer -- a verb police may not take"),
    ("ems", "request_ambulances units=2 -- more crews"),
]

operation = st.one_of(
    st.just(("next",)),
    st.just(("skip",)),
    st.just(("pause_resume",)),
    st.tuples(st.just("note"), st.text(alphabet="abc xyz", min_size=1, max_size=12)),
    st.tuples(st.just("decide"), st.sampled_from(LINES)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=10))
def test_any_sequence_of_room_operations_keeps_the_journal_sound(tmp_path_factory, ops):
    session = start_session(LOADED, out_dir=tmp_path_factory.mktemp("room"))
    session.advance_phase()
    applied = refused = 0
    for op in ops:
        try:
            if op[0] == "next":
                session.release_next()
            elif op[0] == "skip":
                session.skip()
            elif op[0] == "pause_resume":
                session.pause()
                session.resume()
            elif op[0] == "note":
                session.note(op[1])
            else:
                team, line = op[1]
                session.decide(parse_line(line, team=team))
                applied += 1
        except (SessionError, DecisionError, SimsoftError):
            refused += 1  # a refusal is fine; it must leave no trace in the applied record
    entries, damage = read_journal(session.folder / "session.sqlite")
    assert damage is None
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    resumed = open_session(session.folder)
    assert resumed.now_s == session.now_s
    assert [d.id for d in resumed.decisions] == [d.id for d in session.decisions]
    assert len(session.decisions) == applied
    _, same, damage = replay_session(session.folder)
    assert damage is None and same in (True, None)
