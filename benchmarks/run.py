"""Egress performance benchmarks: ``python benchmarks/run.py [--only NAME] [--reps N] [--seed S]``.

Prints one line per figure, ``name value unit``, e.g. ``egress.stadium60k.wall_median 0.21 s``.
Every figure is the median over ``--reps`` runs (default 5; seeds ``S, S+1, ...``), because the
machine is a shared 2-core box. Everything runs on one core: thread counts of the numerical
libraries are pinned to 1 before numpy is imported.

Benchmarks (``--only`` takes one of these names):

- ``venue``: build and validate the 60,000-person stadium scenario (cheap; used by the smoke test).
- ``stadium60k``: simsoft on the two-tier stadium bowl (140 zones, 40 exits), wall time and the
  simulated 95 % / 100 % evacuation times (goal: <= 0.3 s wall).
- ``stadium100k``: the same bowl with 100,000 people (goal: <= 0.5 s wall).
- ``scaling``: 10k, 30k, 60k and 100k people in the same bowl, and time(100k) / time(10k).
- ``agent``: the agent-per-person SimPy model (:mod:`agent_model`) on the 60k bowl, its wall time
  and 95 % time against simsoft's, measured in the same run (goal: >= 25x faster, 95 % within 5 %).
- ``jpsnet``: ``jupedsim-network`` (PyPI) on the 60k bowl (goal: >= 30x faster, 95 % within 10 %);
  prints a ``skipped`` line when the package is not installed.
- ``experiments``: 1,000 replications of the place-of-worship scenario on one process, two processes
  and a local Dask cluster, and peak memory at 100 and 400 replications (issue 6's goals; runs
  ``experiments.py`` with ``--repeat min(reps, 3)``, about 4 minutes). With ``SIMSOFT_BASE_TREE`` set to
  a checkout of an earlier commit (``git worktree add /tmp/lean-base 9e53b09``), that commit's
  two-process time and CPU per run are measured side by side and the ratio printed (issue 18).
- ``exercise``: issue 18's inject step (median, p95) in the console and the web console on every
  shipped exercise, decisions, ``exercise evaluate``/``report``, each beside the base commit measured
  in the same run (runs ``exercise.py``; a few minutes).

Goals are printed as ``...goal_met 1|0 bool`` lines; the script never fails on a missed goal (the
figures are for people to read, not a timed test), only on an error.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

from venues import stadium_bowl  # noqa: E402

__all__ = ["BENCHMARKS", "main"]

POPULATIONS = (10_000, 30_000, 60_000, 100_000)
"""Crowds of the scaling benchmark, in one and the same bowl."""

WALL_GOAL_S = {60_000: 0.3, 100_000: 0.5}
"""Issue 3's wall-time targets on the project machine, one core, seconds."""
AGENT_SPEEDUP_GOAL, AGENT_T95_TOLERANCE = 25.0, 0.05
JPSNET_SPEEDUP_GOAL, JPSNET_T95_TOLERANCE = 30.0, 0.10


def emit(name: str, value: Any, unit: str) -> None:
    """Print one figure as ``name value unit`` (floats with 4 significant digits)."""
    if isinstance(value, float):
        value = f"{value:.4g}"
    print(f"{name} {value} {unit}", flush=True)


def _label(population: int) -> str:
    return f"{population // 1000}k" if population % 1000 == 0 else str(population)


class Bench:
    """Shared state of one invocation: reps, seeds and cached simsoft measurements."""

    def __init__(self, reps: int, seed: int) -> None:
        self.reps = reps
        self.seeds = [seed + i for i in range(reps)]
        self._simsoft: dict[int, dict[str, float]] = {}

    def scenario(self, population: int) -> Any:
        from simsoft.schema import Scenario

        return Scenario.model_validate(stadium_bowl(population), context={"from_file": True})

    def simsoft(self, population: int) -> dict[str, float]:
        """Median wall time and simulated times of simsoft on the bowl (cached per population)."""
        if population not in self._simsoft:
            from simsoft.engine import run

            scenario = self.scenario(population)
            run(scenario, seed=self.seeds[0])  # warm-up: imports, caches
            walls, t95, t100 = [], [], []
            for s in self.seeds:
                t0 = time.perf_counter()
                res = run(scenario, seed=s)
                walls.append(time.perf_counter() - t0)
                t95.append(float(res.metrics["egress.t95_s"]))
                t100.append(float(res.metrics["egress.t100_s"]))
            self._simsoft[population] = {
                "wall_s": statistics.median(walls),
                "t95_s": statistics.median(t95),
                "t100_s": statistics.median(t100),
            }
        return self._simsoft[population]


def bench_venue(b: Bench) -> None:
    from simsoft.schema import Scenario

    walls = []
    for _ in b.seeds:
        t0 = time.perf_counter()
        d = stadium_bowl(60_000)
        sc = Scenario.model_validate(d, context={"from_file": True})
        walls.append(time.perf_counter() - t0)
    emit("venue.stadium60k.build_median", statistics.median(walls), "s")
    emit("venue.stadium60k.zones", len(sc.venue.zones), "count")
    emit("venue.stadium60k.connections", len(sc.venue.connections), "count")
    emit("venue.stadium60k.exits", len(sc.venue.exits), "count")
    emit("venue.stadium60k.people", sc.population.total, "count")


def _stadium(b: Bench, population: int, goal_s: float) -> None:
    m = b.simsoft(population)
    name = f"egress.stadium{_label(population)}"
    emit(f"{name}.wall_median", m["wall_s"], "s")
    emit(f"{name}.t95", m["t95_s"], "s")
    emit(f"{name}.t100", m["t100_s"], "s")
    emit(f"{name}.goal_met", int(m["wall_s"] <= goal_s), "bool")


def bench_stadium60k(b: Bench) -> None:
    _stadium(b, 60_000, WALL_GOAL_S[60_000])


def bench_stadium100k(b: Bench) -> None:
    _stadium(b, 100_000, WALL_GOAL_S[100_000])


def bench_scaling(b: Bench) -> None:
    for n in POPULATIONS:
        m = b.simsoft(n)
        emit(f"egress.scaling.{_label(n)}.wall_median", m["wall_s"], "s")
    first, last = POPULATIONS[0], POPULATIONS[-1]
    ratio = b.simsoft(last)["wall_s"] / b.simsoft(first)["wall_s"]
    emit(f"egress.scaling.wall_ratio_{_label(last)}_{_label(first)}", ratio, "x")
    emit(f"egress.scaling.population_ratio_{_label(last)}_{_label(first)}", last / first, "x")
    emit("egress.scaling.sublinear", int(ratio < last / first), "bool")


def _compare(b: Bench, tag: str, walls: list[float], t95s: list[float], population: int,
             speedup_goal: float, tolerance: float) -> None:
    ours = b.simsoft(population)
    name = f"egress.stadium{_label(population)}.{tag}"
    wall, t95 = statistics.median(walls), statistics.median(t95s)
    speedup = wall / ours["wall_s"]
    rel = (ours["t95_s"] - t95) / t95
    emit(f"{name}.wall_median", wall, "s")
    emit(f"{name}.simsoft_wall_median", ours["wall_s"], "s")
    emit(f"{name}.speedup", speedup, "x")
    emit(f"{name}.t95", t95, "s")
    emit(f"{name}.simsoft_t95", ours["t95_s"], "s")
    emit(f"{name}.t95_rel_diff", 100.0 * rel, "%")
    emit(f"{name}.goal_met", int(speedup >= speedup_goal and abs(rel) <= tolerance), "bool")


def bench_agent(b: Bench) -> None:
    from agent_model import simulate

    population = 60_000
    scenario = b.scenario(population)
    walls, t95s = [], []
    for s in b.seeds:
        t0 = time.perf_counter()
        res = simulate(scenario, seed=s)
        walls.append(time.perf_counter() - t0)
        t95s.append(res.t95_s)
    _compare(b, "agent", walls, t95s, population, AGENT_SPEEDUP_GOAL, AGENT_T95_TOLERANCE)


def bench_jpsnet(b: Bench) -> None:
    try:
        import jupedsim_network  # noqa: F401
    except ImportError:
        emit("egress.stadium60k.jpsnet", "skipped", "not-installed")
        return
    from crossmodel import to_jupedsim_network, _quantile_s

    population = 60_000
    d = stadium_bowl(population)
    walls, t95s = [], []
    for s in b.seeds:
        t0 = time.perf_counter()
        res = to_jupedsim_network(d).run(s)  # library defaults: dt 0.5 s, records kept
        walls.append(time.perf_counter() - t0)
        t95s.append(_quantile_s(res.exit_times, 0.95))
    _compare(b, "jpsnet", walls, t95s, population, JPSNET_SPEEDUP_GOAL, JPSNET_T95_TOLERANCE)


LIBRARY_GOAL_S = {"stadium": 1.0}
"""Wall-time goals for a full run (all models on) of shipped library scenarios (issue: stadium <= 1 s)."""


def bench_library(b: Bench) -> None:
    """A full run (all models on) of every shipped scenario, median wall time; baseline: the community hall drill."""
    from pathlib import Path

    from simsoft import load_scenario
    from simsoft.engine import run

    root = Path(__file__).resolve().parents[1] / "scenarios"
    medians = {}
    for path in sorted(root.glob("*.yaml")):
        scenario = load_scenario(path)
        run(scenario, seed=b.seeds[0])  # warm-up
        walls = []
        for s in b.seeds:
            t0 = time.perf_counter()
            run(scenario, seed=s)
            walls.append(time.perf_counter() - t0)
        medians[path.stem] = statistics.median(walls)
        emit(f"library.{path.stem}.wall_median", medians[path.stem], "s")
    base = medians.get("community-hall")
    for name, wall in medians.items():
        if base and name != "community-hall":
            emit(f"library.{name}.ratio_to_community_hall", wall / base, "x")
    for name, goal in LIBRARY_GOAL_S.items():
        if name in medians:
            emit(f"library.{name}.goal_met", int(medians[name] <= goal), "bool")


def bench_exercise(b: Bench) -> None:
    """Issue 18: inject steps and decisions in the console and web console, now and on the base commit (exercise.py)."""
    import exercise

    exercise.main([])


def bench_experiments(b: Bench) -> None:
    """Issues 6 and 18: 1,000 place-of-worship replications, 1 vs 2 processes, Dask, memory, and the base tree
    of ``SIMSOFT_BASE_TREE`` side by side when set (experiments.py)."""
    import experiments

    experiments.main(["--repeat", str(min(b.reps, 3))])


BENCHMARKS: dict[str, Callable[[Bench], None]] = {
    "library": bench_library,
    "venue": bench_venue,
    "stadium60k": bench_stadium60k,
    "stadium100k": bench_stadium100k,
    "scaling": bench_scaling,
    "agent": bench_agent,
    "jpsnet": bench_jpsnet,
    "experiments": bench_experiments,
    "exercise": bench_exercise,
}
"""Benchmarks by name, in the order ``run.py`` runs them."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run one benchmark")
    parser.add_argument("--reps", type=int, default=5, help="repetitions per figure (median; default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first repetition (default 1)")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error(f"--reps must be >= 1, got {args.reps}")
    b = Bench(args.reps, args.seed)
    names = [args.only] if args.only else list(BENCHMARKS)
    for name in names:
        BENCHMARKS[name](b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
