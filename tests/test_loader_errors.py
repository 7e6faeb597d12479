"""Every kind of bad scenario input gets the project's own error, with its message pinned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simsoft import ScenarioError, load_scenario
from simsoft.loader import apply_variant, validate_file
from simsoft.loader.yaml_io import MAX_BYTES


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run in the temporary folder so messages show short relative file names."""
    monkeypatch.chdir(tmp_path)


def _write(folder: Path, text: str, name: str = "bad.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


CASES = [
    # (id, old text, new text, pinned message)
    ("unknown key", "egress:\n", "egress:\n  widht_m: 3\n",
     r"bad\.yaml:18 egress\.widht_m: unknown key \(did you mean 'width_m'\?\)"),
    ("wrong type", "count: 300", "count: lots",
     r"bad\.yaml:10 population\.groups\[0\]\.count: 'lots' must be a whole number"),
    ("bad duration (no unit)", "median: 45 s", "median: 45",
     r"bad\.yaml:15 population\.pre_movement\.median: 45 needs a unit: write e\.g\. '90 s'"),
    ("bad duration (unit)", "median: 45 s", "median: 45 parsecs",
     r"bad\.yaml:15 population\.pre_movement\.median: '45 parsecs' has unknown unit 'parsecs': use s, min, h or d"),
    ("dangling reference", "{zone: kitchen, count: 6}", "{zone: kitchn, count: 6}",
     r"bad\.yaml:13 population\.groups\[3\]\.zone: 'kitchn' is not a zone of the venue \(zones: courtyard, foyer"),
    ("unknown action verb", "do: evacuate", "do: panic",
     r"bad\.yaml:23 actions\[0\]\.do: 'panic' must be one of 'alert', 'evacuate'"),
    ("action names unknown zone", "zones: all, note", "zones: [nowhere], note",
     r"bad\.yaml:23 actions\[0\]\.zones\[0\]: 'nowhere' is not a zone of the venue"),
    ("over capacity", "count: 300", "count: 3000",
     r"population\.groups\[0\]\.count: 3000 puts 3000 people in zone 'main_hall' whose capacity is 400"),
    ("variant path out of range", "venue.connections[7].width_m", "venue.connections[17].width_m",
     r"bad\.yaml:41 variants\.wider_rear_exit\.set\.venue\.connections\[17\]\.width_m: index \[17\] is out of range \(10 items\)"),
    ("variant sets a bad value", "venue.connections[7].width_m: 2.0", "venue.connections[7].width_m: -1.0",
     r"bad\.yaml:41 venue\.connections\[7\]\.width_m \(variant wider_rear_exit\): -1\.0 must be > 0"),
    ("tab in YAML", "egress:\n  time_step", "egress:\n\ttime_step",
     r"bad\.yaml:18: is not valid YAML: found character '\\t' that cannot start any token"),
    ("actions out of order", "  - {at: 30 s, do: evacuate", "  - {at: 90 s, do: alert, zones: [foyer]}\n  - {at: 30 s, do: evacuate",
     r"bad\.yaml:24 actions\[1\]\.at: '30 s' is before the previous action \(90 s\): list actions in time order"),
    ("action after the end", "{at: 30 s, do: evacuate", "{at: 2 h, do: evacuate",
     r"actions\[0\]\.at: '7200 s' is after the scenario ends \(duration 1800 s\)"),
]


@pytest.mark.parametrize("old,new,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mutated_flagship_is_refused_with_pinned_message(scenario_dir, hall_text, old, new, message):
    assert old in hall_text
    path = _write(scenario_dir, hall_text.replace(old, new, 1))
    assert re.search(message, _error(path)), _error(path)


VENUE = """name: t
venue:
  zones:
    - {id: a, area_m2: 50}
    - {id: b, area_m2: 50}
  exits:
    - {id: out}
  connections:
    - {id: ab, from: a, to: b, width_m: 1.0}
    - {id: bout, from: b, to: out, width_m: 1.0}
population:
  groups:
    - {zone: a, count: 10}
"""


def test_negative_width_names_file_line_field_and_rule(tmp_path):
    path = _write(tmp_path, VENUE.replace("{id: ab, from: a, to: b, width_m: 1.0}", "{id: ab, from: a, to: b, width_m: -1.0}"))
    assert _error(path) == "bad.yaml:9 venue.connections[0].width_m: -1.0 must be > 0"


def test_duplicate_id(tmp_path):
    path = _write(tmp_path, VENUE.replace("{id: b, area_m2: 50}", "{id: a, area_m2: 50}"))
    assert "bad.yaml:5 venue.zones[1].id: 'a' duplicate id (also venue.zones[0])" in _error(path)


def test_unreachable_zone(tmp_path):
    text = VENUE.replace("    - {id: b, area_m2: 50}\n", "    - {id: b, area_m2: 50}\n    - {id: island, area_m2: 20}\n")
    text = text.replace("    - {zone: a, count: 10}\n", "    - {zone: a, count: 10}\n    - {zone: island, count: 3}\n")
    assert "bad.yaml:6 venue.zones[2].id: 'island' holds 3 people but no route leads from it to an exit" in _error(_write(tmp_path, text))


def test_one_way_door_the_wrong_way_makes_a_zone_unreachable(tmp_path):
    text = VENUE.replace("{id: ab, from: a, to: b, width_m: 1.0}", "{id: ab, from: b, to: a, width_m: 1.0, one_way: true}")
    assert "venue.zones[0].id: 'a' holds 10 people but no route leads from it to an exit" in _error(_write(tmp_path, text))


def test_no_exit(tmp_path):
    text = VENUE.replace("  exits:\n    - {id: out}\n", "  exits: []\n")
    message = _error(_write(tmp_path, text))
    assert "bad.yaml:6 venue.exits: must have at least 1 item(s)" in message


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = VENUE.replace("width_m: 1.0}", "width_m: 0}").replace("count: 10", "count: -1")
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    rendered = [str(p) for p in info.value.problems]
    assert rendered == [
        "bad.yaml:9 venue.connections[0].width_m: 0 must be > 0",
        "bad.yaml:10 venue.connections[1].width_m: 0 must be > 0",
        "bad.yaml:13 population.groups[0].count: -1 must be >= 0",
    ]


def test_import_cycle(tmp_path):
    _write(tmp_path, "import: [b.yaml]\nname: a\n", "a.yaml")
    _write(tmp_path, "import: [a.yaml]\n", "b.yaml")
    with pytest.raises(ScenarioError, match=r"b\.yaml:1 import\[0\]: 'a\.yaml' import cycle: a\.yaml -> b\.yaml -> a\.yaml"):
        load_scenario(tmp_path / "a.yaml")


def test_missing_import(tmp_path):
    path = _write(tmp_path, "import: [venues/nowhere.yaml]\n" + VENUE)
    with pytest.raises(ScenarioError, match=r"bad\.yaml:1 import\[0\]: 'venues/nowhere\.yaml' file not found"):
        load_scenario(path)


def test_unknown_variant(hall_text, scenario_dir):
    scenario = load_scenario(_write(scenario_dir, hall_text))
    with pytest.raises(ScenarioError, match=r"unknown variant 'nope' of scenario 'Community hall evacuation drill' \(variants: front_door_blocked"):
        apply_variant(scenario, "nope")


def test_non_yaml_file(tmp_path):
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ScenarioError, match=r"photo\.yaml: is not a YAML text file \(it contains binary data\)"):
        load_scenario(path)


def test_yaml_that_is_not_a_mapping(tmp_path):
    with pytest.raises(ScenarioError, match=r"bad\.yaml:1: must be a mapping of scenario keys \(name, venue, population, \.\.\.\), not a list"):
        load_scenario(_write(tmp_path, "- just\n- a list\n"))


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(ScenarioError, match=r"^bad\.yaml: file is empty$"):
        load_scenario(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"nothere\.yaml: file not found"):
        load_scenario(tmp_path / "nothere.yaml")


def test_object_construction_is_refused(tmp_path):
    text = VENUE + "extra: !!python/object/apply:os.system ['echo owned']\n"
    with pytest.raises(ScenarioError, match=r"extra: tag 'tag:yaml\.org,2002:python/object/apply:os\.system' is not allowed"):
        load_scenario(_write(tmp_path, text))


def test_duplicate_key(tmp_path):
    with pytest.raises(ScenarioError, match=r"bad\.yaml:2 name: duplicate key \(written twice in the same mapping\)"):
        load_scenario(_write(tmp_path, "name: a\n" + VENUE))


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (MAX_BYTES + 10) + b"\n")
    with pytest.raises(ScenarioError, match=r"big\.yaml: file is 5\.2 MB; scenario files are limited to 5 MB"):
        load_scenario(path)


def test_absurd_nesting_is_refused(tmp_path):
    deep = "name: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(ScenarioError, match=r"nested more than 40 levels deep; refusing it"):
        load_scenario(_write(tmp_path, deep))


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(ScenarioError, match=r"file expands to more than 500,000 values \(aliases\?\); refusing it"):
        load_scenario(_write(tmp_path, "\n".join(lines) + "\n"))


def test_venue_file_validates_on_its_own():
    venue = Path(__file__).resolve().parents[1] / "scenarios" / "venues" / "community-hall.yaml"
    assert validate_file(venue) == "venue"


def test_exit_written_as_from_is_refused(tmp_path):
    text = VENUE.replace("{id: bout, from: b, to: out, width_m: 1.0}", "{id: bout, from: out, to: b, width_m: 1.0}")
    assert "bad.yaml:10 venue.connections[1].from: 'out' is an exit: write the exit as 'to'" in _error(_write(tmp_path, text))
