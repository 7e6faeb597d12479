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


# ------------------------------------------------------------------ files that break YAML readers
def test_a_control_character_names_its_line(tmp_path):
    path = _write(tmp_path, "name: t\nvenue:\n  zones: [\x07]\n")
    assert re.search(r"bad\.yaml:3: contains the control character '\\x07', which YAML does not allow", _error(path))


def test_a_merge_key_that_is_not_a_mapping(tmp_path):
    path = _write(tmp_path, "name: t\nvenue:\n  <<: 5\n")
    assert re.search(r"bad\.yaml:3 venue: merge key '<<' .*it must name a mapping", _error(path)), _error(path)


def test_nesting_beyond_the_parser_is_refused(tmp_path):
    path = _write(tmp_path, "a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert re.search(r"bad\.yaml: (is nested too deeply to read|.*nested more than 40 levels)", _error(path)), _error(path)


def test_a_device_or_pipe_is_refused_without_reading_it(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match=r"pipe\.yaml: is not a regular file"):
        load_scenario(fifo)
    with pytest.raises(ScenarioError, match=r"is not a regular file"):
        load_scenario("/dev/zero")


def test_an_unreadable_file(tmp_path):
    import os

    path = _write(tmp_path, VENUE)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: nothing to check here
        pytest.skip("running as root")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: cannot be read"):
        load_scenario(path)


# ------------------------------------------------------------------ numbers and durations
@pytest.mark.parametrize("text,message", [
    ("width_m: .inf", r"connections\[0\]\.width_m: .*finite"),
    ("width_m: .nan", r"connections\[0\]\.width_m: .*finite"),
    ("width_m: 1" + "0" * 400, r"connections\[0\]\.width_m: 1000+\.\.\. must be a finite number"),
])
def test_numbers_that_are_not_finite_are_refused(tmp_path, text, message):
    path = _write(tmp_path, VENUE.replace("width_m: 1.0}", text + "}", 1))
    assert re.search(message, _error(path)), _error(path)


@pytest.mark.parametrize("spelling,seconds", [
    ("90 s", 90), ("90 sec", 90), ("90 secs", 90), ("90 seconds", 90), ("2 min", 120), ("2 mins", 120),
    ("2 minutes", 120), ("1 h", 3600), ("1 hr", 3600), ("2 hrs", 7200), ("1 hour", 3600), ("2 d", 172800),
    ("1 day", 86400), ("2 MIN", 120),
])
def test_every_common_spelling_of_a_unit_is_accepted(spelling, seconds):
    from simsoft.units import parse_duration

    assert parse_duration(spelling) == seconds


@pytest.mark.parametrize("text,message", [
    ("-5 s", "cannot be negative"), ("1e300 s", "is longer than 400 days"), ("inf s", "is not a duration"),
    ("5", "needs a unit"),
])
def test_durations_that_cannot_be(text, message):
    from simsoft.units import parse_duration

    with pytest.raises(ValueError, match=message):
        parse_duration(text)


# ------------------------------------------------------------------ the scope guard
def _variant(hall_text: str, key: str, value: str, flag: str = "") -> str:
    return hall_text + f"\n  probe:\n    {flag}set:\n      {key}: {value}\n"


@pytest.mark.parametrize("key,value", [
    ("incident.starts_at", "10 min"), ("incident.kind", "fire"), ("incident.affected[0].zone", "foyer"),
    ("incident.ends.when", "scripted"), ("incident", "{label: x, affected: [{zone: foyer, for: 1 min}]}"),
])
def test_a_variant_cannot_rewrite_the_incident_script(incident_dir, key, value):
    text = (incident_dir / "community-hall-incident.yaml").read_text(encoding="utf-8")
    path = _write(incident_dir, _variant(text, key, value))
    assert re.search(r"variants\.probe\.set\.incident.*: a variant may not change the incident script", _error(path)), _error(path)


def test_scaling_the_intensity_is_only_a_flagged_load_sensitivity(incident_dir):
    text = (incident_dir / "community-hall-incident.yaml").read_text(encoding="utf-8")
    key = "incident.intensity.casualties_per_exposed_person_minute"
    path = _write(incident_dir, _variant(text, key, "0.02"))
    assert re.search(r"is a load sensitivity, not a protective measure: mark the variant with 'load_sensitivity: true'", _error(path))
    path = _write(incident_dir, _variant(text, key, "0.02", flag="load_sensitivity: true\n    "), name="ok.yaml")
    scenario = load_scenario(path)
    assert scenario.variants["probe"].load_sensitivity


@pytest.fixture
def incident_dir(scenario_dir: Path) -> Path:
    src = Path(__file__).resolve().parents[1] / "scenarios" / "community-hall-incident.yaml"
    (scenario_dir / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return scenario_dir


def test_a_real_key_in_the_wrong_block_is_not_suggested_as_itself(tmp_path):
    path = _write(tmp_path, VENUE.replace("- {id: a, area_m2: 50}", "- {id: a, area_m2: 50, width_m: 2}", 1))
    message = _error(path)
    assert "did you mean 'width_m'" not in message
    assert re.search(r"bad\.yaml:4 venue\.zones\[0\]\.width_m: unknown key here: 'width_m' belongs to another block", message), message


def test_a_venue_file_on_its_own_points_at_the_bad_lines(tmp_path):
    venue = VENUE.split("population:")[0].replace("name: t\n", "").replace("area_m2: 50}", "area_m2: lots}", 1)
    venue = venue.replace("width_m: 1.0}", "width_m: -2}", 1)
    path = _write(tmp_path, venue, name="venue.yaml")
    with pytest.raises(ScenarioError) as info:
        validate_file(path)
    text = str(info.value)
    assert re.search(r"venue\.yaml:3 venue\.zones\[0\]\.area_m2: 'lots' must be a finite number", text), text
    assert re.search(r"venue\.yaml:8 venue\.connections\[0\]\.width_m: -2 must be > 0", text), text


@pytest.mark.parametrize("name,pointer", [
    ("community-hall.yaml", r"is an exercise file, not a scenario: start a session with `simsoft exercise start"),
    ("community-hall-decisions.yaml", r"is a scripted decision set, not a scenario: play it with `simsoft exercise start EXERCISE\.yaml --decisions"),
    ("community-hall-evaluation.yaml", r"is an evaluation file, not a scenario: use `simsoft exercise evaluate SESSION --from"),
    ("community-hall-hotwash.yaml", r"is a hot-wash file, not a scenario: use `simsoft exercise hotwash SESSION --from"),
])
def test_an_exercise_file_given_as_a_scenario_points_to_the_right_command(name, pointer):
    path = Path(__file__).resolve().parents[1] / "scenarios" / "exercises" / name
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 1 and re.search(pointer, str(info.value)), str(info.value)


def test_bad_references_are_reported_with_schema_errors_not_after_them(tmp_path):
    text = VENUE.replace("area_m2: 50}", "area_m2: lots}", 1).replace("{zone: a, count: 10}", "{zone: ghost, count: 10}")
    text = text.replace("to: out, width_m", "to: nowhere, width_m")
    path = _write(tmp_path, text)
    message = _error(path)
    assert re.search(r"bad\.yaml:4 venue\.zones\[0\]\.area_m2: 'lots' must be a finite number", message), message
    assert re.search(r"bad\.yaml:10 venue\.connections\[1\]\.to: 'nowhere' is not a zone or exit of the venue", message), message
    assert re.search(r"bad\.yaml:13 population\.groups\[0\]\.zone: 'ghost' is not a zone of the venue \(zones: a, b\)", message), message
