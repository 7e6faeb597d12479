"""A regional exercise's MSEL as CSV (site column, region triggers) and its printed documents (Situation Manual with
the region's planning map, evaluator and controller packets with region release rules)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from facilitator.cli import exercise as exercise_cli
from facilitator.documents.packets import controller_packet, evaluator_packet, release_rule, situation_manual
from facilitator.exercise.loader import load_exercise
from facilitator.exercise.msel_csv import COLUMNS, REGIONAL_COLUMNS, export_csv, import_csv
from facilitator.exercise.schema import Inject

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"


def test_the_regional_msel_goes_to_csv_and_back_unchanged(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    text = export_csv(loaded.exercise)
    assert text.splitlines()[0] == ",".join(REGIONAL_COLUMNS)
    rows = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert rows["I3"].startswith("I3,M2,st_marks,,event=incident.start,")
    assert ",hospital_at_capacity=st_marys," in rows["I5"] and ",units_exhausted=police," in rows["I7"]
    assert "doctrine.sites=stadium" in rows["I1"]
    path = tmp_path / "msel.csv"
    path.write_text(text, encoding="utf-8")
    data = yaml.safe_load(EXERCISE.read_text(encoding="utf-8"))
    data["exercise"]["region"] = str(ROOT / "scenarios" / "regions" / "riverside-city.yaml")
    data["msel"] = import_csv(path)
    data["languages"] = {"fallback": "en"}  # the CSV carries the MSEL in the fallback language only
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert load_exercise(again).exercise.msel == loaded.exercise.msel


def test_queued_above_goes_to_csv_and_a_venue_msel_keeps_its_columns(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    inj = Inject.model_validate({"id": "Q1", "module": "M2", "when": {"queued_above": 2, "kind": "police"},
                                 "to": ["police_gold"], "text": "Requests wait."})
    ex = loaded.exercise.model_copy(update={"msel": [*loaded.exercise.msel, inj]})
    path = tmp_path / "msel.csv"
    path.write_text(export_csv(ex), encoding="utf-8")
    assert import_csv(path)[-1]["when"] == {"queued_above": 2, "kind": "police"}
    venue = load_exercise(ROOT / "scenarios" / "exercises" / "community-hall.yaml")
    assert export_csv(venue.exercise).splitlines()[0] == ",".join(COLUMNS)


def test_release_rules_say_the_site_and_the_region_trigger():
    loaded = load_exercise(EXERCISE)
    by_id = {i.id: i for i in loaded.exercise.msel}
    names = {"st_marks": "St Mark's", "st_marys": "St Mary's General"}
    assert release_rule(by_id["I3"], names=names) == "at St Mark's: when the simulation first records incident.start"
    assert release_rule(by_id["I5"], names=names) == "when St Mary's General has every bed taken or promised"
    assert release_rule(by_id["I7"]) == "when no shared police unit is free"


def test_the_printed_documents_of_a_regional_exercise(tmp_path: Path):
    loaded = load_exercise(EXERCISE)
    sitman = situation_manual(loaded, map_file="region-map.png")
    heads = [b[2] for b in sitman.blocks if b[0] == "h" and b[1] == 1]
    assert "The region" in heads and "The venue" not in heads
    tables = [b for b in sitman.blocks if b[0] == "table"]
    sites = next(t for t in tables if t[1][0] == "Site")
    assert [r[0] for r in sites[2]] == ["Central Station", "St Mark's", "Riverside Stadium", "Park Festival"]
    text = str(sitman.blocks)
    assert "incident" not in text.split("The region")[1].split("Modules")[0].lower()  # the map tells no outcome
    packet = str(controller_packet(loaded).blocks)
    assert "Region: riverside-city.yaml, seed 1" in packet
    assert "when St Mary's General (trauma unit) has every bed taken or promised" in packet
    assert "at St Mark's: when more than 0 people have been hurt" in str(evaluator_packet(loaded).blocks)
    res = CliRunner().invoke(exercise_cli, ["sitman", str(EXERCISE), "--out", str(tmp_path), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "region-map.png").stat().st_size > 20_000 and not (tmp_path / "venue-map.png").exists()
    for kind in ("eeg", "controller-packet"):
        res = CliRunner().invoke(exercise_cli, [kind, str(EXERCISE), "--out", str(tmp_path), "--no-pdf"])
        assert res.exit_code == 0, res.output
