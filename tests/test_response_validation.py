"""The default police response reproduces the published median arrival time (FBI studies)."""

from __future__ import annotations

from pathlib import Path

from simsoft.verification.response import BAND_S, validate_police_response, validation_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_default_police_arrival_matches_published_median_and_doc_is_current():
    result = validate_police_response(replications=500)
    assert result.replications == 500
    assert BAND_S[0] <= result.median_s <= BAND_S[1], result
    assert result.passed
    committed = (ROOT / "docs" / "response-validation.md").read_text(encoding="utf-8")
    assert committed == validation_markdown(result), "regenerate: python -m simsoft.verification.response > docs/response-validation.md"
