"""Conduct: playing an exercise, step by step, into an append-only journal.

- :mod:`~facilitator.conduct.session`: :class:`Session`, the exercise loop as a journaled state machine;
- :mod:`~facilitator.conduct.injects`: where each inject stands and when a state trigger fires;
- :mod:`~facilitator.conduct.journal`: the SQLite journal with its hash chain;
- :mod:`~facilitator.conduct.knowledge`: what a player team knows (its role's delayed reports and its injects);
- :mod:`~facilitator.conduct.sitrep`: situation reports and live values, from one count of a snapshot;
- :mod:`~facilitator.conduct.store`: sessions on disk (start, play, resume, replay, fork);
- :mod:`~facilitator.conduct.console`: the interactive terminal console.
"""

from facilitator.conduct.injects import InjectState
from facilitator.conduct.knowledge import TeamKnowledge, team_knowledge
from facilitator.conduct.journal import Journal, JournalError, read_journal
from facilitator.conduct.session import PHASES, Decision, Session, SessionError
from facilitator.conduct.sitrep import key_numbers, live_values, situation_report
from facilitator.conduct.store import fork_session, open_session, play, replay_session, start_session, write_summary

__all__ = [
    "PHASES",
    "Decision",
    "InjectState",
    "Journal",
    "JournalError",
    "Session",
    "SessionError",
    "TeamKnowledge",
    "fork_session",
    "key_numbers",
    "live_values",
    "open_session",
    "play",
    "read_journal",
    "replay_session",
    "situation_report",
    "start_session",
    "team_knowledge",
    "write_summary",
]
