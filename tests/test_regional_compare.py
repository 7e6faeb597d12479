"""Comparing sessions of a regional exercise (issue 22): teams side by side on timeliness, ratings and the regional
outcome indicators, over the same seeded replications of the region; mixed kinds refused in one line."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from facilitator.cli import exercise as exercise_cli
from facilitator.evaluation.aar import _compare_world
from simsoft.errors import SimsoftError

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"
DECISIONS = ROOT / "scenarios" / "exercises" / "riverside-city-decisions.yaml"
LATE = """exercise: {exercise}
description: A team that asks for nothing but diverts St Mary's late.
decisions:
  - {{inject: I5, team: health, do: divert, hospital: st_marys, after: 10 min, rationale: late}}
"""


def _play(out: Path, decisions: Path) -> Path:
    res = CliRunner().invoke(exercise_cli, ["start", str(EXERCISE), "--decisions", str(decisions), "--out", str(out),
                                            "--no-figures"])
    assert res.exit_code == 0, res.output
    (found,) = list(out.glob("*/*/session.sqlite"))
    return found.parent


def test_two_teams_of_a_regional_exercise_side_by_side(tmp_path):
    late = tmp_path / "late.yaml"
    late.write_text(LATE.format(exercise=EXERCISE), encoding="utf-8")
    a, b = _play(tmp_path / "a", DECISIONS), _play(tmp_path / "b", late)
    out = tmp_path / "cmp"
    res = CliRunner().invoke(exercise_cli, ["compare", str(a), str(b), "--out", str(out), "-n", "3",
                                            "--executor", "serial"])
    assert res.exit_code == 0, res.output
    md = (out / "compare.md").read_text(encoding="utf-8")
    assert "| Operational Coordination |" in md and "Outcomes of each session's decisions (3 replications, seed" in md
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in md.splitlines()
            if line.startswith("| ")}
    for label in ("Deaths (region)", "Time to hospital (90th percentile)", "Highest hospital peak load (% of beds)",
                  "Admissions over capacity", "Ambulances short of a request", "Deaths: Central Station"):
        assert label in rows, label
        assert len(rows[label]) == 4  # session 1, session 2, doctrine, no action
    # the scripted team asked for mutual aid: no ambulance short of a request; the late one left the shortfall
    assert rows["Ambulances short of a request"][0] == "0.00" and float(rows["Ambulances short of a request"][1]) > 0
    assert rows["Ambulances short of a request"][1] == rows["Ambulances short of a request"][3]  # as no action
    assert (out / "compare.png").stat().st_size > 10_000


def _fake(name: str, region: object | None):
    return SimpleNamespace(loaded=SimpleNamespace(name=name, region=region))


def test_a_regional_and_a_venue_session_are_not_compared_in_one_table():
    with pytest.raises(SimsoftError, match=r"compare: sessions of a regional exercise and of a venue exercise cannot "
                                           r"be compared \(Riverside \(region\), Hall \(venue\)\)"):
        _compare_world([_fake("Riverside", object()), _fake("Hall", None)])
