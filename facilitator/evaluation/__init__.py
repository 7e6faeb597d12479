"""Evaluation: what comes after play, from the hot wash to the AAR/IP.

- :mod:`~facilitator.evaluation.hotwash`: each team's self-assessment and the feedback forms;
- :mod:`~facilitator.evaluation.scoring`: timeliness of expected actions against time standards;
- :mod:`~facilitator.evaluation.outcomes`: the team's decisions against doctrine and no action, over replications;
- :mod:`~facilitator.evaluation.ratings`: proposed P / S / M / U ratings per core capability;
- :mod:`~facilitator.evaluation.evaluator`: the evaluator's ratings, findings and Improvement Plan, journaled;
- :mod:`~facilitator.evaluation.aar`: the After-Action Report / Improvement Plan and session comparisons;
- :mod:`~facilitator.evaluation.plots`: the AAR's figures (matplotlib only inside the functions).
"""

from facilitator.evaluation.aar import compare_sessions, write_aar
from facilitator.evaluation.evaluator import check_evaluation, evaluation_state, read_evaluation, record_evaluation
from facilitator.evaluation.hotwash import check_hotwash, hotwash_state, read_hotwash, record_hotwash
from facilitator.evaluation.outcomes import Outcomes, compute_outcomes, session_outcomes
from facilitator.evaluation.ratings import Proposal, propose, propose_all
from facilitator.evaluation.scoring import Scorecard, score, score_session

__all__ = [
    "Outcomes",
    "Proposal",
    "Scorecard",
    "check_evaluation",
    "check_hotwash",
    "compare_sessions",
    "compute_outcomes",
    "evaluation_state",
    "hotwash_state",
    "propose",
    "propose_all",
    "read_evaluation",
    "read_hotwash",
    "record_evaluation",
    "record_hotwash",
    "score",
    "score_session",
    "session_outcomes",
    "write_aar",
]
