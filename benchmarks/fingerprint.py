"""Fingerprints of every output simsoft makes, for changes that must keep them byte-identical.

Run before and after a refactor or a speed-up and compare the two files::

    python benchmarks/fingerprint.py --out /tmp/before.json
    ...change...
    python benchmarks/fingerprint.py --out /tmp/after.json --compare /tmp/before.json

What is hashed (SHA-256):
- every shipped scenario x seeds 1-3 x (base and every variant): ``events.jsonl``, ``metrics.json``
  and ``timeseries.csv`` exactly as a run folder holds them;
- every verification case: the table ``simsoft verify`` prints (observed values included);
- every shipped exercise with a scripted decision set: the session's ``events.jsonl``, and the AAR's
  numbers (``outcomes.json`` without its cache key, and ``aar.md`` with its dates, session folder and checkout path blanked) over a few replications;
  for the community hall also the late decision set, with the evaluation and hot-wash files that name it.

The script drives the CLI for exercises and sessions (the stable interface) and the library for runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sha(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _writers():
    """The run-folder text writers, wherever this version of simsoft keeps them."""
    for module in ("simsoft.runfolder", "simsoft.output"):
        try:
            mod = __import__(module, fromlist=["events_jsonl"])
        except ImportError:
            continue
        return mod.events_jsonl, mod.metrics_json, mod.timeseries_csv
    raise SystemExit("cannot find the run-folder writers")


def runs(seeds: list[int]) -> dict[str, str]:
    from simsoft import load_scenario, run

    events_jsonl, metrics_json, timeseries_csv = _writers()
    out: dict[str, str] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        for variant in [None, *sorted(scenario.variants)]:
            for seed in seeds:
                result = run(scenario, seed=seed, variant=variant)
                key = f"run/{path.stem}/{variant or 'base'}/s{seed}"
                out[f"{key}/events"] = _sha(events_jsonl(result))
                out[f"{key}/metrics"] = _sha(metrics_json(result))
                out[f"{key}/timeseries"] = _sha(timeseries_csv(result))
    return out


def _cli(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["simsoft", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"simsoft {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def verification() -> dict[str, str]:
    return {"verify/table": _sha(_cli("verify"))}


_DATES = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?Z?)?|\d{8}T\d{6}Z")
_CLOCK = re.compile(r"\b\d{2}:\d{2}(:\d{2})? UTC\b")
"""The room's clock the AAR prints beside exercise times (``6 min 30 s (10:42 UTC)``): when it was played, not a result."""


def _blank(text: str, folder: Path) -> str:
    text = text.replace(str(folder), "<session>").replace(str(ROOT), "<root>")
    return _CLOCK.sub("<clock> UTC", _DATES.sub("<date>", text))


def exercises(replications: int) -> dict[str, str]:
    out: dict[str, str] = {}
    ex = ROOT / "scenarios" / "exercises"
    plays = []
    for decisions in sorted(ex.glob("*-decisions.yaml")):
        name = decisions.name.removesuffix("-decisions.yaml")
        if name.endswith("-late"):
            continue
        # A contrary decision set plays the exercise of its name without "-contrary".
        plays.append((name, ex / f"{name.removesuffix('-contrary')}.yaml", decisions))
    plays.append(("community-hall-late", ex / "community-hall.yaml", ex / "community-hall-late-decisions.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, exercise, decisions in plays:
            base = Path(tmp) / name
            _cli("exercise", "start", str(exercise.relative_to(ROOT)), "--decisions",
                 str(decisions.relative_to(ROOT)), "--out", str(base))
            (session,) = [p for p in base.glob("*/*") if p.is_dir()]
            out[f"exercise/{name}/events"] = _sha((session / "events.jsonl").read_bytes())
            if name == "community-hall-late":  # the session the shipped hot wash and evaluation name
                _cli("exercise", "hotwash", str(session), "--from", str(ex / "community-hall-hotwash.yaml"))
                _cli("exercise", "evaluate", str(session), "--from", str(ex / "community-hall-evaluation.yaml"),
                     "-n", str(replications), "--executor", "serial")
            _cli("exercise", "report", str(session), "-n", str(replications), "--executor", "serial")
            outcomes = json.loads((session / "outcomes.json").read_text(encoding="utf-8"))
            outcomes.pop("key", None)  # the cache key hashes the resolved scenario, not a result
            out[f"exercise/{name}/outcomes"] = _sha(json.dumps(outcomes, sort_keys=True))
            out[f"exercise/{name}/aar.md"] = _sha(_blank((session / "aar" / "aar.md").read_text(encoding="utf-8"), session))
            out[f"exercise/{name}/improvement-plan"] = _sha(
                _blank((session / "aar" / "improvement-plan.csv").read_text(encoding="utf-8"), session))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the fingerprints (JSON)")
    parser.add_argument("--compare", type=Path, help="fingerprints recorded before, to compare with")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--replications", type=int, default=12)
    parser.add_argument("--only", choices=["runs", "verify", "exercises"], action="append")
    args = parser.parse_args()
    parts = set(args.only or ["runs", "verify", "exercises"])
    prints: dict[str, str] = {}
    if "runs" in parts:
        prints.update(runs([int(s) for s in args.seeds.split(",")]))
    if "verify" in parts:
        prints.update(verification())
    if "exercises" in parts:
        prints.update(exercises(args.replications))
    args.out.write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(prints)} fingerprints -> {args.out}")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        shared = sorted(set(before) & set(prints))
        changed = [k for k in shared if before[k] != prints[k]]
        missing = sorted(set(before) - set(prints)) if not args.only else []
        for key in changed:
            print(f"CHANGED  {key}")
        for key in missing:
            print(f"MISSING  {key}")
        print(f"{len(shared) - len(changed)} of {len(shared)} identical")
        if changed or missing:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
