"""Shared fixtures: paths of the shipped scenarios and a helper to write scenario variants."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HALL = SCENARIOS / "community-hall.yaml"


@pytest.fixture
def hall_text() -> str:
    """The flagship scenario's text, to mutate in error tests."""
    return HALL.read_text(encoding="utf-8")


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A temporary folder with the shipped venues, so ``import: venues/...`` resolves."""
    (tmp_path / "venues").mkdir()
    for venue in (SCENARIOS / "venues").glob("*.yaml"):
        (tmp_path / "venues" / venue.name).write_text(venue.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path
