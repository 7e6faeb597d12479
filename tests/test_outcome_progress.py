"""Outcome runs: a progress bar while they go, a cache shared by evaluate, report and compare, one warm pool."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import facilitator.cli as cli
from facilitator.cli import exercise
from facilitator.conduct.store import open_session
from facilitator.evaluation import runs
from facilitator.evaluation.aar import compare_sessions
from facilitator.evaluation.outcomes import CACHE, compute_outcomes, doctrine_plan, session_outcomes, team_actions

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "scenarios" / "exercises"
EXERCISE = EX / "community-hall.yaml"
N = 4


def _session(out: Path, decisions: str) -> Path:
    res = CliRunner().invoke(exercise, ["start", str(EXERCISE), "--decisions", str(EX / decisions), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return sorted(p.parent for p in out.rglob("session.sqlite"))[-1]


def _open(folder: Path):
    s = open_session(folder)
    s.journal.close()
    return s


def test_evaluate_report_and_compare_share_the_cache_and_run_only_missing_arms(tmp_path):
    runs.forget()
    late = _session(tmp_path / "late", "community-hall-late-decisions.yaml")
    prompt = _session(tmp_path / "prompt", "community-hall-decisions.yaml")
    started: list[int] = []
    done: list[int] = []

    def outcomes(folder, **kw):
        return session_outcomes(_open(folder), replications=N, executor="serial", on_start=started.append,
                                on_runs=done.append, **kw)

    first = outcomes(late)  # what evaluate asks: the three arms (and one per contrary decision)
    assert started == [N * len(first.values)] and sum(done) == started[0]
    started.clear()
    again = outcomes(late, variants=["voice_pa_fast"])  # what the report asks: only the variant arm runs
    assert started == [N] and again.values["team"] == first.values["team"]
    started.clear()
    assert outcomes(late).values == first.values and started == []  # a second evaluate runs nothing
    # compare: the late session is unchanged, so only the prompt one runs, on the first session's seed; and of its
    # arms only its own decisions: its no-action and doctrine arms are the late session's, runs this process made
    folder = compare_sessions([_open(late), _open(prompt)], names=["late", "prompt"], out=tmp_path / "cmp",
                              replications=N, executor="serial", on_start=started.append)
    assert started == [N] and (folder / "compare.md").is_file()
    started.clear()
    compare_sessions([_open(late), _open(prompt)], names=["late", "prompt"], out=tmp_path / "cmp2",
                     replications=N, executor="serial", on_start=started.append)
    assert started == []
    # another seed is another cache entry; the first stays
    outcomes(late, seed=5)
    started.clear()
    outcomes(late)
    assert started == []


def test_cached_numbers_equal_a_fresh_computation_on_every_executor(tmp_path):
    folder = _session(tmp_path, "community-hall-decisions.yaml")
    session = _open(folder)
    runs.forget()
    cached = session_outcomes(session, replications=N, executor="processes", workers=2)
    team = team_actions(session)
    doctrine, gaps = doctrine_plan(session.loaded, team=session)
    for executor in ("serial", "dask"):
        runs.forget()  # else this process's runs are reused, whatever the executor
        fresh = compute_outcomes(session.loaded, team=team, doctrine=doctrine, replications=N, executor=executor,
                                 workers=2, doctrine_gaps=gaps)
        assert fresh.values == {a: cached.values[a] for a in fresh.values}
        assert fresh.seeds == cached.seeds and fresh.doctrine_gaps == cached.doctrine_gaps


def test_an_unreadable_cache_is_recomputed_not_an_error(tmp_path):
    folder = _session(tmp_path, "community-hall-decisions.yaml")
    (folder / CACHE).write_text("{not json", encoding="utf-8")
    out = session_outcomes(_open(folder), replications=N, executor="serial")
    assert out.key and set(out.values) >= {"team", "doctrine", "no_action"}


def test_the_warm_pool_is_started_once_and_shut_down_cleanly():
    runs.shutdown()
    a = runs.warm_pool(workers=2)
    assert runs.warm_pool(workers=2) is a  # reused across requests
    pids = sorted(p.pid for p in a._pool)  # type: ignore[attr-defined]
    runs.shutdown()
    assert runs._POOL == {}
    for p in a._pool:  # type: ignore[attr-defined]
        assert not p.is_alive()
    b = runs.warm_pool(workers=2)
    assert b is not a and sorted(p.pid for p in b._pool) != pids  # type: ignore[attr-defined]
    runs.shutdown()


def test_evaluate_and_report_show_progress_on_stderr_when_asked(tmp_path, monkeypatch):
    folder = _session(tmp_path, "community-hall-decisions.yaml")
    runs.forget()  # the CLI runs in this process here: runs other tests made would be reused
    monkeypatch.setattr(cli._Bar, "DELAY_S", 0.0)
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    res = runner.invoke(exercise, ["evaluate", str(folder), "-n", str(N), "--executor", "serial", "--progress"])
    assert res.exit_code == 0, res.output
    assert f"/{3 * N} runs" in res.stderr and "left" in res.stderr
    # the report reuses the evaluation's runs: nothing runs, so no bar
    res = runner.invoke(exercise, ["report", str(folder), "-n", str(N), "--progress"])
    assert res.exit_code == 0, res.output
    assert "runs" not in res.stderr
    # not a terminal and not asked: quiet
    res = runner.invoke(exercise, ["evaluate", str(folder), "-n", "3", "--executor", "serial"])
    assert res.exit_code == 0 and "runs" not in res.stderr
