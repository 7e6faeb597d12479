"""CPU cost of the outcome runs of every shipped exercise, and what it means for evaluate/report (issue 18).

    python benchmarks/outcome_cost.py [--replications 5] [--exercise NAME ...] [--tree PATH]

For each shipped exercise with a scripted decision set, a scripted session is played (``exercise
start --decisions``), then ``exercise evaluate -n 0`` (everything but the outcome runs: imports,
rebuilding the session, scoring) and ``exercise evaluate -n R --executor serial`` (the same plus R
replications x 3 arms) run in fresh processes with the outcome cache deleted. The difference of
their CPU times over 3 R is the CPU of one outcome run. The figures are CPU times, which other load on
a shared box changes much less than wall times (it still inflates them, by sharing caches and cores).

``outcomes.EX.projected_evaluate_s`` is what ``exercise evaluate -n 200 --workers 2`` needs at least on
two otherwise idle cores at the measured cost: the fixed part plus 600 runs over two processes (pool
start and pickling not counted). The issue-18 goal is <= 6 s. ``--tree`` measures another checkout
(its code, its scenarios). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
_CLI = "import sys; from facilitator.cli import exercise; exercise(sys.argv[1:])"


def emit(name: str, value: float | int | str, unit: str) -> None:
    print(f"{name} {value} {unit}", flush=True)


def _cpu(tree: Path, *args: str) -> float:
    """CPU seconds (user + system) of one ``simsoft exercise ARGS`` in a fresh process importing ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", _CLI, *args], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def exercises(tree: Path) -> list[str]:
    ex = tree / "scenarios" / "exercises"
    return sorted(p.name[: -len("-decisions.yaml")] for p in ex.glob("*-decisions.yaml")
                  if not p.name.endswith(("-contrary-decisions.yaml", "-late-decisions.yaml")))


def measure(tree: Path, exercise: str, replications: int, tmp: Path) -> None:
    ex = tree / "scenarios" / "exercises"
    out = tmp / exercise
    _cpu(tree, "start", str(ex / f"{exercise}.yaml"), "--decisions", str(ex / f"{exercise}-decisions.yaml"),
         "--out", str(out))
    folder = sorted(p.parent for p in out.rglob("session.sqlite"))[-1]
    (folder / "outcomes.json").unlink(missing_ok=True)
    fixed = _cpu(tree, "evaluate", str(folder), "-n", "0", "--no-progress")
    (folder / "outcomes.json").unlink(missing_ok=True)
    total = _cpu(tree, "evaluate", str(folder), "-n", str(replications), "--executor", "serial", "--no-progress")
    per_run = max(total - fixed, 0.0) / (3 * replications)
    emit(f"outcomes.{exercise}.fixed_cpu_s", f"{fixed:.2f}", "s")
    emit(f"outcomes.{exercise}.cpu_per_run_ms", f"{per_run * 1000:.1f}", "ms")
    projected = fixed + 600 * per_run / 2
    emit(f"outcomes.{exercise}.projected_evaluate_s", f"{projected:.1f}", "s")
    emit(f"outcomes.{exercise}.goal_met", int(projected <= 6.0), "bool")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=5, help="replications per arm of the timed evaluate")
    ap.add_argument("--exercise", action="append", default=None, help="exercise name (repeatable; default: all)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="checkout to measure (default: this one)")
    args = ap.parse_args(argv)
    tree = args.tree.resolve()
    emit("box.load_average_1min", f"{os.getloadavg()[0]:.2f}", "-")
    with tempfile.TemporaryDirectory() as tmp:
        for exercise in args.exercise or exercises(tree):
            measure(tree, exercise, args.replications, Path(tmp))
    emit("box.load_average_1min_after", f"{os.getloadavg()[0]:.2f}", "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
