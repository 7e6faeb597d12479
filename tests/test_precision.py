"""Precision-driven replications (issue 18) and the baseline arms shared across sessions."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import simsoft
from facilitator.cli import exercise
from facilitator.conduct.store import open_session
from facilitator.evaluation import precision, runs
from facilitator.evaluation.baselines import FOLDER, BaselineStore
from facilitator.evaluation.outcomes import CACHE, METRICS, _arm_names, compare_pairs, session_outcomes, team_actions
from facilitator.evaluation.precision import Band, Precision, ReplicationRule, replicate, wide_bands

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "scenarios" / "exercises"
EXERCISE = EX / "community-hall.yaml"
SMALL = ReplicationRule(8, minimum=4, batch=2)
"""A rule with the shipped one's shape at a test's size: checks after 4, 6 and 8 replications."""


def _start(out: Path, decisions: str) -> Path:
    res = CliRunner().invoke(exercise, ["start", str(EXERCISE), "--decisions", str(EX / decisions), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return sorted((p.parent for p in out.rglob("session.sqlite")), key=lambda p: p.stat().st_mtime)[-1]


def _open(folder: Path):
    s = open_session(folder)
    s.journal.close()
    return s


# -- the rule ----------------------------------------------------------------------------------------------

def test_boundaries_follow_the_minimum_the_batch_and_the_cap():
    assert ReplicationRule(200).boundaries() == [50, 75, 100, 125, 150, 175, 200]
    assert ReplicationRule(60).boundaries() == [50, 60]
    assert ReplicationRule(20).boundaries() == [20] and ReplicationRule(20).effectively_fixed
    assert ReplicationRule.fixed(200).boundaries() == [200]
    assert ReplicationRule.fixed(200).key() is None and ReplicationRule(200).key() == "adaptive:min=50,batch=25,cap=200"
    with pytest.raises(simsoft.SimsoftError, match="at least 2 replications for an interval, got 1"):
        ReplicationRule(1)


def test_wide_bands_measure_each_arm_and_each_paired_difference():
    # arm a: 0/1 deaths alternating (half-width ~0.17 over 40); b = a + 0.1 (the difference has no spread)
    a = [float(i % 2) for i in range(40)]
    values = {"a": {"medical.deaths": a}, "b": {"medical.deaths": [x + 0.1 for x in a]}}
    assert wide_bands(values, 40, metrics=["medical.deaths"], pairs=[("b", "a", "b minus a")]) == []
    narrow = wide_bands(values, 4, metrics=["medical.deaths"], pairs=[("b", "a", "b minus a")])
    assert [(w.what, w.threshold) for w in narrow] == [("mean of a", 0.5), ("mean of b", 0.5)]
    assert all(w.half_width > 0.5 for w in narrow)  # t(3) * 0.577 / 2 = 0.92
    # a metric reached by one run has an infinitely wide band; one reached by none has none
    once = {"a": {"medical.deaths": [None, None, 3.0, None]}, "b": {"medical.deaths": [None] * 4}}
    [only] = wide_bands(once, 4, metrics=["medical.deaths"], pairs=[])
    assert only.what == "mean of a" and math.isinf(only.half_width)


def test_replicate_stops_at_the_first_boundary_without_a_wide_band():
    ran: list[int] = []
    have = [0]

    def run_to(n: int) -> None:
        ran.append(n)
        have[0] = n

    band = Band("medical.deaths", "mean of team", 0.9, 0.5)
    got = replicate(ReplicationRule(200), have=lambda: have[0], run_to=run_to, check=lambda n: [] if n >= 100 else [band])
    assert got == Precision(ReplicationRule(200), 100, ()) and ran == [50, 75, 100]
    assert got.text() == "stopped at 100 of 200 replications per arm: every band within its threshold"
    ran.clear(), have.__setitem__(0, 0)
    got = replicate(ReplicationRule(200), have=lambda: have[0], run_to=run_to, check=lambda n: [band])
    assert got.used == 200 and got.wide == (band,) and ran[-1] == 200
    assert got.text({"medical.deaths": "Deaths"}) == ("all 200 of 200 replications per arm (the cap): 1 band(s) still wider "
                                                      "than their threshold: Deaths mean of team ±0.9 (threshold 0.5)")
    ran.clear(), have.__setitem__(0, 0)
    got = replicate(ReplicationRule.fixed(200), have=lambda: have[0], run_to=run_to, check=lambda n: [])
    assert ran == [200] and got.text() == "a fixed 200 replications per arm: every band within its threshold"
    assert Precision.from_dict(json.loads(json.dumps(got.to_dict()))) == got


# -- outcomes under the rule --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_sessions(tmp_path_factory):
    out = tmp_path_factory.mktemp("sessions")
    late = _start(out, "community-hall-late-decisions.yaml")
    prompt = _start(out, "community-hall-decisions.yaml")
    assert late.parent == prompt.parent  # two teams of one exercise, side by side
    return late, prompt


def test_adaptive_outcomes_are_identical_on_every_executor_and_a_prefix_of_the_fixed_ones(two_sessions, tmp_path,
                                                                                         monkeypatch):
    folder = two_sessions[1]
    got = {}
    for executor in ("serial", "processes", "dask"):
        runs.forget()  # else this process's runs are reused, whatever the executor
        got[executor] = session_outcomes(_open(folder), rule=SMALL, executor=executor, workers=2,
                                         cache=tmp_path / f"{executor}.json", baselines=False)
    first = got["serial"]
    for o in got.values():
        assert (o.values, o.seeds, o.replications, o.precision) == (first.values, first.seeds, first.replications,
                                                                    first.precision)
    # where it stopped is the first boundary where no band is wide, and the values are the fixed run's prefix
    n = first.replications
    assert n in SMALL.boundaries()
    pairs = compare_pairs(list(first.values))
    metrics = [m for m, _, _ in METRICS]
    assert n == SMALL.cap or first.precision.within  # stopped early only with every band narrow
    fixed = session_outcomes(_open(folder), rule=ReplicationRule.fixed(SMALL.cap), executor="serial",
                             cache=tmp_path / "fixed.json", baselines=False)
    for k in SMALL.boundaries():
        if k < n:  # every earlier check found a wide band
            assert wide_bands(fixed.values, k, metrics=metrics, pairs=pairs) != []
    assert wide_bands(fixed.values, n, metrics=metrics, pairs=pairs, names=_arm_names(list(first.values))) == \
        list(first.precision.wide)
    assert {a: {m: v[:n] for m, v in by.items()} for a, by in fixed.values.items()} == first.values
    # With thresholds no band can miss, the runs stop at the minimum, and say so
    monkeypatch.setattr(precision, "practical_threshold", lambda metric: 1e12)
    loose = session_outcomes(_open(folder), rule=SMALL, executor="serial", cache=tmp_path / "loose.json", baselines=False)
    assert loose.replications == SMALL.minimum and loose.precision.within
    assert loose.values == {a: {m: v[:SMALL.minimum] for m, v in by.items()} for a, by in fixed.values.items()}
    assert loose.precision.text().startswith(f"stopped at {SMALL.minimum} of {SMALL.cap} replications per arm")


def test_the_stopping_point_is_the_first_boundary_without_a_wide_band(two_sessions, tmp_path, monkeypatch):
    # thresholds that hold from 6 replications on, not at 4: a real, data-driven stop between the minimum and the cap
    folder = two_sessions[0]
    full = session_outcomes(_open(folder), rule=ReplicationRule.fixed(SMALL.cap), executor="serial",
                            cache=tmp_path / "f.json", baselines=False)
    metrics = [m for m, _, _ in METRICS]
    pairs = compare_pairs(list(full.values))
    widest = {}
    for k in (4, 6):
        for m in metrics:
            monkeypatch.setattr(precision, "practical_threshold", lambda metric, m=m: 0.0 if metric == m else 1e12)
            widest[(k, m)] = max((b.half_width for b in wide_bands(full.values, k, metrics=[m], pairs=pairs)), default=0.0)
    # a threshold per metric between its widest band at 6 and at 4 (where it narrowed), else beyond both
    th = {m: (widest[(6, m)] + widest[(4, m)]) / 2 if widest[(6, m)] < widest[(4, m)]
          else max(widest[(4, m)], widest[(6, m)]) + 1 for m in metrics}
    if all(widest[(6, m)] >= widest[(4, m)] for m in metrics):
        pytest.skip("no band narrowed from 4 to 6 replications on this seed")
    monkeypatch.setattr(precision, "practical_threshold", lambda metric: th[metric])
    got = session_outcomes(_open(folder), rule=SMALL, executor="serial", cache=tmp_path / "a.json", baselines=False)
    assert got.replications == 6 and got.precision.within


def test_fixed_and_adaptive_results_never_mix_in_the_cache_and_old_caches_still_read(two_sessions, tmp_path):
    folder = two_sessions[1]
    cache = tmp_path / CACHE
    started: list[int] = []
    runs.forget()
    session = _open(folder)
    fixed = session_outcomes(session, rule=ReplicationRule.fixed(SMALL.cap), executor="serial", cache=cache,
                             baselines=False)
    adaptive = session_outcomes(session, rule=SMALL, executor="serial", cache=cache, baselines=False)
    data = json.loads(cache.read_text())
    assert len(data["entries"]) == 2 and len({e["key"] for e in data["entries"]}) == 2
    assert fixed.precision.rule == ReplicationRule.fixed(SMALL.cap) and adaptive.precision.rule == SMALL
    # a cache written before the rule existed: the old key (no rule in it), no precision; a fixed request reads it
    team = team_actions(session)
    loaded = session.loaded
    old_key = hashlib.sha256(json.dumps({"team": team, "n": SMALL.cap, "seed": loaded.seed, "session_seed": loaded.seed,
                                         "scenario": loaded.scenario_sha256, "exercise": loaded.exercise_sha256,
                                         "simsoft": simsoft.__version__}, sort_keys=True).encode()).hexdigest()
    entry = next(e for e in data["entries"] if e["key"] == old_key)
    entry.pop("precision", None)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": 2, "entries": [entry]}))
    runs.forget()
    again = session_outcomes(session, rule=ReplicationRule.fixed(SMALL.cap), executor="serial", cache=old,
                             baselines=False, on_start=started.append)
    assert started == [] and again.values == fixed.values


# -- the shared baselines -----------------------------------------------------------------------------------

def test_a_second_team_runs_only_its_own_arms_and_a_corrupt_baseline_is_ignored_with_a_warning(two_sessions, tmp_path):
    late, prompt = two_sessions
    store = tmp_path / "baselines"
    warnings: list[str] = []
    runs.forget()
    first = session_outcomes(_open(prompt), replications=4, executor="serial", cache=tmp_path / "p.json", baselines=store,
                             warn=warnings.append)
    assert sorted(p.name.endswith(".json") for p in store.iterdir()) == [True, True]  # doctrine and no action
    runs.forget()  # the second team's evaluation runs in another process: nothing made here is remembered
    started: list[int] = []
    second = session_outcomes(_open(late), replications=4, executor="serial", cache=tmp_path / "l.json", baselines=store,
                              warn=warnings.append, on_start=started.append)
    own = [a for a in second.values if a not in ("doctrine", "no_action")]
    assert started == [4 * len(own)]  # the team's arm and its without-arms only
    assert second.values["no_action"] == first.values["no_action"]
    assert second.values["doctrine"] == first.values["doctrine"] and second.doctrine_gaps == first.doctrine_gaps
    assert warnings == []
    # a damaged baseline file: a warning, the runs again, the file rewritten whole
    for f in store.iterdir():
        f.write_text("{half a file", encoding="utf-8")
    runs.forget()
    started.clear()
    third = session_outcomes(_open(late), replications=4, executor="serial", cache=tmp_path / "l2.json", baselines=store,
                             warn=warnings.append, on_start=started.append)
    assert third.values == second.values and started == [4 * len(third.values)]
    assert len(warnings) == 2 and all("ignored, unreadable" in w for w in warnings)
    assert all(json.loads(f.read_text())["seeds"] == third.seeds for f in store.iterdir())


def test_the_baseline_store_reads_only_the_prefix_of_matching_seeds(tmp_path):
    s = BaselineStore(tmp_path)
    s.write("k" * 64, arm="no_action", seeds=[1, 2, 3], values={"m": [1.0, None, 3.0]})
    assert s.read("k" * 64, [1, 2]) == ({"m": [1.0, None]}, [])
    assert s.read("k" * 64, [1, 2, 3, 4]) == ({"m": [1.0, None, 3.0]}, [])
    assert s.read("k" * 64, [9]) is None and s.read("x" * 64, [1]) is None
    s.write("k" * 64, arm="no_action", seeds=[1, 2], values={"m": [5.0, 5.0]})  # shorter: kept the longer one
    assert s.read("k" * 64, [1, 2, 3]) == ({"m": [1.0, None, 3.0]}, [])


def test_the_store_sits_beside_the_session_folders(two_sessions, monkeypatch):
    from facilitator.evaluation.baselines import ENV, baseline_folder

    monkeypatch.delenv(ENV, raising=False)
    assert baseline_folder(two_sessions[0]) == two_sessions[0].resolve().parent / FOLDER
    monkeypatch.setenv(ENV, "off")
    assert baseline_folder(two_sessions[0]) is None


def test_evaluate_says_how_many_replications_each_arm_used(two_sessions, tmp_path, monkeypatch):
    monkeypatch.setenv("SIMSOFT_BASELINE_CACHE", str(tmp_path / "b"))
    runs.forget()
    folder = str(two_sessions[1])
    res = CliRunner().invoke(exercise, ["evaluate", folder, "-n", "4", "--executor", "serial", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "outcomes: all 4 replications per arm asked for (the precision rule starts at 50):" in res.output
    res = CliRunner().invoke(exercise, ["evaluate", folder, "-n", "4", "--fixed-replications", "--executor", "serial",
                                        "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "outcomes: a fixed 4 replications per arm:" in res.output
    help_text = CliRunner().invoke(exercise, ["evaluate", "--help"]).output
    assert "--fixed-replications" in help_text and "practical threshold" in help_text
