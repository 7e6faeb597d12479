"""The MSEL as a spreadsheet: export to CSV and import back, losslessly.

Trainers keep MSELs in spreadsheets. One row per inject, with the usual MSEL columns (HSEEP MSEL
builder): id, module, scenario time or trigger or contingency, sender, recipients, delivery method,
text, expected actions, notes. Structured cells use a compact text form a person can edit:

- ``at``: a duration with its unit (``150 s``);
- ``when``: ``event=response.on_scene subject=patrol_1`` | ``zone=main_hall above=200`` |
  ``inside_below=10`` | ``casualties_above=3``;
- ``if_missing``: ``inject=I2 action=alert team=venue after=180 s``;
- ``to``: team ids separated by ``;``;
- ``expect``: one expected action per ``;``: ``venue alert within=120 s task=CT1.1``, optionally
  ``grace=60s`` and doctrine parameters ``doctrine.zones=main_hall,gallery``.

:func:`import_csv` returns MSEL items in file form, ready for the ``msel:`` list of an exercise file
(they are validated when that file is loaded).
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any

from simsoft.schema import format_seconds

from facilitator.exercise.decisions import ExerciseError
from facilitator.exercise.schema import CasualtiesAbove, Exercise, FirstEvent, Inject, InsideBelow, ZoneAbove

__all__ = ["COLUMNS", "export_csv", "import_csv"]

COLUMNS = ("id", "module", "at", "when", "if_missing", "sender", "to", "method", "text", "expect", "notes")
"""CSV columns, in order."""


def _pairs(items: list[tuple[str, Any]]) -> str:
    return " ".join(f"{k}={v}" for k, v in items if v is not None)


def _when(trigger: Any) -> str:
    if isinstance(trigger, FirstEvent):
        return _pairs([("event", trigger.event), ("subject", trigger.subject)])
    if isinstance(trigger, ZoneAbove):
        return _pairs([("zone", trigger.zone), ("above", trigger.above)])
    if isinstance(trigger, InsideBelow):
        return _pairs([("inside_below", trigger.inside_below)])
    if isinstance(trigger, CasualtiesAbove):
        return _pairs([("casualties_above", trigger.casualties_above)])
    return ""


def _row(inj: Inject) -> dict[str, str]:
    expect = []
    for e in inj.expect:
        parts = [e.team, e.action]
        if e.within is not None:
            parts.append(f"within={format_seconds(e.within).replace(' ', '')}")
        if e.task is not None:
            parts.append(f"task={e.task}")
        if e.grace is not None:
            parts.append(f"grace={format_seconds(e.grace).replace(' ', '')}")
        for k, v in e.doctrine.items():  # doctrine parameters as in a console decision: lists with commas
            parts.append(f"doctrine.{k}={','.join(str(x) for x in v) if isinstance(v, list) else v}")
        expect.append(" ".join(parts))
    cond = inj.if_missing
    return {
        "id": inj.id,
        "module": inj.module,
        "at": format_seconds(inj.at) if inj.at is not None else "",
        "when": _when(inj.when) if inj.when is not None else "",
        "if_missing": _pairs([("inject", cond.inject), ("action", cond.action), ("team", cond.team),
                              ("after", format_seconds(cond.after).replace(" ", ""))]) if cond else "",
        "sender": inj.sender,
        "to": ";".join(inj.to),
        "method": inj.method,
        "text": inj.text,
        "expect": "; ".join(expect),
        "notes": inj.notes or "",
    }


def export_csv(exercise: Exercise) -> str:
    """The MSEL of ``exercise`` as CSV text (a header and one row per inject)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for inj in exercise.msel:
        writer.writerow(_row(inj))
    return out.getvalue()


def _kv(text: str, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in text.split():
        key, eq, value = word.partition("=")
        if not eq or not key:
            raise ExerciseError(f"{where}: {word!r} must be written key=value")
        out[key] = value
    return out


def _number(value: str, where: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ExerciseError(f"{where}: {value!r} must be a whole number") from None


def _unit(value: str) -> str:
    # "180s" -> "180 s": keep the file form readable.
    head = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    return f"{head} {value[len(head):]}" if head and head != value else value


def import_csv(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """MSEL items (file form) read from the CSV at ``path``; raises :class:`ExerciseError` naming the row."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("id", "module", "to", "text") if c not in (reader.fieldnames or [])]
        if missing:
            raise ExerciseError(f"{os.fspath(path)}: missing column(s) {', '.join(missing)} (columns: {', '.join(COLUMNS)})")
        unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
        if unknown:
            raise ExerciseError(f"{os.fspath(path)}: unknown column(s) {', '.join(unknown)} (columns: {', '.join(COLUMNS)})")
        items = []
        for n, row in enumerate(reader, start=2):
            where = f"{os.fspath(path)}:{n}"
            items.append(_item(row, where))
    return items


def _item(row: dict[str, str], where: str) -> dict[str, Any]:
    get = {k: (v or "").strip() for k, v in row.items() if k is not None}
    item: dict[str, Any] = {"id": get["id"], "module": get["module"]}
    if get.get("at"):
        item["at"] = get["at"]
    if get.get("when"):
        kv = _kv(get["when"], f"{where} when")
        for key in ("above", "inside_below", "casualties_above"):
            if key in kv:
                kv[key] = _number(kv[key], f"{where} when.{key}")  # type: ignore[assignment]
        item["when"] = kv
    if get.get("if_missing"):
        kv = _kv(get["if_missing"], f"{where} if_missing")
        if "after" in kv:
            kv["after"] = _unit(kv["after"])
        item["if_missing"] = kv
    if get.get("sender"):
        item["sender"] = get["sender"]
    item["to"] = [t.strip() for t in get["to"].split(";") if t.strip()]
    if get.get("method"):
        item["method"] = get["method"]
    item["text"] = get["text"]
    expect = []
    for part in [p.strip() for p in get.get("expect", "").split(";") if p.strip()]:
        words = part.split()
        if len(words) < 2:
            raise ExerciseError(f"{where} expect: {part!r} must be 'TEAM ACTION [within=DURATION] [task=ID]'")
        one: dict[str, Any] = {"team": words[0], "action": words[1]}
        for key, value in _kv(" ".join(words[2:]), f"{where} expect").items():
            if key.startswith("doctrine."):
                from facilitator.exercise.decisions import _is_list_field

                name = key.removeprefix("doctrine.")
                listed = _is_list_field(words[1], name) and value != "all"
                one.setdefault("doctrine", {})[name] = [x for x in value.split(",") if x] if listed else value
            else:
                one[key] = _unit(value) if key in ("within", "grace") else value
        expect.append(one)
    if expect:
        item["expect"] = expect
    if get.get("notes"):
        item["notes"] = get["notes"]
    return item
