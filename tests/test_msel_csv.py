"""The MSEL as CSV: lossless both ways for every shipped exercise, any spreadsheet encoding, no formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from simsoft.schema import FROM_FILE

from facilitator.exercise.decisions import ExerciseError
from facilitator.exercise.loader import load_exercise
from facilitator.exercise.msel_csv import export_csv, import_csv
from facilitator.exercise.schema import Inject

EXERCISES = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
# The MSEL CSV has no site column and no region triggers yet: regional exercises are left out.
SHIPPED = sorted(p for p in EXERCISES.glob("*.yaml") if not p.stem.endswith(("decisions", "hotwash", "evaluation"))
                 and "region" not in (yaml.safe_load(p.read_text(encoding="utf-8")).get("exercise") or {}))


def _back(path: Path) -> list[Inject]:
    return [Inject.model_validate(i, context=FROM_FILE) for i in import_csv(path)]


@pytest.mark.parametrize("exercise_file", SHIPPED, ids=lambda p: p.stem)
def test_export_then_import_is_lossless_for_every_shipped_exercise(tmp_path, exercise_file):
    msel = load_exercise(exercise_file).exercise.msel
    path = tmp_path / "msel.csv"
    path.write_text(export_csv(load_exercise(exercise_file).exercise), encoding="utf-8")
    assert _back(path) == list(msel)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_spreadsheet_encodings_are_detected(tmp_path, encoding):
    text = "id,module,to,text\nI1,M1,venue,Café – doors open\n"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "msel.csv"
    path.write_bytes(data)
    assert import_csv(path)[0]["text"] == "Café – doors open"


def test_not_text_is_refused(tmp_path):
    path = tmp_path / "msel.csv"
    path.write_bytes(b"id,module,to,text\nI1,M1,venue,\x81\x8d\x8f\n")
    with pytest.raises(ExerciseError, match=r"msel\.csv: is not text in UTF-8, UTF-16 or Windows-1252 \(byte 30\)"):
        import_csv(path)


def test_formula_cells_are_escaped_on_export_and_restored_on_import(tmp_path):
    ex = load_exercise(SHIPPED[0]).exercise
    texts = ["=HYPERLINK(\"http://x\")", "+1", "-2 people", "@SUM(A1)", "'quoted", "plain", "a\rb"]
    msel = [ex.msel[0].model_copy(update={"text": t, "sender": t, "notes": t}) for t in texts]
    text = export_csv(ex.model_copy(update={"msel": msel}))
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://x\")" in cells and "''quoted" in cells and "plain" in cells
    path = tmp_path / "msel.csv"
    path.write_text(text, encoding="utf-8")
    assert _back(path) == msel


def test_extra_cells_are_refused_naming_the_row(tmp_path):
    path = tmp_path / "msel.csv"
    path.write_text("id,module,to,text\nI1,M1,venue,hi\nI2,M1,venue,hi,surplus\n", encoding="utf-8")
    with pytest.raises(ExerciseError, match=r"msel\.csv row 3: has 5 cells but the header names 4 columns"):
        import_csv(path)


def test_every_bad_cell_is_named_by_row_and_column_at_once(tmp_path):
    path = tmp_path / "msel.csv"
    path.write_text("id,module,to,text,when,expect\nI1,M1,venue,hi,zone=hall above=many,venue\n"
                    "I2,M1,venue,hi,nonsense,venue alert within\n", encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        import_csv(path)
    text = str(info.value)
    assert "4 problems" in text
    assert "msel.csv row 2 column when: 'many' must be a whole number" in text
    assert "msel.csv row 2 column expect: 'venue' must be 'TEAM ACTION [within=DURATION] [task=ID]'" in text
    assert "msel.csv row 3 column when: 'nonsense' must be written key=value" in text
    assert "msel.csv row 3 column expect: 'within' must be written key=value" in text


def test_doctrine_values_with_spaces_round_trip(tmp_path):
    path = tmp_path / "msel.csv"
    path.write_text("id,module,to,text,at,expect\nI1,M3,recovery,hi,1 h,"
                    "recovery recovery task=CT6.2 doctrine.phase=clean_up doctrine.duration='12 h'; "
                    "police request_ambulances doctrine.count=6 doctrine.mutual_aid=true\n", encoding="utf-8")
    expect = import_csv(path)[0]["expect"]
    assert expect[0]["doctrine"] == {"phase": "clean_up", "duration": "12 h"}
    assert expect[1]["doctrine"] == {"count": 6, "mutual_aid": True}


def test_tab_and_carriage_return_leading_cells_are_escaped():
    from facilitator.exercise.msel_csv import _escape, _unescape

    for cell in ("\tTab", "\rCR", "=1", "+1", "-1", "@1", "'1"):
        assert _escape(cell) == "'" + cell and _unescape(_escape(cell)) == cell
    assert _escape("plain") == "plain"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(tmp_path, encoding):
    path = tmp_path / "msel.csv"
    path.write_bytes("id,module,to,text\nI1,M1,venue,Café – doors open\n".encode(encoding))  # no BOM
    assert import_csv(path)[0]["text"] == "Café – doors open"
