"""The egress verification suite: every published case passes, and docs/verification.md is current."""

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
