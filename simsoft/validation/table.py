"""The suite and library results as text tables (terminal), Markdown (docs) and JSON (``--out``).

Deterministic: no wall-clock times, numbers rounded to three significant figures, so a report only
changes when a result does.

>>> from simsoft.validation.spec import Band, Comparison
>>> from simsoft.validation.suite import SuiteResult, evaluate
>>> c = Comparison(id="median", role="calibration", figure="blair2014.police_median", quantity="q", published=3.0,
...                published_text="3 min", unit="min", metric="m", bands=[Band(rule="median_between", low=2.5, high=3.5)],
...                justification="j")
>>> r = evaluate(c, [180.0] * 10, case_id="police-arrival", case_title="t")
>>> print(format_suite(SuiteResult(results=(r,), seed=1)).splitlines()[-1])
validation: 0 of 0 comparisons pass; calibration (never counted as validation): 1 of 1 reproduce their source
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from simsoft.validation.library import REFERENCES, LibraryResult
from simsoft.validation.suite import ComparisonResult, Summary, SuiteResult

__all__ = ["format_suite", "suite_markdown", "suite_json", "format_library", "library_markdown", "verdict"]


def _n(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _u(unit: str) -> str:
    return "" if unit in ("", "count") else f" {unit}"


def _median(s: Summary, unit: str) -> str:
    if s.n == 0:
        return "not reached"
    return f"{_n(s.median)}{_u(unit)} [{_n(s.p5)}-{_n(s.p95)}]"


def _mean(s: Summary, unit: str) -> str:
    if s.n == 0:
        return "n/a"
    return f"{_n(s.mean)}{_u(unit)} [{_n(s.mean_ci_low)}, {_n(s.mean_ci_high)}]"


def verdict(r: ComparisonResult) -> str:
    """``pass``/``FAIL`` for validation, ``calib ok``/``calib drift`` for calibration."""
    if r.counts_as_validation:
        return "pass" if r.passed else "FAIL"
    return "calib ok" if r.passed else "calib drift"


def _suite_rows(results: Sequence[ComparisonResult]) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        c = r.comparison
        band = "; ".join(b.band for b in r.bands) + (f" ({r.note})" if r.note else "")
        rows.append((r.id, c.role, f"{c.published:g}{_u(c.unit)}", _median(r.summary, c.unit), _mean(r.summary, c.unit),
                     band, verdict(r)))
    return rows


_HEAD = ("case", "role", "published", "simulated median [5-95 %]", "mean [95 % CI]", "band", "result")


def _footer(result: SuiteResult) -> str:
    val, cal = result.of_role("validation"), result.of_role("calibration")
    return (f"validation: {sum(r.passed for r in val)} of {len(val)} comparisons pass; calibration (never counted as "
            f"validation): {sum(r.passed for r in cal)} of {len(cal)} reproduce their source")


def _text(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def format_suite(result: SuiteResult) -> str:
    """Plain-text table: one line per comparison, then the verdict line."""
    return "\n".join([*_text(_HEAD, _suite_rows(result.results)), _footer(result)])


def _md(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return out


def suite_markdown(result: SuiteResult) -> str:
    """The suite as a Markdown section (table, verdict, replications and seed)."""
    reps = ", ".join(f"{k} {v}" for k, v in sorted(result.replications.items()))
    return "\n".join([*_md(_HEAD, _suite_rows(result.results)), "", _footer(result) + ".", "",
                      f"Replications: {reps}; seed {result.seed}.", ""])


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if not math.isfinite(obj) else round(obj, 6)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def suite_json(result: SuiteResult, library: LibraryResult | None = None) -> str:
    """Every comparison with its figure, source key, band, simulated summary and verdict (and the library)."""
    data: dict[str, Any] = {
        "format": "simsoft-validation/1",
        "seed": result.seed,
        "replications": dict(sorted(result.replications.items())),
        "passed": result.passed,
        "comparisons": [
            {"id": r.id, "case": r.case_id, "title": r.case_title, "role": r.comparison.role,
             "figure": r.comparison.figure, "quantity": r.comparison.quantity, "published": r.comparison.published,
             "published_text": r.comparison.published_text, "unit": r.comparison.unit, "metric": r.comparison.metric,
             "summary": r.summary.to_dict(), "bands": [b.__dict__ for b in r.bands], "note": r.note,
             "justification": r.comparison.justification, "passed": r.passed, "result": verdict(r),
             "counts_as_validation": r.counts_as_validation}
            for r in result.results],
    }
    if library is not None:
        data["library"] = _library_data(library)
    return json.dumps(_clean(data), indent=2, sort_keys=False) + "\n"


def _library_data(lib: LibraryResult) -> dict[str, Any]:
    return {"replications": lib.replications, "seed": lib.seed,
            "scenarios": {name: [{"outcome": row.reference.label, "metric": row.reference.metric,
                                  "unit": row.reference.unit, "reference": row.range_text(),
                                  "rule": row.reference.range_text(), "excluded": row.excluded,
                                  "summary": row.summary.to_dict(), "status": row.status} for row in rows]
                          for name, rows in lib.rows.items()}}


def library_json(lib: LibraryResult) -> str:
    """The library table as JSON."""
    return json.dumps(_clean({"format": "simsoft-validation-library/1", **_library_data(lib)}), indent=2) + "\n"


_LIB_HEAD = ("outcome", "simulated median [5-95 %]", "mean [95 % CI]", "reference", "status")


def _library_rows(rows) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    out = []
    for row in rows:
        u = row.reference.unit
        missing = f" ({row.summary.missing} runs n/a)" if row.summary.missing and row.summary.n else ""
        if row.excluded:
            missing += f" ({row.excluded} runs left out)" if row.summary.n else f" (all {row.excluded} runs left out)"
        median = _median(row.summary, u)
        if row.reference.pooled and row.summary.n:
            median = "pooled " + median
        elif row.status == "n/a":
            median = "n/a"
        out.append((row.reference.label, median + missing, _mean(row.summary, u), row.range_text(), row.status))
    return out


def format_library(lib: LibraryResult) -> str:
    """One plain-text table per scenario."""
    lines = [f"library magnitudes: base variants, {lib.replications} replications each, seed {lib.seed}"]
    for name, rows in lib.rows.items():
        lines += ["", f"== {name}", *_text(_LIB_HEAD, _library_rows(rows))]
    flagged = sum(1 for rows in lib.rows.values() for r in rows if r.status == "OUT")
    lines += ["", f"{flagged} outcome(s) outside their reference range (flags to examine, not test failures)"]
    return "\n".join(lines)


def library_markdown(lib: LibraryResult) -> str:
    """The library tables as Markdown, then the reference ranges with their sources."""
    out = [f"Base variants, {lib.replications} replications each, seed {lib.seed}. Status: the simulated median "
           "(or the pooled value) inside (`in`) or outside (`OUT`) the reference range for that scene; `n/a`: no run "
           "the range applies to.", ""]
    for name, rows in lib.rows.items():
        out += [f"#### {name}", "", *_md(_LIB_HEAD, _library_rows(rows)), ""]
    out += ["Reference ranges (`simsoft/validation/library.py`, `REFERENCES`):", "",
            *_md(("outcome", "metric", "range", "source"),
                 [(r.label, f"`{r.metric}`", r.range_text(), r.source) for r in REFERENCES]), ""]
    return "\n".join(out)
