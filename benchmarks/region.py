"""Regional run speed (issue 22): ``python benchmarks/region.py [--region FILE] [--reps N] [--seed S] [--full]``.

Prints one line per figure, ``name value unit``:

- ``region.<name>.wall_median``: median wall time of one regional run (load excluded), seeds ``S, S+1, ...``;
- ``region.<name>.sites_alone_median``: median, over the same seeds, of the summed wall times of every site
  run alone (``run(site scenario, seed=site_seed(S, id))``), measured in the same process;
- ``region.<name>.ratio``: the first over the second (the cost of sharing one environment and the region's
  bookkeeping; 1.0 = none);
- ``region.<name>.people`` and ``region.<name>.goal_met``: issue 22's goal is a region of four library
  venues (~100,000 people) in <= 2 s on one core.

Runs are lean (the time series no metric reads are dropped), as experiment runs are; ``--full`` times full
runs (what ``simsoft region run`` does before writing its folder); ``--all-incidents`` gives every site its
scenario's incident (the shipped region has two quiet venues, whose crowds cost little until alerted). Numerical libraries are pinned to one
thread before numpy is imported, so everything runs on one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from simsoft import load_scenario, run  # noqa: E402
from simsoft.region.loader import find_scenario, site_scenario  # noqa: E402
from simsoft.region import load_region, run_region, site_seed  # noqa: E402

GOAL_S = 2.0
"""Issue 22: four library venues, ~100,000 people, one core."""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default=str(HERE.parent / "scenarios" / "regions" / "riverside-city.yaml"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="time full runs instead of lean ones")
    ap.add_argument("--all-incidents", action="store_true",
                    help="give every site its scenario's incident (a heavier load than the shipped region)")
    args = ap.parse_args(argv)
    loaded = load_region(args.region)
    if args.all_incidents:
        scenarios = {}
        for site in loaded.region.sites:
            path = find_scenario(site.scenario, base=Path(loaded.file).parent)
            scenarios[site.id] = site_scenario(load_scenario(path), offset_s=site.start_offset, incident=True)
        loaded = dataclasses.replace(loaded, scenarios=scenarios)
    lean = not args.full
    name = Path(args.region).stem
    region_walls, alone_walls = [], []
    for k in range(args.reps):
        seed = args.seed + k
        t0 = time.perf_counter()
        run_region(loaded, seed=seed, lean=lean)
        region_walls.append(time.perf_counter() - t0)
        total = 0.0
        for site in loaded.region.sites:
            t0 = time.perf_counter()
            run(loaded.scenarios[site.id], seed=site_seed(seed, site.id), lean=lean)
            total += time.perf_counter() - t0
        alone_walls.append(total)
    wall, alone = statistics.median(region_walls), statistics.median(alone_walls)
    people = sum(s.population.total for s in loaded.scenarios.values())
    mode = ("full" if args.full else "lean") + ("+all_incidents" if args.all_incidents else "")
    print(f"region.{name}.sites {len(loaded.region.sites)} count")
    print(f"region.{name}.people {people} people")
    print(f"region.{name}.wall_median {wall:.3f} s")
    print(f"region.{name}.sites_alone_median {alone:.3f} s")
    print(f"region.{name}.ratio {wall / alone:.3f} x")
    print(f"region.{name}.mode {mode} -")
    print(f"region.{name}.goal_met {int(wall <= GOAL_S and len(loaded.region.sites) >= 4)} bool")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
