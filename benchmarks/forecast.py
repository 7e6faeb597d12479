"""Outcome and forecast benchmarks (issue 18): ``exercise evaluate`` / ``report`` and a what-if forecast.

Run on its own:  python benchmarks/forecast.py [--reps 3] [--replications 200] [--exercise community-hall]
                                               [--base 9e53b09] [--workers 2] [--quick] [--regional-only]

Prints one ``name value unit`` line per figure, each the median of ``--reps`` timings:

* ``outcomes.EX.evaluate_s`` / ``report_s``: wall time of ``simsoft exercise evaluate`` / ``report`` with
  ``-n REPLICATIONS --workers W`` in a fresh process on a scripted session of the exercise, the
  outcome cache deleted first (so the runs are paid); ``report_after_evaluate_s``: the report once
  an evaluation has run (the cache serves it). The same commands of the base commit (default
  9e53b09, checked out with ``git worktree add /tmp/forecast-base 9e53b09`` if it is not there) are
  timed in the same run, alternating with this tree's, and print as ``..._base_s`` and a ratio;
* ``forecast.EX.cold_s`` / ``warm_s`` / ``next_proposal_s``: a forecast (100 replications x 3 arms) in
  one process on a session in conduct at its second inject: the first (the warm pool starts), the
  median of the next ones with nothing remembered (the pool is warm, as in a web console session),
  and another proposal at the same moment (only its own arm runs). The base commit has no forecasts.
* ``forecast.riverside-city.*``: the same three figures for a regional what-if (a Riverside City session at
  I1; every replication runs the whole region), and the replications per arm the bands needed.
  ``--regional-only`` times just these.

``..._cpu_s`` is the CPU time of the command and its workers, which other load on the box hardly changes.

Goals print as ``...goal_met 1|0 bool`` (evaluate/report <= 6 s, forecast <= 3 s on two processes);
a missed goal never fails. The load average is printed first: on a busy box every figure is slower,
the ratios against the base much less so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE_COMMIT = "9e53b09"
BASE_TREE = Path("/tmp/forecast-base")
_CLI = "import sys; from facilitator.cli import exercise; exercise(sys.argv[1:])"


def emit(name: str, value: float | int | str, unit: str) -> None:
    print(f"{name} {value} {unit}", flush=True)


def _base_tree(commit: str) -> Path | None:
    """The base commit's tree (a git worktree), added if missing; ``None`` if git cannot make it."""
    if (BASE_TREE / "facilitator" / "cli.py").is_file():
        return BASE_TREE
    try:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(BASE_TREE), commit], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return BASE_TREE


_CPU: dict[str, list[float]] = {}
"""CPU seconds (the command and its workers) per timing, by figure: robust to other load on the box."""


def _children_cpu() -> float:
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _cli(tree: Path, *args: str, cpu: str | None = None) -> float:
    """Wall seconds of one ``simsoft exercise ARGS`` in a fresh process importing ``tree``'s code."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    c = _children_cpu()
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", _CLI, *args], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    if cpu:
        _CPU.setdefault(cpu, []).append(_children_cpu() - c)
    return wall


def _scripted_session(tree: Path, exercise: str, out: Path) -> Path:
    ex = tree / "scenarios" / "exercises"
    _cli(tree, "start", str(ex / f"{exercise}.yaml"), "--decisions", str(ex / f"{exercise}-decisions.yaml"),
         "--out", str(out))
    return sorted(p.parent for p in out.rglob("session.sqlite"))[-1]


def outcome_times(exercise: str, *, reps: int, replications: int, workers: int, base: Path | None) -> None:
    trees = {"": ROOT, **({"_base": base} if base is not None else {})}
    with tempfile.TemporaryDirectory() as tmp:
        sessions = {k: _scripted_session(tree, exercise, Path(tmp) / (k or "head")) for k, tree in trees.items()}
        times: dict[str, list[float]] = {}
        common = ["-n", str(replications), "--workers", str(workers)]
        for _ in range(reps):
            for k, tree in trees.items():  # alternate trees, so the box's load hits both alike
                folder = sessions[k]
                for cmd in ("evaluate", "report"):
                    (folder / "outcomes.json").unlink(missing_ok=True)
                    times.setdefault(f"{cmd}{k}", []).append(_cli(tree, cmd, str(folder), *common, cpu=f"{cmd}{k}"))
                (folder / "outcomes.json").unlink(missing_ok=True)
                _cli(tree, "evaluate", str(folder), *common)
                times.setdefault(f"report_after_evaluate{k}", []).append(_cli(tree, "report", str(folder), *common))
                shutil.rmtree(folder / "aar", ignore_errors=True)
        med = {k: statistics.median(v) for k, v in times.items()}
    cpu = {k: statistics.median(v) for k, v in _CPU.items()}
    for name in ("evaluate", "report", "report_after_evaluate"):
        emit(f"outcomes.{exercise}.{name}_s", f"{med[name]:.2f}", "s")
        if name in cpu:
            emit(f"outcomes.{exercise}.{name}_cpu_s", f"{cpu[name]:.2f}", "s")
        if f"{name}_base" in med:
            emit(f"outcomes.{exercise}.{name}_base_s", f"{med[name + '_base']:.2f}", "s")
            if f"{name}_base" in cpu:
                emit(f"outcomes.{exercise}.{name}_base_cpu_s", f"{cpu[name + '_base']:.2f}", "s")
            emit(f"outcomes.{exercise}.{name}_speedup", f"{med[name + '_base'] / med[name]:.2f}", "x")
    emit(f"outcomes.{exercise}.goal_met", int(med["evaluate"] <= 6.0 and med["report"] <= 6.0), "bool")


def forecast_times(exercise: str, *, reps: int, replications: int, workers: int) -> None:
    from facilitator import load_exercise
    from facilitator.conduct.session import Session
    from facilitator.evaluation import runs
    from facilitator.evaluation.forecast import forecast

    loaded = load_exercise(ROOT / "scenarios" / "exercises" / f"{exercise}.yaml")
    session = Session(loaded)
    session.advance_phase("conduct")
    first = session.release_next()
    second = session.release_next() or first
    assert second is not None
    team = second.inject.to[0] if loaded.exercise.team(second.inject.to[0]).may else \
        next(t.id for t in loaded.exercise.teams if t.role == "player" and t.may)
    verb = "alert zones=all" if "alert" in loaded.exercise.team(team).may else None
    if verb is None:
        emit(f"forecast.{exercise}.skipped", "no-alert-verb", "-")
        return
    other = "evacuate zones=all" if "evacuate" in loaded.exercise.team(team).may else verb

    def timed(line: str) -> float:
        t = time.perf_counter()
        forecast(session, team=team, line=line, replications=replications, workers=workers, journal=False)
        return time.perf_counter() - t

    runs.shutdown()
    runs.forget()
    cold = timed(verb)
    warm, second = [], []
    for _ in range(reps):
        runs.forget()  # every arm runs again: the pool is warm, nothing remembered
        warm.append(timed(verb))
        second.append(timed(other))  # another proposal at the same moment: only its own arm runs
    runs.shutdown()
    emit(f"forecast.{exercise}.cold_s", f"{cold:.2f}", "s")
    emit(f"forecast.{exercise}.warm_s", f"{statistics.median(warm):.2f}", "s")
    emit(f"forecast.{exercise}.next_proposal_s", f"{statistics.median(second):.2f}", "s")
    emit(f"forecast.{exercise}.goal_met", int(statistics.median(warm) <= 3.0), "bool")


def regional_forecast_times(*, reps: int, replications: int, workers: int, exercise: str = "riverside-city") -> None:
    """A regional what-if (issue 22) on a Riverside City session at I1 (the station's incident, 4 min), the stadium
    locked down: ambulance control asks for mutual aid now; the next proposal diverts the major trauma centre.
    Each replication runs the whole region (four sites, one SimPy environment)."""
    from facilitator import load_exercise
    from facilitator.conduct.regional import RegionalSession
    from facilitator.evaluation import runs
    from facilitator.evaluation.forecast import forecast
    from facilitator.exercise.decisions import parse_line

    loaded = load_exercise(ROOT / "scenarios" / "exercises" / f"{exercise}.yaml")
    session = RegionalSession(loaded)
    session.advance_phase("conduct")
    while (s := session.release_next()) is not None and s.inject.id != "I1":
        pass
    session.decide(parse_line("posture sites=stadium measure=lockdown", team="scg", regional=True))
    used: list[int] = []

    def timed(team: str, line: str) -> float:
        t = time.perf_counter()
        f = forecast(session, team=team, line=line, replications=replications, workers=workers, journal=False)
        used.append(f.replications)
        return time.perf_counter() - t

    runs.shutdown()
    runs.forget()
    cold = timed("ambulance_control", "mutual_aid kind=ambulance count=4")
    warm, second = [], []
    for _ in range(reps):
        runs.forget()
        warm.append(timed("ambulance_control", "mutual_aid kind=ambulance count=4"))
        second.append(timed("health", "divert hospital=royal"))
    runs.shutdown()
    emit(f"forecast.{exercise}.cold_s", f"{cold:.2f}", "s")
    emit(f"forecast.{exercise}.warm_s", f"{statistics.median(warm):.2f}", "s")
    emit(f"forecast.{exercise}.next_proposal_s", f"{statistics.median(second):.2f}", "s")
    emit(f"forecast.{exercise}.replications_used", max(used), "per-arm")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="timings per figure (median)")
    ap.add_argument("--replications", type=int, default=200, help="replications of evaluate/report")
    ap.add_argument("--forecast-replications", type=int, default=100, help="replications per forecast arm")
    ap.add_argument("--exercise", action="append", default=None,
                    help="shipped exercise name (repeatable; default community-hall)")
    ap.add_argument("--base", default=BASE_COMMIT, help="base commit measured side by side ('' to skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 timing, 20 replications, no base")
    ap.add_argument("--regional-only", action="store_true",
                    help="only the regional what-if (Riverside City); without it, it runs after the venue figures")
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.replications, args.forecast_replications, args.base = 1, 20, 10, ""
    emit("box.load_average_1min", f"{os.getloadavg()[0]:.2f}", "-")
    emit("box.cores", len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(), "-")
    base = _base_tree(args.base) if args.base else None
    if args.base and base is None:
        emit("outcomes.base", "unavailable", "-")
    for exercise in [] if args.regional_only else args.exercise or ["community-hall"]:
        forecast_times(exercise, reps=args.reps, replications=args.forecast_replications, workers=args.workers)
        outcome_times(exercise, reps=args.reps, replications=args.replications, workers=args.workers, base=base)
    regional_forecast_times(reps=args.reps, replications=args.forecast_replications, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
