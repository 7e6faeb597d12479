"""Property: whatever a user does to a shipped exercise, decision or MSEL CSV file, only the project's errors come out.

Every shipped exercise file and decision file in ``scenarios/exercises/`` is mutated (values replaced
with junk, keys deleted or added, references renamed) and every shipped MSEL is exported to CSV and
mangled (cells changed, rows cut or padded, re-encoded). Loading must then either succeed or raise a
:class:`simsoft.errors.SimsoftError` listing problems; never a traceback. ``SIMSOFT_FUZZ_EXAMPLES``
raises the example count for a long session by hand (the review used >= 1,000 per class).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simsoft.errors import SimsoftError

from facilitator.exercise.decisions import load_decisions
from facilitator.exercise.loader import check_decisions, load_exercise
from facilitator.exercise.msel_csv import export_csv, import_csv
from facilitator.exercise.templates import placeholder_names, render
from facilitator.evaluation.evaluator import read_evaluation
from facilitator.evaluation.hotwash import read_hotwash

from mutation import KINDS, all_paths, mutate

EXERCISES = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
EXAMPLES = int(os.environ.get("SIMSOFT_FUZZ_EXAMPLES", "30"))
# Regional exercises (exercise.region) have their own tests (tests/test_regional_exercise.py).
EXERCISE_FILES = sorted(p for p in EXERCISES.glob("*.yaml") if yaml.safe_load(p.read_text(encoding="utf-8")).get("msel")
                        and "region" not in yaml.safe_load(p.read_text(encoding="utf-8"))["exercise"])
DECISION_FILES = sorted(p for p in EXERCISES.glob("*decisions.yaml") if not p.name.startswith("riverside-city"))
AFTER_PLAY_FILES = sorted([*EXERCISES.glob("*hotwash.yaml"), *EXERCISES.glob("*evaluation.yaml")])
RAW = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXERCISE_FILES + DECISION_FILES + AFTER_PLAY_FILES}
for _name in [p.name for p in EXERCISE_FILES]:  # the scenario path made absolute: mutated files live elsewhere
    RAW[_name]["exercise"]["scenario"] = str((EXERCISES / RAW[_name]["exercise"]["scenario"]).resolve())
LOADED = {p.name: load_exercise(p) for p in EXERCISE_FILES}
CSVS = {name: export_csv(loaded.exercise) for name, loaded in LOADED.items()}


def _exercise_of(decisions: Path) -> str:
    """``community-hall-late-decisions.yaml`` -> ``community-hall.yaml`` (also ``-contrary-``, ``-hotwash``...)."""
    name = decisions.name
    return next(p.name for p in sorted(EXERCISE_FILES, key=lambda p: -len(p.stem)) if name.startswith(p.stem + "-"))


PATHS = {name: [p for p in all_paths(doc) if p] for name, doc in RAW.items()}
HOT_KEYS = {"text", "check_every", "ends_at", "after", "at", "within", "grace", "standard", "share", "doctrine", "zones",
            "zone", "unit", "connection", "via", "level", "count", "team", "inject", "do", "when", "if_missing", "expect",
            "report_delay", "rating", "ratings", "start", "completion"}
HOT = {name: [p for p in paths if any(part in HOT_KEYS for part in p if isinstance(part, str))] or paths
       for name, paths in PATHS.items()}
"""Paths the review found fragile (times, templates, names, numbers), mutated half the time."""

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["90 s", "-4 min", "-1 h", "1e300 s", "1e-9 s", "0 s", "3 parsecs", "all", "main_hall", "ghost",
                     "{inside:>300000000}", "{inside:.999999999f}", "{t!r:^99999}", "{inside}", "{", "}", "",
                     "nan", "inf", "=1+1", "@SUM(A1)", "a;b", "x=y", "CT1.1", "I1", "venue", "police"]),
    st.lists(st.sampled_from(["all", "ghost", "main_hall", 3, None]), max_size=3),
    st.dictionaries(st.sampled_from(["zones", "zone", "unit", "level", "via", "connection", "x"]),
                    st.sampled_from(["all", "ghost", "hot", 1, [1, 2]]), max_size=2),
)


def _mutate(doc: Any, steps: list, name: str) -> Any:
    """Apply ``steps``; each step's index picks a fragile path (odd) or any path (even) of file ``name``."""
    resolved = []
    for kind, index, value, word in steps:
        paths = HOT[name] if index % 2 else PATHS[name]
        resolved.append((kind, paths[(index // 2) % len(paths)], value, word))
    return mutate(doc, resolved)


mutation = st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=10**6),
                     junk, st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8))


def _write(folder: Path, name: str, doc: Any) -> Path | None:
    try:
        text = yaml.safe_dump(doc, allow_unicode=True)
    except yaml.YAMLError:
        return None
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _assert_problems(exc: SimsoftError) -> None:
    for problem in getattr(exc, "problems", []):
        assert problem.rule, str(problem)


_settings = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_settings
@given(st.sampled_from([p.name for p in EXERCISE_FILES]), st.lists(mutation, min_size=1, max_size=4))
def test_mutated_exercises_raise_only_project_errors(tmp_path_factory, name, steps):
    path = _write(tmp_path_factory.mktemp("fuzz"), name, _mutate(RAW[name], steps, name))
    if path is None:
        return
    try:
        loaded = load_exercise(path)
    except SimsoftError as exc:
        _assert_problems(exc)
        return
    values = {name: _sample(name) for name in placeholder_names(loaded.scenario)}
    for inj in loaded.exercise.msel:  # what the loader accepts renders at release, and stays short
        assert len(render(inj.text, values)) <= len(inj.text) + 2000


def _sample(name: str) -> Any:
    return "3 min 20 s" if name == "t" else 123456


@_settings
@given(st.sampled_from([p.name for p in AFTER_PLAY_FILES]), st.lists(mutation, min_size=1, max_size=4))
def test_mutated_hotwash_and_evaluation_files_raise_only_project_errors(tmp_path_factory, name, steps):
    path = _write(tmp_path_factory.mktemp("fuzz"), name, _mutate(RAW[name], steps, name))
    if path is None:
        return
    try:
        (read_hotwash if "hotwash" in name else read_evaluation)(path)
    except SimsoftError as exc:
        _assert_problems(exc)


@_settings
@given(st.sampled_from([p.name for p in DECISION_FILES]), st.lists(mutation, min_size=1, max_size=4))
def test_mutated_decisions_raise_only_project_errors(tmp_path_factory, name, steps):
    path = _write(tmp_path_factory.mktemp("fuzz"), name, _mutate(RAW[name], steps, name))
    if path is None:
        return
    loaded = LOADED[_exercise_of(Path(name))]
    try:
        decisions = load_decisions(path)
        check_decisions(loaded, decisions)
    except SimsoftError as exc:
        _assert_problems(exc)
        return
    for d in decisions:  # what is accepted can be journaled (JSON without NaN) and takes effect within the scenario
        json.dumps(d.action, allow_nan=False)
        assert 0 <= d.after_s <= loaded.scenario.duration


CELL_JUNK = st.one_of(st.text(max_size=20), st.sampled_from(
    ["", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "'=x", "\t", "\r", "\"", "a\"b", "x=y", "zone=ghost above=-1",
     "inside_below=1e9", "event=response.on_scene subject=", "inject=I1 action=alert after=1e300s", "venue alert within=-1s",
     "venue", ";;", "a;b;", "1e-9 s", "-5 min", "{inside:>300000000}", "é", "\u2028", "\x00", "\x1a"]))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]


def _cells(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


@_settings
@given(st.sampled_from(sorted(CSVS)),
       st.lists(st.tuples(st.sampled_from(["cell", "cut_row", "add_cell", "drop_cell", "raw"]),
                          st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=20), CELL_JUNK),
                min_size=1, max_size=4),
       st.sampled_from(ENCODINGS))
def test_mangled_msel_csvs_raise_only_project_errors(tmp_path_factory, name, steps, encoding):
    import csv
    import io

    rows = _cells(CSVS[name])
    raw_tail = ""
    for kind, r, c, value in steps:
        row = rows[r % len(rows)]
        if kind == "cell" and row:
            row[c % len(row)] = value
        elif kind == "cut_row" and len(rows) > 1:
            rows.remove(row)
        elif kind == "add_cell":
            row.append(value)
        elif kind == "drop_cell" and row:
            row.pop(c % len(row))
        elif kind == "raw":
            raw_tail += value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue() + raw_tail
    path = tmp_path_factory.mktemp("fuzzcsv") / "msel.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    try:
        items = import_csv(path)
    except SimsoftError as exc:
        _assert_problems(exc)
        return
    doc = copy.deepcopy(RAW[name])
    doc["msel"] = items
    target = _write(tmp_path_factory.mktemp("fuzzcsvx"), name, doc)
    if target is None:
        return
    try:
        load_exercise(target)
    except SimsoftError as exc:
        _assert_problems(exc)
