"""Outcome invariants of the shipped exercises (issue 17): scores an evaluator can believe.

For every shipped exercise, over 200 replications with common random numbers (replication ``i`` of every
arm meets the same arrivals, detections and injuries):

* **doctrine beats no action**: the exercise's expected actions, each taken at its time standard with its
  doctrine parameters (:func:`facilitator.evaluation.outcomes.doctrine_plan`), give fewer deaths and fewer
  exposed person-minutes than no team action at all (the exercise leaves the venue's plan and police
  cordons to its teams, ``exercise.automatic``, so no action really is none);
* **the sensible play beats a contrary play**: ``<name>-decisions.yaml`` against
  ``<name>-contrary-decisions.yaml`` (alerting late or not at all, sheltering where harm is happening,
  closing an exit people use, police late).

Each gap must be larger than its interval: the paired 95 % interval of the difference excludes zero.
Where no decision can change an indicator in this model the exception is listed in :data:`UNCHANGEABLE`
with the reason, and the test then checks the arms are identical instead (so a model change that makes the
indicator depend on decisions fails here and the exception is reviewed). Known failures are listed in
:data:`KNOWN_FAILURES` with what is wrong; they run as strict expected failures.

About 5,600 runs: several minutes on two cores.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from facilitator.conduct.session import Session
from facilitator.conduct.store import play
from facilitator.evaluation.outcomes import _arm_scenario, _run_arm, doctrine_plan, team_actions
from facilitator.exercise.decisions import load_decisions
from facilitator.exercise.loader import load_exercise
from simsoft.experiments import paired_difference, replication_seeds

EXERCISES = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
NAMES = ("community-hall", "place-of-worship", "festival", "hotel-conference", "shopping-mall", "transit-hub", "stadium")
REPLICATIONS = 200
INDICATORS = ("medical.deaths", "incident.exposed_person_min")

UNCHANGEABLE: dict[tuple[str, str, str], str] = {
    ("transit-hub", "doctrine", "incident.exposed_person_min"):
        "the platform incident harms the people on it in its first minute, before any inject is released, and no "
        "doctrine action sends anyone through it: exposure is fixed by the script; doctrine acts on care (deaths)",
}
"""(exercise, comparison, indicator) -> why no decision can change it; the arms must then be equal in every replication."""

KNOWN_FAILURES: dict[tuple[str, str], str] = {}
"""(exercise, comparison) -> what is wrong; run as a strict xfail until fixed."""


@lru_cache(maxsize=None)
def _values(name: str) -> dict[str, dict[str, list[float | None]]]:
    loaded = load_exercise(EXERCISES / f"{name}.yaml")
    actions: dict[str, list[dict]] = {}
    sensible = None
    for arm, path in (("sensible", f"{name}-decisions.yaml"), ("contrary", f"{name}-contrary-decisions.yaml")):
        session = Session(loaded, script=load_decisions(EXERCISES / path))
        play(session, close=False)
        assert not session.rejected, f"{path}: rejected decisions {session.rejected}"
        actions[arm] = team_actions(session)
        if arm == "sensible":
            sensible = session
    actions["doctrine"], _ = doctrine_plan(loaded, team=sensible)
    seeds = replication_seeds(loaded.seed, REPLICATIONS)
    out = {arm: _run_arm(_arm_scenario(loaded.scenario, acts, seed=loaded.seed), seeds, executor="processes", workers=None)
           for arm, acts in actions.items()}
    out["no_action"] = _run_arm(loaded.scenario, seeds, executor="processes", workers=None)
    return out


def _cases():
    for name in NAMES:
        for comparison in ("doctrine", "sensible"):
            marks = []
            if (name, comparison) in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[(name, comparison)], strict=True))
            yield pytest.param(name, comparison, id=f"{name}-{comparison}", marks=marks)


@pytest.mark.parametrize(("name", "comparison"), list(_cases()))
def test_better_response_gives_better_outcomes(name: str, comparison: str):
    values = _values(name)
    better, worse = ("doctrine", "no_action") if comparison == "doctrine" else ("sensible", "contrary")
    for metric in INDICATORS:
        a, b = values[better][metric], values[worse][metric]
        if (name, comparison, metric) in UNCHANGEABLE:
            why = UNCHANGEABLE[(name, comparison, metric)]
            assert a == b, f"{name}: {metric} now depends on {comparison} decisions; review UNCHANGEABLE ({why})"
            continue
        d = paired_difference(b, a).to_dict()  # better - worse, paired by replication
        assert d["n"] == REPLICATIONS, f"{name} {metric}: only {d['n']} replications reached the indicator"
        assert d["ci_high"] < 0, (f"{name}: {better} does not beat {worse} on {metric}: difference {d['mean']:.3f} "
                                  f"[{d['ci_low']:.3f}, {d['ci_high']:.3f}] over {REPLICATIONS} replications")


def test_contrary_plays_are_contrary():
    # Every contrary decision set names the same exercise and differs from the sensible one.
    for name in NAMES:
        contrary = load_decisions(EXERCISES / f"{name}-contrary-decisions.yaml")
        sensible = load_decisions(EXERCISES / f"{name}-decisions.yaml")
        assert contrary and [d.action for d in contrary] != [d.action for d in sensible]
