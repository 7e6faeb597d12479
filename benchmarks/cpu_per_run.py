"""CPU per lean run of shipped scenarios, this tree against another checkout, in alternating children.

    python benchmarks/cpu_per_run.py /tmp/speed-base [--rounds 3] [--runs 20] [--scenario stadium] [--stadium-runs 4]

Each child imports simsoft from its tree, warms up with ``--runs`` runs, then times three passes of
``--runs`` lean runs (as experiment workers run them: collector paused, a young collection after
each run) and prints the best pass's CPU per run. The trees alternate, so both see the same load on
a shared box; the medians of the children and their ratio are printed, per scenario. The place of
worship is the default (the 1,000-run target of issue 18); the stadium, the largest shipped venue,
costs about five times as much per run, so it gets fewer runs per pass by default. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import sys, time, gc
sys.path.insert(0, sys.argv[1])
from simsoft import load_scenario
from simsoft.engine import Simulation
sc = load_scenario(sys.argv[1] + "/scenarios/" + sys.argv[3] + ".yaml")
n = int(sys.argv[2])
def go():
    gc.disable()
    for i in range(n):
        sim = Simulation(sc, seed=1000 + i, lean=True); sim.run_to_end(); sim.result().metrics
        del sim; gc.collect(1)
go()
ts = []
for r in range(3):
    t = time.process_time(); go(); ts.append((time.process_time() - t) / n * 1000)
print(min(ts))
'''


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", type=Path, help="checkout of the commit to compare with")
    p.add_argument("--rounds", type=int, default=3, help="children per tree (alternating)")
    p.add_argument("--runs", type=int, default=20, help="runs per timed pass (place of worship and others)")
    p.add_argument("--scenario", action="append", help="scenarios/NAME.yaml to time (repeatable; default place-of-worship)")
    p.add_argument("--stadium-runs", type=int, default=4, help="runs per timed pass of the stadium")
    args = p.parse_args()
    trees = {"base": args.base.resolve(), "now": ROOT}
    for name in args.scenario or ["place-of-worship"]:
        runs = args.stadium_runs if name == "stadium" else args.runs
        res: dict[str, list[float]] = {k: [] for k in trees}
        for _ in range(args.rounds):
            for k, d in trees.items():
                out = subprocess.run([sys.executable, "-c", CHILD, str(d), str(runs), name], capture_output=True,
                                     text=True, check=True)
                res[k].append(float(out.stdout))
        tag = "" if name == "place-of-worship" else f".{name}"
        for k, v in res.items():
            print(f"cpu_per_run{tag}.{k} {statistics.median(v):.1f} ms  ({', '.join(f'{x:.1f}' for x in v)})")
        print(f"cpu_per_run{tag}.base_over_now {statistics.median(res['base']) / statistics.median(res['now']):.3f} ratio")


if __name__ == "__main__":
    main()
