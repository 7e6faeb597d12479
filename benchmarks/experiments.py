"""Experiment benchmarks (issue 6): throughput, process scaling, Dask against the process pool, memory.

Run on its own:  python benchmarks/experiments.py [--reps 1000] [--repeat 3] [--quick] [--base-tree DIR]

``--base-tree DIR`` (or ``SIMSOFT_BASE_TREE``) is a checkout of an earlier commit, e.g.
``git worktree add /tmp/lean-base 9e53b09``: its two-process figure and CPU per run are measured in the
same run, in a subprocess importing simsoft from DIR, interleaved with this tree's timings, and the
ratio is printed (``exp.powN.base_over_now``).

Prints one ``name value unit`` line per figure. Every figure is the median of ``--repeat`` timings,
and each baseline (one process; the process pool for Dask; the smaller experiment for memory) is
measured in the same run. Goals print as ``...goal_met 1|0 bool``; a missed goal never fails.
Timings cover the whole experiment (running, streaming rows to disk, writing the table and the
summary), without the report (``run_experiment`` writes none); the Dask timing includes starting and closing its local cluster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_ENV = dict(os.environ)
"""The environment at start: the memory child gets it, not what a Dask cluster may have set since."""

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCENARIO = ROOT / "scenarios" / "place-of-worship.yaml"

_MEMORY_CHILD = """
import resource, sys, tempfile
from simsoft import load_scenario
from simsoft.experiments import Experiment, run_experiment
exp = Experiment(load_scenario(sys.argv[1]), variants=["base"], replications=int(sys.argv[2]), seed=1)
with tempfile.TemporaryDirectory() as out:
    run_experiment(exp, out_dir=out, executor="serial", progress=False)
try:  # this process's own high-water mark: ru_maxrss can carry the parent's across exec (Linux)
    with open("/proc/self/status") as f:
        print(next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")))
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


_CPU: dict[str, list[float]] = {}
"""CPU seconds (this process and its workers) per timing, by executor: robust to other load on the box."""


def _cpu() -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _time(reps: int, executor: str, workers: int) -> float:
    from simsoft import load_scenario
    from simsoft.experiments import Experiment, run_experiment

    exp = Experiment(load_scenario(SCENARIO), variants=["base"], replications=reps, seed=1)
    with tempfile.TemporaryDirectory() as out:
        t0, c0 = time.perf_counter(), _cpu()
        run_experiment(exp, out_dir=out, executor=executor, workers=workers, progress=False)
        wall = time.perf_counter() - t0
        _CPU.setdefault(f"{executor}{workers}", []).append(_cpu() - c0)
        return wall


def _median(reps: int, executor: str, workers: int, repeat: int) -> float:
    return statistics.median(_time(reps, executor, workers) for _ in range(repeat))


_BASE_CHILD = """
import resource, sys, tempfile, time
from simsoft import load_scenario
from simsoft.experiments import Experiment, run_experiment
def cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
exp = Experiment(load_scenario(sys.argv[1]), variants=["base"], replications=int(sys.argv[2]), seed=1)
with tempfile.TemporaryDirectory() as out:
    t0, c0 = time.perf_counter(), cpu()
    run_experiment(exp, out_dir=out, executor="processes", workers=2, progress=False)
    print(time.perf_counter() - t0, cpu() - c0)
"""
"""Two-process timing of another checkout (``--base-tree``): wall and CPU seconds on one line."""


def _time_tree(tree: Path, reps: int) -> tuple[float, float]:
    """Wall and CPU seconds of ``reps`` replications on two processes, simsoft imported from ``tree``."""
    env = {**_ENV, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", _BASE_CHILD, str(tree / "scenarios" / SCENARIO.name), str(reps)],
                         check=True, capture_output=True, text=True, cwd=tree, env=env)
    wall, cpu = out.stdout.split()[-2:]
    return float(wall), float(cpu)


def _side_by_side(tree: Path, reps: int, repeat: int) -> None:
    """The base tree and this one, alternately (so both see the same load), on two processes."""
    base, now = [], []
    for _ in range(repeat):
        base.append(_time_tree(tree, reps))
        now.append(_time_tree(ROOT, reps))
    b_wall, n_wall = statistics.median(w for w, _ in base), statistics.median(w for w, _ in now)
    b_cpu, n_cpu = statistics.median(c for _, c in base) / reps, statistics.median(c for _, c in now) / reps
    figures = (("base_two_processes", f"{b_wall:.2f}", "s"), ("now_two_processes", f"{n_wall:.2f}", "s"),
               ("base_over_now", f"{b_wall / n_wall:.2f}", "ratio"), ("base_cpu_per_run", f"{1000 * b_cpu:.1f}", "ms"),
               ("now_cpu_per_run", f"{1000 * n_cpu:.1f}", "ms"), ("cpu_base_over_now", f"{b_cpu / n_cpu:.2f}", "ratio"))
    for name, value, unit in figures:
        print(f"exp.pow{reps}.{name} {value} {unit}", flush=True)

def _peak_rss_mb(reps: int) -> float:
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(SCENARIO), str(reps)], check=True,
                         capture_output=True, text=True, cwd=ROOT, env=_ENV)
    return int(out.stdout.split()[-1]) / 1024


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=1000, help="replications of the timed experiments")
    p.add_argument("--repeat", type=int, default=3, help="timings per figure (median)")
    p.add_argument("--quick", action="store_true", help="20 replications, one timing (a smoke run)")
    p.add_argument("--no-dask", action="store_true", help="skip the Dask figure")
    p.add_argument("--base-tree", type=Path, default=os.environ.get("SIMSOFT_BASE_TREE") or None,
                   help="checkout of an earlier commit measured side by side on two processes (or SIMSOFT_BASE_TREE)")
    args = p.parse_args(argv)
    reps, repeat = (20, 1) if args.quick else (args.reps, args.repeat)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"exp.cores {cores} count", flush=True)
    one = _median(reps, "serial", 1, repeat)
    print(f"exp.pow{reps}.one_process {one:.2f} s", flush=True)
    cpu_run = statistics.median(_CPU["serial1"]) / reps
    print(f"exp.pow{reps}.cpu_per_run {1000 * cpu_run:.1f} ms", flush=True)
    # What two idle cores would need: the CPU work split in two. Other load on the box inflates wall times.
    print(f"exp.pow{reps}.two_cores_cpu_bound {cpu_run * reps / 2:.2f} s", flush=True)
    two = _median(reps, "processes", 2, repeat)
    print(f"exp.pow{reps}.two_processes {two:.2f} s", flush=True)
    print(f"exp.pow{reps}.two_processes_cpu {statistics.median(_CPU['processes2']):.2f} s", flush=True)
    print(f"exp.load_average_1min {os.getloadavg()[0]:.2f} load", flush=True)
    print(f"exp.pow{reps}.runs_per_s {reps / two:.1f} runs/s", flush=True)
    print(f"exp.pow{reps}.speedup_1_to_2 {one / two:.2f} x", flush=True)
    print(f"exp.pow{reps}.under_20s.goal_met {int(two <= 20.0 * reps / 1000)} bool", flush=True)
    print(f"exp.pow{reps}.under_8s.goal_met {int(two <= 8.0 * reps / 1000)} bool", flush=True)
    if args.base_tree is not None:
        _side_by_side(Path(args.base_tree).resolve(), reps, repeat)
    print(f"exp.speedup.goal_met {int(one / two >= 1.8)} bool", flush=True)
    if not args.no_dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("exp.dask skipped not-installed")
        else:
            dask = _median(reps, "dask", 2, repeat)
            print(f"exp.pow{reps}.dask_local {dask:.2f} s", flush=True)
            print(f"exp.pow{reps}.dask_over_pool {dask / two:.2f} ratio", flush=True)
            print(f"exp.dask_within_25pct.goal_met {int(dask <= 1.25 * two)} bool", flush=True)
    small, large = (10, 40) if args.quick else (100, 400)
    rss_small, rss_large = _peak_rss_mb(small), _peak_rss_mb(large)
    print(f"exp.memory.peak_rss_{small}_runs {rss_small:.1f} MB", flush=True)
    print(f"exp.memory.peak_rss_{large}_runs {rss_large:.1f} MB", flush=True)
    print(f"exp.memory.growth {rss_large / rss_small:.3f} ratio", flush=True)
    print(f"exp.memory_flat.goal_met {int(rss_large <= 1.10 * rss_small)} bool", flush=True)


if __name__ == "__main__":
    main()
