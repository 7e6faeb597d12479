"""Property: whatever a user does to a valid scenario file, the loader answers with its own error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simsoft import ScenarioError, load_scenario
from simsoft.loader import load_document

HALL = Path(__file__).resolve().parents[1] / "scenarios" / "community-hall.yaml"
BASE = load_document(HALL).data  # imports resolved: one self-contained document


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


ALL_PATHS = [p for p in _paths(BASE) if p]

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["90 s", "-4 min", "1e400 s", "3 parsecs", "all", "main_hall", "street", "nowhere", "", "0"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


mutation = st.tuples(
    st.sampled_from(["replace", "delete", "add_key", "rename_ref"]),
    st.sampled_from(ALL_PATHS),
    junk,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
)


def _mutate(doc: dict, steps: list) -> dict:
    doc = copy.deepcopy(doc)
    for kind, path, value, word in steps:
        try:
            parent, key = _parent(doc, path)
            if kind == "replace":
                parent[key] = value
            elif kind == "delete":
                del parent[key]
            elif kind == "add_key" and isinstance(parent[key], dict):
                parent[key][word] = value
            elif kind == "rename_ref" and isinstance(parent[key], str):
                parent[key] = word
        except (KeyError, IndexError, TypeError):
            continue  # an earlier step removed this path
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_scenarios_raise_only_scenario_errors(tmp_path_factory, steps):
    doc = _mutate(BASE, steps)
    path = tmp_path_factory.mktemp("fuzz") / "mutated.yaml"
    try:
        text = yaml.safe_dump(doc, allow_unicode=True)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems, "an error must list at least one problem"
        for problem in exc.problems:
            text = str(problem)
            assert "{" not in text.split(":", 1)[0], text  # no literal template braces in the location
            assert problem.rule, text
    else:
        assert scenario.population.total >= 0
