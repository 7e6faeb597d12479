"""The exercise room's speed (issue 18): inject steps and decisions in the console and the web console.

``python benchmarks/exercise.py [--quick] [--exercises NAME,...] [--base COMMIT | --no-base] [--replications N]``

Prints one line per figure, ``name value unit``. For every shipped exercise (``scenarios/exercises/*.yaml``
with a ``-decisions.yaml`` set) it plays the whole MSEL with the scripted decisions:

- **console**: :class:`facilitator.conduct.console.Console` driven through its ``read``/``write``
  hooks exactly as a facilitator types: ``next`` at the facilitator prompt, each scripted decision
  line at its team's prompt, an empty line to end the turn, ``close`` at the end. An *inject step*
  is the wall time from ``next`` until the console asks for the next line (the engine runs to the
  inject, the inject and numbers are printed, the figure is handed over); a *decision* from the
  decision line until the next prompt. Measured with figures on (the default) and with ``figures=False``
  (the CLI's ``--no-figures``).
- **web**: the Flask app through its test client, as a browser does it: an inject step is
  ``POST /facilitator/control`` (``next``) plus the ``GET`` of the page it redirects to; a decision is
  ``POST /team/T/decide`` (the form a player fills in) plus the ``GET`` of the team page. Meanwhile
  every team's page, the evaluators' and a projector's facilitator page poll ``/live`` once a second
  from their own threads, as open browsers do.
- **evaluate / report**: ``simsoft exercise evaluate`` and ``exercise report`` on the scripted session
  of the first exercise, with ``--replications`` (default 20; another part of issue 18 makes them faster).

Every figure is also measured on the base commit (default ``9e53b09``, the code before issue 18) in
the same run: a git worktree at ``/tmp/room-base`` (made when missing) runs this very script in a
subprocess with that tree first on ``sys.path``, exercise by exercise, each just before the same
exercise is measured here (so a busy machine's load falls on both alike); ratios are ``base / now``
(above 1: faster now).
Medians and 95th percentiles pool every step of every exercise. The machine is a shared 2-core box:
read the figures as what they are on a busy machine. Goal lines (``...goal_met 1|0 bool``) follow the
issue: inject step median <= 0.2 s and p95 <= 0.3 s. ``--quick`` plays only the community hall, skips
the base and evaluate/report (the smoke test's mode).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE_COMMIT = "9e53b09"
BASE_TREE = Path("/tmp/room-base")
POLL_S = 1.0
"""How often an open page asks for live updates (``static/console.js``), in seconds."""
STEP_GOAL_S, STEP_P95_GOAL_S = 0.2, 0.3
"""Issue 18: an inject step in <= 200 ms (median), p95 <= 300 ms."""


def _tree_first(tree: Path) -> None:
    """Import simsoft and facilitator from ``tree`` (the base worktree), whatever is installed."""
    sys.path.insert(0, str(tree))


def exercises(root: Path, only: list[str] | None) -> list[tuple[Path, Path]]:
    """``(exercise, decisions)`` of every shipped exercise with a scripted decision set, by name."""
    found = []
    for path in sorted((root / "scenarios" / "exercises").glob("*-decisions.yaml")):
        name = path.name.removesuffix("-decisions.yaml")
        if "contrary" in name or (only and name not in only):
            continue
        exercise = path.with_name(f"{name}.yaml")
        if exercise.is_file():
            found.append((exercise, path))
    return found


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


# -- the console ---------------------------------------------------------------------------------
def console_times(exercise: Path, decisions: Path, *, figures: bool, out: Path) -> dict[str, list[float]]:
    """Inject-step and decision times of one scripted conduct in the console."""
    from facilitator import load_decisions, load_exercise, start_session
    from facilitator.conduct.console import Console

    loaded = load_exercise(str(exercise))
    script = load_decisions(str(decisions))
    session = start_session(loaded, out_dir=out)
    lines: list[str] = []
    steps: list[float] = []
    decided: list[float] = []
    state: dict[str, Any] = {"t0": None, "kind": None, "done": False}
    taken: set[int] = set()

    def read(prompt: str) -> str:
        now = time.perf_counter()
        if state["t0"] is not None:
            if state["kind"] == "step" and any(line.startswith("== ") for line in lines):
                steps.append(now - state["t0"])
            elif state["kind"] == "decision":
                decided.append(now - state["t0"])
        if state["kind"] == "step" and any("no inject left" in line for line in lines):
            state["done"] = True
        lines.clear()
        team = prompt.removesuffix("> ")
        if prompt == "facilitator> ":
            state["t0"], state["kind"] = time.perf_counter(), ("close" if state["done"] else "step")
            return "close" if state["done"] else "next"
        if prompt in ("hot wash> ", "evaluation> "):
            state["t0"], state["kind"] = None, None
            return "close"
        current = session.current_inject()
        inject = current.inject.id if current else None
        todo = [i for i, d in enumerate(script) if d.team == team and d.inject == inject and i not in taken]
        if todo:
            taken.add(todo[0])
            state["t0"], state["kind"] = time.perf_counter(), "decision"
            return script[todo[0]].line()
        state["t0"], state["kind"] = None, None
        return ""

    Console(session, read=read, write=lines.append, figures=figures).run()
    return {"steps": steps, "decisions": decided}


# -- the web console ------------------------------------------------------------------------------
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _join(app: Any, room: Any, key: str) -> tuple[Any, str]:
    client = app.test_client()
    token = _CSRF.search(client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    client.post("/join", data={"csrf": token, "code": room.code_of_key(key)})
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return client, _CSRF.search(page).group(1)  # type: ignore[union-attr]


def _form(decision: Any, token: str) -> Any:
    from werkzeug.datastructures import MultiDict

    verb = str(decision.action["do"])
    form = MultiDict([("csrf", token), ("verb", verb), ("rationale", decision.rationale)])
    for key, value in decision.action.items():
        if key == "do":
            continue
        for v in (value if isinstance(value, list) else [value]):
            form.add(f"{verb}.{key}", str(v).lower() if isinstance(v, bool) else str(v))
    if decision.after_s:
        form.add("after", f"{decision.after_s:g}s")
    return form


def _poll(client: Any, view: str, stop: threading.Event) -> None:
    """What ``static/console.js`` does in every open page: ``GET /live/VIEW?v=N`` once a second."""
    version = -1
    while not stop.wait(POLL_S):
        answer = client.get(f"/live/{view}?v={version}").get_json(silent=True) or {}
        version = answer.get("v", version)


def web_times(exercise: Path, decisions: Path, *, out: Path) -> dict[str, list[float]]:
    """Inject-step and decision times of one scripted conduct in the web console (Flask test client).

    Every player team's page, the evaluators' page and a second facilitator page (the projector) are
    open meanwhile and poll for live updates once a second, as in the room.
    """
    from facilitator import load_decisions, load_exercise, start_session
    from facilitator.web import Room, create_app

    loaded = load_exercise(str(exercise))
    script = load_decisions(str(decisions))
    room = Room(lambda: start_session(loaded, out_dir=out))
    stop = threading.Event()
    pollers: list[threading.Thread] = []
    try:
        app = create_app(room)
        fac, token = _join(app, room, "facilitator")
        teams = {t.id: _join(app, room, f"team:{t.id}") for t in loaded.exercise.teams if t.role == "player"}
        pages = [(_join(app, room, "facilitator")[0], "facilitator"), (_join(app, room, "evaluator")[0], "evaluator")]
        pages += [(_join(app, room, f"team:{team}")[0], "team") for team in teams]
        for client, view in pages:
            pollers.append(threading.Thread(target=_poll, args=(client, view, stop), daemon=True))
            pollers[-1].start()
        fac.post("/facilitator/control", data={"csrf": token, "command": "start"})
        steps: list[float] = []
        decided: list[float] = []
        while True:
            t0 = time.perf_counter()
            resp = fac.post("/facilitator/control", data={"csrf": token, "command": "next"})
            page = fac.get(resp.headers["Location"]).get_data(as_text=True)
            took = time.perf_counter() - t0
            if "no inject left" in page:
                break
            steps.append(took)
            current = room.call(lambda ses: ses.current_inject())
            for d in script:
                if d.inject != current.inject.id or d.team not in teams:
                    continue
                client, team_token = teams[d.team]
                t0 = time.perf_counter()
                resp = client.post(f"/team/{d.team}/decide", data=_form(d, team_token))
                client.get(resp.headers.get("Location", f"/team/{d.team}"))
                decided.append(time.perf_counter() - t0)
        fac.post("/facilitator/control", data={"csrf": token, "command": "close"})
    finally:
        stop.set()
        for thread in pollers:
            thread.join()
        room.close()
    return {"steps": steps, "decisions": decided}


# -- evaluate and report ---------------------------------------------------------------------------
def cli_times(exercise: Path, decisions: Path, *, out: Path, replications: int) -> dict[str, float]:
    """Wall time of ``exercise evaluate`` and ``exercise report`` on a scripted session (subprocesses)."""
    cli = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); from simsoft.cli import main; main()",
           os.environ.get("ROOM_BENCH_TREE", str(ROOT))]
    started = subprocess.run([*cli, "exercise", "start", str(exercise), "--decisions", str(decisions), "--out", str(out)],
                             capture_output=True, text=True, check=True)
    folder = re.search(r"session (\S+) \(seed", started.stdout).group(1)  # type: ignore[union-attr]
    found = {}
    for verb in ("evaluate", "report"):
        t0 = time.perf_counter()
        subprocess.run([*cli, "exercise", verb, folder, "--replications", str(replications)],
                       capture_output=True, text=True, check=True)
        found[verb] = time.perf_counter() - t0
    return found


# -- one tree ---------------------------------------------------------------------------------------
MODES = ("console", "console_nofig", "web")


def measure(*, only: list[str] | None, replications: int, play: bool = True) -> dict[str, Any]:
    """Every figure of this tree (the one ``simsoft`` is imported from), as plain data.

    ``play=False`` times only evaluate/report.
    """
    import simsoft

    root = Path(simsoft.__file__).resolve().parents[1]
    found: dict[str, Any] = {"console": {}, "console_nofig": {}, "web": {}, "cli": {}}
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        pairs = exercises(root, only)
        for exercise, decisions in pairs if play else []:
            name = exercise.stem
            found["console"][name] = console_times(exercise, decisions, figures=True, out=Path(tmp) / "c")
            found["console_nofig"][name] = console_times(exercise, decisions, figures=False, out=Path(tmp) / "n")
            found["web"][name] = web_times(exercise, decisions, out=Path(tmp) / "w")
        if replications and pairs:
            found["cli"] = cli_times(*pairs[0], out=Path(tmp) / "cli", replications=replications)
            found["cli_exercise"] = pairs[0][0].stem
    return found


def base_tree(commit: str) -> Path:
    """The worktree of ``commit`` at :data:`BASE_TREE` (added when missing)."""
    if not (BASE_TREE / "facilitator").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(BASE_TREE), commit],
                       check=True, capture_output=True, text=True)
    return BASE_TREE


# -- printing -------------------------------------------------------------------------------------
def emit(name: str, value: Any, unit: str) -> None:
    """Print one figure as ``name value unit`` (floats with 4 significant digits)."""
    if isinstance(value, float):
        value = f"{value:.4g}"
    print(f"{name} {value} {unit}", flush=True)


def summary(found: dict[str, Any]) -> dict[str, float]:
    """Pooled medians and p95 of every mode, and evaluate/report walls: ``{name: seconds}``."""
    out: dict[str, float] = {}
    for mode in MODES:
        for what, label in (("steps", "inject_step"), ("decisions", "decision")):
            pooled = [t for times in found[mode].values() for t in times[what]]
            if pooled:
                out[f"{mode}.{label}_median"] = statistics.median(pooled)
                out[f"{mode}.{label}_p95"] = p95(pooled)
    for verb, wall in found.get("cli", {}).items():
        out[f"{verb}.wall"] = wall
    return out


def report(now: dict[str, Any], base: dict[str, Any] | None, *, replications: int) -> None:
    """Print the figures of now, per exercise and pooled, the base's, ratios and goals."""
    for mode in MODES:
        for name, times in sorted(now[mode].items()):
            if times["steps"]:
                emit(f"exercise.{mode}.{name}.inject_step_median", statistics.median(times["steps"]), "s")
    mine = summary(now)
    theirs = summary(base) if base else {}
    for key, value in mine.items():
        emit(f"exercise.{key}", value, "s")
        if key in theirs:
            emit(f"exercise.base.{key}", theirs[key], "s")
            emit(f"exercise.{key}_ratio", theirs[key] / value if value else float("inf"), "x")
    if now.get("cli"):
        emit("exercise.cli.replications", replications, "count")
    for mode in MODES:
        if f"{mode}.inject_step_median" in mine:
            met = mine[f"{mode}.inject_step_median"] <= STEP_GOAL_S and mine[f"{mode}.inject_step_p95"] <= STEP_P95_GOAL_S
            emit(f"exercise.{mode}.goal_met", int(met), "bool")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the community hall only; no base, no evaluate/report")
    parser.add_argument("--exercises", default=None, help="comma-separated exercise names (default: all shipped)")
    parser.add_argument("--base", default=BASE_COMMIT, help=f"commit measured beside (default {BASE_COMMIT})")
    parser.add_argument("--no-base", action="store_true", help="do not measure the base commit")
    parser.add_argument("--replications", type=int, default=20, help="replications of evaluate/report (0: skip)")
    parser.add_argument("--tree", default=None, help=argparse.SUPPRESS)  # the base run: import from this tree
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the base run: print data
    parser.add_argument("--cli-only", action="store_true", help=argparse.SUPPRESS)  # the base run: evaluate/report
    args = parser.parse_args(argv)
    if args.replications < 0:
        parser.error(f"--replications must be >= 0, got {args.replications}")
    only = ["community-hall"] if args.quick else (args.exercises.split(",") if args.exercises else None)
    replications = 0 if args.quick else args.replications
    if args.tree:
        _tree_first(Path(args.tree))
        os.environ["ROOM_BENCH_TREE"] = args.tree
    else:
        sys.path.insert(0, str(ROOT))
    if args.json:  # the base's run of one part: the same measurement, printed as data
        print(json.dumps(measure(only=only, replications=replications, play=not args.cli_only)))
        return 0
    if args.quick or args.no_base:
        report(measure(only=only, replications=replications), None, replications=replications)
        return 0
    tree = base_tree(args.base)
    now: dict[str, Any] = {mode: {} for mode in MODES}
    base: dict[str, Any] | None = {mode: {} for mode in MODES}
    # Exercise by exercise, the base and then now: on a busy machine the load falls on both alike.
    parts: list[tuple[list[str], bool]] = [([e.stem], True) for e, _ in exercises(ROOT, only)]
    if replications and parts:
        parts.append((parts[0][0], False))
    for names, play in parts:
        base = _merge(base, _base_part(tree, names, play=play, replications=0 if play else replications))
        now = _merge(now, measure(only=names, replications=0 if play else replications, play=play))
    report(now, base, replications=replications)
    return 0


def _merge(into: dict[str, Any] | None, part: dict[str, Any] | None) -> dict[str, Any] | None:
    if into is None or part is None:
        return None  # a base part failed: no base figures at all rather than a partial comparison
    for mode in MODES:
        into[mode].update(part[mode])
    if part.get("cli"):
        into["cli"], into["cli_exercise"] = part["cli"], part["cli_exercise"]
    return into


def _base_part(tree: Path, names: list[str], *, play: bool, replications: int) -> dict[str, Any] | None:
    """This script's measurement of ``names`` on the base tree, in a subprocess (None, and a note, on failure)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--tree", str(tree), "--json", "--exercises", ",".join(names),
           "--replications", str(replications)] + ([] if play else ["--cli-only"])
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tree)
    if done.returncode != 0:
        print(f"base run failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
