"""Inject text templates: plural forms and rounded counts, and every shipped inject rendered with 0, 1 and many."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.exercise import load_exercise
from facilitator.exercise.templates import format_count, placeholder_names, render, template_problem

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p for p in (ROOT / "scenarios" / "exercises").glob("*.yaml")
                   if not p.stem.endswith(("-decisions", "-evaluation", "-hotwash")))


@pytest.mark.parametrize("spec, expected", [
    ("", ["0", "1", "2", "5,983", "123,456"]),
    ("~", ["0", "1", "2", "about 6,000", "about 120,000"]),
    ("person|people", ["0 people", "1 person", "2 people", "5,983 people", "123,456 people"]),
    ("~nobody is|one person is|# people are",
     ["nobody is", "one person is", "2 people are", "about 6,000 people are", "about 120,000 people are"]),
])
def test_count_forms(spec, expected):
    assert [format_count(n, spec) for n in (0, 1, 2, 5983, 123456)] == expected


def test_about_keeps_small_counts_exact_and_says_about_only_when_it_rounded():
    assert format_count(99, "~") == "99"
    assert format_count(100, "~") == "100"
    assert format_count(1000, "~") == "1,000"
    assert format_count(1049, "~") == "about 1,000"


@pytest.mark.parametrize("spec, rule", [
    ("a|b|c|d", "needs two plural forms"),
    ("person|", "has an empty plural form"),
])
def test_bad_forms_are_refused_at_load(spec, rule):
    assert rule in template_problem("{inside:" + spec + "} inside", ["t", "inside"])


def test_time_takes_no_forms():
    assert "takes no plural forms" in template_problem("{t:~}", ["t", "inside"])


def test_python_format_specs_still_work():
    assert render("{inside:>5}|{t}", {"inside": 12, "t": "3 min"}) == "   12|3 min"


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_every_shipped_inject_reads_right_with_zero_one_and_many(path):
    loaded = load_exercise(path)
    names = placeholder_names(loaded.scenario)
    for n in (0, 1, 5983):
        values = {name: ("3 min 20 s" if name == "t" else n) for name in names}
        for inj in loaded.exercise.msel:
            text = render(inj.text, values)
            assert "{" not in text and "}" not in text, (inj.id, text)
            assert not re.search(r"\b1 (people|are|have|casualties|units|delegates|shoppers)\b", text), (inj.id, text)
            assert not re.search(r"\b0 people are\b", text), (inj.id, text)
            assert "5983" not in text, (inj.id, text)
