"""Precision-driven replications and shared baselines (issue 18, fourth round): ``exercise evaluate`` per exercise.

    python benchmarks/precision.py [--exercise NAME ...] [--replications 200] [--workers 2]
                                   [--base-tree /tmp/speed-base]

For each shipped exercise two scripted sessions are played into one folder, as two teams of the
exercise, both with ``EX-decisions.yaml`` (``--second contrary``: team B with
``EX-contrary-decisions.yaml``, whose contrary decisions each add an arm of their own). Then, each in a fresh process (wall and CPU of the command and its workers):

* ``precision.EX.base_evaluate_s``: ``exercise evaluate -n R --workers W`` of the base tree (a
  checkout of ``main``, ``git worktree add /tmp/speed-base main``) on its own session A: the fixed R
  replications x 3 arms it always ran;
* ``precision.EX.first_team_s``: this tree's ``evaluate -n R`` on team A, nothing cached (the session's
  ``outcomes.json`` and the shared ``.simsoft-baselines`` deleted): the adaptive rule alone;
  ``precision.EX.first_team_used`` the replications per arm it used (from its ``outcomes:`` line);
* ``precision.EX.second_team_s``: ``evaluate -n R`` on team B right after: the doctrine and no-action
  arms come from the shared baselines, only B's own arms run;
* ``precision.EX.fixed_s``: this tree's ``evaluate -n R --fixed-replications`` on team A, nothing cached
  (the cost of the old rule in this tree; with ``--fixed`` only).

One timing each (the runs are long); trees alternate exercise by exercise so the box's load hits both
alike. A benchmark, not a test: goals print as ``goal_met 1|0`` and never fail.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
_CLI = "import sys; from facilitator.cli import exercise; exercise(sys.argv[1:])"


def emit(name: str, value: float | int | str, unit: str) -> None:
    print(f"{name} {value} {unit}", flush=True)


def _cli(tree: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds and stdout of one ``simsoft exercise ARGS`` in a fresh process importing ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("SIMSOFT_BASELINE_CACHE", None)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _CLI, *args], cwd=tree, env=env, check=True, capture_output=True,
                         text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - kids.ru_utime) + (after.ru_stime - kids.ru_stime), res.stdout


def _play(tree: Path, exercise: str, decisions: str, out: Path) -> Path:
    ex = tree / "scenarios" / "exercises"
    before = set(out.rglob("session.sqlite")) if out.exists() else set()
    _cli(tree, "start", str(ex / f"{exercise}.yaml"), "--decisions", str(ex / decisions), "--out", str(out))
    return next(p.parent for p in out.rglob("session.sqlite") if p not in before)


def exercises(tree: Path) -> list[str]:
    ex = tree / "scenarios" / "exercises"
    return sorted(p.name[: -len("-decisions.yaml")] for p in ex.glob("*-decisions.yaml")
                  if not p.name.endswith(("-contrary-decisions.yaml", "-late-decisions.yaml"))
                  and not p.name.startswith("riverside"))  # a regional exercise has no outcome runs yet


def _used(stdout: str) -> str:
    m = re.search(r"^outcomes: (?:stopped at (\d+) of|all (\d+) of|a fixed (\d+)|all (\d+) replications)", stdout, re.M)
    return next((g for g in m.groups() if g), "?") if m else "?"


def measure(exercise: str, *, reps: int, workers: int, base: Path | None, fixed: bool, tmp: Path,
            second: str = "same") -> None:
    ex = ROOT / "scenarios" / "exercises"
    b_file = f"{exercise}-contrary-decisions.yaml" if second == "contrary" \
        and (ex / f"{exercise}-contrary-decisions.yaml").is_file() else f"{exercise}-decisions.yaml"
    common = ["-n", str(reps), "--workers", str(workers), "--no-progress"]
    if base is not None:
        folder = _play(base, exercise, f"{exercise}-decisions.yaml", tmp / "base" / exercise)
        wall, cpu, _ = _cli(base, "evaluate", str(folder), *common)
        emit(f"precision.{exercise}.base_evaluate_s", f"{wall:.1f}", "s")
        emit(f"precision.{exercise}.base_evaluate_cpu_s", f"{cpu:.1f}", "s")
    out = tmp / "head" / exercise
    a = _play(ROOT, exercise, f"{exercise}-decisions.yaml", out)
    b = _play(ROOT, exercise, b_file, out)
    store = a.resolve().parent / ".simsoft-baselines"
    shutil.rmtree(store, ignore_errors=True)
    wall, cpu, text = _cli(ROOT, "evaluate", str(a), *common)
    emit(f"precision.{exercise}.first_team_s", f"{wall:.1f}", "s")
    emit(f"precision.{exercise}.first_team_cpu_s", f"{cpu:.1f}", "s")
    emit(f"precision.{exercise}.first_team_used", _used(text), "replications")
    emit(f"precision.{exercise}.first_team_line", '"' + next((ln for ln in text.splitlines() if ln.startswith("outcomes:")), "")[:160] + '"', "-")
    wall, cpu, text = _cli(ROOT, "evaluate", str(b), *common)
    emit(f"precision.{exercise}.second_team_s", f"{wall:.1f}", "s")
    emit(f"precision.{exercise}.second_team_cpu_s", f"{cpu:.1f}", "s")
    emit(f"precision.{exercise}.second_team_used", _used(text), "replications")
    emit(f"precision.{exercise}.second_team_baselines", len(list(store.glob("*.json"))), "files")
    emit(f"precision.{exercise}.goal_met", int(wall <= 6.0), "bool")
    if fixed:
        (a / "outcomes.json").unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
        wall, cpu, _ = _cli(ROOT, "evaluate", str(a), *common, "--fixed-replications")
        emit(f"precision.{exercise}.fixed_s", f"{wall:.1f}", "s")
        emit(f"precision.{exercise}.fixed_cpu_s", f"{cpu:.1f}", "s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exercise", action="append", default=None, help="exercise name (repeatable; default: all)")
    ap.add_argument("--replications", type=int, default=200, help="replications (the cap) per arm")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--base-tree", type=Path, default=None, help="checkout of main measured side by side")
    ap.add_argument("--fixed", action="store_true", help="also time this tree with --fixed-replications")
    ap.add_argument("--second", choices=["same", "contrary"], default="same",
                    help="team B's decisions: the same file (default) or the contrary one")
    args = ap.parse_args(argv)
    emit("box.load_average_1min", f"{os.getloadavg()[0]:.2f}", "-")
    with tempfile.TemporaryDirectory() as tmp:
        for exercise in args.exercise or exercises(ROOT):
            measure(exercise, reps=args.replications, workers=args.workers, base=args.base_tree, fixed=args.fixed,
                    tmp=Path(tmp), second=args.second)
            emit("box.load_average_1min", f"{os.getloadavg()[0]:.2f}", "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
