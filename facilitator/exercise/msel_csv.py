"""The MSEL as a spreadsheet: export to CSV and import back, losslessly.

Trainers keep MSELs in spreadsheets. One row per inject, with the usual MSEL columns (HSEEP MSEL
builder): id, module, scenario time or trigger or contingency, sender, recipients, delivery method,
text, expected actions, notes. Structured cells use a compact text form a person can edit:

- ``at``: a duration with its unit (``150 s``);
- ``when``: ``event=response.on_scene subject=patrol_1`` | ``zone=main_hall above=200`` |
  ``inside_below=10`` | ``casualties_above=3``; in a regional exercise also ``hospital_at_capacity=st_marys`` |
  ``units_exhausted=police`` | ``queued_above=0 kind=ambulance``;
- ``site`` (regional exercises only, after ``module``): the site an inject is about (empty: the first site
  with an incident);
- ``if_missing``: ``inject=I2 action=alert team=venue after=180 s``;
- ``to``: team ids separated by ``;``;
- ``expect``: one expected action per ``;``: ``venue alert within=120 s task=CT1.1``, optionally
  ``grace=60s`` and doctrine parameters ``doctrine.zones=main_hall,gallery``; a value holding a space
  is quoted as in a shell (``doctrine.duration='12 h'``); ``match=near_ccp`` lists the parameters a
  decision must share (``match=none``: any decision with the verb);
- ``discussion_only``: ``yes`` for an inject no action answers, empty otherwise.

Files written by spreadsheet programs are read whatever their encoding: UTF-8 (with or without a
byte-order mark), UTF-16 with a byte-order mark, or Windows-1252. A cell that starts with ``=``,
``+``, ``-``, ``@``, a tab, a carriage return or ``'`` is written with a leading ``'`` so a
spreadsheet shows it as text instead of running it as a formula (OWASP, *CSV Injection*); import
removes that one ``'`` again, so export then import gives back the same MSEL.

:func:`import_csv` returns MSEL items in file form, ready for the ``msel:`` list of an exercise file
(they are validated when that file is loaded). Every problem of a file is reported at once, each
naming the row and the column.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shlex
from typing import Any

from simsoft.errors import Problem
from simsoft.loader import read_file_bytes
from simsoft.schema import format_seconds

from facilitator.exercise.decisions import ExerciseError, _is_list_field
from facilitator.exercise.schema import (CasualtiesAbove, Exercise, FirstEvent, HospitalAtCapacity, Inject, InsideBelow,
                                         QueuedAbove, UnitsExhausted, ZoneAbove)

__all__ = ["COLUMNS", "REGIONAL_COLUMNS", "MAX_CSV_BYTES", "export_csv", "import_csv", "read_csv_text"]

COLUMNS = ("id", "module", "at", "when", "if_missing", "sender", "to", "method", "text", "expect", "discussion_only", "notes")
"""CSV columns, in order."""

REGIONAL_COLUMNS = (*COLUMNS[:2], "site", *COLUMNS[2:])
"""CSV columns of a regional exercise's MSEL (or any MSEL naming a site): ``site`` after ``module``."""

MAX_CSV_BYTES = 10 * 1024 * 1024
"""Largest MSEL CSV read (10 MB): a few thousand injects fit many times over."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
"""Cell starts a spreadsheet may read as a formula (OWASP CSV injection), and the escape mark itself."""


def _escape(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def _unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quote(text: str) -> str:
    return shlex.quote(text) if text == "" or any(c in text for c in " \t\n;'\"\\") else text


def _pairs(items: list[tuple[str, Any]]) -> str:
    return " ".join(f"{k}={_quote(_word(v))}" for k, v in items if v is not None)


def _when(trigger: Any) -> str:
    if isinstance(trigger, FirstEvent):
        return _pairs([("event", trigger.event), ("subject", trigger.subject)])
    if isinstance(trigger, ZoneAbove):
        return _pairs([("zone", trigger.zone), ("above", trigger.above)])
    if isinstance(trigger, InsideBelow):
        return _pairs([("inside_below", trigger.inside_below)])
    if isinstance(trigger, CasualtiesAbove):
        return _pairs([("casualties_above", trigger.casualties_above)])
    if isinstance(trigger, HospitalAtCapacity):
        return _pairs([("hospital_at_capacity", trigger.hospital_at_capacity)])
    if isinstance(trigger, UnitsExhausted):
        return _pairs([("units_exhausted", trigger.units_exhausted)])
    if isinstance(trigger, QueuedAbove):
        return _pairs([("queued_above", trigger.queued_above), ("kind", trigger.kind)])
    return ""


def _compact(seconds: float) -> str:
    return format_seconds(seconds).replace(" ", "")


def _row(inj: Inject) -> dict[str, str]:
    expect = []
    for e in inj.expect:
        parts = [_quote(e.team), _quote(e.action)]
        if e.within is not None:
            parts.append(f"within={_compact(e.within)}")
        if e.task is not None:
            parts.append(f"task={_quote(e.task)}")
        if e.grace is not None:
            parts.append(f"grace={_compact(e.grace)}")
        for k, v in e.doctrine.items():  # doctrine parameters as in a console decision: lists with commas
            shown = ",".join(_word(x) for x in v) if isinstance(v, list) else _word(v)
            parts.append(f"doctrine.{k}={_quote(shown)}")
        if e.match is not None:
            parts.append(f"match={_quote(','.join(e.match) or 'none')}")
        expect.append(" ".join(parts))
    cond = inj.if_missing
    row = {
        "id": inj.id,
        "module": inj.module,
        "site": inj.site or "",
        "at": format_seconds(inj.at) if inj.at is not None else "",
        "when": _when(inj.when) if inj.when is not None else "",
        "if_missing": _pairs([("inject", cond.inject), ("action", cond.action), ("team", cond.team),
                              ("after", _compact(cond.after))]) if cond else "",
        "sender": inj.sender,
        "to": ";".join(inj.to),
        "method": inj.method,
        "text": inj.text,
        "expect": "; ".join(expect),
        "discussion_only": "yes" if inj.discussion_only else "",
        "notes": inj.notes or "",
    }
    return {k: _escape(v) for k, v in row.items()}


def export_csv(exercise: Exercise) -> str:
    """The MSEL of ``exercise`` as CSV text (a header and one row per inject), formula-leading cells escaped.

    A regional exercise (or one whose injects name a site) has the ``site`` column (:data:`REGIONAL_COLUMNS`)."""
    regional = exercise.exercise.region is not None or any(inj.site for inj in exercise.msel)
    columns = REGIONAL_COLUMNS if regional else COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    # A bare carriage return is not quoted with a "\n" line end, yet readers take it as a row end.
    quoted = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for inj in exercise.msel:
        row = _row(inj)
        if not regional:
            del row["site"]
        (quoted if any("\r" in v for v in row.values()) else writer).writerow(row)
    return out.getvalue()


# --------------------------------------------------------------------------------------- import
class _Bad(Exception):
    """One problem in one cell (collected, then all reported together)."""


def read_csv_text(path: str | os.PathLike[str]) -> str:
    """The text of the CSV at ``path``, its encoding detected; raise :class:`ExerciseError` if it is not text.

    UTF-8 and UTF-16 byte-order marks are honoured; without one the file must be UTF-8 or, failing
    that, Windows-1252 (what spreadsheet programs on Windows write).
    """
    shown = os.fspath(path)

    def fail(rule: str) -> ExerciseError:
        return ExerciseError(Problem(file=shown, line=None, path="", rule=rule))

    try:
        raw = read_file_bytes(path, max_bytes=MAX_CSV_BYTES, kind="MSEL CSV files", what="a CSV file")
    except ValueError as exc:
        raise fail(str(exc)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_without_bom(raw) or "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise fail(f"is not valid {encoding.upper().replace('-SIG', '')} text (byte {exc.start})") from None
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise fail(f"is not text in UTF-8, UTF-16 or Windows-1252 (byte {exc2.start}); save it as CSV UTF-8") from None
    if "\x00" in text:
        raise fail("is not a CSV text file (it contains binary data); save it as CSV UTF-8")
    return text


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when ``raw`` looks like UTF-16 written without a byte-order mark.

    Text in the Latin alphabets written as UTF-16 has a zero byte in every other position; UTF-8
    and Windows-1252 text has none.

    >>> _utf16_without_bom("id,at".encode("utf-16-le")), _utf16_without_bom(b"id,at")
    ('utf-16-le', None)
    """
    if len(raw) < 4 or len(raw) % 2:
        return None
    even, odd = raw[0::2], raw[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def import_csv(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """MSEL items (file form) read from the CSV at ``path``.

    Raises :class:`ExerciseError` listing every problem, each naming the row and the column.
    """
    shown = os.fspath(path)
    text = read_csv_text(path)
    problems: list[Problem] = []

    def bad(row: int | None, column: str | None, rule: str) -> None:
        where = " ".join(p for p in (f"row {row}" if row else "", f"column {column}" if column else "") if p)
        problems.append(Problem(file=shown, line=None, path=where, rule=rule))

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_unescape(h).strip() for h in next(reader, [])]
        if not any(header):
            raise ExerciseError(Problem(file=shown, line=None, path="", rule="file is empty (it needs a header row)"))
        columns = ", ".join(REGIONAL_COLUMNS)
        missing = [c for c in ("id", "module", "to", "text") if c not in header]
        if missing:
            bad(1, None, f"missing column(s) {', '.join(missing)} (columns: {columns})")
        unknown = [c or "(blank)" for c in header if c not in REGIONAL_COLUMNS]
        if unknown:
            bad(1, None, f"unknown column(s) {', '.join(unknown)} (columns: {columns})")
        twice = sorted({c for c in header if header.count(c) > 1 and c})
        if twice:
            bad(1, None, f"column(s) {', '.join(twice)} appear more than once")
        if problems:
            raise ExerciseError(problems)
        items = []
        for n, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # a blank row, as spreadsheets leave at the end
            if len(cells) > len(header):
                extra = [c for c in cells[len(header):]]
                if any(c.strip() for c in extra):
                    bad(n, None, f"has {len(cells)} cells but the header names {len(header)} columns: "
                                 "remove the extra cells or add a column")
                    continue
            row = {h: _unescape(c) for h, c in zip(header, cells)}
            row_problems: list[tuple[str, str]] = []
            item = _item(row, row_problems)
            for column, rule in row_problems:
                bad(n, column, rule)
            if not row_problems:
                items.append(item)
    except csv.Error as exc:
        bad(reader.line_num, None, f"cannot be read as CSV ({exc})")
    if problems:
        raise ExerciseError(problems)
    return items


def _kv(text: str, column: str, problems: list[tuple[str, str]]) -> dict[str, str] | None:
    try:
        words = shlex.split(text)
    except ValueError as exc:
        problems.append((column, f"{text!r} cannot be read ({exc})"))
        return None
    out: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or not key:
            problems.append((column, f"{word!r} must be written key=value"))
            return None
        if key in out:
            problems.append((column, f"{key} is given twice"))
            return None
        out[key] = value
    return out


def _number(value: str, column: str, problems: list[tuple[str, str]]) -> int | str:
    try:
        return int(value)
    except ValueError:
        problems.append((column, f"{value!r} must be a whole number"))
        return value


def _unit(value: str) -> str:
    # "180s" -> "180 s": keep the file form readable.
    head = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    return f"{head} {value[len(head):]}" if head and head != value else value


def _scalar(value: str) -> Any:
    """A doctrine value as written in a decision: a whole number, a finite number, true/false or text."""
    if value in ("true", "false"):
        return value == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _expects(text: str, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError as exc:
        problems.append(("expect", f"cannot be read ({exc}); quote a value holding a space as 'like this'"))
        return []
    groups: list[list[str]] = [[]]
    for token in tokens:
        if token and set(token) == {";"}:
            groups.append([])
        else:
            groups[-1].append(token)
    out = []
    for words in (g for g in groups if g):
        if len(words) < 2:
            problems.append(("expect", f"{' '.join(words)!r} must be 'TEAM ACTION [within=DURATION] [task=ID]'"))
            continue
        one: dict[str, Any] = {"team": words[0], "action": words[1]}
        kv = _kv(" ".join(shlex.quote(w) for w in words[2:]), "expect", problems)
        for key, value in (kv or {}).items():
            if key.startswith("doctrine."):
                name = key.removeprefix("doctrine.")
                listed = _is_list_field(words[1], name) and value != "all"
                one.setdefault("doctrine", {})[name] = [_scalar(x) for x in value.split(",") if x] if listed else _scalar(value)
            elif key == "match":
                one["match"] = [] if value == "none" else [x for x in value.split(",") if x]
            else:
                one[key] = _unit(value) if key in ("within", "grace") else value
        out.append(one)
    return out


def _item(row: dict[str, str], problems: list[tuple[str, str]]) -> dict[str, Any]:
    get = {k: (v or "").strip() for k, v in row.items()}
    item: dict[str, Any] = {"id": get.get("id", ""), "module": get.get("module", "")}
    if get.get("site"):
        item["site"] = get["site"]
    if get.get("at"):
        item["at"] = get["at"]
    if get.get("when"):
        kv = _kv(get["when"], "when", problems)
        if kv is not None:
            when: dict[str, Any] = dict(kv)
            for key in ("above", "inside_below", "casualties_above", "queued_above"):
                if key in kv:
                    when[key] = _number(kv[key], "when", problems)
            item["when"] = when
    if get.get("if_missing"):
        kv = _kv(get["if_missing"], "if_missing", problems)
        if kv is not None:
            if "after" in kv:
                kv["after"] = _unit(kv["after"])
            item["if_missing"] = kv
    if get.get("sender"):
        item["sender"] = row["sender"]
    item["to"] = [t.strip() for t in get.get("to", "").split(";") if t.strip()]
    if get.get("method"):
        item["method"] = get["method"]
    item["text"] = row.get("text", "")  # text and notes as written: their spaces are the author's
    expect = _expects(get.get("expect", ""), problems)
    if expect:
        item["expect"] = expect
    flag = get.get("discussion_only", "").lower()
    if flag in ("yes", "true"):
        item["discussion_only"] = True
    elif flag not in ("", "no", "false"):
        problems.append(("discussion_only", f"{get['discussion_only']!r} must be yes or empty"))
    if get.get("notes"):
        item["notes"] = row["notes"]
    return item
