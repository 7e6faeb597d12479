"""The egress verification suite: every published case passes, and docs/verification.md is current."""

import ast
from pathlib import Path

import pytest

from simsoft.verification import CASES, VERIFICATION_DIR, format_table, run_verification, write_markdown

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results():
    return run_verification()


def test_cases_have_ids_sources_and_files():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert case.source and case.checks
        if case.scenario is not None:
            assert (VERIFICATION_DIR / case.scenario).is_file()


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_case_passes(results, case_id):
    result = next(r for r in results if r.id == case_id)
    assert result.passed, format_table([result])


def test_table_lists_every_check(results):
    table = format_table(results)
    assert table.count("\n") >= sum(len(r.checks) for r in results)
    assert table.splitlines()[-1] == f"{len(results)} of {len(results)} cases passed"


def test_docs_verification_is_current(results, tmp_path):
    fresh = tmp_path / "verification.md"
    write_markdown(results, fresh)
    committed = ROOT / "docs" / "verification.md"
    assert committed.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "docs/verification.md is stale: regenerate it with write_markdown(run_verification(), 'docs/verification.md')"
    )


def test_unknown_case_is_named():
    with pytest.raises(ValueError, match="unknown verification case 'IMO-99'"):
        run_verification(only=["IMO-99"])


def test_scenarios_ship_as_package_data():
    """``simsoft verify`` must work from an installed wheel: every case's file is package data."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["simsoft"]
    assert VERIFICATION_DIR == ROOT / "simsoft" / "verification" / "scenarios"
    shipped = {p.name for pattern in patterns for p in (ROOT / "simsoft").glob(pattern)}
    assert {c.scenario for c in CASES if c.scenario} <= shipped


def test_cases_take_no_expectation_from_the_model():
    """cases.py imports nothing of the model but the function H-2 observes; expected.py imports nothing.

    Windows computed from the model's own constants pass whatever those constants are (the stair k
    1.08 -> 1.00 passed all cases that way); the expectations must be literal numbers.
    """
    tree = ast.parse((ROOT / "simsoft" / "verification" / "cases.py").read_text(encoding="utf-8"))
    from_model = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("simsoft.models") for a in node.names), ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simsoft.models"):
            from_model += [a.name for a in node.names]
    assert from_model == ["speed_m_s"], f"cases.py imports {from_model} from simsoft.models"
    expected = ast.parse((ROOT / "simsoft" / "verification" / "expected.py").read_text(encoding="utf-8"))
    imports = [ast.unparse(n) for n in ast.walk(expected) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert imports == ["from __future__ import annotations"], f"expected.py must import nothing: {imports}"


# A realistic error in each constant the egress model reads at run time (the module attributes of
# simsoft.models.egress.hydraulics that network.py, speeds.py, plan.py and model.py look up through
# `hy.`), and the cases expected to notice it (a subset, to keep this test short). Not perturbed:
# ZONE_BOUNDARY_LAYER_M (the model never reads it), DEFAULT_RISER_MM / DEFAULT_TREAD_MM (every
# verification stair gives its steps), and FREE_DENSITY_P_M2 downwards (speeds are
# min(free, k (1 - a D)), continuous at 0.54 by construction, so a lower threshold changes nothing).
_STAIR = (178.0, 279.0)
PERTURBATIONS = {
    "a 0.266 -> 0.30 (+13 %)": (("attr", "A_M2_P", 0.30), ["RiMEA-4", "H-2", "H-3"]),
    "a 0.266 -> 0.23 (-14 %)": (("attr", "A_M2_P", 0.23), ["RiMEA-4", "H-2", "H-3"]),
    "k level 1.40 -> 1.26 (-10 %)": (("attr", "K_LEVEL_M_S", 1.26), ["RiMEA-1", "RiMEA-4", "NIST-4.1"]),
    "k level 1.40 -> 1.54 (+10 %)": (("attr", "K_LEVEL_M_S", 1.54), ["RiMEA-1", "RiMEA-4", "NIST-4.1"]),
    "Fsm 1.3 -> 1.17 (-10 %)": (("attr", "FSM_LEVEL_P_S_M", 1.17), ["IMO-4", "NIST-5.2", "H-6"]),
    "Fsm 1.3 -> 1.43 (+10 %)": (("attr", "FSM_LEVEL_P_S_M", 1.43), ["IMO-4", "NIST-5.2", "H-6"]),
    "Fsm 1.3 -> 1.6 (+23 %)": (("attr", "FSM_LEVEL_P_S_M", 1.6), ["IMO-4", "NIST-5.2", "NIST-5.1"]),
    "door layer 0.15 -> 0.18 m (+20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "door", 0.18), ["IMO-4", "NIST-5.2", "H-6"]),
    "door layer 0.15 -> 0.12 m (-20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "door", 0.12), ["IMO-4", "NIST-5.2", "H-6"]),
    "corridor layer 0.20 -> 0.24 m (+20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "corridor", 0.24), ["RiMEA-12", "NIST-5.1"]),
    "corridor layer 0.20 -> 0.16 m (-20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "corridor", 0.16), ["RiMEA-12", "NIST-5.1"]),
    "stair layer 0.15 -> 0.18 m (+20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "stair", 0.18), ["IMO-11", "H-12"]),
    "stair layer 0.15 -> 0.12 m (-20 %)": (("item", "CONNECTION_BOUNDARY_LAYER_M", "stair", 0.12), ["IMO-11", "H-12"]),
    "stair k 1.08 -> 1.00 (-7 %)": (("item", "STAIR_K_TABLE", _STAIR, 1.00), ["IMO-2", "NIST-2.2", "IMO-11"]),
    "stair k 1.08 -> 1.19 (+10 %)": (("item", "STAIR_K_TABLE", _STAIR, 1.19), ["IMO-2", "NIST-2.2", "IMO-11"]),
    "free speed factor 0.856 -> 0.77 (-10 %)": (("attr", "FREE_SPEED_FACTOR", 0.77), ["RiMEA-1", "IMO-2", "NIST-4.1"]),
    "free speed factor 0.856 -> 0.94 (+10 %)": (("attr", "FREE_SPEED_FACTOR", 0.94), ["RiMEA-1", "IMO-2", "NIST-4.1"]),
    "minimum speed 0.10 -> 0.12 m/s (+20 %)": (("attr", "MIN_SPEED_M_S", 0.12), ["RiMEA-4"]),
    "minimum speed 0.10 -> 0.08 m/s (-20 %)": (("attr", "MIN_SPEED_M_S", 0.08), ["RiMEA-4"]),
    "free-flow density 0.54 -> 0.65 p/m2 (+20 %)": (("attr", "FREE_DENSITY_P_M2", 0.65), ["H-2", "RiMEA-4"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_a_wrong_constant_fails_a_case(monkeypatch, name):
    """Each realistic error in a model constant makes at least one case fail (the suite can fail)."""
    import simsoft.models.egress.hydraulics as hy

    how, cases = PERTURBATIONS[name]
    if how[0] == "attr":
        monkeypatch.setattr(hy, how[1], how[2])
    else:
        monkeypatch.setitem(getattr(hy, how[1]), how[2], how[3])
    failed = [r.id for r in run_verification(only=cases) if not r.passed]
    assert failed, f"{name}: every one of {cases} still passes"
