"""Smoke test of the benchmarks: the stadium generator, the agent reference model, ``run.py``.

No timing assertions: wall times belong to ``python benchmarks/run.py``, not to CI.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simsoft.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from agent_model import capacity_p_s, simulate  # noqa: E402
from venues import stadium_bowl  # noqa: E402

LINE = re.compile(r"^[A-Za-z0-9_.\-]+ \S+ \S+$")


def test_stadium_generator_is_valid_and_deterministic():
    d = stadium_bowl(6_000, sections=8, exits=8)
    assert d == stadium_bowl(6_000, sections=8, exits=8)
    sc = Scenario.model_validate(d, context={"from_file": True})
    assert sc.population.total == 6_000
    assert len(sc.venue.exits) == 8
    kinds = {c.kind.value for c in sc.venue.connections}
    assert {"corridor", "opening", "stair", "gate"} <= kinds
    assert [a.do for a in sc.actions] == ["evacuate"] and sc.actions[0].zones == "all"
    counts = {g.zone: g.count for g in sc.population.groups}
    for z in sc.venue.zones:
        if z.kind.value == "hall":
            assert 1.5 <= counts[z.id] / z.area_m2 <= 2.0, z.id


def test_default_stadium_meets_the_benchmark_size():
    sc = Scenario.model_validate(stadium_bowl(), context={"from_file": True})
    assert sc.population.total == 60_000
    assert len(sc.venue.zones) >= 60 and len(sc.venue.exits) >= 40


def test_stadium_generator_rejects_odd_exits():
    with pytest.raises(ValueError, match="exits must be even"):
        stadium_bowl(1_000, sections=8, exits=7)


def test_agent_model_matches_the_hand_calculation_for_one_door():
    # IMO test 4 room: 100 people, 1 m door (We 0.70 m, Fc 0.91 p/s), everyone starts at once:
    # walk 4 m at the SFPE speed of 2.5 p/m^2, then (N - 1) / Fc behind the first person.
    d = {
        "name": "room",
        "venue": {
            "zones": [{"id": "room", "area_m2": 40.0, "travel_length_m": 4.0}],
            "connections": [{"id": "door", "from": "room", "to": "out", "width_m": 1.0}],
            "exits": [{"id": "out"}],
        },
        "population": {"groups": [{"zone": "room", "count": 100}],
                       "pre_movement": {"distribution": "fixed", "value": "0 s"}},
        "actions": [{"do": "evacuate", "zones": "all", "at": "0 s"}],
    }
    res = simulate(d, seed=1)
    walk = 4.0 / (1.4 * (1 - 0.266 * 2.5))
    assert res.t100_s == pytest.approx(walk + 99 / 0.91, abs=1e-6)
    assert capacity_p_s(Scenario.model_validate(d, context={"from_file": True}).venue.connections[0]) == pytest.approx(0.91)


def test_agent_model_conserves_people_and_is_reproducible():
    d = stadium_bowl(2_000, sections=8, exits=8)
    a, b = simulate(d, seed=3), simulate(d, seed=3)
    assert a.exit_times_s.size == 2_000 and np.isfinite(a.exit_times_s).all()
    assert np.array_equal(a.exit_times_s, b.exit_times_s)
    assert 0 < a.t95_s <= a.t100_s


def test_run_py_prints_name_value_unit_lines():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only", "venue", "--reps", "1"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    assert "venue.stadium60k.exits 40 count" in lines


def test_exercise_benchmark_prints_well_formed_lines_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "exercise.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    names = {line.split()[0]: line.split()[2] for line in lines}
    for mode in ("console", "console_nofig", "web"):
        for figure in ("inject_step_median", "inject_step_p95", "decision_median", "decision_p95"):
            assert names.get(f"exercise.{mode}.{figure}") == "s", (mode, figure, lines)
        assert names.get(f"exercise.{mode}.goal_met") == "bool"
    assert all(float(line.split()[1]) > 0 for line in lines if line.split()[2] == "s")


def test_region_benchmark_prints_well_formed_lines():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "region.py"), "--reps", "1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    names = {line.split()[0]: line.split()[1:] for line in lines}
    assert names["region.riverside-city.sites"] == ["4", "count"]
    assert names["region.riverside-city.wall_median"][1] == "s"
    assert names["region.riverside-city.goal_met"][0] in ("0", "1")
