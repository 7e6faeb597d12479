"""Run folders: a versioned, self-describing record of one run, written atomically and read back.

``<out>/<scenario>/<UTC time>-s<seed>[-<variant>]/`` holds ``manifest.yaml``, ``events.jsonl``,
``metrics.json`` and ``timeseries.csv``. Files are written into a hidden temporary folder that is
renamed into place at the end, so a crash never leaves a half-written run folder. :func:`load_run`
reads a folder back into a :class:`~simsoft.engine.RunResult`, so reports never re-simulate.

>>> import tempfile
>>> from simsoft import run
>>> from simsoft.loader import scenario_from_dict
>>> hall = scenario_from_dict({"name": "tiny hall", "duration": "10 min",
...     "venue": {"zones": [{"id": "hall", "kind": "hall", "area_m2": 100}], "exits": [{"id": "street"}],
...               "connections": [{"id": "door", "from": "hall", "to": "street", "width_m": 2.0}]},
...     "population": {"groups": [{"zone": "hall", "count": 20}]}})
>>> result = run(hall, seed=1)
>>> folder = write_run(result, out_dir=tempfile.mkdtemp())
>>> sorted(p.name for p in folder.iterdir()) == sorted(RUN_FILES)
True
>>> back = load_run(folder)
>>> metrics_json(back) == metrics_json(result) and events_jsonl(back) == events_jsonl(result)
True
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any

import yaml

from simsoft.engine import RunResult
from simsoft.errors import SimsoftError
from simsoft.records import Event, Timeseries
from simsoft.schema import SCHEMA_VERSION, Scenario
from simsoft.schema.common import slug

__all__ = [
    "OUTPUT_FORMAT",
    "RUN_FILES",
    "write_run",
    "load_run",
    "events_jsonl",
    "metrics_json",
    "timeseries_csv",
    "manifest",
    "run_folder_name",
    "write_folder",
]

OUTPUT_FORMAT = "1"
"""Version of the run-folder layout; bump when a file changes shape."""

RUN_FILES = ("manifest.yaml", "events.jsonl", "metrics.json", "timeseries.csv")
"""Files that make a folder a run folder."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def events_jsonl(result: RunResult) -> str:
    """The events as JSON lines, keys sorted, compact: byte-identical for the same run."""
    return "".join(json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n" for e in result.events)


def metrics_json(result: RunResult) -> str:
    """The metrics as indented JSON with sorted keys."""
    return json.dumps(result.metrics, indent=2, sort_keys=True, allow_nan=False) + "\n"


def timeseries_csv(result: RunResult) -> str:
    """The time series in long form: ``t_s,quantity,subject,value``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.timeseries.COLUMNS)
    for t, q, s, v in result.timeseries.rows():
        writer.writerow((f"{t:g}", q, s, f"{v:.6g}"))
    return buf.getvalue()


def manifest(result: RunResult, *, created: _dt.datetime) -> dict[str, Any]:
    """What a reader needs to trust and reproduce the run."""
    from simsoft import __version__

    return {
        "output_format": OUTPUT_FORMAT,
        "simsoft_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "created_utc": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": result.seed,
        "variant": result.variant,
        "scenario_file": result.scenario.source,
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in ("simpy", "numpy", "networkx", "pydantic", "pyyaml")},
        "files": list(RUN_FILES),
        "scenario": result.scenario.model_dump(mode="json", by_alias=True),
    }


def run_folder_name(result: RunResult, *, created: _dt.datetime) -> str:
    """``20261129T140501Z-s42`` or ``20261129T140501Z-s42-wider_exits``."""
    name = f"{created.strftime('%Y%m%dT%H%M%SZ')}-s{result.seed}"
    return f"{name}-{result.variant}" if result.variant else name


def write_run(
    result: RunResult,
    *,
    out_dir: str | os.PathLike[str] = "outputs",
    created: _dt.datetime | None = None,
    extra: Callable[[Path], Iterable[str] | None] | None = None,
) -> Path:
    """Write ``result`` to a new run folder under ``out_dir/<scenario slug>/`` and return its path.

    ``extra`` is called with the temporary folder once the four record files are in it (figures and
    reports are added this way); the names it returns join the manifest's ``files``. If it raises,
    no run folder is left behind.
    """
    created = created or _dt.datetime.now(_dt.timezone.utc)

    def fill(tmp: Path) -> None:
        files = {
            "manifest.yaml": yaml.safe_dump(manifest(result, created=created), sort_keys=False, allow_unicode=True, width=100),
            "events.jsonl": events_jsonl(result),
            "metrics.json": metrics_json(result),
            "timeseries.csv": timeseries_csv(result),
        }
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if extra is not None:
            added = [n for n in (extra(tmp) or []) if n not in files]
            if added:
                data = manifest(result, created=created)
                data["files"] = [*data["files"], *added]
                (tmp / "manifest.yaml").write_text(
                    yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")

    return write_folder(Path(out_dir) / slug(result.scenario.name), run_folder_name(result, created=created), fill)


def write_folder(parent: Path, base: str, fill: Callable[[Path], None]) -> Path:
    """Create ``parent/base`` (``base-2``, ``base-3``... if taken) all at once and return it.

    ``fill`` writes the files into a temporary folder beside it, which is then renamed into place; if
    ``fill`` raises, nothing is left behind. Run folders and regional run folders are written this way.
    """
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / base
    n = 2
    while final.exists():
        final = parent / f"{base}-{n}"
        n += 1
    tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", suffix=".partial", dir=parent))
    try:
        fill(tmp)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def load_run(folder: str | os.PathLike[str]) -> RunResult:
    """Read a run folder back into a :class:`RunResult` (events, metrics, time series, resolved scenario).

    A folder that is not a run raises a one-line :class:`SimsoftError` naming what is missing.
    """
    path = Path(folder)
    if not path.is_dir():
        raise SimsoftError(f"{path}: not a folder")
    missing = [n for n in RUN_FILES if not (path / n).is_file()]
    if missing:
        raise SimsoftError(f"{path}: not a run folder (no {', '.join(missing)})")
    try:
        manifest = yaml.safe_load((path / "manifest.yaml").read_text(encoding="utf-8")) or {}
        scenario = Scenario.model_validate(manifest["scenario"])
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        events = []
        with open(path / "events.jsonl", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                events.append(Event(float(d["t_s"]), d["kind"], d.get("subject", ""), d.get("values") or {}))
        ts = Timeseries()
        with open(path / "timeseries.csv", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for t, q, s, v in reader:
                ts.t_s.append(float(t))
                ts.quantity.append(q)
                ts.subject.append(s)
                ts.value.append(float(v))
    except (KeyError, ValueError, TypeError, yaml.YAMLError) as exc:
        raise SimsoftError(f"{path}: unreadable run folder ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    return RunResult(scenario=scenario, seed=int(manifest.get("seed", 0)), variant=manifest.get("variant"),
                     events=tuple(events), timeseries=ts, metrics=metrics)
