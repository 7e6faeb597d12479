"""facilitator: exercise conduct on top of the simsoft engine (MSEL, sessions, decisions, journal).

An exercise file (HSEEP overview, objectives, capabilities and critical tasks, teams, modules, the
MSEL) is validated at the door by :func:`load_exercise`. A :class:`Session` walks the MSEL: the
engine runs to each inject, teams decide, and every step is written to an append-only SQLite
journal, so sessions resume after a crash, replay bit for bit and fork at any decision
(:mod:`facilitator.conduct.store`). Scoring and the AAR/IP attach to ``Session.observers`` later.

The package follows the exercise's phases: :mod:`facilitator.exercise` (the plan),
:mod:`facilitator.conduct` (playing it), :mod:`facilitator.evaluation` (hot wash to AAR/IP),
:mod:`facilitator.web` (the web console) and :mod:`facilitator.cli` (``simsoft exercise``).

It imports :mod:`simsoft`, never the reverse; its ``exercise`` command group joins the ``simsoft``
CLI through the ``simsoft.commands`` entry-point group.
"""

from facilitator.conduct.session import Session, SessionError
from facilitator.conduct.store import fork_session, open_session, play, replay_session, start_session
from facilitator.exercise.decisions import DecisionError, ExerciseError, ScriptedDecision, load_decisions, parse_line
from facilitator.exercise.loader import LoadedExercise, check_decisions, load_exercise

__all__ = [
    "DecisionError",
    "ExerciseError",
    "LoadedExercise",
    "ScriptedDecision",
    "Session",
    "SessionError",
    "check_decisions",
    "fork_session",
    "load_decisions",
    "load_exercise",
    "open_session",
    "parse_line",
    "play",
    "replay_session",
    "start_session",
]
