"""The exercise plan: what is written before anyone plays, validated at the door.

- :mod:`~facilitator.exercise.schema`: the exercise file (HSEEP overview, objectives, teams, modules,
  the MSEL) as strict models;
- :mod:`~facilitator.exercise.loader`: :func:`load_exercise` (parse, load the scenario, cross-check)
  and the checks of team decisions;
- :mod:`~facilitator.exercise.decisions`: team decisions, the engine's actions offered to teams;
- :mod:`~facilitator.exercise.templates`: the ``{placeholders}`` of inject texts;
- :mod:`~facilitator.exercise.msel_csv`: the MSEL as a spreadsheet, both ways;
- :mod:`~facilitator.exercise.regional`: exercises that name a region (city-wide) instead of one scenario.
"""

from facilitator.exercise.decisions import DecisionError, ExerciseError, ScriptedDecision, load_decisions, parse_line
from facilitator.exercise.loader import LoadedExercise, check_decision, check_decisions, load_exercise, plan_checker
from facilitator.exercise.msel_csv import export_csv, import_csv
from facilitator.exercise import regional as _regional  # noqa: F401  registers the regional exercise loader
from facilitator.exercise.schema import Exercise
from facilitator.exercise.templates import placeholder_names, render, template_problem

__all__ = [
    "DecisionError",
    "Exercise",
    "ExerciseError",
    "LoadedExercise",
    "ScriptedDecision",
    "check_decision",
    "check_decisions",
    "export_csv",
    "import_csv",
    "load_decisions",
    "load_exercise",
    "parse_line",
    "placeholder_names",
    "plan_checker",
    "render",
    "template_problem",
]
