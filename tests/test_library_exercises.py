"""The scenario library's exercises: each loads, has a full MSEL, and plays to the end with its decisions.

An exercise file is a ``scenarios/exercises/*.yaml`` whose top level holds ``msel:`` (decision,
evaluation and hot-wash files do not). Each library exercise must have at least 12 injects spread
over the three modules (pre-incident, response, recovery), at least one contingency inject
(``if_missing``) and at least one state-triggered inject (``when``). Each library exercise with a
``<name>-decisions.yaml`` is played to the end through ``facilitator.cli`` (all six are played in
full; together they take a few seconds), and the session log must show a contingency released, a
state-triggered inject released, and every scripted decision taken.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from facilitator.cli import exercise as exercise_cli
from facilitator.exercise.loader import load_exercise

EXERCISES = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"

LIBRARY = ("place-of-worship", "stadium", "shopping-mall", "festival", "transit-hub", "hotel-conference")
"""One exercise per shipped venue scenario (issue 9)."""

WORKED_EXAMPLES = ("community-hall",)
"""Smaller teaching examples (docs/facilitator-guide.md): they must load but need not meet the library's MSEL size."""


def _is_exercise(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return isinstance(data, dict) and "msel" in data and isinstance(data.get("exercise"), dict)


ALL_EXERCISES = sorted(p for p in EXERCISES.glob("*.yaml") if _is_exercise(p))
FULL_SIZE = [p for p in ALL_EXERCISES if p.stem not in WORKED_EXAMPLES]


def test_every_library_venue_has_an_exercise_and_decisions():
    names = {p.stem for p in ALL_EXERCISES}
    for name in LIBRARY:
        assert name in names, f"missing scenarios/exercises/{name}.yaml"
        assert (EXERCISES / f"{name}-decisions.yaml").is_file(), f"missing scenarios/exercises/{name}-decisions.yaml"


def test_decision_evaluation_and_hotwash_files_are_not_taken_for_exercises():
    stems = {p.stem for p in ALL_EXERCISES}
    assert not any(s.endswith(("-decisions", "-evaluation", "-hotwash")) for s in stems)


@pytest.mark.parametrize("path", ALL_EXERCISES, ids=lambda p: p.stem)
def test_exercise_loads(path: Path):
    loaded = load_exercise(path)
    assert loaded.exercise.msel


@pytest.mark.parametrize("path", FULL_SIZE, ids=lambda p: p.stem)
def test_msel_size_and_kinds(path: Path):
    ex = load_exercise(path).exercise
    phases = {m.id: m.phase for m in ex.modules}
    assert set(phases.values()) == {"pre_incident", "response", "recovery"}
    assert len(ex.msel) >= 12
    per_phase = {phase: sum(1 for i in ex.msel if phases[i.module] == phase) for phase in set(phases.values())}
    assert all(n >= 1 for n in per_phase.values()), per_phase
    assert any(i.if_missing is not None for i in ex.msel), "no contingency inject"
    assert any(i.when is not None for i in ex.msel), "no state-triggered inject"
    assert any(i.expect for i in ex.msel), "no expected actions"
    # Every expected action is tied to a critical task with a time standard.
    for inj in ex.msel:
        for exp in inj.expect:
            assert exp.task is not None, f"{inj.id}: expected {exp.action} names no critical task"
            assert exp.within is not None or ex.task(exp.task).standard is not None
    # Every module has discussion questions.
    assert all(m.questions for m in ex.modules)


_RELEASED = re.compile(r"^- (\S+) \[released, (scheduled|trigger|contingency|manual)\]", re.M)


@pytest.mark.parametrize("name", LIBRARY)
def test_library_exercise_plays_to_the_end(name: str, tmp_path: Path):
    res = CliRunner().invoke(exercise_cli, ["start", str(EXERCISES / f"{name}.yaml"),
                                            "--decisions", str(EXERCISES / f"{name}-decisions.yaml"),
                                            "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "  refused (" not in res.output, res.output
    assert "not played" not in res.output, res.output
    summaries = list(tmp_path.glob("*/*/summary.md"))
    assert len(summaries) == 1
    log = summaries[0].read_text(encoding="utf-8")
    assert "- phase: closed" in log
    reasons = [why for _, why in _RELEASED.findall(log)]
    assert "contingency" in reasons, "the decision set should let one contingency inject be released"
    assert "trigger" in reasons, "no state-triggered inject was released"
    assert "[cancelled]" in log, "the decision set should cancel at least one contingency"
    assert "[pending]" not in log, "an inject was never released"
    assert "not taken" not in log.split("## Expected actions")[1], "an expected action was not taken"
